"""One story in every place: the walk's keys as its help and the docs give them, searching
a legal form in the walk, and one definition of "needs attention" for `contacts list` and
`plan show`."""

from __future__ import annotations

from pathlib import Path

import pytest

from socketcli.cli.contacts.walk import keys_help
from socketcli.domain.matching import ContactIndex
from socketcli.domain.records import XeroContact
from socketcli.services.contacts import SHOWN_CANDIDATES, Book
from tests.runner import Socket

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_walks_help_docs_and_candidates_agree_on_the_number_keys() -> None:
    assert keys_help().startswith(f"1-{SHOWN_CANDIDATES}  link to that candidate")
    assert (
        f"| `1`-`{SHOWN_CANDIDATES}` | link to that candidate" in (DOCS / "commands.md").read_text()
    )
    # The walk never shows more candidates than there are keys for.
    contacts = [XeroContact(f"id-{n}", f"Acme Trading {n} Ltd") for n in range(20)]
    assert len(ContactIndex(contacts).search("acme")) == SHOWN_CANDIDATES
    assert Book.candidates.__defaults__ == (SHOWN_CANDIDATES,)


CONTACTS = [
    XeroContact("1", "Acme Ltd"),
    XeroContact("2", "Brightwater Dental LLP"),
    XeroContact("3", "Castle St Deli LIMITED"),
    XeroContact("4", "Jones & Sons"),
    XeroContact("5", "Mr Ltd Smith"),
]


@pytest.mark.parametrize("term", ["ltd", "LTD", "Ltd", " ltd ", "limited", "Limited"])
def test_searching_a_legal_form_finds_the_names_that_hold_it(term: str) -> None:
    found = {c.contact.name for c in ContactIndex(CONTACTS).search(term)}
    assert found == {"Acme Ltd", "Castle St Deli LIMITED", "Mr Ltd Smith"}


def test_searching_a_name_still_ranks_it_first() -> None:
    index = ContactIndex(CONTACTS)
    assert index.search("acme ltd")[0].contact.name == "Acme Ltd"
    assert index.search("jones and sons")[0].contact.name == "Jones & Sons"
    assert index.search("llp")[0].contact.name == "Brightwater Dental LLP"
    assert index.search("zz") == []


def test_contacts_list_and_plan_show_count_the_same_clients_needing_attention(
    socket: Socket,
) -> None:
    socket.ok("playground")
    listed = socket.ok("--playground", "contacts", "list", "--unmatched")
    waiting = {
        row["reference"] for row in socket.json("--playground", "contacts", "list", "--unmatched")
    }
    plan = socket.json("--playground", "plan", "show")
    shown = socket.ok("--playground", "plan", "show")

    assert plan["totals"]["needing_attention"] == len(waiting)
    count = f"{len(waiting)} clients need attention"
    assert count in listed.stderr
    assert count in shown.stderr

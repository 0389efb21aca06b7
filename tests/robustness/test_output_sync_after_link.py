"""What `socket sync` does after a link, as docs/contacts.md and docs/sync.md both say:
linking renames nothing in Xero; the first sync only fills what Xero leaves empty (the
ContactNumber, an email Xero lacks); a change made in socket after that is pushed.
"""

from __future__ import annotations

from pathlib import Path

from socketcli.sandbox import Sandbox
from tests.runner import Socket
from tests.sync.conftest import connected, pointed, store, xero  # noqa: F401  (fixtures)
from tests.sync.sync_helpers import contact_named

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_first_sync_after_a_link_renames_nothing_and_fills_what_xero_lacks(
    socket: Socket,
    connected: Sandbox,  # noqa: F811
) -> None:
    socket.ok("clients", "add", "CITY", "CITY LIMO", "--email", "billing@citylimo.test")
    socket.ok("clients", "add", "BOOK", "Book Nook Ltd", "--email", "hello@booknook.test")
    socket.ok("sync", "--quiet")  # the mirror, for linking by name
    socket.ok("contacts", "link", "CITY", "City Limousines")
    socket.ok("contacts", "link", "BOOK", "Book Nook")

    first = socket.json("sync")

    pushed = {p["reference"]: p["changes"] for p in first["clients_pushed"]}
    assert pushed == {
        "CITY": {"contact_number": {"xero": "", "socket": "CITY"}},
        "BOOK": {
            "email": {"xero": "", "socket": "hello@booknook.test"},
            "contact_number": {"xero": "", "socket": "BOOK"},
        },
    }
    city = contact_named(connected, "City Limousines")  # not renamed CITY LIMO
    assert (city["EmailAddress"], city["ContactNumber"]) == (
        "accounts@citylimousines.co.uk",  # Xero's email stays
        "CITY",
    )
    book = contact_named(connected, "Book Nook")
    assert (book["EmailAddress"], book["ContactNumber"]) == ("hello@booknook.test", "BOOK")
    assert first["conflicts"] == []

    # A second sync has nothing to push: the link's base is what Xero had.
    assert socket.json("sync")["clients_pushed"] == []

    # A change made in socket after the link is pushed.
    socket.ok("clients", "edit", "CITY", "--name", "City Limousines Ltd")
    later = socket.json("sync")
    assert [p["changes"] for p in later["clients_pushed"]] == [
        {"name": {"xero": "City Limousines", "socket": "City Limousines Ltd"}}
    ]
    assert contact_named(connected, "City Limousines Ltd")["ContactID"] == city["ContactID"]


def test_both_documents_say_the_same_of_a_new_link() -> None:
    contacts = " ".join((DOCS / "contacts.md").read_text().split())
    sync = " ".join((DOCS / "sync.md").read_text().split())
    assert "changes nothing Xero has: the contact keeps its name and its email" in contacts
    assert "First sight of a link: linking renames nothing." in sync
    assert "any difference is pushed" not in sync
    for text in (contacts, sync):
        assert "ContactNumber" in text
        assert "when Xero has none" in text

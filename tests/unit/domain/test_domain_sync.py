"""Which side wins, decided by a pure function: socket's changes are pushed, Xero's edits to
fields socket did not change stand, and a field changed on both sides is socket's, reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from socketcli.domain.records import Client, XeroContact
from socketcli.domain.sync import (
    FieldChange,
    PushDecision,
    PushedDetails,
    SyncConflict,
    clients_from_contacts,
    decide_pushes,
)

NOW = datetime(2026, 11, 21, 2, 17, tzinfo=UTC)
CONTACT = XeroContact("c-1", "City Limousines", "accounts@citylimos.co.uk", "CITY")
CLIENT = Client("CITY", "City Limousines", "accounts@citylimos.co.uk", xero_contact_id="c-1", id=1)
BASE = PushedDetails(1, "c-1", "City Limousines", "accounts@citylimos.co.uk", "CITY", NOW)


def decide(client: Client, contact: XeroContact, base: PushedDetails | None = BASE) -> PushDecision:
    return decide_pushes([client], {contact.contact_id: contact}, {1: base} if base else {}, NOW)


def test_nothing_changed_nothing_is_pushed_or_written() -> None:
    decision = decide(CLIENT, CONTACT)

    assert (decision.pushes, decision.agreed, decision.warnings) == ((), (), ())


def test_a_new_link_changes_nothing_xero_has_and_fills_what_it_lacks() -> None:
    """Linking City Limousines to Xero's CITY LIMOUSINES must not rename the contact: Xero's
    name stands, and socket's own name becomes the base, so only a later change is pushed."""
    decision = decide(
        CLIENT, XeroContact("c-1", "CITY LIMOUSINES", "accounts@citylimos.co.uk"), None
    )

    (push,) = decision.pushes
    assert push.pushed.changes == (FieldChange("contact_number", "", "CITY"),)
    assert push.conflicts == ()
    assert push.base == BASE

    renamed = Client(
        "CITY", "City Limousines Ltd", "accounts@citylimos.co.uk", xero_contact_id="c-1", id=1
    )
    later = decide(
        renamed,
        XeroContact("c-1", "CITY LIMOUSINES", "accounts@citylimos.co.uk", contact_number="CITY"),
        push.base,
    )
    (rename,) = later.pushes
    assert rename.pushed.changes == (FieldChange("name", "CITY LIMOUSINES", "City Limousines Ltd"),)


def test_a_link_seen_for_the_first_time_that_agrees_records_its_base_only() -> None:
    decision = decide(CLIENT, CONTACT, None)

    assert decision.pushes == ()
    assert decision.agreed == (BASE,)


def test_changed_in_socket_only_is_pushed() -> None:
    moved = Client(
        "CITY", "City Limousines", "billing@citylimos.co.uk", xero_contact_id="c-1", id=1
    )

    (push,) = decide(moved, CONTACT).pushes

    assert (push.change.name, push.change.email, push.change.contact_number) == (
        None,
        "billing@citylimos.co.uk",
        None,
    )
    assert push.conflicts == ()


def test_changed_in_xero_only_stays_as_xero_has_it() -> None:
    renamed = XeroContact("c-1", "City Limos (UK)", "ACCOUNTS@citylimos.co.uk", "CITY")

    decision = decide(CLIENT, renamed)

    assert decision.pushes == ()
    assert decision.agreed == ()


def test_changed_on_both_sides_socket_wins_and_the_conflict_names_both_values() -> None:
    ours = Client(
        "CITY", "City Limousines Ltd", "accounts@citylimos.co.uk", xero_contact_id="c-1", id=1
    )
    theirs = XeroContact("c-1", "City Limos (UK)", "ops@citylimos.co.uk", "CITY")

    (push,) = decide(ours, theirs).pushes

    assert push.change.name == "City Limousines Ltd"
    assert push.change.email is None  # changed in Xero only: left alone
    assert push.conflicts == (
        SyncConflict(
            "CITY", "c-1", "name", "City Limousines Ltd", "City Limos (UK)", "City Limousines"
        ),
    )
    assert push.base.email == "accounts@citylimos.co.uk"  # still socket's last word on it


def test_both_sides_made_the_same_change_is_no_conflict() -> None:
    ours = Client("CITY", "City Limos", "accounts@citylimos.co.uk", xero_contact_id="c-1", id=1)
    theirs = XeroContact("c-1", "City Limos", "accounts@citylimos.co.uk", "CITY")

    decision = decide(ours, theirs)

    assert decision.pushes == ()
    assert [d.name for d in decision.agreed] == ["City Limos"]


def test_an_empty_email_in_socket_never_clears_xeros() -> None:
    no_email = Client("CITY", "City Limousines", "", xero_contact_id="c-1", id=1)

    assert decide(no_email, CONTACT, None).pushes == ()


def test_archived_and_unknown_contacts_are_warned_about_not_written() -> None:
    archived = XeroContact("c-1", "City Limousines", status="ARCHIVED")

    decision = decide(CLIENT, archived)
    unknown = decide_pushes([CLIENT], {}, {}, NOW)

    assert decision.pushes == ()
    assert "archived in Xero" in decision.warnings[0]
    assert unknown.pushes == ()
    assert "that Xero does not list (c-1)" in unknown.warnings[0]


def test_a_merge_is_followed_to_the_contact_it_ends_at() -> None:
    old = XeroContact("c-1", "City Limos", status="ARCHIVED", merged_to="c-2")
    middle = XeroContact("c-2", "City Limousines", status="ARCHIVED", merged_to="c-3")
    last = XeroContact("c-3", "City Limousines Ltd")
    contacts = {c.contact_id: c for c in (old, middle, last)}

    (warning,) = decide_pushes([CLIENT], contacts, {}, NOW).warnings
    assert "merged into 'City Limousines Ltd' in Xero" in warning

    retired = replace(last, status="ARCHIVED")  # the chain ends at an archived contact
    (warning,) = decide_pushes([CLIENT], {**contacts, "c-3": retired}, {}, NOW).warnings
    assert "archived in Xero" in warning
    assert "merged into" not in warning


def test_clients_from_contacts_takes_free_contact_numbers_and_makes_the_rest() -> None:
    contacts = [
        XeroContact("c-1", "City Limousines", contact_number="CITY"),
        XeroContact("c-2", "Zeta City Cars", contact_number="CITY"),  # CITY is taken by then
        XeroContact("c-3", "Acme & Co", email="not an email"),
        XeroContact("c-4", "Old Customer", status="ARCHIVED"),
        XeroContact("c-5", "A Supplier", is_customer=False),
        XeroContact("c-6", "Linked Already"),
    ]
    existing = [Client("LINKED", "Linked Already", xero_contact_id="c-6")]

    made = {
        new.contact_id: (client, new) for client, new in clients_from_contacts(existing, contacts)
    }

    assert sorted(made) == ["c-1", "c-2", "c-3"]
    assert made["c-1"][0].reference == "CITY"
    assert made["c-2"][0].reference == "ZETACITY"
    assert (made["c-3"][0].reference, made["c-3"][0].email) == ("ACMECO", "")


def test_a_client_linked_from_xero_no_longer_waits_for_a_new_contact() -> None:
    waiting = Client("CITY", "City", new_xero_contact=True)
    ((client, _),) = clients_from_contacts([waiting], [CONTACT])
    assert (client.xero_contact_id, client.new_xero_contact) == ("c-1", False)


def test_nothing_is_pushed_to_a_merged_contact_even_one_xero_lists_as_active() -> None:
    merged = replace(CONTACT, merged_to="c-2")
    decision = decide(replace(CLIENT, name="City Limos"), merged)
    assert decision.pushes == ()
    assert len(decision.warnings) == 1

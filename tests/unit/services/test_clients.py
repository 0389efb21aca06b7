"""Clients: adding, editing, closing, showing and listing them."""

from __future__ import annotations

from datetime import date

import pytest

from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.model import YearEnd
from socketcli.domain.months import Month
from socketcli.ports.xero import XeroBrandingTheme
from socketcli.services.clients import (
    ClientChanges,
    add_client,
    close_client,
    edit_client,
    list_clients,
    reopen_client,
    show_client,
)
from socketcli.services.plan import approve_plan
from tests.fakes import FakeClock, FakeStore
from tests.unit.services.given import a_client, a_draft, a_service, an_accepted_proposal, the_client


def test_a_new_client_is_stored_with_its_details_checked_and_an_id(store: FakeStore) -> None:
    added = add_client(
        store.open,
        "ACME",
        "  Acme   Ltd ",
        ClientChanges(email="ops@acme.test", year_end="31/03", payment_terms="EOM:20"),
    )

    stored = the_client(store, "ACME")
    assert stored == added
    assert stored.id is not None
    assert (stored.name, stored.email, stored.year_end, stored.payment_terms) == (
        "Acme Ltd",
        "ops@acme.test",
        YearEnd(3, 31),
        "eom:20",
    )


def test_a_second_client_with_the_same_reference_is_refused(store: FakeStore) -> None:
    a_client(store, "ACME", "Acme Ltd")
    commits = store.commits

    with pytest.raises(Conflict, match="already exists"):
        add_client(store.open, "ACME", "Another Acme", ClientChanges())

    assert store.commits == commits
    assert [c.name for c in store.view().clients.all()] == ["Acme Ltd"]


@pytest.mark.parametrize(
    ("reference", "changes", "complaint"),
    [
        ("ACME LTD", ClientChanges(), "one word"),
        ("ACME", ClientChanges(email="not-an-email"), "not an email"),
        ("ACME", ClientChanges(year_end="31-02"), "not a day and month"),
        ("ACME", ClientChanges(invoice_day="32"), "invoice day"),
        ("ACME", ClientChanges(tracking="Region"), "Category:Option"),
    ],
)
def test_a_client_with_a_bad_detail_is_not_stored(
    store: FakeStore, reference: str, changes: ClientChanges, complaint: str
) -> None:
    with pytest.raises(InvalidInput, match=complaint):
        add_client(store.open, reference, "Acme Ltd", changes)

    assert store.commits == 0
    assert store.view().clients.all() == []


def test_editing_a_client_found_by_its_name_changes_only_what_is_given(store: FakeStore) -> None:
    before = a_client(store, "ACME", "Acme Ltd", email="ops@acme.test", invoice_day="15")

    edit_client(store.open, "acme ltd", ClientChanges(email="", consolidate="yes"))

    stored = the_client(store, "ACME")
    assert stored.id == before.id
    assert (stored.email, stored.consolidate, stored.invoice_day) == ("", True, 15)


def test_a_name_that_two_clients_share_asks_for_a_reference(store: FakeStore) -> None:
    a_client(store, "ACME1", "Acme Ltd")
    a_client(store, "ACME2", "Acme Ltd")

    with pytest.raises(NotFound, match="ACME1, ACME2"):
        edit_client(store.open, "Acme Ltd", ClientChanges(email="x@acme.test"))

    assert {c.email for c in store.view().clients.all()} == {""}


def test_a_branding_theme_takes_the_mirrors_spelling_once_it_has_themes(store: FakeStore) -> None:
    a_client(store, "ACME", "Acme Ltd")
    with store.open(write=True) as uow:
        uow.mirror.save_branding_themes("tenant-1", [XeroBrandingTheme("b-1", "Standard")])
        uow.commit()

    with pytest.raises(InvalidInput, match="not one of the organisation's branding themes"):
        edit_client(store.open, "ACME", ClientChanges(branding_theme="Fancy"))
    edit_client(store.open, "ACME", ClientChanges(branding_theme="standard"))

    stored = the_client(store, "ACME")
    assert stored.branding_theme == "Standard"


def test_closing_a_client_sets_its_last_billable_month_and_reopening_clears_it(
    store: FakeStore, clock: FakeClock
) -> None:
    a_client(store, "ACME", "Acme Ltd")

    close_client(store.open, "ACME", Month(2027, 3))
    closed = the_client(store, "ACME")
    done = reopen_client(store.open, clock, "ACME")
    reopened = the_client(store, "ACME")

    assert closed.last_billable_month == Month(2027, 3)
    assert reopened.last_billable_month is None
    assert (done.was_last_billable, done.billed_again_from, done.had_stopped) == (
        Month(2027, 3),
        Month(2027, 4),
        False,
    )


def test_a_client_that_is_not_closed_cannot_be_reopened(store: FakeStore, clock: FakeClock) -> None:
    a_client(store, "ACME", "Acme Ltd")

    commits = store.commits

    with pytest.raises(Conflict, match=r"ACME \(Acme Ltd\) is not closed"):
        reopen_client(store.open, clock, "ACME")

    assert store.commits == commits


def test_a_client_reopened_after_months_finalised_without_it_is_billed_from_the_next(
    store: FakeStore, clock: FakeClock
) -> None:
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery")
    a_service(store, "Bookkeeping")
    a_service(store, "Payroll")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")
    an_accepted_proposal(store, clock, "P2", "BETA", "Bookkeeping=50")
    close_client(store.open, "ACME", Month(2026, 12))
    approve_plan(store.open, clock, Month(2026, 12), "Jo")
    approve_plan(store.open, clock, Month(2027, 1), "Jo")
    # A service started while it was closed, in a month finalised without it.
    an_accepted_proposal(store, clock, "P3", "ACME", "Payroll=40", start=date(2027, 1, 1))

    done = reopen_client(store.open, clock, "ACME")

    assert (done.billed_again_from, done.finalised_without_it) == (
        Month(2027, 2),
        (Month(2027, 1),),
    )
    assert done.had_stopped
    with store.open() as uow:
        assert uow.plan.unfrozen_lines(Month(2027, 1)) == []  # nothing of it outstanding
        february = {
            line.client_id for line in uow.plan.billable_lines(Month(2027, 2), Month(2027, 2))
        }
    assert the_client(store, "ACME").id in february


def test_a_client_cannot_close_before_a_finalised_month(store: FakeStore, clock: FakeClock) -> None:
    a_client(store, "ACME", "Acme Ltd")
    a_service(store, "Bookkeeping")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")
    approve_plan(store.open, clock, Month(2026, 12), "Jo")

    with pytest.raises(Conflict, match="already finalised"):
        close_client(store.open, "ACME", Month(2026, 11))
    close_client(store.open, "ACME", Month(2026, 12))

    stored = the_client(store, "ACME")
    assert stored.last_billable_month == Month(2026, 12)


def test_showing_a_client_shows_its_proposals_only(store: FakeStore) -> None:
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery")
    a_service(store, "Bookkeeping")
    a_draft(store, "P2", "ACME", "Bookkeeping=100")
    a_draft(store, "P1", "ACME", "Bookkeeping=90", start=date(2027, 1, 1))
    a_draft(store, "P3", "BETA", "Bookkeeping=50")

    detail = show_client(store.open, "Acme Ltd")

    assert detail.client.reference == "ACME"
    assert [p.reference for p in detail.proposals] == ["P1", "P2"]


def test_clients_are_listed_by_name(store: FakeStore) -> None:
    a_client(store, "Z1", "acme ltd")
    a_client(store, "A1", "Zebra Ltd")
    a_client(store, "M1", "Beta Bakery")

    assert [c.reference for c in list_clients(store.open)] == ["Z1", "M1", "A1"]

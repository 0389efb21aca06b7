"""The monthly plan: what it bills, month against month, one client's invoices, and approval."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.errors import Conflict, StoreNotReady
from socketcli.domain.links import LinkStatus
from socketcli.domain.model import ChangeType, InvoiceKind
from socketcli.domain.months import Month
from socketcli.domain.records import XeroContact
from socketcli.services.clients import ClientChanges, close_client, edit_client
from socketcli.services.contacts import link
from socketcli.services.plan import approve_plan, diff_plan, preview_invoice, show_plan
from socketcli.services.proposals import LineSpec, change_proposal
from socketcli.services.settings import set_setting
from tests.fakes import NOW, FakeClock, FakeStore
from tests.unit.services.given import (
    a_client,
    a_service,
    an_accepted_proposal,
    xero_contacts,
)

DECEMBER = Month(2026, 12)
JANUARY = Month(2027, 1)


@pytest.fixture
def practice(store: FakeStore, clock: FakeClock) -> FakeStore:
    """Acme (year end 31 March, bookkeeping and quarterly VAT) and Beta (payroll), both from
    December; Cobb, whose proposal starts in January."""
    a_client(store, "ACME", "Acme Ltd", year_end="31-03")
    a_client(store, "BETA", "Beta Bakery", payment_terms="following:20", invoice_day="15")
    a_client(store, "COBB", "Cobb & Co")
    a_service(store, "Bookkeeping", alignment=True)
    a_service(store, "VAT returns", "quarterly_in_advance")
    a_service(store, "Payroll")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100", "VAT returns=240")
    an_accepted_proposal(store, clock, "P2", "BETA", "Payroll=3x25")
    an_accepted_proposal(store, clock, "P3", "COBB", "Payroll=60", start=date(2027, 1, 1))
    return store


def test_a_store_without_clients_has_no_plan(store: FakeStore, clock: FakeClock) -> None:
    with pytest.raises(StoreNotReady, match="no clients yet"):
        show_plan(store.read, clock)


def test_the_plan_shows_the_next_month_with_what_each_client_is_billed(
    practice: FakeStore, clock: FakeClock
) -> None:
    report = show_plan(practice.read, clock)

    assert (report.month, report.finalised) == (DECEMBER, False)
    assert [(r.reference, r.amount, r.line_count, r.invoice_count) for r in report.rows] == [
        # 100 + 240 VAT + an alignment fee for April to November (8 x 100)
        ("ACME", Decimal("1140.00"), 3, 1),
        ("BETA", Decimal("75.00"), 1, 1),
    ]
    assert report.total == Decimal("1215.00")


def test_alignment_fees_go_on_an_invoice_of_their_own_when_the_practice_says_so(
    practice: FakeStore, clock: FakeClock
) -> None:
    set_setting(practice.open, "alignment_invoicing", "separate")

    preview = preview_invoice(practice.read, clock, "ACME")

    assert [(i.kind, i.total) for i in preview.invoices] == [
        (InvoiceKind.RECURRING, Decimal("340.00")),
        (InvoiceKind.ALIGNMENT, Decimal("800.00")),
    ]


def test_a_quarterly_service_bills_once_a_quarter(practice: FakeStore, clock: FakeClock) -> None:
    acme = [
        sum(r.amount for r in show_plan(practice.read, clock, month).rows if r.reference == "ACME")
        for month in (JANUARY, Month(2027, 2), Month(2027, 3))
    ]

    assert acme == [Decimal("100.00"), Decimal("100.00"), Decimal("340.00")]


def test_a_closed_client_is_not_billed_after_its_last_month(
    practice: FakeStore, clock: FakeClock
) -> None:
    close_client(practice.open, "BETA", DECEMBER)

    assert [r.reference for r in show_plan(practice.read, clock, JANUARY).rows] == [
        "ACME",
        "COBB",
    ]


def test_the_plan_warns_about_clients_whose_link_needs_a_person(
    practice: FakeStore, clock: FakeClock
) -> None:
    xero_contacts(practice, XeroContact("c-1", "Acme Limited"), XeroContact("c-2", "Beta Bakery"))
    link(practice.open, "ACME", "c-1")
    link(practice.open, "BETA", "c-2")
    xero_contacts(practice, XeroContact("c-1", "Acme Limited", status="ARCHIVED"))  # since

    rows = {r.reference: r for r in show_plan(practice.read, clock).rows}

    assert rows["ACME"].link.status is LinkStatus.ARCHIVED
    assert rows["ACME"].warning == "its Xero contact Acme Limited is archived in Xero"
    assert (rows["BETA"].link.status, rows["BETA"].warning) == (LinkStatus.LINKED, None)


def test_an_invoice_preview_dates_and_words_the_clients_invoice(
    practice: FakeStore, clock: FakeClock
) -> None:
    [invoice] = preview_invoice(practice.read, clock, "Beta Bakery").invoices

    assert (invoice.invoice_date, invoice.due_date, invoice.reference) == (
        date(2026, 12, 15),
        date(2027, 1, 20),
        "BETA Dec 2026",
    )
    assert [(line.description, line.line_amount) for line in invoice.lines] == [
        ("Payroll – Dec 2026", Decimal("75.00"))
    ]


def test_approving_the_plan_freezes_its_invoices(practice: FakeStore, clock: FakeClock) -> None:
    report = approve_plan(practice.open, clock, None, "Jo")

    snapshot = practice.view().snapshots.get(DECEMBER)
    assert snapshot is not None
    assert (report.month, report.invoices, report.total) == (DECEMBER, 2, Decimal("1215.00"))
    assert [i.client_reference for i in snapshot.invoices] == ["ACME", "BETA"]
    assert (snapshot.total, snapshot.finalised_by, snapshot.finalised_at) == (
        Decimal("1215.00"),
        "Jo",
        NOW,
    )


def test_an_approved_month_keeps_its_figures_and_the_plan_moves_on(
    practice: FakeStore, clock: FakeClock
) -> None:
    approve_plan(practice.open, clock, DECEMBER, "Jo")
    change_proposal(practice.open, "P2", JANUARY, clock, set_lines=[LineSpec.parse("Payroll=4x25")])

    december = show_plan(practice.read, clock, DECEMBER)
    following = show_plan(practice.read, clock)

    assert (december.finalised, december.total) == (True, Decimal("1215.00"))
    assert following.month == JANUARY


def test_a_month_is_approved_once(practice: FakeStore, clock: FakeClock) -> None:
    approve_plan(practice.open, clock, DECEMBER, "Jo")
    commits = practice.commits
    clock.advance(hours=1)

    with pytest.raises(Conflict, match="already finalised"):
        approve_plan(practice.open, clock, DECEMBER, "Sam")

    assert practice.commits == commits
    snapshot = practice.view().snapshots.get(DECEMBER)
    assert snapshot is not None
    assert (snapshot.finalised_by, snapshot.finalised_at) == ("Jo", NOW)


def test_approving_an_empty_store_commits_nothing(store: FakeStore, clock: FakeClock) -> None:
    with pytest.raises(StoreNotReady):
        approve_plan(store.open, clock, DECEMBER, "Jo")

    assert store.commits == 0
    assert store.view().snapshots.latest_finalised() is None


def test_the_diff_sorts_clients_by_how_their_billing_changed(
    practice: FakeStore, clock: FakeClock
) -> None:
    change_proposal(practice.open, "P2", JANUARY, clock, set_lines=[LineSpec.parse("Payroll=4x25")])

    report = diff_plan(practice.read, clock, JANUARY)

    assert (report.previous_month, report.previous_source) == (DECEMBER, "computed")
    assert [(r.reference, r.change, r.previous_amount, r.amount) for r in report.rows] == [
        ("ACME", ChangeType.CONTRACTED, Decimal("1140.00"), Decimal("100.00")),
        ("BETA", ChangeType.EXPANDED, Decimal("75.00"), Decimal("100.00")),
        ("COBB", ChangeType.NEW, Decimal("0.00"), Decimal("60.00")),
    ]
    assert [(t.change, t.clients, t.difference) for t in report.totals] == [
        (ChangeType.NEW, 1, Decimal("60.00")),
        (ChangeType.EXPANDED, 1, Decimal("25.00")),
        (ChangeType.CONTRACTED, 1, Decimal("-1040.00")),
    ]


def test_the_diff_compares_with_the_finalised_month_and_can_show_one_kind_of_change(
    practice: FakeStore, clock: FakeClock
) -> None:
    approve_plan(practice.open, clock, DECEMBER, "Jo")
    close_client(practice.open, "BETA", DECEMBER)

    report = diff_plan(practice.read, clock, changes=frozenset({ChangeType.CEASED}))

    assert (report.month, report.previous_source) == (JANUARY, "finalised")
    assert [(r.reference, r.previous_amount) for r in report.rows] == [("BETA", Decimal("75.00"))]


def test_a_finalised_month_previews_the_invoices_it_froze(
    practice: FakeStore, clock: FakeClock
) -> None:
    before = preview_invoice(practice.read, clock, "BETA", DECEMBER)
    approve_plan(practice.open, clock, DECEMBER, "partner")
    edit_client(practice.open, "BETA", ClientChanges(payment_terms="days:30"))
    after = preview_invoice(practice.read, clock, "BETA", DECEMBER)
    assert after.finalised
    assert not before.finalised
    assert after.invoices == before.invoices

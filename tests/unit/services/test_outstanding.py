"""Late starts in a finalised month: listed as outstanding by `plan show` and `plan diff`,
not `new` the month after, and added to the month's snapshot by `freeze_outstanding`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.approval import ApprovalBlocked
from socketcli.domain.errors import Conflict, NotFound
from socketcli.domain.model import ChangeType
from socketcli.domain.months import Month
from socketcli.ports.xero import XeroAccount
from socketcli.services.plan import (
    approve_plan,
    diff_plan,
    freeze_outstanding,
    review_outstanding,
    show_plan,
)
from socketcli.services.proposals import LineSpec, change_proposal
from tests.fakes import FakeClock, FakeStore
from tests.unit.services.given import a_client, a_service, an_accepted_proposal

DECEMBER = Month(2026, 12)
JANUARY = Month(2027, 1)


@pytest.fixture
def finalised(store: FakeStore, clock: FakeClock) -> FakeStore:
    """Acme (bookkeeping 100) from December, December approved; then Late Ltd accepted to
    start on 1 December (payroll 2 x 25), after December was finalised."""
    a_client(store, "ACME", "Acme Ltd")
    a_service(store, "Bookkeeping", account_code="200")
    a_service(store, "Payroll", account_code="210")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")
    approve_plan(store.open, clock, DECEMBER, "partner")
    a_client(store, "LATE", "Late Ltd")
    an_accepted_proposal(store, clock, "P2", "LATE", "Payroll=2x25", start=date(2026, 12, 1))
    return store


def test_plan_show_lists_a_late_start_as_outstanding_after_the_finalised_rows(
    finalised: FakeStore, clock: FakeClock
):
    report = show_plan(finalised.read, clock, DECEMBER)

    assert report.finalised
    assert [(r.reference, r.amount, r.outstanding) for r in report.rows] == [
        ("ACME", Decimal("100.00"), False)
    ]
    assert [(r.reference, r.amount, r.outstanding) for r in report.outstanding] == [
        ("LATE", Decimal("50.00"), True)
    ]
    assert report.total == Decimal("100.00")  # what was finalised, as before


def test_a_service_a_frozen_client_did_not_have_is_outstanding_on_its_own_invoice(
    finalised: FakeStore, clock: FakeClock
):
    """Proves: a line of a service Acme did not have when December was finalised (payroll,
    backdated to December) is outstanding there, on an invoice of its own (`... late`); the
    month keeps what it froze; once added, nothing is outstanding and January sees Acme
    billed the same (125.00 both months, unchanged)."""
    an_accepted_proposal(finalised, clock, "P3", "ACME", "Payroll=1x25", start=date(2026, 12, 1))

    report = show_plan(finalised.read, clock, DECEMBER)

    assert [(r.reference, r.amount) for r in report.outstanding] == [
        ("ACME", Decimal("25.00")),
        ("LATE", Decimal("50.00")),
    ]
    assert [(r.reference, r.amount) for r in report.rows] == [("ACME", Decimal("100.00"))]
    review = review_outstanding(finalised.open, clock, DECEMBER)
    assert sorted((d.reference, d.total) for d in review.invoices) == [
        ("ACME Dec 2026 late", Decimal("25.00")),
        ("LATE Dec 2026", Decimal("50.00")),
    ]

    freeze_outstanding(finalised.open, clock, DECEMBER)

    assert show_plan(finalised.read, clock, DECEMBER).outstanding == ()
    january = {r.reference: r for r in diff_plan(finalised.read, clock, JANUARY).rows}
    assert january["ACME"].change is ChangeType.UNCHANGED
    assert january["ACME"].previous_amount == Decimal("125.00")


def test_a_service_the_frozen_client_had_is_not_outstanding_again(
    finalised: FakeStore, clock: FakeClock
):
    """Proves: a second proposal of bookkeeping for Acme backdated into December is a service
    the month billed Acme for: it is not outstanding (never billed twice for one service in
    one month); a change to a finalised month's lines is refused outright."""
    an_accepted_proposal(finalised, clock, "P3", "ACME", "Bookkeeping=140", start=date(2026, 12, 1))

    report = show_plan(finalised.read, clock, DECEMBER)

    assert [r.reference for r in report.outstanding] == ["LATE"]
    assert [(r.reference, r.amount) for r in report.rows] == [("ACME", Decimal("100.00"))]
    with pytest.raises(Conflict, match="already finalised"):
        change_proposal(
            finalised.open, "P1", DECEMBER, clock, set_lines=[LineSpec.parse("Bookkeeping=140")]
        )


def test_a_draft_month_has_nothing_outstanding(store: FakeStore, clock: FakeClock):
    a_client(store, "ACME", "Acme Ltd")
    a_service(store, "Bookkeeping")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")

    assert show_plan(store.read, clock, DECEMBER).outstanding == ()


def test_plan_diff_marks_the_late_start_outstanding_in_the_finalised_month(
    finalised: FakeStore, clock: FakeClock
):
    report = diff_plan(finalised.read, clock, DECEMBER)

    assert report.finalised
    assert [(r.reference, r.change, r.outstanding) for r in report.rows] == [
        ("ACME", ChangeType.NEW, False),
        ("LATE", ChangeType.NEW, True),
    ]


def test_the_month_after_does_not_call_an_outstanding_client_new(
    finalised: FakeStore, clock: FakeClock
):
    report = diff_plan(finalised.read, clock, JANUARY)

    changes = {r.reference: r.change for r in report.rows}
    assert changes == {"ACME": ChangeType.UNCHANGED, "LATE": ChangeType.UNCHANGED}
    assert report.outstanding == ()


def test_the_review_finds_the_latest_finalised_month_with_outstanding_invoices(
    finalised: FakeStore, clock: FakeClock
):
    commits = finalised.commits

    review = review_outstanding(finalised.open, clock)

    assert review.month == DECEMBER
    assert [(d.client_reference, d.total) for d in review.invoices] == [("LATE", Decimal("50.00"))]
    assert (review.problems, review.due) == ((), False)
    assert finalised.commits == commits


def test_freezing_adds_the_outstanding_invoices_to_the_snapshot_once(
    finalised: FakeStore, clock: FakeClock
):
    review = review_outstanding(finalised.open, clock, DECEMBER)

    frozen = freeze_outstanding(finalised.open, clock, DECEMBER, expected=review)

    assert [d.reference for d in frozen.invoices] == [d.reference for d in review.invoices]
    snapshot = finalised.view().snapshots.get(DECEMBER)
    assert snapshot is not None
    assert sorted(d.client_reference for d in snapshot.invoices) == ["ACME", "LATE"]
    assert snapshot.total == Decimal("150.00")
    assert show_plan(finalised.read, clock, DECEMBER).outstanding == ()
    assert [r.reference for r in show_plan(finalised.read, clock, DECEMBER).rows] == [
        "ACME",
        "LATE",
    ]
    again = freeze_outstanding(finalised.open, clock, DECEMBER)
    assert again.invoices == ()
    assert len(finalised.view().snapshots.get(DECEMBER).invoices) == 2  # type: ignore[union-attr]


def test_outstanding_invoices_that_changed_since_the_review_are_not_frozen(
    finalised: FakeStore, clock: FakeClock
):
    review = review_outstanding(finalised.open, clock, DECEMBER)
    an_accepted_proposal(finalised, clock, "P3", "LATE", "Bookkeeping=10", start=date(2026, 12, 1))

    with pytest.raises(Conflict, match="changed"):
        freeze_outstanding(finalised.open, clock, DECEMBER, expected=review)

    assert len(finalised.view().snapshots.get(DECEMBER).invoices) == 1  # type: ignore[union-attr]


def test_what_would_block_approval_blocks_freezing(finalised: FakeStore, clock: FakeClock):
    with finalised.open(write=True) as uow:
        uow.mirror.save_accounts("tenant", [XeroAccount("a-1", "200", "Fees")], complete=True)
        uow.commit()

    with pytest.raises(ApprovalBlocked, match="210"):
        freeze_outstanding(finalised.open, clock, DECEMBER)

    assert len(finalised.view().snapshots.get(DECEMBER).invoices) == 1  # type: ignore[union-attr]


def test_a_month_not_finalised_has_nothing_outstanding(finalised: FakeStore, clock: FakeClock):
    with pytest.raises(NotFound, match="not finalised"):
        review_outstanding(finalised.open, clock, JANUARY)

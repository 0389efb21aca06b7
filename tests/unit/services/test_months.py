"""`socket plan months`: each month's state (draft, finalised, posting, posted) with its
counts, what comes next, and the default month of the plan commands with its reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.errors import StoreNotReady
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.standing import MonthState
from socketcli.services.months import months_overview
from socketcli.services.plan import approve_plan
from tests.fakes import FakeClock, FakeStore
from tests.unit.services.given import a_client, a_service, an_accepted_proposal

SEPTEMBER, OCTOBER, NOVEMBER = Month(2026, 9), Month(2026, 10), Month(2026, 11)
DECEMBER, JANUARY = Month(2026, 12), Month(2027, 1)


def outbox(store: FakeStore, month: Month, *states: OutboxState) -> None:
    """The month's invoices (one per client, ids from 1) have gone this far to Xero."""
    with store.open(write=True) as uow:
        for client_id, state in enumerate(states, start=1):
            entry_id = len(uow.outbox.entries()) + 1
            uow.outbox.add_entry(
                OutboxEntry(entry_id, month, client_id, f"C{client_id} {month}", state, "k", "{}")
            )
        uow.commit()


@pytest.fixture
def practice(store: FakeStore, clock: FakeClock) -> FakeStore:
    """Today is 21 November 2026. Three clients billed 100, 75 and 50 a month from September;
    September to December approved. September is all in Xero; October has one invoice
    posted, one refused and one pending; November (due) and December (not due yet) have
    nothing sent. Then a late start backdated to September: outstanding in every finalised
    month."""
    a_service(store, "Bookkeeping", account_code="200")
    for reference, price in (("ACME", 100), ("BETA", 75), ("CITY", 50)):
        a_client(store, reference, f"{reference.title()} Ltd")
        an_accepted_proposal(
            store,
            clock,
            f"P-{reference}",
            reference,
            f"Bookkeeping={price}",
            start=date(2026, 9, 1),
        )
    for month in (SEPTEMBER, OCTOBER, NOVEMBER, DECEMBER):
        approve_plan(store.open, clock, month, "partner", accept_warnings=True)
    outbox(store, SEPTEMBER, OutboxState.POSTED, OutboxState.POSTED, OutboxState.POSTED)
    outbox(store, OCTOBER, OutboxState.POSTED, OutboxState.FAILED, OutboxState.PENDING)
    a_client(store, "LATE", "Late Ltd")
    an_accepted_proposal(store, clock, "P-LATE", "LATE", "Bookkeeping=20", start=date(2026, 9, 1))
    return store


def test_each_month_has_its_state_and_counts(practice: FakeStore, clock: FakeClock):
    report = months_overview(practice.open, clock)

    assert [
        (
            str(m.month),
            m.state,
            m.invoices,
            m.total,
            m.counts.waiting,
            m.counts.posted,
            m.counts.failed,
            m.outstanding,
            m.due,
            m.default,
        )
        for m in report.months
    ] == [
        ("2026-09", MonthState.POSTED, 3, Decimal("225.00"), 0, 3, 0, 1, True, False),
        ("2026-10", MonthState.POSTING, 3, Decimal("225.00"), 1, 1, 1, 1, True, False),
        ("2026-11", MonthState.FINALISED, 3, Decimal("225.00"), 3, 0, 0, 1, True, False),
        ("2026-12", MonthState.FINALISED, 3, Decimal("225.00"), 3, 0, 0, 1, False, False),
        ("2027-01", MonthState.DRAFT, 4, Decimal("245.00"), 0, 0, 0, 0, False, True),
    ]


def test_each_month_says_what_comes_next(practice: FakeStore, clock: FakeClock):
    steps = {str(m.month): m.next_step for m in months_overview(practice.open, clock).months}

    assert steps == {
        "2026-09": "1 outstanding: `socket plan post --outstanding --month 2026-09`",
        "2026-10": "1 refused by Xero: `socket plan status --month 2026-10`, then "
        "`socket plan post --retry-failed`; 1 to send: `socket plan post`; "
        "1 outstanding: `socket plan post --outstanding --month 2026-10`",
        "2026-11": "due: `socket plan post --month 2026-11` sends it; "
        "1 outstanding: `socket plan post --outstanding --month 2026-11`",
        "2026-12": "posts from 01 Dec 2026; "
        "1 outstanding: `socket plan post --outstanding --month 2026-12`",
        "2027-01": "review with `socket plan diff`, then `socket plan approve`",
    }


def test_the_defaults_and_why(practice: FakeStore, clock: FakeClock):
    report = months_overview(practice.open, clock)

    assert (report.default.month, report.default.why) == (
        JANUARY,
        "the month after the latest finalised plan (Dec 2026)",
    )
    assert report.latest_finalised is not None
    assert report.latest_finalised.month == DECEMBER
    assert [m.month for m in report.due_to_post] == [OCTOBER, NOVEMBER]


def test_with_nothing_finalised_only_the_next_month_shows(store: FakeStore, clock: FakeClock):
    a_service(store, "Bookkeeping")
    a_client(store, "ACME", "Acme Ltd")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")

    report = months_overview(store.open, clock)

    assert [(m.month, m.state, m.invoices) for m in report.months] == [
        (DECEMBER, MonthState.DRAFT, 1)
    ]
    assert report.default.why == "no plan is finalised yet: the month whose 1st comes next"
    assert report.latest_finalised is None


def test_a_skipped_month_shows_as_a_draft_between_finalised_ones(
    store: FakeStore, clock: FakeClock
):
    a_service(store, "Bookkeeping")
    a_client(store, "ACME", "Acme Ltd")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100", start=date(2026, 10, 1))
    approve_plan(store.open, clock, OCTOBER, "partner", accept_warnings=True)
    approve_plan(store.open, clock, DECEMBER, "partner", accept_warnings=True)

    report = months_overview(store.open, clock)

    assert [(str(m.month), m.state.value) for m in report.months] == [
        ("2026-10", "finalised"),
        ("2026-11", "draft"),
        ("2026-12", "finalised"),
        ("2027-01", "draft"),
    ]
    assert report.months[1].next_step == "not approved: `socket plan approve --month 2026-11`"


def test_an_empty_store_says_how_to_start(store: FakeStore, clock: FakeClock):
    with pytest.raises(StoreNotReady, match="has no clients yet"):
        months_overview(store.open, clock)

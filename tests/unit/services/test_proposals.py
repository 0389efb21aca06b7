"""Proposals: drafts, acceptance (and the work it opens), cancellation and changes from a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.months import Month
from socketcli.services.plan import approve_plan, show_plan
from socketcli.services.proposals import (
    LineSpec,
    accept_proposal,
    add_proposal,
    cancel_proposal,
    change_proposal,
    get_proposal,
    list_proposals,
)
from tests.fakes import NOW, FakeClock, FakeStore
from tests.unit.services.given import (
    DECEMBER_1ST,
    a_client,
    a_draft,
    a_service,
    an_accepted_proposal,
    the_proposal,
)

DECEMBER = Month(2026, 12)


@pytest.fixture
def practice(store: FakeStore) -> FakeStore:
    """Acme Ltd (year end 31 March), and a menu of four services."""
    a_client(store, "ACME", "Acme Ltd", year_end="31-03")
    a_service(store, "Bookkeeping", alignment=True)
    a_service(store, "VAT returns", "quarterly_in_advance")
    a_service(store, "Tax return", "one_off")
    a_service(store, "Payroll")
    return store


def billed(store: FakeStore, clock: FakeClock, month: Month) -> Decimal:
    return show_plan(store.read, clock, month).total


def test_a_draft_is_priced_from_the_menu_and_opens_no_work(practice: FakeStore) -> None:
    a_draft(practice, "P1", "acme ltd", "bookkeeping=150", "Tax return=2x300|Two returns")

    stored = the_proposal(practice, "P1")
    assert (stored.client_reference, stored.status) == ("ACME", ProposalStatus.DRAFT)
    assert [
        (line.service_name, line.description, line.quantity, line.amount, line.billing_method)
        for line in stored.lines
    ] == [
        ("Bookkeeping", "Bookkeeping", Decimal(1), Decimal("150.00"), BillingMethod.MONTHLY),
        ("Tax return", "Two returns", Decimal(2), Decimal("600.00"), BillingMethod.ONE_OFF),
    ]
    assert all(line.id is not None for line in stored.lines)
    assert practice.view().work_items.all() == []


@pytest.mark.parametrize(
    ("reference", "lines", "error", "complaint"),
    [
        ("P1", ["Audit=500"], NotFound, "service 'Audit' does not exist"),
        ("P1", [], InvalidInput, "at least one line"),
        ("P 1", ["Bookkeeping=100"], InvalidInput, "one word"),
    ],
)
def test_a_proposal_that_cannot_be_priced_is_not_stored(
    practice: FakeStore, reference: str, lines: list[str], error: type[Exception], complaint: str
) -> None:
    commits = practice.commits

    with pytest.raises(error, match=complaint):
        add_proposal(practice.open, reference, "ACME", [LineSpec.parse(line) for line in lines])

    assert practice.commits == commits
    assert practice.view().proposals.all() == []


def test_a_proposal_reference_is_used_once(practice: FakeStore) -> None:
    a_draft(practice, "P1", "ACME", "Bookkeeping=100")

    with pytest.raises(Conflict, match="already exists"):
        a_draft(practice, "P1", "ACME", "Payroll=100")

    [stored] = practice.view().proposals.all()
    assert [line.service_name for line in stored.lines] == ["Bookkeeping"]


def test_accepting_a_proposal_starts_its_lines_in_the_start_month(
    practice: FakeStore, clock: FakeClock
) -> None:
    a_draft(practice, "P1", "ACME", "Bookkeeping=150", "VAT returns=240", start=DECEMBER_1ST)

    accept_proposal(practice.open, "P1", clock)

    stored = the_proposal(practice, "P1")
    assert (stored.status, stored.accepted_at) == (ProposalStatus.ACCEPTED, NOW)
    assert [(line.start, line.anchor, line.charges_alignment) for line in stored.lines] == [
        (DECEMBER, DECEMBER, True),  # a monthly service that carries the alignment fee
        (DECEMBER, DECEMBER, False),
    ]


def test_accepting_opens_work_items_with_the_lines_amount_rounded_half_up(
    practice: FakeStore, clock: FakeClock
) -> None:
    a_draft(practice, "P1", "ACME", "Tax return=0.5x0.25", "Bookkeeping=100")

    accept_proposal(practice.open, "P1", clock, start=date(2027, 1, 15))

    [item] = practice.view().work_items.all()
    [tax_return, _] = practice.view().proposals.get("P1").lines  # type: ignore[union-attr]
    assert (item.line_id, item.amount, item.due_month) == (
        tax_return.id,
        Decimal("0.13"),  # 0.125, half up (half even would say 0.12)
        Month(2027, 1),
    )


def test_adding_an_accepted_proposal_opens_its_work_in_the_same_commit(
    practice: FakeStore, clock: FakeClock
) -> None:
    commits = practice.commits

    an_accepted_proposal(practice, clock, "P1", "ACME", "Tax return=300")

    assert practice.commits == commits + 1
    assert [item.amount for item in practice.view().work_items.all()] == [Decimal("300.00")]


def test_a_store_failing_half_way_through_an_acceptance_leaves_the_draft_as_it_was(
    practice: FakeStore, clock: FakeClock
) -> None:
    draft = a_draft(practice, "P1", "ACME", "Tax return=300", start=DECEMBER_1ST)
    commits = practice.commits
    practice.fail("work_items.open_for", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        accept_proposal(practice.open, "P1", clock)

    assert practice.commits == commits
    assert practice.view().proposals.get("P1") == draft


def test_an_accepted_proposal_needs_a_start_date(practice: FakeStore, clock: FakeClock) -> None:
    a_draft(practice, "P1", "ACME", "Tax return=300")

    with pytest.raises(InvalidInput, match="no confirmed start date"):
        accept_proposal(practice.open, "P1", clock)
    with pytest.raises(InvalidInput, match="no confirmed start date"):
        add_proposal(practice.open, "P2", "ACME", [LineSpec.parse("Payroll=1")], accept_with=clock)

    assert [p.status for p in practice.view().proposals.all()] == [ProposalStatus.DRAFT]
    assert practice.view().work_items.all() == []


def test_a_proposal_is_accepted_once(practice: FakeStore, clock: FakeClock) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Tax return=300")
    clock.advance(days=1)

    with pytest.raises(Conflict, match="only a draft can be accepted"):
        accept_proposal(practice.open, "P1", clock)

    stored = the_proposal(practice, "P1")
    assert stored.accepted_at == NOW
    assert len(practice.view().work_items.all()) == 1


def test_cancelling_a_draft_keeps_its_lines(practice: FakeStore, clock: FakeClock) -> None:
    draft = a_draft(practice, "P1", "ACME", "Bookkeeping=100")

    cancel_proposal(practice.open, "P1", clock)

    stored = the_proposal(practice, "P1")
    assert (stored.status, stored.lines) == (ProposalStatus.CANCELLED, draft.lines)
    assert practice.view().proposals.cancelled_at("P1") == NOW


def test_cancelling_an_accepted_proposal_stops_it_from_the_plans_next_month(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100", start=date(2026, 10, 1))

    cancel_proposal(practice.open, "P1", clock)

    stored = the_proposal(practice, "P1")
    assert stored.status is ProposalStatus.CANCELLED
    assert [line.end for line in stored.lines] == [Month(2026, 11)]
    assert billed(practice, clock, Month(2026, 11)) == Decimal("100.00")  # billed before: kept
    assert billed(practice, clock, DECEMBER) == Decimal("0.00")


def test_cancelling_drops_the_lines_not_yet_started_with_their_work(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100")
    change_proposal(
        practice.open, "P1", Month(2027, 3), clock, set_lines=[LineSpec.parse("Tax return=300")]
    )
    assert len(practice.view().work_items.all()) == 1

    cancel_proposal(practice.open, "P1", clock, Month(2027, 2))

    stored = the_proposal(practice, "P1")
    assert [(line.service_name, line.end) for line in stored.lines] == [("Payroll", Month(2027, 1))]
    assert practice.view().work_items.all() == []


def test_a_cancellation_cannot_reach_into_a_finalised_month(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100")
    approve_plan(practice.open, clock, DECEMBER, "Jo")

    with pytest.raises(Conflict, match="already finalised"):
        cancel_proposal(practice.open, "P1", clock, DECEMBER)

    stored = the_proposal(practice, "P1")
    assert stored.status is ProposalStatus.ACCEPTED


def test_a_proposal_is_cancelled_once(practice: FakeStore, clock: FakeClock) -> None:
    a_draft(practice, "P1", "ACME", "Bookkeeping=100")
    cancel_proposal(practice.open, "P1", clock)
    clock.advance(days=1)

    with pytest.raises(Conflict, match="already cancelled"):
        cancel_proposal(practice.open, "P1", clock)

    assert practice.view().proposals.cancelled_at("P1") == NOW


def test_an_accepted_proposal_that_has_not_started_yet_can_be_cancelled(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100", start=date(2027, 1, 1))

    cancel_proposal(practice.open, "P1", clock)

    assert the_proposal(practice, "P1").status is ProposalStatus.CANCELLED
    assert billed(practice, clock, Month(2027, 1)) == Decimal("0.00")


def test_a_price_change_ends_the_old_line_and_bills_the_new_price_from_its_month(
    practice: FakeStore, clock: FakeClock
) -> None:
    accepted = an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100")

    change_proposal(
        practice.open, "P1", Month(2027, 2), clock, set_lines=[LineSpec.parse("Payroll=120")]
    )

    stored = the_proposal(practice, "P1")
    old, new = stored.lines
    assert (old.id, old.end) == (accepted.lines[0].id, Month(2027, 1))
    assert (new.unit_price, new.start, new.anchor) == (Decimal("120.00"), Month(2027, 2), DECEMBER)
    assert [billed(practice, clock, Month(2027, m)) for m in (1, 2)] == [
        Decimal("100.00"),
        Decimal("120.00"),
    ]


def test_a_price_change_keeps_a_quarterly_lines_cycle(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "VAT returns=240")

    change_proposal(
        practice.open, "P1", Month(2027, 2), clock, set_lines=[LineSpec.parse("VAT returns=270")]
    )

    assert [billed(practice, clock, Month(2027, m)) for m in (2, 3, 4)] == [
        Decimal("0.00"),
        Decimal("270.00"),  # still every March, June...: the cycle began in December
        Decimal("0.00"),
    ]


def test_a_proposal_change_keeps_the_months_already_billed(
    practice: FakeStore, clock: FakeClock
) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100")
    approve_plan(practice.open, clock, DECEMBER, "Jo")
    commits = practice.commits

    with pytest.raises(Conflict, match="already finalised"):
        change_proposal(
            practice.open, "P1", DECEMBER, clock, set_lines=[LineSpec.parse("Payroll=150")]
        )
    assert practice.commits == commits
    change_proposal(
        practice.open, "P1", Month(2027, 1), clock, set_lines=[LineSpec.parse("Payroll=150")]
    )

    december = show_plan(practice.read, clock, DECEMBER)
    assert (december.finalised, december.total) == (True, Decimal("100.00"))
    assert billed(practice, clock, Month(2027, 1)) == Decimal("150.00")
    stored = the_proposal(practice, "P1")
    assert [(line.start, line.end) for line in stored.lines] == [
        (DECEMBER, DECEMBER),
        (Month(2027, 1), None),
    ]


def test_removing_a_service_ends_its_line(practice: FakeStore, clock: FakeClock) -> None:
    an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100", "Bookkeeping=50")

    change_proposal(practice.open, "P1", Month(2027, 3), clock, remove=["payroll"])

    assert billed(practice, clock, Month(2027, 2)) == Decimal("150.00")
    assert billed(practice, clock, Month(2027, 3)) == Decimal("50.00")


def test_removing_a_service_the_proposal_does_not_bill_changes_nothing(
    practice: FakeStore, clock: FakeClock
) -> None:
    accepted = an_accepted_proposal(practice, clock, "P1", "ACME", "Payroll=100")

    with pytest.raises(NotFound, match="no 'Bookkeeping' line"):
        change_proposal(practice.open, "P1", Month(2027, 3), clock, remove=["Bookkeeping"])

    assert practice.view().proposals.get("P1") == accepted


def test_only_an_accepted_proposal_can_be_changed(practice: FakeStore, clock: FakeClock) -> None:
    draft = a_draft(practice, "P1", "ACME", "Payroll=100", start=DECEMBER_1ST)

    with pytest.raises(Conflict, match="cancelling it and adding a new one"):
        change_proposal(practice.open, "P1", Month(2027, 1), clock, remove=["Payroll"])

    assert practice.view().proposals.get("P1") == draft


def test_proposals_are_listed_by_reference_for_one_client_or_all(practice: FakeStore) -> None:
    a_client(practice, "BETA", "Beta Bakery")
    a_draft(practice, "P2", "ACME", "Payroll=100")
    a_draft(practice, "P3", "BETA", "Payroll=100")
    a_draft(practice, "P1", "ACME", "Payroll=100")

    assert [p.reference for p in list_proposals(practice.open)] == ["P1", "P2", "P3"]
    assert [p.reference for p in list_proposals(practice.open, "Beta Bakery")] == ["P3"]


def test_an_unknown_proposal_is_not_found(practice: FakeStore) -> None:
    with pytest.raises(NotFound, match="proposals list"):
        get_proposal(practice.open, "P9")

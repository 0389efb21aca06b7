"""A changed or cancelled proposal updates its open work items, effective-dated as it does
its recurring lines; completed and invoiced items never change. On the playground (made
21 Nov 2026) in SQLite, through the services a user's commands call."""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.errors import Conflict
from socketcli.domain.months import Month
from socketcli.domain.work import WorkItem, WorkStatus
from socketcli.services.posting import post
from socketcli.services.proposals import LineSpec, cancel_proposal, change_proposal
from socketcli.services.work import complete_work, list_work
from tests.posting.conftest import Practice


def work(practice: Practice, client: str) -> list[WorkItem]:
    return list_work(practice.store, client=client)


def open_one(practice: Practice, client: str) -> WorkItem:
    [found] = [i for i in work(practice, client) if i.status is WorkStatus.OPEN]
    return found


def change(practice: Practice, item: WorkItem, month: Month, line: str) -> None:
    change_proposal(
        practice.store,
        item.proposal_reference,
        month,
        practice.clock,
        set_lines=[LineSpec.parse(line)],
    )


def test_a_price_change_from_a_later_month_leaves_the_open_period_and_prices_the_next(
    practice: Practice,
) -> None:
    """Proves: CLI006's MTD item for Sep-Nov stays at 60.00 when the price is 75 from
    January; completing it opens Dec-Feb at 60.00 (the old price is in force in December),
    and completing that opens Mar-May at 75.00."""
    mtd = open_one(practice, "CLI006")
    assert (mtd.period, mtd.amount) == ((Month(2026, 9), Month(2026, 11)), Decimal("60.00"))

    change(practice, mtd, Month(2027, 1), "MTD quarterly update=75")
    assert open_one(practice, "CLI006") == mtd

    complete_work(practice.store, practice.clock, [mtd.id])
    december = open_one(practice, "CLI006")
    complete_work(practice.store, practice.clock, [december.id])
    march = open_one(practice, "CLI006")

    assert (december.period, december.amount) == (
        (Month(2026, 12), Month(2027, 2)),
        Decimal("60.00"),
    )
    assert (march.period, march.amount) == ((Month(2027, 3), Month(2027, 5)), Decimal("75.00"))


def test_a_price_change_from_the_items_period_moves_it_to_the_new_price(
    practice: Practice,
) -> None:
    mtd = open_one(practice, "CLI006")

    change(practice, mtd, Month(2026, 9), "MTD quarterly update=75")

    moved = open_one(practice, "CLI006")
    assert (moved.id, moved.period, moved.amount) == (mtd.id, mtd.period, Decimal("75.00"))
    assert moved.line_id != mtd.line_id
    assert len(work(practice, "CLI006")) == 1  # moved, not a second item


def test_a_cancellation_drops_the_open_items_of_the_periods_it_stops(practice: Practice) -> None:
    """Proves: cancelled from January, CLI006's Sep-Nov item stays (that work is still owed);
    cancelled from September, CLI031's item for the period from September goes."""
    mtd = open_one(practice, "CLI006")
    cancel_proposal(practice.store, mtd.proposal_reference, practice.clock, Month(2027, 1))
    assert open_one(practice, "CLI006") == mtd

    other = open_one(practice, "CLI031")
    assert other.due is not None
    cancel_proposal(practice.store, other.proposal_reference, practice.clock, other.due)
    assert work(practice, "CLI031") == []


def test_an_open_one_off_item_follows_a_price_change(practice: Practice) -> None:
    [rnd] = [i for i in work(practice, "CLI029") if i.description == "R&D tax credit claim"]

    change(practice, rnd, Month(2026, 12), "R&D tax credit claim=1800")

    [after] = [i for i in work(practice, "CLI029") if i.service == "R&D tax credit claim"]
    assert (after.id, after.amount, after.status) == (rnd.id, Decimal("1800.00"), WorkStatus.OPEN)


def test_invoiced_work_never_changes_and_a_change_that_would_remove_its_line_is_refused(
    practice: Practice, gateway: XeroPythonGateway
) -> None:
    """Proves: the R&D claim, invoiced, keeps its amount and line through a price change
    from December (and no second item opens: the job is done); a change from its start
    month, which would replace the line it was billed on, is refused, nothing changed."""
    [rnd] = [i for i in work(practice, "CLI029") if i.description == "R&D tax credit claim"]
    complete_work(practice.store, practice.clock, [rnd.id])
    post(practice.store, lambda: nullcontext(gateway), practice.clock, work=True)
    [invoiced] = [i for i in work(practice, "CLI029") if i.id == rnd.id]
    assert invoiced.status is WorkStatus.INVOICED

    change(practice, rnd, Month(2026, 12), "R&D tax credit claim=1800")
    after = [i for i in work(practice, "CLI029") if i.service == "R&D tax credit claim"]
    assert after == [invoiced]

    assert rnd.due is not None
    with pytest.raises(Conflict, match=f"work item {rnd.id} was completed"):
        change(practice, rnd, rnd.due, "R&D tax credit claim=2000")
    assert [i for i in work(practice, "CLI029") if i.service == "R&D tax credit claim"] == [
        invoiced
    ]

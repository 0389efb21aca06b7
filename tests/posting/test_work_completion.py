"""Work completions reach Xero through the plan's outbox: grouped one invoice per proposal,
on the right account codes, exactly once; completing renews quarterly and annual work; bad
ids change nothing. The store is the playground (made 21 Nov 2026, tests/posting/conftest.py),
Xero the sandbox over HTTP through the real SDK."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxState
from socketcli.domain.work import WorkItem, WorkStatus
from socketcli.sandbox import Sandbox
from socketcli.services.catalogue import add_service
from socketcli.services.clients import ClientChanges, add_client, close_client
from socketcli.services.posting import PostingReport, invoice_of, post
from socketcli.services.proposals import LineSpec, add_proposal
from socketcli.services.settings import set_setting
from socketcli.services.work import complete_work, list_work, reopen_work, review_completion
from tests.posting.conftest import Practice, in_xero


def items(practice: Practice, client: str | None = None) -> list[WorkItem]:
    return list_work(practice.store, client=client)


def item_of(practice: Practice, client: str, description: str) -> WorkItem:
    [found] = [
        i
        for i in items(practice, client)
        if i.description == description and i.status is WorkStatus.OPEN
    ]
    return found


def send(practice: Practice, gateway: XeroPythonGateway, **options: Any) -> PostingReport:
    return post(practice.store, lambda: nullcontext(gateway), practice.clock, work=True, **options)


def in_sandbox(xero: Sandbox, reference: str) -> dict[str, Any]:
    [invoice] = [i for i in xero.invoices() if i["Reference"] == reference]
    return invoice


def lines_of(invoice: dict[str, Any]) -> list[tuple[str, Decimal, str]]:
    return [
        (line["Description"], Decimal(str(line["LineAmount"])), line.get("AccountCode"))
        for line in invoice["LineItems"]
    ]


def dump(practice: Practice) -> tuple[Any, ...]:
    with practice.store() as uow:
        return (uow.work_items.listing(), uow.outbox.entries())


def one_off_proposal(
    practice: Practice, reference: str, client: str, lines: Sequence[str], start: date
) -> None:
    add_proposal(
        practice.store,
        reference,
        client,
        [LineSpec.parse(line) for line in lines],
        start=start,
        accept_with=practice.clock,
    )


# -- grouping ---------------------------------------------------------------------------------


def test_two_items_of_one_proposal_go_on_one_invoice_on_the_one_off_account_code(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: the playground's two one-off items of one proposal (CLI029's R&D claim and
    Xero migration), completed together, are one invoice in Xero with both lines on the
    practice's one-off account code (260), and `work list` shows both invoiced with Xero's
    number."""
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    setup = item_of(practice, "CLI029", "Xero setup and migration")

    report = complete_work(practice.store, practice.clock, [rnd.id, setup.id])
    posted = send(practice, gateway)

    [doc] = report.review.invoices
    assert posted.exit_code == 0
    assert [p.reference for p in posted.posted] == [doc.reference]
    assert doc.reference == f"CLI029 {rnd.proposal_reference} work 21 Nov 2026"
    invoice = in_sandbox(xero, doc.reference)
    assert lines_of(invoice) == [
        ("R&D tax credit claim", Decimal("1500.00"), "260"),
        ("Xero setup and migration", Decimal("650.00"), "260"),
    ]
    assert invoice["Status"] == "DRAFT"
    with practice.store() as uow:  # not linked before: linked to Xero's contact of its name
        client = uow.clients.get("CLI029")
    assert client is not None
    assert client.xero_contact_id == invoice["Contact"]["ContactID"]
    after = {i.id: i for i in items(practice, "CLI029")}
    number = posted.posted[0].number
    assert [(after[i].status, after[i].xero_number) for i in (rnd.id, setup.id)] == [
        (WorkStatus.INVOICED, number),
        (WorkStatus.INVOICED, number),
    ]


def test_items_of_two_proposals_completed_together_go_on_two_invoices(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: items of different proposals (of one client, and of another client) are
    separate invoices, each with its own reference; one run posts them all."""
    one_off_proposal(
        practice, "EXTRA", "CLI029", ["Xero setup and migration=80"], date(2026, 11, 1)
    )
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    [extra] = [i for i in items(practice, "CLI029") if i.proposal_reference == "EXTRA"]
    other = item_of(practice, "CLI022", "Xero setup and migration")

    report = complete_work(practice.store, practice.clock, [rnd.id, extra.id, other.id])
    send(practice, gateway)

    references = [doc.reference for doc in report.review.invoices]
    assert references == [
        f"CLI029 {rnd.proposal_reference} work 21 Nov 2026",
        "CLI029 EXTRA work 21 Nov 2026",
        f"CLI022 {other.proposal_reference} work 21 Nov 2026",
    ]
    assert in_xero(xero) == dict.fromkeys(references, 1)
    assert [lines_of(in_sandbox(xero, r)) for r in references] == [
        [("R&D tax credit claim", Decimal("1500.00"), "260")],
        [("Xero setup and migration", Decimal("80.00"), "260")],
        [("Xero setup and migration", Decimal("450.00"), "260")],
    ]


def test_a_second_completion_of_a_proposal_the_same_day_has_a_reference_of_its_own(
    practice: Practice, gateway: XeroPythonGateway
) -> None:
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    setup = item_of(practice, "CLI029", "Xero setup and migration")

    first = complete_work(practice.store, practice.clock, [rnd.id])
    second = complete_work(practice.store, practice.clock, [setup.id])

    assert [first.review.invoices[0].reference, second.review.invoices[0].reference] == [
        f"CLI029 {rnd.proposal_reference} work 21 Nov 2026",
        f"CLI029 {rnd.proposal_reference} work 21 Nov 2026 (2)",
    ]


# -- account codes --------------------------------------------------------------------------


def test_one_off_work_uses_the_service_override_else_the_one_off_default_and_on_completion_the_recurring(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: a one-off service with its own account code (270) bills on it; one without
    bills on the practice's one-off code (the playground's 260); quarterly on-completion
    work bills on the recurring code (200)."""
    add_service(practice.store, "Tax investigation", "one_off", account_code="270")
    one_off_proposal(
        practice,
        "MIX",
        "CLI006",
        ["Tax investigation=700", "Xero setup and migration=300", "MTD quarterly update=45"],
        date(2026, 11, 1),
    )

    mix = [i.id for i in items(practice, "CLI006") if i.proposal_reference == "MIX"]
    complete_work(practice.store, practice.clock, mix)
    send(practice, gateway)

    assert lines_of(in_sandbox(xero, "CLI006 MIX work 21 Nov 2026")) == [
        ("Tax investigation", Decimal("700.00"), "270"),
        ("Xero setup and migration", Decimal("300.00"), "260"),
        ("MTD quarterly update – Nov 2026 to Jan 2027", Decimal("45.00"), "200"),
    ]


def test_one_off_consolidation_merges_one_off_lines_by_account_code_and_tracking(
    practice: Practice,
) -> None:
    set_setting(practice.store, "consolidate_one_off", "true")
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    setup = item_of(practice, "CLI029", "Xero setup and migration")

    review = review_completion(practice.store, practice.clock, [rnd.id, setup.id])

    # R&D carries the Region:South tracking, the migration none: a Xero line has one of each.
    assert [(line.description, line.line_amount) for line in review.invoices[0].lines] == [
        ("Professional services for Nov 2026: R&D tax credit claim", Decimal("1500.00")),
        ("Professional services for Nov 2026: Xero setup and migration", Decimal("650.00")),
    ]


# -- renewals -------------------------------------------------------------------------------


def test_completing_quarterly_and_annual_items_opens_the_next_period(
    practice: Practice, gateway: XeroPythonGateway
) -> None:
    """Proves: CLI006's MTD update (quarterly, its period in force on 21 Nov 2026: Sep-Nov)
    renews for Dec 2026-Feb 2027 and CLI004's partnership return (annual, Feb 2026-Jan 2027)
    for Feb 2027-Jan 2028, each at its line's amount; the completed ones keep their period."""
    mtd = item_of(practice, "CLI006", "MTD quarterly update")
    tax = item_of(practice, "CLI004", "Partnership tax return")
    assert (mtd.period, tax.period) == (
        (Month(2026, 9), Month(2026, 11)),
        (Month(2026, 2), Month(2027, 1)),
    )

    report = complete_work(practice.store, practice.clock, [mtd.id, tax.id])

    assert [(r.client_reference, r.period) for r in report.renewed] == [
        ("CLI006", "Dec 2026 to Feb 2027"),
        ("CLI004", "Feb 2027 to Jan 2028"),
    ]
    opened = {i.client_reference: i for i in list_work(practice.store, status=WorkStatus.OPEN)}
    assert (opened["CLI006"].period, opened["CLI006"].amount) == (
        (Month(2026, 12), Month(2027, 2)),
        mtd.amount,
    )
    assert opened["CLI004"].period == (Month(2027, 2), Month(2028, 1))
    completed = list_work(practice.store, status=WorkStatus.COMPLETED)
    assert {(i.id, i.period) for i in completed} == {(mtd.id, mtd.period), (tax.id, tax.period)}


def test_no_renewal_after_the_clients_last_billable_month(practice: Practice) -> None:
    tax = item_of(practice, "CLI004", "Partnership tax return")
    assert tax.due == Month(2026, 2)
    close_client(practice.store, "CLI004", Month(2027, 1))  # the next period starts in Feb

    report = complete_work(practice.store, practice.clock, [tax.id])

    assert report.renewed == ()
    assert [i for i in items(practice, "CLI004") if i.status is WorkStatus.OPEN] == []


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "error", "says"),
    [
        ([999], NotFound, "no work item 999"),
        ([], InvalidInput, "which work items?"),
    ],
)
def test_an_unknown_id_or_none_is_refused_and_nothing_changes(
    practice: Practice, ids: list[int], error: type[Exception], says: str
) -> None:
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    before = dump(practice)

    with pytest.raises(error, match=says):
        complete_work(practice.store, practice.clock, [rnd.id, *ids] if ids else [])

    assert dump(practice) == before


def test_an_invoiced_item_cannot_be_completed_or_reopened_and_nothing_changes(
    practice: Practice, gateway: XeroPythonGateway
) -> None:
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    setup = item_of(practice, "CLI029", "Xero setup and migration")
    complete_work(practice.store, practice.clock, [rnd.id])
    send(practice, gateway)
    before = dump(practice)

    with pytest.raises(Conflict, match=rf"work item {rnd.id} .* is invoiced already \(Xero INV-"):
        complete_work(practice.store, practice.clock, [setup.id, rnd.id])
    with pytest.raises(Conflict, match="cannot be reopened"):
        reopen_work(practice.store, rnd.id)

    assert dump(practice) == before


# -- reopening ------------------------------------------------------------------------------


def test_reopening_an_item_not_sent_rewrites_its_invoice_and_the_last_drops_it(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: completed while Xero is not asked (no post), one item reopened leaves an
    invoice of the other alone, which then posts with that one line; reopening an item
    whose invoice has no other drops the invoice from the outbox."""
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    setup = item_of(practice, "CLI029", "Xero setup and migration")
    [doc] = complete_work(practice.store, practice.clock, [rnd.id, setup.id]).review.invoices

    first = reopen_work(practice.store, setup.id)
    assert (first.invoice_dropped, first.invoice_total) == (False, Decimal("1500.00"))
    assert item_of(practice, "CLI029", "Xero setup and migration").id == setup.id
    send(practice, gateway)
    assert lines_of(in_sandbox(xero, doc.reference)) == [
        ("R&D tax credit claim", Decimal("1500.00"), "260")
    ]

    [again] = complete_work(practice.store, practice.clock, [setup.id]).review.invoices
    dropped = reopen_work(practice.store, setup.id)
    assert dropped.invoice_dropped
    with practice.store() as uow:
        assert again.reference not in {e.reference for e in uow.outbox.entries(work=True)}
    assert item_of(practice, "CLI029", "Xero setup and migration").status is WorkStatus.OPEN


def test_an_open_item_cannot_be_reopened(practice: Practice) -> None:
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    with pytest.raises(Conflict, match="is open"):
        reopen_work(practice.store, rnd.id)
    with pytest.raises(NotFound, match="no work item 999"):
        reopen_work(practice.store, 999)


# -- the outbox -----------------------------------------------------------------------------


def test_plan_post_sends_a_work_invoice_left_pending(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: a completion whose posting never ran (Xero down, say) is sent by a plain
    `plan post` run (everything due), once; `plan post --month` leaves work alone."""
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    complete_work(practice.store, practice.clock, [rnd.id])
    assert item_of_any(practice, rnd.id).posting == OutboxState.PENDING.value

    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    again = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert [p.reference for p in report.posted] == [
        f"CLI029 {rnd.proposal_reference} work 21 Nov 2026"
    ]
    assert (again.posted, again.failed) == ([], [])
    assert in_xero(xero) == {f"CLI029 {rnd.proposal_reference} work 21 Nov 2026": 1}
    assert item_of_any(practice, rnd.id).status is WorkStatus.INVOICED


def test_a_refused_work_invoice_is_failed_with_xeros_reason_and_can_be_reopened(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: Xero refuses a work invoice (an account code it does not have): the item is
    completed with its invoice failed and Xero's reason in `work list`, nothing is sent
    again without retry_failed, and the item can be reopened (its invoice dropped), fixed
    and completed again."""
    add_service(practice.store, "Special audit", "one_off", account_code="999")
    one_off_proposal(practice, "ODD", "CLI022", ["Special audit=250"], date(2026, 11, 1))
    [item] = [i for i in items(practice, "CLI022") if i.proposal_reference == "ODD"]

    complete_work(practice.store, practice.clock, [item.id])
    refused = send(practice, gateway)
    xero.clear_calls()
    quiet = send(practice, gateway)

    assert refused.exit_code == 7
    failed = item_of_any(practice, item.id)
    assert (failed.status, failed.posting) == (WorkStatus.COMPLETED, "failed")
    assert "999" in failed.error
    assert (quiet.posted, quiet.failed) == ([], [])
    assert [c for c in xero.calls() if "Invoices" in c.path] == []
    assert reopen_work(practice.store, item.id).invoice_dropped
    assert item_of_any(practice, item.id).status is WorkStatus.OPEN
    assert in_xero(xero) == {}


def item_of_any(practice: Practice, item_id: int) -> WorkItem:
    [found] = [i for i in items(practice) if i.id == item_id]
    return found


def test_a_work_invoice_left_in_flight_is_settled_by_its_reference_not_sent_twice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: Xero made the invoice but its answer was lost (the entry stays `sending`):
    the next run finds it by its reference, records it posted with Xero's number, and
    sends nothing."""
    rnd = item_of(practice, "CLI029", "R&D tax credit claim")
    complete_work(practice.store, practice.clock, [rnd.id])
    with practice.store() as uow:
        [entry] = uow.outbox.entries(work=True)
    with practice.store(write=True) as uow:
        uow.outbox.mark_sending([entry])
        uow.commit()
    made = gateway.post_invoices([invoice_of(entry.body)], "k-lost")
    assert made[0].created is not None

    report = send(practice, gateway)

    assert [s.reference for s in report.settled] == [entry.reference]
    assert report.posted == []
    assert in_xero(xero) == {entry.reference: 1}
    assert item_of_any(practice, rnd.id).xero_number == made[0].created.invoice_number


def test_an_unlinked_client_gets_its_contact_before_its_work_invoice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    add_client(practice.store, "NEWCO", "Newco Widgets Ltd", ClientChanges())
    one_off_proposal(practice, "PNEW", "NEWCO", ["Xero setup and migration=300"], date(2026, 11, 1))
    [item] = items(practice, "NEWCO")

    complete_work(practice.store, practice.clock, [item.id])
    report = send(practice, gateway)

    assert report.exit_code == 0
    assert report.contacts_created == 1
    invoice = in_sandbox(xero, "NEWCO PNEW work 21 Nov 2026")
    with practice.store() as uow:
        client = uow.clients.get("NEWCO")
    assert client is not None
    assert client.xero_contact_id == invoice["Contact"]["ContactID"]

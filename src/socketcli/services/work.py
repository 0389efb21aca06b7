"""Work management: list the on-completion and one-off work items, complete them, reopen one
completed by mistake.

Completing items is one transaction: the items are marked completed, each proposal's items
become one invoice written to the outbox (kind 'work', pending, with its request body and
key), and each quarterly or annual item completed opens the next period's item. Sending is
`services.posting.post(..., work=True)` afterwards, under the posting lock, exactly as a
finalised month is sent: settled by reference after a crash, retried by `socket plan post`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.history import completed
from socketcli.domain.history import reopened as reopened_event
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.posting import OutboxState, key_for
from socketcli.domain.records import Client
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.work import (
    ListedWork,
    WorkItem,
    WorkStatus,
    period_text,
    recent_since,
    renewal,
    work_invoice,
    work_reference,
)
from socketcli.ports.clock import Clock
from socketcli.ports.locks import Lock, Locks, held
from socketcli.ports.store import OpenReader, OpenStore, UnitOfWork
from socketcli.services.plan import find_client
from socketcli.services.posting import body_of, invoice_of, new_invoice


def list_work(
    store: OpenStore, *, status: WorkStatus | None = None, client: str | None = None
) -> list[WorkItem]:
    """Every work item (or those of a status, of a client), by client, proposal and period."""
    with store() as uow:
        client_id = find_client(uow.plan, client).id if client is not None else None
        return uow.work_items.listing(status=status, client_id=client_id)


@dataclass(frozen=True, slots=True)
class WorkListing:
    """What `socket work list` shows: the items, and (by default) how many invoiced items
    completed before `shown_from` it leaves out."""

    items: list[ListedWork]
    shown_from: datetime | None = None  # None: every item of the status asked for
    left_out: int = 0


def show_work(
    read: OpenReader,
    clock: Clock,
    *,
    status: WorkStatus | None = None,
    client: str | None = None,
    every: bool = False,
) -> WorkListing:
    """The list view, read without the ORM: the items of a `status`, or `every` item, or by
    default what is still to do or to invoice and what was invoiced of the work completed in
    the last RECENT_DAYS days (domain.work.shown_by_default)."""
    if every and status is not None:
        raise InvalidInput("--all shows items of every status: give it or --status, not both")
    with read() as reader:
        client_id = find_client(reader, client).id if client is not None else None
        if every or status is not None:
            return WorkListing(reader.work_listing(status=status, client_id=client_id))
        since = recent_since(clock.now())
        return WorkListing(
            reader.work_listing(client_id=client_id, shown_from=since),
            since,
            reader.work_invoiced_before(since, client_id),
        )


# -- completing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompletionReview:
    """What completing the items will invoice: one invoice per proposal."""

    items: tuple[WorkItem, ...]
    invoices: tuple[InvoiceDocument, ...]
    members: tuple[tuple[int, ...], ...]  # each invoice's item ids

    @property
    def total(self) -> Decimal:
        return sum((doc.total for doc in self.invoices), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class Renewed:
    """The next period's item a completion opened."""

    client_reference: str
    proposal_reference: str
    description: str
    period: str


@dataclass(frozen=True, slots=True)
class CompletionReport:
    review: CompletionReview
    renewed: tuple[Renewed, ...]


def _selected(
    uow: UnitOfWork, ids: Sequence[int], client: str | None, every: bool
) -> list[WorkItem]:
    """The open items asked for: these ids, or every open item of a client (--all)."""
    if every:
        if client is None:
            raise InvalidInput("--all completes every open item of one client: give --client C")
        if ids:
            raise InvalidInput("give item ids, or --client C --all, not both")
        owner = find_client(uow.plan, client)
        items = uow.work_items.listing(status=WorkStatus.OPEN, client_id=owner.id)
        if not items:
            raise NotFound(f"client {owner.reference!r} has no open work items")
        return items
    if client is not None:
        raise InvalidInput("--client goes with --all (every open item of the client)")
    if not ids:
        raise InvalidInput(
            "which work items? give their ids (see `socket work list`), or --client C --all"
        )
    wanted = list(dict.fromkeys(ids))
    found = {item.id: item for item in uow.work_items.listing(ids=wanted)}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFound(
            f"no work item {', '.join(missing)}: see `socket work list` for the open ones"
        )
    for item_id in wanted:
        item = found[item_id]
        if item.status is WorkStatus.INVOICED:
            raise Conflict(
                f"work item {item.id} ({item.client_reference}, {item.description}) is invoiced "
                f"already (Xero {item.xero_number}): invoiced work never changes"
            )
        if item.status is WorkStatus.COMPLETED:
            raise Conflict(
                f"work item {item.id} ({item.client_reference}, {item.description}) is completed "
                f"already: its invoice {item.invoice_reference!r} is {item.posting}"
            )
    return [found[item_id] for item_id in wanted]


def _decide(uow: UnitOfWork, clock: Clock, items: Sequence[WorkItem]) -> CompletionReview:
    settings = PracticeSettings.from_values(uow.settings.values())
    day = clock.now().astimezone(settings.time_zone).date()
    clients: dict[int, Client] = {}
    groups: dict[tuple[int, str], list[WorkItem]] = {}
    for item in items:
        groups.setdefault((item.client_id, item.proposal_reference), []).append(item)
    invoices: list[InvoiceDocument] = []
    for (client_id, proposal), members in groups.items():
        if client_id not in clients:
            found = uow.plan.client(members[0].client_reference)
            assert found is not None
            clients[client_id] = found
        client = clients[client_id]
        base = work_reference(client.reference, proposal, day, ())
        taken = uow.outbox.references(base) | {doc.reference for doc in invoices}
        reference = work_reference(client.reference, proposal, day, taken)
        invoices.append(work_invoice(members, client, settings, day, reference))
    ordered = tuple(item for members in groups.values() for item in members)
    ids = tuple(tuple(item.id for item in members) for members in groups.values())
    return CompletionReview(ordered, tuple(invoices), ids)


def review_completion(
    store: OpenStore,
    clock: Clock,
    ids: Sequence[int] = (),
    *,
    client: str | None = None,
    every: bool = False,
) -> CompletionReview:
    """What completing these items (or every open one of a client) would invoice."""
    with store() as uow:
        return _decide(uow, clock, _selected(uow, ids, client, every))


def complete_work(
    store: OpenStore,
    clock: Clock,
    ids: Sequence[int] = (),
    *,
    client: str | None = None,
    every: bool = False,
    expected: CompletionReview | None = None,
    locks: Locks | None = None,
) -> CompletionReport:
    """Complete the items in one transaction: their invoices into the outbox (pending), the
    next period's items opened. With `expected` (what the person said yes to), refuse when
    the work has changed since. Under the work lock of `locks`: one completion or reopening
    at a time on the store (two would both find the items open)."""
    with held(locks, Lock.WORK), store(write=True) as uow:
        review = _decide(uow, clock, _selected(uow, ids, client, every))
        if expected is not None and (
            expected.invoices != review.invoices or expected.members != review.members
        ):
            raise Conflict("the work changed since it was shown: nothing was completed; run again")
        themes = {t.name.casefold(): t.branding_theme_id for t in uow.mirror.branding_themes()}
        for doc, members in zip(review.invoices, review.members, strict=True):
            entry_id = uow.outbox.add_work(
                doc, key_for(doc.reference, 0), body_of(new_invoice(doc, themes))
            )
            uow.work_items.complete(members, entry_id)
        renewed = _renew(uow, review.items)
        items = {item.id: item for item in review.items}
        for doc, members in zip(review.invoices, review.members, strict=True):
            uow.history.record(
                completed(
                    doc.client_reference,
                    doc.client_name,
                    items=[f"{i} {items[i].description}" for i in members],
                    total=doc.total,
                    proposal=items[members[0]].proposal_reference if members else None,
                    month=doc.month,
                )
            )
        uow.commit()
    return CompletionReport(review, tuple(renewed))


def _renew(uow: UnitOfWork, items: Sequence[WorkItem]) -> list[Renewed]:
    """Open the next period's item of each quarterly or annual item completed."""
    periodic = [item for item in items if item.due is not None and item.period is not None]
    if not periodic:
        return []
    proposals = uow.work_items.proposal_of([item.id for item in periodic])
    ids = sorted(set(proposals.values()))
    lines = uow.work_items.lines(ids)
    dues = uow.work_items.dues(ids)
    clients = {c.id: c for c in uow.clients.all()}
    added, renewed = [], []
    for item in periodic:
        proposal_id = proposals[item.id]
        proposal_lines = lines.get(proposal_id, [])
        client = clients.get(item.client_id)
        found = renewal(
            item.method,
            item.service,
            item.due,
            item.line_id,
            proposal_lines,
            client.last_billable_month if client is not None else None,
        )
        if found is None:
            continue
        line, due = found
        series = {other.id for other in proposal_lines if other.same_series(line)}
        if any(line_id in series and d == due for line_id, d in dues.get(proposal_id, [])):
            continue  # that period's item exists already
        dues.setdefault(proposal_id, []).append((line.id, due))
        added.append((proposal_id, item.client_id, line, due))
        renewed.append(
            Renewed(
                item.client_reference,
                item.proposal_reference,
                line.description,
                period_text(line.method, due),
            )
        )
    uow.work_items.add(added)
    return renewed


# -- reopening ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReopenReport:
    item: WorkItem
    invoice_reference: str
    invoice_dropped: bool  # the invoice had no other item: it is gone from the outbox
    invoice_total: Decimal  # what the invoice now bills (0 when dropped)


def reopen_work(
    store: OpenStore,
    item_id: int,
    *,
    locks: Locks | None = None,
) -> ReopenReport:
    """Reopen an item completed by mistake whose invoice has not reached Xero (pending, or
    refused by Xero): it is open again, and its invoice bills the other items completed with
    it, or is dropped. Under the work lock and the posting lock of `locks`, so that no poster
    is sending that invoice meanwhile."""
    with held(locks, Lock.WORK), held(locks, Lock.POST), store(write=True) as uow:
        found = uow.work_items.listing(ids=[item_id])
        if not found:
            raise NotFound(f"no work item {item_id}: see `socket work list`")
        item = found[0]
        if item.status is WorkStatus.OPEN:
            raise Conflict(f"work item {item_id} is open: there is nothing to reopen")
        if item.status is WorkStatus.INVOICED:
            raise Conflict(
                f"work item {item_id} is invoiced in Xero ({item.xero_number}): it cannot be "
                "reopened; credit or void that invoice in Xero"
            )
        entry = next((e for e in uow.outbox.entries(work=True) if e.id == item.outbox_id), None)
        assert entry is not None
        if entry.state is OutboxState.SENDING:
            raise Conflict(
                f"work item {item_id}'s invoice {entry.reference!r} was sent and Xero's answer "
                "is not recorded yet: run `socket plan post` to settle it first"
            )
        others = [
            i
            for i in uow.work_items.listing(status=WorkStatus.COMPLETED, client_id=item.client_id)
            if i.outbox_id == entry.id and i.id != item_id
        ]
        uow.work_items.reopen([item_id])
        total = Decimal("0.00")
        if others:
            settings = PracticeSettings.from_values(uow.settings.values())
            client = uow.plan.client(item.client_reference)
            assert client is not None
            sent = invoice_of(entry.body)
            doc = work_invoice(others, client, settings, sent.invoice_date, entry.reference)
            themes = {t.name.casefold(): t.branding_theme_id for t in uow.mirror.branding_themes()}
            uow.outbox.rewrite(
                [
                    (
                        entry.id,
                        body_of(new_invoice(doc, themes)),
                        key_for(entry.reference, entry.attempts),
                    )
                ]
            )
            total = doc.total
        else:
            uow.outbox.remove([entry.id])
        uow.history.record(
            reopened_event(
                item.client_reference,
                item.client_name,
                item=f"{item_id} {item.description}",
                reference=entry.reference,
                dropped=not others,
            )
        )
        uow.commit()
    reopened = replace(
        item,
        status=WorkStatus.OPEN,
        completed_at=None,
        invoice_reference=None,
        posting=None,
        xero_number=None,
        error="",
        outbox_id=None,
    )
    return ReopenReport(reopened, entry.reference, not others, total)

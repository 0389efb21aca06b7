"""Fakes for the project's own ports, asserted on by state.

    store = FakeStore(clock)
    add_client(store.open, "ACME", "Acme Ltd", ClientChanges())   # store.open is an OpenStore
    show_plan(store.read, clock)                                   # store.read is an OpenReader
    store.view().clients.get("ACME")                               # what was committed
    store.commits                                                  # how many commits

The store keeps its committed state in dicts of immutable records; each unit of work works on
a copy of it, which `commit` makes the committed state and leaving without it throws away. The
repositories copy the SQL ones' semantics that the services rely on (adapters/store): ids
given on insert, clients keyed by reference, services by name ignoring case, a proposal's
stored lines becoming exactly its lines, work items going with their lines. The plan's reads
are the domain's billing engine over that state, which the SQL reader mirrors.

`FakeGateway` is one Xero organisation in memory, for `socket sync`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from socketcli.adapters.store.reader import BILLED_STATUSES, parse_tracking
from socketcli.domain.billing import client_totals
from socketcli.domain.errors import Conflict, StoreBusy
from socketcli.domain.history import HistoryEntry, HistoryEvent, HistoryQuery
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink, last_merge, link_of, with_merges
from socketcli.domain.model import BillableLine, ClientMonth, ProposalStatus
from socketcli.domain.money import from_minor, price_text, quantize, to_minor
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.proposals import NewProposal
from socketcli.domain.records import (
    Client,
    ClientLabel,
    FrozenTotal,
    Proposal,
    ProposalLine,
    Service,
    XeroContact,
)
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.work import WorkLine, first_due, follow, opens_item
from socketcli.ports.store import FinalisedMonth, ProposalsAside, PushedDetails, SyncState
from socketcli.ports.xero import (
    ContactChange,
    CreatedInvoice,
    NewContact,
    NewInvoice,
    ValidationProblem,
    XeroAccount,
    XeroBrandingTheme,
    XeroConnection,
    XeroContactRecord,
    XeroDuplicateContactName,
    XeroError,
    XeroNotFound,
    XeroTrackingCategory,
)
from socketcli.services.plan import terms_of

#: The moment the fakes stand on unless told otherwise (tests/conftest.py pins the same day).
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@dataclass
class FakeSleep:
    """A sleep (`Callable[[float], None]`) that records what it was asked to wait, and
    returns at once: a Retry-After of an hour costs nothing, and the test reads `slept`."""

    slept: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


@dataclass
class FakeClock:
    """A clock (ports.clock.Clock) that says `at` until a test moves it."""

    at: datetime = NOW

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


# -- the stored state ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredLine:
    """A proposal line as stored: its service by id (a line shows the service's stored name)."""

    id: int
    proposal: str  # the proposal's reference
    service_id: int
    line: ProposalLine  # with its id; its service_name is not read back

    @property
    def amount(self) -> Decimal:
        return self.line.amount


@dataclass(frozen=True, slots=True)
class StoredProposal:
    head: Proposal  # with its id, without its lines
    line_ids: tuple[int, ...]  # in position order
    cancelled_at: datetime | None = None  # when the store saw it become cancelled


@dataclass(frozen=True, slots=True)
class FakeWorkItem:
    id: int
    line_id: int
    client_id: int
    description: str
    amount: Decimal
    due_month: Month | None
    status: str = "open"


@dataclass(frozen=True, slots=True)
class FakeSnapshot:
    """A finalised month: the invoices it froze, as the services gave them."""

    month: Month
    invoices: tuple[InvoiceDocument, ...]
    finalised_by: str
    finalised_at: datetime
    #: (client id, service id) of every plan line in force when it was frozen or added to
    services: frozenset[tuple[int, int]] = frozenset()

    @property
    def total(self) -> Decimal:
        return from_minor(sum(to_minor(invoice.total) for invoice in self.invoices))


@dataclass(frozen=True, slots=True)
class MirroredContact:
    contact: XeroContact  # a plain XeroContact, as the SQL mirror reads it back
    tenant_id: str | None = None  # None: the playground's demo list
    xero_updated_at: datetime | None = None


@dataclass
class FakeState:
    """Everything a store holds. Values are immutable records, so a shallow copy of each dict
    is a transaction's working copy."""

    settings: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)  # by reference, with their id
    client_updated_at: dict[str, datetime] = field(default_factory=dict)
    services: dict[int, Service] = field(default_factory=dict)
    proposals: dict[str, StoredProposal] = field(default_factory=dict)
    lines: dict[int, StoredLine] = field(default_factory=dict)
    work_items: dict[int, FakeWorkItem] = field(default_factory=dict)
    snapshots: dict[Month, FakeSnapshot] = field(default_factory=dict)
    contacts: dict[str, MirroredContact] = field(default_factory=dict)
    accounts: dict[str, tuple[str, XeroAccount]] = field(default_factory=dict)
    themes: dict[str, tuple[str, XeroBrandingTheme]] = field(default_factory=dict)
    tracking: dict[str, tuple[str, XeroTrackingCategory]] = field(default_factory=dict)
    sync_states: dict[str, SyncState] = field(default_factory=dict)
    pushed: dict[int, PushedDetails] = field(default_factory=dict)
    outbox: dict[int, OutboxEntry] = field(default_factory=dict)
    history: dict[int, HistoryEntry] = field(default_factory=dict)
    #: New ids as PostgreSQL gives them (a sequence: never an id given before), instead of
    #: as SQLite does (the highest id in the table + 1, so a deleted row's id may come back).
    sequences: bool = False
    #: The highest id given so far, by table (for `sequences`).
    issued: dict[str, int] = field(default_factory=dict)

    def copy(self) -> FakeState:
        return FakeState(
            **{
                f.name: dict(value) if isinstance(value := getattr(self, f.name), dict) else value
                for f in fields(self)
            }
        )

    def new_id(self, table: str, ids: Iterable[int | None]) -> int:
        """The id the store gives the next new row of `table` (see `sequences`); `given`
        records it once a row has it."""
        found = next_id(ids)
        return max(found, self.issued.get(table, 0) + 1) if self.sequences else found

    def given(self, table: str, row_id: int) -> None:
        self.issued[table] = max(self.issued.get(table, 0), row_id)

    def service_named(self, name: str) -> Service | None:
        wanted = name.lower()
        return next((s for s in self.services.values() if s.name.lower() == wanted), None)

    def client_by_id(self) -> dict[int, Client]:
        return {client.id: client for client in self.clients.values() if client.id is not None}


def next_id(ids: Iterable[int | None]) -> int:
    """The id SQLite gives a new row: the highest id in the table + 1."""
    return max((i for i in ids if i is not None), default=0) + 1


# -- the plan's reads ------------------------------------------------------------------------


class FakePlanReader:
    """The plan's reads (ports.store.PlanReader) over a state, as the SQL reader makes them."""

    def __init__(self, state: FakeState, location: str) -> None:
        self._state = state
        self.location = location

    def settings_values(self) -> dict[str, str]:
        return dict(self._state.settings)

    def clients(self) -> list[Client]:
        return sorted(self._state.clients.values(), key=lambda c: (c.name.lower(), c.id or 0))

    def client_labels(self) -> list[ClientLabel]:
        return [
            ClientLabel(
                c.id or 0,
                c.reference,
                c.name,
                c.xero_contact_id,
                c.xero_contact_name,
                c.new_xero_contact,
                c.last_billable_month,
            )
            for c in sorted(self._state.clients.values(), key=lambda c: c.id or 0)
        ]

    def client(self, reference: str) -> Client | None:
        return self._state.clients.get(reference)

    def contact_problems(self) -> dict[int, ContactLink]:
        mirror = self._state.contacts
        if not mirror:
            return {}
        rows: list[tuple[ClientLabel, XeroContact | None]] = []
        for label in self.client_labels():
            if label.xero_contact_id is None:
                continue
            found = mirror.get(label.xero_contact_id)
            if found is None or found.contact.status != "ACTIVE":
                rows.append((label, None if found is None else found.contact))
        known = with_merges(
            (contact for _, contact in rows if contact is not None),
            lambda ids: [mirror[i].contact for i in ids if i in mirror],
        )
        return {
            label.id: link_of(
                label, contact, mirrored=True, merged_into=last_merge(contact, known.get)
            )
            for label, contact in rows
        }

    def billable_lines(
        self, first: Month, last: Month, *, client_id: int | None = None
    ) -> list[BillableLine]:
        state = self._state
        clients = {c.reference: c for c in state.clients.values()}
        found: list[BillableLine] = []
        for stored in sorted(state.lines.values(), key=lambda s: s.id):
            proposal = state.proposals[stored.proposal].head
            line = stored.line
            client = clients[proposal.client_reference]
            if (
                proposal.status.value not in BILLED_STATUSES
                or not line.billing_method.in_plan
                or line.start is None
                or line.start > last
                or (line.end is not None and line.end < first)
                or (client.last_billable_month is not None and client.last_billable_month < first)
                or (client_id is not None and client.id != client_id)
            ):
                continue
            service = state.services[stored.service_id]
            assert client.id is not None
            found.append(
                BillableLine(
                    stored.id,
                    client.id,
                    proposal.reference,
                    service.name,
                    line.description,
                    line.billing_method,
                    line.quantity,
                    line.unit_price,
                    service.account_code,
                    line.start,
                    line.end,
                    line.anchor,
                    line.charges_alignment,
                    parse_tracking(service.tracking_category) + parse_tracking(client.tracking),
                    self._billed_until(stored.id) if line.charges_alignment else None,
                    proposal.start_date.day
                    if line.charges_alignment
                    and proposal.start_date is not None
                    and Month.of(proposal.start_date) == line.start
                    else 1,
                )
            )
        return found

    def _billed_until(self, line_id: int) -> Month | None:
        """The latest month before line `line_id` starts in which another monthly line of
        its client's for the same service billed (the store's `billed_until`)."""
        state = self._state
        stored = state.lines[line_id]
        client = state.proposals[stored.proposal].head.client_reference
        start = stored.line.start
        assert start is not None
        months = []
        for other in state.lines.values():
            proposal = state.proposals[other.proposal].head
            line = other.line
            if (
                other.id == line_id
                or proposal.client_reference != client
                or other.service_id != stored.service_id
                or proposal.status.value not in BILLED_STATUSES
                or line.billing_method.period_months != 1
                or line.start is None
                or line.start >= start
            ):
                continue
            months.append(start - 1 if line.end is None or line.end >= start else line.end)
        return max(months, default=None)

    def unfrozen_lines(self, month: Month) -> list[BillableLine]:
        snapshot = self._state.snapshots.get(month)
        if snapshot is None:
            return []
        return [
            line
            for line in self.billable_lines(month, month)
            if (line.client_id, self._state.lines[line.line_id].service_id) not in snapshot.services
        ]

    def in_force(self, month: Month) -> frozenset[tuple[int, int]]:
        """(client id, service id) of every plan line in force in `month` (a fake's extra)."""
        return frozenset(
            (line.client_id, self._state.lines[line.line_id].service_id)
            for line in self.billable_lines(month, month)
        )

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]:
        if not months:
            return {}
        terms = {client_id: terms_of(c) for client_id, c in self._state.client_by_id().items()}
        lines = self.billable_lines(min(months), max(months))
        return client_totals(months, terms, lines, settings)

    def latest_finalised(self) -> Month | None:
        return max(self._state.snapshots, default=None)

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None:
        snapshot = self._state.snapshots.get(month)
        if snapshot is None:
            return None
        pennies: dict[int, list[int]] = {}
        for invoice in snapshot.invoices:
            figures = pennies.setdefault(invoice.client_id, [0, 0, 0])
            figures[0] += to_minor(invoice.total)
            figures[1] += len(invoice.lines)
            figures[2] += 1
        return {
            client_id: ClientMonth(from_minor(total), lines, count)
            for client_id, (total, lines, count) in pennies.items()
        }

    def finalised_invoices(
        self, month: Month, client_id: int | None = None
    ) -> list[InvoiceDocument]:
        snapshot = self._state.snapshots.get(month)
        invoices = snapshot.invoices if snapshot is not None else ()
        return [i for i in invoices if client_id is None or i.client_id == client_id]

    def finalised_invoice_totals(self, month: Month) -> list[FrozenTotal]:
        return [
            FrozenTotal(i.client_reference, i.client_name, i.reference, i.total)
            for i in self.finalised_invoices(month)
        ]

    def xero_contacts(self) -> list[XeroContact]:
        return [
            mirrored.contact
            for mirrored in sorted(
                self._state.contacts.values(),
                key=lambda m: (m.contact.name, m.contact.contact_id),
            )
        ]


# -- the repositories ------------------------------------------------------------------------


class _Repository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def state(self) -> FakeState:
        return self._uow.state

    def now(self) -> datetime:
        return self._uow.now()


class FakeSettings(_Repository):
    def values(self) -> dict[str, str]:
        return dict(self.state.settings)

    def set(self, key: str, value: str) -> None:
        self.state.settings[key] = value


class FakeClients(_Repository):
    def all(self) -> list[Client]:
        return self._uow.plan.clients()

    def labels(self) -> list[ClientLabel]:
        return self._uow.plan.client_labels()

    def get(self, reference: str) -> Client | None:
        return self.state.clients.get(reference)

    def by_references(self, references: Sequence[str]) -> list[Client]:
        clients = self.state.clients
        return [clients[r] for r in sorted(set(references)) if r in clients]

    def contact_problems(self) -> dict[int, ContactLink]:
        return self._uow.plan.contact_problems()

    def save(self, client: Client) -> Client:
        self.save_many([client])
        return self.state.clients[client.reference]

    def save_many(self, clients: Sequence[Client]) -> None:
        """By reference (a client's own id is not looked at); an unchanged one is not written."""
        stored = self.state.clients
        now = self.now()
        for client in {client.reference: client for client in clients}.values():
            before = stored.get(client.reference)
            client_id = before.id if before is not None else next_id(c.id for c in stored.values())
            after = replace(client, id=client_id)
            if after != before:
                stored[client.reference] = after
                self.state.client_updated_at[client.reference] = now


class FakeServices(_Repository):
    def all(self) -> list[Service]:
        return sorted(self.state.services.values(), key=lambda s: (s.name.lower(), s.id or 0))

    def get(self, name: str) -> Service | None:
        return self.state.service_named(name)

    def save(self, service: Service) -> Service:
        """By name ignoring case: an existing service takes every field given, its name too."""
        before = self.state.service_named(service.name)
        service_id = before.id if before is not None else next_id(self.state.services)
        assert service_id is not None
        saved = self.state.services[service_id] = replace(service, id=service_id)
        return saved


class FakeProposals(_Repository):
    def all(self, client_reference: str | None = None) -> list[Proposal]:
        return [
            self._read(stored)
            for reference, stored in sorted(self.state.proposals.items())
            if client_reference is None or stored.head.client_reference == client_reference
        ]

    def get(self, reference: str) -> Proposal | None:
        stored = self.state.proposals.get(reference)
        return None if stored is None else self._read(stored)

    def by_references(self, references: Sequence[str]) -> list[Proposal]:
        proposals = self.state.proposals
        return [self._read(proposals[r]) for r in sorted(set(references)) if r in proposals]

    def save(self, proposal: Proposal) -> Proposal:
        self.save_many([proposal])
        saved = self.get(proposal.reference)
        assert saved is not None
        return saved

    def _read(self, stored: StoredProposal) -> Proposal:
        state = self.state
        lines = []
        for line_id in stored.line_ids:
            line = state.lines[line_id]
            lines.append(replace(line.line, service_name=state.services[line.service_id].name))
        return replace(stored.head, lines=tuple(lines))

    def add_new(
        self,
        proposals: Sequence[NewProposal],
        *,
        work_from: Month | None = None,
        later: ProposalsAside | None = None,
    ) -> None:
        """As SQL: proposals not in the store, inserted as save_many inserts them, and with
        `work_from` their work items opened by open_for; `later`'s made here after them."""
        if later is not None:
            proposals = [*proposals, *later.made_here()]
        for proposal in proposals:
            if proposal.reference in self.state.proposals:
                raise ValueError(f"proposal {proposal.reference!r} is in the store already")
        self.save_many([proposal.as_proposal() for proposal in proposals])
        if work_from is not None:
            self._uow.work_items.open_for(
                [proposal.reference for proposal in proposals], in_force_from=work_from
            )

    def save_many(self, proposals: Sequence[Proposal]) -> None:
        """Insert or update by reference; each proposal's stored lines become exactly its lines
        (a line with the id of one of its stored lines keeps it, one without is inserted) and
        the stored lines not kept go, with their work items. As in SQL, the lines not kept
        are deleted before the new ones are inserted (SQLite gives a new row the highest id
        + 1, so a deleted line's id may come back)."""
        state = self.state
        services: dict[str, int] = {}
        for proposal in proposals:
            if proposal.client_reference not in state.clients:
                raise LookupError(f"client {proposal.client_reference!r} is not in the store")
            for line in proposal.lines:
                service = state.service_named(line.service_name)
                if service is None or service.id is None:
                    raise LookupError(f"service {line.service_name!r} is not in the store")
                services[line.service_name] = service.id
        now = self.now()
        ids: dict[str, int] = {}
        for proposal in proposals:
            before = state.proposals.get(proposal.reference)
            ids[proposal.reference] = (
                before.head.id
                if before is not None and before.head.id is not None
                else next_id(p.head.id for p in state.proposals.values())
            )
        # Open work items follow the new lines (domain.work.follow), as in SQL: taken before
        # the lines are rewritten, applied after, for the proposals whose lines change.
        relined = [
            p.reference
            for p in proposals
            if p.reference in state.proposals
            and [(x.id, _as_stored(x, x.id or 0)) for x in p.lines]
            != [(i, state.lines[i].line) for i in state.proposals[p.reference].line_ids]
        ]
        before_lines = {r: _work_lines(state, r) for r in relined}
        before_items = {r: _items_of(state, r) for r in relined}
        kept_ids: dict[str, list[int | None]] = {}
        for proposal in proposals:
            before = state.proposals.get(proposal.reference)
            existing = set(before.line_ids) if before is not None else set()
            kept: list[int | None] = []
            for line in proposal.lines:
                keeps = line.id is not None and line.id in existing and line.id not in kept
                kept.append(line.id if keeps else None)
            kept_ids[proposal.reference] = kept
            for dropped in existing - set(kept):
                for item in state.work_items.values():
                    if item.line_id == dropped and item.status != "open":
                        raise Conflict(
                            f"work item {item.id} was completed: the proposal line it was "
                            "billed on cannot be replaced from a month it was done in; change "
                            "the proposal from a later month"
                        )
            for dropped in existing - set(kept):
                del state.lines[dropped]
                for item in [i for i in state.work_items.values() if i.line_id == dropped]:
                    del state.work_items[item.id]
        new_line = state.new_id("lines", state.lines)
        for proposal in proposals:
            line_ids: list[int] = []
            for line, kept_id in zip(proposal.lines, kept_ids[proposal.reference], strict=True):
                line_id = kept_id
                if line_id is None:
                    line_id, new_line = new_line, new_line + 1
                    state.given("lines", line_id)
                line_ids.append(line_id)
                state.lines[line_id] = StoredLine(
                    line_id,
                    proposal.reference,
                    services[line.service_name],
                    _as_stored(line, line_id),
                )
            before = state.proposals.get(proposal.reference)
            cancelled_at = None if before is None else before.cancelled_at
            if (
                before is not None
                and proposal.status is ProposalStatus.CANCELLED
                and before.head.status is not ProposalStatus.CANCELLED
            ):
                cancelled_at = now
            state.proposals[proposal.reference] = StoredProposal(
                replace(proposal, id=ids[proposal.reference], lines=()),
                tuple(line_ids),
                cancelled_at,
            )
        this_month = Month.of(now.date())
        for reference in relined:
            old = {line.id: line for line in before_lines[reference]}
            new = _work_lines(state, reference)
            by_id = {line.id: line for line in new}
            for item in before_items[reference]:
                if item.status != "open" or item.line_id not in old:
                    continue
                line = old[item.line_id]
                target = follow(
                    line.method, line.service, item.due_month, by_id.get(item.line_id), new,
                    this_month,
                )  # fmt: skip
                if target is None:
                    state.work_items.pop(item.id, None)
                else:
                    state.work_items[item.id] = replace(
                        item,
                        line_id=target.id,
                        description=target.description,
                        amount=target.amount,
                    )

    def cancelled_at(self, reference: str) -> datetime | None:
        """When the store recorded the proposal's cancellation (None: not cancelled)."""
        return self.state.proposals[reference].cancelled_at


def _as_stored(line: ProposalLine, line_id: int) -> ProposalLine:
    """The line as the SQL store reads it back: its price as exact text, its flag a bool."""
    return replace(
        line,
        id=line_id,
        unit_price=Decimal(price_text(line.unit_price)),
        charges_alignment=bool(line.charges_alignment),
    )


def _work_lines(state: FakeState, reference: str) -> list[WorkLine]:
    """A proposal's started work lines, as domain/work.py sees them."""
    stored = state.proposals.get(reference)
    lines = []
    for line_id in sorted(stored.line_ids if stored is not None else ()):
        line = state.lines[line_id].line
        if line.billing_method.is_work and line.start is not None:
            service = state.services[state.lines[line_id].service_id].name
            lines.append(
                WorkLine(
                    line_id,
                    service,
                    line.billing_method,
                    line.start,
                    line.end,
                    line.anchor,
                    line.description,
                    line.amount,
                )
            )
    return lines


def _items_of(state: FakeState, reference: str) -> list[FakeWorkItem]:
    stored = state.proposals.get(reference)
    ids = set(stored.line_ids if stored is not None else ())
    return sorted(
        (item for item in state.work_items.values() if item.line_id in ids), key=lambda i: i.id
    )


class FakeWorkItems(_Repository):
    def open_for(self, references: Sequence[str], *, in_force_from: Month) -> None:
        state = self.state
        clients = {c.reference: c for c in state.clients.values()}
        for reference in sorted(set(references)):
            if reference not in state.proposals:
                continue
            lines = _work_lines(state, reference)
            known = [
                (i.line_id, i.due_month, i.status == "open") for i in _items_of(state, reference)
            ]
            client = clients[state.proposals[reference].head.client_reference]
            assert client.id is not None
            for line in lines:
                if line.end is not None and line.end < in_force_from:
                    continue
                due = first_due(line, in_force_from)
                if due is None or not opens_item(line, lines, known):
                    continue
                known.append((line.id, due, True))
                item_id = state.new_id("work_items", state.work_items)
                state.given("work_items", item_id)
                state.work_items[item_id] = FakeWorkItem(
                    item_id, line.id, client.id, line.description, line.amount, due
                )

    def all(self) -> list[FakeWorkItem]:
        """Every work item, by id (the SQL store has no such read: a fake's extra)."""
        return sorted(self.state.work_items.values(), key=lambda item: item.id)


class FakeSnapshots(_Repository):
    def months(self) -> list[Month]:
        return sorted(self.state.snapshots)

    def finalised(self) -> list[FinalisedMonth]:
        return [
            FinalisedMonth(
                s.month, len(s.invoices), s.total, s.finalised_at.astimezone(UTC), s.finalised_by
            )
            for _, s in sorted(self.state.snapshots.items())
        ]

    def latest_finalised(self) -> Month | None:
        return self._uow.plan.latest_finalised()

    def totals(self, month: Month) -> dict[int, ClientMonth] | None:
        return self._uow.plan.finalised_totals(month)

    def freeze(self, month: Month, invoices: Sequence[InvoiceDocument], finalised_by: str) -> None:
        if month in self.state.snapshots:
            raise ValueError(f"{month} is already frozen (the store's primary key refuses it)")
        for invoice in invoices:
            to_minor(invoice.total)  # pennies, or the store refuses it
        self.state.snapshots[month] = FakeSnapshot(
            month, tuple(invoices), finalised_by, self.now(), self._uow.plan.in_force(month)
        )

    def append(self, month: Month, invoices: Sequence[InvoiceDocument]) -> None:
        snapshot = self.state.snapshots.get(month)
        if snapshot is None:
            raise ValueError(f"{month} is not finalised: there is no snapshot to add to")
        for invoice in invoices:
            to_minor(invoice.total)  # pennies, or the store refuses it
        self.state.snapshots[month] = replace(
            snapshot,
            invoices=(*snapshot.invoices, *invoices),
            services=snapshot.services | self._uow.plan.in_force(month),
        )

    def record_client_services(self, client_id: int, months: Sequence[Month]) -> None:
        for month in months:
            snapshot = self.state.snapshots[month]
            mine = {pair for pair in self._uow.plan.in_force(month) if pair[0] == client_id}
            self.state.snapshots[month] = replace(snapshot, services=snapshot.services | mine)

    def thaw(self, month: Month) -> None:
        self.state.snapshots.pop(month, None)

    def get(self, month: Month) -> FakeSnapshot | None:
        """The finalised month as frozen (a fake's extra)."""
        return self.state.snapshots.get(month)


_CONTACT_FIELDS = [f.name for f in fields(XeroContact)]


def _plain(contact: XeroContact, **more: Any) -> Any:
    """A contact as the mirror reads it back: a XeroContact, even from a XeroContactRecord
    (with `more`, as a XeroContactRecord)."""
    values = {name: getattr(contact, name) for name in _CONTACT_FIELDS}
    return XeroContactRecord(**values, **more) if more else XeroContact(**values)


class FakeMirror(_Repository):
    def contacts(self) -> list[XeroContact]:
        return self._uow.plan.xero_contacts()

    def save_contacts(self, contacts: Sequence[XeroContact]) -> None:
        mirror = self.state.contacts
        for contact in contacts:
            before = mirror.get(contact.contact_id, MirroredContact(contact))
            mirror[contact.contact_id] = replace(before, contact=_plain(contact))

    def contacts_by_id(self, contact_ids: Sequence[str]) -> list[XeroContactRecord]:
        mirror = self.state.contacts
        return [
            _plain(mirror[i].contact, updated_at=mirror[i].xero_updated_at)
            for i in sorted(set(contact_ids))
            if i in mirror
        ]

    def save_contact_records(self, tenant_id: str, records: Sequence[XeroContactRecord]) -> None:
        for record in records:
            self.state.contacts[record.contact_id] = MirroredContact(
                _plain(record), tenant_id, record.updated_at
            )

    def forget_other_organisations(self, tenant_id: str) -> None:
        state = self.state

        def mine(tenant: str | None) -> bool:
            return tenant is None or tenant == tenant_id

        state.contacts = {k: v for k, v in state.contacts.items() if mine(v.tenant_id)}
        state.accounts = {k: v for k, v in state.accounts.items() if v[0] == tenant_id}
        state.themes = {k: v for k, v in state.themes.items() if v[0] == tenant_id}
        state.tracking = {k: v for k, v in state.tracking.items() if v[0] == tenant_id}
        state.sync_states = {k: v for k, v in state.sync_states.items() if k == tenant_id}

    def refresh_linked_contact_names(self) -> None:
        """The linked clients take their contact's mirrored name; updated_at does not move."""
        clients = self.state.clients
        for reference, client in list(clients.items()):
            mirrored = self.state.contacts.get(client.xero_contact_id or "")
            if mirrored is not None and client.xero_contact_name != mirrored.contact.name:
                clients[reference] = replace(client, xero_contact_name=mirrored.contact.name)

    def accounts(self) -> list[XeroAccount]:
        return sorted(
            (account for _, account in self.state.accounts.values()),
            key=lambda a: (a.code, a.account_id),
        )

    def save_accounts(
        self, tenant_id: str, accounts: Sequence[XeroAccount], *, complete: bool
    ) -> None:
        state = self.state
        if complete:
            listed = {account.account_id for account in accounts}
            state.accounts = {
                k: v for k, v in state.accounts.items() if v[0] != tenant_id or k in listed
            }
        for account in accounts:
            state.accounts[account.account_id] = (tenant_id, account)

    def branding_themes(self) -> list[XeroBrandingTheme]:
        return [
            XeroBrandingTheme(t.branding_theme_id, t.name, t.sort_order)  # the type is not kept
            for t in sorted(
                (theme for _, theme in self.state.themes.values()),
                key=lambda t: (t.sort_order, t.name.lower()),
            )
        ]

    def save_branding_themes(self, tenant_id: str, themes: Sequence[XeroBrandingTheme]) -> None:
        state = self.state
        state.themes = {k: v for k, v in state.themes.items() if v[0] != tenant_id}
        for theme in themes:
            state.themes[theme.branding_theme_id] = (tenant_id, theme)

    def tracking_categories(self) -> list[XeroTrackingCategory]:
        return sorted(
            (category for _, category in self.state.tracking.values()),
            key=lambda c: c.name.lower(),
        )

    def save_tracking_categories(
        self, tenant_id: str, categories: Sequence[XeroTrackingCategory]
    ) -> None:
        state = self.state
        state.tracking = {k: v for k, v in state.tracking.items() if v[0] != tenant_id}
        for category in categories:
            state.tracking[category.tracking_category_id] = (tenant_id, category)

    def sync_state(self, tenant_id: str) -> SyncState | None:
        return self.state.sync_states.get(tenant_id)

    def save_sync_state(self, state: SyncState) -> None:
        self.state.sync_states[state.tenant_id] = state

    def pushed_clients(self) -> list[PushedDetails]:
        return [self.state.pushed[k] for k in sorted(self.state.pushed)]

    def save_pushed_clients(self, details: Sequence[PushedDetails]) -> None:
        for detail in details:
            self.state.pushed[detail.client_id] = detail


# -- the unit of work and the store ----------------------------------------------------------


class FakeOutbox(_Repository):
    """The outbox as far as the plan's services read it: its entries (tests add them with
    `add_entry`, a fake's extra; posting itself is tested on the SQL store, tests/posting)."""

    def entries(
        self, *, months: Sequence[Month] | None = None, states: Sequence[OutboxState] = ()
    ) -> list[OutboxEntry]:
        return [
            entry
            for entry in sorted(self.state.outbox.values(), key=lambda e: e.id)
            if (months is None or entry.month in months) and (not states or entry.state in states)
        ]

    def state_counts(self) -> dict[Month, dict[OutboxState, int]]:
        counts: dict[Month, dict[OutboxState, int]] = {}
        for entry in self.state.outbox.values():
            if entry.work:
                continue  # a month's plan invoices, not work completed in it
            by_state = counts.setdefault(entry.month, {})
            by_state[entry.state] = by_state.get(entry.state, 0) + 1
        return counts

    def add_entry(self, entry: OutboxEntry) -> None:
        self.state.outbox[entry.id] = entry


class FakeHistory(_Repository):
    """The history as the SQL one keeps it: appended, stamped with now (UTC) and the unit of
    work's actor, read newest first; nothing changes or deletes an entry."""

    def record(self, *events: HistoryEvent) -> None:
        at = self.now().astimezone(UTC)
        for event in events:
            entry_id = next_id(self.state.history)
            self.state.history[entry_id] = HistoryEntry(
                entry_id,
                at,
                event.by or self._uow.actor,
                event.kind,
                event.summary,
                event.month,
                event.client_reference,
                event.client_name,
                event.details_json(),
            )

    def _selected(self, query: HistoryQuery) -> list[HistoryEntry]:
        return [
            e
            for e in sorted(self.state.history.values(), key=lambda e: (e.at, e.id), reverse=True)
            if (not query.kinds or e.kind in query.kinds)
            and (query.month is None or e.month == query.month)
            and (query.client_reference is None or e.client_reference == query.client_reference)
            and (query.since is None or e.at >= query.since)
        ]

    def entries(self, query: HistoryQuery) -> list[HistoryEntry]:
        found = self._selected(query)
        return found[: query.limit] if query.limit else found

    def count(self, query: HistoryQuery) -> int:
        return len(self._selected(query))

    def all(self) -> list[HistoryEntry]:
        """Every entry, oldest first (a fake's extra)."""
        return [self.state.history[i] for i in sorted(self.state.history)]


class FakeUnitOfWork:
    """One transaction (ports.store.UnitOfWork) on a working copy of the store's state."""

    settings: FakeSettings
    clients: FakeClients
    services: FakeServices
    proposals: FakeProposals
    work_items: FakeWorkItems
    snapshots: FakeSnapshots
    mirror: FakeMirror
    outbox: FakeOutbox
    history: FakeHistory

    def __init__(self, store: FakeStore, *, write: bool = False, optimistic: bool = False) -> None:
        self._store = store
        self.write = write
        #: The write lock is taken at commit, and refused if another commit came first.
        self.optimistic = write and optimistic
        self._seen = 0
        self.location = store.location
        self.actor = store.actor
        self.committed = False
        self._state: FakeState | None = None
        self.settings = FakeSettings(self)
        self.clients = FakeClients(self)
        self.services = FakeServices(self)
        self.proposals = FakeProposals(self)
        self.work_items = FakeWorkItems(self)
        self.snapshots = FakeSnapshots(self)
        self.mirror = FakeMirror(self)
        self.outbox = FakeOutbox(self)
        self.history = FakeHistory(self)
        for call, error in store.failures.items():
            repository, method = call.split(".")
            # "uow.commit": the commit itself fails (a full disk), after all was done.
            target = self if repository == "uow" else getattr(self, repository)
            setattr(target, method, _raiser(error))

    @property
    def state(self) -> FakeState:
        if self._state is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._state

    @property
    def plan(self) -> FakePlanReader:
        return FakePlanReader(self.state, self.location)

    def now(self) -> datetime:
        return self._store.clock.now()

    def __enter__(self) -> Self:
        self._store.begin(self)
        self._seen = self._store.commits
        self._state = self._store.state.copy()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._state = None
        self._store.end(self)

    def commit(self) -> None:
        state = self.state
        another_wrote = self._store.commits != self._seen or self._store._writer is not None
        if self.optimistic and state != self._store.state and another_wrote:
            raise StoreBusy()
        if not self.write and state != self._store.state:
            raise AssertionError("a read-only unit of work wrote to the store: open it write=True")
        self._store.state = state
        self._state = state.copy()
        self._store.commits += 1
        self.committed = True

    def rollback(self) -> None:
        self._state = self._store.state.copy()


def _raiser(error: Exception) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> Any:
        raise error

    return fail


class FakeStore:
    """The committed state, and the openers the services take: `open` (an OpenStore) and
    `read` (an OpenReader). One write unit of work at a time, as the store's write lock.

    `fail("work_items.open_for", OSError("disk full"))`: that repository method raises in
    every unit of work opened from then on (a store failing half-way through a use case);
    `fail("uow.commit", ...)`: every commit does (the whole use case rolls back).
    """

    def __init__(
        self,
        clock: FakeClock | None = None,
        *,
        location: str = "the fake store",
        actor: str = "tester",
        sequences: bool = False,
    ) -> None:
        self.clock = clock or FakeClock()
        self.location = location
        self.actor = actor  # who the history names
        self.state = FakeState(sequences=sequences)  # sequences: new ids as PostgreSQL's
        self.commits = 0
        self.failures: dict[str, Exception] = {}
        self._writer: FakeUnitOfWork | None = None

    def fail(self, call: str, error: Exception) -> None:
        self.failures[call] = error

    def open(
        self, *, write: bool = False, optimistic: bool = False, bulk: bool = False
    ) -> FakeUnitOfWork:
        """A unit of work (`bulk`, how SQLite checks references, changes nothing here)."""
        return FakeUnitOfWork(self, write=write, optimistic=optimistic)

    @contextmanager
    def read(self) -> Iterator[FakePlanReader]:
        yield FakePlanReader(self.state.copy(), self.location)

    def view(self) -> FakeUnitOfWork:
        """The committed state through the repositories, to assert on; it is never committed."""
        uow = FakeUnitOfWork(self)
        uow._state = self.state.copy()
        return uow

    def begin(self, uow: FakeUnitOfWork) -> None:
        if uow.write and not uow.optimistic:
            if self._writer is not None:
                raise RuntimeError("a second write unit of work would wait for the write lock")
            self._writer = uow

    def end(self, uow: FakeUnitOfWork) -> None:
        if self._writer is uow:
            self._writer = None


# -- Xero ------------------------------------------------------------------------------------


class FakeGateway:
    """One Xero organisation in memory (ports.xero.XeroGateway): its contacts, revenue
    accounts, branding themes and tracking categories, what it was sent, and the calls made
    per endpoint (one per batch of 50, as the real gateway sends them)."""

    BATCH = 50

    def __init__(
        self,
        clock: FakeClock | None = None,
        *,
        tenant_id: str = "tenant-1",
        tenant_name: str = "Demo Practice Ltd",
    ) -> None:
        self.clock = clock or FakeClock()
        self.connections = [XeroConnection(tenant_id, tenant_name)]
        self.contacts: dict[str, XeroContactRecord] = {}
        self.accounts: dict[str, XeroAccount] = {}
        self.themes: list[XeroBrandingTheme] = []
        self.tracking: list[XeroTrackingCategory] = []
        self.contact_changes: list[ContactChange] = []  # every change Xero accepted
        self.invoices: list[NewInvoice] = []  # every invoice Xero created
        self.asked_since: list[datetime | None] = []  # each GET /Contacts' If-Modified-Since
        self.failures: dict[str, XeroError] = {}  # endpoint: the error its next call raises
        self._created: dict[str, list[CreatedInvoice]] = {}
        self._counts: Counter[str] = Counter()
        self._last = 0

    # -- arranging ---------------------------------------------------------------------------

    def add_contact(
        self,
        name: str,
        *,
        contact_id: str | None = None,
        email: str = "",
        contact_number: str | None = None,
        status: str = "ACTIVE",
        is_customer: bool = True,
        merged_to: str | None = None,
    ) -> XeroContactRecord:
        record = XeroContactRecord(
            contact_id or self._new_id("contact"),
            name,
            email,
            contact_number,
            None,
            status,
            is_customer,
            merged_to,
            self._tick(),
        )
        self.contacts[record.contact_id] = record
        return record

    def edit_contact(self, contact_id: str, **changes: Any) -> XeroContactRecord:
        """A person's edit in Xero: the contact changes and its UpdatedDateUTC moves."""
        record = replace(self.contacts[contact_id], **changes, updated_at=self._tick())
        self.contacts[contact_id] = record
        return record

    def add_account(self, code: str, name: str, *, status: str = "ACTIVE") -> XeroAccount:
        account = XeroAccount(self._new_id("account"), code, name, status, updated_at=self._tick())
        self.accounts[account.account_id] = account
        return account

    def fail(self, endpoint: str, error: XeroError) -> None:
        """The next call of `endpoint` ("GET /Accounts") raises `error`."""
        self.failures[endpoint] = error

    def _new_id(self, kind: str) -> str:
        self._last += 1
        return f"{kind}-{self._last:04d}"

    def _tick(self) -> datetime:
        """Xero's UpdatedDateUTC for a change now (a millisecond later than the last one)."""
        self.clock.advance(milliseconds=1)
        return self.clock.now()

    def _call(self, endpoint: str, count: int = 1) -> None:
        self._counts[endpoint] += max(count, 1)
        failure = self.failures.pop(endpoint, None)
        if failure is not None:
            raise failure

    def _batches(self, count: int) -> int:
        return -(-count // self.BATCH)

    # -- the port ----------------------------------------------------------------------------

    @property
    def call_counts(self) -> Mapping[str, int]:
        return dict(self._counts)

    @property
    def total_calls(self) -> int:
        return sum(self._counts.values())

    def list_connections(self) -> list[XeroConnection]:
        self._call("GET /connections")
        return list(self.connections)

    def list_contacts(
        self, modified_since: datetime | None = None, *, include_archived: bool = True
    ) -> list[XeroContactRecord]:
        self._call("GET /Contacts")
        self.asked_since.append(modified_since)
        return [
            c
            for c in self.contacts.values()
            if (include_archived or not c.archived)
            and (
                modified_since is None
                or (c.updated_at is not None and c.updated_at > modified_since)
            )
        ]

    def _check_unique(self, names: Mapping[str, str]) -> None:
        """`names`: contact id (or a new contact's place) to its name; Xero refuses a name that
        another active contact has."""
        taken = {c.name.casefold(): c.contact_id for c in self.contacts.values() if not c.archived}
        problems = []
        for key, name in names.items():
            holder = taken.get(name.casefold())
            if holder is not None and holder != key:
                problems.append(
                    ValidationProblem(
                        name,
                        (
                            f"The contact name {name} is already assigned to another contact. "
                            "The contact name must be unique across all active contacts.",
                        ),
                    )
                )
        if problems:
            raise XeroDuplicateContactName(problems)

    def create_contacts(
        self, contacts: Sequence[NewContact], *, idempotency_key: str | None = None
    ) -> list[str]:
        self._call("PUT /Contacts", self._batches(len(contacts)))
        self._check_unique({f"new-{i}": c.name for i, c in enumerate(contacts)})
        return [
            self.add_contact(c.name, email=c.email, contact_number=c.contact_number).contact_id
            for c in contacts
        ]

    def update_contacts(
        self, changes: Sequence[ContactChange], *, idempotency_key: str | None = None
    ) -> list[str]:
        self._call("POST /Contacts", self._batches(len(changes)))
        for change in changes:
            if change.contact_id not in self.contacts:
                raise XeroNotFound(f"POST /Contacts {change.contact_id}")
        self._check_unique({c.contact_id: c.name for c in changes if c.name is not None})
        for change in changes:
            values = {
                name: value
                for name in ("name", "email", "contact_number", "account_number")
                if (value := getattr(change, name)) is not None
            }
            self.edit_contact(change.contact_id, **values)
            self.contact_changes.append(change)
        return [change.contact_id for change in changes]

    def list_revenue_accounts(self, modified_since: datetime | None = None) -> list[XeroAccount]:
        self._call("GET /Accounts")
        return [
            a
            for a in self.accounts.values()
            if modified_since is None
            or (a.updated_at is not None and a.updated_at > modified_since)
        ]

    def list_branding_themes(self) -> list[XeroBrandingTheme]:
        self._call("GET /BrandingThemes")
        return list(self.themes)

    def list_tracking_categories(self) -> list[XeroTrackingCategory]:
        self._call("GET /TrackingCategories")
        return list(self.tracking)

    def create_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[CreatedInvoice]:
        self._call("PUT /Invoices", self._batches(len(invoices)))
        if idempotency_key in self._created:
            return list(self._created[idempotency_key])
        created = []
        for invoice in invoices:
            subtotal = sum(
                (quantize(line.quantity * line.unit_amount) for line in invoice.lines),
                Decimal("0.00"),
            )
            invoice_id = self._new_id("invoice")
            created.append(
                CreatedInvoice(
                    invoice_id,
                    f"INV-{len(self.invoices) + 1:04d}",
                    invoice.reference,
                    invoice.status,
                    invoice.contact_id,
                    subtotal,
                    Decimal("0.00"),
                    subtotal,
                )
            )
            self.invoices.append(invoice)
        self._created[idempotency_key] = created
        return list(created)

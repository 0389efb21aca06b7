"""Build, compare, preview and finalise the monthly billing plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from socketcli.domain.billing import compute_plan, next_billing_month
from socketcli.domain.diff import diff
from socketcli.domain.errors import Conflict, NotFound, StoreNotReady
from socketcli.domain.invoice import InvoiceDocument, render_invoice
from socketcli.domain.links import ContactLink, LinkStatus, link_of
from socketcli.domain.model import ChangeType, ClientMonth, ClientTerms, Plan
from socketcli.domain.months import Month
from socketcli.domain.records import Client, ClientLabel
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenReader, OpenStore, PlanReader


@dataclass(frozen=True, slots=True)
class PlanRow:
    reference: str
    client: str
    amount: Decimal
    line_count: int
    invoice_count: int
    link: ContactLink  # where the client stands with its Xero contact

    @property
    def contact(self) -> str | None:
        """The linked Xero contact's name; None when not linked."""
        return self.link.contact_name

    @property
    def warning(self) -> str | None:
        """Why the client needs attention before posting."""
        return self.link.warning


@dataclass(frozen=True, slots=True)
class PlanReport:
    month: Month
    playground: bool
    rows: tuple[PlanRow, ...]
    finalised: bool = False  # the figures are the finalised snapshot's

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def line_count(self) -> int:
        return sum(row.line_count for row in self.rows)

    @property
    def needing_attention(self) -> int:
        return sum(1 for row in self.rows if row.warning)

    @property
    def new_contacts(self) -> int:
        """Clients whose invoices go to a new Xero contact made at posting."""
        return sum(1 for row in self.rows if row.link.status is LinkStatus.NEW)


@dataclass(frozen=True, slots=True)
class DiffRow:
    reference: str
    client: str
    change: ChangeType
    amount: Decimal
    line_count: int
    previous_amount: Decimal
    previous_line_count: int
    link: ContactLink

    @property
    def contact(self) -> str | None:
        return self.link.contact_name

    @property
    def warning(self) -> str | None:
        """Why a client billed this month needs attention before posting."""
        return self.link.warning if self.line_count > 0 else None

    @property
    def difference(self) -> Decimal:
        return self.amount - self.previous_amount


@dataclass(frozen=True, slots=True)
class ChangeTotal:
    change: ChangeType
    clients: int
    amount: Decimal
    previous_amount: Decimal

    @property
    def difference(self) -> Decimal:
        return self.amount - self.previous_amount


@dataclass(frozen=True, slots=True)
class DiffReport:
    month: Month
    previous_month: Month
    previous_source: str  # "finalised" or "computed"
    playground: bool
    rows: tuple[DiffRow, ...]
    totals: tuple[ChangeTotal, ...] = field(default_factory=tuple)

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def previous_amount(self) -> Decimal:
        return sum((row.previous_amount for row in self.rows), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class PreviewReport:
    month: Month
    playground: bool
    invoices: tuple[InvoiceDocument, ...]
    link: ContactLink
    finalised: bool = False  # the invoices are those the finalised month froze


@dataclass(frozen=True, slots=True)
class ApprovalReport:
    month: Month
    invoices: int
    total: Decimal
    finalised_by: str


def terms_of(client: Client) -> ClientTerms:
    assert client.id is not None
    return ClientTerms(
        client_id=client.id,
        name=client.name,
        reference=client.reference,
        year_end=client.year_end,
        last_billable_month=client.last_billable_month,
        consolidate=client.consolidate,
    )


def link_of_row(client: Client | ClientLabel, problems: Mapping[int, ContactLink]) -> ContactLink:
    """A client's link, from its own columns and the few problem links the store found."""
    found = problems.get(client.id) if client.id is not None else None
    return found or link_of(client, None, mirrored=False)


def no_clients(uow: PlanReader) -> StoreNotReady:
    return StoreNotReady(
        f"the store at {uow.location} has no clients yet: add them with "
        "`socket clients add` or `socket import`, or try `socket playground`"
    )


class _Practice:
    """What every plan command loads: settings and clients, once."""

    def __init__(self, uow: PlanReader) -> None:
        self.settings = PracticeSettings.from_values(uow.settings_values())
        clients = uow.clients()
        self.clients = {client.id: client for client in clients if client.id is not None}
        if not self.clients:
            raise no_clients(uow)

    @cached_property
    def terms(self) -> dict[int, ClientTerms]:
        """What the engine needs of each client (not needed by `plan diff`'s SQL totals)."""
        return {client_id: terms_of(client) for client_id, client in self.clients.items()}

    def plan(self, uow: PlanReader, month: Month) -> Plan:
        return compute_plan(month, self.terms, uow.billable_lines(month, month), self.settings)


def resolve_month(uow: PlanReader, month: Month | None, clock: Clock) -> Month:
    if month is not None:
        return month
    return next_billing_month(clock.now().date(), uow.latest_finalised())


def show_plan(read: OpenReader, clock: Clock, month: Month | None = None) -> PlanReport:
    with read() as reader:
        practice = _Practice(reader)
        month = resolve_month(reader, month, clock)
        finalised = reader.finalised_totals(month)
        billing = finalised if finalised is not None else practice.plan(reader, month).by_client()
        problems = reader.contact_problems()
        rows = []
        for client_id, billed in billing.items():
            client = practice.clients[client_id]
            rows.append(
                PlanRow(
                    reference=client.reference,
                    client=client.name,
                    amount=billed.amount,
                    line_count=billed.line_count,
                    invoice_count=billed.invoice_count,
                    link=link_of_row(client, problems),
                )
            )
        rows.sort(key=lambda row: (row.client.lower(), row.reference))
        return PlanReport(month, practice.settings.playground, tuple(rows), finalised is not None)


def diff_plan(
    read: OpenReader,
    clock: Clock,
    month: Month | None = None,
    changes: frozenset[ChangeType] | None = None,
) -> DiffReport:
    with read() as reader:
        settings = PracticeSettings.from_values(reader.settings_values())
        labels = {
            label.id: label for label in reader.client_labels()
        }  # all a row shows of a client
        if not labels:
            raise no_clients(reader)
        month = resolve_month(reader, month, clock)
        previous_month = month - 1
        finalised = reader.finalised_totals(previous_month)
        computed = [month] if finalised is not None else [previous_month, month]
        figures = reader.billing_totals(computed, settings)
        current = figures[month]
        previous: dict[int, ClientMonth] = (
            finalised if finalised is not None else figures[previous_month]
        )
        problems = reader.contact_problems()
        rows = []
        for change in diff(current, previous):
            client = labels.get(change.client_id)
            if client is None:
                continue
            rows.append(
                DiffRow(
                    reference=client.reference,
                    client=client.name,
                    change=change.change,
                    amount=change.current.amount,
                    line_count=change.current.line_count,
                    previous_amount=change.previous.amount,
                    previous_line_count=change.previous.line_count,
                    link=link_of_row(client, problems),
                )
            )
        rows.sort(key=lambda row: (row.client.lower(), row.reference))
        if changes:
            rows = [row for row in rows if row.change in changes]
        totals = []
        for change_type in ChangeType:
            members = [row for row in rows if row.change is change_type]
            if members:
                totals.append(
                    ChangeTotal(
                        change_type,
                        len(members),
                        sum((row.amount for row in members), Decimal("0.00")),
                        sum((row.previous_amount for row in members), Decimal("0.00")),
                    )
                )
        return DiffReport(
            month,
            previous_month,
            "computed" if finalised is None else "finalised",
            settings.playground,
            tuple(rows),
            tuple(totals),
        )


def find_client(uow: PlanReader, key: str) -> Client:
    """A client by reference, or by name when exactly one client has it."""
    client = uow.client(key)
    if client is not None:
        return client
    named = [c for c in uow.clients() if c.name.casefold() == key.casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        refs = ", ".join(c.reference for c in named)
        raise NotFound(f"client {key!r} names {len(named)} clients ({refs}): use a reference")
    raise NotFound(f"client {key!r} does not exist: see `socket clients list`")


def preview_invoice(
    read: OpenReader, clock: Clock, client_key: str, month: Month | None = None
) -> PreviewReport:
    with read() as reader:
        practice = _Practice(reader)
        client = find_client(reader, client_key)
        month = resolve_month(reader, month, clock)
        link = link_of_row(client, reader.contact_problems())
        if reader.finalised_totals(month) is not None:
            # What was approved is what is previewed (and posted): later edits to the client,
            # its services or the settings apply from the next month not yet finalised.
            frozen = tuple(reader.finalised_invoices(month, client.id))
            return PreviewReport(month, practice.settings.playground, frozen, link, True)
        plan = practice.plan(reader, month)
        documents = tuple(
            render_invoice(invoice, client, practice.settings)
            for invoice in plan.invoices
            if invoice.client_id == client.id
        )
        return PreviewReport(month, practice.settings.playground, documents, link)


def approve_plan(
    store: OpenStore, clock: Clock, month: Month | None, approved_by: str
) -> ApprovalReport:
    """Finalise the month's plan: the invoices as they stand are recorded and then kept."""
    with store(write=True) as uow:
        practice = _Practice(uow.plan)
        month = resolve_month(uow.plan, month, clock)
        if uow.snapshots.totals(month) is not None:
            raise Conflict(f"the plan for {month} is already finalised")
        plan = practice.plan(uow.plan, month)
        documents = [
            render_invoice(invoice, practice.clients[invoice.client_id], practice.settings)
            for invoice in plan.invoices
        ]
        uow.snapshots.freeze(month, documents, approved_by)
        uow.commit()
        return ApprovalReport(month, len(documents), plan.total, approved_by)


def today(clock: Clock) -> date:
    return clock.now().date()

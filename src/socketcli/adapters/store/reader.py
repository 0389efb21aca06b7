"""Reading the plan's inputs with SQLAlchemy Core only: no SQLModel, no ORM, no pydantic models.

The plan commands (`plan show`, `diff`, `preview`) only read. They use this reader on a
plain connection, in one read transaction, so that they import neither SQLModel nor the
ORM (a fifth of a second on every run). The unit of work uses the same reader, on its
session's connection and with the declared tables, for the same reads: one implementation.

Without declared tables the reader reflects the few tables it reads from the database
(a couple of milliseconds); their columns are the ones the migrations made, and a test
holds the migrations to the declared tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    MetaData,
    Table,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy import (
    text as sql_text,
)

from socketcli.adapters.store.collation import bytewise
from socketcli.adapters.store.plan_queries import (
    BILLED_STATUSES as BILLED_STATUSES,
)
from socketcli.adapters.store.plan_queries import (
    CLIENT_COLUMNS as CLIENT_COLUMNS,
)
from socketcli.adapters.store.plan_queries import (
    CONTACT_COLUMNS as CONTACT_COLUMNS,
)
from socketcli.adapters.store.plan_queries import (
    PLAN_METHODS as PLAN_METHODS,
)
from socketcli.adapters.store.plan_queries import (
    PlanQueries,
    clients_of,
    contact_of,
    start_day,
)
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import (
    BillableLine,
    BillingMethod,
    InvoiceKind,
    InvoiceLine,
)
from socketcli.domain.money import from_minor
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxState
from socketcli.domain.records import Client, XeroContact
from socketcli.domain.work import ListedWork, WorkStatus, item_status

METHODS = {method.value: method for method in BillingMethod}
READ_TABLES = (
    "settings",
    "clients",
    "services",
    "proposals",
    "proposal_lines",
    "plan_snapshots",
    "snapshot_invoices",
    "xero_contacts",
)


def parse_tracking(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text or ":" not in text:
        return ()
    category, option = text.split(":", 1)
    return ((category.strip(), option.strip()),)


class SqlReader(PlanQueries):
    """The plan's reads, on one connection (and within its transaction): the hot ones as
    `PlanQueries`' plain SQL, the others built with SQLAlchemy Core."""

    def __init__(
        self,
        connection: Connection,
        *,
        tables: Mapping[str, Table] | None = None,
        location: str = "",
    ) -> None:
        self._connection = connection
        self._tables = tables
        self._metadata = MetaData()  # where tables are reflected, when none are given
        self.location = location

    def _rows(self, sql: str, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return self._connection.execute(sql_text(sql), dict(parameters)).all()

    def _table(self, name: str) -> Table:
        if self._tables is None:
            self._metadata.reflect(bind=self._connection, only=list(READ_TABLES))
            self._tables = self._metadata.tables
        if name not in self._tables:  # a table only some reads need (snapshot_lines)
            self._metadata.reflect(bind=self._connection, only=[name])
            self._tables = self._metadata.tables
        return self._tables[name]

    def _reflect(self, *names: str) -> None:
        """Reflect, in one go, the tables of `names` not known yet (no-op with declared tables)."""
        if self._tables is None:
            names = (*READ_TABLES, *names)
        missing = [name for name in names if self._tables is None or name not in self._tables]
        if missing:
            self._metadata.reflect(bind=self._connection, only=missing)
            self._tables = self._metadata.tables

    # -- settings and clients ----------------------------------------------------
    def clients(self) -> list[Client]:
        """Every client, by name. Read as plain columns (no ORM objects): the plan loads all."""
        table = self._table("clients")
        return self.read_clients(
            select(*(table.c[name] for name in CLIENT_COLUMNS)).order_by(
                bytewise(func.lower(table.c.name))
            )
        )

    def xero_contacts(self) -> list[XeroContact]:
        """Every mirrored contact, by name: plain columns, no ORM objects (the matcher reads
        all 50,000 of a large organisation's at once)."""
        contacts = self._table("xero_contacts")
        statement = select(*(contacts.c[name] for name in CONTACT_COLUMNS)).order_by(
            bytewise(contacts.c.name)
        )
        return self._contacts(statement)

    def _contacts(self, statement: Any) -> list[XeroContact]:
        return [
            contact
            for row in self._connection.execute(statement).all()
            if (contact := contact_of(row)) is not None
        ]

    def client(self, reference: str) -> Client | None:
        table = self._table("clients")
        found = self.read_clients(
            select(*(table.c[name] for name in CLIENT_COLUMNS)).where(
                table.c.reference == reference
            )
        )
        return found[0] if found else None

    def read_clients(self, statement: Any) -> list[Client]:
        """Clients from a select of CLIENT_COLUMNS (`clients_of`)."""
        return clients_of(self._connection.execute(statement).all())

    # -- billing -----------------------------------------------------------------
    def unfrozen_lines(self, month: Month) -> list[BillableLine]:
        """The plan lines in force in a finalised `month` of a service its client did not
        have when the month was finalised (or its outstanding invoices added): what it
        bills today and froze nothing of. Empty when `month` is not finalised."""
        recorded = self._table("snapshot_services")
        snapshots = self._table("plan_snapshots")
        lines = self._table("proposal_lines")
        proposals = self._table("proposals")
        return self.billable_lines(
            month,
            month,
            exists().where(snapshots.c.month == str(month)),
            ~exists().where(
                recorded.c.month == str(month),
                recorded.c.client_id == proposals.c.client_id,
                recorded.c.service_id == lines.c.service_id,
            ),
        )

    def billable_lines(
        self,
        first: Month,
        last: Month,
        *where: ColumnElement[bool],
        client_id: int | None = None,
    ) -> list[BillableLine]:
        """Every plan line of an accepted proposal that is in force in any month first..last
        (and meets `where`); with `client_id`, only that client's (`plan preview`).

        One query for the whole practice: the plan is computed set-based, never per client.
        """
        lines = self._table("proposal_lines")
        proposals = self._table("proposals")
        services = self._table("services")
        clients = self._table("clients")
        # For a line that charges the alignment fee: the latest month before it in which an
        # earlier monthly line of the client's for the same service billed (as an ordinal).
        earlier = lines.alias("earlier")
        earlier_proposals = proposals.alias("earlier_proposals")
        billed_until = (
            select(
                func.max(
                    case(
                        (
                            or_(
                                earlier.c.end_ordinal.is_(None),
                                earlier.c.end_ordinal >= lines.c.start_ordinal,
                            ),
                            lines.c.start_ordinal - 1,
                        ),
                        else_=earlier.c.end_ordinal,
                    )
                )
            )
            .select_from(
                earlier.join(earlier_proposals, earlier_proposals.c.id == earlier.c.proposal_id)
            )
            .where(
                earlier_proposals.c.client_id == proposals.c.client_id,
                # `+ 0`: by the client's proposals, not the index on service_id (see
                # plan_queries._BILLED_UNTIL).
                earlier.c.service_id + 0 == lines.c.service_id,
                earlier.c.id != lines.c.id,
                earlier.c.period_months == 1,
                earlier.c.start_ordinal < lines.c.start_ordinal,
                earlier_proposals.c.status.in_(BILLED_STATUSES),
            )
            .scalar_subquery()
        )
        statement = (
            select(
                lines.c.id,
                proposals.c.client_id,
                proposals.c.reference,
                services.c.name,
                lines.c.description,
                lines.c.billing_method,
                lines.c.quantity,
                lines.c.unit_price,
                services.c.account_code,
                lines.c.start_month,
                lines.c.end_month,
                lines.c.anchor_month,
                lines.c.charges_alignment,
                services.c.tracking_category,
                clients.c.tracking,
                case((lines.c.charges_alignment.is_(True), billed_until), else_=None),
                proposals.c.start_date,
            )
            .select_from(
                lines.join(proposals, proposals.c.id == lines.c.proposal_id)
                .join(services, services.c.id == lines.c.service_id)
                .join(clients, clients.c.id == proposals.c.client_id)
            )
            .where(
                proposals.c.status.in_(BILLED_STATUSES),
                lines.c.billing_method.in_(PLAN_METHODS),
                lines.c.start_month.is_not(None),
                lines.c.start_month <= str(last),
                or_(lines.c.end_month.is_(None), lines.c.end_month >= str(first)),
                or_(
                    clients.c.last_billable_month.is_(None),
                    clients.c.last_billable_month >= str(first),
                ),
                *where,
                *(() if client_id is None else (proposals.c.client_id == client_id,)),
            )
        )
        # Values repeat across a practice: parse each distinct one once.
        months: dict[str | None, Month | None] = {None: None}
        values: dict[
            tuple[str, str, str | None, str | None],
            tuple[Decimal, Decimal, tuple[tuple[str, str], ...]],
        ] = {}
        result = []
        rows: Iterable[Any] = self._connection.execute(statement).all()
        for (
            line_id,
            client_id,
            reference,
            service,
            description,
            method,
            quantity,
            unit_price,
            code,
            start,
            end,
            anchor,
            alignment,
            service_tracking,
            client_tracking,
            billed_until_ordinal,
            start_date,
        ) in rows:
            key = (quantity, unit_price, service_tracking, client_tracking)
            parsed = values.get(key)
            if parsed is None:
                parsed = values[key] = (
                    Decimal(quantity),
                    Decimal(unit_price),
                    parse_tracking(service_tracking) + parse_tracking(client_tracking),
                )
            for text in (start, end, anchor):
                if text not in months:
                    months[text] = Month.parse(text)
            result.append(
                BillableLine(  # positional, in field order: the fastest way to make 100,000
                    line_id,
                    client_id,
                    reference,
                    service,
                    description,
                    METHODS[method],
                    parsed[0],
                    parsed[1],
                    code,
                    months[start],  # type: ignore[arg-type]  # never None: the query says so
                    months[end],
                    months[anchor],
                    alignment,
                    parsed[2],
                    None
                    if billed_until_ordinal is None
                    else Month.from_ordinal(billed_until_ordinal),
                    start_day(start_date, start) if alignment else 1,
                )
            )
        return result

    def finalised_invoices(
        self, month: Month, client_id: int | None = None
    ) -> list[InvoiceDocument]:
        """The invoices the finalised month froze (every client's, or one's), in the order
        they were approved; empty when the month is not finalised."""
        return [doc for _, doc in self.finalised_invoice_rows(month, client_id)]

    def finalised_invoice_rows(
        self, month: Month, client_id: int | None = None
    ) -> list[tuple[int, InvoiceDocument]]:
        """`finalised_invoices` with each invoice's row id (what the outbox refers to)."""
        invoices, lines = self._table("snapshot_invoices"), self._table("snapshot_lines")
        statement = select(invoices).where(invoices.c.month == str(month)).order_by(invoices.c.id)
        if client_id is not None:
            statement = statement.where(invoices.c.client_id == client_id)
        heads = self._connection.execute(statement).all()
        frozen: dict[int, list[InvoiceLine]] = {}
        for chunk in [heads[start : start + 500] for start in range(0, len(heads), 500)]:
            for row in self._connection.execute(
                select(lines)
                .where(lines.c.invoice_id.in_([head.id for head in chunk]))
                .order_by(lines.c.invoice_id, lines.c.position)
            ).all():
                frozen.setdefault(row.invoice_id, []).append(
                    InvoiceLine(
                        description=row.description,
                        quantity=Decimal(row.quantity),
                        unit_amount=Decimal(row.unit_amount),
                        account_code=row.account_code,
                        line_amount=from_minor(row.line_amount_minor),
                        tracking=tuple(
                            pair
                            for part in (row.tracking or "").split(";")
                            for pair in parse_tracking(part)
                        ),
                    )
                )
        return [
            (
                head.id,
                InvoiceDocument(
                    client_id=head.client_id,
                    client_reference=head.client_reference,
                    client_name=head.client_name,
                    contact_name=head.contact_name,
                    contact_id=head.contact_id,
                    month=month,
                    kind=InvoiceKind(head.kind),
                    invoice_date=head.invoice_date,
                    due_date=head.due_date,
                    payment_terms=head.payment_terms,
                    reference=head.reference,
                    branding_theme=head.branding_theme,
                    lines=tuple(frozen.get(head.id, ())),
                    status=head.status,
                ),
            )
            for head in heads
        ]

    # -- work items --------------------------------------------------------------
    def work_listing(
        self,
        *,
        status: WorkStatus | None = None,
        client_id: int | None = None,
        shown_from: datetime | None = None,
    ) -> list[ListedWork]:
        """Work items as `work list` shows them, by client, proposal and period: those of a
        status (and a client), or with `shown_from`, what the list shows by default
        (domain.work.shown_by_default, here in SQL): every item but those invoiced that
        were completed before `shown_from`."""
        self._reflect("work_items", "outbox_invoices")
        work, lines = self._table("work_items"), self._table("proposal_lines")
        proposals, clients = self._table("proposals"), self._table("clients")
        services, outbox = self._table("services"), self._table("outbox_invoices")
        statement = (
            select(
                work.c.id,
                clients.c.reference,
                clients.c.name,
                proposals.c.reference,
                services.c.name,
                lines.c.billing_method,
                work.c.description,
                work.c.amount_minor,
                work.c.due_month,
                work.c.status,
                outbox.c.reference,
                outbox.c.state,
                outbox.c.xero_number,
                outbox.c.error,
            )
            .select_from(
                work.join(lines, lines.c.id == work.c.proposal_line_id)
                .join(proposals, proposals.c.id == lines.c.proposal_id)
                .join(clients, clients.c.id == work.c.client_id)
                .join(services, services.c.id == lines.c.service_id)
                .outerjoin(outbox, outbox.c.id == work.c.outbox_id)
            )
            .where(*work_status_where(work, outbox, status))
            .order_by(
                bytewise(clients.c.reference),
                bytewise(proposals.c.reference),
                work.c.due_month,
                work.c.id,
            )
        )
        if client_id is not None:
            statement = statement.where(work.c.client_id == client_id)
        if shown_from is not None:
            statement = statement.where(
                or_(
                    outbox.c.state.is_(None),
                    outbox.c.state != _POSTED,
                    work.c.completed_at >= _stored_moment(shown_from),
                )
            )
        # Values repeat (a few dozen months, amounts and states): each made once.
        months: dict[str | None, Month | None] = {None: None}
        amounts: dict[int, Decimal] = {}
        statuses: dict[tuple[str, str | None], WorkStatus] = {}
        result = []
        for (
            item_id,
            client_reference,
            client_name,
            proposal_reference,
            service,
            method,
            description,
            minor,
            due,
            stored,
            reference,
            state,
            number,
            error,
        ) in self._connection.execute(statement).all():
            if due not in months:
                months[due] = Month.parse(due)
            amount = amounts.get(minor)
            if amount is None:
                amount = amounts[minor] = from_minor(minor)
            key = (stored, state)
            found = statuses.get(key)
            if found is None:
                found = statuses[key] = item_status(stored, state)
            result.append(
                ListedWork(  # positional, in field order
                    item_id,
                    client_reference,
                    client_name,
                    proposal_reference,
                    service,
                    METHODS[method],
                    description,
                    amount,
                    months[due],
                    found,
                    reference,
                    state,
                    number,
                    error or "",
                )
            )
        return result

    def work_invoiced_before(self, moment: datetime, client_id: int | None = None) -> int:
        """How many invoiced items were completed before `moment` (what the default list
        leaves out)."""
        self._reflect("work_items", "outbox_invoices")
        work, outbox = self._table("work_items"), self._table("outbox_invoices")
        statement = (
            select(func.count())
            .select_from(work.join(outbox, outbox.c.id == work.c.outbox_id))
            .where(outbox.c.state == _POSTED, work.c.completed_at < _stored_moment(moment))
        )
        if client_id is not None:
            statement = statement.where(work.c.client_id == client_id)
        return int(self._connection.execute(statement).scalar() or 0)


_POSTED = OutboxState.POSTED.value  # what makes a completed item invoiced


def _stored_moment(moment: datetime) -> datetime:
    """A moment as the store keeps it: UTC, without a zone (SQLite's text, PostgreSQL's
    timestamp without time zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def work_status_where(work: Table, outbox: Table, status: WorkStatus | None) -> list[Any]:
    """The conditions of a status, on work_items outer-joined to outbox_invoices: `invoiced`
    is derived (domain.work.item_status), completed-and-posted."""
    if status is WorkStatus.OPEN:
        return [work.c.status == WorkStatus.OPEN.value]
    if status is WorkStatus.COMPLETED:
        return [
            work.c.status == WorkStatus.COMPLETED.value,
            or_(outbox.c.state.is_(None), outbox.c.state != _POSTED),
        ]
    if status is WorkStatus.INVOICED:
        return [outbox.c.state == _POSTED]
    return []

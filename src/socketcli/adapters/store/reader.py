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
    Integer,
    MetaData,
    Table,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
)

from socketcli.adapters.store.collation import bytewise
from socketcli.domain.billing import alignment_fee, alignment_for
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink, last_merge, link_of, with_merges
from socketcli.domain.model import (
    BillableLine,
    BillingMethod,
    ClientMonth,
    InvoiceKind,
    InvoiceLine,
    YearEnd,
)
from socketcli.domain.money import from_minor, to_minor
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxState
from socketcli.domain.proposals import BILLED_STATUSES as BILLED
from socketcli.domain.records import Client, ClientLabel, XeroContact
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings
from socketcli.domain.work import ListedWork, WorkStatus, item_status

PLAN_METHODS = [method.value for method in BillingMethod if method.in_plan]
METHODS = {method.value: method for method in BillingMethod}
BILLED_STATUSES = sorted(status.value for status in BILLED)  # domain.proposals says which
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
CLIENT_COLUMNS = (
    "id",
    "reference",
    "name",
    "email",
    "year_end",
    "xero_contact_id",
    "xero_contact_name",
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
    "new_xero_contact",
)


#: The mirror's columns of a contact, in `XeroContact`'s field order.
CONTACT_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "contact_number",
    "account_number",
    "status",
    "is_customer",
    "merged_to_contact_id",
)


def contact_of(row: Sequence[Any]) -> XeroContact | None:
    """A mirrored contact from a row of CONTACT_COLUMNS (None: an outer join found none)."""
    contact_id, name, email, number, account, status, customer, into = row
    if contact_id is None:
        return None
    return XeroContact(contact_id, name, email, number, account, status, bool(customer), into)


def year_end_of(text: str | None) -> YearEnd | None:
    if not text:
        return None
    month, day = text.split("-")
    return YearEnd(int(month), int(day))


def parse_tracking(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text or ":" not in text:
        return ()
    category, option = text.split(":", 1)
    return ((category.strip(), option.strip()),)


class SqlReader:
    """The plan's reads, on one connection (and within its transaction)."""

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
    def settings_values(self) -> dict[str, str]:
        table = self._table("settings")
        return {
            key: value
            for key, value in self._connection.execute(select(table.c.key, table.c.value)).all()
        }

    def clients(self) -> list[Client]:
        """Every client, by name. Read as plain columns (no ORM objects): the plan loads all."""
        table = self._table("clients")
        return self.read_clients(
            select(*(table.c[name] for name in CLIENT_COLUMNS)).order_by(
                bytewise(func.lower(table.c.name))
            )
        )

    def client_labels(self) -> list[ClientLabel]:
        """Every client with only what a `plan show` or `plan diff` row shows: reference, name,
        Xero contact (and its last billable month, which says whether it needs attention)."""
        table = self._table("clients")
        statement = select(
            table.c.id,
            table.c.reference,
            table.c.name,
            table.c.xero_contact_id,
            table.c.xero_contact_name,
            table.c.new_xero_contact,
            table.c.last_billable_month,
        )
        months: dict[str | None, Month | None] = {None: None}
        labels = []
        for (
            client_id,
            reference,
            name,
            contact_id,
            contact_name,
            new,
            last,
        ) in self._connection.execute(statement).all():
            if last not in months:
                months[last] = Month.parse(last)
            labels.append(
                ClientLabel(
                    client_id, reference, name, contact_id, contact_name, bool(new), months[last]
                )
            )
        return labels

    def contact_problems(self) -> dict[int, ContactLink]:
        """The linked clients whose Xero contact is archived, merged or gone from the mirror.

        Only those are read: a practice whose links are fine costs one small query. Before
        the first sync (an empty mirror) no link can be checked, and none is returned.
        """
        clients, contacts = self._table("clients"), self._table("xero_contacts")
        if self._connection.execute(select(contacts.c.contact_id).limit(1)).first() is None:
            return {}
        statement = (
            select(
                clients.c.id,
                clients.c.reference,
                clients.c.name,
                clients.c.xero_contact_id,
                clients.c.xero_contact_name,
                clients.c.new_xero_contact,
                *(contacts.c[name] for name in CONTACT_COLUMNS),
            )
            .select_from(
                clients.outerjoin(contacts, contacts.c.contact_id == clients.c.xero_contact_id)
            )
            .where(
                clients.c.xero_contact_id.is_not(None),
                or_(contacts.c.contact_id.is_(None), contacts.c.status != "ACTIVE"),
            )
        )
        rows = [
            (ClientLabel(client_id, reference, name, linked, kept, bool(new)), contact_of(rest))
            for client_id, reference, name, linked, kept, new, *rest in (
                self._connection.execute(statement).all()
            )
        ]
        known = with_merges((c for _, c in rows if c is not None), self._contacts_by_id)
        return {
            label.id: link_of(
                label, contact, mirrored=True, merged_into=last_merge(contact, known.get)
            )
            for label, contact in rows
        }

    def xero_contacts(self) -> list[XeroContact]:
        """Every mirrored contact, by name: plain columns, no ORM objects (the matcher reads
        all 50,000 of a large organisation's at once)."""
        contacts = self._table("xero_contacts")
        statement = select(*(contacts.c[name] for name in CONTACT_COLUMNS)).order_by(
            bytewise(contacts.c.name)
        )
        return self._contacts(statement)

    def _contacts_by_id(self, contact_ids: list[str]) -> list[XeroContact]:
        contacts = self._table("xero_contacts")
        statement = select(*(contacts.c[name] for name in CONTACT_COLUMNS)).where(
            contacts.c.contact_id.in_(contact_ids)
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
        """Clients from a select of CLIENT_COLUMNS, parsing each distinct month and year end once."""
        year_ends: dict[str | None, YearEnd | None] = {None: None}
        months: dict[str | None, Month | None] = {None: None}
        result = []
        for (
            client_id,
            reference,
            name,
            email,
            year_end,
            contact_id,
            contact_name,
            terms,
            invoice_day,
            consolidate,
            theme,
            tracking,
            last,
            new,
        ) in self._connection.execute(statement).all():
            if year_end not in year_ends:
                year_ends[year_end] = year_end_of(year_end)
            if last not in months:
                months[last] = Month.parse(last)
            result.append(
                Client(  # positional, in field order: 20,000 of these for one plan
                    reference,
                    name,
                    email,
                    year_ends[year_end],
                    contact_id,
                    contact_name,
                    terms,
                    invoice_day,
                    consolidate,
                    theme,
                    tracking,
                    months[last],
                    client_id,
                    bool(new),
                )
            )
        return result

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
        self, first: Month, last: Month, *where: ColumnElement[bool]
    ) -> list[BillableLine]:
        """Every plan line of an accepted proposal that is in force in any month first..last
        (and meets `where`).

        One query for the whole practice: the plan is computed set-based, never per client.
        """
        lines = self._table("proposal_lines")
        proposals = self._table("proposals")
        services = self._table("services")
        clients = self._table("clients")
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
                )
            )
        return result

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]:
        """What each client is billed in each month, summed in SQL in one pass over the lines.

        Exactly `domain.billing.client_totals` over `billable_lines` (a test holds the two
        together), without loading the lines: this is what `plan diff` reads for a practice
        of tens of thousands of clients. It compares the lines' integer copies of their
        months and period. Alignment fees, rare and dated, come from a second small query.
        """
        lines = self._table("proposal_lines")
        proposals = self._table("proposals")
        services = self._table("services")
        clients = self._table("clients")

        account = func.coalesce(
            func.nullif(services.c.account_code, ""), settings.recurring_account_code
        )
        key = (
            account
            + "\x1f"
            + func.coalesce(services.c.tracking_category, "")
            + "\x1f"
            + func.coalesce(clients.c.tracking, "")
        )
        consolidated = func.coalesce(clients.c.consolidate, settings.consolidate_recurring)
        joined = (
            lines.join(proposals, proposals.c.id == lines.c.proposal_id)
            .join(services, services.c.id == lines.c.service_id)
            .join(clients, clients.c.id == proposals.c.client_id)
        )
        billed = and_(proposals.c.status.in_(BILLED_STATUSES), lines.c.period_months.is_not(None))

        def due(month: Month) -> Any:
            """The line invoices in `month`: the domain's is_due, on the integer columns."""
            at = month.ordinal
            return and_(
                lines.c.start_ordinal <= at,
                or_(lines.c.end_ordinal.is_(None), lines.c.end_ordinal >= at),
                or_(
                    clients.c.last_billable_ordinal.is_(None),
                    clients.c.last_billable_ordinal >= at,
                ),
                lines.c.anchor_ordinal <= at,
                (at - lines.c.anchor_ordinal) % lines.c.period_months == 0,
            )

        # One pass over the lines for all the months: per month, the amount, the lines,
        # and (for consolidated clients) the distinct account code and tracking groups.
        connection = self._connection
        # The amounts and lines of every client, in one pass over the lines for all the months.
        columns: list[Any] = [proposals.c.client_id]
        for month in months:
            condition = due(month)
            columns += [
                func.sum(case((condition, lines.c.amount_minor), else_=0)),
                func.count(case((condition, 1))),
            ]
        anywhere = or_(*(due(month) for month in months))
        grouped = (
            select(*columns)
            .select_from(joined)
            .where(billed, anywhere)
            .group_by(proposals.c.client_id)
        )
        figures: dict[Month, dict[int, list[Any]]] = {month: {} for month in months}
        for client_id, *per_month in connection.execute(grouped).all():
            for index, month in enumerate(months):
                pennies, count = per_month[2 * index : 2 * index + 2]
                if count:
                    figures[month][client_id] = [pennies, count, 0]
        # A consolidated client's lines are its distinct account code and tracking groups.
        # Counting them costs a sort per month, so a second pass counts them for the
        # consolidated clients only (none, unless the setting or an override says so).
        merged = cast(consolidated, Integer) == 1
        anyone_consolidates = settings.consolidate_recurring or (
            connection.execute(
                select(clients.c.id).where(clients.c.consolidate.is_(True)).limit(1)
            ).first()
            is not None
        )
        if anyone_consolidates:
            groups = (
                select(
                    proposals.c.client_id,
                    *(func.count(distinct(case((due(month), key)))) for month in months),
                )
                .select_from(joined)
                .where(billed, merged, anywhere)
                .group_by(proposals.c.client_id)
            )
            for client_id, *per_month in connection.execute(groups).all():
                for month, count in zip(months, per_month, strict=True):
                    if count:
                        figures[month][client_id][1] = count
        fees = (
            select(
                proposals.c.client_id,
                lines.c.start_ordinal,
                lines.c.quantity,
                lines.c.unit_price,
                clients.c.year_end,
            )
            .select_from(joined)
            .where(
                billed,
                lines.c.charges_alignment.is_(True),
                lines.c.period_months == 1,
                lines.c.start_ordinal.in_([month.ordinal for month in months]),
                lines.c.anchor_ordinal == lines.c.start_ordinal,
                or_(
                    clients.c.last_billable_ordinal.is_(None),
                    clients.c.last_billable_ordinal >= lines.c.start_ordinal,
                ),
                or_(lines.c.end_ordinal.is_(None), lines.c.end_ordinal >= lines.c.start_ordinal),
                clients.c.year_end.is_not(None),
            )
        )
        by_ordinal = {month.ordinal: month for month in months}
        for client_id, start, quantity, unit_price, year_end in connection.execute(fees).all():
            month = by_ordinal[start]
            client_year_end = year_end_of(year_end)
            alignment = alignment_for(client_year_end, month) if client_year_end else None
            if alignment is not None:
                fee = alignment_fee(Decimal(quantity), Decimal(unit_price), alignment)
                entry = figures[month][client_id]
                entry[0] += to_minor(fee)
                entry[1] += 1
                entry[2] += 1
        separate = settings.alignment_invoicing is AlignmentInvoicing.SEPARATE
        return {
            month: {
                client_id: ClientMonth(
                    from_minor(pennies), line_count, 2 if fee_count and separate else 1
                )
                for client_id, (pennies, line_count, fee_count) in figures[month].items()
            }
            for month in months
        }

    def latest_finalised(self) -> Month | None:
        snapshots = self._table("plan_snapshots")
        latest = self._connection.execute(select(func.max(snapshots.c.month))).scalar()
        return None if latest is None else Month.parse(latest)

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None:
        snapshots = self._table("plan_snapshots")
        invoices = self._table("snapshot_invoices")
        found = self._connection.execute(
            select(snapshots.c.month).where(snapshots.c.month == str(month))
        ).first()
        if found is None:
            return None
        statement = (
            select(
                invoices.c.client_id,
                func.sum(invoices.c.total_minor),
                func.sum(invoices.c.line_count),
                func.count(),
            )
            .where(invoices.c.month == str(month))
            .group_by(invoices.c.client_id)
        )
        return {
            client_id: ClientMonth(from_minor(int(total)), int(lines), int(count))
            for client_id, total, lines, count in self._connection.execute(statement).all()
        }

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

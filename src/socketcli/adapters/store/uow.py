"""The unit of work over SQLModel: one transaction, repositories as methods, plain records out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as select_rows

from socketcli.adapters.store.reader import (
    CLIENT_COLUMNS,
    SqlReader,
    parse_tracking,
)
from socketcli.adapters.store.reader import year_end_of as _year_end
from socketcli.adapters.store.tables import (
    ClientRow,
    PlanSnapshotRow,
    ProposalLineRow,
    ProposalRow,
    ServiceRow,
    SettingRow,
    SnapshotInvoiceRow,
    SnapshotLineRow,
    WorkItemRow,
    XeroAccountRow,
    XeroBrandingThemeRow,
    XeroPushedClientRow,
    XeroSyncStateRow,
    XeroTrackingCategoryRow,
    XeroTrackingOptionRow,
)
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink
from socketcli.domain.model import (
    BillableLine,
    BillingMethod,
    ClientMonth,
    ProposalStatus,
)
from socketcli.domain.money import from_minor, to_minor
from socketcli.domain.months import Month
from socketcli.domain.records import (
    Client,
    ClientLabel,
    Proposal,
    ProposalLine,
    Service,
    XeroContact,
)
from socketcli.domain.settings import PracticeSettings
from socketcli.services.ports import PushedDetails, SyncState
from socketcli.services.xero_ports import (
    XeroAccount,
    XeroBrandingTheme,
    XeroContactRecord,
    XeroTrackingCategory,
    XeroTrackingOption,
)


def _month(text: str | None) -> Month | None:
    return None if text is None else Month.parse(text)


def _text(month: Month | None) -> str | None:
    return None if month is None else str(month)


def _ordinal(month: Month | None) -> int | None:
    return None if month is None else month.ordinal


def _line_ordinals(line: ProposalLine) -> dict[str, int | None]:
    """The integer copies of a line's months and period that the SQL plan totals compare."""
    return {
        "period_months": line.billing_method.period_months,
        "start_ordinal": _ordinal(line.start),
        "end_ordinal": _ordinal(line.end),
        "anchor_ordinal": _ordinal(line.anchor or line.start),
    }


def _client(row: ClientRow) -> Client:
    return Client(
        id=row.id,
        reference=row.reference,
        name=row.name,
        email=row.email,
        year_end=_year_end(row.year_end),
        xero_contact_id=row.xero_contact_id,
        xero_contact_name=row.xero_contact_name,
        payment_terms=row.payment_terms,
        invoice_day=row.invoice_day,
        consolidate=row.consolidate,
        branding_theme=row.branding_theme,
        tracking=row.tracking,
        last_billable_month=_month(row.last_billable_month),
        new_xero_contact=row.new_xero_contact,
    )


def _service(row: ServiceRow) -> Service:
    return Service(
        id=row.id,
        name=row.name,
        billing_method=BillingMethod(row.billing_method),
        account_code=row.account_code,
        alignment_eligible=row.alignment_eligible,
        tracking_category=row.tracking_category,
    )


class SqlUnitOfWork:
    """`with SqlUnitOfWork(engine) as uow: ...; uow.commit()`. Leaving without commit rolls back."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        *,
        write: bool = False,
        location: str = "",
    ) -> None:
        self._engine = engine.execution_options(socket_write=True) if write else engine
        self._clock = clock
        self.location = location
        self._session: Session | None = None

    # -- transaction -----------------------------------------------------------
    def __enter__(self) -> Self:
        self._session = Session(self._engine, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()
        self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def _now(self) -> datetime:
        return self._clock()

    @property
    def _reader(self) -> SqlReader:
        """The plan's reads, on this unit of work's connection and transaction."""
        return SqlReader(
            self.session.connection(), tables=SQLModel.metadata.tables, location=self.location
        )

    # -- settings --------------------------------------------------------------
    def settings_values(self) -> dict[str, str]:
        return self._reader.settings_values()

    def set_setting(self, key: str, value: str) -> None:
        row = self.session.get(SettingRow, key)
        if row is None:
            self.session.add(SettingRow(key=key, value=value))
        else:
            row.value = value
        self.session.flush()

    # -- clients ---------------------------------------------------------------
    def clients(self) -> list[Client]:
        return self._reader.clients()

    def client_labels(self) -> list[ClientLabel]:
        return self._reader.client_labels()

    def contact_problems(self) -> dict[int, ContactLink]:
        return self._reader.contact_problems()

    def _client_row(self, reference: str) -> ClientRow | None:
        statement = select_rows(ClientRow).where(col(ClientRow.reference) == reference)
        return self.session.exec(statement).first()

    def client(self, reference: str) -> Client | None:
        row = self._client_row(reference)
        return None if row is None else _client(row)

    def save_client(self, client: Client) -> Client:
        row = self._client_row(client.reference)
        now = self._now()
        values = self._client_values(client)
        if row is None:
            row = ClientRow(**values, created_at=now, updated_at=now)
            self.session.add(row)
        else:
            changed = False
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
                    changed = True
            if changed:
                row.updated_at = now
        self.session.flush()
        return _client(row)

    # -- services --------------------------------------------------------------
    def services(self) -> list[Service]:
        rows = self.session.exec(select_rows(ServiceRow).order_by(func.lower(col(ServiceRow.name))))
        return [_service(row) for row in rows]

    def _service_row(self, name: str) -> ServiceRow | None:
        statement = select_rows(ServiceRow).where(func.lower(col(ServiceRow.name)) == name.lower())
        return self.session.exec(statement).first()

    def service(self, name: str) -> Service | None:
        row = self._service_row(name)
        return None if row is None else _service(row)

    def save_service(self, service: Service) -> Service:
        row = self._service_row(service.name)
        now = self._now()
        values: dict[str, Any] = {
            "name": service.name,
            "billing_method": service.billing_method.value,
            "account_code": service.account_code,
            "alignment_eligible": service.alignment_eligible,
            "tracking_category": service.tracking_category,
        }
        if row is None:
            row = ServiceRow(**values, created_at=now, updated_at=now)
            self.session.add(row)
        else:
            changed = False
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
                    changed = True
            if changed:
                row.updated_at = now
        self.session.flush()
        return _service(row)

    # -- proposals -------------------------------------------------------------
    def _proposal_records(self, rows: Sequence[ProposalRow]) -> list[Proposal]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        client_refs: dict[int, str] = {
            client_id: reference
            for client_id, reference in self.session.execute(
                select(col(ClientRow.id), col(ClientRow.reference)).where(
                    col(ClientRow.id).in_({row.client_id for row in rows})
                )
            )
        }
        lines: dict[int, list[ProposalLine]] = {}
        statement = (
            select_rows(ProposalLineRow, ServiceRow.name)
            .join(ServiceRow, col(ServiceRow.id) == col(ProposalLineRow.service_id))
            .where(col(ProposalLineRow.proposal_id).in_(ids))
            .order_by(
                col(ProposalLineRow.proposal_id),
                col(ProposalLineRow.position),
                col(ProposalLineRow.id),
            )
        )
        for line, service_name in self.session.exec(statement).all():
            lines.setdefault(line.proposal_id, []).append(
                ProposalLine(
                    id=line.id,
                    service_name=service_name,
                    description=line.description,
                    quantity=Decimal(line.quantity),
                    unit_price=from_minor(line.unit_price_minor),
                    billing_method=BillingMethod(line.billing_method),
                    start=_month(line.start_month),
                    end=_month(line.end_month),
                    anchor=_month(line.anchor_month),
                    charges_alignment=line.charges_alignment,
                )
            )
        return [
            Proposal(
                id=row.id,
                reference=row.reference,
                client_reference=client_refs[row.client_id],
                status=ProposalStatus(row.status),
                start_date=row.start_date,
                title=row.title,
                accepted_at=row.accepted_at,
                lines=tuple(lines.get(row.id or 0, [])),
            )
            for row in rows
        ]

    def proposals(self, client_reference: str | None = None) -> list[Proposal]:
        statement = select_rows(ProposalRow).order_by(col(ProposalRow.reference))
        if client_reference is not None:
            statement = statement.join(
                ClientRow, col(ClientRow.id) == col(ProposalRow.client_id)
            ).where(col(ClientRow.reference) == client_reference)
        return self._proposal_records(list(self.session.exec(statement)))

    def _proposal_row(self, reference: str) -> ProposalRow | None:
        statement = select_rows(ProposalRow).where(col(ProposalRow.reference) == reference)
        return self.session.exec(statement).first()

    def proposal(self, reference: str) -> Proposal | None:
        row = self._proposal_row(reference)
        return None if row is None else self._proposal_records([row])[0]

    def save_proposal(self, proposal: Proposal) -> Proposal:
        """Insert or update the proposal and make its stored lines exactly `proposal.lines`."""
        client = self._client_row(proposal.client_reference)
        if client is None or client.id is None:
            raise LookupError(f"client {proposal.client_reference!r} is not in the store")
        now = self._now()
        row = self._proposal_row(proposal.reference)
        if row is None:
            row = ProposalRow(
                reference=proposal.reference,
                client_id=client.id,
                status=proposal.status.value,
                created_at=now,
                updated_at=now,
            )
            self.session.add(row)
        if row.status != proposal.status.value and proposal.status is ProposalStatus.CANCELLED:
            row.cancelled_at = now
        row.client_id = client.id
        row.status = proposal.status.value
        row.start_date = proposal.start_date
        row.title = proposal.title
        row.accepted_at = proposal.accepted_at
        row.updated_at = now
        self.session.flush()
        existing = {
            line.id: line
            for line in self.session.exec(
                select_rows(ProposalLineRow).where(col(ProposalLineRow.proposal_id) == row.id)
            )
        }
        keep: set[int] = set()
        for position, line in enumerate(proposal.lines):
            service = self._service_row(line.service_name)
            if service is None or service.id is None:
                raise LookupError(f"service {line.service_name!r} is not in the store")
            values: dict[str, Any] = {
                "service_id": service.id,
                "position": position,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price_minor": to_minor(line.unit_price),
                "amount_minor": to_minor(line.amount),
                "billing_method": line.billing_method.value,
                "start_month": _text(line.start),
                "end_month": _text(line.end),
                "anchor_month": _text(line.anchor),
                "charges_alignment": line.charges_alignment,
                **_line_ordinals(line),
            }
            stored = existing.get(line.id) if line.id is not None else None
            if stored is None:
                assert row.id is not None
                stored = ProposalLineRow(proposal_id=row.id, created_at=now, **values)
                self.session.add(stored)
            else:
                for key, value in values.items():
                    setattr(stored, key, value)
            self.session.flush()
            assert stored.id is not None
            keep.add(stored.id)
        for line_id, stored in existing.items():
            if line_id not in keep:
                for item in self.session.exec(
                    select_rows(WorkItemRow).where(col(WorkItemRow.proposal_line_id) == line_id)
                ):
                    self.session.delete(item)
                self.session.delete(stored)
        self.session.flush()
        return self._proposal_records([row])[0]

    def open_work_items(self, proposal: Proposal) -> None:
        """Work items for the proposal's on-completion and one-off lines that have none yet."""
        row = self._proposal_row(proposal.reference)
        assert row is not None
        now = self._now()
        for line in self.session.exec(
            select_rows(ProposalLineRow).where(
                col(ProposalLineRow.proposal_id) == row.id,
                col(ProposalLineRow.billing_method).in_(
                    [m.value for m in BillingMethod if m.is_work]
                ),
            )
        ):
            exists = self.session.execute(
                select(col(WorkItemRow.id)).where(col(WorkItemRow.proposal_line_id) == line.id)
            ).first()
            if exists is None:
                assert line.id is not None
                self.session.add(
                    WorkItemRow(
                        proposal_line_id=line.id,
                        client_id=row.client_id,
                        description=line.description,
                        amount_minor=to_minor(
                            (Decimal(line.quantity) * from_minor(line.unit_price_minor)).quantize(
                                Decimal("0.01")
                            )
                        ),
                        due_month=line.start_month,
                        created_at=now,
                    )
                )
        self.session.flush()

    # -- billing ---------------------------------------------------------------
    def billable_lines(self, first: Month, last: Month) -> list[BillableLine]:
        return self._reader.billable_lines(first, last)

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]:
        return self._reader.billing_totals(months, settings)

    def latest_finalised(self) -> Month | None:
        return self._reader.latest_finalised()

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None:
        return self._reader.finalised_totals(month)

    def save_snapshot(
        self, month: Month, invoices: Sequence[InvoiceDocument], finalised_by: str
    ) -> None:
        snapshot = PlanSnapshotRow(
            month=str(month),
            total_minor=sum(to_minor(invoice.total) for invoice in invoices),
            invoice_count=len(invoices),
            finalised_at=self._now(),
            finalised_by=finalised_by,
        )
        self.session.add(snapshot)
        self.session.flush()
        for invoice in invoices:
            row = SnapshotInvoiceRow(
                month=str(month),
                client_id=invoice.client_id,
                kind=invoice.kind.value,
                invoice_date=invoice.invoice_date,
                due_date=invoice.due_date,
                reference=invoice.reference,
                contact_name=invoice.contact_name,
                branding_theme=invoice.branding_theme,
                total_minor=to_minor(invoice.total),
                line_count=len(invoice.lines),
            )
            self.session.add(row)
            self.session.flush()
            assert row.id is not None
            for position, line in enumerate(invoice.lines):
                self.session.add(
                    SnapshotLineRow(
                        invoice_id=row.id,
                        position=position,
                        description=line.description,
                        quantity=str(line.quantity),
                        unit_amount=str(line.unit_amount),
                        account_code=line.account_code,
                        line_amount_minor=to_minor(line.line_amount),
                        tracking=";".join(f"{c}:{o}" for c, o in line.tracking),
                    )
                )
        self.session.flush()

    # -- Xero contacts mirror --------------------------------------------------
    def xero_contacts(self) -> list[XeroContact]:
        return self._reader.xero_contacts()

    def save_xero_contacts(self, contacts: Sequence[XeroContact]) -> None:
        """Insert or update contacts by ContactID (set-based, as sync's records are); their
        tenant and Xero timestamp are left as they are."""
        now = self._now()
        self._upsert(
            "xero_contacts",
            "contact_id",
            [
                "contact_id",
                "name",
                "email",
                "contact_number",
                "account_number",
                "status",
                "is_customer",
                "merged_to_contact_id",
                "updated_at",
            ],
            [
                (
                    contact.contact_id,
                    contact.name,
                    contact.email,
                    contact.contact_number,
                    contact.account_number,
                    contact.status,
                    contact.is_customer,
                    contact.merged_to,
                    now,
                )
                for contact in contacts
            ],
        )

    # -- bulk writes and set-based reads (the CSV import) --------------------------
    # Set-based versions of save_client / save_proposal / open_work_items and of the
    # reads: a few statements per thousand rows instead of a few per row.

    _CHUNK = 500  # values per IN (...) list, well inside every database's parameter limit

    def now(self) -> datetime:
        """The moment this unit of work stamps rows with."""
        return self._now()

    @classmethod
    def _chunks(cls, items: Sequence[Any]) -> list[Sequence[Any]]:
        return [items[start : start + cls._CHUNK] for start in range(0, len(items), cls._CHUNK)]

    def _insert_many(
        self, table_name: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """INSERT `rows` (tuples of values in `keys` order; give every column but the id).

        On SQLite: one executemany of a statement written once, each column's bind
        processor applied once per distinct value, since SQLAlchemy's per-row parameter
        handling would cost more than SQLite's own work. Elsewhere: SQLAlchemy's
        executemany, which batches rows into multi-row INSERTs itself.
        """
        from sqlalchemy import insert

        if not rows:
            return
        table = ClientRow.metadata.tables[table_name]
        connection = self.session.connection()
        dialect = connection.dialect
        if dialect.name != "sqlite":
            self.session.execute(
                insert(table), [dict(zip(keys, values, strict=True)) for values in rows]
            )
            return
        columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)]
        for index, key in enumerate(keys):
            process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                done: dict[Any, Any] = {}
                column = columns[index]
                for position, value in enumerate(column):
                    try:
                        column[position] = done[value]
                    except KeyError:
                        column[position] = done[value] = process(value)
        quote = dialect.identifier_preparer.quote
        statement = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(key) for key in keys)}) "
            f"VALUES ({', '.join('?' for _ in keys)})"
        )
        connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))

    @staticmethod
    def _client_values(client: Client) -> dict[str, Any]:
        return {
            "reference": client.reference,
            "name": client.name,
            "email": client.email,
            "year_end": None
            if client.year_end is None
            else f"{client.year_end.month:02d}-{client.year_end.day:02d}",
            "xero_contact_id": client.xero_contact_id,
            "xero_contact_name": client.xero_contact_name,
            "payment_terms": client.payment_terms,
            "invoice_day": client.invoice_day,
            "consolidate": client.consolidate,
            "branding_theme": client.branding_theme,
            "tracking": client.tracking,
            "last_billable_month": _text(client.last_billable_month),
            "last_billable_ordinal": _ordinal(client.last_billable_month),
            "new_xero_contact": client.new_xero_contact,
        }

    def save_clients(self, clients: Sequence[Client]) -> None:
        """Insert or update many clients, keyed by reference: `save_client` for each, set-based.

        A stored client whose values are all unchanged is not written (its updated_at stays).
        """
        from sqlalchemy import bindparam, update

        table = ClientRow.metadata.tables["clients"]
        now = self._now()
        wanted = {client.reference: self._client_values(client) for client in clients}
        if not wanted:
            return
        names = list(next(iter(wanted.values())))
        stored: dict[str, tuple[int, dict[str, Any]]] = {}
        for chunk in self._chunks(list(wanted)):
            statement = select(table.c.id, *(table.c[name] for name in names)).where(
                table.c.reference.in_(chunk)
            )
            for row in self.session.execute(statement).all():
                values = dict(zip(names, row[1:], strict=True))
                stored[values["reference"]] = (row[0], values)
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for reference, values in wanted.items():
            found = stored.get(reference)
            if found is None:
                inserts.append((*values.values(), now, now))
            elif found[1] != values:
                updates.append({**values, "row_id": found[0], "updated_at": now})
        self._insert_many("clients", [*names, "created_at", "updated_at"], inserts)
        if updates:
            self.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
        self.session.expire_all()

    def save_proposals(self, proposals: Sequence[Proposal]) -> None:
        """Insert or update many proposals, keyed by reference: `save_proposal` for each, set-based.

        Each proposal's stored lines become exactly its lines: a line with the id of one of
        its stored lines keeps that row (rewritten only where its values differ), a line
        without one is inserted, and stored lines not kept are deleted with their work
        items. A proposal whose row and lines are all unchanged is not written.
        """
        from sqlalchemy import bindparam, delete, update

        if not proposals:
            return
        tables = ProposalRow.metadata.tables
        proposal_table = tables["proposals"]
        line_table = tables["proposal_lines"]
        work_table = tables["work_items"]
        client_table = tables["clients"]
        service_table = tables["services"]
        now = self._now()

        client_ids: dict[str, int] = {}
        for chunk in self._chunks(sorted({p.client_reference for p in proposals})):
            statement = select(client_table.c.reference, client_table.c.id).where(
                client_table.c.reference.in_(chunk)
            )
            client_ids.update(
                (reference, client_id)
                for reference, client_id in self.session.execute(statement).all()
            )
        service_ids = {
            name.casefold(): service_id
            for service_id, name in self.session.execute(
                select(service_table.c.id, service_table.c.name)
            )
        }
        for proposal in proposals:
            if proposal.client_reference not in client_ids:
                raise LookupError(f"client {proposal.client_reference!r} is not in the store")

        fields = ("client_id", "status", "start_date", "title", "accepted_at")
        stored_rows: dict[str, dict[str, Any]] = {}
        for chunk in self._chunks([proposal.reference for proposal in proposals]):
            statement = select(
                proposal_table.c.id,
                proposal_table.c.reference,
                proposal_table.c.cancelled_at,
                *(proposal_table.c[name] for name in fields),
            ).where(proposal_table.c.reference.in_(chunk))
            for row in self.session.execute(statement).all():
                stored_rows[row.reference] = dict(row._mapping)

        def row_values(proposal: Proposal) -> tuple[Any, ...]:
            return (
                client_ids[proposal.client_reference],
                proposal.status.value,
                proposal.start_date,
                proposal.title,
                proposal.accepted_at,
            )

        new = [proposal for proposal in proposals if proposal.reference not in stored_rows]
        self._insert_many(
            "proposals",
            ["reference", *fields, "created_at", "updated_at"],
            [(proposal.reference, *row_values(proposal), now, now) for proposal in new],
        )
        ids = {reference: int(row["id"]) for reference, row in stored_rows.items()}
        for chunk in self._chunks([proposal.reference for proposal in new]):
            statement = select(proposal_table.c.reference, proposal_table.c.id).where(
                proposal_table.c.reference.in_(chunk)
            )
            ids.update(
                (reference, proposal_id)
                for reference, proposal_id in self.session.execute(statement).all()
            )

        line_fields = (
            "service_id",
            "description",
            "quantity",
            "unit_price_minor",
            "amount_minor",
            "billing_method",
            "start_month",
            "end_month",
            "anchor_month",
            "charges_alignment",
            "period_months",
            "start_ordinal",
            "end_ordinal",
            "anchor_ordinal",
        )
        stored_lines: dict[int, dict[int, tuple[Any, ...]]] = {}
        updated_ids = [ids[reference] for reference in stored_rows]
        for chunk in self._chunks(sorted(updated_ids)):
            statement = select(
                line_table.c.proposal_id,
                line_table.c.id,
                line_table.c.position,
                *(line_table.c[name] for name in line_fields),
            ).where(line_table.c.proposal_id.in_(chunk))
            for proposal_id, line_id, position, *stored_values in self.session.execute(
                statement
            ).all():
                stored_lines.setdefault(proposal_id, {})[line_id] = (position, *stored_values)

        months: dict[Month | None, str | None] = {None: None}
        converted: dict[int, tuple[Any, ...]] = {}

        def line_values(line: ProposalLine) -> tuple[Any, ...]:
            """The line's stored values (line_fields), worked out once per line object."""
            found = converted.get(id(line))
            if found is None:
                service_id = service_ids.get(line.service_name.casefold())
                if service_id is None:
                    raise LookupError(f"service {line.service_name!r} is not in the store")
                for month in (line.start, line.end, line.anchor):
                    if month not in months:
                        months[month] = str(month)
                found = converted[id(line)] = (
                    service_id,
                    line.description,
                    str(line.quantity),
                    to_minor(line.unit_price),
                    to_minor(line.amount),
                    line.billing_method.value,
                    months[line.start],
                    months[line.end],
                    months[line.anchor],
                    line.charges_alignment,
                    *_line_ordinals(line).values(),
                )
            return found

        line_inserts: list[tuple[Any, ...]] = []
        line_updates: list[dict[str, Any]] = []
        line_deletes: list[int] = []
        row_updates: list[dict[str, Any]] = []
        for proposal in proposals:
            proposal_id = ids[proposal.reference]
            existing = stored_lines.get(proposal_id, {})
            kept: set[int] = set()
            lines_changed = False
            for position, line in enumerate(proposal.lines):
                values = line_values(line)
                if line.id is not None and line.id in existing and line.id not in kept:
                    kept.add(line.id)
                    before = existing[line.id]
                    if before[0] != position or any(
                        old != value and not (name == "quantity" and Decimal(old) == line.quantity)
                        for name, old, value in zip(line_fields, before[1:], values, strict=True)
                    ):
                        line_updates.append(
                            {
                                **dict(zip(line_fields, values, strict=True)),
                                "position": position,
                                "row_id": line.id,
                            }
                        )
                        lines_changed = True
                else:
                    line_inserts.append((proposal_id, position, *values, now))
                    lines_changed = True
            dropped = [line_id for line_id in existing if line_id not in kept]
            if dropped:
                line_deletes.extend(dropped)
                lines_changed = True
            before_row = stored_rows.get(proposal.reference)
            if before_row is None:
                continue
            after = dict(zip(fields, row_values(proposal), strict=True))
            if lines_changed or any(before_row[key] != value for key, value in after.items()):
                cancelled = (
                    proposal.status is ProposalStatus.CANCELLED
                    and before_row["status"] != ProposalStatus.CANCELLED.value
                )
                row_updates.append(
                    {
                        **after,
                        "row_id": proposal_id,
                        "updated_at": now,
                        "cancelled_at": now if cancelled else before_row["cancelled_at"],
                    }
                )

        for chunk in self._chunks(line_deletes):
            self.session.execute(delete(work_table).where(work_table.c.proposal_line_id.in_(chunk)))
            self.session.execute(delete(line_table).where(line_table.c.id.in_(chunk)))
        if line_updates:
            self.session.execute(
                update(line_table).where(line_table.c.id == bindparam("row_id")), line_updates
            )
        self._insert_many(
            "proposal_lines", ["proposal_id", "position", *line_fields, "created_at"], line_inserts
        )
        if row_updates:
            self.session.execute(
                update(proposal_table).where(proposal_table.c.id == bindparam("row_id")),
                row_updates,
            )
        self.session.expire_all()

    def open_work_items_for(self, references: Sequence[str], *, in_force_from: Month) -> None:
        """Work items for the on-completion and one-off lines of these proposals that have none.

        Only lines still in force from `in_force_from` on: a line that ended before is
        history, whose work was invoiced before the import.
        """
        from sqlalchemy import exists

        tables = WorkItemRow.metadata.tables
        line_table = tables["proposal_lines"]
        proposal_table = tables["proposals"]
        work_table = tables["work_items"]
        now = self._now()
        work_methods = [method.value for method in BillingMethod if method.is_work]
        items: list[tuple[Any, ...]] = []
        for chunk in self._chunks(sorted(set(references))):
            statement = (
                select(
                    line_table.c.id,
                    proposal_table.c.client_id,
                    line_table.c.description,
                    line_table.c.quantity,
                    line_table.c.unit_price_minor,
                    line_table.c.start_month,
                )
                .join(proposal_table, proposal_table.c.id == line_table.c.proposal_id)
                .where(
                    proposal_table.c.reference.in_(chunk),
                    line_table.c.billing_method.in_(work_methods),
                    line_table.c.start_month.is_not(None),
                    or_(
                        line_table.c.end_month.is_(None),
                        line_table.c.end_month >= str(in_force_from),
                    ),
                    ~exists().where(work_table.c.proposal_line_id == line_table.c.id),
                )
                .order_by(line_table.c.id)
            )
            for (
                line_id,
                client_id,
                description,
                quantity,
                unit_minor,
                start,
            ) in self.session.execute(statement).all():
                amount = (Decimal(quantity) * from_minor(unit_minor)).quantize(Decimal("0.01"))
                items.append(
                    (line_id, client_id, description, to_minor(amount), "open", start, now)
                )
        self._insert_many(
            "work_items",
            [
                "proposal_line_id",
                "client_id",
                "description",
                "amount_minor",
                "status",
                "due_month",
                "created_at",
            ],
            items,
        )
        self.session.expire_all()

    # -- set-based reads (the CSV import) ----------------------------------------
    def clients_by_reference(self, references: Sequence[str]) -> list[Client]:
        """The stored clients with these references (any not stored are left out)."""
        table = ClientRow.metadata.tables["clients"]
        result: list[Client] = []
        for chunk in self._chunks(sorted(set(references))):
            result += self._reader.read_clients(
                select(*(table.c[name] for name in CLIENT_COLUMNS)).where(
                    table.c.reference.in_(chunk)
                )
            )
        return result

    def proposals_by_reference(self, references: Sequence[str]) -> list[Proposal]:
        """The stored proposals with these references and their lines, in a few queries."""
        tables = ProposalRow.metadata.tables
        proposal_table = tables["proposals"]
        line_table = tables["proposal_lines"]
        client_table = tables["clients"]
        service_table = tables["services"]
        heads: dict[int, Any] = {}
        for chunk in self._chunks(sorted(set(references))):
            statement = (
                select(
                    proposal_table.c.id,
                    proposal_table.c.reference,
                    client_table.c.reference.label("client_reference"),
                    proposal_table.c.status,
                    proposal_table.c.start_date,
                    proposal_table.c.title,
                    proposal_table.c.accepted_at,
                )
                .join(client_table, client_table.c.id == proposal_table.c.client_id)
                .where(proposal_table.c.reference.in_(chunk))
            )
            for row in self.session.execute(statement).all():
                heads[row.id] = row
        months: dict[str | None, Month | None] = {None: None}
        methods = {method.value: method for method in BillingMethod}
        quantities: dict[str, Decimal] = {}
        prices: dict[int, Decimal] = {}
        lines: dict[int, list[ProposalLine]] = {}
        for chunk in self._chunks(sorted(heads)):
            statement = (
                select(
                    line_table.c.proposal_id,
                    line_table.c.id,
                    service_table.c.name,
                    line_table.c.description,
                    line_table.c.quantity,
                    line_table.c.unit_price_minor,
                    line_table.c.billing_method,
                    line_table.c.start_month,
                    line_table.c.end_month,
                    line_table.c.anchor_month,
                    line_table.c.charges_alignment,
                )
                .join(service_table, service_table.c.id == line_table.c.service_id)
                .where(line_table.c.proposal_id.in_(chunk))
                .order_by(line_table.c.proposal_id, line_table.c.position, line_table.c.id)
            )
            for (
                proposal_id,
                line_id,
                service,
                description,
                quantity,
                unit_minor,
                method,
                start,
                end,
                anchor,
                alignment,
            ) in self.session.execute(statement).all():
                for text in (start, end, anchor):
                    if text not in months:
                        months[text] = Month.parse(text)
                if quantity not in quantities:
                    quantities[quantity] = Decimal(quantity)
                if unit_minor not in prices:
                    prices[unit_minor] = from_minor(unit_minor)
                lines.setdefault(proposal_id, []).append(
                    ProposalLine(
                        id=line_id,
                        service_name=service,
                        description=description,
                        quantity=quantities[quantity],
                        unit_price=prices[unit_minor],
                        billing_method=methods[method],
                        start=months[start],
                        end=months[end],
                        anchor=months[anchor],
                        charges_alignment=bool(alignment),
                    )
                )
        return [
            Proposal(
                id=proposal_id,
                reference=head.reference,
                client_reference=head.client_reference,
                status=ProposalStatus(head.status),
                start_date=head.start_date,
                title=head.title,
                accepted_at=head.accepted_at,
                lines=tuple(lines.get(proposal_id, ())),
            )
            for proposal_id, head in heads.items()
        ]

    # -- the Xero mirror (`socket sync`) ---------------------------------------------
    # One organisation's contacts, revenue accounts, branding themes and tracking categories
    # as Xero last listed them, where the sync stands, and what it pushed to linked contacts.

    _MIRROR_TABLES = (
        "xero_contacts",
        "xero_accounts",
        "xero_branding_themes",
        "xero_tracking_categories",
    )

    def forget_other_organisations(self, tenant_id: str) -> None:
        from sqlalchemy import delete

        tables = ClientRow.metadata.tables
        categories = tables["xero_tracking_categories"]
        others = select(categories.c.tracking_category_id).where(
            categories.c.tenant_id != tenant_id
        )
        self.session.execute(
            delete(tables["xero_tracking_options"]).where(
                tables["xero_tracking_options"].c.tracking_category_id.in_(others)
            )
        )
        for name in self._MIRROR_TABLES:
            table = tables[name]
            self.session.execute(
                delete(table).where(table.c.tenant_id.is_not(None), table.c.tenant_id != tenant_id)
            )
        state = tables["xero_sync_state"]
        self.session.execute(delete(state).where(state.c.tenant_id != tenant_id))
        self.session.expire_all()

    _CONTACT_COLUMNS = (
        "contact_id",
        "name",
        "email",
        "contact_number",
        "account_number",
        "status",
        "is_customer",
        "xero_updated_at",
        "merged_to_contact_id",
    )

    def xero_contacts_by_id(self, contact_ids: Sequence[str]) -> list[XeroContactRecord]:
        table = ClientRow.metadata.tables["xero_contacts"]
        found: list[XeroContactRecord] = []
        for chunk in self._chunks(sorted(set(contact_ids))):
            statement = select(*(table.c[name] for name in self._CONTACT_COLUMNS)).where(
                table.c.contact_id.in_(chunk)
            )
            found += [
                XeroContactRecord(
                    contact_id=contact_id,
                    name=name,
                    email=email,
                    contact_number=number,
                    account_number=account,
                    status=status,
                    is_customer=bool(customer),
                    merged_to=merged_to,
                    updated_at=updated,
                )
                for contact_id, name, email, number, account, status, customer, updated, merged_to in (
                    self.session.execute(statement).all()
                )
            ]
        return found

    def _upsert(
        self, table_name: str, key: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert or replace rows (tuples of values in `keys` order, `key` among them) by
        their `key`, set-based: which keys exist, read 500 at a time, then one executemany
        for the new rows and one for the known."""
        from sqlalchemy import bindparam, update

        if not rows:
            return
        table = ClientRow.metadata.tables[table_name]
        at = list(keys).index(key)
        latest = {row[at]: row for row in rows}
        known: set[Any] = set()
        for chunk in self._chunks(list(latest)):
            known.update(
                self.session.execute(select(table.c[key]).where(table.c[key].in_(chunk))).scalars()
            )
        self._insert_many(table_name, keys, [row for k, row in latest.items() if k not in known])
        changed = [
            {
                **{name: value for name, value in zip(keys, row, strict=True) if name != key},
                "row_key": k,
            }
            for k, row in latest.items()
            if k in known
        ]
        if changed:
            self.session.execute(update(table).where(table.c[key] == bindparam("row_key")), changed)
        self.session.expire_all()

    def save_xero_contact_records(
        self, tenant_id: str, records: Sequence[XeroContactRecord]
    ) -> None:
        now = self._now()
        self._upsert(
            "xero_contacts",
            "contact_id",
            [*self._CONTACT_COLUMNS, "tenant_id", "updated_at"],
            [
                (
                    record.contact_id,
                    record.name,
                    record.email,
                    record.contact_number,
                    record.account_number,
                    record.status,
                    record.is_customer,
                    record.updated_at,
                    record.merged_to,
                    tenant_id,
                    now,
                )
                for record in records
            ],
        )

    def refresh_linked_contact_names(self) -> None:
        from sqlalchemy import update

        tables = ClientRow.metadata.tables
        clients, contacts = tables["clients"], tables["xero_contacts"]
        mirrored = (
            select(contacts.c.name)
            .where(contacts.c.contact_id == clients.c.xero_contact_id)
            .scalar_subquery()
        )
        self.session.execute(
            update(clients)
            .where(
                clients.c.xero_contact_id.in_(select(contacts.c.contact_id)),
                or_(clients.c.xero_contact_name.is_(None), clients.c.xero_contact_name != mirrored),
            )
            .values(xero_contact_name=mirrored)
        )
        self.session.expire_all()

    def xero_accounts(self) -> list[XeroAccount]:
        rows = self.session.exec(
            select_rows(XeroAccountRow).order_by(
                col(XeroAccountRow.code), col(XeroAccountRow.account_id)
            )
        )
        return [
            XeroAccount(
                account_id=row.account_id,
                code=row.code,
                name=row.name,
                status=row.status,
                type=row.type,
                account_class=row.account_class,
                tax_type=row.tax_type,
                updated_at=row.xero_updated_at,
            )
            for row in rows
        ]

    def save_xero_accounts(
        self, tenant_id: str, accounts: Sequence[XeroAccount], *, complete: bool
    ) -> None:
        from sqlalchemy import delete

        now = self._now()
        if complete:
            table = ClientRow.metadata.tables["xero_accounts"]
            self.session.execute(
                delete(table).where(
                    table.c.tenant_id == tenant_id,
                    table.c.account_id.not_in([account.account_id for account in accounts]),
                )
            )
        self._upsert(
            "xero_accounts",
            "account_id",
            (
                "account_id",
                "tenant_id",
                "code",
                "name",
                "type",
                "account_class",
                "status",
                "tax_type",
                "xero_updated_at",
                "synced_at",
            ),
            [
                (
                    a.account_id,
                    tenant_id,
                    a.code,
                    a.name,
                    a.type,
                    a.account_class,
                    a.status,
                    a.tax_type,
                    a.updated_at,
                    now,
                )
                for a in accounts
            ],
        )

    def xero_branding_themes(self) -> list[XeroBrandingTheme]:
        rows = self.session.exec(
            select_rows(XeroBrandingThemeRow).order_by(
                col(XeroBrandingThemeRow.sort_order), func.lower(col(XeroBrandingThemeRow.name))
            )
        )
        return [
            XeroBrandingTheme(
                branding_theme_id=row.branding_theme_id, name=row.name, sort_order=row.sort_order
            )
            for row in rows
        ]

    def save_xero_branding_themes(
        self, tenant_id: str, themes: Sequence[XeroBrandingTheme]
    ) -> None:
        from sqlalchemy import delete

        now = self._now()
        self.session.execute(
            delete(XeroBrandingThemeRow).where(col(XeroBrandingThemeRow.tenant_id) == tenant_id)
        )
        self.session.add_all(
            XeroBrandingThemeRow(
                branding_theme_id=theme.branding_theme_id,
                tenant_id=tenant_id,
                name=theme.name,
                sort_order=theme.sort_order,
                synced_at=now,
            )
            for theme in themes
        )
        self.session.flush()

    def xero_tracking_categories(self) -> list[XeroTrackingCategory]:
        categories = self.session.exec(
            select_rows(XeroTrackingCategoryRow).order_by(
                func.lower(col(XeroTrackingCategoryRow.name))
            )
        ).all()
        options: dict[str, list[XeroTrackingOption]] = {}
        for option in self.session.exec(
            select_rows(XeroTrackingOptionRow).order_by(
                col(XeroTrackingOptionRow.tracking_category_id),
                col(XeroTrackingOptionRow.position),
            )
        ):
            options.setdefault(option.tracking_category_id, []).append(
                XeroTrackingOption(
                    tracking_option_id=option.tracking_option_id,
                    name=option.name,
                    status=option.status,
                )
            )
        return [
            XeroTrackingCategory(
                tracking_category_id=row.tracking_category_id,
                name=row.name,
                status=row.status,
                options=tuple(options.get(row.tracking_category_id, ())),
            )
            for row in categories
        ]

    def save_xero_tracking_categories(
        self, tenant_id: str, categories: Sequence[XeroTrackingCategory]
    ) -> None:
        from sqlalchemy import delete

        now = self._now()
        tables = ClientRow.metadata.tables
        mine = tables["xero_tracking_categories"]
        options = tables["xero_tracking_options"]
        self.session.execute(
            delete(options).where(
                options.c.tracking_category_id.in_(
                    select(mine.c.tracking_category_id).where(mine.c.tenant_id == tenant_id)
                )
            )
        )
        self.session.execute(delete(mine).where(mine.c.tenant_id == tenant_id))
        self.session.expire_all()
        for category in categories:
            self.session.add(
                XeroTrackingCategoryRow(
                    tracking_category_id=category.tracking_category_id,
                    tenant_id=tenant_id,
                    name=category.name,
                    status=category.status,
                    synced_at=now,
                )
            )
        self.session.flush()
        self.session.add_all(
            XeroTrackingOptionRow(
                tracking_option_id=option.tracking_option_id,
                tracking_category_id=category.tracking_category_id,
                position=position,
                name=option.name,
                status=option.status,
            )
            for category in categories
            for position, option in enumerate(category.options)
        )
        self.session.flush()

    _STATE_FIELDS = (
        "contacts_modified_since",
        "accounts_modified_since",
        "contacts_synced_at",
        "accounts_synced_at",
        "themes_synced_at",
        "tracking_synced_at",
        "last_sync_at",
        "last_push_at",
    )

    def xero_sync_state(self, tenant_id: str) -> SyncState | None:
        row = self.session.get(XeroSyncStateRow, tenant_id)
        if row is None:
            return None
        return SyncState(tenant_id, **{name: getattr(row, name) for name in self._STATE_FIELDS})

    def save_xero_sync_state(self, state: SyncState) -> None:
        self.session.merge(
            XeroSyncStateRow(
                tenant_id=state.tenant_id,
                **{name: getattr(state, name) for name in self._STATE_FIELDS},
            )
        )
        self.session.flush()

    def pushed_clients(self) -> list[PushedDetails]:
        return [
            PushedDetails(
                client_id=row.client_id,
                contact_id=row.contact_id,
                name=row.name,
                email=row.email,
                contact_number=row.contact_number,
                pushed_at=row.pushed_at,
            )
            for row in self.session.exec(select_rows(XeroPushedClientRow))
        ]

    def save_pushed_clients(self, details: Sequence[PushedDetails]) -> None:
        self._upsert(
            "xero_pushed_clients",
            "client_id",
            ("client_id", "contact_id", "name", "email", "contact_number", "pushed_at"),
            [
                (d.client_id, d.contact_id, d.name, d.email, d.contact_number, d.pushed_at)
                for d in details
            ],
        )


__all__ = ["SqlUnitOfWork", "parse_tracking"]

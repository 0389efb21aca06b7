"""Finalised months: what each approved plan froze, invoice by invoice."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, insert, or_, select, update
from sqlalchemy import literal as sa_literal

from socketcli.adapters.store.reader import BILLED_STATUSES, PLAN_METHODS
from socketcli.adapters.store.sql import SqlRepository
from socketcli.adapters.store.tables import PlanSnapshotRow
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import ClientMonth
from socketcli.domain.money import to_minor
from socketcli.domain.months import Month


class SqlSnapshots(SqlRepository):
    def latest_finalised(self) -> Month | None:
        return self._reader().latest_finalised()

    def months(self) -> list[Month]:
        table = self.table("plan_snapshots")
        return [
            Month.parse(month)
            for (month,) in self.session.execute(select(table.c.month).order_by(table.c.month))
        ]

    def totals(self, month: Month) -> dict[int, ClientMonth] | None:
        return self._reader().finalised_totals(month)

    def freeze(self, month: Month, invoices: Sequence[InvoiceDocument], finalised_by: str) -> None:
        """Set-based: one INSERT of the invoices returning their ids in the order given, one
        executemany of their lines (20,000 invoices take a second, not a row at a time)."""
        self.session.add(
            PlanSnapshotRow(
                month=str(month),
                total_minor=sum(to_minor(invoice.total) for invoice in invoices),
                invoice_count=len(invoices),
                finalised_at=self.now(),
                finalised_by=finalised_by,
            )
        )
        self.session.flush()
        self._insert(month, invoices)
        self._record_services(month)

    def append(self, month: Month, invoices: Sequence[InvoiceDocument]) -> None:
        """The invoices join the month's snapshot, its total and count moved by them."""
        snapshots = self.table("plan_snapshots")
        self.session.flush()
        moved = self.session.execute(
            update(snapshots)
            .where(snapshots.c.month == str(month))
            .values(
                total_minor=snapshots.c.total_minor
                + sum(to_minor(invoice.total) for invoice in invoices),
                invoice_count=snapshots.c.invoice_count + len(invoices),
            )
        )
        if getattr(moved, "rowcount", 1) != 1:
            raise ValueError(f"{month} is not finalised: there is no snapshot to add to")
        self._insert(month, invoices)
        self._record_services(month)
        self.session.expire_all()

    def _record_services(self, month: Month) -> None:
        """Record each (client, service) of a plan line in force in `month` not recorded yet:
        one INSERT ... SELECT. A line of a service not recorded is outstanding in the month."""
        recorded = self.table("snapshot_services")
        lines = self.table("proposal_lines")
        proposals = self.table("proposals")
        in_force = (
            select(sa_literal(str(month)), proposals.c.client_id, lines.c.service_id)
            .distinct()
            .select_from(lines.join(proposals, proposals.c.id == lines.c.proposal_id))
            .where(
                proposals.c.status.in_(BILLED_STATUSES),
                lines.c.billing_method.in_(PLAN_METHODS),
                lines.c.start_month.is_not(None),
                lines.c.start_month <= str(month),
                or_(lines.c.end_month.is_(None), lines.c.end_month >= str(month)),
                ~exists().where(
                    recorded.c.month == str(month),
                    recorded.c.client_id == proposals.c.client_id,
                    recorded.c.service_id == lines.c.service_id,
                ),
            )
        )
        self.session.execute(
            insert(recorded).from_select(["month", "client_id", "service_id"], in_force)
        )

    def _insert(self, month: Month, invoices: Sequence[InvoiceDocument]) -> None:
        """Set-based: one INSERT of the invoices returning their ids in the order given, one
        executemany of their lines."""
        if not invoices:
            return
        table = self.table("snapshot_invoices")
        ids = self.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {
                    "month": str(month),
                    "client_id": invoice.client_id,
                    "kind": invoice.kind.value,
                    "invoice_date": invoice.invoice_date,
                    "due_date": invoice.due_date,
                    "reference": invoice.reference,
                    "contact_name": invoice.contact_name,
                    "branding_theme": invoice.branding_theme,
                    "total_minor": to_minor(invoice.total),
                    "line_count": len(invoice.lines),
                    "client_reference": invoice.client_reference,
                    "client_name": invoice.client_name,
                    "contact_id": invoice.contact_id,
                    "payment_terms": invoice.payment_terms,
                    "status": invoice.status,
                }
                for invoice in invoices
            ],
        ).all()
        self.insert_many(
            "snapshot_lines",
            (
                "invoice_id",
                "position",
                "description",
                "quantity",
                "unit_amount",
                "account_code",
                "line_amount_minor",
                "tracking",
            ),
            [
                (
                    invoice_id,
                    position,
                    line.description,
                    str(line.quantity),
                    str(line.unit_amount),
                    line.account_code,
                    to_minor(line.line_amount),
                    ";".join(f"{c}:{o}" for c, o in line.tracking),
                )
                for invoice_id, invoice in zip(ids, invoices, strict=True)
                for position, line in enumerate(invoice.lines)
            ],
        )

    def thaw(self, month: Month) -> None:
        invoices = self.table("snapshot_invoices")
        lines = self.table("snapshot_lines")
        of_month = select(invoices.c.id).where(invoices.c.month == str(month))
        self.session.flush()
        self.session.execute(delete(lines).where(lines.c.invoice_id.in_(of_month)))
        self.session.execute(delete(invoices).where(invoices.c.month == str(month)))
        services = self.table("snapshot_services")
        self.session.execute(delete(services).where(services.c.month == str(month)))
        snapshots = self.table("plan_snapshots")
        self.session.execute(delete(snapshots).where(snapshots.c.month == str(month)))
        self.session.expire_all()

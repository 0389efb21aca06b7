"""The outbox: each finalised invoice written with its request body before it is sent to
Xero, and Xero's answer recorded after (see domain/posting.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import bindparam, func, select, update

from socketcli.adapters.store.sql import SqlRepository
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState

_COLUMNS = (
    "id",
    "month",
    "client_id",
    "reference",
    "state",
    "idempotency_key",
    "body",
    "attempts",
    "xero_invoice_id",
    "xero_number",
    "error",
    "sent_at",
)


def _entry(row: Sequence[Any]) -> OutboxEntry:
    (
        entry_id,
        month,
        client_id,
        reference,
        state,
        key,
        body,
        attempts,
        xid,
        number,
        error,
        sent,
    ) = row
    if sent is not None and sent.tzinfo is None:  # SQLite keeps no zone: stored in UTC
        sent = sent.replace(tzinfo=UTC)
    return OutboxEntry(
        id=entry_id,
        month=Month.parse(month),
        client_id=client_id,
        reference=reference,
        state=OutboxState(state),
        key=key,
        body=body,
        attempts=attempts,
        xero_invoice_id=xid,
        xero_number=number,
        error=error or "",
        sent_at=sent,
    )


class SqlOutbox(SqlRepository):
    def unqueued(self, month: Month) -> list[tuple[int, InvoiceDocument]]:
        """The month's finalised invoices that have no outbox entry yet, with their ids."""
        invoices, outbox = self.table("snapshot_invoices"), self.table("outbox_invoices")
        ids = [
            row[0]
            for row in self.session.execute(
                select(invoices.c.id)
                .where(
                    invoices.c.month == str(month),
                    ~invoices.c.id.in_(select(outbox.c.snapshot_invoice_id)),
                )
                .order_by(invoices.c.id)
            ).all()
        ]
        if not ids:
            return []
        frozen = self._reader().finalised_invoice_rows(month)
        wanted = set(ids)
        return [(invoice_id, doc) for invoice_id, doc in frozen if invoice_id in wanted]

    def add(
        self,
        entries: Sequence[tuple[int, InvoiceDocument, str, str]],
    ) -> None:
        """Write entries: (finalised invoice id, the invoice, its key, its body)."""
        now = self.now()
        self.insert_many(
            "outbox_invoices",
            (
                "snapshot_invoice_id",
                "month",
                "client_id",
                "reference",
                "state",
                "idempotency_key",
                "body",
                "attempts",
                "error",
                "created_at",
            ),
            [
                (
                    invoice_id,
                    str(doc.month),
                    doc.client_id,
                    doc.reference,
                    OutboxState.PENDING.value,
                    key,
                    body,
                    0,
                    "",
                    now,
                )
                for invoice_id, doc, key, body in entries
            ],
        )

    def entries(
        self, *, months: Sequence[Month] | None = None, states: Sequence[OutboxState] = ()
    ) -> list[OutboxEntry]:
        table = self.table("outbox_invoices")
        statement = select(*(table.c[name] for name in _COLUMNS)).order_by(table.c.id)
        if months is not None:
            statement = statement.where(table.c.month.in_([str(m) for m in months]))
        if states:
            statement = statement.where(table.c.state.in_([s.value for s in states]))
        return [_entry(row) for row in self.session.execute(statement).all()]

    def _set(self, changes: Sequence[dict[str, Any]]) -> None:
        if changes:
            table = self.table("outbox_invoices")
            self.session.execute(
                update(table).where(table.c.id == bindparam("row_id")), list(changes)
            )

    def mark_sending(self, entries: Sequence[OutboxEntry]) -> None:
        """Before a request: these invoices are in flight from now on."""
        now = self.now()
        self._set(
            [
                {
                    "row_id": e.id,
                    "state": OutboxState.SENDING.value,
                    "attempts": e.attempts + 1,
                    "sent_at": now,
                }
                for e in entries
            ]
        )

    def posted(self, results: Sequence[tuple[int, str, str]]) -> None:
        """Xero has these: (entry id, InvoiceID, invoice number)."""
        now = self.now()
        self._set(
            [
                {
                    "row_id": entry_id,
                    "state": OutboxState.POSTED.value,
                    "xero_invoice_id": invoice_id,
                    "xero_number": number,
                    "error": "",
                    "settled_at": now,
                }
                for entry_id, invoice_id, number in results
            ]
        )

    def failed(self, results: Sequence[tuple[int, str]]) -> None:
        """Xero refused these: (entry id, its message)."""
        now = self.now()
        self._set(
            [
                {
                    "row_id": entry_id,
                    "state": OutboxState.FAILED.value,
                    "error": error,
                    "settled_at": now,
                }
                for entry_id, error in results
            ]
        )

    def requeue(self, entries: Sequence[tuple[int, str]]) -> None:
        """Send these again, each under a new key: (entry id, key)."""
        self._set(
            [
                {"row_id": entry_id, "state": OutboxState.PENDING.value, "idempotency_key": key}
                for entry_id, key in entries
            ]
        )

    def state_counts(self) -> dict[Month, dict[OutboxState, int]]:
        table = self.table("outbox_invoices")
        counts: dict[Month, dict[OutboxState, int]] = {}
        for month, state, count in self.session.execute(
            select(table.c.month, table.c.state, func.count()).group_by(
                table.c.month, table.c.state
            )
        ):
            counts.setdefault(Month.parse(month), {})[OutboxState(state)] = count
        return counts

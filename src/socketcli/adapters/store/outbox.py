"""The outbox: each finalised invoice written with its request body before it is sent to
Xero, and Xero's answer recorded after (see domain/posting.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update

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
    "kind",
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
        kind,
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
        work=kind == "work",
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

    def add_work(self, doc: InvoiceDocument, key: str, body: str) -> int:
        """Write a work completion's invoice, pending; its entry id."""
        table = self.table("outbox_invoices")
        entry_id = self.session.execute(
            table.insert()
            .returning(table.c.id)
            .values(
                snapshot_invoice_id=None,
                kind="work",
                month=str(doc.month),
                client_id=doc.client_id,
                reference=doc.reference,
                state=OutboxState.PENDING.value,
                idempotency_key=key,
                body=body,
                attempts=0,
                error="",
                created_at=self.now(),
            )
        ).scalar_one()
        return int(entry_id)

    def references(self, prefix: str) -> set[str]:
        """The references in the outbox that start with `prefix`."""
        table = self.table("outbox_invoices")
        return set(
            self.session.execute(
                select(table.c.reference).where(
                    table.c.reference.startswith(prefix, autoescape=True)
                )
            ).scalars()
        )

    def rewrite(self, changes: Sequence[tuple[int, str, str]]) -> None:
        """(entry id, body, key) of invoices not in Xero whose request changed before it was
        sent (a contact linked since, an item reopened)."""
        self._set(
            [
                {"row_id": entry_id, "body": body, "idempotency_key": key}
                for entry_id, body, key in changes
            ]
        )

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Delete entries that never reached Xero (a completion reopened)."""
        if entry_ids:
            table = self.table("outbox_invoices")
            self.session.execute(delete(table).where(table.c.id.in_(list(entry_ids))))

    def entries(
        self,
        *,
        months: Sequence[Month] | None = None,
        states: Sequence[OutboxState] = (),
        work: bool | None = None,
    ) -> list[OutboxEntry]:
        """Entries by id; with `months`, the finalised invoices of those months (no work
        invoices); `work` True or False: only work completions' invoices, or only the plan's."""
        table = self.table("outbox_invoices")
        statement = select(*(table.c[name] for name in _COLUMNS)).order_by(table.c.id)
        if months is not None:
            statement = statement.where(
                table.c.month.in_([str(m) for m in months]), table.c.kind == "plan"
            )
        if work is not None:
            statement = statement.where(table.c.kind == ("work" if work else "plan"))
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
            select(table.c.month, table.c.state, func.count())
            .where(table.c.kind == "plan")  # a month's plan invoices, not work completed in it
            .group_by(table.c.month, table.c.state)
        ):
            counts.setdefault(Month.parse(month), {})[OutboxState(state)] = count
        return counts

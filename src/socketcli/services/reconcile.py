"""Reconciling a finalised month with Xero: does Xero hold what was approved, exactly once?

    report = reconcile(store, xero)               # the latest finalised month
    report = reconcile(store, xero, month=m)

Reads the month's frozen invoices and outbox entries, then asks Xero (read-only) for every
invoice socket posted, by InvoiceID (GET /Invoices?IDs=..., batched, every page), and for
any other invoice carrying one of the month's references, whoever made it (socket by
mistake, another app such as Practice Manager, a person in Xero: posting settles with this
app's invoices only, reconcile reports every live duplicate); domain/reconcile.py compares,
invoice by invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from socketcli.domain.errors import NotFound
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxState
from socketcli.domain.reconcile import Finding, HeldInvoice, Reconciled, count, reconcile
from socketcli.ports.store import OpenStore
from socketcli.ports.xero import CreatedInvoice, XeroGateway
from socketcli.services.posting import invoice_of

#: Exit code of a reconcile that found Xero differing from what was approved.
EXIT_MISMATCH = 10


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    month: Month
    rows: tuple[Reconciled, ...]

    @property
    def matches(self) -> bool:
        """Xero holds every approved invoice, once, as approved."""
        return all(row.ok for row in self.rows)

    @property
    def counts(self) -> dict[Finding, int]:
        return count(self.rows)

    @property
    def exit_code(self) -> int:
        return 0 if self.matches else EXIT_MISMATCH


def _held(invoice: CreatedInvoice) -> HeldInvoice:
    return HeldInvoice(
        invoice_id=invoice.invoice_id,
        number=invoice.invoice_number,
        reference=invoice.reference,
        status=invoice.status,
        contact_id=invoice.contact_id,
        sub_total=invoice.sub_total,
    )


def reconcile_month(
    store: OpenStore,
    xero: Callable[[], AbstractContextManager[XeroGateway]],
    month: Month | None = None,
) -> ReconcileReport:
    """Each invoice of a finalised month (default: the latest) against what Xero holds.
    `xero` opens the gateway; it is only asked to read."""
    with store() as uow:
        finalised = uow.snapshots.months()
        if month is None:
            if not finalised:
                raise NotFound("no month is finalised yet: approve one with `socket plan approve`")
            month = finalised[-1]
        if month not in finalised:
            raise NotFound(
                f"the plan for {month} is not finalised: approve it first "
                f"(`socket plan approve --month {month}`)"
            )
        docs = uow.plan.finalised_invoices(month)
        entries = uow.outbox.entries(months=[month])
        linked = {c.id: c.xero_contact_id for c in uow.clients.all() if c.id is not None}
    posted = [e for e in entries if e.state is OutboxState.POSTED and e.xero_invoice_id]
    # The contact each invoice was sent to; sent by name, the one the client was linked to.
    posted_to = {
        e.reference: invoice_of(e.body).contact_id or linked.get(e.client_id) for e in posted
    }
    held: list[CreatedInvoice] = []
    if docs:
        with xero() as gateway:
            held += gateway.get_invoices([e.xero_invoice_id or "" for e in posted])
            held += gateway.find_invoices([doc.reference for doc in docs], only_ours=False)
    rows = reconcile(docs, entries, [_held(i) for i in held], posted_to)
    return ReconcileReport(month, tuple(rows))

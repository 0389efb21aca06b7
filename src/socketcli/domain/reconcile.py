"""Reconciling a posted month with Xero, decided purely: each finalised invoice against its
outbox entry and what Xero holds (by the InvoiceID recorded when it was posted, and by its
reference), invoice by invoice.

    rows = reconcile(docs, entries, held, contacts)

Findings, several at once where they apply (an amount and a contact both changed):

- `ok`: Xero holds it as approved (the same SubTotal, the contact it was posted to);
- `not posted`: finalised, but the outbox has no posted entry for it (yet);
- `missing`: posted, but Xero does not return its InvoiceID;
- `deleted`, `voided`: Xero holds it with that status (nothing else is compared);
- `duplicated`: another live invoice (not deleted or voided) carries its reference;
- `amount changed`: Xero's SubTotal differs from the frozen invoice's total;
- `contact changed`: Xero's ContactID differs from the one it was posted to (or, when it was
  sent by name, the contact the client was linked to after).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.posting import OutboxEntry, OutboxState

#: Statuses of an invoice that is no longer live in Xero.
GONE = ("DELETED", "VOIDED")


class Finding(StrEnum):
    OK = "ok"
    NOT_POSTED = "not posted"
    MISSING = "missing"
    DELETED = "deleted"
    VOIDED = "voided"
    DUPLICATED = "duplicated"
    AMOUNT_CHANGED = "amount changed"
    CONTACT_CHANGED = "contact changed"


@dataclass(frozen=True, slots=True)
class HeldInvoice:
    """An invoice as Xero returned it."""

    invoice_id: str
    number: str
    reference: str
    status: str
    contact_id: str | None
    sub_total: Decimal | None


@dataclass(frozen=True, slots=True)
class Reconciled:
    """One finalised invoice, what Xero holds of it, and what differs."""

    reference: str
    client_reference: str
    client_name: str
    total: Decimal  # as approved (tax-exclusive: Xero's SubTotal)
    findings: tuple[Finding, ...]
    number: str | None = None  # Xero's number for the posted invoice
    status: str | None = None  # its status in Xero
    xero_total: Decimal | None = None  # its SubTotal in Xero
    contact_id: str | None = None  # the contact it was posted to
    xero_contact_id: str | None = None  # the contact Xero has it on
    others: tuple[str, ...] = ()  # numbers of other live invoices with the reference

    @property
    def ok(self) -> bool:
        return self.findings == (Finding.OK,)


def _same_id(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()


def reconcile(
    docs: Sequence[InvoiceDocument],
    entries: Iterable[OutboxEntry],
    held: Iterable[HeldInvoice],
    posted_to: Mapping[str, str | None],
) -> list[Reconciled]:
    """Each finalised invoice (in the order given) against what Xero holds. `posted_to` maps a
    reference to the ContactID it was posted to (None: unknown, not compared)."""
    by_reference = {e.reference: e for e in entries}
    invoices = list({i.invoice_id.lower(): i for i in held}.values())
    rows = []
    for doc in docs:
        entry = by_reference.get(doc.reference)
        same_reference = [i for i in invoices if i.reference == doc.reference]
        posted_id = (
            entry.xero_invoice_id
            if entry is not None and entry.state is OutboxState.POSTED
            else None
        )
        if entry is None or posted_id is None:
            live = [i for i in same_reference if i.status not in GONE]
            rows.append(
                Reconciled(
                    doc.reference,
                    doc.client_reference,
                    doc.client_name,
                    doc.total,
                    (Finding.NOT_POSTED,),
                    others=tuple(i.number for i in live),
                )
            )
            continue
        ours = next((i for i in invoices if _same_id(i.invoice_id, posted_id)), None)
        others = tuple(
            i.number
            for i in same_reference
            if not _same_id(i.invoice_id, posted_id) and i.status not in GONE
        )
        contact_id = posted_to.get(doc.reference)
        findings: list[Finding] = []
        if ours is None:
            findings.append(Finding.MISSING)
        elif ours.status == "DELETED":
            findings.append(Finding.DELETED)
        elif ours.status == "VOIDED":
            findings.append(Finding.VOIDED)
        else:
            if ours.sub_total is None or ours.sub_total != doc.total:
                findings.append(Finding.AMOUNT_CHANGED)
            if contact_id and not _same_id(ours.contact_id, contact_id):
                findings.append(Finding.CONTACT_CHANGED)
        if others:
            findings.append(Finding.DUPLICATED)
        rows.append(
            Reconciled(
                doc.reference,
                doc.client_reference,
                doc.client_name,
                doc.total,
                tuple(findings) or (Finding.OK,),
                number=ours.number if ours is not None else entry.xero_number,
                status=ours.status if ours is not None else None,
                xero_total=ours.sub_total if ours is not None else None,
                contact_id=contact_id,
                xero_contact_id=ours.contact_id if ours is not None else None,
                others=others,
            )
        )
    return rows


def count(rows: Iterable[Reconciled]) -> dict[Finding, int]:
    """How many invoices have each finding, in the order of `Finding`."""
    listed = list(rows)
    counts = {f: sum(1 for r in listed if f in r.findings) for f in Finding}
    return {f: n for f, n in counts.items() if n}

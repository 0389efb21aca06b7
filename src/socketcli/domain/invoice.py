"""An invoice as Xero will receive it: contact, dates, reference, lines and theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from socketcli.domain.model import InvoiceKind, InvoiceLine, PlannedInvoice
from socketcli.domain.months import Month
from socketcli.domain.records import Client
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.terms import PaymentTerms


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    client_id: int
    client_reference: str
    client_name: str
    contact_name: str  # the Xero contact's name where linked, else the client's
    contact_id: str | None
    month: Month
    kind: InvoiceKind
    invoice_date: date
    due_date: date
    payment_terms: str
    reference: str
    branding_theme: str
    lines: tuple[InvoiceLine, ...]
    status: str = "DRAFT"  # the status Xero creates it with: DRAFT or AUTHORISED

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_amount for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        # Amounts are tax-exclusive as planned; Xero adds tax by each line's tax type.
        return self.subtotal


def render_invoice(
    invoice: PlannedInvoice, client: Client, settings: PracticeSettings
) -> InvoiceDocument:
    day = client.invoice_day or settings.invoice_day
    dated = invoice.month.day(day)
    terms = (
        PaymentTerms.parse(client.payment_terms) if client.payment_terms else settings.payment_terms
    )
    suffix = " alignment fee" if invoice.kind is InvoiceKind.ALIGNMENT else ""
    return InvoiceDocument(
        client_id=invoice.client_id,
        client_reference=client.reference,
        client_name=client.name,
        contact_name=client.xero_contact_name or client.name,
        contact_id=client.xero_contact_id,
        month=invoice.month,
        kind=invoice.kind,
        invoice_date=dated,
        due_date=terms.due_date(dated),
        payment_terms=terms.describe(),
        reference=f"{client.reference} {invoice.month.label}{suffix}",
        branding_theme=client.branding_theme or settings.branding_theme,
        lines=invoice.lines,
        status=settings.posting_status.value,
    )

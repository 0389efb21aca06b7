"""The reconcile decision, purely: frozen invoices, outbox entries and what Xero returned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import InvoiceKind, InvoiceLine
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.reconcile import Finding, HeldInvoice, reconcile

DECEMBER = Month(2026, 12)


def doc(reference: str, amount: str = "100.00") -> InvoiceDocument:
    return InvoiceDocument(
        client_id=1,
        client_reference=reference.split()[0],
        client_name="Client",
        contact_name="Client",
        contact_id="c-1",
        month=DECEMBER,
        kind=InvoiceKind.RECURRING,
        invoice_date=date(2026, 12, 1),
        due_date=date(2026, 12, 15),
        payment_terms="14 days",
        reference=reference,
        branding_theme="Standard",
        lines=(
            InvoiceLine(
                description="Bookkeeping",
                quantity=Decimal(1),
                unit_amount=Decimal(amount),
                account_code="200",
                line_amount=Decimal(amount),
            ),
        ),
    )


def entry(reference: str, invoice_id: str | None, state: OutboxState) -> OutboxEntry:
    return OutboxEntry(1, DECEMBER, 1, reference, state, "k", "{}", 1, invoice_id, "INV-1")


def xero(
    invoice_id: str, reference: str, status: str = "DRAFT", total: str = "100.00"
) -> HeldInvoice:
    return HeldInvoice(invoice_id, f"N-{invoice_id}", reference, status, "c-1", Decimal(total))


def test_a_deleted_second_invoice_is_no_duplicate_and_ids_compare_without_case() -> None:
    rows = reconcile(
        [doc("A Dec 2026")],
        [entry("A Dec 2026", "ID-1", OutboxState.POSTED)],
        [xero("id-1", "A Dec 2026"), xero("id-2", "A Dec 2026", status="DELETED")],
        {"A Dec 2026": "C-1"},
    )
    assert rows[0].findings == (Finding.OK,)


def test_an_amount_and_a_contact_changed_are_both_reported() -> None:
    moved = replace(xero("1", "A Dec 2026", total="90.00"), contact_id="c-2")
    rows = reconcile(
        [doc("A Dec 2026")],
        [entry("A Dec 2026", "1", OutboxState.POSTED)],
        [moved],
        {"A Dec 2026": "c-1"},
    )
    assert rows[0].findings == (Finding.AMOUNT_CHANGED, Finding.CONTACT_CHANGED)


def test_a_failed_or_unqueued_invoice_is_not_posted_and_names_what_xero_holds() -> None:
    rows = reconcile(
        [doc("A Dec 2026"), doc("B Dec 2026")],
        [entry("A Dec 2026", None, OutboxState.FAILED)],
        [xero("9", "B Dec 2026")],
        {},
    )
    assert [r.findings for r in rows] == [(Finding.NOT_POSTED,), (Finding.NOT_POSTED,)]
    assert rows[1].others == ("N-9",)

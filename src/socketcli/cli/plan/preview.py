"""`socket plan preview CLIENT`: a client's invoice(s) for a month, as Xero will receive them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import (
    AmountsJsonOption,
    ClientArg,
    CsvOption,
    MonthOption,
    billing_month,
)

if TYPE_CHECKING:
    from socketcli.domain.invoice import InvoiceDocument
    from socketcli.domain.links import ContactLink
    from socketcli.services.plan import PreviewReport

CSV_HEADER = [
    "reference",
    "contact",
    "invoice_date",
    "due_date",
    "description",
    "quantity",
    "unit_amount",
    "account_code",
    "line_amount",
]


def preview(
    ctx: typer.Context,
    client: ClientArg,
    month: MonthOption = None,
    json_: AmountsJsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Preview a client's invoice(s) for a month exactly as Xero will receive them."""
    from socketcli.cli.output import Format, choose_format, emit_csv, emit_json, say
    from socketcli.services.plan import preview_invoice

    fmt = choose_format(json_, csv_)
    st = state(ctx)
    report = preview_invoice(st.read, st.clock, client, billing_month(month, st))
    if fmt is Format.JSON:
        emit_json(_document(report))
    elif fmt is Format.CSV:
        emit_csv(CSV_HEADER, _csv_rows(report))
    elif not report.invoices:
        say(f"Nothing to invoice for {client} in {report.month.label}.")
    else:
        if report.finalised:
            say(
                f"{report.month.label} is finalised: this is the invoice as approved; later "
                f"edits apply from {(report.month + 1).label}."
            )
        for invoice in report.invoices:
            _invoice(invoice, report.link)


def _document(report: PreviewReport) -> dict[str, Any]:
    return {
        "month": str(report.month),
        "playground": report.playground,
        "finalised": report.finalised,
        "xero_contact_status": report.link.status.value,
        "warning": report.link.warning,
        "invoices": [_invoice_json(invoice) for invoice in report.invoices],
    }


def _invoice_json(invoice: InvoiceDocument) -> dict[str, Any]:
    return {
        "client_reference": invoice.client_reference,
        "kind": invoice.kind.value,
        "type": "ACCREC",
        "contact": {"name": invoice.contact_name, "contact_id": invoice.contact_id},
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "payment_terms": invoice.payment_terms,
        "reference": invoice.reference,
        "status": invoice.status,
        "branding_theme": invoice.branding_theme or None,
        "line_amount_types": "Exclusive",
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_amount": line.unit_amount,
                "account_code": line.account_code,
                "tax_type": None,
                "line_amount": line.line_amount,
                "tracking": [{"name": c, "option": o} for c, o in line.tracking],
            }
            for line in invoice.lines
        ],
        "subtotal": invoice.subtotal,
        "total": invoice.total,
    }


def _csv_rows(report: PreviewReport) -> Any:
    return (
        [
            i.reference,
            i.contact_name,
            i.invoice_date,
            i.due_date,
            line.description,
            line.quantity,
            line.unit_amount,
            line.account_code,
            line.line_amount,
        ]
        for i in report.invoices
        for line in i.lines
    )


def _invoice(invoice: InvoiceDocument, link: ContactLink) -> None:
    """One invoice: to whom (and how its Xero contact stands), its dates (the heading, on
    stderr), its lines (the invoice itself, on stdout)."""
    from socketcli.cli.output import escape, money, note, table
    from socketcli.cli.output import show as render
    from socketcli.domain.money import format_price

    note(f"[bold]Invoice to {escape(invoice.contact_name)}[/]{_linked(invoice, link)}")
    note(
        f"Date {invoice.invoice_date:%d %b %Y}   Due {invoice.due_date:%d %b %Y} "
        f"({escape(invoice.payment_terms)})"
    )
    note(
        f"Reference {escape(invoice.reference)}   Branding theme {escape(invoice.branding_theme or 'Xero default')}"
    )
    grid = table(
        "Description",
        "Qty",
        "Unit amount",
        "Account",
        "Tax",
        "Amount",
        right=["Qty", "Unit amount", "Amount"],
    )
    for line in invoice.lines:
        grid.add_row(
            escape(line.description),
            str(line.quantity),
            format_price(line.unit_amount),
            escape(line.account_code or ""),
            "account default",
            money(line.line_amount),
        )
    grid.add_section()
    grid.add_row("Subtotal", "", "", "", "", money(invoice.subtotal))
    grid.add_row("[bold]Total (excl. tax)[/]", "", "", "", "", f"[bold]{money(invoice.total)}[/]")
    render(grid)


def _linked(invoice: InvoiceDocument, link: ContactLink) -> str:
    """What the heading says of the invoice's Xero contact."""
    from socketcli.cli.output import DIFFERS, WARN, escape

    if link.warning and link.status.value != "unlinked":
        return f" {WARN} {escape(link.warning)}"
    if invoice.contact_id:
        linked = f" (Xero contact {invoice.contact_id})"
        if link.differs_from(invoice.client_name):
            linked += f"  {DIFFERS} {escape(invoice.client_name)} in socket"
        return linked
    if link.status.value == "new":
        return " (a new Xero contact, made with this name when posted)"
    return (
        f" {WARN} not linked: a new Xero contact will be created unless you link one "
        "(`socket contacts match`)"
    )

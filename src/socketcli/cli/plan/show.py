"""`socket plan show`: one row per client with amount, lines and Xero contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import AmountsJsonOption, CsvOption, MonthOption, billing_month

if TYPE_CHECKING:
    from socketcli.services.plan import PlanReport, PlanRow

CSV_HEADER = [
    "reference",
    "client",
    "amount",
    "line_count",
    "invoice_count",
    "xero_contact",
    "xero_contact_status",
    "warning",
    "outstanding",
]


def show(
    ctx: typer.Context,
    month: MonthOption = None,
    json_: AmountsJsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Show the plan for a month: one row per client with amount, lines and Xero contact."""
    from socketcli.cli.output import Format, choose_format, emit_csv, emit_json
    from socketcli.services.plan import show_plan

    fmt = choose_format(json_, csv_)
    st = state(ctx)
    report = show_plan(st.read, st.clock, billing_month(month))
    if fmt is Format.JSON:
        emit_json(_document(report))
    elif fmt is Format.CSV:
        emit_csv(CSV_HEADER, _csv_rows(report))
    else:
        _table(report)


def _document(report: PlanReport) -> dict[str, Any]:
    return {
        "month": str(report.month),
        "status": "finalised" if report.finalised else "draft",
        "playground": report.playground,
        "clients": [_row_json(r) for r in report.rows],
        # Of a finalised month: the clients with lines of services they did not have when it
        # was finalised (late starts), which `socket plan post --outstanding` posts; not in
        # the totals.
        "outstanding": [_row_json(r) for r in report.outstanding],
        "totals": {
            "clients": len(report.rows),
            "amount": report.total,
            "line_count": report.line_count,
            "needing_attention": report.needing_attention,
        },
    }


def _row_json(r: PlanRow) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "client": r.client,
        "amount": str(r.amount),
        "line_count": r.line_count,
        "invoice_count": r.invoice_count,
        "xero_contact": r.contact,
        "xero_contact_status": r.link.status.value,
        "warning": r.warning,
    }


def _csv_rows(report: PlanReport) -> Any:
    return (
        [
            r.reference,
            r.client,
            r.amount,
            r.line_count,
            r.invoice_count,
            r.contact,
            r.link.status.value,
            r.warning,
            "yes" if r.outstanding else "",
        ]
        for r in (*report.rows, *report.outstanding)
    )


def _table(report: PlanReport) -> None:
    from socketcli.cli.output import attention, contact_cell, escape, money, plural, table
    from socketcli.cli.output import show as render

    grid = table(
        "Client",
        "Reference",
        "Amount",
        "Lines",
        "Xero contact",
        right=["Amount", "Lines"],
        title=f"Billing plan for {report.month.label} ({'finalised' if report.finalised else 'draft'})",
    )
    for r in report.rows:
        grid.add_row(
            escape(r.client),
            escape(r.reference),
            money(r.amount),
            str(r.line_count),
            contact_cell(r.link, r.client),
        )
    grid.add_section()
    grid.add_row(
        f"[bold]{plural(len(report.rows), 'client')}[/]",
        "",
        f"[bold]{money(report.total)}[/]",
        f"[bold]{report.line_count}[/]",
        "",
    )
    if report.outstanding:
        grid.add_section()
        for r in report.outstanding:
            grid.add_row(
                f"{escape(r.client)} [bold yellow](outstanding)[/]",
                escape(r.reference),
                money(r.amount),
                str(r.line_count),
                contact_cell(r.link, r.client),
            )
    render(grid)
    attention((*report.rows, *report.outstanding), always=True, total=report.needing_attention)
    if report.outstanding:
        from socketcli.cli.output import say

        say(
            f"{plural(len(report.outstanding), 'client')} outstanding "
            f"({money(report.outstanding_total)}): they started after {report.month.label} "
            f"was finalised; `socket plan post --outstanding --month {report.month}` "
            "posts them."
        )

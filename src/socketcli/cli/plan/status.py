"""`socket plan status`: where posting stands, invoice by invoice."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption, billing_month


def status(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="A finalised month, YYYY-MM or Dec 2026 (default: the latest).",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Show each invoice of a finalised month: not queued, pending, sending, posted (with
    Xero's number) or failed (with Xero's reason)."""
    from socketcli.cli.output import emit_json, escape, money, plural, say, show, table
    from socketcli.services.posting import posting_status

    st = state(ctx)
    report = posting_status(st.store, st.clock, billing_month(month, st))
    if json_:
        emit_json(
            {
                "month": str(report.month),
                "finalised": report.finalised,
                "due": report.due,
                "invoices": [
                    {
                        "client_reference": row.client_reference,
                        "client": row.client_name,
                        "reference": row.reference,
                        "total": row.total,
                        "state": row.state,
                        "xero_number": row.number,
                        "error": row.error or None,
                    }
                    for row in report.rows
                ],
            }
        )
        return
    if not report.finalised:
        say(f"{report.month.label} is not finalised: nothing of it is posted.")
        return
    grid = table(
        "Client",
        "Reference",
        "Total",
        "State",
        "Xero",
        title=f"Posting {report.month.label}",
        right=["Total"],
    )
    for row in report.rows:
        grid.add_row(
            escape(row.client_name),
            escape(row.reference),
            money(row.total),
            row.state,
            escape(row.number or row.error),
        )
    show(grid)
    counts = ", ".join(
        f"{report.count(state)} {state}"
        for state in ("posted", "failed", "sending", "pending", "not queued")
        if report.count(state)
    )
    say(f"{plural(len(report.rows), 'invoice')}: {counts}.")
    if not report.due:
        say(f"{report.month.label} posts on {report.month.first_day:%d %b %Y}.")

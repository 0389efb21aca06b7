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
    from socketcli.cli.output import emit_json, long_table, money, plural, say
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
    long_table(
        ("Client", "Reference", "Total", "State", "Xero"),
        (
            (row.client_name, row.reference, money(row.total), row.state, row.number or row.error)
            for row in report.rows
        ),
        title=f"Posting {report.month.label}",
        right=["Total"],
    )
    counts = ", ".join(
        f"{report.count(state)} {state}"
        for state in ("posted", "failed", "sending", "pending", "not queued")
        if report.count(state)
    )
    say(f"{plural(len(report.rows), 'invoice')}: {counts}.")
    if not report.due:
        say(f"{report.month.label} posts on {report.month.first_day:%d %b %Y}.")

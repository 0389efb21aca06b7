"""`socket plan reconcile`: does Xero hold what was approved, exactly once?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption, billing_month

if TYPE_CHECKING:
    from socketcli.domain.reconcile import Reconciled
    from socketcli.services.reconcile import ReconcileReport


def reconcile(
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
    """Compare a finalised month with Xero, invoice by invoice: ok, not posted, missing,
    deleted, voided, duplicated, amount changed or contact changed. Exit 10 when Xero
    differs from what was approved. Only reads from Xero."""
    from socketcli.cli.output import emit_json
    from socketcli.cli.screen import working
    from socketcli.services.reconcile import reconcile_month

    st = state(ctx)
    chosen = billing_month(month, st)
    with working("Reading the month's invoices in Xero", quiet=st.quiet):
        report = reconcile_month(st.store, st.gateway, chosen)
    if json_:
        emit_json(document(report))
    else:
        summary(report)
    if report.exit_code:
        from socketcli.cli.output import Failed

        raise Failed(
            f"Xero differs from what was approved for {report.month.label}", report.exit_code
        )


def document(report: ReconcileReport) -> dict[str, Any]:
    return {
        "month": str(report.month),
        "matches": report.matches,
        "counts": {str(finding): n for finding, n in report.counts.items()},
        "invoices": [
            {
                "client_reference": row.client_reference,
                "client": row.client_name,
                "reference": row.reference,
                "total": row.total,
                "findings": [str(f) for f in row.findings],
                "xero_number": row.number,
                "xero_status": row.status,
                "xero_total": row.xero_total,
                "contact_id": row.contact_id,
                "xero_contact_id": row.xero_contact_id,
                "duplicates": list(row.others),
            }
            for row in report.rows
        ],
    }


def summary(report: ReconcileReport) -> None:
    from socketcli.cli.output import long_table, money, plural, say

    def cells(row: Reconciled) -> tuple[str, ...]:
        found = ", ".join(str(f) for f in row.findings)
        if row.others:
            found += f" (also {', '.join(row.others)})"
        return (
            row.client_name,
            row.reference,
            money(row.total),
            row.number or "",
            money(row.xero_total) if row.xero_total is not None else "",
            found,
        )

    long_table(
        ("Client", "Reference", "Total", "Xero", "Xero total", "Finding"),
        map(cells, report.rows),
        title=f"Reconciling {report.month.label} with Xero",
        right=["Total", "Xero total"],
    )
    counts = ", ".join(f"{n} {finding}" for finding, n in report.counts.items())
    say(f"{plural(len(report.rows), 'invoice')}: {counts}.")
    if report.matches:
        say(f"Xero holds {report.month.label} exactly as approved.")
    # A difference ends the command with its `error:` line (exit 10), said once.

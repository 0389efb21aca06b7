"""`socket plan approve`: finalise a month's plan."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import MonthOption, billing_month


def approve(
    ctx: typer.Context,
    month: MonthOption = None,
    by: Annotated[
        str, typer.Option("--by", envvar="USER", help="Who approves (default: $USER).")
    ] = "",
) -> None:
    """Approve (finalise) a month's plan: its invoices are recorded as they stand now."""
    from socketcli.cli.output import money, plural, say
    from socketcli.services.plan import approve_plan

    st = state(ctx)
    report = approve_plan(st.store, st.clock, billing_month(month), by)
    say(
        f"Finalised the plan for {report.month.label}: {plural(report.invoices, 'invoice')}, {money(report.total)}."
    )

"""`socket plan months`: each month's state at a glance, and the plan commands' default month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from socketcli.cli.context import state
from socketcli.cli.options import AmountsJsonOption

if TYPE_CHECKING:
    from socketcli.domain.standing import MonthStanding
    from socketcli.services.months import MonthsReport


def months(ctx: typer.Context, json_: AmountsJsonOption = False) -> None:
    """Show each month from the first finalised one to the next to be billed: draft,
    finalised, posting or posted, with its invoices pending, posted, failed and outstanding,
    what to do next, and which month the plan commands pick by default and why."""
    from socketcli.services.months import months_overview

    st = state(ctx)
    report = months_overview(st.store, st.clock)
    if json_:
        _json(report)
        return
    _table(report)


def _row(standing: MonthStanding) -> dict[str, object]:
    counts = standing.counts
    return {
        "month": str(standing.month),
        "state": standing.state.value,
        "invoices": standing.invoices,
        "total": standing.total,
        "not_queued": counts.not_queued,
        "pending": counts.pending,
        "sending": counts.sending,
        "posted": counts.posted,
        "failed": counts.failed,
        "outstanding": standing.outstanding,
        "outstanding_total": standing.outstanding_total,
        "posts_on": standing.posts_on,
        "due": standing.due,
        "default": standing.default,
        "finalised_at": standing.finalised_at,
        "finalised_by": standing.finalised_by or None,
        "next": standing.next_step or None,
    }


def _json(report: MonthsReport) -> None:
    from socketcli.cli.output import emit_json, jsonable

    latest = report.latest_finalised
    emit_json(
        jsonable(
            {
                "today": report.today,
                "default_month": str(report.default.month),
                "default_reason": report.default.why,
                "latest_finalised": str(latest.month) if latest else None,
                "due_to_post": [str(m.month) for m in report.due_to_post],
                "months": [_row(m) for m in report.months],
            }
        )
    )


def _table(report: MonthsReport) -> None:
    from socketcli.cli.output import money, say, show, table

    grid = table(
        "Month",
        "State",
        "Invoices",
        "Total",
        "Pending",
        "Posted",
        "Failed",
        "Outstanding",
        "Next",
        right=["Invoices", "Total", "Pending", "Posted", "Failed", "Outstanding"],
    )
    for m in report.months:
        finalised = m.state.value != "draft"
        grid.add_row(
            f"{m.month}{' *' if m.default else ''}",
            m.state.value,
            f"{m.invoices:,}",
            money(m.total),
            f"{m.counts.waiting:,}" if finalised else "",
            f"{m.counts.posted:,}" if finalised else "",
            f"{m.counts.failed:,}" if finalised else "",
            f"{m.outstanding:,}" if finalised else "",
            m.next_step,
        )
    show(grid)
    default = report.default
    say(
        f"* `socket plan show`, `diff`, `preview` and `approve` take {default.month.label} "
        f"without --month: {default.why}."
    )
    latest = report.latest_finalised
    if latest is not None:
        say(
            f"`socket plan status` and `unapprove` take {latest.month.label} without --month: "
            "the latest finalised month."
        )
    due = report.due_to_post
    if due:
        say(
            "`socket plan post` sends "
            + ", ".join(m.month.label for m in due)
            + ": finalised, due, not all in Xero."
        )
    else:
        say("`socket plan post` has nothing to send now.")

"""`socket plan post`: post the finalised months that are due to Xero, exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption, billing_month

if TYPE_CHECKING:
    from socketcli.services.posting import PostingReport


def post(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month", help="Only this finalised month, YYYY-MM (default: every one due)."
        ),
    ] = None,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Send again the invoices Xero refused (after a fix)."),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Post the finalised months that are due (from their 1st) to Xero, each invoice exactly
    once; settles first what an earlier run left in flight."""
    from socketcli.cli.output import emit_json
    from socketcli.services.posting import post as post_due

    st = state(ctx)
    report = post_due(
        st.store,
        st.gateway,
        st.clock,
        month=billing_month(month),
        retry_failed=retry_failed,
        exclusive=st.wiring.exclusive("post"),
    )
    if json_:
        emit_json(document(report))
    else:
        summary(report)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def document(report: PostingReport) -> dict[str, Any]:
    return {
        "months": [str(m) for m in report.months],
        "waiting": [str(m) for m in report.waiting],
        "queued": report.queued,
        "posted": [
            {"month": str(p.month), "reference": p.reference, "number": p.number}
            for p in [*report.settled, *report.posted]
        ],
        "failed": [
            {"month": str(f.month), "reference": f.reference, "error": f.error}
            for f in report.failed
        ],
        "resent_after_settling": report.requeued,
        "contacts_linked": report.contacts_linked,
        "error": None if report.error is None else str(report.error),
    }


def summary(report: PostingReport) -> None:
    from socketcli.cli.output import error, plural, say

    for failed in report.failed:
        error(f"{failed.reference}: Xero refused it: {failed.error}")
    if report.settled:
        say(
            f"Found {plural(len(report.settled), 'invoice')} in Xero that an earlier run sent "
            "without recording the answer: recorded, not sent again."
        )
    if report.posted:
        say(f"Posted {plural(len(report.posted), 'invoice')} to Xero.")
    elif not report.failed and report.error is None:
        say("Nothing to post.")
    for month in report.waiting:
        say(f"{month.label} is finalised and posts on {month.first_day:%d %b %Y}.")
    if report.failed:
        say(
            f"{plural(len(report.failed), 'invoice')} refused: fix what Xero says, then "
            "`socket plan post --retry-failed`."
        )
    if report.error is not None:
        error(
            f"{report.error}: the invoices in flight are settled by the next "
            "`socket plan post` before anything is sent again"
        )

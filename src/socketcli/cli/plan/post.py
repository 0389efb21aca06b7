"""`socket plan post`: post the finalised months that are due to Xero, exactly once."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import State, state
from socketcli.cli.options import JsonOption, WaitOption, billing_month

if TYPE_CHECKING:
    from socketcli.cli.context import State
    from socketcli.cli.output import Failed
    from socketcli.domain.months import Month
    from socketcli.ports.locks import Locks
    from socketcli.services.plan import OutstandingReview
    from socketcli.services.posting import PostingReport


def post(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="Only this finalised month, YYYY-MM or Dec 2026 (default: every one due).",
        ),
    ] = None,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Send again the invoices Xero refused (after a fix)."),
    ] = False,
    outstanding: Annotated[
        bool,
        typer.Option(
            "--outstanding",
            help="Add a finalised month's late starts (its outstanding invoices) to it after "
            "a yes, and post them (default month: the latest finalised one with some).",
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="With --outstanding: without asking (needed without a terminal)."
        ),
    ] = False,
    json_: JsonOption = False,
    wait: WaitOption = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            help="Print only problems (for cron: nothing when all is posted or nothing is due).",
        ),
    ] = False,
) -> None:
    """Post the finalised months that are due (from their 1st) to Xero, each invoice exactly
    once; settles first what an earlier run left in flight."""
    from socketcli.cli.output import emit_json
    from socketcli.services.posting import post as post_due

    st = state(ctx)
    wanted = billing_month(month, st)
    locks = st.locks(wait=wait)
    only: list[str] | None = None
    if outstanding:
        frozen = _freeze_outstanding(st, wanted, yes=yes, quiet=json_, locks=locks)
        if frozen is None:
            if json_:
                from socketcli.services.posting import PostingReport

                emit_json(document(PostingReport()))
            return
        wanted, only = frozen.month, [doc.reference for doc in frozen.invoices]
    elif yes:
        from socketcli.domain.errors import InvalidInput

        raise InvalidInput("--yes is for --outstanding: `socket plan post` never asks")
    else:
        _finalise_due(st, locks)
    report = post_due(
        st.store,
        st.gateway,
        st.clock,
        month=wanted,
        retry_failed=retry_failed,
        locks=locks,
        only=only,
    )
    if json_:
        emit_json(document(report))
    else:
        summary(report, quiet=quiet)
    if report.exit_code:
        raise failure(report)


def _interactive() -> bool:
    """Whether a person can be asked (tests stand at a terminal by replacing this)."""
    return sys.stdin.isatty()


def _freeze_outstanding(
    st: State, wanted: Month | None, *, yes: bool, quiet: bool, locks: Locks
) -> OutstandingReview | None:
    """Show the month's outstanding invoices, ask, add them to its snapshot: what to post
    (None: nothing was outstanding, or the month is not due yet)."""
    from socketcli.cli.output import money, plural, say
    from socketcli.domain.approval import ApprovalBlocked
    from socketcli.domain.errors import InvalidInput
    from socketcli.services.plan import freeze_outstanding, review_outstanding

    if not yes and not _interactive():
        raise InvalidInput(
            "`socket plan post --outstanding` asks before it adds invoices to a finalised "
            "month, and there is no terminal to ask at: pass --yes to post without asking"
        )
    review = review_outstanding(st.store, st.clock, wanted)
    if not review.invoices:
        say(
            f"{review.month.label} has no outstanding invoices: nothing to add "
            "(`socket plan post` sends what a finalised month has not sent yet)."
        )
        return None
    _outstanding_summary(review, grid=not quiet)
    if review.problems:
        raise ApprovalBlocked(review.month, review.problems)
    if not yes:
        question = (
            f"Add {plural(len(review.invoices), 'invoice')} ({money(review.total)}) to "
            f"{review.month.label} and post {'them' if len(review.invoices) > 1 else 'it'}?"
        )
        if not typer.confirm(question, default=False, err=True):
            say("Not posted: nothing was added to the month.")
            raise typer.Exit(1)
    frozen = freeze_outstanding(
        st.store, st.clock, review.month, expected=None if yes else review, locks=locks
    )
    say(
        f"Added {plural(len(frozen.invoices), 'outstanding invoice')} "
        f"({money(frozen.total)}) to {frozen.month.label}."
    )
    if not frozen.due:
        say(
            f"{frozen.month.label} posts on {frozen.posts_at:%d %b %Y} "
            f"({frozen.posts_at.tzinfo}): `socket plan post` sends them from then."
        )
        return None
    return frozen


def _outstanding_summary(review: OutstandingReview, *, grid: bool) -> None:
    from socketcli.cli.output import money, plural, say

    if grid:
        _outstanding_table(review)
    say(
        f"{review.month.label}: {plural(len(review.invoices), 'outstanding invoice')} for "
        f"{plural(review.clients, 'client')}, {money(review.total)}."
    )
    for problem in review.problems:
        say(f"blocked: {problem}")


def _outstanding_table(review: OutstandingReview) -> None:
    from socketcli.cli.output import escape, money, table
    from socketcli.cli.output import show as render

    grid = table(
        "Client",
        "Reference",
        "Invoice",
        "Amount",
        right=["Amount"],
        title=f"Outstanding in {review.month.label} (finalised without them)",
    )
    for doc in review.invoices:
        grid.add_row(
            escape(doc.client_name),
            escape(doc.client_reference),
            escape(doc.reference),
            money(doc.total),
        )
    render(grid)


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
        "contacts_created": report.contacts_created,
        "contacts_linked": report.contacts_linked,
        "error": None if report.error is None else str(report.error),
    }


def summary(report: PostingReport, *, quiet: bool = False) -> None:
    """What a run did, on stderr; `quiet`: only the invoices Xero refused (the error that
    ends a run that did not post everything is said apart, quiet or not)."""
    from socketcli.cli.output import plural, say

    for failed in report.failed:
        say(f"refused: {failed.reference}: Xero refused it: {failed.error}")
    if quiet:
        return
    if report.settled:
        say(
            f"Found {plural(len(report.settled), 'invoice')} in Xero that an earlier run sent "
            "without recording the answer: recorded, not sent again."
        )
    if report.contacts_created:
        say(
            f"Created {plural(report.contacts_created, 'contact')} in Xero for clients that "
            "had none, and linked them."
        )
    if report.posted:
        say(f"Posted {plural(len(report.posted), 'invoice')} to Xero.")
    elif not report.failed and report.error is None:
        say("Nothing to post.")
    for month in report.waiting:
        say(f"{month.label} is finalised and posts on {month.first_day:%d %b %Y}.")


def failure(report: PostingReport) -> Failed:
    """What ends a posting run that did not post everything (its exit code is the report's)."""
    from socketcli.cli.output import Failed, plural

    if report.error is not None:
        message = (
            f"{str(report.error).rstrip('.')}: the {plural(report.in_flight, 'invoice')} "
            "in flight "
            f"{'are' if report.in_flight != 1 else 'is'} settled by the next "
            "`socket plan post` before anything is sent again"
            if report.in_flight
            else str(report.error)
        )
    else:
        message = (
            f"{plural(len(report.failed), 'invoice')} refused: fix what Xero says, then "
            "`socket plan post --retry-failed`"
        )
    return Failed(message, report.exit_code)


def _finalise_due(st: State, locks: Locks) -> None:
    """With plan_mode auto, the months whose 1st has come finalise themselves first."""
    from socketcli.cli.output import error, say
    from socketcli.services.plan import finalise_due

    done = finalise_due(st.store, st.clock, locks=locks)
    for approved in done.approved:
        say(
            f"plan_mode is auto: finalised the plan for {approved.month.label} "
            f"({approved.invoices:,} invoices, {approved.total:,.2f})."
        )
    if done.blocked is not None:
        error(f"plan_mode is auto, but {done.blocked}")

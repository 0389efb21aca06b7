"""`socket plan approve`: check a month's plan, show it, ask, finalise it (and post it when due)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import MonthOption, WaitOption, billing_month

if TYPE_CHECKING:
    from socketcli.cli.context import State
    from socketcli.services.plan import ApprovalReview

YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Approve without asking (needed without a terminal).")
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who does it, as the history records it (default: the global --by, else the "
        "operating-system user).",
        metavar="NAME",
    ),
]


def approve(
    ctx: typer.Context,
    month: MonthOption = None,
    yes: YesOption = False,
    no_post: Annotated[
        bool,
        typer.Option("--no-post", help="Do not post at once, even when the month is due."),
    ] = False,
    by: ByOption = None,
    wait: WaitOption = False,
) -> None:
    """Approve (finalise) a month's plan after checks and a yes: its invoices are recorded as
    they stand now, and posted at once when the month is due."""
    from socketcli.cli.output import money, plural, say
    from socketcli.cli.screen import working
    from socketcli.domain.errors import InvalidInput
    from socketcli.services.plan import approve_plan, review_approval

    st = state(ctx)
    st.act_as(by)
    by = st.actor
    wanted = billing_month(month, st)
    locks = st.locks(wait=wait)
    if yes:
        with working("Checking and finalising the plan", quiet=st.quiet):
            report = approve_plan(st.store, st.clock, wanted, by, accept_warnings=True, locks=locks)
        assert report.review is not None
        _summary(report.review)
    else:
        if not _interactive():
            raise InvalidInput(
                "`socket plan approve` asks before it finalises a month, and there is no "
                "terminal to ask at: pass --yes to approve without asking"
            )
        with working("Checking the plan", quiet=st.quiet):
            review = review_approval(st.store, st.clock, wanted)
        _summary(review)
        if review.problems:
            from socketcli.domain.approval import ApprovalBlocked

            raise ApprovalBlocked(review.month, review.problems)
        question = (
            f"Approve {review.month.label}: {plural(review.invoices, 'invoice')}, "
            f"{money(review.total)}?"
        )
        if not typer.confirm(question, default=False, err=True):
            say("Not approved: nothing was finalised.")
            raise typer.Exit(1)
        with working("Finalising the plan", quiet=st.quiet):
            report = approve_plan(
                st.store,
                st.clock,
                review.month,
                by,
                accept_warnings=True,
                expected=review,
                locks=locks,
            )
    say(
        f"Finalised the plan for {report.month.label}: {plural(report.invoices, 'invoice')}, "
        f"{money(report.total)}."
    )
    assert report.review is not None
    _post_if_due(st, report.review, no_post=no_post, wait=wait)


def _interactive() -> bool:
    """Whether a person can be asked (tests stand at a terminal by replacing this)."""
    return sys.stdin.isatty()


def _summary(review: ApprovalReview) -> None:
    from socketcli.cli.output import money, plural, say

    say(
        f"{review.month.label}: {plural(review.clients, 'client')}, "
        f"{plural(review.invoices, 'invoice')}, {money(review.total)}."
    )
    changes = ", ".join(f"{count:,} {kind.value}" for kind, count in review.changes)
    say(f"Since {review.previous_month.label}: {changes}.")
    if review.new_contacts:
        say(f"{plural(review.new_contacts, 'client')} will get a new Xero contact at posting.")
    if review.unlinked:
        say(
            f"{plural(review.unlinked, 'client')} not linked to a Xero contact: at posting, each "
            "is linked to the active Xero contact of its name, or one is created for it "
            "(choose first with `socket contacts match`)."
        )
    for warning in review.warnings:
        say(f"warning: {warning}")


def _post_if_due(st: State, review: ApprovalReview, *, no_post: bool, wait: bool) -> None:
    from socketcli.cli.output import say

    when = f"{review.posts_at:%d %b %Y} ({review.posts_at.tzinfo})"
    if not review.due:
        say(f"{review.month.label} posts on {when}: `socket plan post` sends it from then.")
        return
    if no_post:
        say(f"{review.month.label} is due: not posted (--no-post); `socket plan post` sends it.")
        return
    from socketcli.cli.plan.post import failure, summary
    from socketcli.ports.locks import PostingAlreadyRunning
    from socketcli.services.posting import post as post_due

    try:
        posting = post_due(
            st.store,
            st.gateway,
            st.clock,
            month=review.month,
            locks=st.locks(wait=wait),
        )
    except PostingAlreadyRunning as busy:
        if busy.holder is None:
            raise
        # The month is finalised all the same: say so, not "this one did nothing".
        raise PostingAlreadyRunning(
            f"{review.month.label} is finalised, but not posted now: {busy.holder.describe()}; "
            "`socket plan post` sends it once that one is done (`--wait` waits for it)",
            busy.lock,
            busy.holder,
        ) from None
    summary(posting)
    if posting.exit_code:
        raise failure(posting)

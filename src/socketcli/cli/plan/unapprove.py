"""`socket plan unapprove`: return a finalised month to draft while nothing of it is sent."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import WaitOption, billing_month
from socketcli.cli.plan.approve import ByOption, YesOption


def unapprove(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="The finalised month, YYYY-MM or Dec 2026 (default: the latest).",
        ),
    ] = None,
    yes: YesOption = False,
    by: ByOption = None,
    wait: WaitOption = False,
) -> None:
    """Return a finalised month to draft (its approved snapshot is deleted), while none of its
    invoices is queued for Xero or sent."""
    from socketcli.cli.output import money, plural, say
    from socketcli.domain.errors import InvalidInput
    from socketcli.services.plan import review_unapproval, unapprove_plan

    st = state(ctx)
    st.act_as(by)
    wanted = billing_month(month, st)
    if not yes:
        from socketcli.cli.plan.approve import _interactive

        if not _interactive():
            raise InvalidInput(
                "`socket plan unapprove` asks before it returns a month to draft, and there is "
                "no terminal to ask at: pass --yes to do it without asking"
            )
        found = review_unapproval(st.store, wanted)
        question = (
            f"Return {found.month.label} to draft ({plural(found.invoices, 'invoice')}, "
            f"{money(found.total)})?"
        )
        if not typer.confirm(question, default=False, err=True):
            say(f"Not unapproved: {found.month.label} stays finalised.")
            raise typer.Exit(1)
        wanted = found.month
    report = unapprove_plan(st.store, wanted, locks=st.locks(wait=wait))
    say(
        f"{report.month.label} is a draft again ({plural(report.invoices, 'invoice')}, "
        f"{money(report.total)} were finalised): review it and approve it again."
    )

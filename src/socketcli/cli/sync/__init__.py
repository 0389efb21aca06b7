"""`socket sync`: the nightly sync with the connected Xero organisation, made for cron.

No prompt, no colour and no animation without a terminal; `--quiet` prints only problems; one
run at a time on the store (its sync lock, taken without waiting unless `--wait`); a log file
in the state directory, one line per phase with the calls made, never a token. The run, its
lock and its log are in `run`, the summary in `report`, the crontab entry in `cron`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import WaitOption


def sync(
    ctx: typer.Context,
    *,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only problems (for cron: no output when all is well)."
        ),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Pull every contact and account again, not only those changed since the last sync.",
        ),
    ] = False,
    cron_line: Annotated[
        bool,
        typer.Option(
            "--cron-line",
            help="Print a crontab entry that runs this sync every night, and do nothing else.",
        ),
    ] = False,
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="HH:MM", help="With --cron-line: the time of the nightly run."
        ),
    ] = "02:17",
    wait: WaitOption = False,
) -> None:
    """Sync with the connected Xero organisation: pull contacts, revenue accounts, branding
    themes and tracking categories into the store, and push linked clients' details to Xero.
    Made for cron: exit 0 only when everything synced (see `socket sync --cron-line`)."""
    st = state(ctx)
    if cron_line:
        from socketcli.cli.output import say
        from socketcli.cli.sync.cron import cron_entry

        line, password_left_out = cron_entry(st, at)
        typer.echo(line)
        if password_left_out:
            say(
                "The store's password is left out of the line: put it in ~/.pgpass (mode 0600) "
                "of the user whose crontab runs it, where PostgreSQL's driver finds it "
                "(docs/guide.md)."
            )
        say(
            "Add it to the crontab of the user who connected Xero (`crontab -e`); it prints "
            "nothing unless something needs a person."
        )
        return
    from socketcli.cli.sync.report import render
    from socketcli.cli.sync.run import run_logged

    report, context = run_logged(st, full=full, quiet=quiet, wait=wait)
    render(report, context, quiet=quiet, json_=json_)

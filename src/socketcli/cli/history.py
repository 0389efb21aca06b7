"""`socket history`: what was done to the practice, by whom and when, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import MAX_ID, JsonOption, billing_month, whole_number

if TYPE_CHECKING:
    from socketcli.domain.history import HistoryEntry
    from socketcli.services.history import HistoryReport


def history(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="Only entries about this billing month, YYYY-MM or Dec 2026.",
        ),
    ] = None,
    client: Annotated[
        str | None,
        typer.Option(
            "--client",
            metavar="CLIENT",
            help="Only entries about this client (reference or exact name).",
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            metavar="KINDS",
            help="Only entries of this kind (repeat it, or separate kinds with commas): approval, "
            "unapproval, posting, completion, link, unlink, setting, import, sync.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only entries from this date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM), in the "
            "practice's time zone.",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            metavar="N",
            parser=whole_number("--limit", "give a count, or 0 for every entry", high=MAX_ID),
            help="Show at most this many entries, newest first (0: all).",
        ),
    ] = 100,
    json_: JsonOption = False,
) -> None:
    """Show the history, newest first: approvals, unapprovals, each invoice posted (Xero's
    number or refusal), contact links and unlinks, settings changed, imports and syncs, with
    who did each and when. Nothing in it can be changed."""
    from socketcli.services.history import read_history

    st = state(ctx)
    report = read_history(
        st.store,
        month=billing_month(month, st),
        client=client,
        kinds=kind or (),
        since=since,
        limit=limit,
    )
    if json_:
        _json(report)
    else:
        _table(report)
    if report.truncated:
        from socketcli.cli.output import say

        say(
            f"The newest {len(report.entries):,} of {report.matching:,} entries: "
            "--limit 0 shows them all."
        )


def _json(report: HistoryReport) -> None:
    from socketcli.cli.output import Encoded, emit_json, json_text

    def encoded(entry: HistoryEntry) -> Encoded:
        month = None if entry.month is None else str(entry.month)
        return Encoded(
            f'{{"id": {entry.id}, "at": "{entry.at.isoformat()}", "by": {json_text(entry.by)}, '
            f'"kind": "{entry.kind.value}", "month": {json_text(month)}, '
            f'"client_reference": {json_text(entry.client_reference)}, '
            f'"client": {json_text(entry.client_name)}, "summary": {json_text(entry.summary)}, '
            f'"details": {entry.details_json or "{}"}}}'
        )

    emit_json(
        {
            "matching": report.matching,
            "shown": len(report.entries),
            "entries": [encoded(entry) for entry in report.entries],
        }
    )


def _table(report: HistoryReport) -> None:
    from zoneinfo import ZoneInfo

    from socketcli.cli.output import escape, say, show, table

    if not report.entries:
        say("No history matches." if report.matching == 0 else "Nothing shown.")
        return
    zone = ZoneInfo(report.time_zone)
    grid = table("When", "Who", "Kind", "Month", "Client", "What")
    for entry in report.entries:
        grid.add_row(
            f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M}",
            escape(entry.by),
            entry.kind.value,
            str(entry.month) if entry.month else "",
            escape(entry.client_reference or ""),
            escape(entry.summary),
        )
    show(grid)

"""What a sync did, as people read it (the summary, warnings and problems on stderr), as
scripts read it (--json), and as the log keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

    from socketcli.services.posting import PostingReport
    from socketcli.services.sync import PhaseRecord, SyncConflict, SyncReport, Tally

PHASE_TITLES = {
    "contacts": "Xero contacts",
    "accounts": "Revenue accounts",
    "branding_themes": "Branding themes",
    "tracking_categories": "Tracking categories",
    "clients_from_xero": "Clients from Xero",
    "push": "Client details to Xero",
}


def render(report: SyncReport, context: Mapping[str, Any], *, quiet: bool, json_: bool) -> None:
    """The summary (or --json) on stdout, warnings and problems on stderr, and the exit the
    run earned: the sync's error, or the report's code when some clients were not pushed."""
    from socketcli.cli.output import Failed, emit_json, say

    if json_:
        emit_json(_document(report, context))
    elif not quiet:
        _summary(report, context)
    for conflict in report.conflicts:
        say(f"warning: {_conflict_text(conflict)}")
    for warning in report.warnings:
        say(f"warning: {warning}")
    for problem in report.problems:
        say(f"problem: {problem.message}")
    if report.error is not None:
        stopped = next((p.name for p in report.phases if p.outcome == "failed"), "")
        say(
            f"The sync stopped at {PHASE_TITLES.get(stopped, stopped).lower()}: what synced "
            "before is kept, and the next `socket sync` takes up from there."
        )
        raise report.error
    if report.problems:
        raise Failed(
            f"{len(report.problems)} client(s) could not be pushed to Xero (above); "
            "everything else synced",
            report.exit_code,
        )
    posting: PostingReport | None = context.get("posting")
    if posting is not None and posting.exit_code:
        for failed in posting.failed:
            say(f"problem: invoice {failed.reference} refused by Xero: {failed.error}")
        if posting.error is not None:
            if posting.in_flight:
                say(
                    "Posting stopped: the invoices in flight are settled by the next "
                    "`socket sync` or `socket plan post` before anything is sent again."
                )
            raise posting.error
        raise Failed(
            f"{len(posting.failed)} invoice(s) refused by Xero (above): fix them, then "
            "`socket plan post --retry-failed`",
            posting.exit_code,
        )


def posting_text(posting: PostingReport | None) -> str:
    """The summary's line for what the sync posted."""
    from socketcli.cli.output import plural

    if posting is None:
        return "not this run (another poster is running)"
    parts = []
    if posting.posted or posting.settled:
        months = ", ".join(m.label for m in posting.months) or "earlier runs"
        parts.append(f"{plural(len(posting.posted) + len(posting.settled), 'invoice')} ({months})")
    if posting.failed:
        parts.append(f"{len(posting.failed)} refused")
    parts += [f"{m.label} posts on {m.first_day:%d %b %Y}" for m in posting.waiting]
    return "; ".join(parts) or "nothing due"


def posting_document(posting: PostingReport | None) -> dict[str, Any] | None:
    if posting is None:
        return None
    return {
        "posted": [
            {"month": str(p.month), "reference": p.reference, "number": p.number}
            for p in [*posting.settled, *posting.posted]
        ],
        "failed": [
            {"month": str(f.month), "reference": f.reference, "error": f.error}
            for f in posting.failed
        ],
        "waiting": [str(m) for m in posting.waiting],
        "error": None if posting.error is None else str(posting.error),
    }


def _clients_text(references: list[str], shown: int = 10) -> str:
    from socketcli.cli.output import escape, plural

    text = plural(len(references), "client")
    if references:
        text += ": " + escape(", ".join(references[:shown]))
        if len(references) > shown:
            text += f" and {len(references) - shown} more"
    return text


def _summary(report: SyncReport, context: Mapping[str, Any]) -> None:
    from socketcli.cli.output import escape, plural, show, table

    where = " (the playground's sandbox Xero)" if context["playground"] else ""
    kind = "first or full" if report.full else "incremental"
    organisation = escape(context["organisation"])
    if report.error is not None:
        title = f"Sync with {organisation}{where} stopped ({kind}): what it did before"
    elif report.problems:
        title = f"Sync with {organisation}{where} ({kind}): not every client was pushed"
    elif getattr(context.get("posting"), "exit_code", 0):
        title = f"Sync with {organisation}{where} ({kind}): posting did not go through"
    else:
        title = f"Synced with {organisation}{where}: {kind}"
    grid = table("What", "Changes", title=title)
    grid.add_row("Xero contacts", _tally_text(report.contacts))
    grid.add_row("Revenue accounts", _tally_text(report.accounts))
    grid.add_row("Branding themes", _tally_text(report.branding_themes))
    grid.add_row("Tracking categories", _tally_text(report.tracking_categories))
    grid.add_row("Clients pushed to Xero", _clients_text([p.reference for p in report.pushed]))
    if any(p.name == "clients_from_xero" and p.outcome != "skipped" for p in report.phases):
        grid.add_row("Clients made from Xero", _clients_text([c.reference for c in report.created]))
    grid.add_row("Conflicts", plural(len(report.conflicts), "conflict"))
    if "posting" in context and report.error is None:
        grid.add_row("Invoices posted to Xero", escape(posting_text(context["posting"])))
    show(grid)
    calls = table("Endpoint", "Calls", title="Calls to Xero", right=("Calls",))
    for endpoint, count in sorted(report.calls.items()):
        calls.add_row(endpoint, str(count))
    calls.add_row("all", f"{report.total_calls} in {report.seconds:.1f} s")
    show(calls)


def _document(report: SyncReport, context: Mapping[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict

    def tally(value: Tally) -> dict[str, int]:
        return asdict(value)

    return {
        "organisation": context["organisation"],
        "tenant_id": report.tenant_id,
        "playground": context["playground"],
        "exit_code": report.exit_code,
        "error": str(report.error) if report.error is not None else None,
        "full": report.full,
        "contacts": tally(report.contacts),
        "accounts": tally(report.accounts),
        "branding_themes": tally(report.branding_themes),
        "tracking_categories": tally(report.tracking_categories),
        "clients_pushed": [
            {
                "reference": p.reference,
                "contact_id": p.contact_id,
                "changes": {c.field: {"xero": c.xero, "socket": c.socket} for c in p.changes},
            }
            for p in report.pushed
        ],
        "posting": posting_document(context.get("posting")),
        "clients_created": [asdict(c) for c in report.created],
        "conflicts": [asdict(c) for c in report.conflicts],
        "problems": [asdict(p) for p in report.problems],
        "warnings": report.warnings,
        "phases": [
            {
                "name": p.name,
                "outcome": p.outcome,
                "calls": dict(p.calls),
                "seconds": round(p.seconds, 3),
            }
            for p in report.phases
        ],
        "calls": report.calls,
        "total_calls": report.total_calls,
        "seconds": round(report.seconds, 3),
    }


def calls_text(calls: Mapping[str, int]) -> str:
    return ", ".join(f"{endpoint} x{count}" for endpoint, count in sorted(calls.items()))


def phase_line(record: PhaseRecord) -> str:
    detail = f" ({record.detail})" if record.detail else ""
    calls = calls_text(record.calls) or "no calls"
    return f"phase {record.name}: {record.outcome}{detail}; {calls}; {record.seconds:.2f} s"


def _tally_text(tally: Tally) -> str:
    parts = [f"{tally.new} new", f"{tally.updated} updated"]
    if tally.archived:
        parts.append(f"{tally.archived} archived")
    if tally.removed:
        parts.append(f"{tally.removed} removed")
    return ", ".join(parts) + f" ({tally.unchanged} unchanged)"


def log_report(log: logging.Logger, report: SyncReport) -> None:
    log.info(
        "sync %s: contacts %s; accounts %s; branding themes %s; tracking categories %s; "
        "clients pushed %d, created %d; conflicts %d; problems %d; exit %d; calls: %s (%d in "
        "all); %.2f s",
        "finished" if report.error is None else "stopped",
        _tally_text(report.contacts),
        _tally_text(report.accounts),
        _tally_text(report.branding_themes),
        _tally_text(report.tracking_categories),
        len(report.pushed),
        len(report.created),
        len(report.conflicts),
        len(report.problems),
        report.exit_code,
        calls_text(report.calls) or "none",
        report.total_calls,
        report.seconds,
    )
    for conflict in report.conflicts:
        log.warning("%s", _conflict_text(conflict))
    for warning in report.warnings:
        log.warning("%s", warning)
    for problem in report.problems:
        log.error("%s", problem.message)
    if report.error is not None:
        log.error("%s", report.error)


def _conflict_text(conflict: SyncConflict) -> str:
    return (
        f"conflict: {conflict.reference}'s {conflict.field.replace('_', ' ')} changed in socket "
        f"and in Xero since the last sync: socket's {conflict.socket!r} replaced Xero's "
        f"{conflict.xero!r} (it was {conflict.base!r})"
    )

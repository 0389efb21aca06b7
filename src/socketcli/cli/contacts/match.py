"""`socket contacts match`: link unlinked clients to Xero contacts, confident ones with --auto,
the rest with a person at the terminal (the walk, in `walk`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import Threshold

if TYPE_CHECKING:
    from socketcli.domain.matching import Candidate
    from socketcli.services.contacts import AutoReport


def match(
    ctx: typer.Context,
    auto: Annotated[
        bool,
        typer.Option("--auto", help="Link confident matches without asking (for scripts)."),
    ] = False,
    threshold: Threshold = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="With --auto: show what would be linked, link nothing."),
    ] = False,
    order: Annotated[
        str,
        typer.Option(
            "--order",
            metavar="best|name",
            help="Interactive: 'best' (best matches first) or 'name'.",
        ),
    ] = "best",
    json_: Annotated[bool, typer.Option("--json", help="With --auto: print JSON.")] = False,
) -> None:
    """Link unlinked clients to Xero contacts: interactively, or confident ones with --auto."""
    st = state(ctx)
    if auto:
        from socketcli.cli.output import emit_json
        from socketcli.domain.matching import DEFAULT_THRESHOLD
        from socketcli.services.contacts import auto_match

        report = auto_match(
            st.store,
            st.clock,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            dry_run=dry_run,
            names=st.wiring.name_forms_cache(),
        )
        if json_:
            emit_json(_auto_document(report))
        else:
            _auto_tables(report)
        return
    _at_a_terminal(threshold=threshold, dry_run=dry_run, json_=json_)
    from socketcli.cli.contacts.walk import walk
    from socketcli.cli.output import note
    from socketcli.services.contacts import MatchSession

    # A plain line, not an animated status: ranking a long list forks worker processes,
    # which must not happen while a spinner's thread runs.
    st.announce()  # the playground's banner first
    note("Finding each client's best Xero contacts…")
    # Started on the lighter reader. Each decision is written on the sqlite3 driver on a
    # SQLite file; elsewhere by a unit of work, whose ORM is imported in the background
    # while the first client is read.
    write, prepare = st.link_writes()
    with MatchSession(
        st.store,
        st.clock,
        order,
        read=st.read,
        names=st.wiring.name_forms_cache(),
        prepare=prepare,
        write=write,
    ) as session:
        walk(session)


def _at_a_terminal(*, threshold: int | None, dry_run: bool, json_: bool) -> None:
    """The walk asks a person: no --auto option, and a terminal on both ends."""
    from socketcli.domain.errors import InvalidInput

    for flag, given in (
        ("--threshold", threshold is not None),
        ("--dry-run", dry_run),
        ("--json", json_),
    ):
        if given:
            raise InvalidInput(
                f"{flag} goes with --auto: `socket contacts match --auto {flag} ...`"
            )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InvalidInput(
            "`socket contacts match` asks a person at a terminal, and there is none: "
            "in a script use `socket contacts match --auto` (with --dry-run to look first)"
        )


def _auto_document(report: AutoReport) -> dict[str, Any]:
    return {
        "threshold": report.threshold,
        "margin": report.margin,
        "dry_run": report.dry_run,
        "linked": [
            {
                "reference": item.client.reference,
                "client": item.client.name,
                "xero_contact_id": item.candidate.contact.contact_id,
                "xero_contact_number": item.candidate.contact.contact_number,
                "xero_contact": item.candidate.contact.name,
                "score": item.candidate.score,
                "reason": item.candidate.reason,
            }
            for item in report.linked
        ],
        "left": [
            {
                "reference": item.client.reference,
                "client": item.client.name,
                "code": item.code,
                "why": item.why,
                "best": _candidate_json(item.best) if item.best else None,
                "runner_up": _candidate_json(item.runner_up) if item.runner_up else None,
                "taken_by": item.taken_by,
            }
            for item in report.left
        ],
    }


def _candidate_json(candidate: Candidate) -> dict[str, Any]:
    contact = candidate.contact
    return {
        "contact_id": contact.contact_id,
        "name": contact.name,
        "score": candidate.score,
        "reason": candidate.reason,
        "email": contact.email,
        "contact_number": contact.contact_number,
        "archived": candidate.archived,
    }


def _auto_tables(report: AutoReport) -> None:
    from socketcli.cli.output import escape, note, plural

    verb = "Would link" if report.dry_run else "Linked"
    if report.linked:
        _scored(
            f"{verb} {plural(len(report.linked), 'client')}",
            ("Xero contact", "Why"),
            [
                (
                    item.client.reference,
                    item.client.name,
                    item.candidate.contact.name,
                    str(item.candidate.score),
                    item.candidate.reason,
                )
                for item in report.linked
            ],
        )
    if report.left:
        _scored(
            f"Left for a person: {plural(len(report.left), 'client')}",
            ("Best match", "Why left"),
            [
                (
                    left.client.reference,
                    left.client.name,
                    left.best.contact.name if left.best else "",
                    str(left.best.score) if left.best else "",
                    left.why,
                )
                for left in report.left
            ],
        )
    summary = f"{verb} {plural(len(report.linked), 'client')} at {report.threshold} or above"
    if report.dry_run:
        summary += " (dry run: nothing was linked)"
    if report.left:
        summary += f"; {len(report.left)} left: run `socket contacts match` to decide them."
    else:
        summary += "."
    note(escape(summary))


def _scored(title: str, columns: tuple[str, str], rows: list[tuple[str, ...]]) -> None:
    """Clients with a Xero contact and its score: (reference, client, contact, score, why),
    as plain text (`long_table` shows it as text: 20,000 rows without Rich measuring each)."""
    from socketcli.cli.output import long_table

    contact, why = columns
    columns_shown = ("Reference", "Client", contact, "Score", why)
    long_table(columns_shown, rows, title=title, right=["Score"])

"""`socket contacts list|link|unlink|new|match|duplicates`: clients and their Xero contacts."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import ClientArg, JsonOption, Threshold

if TYPE_CHECKING:
    from collections.abc import Callable

    from socketcli.domain.matching import Candidate
    from socketcli.domain.records import Client
    from socketcli.ports.store import OpenStore
    from socketcli.services.contacts import AutoReport, ClientLink, MatchItem, MatchSession

app = command_group(help="Link clients to their Xero contacts: list, match, link and unlink.")


def link_json(item: ClientLink) -> dict[str, Any]:
    link = item.link
    return {
        "reference": item.client.reference,
        "client": item.client.name,
        "status": link.status.value,
        "xero_contact_id": item.contact_id,
        "xero_contact": link.contact_name,
        "merged_into": link.merged_into,
        "names_differ": link.differs_from(item.client.name),
        "warning": link.warning,
    }


def candidate_json(candidate: Candidate) -> dict[str, Any]:
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


@app.command("list")
def list_(
    ctx: typer.Context,
    unmatched: Annotated[
        bool,
        typer.Option(
            "--unmatched",
            help="Only clients still billed that need a person: unlinked, archived or merged.",
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """List clients with their Xero contact and what needs attention."""
    from socketcli.cli.output import contact_cell, emit_json, escape, note, plural, show, table
    from socketcli.services.contacts import list_links

    st = state(ctx)
    found = list_links(st.store, st.clock)
    links, waiting = found.links, found.waiting
    if unmatched:
        links = [item for item in links if item.client.reference in waiting]
    if json_:
        emit_json([link_json(item) for item in links])
        return
    grid = table("Reference", "Client", "Xero contact", title=plural(len(links), "client"))
    for item in links:
        grid.add_row(
            escape(item.client.reference),
            escape(item.client.name),
            contact_cell(item.link, item.client.name),
        )
    show(grid)
    if waiting:
        note(
            f"{plural(len(waiting), 'client needs', 'clients need')} attention: "
            "run `socket contacts match`."
        )


@app.command("link")
def link(
    ctx: typer.Context,
    client: ClientArg,
    contact: Annotated[
        str, typer.Argument(help="The Xero contact: its name, ContactID or ContactNumber.")
    ],
    shared: Annotated[
        bool,
        typer.Option("--shared", help="Link even if another client is linked to this contact."),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Link a client to a Xero contact."""
    from socketcli.cli.output import emit_json, say
    from socketcli.services import contacts

    outcome = contacts.link(state(ctx).store, client, contact, shared=shared)
    found = outcome.contact
    assert found is not None
    if json_:
        emit_json(
            {
                "reference": outcome.client.reference,
                "client": outcome.client.name,
                "xero_contact_id": found.contact_id,
                "xero_contact": found.name,
                "shared_with": [c.reference for c in outcome.shared_with],
            }
        )
        return
    say(f"Linked {outcome.client.name} ({outcome.client.reference}) to {found.name}.")
    if outcome.shared_with:
        others = ", ".join(c.reference for c in outcome.shared_with)
        say(f"{found.name} is also linked to {others}.")


@app.command("unlink")
def unlink(ctx: typer.Context, client: ClientArg, json_: JsonOption = False) -> None:
    """Unlink a client from its Xero contact (it needs matching again)."""
    from socketcli.services import contacts

    _decide_one(
        ctx, contacts.unlink, client, "unlinked", json_, "Unlinked {}: it needs matching again."
    )


@app.command("new")
def new(ctx: typer.Context, client: ClientArg, json_: JsonOption = False) -> None:
    """Post a client's invoices to a new Xero contact made with its name."""
    from socketcli.services import contacts

    _decide_one(
        ctx,
        contacts.choose_new_contact,
        client,
        "new",
        json_,
        "{} will get a new Xero contact with this name at posting.",
    )


def _decide_one(
    ctx: typer.Context,
    decide: Callable[[OpenStore, str], Client],
    client: str,
    status: str,
    json_: bool,
    said: str,
) -> None:
    """Run one decision on a client in a write transaction, and say what it did."""
    from socketcli.cli.output import emit_json, say

    saved = decide(state(ctx).store, client)
    if json_:
        emit_json({"reference": saved.reference, "client": saved.name, "status": status})
        return
    say(said.format(f"{saved.name} ({saved.reference})"))


@app.command("duplicates")
def duplicates(ctx: typer.Context, threshold: Threshold = None, json_: JsonOption = False) -> None:
    """List Xero contacts that look like the same business (to merge in Xero)."""
    from socketcli.cli.output import emit_json, escape, note, plural, show, table
    from socketcli.domain.matching import DEFAULT_THRESHOLD
    from socketcli.services.contacts import duplicate_contacts

    groups = duplicate_contacts(
        state(ctx).store, DEFAULT_THRESHOLD if threshold is None else threshold
    )
    if json_:
        emit_json(
            [
                [
                    {
                        "contact_id": c.contact_id,
                        "name": c.name,
                        "email": c.email,
                        "contact_number": c.contact_number,
                    }
                    for c in group
                ]
                for group in groups
            ]
        )
        return
    if not groups:
        note("No Xero contacts look like duplicates.")
        return
    grid = table(
        "Group", "Xero contact", "Email", "ContactNumber", title=plural(len(groups), "group")
    )
    for number, group in enumerate(groups, start=1):
        for contact in group:
            grid.add_row(
                str(number),
                escape(contact.name),
                escape(contact.email),
                escape(contact.contact_number or ""),
            )
        grid.add_section()
    show(grid)
    note("Merge each group in Xero (Contacts, select them, Merge); `socket sync` then sees it.")


@app.command("match")
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
        typer.Option("--order", help="Interactive: 'best' (best matches first) or 'name'."),
    ] = "best",
    json_: Annotated[bool, typer.Option("--json", help="With --auto: print JSON.")] = False,
) -> None:
    """Link unlinked clients to Xero contacts: interactively, or confident ones with --auto."""
    from socketcli.domain.errors import InvalidInput

    st = state(ctx)
    if auto:
        from socketcli.domain.matching import DEFAULT_THRESHOLD
        from socketcli.services.contacts import auto_match

        report = auto_match(
            st.store,
            st.clock,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            dry_run=dry_run,
        )
        _auto_report(report, json_)
        return
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
    from socketcli.cli.output import note
    from socketcli.services.contacts import MatchSession

    # A plain line, not an animated status: ranking a long list forks worker processes,
    # which must not happen while a spinner's thread runs.
    st.announce()  # the playground's banner first
    note("Finding each client's best Xero contacts…")
    session = MatchSession(st.store, st.clock, order)
    _walk(session)


def _auto_report(report: AutoReport, json_: bool) -> None:
    from socketcli.cli.output import emit_json, escape, note, plural, show, table

    if json_:
        emit_json(
            {
                "threshold": report.threshold,
                "margin": report.margin,
                "dry_run": report.dry_run,
                "linked": [
                    {
                        "reference": item.client.reference,
                        "client": item.client.name,
                        "xero_contact_id": item.candidate.contact.contact_id,
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
                        "best": candidate_json(item.best) if item.best else None,
                        "why": item.why,
                    }
                    for item in report.left
                ],
            }
        )
        return
    verb = "Would link" if report.dry_run else "Linked"
    if report.linked:
        grid = table(
            "Reference",
            "Client",
            "Xero contact",
            "Score",
            "Why",
            right=["Score"],
            title=f"{verb} {plural(len(report.linked), 'client')}",
        )
        for item in report.linked:
            grid.add_row(
                escape(item.client.reference),
                escape(item.client.name),
                escape(item.candidate.contact.name),
                str(item.candidate.score),
                escape(item.candidate.reason),
            )
        show(grid)
    if report.left:
        grid = table(
            "Reference",
            "Client",
            "Best match",
            "Score",
            "Why left",
            right=["Score"],
            title=f"Left for a person: {plural(len(report.left), 'client')}",
        )
        for left in report.left:
            grid.add_row(
                escape(left.client.reference),
                escape(left.client.name),
                escape(left.best.contact.name) if left.best else "",
                str(left.best.score) if left.best else "",
                escape(left.why),
            )
        show(grid)
    summary = f"{verb} {plural(len(report.linked), 'client')} at {report.threshold} or above"
    if report.dry_run:
        summary += " (dry run: nothing was linked)"
    if report.left:
        summary += f"; {len(report.left)} left: run `socket contacts match` to decide them."
    else:
        summary += "."
    note(escape(summary))


# -- the interactive walk ---------------------------------------------------------------------

KEYS_HELP = (
    "1-9  link to that candidate\n"
    "n    post to a new Xero contact with the client's name\n"
    "/    search the Xero contacts by a word\n"
    "s    skip (ask again next time)     q  quit (what is done is kept)"
)


def _candidates_table(
    session: MatchSession, client: Client, candidates: list[Candidate], title: str
) -> Any:
    from socketcli.cli.output import escape, table

    grid = table("#", "Xero contact", "Score", "Why", "Email", "Note", right=["Score"], title=title)
    for number, candidate in enumerate(candidates, start=1):
        notes = []
        if candidate.archived:
            notes.append("[red]archived: cannot link[/]")
        others = session.others_linked(client, candidate.contact)
        if others:
            notes.append(
                "[yellow]linked to " + escape(", ".join(c.reference for c in others)) + "[/]"
            )
        grid.add_row(
            "–" if candidate.archived else str(number),
            escape(candidate.contact.name),
            str(candidate.score),
            escape(candidate.reason),
            escape(candidate.contact.email),
            "; ".join(notes),
        )
    return grid


_typed: list[str] = []


def _line(prompt: str) -> str:
    """A line typed after `prompt` (Enter ends it), taking in what was typed ahead."""
    from socketcli.cli.output import console, escape

    ahead = "".join(_typed)
    _typed.clear()
    for end in ("\r", "\n"):
        if end in ahead:
            line, _, rest = ahead.partition(end)
            _typed.extend(rest.lstrip("\r\n"))
            console().print(escape(prompt + line))
            return line
    console().print(escape(prompt + ahead), end="")
    try:
        return ahead + input()
    except EOFError:
        return ""


def _key() -> str:
    """One key, without Enter. Keys typed ahead (while a screen was drawn) are kept, in order:
    click's getchar flushes them (TCSAFLUSH), this reads with the terminal switched at once."""
    if _typed:
        return _typed.pop(0)
    try:
        import termios
        import tty
    except ImportError:  # not a POSIX terminal (Windows): click's own
        return typer.getchar()
    descriptor = sys.stdin.fileno()
    saved = termios.tcgetattr(descriptor)
    try:
        tty.setraw(descriptor, termios.TCSANOW)
        chunk = os.read(descriptor, 64).decode("utf-8", errors="replace")
    finally:
        termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)
    if not chunk or chunk.startswith("\x1b"):
        return chunk[:1] or "\x04"  # an arrow or function key is one keystroke, not several
    _typed.extend(chunk[1:])
    key = chunk[0]
    if key == "\x03":
        raise KeyboardInterrupt
    if key == "\x04":
        raise EOFError
    return key


def _walk(session: MatchSession) -> None:
    from socketcli.cli.output import note, plural, say

    total = len(session)
    if not total:
        note("Every client is linked to a Xero contact (or set to get a new one). Nothing to do.")
        return
    counts = {"linked": 0, "new": 0, "skipped": 0}
    note(f"{plural(total, 'client needs', 'clients need')} a Xero contact. Press ? for help.")
    done = 0
    try:
        for position in range(total):
            outcome = _decide(session, session.item(position), position + 1, total)
            if outcome == "quit":
                break
            counts[outcome] += 1
            done = position + 1
    except (KeyboardInterrupt, EOFError):
        pass
    left = total - counts["linked"] - counts["new"]
    summary = (
        f"Linked {counts['linked']}, new contact for {counts['new']}, skipped {counts['skipped']}"
        + (f", not reached {total - done}" if done < total else "")
        + "."
    )
    say(summary)
    if left:
        note(
            f"{plural(left, 'client still needs', 'clients still need')} a person: run `socket contacts match` again."
        )
    else:
        note("[green]Every client is decided.[/] `socket plan show` has no contact warnings.")


def _decide(session: MatchSession, item: MatchItem, position: int, total: int) -> str:
    from socketcli.cli.output import console, escape, note, show

    client = item.client
    candidates = list(item.candidates)
    title = f"{escape(client.name)} ({escape(client.reference)})" + (
        f" · {escape(client.email)}" if client.email else ""
    )
    heading = f"[bold]{position} of {total}[/]  {title}"
    warning = item.link.warning
    shown_title = "Best matches"
    while True:
        console().print()
        console().print(heading)
        if warning:
            note(f"[yellow]⚠ {escape(warning)}[/]")
        if candidates:
            show(_candidates_table(session, client, candidates, shown_title))
        else:
            note("No Xero contact looks like this client. Search with /, or n for a new contact.")
        choices = ""
        if len(candidates) == 1:
            choices = "1 link · "
        elif candidates:
            choices = f"1-{len(candidates)} link · "
        console().print(f"{choices}n new contact · / search · s skip · q quit · ? help: ", end="")
        key = _key()
        console().print(key if key.isprintable() else "")
        if key in ("q", "Q"):
            return "quit"
        if key in ("s", "S", " ", "\r", "\n"):
            return "skipped"
        if key == "?":
            note(escape(KEYS_HELP))
            continue
        if key in ("n", "N"):
            saved = session.choose_new(client)
            note(f"[green]✓[/] {escape(saved.name)} will get a new Xero contact at posting.")
            return "new"
        if key == "/":
            term = _line("Search Xero contacts: ")
            found = session.search(term) if term.strip() else []
            if found:
                candidates, shown_title = found, f"Contacts matching {term!r}"
            else:
                note(f"No Xero contact matches {escape(term)!r}.")
            continue
        if key.isdigit() and 1 <= int(key) <= len(candidates):
            chosen = candidates[int(key) - 1]
            if chosen.archived:
                note(
                    f"[red]{escape(chosen.contact.name)} is archived in Xero and cannot be linked.[/]"
                )
                continue
            others = session.others_linked(client, chosen.contact)
            shared = False
            if others:
                names = ", ".join(f"{c.name} ({c.reference})" for c in others)
                console().print(
                    f"{escape(chosen.contact.name)} is already linked to {escape(names)}. "
                    "Link this client to it too? \\[y/N] ",
                    end="",
                )
                answer = _key()
                console().print(answer if answer.isprintable() else "")
                if answer not in ("y", "Y"):
                    continue
                shared = True
            outcome = session.link(client, chosen.contact, shared=shared)
            note(
                f"[green]✓[/] Linked {escape(outcome.client.name)} to "
                f"{escape(chosen.contact.name)}."
            )
            return "linked"
        digits = f"1-{len(candidates)}, " if len(candidates) > 1 else "1, " if candidates else ""
        note(f"Press {digits}n, /, s, q or ?.")

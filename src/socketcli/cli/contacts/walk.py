"""`socket contacts match` at a terminal: client by client, the best Xero contacts, and one key
to link, make a new contact, search, skip or quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socketcli.cli.contacts.keys import key, line

if TYPE_CHECKING:
    from socketcli.domain.matching import Candidate
    from socketcli.domain.records import Client
    from socketcli.services.contacts import MatchItem, MatchSession


def keys_help() -> str:
    """What each key does (`?`): the numbers are those of the candidates the walk shows."""
    from socketcli.services.contacts import SHOWN_CANDIDATES

    return (
        f"1-{SHOWN_CANDIDATES}  link to that candidate\n"
        "n    post to a new Xero contact with the client's name\n"
        "/    search the Xero contacts by a word (case aside: ltd finds Ltd and Limited)\n"
        "s    skip (ask again next time)     q  quit (what is done is kept)"
    )


def walk(session: MatchSession) -> None:
    """Ask about each client in turn; at the end, what was decided and what is left."""
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
            if not session.ready(position):
                note("Ranking the other clients to find the next best match…")
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
    """One client's screen, until a key decides it: linked, new, skipped or quit."""
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
        session.shown()
        pressed = key()
        session.pressed()
        console().print(pressed if pressed.isprintable() else "")
        if pressed in ("q", "Q"):
            return "quit"
        if pressed in ("s", "S", " ", "\r", "\n"):
            return "skipped"
        if pressed == "?":
            for row in keys_help().splitlines():
                note(escape(row))
            continue
        if pressed in ("n", "N"):
            saved = session.choose_new(client)
            note(f"[green]✓[/] {escape(saved.name)} will get a new Xero contact at posting.")
            return "new"
        if pressed == "/":
            session.shown()
            term = line("Search Xero contacts: ")
            session.pressed()
            found = session.search(term) if term.strip() else []
            if found:
                candidates, shown_title = found, f"Contacts matching {escape(repr(term))}"
            else:
                note(f"No Xero contact matches {escape(repr(term))}.")
            continue
        if pressed.isascii() and pressed.isdigit() and 1 <= int(pressed) <= len(candidates):
            if _link(session, client, candidates[int(pressed) - 1]):
                return "linked"
            continue
        digits = f"1-{len(candidates)}, " if len(candidates) > 1 else "1, " if candidates else ""
        note(f"Press {digits}n, /, s, q or ?.")


def _link(session: MatchSession, client: Client, chosen: Candidate) -> bool:
    """Link the client to the chosen contact, once the person agrees to share it with the
    clients already linked to it; whether it was linked."""
    from socketcli.cli.output import console, escape, note

    if chosen.archived:
        note(f"[red]{escape(chosen.contact.name)} is archived in Xero and cannot be linked.[/]")
        return False
    others = session.others_linked(client, chosen.contact)
    if others:
        names = ", ".join(f"{c.name} ({c.reference})" for c in others)
        console().print(
            f"{escape(chosen.contact.name)} is already linked to {escape(names)}. "
            "Link this client to it too? \\[y/N] ",
            end="",
        )
        session.shown()
        answer = key()
        session.pressed()
        console().print(answer if answer.isprintable() else "")
        if answer not in ("y", "Y"):
            return False
    outcome = session.link(client, chosen.contact, shared=bool(others))
    note(f"[green]✓[/] Linked {escape(outcome.client.name)} to {escape(chosen.contact.name)}.")
    return True


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

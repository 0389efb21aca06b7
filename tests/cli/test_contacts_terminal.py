"""`socket contacts match` in a real terminal (a pseudo-terminal driven by pexpect): keys are
pressed one by one, as a person would, and the links are then read back from the store."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest

from socketcli.bootstrap import wire
from socketcli.services.contacts import MatchSession
from tests.engines import dump

#: Bold and colour codes, which a real terminal gets even with NO_COLOR (bold is no colour).
ANSI = r"(?:\x1b\[[0-9;]*m)*"
#: The prompt under each client's candidates; group 1 is there when there are candidates.
PROMPT = re.compile(r"(1(?:-\d)? link · )?n new contact · / search · s skip · q quit · \? help: ")
CONFIRM = re.compile(r"Link this client to it too\? \[y/N\] ")


@contextmanager
def terminal(*args: str) -> Iterator[pexpect.spawn]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "socketcli", *args],
        env={**os.environ, "TERM": "xterm-256color"},
        dimensions=(50, 160),
        encoding="utf-8",
        timeout=30,
    )
    try:
        yield child
    finally:
        child.close(force=True)


def links(socket) -> dict[str, tuple[str, str | None]]:
    return {
        row["reference"]: (row["status"], row["xero_contact"])
        for row in socket.json("contacts", "list")
    }


def test_a_person_fixes_every_warning_and_the_plan_is_clean(socket, playground):
    assert socket.json("plan", "show")["totals"]["needing_attention"] > 30

    pressed = []
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(r"(\d+) clients need a Xero contact")
        waiting = int(child.match.group(1))
        while True:
            found = child.expect([PROMPT, CONFIRM, pexpect.EOF])
            if found == 2:
                break
            if found == 1:
                child.send("y")
                continue
            key = "1" if child.match.group(1) else "n"
            pressed.append(key)
            child.send(key)
        output = child.before
        child.close()
        assert child.exitstatus == 0

    assert len(pressed) == waiting
    assert "Every client is decided." in output
    stored = links(socket)
    assert stored["CLI001"] == ("linked", "City Limousines")
    assert stored["CLI002"] == ("linked", "Smith and Sons Limited")
    assert stored["CLI010"] == ("linked", "Riverside Vets Ltd")
    assert stored["CLI026"] == ("linked", "Singh Property Lettings Ltd")  # its merge
    assert stored["CLI020"] == ("linked", "Thompson Haulage (UK) Ltd")  # not the archived one
    assert stored["CLI022"] == ("new", None)  # absent from Xero: a new contact at posting
    assert stored["CLI037"] == ("new", None)

    document = socket.json("plan", "show")
    assert document["totals"]["needing_attention"] == 0
    shown = socket.ok("plan", "show")
    assert "⚠" not in shown.stdout
    assert shown.stderr.strip().endswith(
        "No client needs attention: every client has a Xero contact."
    )


def test_skip_search_and_quit_keep_what_was_decided(socket, playground):
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(rf"1 of \d+{ANSI}  Ashford & Daughters Removals \(CLI017\)")
        child.expect(PROMPT)
        child.send("s")  # skip: asked again next time
        child.expect(rf"2 of \d+{ANSI}  Atlas Logistics Ltd \(CLI039\)")
        child.expect(PROMPT)
        child.send("1")
        child.expect("Linked Atlas Logistics Ltd to Atlas Logistics Ltd.")
        child.expect(rf"3 of \d+{ANSI}  Bennett & Clarke Hair Studio \(CLI032\)")
        child.expect(PROMPT)
        child.send("/")
        child.expect("Search Xero contacts: ")
        child.sendline("limo")
        child.expect("Contacts matching 'limo'")
        child.expect(PROMPT)
        child.send("?")
        child.expect("link to that candidate")
        child.expect(PROMPT)
        child.send("x")
        child.expect(r"Press 1, n, /, s, q or \?")
        child.expect(PROMPT)
        child.send("1")
        child.expect("Linked Bennett & Clarke Hair Studio to City Limousines.")
        child.expect(PROMPT)
        child.send("q")
        child.expect(r"Linked 2, new contact for 0, skipped 1, not reached (\d+)\.")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0

    stored = links(socket)
    assert stored["CLI017"] == ("unlinked", None)
    assert stored["CLI039"] == ("linked", "Atlas Logistics Ltd")
    assert stored["CLI032"] == ("linked", "City Limousines")

    # The next run starts with what is still undecided, the skipped client included.
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(rf"1 of \d+{ANSI}  Ashford & Daughters Removals \(CLI017\)")
        child.expect(PROMPT)
        child.sendcontrol("c")  # Ctrl-C quits like q
        child.expect(r"Linked 0, new contact for 0, skipped 0, not reached")
        child.expect(pexpect.EOF)


def test_archived_and_already_linked_candidates(socket, playground):
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(PROMPT)
        child.send("/")
        child.expect("Search Xero contacts: ")
        child.sendline("thompson haulage")
        child.expect("Contacts matching 'thompson haulage'")
        child.expect(PROMPT)
        child.send("2")  # the archived Thompson Haulage Ltd
        child.expect("Thompson Haulage Ltd is archived in Xero and cannot be linked.")
        child.expect(PROMPT)
        child.send("/")
        child.expect("Search Xero contacts: ")
        child.sendline("brightwater")
        child.expect("linked to CLI007")
        child.expect(PROMPT)
        child.send("1")
        child.expect(
            r"Brightwater Dental LLP is already linked to Brightwater Dental LLP \(CLI007\)"
        )
        child.expect(CONFIRM)
        child.send("n")  # not confirmed: nothing linked
        child.expect(PROMPT)
        child.send("q")
        child.expect(pexpect.EOF)

    assert links(socket)["CLI017"] == ("unlinked", None)


def test_the_walk_orders_clients_best_first_or_by_name(playground):
    wiring = wire(playground)
    try:
        best = MatchSession(wiring.uow, wiring.clock, "best").items
        by_name = MatchSession(wiring.uow, wiring.clock, "name").items
    finally:
        wiring.close()
    scores = [item.candidates[0].score if item.candidates else 0 for item in best]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 100
    assert scores[-1] == 0
    names = [item.client.name.casefold() for item in by_name]
    assert names == sorted(names)
    assert {item.client.reference for item in best} == {item.client.reference for item in by_name}


def test_keys_typed_ahead_are_kept_in_order(socket, playground):
    """A quick typist does not wait for each screen: nothing typed is lost."""
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(PROMPT)
        child.send("s1/limo\r1q")  # skip, link, search and link, quit: in one burst
        child.expect("Linked Atlas Logistics Ltd to Atlas Logistics Ltd.")
        child.expect("Search Xero contacts: limo")
        child.expect("Linked Bennett & Clarke Hair Studio to City Limousines.")
        child.expect(r"Linked 2, new contact for 0, skipped 1, not reached")
        child.expect(pexpect.EOF)

    stored = links(socket)
    assert stored["CLI017"] == ("unlinked", None)
    assert stored["CLI039"] == ("linked", "Atlas Logistics Ltd")
    assert stored["CLI032"] == ("linked", "City Limousines")


def test_the_walk_and_auto_keep_the_contacts_names_for_the_next_run(socket, playground, state_dir):
    """The contacts' normalised names are kept in a private file in the state directory, so
    that the next walk starts without normalising them again: it shows the same."""

    def first_screen() -> str:
        with terminal("contacts", "match") as child:
            child.expect(PROMPT)
            shown = str(child.before)
            child.send("q")
            child.expect(pexpect.EOF)
            return shown[shown.index("1 of ") :]

    before = first_screen()
    [kept] = state_dir.glob("match-names-*.json")
    assert kept.stat().st_mode & 0o777 == 0o600
    assert "City Limousines" in kept.read_text()
    assert first_screen() == before

    kept.unlink()
    socket.json("contacts", "match", "--auto", "--dry-run")
    assert list(state_dir.glob("match-names-*.json")) == [kept]


def test_a_ctrl_c_typed_ahead_ends_the_walk_as_one_pressed_alone(socket, playground):
    """A Ctrl-C that came with another key (read from the terminal together) quits the walk
    when its turn comes: it is not taken for a key the walk does not know."""
    with terminal("contacts", "match", "--order", "name") as child:
        child.expect(PROMPT)
        child.send("s1\x03")
        child.expect("Linked Atlas Logistics Ltd to Atlas Logistics Ltd.")
        child.expect(r"Linked 1, new contact for 0, skipped 1, not reached")
        child.expect(pexpect.EOF)
        assert "Press" not in str(child.before)

    assert links(socket)["CLI039"] == ("linked", "Atlas Logistics Ltd")


def walk_by_hand(where: str) -> str:
    """The same keys on the same store, each typed as soon as the walk can take it: a new
    contact and a link in the walk's first second, a link to the contact just linked, an
    archived contact refused, a skip, a link and a Ctrl-C."""
    with terminal("--db", where, "contacts", "match", "--order", "name") as child:
        child.expect(PROMPT)
        child.send("n1")
        child.expect("Ashford & Daughters Removals will get a new Xero contact at posting.")
        child.expect("Linked Atlas Logistics Ltd to Atlas Logistics Ltd.")
        child.expect(PROMPT)
        child.send("/atlas\r")
        child.expect("linked to CLI039")
        child.expect(PROMPT)
        child.send("1")
        child.expect(r"Atlas Logistics Ltd is already linked to Atlas Logistics Ltd \(CLI039\)")
        child.expect(CONFIRM)
        child.send("y")
        child.expect("Linked Bennett & Clarke Hair Studio to Atlas Logistics Ltd.")
        child.expect(PROMPT)
        child.send("/thompson haulage\r2")
        child.expect("Thompson Haulage Ltd is archived in Xero and cannot be linked.")
        child.expect(PROMPT)
        child.send("s1")
        child.expect("Linked Castle Street Deli to Castle St Deli.")
        child.expect(PROMPT)
        child.sendcontrol("c")
        child.expect(r"Linked 3, new contact for 1, skipped 1, not reached 31\.")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        return str(child.before)


@pytest.mark.sqlite_only("the walk's writes on the sqlite3 driver against the unit of work's")
def test_a_walk_on_a_sqlite_file_writes_what_the_unit_of_work_writes(
    playground, tmp_path, monkeypatch
):
    """On a SQLite file given as a path the walk writes on the sqlite3 driver alone; given as
    a URL, through the unit of work (the ORM). The same walk on two copies of one store
    leaves every table the same."""
    monkeypatch.delenv("SOCKET_PLAYGROUND")
    monkeypatch.setenv("SOCKET_NOW", "2026-11-21T09:30:15.5+13:00")
    copies = tmp_path / "by-path.db", tmp_path / "by-url.db"
    for copy in copies:
        with sqlite3.connect(playground) as source, sqlite3.connect(copy) as target:
            source.backup(target)
    before = dump(f"sqlite:///{copies[0]}")

    walk_by_hand(str(copies[0]))
    walk_by_hand(f"sqlite:///{copies[1]}")

    after = dump(f"sqlite:///{copies[0]}")
    assert after == dump(f"sqlite:///{copies[1]}")
    assert after != before
    with sqlite3.connect(copies[0]) as store:
        written = store.execute(
            "SELECT client_reference, at, summary FROM history WHERE kind = 'link' ORDER BY id"
        ).fetchall()
    assert written == [
        ("CLI017", "2026-11-20 20:30:15.500000", "CLI017 will get a new Xero contact at posting"),
        (
            "CLI039",
            "2026-11-20 20:30:15.500000",
            "linked CLI039 to Xero contact 'Atlas Logistics Ltd'",
        ),
        (
            "CLI032",
            "2026-11-20 20:30:15.500000",
            "linked CLI032 to Xero contact 'Atlas Logistics Ltd'",
        ),
        ("CLI014", "2026-11-20 20:30:15.500000", "linked CLI014 to Xero contact 'Castle St Deli'"),
    ]
    assert isinstance(playground, Path)

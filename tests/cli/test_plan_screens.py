"""The plan's screens for people: tables that fit the terminal, a stacked layout where they
cannot, the pager for a screen longer than the terminal, and progress on stderr.

Through the one runner (not a terminal) for the layouts, and in a real pseudo-terminal
(pexpect) for the pager, which is only used when stdout is a terminal.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest

from socketcli.cli import screen as screens
from socketcli.cli.screen import width_of


def widest(text: str) -> int:
    return max((width_of(line) for line in text.splitlines()), default=0)


# -- layouts -----------------------------------------------------------------------------------


def test_a_wide_terminal_gets_one_line_per_client(socket, playground):
    diff = socket.json("plan", "diff")
    shown = socket.using(env={"COLUMNS": "160"}).ok("plan", "diff").stdout

    for row in diff["clients"]:
        (line,) = [line for line in shown.splitlines() if line.startswith(f" {row['client']}  ")]
        assert row["change"] in line.split()
        assert line.split()[-1] != ""
    assert widest(shown) <= 160


def test_a_narrow_terminal_gets_each_client_stacked_with_all_its_figures(socket, playground):
    diff = socket.json("plan", "diff")
    shown = socket.using(env={"COLUMNS": "50"}).ok("plan", "diff").stdout
    lines = shown.splitlines()

    assert widest(shown) <= 50
    assert lines[0] == "What changed: Dec 2026 against Nov 2026"
    for row in diff["clients"]:
        at = lines.index(f"{row['client']}  {row['reference']}")
        block = lines[at + 1 : at + 5]
        difference = row["difference"]
        signed = (
            difference if difference.startswith("-") or difference == "0.00" else f"+{difference}"
        )
        assert block[0].split() == [row["change"], _money(signed)]
        assert block[1].startswith(f"  Dec 2026: {_money(row['amount'])} · ")
        assert block[2].startswith(f"  Nov 2026 (computed): {_money(row['previous_amount'])} · ")
        assert block[3].startswith("  Xero: ")
    assert "all: " in shown  # the totals, stacked too


def test_plan_show_stacks_too_and_keeps_the_total(socket, playground):
    plan = socket.json("plan", "show")
    shown = socket.using(env={"COLUMNS": "40"}).ok("plan", "show").stdout

    assert widest(shown) <= 40
    words = " ".join(shown.split())  # a heading too long for the line is folded at a space
    for row in plan["clients"]:
        assert f"{row['client']} {row['reference']} {_money(row['amount'])} · " in words
    total = f"{plan['totals']['clients']} clients · {_money(plan['totals']['amount'])}"
    assert total in shown


def test_a_long_name_is_folded_within_its_column_not_cut(socket, practice):
    name = "The Extremely Long Named Bookkeeping And Payroll Partnership Of Great Britain Ltd"
    socket.ok("clients", "edit", "ACME", "--name", name)

    shown = socket.using(env={"COLUMNS": "90"}).ok("plan", "show").stdout

    assert widest(shown) <= 90
    lines = shown.splitlines()
    header = next(line for line in lines if line.startswith(" Client "))
    column = slice(1, header.index("Reference") - 2)  # where the Client column is
    at = next(index for index, line in enumerate(lines) if " ACME " in line)
    assert "225.00" in lines[at]
    pieces = [lines[at][column].strip()]
    for line in lines[at + 1 :]:
        if line[column.stop :].strip():  # the next row
            break
        pieces.append(line[column].strip())
    assert len(pieces) > 1  # folded onto more lines, not cut
    assert " ".join(pieces) == name


def test_user_text_is_shown_as_text(socket, practice):
    hostile = "[/]Bad [bold]Co \x1b[31mred\u202e"
    socket.ok("clients", "edit", "ACME", "--name", hostile)

    for columns in ("160", "40"):
        shown = socket.using(env={"COLUMNS": columns}).ok("plan", "show").stdout
        assert "[/]Bad [bold]Co \\x1b[31mred\\u202e" in shown
        assert "\x1b" not in shown
        diff = socket.using(env={"COLUMNS": columns}).ok("plan", "diff").stdout
        assert "\x1b" not in diff


def test_no_pager_changes_nothing_without_a_terminal(socket, playground):
    plain = socket.ok("plan", "diff").stdout

    assert socket.ok("plan", "diff", "--no-pager").stdout == plain
    assert socket.ok("--no-pager", "plan", "diff").stdout == plain
    assert socket.ok("plan", "show", "--no-pager").stdout == socket.ok("plan", "show").stdout


def _money(text: str) -> str:
    """'1234.50' as the screens show it: '1,234.50'."""
    sign = "+" if text.startswith("+") else ""
    from decimal import Decimal

    return sign + f"{Decimal(text.lstrip('+')):,.2f}"


# -- the pager, in a real terminal ---------------------------------------------------------------


@contextmanager
def terminal(*args: str, rows: int, env: dict[str, str]) -> Iterator[pexpect.spawn]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "socketcli", *args],
        env={**os.environ, "TERM": "xterm-256color", **env},
        dimensions=(rows, 150),
        encoding="utf-8",
        timeout=60,
    )
    try:
        yield child
    finally:
        child.close(force=True)


def recording_pager(into: Path) -> str:
    """A PAGER that writes what it is given, after the LESS it got, to `into`."""
    return f"sh -c 'echo \"LESS=$LESS\" > {into}; cat >> {into}'"


def run_in_terminal(*args: str, rows: int, env: dict[str, str]) -> str:
    with terminal(*args, rows=rows, env=env) as child:
        child.expect(pexpect.EOF)
        screen = child.before
        child.close()
        assert child.exitstatus == 0, screen
    return screen


@pytest.fixture
def no_less(monkeypatch):
    monkeypatch.delenv("LESS", raising=False)
    # The terminal's own size (pytest-xdist's workers have LINES=24 in their environment).
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


def test_a_screen_longer_than_the_terminal_goes_through_the_pager(playground, tmp_path, no_less):
    paged = tmp_path / "paged.txt"

    screen = run_in_terminal("plan", "diff", rows=20, env={"PAGER": recording_pager(paged)})

    lines = paged.read_text().splitlines()
    assert lines[0] == "LESS=FRX"  # socket's default, as git's: quit if one screen, colours
    assert lines[1] == "What changed: Dec 2026 against Nov 2026"
    assert "Totals by change type" in lines
    assert "CITY LIMO" in paged.read_text()
    assert "CITY LIMO" not in screen  # the terminal got only what goes to stderr
    assert "need attention" in screen


def test_the_person_s_own_less_options_are_kept(playground, tmp_path, no_less, monkeypatch):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("LESS", "-S")

    run_in_terminal("plan", "show", rows=20, env={"PAGER": recording_pager(paged)})

    assert paged.read_text().splitlines()[0] == "LESS=-S"
    assert "\x1b[" not in paged.read_text()  # without -R, less would show the codes: none


def test_no_pager_prints_straight_to_the_terminal(playground, tmp_path, no_less):
    paged = tmp_path / "paged.txt"

    screen = run_in_terminal(
        "plan", "diff", "--no-pager", rows=20, env={"PAGER": recording_pager(paged)}
    )

    assert not paged.exists()
    assert "CITY LIMO" in screen
    assert "Totals by change type" in screen


def test_a_screen_that_fits_is_not_paged(playground, tmp_path, no_less):
    paged = tmp_path / "paged.txt"

    screen = run_in_terminal("plan", "show", rows=200, env={"PAGER": recording_pager(paged)})

    assert not paged.exists()
    assert "CITY LIMO" in screen


def test_an_empty_pager_means_none(playground, no_less):
    screen = run_in_terminal("plan", "show", rows=20, env={"PAGER": ""})

    assert "CITY LIMO" in screen


# -- progress on stderr ----------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@contextmanager
def stderr_terminal(
    monkeypatch: pytest.MonkeyPatch, *, delay: float = 0.05
) -> Iterator[io.StringIO]:
    """stderr as a terminal, within the test's own phase (pytest sets sys.stderr anew for
    each phase)."""
    import rich.progress  # imported by the first progress shown: not within the test's steps

    assert rich.progress
    stream = FakeTerminal()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", stream)
        patch.setattr(screens, "PROGRESS_DELAY", delay)
        yield stream


def test_a_long_step_shows_progress_on_a_terminal(monkeypatch):
    with stderr_terminal(monkeypatch) as stderr, screens.working("Reading the plan") as step:
        time.sleep(1.0)
        step.step("Storing proposals", total=10)
        step.advance(4)
        time.sleep(0.5)

    shown = stderr.getvalue()
    assert "Reading the plan" in shown
    assert "Storing proposals" in shown
    assert "4/10" in shown
    assert shown.endswith(
        "\x1b[?25h\r\x1b[1A\x1b[2K"
    )  # gone when done: the cursor back, the line cleared


def test_a_short_step_shows_nothing(monkeypatch):
    with stderr_terminal(monkeypatch, delay=5) as stderr, screens.working("Reading the plan"):
        pass

    assert stderr.getvalue() == ""


def test_quiet_shows_no_progress(monkeypatch):
    with stderr_terminal(monkeypatch) as stderr, screens.working("Reading", quiet=True):
        time.sleep(0.3)

    assert stderr.getvalue() == ""


def test_without_a_terminal_no_progress(monkeypatch):
    stream = io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", stream)
        patch.setattr(screens, "PROGRESS_DELAY", 0.01)
        with screens.working("Reading the plan"):
            time.sleep(0.2)

    assert stream.getvalue() == ""


def test_quiet_is_a_global_option(socket, playground):
    result = socket.ok("--quiet", "plan", "diff")

    assert "What changed" in result.stdout


# -- a reader that stops early ---------------------------------------------------------------


def test_a_reader_that_stops_early_ends_the_table_quietly(socket, tmp_path, data_dir):
    """`socket plan show | head`: more than a pipe holds, and the reader goes after 3 lines."""
    from tests.practices import generate

    generate(tmp_path / "csv", clients=1500)
    socket.ok("init")
    socket.ok(
        "import",
        *(str(tmp_path / "csv" / f"{n}.csv") for n in ("clients", "services", "proposals")),
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "socketcli", "plan", "show", "--month", "2026-12"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    head = [child.stdout.readline() for _ in range(3)]
    child.stdout.close()
    _, stderr = child.communicate(timeout=60)

    assert head[0].startswith(b"Billing plan for Dec 2026")
    assert child.returncode == 0
    assert b"Traceback" not in stderr
    assert b"need attention" in stderr  # what comes after the table is still said

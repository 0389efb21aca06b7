"""`plan diff --json` without typer (cli/quick.py): the same output, errors and exit codes
as the command run by typer, and every other command line left to typer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socketcli.cli import quick
from socketcli.cli.output import errors_as_json


def quickly(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line run by the quick path: exit code, stdout, stderr."""
    capsys.readouterr()
    try:
        code = quick.run(list(args))
    finally:
        errors_as_json(False)
    assert code is not None, f"the quick path did not take {args}"
    out, err = capsys.readouterr()
    return code, out, err


def by_typer(socket, *args: str) -> tuple[int, str, str]:
    result = socket(*args)
    assert result.exception is None, result.exception
    return result.exit_code, result.stdout, result.stderr


def same(socket, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    found = quickly(capsys, *args)
    assert found == by_typer(socket, *args)
    return found


@pytest.mark.sqlite_only("the quick path's own reader is for a SQLite file (--db PATH here)")
def test_the_report_is_the_commands_to_the_byte(socket, practice, capsys):
    code, out, err = same(socket, capsys, "plan", "diff", "--json")
    assert code == 0
    assert err == ""
    document = json.loads(out)
    assert [row["reference"] for row in document["clients"]] == ["ACME"]  # BETA: quarterly
    assert document["month"] == "2026-12"
    for args in [
        ("plan", "diff", "--json", "--month", "2026-10"),
        ("plan", "diff", "--month=2027-01", "--json", "--change", "ceased,unchanged"),
        ("--quiet", "--no-pager", "plan", "diff", "--json", "--no-pager", "--change=new"),
        ("--db", str(practice / "socket.db"), "plan", "diff", "--json", "--month", "2026-11"),
        ("plan", "diff", "--json", "--month", "Dec 2026"),
        ("plan", "diff", "--json", "--month=next"),
    ]:
        code, out, _ = same(socket, capsys, *args)
        assert code == 0
        assert json.loads(out)["clients"] is not None


def test_finalised_months_and_late_starts_read_the_same(socket, practice, capsys):
    """A finalised month's late start (outstanding) reads lines and clients through
    SQLAlchemy Core on the quick path's sqlite3 connection."""
    socket.ok("plan", "approve", "--by", "partner", "--yes", "--month", "2026-12")
    socket.ok("clients", "add", "LATE", "Late Starter")
    socket.ok(
        "proposals",
        "add",
        "P-LATE",
        "--client",
        "LATE",
        "--line",
        "Bookkeeping=99",
        "--start",
        "2026-12-01",
        "--accept",
    )
    code, out, _ = same(socket, capsys, "plan", "diff", "--json", "--month", "2026-12")
    assert code == 0
    assert json.loads(out)["outstanding"] == ["LATE"]
    code, out, _ = same(socket, capsys, "plan", "diff", "--json", "--month", "2027-01")
    assert code == 0
    assert json.loads(out)["previous_source"] == "finalised"


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "diff", "--json", "--month", "2026-13"),
        ("plan", "diff", "--json", "--month", "9999-12"),
        ("plan", "diff", "--json", "--month", "dec"),
        ("plan", "diff", "--json", "--change", "grown"),
    ],
)
def test_a_bad_value_is_the_same_json_error_and_exit_code(socket, practice, capsys, args):
    code, out, err = same(socket, capsys, *args)
    assert code != 0
    assert out == ""
    assert json.loads(err)["error"]["exit_code"] == code


def test_a_missing_or_empty_store_is_the_same_error(socket, data_dir: Path, capsys):
    code, _, err = same(socket, capsys, "--db", str(data_dir / "none.db"), "plan", "diff", "--json")
    assert code != 0
    assert "no store at" in json.loads(err)["error"]["message"]
    socket.ok("init")
    code, _, err = same(socket, capsys, "plan", "diff", "--json")
    assert code != 0
    assert "no clients yet" in json.loads(err)["error"]["message"]


def test_a_bad_clock_is_the_same_error(socket, practice, capsys, monkeypatch):
    monkeypatch.setenv("SOCKET_NOW", "yesterday")
    code, _, err = same(
        socket.using(env={"SOCKET_NOW": "yesterday"}), capsys, "plan", "diff", "--json"
    )
    assert code != 0
    assert "SOCKET_NOW" in json.loads(err)["error"]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "diff"),  # a table
        ("plan", "diff", "--csv"),
        ("plan", "diff", "--json", "--csv"),
        ("plan", "diff", "--json", "--json"),
        ("plan", "diff", "--json", "--month", "2026-12", "--month", "2027-01"),
        ("plan", "diff", "--json", "--month"),
        ("plan", "diff", "--json", "--help"),
        ("plan", "diff", "--json", "--", "x"),
        ("plan", "show", "--json"),
        ("--playground", "plan", "diff", "--json"),
        ("--by", "me", "plan", "diff", "--json"),
        ("--db", "--json", "plan", "diff", "--json"),
        ("--json", "plan", "diff"),
        ("-qq", "plan", "diff", "--json"),
        ("diff", "--json"),
    ],
)
def test_every_other_command_line_is_typers(args):
    assert quick.parse(args) is None


def test_the_playground_and_completion_are_typers(monkeypatch):
    assert quick.parse(["plan", "diff", "--json"]) == {"json": True}
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    assert quick.parse(["plan", "diff", "--json"]) is None
    monkeypatch.delenv("SOCKET_PLAYGROUND")
    monkeypatch.setenv("_SOCKET_COMPLETE", "bash_complete")
    assert quick.parse(["plan", "diff", "--json"]) is None


@pytest.mark.sqlite_only("only a SQLite store is read without SQLAlchemy")
def test_it_imports_neither_typer_nor_pydantic_nor_sqlalchemy(practice):
    """What makes it quick: on a SQLite store, the sqlite3 driver alone (adapters/store/lite.py)."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from socketcli.cli import quick\n"
        "code = quick.run(['plan', 'diff', '--json'])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'typer', 'pydantic', 'sqlalchemy', 'sqlmodel', 'rich'})\n"
        "sys.stderr.write(f'{code} {loaded}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True
    )
    assert json.loads(done.stdout)["month"] == "2026-12"
    assert done.stderr == "0 []"

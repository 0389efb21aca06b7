"""Scripting: with --json every failure is one JSON error object on stderr,
`{"error": {"code": ..., "exit_code": N, "message": ...}}`, with the documented exit code,
for every command that has --json (found by walking the command tree), usage errors
included; and a sync that fails never says "Synced".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from socketcli.cli.app import app
from socketcli.cli.output import ERROR_CODES
from socketcli.sandbox import Sandbox
from tests.engines import Stores, where
from tests.runner import BANNER, Socket
from tests.sync.conftest import connected, pointed, store, xero  # noqa: F401  (fixtures)


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


#: Commands whose --json is not a report but a server's first line: `sandbox serve --json`
#: needs no store, so it does not fail here; it serves until stopped
#: (tests/robustness/test_files_sandbox.py).
SERVERS = {("sandbox", "serve")}

#: Every command with a --json option, and the arguments it requires (any value does).
WITH_JSON = {
    path: [p.name for p in command.params if p.required and not p.opts[0].startswith("-")]
    for path, command in walk(typer.main.get_command(app))
    if any("--json" in p.opts for p in command.params) and path not in SERVERS
}


def error_object(stderr: str) -> dict[str, Any]:
    """The JSON error object: the last line of stderr, and the only JSON there."""
    lines = [line for line in stderr.splitlines() if line != BANNER]
    assert lines, "nothing on stderr"
    document = json.loads(lines[-1])
    assert set(document) == {"error"}
    assert set(document["error"]) == {"code", "exit_code", "message"}
    assert not any(line.startswith("error:") for line in lines), stderr
    assert not any(line.startswith("Usage:") for line in lines), stderr
    return document["error"]  # type: ignore[no-any-return]


def test_the_walk_finds_the_commands_with_json() -> None:
    assert {("plan", "show"), ("sync",), ("sandbox", "invoices"), ("xero", "status")} <= set(
        WITH_JSON
    )


@pytest.mark.parametrize("path", sorted(WITH_JSON), ids=" ".join)
def test_every_command_with_json_fails_with_the_json_error_object(
    socket: Socket, stores: Stores, path: tuple[str, ...]
) -> None:
    """No store at --db (no file; on PostgreSQL, no such database) and no sandbox state:
    each command fails as its docs say."""
    args = [*path, *("X" for _ in WITH_JSON[path]), "--json"]
    missing = stores.reserve() if stores.engine == "postgresql" else stores.new("missing")
    result = socket.using(db=where(missing))(*args)

    assert result.exit_code != 0
    assert result.stdout == "", f"socket {' '.join(args)} printed data on failing"
    failure = error_object(result.stderr)
    assert failure["exit_code"] == result.exit_code
    assert failure["code"] == ERROR_CODES[result.exit_code]
    assert failure["message"]


def test_not_found_invalid_and_usage_errors_as_json(socket: Socket, empty_store: Path) -> None:
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    socket.ok("clients", "add", "ACME", "Acme Ltd")

    missing = socket.exits("clients", "show", "GAMMA", "--json", code=3)
    assert error_object(missing.stderr) == {
        "code": "not_found",
        "exit_code": 3,
        "message": "client 'GAMMA' does not exist: see `socket clients list`",
    }
    month = socket.exits("plan", "show", "--month", "2026-13", "--json", code=2)
    assert error_object(month.stderr)["code"] == "invalid_input"
    assert "2026-13" in error_object(month.stderr)["message"]
    usage = socket.exits("plan", "diff", "--json", "--bogus", code=2)
    assert error_object(usage.stderr) == {
        "code": "usage",
        "exit_code": 2,
        "message": "No such option: --bogus",
    }
    # Without --json, the same failures are the one `error:` line (and click's usage text).
    assert socket.fails("clients", "show", "GAMMA", code=3).startswith("error: client 'GAMMA'")
    assert "No such option: --bogus" in socket.usage_error("plan", "diff", "--bogus")
    # A `--json` after `--` is an argument, not the option.
    socket.fails("clients", "show", "--", "--json", code=3)


def test_a_sync_that_xero_stops_never_says_synced(
    socket: Socket,
    connected: Sandbox,  # noqa: F811
) -> None:
    connected.add_fault(path="/Accounts", status=429, problem="day", retry_after=600)

    text = socket.exits("sync", code=8)
    assert "Synced" not in text.output
    assert text.stdout.startswith("Sync with Demo Practice Ltd stopped")
    assert text.stderr.splitlines()[-1].startswith("error: Xero's daily limit")

    connected.add_fault(path="/Accounts", status=429, problem="day", retry_after=600)
    scripted = socket.exits("sync", "--json", code=8)
    assert "Synced" not in scripted.output
    report = json.loads(scripted.stdout)  # the report, on stdout, with its own error
    assert (report["exit_code"], report["error"] is not None) == (8, True)
    failure = error_object(scripted.stderr)
    assert (failure["code"], failure["exit_code"]) == ("xero_day_limit", 8)


def test_a_sync_with_a_contact_xero_refuses_fails_as_json(
    socket: Socket,
    connected: Sandbox,  # noqa: F811
) -> None:
    socket.ok("clients", "add", "CITY", "City Limousines")
    socket.ok("sync", "--quiet")
    socket.ok("contacts", "link", "CITY", "City Limousines")
    socket.ok("sync", "--quiet")
    socket.ok("clients", "edit", "CITY", "--name", "Atlas Logistics Ltd")  # taken in Xero

    scripted = socket.exits("sync", "--json", code=7)
    report = json.loads(scripted.stdout)
    assert report["problems"]
    failure = error_object(scripted.stderr)
    assert (failure["code"], failure["exit_code"]) == ("xero_error", 7)
    assert "could not be pushed to Xero" in failure["message"]
    text = socket.exits("sync", code=7)
    assert "Synced" not in text.output
    assert "not every client was pushed" in text.stdout

"""`socket ... --help` answers from the generated module _help; it must say what the live commands say."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer

from socketcli.cli._help import HELP
from socketcli.cli.app import app
from socketcli.cli.helptext import render_all

PATHS = sorted(render_all())


def test_the_shipped_help_is_the_help_the_commands_render_now() -> None:
    assert render_all() == HELP, "_help.py is stale: run `python -m socketcli.cli.helptext`"


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path or "socket")
def test_cached_help_matches_typers_own_output(
    path: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a real terminal (CliRunner forces its own width, so call the command itself).
    monkeypatch.setenv("COLUMNS", "200")
    command = typer.main.get_command(app)
    with pytest.raises(SystemExit) as exited:
        command.main([*path.split(), "--help"], prog_name="socket")
    assert exited.value.code == 0
    assert HELP[path] == capsys.readouterr().out


def test_socket_help_is_answered_without_importing_typer() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['socket', 'plan', 'diff', '--help']; "
        "from socketcli.__main__ import main; main(); "
        "sys.stderr.write('typer' if 'typer' in sys.modules else 'no-typer')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    assert result.stdout.startswith("Usage: socket plan diff [OPTIONS]")
    assert result.stderr == "no-typer"


def test_help_for_an_unknown_command_falls_through_to_typers_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "socketcli", "nonsense", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "No such command 'nonsense'" in result.stderr

"""README's first command, run as a user would: its main job is `plan diff` on the playground."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def quickstart_commands() -> list[list[str]]:
    """The `socket` command lines of scripts/try, which README's first command runs."""
    readme = (ROOT / "README.md").read_text()
    assert "./scripts/try" in readme
    assert "./scripts/test" in readme
    commands = []
    for line in (ROOT / "scripts" / "try").read_text().splitlines():
        if line.startswith('"$SOCKET" '):
            commands.append([sys.executable, "-m", "socketcli", *shlex.split(line)[1:]])
    return commands


def test_the_quickstart_shows_the_plan_diff_of_the_playground(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SOCKET_DATA_DIR": str(tmp_path / "data"),
        "SOCKET_NOW": "2026-11-21",
        "COLUMNS": "200",
    }
    commands = quickstart_commands()
    assert [command[3:] for command in commands] == [
        ["playground"],
        ["--playground", "plan", "diff"],
    ]
    results = [
        subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        for command in commands
    ]
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    diff = results[-1]
    assert "What changed: Dec 2026 against Nov 2026" in diff.stdout
    for change in ("new", "expanded", "contracted", "ceased", "unchanged"):
        assert f" {change} " in diff.stdout
    assert "PLAYGROUND" in diff.stderr
    # Not a terminal: no colour codes in the data.
    assert "\x1b[" not in diff.stdout

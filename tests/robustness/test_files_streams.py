"""Where the output goes, as a shell leaves it: a reader that stops early (`| head -1`), stdout
closed (`>&-`), a full disk (`> /dev/full`), a terminal that is not UTF-8, a state directory
that cannot be one. Never a traceback: a closed stream is /dev/null, a reader gone ends the
writing quietly, a full disk is one line and exit 1, and a state directory socket cannot use
is one line naming it, exit 1, the store as it was.

Real `socket` processes, run by a shell: what is under test is how the process meets its
streams and environment, which the in-process runner stands in for.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.input_helpers import untouched
from tests.runner import Socket

SOCKET = f"{shlex.quote(sys.executable)} -m socketcli"

#: The process and its streams are under test, run by a shell on the test's default store.
pytestmark = pytest.mark.sqlite_only(
    "a shell runs `socket` on the default store (a SQLite file in the test's data folder): "
    "the streams and the environment are under test, not the engine"
)


@pytest.fixture
def practice(socket: Socket, empty_store: Path) -> Path:
    """ACME and BETA billed monthly from October 2026 (their plan is a few lines long)."""
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    for reference in ("ACME", "BETA"):
        socket.ok("clients", "add", reference, f"{reference} Ltd")
        socket.ok(
            "proposals", "add", f"P-{reference}", "--client", reference,
            "--line", "Bookkeeping=150", "--start", "2026-10-01", "--accept",
        )  # fmt: skip
    return empty_store


def shell(command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`command` run by bash (`socket` is this Python's socketcli), with pipefail."""
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command.replace("socket ", f"{SOCKET} ")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "command", ["plan diff --json", "plan show", "plan show --csv", "clients list --json"]
)
def test_a_reader_that_stops_early_ends_the_output_quietly(
    practice: Path, command: str, tmp_path: Path
) -> None:
    # More lines than a pipe holds, so that the writer meets the closed end.
    big = "".join(f"C{i:05},Client {i}\n" for i in range(3000))
    (tmp_path / "clients.csv").write_text("reference,name\n" + big)
    assert shell(f"socket import {tmp_path / 'clients.csv'}").returncode == 0

    with untouched(Socket(), practice):
        ran = shell(f"socket {command} | head -1")

    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    assert "Error" not in ran.stderr  # nor Python's "Exception ignored ... BrokenPipeError"
    assert len(ran.stdout.splitlines()) == 1


@pytest.mark.parametrize("command", ["plan show", "plan diff --json", "clients list", "db info"])
def test_stdout_closed_is_output_to_nowhere(practice: Path, command: str) -> None:
    with untouched(Socket(), practice):
        ran = shell(f"socket {command} >&-")

    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_command_that_writes_with_stdout_and_stderr_closed_does_its_work(
    socket: Socket, practice: Path
) -> None:
    ran = shell("socket clients add GAMMA 'Gamma Ltd' >&- 2>&-")

    assert ran.returncode == 0
    assert "GAMMA" in [c["reference"] for c in socket.json("clients", "list")]


@pytest.mark.parametrize("command", ["plan show", "plan diff --json", "plan show --csv"])
def test_a_full_disk_is_one_line_and_exit_1(practice: Path, command: str) -> None:
    with untouched(Socket(), practice):
        ran = shell(f"socket {command} > /dev/full")

    assert ran.returncode == 1
    assert ran.stderr.strip().splitlines() == [
        "error: cannot write the output: No space left on device"
    ]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8_gets_codes_not_a_crash(practice: Path, encoding: str) -> None:
    with untouched(Socket(), practice):
        ran = shell("socket plan show", env={"PYTHONIOENCODING": encoding})

    assert ran.returncode == 0, ran.stderr
    assert "ACME Ltd" in ran.stdout
    assert "\\u2500" in ran.stdout  # the table's rule, as its code


@pytest.mark.parametrize(
    "command",
    [
        ("plan", "approve", "--month", "2026-12", "--yes", "--no-post"),
        ("sync",),
        ("work", "reopen", "1"),
    ],
    ids=["plan approve", "sync", "work reopen"],
)
def test_a_state_directory_that_is_a_file_is_one_line(
    socket: Socket, practice: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    afile = tmp_path / "not-a-directory"
    afile.write_text("")
    broken = socket.using(env={"SOCKET_STATE_DIR": str(afile)})

    with untouched(Socket(), practice):
        message = broken.fails(*command, code=1)

    assert message == (
        f"error: cannot use the state directory {afile}: File exists: set SOCKET_STATE_DIR to "
        "a directory socket can write in"
    )

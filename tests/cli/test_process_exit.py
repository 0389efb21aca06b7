"""`socket` ends its process without the interpreter's slow teardown (socketcli.__main__):
what it printed is all there, its exit code is kept, and atexit handlers still run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "socketcli", *args]
    if code is not None:
        command = [sys.executable, "-c", code, *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=dict(os.environ), timeout=60, check=False
    )


def test_the_whole_output_is_written_and_the_exit_code_kept(playground: Path) -> None:
    done = run("plan", "diff", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["clients"]) > 30  # complete: it parses

    failed = run("plan", "preview", "NOPE")
    assert failed.returncode == 3
    assert failed.stderr.strip().endswith(
        "error: client 'NOPE' does not exist: see `socket clients list`"
    )

    usage = run("plan", "diff", "--nope")
    assert usage.returncode == 2
    assert "No such option" in usage.stderr


def test_atexit_handlers_still_run(playground: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ran'))\n"
        "sys.argv = ['socket', *sys.argv[1:]]\n"
        "from socketcli.__main__ import main\n"
        "main()\n"
    )
    done = run("plan", "show", "--json", code=code)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "ran"

"""`socket sandbox serve` from a script: started in the background (`socket sandbox serve &`,
where the shell ignores SIGINT), it says on stdout where it listens and where its state is,
and stops cleanly on SIGINT and SIGTERM alike, keeping its state."""

from __future__ import annotations

import base64
import json
import os
import select
import shlex
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET

SERVE = (sys.executable, "-m", "socketcli", "sandbox", "serve", "--port", "0")


def _as_a_background_job() -> None:
    # What a non-interactive shell does to `command &`: SIGINT and SIGQUIT ignored.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)


@contextmanager
def served(*options: str, state: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`socket sandbox serve --port 0 --state STATE OPTIONS` in the background; its first line
    on stdout."""
    server = subprocess.Popen(
        [*SERVE, "--state", str(state), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        preexec_fn=_as_a_background_job,
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], 30)
        assert ready, "the sandbox printed nothing on stdout in 30 s"
        first = server.stdout.readline()
        assert first, server.communicate(timeout=30)[1]
        yield server, first
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate(timeout=30)


def issue_a_token(url: str) -> None:
    """A custom connection's token: something the sandbox must still hold after a restart."""
    credentials = base64.b64encode(f"{CUSTOM_CLIENT_ID}:{CUSTOM_CLIENT_SECRET}".encode()).decode()
    request = urllib.request.Request(
        url + "/connect/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={"Authorization": f"Basic {credentials}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["token_type"] == "Bearer"


def tokens_kept(state: Path) -> int:
    return len(json.loads(state.read_text(encoding="utf-8"))["access_tokens"])


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_background_sandbox_stops_cleanly_on_sigint_and_sigterm(
    stop: signal.Signals, tmp_path: Path
) -> None:
    state = tmp_path / "sandbox.json"
    with served("--json", state=state) as (server, first):
        where = json.loads(first)
        assert where["state"] == str(state)
        assert where["url"] == f"http://127.0.0.1:{where['port']}"
        assert where["pid"] == server.pid
        issue_a_token(where["url"])

        server.send_signal(stop)
        _, said = server.communicate(timeout=30)

    assert server.returncode == 0, said
    assert "Sandbox stopped; its state is kept for next time." in said
    assert "Traceback" not in said
    assert tokens_kept(state) == 1


def test_the_plain_line_names_the_url_and_the_state_for_a_shell(tmp_path: Path) -> None:
    state = tmp_path / "a folder" / "it's here.json"
    state.parent.mkdir()
    with served(state=state) as (server, first):
        words = dict(word.split("=", 1) for word in shlex.split(first))
        assert words["state"] == str(state)
        issue_a_token(words["url"])
        server.send_signal(signal.SIGTERM)
        _, said = server.communicate(timeout=30)

    assert server.returncode == 0, said
    assert tokens_kept(state) == 1


def test_the_json_line_is_printed_at_once_even_into_a_file(tmp_path: Path) -> None:
    """A script redirects stdout to a file and reads it while the server runs."""
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        server = subprocess.Popen(
            [*SERVE, "--json", "--state", str(tmp_path / "s.json")],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ),
            preexec_fn=_as_a_background_job,
        )
    try:
        line = _eventually(lambda: out.read_text())
        assert json.loads(line)["state"] == str(tmp_path / "s.json")
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0


def _eventually(read: Callable[[], str], seconds: float = 30) -> str:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = read()
        if text.endswith("\n"):
            return text
        time.sleep(0.05)
    raise AssertionError("nothing was printed")

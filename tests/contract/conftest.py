"""Stoplight Prism serving Xero's own Accounting API spec, for the contract tests.

Prism runs with `--errors`: a request that breaks the spec (a header, a query parameter, a
Contacts body) is refused (422, or the spec's own 400 example where it has one) instead of
answered with the spec's example, and Prism's log says why.

Where Prism comes from: SOCKET_TEST_PRISM (the binary; `source .ci/prism.sh` installs it and
sets it), else `npx --yes @stoplight/prism-cli@<the version .ci/prism.sh pins>` when
SOCKET_TEST_PRISM_NPX=1. Without either the tests skip, unless Prism is required (CI=true, or
SOCKET_TEST_PRISM_REQUIRED=1, which .ci/prism.sh sets): then they fail.

Prism takes 17-30 s (on 2 CPUs, idle or busy) to load the 900 KB spec, and under pytest-xdist
every worker that uses this fixture starts its own: keep the checks against it in one test
(subtests), so that one worker starts one Prism.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO.parent / "shared" / "xero" / "xero_accounting.yaml"
INSTALLER = REPO / ".ci" / "prism.sh"
#: Seconds for Prism to load the spec and listen: 17-30 s measured on 2 CPUs, more beside the
#: rest of the suite under xdist.
STARTUP_TIMEOUT = 90.0

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _required() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
        for name in ("CI", "SOCKET_TEST_PRISM_REQUIRED")
    )


def _unavailable(reason: str) -> NoReturn:
    if _required():
        pytest.fail(f"Prism is required here but unavailable: {reason}", pytrace=False)
    pytest.skip(f"no Prism: {reason}")


def _pinned_version() -> str:
    found = re.search(r"^PRISM_VERSION=(\S+)$", INSTALLER.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no PRISM_VERSION= line in {INSTALLER}")
    return found.group(1)


def _prism_command() -> tuple[list[str], bool]:
    """The command that runs Prism, and whether it is npx (which starts Prism as a child)."""
    binary = os.environ.get("SOCKET_TEST_PRISM", "").strip()
    if binary:
        if not os.access(binary, os.X_OK):
            _unavailable(f"SOCKET_TEST_PRISM={binary} is not an executable file")
        return [binary], False
    if os.environ.get("SOCKET_TEST_PRISM_NPX") == "1":
        npx = shutil.which("npx")
        if npx is None:
            _unavailable("SOCKET_TEST_PRISM_NPX=1 but there is no npx on PATH")
        return [npx, "--yes", f"@stoplight/prism-cli@{_pinned_version()}"], True
    _unavailable(
        "set SOCKET_TEST_PRISM to the prism binary (`source .ci/prism.sh` installs it), "
        "or SOCKET_TEST_PRISM_NPX=1 to let npx fetch it"
    )


def _free_port() -> int:
    """A free loopback port below Linux's ephemeral range (32768-60999): Prism binds it only
    once it has loaded the spec, and meanwhile no server of another test that binds port 0
    can be handed it."""
    for port in random.sample(range(20000, 32768), 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for Prism in 20000-32767")


@dataclass(frozen=True)
class PrismServer:
    """A running Prism: its base URL and the file it logs to (test_contract_prism.py reads
    there what Prism made of each request)."""

    url: str
    log: Path

    def text(self) -> str:
        return _ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.text().splitlines()[-lines:])


def _stop(process: subprocess.Popen[bytes], *, group: bool) -> None:
    """SIGTERM, then SIGKILL after 10 s: to Prism, or to its whole process group (npx runs
    Prism as its grandchild and does not pass SIGTERM on)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        except ProcessLookupError:
            break
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            continue
        if group:  # what is left of the group once npx is gone
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        break


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism mocking xero_accounting.yaml on a free loopback port, with --errors."""
    if not SPEC.is_file():
        _unavailable(f"no Xero spec at {SPEC} (../shared beside the repository)")
    command, via_npx = _prism_command()
    port = _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "mock", str(SPEC), "--host", "127.0.0.1", "--port", str(port), "--errors"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Prism itself stays in pytest's process group, so that a signal to the group (CI's
            # `timeout`, Ctrl-C) reaches it too; npx's is a group of its own, stopped whole.
            start_new_session=via_npx,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
    server = PrismServer(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while f"Prism is listening on {server.url}" not in server.text():
            if process.poll() is not None:
                pytest.fail(
                    f"Prism exited ({process.returncode}) before listening:\n{server.tail()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Prism did not listen within {STARTUP_TIMEOUT:.0f} s:\n{server.tail()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield server
    finally:
        _stop(process, group=via_npx)

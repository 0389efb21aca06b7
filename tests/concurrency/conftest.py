"""Two runners at once on one store, on SQLite always and on PostgreSQL when CI's server is
there (SOCKET_TEST_POSTGRES_URL, see .ci/postgres.sh): real `socket` processes, the store's
own locks held from the test with the same adapter socket wires (bootstrap), and a sandbox
Xero served over HTTP.

Races are made real without timing: the test holds the lock, starts its runners, waits
until each says at its terminal that it is waiting (stderr on a pseudo-terminal), and only
then lets go; what is asserted is the outcome (who exited how, what the store and the
sandbox hold), never how long anything took.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from socketcli.adapters.store.database import StoreLocation
from socketcli.bootstrap import Wiring, clock
from socketcli.ports.locks import Locks
from socketcli.sandbox import (
    CUSTOM_CLIENT_ID,
    CUSTOM_CLIENT_SECRET,
    Limits,
    Sandbox,
    SandboxConfig,
    running_sandbox,
)
from tests.runner import Socket

SERVER = os.environ.get("SOCKET_TEST_POSTGRES_URL")
#: The clients of the practice: one invoice each in December 2026.
CLIENTS = ("ACME", "BETA", "GAMMA", "DELTA", "EPSILON", "ZETA")
#: December's posting day (the runners' clock when they post).
ON_THE_FIRST = "2026-12-01T09:00:00+00:00"
#: The longest a runner may take before the test gives up on it (a loaded machine).
PATIENCE = 120.0


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreLocation]:
    """An empty store's location on each engine (PostgreSQL: a new database, dropped after)."""
    if request.param == "sqlite":
        yield StoreLocation.for_path(tmp_path / "practice.db")
        return
    if not SERVER:
        pytest.skip("no PostgreSQL server: set SOCKET_TEST_POSTGRES_URL")
    name = f"socket_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield StoreLocation.for_url(
            make_url(SERVER).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def store_options(location: StoreLocation) -> tuple[list[str], dict[str, str]]:
    """How a `socket` names the store: `--db PATH`, or SOCKET_DATABASE_URL."""
    if location.path is not None:
        return ["--db", str(location.path)], {}
    return [], {"SOCKET_DATABASE_URL": location.url}


@pytest.fixture
def socket_on(socket: Socket, location: StoreLocation) -> Socket:
    """The in-process runner on the store."""
    if location.path is not None:
        return socket.using(db=location.path)
    return socket.using(env={"SOCKET_DATABASE_URL": location.url})


@pytest.fixture
def practice(socket_on: Socket) -> Socket:
    """A practice of six clients, Bookkeeping 150.00 a month each from October 2026."""
    socket_on.ok("init")
    socket_on.ok("services", "add", "Bookkeeping", "--method", "monthly")
    for reference in CLIENTS:
        socket_on.ok("clients", "add", reference, f"{reference.title()} Ltd", "--year-end", "31-03")
        socket_on.ok(
            "proposals", "add", f"P-{reference}", "--client", reference,
            "--line", "Bookkeeping=150", "--start", "2026-10-01", "--accept",
        )  # fmt: skip
    return socket_on


@pytest.fixture
def xero(tmp_path: Path, practice: Socket, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A sandbox Xero over HTTP, the practice connected to it (custom connection) for the
    test and for the processes it starts."""
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000))
    with running_sandbox(state_path=tmp_path / "sandbox.json", config=config) as sandbox:
        monkeypatch.setenv("SOCKET_XERO_API_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
        practice.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)
        sandbox.clear_calls()
        yield sandbox


def locks_of(location: StoreLocation) -> Locks:
    """The store's locks as socket wires them (PostgreSQL's advisory locks, or lock files)."""
    return Wiring(location, clock()).locks()


def count(location: StoreLocation, sql: str) -> int:
    """One number from the store, read with a connection of the test's own."""
    target = location.target
    engine = create_engine(target)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


@dataclass
class Finished:
    code: int
    stdout: str
    #: What it said on its terminal (stderr), line breaks as "\n", styling removed (a
    #: progress line may still share a line with what follows it).
    stderr: str

    @property
    def errors(self) -> list[str]:
        """Its `error: ...` lines."""
        return re.findall(r"error: [^\n]*", self.stderr)


class Runner:
    """`socket ARGS` as a process of its own, stdin closed, stderr on a pseudo-terminal (so
    that it says it is waiting, as it does to a person), stdout a pipe."""

    def __init__(self, location: StoreLocation, *args: str, now: str | None = None) -> None:
        options, env = store_options(location)
        environment = {**os.environ, **env}
        if now is not None:
            environment["SOCKET_NOW"] = now
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "socketcli", *options, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=environment,
            text=True,
        )
        os.close(slave)
        self._master = master
        self._said = b""

    def _read(self, timeout: float) -> bool:
        """Read what the terminal has (False once it is closed)."""
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: the process closed the terminal
            return False
        self._said += chunk
        return bool(chunk)

    @property
    def said(self) -> str:
        """What it said, without the terminal's styling (bold `error:`)."""
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self._said.decode(errors="replace"))
        return plain.replace("\r\n", "\n")

    def wait_for(self, words: str) -> None:
        """Until it has said `words` on its terminal (it must not end first)."""
        import time

        deadline = time.monotonic() + PATIENCE
        while words not in " ".join(self.said.split()):
            if self.process.poll() is not None:
                self._read(0.1)
                if words in " ".join(self.said.split()):
                    return
                out = self.process.stdout.read() if self.process.stdout else ""
                raise AssertionError(
                    f"it ended ({self.process.returncode}) without saying {words!r}:\n"
                    f"{self.said}\n{out}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {words!r}:\n{self.said}")
            self._read(0.1)

    def finish(self) -> Finished:
        """Its exit code and all it said, reading its terminal as it goes (a full terminal
        would hold it up)."""
        import time

        deadline = time.monotonic() + PATIENCE
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"it did not end:\n{self.said}")
            self._read(0.1)
        for _ in range(100):  # the rest of what it said, until the terminal closes
            if not self._read(0.1):
                break
        os.close(self._master)
        stdout = self.process.stdout.read() if self.process.stdout else ""
        if self.process.stdout:
            self.process.stdout.close()
        said = self.said
        assert "Traceback" not in said + stdout, said + stdout
        return Finished(self.process.returncode, stdout, said)

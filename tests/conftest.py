"""Every test runs as a new user on a plain terminal would, on a fixed day, in directories of
its own, and gets the one `socket` runner (tests/runner.py).

The isolation is hatch's test fixture: no colour, a known width, temporary data, state and
config directories, and nothing read from the developer's own store or environment: no
SOCKET_* variable reaches a test but the test infrastructure's own (SOCKET_TEST_*, which say
where a PostgreSQL server or Prism is).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.runner import Socket

#: The day every test stands on: a Saturday late in the month, so `plan` commands default
#: to the next month (December 2026) until a plan is approved.
TODAY = "2026-11-21"

#: COLUMNS is 160, not hatch's 80: the CLI tests read a table's row as one line, and at 80
#: columns rich wraps the wider tables (plan diff, clients list, settings show).
#: No test may reach a real OS keyring: the "fail" backend raises NoKeyringError as a headless
#: server's does (tests that want a keyring install an in-memory one).
PINNED = {
    "NO_COLOR": "1",
    "COLUMNS": "160",
    "SOCKET_NOW": TODAY,
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
}
#: The SOCKET_* variables a test may inherit: how the tests reach their own servers.
INFRASTRUCTURE = "SOCKET_TEST_"
#: Not socket's own, but read by it: no browser to open.
UNSET = ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")


@dataclass(frozen=True)
class Directories:
    """A user's directories, none of them made yet (`socket init` makes `data`)."""

    #: SOCKET_DATA_DIR: the stores.
    data: Path
    #: SOCKET_STATE_DIR: tokens, locks, logs.
    state: Path
    #: XDG_CONFIG_HOME: socket keeps no configuration of its own, but keyring reads its
    #: keyringrc.cfg from there.
    config: Path

    @classmethod
    def under(cls, root: Path) -> Directories:
        return cls(root / "data", root / "state", root / "config")


def isolate(monkeypatch: pytest.MonkeyPatch, directories: Directories) -> None:
    """The environment of a new user on a plain terminal, in `directories`."""
    leaked = [n for n in os.environ if n.startswith("SOCKET_") and not n.startswith(INFRASTRUCTURE)]
    for name in (*leaked, *UNSET):
        monkeypatch.delenv(name, raising=False)
    for name, value in PINNED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SOCKET_DATA_DIR", str(directories.data))
    monkeypatch.setenv("SOCKET_STATE_DIR", str(directories.state))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(directories.config))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Directories:
    """The one isolation fixture, for every test of every folder: see the module's docstring."""
    directories = Directories.under(tmp_path)
    isolate(monkeypatch, directories)
    return directories


@pytest.fixture
def data_dir(isolated: Directories) -> Path:
    """This test's SOCKET_DATA_DIR (not made: `socket init` makes it)."""
    return isolated.data


@pytest.fixture
def state_dir(isolated: Directories) -> Path:
    """This test's SOCKET_STATE_DIR (tokens, locks, logs)."""
    return isolated.state


@pytest.fixture
def socket() -> Socket:
    """The one `socket` runner (tests/runner.py), on this test's data dir."""
    return Socket()


#: `made_by_socket(name, commands)`: see the fixture.
MadeBySocket = Callable[[str, Sequence[Sequence[str]]], Path]


@pytest.fixture(scope="session")
def made_by_socket(tmp_path_factory: pytest.TempPathFactory) -> MadeBySocket:
    """A data dir made once per session by `socket` commands, isolated as a test is: a test
    copies it into its own data_dir (making it again for each test costs more)."""

    def make(name: str, commands: Sequence[Sequence[str]]) -> Path:
        directories = Directories.under(tmp_path_factory.mktemp(name))
        socket = Socket()
        with pytest.MonkeyPatch.context() as monkeypatch:
            isolate(monkeypatch, directories)
            for command in commands:
                socket.ok(*command)
        return directories.data

    return make


@pytest.fixture(scope="session")
def empty_template(made_by_socket: MadeBySocket) -> Path:
    """A data dir with an initialised store (`socket init`) and nothing in it."""
    return made_by_socket("empty", [("init",)])


@pytest.fixture
def empty_store(empty_template: Path, data_dir: Path) -> Path:
    """An initialised store (`socket init`) with no clients, services or proposals, as this
    test's default store."""
    shutil.copytree(empty_template, data_dir)
    return data_dir / "socket.db"

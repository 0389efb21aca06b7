"""Every test runs as a new user on a plain terminal would, on a fixed day, in its own data dir.

Like hatch's test fixture: no colour, a known width, and nothing read from the developer's own
store or environment (no SOCKET_DATABASE_URL, no SOCKET_PLAYGROUND).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.runner import Socket

#: The day every test stands on: a Saturday late in the month, so `plan` commands default
#: to the next month (December 2026) until a plan is approved.
TODAY = "2026-11-21"

#: No test may reach a real OS keyring: the "fail" backend raises NoKeyringError as a headless
#: server's does (tests that want a keyring install an in-memory one).
PINNED = {
    "NO_COLOR": "1",
    "COLUMNS": "160",
    "SOCKET_NOW": TODAY,
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
}
#: Nothing from the developer's own environment: no store, no Xero, no browser to open.
UNSET = (
    "SOCKET_DATABASE_URL",
    "SOCKET_PLAYGROUND",
    "SOCKET_XERO_API_URL",
    "SOCKET_XERO_IDENTITY_URL",
    "SOCKET_XERO_CLIENT_ID",
    "SOCKET_XERO_CLIENT_SECRET",
    "SOCKET_XERO_ACCESS_TOKEN",
    "SOCKET_XERO_TENANT_ID",
    "SOCKET_XERO_TOKEN_STORE",
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
)


def pin_environment(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    for name, value in PINNED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SOCKET_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOCKET_STATE_DIR", str(data_dir.parent / "state"))
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's SOCKET_DATA_DIR (not created: `socket init` makes it)."""
    directory = tmp_path / "data"
    pin_environment(monkeypatch, directory)
    return directory


@pytest.fixture
def state_dir(data_dir: Path) -> Path:
    """This test's SOCKET_STATE_DIR (tokens, locks, logs), as pin_environment sets it."""
    return data_dir.parent / "state"


@pytest.fixture
def socket() -> Socket:
    """The one `socket` runner (tests/runner.py), on this test's data dir."""
    return Socket()


#: `made_by_socket(name, commands)`: see the fixture.
MadeBySocket = Callable[[str, Sequence[Sequence[str]]], Path]


@pytest.fixture(scope="session")
def made_by_socket(tmp_path_factory: pytest.TempPathFactory) -> MadeBySocket:
    """A data dir made once per session by `socket` commands, in the pinned environment:
    a test copies it into its own data_dir (making it again for each test costs more)."""

    def make(name: str, commands: Sequence[Sequence[str]]) -> Path:
        directory = tmp_path_factory.mktemp(name) / "data"
        socket = Socket()
        with pytest.MonkeyPatch.context() as monkeypatch:
            pin_environment(monkeypatch, directory)
            for command in commands:
                socket.ok(*command)
        return directory

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

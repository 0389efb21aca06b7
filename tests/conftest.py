"""Every test runs as a new user on a plain terminal would, on a fixed day, in its own data dir.

Like hatch's test fixture: no colour, a known width, and nothing read from the developer's own
store or environment (no SOCKET_DATABASE_URL, no SOCKET_PLAYGROUND).
"""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def pinned_environment() -> object:
    """`pin_environment`, for session fixtures that run the CLI outside a test's monkeypatch."""
    return pin_environment


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

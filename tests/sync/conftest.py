"""`socket sync` against the sandbox Xero over real HTTP: the real SDK through the real gateway.

Every test runs on SQLite and on PostgreSQL (tests/engines.py), has its own data and state
directories (tests/conftest.py), no OS keyring (the token is kept in the state directory's
0600 file), a sandbox seeded with the playground's demo contact list, and a store connected
to it with the sandbox's custom connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from socketcli.sandbox import (
    CUSTOM_CLIENT_ID,
    CUSTOM_CLIENT_SECRET,
    Limits,
    Sandbox,
    SandboxConfig,
    running_sandbox,
)
from tests.conftest import DefaultStore
from tests.engines import parametrize_engines
from tests.runner import Socket
from tests.sync.sync_helpers import DEMO_CONTACTS, Store


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@pytest.fixture
def store(empty_store: Path, default_store: DefaultStore) -> Iterator[Store]:
    """An initialised store, as this test's default store (on SQLite or PostgreSQL), opened
    for arranging and asserting."""
    opened = Store(default_store.location)
    yield opened
    opened.close()


@pytest.fixture
def xero(tmp_path: Path) -> Iterator[Sandbox]:
    """Xero's concurrency limit, but a day's calls a minute: no test trips a limit unless it
    sets one."""
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(
        state_path=tmp_path / "sandbox.json", contacts=DEMO_CONTACTS, config=config
    ) as sandbox:
        yield sandbox


@pytest.fixture
def pointed(xero: Sandbox, store: Store, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """socket pointed at the sandbox (SOCKET_XERO_API_URL, SOCKET_XERO_IDENTITY_URL)."""
    monkeypatch.setenv("SOCKET_XERO_API_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", xero.base_url)
    return xero


@pytest.fixture
def connected(pointed: Sandbox, socket: Socket, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The store connected to the sandbox's organisation with its custom connection; the
    sandbox's calls counted from here on."""
    monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
    socket.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)
    monkeypatch.delenv("SOCKET_XERO_CLIENT_SECRET")
    pointed.clear_calls()
    return pointed

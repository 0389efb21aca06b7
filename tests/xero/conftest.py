"""`socket xero ...` against the sandbox Xero over real HTTP, the test playing the browser.

Every test stands in its own data and state directories (tests/conftest.py), with the "fail"
keyring backend (no keyring, as on a headless server) unless it installs `MemoryKeyring`.
Every test that uses a store runs on SQLite and on PostgreSQL (tests/engines.py): the tokens
are files of the state directory (or the keyring) whichever the store, and never in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring.core
import pytest

from socketcli.sandbox import PKCE_CLIENT_ID, Limits, Sandbox, SandboxConfig, running_sandbox
from tests.engines import parametrize_engines
from tests.xero.xero_helpers import MemoryKeyring


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    return backend


@pytest.fixture
def store(empty_store: Path) -> Path:
    """The practice's store: initialised, empty, this test's default store."""
    return empty_store


@pytest.fixture
def xero(tmp_path: Path) -> Iterator[Sandbox]:
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(state_path=tmp_path / "sandbox.json", config=config) as sandbox:
        yield sandbox


@pytest.fixture
def pointed(xero: Sandbox, store: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The practice store, and socket pointed at the sandbox with its PKCE app's client id."""
    monkeypatch.setenv("SOCKET_XERO_API_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_CLIENT_ID", PKCE_CLIENT_ID)
    return xero

"""`socket xero ...` against the sandbox Xero over real HTTP, the test playing the browser.

Every test stands in its own data and state directories (tests/conftest.py), with the "fail"
keyring backend (no keyring, as on a headless server) unless it installs `MemoryKeyring`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring.core
import pytest

from socketcli.sandbox import PKCE_CLIENT_ID, Limits, Sandbox, SandboxConfig, running_sandbox
from tests.xero.xero_helpers import MemoryKeyring, Socket


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    return backend


@pytest.fixture
def socket() -> Socket:
    return Socket()


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory, pinned_environment: Any) -> Path:
    """`socket init` once per session; each test copies it."""
    directory = tmp_path_factory.mktemp("xero-store") / "data"
    with pytest.MonkeyPatch.context() as monkeypatch:
        pinned_environment(monkeypatch, directory)
        Socket().ok("init")
    return directory


@pytest.fixture
def store(store_template: Path, data_dir: Path) -> Path:
    shutil.copytree(store_template, data_dir)
    return data_dir / "socket.db"


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

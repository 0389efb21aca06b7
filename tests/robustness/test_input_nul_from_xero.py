"""A NUL character arriving from Xero, in a contact's name or email (JSON's "\\u0000"): a
PostgreSQL text value cannot hold one, where SQLite's can, and `socket sync` crashed on it on
PostgreSQL alone. Xero's text is kept without its NULs (adapters/xero/mapping.py), on either
engine alike: the contact is mirrored, linked and made a client as any other."""

from __future__ import annotations

import uuid
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
from tests.runner import Socket
from tests.sync.sync_helpers import DEMO_CONTACTS

NAME = "Nul\x00 Trading Ltd"


@pytest.fixture
def xero(
    tmp_path: Path, empty_store: Path, socket: Socket, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    """A sandbox Xero with a customer whose name and email hold a NUL, connected."""
    nul = {
        "contact_id": str(uuid.uuid5(uuid.NAMESPACE_URL, NAME)),
        "name": NAME,
        "email": "accounts@nul\x00.test",
        "contact_number": None,
        "account_number": None,
        "status": "ACTIVE",
        "is_customer": True,
        "merged_to": None,
    }
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(
        state_path=tmp_path / "sandbox.json", contacts=[*DEMO_CONTACTS, nul], config=config
    ) as sandbox:
        monkeypatch.setenv("SOCKET_XERO_API_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
        socket.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)
        monkeypatch.delenv("SOCKET_XERO_CLIENT_SECRET")
        yield sandbox


def test_a_contact_with_a_nul_is_mirrored_and_linked_without_it(
    socket: Socket, xero: Sandbox
) -> None:
    socket.ok("clients", "add", "NUL", "Nul Trading Ltd")
    socket.ok("sync", "--quiet")

    socket.ok("contacts", "link", "NUL", "Nul Trading Ltd")

    shown = socket.json("clients", "show", "NUL")
    assert shown["xero_contact_name"] == "Nul Trading Ltd"


def test_a_contact_with_a_nul_becomes_a_client_without_it_when_xero_is_the_crm(
    socket: Socket, xero: Sandbox
) -> None:
    socket.ok("settings", "set", "crm", "xero")

    socket.ok("sync", "--quiet")

    clients = {c["name"]: c for c in socket.json("clients", "list")}
    assert "Nul Trading Ltd" in clients
    assert not any("\x00" in name for name in clients)
    reference = clients["Nul Trading Ltd"]["reference"]
    assert socket.json("clients", "show", reference)["email"] == "accounts@nul.test"

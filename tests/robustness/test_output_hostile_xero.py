"""Hostile text arriving from Xero: contacts named with Rich markup, escape sequences, a
right-to-left override or a formula become clients by `socket sync` (Xero as the CRM), are
linked, billed, posted and reconciled, and every screen on the way prints them as text.
"""

from __future__ import annotations

import csv
import io
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

HOSTILE_CONTACTS = (
    "[/]Bad [bold]Contact",
    "Evil \x1b[2J\x1b[31mCo",
    "\u202eRTL Contact Ltd",
    '=HYPERLINK("http://evil.test") Ltd',
)


def _contact(name: str) -> dict[str, object]:
    return {
        "contact_id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        "name": name,
        "email": "",
        "contact_number": None,
        "account_number": None,
        "status": "ACTIVE",
        "is_customer": True,
        "merged_to": None,
    }


@pytest.fixture
def xero(
    tmp_path: Path, empty_store: Path, socket: Socket, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    """A sandbox Xero whose customers include the hostile names, connected to the store."""
    contacts = [*DEMO_CONTACTS, *(_contact(name) for name in HOSTILE_CONTACTS)]
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(
        state_path=tmp_path / "sandbox.json", contacts=contacts, config=config
    ) as sandbox:
        monkeypatch.setenv("SOCKET_XERO_API_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", sandbox.base_url)
        monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
        socket.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)
        monkeypatch.delenv("SOCKET_XERO_CLIENT_SECRET")
        yield sandbox


def assert_printed_as_text(output: str) -> None:
    assert "\x1b" not in output, "a raw ESC reached the terminal"
    assert "\u202e" not in output, "a raw right-to-left override reached the terminal"


def test_contacts_from_xero_are_printed_as_text_on_every_screen(
    socket: Socket, xero: Sandbox, tmp_path: Path
) -> None:
    socket.ok("settings", "set", "crm", "xero")
    synced = socket.ok("sync")
    assert_printed_as_text(synced.output)
    assert synced.stdout.startswith("Synced with Demo Practice Ltd")

    clients = {c["name"]: c["reference"] for c in socket.json("clients", "list")}
    assert set(HOSTILE_CONTACTS) <= set(clients)
    bad, evil = clients["[/]Bad [bold]Contact"], clients["Evil \x1b[2J\x1b[31mCo"]
    rtl, formula = clients["\u202eRTL Contact Ltd"], clients['=HYPERLINK("http://evil.test") Ltd']

    shown = socket.ok("clients", "show", bad)
    assert "[/]Bad [bold]Contact" in shown.stdout  # the name, and the Xero contact's name
    assert_printed_as_text(socket.ok("clients", "show", evil).output)
    assert "Evil \\x1b[2J\\x1b[31mCo" in socket.ok("clients", "show", evil).stdout

    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    for number, reference in enumerate((bad, evil, rtl, formula)):
        socket.ok(
            "proposals", "add", f"P{number}", "--client", reference,
            "--line", "Bookkeeping=100", "--start", "2026-10-01", "--accept",
        )  # fmt: skip

    for screen in (
        ("clients", "list"),
        ("contacts", "list"),
        ("contacts", "duplicates"),
        ("contacts", "match", "--auto", "--dry-run"),
        ("xero", "status"),
        ("plan", "show"),
        ("plan", "diff"),
        ("plan", "preview", evil),
        ("plan", "preview", rtl),
    ):
        result = socket.ok(*screen)
        assert_printed_as_text(result.output)
    assert "[/]Bad [bold]Contact" in socket.ok("contacts", "list").stdout
    assert "\\u202eRTL Contact Ltd" in socket.ok("plan", "show").stdout

    rows = list(csv.DictReader(io.StringIO(socket.ok("plan", "show", "--csv").stdout)))
    contacts = {row["xero_contact"] for row in rows}
    assert '\'=HYPERLINK("http://evil.test") Ltd' in contacts  # neutralised for spreadsheets

    # Approved and posted (November is due on the 21st), then read back from Xero.
    approved = socket.ok("plan", "approve", "--month", "2026-11", "--yes")
    assert_printed_as_text(approved.output)
    for screen in (
        ("plan", "status", "--month", "2026-11"),
        ("plan", "reconcile", "--month", "2026-11"),
        ("sandbox", "invoices", "--state", str(tmp_path / "sandbox.json")),
        ("sync",),
    ):
        result = socket.ok(*screen)
        assert_printed_as_text(result.output)
    held = socket.ok("sandbox", "invoices", "--state", str(tmp_path / "sandbox.json")).stdout
    assert "Evil \\x1b[2J\\x1b[31mCo" in held

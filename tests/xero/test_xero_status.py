"""`socket xero status` and `socket xero disconnect`, the playground's own Xero, and that no
token text reaches the store or any command's output."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from socketcli.adapters.xero.endpoints import SCOPES
from socketcli.sandbox import DEMO_ORGANISATION, Sandbox
from tests.runner import Socket
from tests.xero.xero_helpers import connect, only_token, refresh_with, store_bytes, stored_tokens


def test_status_shows_the_organisation_scopes_expiry_and_where_the_token_is(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)

    status = socket.json("xero", "status")

    assert status["organisation"] == DEMO_ORGANISATION
    assert status["tenant_id"] == pointed.tenant_id
    assert status["connection"] == "pkce"
    assert status["scopes"] == list(SCOPES)
    expires = datetime.fromisoformat(status["access_token_expires"])
    issued = datetime.fromisoformat(status["refresh_token_issued"])
    assert timedelta(minutes=29) < expires - issued <= timedelta(minutes=30)
    assert status["access_token_expired"] is False
    assert 0 <= status["refresh_token_age_days"] < 0.01
    assert datetime.fromisoformat(status["refresh_token_expires_if_unused"]) - issued == (
        timedelta(days=60)
    )
    assert status["token_store"] == "file"
    assert status["token_file"] == str(state_dir / "xero-tokens.json")
    assert status["playground"] is False
    assert status["check"] is None
    table = socket.ok("xero", "status").stdout
    assert DEMO_ORGANISATION in table
    assert "token store" in table


def test_status_without_a_connection_says_how_to_connect(socket: Socket, store: Path) -> None:
    line = socket.fails("xero", "status", code=6)
    assert "not connected to Xero: run `socket xero connect`" in line


def test_disconnect_revokes_at_xero_and_forgets_here(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    token = only_token(state_dir)
    assert token.refresh_token

    result = socket.ok("xero", "disconnect")

    assert "Xero: removed the connection in Xero." in result.stderr
    assert "Xero: revoked the refresh token." in result.stderr
    assert f"Disconnected from {DEMO_ORGANISATION}" in result.stderr
    calls = pointed.call_counts()
    assert calls["DELETE /connections/{id}"] == calls["POST /connect/revocation"] == 1
    assert refresh_with(pointed, token.refresh_token) == 400  # revoked
    assert not any(c.client_id == pointed.client_id for c in pointed.app.state.connections)
    assert stored_tokens(state_dir) == {}
    settings = socket.json("settings", "show")
    assert (settings["xero_tenant_id"], settings["xero_organisation"]) == ("", "")
    socket.fails("xero", "status", code=6)
    assert "nothing to do" in socket.ok("xero", "disconnect").stderr


def test_disconnect_forgets_locally_when_xero_cannot_be_reached(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    pointed.stop()

    result = socket.ok("xero", "disconnect")

    assert "warning: cannot reach Xero" in result.stderr
    assert "forgotten here" in result.stderr
    assert stored_tokens(state_dir) == {}
    assert socket.json("settings", "show")["xero_tenant_id"] == ""


def test_no_token_text_reaches_the_store_or_any_output(
    socket: Socket, pointed: Sandbox, state_dir: Path, store: Path
) -> None:
    seen: set[str] = set()

    def remember() -> None:
        for token in stored_tokens(state_dir).values():
            seen.update(s for s in (token.access_token, token.refresh_token) if s)

    connect(socket)
    remember()
    socket.ok("xero", "status")
    socket.ok("xero", "status", "--json")
    pointed.advance_clock(31 * 60)
    socket.ok("xero", "status", "--check")
    remember()
    socket.ok("settings", "show")
    socket.ok("xero", "disconnect")

    assert len(seen) == 4
    database = store_bytes(socket, store)
    for secret in seen:
        assert secret.encode() not in database
        for output in socket.outputs:
            assert secret not in output


@pytest.fixture
def playground(socket: Socket, data_dir: Path) -> Path:
    socket.ok("playground")
    return data_dir / "playground.db"


def test_the_playground_connects_to_its_own_sandbox_and_says_so(
    socket: Socket, playground: Path, state_dir: Path
) -> None:
    result = socket.ok("--playground", "xero", "connect")

    assert "Playground: Xero is the sandbox on http://127.0.0.1:" in result.stderr
    assert "nothing reaches a real Xero" in result.stderr
    assert f"Connected to {DEMO_ORGANISATION}" in result.stderr
    assert (state_dir / "playground-xero.json").exists()
    status = socket.json("--playground", "xero", "status", "--check")
    assert (status["organisation"], status["playground"], status["check"]) == (
        DEMO_ORGANISATION,
        True,
        "ok",
    )
    # Its tokens are the playground's, apart from a practice's own connection (which may be
    # to `socket sandbox serve`, whose tenant id is the same).
    assert list(stored_tokens(state_dir)) == [f"playground-xero:{status['tenant_id']}"]
    socket.ok("--playground", "xero", "disconnect")
    assert stored_tokens(state_dir) == {}


def test_the_playground_ignores_xero_urls_in_the_environment(
    socket: Socket, playground: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCKET_XERO_API_URL", "https://api.xero.com")
    monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", "https://identity.xero.com")

    result = socket.ok("--playground", "xero", "connect")

    assert "Playground: Xero is the sandbox on http://127.0.0.1:" in result.stderr

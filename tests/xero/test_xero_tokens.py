"""Token storage and refresh: rotation with its grace period, two processes refreshing at once,
the keyring and the 0600 file, the environment override, and a cron-like run."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.identity import IdentityApi

from socketcli.adapters.xero.access import open_xero
from socketcli.adapters.xero.endpoints import XeroEndpoints
from socketcli.adapters.xero.errors import PlaygroundRefusal, XeroAuthorisationFailed
from socketcli.adapters.xero.oauth import IdentityClient
from socketcli.adapters.xero.tokens import TokenSource, TokenStore
from socketcli.sandbox import Sandbox
from tests.runner import Socket
from tests.xero.xero_helpers import MemoryKeyring, connect, only_token, refresh_with, stored_tokens

HERE = Path(__file__).parent
PAST_EXPIRY = 31 * 60


def test_an_expiring_token_is_refreshed_rotated_and_saved_and_the_old_one_has_thirty_minutes(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    first = only_token(state_dir)
    pointed.advance_clock(PAST_EXPIRY)
    pointed.clear_calls()

    with open_xero({"xero_tenant_id": pointed.tenant_id}) as xero:
        xero.now = lambda: time.time() + PAST_EXPIRY
        source = xero.token_source()
        access = source.access_token()
        again = source.access_token()

    assert pointed.call_counts()["POST /connect/token"] == 1
    second = only_token(state_dir)
    assert access == again == second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert pointed.app.state.access_token(access) is not None
    # Xero's rotation: the old refresh token still works for 30 minutes, then never again.
    assert first.refresh_token
    assert second.refresh_token
    pointed.advance_clock(29 * 60)
    assert refresh_with(pointed, first.refresh_token) == 200
    pointed.advance_clock(2 * 60)
    assert refresh_with(pointed, first.refresh_token) == 400


def test_xero_refusing_a_token_early_renews_it_once_through_the_lock(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    first = only_token(state_dir)
    pointed.advance_clock(PAST_EXPIRY)  # socket's clock has not moved: Xero's 401 tells it
    pointed.clear_calls()

    status = socket.json("xero", "status", "--check")

    assert status["check"] == "ok"
    assert pointed.call_counts() == {"GET /connections": 2, "POST /connect/token": 1}
    assert only_token(state_dir).refresh_token != first.refresh_token


def test_two_processes_needing_a_refresh_at_once_refresh_once_and_share_the_newest_token(
    socket: Socket, pointed: Sandbox, state_dir: Path, tmp_path: Path
) -> None:
    connect(socket)
    first = only_token(state_dir)
    pointed.advance_clock(PAST_EXPIRY)
    pointed.clear_calls()
    go = tmp_path / "go"
    ready = [tmp_path / "ready-1", tmp_path / "ready-2"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "refresher.py"),
                str(go),
                str(flag),
                pointed.tenant_id,
                str(PAST_EXPIRY),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 30
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # both hold the same expired token
    go.touch()
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        answers.append(json.loads(out))

    assert pointed.call_counts()["POST /connect/token"] == 1
    assert sorted(a["refreshes"] for a in answers) == [0, 1]
    newest = only_token(state_dir)
    assert newest.refresh_token != first.refresh_token
    digest = hashlib.sha256(newest.access_token.encode()).hexdigest()
    assert [a["token_sha256"] for a in answers] == [digest, digest]
    assert all(a["reached"] == [pointed.tenant_id] for a in answers)
    # The stored refresh token is the newest one Xero issued (the only one not superseded).
    assert newest.refresh_token
    held = pointed.app.state.refresh_token(newest.refresh_token)
    assert held is not None
    assert held.superseded is None


def test_a_working_keyring_keeps_the_token_and_no_file_is_written(
    socket: Socket, pointed: Sandbox, state_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    result = connect(socket)

    assert "the token is kept in keyring" in result.stderr
    assert not (state_dir / "xero-tokens.json").exists()
    ((service, user),) = memory_keyring.entries
    assert (service, user) == ("socketcli", f"xero:{pointed.tenant_id}")
    assert json.loads(memory_keyring.entries[service, user])["kind"] == "pkce"
    assert socket.json("xero", "status")["token_store"] == "keyring"
    assert "No OS keyring" not in "".join(socket.outputs)


def test_without_a_keyring_the_token_file_is_0600_and_the_warning_is_shown_once(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    first = connect(socket)
    status = socket("xero", "status")
    again = connect(socket)

    path = state_dir / "xero-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"the token is kept in {path}" in first.stderr
    warnings = [o for o in (first.stderr, status.stderr, again.stderr) if "No OS keyring" in o]
    assert warnings == [first.stderr]
    assert str(path) in first.stderr
    assert socket.json("xero", "status")["token_file"] == str(path)


def test_the_file_can_be_chosen_where_a_keyring_works(
    socket: Socket,
    pointed: Sandbox,
    state_dir: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOCKET_XERO_TOKEN_STORE", "file")
    connect(socket)
    assert memory_keyring.entries == {}
    assert list(stored_tokens(state_dir)) == [pointed.tenant_id]


def test_a_token_in_the_environment_overrides_storage_and_is_never_refreshed(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCKET_XERO_ACCESS_TOKEN", pointed.issue_token())
    monkeypatch.setenv("SOCKET_XERO_TENANT_ID", pointed.tenant_id)

    status = socket.json("xero", "status", "--check")

    assert (status["token_store"], status["connection"], status["check"]) == (
        "environment",
        "environment",
        "ok",
    )
    assert status["tenant_id"] == pointed.tenant_id
    pointed.advance_clock(PAST_EXPIRY)
    line = socket.fails("xero", "status", "--check", code=6)
    assert "SOCKET_XERO_ACCESS_TOKEN" in line
    assert "not refreshed" in line


def test_the_environment_override_needs_both_variables(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCKET_XERO_ACCESS_TOKEN", "x")
    line = socket.fails("xero", "status", code=2)
    assert "SOCKET_XERO_TENANT_ID is not set" in line


def test_xero_python_accepts_the_token_dict(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    with open_xero({"xero_tenant_id": pointed.tenant_id}) as xero:
        source = xero.token_source()
        configuration = Configuration()
        configuration.oauth2_token = OAuth2Token(client_id=pointed.client_id)
        client = ApiClient(
            configuration,
            pool_threads=1,
            oauth2_token_getter=source.xero_token_dict,
            oauth2_token_saver=lambda token: None,
        )
        (connection,) = IdentityApi(client, base_url=xero.endpoints.api_url).get_connections()
    assert connection.tenant_id == pointed.tenant_id
    assert set(source.xero_token_dict()) <= {
        "access_token",
        "refresh_token",
        "id_token",
        "token_type",
        "expires_in",
        "expires_at",
        "scope",
    }


def test_a_revoked_refresh_token_asks_for_connect_again(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    connect(socket)
    token = only_token(state_dir)
    IdentityClient(XeroEndpoints.sandbox(pointed.base_url)).revoke(token)
    source = TokenSource(
        TokenStore(state_dir),
        pointed.tenant_id,
        IdentityClient(XeroEndpoints.sandbox(pointed.base_url)).refresh,
        now=lambda: time.time() + PAST_EXPIRY,
    )
    with pytest.raises(XeroAuthorisationFailed) as raised:
        source.access_token()
    assert "invalid_grant" in str(raised.value)
    assert "socket xero connect" in str(raised.value)


def test_no_secret_shows_in_a_token_repr(socket: Socket, pointed: Sandbox, state_dir: Path) -> None:
    connect(socket)
    token = only_token(state_dir)
    assert token.refresh_token
    for shown in (repr(token), str(token), f"{token}"):
        assert token.access_token not in shown
        assert token.refresh_token not in shown
        assert "redacted" in shown


def test_playground_mode_refuses_any_address_off_this_machine() -> None:
    with pytest.raises(PlaygroundRefusal):
        XeroEndpoints(playground=True)
    with pytest.raises(PlaygroundRefusal):
        XeroEndpoints.sandbox("http://example.com:4780", playground=True)
    assert XeroEndpoints.sandbox("http://127.0.0.1:4780", playground=True).token_url == (
        "http://127.0.0.1:4780/connect/token"
    )


def test_a_cron_like_run_without_a_keyring_uses_the_file(
    socket: Socket,
    pointed: Sandbox,
    state_dir: Path,
    data_dir: Path,
    tmp_path: Path,
    store_url: str | None,
) -> None:
    connect(socket)
    first = only_token(state_dir)
    pointed.advance_clock(PAST_EXPIRY)
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "SOCKET_STATE_DIR": str(state_dir),
        "SOCKET_DATA_DIR": str(data_dir),
        "SOCKET_XERO_API_URL": pointed.base_url,
        "SOCKET_XERO_IDENTITY_URL": pointed.base_url,
        # The practice's store: on PostgreSQL its URL, as the crontab line has it.
        **({"SOCKET_DATABASE_URL": store_url} if store_url else {}),
    }

    run = subprocess.run(
        [sys.executable, "-m", "socketcli", "xero", "status", "--check", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout)
    assert (status["check"], status["token_store"]) == ("ok", "file")
    latest = only_token(state_dir)
    assert latest.refresh_token != first.refresh_token
    assert stat.S_IMODE((state_dir / "xero-tokens.json").stat().st_mode) == 0o600
    for secret in (first.access_token, latest.access_token, latest.refresh_token):
        assert secret
        assert secret not in run.stdout + run.stderr

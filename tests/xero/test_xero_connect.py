"""`socket xero connect`: the PKCE flow end to end (pasted address and loopback listener),
choosing the organisation, a custom connection, and what is stored where."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from socketcli.adapters.xero.endpoints import SCOPES
from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, DEMO_ORGANISATION, Sandbox
from tests.runner import Socket
from tests.xero.xero_helpers import (
    AUTHORIZE,
    connect,
    consent,
    get,
    only_token,
    paste_redirect,
    store_bytes,
    stored_tokens,
)


def test_connecting_over_ssh_pastes_the_redirect_and_stores_the_tenant_not_the_token(
    socket: Socket, pointed: Sandbox, state_dir: Path, store: Path
) -> None:
    result = connect(socket)

    assert "Open this address in a browser" in result.stderr
    assert f"Connected to {DEMO_ORGANISATION} (tenant {pointed.tenant_id})" in result.stderr
    settings = socket.json("settings", "show")
    assert settings["xero_tenant_id"] == pointed.tenant_id
    assert settings["xero_organisation"] == DEMO_ORGANISATION
    token = only_token(state_dir)
    assert token.kind == "pkce"
    assert token.tenant_id == pointed.tenant_id
    assert token.scopes == SCOPES
    assert token.refresh_token
    # The token works: the sandbox knows it.
    assert pointed.app.state.access_token(token.access_token) is not None
    held = store_bytes(socket, store)
    assert pointed.tenant_id.encode() in held  # what the store holds is what is looked in
    assert token.access_token.encode() not in held
    assert token.refresh_token.encode() not in held


def test_the_authorize_request_is_pkce_s256_with_a_state_for_the_granular_scopes(
    socket: Socket, pointed: Sandbox
) -> None:
    seen: list[str] = []

    def paste(printed: str) -> str:
        url = AUTHORIZE.search(printed)
        assert url
        seen.append(url.group(1))
        return consent(url.group(1))

    socket.ok("xero", "connect", "--no-browser", input=paste)

    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 24
    assert query["scope"] == [" ".join(SCOPES)]
    assert query["redirect_uri"] == ["http://localhost:8735/callback"]
    assert query["client_id"] == [pointed.client_id]


def test_a_pasted_address_with_another_state_is_refused(socket: Socket, pointed: Sandbox) -> None:
    def tampered(printed: str) -> str:
        return paste_redirect(printed).replace("state=", "state=X")

    result = socket("xero", "connect", "--no-browser", input=tampered)

    assert result.exit_code == 6
    assert "state differs" in result.stderr
    assert socket.json("settings", "show")["xero_tenant_id"] == ""


def test_nothing_pasted_is_a_clear_error(socket: Socket, pointed: Sandbox) -> None:
    line = socket.fails("xero", "connect", "--no-browser", code=6, input="", chatty=True)
    assert "no address was pasted" in line


def test_with_a_browser_socket_listens_on_loopback_for_the_redirect(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch, state_dir: Path
) -> None:
    opened: list[str] = []

    def browser(url: str, *args: object, **kwargs: object) -> bool:
        # The test is the browser: the sandbox consents, then the redirect reaches socket.
        opened.append(url)
        location = consent(url)
        assert location.startswith("http://localhost:")
        status, _headers = get(location)
        assert status == 200
        return True

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", browser)

    result = socket.ok("xero", "connect", "--port", "0")

    assert len(opened) == 1
    assert "Waiting for Xero's answer on http://localhost:" in result.stderr
    assert f"Connected to {DEMO_ORGANISATION}" in result.stderr
    assert only_token(state_dir).tenant_id == pointed.tenant_id


def test_the_loopback_wait_is_bounded(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)  # a browser nobody uses

    line = socket.fails("xero", "connect", "--port", "0", "--timeout", "1", code=6, chatty=True)

    assert "no answer from the browser within 1 s" in line
    assert "--no-browser" in line


def test_without_a_display_connect_falls_back_to_pasting(socket: Socket, pointed: Sandbox) -> None:
    result = socket.ok("xero", "connect", input=lambda printed: consent_from(printed))
    assert "No browser on this machine" in result.stderr


def consent_from(printed: str) -> str:
    return paste_redirect(printed)


def test_one_organisation_is_chosen_automatically_several_need_tenant_without_a_terminal(
    socket: Socket, pointed: Sandbox
) -> None:
    second = pointed.add_organisation("Second Practice Ltd")

    line = socket.fails("xero", "connect", "--no-browser", code=2, input=consent_from, chatty=True)
    assert "choose one with --tenant" in line
    assert DEMO_ORGANISATION in line
    assert "Second Practice Ltd" in line
    assert second in line
    assert socket.json("settings", "show")["xero_tenant_id"] == ""

    connect(socket, "--tenant", second)
    settings = socket.json("settings", "show")
    assert (settings["xero_tenant_id"], settings["xero_organisation"]) == (
        second,
        "Second Practice Ltd",
    )


def test_an_unknown_tenant_is_not_found(socket: Socket, pointed: Sandbox) -> None:
    line = socket.fails(
        "xero",
        "connect",
        "--no-browser",
        "--tenant",
        "nope",
        code=3,
        input=consent_from,
        chatty=True,
    )
    assert "no connected organisation has tenant id 'nope'" in line


def test_connecting_again_to_another_organisation_replaces_the_connection(
    socket: Socket, pointed: Sandbox, state_dir: Path
) -> None:
    second = pointed.add_organisation("Second Practice Ltd")
    connect(socket, "--tenant", pointed.tenant_id)
    result = connect(socket, "--tenant", second)

    assert f"Replaced the connection to {DEMO_ORGANISATION}" in result.stderr
    assert list(stored_tokens(state_dir)) == [second]


def test_a_custom_connection_uses_client_credentials_and_keeps_its_secret_out_of_the_store(
    socket: Socket,
    pointed: Sandbox,
    state_dir: Path,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)

    result = socket.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)

    assert "with a custom connection" in result.stderr
    token = only_token(state_dir)
    assert (token.kind, token.refresh_token, token.client_id) == ("custom", None, CUSTOM_CLIENT_ID)
    assert CUSTOM_CLIENT_SECRET.encode() not in store_bytes(socket, store)
    status = socket.json("xero", "status")
    assert status["connection"] == "custom"
    assert status["refresh_token_issued"] is None

    # Expired: a new client-credentials token, got by itself.
    pointed.advance_clock(31 * 60)
    pointed.clear_calls()
    assert socket.json("xero", "status", "--check")["check"] == "ok"
    assert pointed.call_counts()["POST /connect/token"] == 1
    assert only_token(state_dir).access_token != token.access_token


def test_a_custom_connection_without_a_secret_and_no_terminal_says_how(
    socket: Socket, pointed: Sandbox
) -> None:
    line = socket.fails(
        "xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID, code=2
    )
    assert "SOCKET_XERO_CLIENT_SECRET" in line


def test_a_wrong_secret_is_refused_by_xero(socket: Socket, pointed: Sandbox) -> None:
    line = socket.fails(
        "xero",
        "connect",
        "--custom-connection",
        "--client-id",
        CUSTOM_CLIENT_ID,
        "--client-secret",
        "not-the-secret-4711",
        code=6,
    )
    assert "invalid_client" in line
    assert "not-the-secret-4711" not in line


def test_without_a_client_id_connect_says_where_to_get_one(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCKET_XERO_CLIENT_ID")

    line = socket.fails("xero", "connect", "--no-browser", code=2)

    assert "xero_client_id" in line
    assert "SOCKET_XERO_CLIENT_ID" in line


def test_the_client_id_setting_is_used(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCKET_XERO_CLIENT_ID")
    socket.ok("settings", "set", "xero_client_id", pointed.client_id)

    connect(socket)

    assert socket.json("settings", "show")["xero_tenant_id"] == pointed.tenant_id


def test_the_tenant_cannot_be_set_by_hand(socket: Socket, store: Path) -> None:
    line = socket.fails("settings", "set", "xero_tenant_id", "x", code=2)
    assert "cannot be set by hand" in line


def test_xero_cannot_be_reached_is_one_line_and_exit_7(
    socket: Socket, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_closed_port() as url:
        monkeypatch.setenv("SOCKET_XERO_API_URL", url)
        monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", url)
        line = socket.fails(
            "xero",
            "connect",
            "--custom-connection",
            "--client-id",
            CUSTOM_CLIENT_ID,
            "--client-secret",
            CUSTOM_CLIENT_SECRET,
            code=7,
        )
    assert "cannot reach Xero at 127.0.0.1" in line
    assert CUSTOM_CLIENT_SECRET not in line


class running_closed_port:
    """A loopback URL on which nothing listens."""

    def __enter__(self) -> str:
        import socket as sockets

        probe = sockets.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        pass


def test_at_a_terminal_several_organisations_give_a_numbered_prompt(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = pointed.add_organisation("Second Practice Ltd")
    monkeypatch.setattr("socketcli.cli.xero.connect._interactive", lambda: True)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: get(consent(url))[0] == 200)

    result = socket.ok("xero", "connect", "--port", "0", input="7\n2\n")

    assert f"1. {DEMO_ORGANISATION} ({pointed.tenant_id})" in result.stderr
    assert f"2. Second Practice Ltd ({second})" in result.stderr
    assert "Choose a number from 1 to 2." in result.stderr
    assert socket.json("settings", "show")["xero_tenant_id"] == second


def test_at_a_terminal_the_custom_connection_secret_is_asked_for_hidden(
    socket: Socket, pointed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("socketcli.cli.xero.connect._interactive", lambda: True)

    result = socket.ok(
        "xero",
        "connect",
        "--custom-connection",
        "--client-id",
        CUSTOM_CLIENT_ID,
        input=CUSTOM_CLIENT_SECRET + "\n",
    )

    assert "Client secret" in result.output
    assert CUSTOM_CLIENT_SECRET not in result.output
    assert "with a custom connection" in result.stderr


def test_consent_denied_in_xero_is_a_clear_error(socket: Socket, pointed: Sandbox) -> None:
    pointed.add_fault(path="/identity/connect/authorize", oauth_error="access_denied")

    line = socket.fails("xero", "connect", "--no-browser", code=6, input=consent_from, chatty=True)

    assert "Xero did not authorise socket: access_denied" in line

"""Xero's identity service, spoken directly: the PKCE flow (authorize URL, loopback listener,
pasted redirect), the token endpoint (code, refresh, client credentials), revocation, and
GET/DELETE /connections.

Directly, with the standard library's HTTP client, because xero-python refreshes tokens only
with a client secret (a PKCE app has none) and its Configuration is process-wide. Every request
goes to a URL of `XeroEndpoints`, which refuses anything but loopback in playground mode.
Nothing here puts a token, a code or a secret into an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from socketcli.adapters.xero.endpoints import SCOPES, XeroEndpoints, is_loopback_url
from socketcli.adapters.xero.errors import (
    PlaygroundRefusal,
    XeroAuthorisationFailed,
    XeroError,
    XeroTokenRejected,
    XeroUnreachable,
)
from socketcli.adapters.xero.tokens import XeroToken

#: The loopback port `socket xero connect` listens on unless told otherwise: register
#: http://localhost:8735/callback as a redirect URI of the Xero app.
DEFAULT_CALLBACK_PORT = 8735
CALLBACK_PATH = "/callback"
#: How long one request to Xero may take.
HTTP_TIMEOUT = 30.0
USER_AGENT = "socketcli"


@dataclass(frozen=True, slots=True)
class Organisation:
    """One tenant the token reaches (an entry of GET /connections)."""

    tenant_id: str
    name: str
    connection_id: str
    tenant_type: str = "ORGANISATION"


# -- HTTP -------------------------------------------------------------------------------------


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _request(
    method: str,
    url: str,
    *,
    what: str,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> _Answer:
    """One request; any status comes back as an answer, a network failure as XeroUnreachable."""
    sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    data = None
    if form is not None:
        data = urlencode(form).encode("ascii")
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with _opener.open(request, timeout=timeout) as reply:
            return _Answer(reply.status, reply.read(), _lowered(reply.headers))
    except urllib.error.HTTPError as reply:
        with reply:
            return _Answer(reply.code, reply.read(), _lowered(reply.headers))
    except (urllib.error.URLError, OSError) as failure:
        reason = getattr(failure, "reason", failure)
        host = urlsplit(url).netloc
        raise XeroUnreachable(f"cannot reach Xero at {host} to {what}: {reason}") from None


def _lowered(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else ())}


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


def _oauth_failure(answer: _Answer, what: str) -> XeroError:
    """Xero's token endpoint said no: `invalid_grant` and friends, as one clear line."""
    body = answer.json()
    code = body.get("error") if isinstance(body, dict) else None
    if code in ("invalid_grant", "invalid_client", "unauthorized_client", "access_denied"):
        hints = {
            "invalid_grant": "the authorisation has expired or was revoked",
            "invalid_client": "Xero does not know this client id (or its secret is wrong)",
            "unauthorized_client": "this Xero app may not use that kind of connection",
            "access_denied": "access was denied",
        }
        return XeroAuthorisationFailed(
            f"Xero refused to {what}: {code} ({hints[code]}); run `socket xero connect` again"
        )
    if code:
        return XeroError(f"Xero refused to {what}: {code}")
    return XeroError(f"Xero answered HTTP {answer.status} when asked to {what}")


def token_from_answer(
    payload: Any, *, kind: str, client_id: str, now: float, client_secret: str | None = None
) -> XeroToken:
    """A XeroToken from the token endpoint's JSON (expires_in counted from `now`)."""
    if not isinstance(payload, dict) or not payload.get("access_token"):
        raise XeroError("Xero's token endpoint answered without an access token")
    refresh = payload.get("refresh_token") or None
    scope = payload.get("scope") or ""
    scopes = tuple(scope.split() if isinstance(scope, str) else scope)
    return XeroToken(
        kind="custom" if kind == "custom" else "pkce",
        client_id=client_id,
        access_token=str(payload["access_token"]),
        expires_at=now + float(payload.get("expires_in") or 1800),
        scopes=scopes,
        refresh_token=refresh,
        refreshed_at=now if refresh else None,
        client_secret=client_secret,
    )


@dataclass
class IdentityClient:
    """Xero's identity service and GET/DELETE /connections at `endpoints`."""

    endpoints: XeroEndpoints
    now: Callable[[], float] = field(default=time.time)

    def _token(
        self, form: dict[str, str], *, what: str, basic: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": basic} if basic else None
        answer = _request("POST", self.endpoints.token_url, what=what, form=form, headers=headers)
        if answer.status != 200:
            raise _oauth_failure(answer, what)
        payload = answer.json()
        if not isinstance(payload, dict):
            raise XeroError(f"Xero answered with something other than JSON when asked to {what}")
        return payload

    def exchange_code(
        self, *, client_id: str, code: str, redirect_uri: str, verifier: str
    ) -> XeroToken:
        payload = self._token(
            {
                "grant_type": "authorization_code",
                "client_id": client_id,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            what="exchange the authorisation code for tokens",
        )
        if not payload.get("refresh_token"):
            raise XeroAuthorisationFailed(
                "Xero gave no refresh token: the offline_access scope was not granted"
            )
        return token_from_answer(payload, kind="pkce", client_id=client_id, now=self.now())

    def client_credentials(self, client_id: str, client_secret: str) -> XeroToken:
        payload = self._token(
            {"grant_type": "client_credentials"},
            what="issue a token to the custom connection",
            basic=_basic(client_id, client_secret),
        )
        return token_from_answer(
            payload, kind="custom", client_id=client_id, now=self.now(), client_secret=client_secret
        )

    def refresh(self, token: XeroToken) -> XeroToken:
        """The next token for `token`: a refresh (PKCE), or a new client-credentials token."""
        if token.kind == "custom":
            if not token.client_secret:
                raise XeroAuthorisationFailed(
                    "the custom connection's client secret is not stored: run "
                    "`socket xero connect --custom-connection` again"
                )
            return self.client_credentials(token.client_id, token.client_secret)
        if not token.refresh_token:
            raise XeroAuthorisationFailed(
                "the stored Xero connection has no refresh token: run `socket xero connect` again"
            )
        payload = self._token(
            {
                "grant_type": "refresh_token",
                "client_id": token.client_id,
                "refresh_token": token.refresh_token,
            },
            what="refresh the access token",
        )
        return token_from_answer(payload, kind="pkce", client_id=token.client_id, now=self.now())

    def revoke(self, token: XeroToken) -> None:
        """POST /connect/revocation with the refresh token: it and its connections end."""
        if not token.refresh_token:
            return
        answer = _request(
            "POST",
            self.endpoints.revocation_url,
            what="revoke the refresh token",
            form={"token": token.refresh_token, "client_id": token.client_id},
        )
        if answer.status != 200:
            raise _oauth_failure(answer, "revoke the refresh token")

    def organisations(self, access_token: str) -> list[Organisation]:
        """GET /connections: the organisations this token reaches."""
        answer = _request(
            "GET",
            self.endpoints.connections_url,
            what="list the connected organisations",
            headers={"Authorization": f"Bearer {access_token}"},
        )
        if answer.status == 401:
            raise XeroTokenRejected(
                "Xero refused the access token when listing organisations (401): run "
                "`socket xero connect` again"
            )
        if answer.status != 200 or not isinstance(answer.json(), list):
            raise XeroError(f"Xero answered HTTP {answer.status} to GET /connections")
        return [
            Organisation(
                tenant_id=str(item.get("tenantId", "")),
                name=str(item.get("tenantName") or ""),
                connection_id=str(item.get("id", "")),
                tenant_type=str(item.get("tenantType") or "ORGANISATION"),
            )
            for item in answer.json()
            if isinstance(item, dict) and item.get("tenantId")
        ]

    def delete_connection(self, access_token: str, connection_id: str) -> None:
        answer = _request(
            "DELETE",
            f"{self.endpoints.connections_url}/{connection_id}",
            what="remove the connection",
            headers={"Authorization": f"Bearer {access_token}"},
        )
        if answer.status not in (200, 204, 404):
            raise XeroError(f"Xero answered HTTP {answer.status} to DELETE /connections")


# -- PKCE ---------------------------------------------------------------------------------------


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PkceRequest:
    """One authorisation request: a random verifier (S256 challenge) and state, and its URL."""

    client_id: str
    redirect_uri: str
    authorize_endpoint: str
    scopes: tuple[str, ...] = SCOPES
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(64), repr=False)
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    @property
    def url(self) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": " ".join(self.scopes),
                "state": self.state,
                "code_challenge": _s256(self.verifier),
                "code_challenge_method": "S256",
            }
        )
        return f"{self.authorize_endpoint}?{query}"

    def code_from(self, redirected_to: str) -> str:
        """The authorisation code of the address the browser was sent back to, state checked."""
        text = redirected_to.strip()
        query = urlsplit(text).query if "?" in text or "://" in text else text.lstrip("?")
        params = parse_qs(query)
        state = params.get("state", [""])[0]
        if "error" in params:
            if state and not secrets.compare_digest(state, self.state):
                raise XeroAuthorisationFailed(
                    "the address is not the answer to this connection request (state differs)"
                )
            reason = params["error"][0]
            raise XeroAuthorisationFailed(f"Xero did not authorise socket: {reason}")
        code = params.get("code", [""])[0]
        if not code:
            raise XeroAuthorisationFailed(
                "that address carries no authorisation code: paste the whole address the "
                "browser was sent to (it starts with " + self.redirect_uri + "?code=...)"
            )
        if not secrets.compare_digest(state, self.state):
            raise XeroAuthorisationFailed(
                "the address is not the answer to this connection request (state differs): "
                "start again"
            )
        return code


def callback_uri(port: int) -> str:
    return f"http://localhost:{port}{CALLBACK_PATH}"


_PAGE = "<!doctype html><meta charset=utf-8><title>socket</title><h1>{title}</h1><p>{text}</p>"


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._answer(404, "Not found", "socket is waiting for Xero on /callback.")
            return
        params = parse_qs(parts.query)
        if "code" in params:
            title, text = "Connected", "socket has its answer from Xero: you may close this tab."
        else:
            title, text = "Not connected", "Xero did not authorise socket: see the terminal."
        self._answer(200, title, text)
        self.server.received(parts.query)

    def _answer(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query holds the authorisation code: never log it


class _CallbackServer(HTTPServer):
    def __init__(self, port: int) -> None:
        self.query: str | None = None
        self.arrived = threading.Event()
        super().__init__(("127.0.0.1", port), _CallbackHandler)

    def received(self, query: str) -> None:
        if self.query is None:
            self.query = query
            self.arrived.set()


class CallbackListener:
    """A one-shot HTTP server on 127.0.0.1:PORT that waits for the browser's redirect.

    Served from a thread, so that a browser started by `webbrowser.open` (which may wait for
    its command to end) can already be answered.
    """

    def __init__(self, port: int = DEFAULT_CALLBACK_PORT) -> None:
        try:
            self._server = _CallbackServer(port)
        except OSError as failure:
            from socketcli.domain.errors import Conflict

            raise Conflict(
                f"cannot listen on localhost:{port} for Xero's answer ({failure.strerror or failure}): "
                "choose another port with --port (and register it with the Xero app), or use "
                "--no-browser"
            ) from None
        self.port = int(self._server.server_address[1])
        self.redirect_uri = callback_uri(self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="xero-callback",
            daemon=True,
        )
        self._thread.start()

    def wait(self, timeout: float) -> str:
        """The redirect's query string; XeroAuthorisationFailed after `timeout` seconds."""
        if not self._server.arrived.wait(timeout):
            raise XeroAuthorisationFailed(
                f"no answer from the browser within {timeout:.0f} s: run `socket xero connect` "
                "again (or with --no-browser to paste the address instead)"
            )
        return "?" + (self._server.query or "")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> CallbackListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def consent_on_loopback(request: PkceRequest) -> str:
    """Play the browser against the sandbox on this machine (which consents at once): the
    address it redirects to. For playground mode, whose endpoints are loopback only."""
    if not is_loopback_url(request.authorize_endpoint):
        raise PlaygroundRefusal("socket consents by itself only to the sandbox on this machine")
    answer = _request("GET", request.url, what="ask the sandbox for consent")
    location = answer.headers.get("location")
    if answer.status not in (301, 302, 303, 307) or not location:
        raise XeroAuthorisationFailed(
            f"the sandbox did not consent (HTTP {answer.status} without a redirect)"
        )
    return location

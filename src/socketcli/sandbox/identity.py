"""Xero's identity service in the sandbox: the browser's authorize step, the token endpoint,
revocation, and GET/DELETE /connections.

As https://login.xero.com/identity/connect/authorize: auto-approves for the sandbox's user
and redirects (302) to the redirect_uri with `code`, `scope`, `state` and `session_state`.
As https://identity.xero.com/connect/token: the authorization_code grant (PKCE S256 checked
against the challenge given at authorize), refresh_token (rotating: every refresh returns a
new refresh token; the previous one keeps working for the grace period, then answers
invalid_grant), and client_credentials (a custom connection: HTTP Basic or form client id and
secret, one organisation, no refresh token). Access tokens are opaque random strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from socketcli.sandbox.jsonfmt import connection_date
from socketcli.sandbox.state import (
    AccessToken,
    AuthCode,
    Client,
    Connection,
    RefreshToken,
    SandboxState,
    digest,
)
from socketcli.sandbox.wire import (
    Request,
    Response,
    json_response,
    not_found,
    oauth_error,
    text_response,
    unauthorized,
)

#: Scopes the sandbox grants: the spec's, offline_access, and the granular scopes of apps
#: created from March 2026.
KNOWN_SCOPES = frozenset(
    {
        "openid",
        "profile",
        "email",
        "offline_access",
        "accounting.attachments",
        "accounting.attachments.read",
        "accounting.budgets.read",
        "accounting.contacts",
        "accounting.contacts.read",
        "accounting.journals.read",
        "accounting.reports.read",
        "accounting.reports.tenninetynine.read",
        "accounting.settings",
        "accounting.settings.read",
        "accounting.transactions",
        "accounting.transactions.read",
        "accounting.invoices",
        "accounting.invoices.read",
        "accounting.payments",
        "accounting.payments.read",
        "accounting.banktransactions",
        "accounting.banktransactions.read",
        "accounting.manualjournals",
        "accounting.manualjournals.read",
        "paymentservices",
    }
)
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_ID_TOKEN_KEY = b"socketcli sandbox id_token key (not a secret)"


@dataclass(frozen=True)
class Lifetimes:
    access: timedelta = timedelta(minutes=30)
    refresh_grace: timedelta = timedelta(minutes=30)
    refresh_unused: timedelta = timedelta(days=60)
    code: timedelta = timedelta(minutes=5)


def redirect_allowed(registered: list[str], given: str) -> bool:
    """Exact match, or (RFC 8252) a loopback redirect on any port with the same path."""
    if given in registered:
        return True
    wanted = urlsplit(given)
    for uri in registered:
        known = urlsplit(uri)
        if (
            known.hostname in _LOOPBACK
            and wanted.hostname == known.hostname
            and wanted.scheme == known.scheme
            and (wanted.path or "/") == (known.path or "/")
            and wanted.query == known.query
        ):
            return True
    return False


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _page(status: int, message: str) -> Response:
    """The error page Xero's login shows when it cannot redirect back (bad client or redirect)."""
    html = f"<!doctype html><title>Xero sandbox</title><h1>Sorry, something went wrong</h1><p>{message}</p>"
    return text_response(status, html, "text/html; charset=utf-8")


def authorize(
    state: SandboxState,
    request: Request,
    now: datetime,
    lifetimes: Lifetimes,
    *,
    forced_error: str | None = None,
) -> tuple[Response, bool]:
    """GET /identity/connect/authorize: consent as the sandbox's user, then 302 to redirect_uri."""
    client_id = request.param("client_id") or ""
    redirect_uri = request.param("redirect_uri") or ""
    client = state.client(client_id)
    if client is None or client.kind == "custom":
        return _page(400, "unauthorized_client: the client_id is not a registered app"), False
    if not redirect_uri or not redirect_allowed(client.redirect_uris, redirect_uri):
        return _page(400, "invalid_request: the redirect_uri is not registered for this app"), False
    challenge = request.param("code_challenge")
    method = request.param("code_challenge_method")
    if client.kind == "pkce" and not challenge:
        return _page(400, "invalid_request: code_challenge is required (PKCE)"), False
    if challenge and (method or "plain") != "S256":
        return _page(400, "invalid_request: code_challenge_method must be S256"), False
    given_state = request.param("state")

    def back(params: dict[str, str]) -> Response:
        if given_state is not None:
            params["state"] = given_state
        return Response(
            302, headers=[("Location", _with_query(redirect_uri, params)), ("Content-Length", "0")]
        )

    if (request.param("response_type") or "") != "code":
        return back({"error": "unsupported_response_type"}), False
    scopes = (request.param("scope") or "").split()
    if not scopes or any(scope not in KNOWN_SCOPES for scope in scopes):
        return back({"error": "invalid_scope"}), False
    if forced_error:
        return back({"error": forced_error}), False
    user = state.users[0] if state.users else None
    if user is None:
        return back({"error": "access_denied"}), False

    auth_event_id = str(uuid.uuid4())
    for tenant_id in user.tenant_ids:
        if tenant_id not in state.organisations:
            continue
        existing = next(
            (
                c
                for c in state.connections
                if c.client_id == client.client_id
                and c.user_id == user.user_id
                and c.tenant_id == tenant_id
            ),
            None,
        )
        if existing is None:
            state.connections.append(
                Connection(
                    str(uuid.uuid4()),
                    tenant_id,
                    client.client_id,
                    user.user_id,
                    auth_event_id,
                    now,
                    now,
                )
            )
        else:
            existing.auth_event_id = auth_event_id
            existing.updated = now
    code = secrets.token_urlsafe(32)
    scope = " ".join(scopes)
    state.auth_codes.append(
        AuthCode(
            code_sha256=digest(code),
            client_id=client.client_id,
            user_id=user.user_id,
            redirect_uri=redirect_uri,
            scope=scope,
            challenge=challenge,
            challenge_method=method if challenge else None,
            auth_event_id=auth_event_id,
            expires=now + lifetimes.code,
        )
    )
    return back({"code": code, "scope": scope, "session_state": secrets.token_urlsafe(16)}), True


def _client_credentials(
    state: SandboxState, request: Request, form: dict[str, str]
) -> tuple[Client | None, Response | None]:
    """The calling app: HTTP Basic (id:secret) or client_id (+ client_secret) in the form."""
    header = request.header("Authorization") or ""
    client_id = form.get("client_id") or ""
    secret: str | None = form.get("client_secret") or None
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            raw_id, _, raw_secret = decoded.partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, oauth_error("invalid_client")
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret) or None
    client = state.client(client_id)
    if client is None:
        return None, oauth_error("invalid_client")
    if client.secret_sha256 is not None and (
        secret is None or not hmac.compare_digest(digest(secret), client.secret_sha256)
    ):
        return None, oauth_error("invalid_client")
    return client, None


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .rstrip(b"=")
        .decode("ascii")
    )


def _verifier_ok(verifier: str) -> bool:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return 43 <= len(verifier) <= 128 and set(verifier) <= allowed


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _id_token(
    state: SandboxState,
    client_id: str,
    user_id: str,
    issuer: str,
    now: datetime,
    lifetimes: Lifetimes,
) -> str:
    user = state.user(user_id)
    claims: dict[str, Any] = {
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "iss": issuer,
        "aud": client_id,
        "iat": int(now.timestamp()),
        "auth_time": int(now.timestamp()),
        "sub": user_id.replace("-", ""),
        "xero_userid": user_id,
        "global_session_id": uuid.uuid4().hex,
        "sid": uuid.uuid4().hex,
    }
    if user is not None:
        claims.update(
            preferred_username=user.email,
            email=user.email,
            given_name=user.given_name,
            family_name=user.family_name,
        )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(_ID_TOKEN_KEY, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"


def issue_access_token(
    state: SandboxState,
    *,
    client_id: str,
    user_id: str | None,
    scope: str,
    grant_id: str,
    now: datetime,
    lifetime: timedelta,
) -> str:
    token = secrets.token_urlsafe(48)
    state.access_tokens.append(
        AccessToken(
            str(uuid.uuid4()),
            digest(token),
            client_id,
            user_id,
            scope,
            grant_id,
            now,
            now + lifetime,
        )
    )
    return token


def _tokens(
    state: SandboxState,
    *,
    client: Client,
    user_id: str | None,
    scope: str,
    grant_id: str,
    now: datetime,
    lifetimes: Lifetimes,
    issuer: str,
    with_refresh: bool,
    with_id_token: bool,
) -> Response:
    payload: dict[str, Any] = {}
    if with_id_token and user_id is not None:
        payload["id_token"] = _id_token(state, client.client_id, user_id, issuer, now, lifetimes)
    payload["access_token"] = issue_access_token(
        state,
        client_id=client.client_id,
        user_id=user_id,
        scope=scope,
        grant_id=grant_id,
        now=now,
        lifetime=lifetimes.access,
    )
    payload["expires_in"] = int(lifetimes.access.total_seconds())
    payload["token_type"] = "Bearer"
    if with_refresh and user_id is not None:
        refresh = secrets.token_urlsafe(32)
        state.refresh_tokens.append(
            RefreshToken(
                str(uuid.uuid4()), digest(refresh), client.client_id, user_id, scope, grant_id, now
            )
        )
        payload["refresh_token"] = refresh
    payload["scope"] = scope
    return json_response(200, payload, [("Cache-Control", "no-store"), ("Pragma", "no-cache")])


def token(
    state: SandboxState,
    request: Request,
    now: datetime,
    lifetimes: Lifetimes,
    *,
    issuer: str,
    forced_error: str | None = None,
) -> tuple[Response, bool]:
    """POST /connect/token (form-encoded)."""
    if request.method != "POST":
        return Response(405, headers=[("Allow", "POST")]), False
    form = request.form()
    client, failure = _client_credentials(state, request, form)
    if failure is not None or client is None:
        return failure or oauth_error("invalid_client"), False
    if forced_error:
        return oauth_error(forced_error), False
    grant = form.get("grant_type", "")
    if grant == "authorization_code":
        return _authorization_code(state, client, form, now, lifetimes, issuer)
    if grant == "refresh_token":
        return _refresh(state, client, form, now, lifetimes, issuer)
    if grant == "client_credentials":
        if client.kind != "custom":
            return oauth_error("unauthorized_client"), False
        wanted = form.get("scope", "").split()
        if any(scope not in client.scopes for scope in wanted):
            return oauth_error("invalid_scope"), False
        scope = " ".join(wanted or client.scopes)
        response = _tokens(
            state,
            client=client,
            user_id=None,
            scope=scope,
            grant_id=str(uuid.uuid4()),
            now=now,
            lifetimes=lifetimes,
            issuer=issuer,
            with_refresh=False,
            with_id_token=False,
        )
        return response, True
    return oauth_error("unsupported_grant_type"), False


def _authorization_code(
    state: SandboxState,
    client: Client,
    form: dict[str, str],
    now: datetime,
    lifetimes: Lifetimes,
    issuer: str,
) -> tuple[Response, bool]:
    code = next(
        (c for c in state.auth_codes if c.code_sha256 == digest(form.get("code", ""))), None
    )
    if code is None or code.used or code.expires <= now or code.client_id != client.client_id:
        return oauth_error("invalid_grant"), False
    if form.get("redirect_uri", "") != code.redirect_uri:
        return oauth_error(
            "invalid_grant", "redirect_uri does not match the authorize request"
        ), False
    if code.challenge is not None:
        verifier = form.get("code_verifier", "")
        if not _verifier_ok(verifier):
            return oauth_error("invalid_request", "code_verifier is missing or malformed"), False
        if not hmac.compare_digest(_s256(verifier), code.challenge):
            return oauth_error(
                "invalid_grant", "code_verifier does not match code_challenge"
            ), False
    code.used = True
    scopes = code.scope.split()
    response = _tokens(
        state,
        client=client,
        user_id=code.user_id,
        scope=code.scope,
        grant_id=str(uuid.uuid4()),
        now=now,
        lifetimes=lifetimes,
        issuer=issuer,
        with_refresh="offline_access" in scopes,
        with_id_token="openid" in scopes,
    )
    return response, True


def _refresh(
    state: SandboxState,
    client: Client,
    form: dict[str, str],
    now: datetime,
    lifetimes: Lifetimes,
    issuer: str,
) -> tuple[Response, bool]:
    found = state.refresh_token(form.get("refresh_token", ""))
    if found is None or found.revoked or found.client_id != client.client_id:
        return oauth_error("invalid_grant"), False
    if (found.last_used or found.issued) + lifetimes.refresh_unused <= now:
        return oauth_error("invalid_grant"), False
    if found.superseded is not None and found.superseded + lifetimes.refresh_grace <= now:
        return oauth_error("invalid_grant"), False
    if found.superseded is None:
        found.superseded = now
    found.last_used = now
    response = _tokens(
        state,
        client=client,
        user_id=found.user_id,
        scope=found.scope,
        grant_id=found.grant_id,
        now=now,
        lifetimes=lifetimes,
        issuer=issuer,
        with_refresh=True,
        with_id_token=False,
    )
    return response, True


def revoke(state: SandboxState, request: Request) -> tuple[Response, bool]:
    """POST /connect/revocation: revoke a refresh token, its grant's tokens and connections."""
    if request.method != "POST":
        return Response(405, headers=[("Allow", "POST")]), False
    form = request.form()
    client, failure = _client_credentials(state, request, form)
    if failure is not None or client is None:
        return failure or oauth_error("invalid_client"), False
    found = state.refresh_token(form.get("token", ""))
    if found is None or found.client_id != client.client_id:
        return Response(200), False  # RFC 7009: an unknown token is not an error
    for refresh in state.refresh_tokens:
        if refresh.grant_id == found.grant_id:
            refresh.revoked = True
    for access in state.access_tokens:
        if access.grant_id == found.grant_id:
            access.revoked = True
    state.connections = [
        c
        for c in state.connections
        if not (c.client_id == client.client_id and c.user_id == found.user_id)
    ]
    return Response(200), True


def bearer(state: SandboxState, request: Request, now: datetime) -> AccessToken | Response:
    """The access token of `Authorization: Bearer ...`, or Xero's 401."""
    header = request.header("Authorization") or ""
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return unauthorized()
    found = state.access_token(header[7:].strip())
    if found is None or found.revoked:
        return unauthorized()
    if found.expires <= now:
        when = found.expires.strftime("%m/%d/%Y %H:%M:%S")
        return unauthorized(
            f"TokenExpired: token expired at {when}", f"The token expired at '{when}'"
        )
    return found


def connection_json(state: SandboxState, connection: Connection) -> dict[str, Any]:
    organisation = state.organisations[connection.tenant_id]
    return {
        "id": connection.id,
        "authEventId": connection.auth_event_id,
        "tenantId": connection.tenant_id,
        "tenantType": "ORGANISATION",
        "tenantName": organisation.name,
        "createdDateUtc": connection_date(connection.created),
        "updatedDateUtc": connection_date(connection.updated),
    }


def connections(
    state: SandboxState, access: AccessToken, request: Request, parts: list[str]
) -> tuple[Response, bool]:
    """GET /connections and DELETE /connections/{id} for the token's user and app."""
    mine = state.connections_for(access.client_id, access.user_id)
    if request.method == "GET" and not parts:
        event = request.param("authEventId")
        shown = [
            connection_json(state, c) for c in mine if event is None or c.auth_event_id == event
        ]
        return json_response(200, shown), False
    if request.method == "DELETE" and len(parts) == 1:
        found = next((c for c in mine if c.id.lower() == parts[0].lower()), None)
        if found is None:
            return not_found(), False
        state.connections.remove(found)
        return Response(204), True
    return not_found(), False

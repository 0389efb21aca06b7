"""Helpers of the `socket xero` tests."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from typer.testing import Result

from socketcli.adapters.xero.endpoints import XeroEndpoints
from socketcli.adapters.xero.errors import XeroError
from socketcli.adapters.xero.oauth import IdentityClient
from socketcli.adapters.xero.tokens import TOKEN_FILE, XeroToken
from socketcli.sandbox import Sandbox
from tests.engines import dump
from tests.runner import Socket

AUTHORIZE = re.compile(r"(http://\S+/identity/connect/authorize\?\S+)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str) -> tuple[int, dict[str, str]]:
    """A GET that follows no redirect: its status and headers (lowercase names)."""
    try:
        with _opener.open(url, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}
    except urllib.error.HTTPError as reply:
        return reply.code, {k.lower(): v for k, v in reply.headers.items()}


def consent(authorize_url: str) -> str:
    """The browser's part: open the authorize URL; the sandbox consents and redirects back."""
    status, headers = get(authorize_url)
    assert status == 302, status
    return headers["location"]


def connect(socket: Socket, *args: str) -> Result:
    """`socket xero connect --no-browser`, the test pasting the address the browser reached."""
    return socket.ok("xero", "connect", "--no-browser", *args, input=paste_redirect)


def paste_redirect(printed: str) -> str:
    """What a person does over SSH: open the printed URL elsewhere, paste where it went."""
    found = AUTHORIZE.search(printed)
    assert found, f"no authorize URL was printed:\n{printed}"
    return consent(found.group(1))


class MemoryKeyring(KeyringBackend):
    """A working OS keyring, in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


def stored_tokens(state_dir: Path) -> dict[str, XeroToken]:
    """The token file's entries (the "fail" keyring sends every token there)."""
    path = state_dir / TOKEN_FILE
    if not path.exists():
        return {}
    return {key: XeroToken.from_json(value) for key, value in json.loads(path.read_text()).items()}


def only_token(state_dir: Path) -> XeroToken:
    (token,) = stored_tokens(state_dir).values()
    return token


def refresh_with(xero: Sandbox, refresh_token: str) -> int:
    """A refresh straight at the sandbox's token endpoint: its HTTP status."""
    client = IdentityClient(XeroEndpoints.sandbox(xero.base_url))
    token = XeroToken("pkce", xero.client_id, "-", 0.0, (), refresh_token=refresh_token)
    try:
        client.refresh(token)
    except XeroError:
        return 400
    return 200


def store_bytes(socket: Socket, store: Path) -> bytes:
    """All the store holds, to look for a secret in: a SQLite store's files (the database and
    its write-ahead log) as they are on disk; on PostgreSQL (the runner names the test's
    database with --db) the text of every value of every row of every table."""
    if isinstance(socket.db, str) and not socket.db.startswith("sqlite"):
        return "\n".join(
            str(value) for rows in dump(socket.db).values() for row in rows for value in row
        ).encode()
    return b"".join(path.read_bytes() for path in sorted(store.parent.glob(store.name + "*")))

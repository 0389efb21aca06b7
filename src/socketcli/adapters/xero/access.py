"""Everything a Xero command needs, wired from the practice's settings and the environment:
where Xero is, the client id, the token store, the identity client, and a token source.

    with open_xero(settings, warn=say) as xero:      # starts the playground's sandbox if needed
        source = xero.token_source()                 # SOCKET_XERO_ACCESS_TOKEN, or the store
        AccountingApi(api_client, base_url=xero.endpoints.accounting_url)

In playground mode (the store's `playground` setting) Xero is the sandbox, started in this
process on a free loopback port for the command's duration with its state in the state
directory (`playground-xero.json`), and `XeroEndpoints` refuses any other address.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socketcli.adapters.xero.endpoints import XeroEndpoints
from socketcli.adapters.xero.errors import XeroError, XeroNotConnected, XeroTokenRejected
from socketcli.adapters.xero.oauth import IdentityClient, Organisation
from socketcli.adapters.xero.tokens import (
    TokenProvider,
    TokenSource,
    TokenStore,
    XeroToken,
    environment_override,
)
from socketcli.paths import state_dir

if TYPE_CHECKING:
    from socketcli.sandbox import Sandbox

CLIENT_ID_VARIABLE = "SOCKET_XERO_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "SOCKET_XERO_CLIENT_SECRET"
PLAYGROUND_STATE = "playground-xero.json"


@dataclass(frozen=True, slots=True)
class TokenFacts:
    """What `socket xero status` may show about a stored token: no secret."""

    kind: str
    scopes: tuple[str, ...]
    access_expires: datetime | None
    refresh_issued: datetime | None
    where: str
    path: str | None


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


@dataclass
class XeroAccess:
    """Xero for one command: endpoints, client id, tokens. Implements the connect service's
    `Credentials` port (facts, revoke, forget) and makes its `NewConnection`s."""

    endpoints: XeroEndpoints
    store: TokenStore
    client_id: str
    tenant_id: str
    playground: bool = False
    sandbox: Sandbox | None = None
    custom_client_id: str = ""
    custom_client_secret: str = ""
    now: Callable[[], float] = field(default=time.time)

    @property
    def identity(self) -> IdentityClient:
        return IdentityClient(self.endpoints, now=self.now)

    def token_source(self, tenant_id: str | None = None) -> TokenProvider:
        """The environment's token when SOCKET_XERO_ACCESS_TOKEN is set, else the stored one."""
        override = environment_override()
        if override is not None:
            return override
        tenant = tenant_id or self.tenant_id
        if not tenant:
            raise XeroNotConnected("not connected to Xero: run `socket xero connect`")
        return TokenSource(self.store, tenant, self.identity.refresh, now=self.now)

    def new_connection(self, token: XeroToken) -> NewConnection:
        return NewConnection(self, token)

    # -- the connect service's Credentials port ----------------------------------------------

    def facts(self, tenant_id: str) -> TokenFacts:
        if environment_override() is not None:
            return TokenFacts("environment", (), None, None, "environment", None)
        found = self.store.load(tenant_id) if tenant_id else None
        if found is None:
            raise XeroNotConnected("not connected to Xero: run `socket xero connect`")
        token, where = found
        return TokenFacts(
            kind=token.kind,
            scopes=token.scopes,
            access_expires=_moment(token.expires_at),
            refresh_issued=_moment(token.refreshed_at),
            where=where,
            path=str(self.store.path) if where == "file" else None,
        )

    def check(self, tenant_id: str) -> str:
        """Ask Xero: GET /connections with a valid token (refreshed if need be)."""
        source = self.token_source(tenant_id)
        identity = self.identity
        token = source.access_token()
        try:
            reachable = identity.organisations(token)
        except XeroTokenRejected:
            reachable = identity.organisations(source.renew(token))
        if not any(o.tenant_id == source.tenant_id for o in reachable):
            raise XeroNotConnected(
                "Xero no longer lists the organisation for this connection: run "
                "`socket xero connect`"
            )
        return "ok"

    def revoke(self, tenant_id: str) -> list[str]:
        """End the connection at Xero: DELETE /connections/{id} while the access token is still
        valid, then revoke the refresh token. What was done, as sentences."""
        found = self.store.load(tenant_id) if tenant_id else None
        if found is None:
            return []
        token, _where = found
        done: list[str] = []
        identity = self.identity
        if token.kind == "custom":
            return [
                "a custom connection is ended in the Xero developer portal; its tokens are "
                "forgotten here"
            ]
        if token.connection_id and not token.expiring(self.now()):
            identity.delete_connection(token.access_token, token.connection_id)
            done.append("removed the connection in Xero")
        identity.revoke(token)
        done.append("revoked the refresh token")
        return done

    def forget(self, tenant_id: str) -> None:
        if tenant_id:
            self.store.delete(tenant_id)


@dataclass
class NewConnection:
    """A token just granted, before its organisation is chosen (the connect service's port)."""

    access: XeroAccess
    token: XeroToken
    _reached: list[Organisation] = field(default_factory=list, repr=False)

    @property
    def kind(self) -> str:
        return self.token.kind

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.token.scopes

    def organisations(self) -> list[Organisation]:
        self._reached = self.access.identity.organisations(self.token.access_token)
        return self._reached

    def keep(self, tenant_id: str, replacing: str = "") -> str:
        """Store the token for `tenant_id` (forgetting the one it replaces); where it went."""
        connection = next((o.connection_id for o in self._reached if o.tenant_id == tenant_id), "")
        token = replace(self.token, tenant_id=tenant_id, connection_id=connection)
        store = self.access.store
        where = store.save(tenant_id, token)
        if replacing and replacing != tenant_id:
            store.delete(replacing)
        return str(store.path) if where == "file" else where


def client_id_for(settings: Mapping[str, str], environ: Mapping[str, str] | None = None) -> str:
    """SOCKET_XERO_CLIENT_ID, else the `xero_client_id` setting."""
    env = os.environ if environ is None else environ
    return (env.get(CLIENT_ID_VARIABLE) or settings.get("xero_client_id") or "").strip()


@contextlib.contextmanager
def open_xero(
    settings: Mapping[str, str],
    *,
    warn: Callable[[str], None] | None = None,
    demo_contacts: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
    directory: Path | None = None,
) -> Iterator[XeroAccess]:
    """Xero for the length of a command: the real one (or SOCKET_XERO_*_URL), or in playground
    mode the sandbox, started here and stopped at the end."""
    directory = directory or state_dir()
    tenant_id = settings.get("xero_tenant_id", "")
    if settings.get("playground") != "true":
        yield XeroAccess(
            endpoints=XeroEndpoints.from_environment(),
            store=TokenStore(directory, warn=warn),
            client_id=client_id_for(settings),
            tenant_id=tenant_id,
        )
        return
    from socketcli.sandbox import (
        CUSTOM_CLIENT_ID,
        CUSTOM_CLIENT_SECRET,
        PKCE_CLIENT_ID,
        start_sandbox,
    )

    path = directory / PLAYGROUND_STATE
    contacts = list(demo_contacts()) if demo_contacts is not None and not path.exists() else []
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        sandbox = start_sandbox(state_path=path, contacts=contacts)
    except OSError as failure:
        raise XeroError(f"cannot start the playground's sandbox Xero: {failure}") from None
    try:
        yield XeroAccess(
            endpoints=XeroEndpoints.sandbox(sandbox.base_url, playground=True),
            store=TokenStore(directory, prefix="playground-xero", warn=warn),
            client_id=PKCE_CLIENT_ID,
            tenant_id=tenant_id,
            playground=True,
            sandbox=sandbox,
            custom_client_id=CUSTOM_CLIENT_ID,
            custom_client_secret=CUSTOM_CLIENT_SECRET,
        )
    finally:
        sandbox.stop()

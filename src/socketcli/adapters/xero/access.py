"""Everything a Xero command needs, wired from the practice's settings and the environment:
where Xero is, the client id, the token store, the identity client, and a token source.

    with open_xero(settings, warn=say) as xero:
        source = xero.token_source()                 # SOCKET_XERO_ACCESS_TOKEN, or the store
        AccountingApi(api_client, base_url=xero.endpoints.accounting_url)

In playground mode Xero is the sandbox that socketcli.bootstrap starts for the command's
length; `sandbox_xero(settings, base_url, ...)` points a `XeroAccess` at it (loopback only: its
`XeroEndpoints` refuse any other address), with the playground's tokens kept apart.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from socketcli.adapters.xero.endpoints import XeroEndpoints
from socketcli.adapters.xero.errors import (
    PlaygroundRefusal,
    XeroAuthorisationFailed,
    XeroNotConnected,
    XeroTokenRejected,
)
from socketcli.adapters.xero.oauth import (
    DEFAULT_CALLBACK_PORT,
    CallbackListener,
    IdentityClient,
    Organisation,
    PkceRequest,
    callback_uri,
    consent_on_loopback,
)
from socketcli.adapters.xero.tokens import (
    TokenProvider,
    TokenSource,
    TokenStore,
    XeroToken,
    environment_override,
)
from socketcli.domain.errors import InvalidInput
from socketcli.paths import state_dir

CLIENT_ID_VARIABLE = "SOCKET_XERO_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "SOCKET_XERO_CLIENT_SECRET"


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
            raise self._not_connected()
        return TokenSource(self.store, tenant, self.identity.refresh, now=self.now)

    def _not_connected(self) -> XeroNotConnected:
        if self.playground:
            return XeroNotConnected(
                "not connected to Xero yet: the playground connects to its sandbox by itself "
                "at the first `socket --playground sync` or `plan post` (or run "
                "`socket --playground xero connect`)"
            )
        return XeroNotConnected("not connected to Xero: run `socket xero connect`")

    def new_connection(self, token: XeroToken) -> NewConnection:
        return NewConnection(self, token)

    # -- signing in (`socket xero connect`): the person's part is the caller's ---------------

    def pkce_client_id(self, given: str | None = None) -> str:
        """The app's client id for Auth Code with PKCE: the one given, else
        SOCKET_XERO_CLIENT_ID or the xero_client_id setting (in the playground, the sandbox's)."""
        client_id = given or self.client_id
        if not client_id:
            raise InvalidInput(
                "no Xero client id: create an app (Auth code with PKCE, redirect URI "
                f"{callback_uri(DEFAULT_CALLBACK_PORT)}) at developer.xero.com, then "
                f"`socket settings set xero_client_id ID` (or set {CLIENT_ID_VARIABLE})"
            )
        return client_id

    def pkce_request(self, client_id: str, redirect_uri: str = "", *, port: int = 0) -> PkceRequest:
        """A sign-in at this Xero, answered at `redirect_uri`, else at the loopback callback on
        `port` (0: the default port)."""
        redirect_uri = redirect_uri or callback_uri(port or DEFAULT_CALLBACK_PORT)
        return PkceRequest(client_id, redirect_uri, self.endpoints.authorize_url)

    @staticmethod
    def listen(port: int) -> CallbackListener:
        """The loopback server that waits for the browser's answer on `port` (0: any)."""
        return CallbackListener(port)

    @staticmethod
    def sandbox_consent(request: PkceRequest) -> str:
        """The playground's sign-in: the sandbox consents at once; where it redirects."""
        return consent_on_loopback(request)

    def exchange(self, request: PkceRequest, redirected: str | None) -> XeroToken:
        """The token for the address the browser was sent back to (None: none was given)."""
        if redirected is None:
            raise XeroAuthorisationFailed("no address was pasted: nothing was connected")
        code = request.code_from(redirected)
        return self.identity.exchange_code(
            client_id=request.client_id,
            code=code,
            redirect_uri=request.redirect_uri,
            verifier=request.verifier,
        )

    def custom_connection(
        self,
        client_id: str | None,
        client_secret: str | None,
        *,
        ask_secret: Callable[[], str] | None = None,
    ) -> XeroToken:
        """A custom connection's token (client credentials): the id and secret given, else
        SOCKET_XERO_CLIENT_ID and SOCKET_XERO_CLIENT_SECRET (the sandbox's in the
        playground), else the secret `ask_secret` asks for."""
        client_id = (
            client_id or os.environ.get(CLIENT_ID_VARIABLE) or self.custom_client_id or ""
        ).strip()
        secret = (
            client_secret or os.environ.get(CLIENT_SECRET_VARIABLE) or self.custom_client_secret
        )
        if not client_id:
            raise InvalidInput(
                f"a custom connection needs its client id: --client-id ID or {CLIENT_ID_VARIABLE}"
            )
        if not secret:
            if ask_secret is None:
                raise InvalidInput(
                    "a custom connection needs its client secret: set "
                    f"{CLIENT_SECRET_VARIABLE} (or --client-secret)"
                )
            secret = ask_secret()
        return self.identity.client_credentials(client_id, secret.strip())

    # -- the connect service's Credentials port ----------------------------------------------

    def facts(self, tenant_id: str) -> TokenFacts:
        if environment_override() is not None:
            return TokenFacts("environment", (), None, None, "environment", None)
        found = self.store.load(tenant_id) if tenant_id else None
        if found is None:
            raise self._not_connected()
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
    directory: Path | None = None,
) -> Iterator[XeroAccess]:
    """The real Xero (or SOCKET_XERO_*_URL) for the length of a command. Never the playground's:
    socketcli.bootstrap starts its sandbox and points `sandbox_xero` at it."""
    if settings.get("playground") == "true":
        raise PlaygroundRefusal(
            "the playground's Xero is its sandbox, which socketcli.bootstrap's Wiring.xero opens"
        )
    yield XeroAccess(
        endpoints=XeroEndpoints.from_environment(),
        store=TokenStore(directory or state_dir(), warn=warn),
        client_id=client_id_for(settings),
        tenant_id=settings.get("xero_tenant_id", ""),
    )


def sandbox_xero(
    settings: Mapping[str, str],
    base_url: str,
    *,
    client_id: str,
    custom_client_id: str,
    custom_client_secret: str,
    warn: Callable[[str], None] | None = None,
    directory: Path | None = None,
) -> XeroAccess:
    """The playground's Xero: the sandbox at `base_url` (loopback only), with its client ids, and
    tokens kept apart from the practice's (playground-xero)."""
    return XeroAccess(
        endpoints=XeroEndpoints.sandbox(base_url, playground=True),
        store=TokenStore(directory or state_dir(), prefix="playground-xero", warn=warn),
        client_id=client_id,
        tenant_id=settings.get("xero_tenant_id", ""),
        playground=True,
        custom_client_id=custom_client_id,
        custom_client_secret=custom_client_secret,
    )

"""Connecting the practice to one Xero organisation, seeing the connection, and ending it.

The use cases decide; the ports act. A `NewConnection` is a token just granted (by the PKCE
flow or a custom connection) that reaches some organisations; `Credentials` is the stored
connection (its token's facts, revoking it at Xero, forgetting it here). The store keeps the
organisation's tenant id and name as settings, never a token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from socketcli.domain.errors import InvalidInput, NotFound, SocketError
from socketcli.domain.history import organisation_changed
from socketcli.ports.store import OpenStore

TENANT_SETTING = "xero_tenant_id"
ORGANISATION_SETTING = "xero_organisation"
#: "true" once `xero disconnect` ran (and until the next connect): the playground does not
#: connect to its sandbox by itself against the person's word.
DISCONNECTED_SETTING = "xero_disconnected"
#: Xero forgets a refresh token unused for this long.
REFRESH_TOKEN_LIFETIME = timedelta(days=60)


class Organisation(Protocol):
    @property
    def tenant_id(self) -> str: ...

    @property
    def name(self) -> str: ...


class NewConnection(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def scopes(self) -> tuple[str, ...]: ...

    def organisations(self) -> Sequence[Organisation]:
        """The organisations the new token reaches (GET /connections)."""
        ...

    def keep(self, tenant_id: str, replacing: str = "") -> str:
        """Store the token for the organisation `tenant_id`, forget `replacing`'s; where."""
        ...


class TokenFacts(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def scopes(self) -> tuple[str, ...]: ...

    @property
    def access_expires(self) -> datetime | None: ...

    @property
    def refresh_issued(self) -> datetime | None: ...

    @property
    def where(self) -> str: ...

    @property
    def path(self) -> str | None: ...


class Credentials(Protocol):
    def facts(self, tenant_id: str) -> TokenFacts:
        """The stored token's facts; the adapter's "not connected" error when there is none."""
        ...

    def check(self, tenant_id: str) -> str:
        """Ask Xero whether the connection works (refreshing the token if need be)."""
        ...

    def revoke(self, tenant_id: str) -> list[str]:
        """End the connection at Xero; what was done, as sentences."""
        ...

    def forget(self, tenant_id: str) -> None: ...


#: Asks the person to pick one of several organisations (a numbered prompt at a terminal).
Chooser = Callable[[Sequence[Organisation]], Organisation]


def choose_organisation(
    organisations: Sequence[Organisation], *, tenant: str | None, ask: Chooser | None
) -> Organisation:
    """--tenant when given; the only one; else the person's choice; else a clear error."""
    if not organisations:
        raise NotFound(
            "the Xero connection reaches no organisation: connect again and allow access to one"
        )
    listed = "; ".join(f"{o.name} ({o.tenant_id})" for o in organisations)
    if tenant:
        wanted = tenant.strip().lower()
        for organisation in organisations:
            if wanted in (organisation.tenant_id.lower(), organisation.name.lower()):
                return organisation
        raise NotFound(f"no connected organisation has tenant id {tenant!r}: {listed}")
    if len(organisations) == 1:
        return organisations[0]
    if ask is None:
        raise InvalidInput(
            f"Xero connected {len(organisations)} organisations; choose one with --tenant ID: "
            + listed
        )
    return ask(organisations)


@dataclass(frozen=True, slots=True)
class ConnectReport:
    organisation: str
    tenant_id: str
    kind: str
    scopes: tuple[str, ...]
    stored_in: str
    replaced: str


def connect(
    store: OpenStore,
    connection: NewConnection,
    *,
    tenant: str | None = None,
    ask: Chooser | None = None,
) -> ConnectReport:
    """Pick the organisation, keep the token for it, and record it in the practice settings."""
    with store(write=True) as uow:
        chosen = choose_organisation(connection.organisations(), tenant=tenant, ask=ask)
        settings = uow.settings.values()
        previous = settings.get(TENANT_SETTING, "")
        stored_in = connection.keep(chosen.tenant_id, replacing=previous)
        uow.settings.set(TENANT_SETTING, chosen.tenant_id)
        uow.settings.set(ORGANISATION_SETTING, chosen.name)
        if settings.get(DISCONNECTED_SETTING):
            uow.settings.set(DISCONNECTED_SETTING, "")
        uow.history.record(organisation_changed(chosen.name, chosen.tenant_id))
        uow.commit()
        replaced = ""
        if previous and previous != chosen.tenant_id:
            replaced = settings.get(ORGANISATION_SETTING, "") or previous
        return ConnectReport(
            chosen.name, chosen.tenant_id, connection.kind, connection.scopes, stored_in, replaced
        )


@dataclass(frozen=True, slots=True)
class StatusReport:
    organisation: str
    tenant_id: str
    connection: str
    scopes: tuple[str, ...]
    access_token_expires: datetime | None
    access_token_expired: bool | None
    refresh_token_issued: datetime | None
    refresh_token_age: timedelta | None
    refresh_token_expires: datetime | None
    token_store: str
    token_file: str | None
    check: str | None = None


def status(
    store: OpenStore,
    credentials: Credentials,
    *,
    now: datetime,
    tenant_override: str = "",
    check: bool = False,
) -> StatusReport:
    """The connected organisation and what is known of its token (asking Xero with `check`)."""
    with store() as uow:
        settings = uow.settings.values()
        tenant = tenant_override or settings.get(TENANT_SETTING, "")
        facts = credentials.facts(tenant)
        organisation = (
            settings.get(ORGANISATION_SETTING, "")
            if tenant == settings.get(TENANT_SETTING, "")
            else ""
        )
        issued = facts.refresh_issued
        return StatusReport(
            organisation=organisation,
            tenant_id=tenant,
            connection=facts.kind,
            scopes=facts.scopes,
            access_token_expires=facts.access_expires,
            access_token_expired=None
            if facts.access_expires is None
            else facts.access_expires <= now,
            refresh_token_issued=issued,
            refresh_token_age=None if issued is None else max(now - issued, timedelta(0)),
            refresh_token_expires=None if issued is None else issued + REFRESH_TOKEN_LIFETIME,
            token_store=facts.where,
            token_file=facts.path,
            check=credentials.check(tenant) if check else None,
        )


@dataclass(frozen=True, slots=True)
class DisconnectReport:
    organisation: str
    tenant_id: str
    done: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def was_connected(self) -> bool:
        return bool(self.tenant_id)


def disconnect(store: OpenStore, credentials: Credentials) -> DisconnectReport:
    """Revoke at Xero where it can be reached, then forget the tokens and the organisation.

    Xero being unreachable is reported, not fatal: the connection is forgotten here anyway.
    Failing to forget the token is fatal (the error propagates; the settings are kept, so that
    a second try knows what to forget).
    """
    with store(write=True) as uow:
        settings = uow.settings.values()
        tenant = settings.get(TENANT_SETTING, "")
        organisation = settings.get(ORGANISATION_SETTING, "")
        if not tenant:
            return DisconnectReport(organisation, "", (), ())
        done: list[str] = []
        problems: list[str] = []
        try:
            done += credentials.revoke(tenant)
        except SocketError as failure:
            problems.append(str(failure))
        credentials.forget(tenant)
        uow.settings.set(TENANT_SETTING, "")
        uow.settings.set(ORGANISATION_SETTING, "")
        uow.settings.set(DISCONNECTED_SETTING, "true")
        uow.history.record(organisation_changed(organisation, ""))
        uow.commit()
        return DisconnectReport(organisation, tenant, tuple(done), tuple(problems))

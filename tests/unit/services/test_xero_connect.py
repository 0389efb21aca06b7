"""Connecting the practice to one Xero organisation, its status, and disconnecting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from socketcli.domain.errors import InvalidInput, NotFound, SocketError
from socketcli.ports.xero import XeroUnavailable
from socketcli.services.settings import setting_values
from socketcli.services.xero_connect import Organisation, connect, disconnect, status
from tests.fakes import NOW, FakeStore

CONNECTED = {"xero_tenant_id": "t-1", "xero_organisation": "Acme Books"}


@dataclass(frozen=True)
class Org:
    tenant_id: str
    name: str


@dataclass
class FakeConnection:
    """A token just granted (ports: services.xero_connect.NewConnection)."""

    reaches: list[Org]
    kind: str = "pkce"
    scopes: tuple[str, ...] = ("accounting.contacts",)
    kept: list[tuple[str, str]] = field(default_factory=list)

    def organisations(self) -> Sequence[Organisation]:
        return self.reaches

    def keep(self, tenant_id: str, replacing: str = "") -> str:
        self.kept.append((tenant_id, replacing))
        return "the keyring"


@dataclass(frozen=True)
class Facts:
    kind: str = "pkce"
    scopes: tuple[str, ...] = ("accounting.contacts",)
    access_expires: datetime | None = None
    refresh_issued: datetime | None = None
    where: str = "the keyring"
    path: str | None = None


@dataclass
class FakeCredentials:
    """The stored connection (ports: services.xero_connect.Credentials)."""

    facts_of: Facts = field(default_factory=Facts)
    revoke_fails: SocketError | None = None
    forget_fails: SocketError | None = None
    revoked: list[str] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def facts(self, tenant_id: str) -> Facts:
        return self.facts_of

    def check(self, tenant_id: str) -> str:
        self.checked.append(tenant_id)
        return "Xero answered"

    def revoke(self, tenant_id: str) -> list[str]:
        if self.revoke_fails is not None:
            raise self.revoke_fails
        self.revoked.append(tenant_id)
        return ["revoked the refresh token at Xero"]

    def forget(self, tenant_id: str) -> None:
        if self.forget_fails is not None:
            raise self.forget_fails
        self.forgotten.append(tenant_id)


@pytest.fixture
def connected(store: FakeStore) -> FakeStore:
    connect(store.open, FakeConnection([Org("t-1", "Acme Books")]))
    return store


def test_connecting_to_the_one_organisation_the_token_reaches_records_it(
    store: FakeStore,
) -> None:
    connection = FakeConnection([Org("t-1", "Acme Books")])

    report = connect(store.open, connection)

    assert setting_values(store.open) == CONNECTED
    assert connection.kept == [("t-1", "")]
    assert (report.organisation, report.stored_in, report.replaced) == (
        "Acme Books",
        "the keyring",
        "",
    )


def test_several_organisations_need_a_choice_and_nothing_is_kept_without_one(
    store: FakeStore,
) -> None:
    connection = FakeConnection([Org("t-1", "Acme Books"), Org("t-2", "Beta Books")])

    with pytest.raises(InvalidInput, match="choose one with --tenant"):
        connect(store.open, connection)

    assert (connection.kept, setting_values(store.open)) == ([], {})


def test_the_person_chooses_among_several_organisations(store: FakeStore) -> None:
    connection = FakeConnection([Org("t-1", "Acme Books"), Org("t-2", "Beta Books")])

    connect(store.open, connection, ask=lambda organisations: organisations[1])

    assert setting_values(store.open)["xero_tenant_id"] == "t-2"


def test_connecting_to_another_organisation_by_name_replaces_the_first(
    connected: FakeStore,
) -> None:
    connection = FakeConnection([Org("t-1", "Acme Books"), Org("t-2", "Beta Books")])

    report = connect(connected.open, connection, tenant="beta books")

    assert connection.kept == [("t-2", "t-1")]
    assert report.replaced == "Acme Books"
    assert setting_values(connected.open) == {
        "xero_tenant_id": "t-2",
        "xero_organisation": "Beta Books",
    }


def test_a_tenant_the_token_does_not_reach_is_not_found(connected: FakeStore) -> None:
    with pytest.raises(NotFound, match="no connected organisation has tenant id 't-9'"):
        connect(connected.open, FakeConnection([Org("t-2", "Beta Books")]), tenant="t-9")

    assert setting_values(connected.open) == CONNECTED


def test_the_status_tells_when_the_tokens_expire(connected: FakeStore) -> None:
    credentials = FakeCredentials(
        Facts(access_expires=NOW - timedelta(minutes=1), refresh_issued=NOW - timedelta(days=50))
    )

    report = status(connected.open, credentials, now=NOW)

    assert (report.organisation, report.tenant_id) == ("Acme Books", "t-1")
    assert report.access_token_expired
    assert (report.refresh_token_age, report.refresh_token_expires) == (
        timedelta(days=50),
        NOW + timedelta(days=10),
    )
    assert (report.check, credentials.checked) == (None, [])


def test_the_status_asks_xero_only_when_told_to(connected: FakeStore) -> None:
    credentials = FakeCredentials()

    report = status(connected.open, credentials, now=NOW, check=True)

    assert (report.check, credentials.checked) == ("Xero answered", ["t-1"])


def test_disconnecting_revokes_forgets_and_clears_the_organisation(connected: FakeStore) -> None:
    credentials = FakeCredentials()

    report = disconnect(connected.open, credentials)

    assert (credentials.revoked, credentials.forgotten) == (["t-1"], ["t-1"])
    assert report.done == ("revoked the refresh token at Xero",)
    assert setting_values(connected.open) == {
        "xero_tenant_id": "",
        "xero_organisation": "",
        "xero_disconnected": "true",  # the playground does not connect again by itself
    }


def test_disconnecting_while_xero_is_unreachable_still_forgets_the_connection(
    connected: FakeStore,
) -> None:
    credentials = FakeCredentials(revoke_fails=XeroUnavailable("POST /revocation", 3, "timeout"))

    report = disconnect(connected.open, credentials)

    assert report.problems == ("Xero is unavailable: POST /revocation failed 3 times (timeout).",)
    assert credentials.forgotten == ["t-1"]
    assert setting_values(connected.open)["xero_tenant_id"] == ""


def test_a_token_that_cannot_be_forgotten_keeps_the_organisation_recorded(
    connected: FakeStore,
) -> None:
    credentials = FakeCredentials(forget_fails=SocketError("the keyring is locked"))

    with pytest.raises(SocketError, match="keyring is locked"):
        disconnect(connected.open, credentials)

    assert setting_values(connected.open) == CONNECTED


def test_disconnecting_when_not_connected_does_nothing(store: FakeStore) -> None:
    credentials = FakeCredentials()

    report = disconnect(store.open, credentials)

    assert not report.was_connected
    assert (credentials.revoked, credentials.forgotten, store.commits) == ([], [], 0)

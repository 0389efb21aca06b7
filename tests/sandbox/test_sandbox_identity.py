"""Connecting to the sandbox Xero: PKCE, rotating refresh tokens, custom connections, revocation."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from xero_python.exceptions import HTTPStatusException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import (
    SCOPES,
    Sdk,
    consent,
    exchange,
    http,
    make_sdk,
    pkce_pair,
    pkce_tokens,
    post_form,
    refresh,
)


def authorize_url(xero: Sandbox, **changes: str) -> str:
    _verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": xero.client_id,
        "redirect_uri": "http://localhost:8765/callback",
        "scope": SCOPES,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(changes)
    return f"{xero.authorize_url}?{urlencode(params)}"


def test_the_pkce_flow_gives_tokens_that_reach_the_organisation(xero: Sandbox) -> None:
    given = consent(xero)
    assert given.location.startswith("http://localhost:53682/callback?")
    assert parse_qs(urlsplit(given.location).query)["scope"] == [SCOPES]

    answer = exchange(xero, given)

    assert answer.status == 200
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 1800
    assert tokens["scope"] == SCOPES
    assert tokens["refresh_token"]
    assert tokens["access_token"]
    assert tokens["id_token"].count(".") == 2
    sdk = make_sdk(xero, tokens)
    (connection,) = sdk.identity.get_connections()
    assert connection.tenant_id == xero.tenant_id
    assert connection.tenant_name == "Demo Practice Ltd"
    assert connection.tenant_type == "ORGANISATION"
    assert connection.created_date_utc.tzinfo is not None
    contacts = sdk.accounting.get_contacts(xero.tenant_id).contacts
    assert "City Limousines" in [c.name for c in contacts]


def test_a_code_needs_its_verifier_and_works_once(xero: Sandbox) -> None:
    given = consent(xero)
    wrong = exchange(
        xero, type(given)(given.code, given.state, pkce_pair()[0], given.redirect_uri, "")
    )
    assert (wrong.status, wrong.json()["error"]) == (400, "invalid_grant")

    assert exchange(xero, given).status == 200
    again = exchange(xero, given)
    assert (again.status, again.json()["error"]) == (400, "invalid_grant")


def test_the_state_comes_back_and_any_loopback_port_is_accepted(xero: Sandbox) -> None:
    answer = http(
        "GET", authorize_url(xero, redirect_uri="http://127.0.0.1:40123/callback", state="abc")
    )
    assert answer.status == 302
    location = answer.headers["location"]
    assert location.startswith("http://127.0.0.1:40123/callback?")
    assert parse_qs(urlsplit(location).query)["state"] == ["abc"]


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "NOT-A-CLIENT"},
        {"redirect_uri": "https://evil.example/callback"},
        {"code_challenge_method": "plain"},
    ],
    ids=["unknown client", "unregistered redirect", "plain challenge"],
)
def test_the_authorize_step_refuses_without_redirecting(
    xero: Sandbox, changes: dict[str, str]
) -> None:
    answer = http("GET", authorize_url(xero, **changes))
    assert answer.status == 400
    assert "location" not in answer.headers


def test_an_unknown_scope_is_sent_back_as_an_error(xero: Sandbox) -> None:
    answer = http("GET", authorize_url(xero, scope="offline_access accounting.everything"))
    assert answer.status == 302
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["invalid_scope"]


def test_a_refresh_rotates_and_the_old_token_works_for_thirty_minutes(xero: Sandbox) -> None:
    first = pkce_tokens(xero)
    second = refresh(xero, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == SCOPES

    xero.advance_clock(29 * 60)
    within_grace = refresh(xero, first["refresh_token"])
    assert within_grace.status == 200

    xero.advance_clock(2 * 60)
    after_grace = refresh(xero, first["refresh_token"])
    assert (after_grace.status, after_grace.json()) == (400, {"error": "invalid_grant"})
    latest = refresh(xero, second["refresh_token"])
    assert latest.status == 200


def test_an_access_token_expires_after_thirty_minutes(xero: Sandbox) -> None:
    sdk = make_sdk(xero, pkce_tokens(xero))
    sdk.accounting.get_branding_themes(xero.tenant_id)
    xero.advance_clock(30 * 60 + 1)

    with pytest.raises(HTTPStatusException) as raised:
        sdk.accounting.get_branding_themes(xero.tenant_id)

    assert raised.value.status == 401
    assert "TokenExpired" in raised.value.body.decode()
    assert 'error="invalid_token"' in dict(raised.value.headers)["WWW-Authenticate"]


def test_the_sdk_refreshes_by_itself_when_it_has_a_client_secret(
    xero: Sandbox, point_token_api_at: Any
) -> None:
    point_token_api_at(xero)
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": xero.web_client_id,
            "redirect_uri": "http://localhost/callback",
            "scope": SCOPES,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    code = parse_qs(
        urlsplit(http("GET", f"{xero.authorize_url}?{query}").headers["location"]).query
    )["code"][0]
    tokens = post_form(
        xero.token_url,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost/callback",
            "code_verifier": verifier,
        },
        basic=(xero.web_client_id, xero.web_client_secret),
    ).json()
    sdk = make_sdk(xero, tokens, client_id=xero.web_client_id, client_secret=xero.web_client_secret)
    sdk.store["token"]["expires_at"] = 0  # expired, as the SDK sees it

    sdk.accounting.get_branding_themes(xero.tenant_id)

    assert sdk.token["refresh_token"] != tokens["refresh_token"]
    assert xero.call_counts()["POST /connect/token"] == 2


def test_a_custom_connection_uses_client_credentials(
    xero: Sandbox, point_token_api_at: Any
) -> None:
    point_token_api_at(xero)
    sdk = make_sdk(xero, client_id=xero.custom_client_id, client_secret=xero.custom_client_secret)

    token = sdk.client.get_client_credentials_token()

    assert "refresh_token" not in token
    assert token["expires_in"] == 1800
    (connection,) = sdk.identity.get_connections()
    assert connection.tenant_id == xero.tenant_id
    assert sdk.accounting.get_accounts(xero.tenant_id).accounts


def test_client_credentials_need_the_secret(xero: Sandbox) -> None:
    wrong = post_form(
        xero.token_url, {"grant_type": "client_credentials"}, basic=(xero.custom_client_id, "wrong")
    )
    assert (wrong.status, wrong.json()["error"]) == (400, "invalid_client")
    public = post_form(
        xero.token_url, {"grant_type": "client_credentials", "client_id": xero.client_id}
    )
    assert (public.status, public.json()["error"]) == (400, "unauthorized_client")


def test_revoking_forgets_the_tokens_and_the_connections(xero: Sandbox) -> None:
    tokens = pkce_tokens(xero)
    answer = post_form(
        xero.revocation_url, {"token": tokens["refresh_token"], "client_id": xero.client_id}
    )
    assert answer.status == 200

    assert refresh(xero, tokens["refresh_token"]).json() == {"error": "invalid_grant"}
    sdk = make_sdk(xero, tokens)
    with pytest.raises(HTTPStatusException) as raised:
        sdk.identity.get_connections()
    assert raised.value.status == 401


def test_deleting_the_connection_closes_the_organisation(sdk: Sdk, xero: Sandbox) -> None:
    (connection,) = sdk.identity.get_connections()

    sdk.identity.delete_connection(connection.id)

    assert sdk.identity.get_connections() == []
    with pytest.raises(HTTPStatusException) as raised:
        sdk.accounting.get_contacts(xero.tenant_id)
    assert raised.value.status == 403
    assert "AuthenticationUnsuccessful" in raised.value.body.decode()


def test_a_second_organisation_is_connected_at_the_next_consent(xero: Sandbox) -> None:
    other = xero.add_organisation("Second Office Ltd", [{"Name": "Only Client Ltd"}])
    sdk = make_sdk(xero, pkce_tokens(xero))

    names = sorted(c.tenant_name for c in sdk.identity.get_connections())

    assert names == ["Demo Practice Ltd", "Second Office Ltd"]
    assert [c.name for c in sdk.accounting.get_contacts(other).contacts] == ["Only Client Ltd"]

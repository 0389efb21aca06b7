"""Helpers for the sandbox tests: play the browser, call the token endpoint, build the SDK.

Nothing of the SDK is mocked: an `ApiClient` with a `Configuration` and an `OAuth2Token`
talks HTTP to the sandbox. The test plays the browser's part of the PKCE flow with urllib
(following the authorize step's 302 no further than reading its Location).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from xero_python.accounting import AccountingApi, Contact, Invoice, Invoices, LineItem
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.identity import IdentityApi

from socketcli.sandbox import Sandbox

#: The scopes socket asks for (granular scopes of apps created from March 2026).
SCOPES = "openid profile email offline_access accounting.invoices accounting.contacts accounting.settings.read"

#: A small demo contact list: five active customers, one archived (plain dicts, as the
#: playground passes its own list).
CONTACTS = [
    {
        "Name": "Atlas Logistics Ltd",
        "EmailAddress": "accounts@atlaslogistics.co.uk",
        "ContactNumber": "CLI039",
    },
    {"Name": "Bramble & Rose Florists", "EmailAddress": "hello@brambleandrose.co.uk"},
    {"Name": "City Limousines", "EmailAddress": "office@citylimos.co.uk"},
    {"Name": "Harbour View B&B", "EmailAddress": "stay@harbourviewbandb.co.uk"},
    {"Name": "Smith and Sons Limited", "EmailAddress": "accounts@smithandsons.co.uk"},
    {
        "Name": "Thompson Haulage Ltd",
        "EmailAddress": "accounts@thompsonhaulage.co.uk",
        "ContactStatus": "ARCHIVED",
    },
]


def sales_invoice(
    reference: str,
    *,
    contact: str = "City Limousines",
    status: str = "DRAFT",
    amount: str = "195.00",
    account_code: str = "200",
    **fields: Any,
) -> Invoice:
    """A sales invoice of one Bookkeeping line, dated December 2026 (`fields` set more)."""
    invoice = Invoice(
        type="ACCREC",
        contact=Contact(name=contact),
        date=date(2026, 12, 1),
        due_date=date(2026, 12, 15),
        status=status,
        reference=reference,
        line_items=[line_item("1", amount, account_code=account_code)],
    )
    for key, value in fields.items():
        setattr(invoice, key, value)
    return invoice


def line_item(
    quantity: str, unit: str, *, description: str = "Bookkeeping", **fields: Any
) -> LineItem:
    """A line of `quantity` x `unit` to account 200 (`fields` set more, e.g. tax_type)."""
    line = LineItem(
        description=description,
        quantity=Decimal(quantity),
        unit_amount=Decimal(unit),
        account_code="200",
    )
    for key, value in fields.items():
        setattr(line, key, value)
    return line


def batch(*invoices: Invoice) -> Invoices:
    return Invoices(invoices=list(invoices))


def references(xero: Sandbox, tenant_id: str | None = None) -> list[str]:
    """The References of the invoices the sandbox holds, in the order they were made."""
    return [str(i.get("Reference", "")) for i in xero.invoices(tenant_id)]


# -- playing the browser and the token endpoint ---------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(
    method: str, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> HttpAnswer:
    """One plain HTTP request (no redirects followed), whatever its status."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as reply:
            return HttpAnswer(
                reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
            )
    except urllib.error.HTTPError as reply:
        return HttpAnswer(
            reply.code, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
        )


def api(
    xero: Sandbox, sdk: Sdk, method: str, path: str, body: bytes | None = None, **headers: str
) -> HttpAnswer:
    """One Accounting API call with the SDK's token, as plain HTTP (for what the SDK cannot
    say or does not show): `path` after /api.xro/2.0, e.g. "/Invoices?summarizeErrors=false"."""
    sent = {
        "Authorization": f"Bearer {sdk.token['access_token']}",
        "xero-tenant-id": xero.tenant_id,
        "Accept": "application/json",
        **headers,
    }
    if body is not None:
        sent["Content-Type"] = "application/json"
    return http(method, f"{xero.api_url}{path}", data=body, headers=sent)


def post_form(
    url: str, fields: dict[str, str], *, basic: tuple[str, str] | None = None
) -> HttpAnswer:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if basic is not None:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        )
    return http("POST", url, data=urlencode(fields).encode(), headers=headers)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


@dataclass
class Consent:
    code: str
    state: str
    verifier: str
    redirect_uri: str
    location: str


def consent(
    xero: Sandbox, *, redirect_uri: str = "http://localhost:53682/callback", scope: str = SCOPES
) -> Consent:
    """The browser's part: open the authorize URL; the sandbox consents and redirects back."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": xero.client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    answer = http("GET", f"{xero.authorize_url}?{query}")
    assert answer.status == 302, answer.body
    location = answer.headers["location"]
    params = parse_qs(urlsplit(location).query)
    return Consent(params["code"][0], params["state"][0], verifier, redirect_uri, location)


def exchange(xero: Sandbox, given: Consent) -> HttpAnswer:
    return post_form(
        xero.token_url,
        {
            "grant_type": "authorization_code",
            "client_id": xero.client_id,
            "code": given.code,
            "redirect_uri": given.redirect_uri,
            "code_verifier": given.verifier,
        },
    )


def pkce_tokens(xero: Sandbox) -> dict[str, Any]:
    """Connect as `socket xero connect` does: consent, then the code for tokens."""
    answer = exchange(xero, consent(xero))
    assert answer.status == 200, answer.body
    return answer.json()  # type: ignore[no-any-return]


def refresh(xero: Sandbox, refresh_token: str) -> HttpAnswer:
    """A PKCE app refreshes by itself (xero-python refreshes only with a client secret)."""
    return post_form(
        xero.token_url,
        {
            "grant_type": "refresh_token",
            "client_id": xero.client_id,
            "refresh_token": refresh_token,
        },
    )


# -- the SDK ----------------------------------------------------------------------------------


def sdk_token(tokens: dict[str, Any]) -> dict[str, Any]:
    """The token dict xero-python accepts: known keys only, with `expires_at`."""
    keys = ("access_token", "refresh_token", "id_token", "token_type", "expires_in", "scope")
    token = {k: tokens[k] for k in keys if k in tokens}
    token["scope"] = str(tokens.get("scope", "")).split()
    token["expires_at"] = time.time() + int(tokens["expires_in"])
    return token


@dataclass
class Sdk:
    client: ApiClient
    accounting: AccountingApi
    identity: IdentityApi
    store: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> dict[str, Any]:
        return self.store["token"]  # type: ignore[no-any-return]


def make_sdk(
    xero: Sandbox,
    tokens: dict[str, Any] | None = None,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    retries: bool = False,
) -> Sdk:
    """xero-python pointed at the sandbox.

    `Configuration` is shared process-wide (its metaclass hands out copies of the first one),
    so the OAuth2Token is set after construction. The base URLs are the APIs' `base_url`.
    Without `retries`, urllib3's own retries are off, as socket's gateway should have them:
    by default urllib3 re-sends GET and PUT after a read timeout or a dropped connection, and
    sleeps out a 429's Retry-After (however long) before trying again, all unseen.
    """
    configuration = Configuration()
    configuration.oauth2_token = OAuth2Token(
        client_id=client_id or xero.client_id, client_secret=client_secret
    )
    store: dict[str, Any] = {}
    client = ApiClient(
        configuration,
        pool_threads=1,
        oauth2_token_getter=lambda: store["token"],
        oauth2_token_saver=lambda token: store.__setitem__("token", token),
    )
    if not retries:
        client.rest_client.pool_manager.connection_pool_kw["retries"] = False
    if tokens is not None:
        store["token"] = sdk_token(tokens)
    return Sdk(
        client,
        AccountingApi(client, base_url=xero.api_url),
        IdentityApi(client, base_url=xero.connections_url),
        store,
    )


def lasting_sdk(xero: Sandbox, seconds: float) -> Sdk:
    """The SDK with a custom connection's access token that lasts `seconds` (for tests that
    move the sandbox's clock on by days)."""
    token = xero.issue_token(expires_in=seconds)
    return make_sdk(
        xero,
        {"access_token": token, "expires_in": seconds, "token_type": "Bearer", "scope": ""},
    )

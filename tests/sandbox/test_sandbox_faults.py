"""Rate limits and injected faults, as the real SDK meets them."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import urllib3
from xero_python.accounting import Invoices
from xero_python.exceptions import HTTPStatusException, RateLimitException

from socketcli.sandbox import Sandbox, running_sandbox
from tests.sandbox.sandbox_helpers import (
    Sdk,
    batch,
    http,
    lasting_sdk,
    make_sdk,
    pkce_tokens,
    refresh,
    sales_invoice,
)


def one_invoice(reference: str = "December 2026") -> Invoices:
    return batch(sales_invoice(reference))


def test_a_minute_limit_429_carries_retry_after(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Contacts", status=429, problem="minute", retry_after=7)

    with pytest.raises(RateLimitException) as raised:
        sdk.accounting.get_contacts(xero.tenant_id, page=1)

    headers = raised.value.headers
    assert raised.value.rate_limit == "minute"
    assert (headers["Retry-After"], headers["X-Rate-Limit-Problem"]) == ("7", "minute")
    assert sdk.accounting.get_contacts(xero.tenant_id, page=1).contacts  # the fault is spent


def test_sixty_calls_a_minute_and_then_a_wait(sdk: Sdk, xero: Sandbox) -> None:
    xero.set_limits(per_minute=3)
    remaining = []
    for _ in range(3):
        _, _, headers = sdk.accounting.get_accounts(xero.tenant_id, _return_http_data_only=False)
        remaining.append(headers["X-MinLimit-Remaining"])

    with pytest.raises(RateLimitException) as raised:
        sdk.accounting.get_accounts(xero.tenant_id)

    assert remaining == ["2", "1", "0"]
    assert raised.value.rate_limit == "minute"
    assert 1 <= int(raised.value.headers["Retry-After"]) <= 60
    xero.advance_clock(60)
    assert sdk.accounting.get_accounts(xero.tenant_id).accounts


def test_the_day_limit_says_day_and_how_long(xero: Sandbox) -> None:
    xero.set_limits(per_day=2)
    sdk = lasting_sdk(xero, 3 * 86_400)
    sdk.accounting.get_branding_themes(xero.tenant_id)
    sdk.accounting.get_branding_themes(xero.tenant_id)
    xero.advance_clock(120)

    with pytest.raises(RateLimitException) as raised:
        sdk.accounting.get_branding_themes(xero.tenant_id)

    assert raised.value.rate_limit == "day"
    assert int(raised.value.headers["Retry-After"]) > 80_000
    assert raised.value.headers["X-DayLimit-Remaining"] == "0"
    xero.advance_clock(86_400)
    assert sdk.accounting.get_branding_themes(xero.tenant_id).branding_themes


def test_five_calls_in_flight_and_the_sixth_is_refused(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/BrandingThemes", delay=2.0, count=5)
    headers = {
        "Authorization": f"Bearer {sdk.token['access_token']}",
        "xero-tenant-id": xero.tenant_id,
    }
    statuses: list[int] = []

    def slow_call() -> None:
        statuses.append(http("GET", f"{xero.api_url}/BrandingThemes", headers=headers).status)

    slow = [threading.Thread(target=slow_call) for _ in range(5)]
    for thread in slow:
        thread.start()
    deadline = time.monotonic() + 1.5
    while xero.in_flight() < 5 and time.monotonic() < deadline:
        time.sleep(0.02)

    with pytest.raises(RateLimitException) as raised:
        sdk.accounting.get_accounts(xero.tenant_id)

    for thread in slow:
        thread.join(5)
    assert raised.value.rate_limit == "concurrent"
    assert raised.value.headers["Retry-After"] == "1"
    assert statuses == [200] * 5
    assert xero.in_flight() == 0


def test_server_errors_then_recovery(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Contacts", status=500, count=2)
    failures = []
    for _ in range(2):
        with pytest.raises(HTTPStatusException) as raised:
            sdk.accounting.get_contacts(xero.tenant_id, page=1)
        failures.append((raised.value.status, json.loads(raised.value.body)["Type"]))

    assert failures == [(500, "InternalServerError")] * 2
    assert sdk.accounting.get_contacts(xero.tenant_id, page=1).contacts


def test_a_timeout_where_nothing_happened(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Invoices", method="POST", delay=1.0, status=503)

    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        sdk.accounting.update_or_create_invoices(
            xero.tenant_id, one_invoice(), _request_timeout=(5, 0.3)
        )

    assert xero.invoices() == []


def test_a_lost_answer_and_the_idempotency_key_that_finds_it(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Invoices", method="POST", drop_after=True)

    with pytest.raises(urllib3.exceptions.ProtocolError):
        sdk.accounting.update_or_create_invoices(
            xero.tenant_id, one_invoice(), idempotency_key="plan-2026-12/CLI003"
        )
    made = xero.invoices()
    again = sdk.accounting.update_or_create_invoices(
        xero.tenant_id, one_invoice(), idempotency_key="plan-2026-12/CLI003"
    )

    assert len(made) == 1
    assert again.invoices[0].invoice_id == made[0]["InvoiceID"]
    assert len(xero.invoices()) == 1


def test_unless_told_not_to_the_sdk_waits_out_a_429_by_itself(xero: Sandbox) -> None:
    """urllib3 under xero-python sleeps a 429's Retry-After and tries a GET again, unseen."""
    sdk = make_sdk(xero, pkce_tokens(xero), retries=True)
    xero.add_fault(path="/Accounts", status=429, problem="minute", retry_after=1)
    started = time.monotonic()

    sdk.accounting.get_accounts(xero.tenant_id)

    assert time.monotonic() - started >= 1
    assert [c.status for c in xero.calls() if c.endpoint == "GET /Accounts"] == [429, 200]


def test_unless_told_not_to_the_sdk_resends_a_timed_out_put(xero: Sandbox) -> None:
    """urllib3 retries PUT (an idempotent method to it) after a read timeout: without an
    Idempotency-Key Xero makes the invoice twice; with one, once."""
    sdk = make_sdk(xero, pkce_tokens(xero), retries=True)
    xero.add_fault(path="/Invoices", method="PUT", delay_after=1.0)

    made = sdk.accounting.create_invoices(
        xero.tenant_id, one_invoice("no key"), _request_timeout=(5, 0.3)
    )

    assert made.invoices[0].reference == "no key"  # the SDK says it went well...
    assert [i["Reference"] for i in xero.invoices()].count("no key") == 2  # ...but Xero has two
    xero.add_fault(path="/Invoices", method="PUT", delay_after=1.0)
    sdk.accounting.create_invoices(
        xero.tenant_id, one_invoice("keyed"), idempotency_key="k-1", _request_timeout=(5, 0.3)
    )
    assert [i["Reference"] for i in xero.invoices()].count("keyed") == 1


def test_an_expired_token_fault(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Accounts", expire_token=True)

    with pytest.raises(HTTPStatusException) as raised:
        sdk.accounting.get_accounts(xero.tenant_id)

    assert raised.value.status == 401
    assert "TokenExpired" in raised.value.body.decode()


def test_an_oauth_error_fault_at_the_token_endpoint(xero: Sandbox) -> None:
    xero.add_fault(path="/connect/token", oauth_error="invalid_grant")

    assert refresh(xero, "whatever").json() == {"error": "invalid_grant"}


def test_the_admin_endpoints_drive_a_sandbox_in_another_process(sdk: Sdk, xero: Sandbox) -> None:
    admin = f"{xero.base_url}/_sandbox"
    headers = {"Content-Type": "application/json"}
    body = json.dumps(
        [
            {"path": "/Accounts", "status": 503},
            {"status": 429, "problem": "day", "retry_after": 3600},
        ]
    )

    assert http("POST", f"{admin}/faults", data=body.encode(), headers=headers).status == 200
    assert len(http("GET", f"{admin}/faults").json()["faults"]) == 2
    with pytest.raises(HTTPStatusException):
        sdk.accounting.get_accounts(xero.tenant_id)
    with pytest.raises(RateLimitException):
        sdk.accounting.get_contacts(xero.tenant_id)
    before = xero.now()
    moved = http("POST", f"{admin}/clock", data=b'{"advance": 120}', headers=headers).json()
    state = http("GET", f"{admin}/state").json()
    calls = http("GET", f"{admin}/calls").json()

    assert moved["skew_seconds"] >= 120
    assert xero.now() > before
    assert state["organisations"][0]["name"] == "Demo Practice Ltd"
    assert calls["counts"]["GET /Accounts"] == 1
    assert calls["counts"]["GET /Contacts"] == 1
    assert http("POST", f"{admin}/faults", data=b'{"status": 42}', headers=headers).status == 400

    http("POST", f"{admin}/reset")
    assert xero.faults() == []
    assert xero.calls() == []


def test_stopping_never_waits_on_a_silent_client_or_a_delayed_call(xero: Sandbox) -> None:
    with running_sandbox() as other:
        token = other.issue_token()
        other.add_fault(path="/Accounts", delay=60)
        silent = socket.create_connection((other.host, other.port))
        outcome: list[str] = []

        def call() -> None:
            headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": other.tenant_id}
            try:
                outcome.append(
                    str(http("GET", f"{other.api_url}/Accounts", headers=headers).status)
                )
            except OSError as failure:  # the connection is cut: no answer
                outcome.append(type(failure).__name__)

        slow = threading.Thread(target=call, daemon=True)
        slow.start()
        time.sleep(0.3)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    slow.join(3)
    assert not slow.is_alive()
    assert outcome
    assert outcome[0] != "200"
    silent.close()

"""What can go wrong around PUT /Invoices, step by step, and what Xero holds afterwards; and
the rate limits' headers on every invoice answer."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import urllib3
from xero_python.exceptions import HTTPStatusException, RateLimitException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, api, batch, references, sales_invoice

LIMIT_HEADERS = ("x-minlimit-remaining", "x-daylimit-remaining", "x-appminlimit-remaining")


def put_one(sdk: Sdk, xero: Sandbox, *, timeout: float = 5.0) -> Any:
    return sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(sales_invoice("CLI003 December 2026")),
        _request_timeout=(5, timeout),
    )


@pytest.mark.parametrize(
    ("fault", "raised", "made"),
    [
        ({"status": 500}, HTTPStatusException, False),
        ({"status": 503}, HTTPStatusException, False),
        ({"status": 429, "problem": "minute", "retry_after": 5}, RateLimitException, False),
        ({"drop": True}, urllib3.exceptions.ProtocolError, False),
        ({"delay": 1.0, "status": 503}, urllib3.exceptions.ReadTimeoutError, False),
        ({"status_after": 500}, HTTPStatusException, True),
        ({"status_after": 503}, HTTPStatusException, True),
        ({"drop_after": True}, urllib3.exceptions.ProtocolError, True),
        ({"delay_after": 1.0}, urllib3.exceptions.ReadTimeoutError, True),
    ],
    ids=[
        "before: 500",
        "before: 503",
        "before: 429",
        "before: dropped",
        "before: timeout",
        "after: 500",
        "after: 503",
        "after: dropped",
        "after: timeout",
    ],
)
def test_a_fault_before_the_work_leaves_nothing_after_it_the_invoice(
    sdk: Sdk, xero: Sandbox, fault: dict[str, Any], raised: type[Exception], made: bool
) -> None:
    xero.add_fault(path="/Invoices", method="PUT", **fault)

    with pytest.raises(raised):
        put_one(sdk, xero, timeout=0.3)

    assert references(xero) == (["CLI003 December 2026"] if made else [])


def test_the_error_after_the_work_is_xeros_own(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Invoices", method="PUT", status_after=500)

    with pytest.raises(HTTPStatusException) as raised:
        put_one(sdk, xero)

    assert raised.value.status == 500
    assert json.loads(raised.value.body)["Type"] == "InternalServerError"
    assert all(h in {k.lower() for k in raised.value.headers} for h in LIMIT_HEADERS)


def test_a_slow_answer_comes_late_and_the_invoice_is_made(sdk: Sdk, xero: Sandbox) -> None:
    xero.add_fault(path="/Invoices", method="PUT", delay=0.6, count=2)
    started = time.monotonic()

    made = put_one(sdk, xero)
    waited = time.monotonic() - started
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        put_one(sdk, xero, timeout=0.2)  # the client gives up; the sandbox goes on
    deadline = time.monotonic() + 3
    while len(xero.invoices()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)

    assert waited >= 0.6
    assert made.invoices[0].reference == "CLI003 December 2026"
    assert references(xero) == ["CLI003 December 2026"] * 2


def test_every_invoice_answer_carries_the_limits(sdk: Sdk, xero: Sandbox) -> None:
    body = (
        b'{"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "City Limousines"}, '
        b'"LineItems": [{"Description": "Bookkeeping", "UnitAmount": 195, "AccountCode": "%s"}]}]}'
    )
    made = api(xero, sdk, "PUT", "/Invoices", body % b"200", **{"Idempotency-Key": "k"})
    invoice_id = made.json()["Invoices"][0]["InvoiceID"]
    answers = [
        made,
        api(xero, sdk, "PUT", "/Invoices", body % b"200", **{"Idempotency-Key": "k"}),
        api(xero, sdk, "PUT", "/Invoices", body % b"999"),
        api(xero, sdk, "PUT", "/Invoices?summarizeErrors=false", body % b"999"),
        api(xero, sdk, "GET", "/Invoices"),
        api(xero, sdk, "GET", "/Invoices?page=1"),
        api(xero, sdk, "GET", f"/Invoices/{invoice_id}"),
        api(xero, sdk, "GET", "/Invoices/00000000-0000-0000-0000-000000000001"),
        api(xero, sdk, "GET", "/Invoices?where=Total%3E1"),
    ]

    assert [a.status for a in answers] == [200, 200, 400, 200, 200, 200, 200, 404, 400]
    for answer in answers:
        assert all(h in answer.headers for h in LIMIT_HEADERS), answer.headers
    minute = [int(a.headers["x-minlimit-remaining"]) for a in answers]
    assert minute == sorted(minute, reverse=True)
    assert len(set(minute)) == len(answers)  # each answer counted, and said so


def test_beyond_sixty_calls_a_minute_a_429_and_nothing_made(sdk: Sdk, xero: Sandbox) -> None:
    xero.set_limits(per_minute=60)  # Xero's own, which the fixture raises
    for n in range(30):
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice(f"R{n}")))
        sdk.accounting.get_invoices(xero.tenant_id, where=f'Reference=="R{n}"')

    with pytest.raises(RateLimitException) as raised:
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("R60")))

    headers = raised.value.headers
    assert raised.value.rate_limit == "minute"
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert headers["X-MinLimit-Remaining"] == "0"
    assert "R60" not in references(xero)
    xero.advance_clock(60)
    sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("R60")))
    assert references(xero)[-1] == "R60"

"""Idempotency-Key as Xero keeps it: at most 128 characters, six minutes long; the same
request gets the same answer (an internal error included), another request a 400; after six
minutes the key is forgotten and the request is a new one."""

from __future__ import annotations

import json
import threading
import time

import pytest
from xero_python.exceptions import AccountingBadRequestException, HTTPStatusException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import HttpAnswer, Sdk, api, batch, references, sales_invoice

BODY = json.dumps(
    {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"Name": "City Limousines"},
                "Date": "2026-12-01",
                "DueDate": "2026-12-15",
                "Reference": "CLI003 December 2026",
                "LineItems": [
                    {"Description": "Bookkeeping", "UnitAmount": 195, "AccountCode": "200"}
                ],
            }
        ]
    }
).encode()


def put(xero: Sandbox, sdk: Sdk, key: str, body: bytes = BODY) -> HttpAnswer:
    return api(xero, sdk, "PUT", "/Invoices", body, **{"Idempotency-Key": key})


def test_the_same_request_again_gets_the_same_answer(sdk: Sdk, xero: Sandbox) -> None:
    first = put(xero, sdk, "plan-2026-12/CLI003")
    xero.advance_clock(5 * 60 + 59)
    again = put(xero, sdk, "plan-2026-12/CLI003")

    assert (first.status, again.status) == (200, 200)
    assert again.body == first.body
    assert again.headers["idempotent-replayed"] == "true"  # the sandbox's own header
    assert "idempotent-replayed" not in first.headers
    assert len(xero.invoices()) == 1


def test_another_request_under_the_key_is_refused(sdk: Sdk, xero: Sandbox) -> None:
    put(xero, sdk, "plan-2026-12/CLI003")
    other = BODY.replace(b"CLI003 December 2026", b"CLI004 December 2026")

    refused = put(xero, sdk, "plan-2026-12/CLI003", other)

    assert refused.status == 400
    assert refused.json()["Type"] == "ValidationException"
    assert refused.json()["Message"] == (
        "The Idempotency-Key has already been used with a different request."
    )
    assert references(xero) == ["CLI003 December 2026"]


def test_after_six_minutes_the_key_is_forgotten(sdk: Sdk, xero: Sandbox) -> None:
    put(xero, sdk, "plan-2026-12/CLI003")
    xero.advance_clock(6 * 60)

    again = put(xero, sdk, "plan-2026-12/CLI003")
    other = put(xero, sdk, "plan-2026-12/CLI003", BODY.replace(b"CLI003", b"CLI004"))

    assert "idempotent-replayed" not in again.headers
    assert other.status == 400  # the key is the new request's for six minutes more
    assert references(xero) == ["CLI003 December 2026", "CLI003 December 2026"]
    assert [i["InvoiceNumber"] for i in xero.invoices()] == ["INV-0001", "INV-0002"]


def test_a_key_is_at_most_128_characters(sdk: Sdk, xero: Sandbox) -> None:
    longest = put(xero, sdk, "k" * 128)
    too_long = put(xero, sdk, "k" * 129)

    assert longest.status == 200
    assert too_long.status == 400
    assert too_long.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "The Idempotency-Key must be 128 characters or less."}
    ]
    assert len(xero.invoices()) == 1


def test_an_internal_error_after_the_work_is_kept_under_the_key(sdk: Sdk, xero: Sandbox) -> None:
    """The invoice is made, the answer is a 500, and the same request again gets the same 500
    for six minutes; after them the key is forgotten and the request makes a second invoice."""
    xero.add_fault(path="/Invoices", method="PUT", status_after=500)
    invoices = batch(sales_invoice("CLI003 December 2026"))

    failures = []
    for _ in range(2):
        with pytest.raises(HTTPStatusException) as raised:
            sdk.accounting.create_invoices(xero.tenant_id, invoices, idempotency_key="k-500")
        failures.append((raised.value.status, json.loads(raised.value.body)["Type"]))
    made = xero.invoices()
    xero.advance_clock(6 * 60)
    sdk.accounting.create_invoices(xero.tenant_id, invoices, idempotency_key="k-500")

    assert failures == [(500, "InternalServerError")] * 2
    assert len(made) == 1
    assert references(xero) == ["CLI003 December 2026"] * 2


def test_a_refusal_before_the_work_is_not_kept(sdk: Sdk, xero: Sandbox) -> None:
    """A fault before the work (nothing done) leaves the key unused: the retry makes the invoice."""
    xero.add_fault(path="/Invoices", method="PUT", status=503)
    invoices = batch(sales_invoice("CLI003 December 2026"))

    with pytest.raises(HTTPStatusException):
        sdk.accounting.create_invoices(xero.tenant_id, invoices, idempotency_key="k-503")
    assert xero.invoices() == []
    made = sdk.accounting.create_invoices(xero.tenant_id, invoices, idempotency_key="k-503")

    assert [i["InvoiceID"] for i in xero.invoices()] == [str(made.invoices[0].invoice_id)]


def test_a_validation_error_is_kept_too(sdk: Sdk, xero: Sandbox) -> None:
    bad = batch(sales_invoice("CLI003 December 2026", account_code="999"))
    replayed = []
    for _ in range(2):
        with pytest.raises(AccountingBadRequestException) as raised:
            sdk.accounting.create_invoices(xero.tenant_id, bad, idempotency_key="k-400")
        replayed.append(raised.value.headers.get("Idempotent-Replayed"))

    assert replayed == [None, "true"]
    assert xero.invoices() == []


def test_a_key_still_in_flight_gets_a_409(sdk: Sdk, xero: Sandbox) -> None:
    """The sandbox's own answer (Xero documents none) to the same key while the first request
    is still being worked on."""
    xero.add_fault(path="/Invoices", method="PUT", delay=1.0)
    answers: list[HttpAnswer] = []
    slow = threading.Thread(target=lambda: answers.append(put(xero, sdk, "k-slow")))
    slow.start()
    deadline = time.monotonic() + 1.0
    while xero.in_flight() < 1 and time.monotonic() < deadline:
        time.sleep(0.01)

    meanwhile = put(xero, sdk, "k-slow")
    slow.join(5)

    assert meanwhile.status == 409
    assert meanwhile.json()["Type"] == "ConflictException"
    assert [a.status for a in answers] == [200]
    assert len(xero.invoices()) == 1


def test_the_state_holds_a_key_for_its_six_minutes_only(sdk: Sdk, xero: Sandbox) -> None:
    put(xero, sdk, "plan-2026-12/CLI003")
    held = xero.state()["organisations"][0]["idempotency"]

    assert [k["key"] for k in held] == ["plan-2026-12/CLI003"]
    xero.advance_clock(6 * 60)
    put(xero, sdk, "another")  # a save prunes what has had its six minutes
    assert [k["key"] for k in xero.state()["organisations"][0]["idempotency"]] == ["another"]

"""GET /_sandbox/invoices: exactly the invoices the sandbox holds, organisation by
organisation (what `socket sandbox invoices` will show), whatever the client was told."""

from __future__ import annotations

import json

import pytest
from xero_python.exceptions import AccountingBadRequestException, HTTPStatusException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import (
    HttpAnswer,
    Sdk,
    batch,
    http,
    line_item,
    make_sdk,
    pkce_tokens,
    references,
    sales_invoice,
)


def held(xero: Sandbox, query: str = "") -> dict[str, list[str]]:
    """Each organisation's name and the References of its invoices, as the admin lists them."""
    answer = http("GET", f"{xero.base_url}/_sandbox/invoices{query}")
    assert answer.status == 200, answer.body
    return {
        o["name"]: [i["Reference"] for i in o["invoices"]] for o in answer.json()["organisations"]
    }


def test_the_invoices_each_organisation_holds(xero: Sandbox) -> None:
    second = xero.add_organisation("Second Practice Ltd")
    sdk = make_sdk(xero, pkce_tokens(xero))  # this consent connects both organisations
    sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("demo 1")))
    sdk.accounting.create_invoices(second, batch(sales_invoice("second 1", contact="Nova Ltd")))
    sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("demo 2")))

    assert held(xero) == {
        "Demo Practice Ltd": ["demo 1", "demo 2"],
        "Second Practice Ltd": ["second 1"],
    }
    assert held(xero, f"?tenant_id={second}") == {"Second Practice Ltd": ["second 1"]}
    refused = http("GET", f"{xero.base_url}/_sandbox/invoices?tenant_id=nope")
    assert refused.status == 400


def test_it_shows_what_was_made_whatever_the_client_heard(sdk: Sdk, xero: Sandbox) -> None:
    with pytest.raises(AccountingBadRequestException):  # a 400, yet the good one is made
        sdk.accounting.create_invoices(
            xero.tenant_id,
            batch(sales_invoice("good"), sales_invoice("bad", account_code="999")),
        )
    xero.add_fault(path="/Invoices", method="PUT", status_after=500)
    with pytest.raises(HTTPStatusException):  # a 500 after the work: made too
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("after a 500")))

    assert held(xero) == {"Demo Practice Ltd": ["good", "after a 500"]}
    assert xero.call_counts()["PUT /Invoices"] == 2  # the admin's own calls are not counted


def test_invoices_are_listed_as_kept(sdk: Sdk, xero: Sandbox) -> None:
    exact = sales_invoice("four places")
    exact.line_items = [line_item("3", "1.2345", description="Payroll")]
    (made,) = sdk.accounting.create_invoices(xero.tenant_id, batch(exact), unitdp=4).invoices

    answer = http("GET", f"{xero.base_url}/_sandbox/invoices").json()
    (invoice,) = answer["organisations"][0]["invoices"]

    assert answer["organisations"][0]["tenant_id"] == xero.tenant_id
    assert (invoice["InvoiceID"], invoice["InvoiceNumber"], invoice["Status"]) == (
        str(made.invoice_id),
        "INV-0001",
        "DRAFT",
    )
    assert invoice["LineItems"][0]["UnitAmount"] == 1.2345
    assert invoice["Total"] == 4.44


def post_json(url: str, body: object) -> HttpAnswer:
    return http(
        "POST", url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


def test_another_app_makes_invoices_through_the_admin(xero: Sandbox) -> None:
    """Proves: POST /_sandbox/invoices makes invoices as another app would (Xero computes
    them: number, totals, the contact by name); a refused one makes nothing and says why."""
    one = {
        "Type": "ACCREC",
        "Contact": {"Name": "City Limousines"},
        "Reference": "CLI001 Dec 2026",
        "LineItems": [{"Description": "Payroll", "Quantity": 3, "UnitAmount": "1.2345"}],
    }

    url = f"{xero.base_url}/_sandbox/invoices"
    made = post_json(url, {"app": "Ignition", "Invoices": [one]})
    refused = post_json(url, {"app": "Ignition", "Invoices": [one, {**one, "Contact": {}}]})
    nameless = post_json(url, {"Invoices": [one]})

    assert made.status == 200, made.body
    (invoice,) = made.json()["Invoices"]
    assert (invoice["InvoiceNumber"], invoice["Total"], invoice["LineItems"][0]["UnitAmount"]) == (
        "INV-0001",
        3.7,
        1.2345,
    )
    assert refused.status == 400
    assert "A Contact must be specified" in refused.json()["error"]
    assert nameless.status == 400
    assert references(xero) == ["CLI001 Dec 2026"]

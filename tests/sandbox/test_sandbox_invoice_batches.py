"""A batch of invoices as Xero takes it: the good ones are created even when the summarised
answer is a 400 naming the bad ones; with summarizeErrors=false each has its own status."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from xero_python.accounting import Contact, Invoice
from xero_python.exceptions import AccountingBadRequestException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, batch, line_item, references, sales_invoice

EMPTY_ID = "00000000-0000-0000-0000-000000000000"


def three_with_a_bad_middle() -> list[Invoice]:
    return [
        sales_invoice("CLI001 December 2026"),
        sales_invoice("CLI002 December 2026", account_code="999"),
        sales_invoice("CLI003 December 2026", contact="Nova Dental Ltd"),
    ]


def test_a_summarised_400_names_the_bad_invoice_and_the_good_ones_are_created(
    sdk: Sdk, xero: Sandbox
) -> None:
    """Xero's default (no summarizeErrors=false): a 400 ValidationException naming only the
    refused invoice, yet the valid ones of the batch ARE created (a Xero engineer's report)."""
    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_invoices(xero.tenant_id, batch(*three_with_a_bad_middle()))

    error = json.loads(raised.value.body)
    (element,) = error["Elements"]
    assert (error["ErrorNumber"], error["Type"]) == (10, "ValidationException")
    assert element["Reference"] == "CLI002 December 2026"
    assert element["ValidationErrors"] == [
        {"Message": "Account code '999' is not a valid code for this document."}
    ]
    assert (element["HasErrors"], element["InvoiceID"]) == (True, EMPTY_ID)
    assert references(xero) == ["CLI001 December 2026", "CLI003 December 2026"]
    assert [i["InvoiceNumber"] for i in xero.invoices()] == ["INV-0001", "INV-0002"]
    assert xero.contact_named("Nova Dental Ltd") is not None  # made with its good invoice


def test_the_refused_invoice_comes_back_computed_in_full(sdk: Sdk, xero: Sandbox) -> None:
    bad = sales_invoice("CLI002 December 2026", account_code="999")
    bad.line_items.append(line_item("3", "4.99", description="Payroll", account_code=None))

    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_invoices(xero.tenant_id, batch(bad))

    (element,) = json.loads(raised.value.body)["Elements"]
    assert (element["Type"], element["Status"], element["LineAmountTypes"]) == (
        "ACCREC",
        "DRAFT",
        "Exclusive",
    )
    assert [line["LineAmount"] for line in element["LineItems"]] == [195.0, 14.97]
    assert (element["SubTotal"], element["Total"]) == (209.97, 209.97)
    assert element["Contact"]["Name"] == "City Limousines"
    assert element["DateString"] == "2026-12-01T00:00:00"
    assert "InvoiceNumber" not in element or element["InvoiceNumber"] == ""
    assert xero.invoices() == []


def test_without_summarised_errors_each_invoice_says_ok_or_error(sdk: Sdk, xero: Sandbox) -> None:
    answer = sdk.accounting.create_invoices(
        xero.tenant_id, batch(*three_with_a_bad_middle()), summarize_errors=False
    )

    assert [(i.reference, i.status_attribute_string, i.has_errors) for i in answer.invoices] == [
        ("CLI001 December 2026", "OK", False),
        ("CLI002 December 2026", "ERROR", True),
        ("CLI003 December 2026", "OK", False),
    ]
    refused = answer.invoices[1]
    assert str(refused.invoice_id) == EMPTY_ID
    assert [e.message for e in refused.validation_errors] == [
        "Account code '999' is not a valid code for this document."
    ]
    assert refused.total == Decimal("195.00")
    made = {str(i.invoice_id) for i in answer.invoices if not i.has_errors}
    assert made == {i["InvoiceID"] for i in xero.invoices()}
    assert references(xero) == ["CLI001 December 2026", "CLI003 December 2026"]


def test_a_refused_update_carries_the_invoice_id_it_was_sent_with(sdk: Sdk, xero: Sandbox) -> None:
    (made,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(sales_invoice("CLI001 December 2026"))
    ).invoices
    change = Invoice(
        invoice_id=made.invoice_id,
        line_items=[line_item("2", "195.00", account_code="999")],
    )
    missing = Invoice(invoice_id="5b8c1a3e-0000-4000-8000-000000000001", status="AUTHORISED")

    answer = sdk.accounting.update_or_create_invoices(
        xero.tenant_id, batch(change, missing), summarize_errors=False
    )

    first, second = answer.invoices
    assert (first.invoice_id, first.has_errors, first.sub_total) == (
        made.invoice_id,
        True,
        Decimal("390.00"),
    )
    assert str(second.invoice_id) == "5b8c1a3e-0000-4000-8000-000000000001"
    assert second.validation_errors[0].message.startswith("The invoice with InvoiceID")
    (kept,) = xero.invoices()
    assert kept["SubTotal"] == Decimal("195.00")  # the refused change changed nothing


def test_a_replayed_summarised_400_creates_nothing_more(sdk: Sdk, xero: Sandbox) -> None:
    for _ in range(2):
        with pytest.raises(AccountingBadRequestException):
            sdk.accounting.create_invoices(
                xero.tenant_id, batch(*three_with_a_bad_middle()), idempotency_key="batch-1"
            )

    assert references(xero) == ["CLI001 December 2026", "CLI003 December 2026"]


def test_an_invoice_for_a_new_contact_refused_makes_no_contact(sdk: Sdk, xero: Sandbox) -> None:
    bad = sales_invoice("CLI009", contact="Ghost Ltd", account_code="999")

    with pytest.raises(AccountingBadRequestException):
        sdk.accounting.create_invoices(
            xero.tenant_id, batch(bad, sales_invoice("CLI010", contact="Real Ltd"))
        )

    assert xero.contact_named("Ghost Ltd") is None
    assert xero.contact_named("Real Ltd") is not None
    assert references(xero) == ["CLI010"]


def test_a_contact_is_given_by_id_or_name(sdk: Sdk, xero: Sandbox) -> None:
    city = xero.contact_named("City Limousines")
    assert city is not None
    by_id = sales_invoice("by id")
    by_id.contact = Contact(contact_id=city["ContactID"])

    answer = sdk.accounting.create_invoices(xero.tenant_id, batch(by_id, sales_invoice("by name")))

    assert {str(i.contact.contact_id) for i in answer.invoices} == {city["ContactID"]}

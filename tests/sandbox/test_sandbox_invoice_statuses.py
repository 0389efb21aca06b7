"""An invoice is created DRAFT, SUBMITTED or AUTHORISED; an organisation's plan may allow only
so many approved (AUTHORISED) invoices a month, and refuses the one beyond."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from xero_python.accounting import Invoice
from xero_python.exceptions import AccountingBadRequestException

from socketcli.sandbox import Sandbox
from socketcli.sandbox.statefile import read_state
from tests.sandbox.sandbox_helpers import (
    Sdk,
    batch,
    http,
    lasting_sdk,
    references,
    sales_invoice,
)

LIMIT = "You have reached the limit of invoices you can approve"


def test_draft_by_default_submitted_or_authorised(sdk: Sdk, xero: Sandbox) -> None:
    unsaid = sales_invoice("unsaid")
    unsaid.status = None

    answer = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(
            unsaid,
            sales_invoice("submitted", status="SUBMITTED"),
            sales_invoice("authorised", status="AUTHORISED"),
        ),
    )

    assert [i.status for i in answer.invoices] == ["DRAFT", "SUBMITTED", "AUTHORISED"]
    assert [i["Status"] for i in xero.invoices()] == ["DRAFT", "SUBMITTED", "AUTHORISED"]


@pytest.mark.parametrize("status", ["PAID", "VOIDED", "DELETED"])
def test_no_other_status_on_create(sdk: Sdk, xero: Sandbox, status: str) -> None:
    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("x", status=status)))

    assert raised.value.reason == "Invoice not of valid status for creation"
    assert xero.invoices() == []


def approve(xero: Sandbox, cap: int | None) -> dict[str, object]:
    body = json.dumps({"approved_invoices_a_month": cap}).encode()
    answer = http("POST", f"{xero.base_url}/_sandbox/plan", data=body)
    assert answer.status == 200, answer.body
    (plan,) = answer.json()["organisations"]
    return plan  # type: ignore[no-any-return]


def test_beyond_the_monthly_cap_an_approval_is_refused_invoice_by_invoice(
    sdk: Sdk, xero: Sandbox
) -> None:
    approve(xero, 2)

    answer = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(
            *(sales_invoice(f"A{n}", status="AUTHORISED") for n in (1, 2, 3)),
            sales_invoice("D1"),
            sales_invoice("S1", status="SUBMITTED"),
        ),
        summarize_errors=False,
    )

    assert [(i.reference, i.status_attribute_string) for i in answer.invoices] == [
        ("A1", "OK"),
        ("A2", "OK"),
        ("A3", "ERROR"),
        ("D1", "OK"),
        ("S1", "OK"),
    ]
    assert [e.message for e in answer.invoices[2].validation_errors] == [LIMIT]
    assert references(xero) == ["A1", "A2", "D1", "S1"]
    month = xero.now().strftime("%Y-%m")
    plan = http("GET", f"{xero.base_url}/_sandbox/plan").json()["organisations"][0]
    assert (plan["approved_invoices_a_month"], plan["approved"]) == (2, {month: 2})


def test_a_summarised_batch_names_the_invoice_beyond_the_cap(sdk: Sdk, xero: Sandbox) -> None:
    approve(xero, 1)

    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_invoices(
            xero.tenant_id,
            batch(
                sales_invoice("A1", status="AUTHORISED"), sales_invoice("A2", status="AUTHORISED")
            ),
        )

    (element,) = json.loads(raised.value.body)["Elements"]
    assert (element["Reference"], element["ValidationErrors"]) == ("A2", [{"Message": LIMIT}])
    assert references(xero) == ["A1"]


def test_approving_a_draft_counts_and_a_new_month_starts_afresh(
    xero: Sandbox, state_path: Path
) -> None:
    sdk = lasting_sdk(xero, 40 * 86_400)  # it outlives the month moved on below
    approve(xero, 1)
    drafts = sdk.accounting.create_invoices(
        xero.tenant_id, batch(sales_invoice("D1"), sales_invoice("D2"))
    ).invoices
    as_approved = [Invoice(invoice_id=d.invoice_id, status="AUTHORISED") for d in drafts]

    first = sdk.accounting.update_invoice(
        xero.tenant_id, drafts[0].invoice_id, batch(as_approved[0])
    )
    with pytest.raises(AccountingBadRequestException) as refused:
        sdk.accounting.update_invoice(xero.tenant_id, drafts[1].invoice_id, batch(as_approved[1]))
    again = sdk.accounting.update_invoice(
        xero.tenant_id, drafts[0].invoice_id, batch(as_approved[0])
    )
    held = {i["Reference"]: i["Status"] for i in xero.invoices()}
    saved = read_state(state_path).organisations[xero.tenant_id]
    xero.advance_clock(32 * 86_400)
    later = sdk.accounting.update_invoice(
        xero.tenant_id, drafts[1].invoice_id, batch(as_approved[1])
    )

    assert first.invoices[0].status == "AUTHORISED"
    assert refused.value.reason == LIMIT
    assert again.invoices[0].status == "AUTHORISED"  # already approved: not counted twice
    assert held == {"D1": "AUTHORISED", "D2": "DRAFT"}
    assert (saved.approval_cap, sum(saved.approvals.values())) == (1, 1)
    assert later.invoices[0].status == "AUTHORISED"
    assert {i["Reference"]: i["Status"] for i in xero.invoices()} == {
        "D1": "AUTHORISED",
        "D2": "AUTHORISED",
    }


def test_no_cap_unless_one_is_set(sdk: Sdk, xero: Sandbox) -> None:
    approve(xero, 0)
    with pytest.raises(AccountingBadRequestException):
        sdk.accounting.create_invoices(
            xero.tenant_id, batch(sales_invoice("A0", status="AUTHORISED"))
        )

    plan = approve(xero, None)
    sdk.accounting.create_invoices(
        xero.tenant_id, batch(*(sales_invoice(f"A{n}", status="AUTHORISED") for n in range(30)))
    )

    assert plan["approved_invoices_a_month"] is None
    assert len(xero.invoices()) == 30

"""Reconciling a posted month: Xero, changed behind socket's back, is reported invoice by
invoice; a month Xero holds as approved is all ok."""

from __future__ import annotations

import json
import urllib.request
from contextlib import nullcontext
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.months import Month
from socketcli.ports.xero import NewInvoice, NewInvoiceLine
from socketcli.sandbox import Sandbox
from socketcli.services.posting import post
from socketcli.services.reconcile import ReconcileReport, reconcile_month
from tests.posting.conftest import Practice, approve_december

DECEMBER = Month(2026, 12)
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def posted_month(practice: Practice, gateway: XeroPythonGateway) -> list[InvoiceDocument]:
    approve_december(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    assert report.error is None
    assert report.failed == []
    with practice.read() as reader:
        return reader.finalised_invoices(DECEMBER)


def reconciled(practice: Practice, gateway: XeroPythonGateway) -> ReconcileReport:
    return reconcile_month(practice.store, lambda: nullcontext(gateway), DECEMBER)


def findings(report: ReconcileReport) -> dict[str, list[str]]:
    return {row.reference: [str(f) for f in row.findings] for row in report.rows}


def held(xero: Sandbox, reference: str) -> dict[str, Any]:
    return next(i for i in xero.invoices() if i["Reference"] == reference)


def change_in_xero(xero: Sandbox, *invoices: dict[str, Any]) -> None:
    """POST /Invoices over HTTP, as a person editing invoices in Xero would."""
    request = urllib.request.Request(
        f"{xero.api_url}/Invoices",
        data=json.dumps({"Invoices": list(invoices)}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {xero.issue_token()}",
            "xero-tenant-id": xero.tenant_id,
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def test_a_month_xero_holds_as_approved_is_all_ok(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    docs = posted_month(practice, gateway)
    xero.clear_calls()

    report = reconciled(practice, gateway)

    assert report.matches
    assert report.exit_code == 0
    assert len(report.rows) == len(docs) > 30
    assert all(row.ok for row in report.rows)
    assert all(row.xero_total == doc.total for row, doc in zip(report.rows, docs, strict=True))
    by_ids = [c for c in xero.calls() if c.path.endswith("/Invoices") and "ids=" in c.query]
    assert len(by_ids) == -(-len(docs) // 40)  # batched: 40 InvoiceIDs a request
    assert all("unitdp=4" in c.query for c in by_ids)
    assert xero.call_counts().get("PUT /Invoices", 0) == 0  # only reads


def test_the_gateway_gets_invoices_by_id_in_batches_with_every_status(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    docs = posted_month(practice, gateway)
    first = held(xero, docs[0].reference)
    change_in_xero(xero, {"InvoiceID": first["InvoiceID"], "Status": "DELETED"})
    ids = [i["InvoiceID"] for i in xero.invoices()]

    got = gateway.get_invoices([*ids, "00000000-0000-0000-0000-0000000000ff"])

    assert sorted(i.invoice_id for i in got) == sorted(ids)
    by_reference = {i.reference: i for i in got}
    assert by_reference[docs[0].reference].status == "DELETED"
    for doc in docs[1:]:
        assert by_reference[doc.reference].sub_total == doc.total
        assert by_reference[doc.reference].contact_id
    assert gateway.get_invoices([]) == []


def test_what_changed_in_xero_is_reported_invoice_by_invoice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    docs = posted_month(practice, gateway)
    deleted, voided, amount, contact, duplicated, missing = (d.reference for d in docs[:6])
    other_contact = held(xero, docs[10].reference)["Contact"]["ContactID"]

    change_in_xero(
        xero,
        {"InvoiceID": held(xero, deleted)["InvoiceID"], "Status": "DELETED"},
        {"InvoiceID": held(xero, voided)["InvoiceID"], "Status": "AUTHORISED"},
        {
            "InvoiceID": held(xero, amount)["InvoiceID"],
            "LineItems": [
                {"Description": "Discounted", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
            ],
        },
        {"InvoiceID": held(xero, contact)["InvoiceID"], "Contact": {"ContactID": other_contact}},
    )
    change_in_xero(xero, {"InvoiceID": held(xero, voided)["InvoiceID"], "Status": "VOIDED"})
    original = docs[4]
    gateway.create_invoices(
        [
            NewInvoice(
                contact_name=original.contact_name,
                contact_id=original.contact_id,
                invoice_date=original.invoice_date,
                due_date=original.due_date,
                reference=original.reference,
                lines=(NewInvoiceLine("Again", Decimal(1), Decimal(10), "200"),),
            )
        ],
        "a-second-invoice-with-the-same-reference",
    )
    with xero.app.lock:  # gone from Xero altogether (no API does this)
        del xero.app.state.organisations[xero.tenant_id].invoices[held(xero, missing)["InvoiceID"]]

    report = reconciled(practice, gateway)

    found = findings(report)
    assert found[deleted] == ["deleted"]
    assert found[voided] == ["voided"]
    assert found[amount] == ["amount changed"]
    assert found[contact] == ["contact changed"]
    assert found[duplicated] == ["duplicated"]
    assert found[missing] == ["missing"]
    assert all(found[d.reference] == ["ok"] for d in docs[6:])
    rows = {row.reference: row for row in report.rows}
    assert rows[amount].xero_total == Decimal("1.00") != rows[amount].total
    assert rows[contact].xero_contact_id == other_contact
    assert len(rows[duplicated].others) == 1
    assert not report.matches
    assert report.exit_code == 10
    assert {str(k): v for k, v in report.counts.items()} == {
        "ok": len(docs) - 6,
        "missing": 1,
        "deleted": 1,
        "voided": 1,
        "duplicated": 1,
        "amount changed": 1,
        "contact changed": 1,
    }


def test_a_month_approved_but_not_posted_is_reported_not_posted(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    approve_december(practice)

    report = reconciled(practice, gateway)

    assert {tuple(str(f) for f in row.findings) for row in report.rows} == {("not posted",)}
    assert report.exit_code == 10

"""Invoices through the gateway: created once under an Idempotency-Key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.ports.xero import (
    NewInvoice,
    NewInvoiceLine,
    ValidationProblem,
    XeroValidationError,
)
from socketcli.sandbox import Sandbox


def december(reference: str = "CLI003 December 2026", **overrides: object) -> NewInvoice:
    fields: dict[str, object] = {
        "contact_name": "City Limousines",
        "invoice_date": date(2026, 12, 1),
        "due_date": date(2026, 12, 15),
        "reference": reference,
        "lines": (
            NewInvoiceLine("Bookkeeping", Decimal(1), Decimal("195.00"), "200"),
            NewInvoiceLine(
                "Payroll (12 employees)",
                Decimal(12),
                Decimal("4.50"),
                "200",
                tracking=(("Region", "North"),),
            ),
        ),
    }
    fields.update(overrides)
    return NewInvoice(**fields)  # type: ignore[arg-type]


def test_an_invoice_is_created_as_draft_with_xeros_totals(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    (made,) = gateway.create_invoices([december()], idempotency_key="plan-2026-12/CLI003")

    (stored,) = xero.invoices()
    city = xero.contact_named("City Limousines")
    assert city is not None
    assert (made.invoice_id, made.invoice_number, made.status) == (
        stored["InvoiceID"],
        "INV-0001",
        "DRAFT",
    )
    assert made.contact_id == city["ContactID"]
    assert (made.sub_total, made.total_tax, made.total) == (
        Decimal("249.00"),
        Decimal("49.80"),
        Decimal("298.80"),
    )
    assert stored["Reference"] == "CLI003 December 2026"
    assert stored["LineItems"][1]["Tracking"][0]["Option"] == "North"
    assert gateway.call_counts == {"PUT /Invoices": 1}


def test_the_same_key_again_gives_the_same_invoice_not_a_second(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    first = gateway.create_invoices([december()], idempotency_key="plan-2026-12/CLI003")
    again = gateway.create_invoices([december()], idempotency_key="plan-2026-12/CLI003")

    assert again == first
    assert len(xero.invoices()) == 1


def test_an_invoice_for_a_linked_contact_goes_by_its_id(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    smith = xero.contact_named("Smith and Sons Limited")
    assert smith is not None

    (made,) = gateway.create_invoices(
        [
            december(
                contact_name="Smith & Sons Ltd", contact_id=smith["ContactID"], status="AUTHORISED"
            )
        ],
        idempotency_key="plan-2026-12/CLI005",
    )

    assert (made.contact_id, made.status) == (smith["ContactID"], "AUTHORISED")
    assert xero.contact_named("Smith & Sons Ltd") is None


def test_a_refused_invoice_names_its_reference(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    bad = december(lines=(NewInvoiceLine("Bookkeeping", Decimal(1), Decimal("195.00"), "999"),))

    with pytest.raises(XeroValidationError) as refused:
        gateway.create_invoices([bad], idempotency_key="plan-2026-12/CLI003")

    assert refused.value.problems == (
        ValidationProblem(
            "CLI003 December 2026", ("Account code '999' is not a valid code for this document.",)
        ),
    )
    assert str(refused.value).startswith("Xero refused it: CLI003 December 2026: Account code")
    assert xero.invoices() == []
    assert gateway.call_counts == {"PUT /Invoices": 1}

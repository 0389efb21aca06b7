"""Accounts, branding themes, tracking categories and invoices in the sandbox Xero."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from xero_python.accounting import Contact, Invoice, Invoices, LineItem, LineItemTracking
from xero_python.exceptions import AccountingBadRequestException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk


def test_revenue_accounts_by_where_and_since(sdk: Sdk, xero: Sandbox) -> None:
    everything = sdk.accounting.get_accounts(xero.tenant_id).accounts
    revenue = sdk.accounting.get_accounts(
        xero.tenant_id, where='Class=="REVENUE" AND Status=="ACTIVE"'
    ).accounts
    later = sdk.accounting.get_accounts(xero.tenant_id, if_modified_since=xero.now()).accounts

    assert [(a.code, a.name) for a in revenue] == [
        ("200", "Sales"),
        ("260", "Other Revenue"),
        ("270", "Interest Income"),
    ]
    assert {a.code: a.status for a in everything}["250"] == "ARCHIVED"
    assert {a.code: a._class for a in everything}["400"] == "EXPENSE"
    assert later == []


def test_branding_themes_and_tracking_categories(sdk: Sdk, xero: Sandbox) -> None:
    themes = sdk.accounting.get_branding_themes(xero.tenant_id).branding_themes
    (region,) = sdk.accounting.get_tracking_categories(xero.tenant_id).tracking_categories
    (with_archived,) = sdk.accounting.get_tracking_categories(
        xero.tenant_id, include_archived=True
    ).tracking_categories

    assert [(t.name, t.sort_order) for t in themes] == [("Standard", 0), ("Special Projects", 1)]
    assert region.name == "Region"
    assert [o.name for o in region.options] == ["North", "South"]
    assert [o.name for o in with_archived.options] == ["North", "South", "West (closed)"]


def monthly_invoice(
    contact: Contact, *, reference: str = "December 2026", **changes: Any
) -> Invoices:
    invoice = Invoice(
        type="ACCREC",
        contact=contact,
        date=date(2026, 12, 1),
        due_date=date(2026, 12, 15),
        status="DRAFT",
        reference=reference,
        line_items=[
            LineItem(
                description="Bookkeeping",
                quantity=Decimal("1"),
                unit_amount=Decimal("195.00"),
                account_code="200",
            ),
            LineItem(
                description="Payroll (12 employees)",
                quantity=Decimal("12"),
                unit_amount=Decimal("4.99"),
                account_code="200",
                tracking=[LineItemTracking(name="Region", option="North")],
            ),
        ],
    )
    for key, value in changes.items():
        setattr(invoice, key, value)
    return Invoices(invoices=[invoice])


def test_an_invoice_is_computed_exactly_and_dated_as_sent(sdk: Sdk, xero: Sandbox) -> None:
    city = xero.contact_named("City Limousines")
    assert city is not None
    theme = xero.state()["organisations"][0]["branding_themes"][1]["BrandingThemeID"]

    made = sdk.accounting.create_invoices(
        xero.tenant_id,
        monthly_invoice(Contact(contact_id=city["ContactID"]), branding_theme_id=theme),
    ).invoices[0]

    assert (made.invoice_number, made.status, made.reference) == (
        "INV-0001",
        "DRAFT",
        "December 2026",
    )
    assert (made.date, made.due_date) == (date(2026, 12, 1), date(2026, 12, 15))
    assert (made.sub_total, made.total_tax, made.total) == (
        Decimal("254.88"),
        Decimal("50.98"),
        Decimal("305.86"),
    )
    assert [line.line_amount for line in made.line_items] == [Decimal("195.00"), Decimal("59.88")]
    assert made.line_items[1].tracking[0].option == "North"
    assert made.contact.name == "City Limousines"
    assert made.branding_theme_id == theme
    assert xero.contact_named("City Limousines")["IsCustomer"] is True  # type: ignore[index]


def test_the_same_idempotency_key_gives_the_same_invoice_once(sdk: Sdk, xero: Sandbox) -> None:
    invoices = monthly_invoice(Contact(name="Nova Dental Ltd"))

    first = sdk.accounting.create_invoices(
        xero.tenant_id, invoices, idempotency_key="socket-2026-12-CLI041"
    )
    again = sdk.accounting.create_invoices(
        xero.tenant_id, invoices, idempotency_key="socket-2026-12-CLI041"
    )

    assert again.invoices[0].invoice_id == first.invoices[0].invoice_id
    assert len(xero.invoices()) == 1
    assert [c["Name"] for c in xero.contacts()].count(
        "Nova Dental Ltd"
    ) == 1  # made with the invoice
    with pytest.raises(AccountingBadRequestException):
        sdk.accounting.create_invoices(
            xero.tenant_id,
            monthly_invoice(Contact(name="Nova Dental Ltd"), reference="other"),
            idempotency_key="socket-2026-12-CLI041",
        )


def test_an_invoice_number_is_unique_and_archived_accounts_are_refused(
    sdk: Sdk, xero: Sandbox
) -> None:
    sdk.accounting.create_invoices(
        xero.tenant_id, monthly_invoice(Contact(name="City Limousines"), invoice_number="SOC-1")
    )

    with pytest.raises(AccountingBadRequestException) as duplicate:
        sdk.accounting.create_invoices(
            xero.tenant_id, monthly_invoice(Contact(name="City Limousines"), invoice_number="SOC-1")
        )
    archived = monthly_invoice(Contact(name="City Limousines"))
    archived.invoices[0].line_items[0].account_code = "250"
    with pytest.raises(AccountingBadRequestException) as refused:
        sdk.accounting.create_invoices(xero.tenant_id, archived)

    assert duplicate.value.reason == "Invoice # must be unique."
    assert refused.value.reason.startswith("Account code '250' has been archived")
    assert len(xero.invoices()) == 1


def test_authorised_invoices_need_a_due_date(sdk: Sdk, xero: Sandbox) -> None:
    invoices = monthly_invoice(Contact(name="City Limousines"), status="AUTHORISED")
    invoices.invoices[0].due_date = None

    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_invoices(xero.tenant_id, invoices)

    assert raised.value.reason == "Due Date is required."


def test_invoices_come_in_pages_and_since_a_moment(sdk: Sdk, xero: Sandbox) -> None:
    for n in range(3):
        sdk.accounting.create_invoices(
            xero.tenant_id, monthly_invoice(Contact(name="City Limousines"), reference=f"R{n}")
        )
        xero.advance_clock(60)
    since = xero.now() - timedelta(seconds=90)

    page = sdk.accounting.get_invoices(xero.tenant_id, page=1, page_size=2)
    later = sdk.accounting.get_invoices(xero.tenant_id, if_modified_since=since)

    assert [i.reference for i in page.invoices] == ["R0", "R1"]
    assert page.pagination.page_count == 2
    assert page.invoices[0].line_items  # paged invoices carry their lines
    assert [i.reference for i in later.invoices] == ["R2"]

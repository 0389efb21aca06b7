"""Finding invoices as socket does before it posts: by Reference, InvoiceNumbers, IDs,
Statuses and ContactIDs, a hundred a page with their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xero_python.accounting import Invoice

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, batch, make_sdk, sales_invoice


def refs(invoices: list[Invoice]) -> list[str]:
    return [str(i.reference) for i in invoices]


def test_by_reference_and_by_either_of_two(
    sdk: Sdk, xero: Sandbox, five_invoices: list[Invoice]
) -> None:
    one = sdk.accounting.get_invoices(xero.tenant_id, where='Reference=="CLI003 January 2027"')
    two = sdk.accounting.get_invoices(
        xero.tenant_id,
        where='Reference=="CLI001 December 2026" OR Reference=="CLI005 December 2026"',
    )
    none = sdk.accounting.get_invoices(xero.tenant_id, where='Reference=="CLI009 December 2026"')

    assert refs(one.invoices) == ["CLI003 January 2027"]
    assert str(one.invoices[0].invoice_id) == str(five_invoices[2].invoice_id)
    assert refs(two.invoices) == ["CLI001 December 2026", "CLI005 December 2026"]
    assert none.invoices == []


def test_by_invoice_numbers_ids_statuses_and_contact_ids(
    sdk: Sdk, xero: Sandbox, five_invoices: list[Invoice]
) -> None:
    harbour = xero.contact_named("Harbour View B&B")
    assert harbour is not None
    api = sdk.accounting

    numbers = api.get_invoices(xero.tenant_id, invoice_numbers=["INV-0001", "INV-0004"])
    ids = api.get_invoices(
        xero.tenant_id, i_ds=[five_invoices[1].invoice_id, five_invoices[4].invoice_id]
    )
    statuses = api.get_invoices(xero.tenant_id, statuses=["AUTHORISED", "SUBMITTED"])
    contacts = api.get_invoices(xero.tenant_id, contact_i_ds=[harbour["ContactID"]])
    both = api.get_invoices(
        xero.tenant_id, statuses=["AUTHORISED"], where='Reference.StartsWith("CLI00")'
    )

    assert refs(numbers.invoices) == ["CLI001 December 2026", 'CLI004 "quoted"']
    assert refs(ids.invoices) == ["CLI002 December 2026", "CLI005 December 2026"]
    assert ids.invoices[0].line_items  # IDs bring the lines, as Xero does
    assert refs(statuses.invoices) == [
        "CLI002 December 2026",
        'CLI004 "quoted"',
        "CLI005 December 2026",
    ]
    assert refs(contacts.invoices) == ["CLI003 January 2027"]
    assert refs(both.invoices) == ["CLI002 December 2026", "CLI005 December 2026"]


def test_a_hundred_invoices_a_page_with_their_lines(sdk: Sdk, xero: Sandbox) -> None:
    sdk.accounting.create_invoices(
        xero.tenant_id, batch(*(sales_invoice(f"R{n:03d}") for n in range(150)))
    )

    first = sdk.accounting.get_invoices(xero.tenant_id, page=1)
    second = sdk.accounting.get_invoices(xero.tenant_id, page=2)
    third = sdk.accounting.get_invoices(xero.tenant_id, page=3)
    unpaged = sdk.accounting.get_invoices(xero.tenant_id)

    assert (len(first.invoices), len(second.invoices), third.invoices) == (100, 50, [])
    assert refs(first.invoices + second.invoices) == [f"R{n:03d}" for n in range(150)]
    assert (first.pagination.page_size, first.pagination.page_count) == (100, 2)
    assert first.pagination.item_count == 150
    assert all(i.line_items for i in first.invoices + second.invoices)
    assert len(unpaged.invoices) == 150
    assert not unpaged.invoices[0].line_items  # no lines without paging, as Xero
    assert len(xero.invoices()) == 150


def test_one_invoice_by_its_id_or_number(
    sdk: Sdk, xero: Sandbox, five_invoices: list[Invoice]
) -> None:
    by_id = sdk.accounting.get_invoice(xero.tenant_id, five_invoices[0].invoice_id).invoices[0]
    by_number = sdk.accounting.get_invoice(xero.tenant_id, "INV-0002").invoices[0]

    assert (by_id.reference, by_id.date, by_id.total) == (
        "CLI001 December 2026",
        date(2026, 12, 1),
        Decimal("234.00"),
    )
    assert by_number.reference == "CLI002 December 2026"


def test_created_by_my_app_lists_only_the_callers_invoices(sdk: Sdk, xero: Sandbox) -> None:
    """Proves: with createdByMyApp=true GET /Invoices lists only what the calling app made,
    as Xero does; another app's invoice with the same Reference (made over the API by the
    custom connection, or by an app such as Practice Manager through the admin) is listed
    only without it."""
    reference = 'Reference=="CLI001 December 2026"'
    (ours,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(sales_invoice("CLI001 December 2026"))
    ).invoices
    custom = make_sdk(
        xero, {"access_token": xero.issue_token(), "token_type": "Bearer", "expires_in": 1800}
    )
    (theirs,) = custom.accounting.create_invoices(
        xero.tenant_id, batch(sales_invoice("CLI001 December 2026", amount="10.00"))
    ).invoices
    (practice_manager,) = xero.add_invoices(
        {
            "Type": "ACCREC",
            "Contact": {"Name": "City Limousines"},
            "Reference": "CLI001 December 2026",
            "LineItems": [{"Description": "Tax return", "Quantity": 1, "UnitAmount": 250}],
        },
        app="Xero Practice Manager",
    )

    mine = sdk.accounting.get_invoices(xero.tenant_id, where=reference, created_by_my_app="true")
    everyone = sdk.accounting.get_invoices(xero.tenant_id, where=reference)
    the_custom_apps = custom.accounting.get_invoices(
        xero.tenant_id, where=reference, created_by_my_app="true"
    )
    not_filtered = sdk.accounting.get_invoices(
        xero.tenant_id, where=reference, created_by_my_app="false"
    )

    assert [str(i.invoice_id) for i in mine.invoices] == [str(ours.invoice_id)]
    assert [str(i.invoice_id) for i in the_custom_apps.invoices] == [str(theirs.invoice_id)]
    assert {str(i.invoice_id) for i in everyone.invoices} == {
        str(ours.invoice_id),
        str(theirs.invoice_id),
        practice_manager["InvoiceID"],
    }
    assert len(not_filtered.invoices) == 3
    assert practice_manager["InvoiceNumber"] == "INV-0003"


def test_an_invoice_updated_by_another_app_stays_its_makers(sdk: Sdk, xero: Sandbox) -> None:
    (ours,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(sales_invoice("CLI002 December 2026"))
    ).invoices
    custom = make_sdk(
        xero, {"access_token": xero.issue_token(), "token_type": "Bearer", "expires_in": 1800}
    )
    custom.accounting.update_invoice(
        xero.tenant_id,
        ours.invoice_id,
        batch(Invoice(invoice_id=ours.invoice_id, status="AUTHORISED")),
    )

    mine = sdk.accounting.get_invoices(xero.tenant_id, created_by_my_app="true")
    theirs = custom.accounting.get_invoices(xero.tenant_id, created_by_my_app="true")

    assert [(str(i.invoice_id), i.status) for i in mine.invoices] == [
        (str(ours.invoice_id), "AUTHORISED")
    ]
    assert theirs.invoices == []

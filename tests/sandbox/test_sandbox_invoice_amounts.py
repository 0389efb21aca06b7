"""Amounts as Xero computes them: each line's amount and VAT rounded to the penny on its own
(half up), UnitAmount to two places unless unitdp=4, on reads as on writes."""

from __future__ import annotations

from decimal import Decimal

from xero_python.accounting import Invoice, LineAmountTypes, LineItem

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, batch, line_item, sales_invoice


def with_lines(*lines: LineItem, **fields: object) -> Invoice:
    invoice = sales_invoice("lines", **fields)
    invoice.line_items = list(lines)
    return invoice


def test_vat_is_rounded_on_each_line_then_added(sdk: Sdk, xero: Sandbox) -> None:
    """20% of 10.03 is 2.006: 2.01 a line, 4.02 for two (not 4.01 on their 20.06)."""
    (made,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(with_lines(line_item("1", "10.03"), line_item("1", "10.03")))
    ).invoices

    assert [li.tax_amount for li in made.line_items] == [Decimal("2.01"), Decimal("2.01")]
    assert (made.sub_total, made.total_tax, made.total) == (
        Decimal("20.06"),
        Decimal("4.02"),
        Decimal("24.08"),
    )


def test_half_a_penny_rounds_up(sdk: Sdk, xero: Sandbox) -> None:
    """5% of 0.10 is 0.005 and 3 x 0.335 is 1.005: each becomes a penny more, not even."""
    (made,) = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(with_lines(line_item("1", "0.10", tax_type="RROUTPUT"), line_item("3", "0.335"))),
        unitdp=4,
    ).invoices

    assert [li.line_amount for li in made.line_items] == [Decimal("0.10"), Decimal("1.01")]
    assert made.line_items[0].tax_amount == Decimal("0.01")
    assert made.line_items[1].tax_amount == Decimal("0.20")


def test_inclusive_lines_and_discounts_are_rounded_per_line(sdk: Sdk, xero: Sandbox) -> None:
    (inclusive,) = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(
            with_lines(
                line_item("1", "10.00"),
                line_item("1", "10.00"),
                line_amount_types=LineAmountTypes.INCLUSIVE,
            )
        ),
    ).invoices
    (discounted,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(with_lines(line_item("3", "33.33", discount_rate=Decimal("10"))))
    ).invoices

    assert [li.tax_amount for li in inclusive.line_items] == [Decimal("1.67")] * 2
    assert (inclusive.sub_total, inclusive.total_tax, inclusive.total) == (
        Decimal("16.66"),
        Decimal("3.34"),
        Decimal("20.00"),
    )
    assert discounted.line_items[0].line_amount == Decimal("89.99")  # 99.99 less 10%
    assert (discounted.total_discount, discounted.total) == (Decimal("10.00"), Decimal("107.99"))


def test_unit_amounts_have_two_places_unless_unitdp_4(sdk: Sdk, xero: Sandbox) -> None:
    (two,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(with_lines(line_item("3", "4.995")))
    ).invoices
    (four,) = sdk.accounting.create_invoices(
        xero.tenant_id, batch(with_lines(line_item("3", "1.2345"))), unitdp=4
    ).invoices

    assert (two.line_items[0].unit_amount, two.line_items[0].line_amount) == (
        Decimal("5.00"),
        Decimal("15.00"),
    )
    assert (four.line_items[0].unit_amount, four.line_items[0].line_amount) == (
        Decimal("1.2345"),
        Decimal("3.70"),  # 3.7035
    )
    assert four.total == Decimal("4.44")  # 3.70 and 0.74 VAT


def test_four_places_read_back_as_two_unless_the_get_asks_for_four(sdk: Sdk, xero: Sandbox) -> None:
    (made,) = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(with_lines(line_item("3", "1.2345"), line_item("1", "2.50"))),
        unitdp=4,
    ).invoices
    api = sdk.accounting

    plain = api.get_invoice(xero.tenant_id, made.invoice_id).invoices[0]
    exact = api.get_invoice(xero.tenant_id, made.invoice_id, unitdp=4).invoices[0]
    paged = api.get_invoices(xero.tenant_id, page=1).invoices[0]
    paged_exact = api.get_invoices(xero.tenant_id, page=1, unitdp=4).invoices[0]

    assert [li.unit_amount for li in plain.line_items] == [Decimal("1.23"), Decimal("2.50")]
    assert [li.unit_amount for li in paged.line_items] == [Decimal("1.23"), Decimal("2.50")]
    assert exact.line_items[0].unit_amount == Decimal("1.2345")
    assert paged_exact.line_items[0].unit_amount == Decimal("1.2345")
    assert plain.line_items[0].line_amount == Decimal("3.70")  # as computed, not 3 x 1.23
    assert plain.total == exact.total == Decimal("7.44")
    (held,) = xero.invoices()
    assert held["LineItems"][0]["UnitAmount"] == Decimal("1.2345")  # Xero keeps four places

"""The alignment fee: the months of the client's financial year before a service started."""

from dataclasses import replace
from decimal import Decimal

import pytest

from socketcli.domain.billing import Alignment, alignment_for, compute_plan
from socketcli.domain.model import BillableLine, BillingMethod, ClientTerms, InvoiceKind, YearEnd
from socketcli.domain.months import Month
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings

FIRST_INVOICE = PracticeSettings.defaults()
SEPARATE = replace(FIRST_INVOICE, alignment_invoicing=AlignmentInvoicing.SEPARATE)
MARCH_YEAR_END = YearEnd(month=3, day=31)
CLIENT = ClientTerms(client_id=1, name="Acme Ltd", reference="ACME", year_end=MARCH_YEAR_END)
OCTOBER_2023 = Month(2023, 10)


def accounts_line(start=OCTOBER_2023, **overrides):
    fields = {
        "line_id": 1,
        "client_id": 1,
        "proposal_ref": "P-001",
        "service_name": "Annual accounts",
        "description": "",
        "method": BillingMethod.MONTHLY,
        "quantity": Decimal(1),
        "unit_price": Decimal("100.00"),
        "account_code": None,
        "start": start,
        "charges_alignment": True,
    }
    fields.update(overrides)
    return BillableLine(**fields)


def plan(month, line, client=CLIENT, settings=FIRST_INVOICE):
    return compute_plan(month, {client.client_id: client}, [line], settings)


def test_the_product_example_first_invoice_is_100_plus_600_alignment():
    first = plan(Month(2023, 10), accounts_line())
    (invoice,) = first.invoices
    assert invoice.kind is InvoiceKind.RECURRING
    assert [line.line_amount for line in invoice.lines] == [Decimal("100.00"), Decimal("600.00")]
    assert invoice.total == Decimal("700.00")
    fee = invoice.lines[1]
    assert fee.quantity == 6
    assert fee.unit_amount == Decimal("100.00")
    assert fee.description == "Alignment fee: Annual accounts – Apr 2023 to Sep 2023 (6 months)"
    assert fee.account_code == "200"


def test_the_product_example_brings_the_financial_year_to_exactly_1200():
    months = [Month(2023, 10) + i for i in range(6)]
    totals = [plan(month, accounts_line()).total for month in months]
    assert totals == [Decimal("700.00")] + [Decimal("100.00")] * 5
    assert sum(totals, Decimal("0.00")) == Decimal("1200.00")


def test_the_alignment_fee_is_charged_only_in_the_first_month():
    later = plan(Month(2023, 11), accounts_line())
    (invoice,) = later.invoices
    assert len(invoice.lines) == 1
    assert invoice.total == Decimal("100.00")


def test_with_separate_alignment_invoicing_the_fee_is_its_own_invoice():
    first = plan(Month(2023, 10), accounts_line(), settings=SEPARATE)
    assert [invoice.kind for invoice in first.invoices] == [
        InvoiceKind.RECURRING,
        InvoiceKind.ALIGNMENT,
    ]
    assert [invoice.total for invoice in first.invoices] == [Decimal("100.00"), Decimal("600.00")]
    assert [len(invoice.lines) for invoice in first.invoices] == [1, 1]
    summary = first.by_client()[1]
    assert summary.amount == Decimal("700.00")
    assert summary.line_count == 2


def test_with_separate_alignment_invoicing_later_months_have_one_invoice():
    later = plan(Month(2023, 11), accounts_line(), settings=SEPARATE)
    assert [invoice.kind for invoice in later.invoices] == [InvoiceKind.RECURRING]


@pytest.mark.parametrize(
    ("year_end", "start"),
    [
        (YearEnd(3, 31), Month(2024, 4)),
        (YearEnd(12, 31), Month(2024, 1)),
        (YearEnd(6, 30), Month(2024, 7)),
    ],
)
def test_no_fee_when_the_start_is_the_first_month_of_the_financial_year(year_end, start):
    client = replace(CLIENT, year_end=year_end)
    first = plan(start, accounts_line(start), client=client)
    (invoice,) = first.invoices
    assert len(invoice.lines) == 1
    assert invoice.total == Decimal("100.00")
    assert alignment_for(year_end, start) is None


def test_no_fee_for_a_line_that_does_not_charge_alignment():
    first = plan(Month(2023, 10), accounts_line(charges_alignment=False))
    assert first.total == Decimal("100.00")
    assert len(first.invoices[0].lines) == 1


def test_no_fee_when_the_client_has_no_year_end():
    first = plan(Month(2023, 10), accounts_line(), client=replace(CLIENT, year_end=None))
    assert first.total == Decimal("100.00")
    assert len(first.invoices[0].lines) == 1


@pytest.mark.parametrize(
    "method", [BillingMethod.QUARTERLY_IN_ADVANCE, BillingMethod.ANNUAL_IN_ADVANCE]
)
def test_no_fee_on_a_line_that_is_not_billed_monthly(method):
    first = plan(Month(2023, 10), accounts_line(method=method), settings=SEPARATE)
    assert [invoice.kind for invoice in first.invoices] == [InvoiceKind.RECURRING]
    assert first.total == Decimal("100.00")


def test_the_fee_scales_with_the_quantity():
    first = plan(Month(2023, 10), accounts_line(quantity=Decimal(2), unit_price=Decimal("50.00")))
    fee = first.invoices[0].lines[1]
    assert fee.quantity == 12
    assert fee.line_amount == Decimal("600.00")


@pytest.mark.parametrize(
    ("year_end", "start", "first", "months"),
    [
        (YearEnd(3, 31), Month(2023, 10), Month(2023, 4), 6),
        (YearEnd(3, 31), Month(2024, 3), Month(2023, 4), 11),
        (YearEnd(3, 31), Month(2023, 5), Month(2023, 4), 1),
        (YearEnd(6, 30), Month(2024, 1), Month(2023, 7), 6),
        (YearEnd(12, 31), Month(2024, 11), Month(2024, 1), 10),
        (YearEnd(9, 30), Month(2024, 2), Month(2023, 10), 4),
    ],
)
def test_alignment_counts_the_months_since_the_start_of_the_financial_year(
    year_end, start, first, months
):
    alignment = alignment_for(year_end, start)
    assert alignment == Alignment(first, months)
    assert alignment.last == start - 1


def test_a_price_change_on_a_monthly_alignment_line_does_not_charge_the_fee_again():
    # The replacement version of the line keeps the original anchor, as effective-dated
    # changes do; the client owed (and paid) its alignment once, in October 2023.
    old = accounts_line(end=Month(2026, 5))
    new = accounts_line(
        Month(2026, 6), line_id=2, unit_price=Decimal("120.00"), anchor=Month(2023, 10)
    )
    change_month = compute_plan(Month(2026, 6), {1: CLIENT}, [old, new], FIRST_INVOICE)
    assert change_month.total == Decimal("120.00")
    assert len(change_month.invoices[0].lines) == 1


@pytest.mark.parametrize(
    ("billed_until", "owed"),
    [
        (Month(2026, 8), None),  # billed April to August by the proposal it replaces
        (Month(2026, 6), Alignment(Month(2026, 7), 2)),  # July and August passed unbilled
        (Month(2026, 1), Alignment(Month(2026, 4), 5)),  # billed in the year before only
        (None, Alignment(Month(2026, 4), 5)),
    ],
)
def test_months_already_billed_for_the_service_are_not_owed_again(billed_until, owed):
    assert alignment_for(MARCH_YEAR_END, Month(2026, 9), billed_until) == owed


def test_a_proposal_replacing_one_that_billed_the_year_so_far_charges_no_fee():
    replacing = accounts_line(start=Month(2026, 9), billed_until=Month(2026, 8))
    (invoice,) = plan(Month(2026, 9), replacing).invoices
    assert [line.line_amount for line in invoice.lines] == [Decimal("100.00")]


@pytest.mark.parametrize(
    ("year_end", "start", "day", "owed"),
    [
        (YearEnd(6, 15), Month(2026, 6), 20, None),  # after the year end: the new year's first days
        (YearEnd(6, 15), Month(2026, 6), 16, None),
        (YearEnd(6, 15), Month(2026, 6), 15, Alignment(Month(2025, 7), 11)),  # the year end itself
        (YearEnd(6, 15), Month(2026, 6), 10, Alignment(Month(2025, 7), 11)),
        (YearEnd(2, 29), Month(2027, 2), 28, Alignment(Month(2026, 3), 11)),  # no 29th in 2027
        (YearEnd(2, 28), Month(2028, 2), 29, None),  # a leap year's 29th is after a 28 Feb year end
        (MARCH_YEAR_END, Month(2026, 3), 31, Alignment(Month(2025, 4), 11)),
        (
            YearEnd(6, 15),
            Month(2026, 10),
            20,
            Alignment(Month(2026, 7), 3),
        ),  # not the year-end month
    ],
)
def test_a_start_after_the_year_end_day_in_its_month_owes_nothing(year_end, start, day, owed):
    assert alignment_for(year_end, start, start_day=day) == owed

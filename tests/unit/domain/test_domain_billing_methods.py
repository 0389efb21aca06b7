"""Which lines the plan invoices, month by month, for every billing method."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.billing import compute_plan, is_due, next_billing_month
from socketcli.domain.model import BillableLine, BillingMethod, ClientTerms, InvoiceKind
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings

SETTINGS = PracticeSettings.defaults()
CLIENT = ClientTerms(client_id=1, name="Acme Ltd", reference="ACME")
JANUARY_2026 = Month(2026, 1)


def make_line(
    method=BillingMethod.MONTHLY,
    start=JANUARY_2026,
    *,
    line_id=1,
    client_id=1,
    price="100.00",
    quantity="1",
    **overrides,
):
    fields = {
        "line_id": line_id,
        "client_id": client_id,
        "proposal_ref": "P-001",
        "service_name": "Bookkeeping",
        "description": "",
        "method": method,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "account_code": None,
        "start": start,
    }
    fields.update(overrides)
    return BillableLine(**fields)


def months_due(line, first, count, client=CLIENT):
    return [first + i for i in range(count) if is_due(line, first + i, client)]


def test_a_monthly_line_is_due_every_month_from_its_start():
    line = make_line(BillingMethod.MONTHLY, Month(2025, 11))
    assert months_due(line, Month(2025, 9), 8) == [Month(2025, 11) + i for i in range(6)]


def test_a_quarterly_in_advance_line_is_due_in_its_start_month_then_every_three_months():
    line = make_line(BillingMethod.QUARTERLY_IN_ADVANCE, Month(2026, 2))
    assert months_due(line, Month(2026, 1), 14) == [
        Month(2026, 2),
        Month(2026, 5),
        Month(2026, 8),
        Month(2026, 11),
        Month(2027, 2),
    ]


def test_an_annual_in_advance_line_is_due_in_its_start_month_then_every_twelve_months():
    line = make_line(BillingMethod.ANNUAL_IN_ADVANCE, Month(2026, 3))
    assert months_due(line, Month(2026, 1), 36) == [
        Month(2026, 3),
        Month(2027, 3),
        Month(2028, 3),
    ]


@pytest.mark.parametrize(
    "method",
    [
        BillingMethod.QUARTERLY_ON_COMPLETION,
        BillingMethod.ANNUAL_ON_COMPLETION,
        BillingMethod.ONE_OFF,
        BillingMethod.WEEKLY,
    ],
)
def test_a_method_outside_the_plan_is_never_due_and_never_planned(method):
    line = make_line(method, Month(2026, 1))
    assert months_due(line, Month(2026, 1), 24) == []
    for offset in range(24):
        assert compute_plan(Month(2026, 1) + offset, {1: CLIENT}, [line], SETTINGS).invoices == ()


def test_only_monthly_quarterly_and_annual_in_advance_are_plan_methods():
    assert {method for method in BillingMethod if method.in_plan} == {
        BillingMethod.MONTHLY,
        BillingMethod.QUARTERLY_IN_ADVANCE,
        BillingMethod.ANNUAL_IN_ADVANCE,
    }
    assert not BillingMethod.WEEKLY.is_work
    assert BillingMethod.ONE_OFF.is_work
    assert not BillingMethod.ONE_OFF.is_recurring


def test_the_first_invoice_is_in_the_month_of_the_start():
    line = make_line(BillingMethod.MONTHLY, Month(2026, 3))
    before = compute_plan(Month(2026, 2), {1: CLIENT}, [line], SETTINGS)
    first = compute_plan(Month(2026, 3), {1: CLIENT}, [line], SETTINGS)
    assert before.invoices == ()
    assert len(first.invoices) == 1
    assert first.invoices[0].month == Month(2026, 3)
    assert first.invoices[0].kind is InvoiceKind.RECURRING
    assert first.total == Decimal("100.00")


def test_billing_stops_after_the_clients_last_billable_month():
    closing = replace(CLIENT, last_billable_month=Month(2026, 6))
    line = make_line(BillingMethod.MONTHLY, Month(2026, 1))
    assert months_due(line, Month(2026, 1), 12, closing)[-1] == Month(2026, 6)
    assert compute_plan(Month(2026, 7), {1: closing}, [line], SETTINGS).invoices == ()


def test_a_quarterly_line_is_not_billed_after_the_clients_last_billable_month():
    closing = replace(CLIENT, last_billable_month=Month(2026, 6))
    line = make_line(BillingMethod.QUARTERLY_IN_ADVANCE, Month(2026, 1))
    assert months_due(line, Month(2026, 1), 12, closing) == [Month(2026, 1), Month(2026, 4)]


def test_billing_stops_after_the_end_of_the_line():
    line = make_line(BillingMethod.MONTHLY, Month(2026, 1), end=Month(2026, 4))
    assert months_due(line, Month(2026, 1), 12) == [Month(2026, 1) + i for i in range(4)]


def test_a_quarterly_price_change_keeps_the_quarterly_cycle_through_the_anchor():
    old = make_line(
        BillingMethod.QUARTERLY_IN_ADVANCE, Month(2026, 1), end=Month(2026, 3), price="300.00"
    )
    new = make_line(
        BillingMethod.QUARTERLY_IN_ADVANCE,
        Month(2026, 4),
        line_id=2,
        price="360.00",
        anchor=Month(2026, 1),
    )
    billed = {
        str(month): compute_plan(month, {1: CLIENT}, [old, new], SETTINGS).total
        for month in (Month(2026, 1) + i for i in range(12))
    }
    assert {month: total for month, total in billed.items() if total} == {
        "2026-01": Decimal("300.00"),
        "2026-04": Decimal("360.00"),
        "2026-07": Decimal("360.00"),
        "2026-10": Decimal("360.00"),
    }


def test_a_change_mid_quarter_bills_the_old_price_before_it_and_keeps_the_old_cycle():
    old = make_line(
        BillingMethod.QUARTERLY_IN_ADVANCE, Month(2025, 11), end=Month(2026, 3), price="300.00"
    )
    new = make_line(
        BillingMethod.QUARTERLY_IN_ADVANCE,
        Month(2026, 4),
        line_id=2,
        price="360.00",
        anchor=Month(2025, 11),
    )
    billed = {
        str(month): compute_plan(month, {1: CLIENT}, [old, new], SETTINGS).total
        for month in (Month(2025, 11) + i for i in range(13))
    }
    assert {month: total for month, total in billed.items() if total} == {
        "2025-11": Decimal("300.00"),
        "2026-02": Decimal("300.00"),
        "2026-05": Decimal("360.00"),
        "2026-08": Decimal("360.00"),
        "2026-11": Decimal("360.00"),
    }
    assert billed["2026-04"] == Decimal("0.00")


def test_an_annual_line_keeps_its_anchor_month_across_a_change():
    old = make_line(BillingMethod.ANNUAL_IN_ADVANCE, Month(2025, 7), end=Month(2026, 1))
    new = make_line(
        BillingMethod.ANNUAL_IN_ADVANCE,
        Month(2026, 2),
        line_id=2,
        price="1200.00",
        anchor=Month(2025, 7),
    )
    assert months_due(old, Month(2025, 1), 36) == [Month(2025, 7)]
    assert months_due(new, Month(2025, 1), 36) == [Month(2026, 7), Month(2027, 7)]


def test_a_monthly_line_describes_its_month_and_uses_the_practice_account_code():
    line = make_line(BillingMethod.MONTHLY, Month(2026, 3))
    (invoice,) = compute_plan(Month(2026, 3), {1: CLIENT}, [line], SETTINGS).invoices
    (planned,) = invoice.lines
    assert planned.description == "Bookkeeping – Mar 2026"
    assert planned.account_code == SETTINGS.recurring_account_code == "200"
    assert planned.quantity == Decimal(1)
    assert planned.unit_amount == Decimal("100.00")
    assert planned.line_amount == Decimal("100.00")


def test_a_quarterly_line_describes_the_quarter_it_pays_for():
    line = make_line(BillingMethod.QUARTERLY_IN_ADVANCE, Month(2025, 11), description="VAT returns")
    (invoice,) = compute_plan(Month(2025, 11), {1: CLIENT}, [line], SETTINGS).invoices
    assert invoice.lines[0].description == "VAT returns – Nov 2025 to Jan 2026"


def test_an_annual_line_describes_the_year_it_pays_for():
    line = make_line(BillingMethod.ANNUAL_IN_ADVANCE, Month(2026, 4))
    (invoice,) = compute_plan(Month(2026, 4), {1: CLIENT}, [line], SETTINGS).invoices
    assert invoice.lines[0].description == "Bookkeeping – Apr 2026 to Mar 2027"


def test_a_line_amount_is_quantity_times_price_rounded_half_up_to_the_penny():
    line = make_line(BillingMethod.MONTHLY, Month(2026, 1), quantity="1.5", price="33.33")
    (invoice,) = compute_plan(Month(2026, 1), {1: CLIENT}, [line], SETTINGS).invoices
    assert invoice.lines[0].line_amount == Decimal("50.00")
    assert invoice.total == Decimal("50.00")


def test_a_line_with_its_own_account_code_keeps_it():
    line = make_line(BillingMethod.MONTHLY, Month(2026, 1), account_code="210")
    (invoice,) = compute_plan(Month(2026, 1), {1: CLIENT}, [line], SETTINGS).invoices
    assert invoice.lines[0].account_code == "210"


def test_the_plan_has_one_invoice_per_client_in_client_id_order():
    clients = {
        cid: ClientTerms(client_id=cid, name=f"C{cid}", reference=f"C{cid}") for cid in (3, 1, 2)
    }
    lines = [
        make_line(line_id=10, client_id=3, price="30.00"),
        make_line(line_id=11, client_id=1, price="10.00"),
        make_line(line_id=12, client_id=2, price="20.00"),
        make_line(line_id=13, client_id=1, price="5.00"),
    ]
    plan = compute_plan(Month(2026, 1), clients, lines, SETTINGS)
    assert [invoice.client_id for invoice in plan.invoices] == [1, 2, 3]
    assert [invoice.total for invoice in plan.invoices] == [
        Decimal("15.00"),
        Decimal("20.00"),
        Decimal("30.00"),
    ]
    assert plan.total == Decimal("65.00")


def test_lines_on_an_invoice_are_ordered_by_proposal_then_line():
    lines = [
        make_line(line_id=5, proposal_ref="P-002", service_name="Payroll"),
        make_line(line_id=9, proposal_ref="P-001", service_name="Advisory"),
        make_line(line_id=2, proposal_ref="P-001", service_name="Bookkeeping"),
    ]
    (invoice,) = compute_plan(Month(2026, 1), {1: CLIENT}, lines, SETTINGS).invoices
    assert [line.description.split(" – ")[0] for line in invoice.lines] == [
        "Bookkeeping",
        "Advisory",
        "Payroll",
    ]


def test_a_line_of_a_client_not_given_to_the_plan_is_left_out():
    plan = compute_plan(Month(2026, 1), {1: CLIENT}, [make_line(client_id=99)], SETTINGS)
    assert plan.invoices == ()


def test_by_client_adds_up_amounts_and_line_counts():
    lines = [make_line(line_id=1, price="10.00"), make_line(line_id=2, price="2.50")]
    plan = compute_plan(Month(2026, 1), {1: CLIENT}, lines, SETTINGS)
    summary = plan.by_client()[1]
    assert summary.amount == Decimal("12.50")
    assert summary.line_count == 2
    assert summary.billed


@pytest.mark.parametrize(
    ("today", "latest", "expected"),
    [
        (date(2026, 3, 1), None, Month(2026, 3)),
        (date(2026, 3, 2), None, Month(2026, 4)),
        (date(2026, 12, 15), None, Month(2027, 1)),
        (date(2026, 3, 20), Month(2026, 5), Month(2026, 6)),
        (date(2026, 3, 20), Month(2025, 12), Month(2026, 1)),
    ],
)
def test_the_next_billing_month_follows_the_latest_finalised_or_the_next_first(
    today, latest, expected
):
    assert next_billing_month(today, latest) == expected

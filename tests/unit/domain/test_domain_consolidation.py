"""Consolidation: one line per service, or one line per account code."""

from dataclasses import replace
from decimal import Decimal

import pytest

from socketcli.domain.billing import compute_plan
from socketcli.domain.model import BillableLine, BillingMethod, ClientTerms
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings

MONTH = Month(2026, 1)
PER_SERVICE = PracticeSettings.defaults()
CONSOLIDATED = replace(PER_SERVICE, consolidate_recurring=True)
CLIENT = ClientTerms(client_id=1, name="Acme Ltd", reference="ACME")


def service_line(line_id, service, price, account_code):
    return BillableLine(
        line_id=line_id,
        client_id=1,
        proposal_ref="P-001",
        service_name=service,
        description="",
        method=BillingMethod.MONTHLY,
        quantity=Decimal(1),
        unit_price=Decimal(price),
        account_code=account_code,
        start=Month(2025, 6),
    )


LINES = [
    service_line(1, "Bookkeeping", "150.00", "200"),
    service_line(2, "Payroll", "50.00", "200"),
    service_line(3, "Advisory", "300.00", "210"),
]


def invoice_lines(settings, client=CLIENT, lines=LINES):
    (invoice,) = compute_plan(MONTH, {1: client}, lines, settings).invoices
    return invoice.lines


def test_by_default_each_service_has_its_own_line():
    lines = invoice_lines(PER_SERVICE)
    assert [line.line_amount for line in lines] == [
        Decimal("150.00"),
        Decimal("50.00"),
        Decimal("300.00"),
    ]


def test_consolidating_gives_one_line_per_account_code_with_amounts_summed():
    lines = invoice_lines(CONSOLIDATED)
    assert {line.account_code: line.line_amount for line in lines} == {
        "200": Decimal("200.00"),
        "210": Decimal("300.00"),
    }
    assert len(lines) == 2


def test_a_consolidated_line_is_one_unit_of_its_total_naming_the_services():
    first, second = invoice_lines(CONSOLIDATED)
    assert first.quantity == 1
    assert first.unit_amount == first.line_amount == Decimal("200.00")
    assert first.description == "Professional services for Jan 2026: Bookkeeping, Payroll"
    assert second.description == "Professional services for Jan 2026: Advisory"


def test_consolidating_does_not_change_the_invoice_total():
    per_service = compute_plan(MONTH, {1: CLIENT}, LINES, PER_SERVICE)
    consolidated = compute_plan(MONTH, {1: CLIENT}, LINES, CONSOLIDATED)
    assert per_service.total == consolidated.total == Decimal("500.00")


def test_a_client_that_opts_out_of_consolidation_beats_the_practice_setting():
    client = replace(CLIENT, consolidate=False)
    assert len(invoice_lines(CONSOLIDATED, client)) == 3


def test_a_client_that_opts_in_to_consolidation_beats_the_practice_setting():
    client = replace(CLIENT, consolidate=True)
    assert len(invoice_lines(PER_SERVICE, client)) == 2


@pytest.mark.parametrize("settings", [PER_SERVICE, CONSOLIDATED])
def test_a_client_without_an_override_follows_the_practice(settings):
    expected = 2 if settings.consolidate_recurring else 3
    assert len(invoice_lines(settings, replace(CLIENT, consolidate=None))) == expected


def test_a_line_without_an_account_code_takes_the_practice_recurring_code():
    settings = replace(PER_SERVICE, recurring_account_code="4000")
    lines = invoice_lines(settings, lines=[service_line(1, "Bookkeeping", "150.00", None)])
    assert [line.account_code for line in lines] == ["4000"]


def test_a_line_without_a_code_is_consolidated_with_lines_carrying_the_practice_code():
    lines = [
        service_line(1, "Bookkeeping", "150.00", None),
        service_line(2, "Payroll", "50.00", "200"),
        service_line(3, "Advisory", "300.00", "210"),
    ]
    consolidated = invoice_lines(CONSOLIDATED, lines=lines)
    assert {line.account_code: line.line_amount for line in consolidated} == {
        "200": Decimal("200.00"),
        "210": Decimal("300.00"),
    }


def test_lines_with_different_tracking_are_not_merged():
    lines = [
        LINES[0]._replace(tracking=(("Region", "North"),)),
        LINES[1]._replace(tracking=(("Region", "South"),)),
    ]
    consolidated = invoice_lines(CONSOLIDATED, lines=lines)
    assert [(line.tracking, line.line_amount) for line in consolidated] == [
        ((("Region", "North"),), Decimal("150.00")),
        ((("Region", "South"),), Decimal("50.00")),
    ]

"""Outstanding in a finalised month: the clients billed today that its snapshot froze no
invoice for (late or backdated starts); a client it did freeze keeps what it was billed."""

from __future__ import annotations

from decimal import Decimal

from socketcli.domain.model import ClientMonth, InvoiceKind, InvoiceLine, PlannedInvoice
from socketcli.domain.months import Month
from socketcli.domain.outstanding import (
    outstanding_clients,
    outstanding_invoices,
    with_outstanding,
)


def billed(amount: str, lines: int = 1) -> ClientMonth:
    return ClientMonth(Decimal(amount), lines, 1 if lines else 0)


def test_a_client_billed_today_that_the_snapshot_lacks_is_outstanding():
    frozen = {1: billed("100.00")}
    computed = {1: billed("100.00"), 2: billed("50.00")}

    assert outstanding_clients(computed, frozen) == {2: billed("50.00")}


def test_a_frozen_client_billed_differently_today_is_not_outstanding():
    frozen = {1: billed("100.00")}
    computed = {1: billed("140.00", 2)}

    assert outstanding_clients(computed, frozen) == {}


def test_a_client_not_billed_today_is_not_outstanding():
    assert outstanding_clients({3: ClientMonth()}, {}) == {}


def test_only_the_invoices_of_clients_the_snapshot_lacks_are_outstanding():
    month = Month(2026, 12)
    line = InvoiceLine("Bookkeeping", Decimal(1), Decimal(50), "200", Decimal("50.00"))
    frozen = {1: billed("100.00")}
    acme = PlannedInvoice(1, month, InvoiceKind.RECURRING, (line,))
    late = PlannedInvoice(2, month, InvoiceKind.RECURRING, (line,))
    late_fee = PlannedInvoice(2, month, InvoiceKind.ALIGNMENT, (line,))

    assert outstanding_invoices([acme, late, late_fee], frozen) == [late, late_fee]


def test_the_month_before_a_diff_counts_its_outstanding_clients_as_billed():
    frozen = {1: billed("100.00")}
    computed = {1: billed("999.00"), 2: billed("50.00")}

    assert with_outstanding(frozen, computed) == {1: billed("100.00"), 2: billed("50.00")}

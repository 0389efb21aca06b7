"""Outstanding in a finalised month: the lines of services a client did not have when the
month was finalised, added up with what the month froze; references that no invoice of the
month has."""

from __future__ import annotations

from decimal import Decimal

from socketcli.domain.model import ClientMonth
from socketcli.domain.outstanding import billed_clients, outstanding_reference, with_outstanding


def billed(amount: str, lines: int = 1) -> ClientMonth:
    return ClientMonth(Decimal(amount), lines, 1 if lines else 0)


def test_the_month_before_a_diff_counts_outstanding_invoices_with_the_frozen_ones():
    """Proves: a client the month froze nothing for is billed its outstanding figures; a
    client it froze keeps its frozen figures plus its outstanding lines (amount, lines and
    invoices added); a client with nothing outstanding keeps what was frozen."""
    frozen = {1: billed("100.00"), 3: billed("30.00", 2)}
    late = {1: billed("40.00"), 2: billed("50.00"), 4: ClientMonth()}

    assert with_outstanding(frozen, late) == {
        1: ClientMonth(Decimal("140.00"), 2, 2),
        2: billed("50.00"),
        3: billed("30.00", 2),
    }


def test_only_clients_with_something_billed_count():
    assert billed_clients({1: billed("10.00"), 2: ClientMonth()}) == {1: billed("10.00")}


def test_an_outstanding_reference_is_the_plans_own_unless_the_month_has_it():
    """Proves: a late client keeps the plan's reference; lines added to a frozen client get
    `late`, then `late 2`, never a reference the month already has."""
    taken = {"CLI001 Dec 2026", "CLI001 Dec 2026 late"}

    assert outstanding_reference("CLI002 Dec 2026", taken) == "CLI002 Dec 2026"
    assert outstanding_reference("CLI001 Dec 2026", taken) == "CLI001 Dec 2026 late 2"
    assert outstanding_reference("CLI001 Dec 2026", {"CLI001 Dec 2026"}) == "CLI001 Dec 2026 late"

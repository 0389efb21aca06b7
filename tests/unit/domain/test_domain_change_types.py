"""Change types: month M against month M-1, client by client."""

from decimal import Decimal

import pytest

from socketcli.domain.billing import compute_plan
from socketcli.domain.diff import classify, diff
from socketcli.domain.model import BillableLine, BillingMethod, ChangeType, ClientMonth, ClientTerms
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings

NOTHING = ClientMonth()


def billed(amount, lines=1):
    return ClientMonth(Decimal(amount), lines)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (billed("100.00"), NOTHING, ChangeType.NEW),
        (billed("150.00"), billed("100.00"), ChangeType.EXPANDED),
        (billed("80.00"), billed("100.00"), ChangeType.CONTRACTED),
        (NOTHING, billed("100.00"), ChangeType.CEASED),
        (billed("100.00"), billed("100.00"), ChangeType.UNCHANGED),
        (billed("100.00", 2), billed("100.00", 1), ChangeType.UNCHANGED),
        (billed("0.00"), NOTHING, ChangeType.NEW),
    ],
)
def test_classify_compares_this_month_with_last_month(current, previous, expected):
    assert classify(current, previous) is expected


def test_a_client_billed_in_neither_month_has_no_change_type():
    assert classify(NOTHING, NOTHING) is None


def test_diff_lists_every_client_billed_in_either_month_in_client_id_order():
    current = {4: billed("100.00"), 2: billed("90.00"), 3: billed("50.00"), 5: NOTHING}
    previous = {1: billed("70.00"), 2: billed("100.00"), 3: billed("50.00"), 5: NOTHING}
    changes = diff(current, previous)
    assert [(change.client_id, change.change) for change in changes] == [
        (1, ChangeType.CEASED),
        (2, ChangeType.CONTRACTED),
        (3, ChangeType.UNCHANGED),
        (4, ChangeType.NEW),
    ]


def test_a_change_carries_both_months_and_their_difference():
    (change,) = diff({7: billed("120.00", 2)}, {7: billed("100.00", 1)})
    assert change.change is ChangeType.EXPANDED
    assert change.current == billed("120.00", 2)
    assert change.previous == billed("100.00", 1)
    assert change.difference == Decimal("20.00")


def test_a_ceased_client_shows_a_negative_difference():
    (change,) = diff({}, {7: billed("100.00")})
    assert change.change is ChangeType.CEASED
    assert change.current == NOTHING
    assert change.difference == Decimal("-100.00")


SETTINGS = PracticeSettings.defaults()
CLIENTS = {1: ClientTerms(client_id=1, name="Acme Ltd", reference="ACME")}


def monthly(line_id, start, end=None, price="100.00"):
    return BillableLine(
        line_id=line_id,
        client_id=1,
        proposal_ref="P-001",
        service_name="Bookkeeping",
        description="",
        method=BillingMethod.MONTHLY,
        quantity=Decimal(1),
        unit_price=Decimal(price),
        account_code=None,
        start=start,
        end=end,
    )


def changes_in(month, lines):
    current = compute_plan(month, CLIENTS, lines, SETTINGS).by_client()
    previous = compute_plan(month - 1, CLIENTS, lines, SETTINGS).by_client()
    return [change.change for change in diff(current, previous)]


def test_a_client_that_ceases_and_returns_later_is_new_again():
    lines = [
        monthly(1, Month(2026, 1), end=Month(2026, 2)),
        monthly(2, Month(2026, 5)),
    ]
    assert changes_in(Month(2026, 1), lines) == [ChangeType.NEW]
    assert changes_in(Month(2026, 2), lines) == [ChangeType.UNCHANGED]
    assert changes_in(Month(2026, 3), lines) == [ChangeType.CEASED]
    assert changes_in(Month(2026, 4), lines) == []
    assert changes_in(Month(2026, 5), lines) == [ChangeType.NEW]
    assert changes_in(Month(2026, 6), lines) == [ChangeType.UNCHANGED]


def test_a_price_rise_from_a_month_shows_as_expanded_then_unchanged():
    lines = [
        monthly(1, Month(2026, 1), end=Month(2026, 3)),
        monthly(2, Month(2026, 4), price="125.00"),
    ]
    assert changes_in(Month(2026, 4), lines) == [ChangeType.EXPANDED]
    assert changes_in(Month(2026, 5), lines) == [ChangeType.UNCHANGED]


def test_a_price_cut_from_a_month_shows_as_contracted():
    lines = [
        monthly(1, Month(2026, 1), end=Month(2026, 3)),
        monthly(2, Month(2026, 4), price="75.00"),
    ]
    assert changes_in(Month(2026, 4), lines) == [ChangeType.CONTRACTED]

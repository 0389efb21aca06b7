"""Exact money: parsing amounts and quantities, and pennies on disk."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socketcli.domain.errors import InvalidInput
from socketcli.domain.money import (
    format_money,
    from_minor,
    parse_money,
    parse_quantity,
    quantize,
    to_minor,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", "100.00"),
        ("1,200.50", "1200.50"),
        ("£100", "100.00"),
        ("$0.5", "0.50"),
        ("€12.3", "12.30"),
        (" 0 ", "0.00"),
    ],
)
def test_an_amount_parses_to_an_exact_two_place_decimal(text, expected):
    amount = parse_money(text)
    assert amount == Decimal(expected)
    assert str(amount) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "is not an amount"),
        ("", "is not an amount"),
        ("12.3.4", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("1.005", "more than 2 decimal places"),
        ("-5", "negative amounts are not accepted"),
        ("£-5.00", "negative amounts are not accepted"),
    ],
)
def test_a_bad_amount_is_refused_naming_the_text_and_the_reason(text, reason):
    with pytest.raises(InvalidInput, match=reason) as error:
        parse_money(text)
    assert repr(text) in str(error.value)


def test_the_error_names_what_was_being_parsed():
    with pytest.raises(InvalidInput, match=r"^unit price 'ten' is not an amount"):
        parse_money("ten", what="unit price")


@pytest.mark.parametrize("text", ["1e30", "99999999999999999999999999999"])
def test_an_absurdly_large_amount_is_refused_as_invalid_input(text):
    # A huge CSV cell must give the one-line InvalidInput, not a decimal traceback.
    with pytest.raises(InvalidInput):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", Decimal(2)),
        ("1.5", Decimal("1.5")),
        ("1.2345", Decimal("1.2345")),
        ("2.0", Decimal(2)),
    ],
)
def test_a_quantity_parses_to_its_exact_value(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(("text", "shown"), [("10", "10"), ("100", "100"), ("2.0", "2")])
def test_a_whole_quantity_reads_as_a_plain_number(text, shown):
    # JSON and CSV use str(): a quantity of 10 must not come out as '1E+1'.
    assert str(parse_quantity(text)) == shown


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "is not a number"),
        ("", "is not a number"),
        ("0", "must be greater than zero"),
        ("-1", "negative numbers are not accepted"),
        ("Infinity", "is not a number"),
        ("1.23456", "more than 4 decimal places"),
    ],
)
def test_a_bad_quantity_is_refused_naming_the_text_and_the_reason(text, reason):
    with pytest.raises(InvalidInput, match=reason) as error:
        parse_quantity(text)
    assert repr(text) in str(error.value)


def test_an_absurdly_large_quantity_is_refused_as_invalid_input():
    with pytest.raises(InvalidInput):
        parse_quantity("1e30")


@pytest.mark.parametrize(
    ("amount", "pennies"),
    [("0.00", 0), ("0.05", 5), ("1.50", 150), ("1200.00", 120000), ("-3.25", -325)],
)
def test_an_amount_is_stored_as_pennies_and_read_back_unchanged(amount, pennies):
    assert to_minor(Decimal(amount)) == pennies
    assert from_minor(pennies) == Decimal(amount)
    assert str(from_minor(pennies)) == amount


def test_an_amount_with_a_fraction_of_a_penny_cannot_be_stored():
    with pytest.raises(ValueError, match="not a whole number of pennies"):
        to_minor(Decimal("1.005"))


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_number_of_pennies_round_trips(pennies):
    assert to_minor(from_minor(pennies)) == pennies


@given(
    st.decimals(
        min_value=Decimal("-1000000"),
        max_value=Decimal("1000000"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_two_place_amount_round_trips_through_pennies(amount):
    assert from_minor(to_minor(amount)) == amount


def test_quantize_rounds_half_up_to_the_penny():
    assert quantize(Decimal("0.125")) == Decimal("0.13")
    assert quantize(Decimal("0.124")) == Decimal("0.12")
    assert quantize(Decimal("49.995")) == Decimal("50.00")


def test_format_money_groups_thousands_with_two_places():
    assert format_money(Decimal("1200")) == "1,200.00"
    assert format_money(Decimal("0.5")) == "0.50"

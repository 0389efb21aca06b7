"""Exact money. Amounts are Decimal in code and integer minor units on disk."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from socketcli.domain.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Larger amounts and quantities are refused as input: no invoice is that big.
MAX_AMOUNT = Decimal("1e12")


def quantize(amount: Decimal) -> Decimal:
    """Round to the penny, half up, as invoices are."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_of(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Quantity times unit price, to the penny, half up: what a line is invoiced, stored and
    worked at (plan lines, alignment fees and work items alike)."""
    return quantize(quantity * unit_price)


def parse_money(text: str, *, what: str = "amount") -> Decimal:
    """Parse '1,200.50', '£100', '100' into an exact amount with at most 2 decimals."""
    cleaned = text.strip().replace(",", "").lstrip("£$€")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{what} {text!r} is not an amount (expected e.g. 120.00)") from None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise InvalidInput(f"{what} {text!r} is not an amount (expected e.g. 120.00)")
    if value != value.quantize(CENT):
        raise InvalidInput(f"{what} {text!r} has more than 2 decimal places")
    if value < 0:
        raise InvalidInput(f"{what} {text!r} is negative")
    return value.quantize(CENT)


def parse_quantity(text: str, *, what: str = "quantity") -> Decimal:
    """Parse a positive quantity with at most 4 decimals (Xero's limit)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(f"{what} {text!r} is not a number") from None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise InvalidInput(f"{what} {text!r} is not a quantity (expected e.g. 1 or 2.5)")
    if value <= 0:
        raise InvalidInput(f"{what} {text!r} must be greater than zero")
    if value != value.quantize(Decimal("0.0001")):
        raise InvalidInput(f"{what} {text!r} has more than 4 decimal places")
    return value.to_integral_value() if value == value.to_integral_value() else value


def to_minor(amount: Decimal) -> int:
    """Pennies, for storage. The amount must already be to the penny."""
    pennies = amount * 100
    if pennies != pennies.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pennies")
    return int(pennies)


def from_minor(pennies: int) -> Decimal:
    """Pennies back to an amount with exactly two places (12345 -> 123.45, 0 -> 0.00)."""
    return Decimal(pennies).scaleb(-2)


def format_money(amount: Decimal) -> str:
    """'1,200.00' for people; JSON and CSV use str(amount)."""
    return f"{amount:,.2f}"

"""Exact money. Amounts are Decimal in code and integer minor units on disk."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

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


#: The currency signs an amount may begin with, by the practice's currency (setting `currency`).
CURRENCY_SIGNS = {"GBP": "£", "AUD": "$", "NZD": "$", "EUR": "€", "USD": "$"}
#: What an amount may be: ASCII digits, commas only between groups of three, an optional
#: point and decimals. Nothing else (no exponent, underscore, space, sign or other digits).
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[0-9]+(?:\.[0-9]{3})*,[0-9]{1,2}|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+")
#: Unit prices: as Xero takes them, up to 4 decimal places (a line's amount is still rounded
#: to the penny by amount_of).
PRICE_PLACES = 4
QUANTITY_PLACES = 4


def _why_not(text: str, noun: str) -> str:
    """Why `text` (its currency sign removed) is not an amount: the first reason that fits."""
    if not text:
        return "it is empty"
    if text[0] in "-\N{MINUS SIGN}":
        return f"negative {noun}s are not accepted"
    if text[0] == "+":
        return "write it without a plus sign"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text) or any(
        unicodedata.numeric(ch, None) is not None and not "0" <= ch <= "9" for ch in text
    ):
        return "only the digits 0 to 9 are accepted"
    if "_" in text:
        return "underscores are not accepted: write e.g. 1200.5 or 1,200.5"
    if re.fullmatch(r"[0-9.,]*[0-9][eE][+-]?[0-9]+", text):
        return f"exponents are not accepted: write the {noun} in full, e.g. 1200.5"
    if _DECIMAL_COMMA.fullmatch(text):
        return "a decimal comma is not accepted: write a point, e.g. 12.5 (commas only separate thousands)"
    if "," in text and re.fullmatch(r"[0-9.,]+", text):
        return "a comma may only separate thousands, in groups of three digits, e.g. 1,200.5"
    if any(ch.isspace() for ch in text):
        return f"spaces are not accepted inside a {noun}"
    return "expected digits with an optional decimal point, e.g. 1,200.5"


def _number(text: str, what: str, places: int, signs: str, noun: str = "amount") -> Decimal:
    """The exact value of an amount as typed; InvalidInput naming `what`, the text and why."""
    body = text.strip()
    if body and (body[0] in CURRENCY_SIGNS.values() or unicodedata.category(body[0]) == "Sc"):
        if body[0] not in signs:
            allowed = f"only {' or '.join(signs)}" if signs else "none"
            raise InvalidInput(
                f"{what} {text!r} is not an amount: the currency sign {body[0]!r} is not the "
                f"practice's ({allowed}; see the `currency` setting)"
            )
        body = body[1:].lstrip()
    if not _AMOUNT.fullmatch(body):
        article = "an" if noun[0] in "aeiou" else "a"
        raise InvalidInput(f"{what} {text!r} is not {article} {noun}: {_why_not(body, noun)}")
    value = Decimal(body.replace(",", ""))
    if value >= MAX_AMOUNT:
        raise InvalidInput(f"{what} {text!r} is too large: at most {MAX_AMOUNT - 1:,}")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(f"{what} {text!r} has more than {places} decimal places")
    return value


def parse_money(text: str, *, what: str = "amount", places: int = 2, signs: str = "£$€") -> Decimal:
    """An amount as typed ('1,200.50', '£100', '100'): digits, commas only between groups of
    three, an optional point and at most `places` decimals, after an optional currency sign
    among `signs` (the practice's). Returned with at least two decimal places."""
    value = _number(text, what, places, signs)
    return value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()


def parse_price(text: str, *, what: str = "unit price", signs: str = "£$€") -> Decimal:
    """A unit price: an amount with up to 4 decimal places, as Xero takes them."""
    return parse_money(text, what=what, places=PRICE_PLACES, signs=signs)


def parse_quantity(text: str, *, what: str = "quantity") -> Decimal:
    """A quantity greater than zero, written as an amount is (no currency sign), with at most
    4 decimals (Xero's limit)."""
    value = _number(text, what, QUANTITY_PLACES, "", "number")
    if value <= 0:
        raise InvalidInput(f"{what} {text!r} must be greater than zero")
    return value.to_integral_value() if value == value.to_integral_value() else value


def price_text(price: Decimal) -> str:
    """A unit price as stored: two places when it has at most two ('150.00'), else its
    exact places, at most four ('12.3456')."""
    if price == price.quantize(CENT):
        return str(price.quantize(CENT))
    return str(price.normalize())


def to_minor(amount: Decimal) -> int:
    """Pennies, for storage. The amount must already be to the penny."""
    pennies = amount * 100
    if pennies != pennies.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pennies")
    return int(pennies)


def from_minor(pennies: int) -> Decimal:
    """Pennies back to an amount with exactly two places (12345 -> 123.45, 0 -> 0.00)."""
    return Decimal(pennies).scaleb(-2)


def format_price(price: Decimal) -> str:
    """A unit price for people: '1,200.00', or its exact places up to four ('12.3456')."""
    text = price_text(price)
    places = len(text.partition(".")[2])
    return f"{price:,.{places}f}"


def format_money(amount: Decimal) -> str:
    """'1,200.00' for people; JSON and CSV use str(amount)."""
    return f"{amount:,.2f}"

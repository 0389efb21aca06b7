"""What a client's details must be: the checks shared by `socket clients`, the CSV import
and the clients `socket sync` makes from Xero contacts."""

from __future__ import annotations

import re

from socketcli.domain.errors import InvalidInput
from socketcli.domain.model import YearEnd
from socketcli.domain.months import Month

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YEAR_END = re.compile(r"^([0-9]{1,2})[-/ ]([0-9]{1,2})$")


def parse_year_end(text: str) -> YearEnd:
    """'31-03' or '31/03' (day then month, as UK practices write it)."""
    match = _YEAR_END.match(text.strip())
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= Month(2024, month).last_day.day:
            return YearEnd(month, day)
    raise InvalidInput(f"year end {text!r} is not a day and month: expected DD-MM, e.g. 31-03")


def check_email(text: str) -> str:
    email = text.strip()
    if email and not _EMAIL.match(email):
        raise InvalidInput(f"email {text!r} is not an email address")
    return email


def check_reference(text: str, what: str = "reference") -> str:
    reference = text.strip()
    if not reference:
        raise InvalidInput(f"{what} is empty")
    if len(reference) > 50 or len(reference.split()) != 1:  # (a space inside it)
        raise InvalidInput(f"{what} {text!r} must be one word of at most 50 characters")
    return reference


def check_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise InvalidInput("client name is empty")
    if len(name) > 255:
        raise InvalidInput("client name is longer than 255 characters (Xero's limit)")
    return name


def check_tracking(text: str, what: str = "tracking") -> str:
    if ":" not in text or not all(part.strip() for part in text.split(":", 1)):
        raise InvalidInput(f"{what} {text!r} must be Category:Option, e.g. Region:North")
    category, option = text.split(":", 1)
    return f"{category.strip()}:{option.strip()}"

"""Dates and months as a person types them: in the practice's own format, never guessed.

A date is `YYYY-MM-DD` (ISO) by default; a practice that writes dates day first sets
`date_format` to `dd/mm/yyyy` (UK, AU and NZ practices, and their spreadsheets). ISO is
accepted under either setting, since it cannot be misread; `03/04/2026` is 3 April only
where the practice said it writes the day first, and is refused otherwise, never guessed.

Dates and months are supported from 1900 to 2999: beyond are typos, and 9999-12 has no
next month to bill.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from socketcli.domain.errors import InvalidInput
from socketcli.domain.months import Month

#: The first and last months socket supports (typed, imported or given as SOCKET_NOW).
FIRST_MONTH = Month(1900, 1)
LAST_MONTH = Month(2999, 12)
MONTH_RANGE = f"{FIRST_MONTH} to {LAST_MONTH}"
DATE_RANGE = f"{FIRST_MONTH.first_day} to {LAST_MONTH.last_day}"


class DateFormat(StrEnum):
    """How the practice writes a date (setting `date_format`)."""

    ISO = "yyyy-mm-dd"
    DAY_FIRST = "dd/mm/yyyy"

    @property
    def example(self) -> str:
        return "2026-01-31" if self is DateFormat.ISO else "31/01/2026"


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_date(text: str, what: str = "date", style: DateFormat = DateFormat.ISO) -> date:
    """A date as the practice writes it (ISO always); InvalidInput naming `what`, the text
    and what is allowed."""
    typed = text.strip()
    expected = "YYYY-MM-DD" if style is DateFormat.ISO else "DD/MM/YYYY or YYYY-MM-DD"
    iso = _ISO.fullmatch(typed)
    slashed = _SLASHED.fullmatch(typed)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif slashed and style is DateFormat.DAY_FIRST:
        day, month, year = (int(part) for part in slashed.groups())
    elif slashed:
        raise InvalidInput(
            f"{what} {text!r} is not a date in the practice's format, YYYY-MM-DD: socket "
            "does not guess whether it is day or month first (for day-first dates, "
            "`socket settings set date_format dd/mm/yyyy`)"
        )
    else:
        raise InvalidInput(f"{what} {text!r} is not a date: expected {expected}")
    if not 1 <= month <= 12:
        raise InvalidInput(f"{what} {text!r} is not a date: there is no month {month}")
    if not FIRST_MONTH.year <= year <= LAST_MONTH.year:
        raise InvalidInput(f"{what} {text!r} is outside the dates socket supports, {DATE_RANGE}")
    last = Month(year, month).last_day.day
    if not 1 <= day <= last:
        label = Month(year, month).label
        raise InvalidInput(f"{what} {text!r} is not a date: {label} has days 1 to {last}")
    return date(year, month, day)


def parse_month(text: str, what: str = "month") -> Month:
    """A month as typed, YYYY-MM, between FIRST_MONTH and LAST_MONTH; InvalidInput naming
    `what`, the text and what is allowed."""
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"{what} {text!r} is not a month: expected YYYY-MM, e.g. 2026-01")
    year, number = int(match.group(1)), int(match.group(2))
    month = Month(year, number)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise InvalidInput(f"{what} {text!r} is outside the months socket supports, {MONTH_RANGE}")
    return month


def check_moment(value: date, what: str) -> date:
    """`value` if it lies in the supported range (for SOCKET_NOW), else InvalidInput."""
    if not FIRST_MONTH.first_day <= value <= LAST_MONTH.last_day:
        raise InvalidInput(f"{what} {value} is outside the dates socket supports, {DATE_RANGE}")
    return value

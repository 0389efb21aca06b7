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
from datetime import date, datetime, tzinfo
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


#: Month names as a person types them, case aside: English, whole or cut to three letters
#: (and "Sept"), as socket itself writes a month (`Dec 2026`).
_MONTH_NAMES = {
    name: number
    for number, whole in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (whole, whole[:3])
} | {"sept": 9}
#: Months named relative to today's: this one, the next, the last.
RELATIVE_MONTHS = {"this": 0, "current": 0, "next": 1, "last": -1, "previous": -1}
_NUMBERED = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})|([0-9]{1,2})[-/.]([0-9]{4})")
_NAMED = re.compile(r"([a-z]+)\.?[ \t,/-]*([0-9]{4})|([0-9]{4})[ \t,/-]*([a-z]+)\.?")
TYPED_MONTHS = "YYYY-MM (e.g. 2026-12), Dec 2026, 12/2026, or this, next or last"


def local_today(now: datetime, zone: tzinfo) -> date:
    """The practice's calendar day at the moment `now` (aware), in its own time zone: never
    the UTC day, which in New Zealand is still yesterday until noon or 1 pm. Every "today"
    socket reasons with (the next month to bill, `next`/`this`/`last`, the month work comes
    into force) is this one, as posting's "00:00 on the 1st" is."""
    return now.astimezone(zone).date()


def is_relative_month(text: str) -> bool:
    """Whether `text` names a month relative to today's (`next`), so needs the clock."""
    return text.strip().lower() in RELATIVE_MONTHS


def parse_typed_month(text: str, what: str = "month", *, today: date | None = None) -> Month:
    """A month as a person types it on the command line: `2026-12` (as everywhere), or
    `2026/12`, `12/2026`, `12-2026`, `Dec 2026`, `December 2026`, `2026 Dec`; with `today`,
    also `this`, `next`, `last` (the calendar month of today, the one after, the one
    before). Never guessed: a two-digit year or a month without its year is refused, naming
    the forms allowed. (Files keep the one form, YYYY-MM: `parse_month`.)"""
    typed = " ".join(text.split()).lower()
    if typed in RELATIVE_MONTHS:
        if today is None:
            raise InvalidInput(f"{what} {text!r} needs today's date, which is not known here")
        month = Month.of(today) + RELATIVE_MONTHS[typed]
    elif numbered := _NUMBERED.fullmatch(typed):
        year, number = (
            (numbered.group(1), numbered.group(2))
            if numbered.group(1)
            else (numbered.group(4), numbered.group(3))
        )
        month = _checked(text, what, int(year), int(number))
    elif named := _NAMED.fullmatch(typed):
        name, year = (
            (named.group(1), named.group(2)) if named.group(1) else (named.group(4), named.group(3))
        )
        if name not in _MONTH_NAMES:
            raise InvalidInput(f"{what} {text!r} is not a month: expected {TYPED_MONTHS}")
        month = _checked(text, what, int(year), _MONTH_NAMES[name])
    elif typed.strip(".") in _MONTH_NAMES:
        number = _MONTH_NAMES[typed.strip(".")]
        raise InvalidInput(
            f"{what} {text!r} has no year: write it with its year, e.g. "
            f"{Month(2026, number).label.split()[0]} 2026 or 2026-{number:02d}"
        )
    else:
        raise InvalidInput(f"{what} {text!r} is not a month: expected {TYPED_MONTHS}")
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise InvalidInput(f"{what} {text!r} is outside the months socket supports, {MONTH_RANGE}")
    return month


def _checked(text: str, what: str, year: int, number: int) -> Month:
    if not 1 <= number <= 12:
        raise InvalidInput(f"{what} {text!r} is not a month: there is no month {number}")
    if not FIRST_MONTH.year <= year <= LAST_MONTH.year:
        raise InvalidInput(f"{what} {text!r} is outside the months socket supports, {MONTH_RANGE}")
    return Month(year, number)


def check_moment(value: date, what: str) -> date:
    """`value` if it lies in the supported range (for SOCKET_NOW), else InvalidInput."""
    if not FIRST_MONTH.first_day <= value <= LAST_MONTH.last_day:
        raise InvalidInput(f"{what} {value} is outside the dates socket supports, {DATE_RANGE}")
    return value

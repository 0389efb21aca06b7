"""Billing months. A month is explicit everywhere: never 'now' behind the caller's back."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from socketcli.domain.errors import InvalidInput

# English, as on the invoices (calendar.month_abbr follows the locale and is slow).
_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, ordered and countable. str() gives 'YYYY-MM'."""

    year: int
    month: int
    #: Months since year 0: differences of ordinals count months. Kept, not computed,
    #: because the billing engine compares hundreds of thousands of months.
    ordinal: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        object.__setattr__(self, "ordinal", self.year * 12 + self.month - 1)

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise InvalidInput(f"month {text!r} is not a month: expected YYYY-MM, e.g. 2026-01")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 1900:
            raise InvalidInput(f"month {text!r} is not a month: expected YYYY-MM, e.g. 2026-01")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Month:
        year, index = divmod(ordinal, 12)
        return cls(year, index + 1)

    def __add__(self, months: int) -> Month:
        return Month.from_ordinal(self.ordinal + months)

    def __sub__(self, months: int) -> Month:
        return Month.from_ordinal(self.ordinal - months)

    def months_since(self, other: Month) -> int:
        return self.ordinal - other.ordinal

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def day(self, day: int) -> date:
        """The given day of this month, clamped to its last day (the 31st of February is the 28th)."""
        return date(self.year, self.month, min(day, self.last_day.day))

    @property
    def label(self) -> str:
        """'Oct 2023', as on an invoice."""
        return f"{_ABBREVIATIONS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

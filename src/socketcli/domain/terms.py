"""Payment terms, in the four forms Xero knows, and the due dates they give."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from socketcli.domain.errors import InvalidInput
from socketcli.domain.months import Month


class TermsKind(StrEnum):
    DAYS = "days"  # Xero DAYSAFTERBILLDATE: N days after the invoice date
    EOM = "eom"  # Xero DAYSAFTERBILLMONTH: N days after the end of the invoice month
    CURRENT = "current"  # Xero OFCURRENTMONTH: the Nth of the invoice month
    FOLLOWING = "following"  # Xero OFFOLLOWINGMONTH: the Nth of the following month


XERO_TERMS = {
    TermsKind.DAYS: "DAYSAFTERBILLDATE",
    TermsKind.EOM: "DAYSAFTERBILLMONTH",
    TermsKind.CURRENT: "OFCURRENTMONTH",
    TermsKind.FOLLOWING: "OFFOLLOWINGMONTH",
}

_TERMS_RE = re.compile(r"^\s*([a-z]+)\s*:\s*([0-9]{1,3})\s*$")
_HINT = "expected days:N, eom:N, current:N or following:N, e.g. days:14 or following:20"


class PaymentTermsError(InvalidInput):
    """Payment terms that do not parse; `reason` says why without repeating the value."""

    def __init__(self, text: str, reason: str, *, unparsed: bool = False) -> None:
        joiner = " are not payment terms: " if unparsed else ": "
        super().__init__(f"payment terms {text!r}{joiner}{reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    kind: TermsKind
    days: int

    @classmethod
    def parse(cls, text: str) -> PaymentTerms:
        match = _TERMS_RE.match(text.lower())
        if not match:
            raise PaymentTermsError(text, _HINT, unparsed=True)
        try:
            kind = TermsKind(match.group(1))
        except ValueError:
            raise PaymentTermsError(text, _HINT, unparsed=True) from None
        days = int(match.group(2))
        if kind in (TermsKind.CURRENT, TermsKind.FOLLOWING) and not 1 <= days <= 31:
            raise PaymentTermsError(text, "the day of the month must be 1 to 31")
        if kind in (TermsKind.DAYS, TermsKind.EOM) and days > 365:
            raise PaymentTermsError(text, "at most 365 days")
        return cls(kind, days)

    def due_date(self, invoice_date: date) -> date:
        month = Month.of(invoice_date)
        if self.kind is TermsKind.DAYS:
            return invoice_date + timedelta(days=self.days)
        if self.kind is TermsKind.EOM:
            return month.last_day + timedelta(days=self.days)
        if self.kind is TermsKind.CURRENT:
            due = month.day(self.days)
            return max(due, invoice_date)
        return (month + 1).day(self.days)

    def describe(self) -> str:
        if self.kind is TermsKind.DAYS:
            return f"{self.days} days after the invoice date"
        if self.kind is TermsKind.EOM:
            return f"{self.days} days after the end of the invoice month"
        if self.kind is TermsKind.CURRENT:
            return f"the {_ordinal(self.days)} of the invoice month"
        return f"the {_ordinal(self.days)} of the following month"

    def __str__(self) -> str:
        return f"{self.kind}:{self.days}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

"""The billing vocabulary: methods, statuses and the immutable values the engine works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from socketcli.domain.money import amount_of
from socketcli.domain.months import Month


class BillingMethod(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY_IN_ADVANCE = "quarterly_in_advance"
    ANNUAL_IN_ADVANCE = "annual_in_advance"
    QUARTERLY_ON_COMPLETION = "quarterly_on_completion"
    ANNUAL_ON_COMPLETION = "annual_on_completion"
    ONE_OFF = "one_off"
    WEEKLY = "weekly"

    @property
    def period_months(self) -> int | None:
        """How often a plan method invoices; None for methods that are not in the plan."""
        return _PERIODS.get(self)

    @property
    def in_plan(self) -> bool:
        return self in _PERIODS

    @property
    def is_work(self) -> bool:
        """On-completion and one-off lines become work items instead."""
        return self in _WORK

    @property
    def is_recurring(self) -> bool:
        """Recurring work uses the recurring account code; one-off work the one-off code."""
        return self is not BillingMethod.ONE_OFF


_PERIODS = {
    BillingMethod.MONTHLY: 1,
    BillingMethod.QUARTERLY_IN_ADVANCE: 3,
    BillingMethod.ANNUAL_IN_ADVANCE: 12,
}
_WORK = {
    BillingMethod.QUARTERLY_ON_COMPLETION,
    BillingMethod.ANNUAL_ON_COMPLETION,
    BillingMethod.ONE_OFF,
}


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


class ChangeType(StrEnum):
    NEW = "new"
    EXPANDED = "expanded"
    CONTRACTED = "contracted"
    CEASED = "ceased"
    UNCHANGED = "unchanged"


class InvoiceKind(StrEnum):
    RECURRING = "recurring"
    ALIGNMENT = "alignment"
    WORK = "work"  # on-completion and one-off work, invoiced when completed (domain/work.py)


@dataclass(frozen=True, slots=True)
class YearEnd:
    """A financial year end, as a day and month (31 March is YearEnd(3, 31))."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.day:02d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class ClientTerms:
    """What the engine needs to know about a client."""

    client_id: int
    name: str
    reference: str
    year_end: YearEnd | None = None
    last_billable_month: Month | None = None
    consolidate: bool | None = None  # None: the practice setting applies


class BillableLine(NamedTuple):
    """One effective-dated version of a proposal line of an accepted proposal.

    It bills from `start` to `end` inclusive (end None: open-ended). Quarterly and
    annual lines invoice in `anchor` and every period after it, so that a price
    change does not move the client's billing cycle.
    """

    line_id: int
    client_id: int
    proposal_ref: str
    service_name: str
    description: str
    method: BillingMethod
    quantity: Decimal
    unit_price: Decimal
    account_code: str | None
    start: Month
    end: Month | None = None
    anchor: Month | None = None
    charges_alignment: bool = False
    tracking: tuple[tuple[str, str], ...] = ()
    #: For a line that charges the alignment fee: the latest month before its start in
    #: which another monthly line of the same client and service was billed (a proposal it
    #: replaces), or None. Those months of the financial year are not owed again.
    billed_until: Month | None = None
    #: The day of `start` the line starts on: its proposal's start date's day when the line
    #: starts in that month, else 1. A start after a mid-month year end's day, in the
    #: year-end month, is in the new financial year.
    start_day: int = 1

    @property
    def amount(self) -> Decimal:
        return amount_of(self.quantity, self.unit_price)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account_code: str | None
    line_amount: Decimal
    tracking: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedInvoice:
    client_id: int
    month: Month
    kind: InvoiceKind
    lines: tuple[InvoiceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.line_amount for line in self.lines), Decimal("0.00"))


class ClientMonth(NamedTuple):
    """What a client is billed in one month, all invoices together: a tuple, since a plan
    diff of 200,000 clients makes 400,000 of them (half the cost of a frozen dataclass)."""

    amount: Decimal = Decimal("0.00")
    line_count: int = 0
    invoice_count: int = 0

    @property
    def billed(self) -> bool:
        return self.line_count > 0


@dataclass(frozen=True, slots=True)
class Plan:
    month: Month
    invoices: tuple[PlannedInvoice, ...] = field(default_factory=tuple)

    def by_client(self) -> dict[int, ClientMonth]:
        totals: dict[int, ClientMonth] = {}
        for invoice in self.invoices:
            seen = totals.get(invoice.client_id, ClientMonth())
            totals[invoice.client_id] = ClientMonth(
                seen.amount + invoice.total,
                seen.line_count + len(invoice.lines),
                seen.invoice_count + 1,
            )
        return totals

    @property
    def total(self) -> Decimal:
        return sum((invoice.total for invoice in self.invoices), Decimal("0.00"))


def invoice_date(month: Month, invoice_day: int) -> date:
    return month.day(invoice_day)

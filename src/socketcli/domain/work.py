"""Work management, decided purely: which period an on-completion item is for, how open items
follow a proposal that changes or is cancelled, the next period's item when one is
completed, and the invoice a completion makes (one per proposal).

Rules (docs/guide.md, "Work management", says them to the user):

- A **series** is a proposal's lines of one service and one billing method: the versions a
  price change makes of one line.
- A quarterly or annual on-completion item is for a **period**: the 3 or 12 months from its
  due month, on the line's billing cycle (its anchor). It is billed at the version in force
  in its due month: a change from a later month leaves it as it is; a change or cancellation
  from its due month or before moves it to the version then in force, or drops it when none
  is. Completing it opens the next period's item (on the version in force then), unless
  the series has stopped by then or the client's last billable month is before it.
- A one-off item has no period: an open one follows its line's continuation (a price change
  from a month on) and is dropped when its line is gone or ended before this month.
- Only **open** items ever change: completed and invoiced ones keep what they were billed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from socketcli.domain.billing import consolidate
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import BillingMethod, InvoiceKind, InvoiceLine
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxState
from socketcli.domain.records import Client
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.terms import PaymentTerms

#: How many months an on-completion item's period lasts (one-off work has none).
PERIODS: dict[BillingMethod, int] = {
    BillingMethod.QUARTERLY_ON_COMPLETION: 3,
    BillingMethod.ANNUAL_ON_COMPLETION: 12,
}


class WorkStatus(StrEnum):
    OPEN = "open"  # to be done
    COMPLETED = "completed"  # done: its invoice is in the outbox, not in Xero yet
    INVOICED = "invoiced"  # its invoice is in Xero (the outbox recorded Xero's number)


@dataclass(frozen=True, slots=True)
class WorkLine:
    """One version of a proposal's work line, as the rules here see it."""

    id: int
    service: str
    method: BillingMethod
    start: Month
    end: Month | None
    anchor: Month | None
    description: str
    amount: Decimal

    def active_in(self, month: Month) -> bool:
        return self.start <= month and (self.end is None or month <= self.end)

    def same_series(self, other: WorkLine) -> bool:
        return self.method is other.method and self.service.casefold() == other.service.casefold()


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A work item as `socket work list` shows it, with what its invoice needs."""

    id: int
    client_id: int
    client_reference: str
    client_name: str
    proposal_reference: str
    service: str
    method: BillingMethod
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    due: Month | None
    status: WorkStatus
    line_id: int
    account_code: str | None = None  # the service's own code, if it overrides the default
    tracking: tuple[tuple[str, str], ...] = ()
    completed_at: datetime | None = None
    invoice_reference: str | None = None
    posting: str | None = None  # the invoice's outbox state: pending, sending, posted, failed
    xero_number: str | None = None
    error: str = ""
    outbox_id: int | None = None

    @property
    def period(self) -> tuple[Month, Month] | None:
        return period_of(self.method, self.due)


def item_status(stored: str, posting: str | None) -> WorkStatus:
    """An item's status: `open` and `completed` are stored; `invoiced` is a completed item
    whose invoice's outbox entry is posted (derived, never copied)."""
    return WorkStatus.INVOICED if posting == _POSTED else WorkStatus(stored)


_POSTED = OutboxState.POSTED.value

#: `socket work list` shows by default what is still to do or to invoice (open and completed
#: items) and the items invoiced that were completed in the last RECENT_DAYS days (their Xero
#: numbers); older invoiced items with `--status invoiced` or `--all`.
RECENT_DAYS = 30


def recent_since(now: datetime) -> datetime:
    """The moment from which an invoiced item is still shown by default (UTC)."""
    return (now - timedelta(days=RECENT_DAYS)).astimezone(UTC)


def shown_by_default(status: WorkStatus, completed_at: datetime | None, since: datetime) -> bool:
    """Whether `work list` without --status or --all shows an item (the store's query says
    the same in SQL; tests/integration/test_work_listing.py holds the two together)."""
    return status is not WorkStatus.INVOICED or (completed_at is not None and completed_at >= since)


class ListedWork(NamedTuple):
    """A work item as `socket work list` shows it: only what the list shows (a tuple, made
    at C speed: two years of a large practice is tens of thousands of them). Completing
    reads the whole `WorkItem`."""

    id: int
    client_reference: str
    client_name: str
    proposal_reference: str
    service: str
    method: BillingMethod
    description: str
    amount: Decimal
    due: Month | None
    status: WorkStatus
    invoice_reference: str | None
    posting: str | None  # the invoice's outbox state: pending, sending, posted, failed
    xero_number: str | None
    error: str

    @property
    def period(self) -> tuple[Month, Month] | None:
        return period_of(self.method, self.due)


def period_of(method: BillingMethod, due: Month | None) -> tuple[Month, Month] | None:
    """The first and last month of an on-completion item's period; None for one-off work."""
    months = PERIODS.get(method)
    if months is None or due is None:
        return None
    return due, due + (months - 1)


def period_text(method: BillingMethod, due: Month | None) -> str:
    """'Dec 2026 to Feb 2027' (quarterly), 'Apr 2026 to Mar 2027' (annual), '' (one-off)."""
    period = period_of(method, due)
    return "" if period is None else f"{period[0].label} to {period[1].label}"


# -- which item a line opens ------------------------------------------------------------------


def first_due(line: WorkLine, in_force_from: Month) -> Month | None:
    """The due month of the item a line in force from `in_force_from` opens: a one-off line's
    start; for a quarterly or annual line, the start of its period (on its cycle) in force
    in `in_force_from`, or its first period when it starts later. None when the line ends
    before that period begins."""
    months = PERIODS.get(line.method)
    if months is None:
        return line.start
    anchor = line.anchor or line.start
    target = max(line.start, in_force_from)
    due = anchor + (target.months_since(anchor) // months) * months
    if line.end is not None and due > line.end:
        return None
    return due


def continues(line: WorkLine, earlier: WorkLine) -> bool:
    """Whether `line` is `earlier`'s next version (a price change from the month after)."""
    return line.same_series(earlier) and earlier.end is not None and earlier.end + 1 == line.start


def opens_item(
    line: WorkLine, lines: Sequence[WorkLine], items: Iterable[tuple[int, Month | None, bool]]
) -> bool:
    """Whether `line` (one of the proposal's `lines`) gets an item of its own. `items`: the
    proposal's items as (line id, due month, open). A line with an item has one; a series
    with an open item carries it (it follows the versions); a quarterly or annual series
    with any item renews by completion; a one-off version that continues one already done
    is the same job."""
    items = list(items)
    series = {other.id for other in lines if other.same_series(line)}
    if any(line_id == line.id for line_id, _, _ in items):
        return False
    if any(line_id in series and is_open for line_id, _, is_open in items):
        return False
    if line.method in PERIODS:
        return not any(line_id in series for line_id, _, _ in items)
    done = {line_id for line_id, _, _ in items}
    return not any(continues(line, other) and other.id in done for other in lines)


# -- open items follow their proposal -----------------------------------------------------------


def follow(
    method: BillingMethod,
    service: str,
    due: Month | None,
    own: WorkLine | None,
    lines: Sequence[WorkLine],
    this_month: Month,
) -> WorkLine | None:
    """The line version an open item is billed at once its proposal's lines are `lines`
    (`own`: its line as stored now, None when the line is gone); None: the item goes."""
    series = [
        line
        for line in lines
        if line.method is method and line.service.casefold() == service.casefold()
    ]
    if method in PERIODS:
        if due is None:
            return own
        if own is not None and own.active_in(due):
            return own
        found = [line for line in series if line.active_in(due)]
        return max(found, key=lambda line: line.start) if found else None
    line = own
    if line is None:
        found = [x for x in series if due is not None and x.active_in(due)]
        if not found:
            return None
        line = max(found, key=lambda x: x.start)
    seen = {line.id}
    while line.end is not None:
        following = next((x for x in series if continues(x, line) and x.id not in seen), None)
        if following is None:
            break
        line = following
        seen.add(line.id)
    if line.end is not None and line.end < this_month:
        return None
    return line


def renewal(
    method: BillingMethod,
    service: str,
    due: Month | None,
    own_line: int,
    lines: Sequence[WorkLine],
    last_billable: Month | None,
) -> tuple[WorkLine, Month] | None:
    """The next period's item once a quarterly or annual item is completed: the version in
    force then, and the period's first month. None for one-off work, a series stopped by
    then, or a client whose last billable month comes before it."""
    months = PERIODS.get(method)
    if months is None or due is None:
        return None
    following = due + months
    if last_billable is not None and following > last_billable:
        return None
    found = [
        line
        for line in lines
        if line.method is method
        and line.service.casefold() == service.casefold()
        and line.active_in(following)
    ]
    if not found:
        return None
    own = [line for line in found if line.id == own_line]
    return (own[0] if own else max(found, key=lambda line: line.start)), following


# -- the invoice of a completion -----------------------------------------------------------------


def work_reference(client: str, proposal: str, day: date, taken: Collection[str]) -> str:
    """The invoice reference of one completion: readable, and unique per client, proposal
    and completion ('ACME P-7 work 3 Dec 2026', then '... (2)' for a second that day)."""
    base = f"{client} {proposal} work {day.day} {day:%b %Y}"
    reference, n = base, 1
    while reference in taken:
        n += 1
        reference = f"{base} ({n})"
    return reference


def work_line(item: WorkItem, settings: PracticeSettings) -> InvoiceLine:
    """An item's invoice line: its description (and period), the one-off account code for
    one-off work, the recurring one for on-completion work, unless the service has its own."""
    period = period_text(item.method, item.due)
    default = (
        settings.one_off_account_code
        if item.method is BillingMethod.ONE_OFF
        else settings.recurring_account_code
    )
    return InvoiceLine(
        description=f"{item.description} – {period}" if period else item.description,
        quantity=item.quantity,
        unit_amount=item.unit_price,
        account_code=item.account_code or default,
        line_amount=item.amount,
        tracking=item.tracking,
    )


def work_invoice(
    items: Sequence[WorkItem],
    client: Client,
    settings: PracticeSettings,
    day: date,
    reference: str,
) -> InvoiceDocument:
    """The invoice for items of one proposal completed together, dated `day`. One-off lines
    are consolidated by the one-off setting; on-completion lines as the client's recurring
    ones are (its own setting, else the practice's)."""
    if not items or len({item.proposal_reference for item in items}) != 1:
        raise ValueError("a work invoice is for items of one proposal")
    month = Month.of(day)
    one_off = [work_line(i, settings) for i in items if i.method is BillingMethod.ONE_OFF]
    periodic = [work_line(i, settings) for i in items if i.method is not BillingMethod.ONE_OFF]
    recurring = (
        client.consolidate if client.consolidate is not None else settings.consolidate_recurring
    )
    if settings.consolidate_one_off or recurring:
        lines = [
            *(consolidate(periodic, month) if recurring else periodic),
            *(consolidate(one_off, month) if settings.consolidate_one_off else one_off),
        ]
    else:
        lines = [work_line(i, settings) for i in items]
    terms = (
        PaymentTerms.parse(client.payment_terms) if client.payment_terms else settings.payment_terms
    )
    assert client.id is not None
    return InvoiceDocument(
        client_id=client.id,
        client_reference=client.reference,
        client_name=client.name,
        contact_name=client.xero_contact_name or client.name,
        contact_id=client.xero_contact_id,
        month=month,
        kind=InvoiceKind.WORK,
        invoice_date=day,
        due_date=terms.due_date(day),
        payment_terms=terms.describe(),
        reference=reference,
        branding_theme=client.branding_theme or settings.branding_theme,
        lines=tuple(lines),
        status=settings.posting_status.value,
    )

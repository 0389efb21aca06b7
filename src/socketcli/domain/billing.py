"""The billing engine: which lines are due in a month, and the invoices they make.

Pure functions over immutable values; the plan for a month depends only on its inputs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from socketcli.domain.model import (
    BillableLine,
    BillingMethod,
    ClientMonth,
    ClientTerms,
    InvoiceKind,
    InvoiceLine,
    Plan,
    PlannedInvoice,
    YearEnd,
)
from socketcli.domain.money import amount_of
from socketcli.domain.months import Month
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings


@dataclass(frozen=True, slots=True)
class Alignment:
    """The months of the client's financial year that passed before a service started."""

    first: Month
    months: int

    @property
    def last(self) -> Month:
        return self.first + (self.months - 1)


def alignment_for(
    year_end: YearEnd, start: Month, billed_until: Month | None = None, start_day: int = 1
) -> Alignment | None:
    """Alignment owed by a monthly service starting in `start` for a client with `year_end`.

    Year end 31 March, start October 2023: the year began in April 2023, so April to
    September (6 months) are owed. `billed_until`: the latest month before `start` in which
    the client was already billed for the service (by a proposal this one replaces); the
    months of the year up to it were billed, not passed, and are not owed again.
    `start_day`: the day of `start` the service starts on. In the year-end month, a start
    after the year end's day (the 20th for a year end of 15 June; clamped to the month's
    last day) is in the new financial year, none of which has passed: nothing is owed.
    """
    if start.month == year_end.month and start_day > min(year_end.day, start.last_day.day):
        return None
    year_start = Month(start.year, year_end.month % 12 + 1)
    if year_start > start:
        year_start = year_start - 12
    if billed_until is not None and billed_until >= year_start:
        year_start = billed_until + 1
    months = start.months_since(year_start)
    return Alignment(year_start, months) if months > 0 else None


def alignment_month(line: BillableLine) -> Month | None:
    """The month `line` charges its alignment fee in (when its client has a year end), or None.

    Only a monthly line that charges one, in its first month, and only the version that
    starts the service: a later version (a price change) keeps the first one's anchor and
    continues the service, whose fee was charged once.
    """
    if not line.charges_alignment or line.method is not BillingMethod.MONTHLY:
        return None
    if line.anchor is not None and line.anchor != line.start:
        return None
    return line.start


def alignment_fee(quantity: Decimal, unit_price: Decimal, alignment: Alignment) -> Decimal:
    """The fee for the months `alignment` covers: the line's quantity for each, at its price."""
    return amount_of(quantity * alignment.months, unit_price)


def is_due(line: BillableLine, month: Month, client: ClientTerms) -> bool:
    """True when `line` invoices in `month`: a plan method, inside its dates and the client's."""
    period = line.method.period_months
    if period is None or month < line.start:
        return False
    if line.end is not None and month > line.end:
        return False
    if client.last_billable_month is not None and month > client.last_billable_month:
        return False
    anchor = line.anchor or line.start
    return month >= anchor and month.months_since(anchor) % period == 0


def _period_text(method: BillingMethod, month: Month) -> str:
    period = method.period_months or 1
    if period == 1:
        return month.label
    return f"{month.label} to {(month + (period - 1)).label}"


def invoice_line(line: BillableLine, month: Month, settings: PracticeSettings) -> InvoiceLine:
    description = line.description or line.service_name
    return InvoiceLine(
        description=f"{description} – {_period_text(line.method, month)}",
        quantity=line.quantity,
        unit_amount=line.unit_price,
        account_code=line.account_code or settings.recurring_account_code,
        line_amount=line.amount,
        tracking=line.tracking,
    )


def alignment_line(
    line: BillableLine, alignment: Alignment, settings: PracticeSettings
) -> InvoiceLine:
    quantity = line.quantity * alignment.months
    description = line.description or line.service_name
    return InvoiceLine(
        description=(
            f"Alignment fee: {description} – {alignment.first.label} to {alignment.last.label}"
            f" ({alignment.months} months)"
        ),
        quantity=quantity,
        unit_amount=line.unit_price,
        account_code=line.account_code or settings.recurring_account_code,
        line_amount=alignment_fee(line.quantity, line.unit_price, alignment),
        tracking=line.tracking,
    )


def consolidate(lines: Iterable[InvoiceLine], month: Month) -> tuple[InvoiceLine, ...]:
    """One line per account code (and tracking), as a Xero line carries one of each."""
    groups: dict[tuple[str | None, tuple[tuple[str, str], ...]], list[InvoiceLine]] = {}
    for line in lines:
        groups.setdefault((line.account_code, line.tracking), []).append(line)
    merged = []
    for (code, tracking), members in groups.items():
        total = sum((m.line_amount for m in members), Decimal("0.00"))
        names = ", ".join(dict.fromkeys(m.description.rsplit(" – ", 1)[0] for m in members))
        merged.append(
            InvoiceLine(
                description=f"Professional services for {month.label}: {names}",
                quantity=Decimal(1),
                unit_amount=total,
                account_code=code,
                line_amount=total,
                tracking=tracking,
            )
        )
    return tuple(merged)


def client_invoices(
    client: ClientTerms,
    lines: Iterable[BillableLine],
    month: Month,
    settings: PracticeSettings,
) -> list[PlannedInvoice]:
    """The invoice(s) one client receives for `month`; empty when nothing is due."""
    due = sorted(
        (line for line in lines if is_due(line, month, client)),
        key=lambda line: (line.proposal_ref, line.line_id),
    )
    if not due:
        return []
    recurring = [invoice_line(line, month, settings) for line in due]
    consolidated = (
        client.consolidate if client.consolidate is not None else settings.consolidate_recurring
    )
    if consolidated:
        recurring = list(consolidate(recurring, month))
    fees = []
    if client.year_end is not None:
        for line in due:
            if alignment_month(line) == month:
                alignment = alignment_for(client.year_end, month, line.billed_until, line.start_day)
                if alignment is not None:
                    fees.append(alignment_line(line, alignment, settings))
    if fees and settings.alignment_invoicing is AlignmentInvoicing.SEPARATE:
        return [
            PlannedInvoice(client.client_id, month, InvoiceKind.RECURRING, tuple(recurring)),
            PlannedInvoice(client.client_id, month, InvoiceKind.ALIGNMENT, tuple(fees)),
        ]
    return [PlannedInvoice(client.client_id, month, InvoiceKind.RECURRING, tuple(recurring + fees))]


def compute_plan(
    month: Month,
    clients: Mapping[int, ClientTerms],
    lines: Iterable[BillableLine],
    settings: PracticeSettings,
) -> Plan:
    """The billing plan for `month`: every client's invoices, in client id order."""
    by_client: dict[int, list[BillableLine]] = defaultdict(list)
    for line in lines:
        by_client[line.client_id].append(line)
    invoices: list[PlannedInvoice] = []
    for client_id in sorted(by_client):
        client = clients.get(client_id)
        if client is not None:
            invoices.extend(client_invoices(client, by_client[client_id], month, settings))
    return Plan(month, tuple(invoices))


def next_billing_month(today: date, latest_finalised: Month | None) -> Month:
    """The month whose plan is next to be billed.

    After the latest finalised month; without one, the month whose 1st is next
    (this month on the 1st itself, so that a plan can still be reviewed that day).
    """
    if latest_finalised is not None:
        return latest_finalised + 1
    this_month = Month.of(today)
    return this_month if today.day == 1 else this_month + 1


def client_totals(
    months: Iterable[Month],
    clients: Mapping[int, ClientTerms],
    lines: Iterable[BillableLine],
    settings: PracticeSettings,
) -> dict[Month, dict[int, ClientMonth]]:
    """What each client is billed in each of `months`: amount, line and invoice counts.

    Exactly `compute_plan(month, ...).by_client()` for each month, without building the
    invoice lines: `plan diff` over a whole practice needs only these figures. Lines are
    grouped by client once for all the months.
    """
    wanted = [(month, month.ordinal) for month in months]
    totals: dict[Month, dict[int, ClientMonth]] = {month: {} for month, _ in wanted}
    by_client: dict[int, list[BillableLine]] = defaultdict(list)
    for line in lines:
        by_client[line.client_id].append(line)
    default_code = settings.recurring_account_code
    separate = settings.alignment_invoicing is AlignmentInvoicing.SEPARATE
    zero = Decimal("0.00")
    amounts: dict[tuple[Decimal, Decimal], Decimal] = {}
    periods = {method: method.period_months for method in BillingMethod}
    for client_id, client_lines in by_client.items():
        client = clients.get(client_id)
        if client is None:
            continue
        last = client.last_billable_month.ordinal if client.last_billable_month else None
        consolidated = (
            client.consolidate if client.consolidate is not None else settings.consolidate_recurring
        )
        prepared = []
        for line in client_lines:
            period = periods[line.method]
            if period is None:
                continue
            start = line.start.ordinal
            anchor = line.anchor.ordinal if line.anchor is not None else start
            end = line.end.ordinal if line.end is not None else None
            price = (line.quantity, line.unit_price)
            line_amount = amounts.get(price)
            if line_amount is None:
                line_amount = amounts[price] = amount_of(line.quantity, line.unit_price)
            fee_month = alignment_month(line)
            fee = fee_month.ordinal if fee_month is not None else None
            prepared.append((line, period, start, anchor, end, line_amount, fee))
        for month, ordinal in wanted:
            if last is not None and ordinal > last:
                continue
            amount = zero
            count = 0
            groups: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
            fees = 0
            for line, period, start, anchor, end, line_amount, fee in prepared:
                if ordinal < start or (end is not None and ordinal > end) or ordinal < anchor:
                    continue
                if (ordinal - anchor) % period:
                    continue
                amount += line_amount
                count += 1
                if consolidated:
                    groups.add((line.account_code or default_code, line.tracking))
                if fee == ordinal and client.year_end is not None:
                    alignment = alignment_for(
                        client.year_end, month, line.billed_until, line.start_day
                    )
                    if alignment is not None:
                        amount += alignment_fee(line.quantity, line.unit_price, alignment)
                        fees += 1
            if count:
                line_count = (len(groups) if consolidated else count) + fees
                invoices = 2 if fees and separate else 1
                totals[month][client_id] = ClientMonth(amount, line_count, invoices)
    return totals

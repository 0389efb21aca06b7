"""A proposal's life, pure: which lines may charge the alignment fee, acceptance, a change
from a month on (a price change continues its line's cycle and charges no new fee), and
cancellation. `socket proposals`, the CSV import and the demo practice all decide with these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.records import Proposal, ProposalLine, Service

#: (from, to): the status changes a proposal may go through (staying as it is included).
STATUS_CHANGES: frozenset[tuple[ProposalStatus, ProposalStatus]] = frozenset(
    {
        (ProposalStatus.DRAFT, ProposalStatus.DRAFT),
        (ProposalStatus.DRAFT, ProposalStatus.ACCEPTED),
        (ProposalStatus.DRAFT, ProposalStatus.CANCELLED),
        (ProposalStatus.ACCEPTED, ProposalStatus.ACCEPTED),
        (ProposalStatus.ACCEPTED, ProposalStatus.CANCELLED),
        (ProposalStatus.CANCELLED, ProposalStatus.CANCELLED),
    }
)
#: Statuses whose lines bill: a cancelled proposal that had been accepted keeps billing the
#: months before its lines ended.
BILLED_STATUSES: frozenset[ProposalStatus] = frozenset(
    {ProposalStatus.ACCEPTED, ProposalStatus.CANCELLED}
)


class NoCurrentLine(LookupError):
    """A change stops a service that has no line in force in its month."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


def can_change_status(old: ProposalStatus, new: ProposalStatus) -> bool:
    """Whether a proposal that is `old` may become `new`."""
    return (old, new) in STATUS_CHANGES


def accepted_at(stored: Proposal | None, status: ProposalStatus, now: datetime) -> datetime | None:
    """When a proposal saved with `status` over `stored` (None: a new one) was accepted: `now`
    as it becomes accepted, the stored moment once it was, None for a draft and for one
    cancelled before it was accepted."""
    if stored is not None and stored.status is not ProposalStatus.DRAFT:
        return stored.accepted_at
    return now if status is ProposalStatus.ACCEPTED else None


def becomes_cancelled(old: ProposalStatus | None, new: ProposalStatus) -> bool:
    """Whether saving `new` over a stored `old` cancels the proposal now (the store stamps
    cancelled_at). One first stored as cancelled (imported history) has no such moment."""
    return (
        old is not None and old is not ProposalStatus.CANCELLED and new is ProposalStatus.CANCELLED
    )


def charges_alignment(service: Service, method: BillingMethod) -> bool:
    """A line can charge the alignment fee when its service is eligible and it is billed
    monthly (the fee evens out a year end not yet reached by monthly instalments)."""
    return service.alignment_eligible and method is BillingMethod.MONTHLY


def alignment_problem(service: Service) -> str | None:
    """Why `service` cannot carry an alignment fee as it stands, or None."""
    if service.alignment_eligible and not charges_alignment(service, service.billing_method):
        return (
            f"service {service.name!r} is billed {service.billing_method}: only a service "
            "billed monthly can carry an alignment fee"
        )
    return None


def same_service(a: ProposalLine, b: ProposalLine) -> bool:
    return a.service_name.casefold() == b.service_name.casefold()


def ended(line: ProposalLine, month: Month) -> ProposalLine | None:
    """The line stopped before `month`; None when it had not started by then (it goes)."""
    if line.start is not None and line.start >= month:
        return None
    if line.end is not None and line.end < month:
        return line
    return replace(line, end=month - 1)


def current_line(lines: Sequence[ProposalLine], service: str, month: Month) -> int | None:
    """The index of the line of `service` (case aside) still in force in `month`, or None."""
    folded = service.casefold()
    for index, line in enumerate(lines):
        if line.service_name.casefold() == folded and (line.end is None or line.end >= month):
            return index
    return None


def continued_line(earlier: Sequence[ProposalLine], line: ProposalLine) -> ProposalLine | None:
    """The version `line` continues (a price change), or None. Of `earlier` (the proposal's
    billed lines that start before `line`, or in its month before it, in that order): the last
    of the same service and billing method that ends the month before `line` starts, unless
    one of them that starts with `line` continues it already."""
    if line.start is None:
        return None
    found = None
    for old in earlier:
        if not same_service(old, line) or old.billing_method is not line.billing_method:
            continue
        if old.start == line.start:
            return None
        if old.end is not None and old.end + 1 == line.start:
            found = old
    return found


def decided(line: ProposalLine, earlier: Sequence[ProposalLine]) -> ProposalLine:
    """`line` with its cycle anchor and alignment fee decided against `earlier` (as for
    `continued_line`). On the way in, `line.charges_alignment` says whether it may charge the
    fee (`charges_alignment(service, method)`); on the way out, whether it does.

    A line that continues an earlier version keeps its anchor, so that a quarterly or annual
    cycle does not move. Only the first line of a service charges the fee: a price change, a
    new billing method, a service stopped and set again, or a second line of the same
    service charges none. A line with no start (a draft's) has neither.
    """
    if line.start is None:
        anchor, charges = None, False
    else:
        previous = continued_line(earlier, line)
        anchor = line.start if previous is None else previous.anchor or previous.start
        charges = line.charges_alignment and not any(same_service(o, line) for o in earlier)
    if line.anchor == anchor and line.charges_alignment == charges:
        return line
    return _with(line, anchor, charges)


def _with(line: ProposalLine, anchor: Month | None, charges: bool) -> ProposalLine:
    """`replace(line, anchor=..., charges_alignment=...)`, built directly: the import decides
    150,000 lines, and `dataclasses.replace` costs several times a plain construction."""
    return ProposalLine(
        line.service_name,
        line.description,
        line.quantity,
        line.unit_price,
        line.billing_method,
        line.start,
        line.end,
        anchor,
        charges,
        line.id,
    )


def decided_lines(lines: Sequence[ProposalLine]) -> tuple[ProposalLine, ...]:
    """Every line `decided`, in the order the lines start (ties: as given); the result keeps
    the order given. Acceptance and the demo practice decide with this; the CSV import
    decides with `decided_facts`, which it calls."""
    decisions = decided_facts(
        [
            (
                line.service_name.casefold(),
                line.billing_method,
                line.start,
                line.end,
                line.charges_alignment,
            )
            for line in lines
        ]
    )
    return tuple(
        line
        if line.anchor == anchor and line.charges_alignment == charges
        else _with(line, anchor, charges)
        for line, (anchor, charges) in zip(lines, decisions, strict=True)
    )


#: What deciding a line needs: its service's name casefolded, its billing method, start and
#: end, and whether it may charge the alignment fee (`charges_alignment(service, method)`).
LineFacts = tuple[str, BillingMethod, Month | None, Month | None, bool]


#: A line decided, as plain values: service name, description, quantity, unit price, billing
#: method, start, end, anchor, charges the alignment fee (a ProposalLine's fields but its id).
DecidedLine = tuple[
    str, str, Decimal, Decimal, BillingMethod, Month | None, Month | None, Month | None, bool
]


class NewProposal(NamedTuple):
    """A proposal not yet in the store with its lines decided (`decided_facts`), as plain
    values: what the CSV import writes by the hundred thousand (`ProposalRepository.add_new`)."""

    reference: str
    client_reference: str
    status: ProposalStatus
    start_date: date | None
    title: str
    accepted_at: datetime | None
    lines: tuple[DecidedLine, ...]

    def as_proposal(self) -> Proposal:
        return Proposal(
            reference=self.reference,
            client_reference=self.client_reference,
            status=self.status,
            start_date=self.start_date,
            title=self.title,
            lines=tuple(ProposalLine(*line) for line in self.lines),
            accepted_at=self.accepted_at,
        )


def decided_facts(lines: Sequence[LineFacts]) -> list[tuple[Month | None, bool]]:
    """Each line's (cycle anchor, charges the alignment fee), exactly as `decided` decides
    them in the order the lines start (ties: as given), from plain values: the CSV import
    decides 1.4 million lines of 200,000 proposals without building a ProposalLine for each.

    A line continues the last earlier line of the same service and billing method that ends
    the month before it starts (and keeps its anchor) unless one of them starts with it;
    only a service's first line charges the fee; a line with no start has neither.
    """
    result: list[tuple[Month | None, bool]] = [(None, False)] * len(lines)
    billed = [
        (facts[2].ordinal, index) for index, facts in enumerate(lines) if facts[2] is not None
    ]
    billed.sort()
    # (service, method, start ordinal, end ordinal or None, anchor) of each line decided
    earlier: list[tuple[str, BillingMethod, int, int | None, Month]] = []
    for start_ordinal, index in billed:
        service, method, start, end, may_charge = lines[index]
        assert start is not None
        anchor: Month = start
        same_service = False
        continues = True
        for old_service, old_method, old_start, old_end, old_anchor in earlier:
            if old_service != service:
                continue
            same_service = True
            if not continues or old_method is not method:
                continue
            if old_start == start_ordinal:
                continues = False  # a line starting with it continues it already
                anchor = start
            elif old_end is not None and old_end + 1 == start_ordinal:
                anchor = old_anchor
        charges = may_charge and not same_service
        earlier.append(
            (service, method, start_ordinal, None if end is None else end.ordinal, anchor)
        )
        result[index] = (anchor, charges)
    return result


def accepted(
    proposal: Proposal, start: date, at: datetime, services: Iterable[Service]
) -> Proposal:
    """The proposal accepted at `at`, billing from `start`: each line starts in the start
    month unless it has its own; anchors and alignment fees are `decided_lines`'."""
    first = Month.of(start)
    by_name = {service.name.casefold(): service for service in services}

    def charges(line: ProposalLine) -> bool:
        service = by_name.get(line.service_name.casefold())
        return service is not None and charges_alignment(service, line.billing_method)

    return replace(
        proposal,
        status=ProposalStatus.ACCEPTED,
        start_date=start,
        accepted_at=at,
        lines=decided_lines(
            [
                replace(line, start=line.start or first, charges_alignment=charges(line))
                for line in proposal.lines
            ]
        ),
    )


def changed_lines(
    lines: Sequence[ProposalLine],
    effective: Month,
    *,
    remove: Sequence[str] = (),
    add: Sequence[ProposalLine] = (),
) -> tuple[ProposalLine, ...]:
    """The lines once changed from `effective` on; months before bill as they did.

    Each service in `remove` stops (NoCurrentLine when it has no line in force then). Each
    line of `add` (its charges_alignment: whether it may charge the fee) starts in
    `effective`, ends its service's current line, if any, and is `decided` against the lines
    that start by then: with the same billing method it is a price change, which keeps the
    old line's anchor; only the first line of a service charges the alignment fee.
    """
    kept = list(lines)

    def stop(index: int) -> None:
        stopped = ended(kept[index], effective)
        if stopped is None:
            del kept[index]
        else:
            kept[index] = stopped

    for name in remove:
        index = current_line(kept, name, effective)
        if index is None:
            raise NoCurrentLine(name)
        stop(index)
    for line in add:
        index = current_line(kept, line.service_name, effective)
        if index is not None:
            stop(index)
        earlier = [old for old in kept if old.start is not None and old.start <= effective]
        kept.append(decided(replace(line, start=effective), earlier))
    return tuple(kept)


def cancelled(proposal: Proposal, month: Month | None) -> Proposal:
    """The proposal cancelled: a draft simply is; an accepted one stops its lines before
    `month` (months before still bill)."""
    lines = proposal.lines
    if proposal.status is ProposalStatus.ACCEPTED:
        if month is None:
            raise ValueError("an accepted proposal is cancelled from a month")
        lines = tuple(kept for line in lines if (kept := ended(line, month)) is not None)
    return replace(proposal, status=ProposalStatus.CANCELLED, lines=lines)


# -- comparing a proposal with what is stored (the CSV import) ---------------------------


def line_identity(line: ProposalLine) -> tuple[object, ...]:
    """Everything stored about a line, its id aside."""
    return (
        line.service_name.casefold(),
        line.description,
        line.quantity,
        line.unit_price,
        line.billing_method,
        line.start,
        line.end,
        line.anchor,
        line.charges_alignment,
    )


def line_terms(line: ProposalLine) -> tuple[object, ...]:
    """What a line bills in a month in which it is in force."""
    return (
        line.service_name.casefold(),
        line.description,
        line.quantity,
        line.unit_price,
        line.billing_method,
        line.anchor,
        line.charges_alignment,
    )


def same_proposal(a: Proposal, b: Proposal) -> bool:
    return (
        a.client_reference == b.client_reference
        and a.status is b.status
        and a.start_date == b.start_date
        and a.title == b.title
        and len(a.lines) == len(b.lines)
        and all(line_identity(x) == line_identity(y) for x, y in zip(a.lines, b.lines, strict=True))
    )


def first_difference(old: Proposal, new: Proposal) -> Month | None:
    """The first month in which `new` would bill differently from `old`; None if none."""
    lines = [*old.lines, *new.lines]
    starts = {line.start for line in lines if line.start is not None}
    if old.client_reference != new.client_reference:
        return min(starts, default=None)
    boundaries = starts | {
        line.end + 1 for line in lines if line.start is not None and line.end is not None
    }
    for month in sorted(boundaries):
        before = Counter(line_terms(line) for line in old.lines if line.active_in(month))
        after = Counter(line_terms(line) for line in new.lines if line.active_in(month))
        if before != after:
            return month
    return None


def with_kept_line_ids(new: Proposal, stored: Proposal) -> Proposal:
    """`new`, its lines carrying the ids of the stored lines they keep.

    A line stored exactly as it is keeps its row; so does one that differs only in its last
    month (a line ended by a price change, as `socket proposals change` ends it), so that
    the row the past months billed, and its work items, stay.
    """
    lines = list(new.lines)
    taken: set[int] = set()
    for key in (line_identity, _all_but_end):
        free: dict[tuple[object, ...], list[int]] = {}
        for line in stored.lines:
            if line.id is not None and line.id not in taken:
                free.setdefault(key(line), []).append(line.id)
        for index, line in enumerate(lines):
            ids = free.get(key(line)) if line.id is None else None
            if ids:
                taken.add(ids[0])
                lines[index] = replace(line, id=ids.pop(0))
    return replace(new, lines=tuple(lines))


def _all_but_end(line: ProposalLine) -> tuple[object, ...]:
    return (*line_terms(line), line.start)


def touches_finalised(first_changed: Month | None, finalised: Month | None) -> bool:
    """Whether a change that first bills differently in `first_changed` reaches a finalised
    month: months already finalised keep what they were billed."""
    return first_changed is not None and finalised is not None and first_changed <= finalised

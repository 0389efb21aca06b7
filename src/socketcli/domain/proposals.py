"""A proposal's life, pure: which lines may charge the alignment fee, acceptance, a change
from a month on (a price change continues its line's cycle and charges no new fee), and
cancellation. `socket proposals`, the CSV import and the demo practice all decide with these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.records import Proposal, ProposalLine, Service


class NoCurrentLine(LookupError):
    """A change stops a service that has no line in force in its month."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


def charges_alignment(service: Service, method: BillingMethod) -> bool:
    """A line can charge the alignment fee when its service is eligible and it is billed
    monthly (the fee evens out a year end not yet reached by monthly instalments)."""
    return service.alignment_eligible and method is BillingMethod.MONTHLY


def accepted(
    proposal: Proposal, start: date, at: datetime, services: Iterable[Service]
) -> Proposal:
    """The proposal accepted at `at`, billing from `start`: each line starts (and anchors its
    cycle) in the start month unless it has its own, and charges the alignment fee when its
    service may."""
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
        lines=tuple(
            replace(
                line,
                start=line.start or first,
                anchor=line.anchor or line.start or first,
                charges_alignment=charges(line),
            )
            for line in proposal.lines
        ),
    )


def ended(line: ProposalLine, month: Month) -> ProposalLine | None:
    """The line stopped before `month`; None when it had not started by then (it goes)."""
    if line.start is not None and line.start >= month:
        return None
    if line.end is not None and line.end < month:
        return line
    return replace(line, end=month - 1)


def changed_lines(
    lines: Sequence[ProposalLine],
    effective: Month,
    *,
    remove: Sequence[str] = (),
    add: Sequence[ProposalLine] = (),
) -> tuple[ProposalLine, ...]:
    """The lines once changed from `effective` on; months before bill as they did.

    Each service in `remove` stops (NoCurrentLine when it has no line in force then). Each
    line of `add` starts in `effective` and replaces its service's current line, if any; with
    the same billing method that is a price change, which continues the old line: it keeps
    its cycle's anchor and charges no new alignment fee.
    """
    kept = list(lines)

    def current(service: str) -> int | None:
        for index, line in enumerate(kept):
            if line.service_name.casefold() == service.casefold() and (
                line.end is None or line.end >= effective
            ):
                return index
        return None

    def stop(index: int) -> None:
        stopped = ended(kept[index], effective)
        if stopped is None:
            del kept[index]
        else:
            kept[index] = stopped

    for name in remove:
        index = current(name)
        if index is None:
            raise NoCurrentLine(name)
        stop(index)
    for line in add:
        new = replace(line, start=effective, anchor=effective)
        index = current(new.service_name)
        if index is not None:
            old = kept[index]
            if old.billing_method is new.billing_method:
                new = replace(
                    new, anchor=old.anchor or old.start or effective, charges_alignment=False
                )
            stop(index)
        kept.append(new)
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

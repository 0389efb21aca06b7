"""A proposal's life, pure: which lines may charge the alignment fee, acceptance, a change
from a month on (a price change continues its line's cycle and charges no new fee), and
cancellation. `socket proposals`, the CSV import and the demo practice all decide with these.
"""

from __future__ import annotations

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

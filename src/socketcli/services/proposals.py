"""Proposals: add (draft), accept, cancel, and change from a month on."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from socketcli.domain.clients import check_reference
from socketcli.domain.dates import local_today, parse_date
from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.money import CURRENCY_SIGNS, parse_price, parse_quantity
from socketcli.domain.months import Month
from socketcli.domain.proposals import (
    NoCurrentLine,
    accepted,
    cancelled,
    changed_lines,
    charges_alignment,
    touches_finalised,
)
from socketcli.domain.records import Proposal, ProposalLine
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.catalogue import get_service
from socketcli.services.plan import find_client

_LINE = re.compile(
    r"^(?P<service>[^=]+)=(?:(?P<qty>[0-9.,]+)\s*[x×*]\s*)?(?P<price>[^|]+)(?:\|(?P<description>.*))?$"
)


@dataclass(frozen=True, slots=True)
class LineSpec:
    """A line as typed: SERVICE=[QTYx]PRICE[|DESCRIPTION], e.g. 'Payroll=3x25.00|Payroll, 3 staff'."""

    service: str
    quantity: Decimal
    unit_price: Decimal
    description: str = ""
    method: BillingMethod | None = None
    #: The currency sign the price was typed with ('' for none): checked against the
    #: practice's currency when the line is stored.
    sign: str = ""

    @classmethod
    def parse(cls, text: str) -> LineSpec:
        match = _LINE.match(text.strip())
        if not match:
            raise InvalidInput(
                f"line {text!r} is not a line: expected SERVICE=[QTYx]PRICE[|DESCRIPTION], "
                "e.g. 'Bookkeeping=150' or 'Payroll=3x25.00|Payroll for 3 staff'"
            )
        quantity = (
            parse_quantity(match.group("qty"), what=f"line {text!r}: quantity")
            if match.group("qty")
            else Decimal(1)
        )
        price = match.group("price").strip()
        return cls(
            service=match.group("service").strip(),
            quantity=quantity,
            unit_price=parse_price(price, what=f"line {text!r}: price"),
            description=(match.group("description") or "").strip(),
            sign=price[0] if price[:1] in CURRENCY_SIGNS.values() else "",
        )


def _practice(uow: UnitOfWork) -> PracticeSettings:
    return PracticeSettings.from_values(uow.settings.values())


def _start_date(uow: UnitOfWork, start: date | str | None) -> date | None:
    """The start date given, typed in the practice's date format (`date_format`)."""
    if not isinstance(start, str):
        return start
    return parse_date(start, "start date", _practice(uow).date_format)


def _line(uow: UnitOfWork, spec: LineSpec) -> ProposalLine:
    if spec.sign:
        settings = _practice(uow)
        if spec.sign != settings.currency_sign:
            raise InvalidInput(
                f"line for {spec.service!r}: the price's currency sign {spec.sign!r} is not the "
                f"practice's ({settings.currency}, {settings.currency_sign}; see the `currency` "
                "setting)"
            )
    service = get_service(uow, spec.service)
    return ProposalLine(
        service_name=service.name,
        description=spec.description or service.name,
        quantity=spec.quantity,
        unit_price=spec.unit_price,
        billing_method=spec.method or service.billing_method,
    )


def get_proposal(store: OpenStore, reference: str) -> Proposal:
    with store() as uow:
        return _stored(uow, reference)


def _stored(uow: UnitOfWork, reference: str) -> Proposal:
    proposal = uow.proposals.get(reference)
    if proposal is None:
        raise NotFound(f"proposal {reference!r} does not exist: see `socket proposals list`")
    return proposal


def list_proposals(store: OpenStore, client: str | None = None) -> list[Proposal]:
    with store() as uow:
        if client is None:
            return uow.proposals.all()
        return uow.proposals.all(find_client(uow.plan, client).reference)


def add_proposal(
    store: OpenStore,
    reference: str,
    client: str,
    lines: list[LineSpec],
    *,
    start: date | str | None = None,
    title: str = "",
    accept_with: Clock | None = None,
) -> Proposal:
    """Add a draft proposal; with `accept_with` (a clock), accept it in the same transaction.
    A `start` given as text is read in the practice's date format."""
    with store(write=True) as uow:
        start = _start_date(uow, start)
        reference = check_reference(reference, "proposal reference")
        if uow.proposals.get(reference) is not None:
            raise Conflict(f"proposal {reference!r} already exists")
        if not lines:
            raise InvalidInput("a proposal needs at least one line (--line SERVICE=PRICE)")
        owner = find_client(uow.plan, client)
        proposal = Proposal(
            reference=reference,
            client_reference=owner.reference,
            status=ProposalStatus.DRAFT,
            start_date=start,
            title=title,
            lines=tuple(_line(uow, spec) for spec in lines),
        )
        if accept_with is not None:
            if start is None:
                raise InvalidInput(
                    f"proposal {reference!r} has no confirmed start date: give --start YYYY-MM-DD"
                )
            saved = uow.proposals.save(proposal)
            saved = uow.proposals.save(
                accepted(saved, start, accept_with.now(), uow.services.all())
            )
            uow.work_items.open_for([saved.reference], in_force_from=Month.of(start))
        else:
            saved = uow.proposals.save(proposal)
        uow.commit()
        return saved


def accept_proposal(
    store: OpenStore, reference: str, clock: Clock, start: date | str | None = None
) -> Proposal:
    """Accept a draft from `start` (text: in the practice's date format), else its own."""
    with store(write=True) as uow:
        start = _start_date(uow, start)
        proposal = _stored(uow, reference)
        if proposal.status is not ProposalStatus.DRAFT:
            raise Conflict(
                f"proposal {reference!r} is {proposal.status}: only a draft can be accepted"
            )
        start = start or proposal.start_date
        if start is None:
            raise InvalidInput(
                f"proposal {reference!r} has no confirmed start date: accept it with --start YYYY-MM-DD"
            )
        saved = uow.proposals.save(accepted(proposal, start, clock.now(), uow.services.all()))
        uow.work_items.open_for([saved.reference], in_force_from=Month.of(start))
        uow.commit()
        return saved


def _check_effective(
    uow: UnitOfWork, proposal: Proposal, month: Month, what: str = "a change"
) -> None:
    assert proposal.start_date is not None
    if month < Month.of(proposal.start_date):
        raise InvalidInput(
            f"proposal {proposal.reference!r} starts in {Month.of(proposal.start_date)}: "
            f"{what} cannot take effect earlier, in {month}"
        )
    finalised = uow.snapshots.latest_finalised()
    if touches_finalised(month, finalised):
        assert finalised is not None
        raise Conflict(
            f"{month} is already finalised: months already billed keep what they were billed; "
            f"a change can take effect from {finalised + 1} at the earliest"
        )


def cancel_proposal(
    store: OpenStore, reference: str, clock: Clock, effective: Month | None = None
) -> Proposal:
    """Cancel a draft, or stop an accepted proposal from a month on (months before still bill)."""
    with store(write=True) as uow:
        proposal = _stored(uow, reference)
        if proposal.status is ProposalStatus.CANCELLED:
            raise Conflict(f"proposal {reference!r} is already cancelled")
        month = None
        if proposal.status is ProposalStatus.ACCEPTED:
            from socketcli.services.plan import resolve_month

            # By default from the plan's next month, or from the start of a proposal that
            # has not started by then (nothing of it is billed).
            assert proposal.start_date is not None
            month = effective or max(
                resolve_month(uow.plan, None, clock, _practice(uow)),
                Month.of(proposal.start_date),
            )
            _check_effective(uow, proposal, month, "a cancellation")
        saved = uow.proposals.save(cancelled(proposal, month))
        uow.commit()
        return saved


def change_proposal(
    store: OpenStore,
    reference: str,
    effective: Month,
    clock: Clock,
    *,
    set_lines: list[LineSpec] = (),  # type: ignore[assignment]
    remove: list[str] = (),  # type: ignore[assignment]
) -> Proposal:
    """Change an accepted proposal from `effective` on; months before it bill as they did.

    `set_lines` adds a service's line or replaces its price and quantity; `remove` stops
    a service. A replaced quarterly or annual line keeps its billing cycle.
    """
    with store(write=True) as uow:
        proposal = _stored(uow, reference)
        if proposal.status is not ProposalStatus.ACCEPTED:
            raise Conflict(
                f"proposal {reference!r} is {proposal.status}: only an accepted proposal can be changed"
                + (
                    " (edit a draft by cancelling it and adding a new one)"
                    if proposal.status is ProposalStatus.DRAFT
                    else ""
                )
            )
        if not set_lines and not remove:
            raise InvalidInput("nothing to change: give --set SERVICE=PRICE or --remove SERVICE")
        _check_effective(uow, proposal, effective)
        removed = [get_service(uow, name).name for name in remove]
        added = []
        for spec in set_lines:
            new = _line(uow, spec)
            service = get_service(uow, new.service_name)
            added.append(
                replace(new, charges_alignment=charges_alignment(service, new.billing_method))
            )
        try:
            lines = changed_lines(proposal.lines, effective, remove=removed, add=added)
        except NoCurrentLine as missing:
            raise NotFound(
                f"proposal {reference!r} has no {missing.service!r} line in {effective}"
            ) from None
        saved = uow.proposals.save(replace(proposal, lines=lines))
        # Work that ended before this month is history (imported, invoiced before): no item.
        zone = _practice(uow).time_zone
        uow.work_items.open_for(
            [saved.reference], in_force_from=Month.of(local_today(clock.now(), zone))
        )
        uow.commit()
        return saved

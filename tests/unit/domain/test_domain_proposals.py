"""A proposal's life, decided by pure functions: acceptance, a change from a month on, and
cancellation (the rules `socket proposals`, the import and the demo practice share)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.proposals import (
    NoCurrentLine,
    accepted,
    cancelled,
    changed_lines,
    charges_alignment,
    decided,
    decided_lines,
    ended,
    first_difference,
    same_proposal,
    with_kept_line_ids,
)
from socketcli.domain.records import Proposal, ProposalLine, Service

ACCOUNTS = Service("Annual accounts", BillingMethod.MONTHLY, alignment_eligible=True)
VAT = Service("VAT returns", BillingMethod.QUARTERLY_IN_ADVANCE)
AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def line(service: Service, price: str, **fields: object) -> ProposalLine:
    return ProposalLine(
        service.name,
        service.name,
        Decimal(1),
        Decimal(price),
        fields.pop("method", service.billing_method),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def draft(*lines: ProposalLine) -> Proposal:
    return Proposal("P-1", "CLI001", ProposalStatus.DRAFT, date(2027, 1, 1), lines=lines)


def test_only_an_eligible_service_billed_monthly_charges_the_alignment_fee() -> None:
    assert charges_alignment(ACCOUNTS, BillingMethod.MONTHLY)
    assert not charges_alignment(ACCOUNTS, BillingMethod.ANNUAL_IN_ADVANCE)
    assert not charges_alignment(VAT, BillingMethod.MONTHLY)


def test_acceptance_starts_and_anchors_every_line_in_the_start_month() -> None:
    proposal = accepted(
        draft(line(ACCOUNTS, "100"), line(VAT, "150")), date(2027, 2, 14), AT, [ACCOUNTS, VAT]
    )
    assert proposal.status is ProposalStatus.ACCEPTED
    assert proposal.accepted_at == AT
    assert proposal.start_date == date(2027, 2, 14)
    assert [(x.start, x.anchor, x.charges_alignment) for x in proposal.lines] == [
        (Month(2027, 2), Month(2027, 2), True),
        (Month(2027, 2), Month(2027, 2), False),
    ]


def test_a_line_ends_the_month_before_and_one_not_yet_started_goes() -> None:
    running = line(ACCOUNTS, "100", start=Month(2027, 1))
    assert ended(running, Month(2027, 4)) == line(
        ACCOUNTS, "100", start=Month(2027, 1), end=Month(2027, 3)
    )
    assert ended(running, Month(2027, 1)) is None
    already = line(ACCOUNTS, "100", start=Month(2027, 1), end=Month(2027, 2))
    assert ended(already, Month(2027, 4)) is already


def test_a_price_change_continues_the_cycle_and_charges_no_new_fee() -> None:
    quarterly = line(VAT, "150", start=Month(2027, 2), anchor=Month(2027, 2))
    monthly = line(ACCOUNTS, "100", start=Month(2027, 1), anchor=Month(2027, 1))
    lines = changed_lines(
        [quarterly, monthly],
        Month(2027, 6),
        add=[line(VAT, "175"), line(ACCOUNTS, "120", charges_alignment=True)],
    )
    assert [(x.unit_price, x.start, x.end, x.anchor, x.charges_alignment) for x in lines] == [
        (Decimal(150), Month(2027, 2), Month(2027, 5), Month(2027, 2), False),
        (Decimal(100), Month(2027, 1), Month(2027, 5), Month(2027, 1), False),
        (Decimal(175), Month(2027, 6), None, Month(2027, 2), False),
        (Decimal(120), Month(2027, 6), None, Month(2027, 1), False),
    ]


def test_a_new_service_or_a_new_method_starts_its_own_cycle() -> None:
    monthly_vat = line(VAT, "50", method=BillingMethod.MONTHLY, start=Month(2027, 1))
    lines = changed_lines(
        [monthly_vat],
        Month(2027, 6),
        add=[line(VAT, "150"), line(ACCOUNTS, "90", charges_alignment=True)],
    )
    assert [(x.service_name, x.anchor, x.charges_alignment) for x in lines[1:]] == [
        ("VAT returns", Month(2027, 6), False),
        ("Annual accounts", Month(2027, 6), True),
    ]


def test_removing_a_service_without_a_current_line_names_it() -> None:
    stopped = line(VAT, "150", start=Month(2027, 1), end=Month(2027, 3))
    with pytest.raises(NoCurrentLine) as missing:
        changed_lines([stopped], Month(2027, 6), remove=["vat returns"])
    assert missing.value.service == "vat returns"


def test_cancelling_an_accepted_proposal_keeps_the_months_before() -> None:
    proposal = accepted(draft(line(ACCOUNTS, "100")), date(2027, 1, 1), AT, [ACCOUNTS])
    gone = cancelled(proposal, Month(2027, 4))
    assert gone.status is ProposalStatus.CANCELLED
    assert [(x.start, x.end) for x in gone.lines] == [(Month(2027, 1), Month(2027, 3))]
    assert cancelled(draft(line(ACCOUNTS, "100")), None).lines == draft(line(ACCOUNTS, "100")).lines


def accepted_from(month: Month, *lines: ProposalLine) -> Proposal:
    return Proposal("P-1", "CLI001", ProposalStatus.ACCEPTED, month.first_day, lines=lines)


def test_first_difference_is_the_first_month_billed_otherwise() -> None:
    old = accepted_from(Month(2027, 1), line(ACCOUNTS, "100", start=Month(2027, 1)))
    raised = accepted_from(
        Month(2027, 1),
        line(ACCOUNTS, "100", start=Month(2027, 1), end=Month(2027, 4)),
        line(ACCOUNTS, "120", start=Month(2027, 5)),
    )
    assert first_difference(old, raised) == Month(2027, 5)
    assert first_difference(old, old) is None
    moved = Proposal("P-1", "CLI002", ProposalStatus.ACCEPTED, None, lines=old.lines)
    assert first_difference(old, moved) == Month(2027, 1)


def test_a_line_ended_by_a_price_change_keeps_its_stored_row() -> None:
    stored = accepted_from(Month(2027, 1), line(ACCOUNTS, "100", start=Month(2027, 1), id=7))
    new = accepted_from(
        Month(2027, 1),
        line(ACCOUNTS, "100", start=Month(2027, 1), end=Month(2027, 4)),
        line(ACCOUNTS, "120", start=Month(2027, 5)),
    )
    kept = with_kept_line_ids(new, stored)
    assert [x.id for x in kept.lines] == [7, None]
    assert same_proposal(stored, replace(stored, lines=(replace(stored.lines[0], id=None),)))


# -- one rule for every writer: only the first line of a service charges the fee -------------


def test_only_the_first_line_of_a_service_charges_the_alignment_fee() -> None:
    proposal = accepted(
        draft(line(ACCOUNTS, "100"), line(ACCOUNTS, "50")), date(2027, 1, 1), AT, [ACCOUNTS]
    )
    assert [x.charges_alignment for x in proposal.lines] == [True, False]


def test_the_import_order_does_not_matter_a_later_version_keeps_the_first_anchor() -> None:
    old = line(VAT, "300", start=Month(2025, 2), end=Month(2026, 7))
    new = line(VAT, "330", start=Month(2026, 8))
    assert [x.anchor for x in decided_lines([new, old])] == [Month(2025, 2), Month(2025, 2)]


def test_a_service_removed_and_set_again_charges_no_second_fee() -> None:
    first = accepted(draft(line(ACCOUNTS, "100")), date(2026, 10, 1), AT, [ACCOUNTS]).lines
    removed = changed_lines(first, Month(2027, 1), remove=["Annual accounts"])
    again = changed_lines(
        removed, Month(2027, 3), add=[line(ACCOUNTS, "100", charges_alignment=True)]
    )
    assert [x.charges_alignment for x in again] == [True, False]


def test_correcting_a_line_added_from_the_same_month_keeps_its_fee() -> None:
    vat = line(VAT, "300", start=Month(2026, 12), anchor=Month(2026, 12))
    added = changed_lines(
        [vat], Month(2027, 1), add=[line(ACCOUNTS, "100", charges_alignment=True)]
    )
    corrected = changed_lines(
        added, Month(2027, 1), add=[line(ACCOUNTS, "120", charges_alignment=True)]
    )
    assert [(x.unit_price, x.anchor, x.charges_alignment) for x in corrected[1:]] == [
        (Decimal(120), Month(2027, 1), True)
    ]


def _decided_one_by_one(lines: list[ProposalLine]) -> list[ProposalLine]:
    """decided_lines as it was written before decided_facts: each line `decided` against the
    lines decided before it, in the order they start (ties: as given)."""
    result = [decided(x, ()) if x.start is None else x for x in lines]
    earlier: list[ProposalLine] = []
    billed = sorted(
        (i for i, x in enumerate(lines) if x.start is not None),
        key=lambda i: (lines[i].start, i),
    )
    for index in billed:
        result[index] = decided(lines[index], earlier)
        earlier.append(result[index])
    return result


_MONTHS = st.one_of(st.none(), st.integers(0, 8).map(lambda n: Month(2025, 1) + n))


@st.composite
def _lines(draw: st.DrawFn) -> list[ProposalLine]:
    count = draw(st.integers(0, 9))
    lines = []
    for _ in range(count):
        start = draw(_MONTHS)
        length = draw(st.one_of(st.none(), st.integers(0, 4)))
        lines.append(
            ProposalLine(
                draw(st.sampled_from(["Annual accounts", "annual ACCOUNTS", "VAT returns"])),
                "",
                Decimal(1),
                Decimal(10),
                draw(st.sampled_from([BillingMethod.MONTHLY, BillingMethod.QUARTERLY_IN_ADVANCE])),
                start,
                None if start is None or length is None else start + length,
                charges_alignment=draw(st.booleans()),
            )
        )
    return lines


@settings(max_examples=400, deadline=None)
@given(_lines())
def test_decided_facts_decides_as_each_line_decided_in_turn(lines: list[ProposalLine]) -> None:
    assert list(decided_lines(lines)) == _decided_one_by_one(lines)

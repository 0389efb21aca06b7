"""The history's words and filters, and where a month stands: pure decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.history import (
    HistoryKind,
    PostingOutcome,
    approved,
    parse_kinds,
    parse_since,
    posting,
    synced,
)
from socketcli.domain.months import Month
from socketcli.domain.standing import (
    Counts,
    MonthState,
    default_month,
    month_state,
    months_shown,
)

LONDON = ZoneInfo("Europe/London")
DECEMBER = Month(2026, 12)


def test_kinds_are_read_repeated_or_comma_separated_in_any_case():
    assert parse_kinds(["Approval, posting", "sync"]) == {
        HistoryKind.APPROVAL,
        HistoryKind.POSTING,
        HistoryKind.SYNC,
    }
    assert parse_kinds([]) == frozenset()


def test_an_unknown_kind_names_the_kinds_there_are():
    with pytest.raises(InvalidInput) as refused:
        parse_kinds(["approvals"])

    assert str(refused.value) == (
        "kind 'approvals' is not a kind of history: one of approval, unapproval, posting, "
        "completion, link, unlink, setting, import, sync"
    )


def test_since_a_date_is_from_midnight_in_the_practice_zone_in_summer_time():
    assert parse_since("2026-07-01", LONDON) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)


def test_since_a_time_is_in_the_practice_zone_unless_it_gives_an_offset():
    assert parse_since("2026-07-01T09:30", LONDON) == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert parse_since("2026-07-01T09:30+02:00", LONDON) == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "01/07/2026", "20260701x"])
def test_a_since_that_is_not_a_date_is_refused(text: str):
    with pytest.raises(InvalidInput, match="is not a date or a time: expected YYYY-MM-DD"):
        parse_since(text, LONDON)


def test_a_posting_says_the_invoice_its_number_or_xero_s_refusal():
    def summary(outcome: PostingOutcome, **more: str) -> str:
        return posting(
            DECEMBER,
            reference="ACME Dec 2026",
            client_reference="ACME",
            client_name="Acme Ltd",
            outcome=outcome,
            **more,
        ).summary

    assert summary(PostingOutcome.POSTED, number="INV-0007") == "posted ACME Dec 2026 as INV-0007"
    assert summary(PostingOutcome.FAILED, error="Account code '999' is not valid") == (
        "Xero refused ACME Dec 2026: Account code '999' is not valid"
    )
    assert summary(PostingOutcome.FOUND, number="INV-0007") == (
        "ACME Dec 2026 found in Xero as INV-0007 (sent by an interrupted run)"
    )


def test_a_sync_that_changed_nothing_says_so_with_its_calls():
    event = synced(
        outcome="done",
        changes={"contacts": {"new": 0, "updated": 0}},
        pushed=0,
        created=0,
        calls={"GET /Contacts": 1, "GET /Accounts": 1},
    )

    assert event.summary == "synced with Xero: nothing changed (2 calls)"


def test_details_keep_money_as_exact_text():
    event = approved(DECEMBER, invoices=3, total=Decimal("1234.50"))

    assert event.details_json() == '{"invoices": 3, "outstanding": false, "total": "1234.50"}'


# -- where a month stands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finalised", "counts", "state"),
    [
        (False, Counts(), MonthState.DRAFT),
        (True, Counts(invoices=3, not_queued=3), MonthState.FINALISED),
        (True, Counts(invoices=3, not_queued=1, pending=2), MonthState.POSTING),
        (True, Counts(invoices=3, posted=2, failed=1), MonthState.POSTING),
        (True, Counts(invoices=3, posted=2, sending=1), MonthState.POSTING),
        (True, Counts(invoices=3, posted=3), MonthState.POSTED),
        (True, Counts(invoices=4, posted=3, not_queued=1), MonthState.POSTING),
    ],
)
def test_a_month_s_state(finalised: bool, counts: Counts, state: MonthState):
    assert month_state(finalised, counts) is state


def test_the_default_month_and_why():
    assert default_month(date(2026, 11, 21), Month(2026, 11)).why == (
        "the month after the latest finalised plan (Nov 2026)"
    )
    on_the_1st = default_month(date(2026, 12, 1), None)
    assert (on_the_1st.month, on_the_1st.why) == (
        DECEMBER,
        "no plan is finalised yet, and today is the 1st of Dec 2026",
    )
    assert default_month(date(2026, 11, 21), None).month == DECEMBER


def test_the_months_shown_run_from_the_first_finalised_to_the_default():
    assert months_shown([Month(2026, 9), Month(2026, 11)], DECEMBER) == [
        Month(2026, 9),
        Month(2026, 10),
        Month(2026, 11),
        DECEMBER,
    ]
    assert months_shown([], DECEMBER) == [DECEMBER]

"""When a finalised month posts, the keys that protect a retry, and how an invoice left in
flight is settled: pure decisions of domain/posting.py."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from socketcli.domain.months import Month
from socketcli.domain.posting import (
    KEY_LIMIT,
    FoundInvoice,
    OutboxEntry,
    OutboxState,
    batch_key,
    batches,
    contacts_key,
    contacts_needed,
    is_due,
    key_for,
    settle,
)
from socketcli.domain.records import XeroContact

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
DECEMBER = Month(2026, 12)


@pytest.mark.parametrize(
    ("now", "zone", "due"),
    [
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), LONDON, False),  # the 30th, late
        (datetime(2026, 12, 1, 0, 0, tzinfo=UTC), LONDON, True),  # 00:00 on the 1st, GMT
        (datetime(2026, 12, 2, 9, 0, tzinfo=UTC), LONDON, True),  # the 2nd
        (datetime(2027, 3, 15, tzinfo=UTC), LONDON, True),  # a past month posts at once
        (datetime(2026, 10, 1, tzinfo=UTC), LONDON, False),  # two months ahead waits
        # 00:00 on 1 December in Sydney is 13:00 UTC on 30 November (AEDT, UTC+11).
        (datetime(2026, 11, 30, 12, 59, tzinfo=UTC), SYDNEY, False),
        (datetime(2026, 11, 30, 13, 0, tzinfo=UTC), SYDNEY, True),
    ],
)
def test_a_finalised_month_posts_from_00_00_on_its_first_in_the_practices_zone(
    now: datetime, zone: ZoneInfo, due: bool
) -> None:
    assert is_due(DECEMBER, now, zone) is due


def test_a_month_whose_first_is_in_summer_time_posts_at_local_midnight() -> None:
    # 1 July 00:00 in London is 30 June 23:00 UTC (BST).
    assert not is_due(Month(2027, 7), datetime(2027, 6, 30, 22, 59, tzinfo=UTC), LONDON)
    assert is_due(Month(2027, 7), datetime(2027, 6, 30, 23, 0, tzinfo=UTC), LONDON)


def entry(reference: str, key: str = "", attempts: int = 0) -> OutboxEntry:
    return OutboxEntry(
        1, DECEMBER, 1, reference, OutboxState.SENDING, key or key_for(reference, attempts), "{}"
    )


def test_keys_are_stable_within_an_attempt_new_after_it_and_within_xeros_limit() -> None:
    assert key_for("ACME Dec 2026", 0) == key_for("ACME Dec 2026", 0)
    assert key_for("ACME Dec 2026", 0) != key_for("ACME Dec 2026", 1)
    assert key_for("ACME Dec 2026", 0) != key_for("BETA Dec 2026", 0)
    assert len(key_for("x" * 500, 99)) <= KEY_LIMIT
    one, two = entry("ACME Dec 2026"), entry("BETA Dec 2026")
    assert batch_key([one, two]) == batch_key([two, one])  # the same batch replays
    assert batch_key([one]) != batch_key([one, two])
    assert len(batch_key([one, two])) <= KEY_LIMIT


def test_batches_are_of_fifty_at_most() -> None:
    entries = [entry(f"C{i} Dec 2026") for i in range(120)]
    assert [len(batch) for batch in batches(entries)] == [50, 50, 20]


def test_an_invoice_in_flight_found_in_xero_is_posted_one_not_found_is_sent_again() -> None:
    found = FoundInvoice("id-1", "INV-0001", "ACME Dec 2026", "DRAFT")
    decided = settle([entry("ACME Dec 2026"), entry("BETA Dec 2026")], [found])
    assert [(s.entry.reference, s.found) for s in decided] == [
        ("ACME Dec 2026", found),
        ("BETA Dec 2026", None),
    ]


def test_a_deleted_invoice_still_counts_as_posted_but_a_live_one_is_preferred() -> None:
    deleted = FoundInvoice("id-1", "INV-0001", "ACME Dec 2026", "DELETED")
    live = FoundInvoice("id-2", "INV-0002", "ACME Dec 2026", "DRAFT")
    assert settle([entry("ACME Dec 2026")], [deleted])[0].found == deleted
    assert settle([entry("ACME Dec 2026")], [deleted, live])[0].found == live


def test_contacts_needed_links_to_an_active_contact_of_the_name_and_makes_one_per_name() -> None:
    """Proves: a name matching an active, unmerged contact (ignoring case and runs of spaces)
    links to it; an archived or merged contact of the name does not count; two clients of
    one name share one new contact; an empty name is left to Xero's refusal."""
    contacts = [
        XeroContact("c-1", "Acme  Ltd"),
        XeroContact("c-2", "Old Co", status="ARCHIVED"),
        XeroContact("c-3", "Gone Ltd", merged_to="c-1"),
    ]
    needed = contacts_needed(
        [(1, "acme ltd"), (2, "Old Co"), (3, "Gone Ltd"), (4, "New  Co"), (5, "new co"), (6, " ")],
        contacts,
    )
    assert needed.existing == {1: contacts[0]}
    assert needed.to_create == {"Old Co": [2], "Gone Ltd": [3], "New Co": [4, 5]}
    assert contacts_key(["B", "A"]) == contacts_key(["A", "B"]) != contacts_key(["A"])
    assert len(contacts_key(["x" * 500] * 50)) <= KEY_LIMIT

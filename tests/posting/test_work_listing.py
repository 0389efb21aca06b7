"""`work list`'s read (the Core-only reader, `services.work.show_work`) against the unit of
work's listing (`list_work`, what completing reads) on a real SQLite store: the same items in
the same order, and the default view's SQL against its rule in the domain
(`domain.work.shown_by_default`) as the clock moves past completions of several ages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socketcli.domain.posting import OutboxState
from socketcli.domain.work import RECENT_DAYS, WorkStatus, recent_since, shown_by_default
from socketcli.services.work import complete_work, list_work, show_work
from tests.posting.conftest import Practice


def settle(practice: Practice, *, refuse: bool = False) -> None:
    """Record every pending work invoice as Xero's answer would (posted, or refused)."""
    with practice.store(write=True) as uow:
        pending = uow.outbox.entries(work=True, states=[OutboxState.PENDING])
        if refuse:
            uow.outbox.failed([(entry.id, "Account code is archived") for entry in pending])
        else:
            uow.outbox.posted([(e.id, f"id-{e.id}", f"INV-{e.id:04d}") for e in pending])
        uow.commit()


@pytest.fixture
def worked(practice: Practice) -> Practice:
    """Completions 90, 40 and 10 days before the last one, each invoiced, and a last one
    refused by Xero and one left pending: items of every status and age."""
    clients = sorted({i.client_reference for i in list_work(practice.store)})
    assert len(clients) >= 5
    for client, refuse in zip(clients[:4], (False, False, False, True), strict=True):
        complete_work(practice.store, practice.clock, client=client, every=True)
        settle(practice, refuse=refuse)
        practice.clock.advance(days=35)
    complete_work(practice.store, practice.clock, client=clients[4], every=True)
    return practice


def test_every_item_reads_the_same_through_both_paths(worked: Practice) -> None:
    full = list_work(worked.store)
    listed = show_work(worked.read, worked.clock, every=True).items

    def seen(i: Any) -> tuple[Any, ...]:
        fields = ("id", "client_reference", "proposal_reference", "description", "amount")
        fields += ("period", "status", "invoice_reference", "posting", "xero_number", "error")
        return tuple(getattr(i, name) for name in fields)

    assert [seen(i) for i in full] == [seen(i) for i in listed]
    assert {i.status for i in listed} == set(WorkStatus)
    for status in WorkStatus:
        assert [i.id for i in show_work(worked.read, worked.clock, status=status).items] == [
            i.id for i in list_work(worked.store, status=status)
        ]


@pytest.mark.parametrize("days_later", [0, RECENT_DAYS - 1, RECENT_DAYS + 1, 80, 400])
def test_the_default_view_is_the_domain_rule(worked: Practice, days_later: int) -> None:
    """Proves: by default `work list` leaves out exactly the invoiced items completed more
    than RECENT_DAYS days ago, and counts them; open, pending and refused ones always show."""
    worked.clock.advance(days=days_later)
    since = recent_since(worked.clock.now())
    full = list_work(worked.store)

    listing = show_work(worked.read, worked.clock)

    shown = [i.id for i in full if shown_by_default(i.status, i.completed_at, since)]
    assert [i.id for i in listing.items] == shown
    assert listing.left_out == len(full) - len(shown)
    assert listing.shown_from == since
    assert {i.status for i in listing.items} >= {WorkStatus.OPEN, WorkStatus.COMPLETED}


def test_the_default_view_of_one_client_counts_only_its_own(worked: Practice) -> None:
    invoiced = [i for i in list_work(worked.store) if i.status is WorkStatus.INVOICED]
    first = invoiced[0]
    assert first.completed_at is not None
    worked.clock.at = first.completed_at + timedelta(days=RECENT_DAYS, seconds=1)
    mine = list_work(worked.store, client=first.client_reference)

    listing = show_work(worked.read, worked.clock, client=first.client_reference)

    hidden = [i.id for i in mine if i.status is WorkStatus.INVOICED]
    assert first.id in hidden
    assert [i.id for i in listing.items] == [i.id for i in mine if i.id not in hidden]
    assert listing.left_out == len(hidden)
    everyone = show_work(worked.read, worked.clock)
    assert everyone.left_out == len(hidden)  # the others were completed later


@pytest.mark.parametrize(("after", "shown"), [(-1, True), (1, False)])
def test_an_invoiced_item_leaves_the_default_view_on_the_minute(
    worked: Practice, after: int, shown: bool
) -> None:
    """Proves: the default view's cut-off is the moment RECENT_DAYS days ago to the minute,
    whatever the store's server's time zone (CI's PostgreSQL is in Pacific/Chatham, 13:45
    ahead of UTC in summer: the cut-off was compared as the server's local time there)."""
    invoiced = [i for i in list_work(worked.store) if i.status is WorkStatus.INVOICED]
    first = invoiced[0]
    assert first.completed_at is not None
    worked.clock.at = first.completed_at + timedelta(days=RECENT_DAYS, minutes=after)

    listing = show_work(worked.read, worked.clock, client=first.client_reference)

    assert (first.id in [i.id for i in listing.items]) is shown
    assert (listing.left_out > 0) is not shown

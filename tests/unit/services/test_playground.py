"""`socket playground`: a demo practice made for today, in a store of its own."""

from __future__ import annotations

import pytest

from socketcli.domain.errors import Conflict
from socketcli.domain.model import ProposalStatus
from socketcli.services.plan import show_plan
from socketcli.services.playground import create_playground
from tests.fakes import FakeClock, FakeStore
from tests.unit.services.given import a_client


def test_the_playground_fills_an_empty_store_in_one_commit(
    store: FakeStore, clock: FakeClock
) -> None:
    report = create_playground(store.open, clock)

    view = store.view()
    assert store.commits == 1
    assert (report.clients, report.services, report.proposals, report.xero_contacts) == (
        len(view.clients.all()),
        len(view.services.all()),
        len(view.proposals.all()),
        len(view.mirror.contacts()),
    )
    assert view.settings.values()["playground"] == "true"


def test_the_playgrounds_cancelled_proposals_were_accepted_first(
    store: FakeStore, clock: FakeClock
) -> None:
    create_playground(store.open, clock)

    view = store.view()
    cancelled = [p for p in view.proposals.all() if p.status is ProposalStatus.CANCELLED]
    assert cancelled
    assert all(p.accepted_at is not None for p in cancelled)
    assert all(view.proposals.cancelled_at(p.reference) is not None for p in cancelled)


def test_the_playgrounds_work_is_open_for_its_accepted_proposals(
    store: FakeStore, clock: FakeClock
) -> None:
    create_playground(store.open, clock)

    view = store.view()
    work_lines = {
        line.id
        for p in view.proposals.all()
        if p.status is ProposalStatus.ACCEPTED
        for line in p.lines
        if line.billing_method.is_work
    }
    assert {item.line_id for item in view.work_items.all()} == work_lines
    assert work_lines


def test_the_playground_plans_its_month(store: FakeStore, clock: FakeClock) -> None:
    report = create_playground(store.open, clock)

    plan = show_plan(store.read, clock, report.month)

    assert plan.playground
    assert len(plan.rows) > 10


def test_a_store_failing_half_way_through_leaves_no_half_playground(
    store: FakeStore, clock: FakeClock
) -> None:
    store.fail("mirror.save_contacts", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        create_playground(store.open, clock)

    view = store.view()
    assert (view.settings.values(), view.clients.all(), view.proposals.all()) == ({}, [], [])


def test_the_playground_is_not_made_in_a_store_that_holds_a_practice(
    store: FakeStore, clock: FakeClock
) -> None:
    a_client(store, "ACME", "Acme Ltd")
    commits = store.commits

    with pytest.raises(Conflict, match="not empty"):
        create_playground(store.open, clock)

    assert store.commits == commits
    assert [c.reference for c in store.view().clients.all()] == ["ACME"]
    assert store.view().mirror.contacts() == []

"""Two approvals of one month at once, from two processes on two connections: one finalises
it, the other is told so in one line with its exit code, and the store holds one
finalisation. On SQLite and on PostgreSQL (where the lock is the database's, shared by every
machine)."""

from __future__ import annotations

import os

import pytest

from socketcli.adapters.store.database import StoreLocation
from socketcli.domain.months import Month
from socketcli.ports.locks import Lock
from socketcli.ports.store import UnitOfWork
from tests.concurrency.conftest import Runner, count, locks_of
from tests.runner import Socket

APPROVE = ("plan", "approve", "--month", "2026-12", "--yes", "--no-post")
FINALISED = "SELECT count(*) FROM plan_snapshots WHERE month = '2026-12'"
APPROVALS = "SELECT count(*) FROM history WHERE kind = 'approval'"


def test_two_approvals_waiting_on_the_lock_one_finalises_the_other_finds_it_finalised(
    practice: Socket, location: StoreLocation
) -> None:
    with locks_of(location).hold(Lock.APPROVE):
        first, second = Runner(location, *APPROVE, "--wait"), Runner(location, *APPROVE, "--wait")
        first.wait_for("Waiting: another `socket plan approve`")
        second.wait_for("Waiting: another `socket plan approve`")
        assert count(location, FINALISED) == 0  # both are waiting: neither finalised
    outcomes = sorted([first.finish(), second.finish()], key=lambda done: done.code)

    assert [done.code for done in outcomes] == [0, 4], outcomes
    winner, loser = outcomes
    assert "Finalised the plan for Dec 2026: 6 invoices, 900.00." in winner.stderr
    assert loser.errors == ["error: the plan for 2026-12 is already finalised"], loser.stderr
    assert count(location, FINALISED) == 1
    assert count(location, APPROVALS) == 1


def test_two_approvals_started_together_never_finalise_twice(
    practice: Socket, location: StoreLocation
) -> None:
    """No lock held by the test: whichever way the two interleave, one finalises and the
    other exits 9 (the lock was held) or 4 (it was finalised), in one line."""
    first, second = Runner(location, *APPROVE), Runner(location, *APPROVE)
    outcomes = sorted([first.finish(), second.finish()], key=lambda done: done.code)

    assert outcomes[0].code == 0, outcomes
    assert outcomes[1].code in (4, 9), outcomes
    errors = outcomes[1].errors
    assert len(errors) == 1, outcomes[1].stderr
    assert "already finalised" in errors[0] or "finalising a month of this store" in errors[0]
    assert count(location, FINALISED) == 1
    assert count(location, APPROVALS) == 1


def test_an_approval_while_another_holds_the_lock_exits_9_at_once_naming_the_holder(
    practice: Socket, location: StoreLocation
) -> None:
    with locks_of(location).hold(Lock.APPROVE):
        line = practice.fails(*APPROVE, code=9)

    assert line.startswith(
        "error: another `socket plan approve`, `plan unapprove` or `plan post` is finalising a "
        "month of this store (it holds "
    ), line
    assert f"pid {os.getpid()}" in line  # who holds it: this test
    assert line.endswith(
        "this one finalised nothing; run it again when that one is done (`--wait` waits for it)"
    )
    assert count(location, FINALISED) == 0
    practice.ok(*APPROVE)  # free again
    assert count(location, FINALISED) == 1


def test_a_unique_key_taken_by_another_write_is_a_conflict_not_a_traceback(
    practice: Socket, location: StoreLocation
) -> None:
    """Without any lock, two units of work finalise December. On PostgreSQL both have begun
    and found it a draft before the first commits (what two approvals did before the lock);
    on SQLite (one writer at a time) the second begins after. The second write breaks the
    month's key: a Conflict naming what was taken (exit 4 at the CLI), rolled back."""
    from socketcli.bootstrap import Wiring, clock
    from socketcli.domain.errors import Conflict

    december = Month(2026, 12)
    wiring = Wiring(location, clock())
    shared = location.path is None  # PostgreSQL: both transactions at once
    try:
        with wiring.uow(write=True) as first:
            assert december not in first.snapshots.months()
            second = wiring.uow(write=True)
            if shared:
                second.__enter__()
                assert december not in second.snapshots.months()
            freeze(first, december, "first")
        if not shared:
            second.__enter__()
        try:
            with pytest.raises(Conflict) as refused:
                freeze(second, december, "second")
        finally:
            second.__exit__(None, None, None)
    finally:
        wiring.close()

    assert str(refused.value).startswith(
        "another socket command wrote the finalised plan of that month at the same moment ("
    ), refused.value
    assert str(refused.value).endswith(
        "exists already): nothing of this change was written; run the command again to see "
        "where things stand"
    )
    assert count(location, FINALISED) == 1
    assert count(location, "SELECT count(*) FROM plan_snapshots WHERE finalised_by = 'second'") == 0


def freeze(uow: UnitOfWork, month: Month, by: str) -> None:
    uow.snapshots.freeze(month, [], by)
    uow.commit()

"""Two `plan post` at once on one store, posting December to one sandbox Xero over HTTP: every
client gets exactly one invoice. On SQLite and on PostgreSQL (whose advisory lock is the one
every machine of a practice takes)."""

from __future__ import annotations

import os
from collections import Counter

from socketcli.adapters.store.database import StoreLocation
from socketcli.ports.locks import Lock
from socketcli.sandbox import Sandbox
from tests.concurrency.conftest import CLIENTS, ON_THE_FIRST, Runner, count, locks_of
from tests.runner import Socket

POSTED = "SELECT count(*) FROM outbox_invoices WHERE state = 'posted'"
EVERY_CLIENT_ONCE = Counter(f"{reference} Dec 2026" for reference in CLIENTS)


def in_xero(xero: Sandbox) -> Counter[str]:
    return Counter(invoice["Reference"] for invoice in xero.invoices())


def test_two_posts_waiting_on_the_lock_post_each_invoice_once(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    practice.ok("plan", "approve", "--month", "2026-12", "--yes")  # posts on 1 Dec

    with locks_of(location).hold(Lock.POST):
        first = Runner(location, "plan", "post", "--wait", now=ON_THE_FIRST)
        second = Runner(location, "plan", "post", "--wait", now=ON_THE_FIRST)
        first.wait_for("Waiting: another `socket plan post`")
        second.wait_for("Waiting: another `socket plan post`")
        assert xero.invoices() == []  # neither sent anything while the lock was held
    done = [first.finish(), second.finish()]

    assert [d.code for d in done] == [0, 0], done
    said = sorted(" ".join(d.stderr.split()) for d in done)
    assert any("Posted 6 invoices to Xero." in s for s in said), said
    assert any("Nothing to post." in s for s in said), said  # the second found it done
    assert in_xero(xero) == EVERY_CLIENT_ONCE
    assert count(location, POSTED) == len(CLIENTS)


def test_two_posts_started_together_post_each_invoice_once(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    """No lock held by the test: one posts; the other exits 9 at once (the lock was held) or
    finds nothing left (it came after). Never an invoice twice."""
    practice.ok("plan", "approve", "--month", "2026-12", "--yes")

    first = Runner(location, "plan", "post", now=ON_THE_FIRST)
    second = Runner(location, "plan", "post", now=ON_THE_FIRST)
    done = sorted([first.finish(), second.finish()], key=lambda d: d.code)

    assert [d.code for d in done] in ([0, 0], [0, 9]), done
    assert in_xero(xero) == EVERY_CLIENT_ONCE
    assert count(location, POSTED) == len(CLIENTS)


def test_a_post_while_another_holds_the_lock_exits_9_at_once_having_sent_nothing(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    practice.ok("plan", "approve", "--month", "2026-12", "--yes")
    poster = practice.using(env={"SOCKET_NOW": ON_THE_FIRST})

    with locks_of(location).hold(Lock.POST):
        line = poster.fails("plan", "post", code=9)

    assert line.startswith(
        "error: another `socket plan post`, `plan approve`, `work complete` or `sync` is "
        "posting to Xero from this store (it holds "
    ), line
    assert f"pid {os.getpid()}" in line
    assert line.endswith("this one did nothing; the running one carries on (`--wait` waits for it)")
    assert xero.call_counts() == Counter()  # not even a token
    assert poster.ok("plan", "post").stderr.count("Posted 6 invoices to Xero.") == 1
    assert in_xero(xero) == EVERY_CLIENT_ONCE


def test_an_approval_due_at_once_while_another_posts_says_the_month_is_finalised_not_posted(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    """Approving a due month finalises it, then posts it at once; when another runner holds
    the posting lock, the month stays finalised and the one line says so (not "this one did
    nothing"), exit 9; `plan post` sends it after."""
    approver = practice.using(env={"SOCKET_NOW": ON_THE_FIRST})

    with locks_of(location).hold(Lock.POST):
        line = approver.fails("plan", "approve", "--month", "2026-12", "--yes", code=9, chatty=True)

    assert line.startswith("error: Dec 2026 is finalised, but not posted now: another "), line
    assert line.endswith(
        "`socket plan post` sends it once that one is done (`--wait` waits for it)"
    )
    assert "did nothing" not in line
    assert count(location, "SELECT count(*) FROM plan_snapshots WHERE month = '2026-12'") == 1
    assert xero.invoices() == []
    assert approver.ok("plan", "post").stderr.count("Posted 6 invoices to Xero.") == 1
    assert in_xero(xero) == EVERY_CLIENT_ONCE

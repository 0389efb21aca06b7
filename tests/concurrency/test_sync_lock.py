"""A sync started while another holds the store's sync lock exits at once with 9, having
called nothing; with `--wait` it waits for the other and then syncs. On SQLite and on
PostgreSQL."""

from __future__ import annotations

import os
from collections import Counter

from socketcli.adapters.store.database import StoreLocation
from socketcli.ports.locks import Lock
from socketcli.sandbox import Sandbox
from tests.concurrency.conftest import Runner, locks_of
from tests.runner import Socket


def test_a_sync_while_another_holds_the_lock_exits_9_at_once(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    with locks_of(location).hold(Lock.SYNC):
        result = practice.exits("sync", "--quiet", code=9)

    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: another `socket sync` is running on this store (it holds ")
    assert f"pid {os.getpid()}" in lines[0]
    assert xero.call_counts() == Counter()
    practice.ok("sync", "--quiet")  # free again


def test_a_sync_with_wait_waits_for_the_other_and_then_syncs(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    with locks_of(location).hold(Lock.SYNC):
        waiting = Runner(location, "sync", "--wait")
        waiting.wait_for("Waiting: another `socket sync` is running on this store")
        assert xero.call_counts() == Counter()  # it has called nothing yet
    done = waiting.finish()

    assert done.code == 0, done
    assert "Synced with" in done.stdout
    assert xero.call_counts()["GET /Contacts"] >= 1

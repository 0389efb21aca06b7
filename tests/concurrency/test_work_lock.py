"""Completing work while another command holds the store's work lock exits 9 at once having
changed nothing; with `--wait` it completes after, and posts. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections import Counter

from socketcli.adapters.store.database import StoreLocation
from socketcli.ports.locks import Lock
from socketcli.sandbox import Sandbox
from tests.concurrency.conftest import Runner, locks_of
from tests.runner import Socket


def one_off_item(practice: Socket) -> str:
    practice.ok("services", "add", "Tax return", "--method", "one_off")
    practice.ok(
        "proposals", "add", "P-TAX", "--client", "ACME", "--line", "Tax return=300",
        "--start", "2026-10-01", "--accept",
    )  # fmt: skip
    [item] = [row for row in practice.json("work", "list") if row["proposal"] == "P-TAX"]
    return str(item["id"])


def test_work_complete_while_another_holds_the_work_lock_exits_9_having_changed_nothing(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    item = one_off_item(practice)

    with locks_of(location).hold(Lock.WORK):
        line = practice.fails("work", "complete", item, "--yes", code=9)

    assert line.startswith(
        "error: another `socket work complete` or `work reopen` is changing this store's work "
        "items (it holds "
    ), line
    assert f"pid {os.getpid()}" in line
    assert [row["status"] for row in practice.json("work", "list")] == ["open"]
    assert xero.call_counts() == Counter()


def test_work_complete_with_wait_completes_once_the_other_is_done(
    practice: Socket, xero: Sandbox, location: StoreLocation
) -> None:
    item = one_off_item(practice)

    with locks_of(location).hold(Lock.WORK):
        waiting = Runner(location, "work", "complete", item, "--yes", "--wait")
        waiting.wait_for("Waiting: another `socket work complete` or `work reopen`")
    done = waiting.finish()

    assert done.code == 0, done
    assert [invoice["Reference"] for invoice in xero.invoices()] == ["ACME P-TAX work 21 Nov 2026"]

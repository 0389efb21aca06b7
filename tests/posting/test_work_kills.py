"""`socket work complete` killed with SIGKILL between the completion and the end of its
posting, then run again: the completion is on record, its invoice reaches Xero exactly once.

As tests/posting/test_posting_kills.py does for `plan post`: socket runs as a real process
against a sandbox served here; a fault on PUT /Invoices holds the request (`delay` before
Xero's work, `delay_after` after it) while the test kills the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, Sandbox
from socketcli.services.work import list_work
from tests.posting.conftest import Practice, in_xero, states
from tests.posting.test_posting_kills import HOLD, finish, kill, wait_until
from tests.runner import Socket

#: The playground is made on 21 Nov 2026 (conftest); the rerun after the grace
#: (services.posting.IN_FLIGHT_GRACE) in which an invoice sent but not in Xero is not resent.
NOW = "2026-11-21T10:00:00+00:00"
AFTER_THE_GRACE = "2026-11-21T10:16:00+00:00"


@pytest.fixture
def connected(
    practice: Practice, xero: Sandbox, socket: Socket, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[int]]:
    """The playground as a store of its own connected to the test's sandbox; its path and
    the ids of CLI029's two one-off items (one proposal)."""
    with practice.store(write=True) as uow:
        uow.settings.set("playground", "false")
        uow.commit()
    path = practice.where
    monkeypatch.setenv("SOCKET_XERO_API_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
    socket.using(db=path).ok(
        "xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID
    )
    ids = [i.id for i in list_work(practice.store, client="CLI029")]
    assert len(ids) == 2
    return path, ids


def spawn(db: Path | str, *args: str, now: str = NOW) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "socketcli", "--db", str(db), *args],
        env={**os.environ, "SOCKET_NOW": now},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("made_in_xero", [False, True], ids=["not-in-xero", "made-answer-lost"])
def test_work_complete_killed_mid_posting_then_rerun_invoices_exactly_once(
    connected: tuple[str, list[int]],
    practice: Practice,
    xero: Sandbox,
    socket: Socket,
    made_in_xero: bool,
) -> None:
    """Proves: killed while its PUT /Invoices is held (before Xero made the invoice, or
    after, with the answer lost), `work complete` leaves the items completed and the invoice
    `sending`; completing them again is refused (exit 4) and sends nothing; `plan post`
    settles it: found by its reference (recorded, not sent again), or, not in Xero, sent
    once the grace has passed (at once it exits 7 and sends nothing). One invoice in Xero,
    both items invoiced with its number."""
    db, ids = connected
    fault = {"delay_after": HOLD} if made_in_xero else {"delay": HOLD, "status": 503}
    xero.add_fault(path="/Invoices", method="PUT", **fault)

    process = spawn(db, "work", "complete", *map(str, ids), "--yes")
    if made_in_xero:
        wait_until(lambda: len(xero.invoices()) == 1, "the invoice in the sandbox")
    else:
        wait_until(lambda: not xero.faults(), "the held PUT /Invoices")
    wait_until(lambda: states(practice) == Counter({"sending": 1}), "the invoice in flight")
    kill(process)
    [reference] = in_xero(xero) if made_in_xero else ["?"]

    code, stderr = finish(spawn(db, "work", "complete", *map(str, ids), "--yes"))
    assert code == 4, stderr
    assert "completed already" in stderr
    assert len(xero.invoices()) == (1 if made_in_xero else 0)

    if not made_in_xero:
        code, stderr = finish(spawn(db, "plan", "post"))
        assert code == 7, stderr
        assert "not in Xero yet" in stderr
        assert xero.invoices() == []
    code, stderr = finish(spawn(db, "plan", "post", now=NOW if made_in_xero else AFTER_THE_GRACE))

    assert code == 0, stderr
    [invoice] = xero.invoices()
    if made_in_xero:
        assert invoice["Reference"] == reference
        assert "Found 1 invoice in Xero" in stderr
    listed = socket.using(db=db).json("work", "list", "--client", "CLI029")
    assert [(row["status"], row["xero_number"]) for row in listed] == [
        ("invoiced", invoice["InvoiceNumber"]),
        ("invoiced", invoice["InvoiceNumber"]),
    ]
    assert states(practice) == Counter({"posted": 1})

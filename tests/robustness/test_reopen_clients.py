"""`socket clients reopen`: the way back from `clients close` (issue 14, item 15).

Closing gives a client a last billable month; reopening takes it away. Months finalised
while the client was closed stay as they were billed, without it: it is billed again from
the next month to be billed, and nothing of it becomes outstanding in them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.robustness.input_helpers import snapshot
from tests.robustness.reopen_helpers import reopen_store_fixture  # noqa: F401  (fixture)
from tests.runner import Socket


def billed(socket: Socket, month: str) -> dict[str, str]:
    """{client reference: amount} of the month's plan."""
    plan = socket.json("plan", "show", "--month", month)
    return {row["reference"]: row["amount"] for row in plan["clients"]}


def outstanding(socket: Socket, month: str) -> list[Any]:
    return socket.json("plan", "show", "--month", month)["outstanding"]


def approve(socket: Socket, month: str) -> None:
    socket.ok("plan", "approve", "--month", month, "--yes", "--no-post")


def test_a_closed_client_is_billed_again_after_reopening(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "close", "ACME", "--last-month", "2026-11")
    assert "ACME" not in billed(socket, "2026-12")

    result = socket.ok("clients", "reopen", "ACME")

    assert result.stderr.strip() == (
        "Acme Ltd (ACME) is open again: no longer closing after 2026-11, it is billed on "
        "from 2026-12."
    )
    assert billed(socket, "2026-12") == {"ACME": "225.00", "BETA": "99.00"}
    assert socket.json("clients", "show", "ACME")["last_billable_month"] is None


def test_a_client_closing_in_the_future_is_billed_on_after_its_last_month(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "close", "acme ltd", "--last-month", "2027-02")
    assert "ACME" not in billed(socket, "2027-03")

    result = socket.ok("clients", "reopen", "acme ltd")

    assert "no longer closing after 2027-02, it is billed on from 2027-03" in result.stderr
    assert billed(socket, "2027-03")["ACME"] == "225.00"
    assert billed(socket, "2026-12")["ACME"] == "225.00"


def test_months_finalised_while_closed_stay_as_billed_and_billing_starts_at_the_next(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "close", "ACME", "--last-month", "2026-11")
    approve(socket, "2026-12")
    approve(socket, "2027-01")
    # A service started while the client was closed, in a month finalised without it.
    socket.ok(
        "proposals",
        "add",
        "P-AUDIT",
        "--client",
        "ACME",
        "--line",
        "Audit=40",
        "--start",
        "2026-12-01",
        "--accept",
    )

    result = socket.ok("clients", "reopen", "ACME")

    assert result.stderr.splitlines() == [
        "Acme Ltd (ACME) is open again: its last billable month was 2026-11; it is billed "
        "again from 2027-02, the next month to be billed.",
        "2026-12 to 2027-01 are finalised without it and stay as billed: nothing of it is "
        "outstanding there.",
    ]
    for month in ("2026-12", "2027-01"):
        assert billed(socket, month) == {"BETA": "99.00"}
        assert outstanding(socket, month) == []
    assert billed(socket, "2027-02") == {"ACME": "265.00", "BETA": "99.00"}
    [acme] = [
        row
        for row in socket.json("plan", "diff", "--month", "2027-02")["clients"]
        if row["reference"] == "ACME"
    ]
    assert (acme["change"], acme["previous_amount"]) == ("new", "0.00")


def test_a_backdated_start_after_reopening_is_outstanding_as_any_late_start(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "close", "ACME", "--last-month", "2026-11")
    approve(socket, "2026-12")
    socket.ok("clients", "reopen", "ACME")

    socket.ok(
        "proposals",
        "add",
        "P-AUDIT",
        "--client",
        "ACME",
        "--line",
        "Audit=40",
        "--start",
        "2026-12-01",
        "--accept",
    )

    [late] = outstanding(socket, "2026-12")
    assert (late["reference"], late["amount"]) == ("ACME", "40.00")


def test_reopen_says_what_it_did_as_json(socket: Socket, reopen_store: Path) -> None:
    socket.ok("clients", "close", "ACME", "--last-month", "2026-11")
    approve(socket, "2026-12")

    assert socket.json("clients", "reopen", "ACME") == {
        "reference": "ACME",
        "name": "Acme Ltd",
        "was_last_billable_month": "2026-11",
        "billed_again_from": "2027-01",
        "finalised_without_it": ["2026-12"],
    }


def test_a_client_that_is_not_closed_is_refused_and_nothing_changes(
    socket: Socket, reopen_store: Path
) -> None:
    before = snapshot(socket, reopen_store)

    message = socket.fails("clients", "reopen", "BETA", code=4)

    assert message == (
        "error: client BETA (Beta Bakery) is not closed: there is nothing to reopen "
        "(`socket clients close` closes a client)"
    )
    assert snapshot(socket, reopen_store) == before


def test_reopening_twice_is_refused_the_second_time(socket: Socket, reopen_store: Path) -> None:
    socket.ok("clients", "close", "ACME", "--last-month", "2026-11")
    socket.ok("clients", "reopen", "ACME")

    assert "is not closed" in socket.fails("clients", "reopen", "ACME", code=4)


def test_an_unknown_client_is_not_found(socket: Socket, reopen_store: Path) -> None:
    before = snapshot(socket, reopen_store)

    message = socket.fails("clients", "reopen", "[/]NOPE\x1b[2J", code=3)

    assert message.startswith("error: client '[/]NOPE\\x1b[2J' does not exist")
    assert snapshot(socket, reopen_store) == before


def test_with_json_a_refusal_is_the_json_error_object(socket: Socket, reopen_store: Path) -> None:
    result = socket.exits("clients", "reopen", "BETA", "--json", code=4)

    assert result.stdout == ""
    assert json.loads(result.stderr)["error"]["code"] == "conflict"

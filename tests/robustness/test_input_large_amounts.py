"""The largest amounts socket accepts (up to 999,999,999,999.99: domain/money.py MAX_AMOUNT)
are kept, planned, approved and shown to the penny on either engine: on PostgreSQL as on
SQLite, whose integers are 64-bit, a line of more than 21,474,836.47 (2**31 pennies) is not
refused by the database; and one past the largest is refused in one line, the store as it
was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.input_helpers import refused
from tests.runner import Socket


@pytest.fixture
def practice(socket: Socket, empty_store: Path) -> Path:
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    socket.ok("clients", "add", "BIG", "Big Holdings plc")
    socket.ok("clients", "add", "SMALL", "Small Ltd")
    return empty_store


@pytest.mark.parametrize(
    ("line", "amount"),
    [
        ("Bookkeeping=21474836.48", "21474836.48"),  # one penny past 2**31 - 1 pennies
        ("Bookkeeping=999999999999.99", "999999999999.99"),  # the largest price
        ("Bookkeeping=3x999999999999.99", "2999999999999.97"),  # ... three times
    ],
)
def test_a_line_past_two_to_the_31_pennies_is_kept_and_billed_to_the_penny(
    socket: Socket, practice: Path, line: str, amount: str
) -> None:
    socket.ok(
        "proposals", "add", "P-BIG", "--client", "BIG", "--line", line,
        "--start", "2026-10-01", "--accept",
    )  # fmt: skip
    socket.ok(
        "proposals", "add", "P-SMALL", "--client", "SMALL", "--line", "Bookkeeping=10",
        "--start", "2026-10-01", "--accept",
    )  # fmt: skip

    (shown,) = socket.json("proposals", "show", "P-BIG")["lines"]
    assert shown["amount"] == amount
    plan = socket.json("plan", "show")
    assert {c["reference"]: c["amount"] for c in plan["clients"]} == {
        "BIG": amount,
        "SMALL": "10.00",
    }
    socket.ok("plan", "approve", "--yes", "--no-post")
    (invoice,) = socket.json("plan", "preview", "BIG")["invoices"]
    assert invoice["total"] == amount


def test_a_price_past_the_largest_is_refused_and_nothing_changes(
    socket: Socket, practice: Path
) -> None:
    message = refused(
        socket, practice, "proposals", "add", "P-BIG", "--client", "BIG",
        "--line", "Bookkeeping=1000000000000", code=2,
    )  # fmt: skip
    assert "is too large: at most 999,999,999,999" in message

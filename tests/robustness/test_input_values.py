"""Every value a user types gets one line naming the field, the value and what is allowed:
the documented exit code, no traceback (the runner fails on one), no internal message, and
the store byte-identical after."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.input_helpers import refused
from tests.runner import Socket

#: Words of Python's own messages that must never reach a user.
INTERNAL = ("invalid literal", "out of range", "Traceback", "ValueError", "decimal.", "10000")


@pytest.fixture
def practice(socket: Socket, empty_store: Path) -> Path:
    """ACME billed 150.00 a month for Bookkeeping from October 2026 (today is 2026-11-21)."""
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    socket.ok("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03")
    socket.ok(
        "proposals", "add", "P1", "--client", "ACME", "--line", "Bookkeeping=150",
        "--start", "2026-10-01", "--accept",
    )  # fmt: skip
    return empty_store


CASES = [
    # settings set: the key, the value, what is allowed
    (
        ("settings", "set", "invoice_day", "²"),
        "setting invoice_day: '²' is not valid: expected a day of the month, 1 to 31",
    ),
    (
        ("settings", "set", "invoice_day", "٣"),
        "setting invoice_day: '٣' is not valid: expected a day of the month, 1 to 31",
    ),
    (
        ("settings", "set", "recurring_account_code", "²00"),
        "setting recurring_account_code: '²00' is not valid: expected a Xero account code",
    ),
    (
        ("settings", "set", "currency", "¥"),
        "setting currency: '¥' is not valid: expected one of GBP (£), AUD ($), NZD ($), EUR (€), USD ($)",
    ),
    (
        ("settings", "set", "date_format", "mm/dd/yyyy"),
        "setting date_format: 'mm/dd/yyyy' is not valid: expected yyyy-mm-dd or dd/mm/yyyy (day first)",
    ),
    (
        ("settings", "set", "payment_terms", "days:١٤"),
        "setting payment_terms: 'days:١٤' is not valid: expected days:N",
    ),
    # clients add|edit
    (
        ("clients", "add", "BETA", "Beta", "--invoice-day", "²"),
        "invoice day '²' is not valid: expected a day of the month, 1 to 31",
    ),
    (
        ("clients", "edit", "ACME", "--invoice-day", "32"),
        "invoice day '32' is not valid: expected a day of the month, 1 to 31",
    ),
    (
        ("clients", "add", "BETA", "Beta", "--year-end", "٣١-٠٣"),
        "year end '٣١-٠٣' is not a day and month: expected DD-MM, e.g. 31-03",
    ),
    (
        ("clients", "close", "ACME", "--last-month", "9999-12"),
        "month '9999-12' is outside the months socket supports, 1900-01 to 2999-12",
    ),
    # services
    (
        ("services", "add", "Audit", "--method", "monthly", "--account-code", "2²0"),
        "account code '2²0'",
    ),
    # proposals: prices, quantities, dates, months
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=12,50"),
        "line 'Bookkeeping=12,50': price '12,50' is not an amount: a decimal comma is not accepted",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=1,2,0,0"),
        "price '1,2,0,0' is not an amount: a comma may only separate thousands, in groups of three digits",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=1e3"),
        "price '1e3' is not an amount: exponents are not accepted",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=1_000"),
        "price '1_000' is not an amount: underscores are not accepted",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=١٥٠"),
        "price '١٥٠' is not an amount: only the digits 0 to 9 are accepted",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=12.34567"),
        "price '12.34567' has more than 4 decimal places",
    ),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", "Bookkeeping=$150"),
        "the price's currency sign '$' is not the practice's (GBP, £",
    ),
    (
        (
            "proposals",
            "add",
            "P2",
            "--client",
            "ACME",
            "--line",
            "Bookkeeping=1.5x150",
            "--line",
            "Bookkeeping=2e1x1",
        ),
        "is not an amount",
    ),
    (
        (
            "proposals",
            "add",
            "P2",
            "--client",
            "ACME",
            "--line",
            "Bookkeeping=150",
            "--start",
            "03/04/2027",
        ),
        "start date '03/04/2027' is not a date in the practice's format, YYYY-MM-DD: socket does not guess",
    ),
    (
        (
            "proposals",
            "add",
            "P2",
            "--client",
            "ACME",
            "--line",
            "Bookkeeping=150",
            "--start",
            "9999-12-15",
        ),
        "start date '9999-12-15' is outside the dates socket supports, 1900-01-01 to 2999-12-31",
    ),
    (
        (
            "proposals",
            "add",
            "P2",
            "--client",
            "ACME",
            "--line",
            "Bookkeeping=150",
            "--start",
            "2027-02-29",
        ),
        "start date '2027-02-29' is not a date: Feb 2027 has days 1 to 28",
    ),
    (
        ("proposals", "change", "P1", "--from", "9999-12", "--set", "Bookkeeping=1"),
        "month '9999-12' is outside the months socket supports",
    ),
    (
        ("proposals", "cancel", "P1", "--from", "0999-12"),
        "month '0999-12' is outside the months socket supports",
    ),
    # --month of the plan commands
    (
        ("plan", "preview", "ACME", "--month", "9999-12"),
        "month '9999-12' is outside the months socket supports, 1900-01 to 2999-12",
    ),
    (
        ("plan", "approve", "--month", "9999-12", "--yes"),
        "month '9999-12' is outside the months socket supports, 1900-01 to 2999-12",
    ),
    (
        ("plan", "show", "--month", "9999-12"),
        "month '9999-12' is outside the months socket supports",
    ),
    (
        ("plan", "diff", "--month", "٢٠٢٦-12"),
        "month '٢٠٢٦-12' is not a month: expected YYYY-MM (e.g. 2026-12), Dec 2026, 12/2026, or "
        "this, next or last",
    ),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_a_bad_value_is_one_line_naming_it_and_what_is_allowed(
    socket: Socket, practice: Path, args: tuple[str, ...], expected: str
) -> None:
    message = refused(socket, practice, *args, code=2)

    assert expected in message
    assert not any(word in message for word in INTERNAL), message


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("9999-12-15", "SOCKET_NOW '9999-12-15' is outside the dates socket supports, 1900-01-01 to 2999-12-31"),
        ("1899-12-31T23:00:00", "SOCKET_NOW '1899-12-31T23:00:00' is outside the dates socket supports"),
        ("15/12/2026", "SOCKET_NOW '15/12/2026' is not an ISO date or time, e.g. 2026-11-21"),
    ],
)  # fmt: skip
def test_socket_now_out_of_range_is_refused_not_turned_into_month_10000(
    socket: Socket, practice: Path, now: str, expected: str
) -> None:
    for command in (("plan", "show"), ("plan", "approve", "--yes")):
        message = refused(socket.using(env={"SOCKET_NOW": now}), practice, *command, code=2)
        assert message == f"error: {expected}" or expected in message
        assert "10000" not in message


def test_the_last_supported_month_still_plans_and_its_next_month_is_shown(
    socket: Socket, practice: Path
) -> None:
    shown = socket.using(env={"SOCKET_NOW": "2999-12-15"}).json("plan", "show")

    assert shown["month"] == "3000-01"
    assert socket.json("plan", "show", "--month", "2999-12")["month"] == "2999-12"

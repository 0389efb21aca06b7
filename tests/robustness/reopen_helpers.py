"""What the `test_reopen_*` tests share: a small practice made through the CLI, on this
test's engine (a refused command leaves it as it was: input_helpers.untouched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import StoreMadeBy

#: Today is 2026-11-21 (tests/conftest.py): the plan commands default to December 2026.
#: - ACME, Acme Ltd: Bookkeeping 150 and Payroll 3 x 25, monthly from October 2026.
#: - BETA, Beta Bakery: Bookkeeping 99, monthly from October 2026.
#: No override anywhere: the practice's branding theme is House.
PRACTICE: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("settings", "set", "branding_theme", "House"),
    ("services", "add", "Bookkeeping", "--method", "monthly"),
    ("services", "add", "Payroll", "--method", "monthly"),
    ("services", "add", "Audit", "--method", "monthly"),
    ("clients", "add", "ACME", "Acme Ltd"),
    ("clients", "add", "BETA", "Beta Bakery"),
    (
        "proposals",
        "add",
        "P-ACME",
        "--client",
        "ACME",
        "--line",
        "Bookkeeping=150",
        "--line",
        "Payroll=3x25|Payroll, 3 staff",
        "--start",
        "2026-10-01",
        "--accept",
    ),
    (
        "proposals",
        "add",
        "P-BETA",
        "--client",
        "BETA",
        "--line",
        "Bookkeeping=99",
        "--start",
        "2026-10-01",
        "--accept",
    ),
)


@pytest.fixture(name="reopen_store")
def reopen_store_fixture(store_made_by: StoreMadeBy) -> Path:
    """This test's own copy of PRACTICE, as its default store (made once per session and
    engine); the store's file on SQLite."""
    return store_made_by("reopen", PRACTICE) / "socket.db"

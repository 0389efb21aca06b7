"""What the `test_reopen_*` tests share: a small practice made through the CLI, and the
store's bytes (a refused command leaves them as they were)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import MadeBySocket

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


@pytest.fixture(scope="module", name="reopen_template")
def reopen_template_fixture(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("reopen", PRACTICE)


@pytest.fixture(name="reopen_store")
def reopen_store_fixture(reopen_template: Path, data_dir: Path) -> Path:
    """This test's own copy of PRACTICE, as its default store; returns the store's file."""
    shutil.copytree(reopen_template, data_dir)
    return data_dir / "socket.db"


def store_bytes(store: Path) -> dict[str, bytes]:
    """The store's files (the database and its write-ahead log), byte for byte."""
    return {
        path.name: path.read_bytes()
        for path in sorted(store.parent.glob(store.name + "*"))
        if path.is_file()
    }

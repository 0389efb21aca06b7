"""Small practices made through the CLI itself, once per session and engine; each test gets a
copy. Every test that uses a store runs on SQLite and on PostgreSQL (tests/engines.py).

The `socket` runner and the empty store are tests/conftest.py's, as for every folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.engines import parametrize_engines

if TYPE_CHECKING:
    from tests.conftest import DefaultStore, StoreMadeBy

#: A small practice, as its accountant would set it up. Today is 2026-11-21 (tests/conftest.py),
#: so the plan commands default to December 2026.
#: - ACME, Acme Ltd (year end 31-03): Bookkeeping 150 (account 200) and Payroll 3 x 25
#:   (account 210) monthly from October 2026: 225.00 a month in 2 lines.
#: - BETA, Beta Bakery (year end 30-06): VAT returns 120 quarterly in advance from October
#:   2026: invoiced in October, January, April and July.
PRACTICE: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("services", "add", "Bookkeeping", "--method", "monthly"),
    ("services", "add", "Payroll", "--method", "monthly", "--account-code", "210"),
    ("services", "add", "Annual accounts", "--method", "monthly", "--alignment"),
    ("services", "add", "VAT returns", "--method", "quarterly_in_advance"),
    ("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03", "--email", "accounts@acme.test"),
    ("clients", "add", "BETA", "Beta Bakery", "--year-end", "30-06"),
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
        "VAT returns=120",
        "--start",
        "2026-10-01",
        "--accept",
    ),
)

#: PRODUCT.md's alignment example: year end 31 March, Annual accounts at 100 a month billed
#: monthly, confirmed start 1 October 2023: the first invoice carries 100 plus an alignment
#: fee of 600 (April to September 2023).
ALIGNMENT: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("services", "add", "Annual accounts", "--method", "monthly", "--alignment"),
    ("clients", "add", "ALN", "Align Ltd", "--year-end", "31-03"),
    (
        "proposals",
        "add",
        "P-ALN",
        "--client",
        "ALN",
        "--line",
        "Annual accounts=100",
        "--start",
        "2023-10-01",
        "--accept",
    ),
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@pytest.fixture
def practice(store_made_by: StoreMadeBy) -> Path:
    """This test's own copy of PRACTICE, as its default store (made through the CLI once per
    session and engine); the data dir."""
    return store_made_by("practice", PRACTICE)


@pytest.fixture
def aligned(store_made_by: StoreMadeBy) -> Path:
    """This test's own copy of the ALIGNMENT practice, as its default store."""
    return store_made_by("alignment", ALIGNMENT)


@pytest.fixture
def playground(
    store_made_by: StoreMadeBy, default_store: DefaultStore, monkeypatch: pytest.MonkeyPatch
) -> Path | str:
    """This test's own copy of the playground, used by every command; where it is (`--db`).

    On SQLite it is the playground's own store (SOCKET_PLAYGROUND=1). On PostgreSQL it is
    made in the test's database (`socket --db URL playground`), which is the playground by
    its settings as the file is (the banner, the sandbox Xero): the runner names it with
    --db and the processes a test starts find it in SOCKET_DATABASE_URL."""
    store_made_by("playground", [("playground",)])
    if default_store.url is not None:
        return default_store.url
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    return default_store.data_dir / "playground.db"

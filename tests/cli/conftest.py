"""Small practices made through the CLI itself, once per session; each test gets a copy.

The `socket` runner and the empty store are tests/conftest.py's, as for every folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import MadeBySocket

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


@pytest.fixture(scope="session")
def practice_template(made_by_socket: MadeBySocket) -> Path:
    """PRACTICE, made through the CLI once per session (each test gets a copy)."""
    return made_by_socket("practice", PRACTICE)


@pytest.fixture(scope="session")
def alignment_template(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("alignment", ALIGNMENT)


@pytest.fixture
def practice(practice_template: Path, data_dir: Path) -> Path:
    """This test's own copy of PRACTICE, as its default store (SOCKET_DATA_DIR)."""
    shutil.copytree(practice_template, data_dir)
    return data_dir


@pytest.fixture
def aligned(alignment_template: Path, data_dir: Path) -> Path:
    """This test's own copy of the ALIGNMENT practice, as its default store."""
    shutil.copytree(alignment_template, data_dir)
    return data_dir


@pytest.fixture(scope="session")
def playground_template(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("playground", [("playground",)])


@pytest.fixture
def playground(playground_template: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the playground, used by every command (SOCKET_PLAYGROUND=1)."""
    shutil.copytree(playground_template, data_dir)
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    return data_dir / "playground.db"

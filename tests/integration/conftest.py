"""A real SQLite store per test, a fixed clock, a dump of every table, and CSV files to import."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.ports.store import OpenReader, OpenStore
from socketcli.services.importer import ImportReport, import_csv

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


@dataclass
class Store:
    """The practice's store on disk, opened as the CLI opens it."""

    path: Path
    engine: Engine

    def uow(self, at: datetime = NOW) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, lambda: at, write=True, location=str(self.path))

    def opener(self, at: datetime = NOW) -> OpenStore:
        """The services' store opener, at the moment `at`."""
        return sql_store(self.engine, FixedClock(at), location=str(self.path))

    @property
    def read(self) -> OpenReader:
        """The plan services' read-only opener."""
        return sql_reader(self.engine, location=str(self.path))

    def import_files(self, *files: Path, dry_run: bool = False, at: datetime = NOW) -> ImportReport:
        return import_csv(self.opener(at), FixedClock(at), list(files), dry_run=dry_run)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in primary key order: two dumps are equal or the store changed."""
        tables = SQLModel.metadata.sorted_tables
        with self.engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in tables
            }

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store at the newest schema, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "socket.db"
    engine = open_engine(StoreLocation.for_path(path), create=True)
    engine.dispose()
    return path


@pytest.fixture
def store(migrated_store: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "socket.db"
    shutil.copyfile(migrated_store, path)
    engine = open_engine(StoreLocation.for_path(path))
    yield Store(path, engine)
    engine.dispose()


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A CSV file as a spreadsheet saves it: the first row is the header."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["" if cell is None else cell for cell in row] for row in rows]
        )
    return path


@pytest.fixture
def practice() -> Callable[..., list[Path]]:
    return write_practice


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, *rows: Sequence[object]) -> Path:
        return write_csv(tmp_path / name, rows)

    return make


# -- a generated practice, for volume ---------------------------------------------------

PRACTICE_SERVICES = [
    ["name", "billing_method", "account_code", "alignment_fee", "tracking"],
    ["Bookkeeping", "monthly", "", "false", ""],
    ["Payroll", "monthly", "", "false", "Department:Payroll"],
    ["Annual accounts", "monthly", "", "true", ""],
    ["VAT returns", "quarterly_in_advance", "", "false", ""],
    ["Tax return", "annual_on_completion", "", "false", ""],
]
_PROPOSAL_HEADER = [
    "proposal_reference",
    "client_reference",
    "status",
    "start_date",
    "title",
    "service",
    "description",
    "quantity",
    "unit_price",
    "billing_method",
    "from_month",
    "to_month",
]


def write_practice(directory: Path, clients: int) -> list[Path]:
    """A practice of `clients` clients, each with one accepted proposal of 5 services begun
    24 months before December 2026; every other line changed price a year in, so it is two
    rows (about 7.5 proposal rows per client)."""
    directory.mkdir(parents=True, exist_ok=True)
    client_rows: list[list[object]] = [
        ["reference", "name", "email", "year_end", "payment_terms", "invoice_day"]
    ]
    proposal_rows: list[list[object]] = [_PROPOSAL_HEADER]
    year_ends = ["31-03", "30-06", "30-09", "31-12"]
    for n in range(clients):
        reference = f"C{n:06d}"
        client_rows.append(
            [reference, f"Client {n} Ltd", f"c{n}@example.com", year_ends[n % 4], "days:14", ""]
        )
        proposal = f"P{n:06d}"
        head = [proposal, reference, "accepted", "2024-12-01", "Compliance"]
        for index, (service, price) in enumerate(
            [
                ("Bookkeeping", 100 + n % 50),
                ("Payroll", 40 + n % 7),
                ("Annual accounts", 80 + n % 20),
                ("VAT returns", 240),
                ("Tax return", 450),
            ]
        ):
            if (n + index) % 2 == 0:
                proposal_rows.append([*head, service, "", "", f"{price}.00", "", "", "2025-11"])
                proposal_rows.append(
                    [*head, service, "", "", f"{price + 10}.00", "", "2025-12", ""]
                )
            else:
                proposal_rows.append([*head, service, "", "", f"{price}.00", "", "", ""])
    return [
        write_csv(directory / "clients.csv", client_rows),
        write_csv(directory / "services.csv", PRACTICE_SERVICES),
        write_csv(directory / "proposals.csv", proposal_rows),
    ]

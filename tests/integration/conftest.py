"""A real store per test, on SQLite and on PostgreSQL (tests/engines.py), a fixed clock, a
dump of every table, and CSV files to import."""

from __future__ import annotations

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
from tests.engines import Engine as EngineName
from tests.engines import Stores, Templates, parametrize_engines
from tests.practices import regular, write_csv

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@dataclass
class Store:
    """The practice's store (a file, or a PostgreSQL database), opened as the CLI opens it."""

    location: StoreLocation
    engine: Engine

    @property
    def where(self) -> str:
        return self.location.describe()

    def uow(self, at: datetime = NOW) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, FixedClock(at), write=True, location=self.where)

    def opener(self, at: datetime = NOW) -> OpenStore:
        """The services' store opener, at the moment `at`."""
        return sql_store(self.engine, FixedClock(at), location=self.where)

    @property
    def read(self) -> OpenReader:
        """The plan services' read-only opener."""
        return sql_reader(self.engine, location=self.where)

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


def migrated(location: StoreLocation) -> None:
    """An empty store at the newest schema (a template: made once, copied for each test)."""
    open_engine(location, create=True).dispose()


@pytest.fixture
def store(stores: Stores, templates: Templates, engine: EngineName) -> Iterator[Store]:
    """An empty store at the newest schema, this test's own, on this test's engine."""
    location = stores.copy(templates.get("migrated", engine, migrated))
    opened = open_engine(location)
    yield Store(location, opened)
    opened.dispose()


@pytest.fixture
def new_engine(
    stores: Stores, templates: Templates, engine: EngineName
) -> Iterator[Callable[[], Engine]]:
    """`new_engine()`: another empty store at the newest schema on this test's engine, opened
    (disposed when the test ends)."""
    opened: list[Engine] = []

    def make() -> Engine:
        location = stores.copy(templates.get("migrated", engine, migrated), name="new")
        opened.append(open_engine(location))
        return opened[-1]

    yield make
    for made in opened:
        made.dispose()


@pytest.fixture
def practice() -> Callable[..., list[Path]]:
    """`practice(folder, clients=N)`: tests.practices.regular, a practice of known counts."""
    return regular


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, *rows: Sequence[object]) -> Path:
        return write_csv(tmp_path / name, rows)

    return make

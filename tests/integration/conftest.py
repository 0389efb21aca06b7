"""A real SQLite store per test, a fixed clock, a dump of every table, and CSV files to import."""

from __future__ import annotations

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
from tests.practices import regular, write_csv

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


@dataclass
class Store:
    """The practice's store on disk, opened as the CLI opens it."""

    path: Path
    engine: Engine

    def uow(self, at: datetime = NOW) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, FixedClock(at), write=True, location=str(self.path))

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


@pytest.fixture
def practice() -> Callable[..., list[Path]]:
    """`practice(folder, clients=N)`: tests.practices.regular, a practice of known counts."""
    return regular


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, *rows: Sequence[object]) -> Path:
        return write_csv(tmp_path / name, rows)

    return make

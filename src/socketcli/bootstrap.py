"""Wires concrete adapters to the services: where the store is, which clock, which engine.

The CLI asks this module for a unit of work; tests wire their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socketcli.paths import data_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from socketcli.adapters.store.database import StoreLocation
    from socketcli.adapters.store.reader import SqlReader
    from socketcli.ports.clock import Clock
    from socketcli.ports.store import OpenReader, OpenStore, PlanReader, UnitOfWork

DEFAULT_STORE = "socket.db"
PLAYGROUND_STORE = "playground.db"


def store_location(db: Path | None = None, *, playground: bool = False) -> StoreLocation:
    """--db PATH, else SOCKET_DATABASE_URL, else the playground or the practice store."""
    from socketcli.adapters.store.database import StoreLocation

    if db is not None:
        return StoreLocation.for_path(db)
    if playground:
        return StoreLocation.for_path(data_dir() / PLAYGROUND_STORE)
    url = os.environ.get("SOCKET_DATABASE_URL")
    if url:
        return StoreLocation(url)
    return StoreLocation.for_path(data_dir() / DEFAULT_STORE)


def clock() -> Clock:
    """The system clock, or the moment in $SOCKET_NOW (ISO date or time) for rehearsals and tests."""
    from socketcli.adapters.clock import FixedClock, SystemClock

    fixed = os.environ.get("SOCKET_NOW")
    if fixed:
        from socketcli.domain.errors import InvalidInput

        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise InvalidInput(f"SOCKET_NOW {fixed!r} is not an ISO date or time") from None
        return FixedClock(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return SystemClock()


@dataclass
class Wiring:
    """The adapters for one invocation; the engine opens on first use."""

    location: StoreLocation
    clock: Clock
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, create: bool = False) -> Engine:
        if self._engine is None:
            from socketcli.adapters.store.database import open_engine

            self._engine = open_engine(self.location, create=create)
        return self._engine

    def uow(self, *, write: bool = False, create: bool = False) -> UnitOfWork:
        engine = self.engine(create=create)
        return sql_store(engine, self.clock, location=self.location.describe())(write=write)

    def create(self) -> None:
        """Create the store, or bring an existing one to the newest schema."""
        with self.uow(write=True, create=True) as uow:
            uow.commit()

    def reader(self) -> AbstractContextManager[PlanReader]:
        """A read-only view of the store in one read transaction, without SQLModel or the ORM."""
        return sql_reader(self.engine(), location=self.location.describe())()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def sql_store(engine: Engine, clock: Clock, *, location: str = "") -> OpenStore:
    """The services' `OpenStore` on an engine: each call opens a SQL unit of work."""
    from socketcli.adapters.store.uow import SqlUnitOfWork

    def open_store(*, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, clock, write=write, location=location)

    return open_store


def sql_reader(engine: Engine, *, location: str = "") -> OpenReader:
    """The services' `OpenReader` on an engine: the plan's reads in one read transaction,
    without SQLModel or the ORM."""

    @contextmanager
    def read() -> Iterator[SqlReader]:
        from socketcli.adapters.store.reader import SqlReader

        with engine.connect() as connection, connection.begin():
            yield SqlReader(connection, location=location)

    return read


def wire(db: Path | None = None, *, playground: bool = False) -> Wiring:
    return Wiring(store_location(db, playground=playground), clock())

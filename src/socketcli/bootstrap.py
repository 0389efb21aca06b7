"""Wires concrete adapters to the services: where the store is, which clock, which engine.

The CLI asks this module for a unit of work; tests wire their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socketcli.paths import data_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from socketcli.adapters.store.database import StoreLocation
    from socketcli.adapters.store.reader import SqlReader
    from socketcli.adapters.store.uow import SqlUnitOfWork
    from socketcli.ports.clock import Clock

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

    def uow(self, *, write: bool = False, create: bool = False) -> SqlUnitOfWork:
        from socketcli.adapters.store.uow import SqlUnitOfWork

        return SqlUnitOfWork(
            self.engine(create=create),
            self.clock.now,
            write=write,
            location=self.location.describe(),
        )

    @contextmanager
    def reader(self) -> Iterator[SqlReader]:
        """A read-only view of the store in one read transaction, without SQLModel or the ORM."""
        from socketcli.adapters.store.reader import SqlReader

        with self.engine().connect() as connection, connection.begin():
            yield SqlReader(connection, location=self.location.describe())

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def wire(db: Path | None = None, *, playground: bool = False) -> Wiring:
    return Wiring(store_location(db, playground=playground), clock())

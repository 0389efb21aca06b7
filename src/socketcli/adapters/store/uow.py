"""The unit of work over SQLModel: one transaction, and a repository per aggregate on it.

    with SqlUnitOfWork(engine, clock) as uow:
        client = uow.clients.get("CLI001")
        ...
        uow.commit()

Leaving the block without `commit` rolls back. The repositories (one module each, beside
this one) share the session; `uow.plan` is the plan's set-based reader on the same
transaction.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from socketcli.adapters.store.catalogue import SqlServices
from socketcli.adapters.store.clients import SqlClients
from socketcli.adapters.store.history import SqlHistory
from socketcli.adapters.store.mirror import SqlMirror
from socketcli.adapters.store.outbox import SqlOutbox
from socketcli.adapters.store.proposals import SqlProposals
from socketcli.adapters.store.reader import SqlReader
from socketcli.adapters.store.settings import SqlSettings
from socketcli.adapters.store.snapshots import SqlSnapshots
from socketcli.adapters.store.work_items import SqlWorkItems
from socketcli.ports.clock import Clock


class SqlUnitOfWork:
    settings: SqlSettings
    clients: SqlClients
    services: SqlServices
    proposals: SqlProposals
    work_items: SqlWorkItems
    snapshots: SqlSnapshots
    mirror: SqlMirror
    outbox: SqlOutbox
    history: SqlHistory

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        write: bool = False,
        location: str = "",
        actor: str = "",
        references_at_commit: bool = False,
    ) -> None:
        self._engine = engine.execution_options(socket_write=True) if write else engine
        #: On SQLite, foreign keys checked once, at commit, rather than row by row (see
        #: `commit`): a bulk write into a store that holds no client yet.
        self._references_at_commit = references_at_commit and engine.dialect.name == "sqlite"
        if self._references_at_commit:
            self._engine = self._engine.execution_options(socket_references_at_commit=True)
        self._clock = clock
        self.location = location
        #: Who the history names for what this unit of work records (unless an event says).
        self.actor = actor
        self._session: Session | None = None

    def __enter__(self) -> Self:
        session = self._session = Session(self._engine, expire_on_commit=False, autoflush=True)
        parts = (session, self._clock.now, lambda: self.plan)
        self.settings = SqlSettings(*parts)
        self.clients = SqlClients(*parts)
        self.services = SqlServices(*parts)
        self.proposals = SqlProposals(*parts)
        self.work_items = SqlWorkItems(*parts)
        self.snapshots = SqlSnapshots(*parts)
        self.mirror = SqlMirror(*parts)
        self.outbox = SqlOutbox(*parts)
        self.history = SqlHistory(*parts, self.actor)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        session.rollback()
        session.close()
        self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    @property
    def plan(self) -> SqlReader:
        """The plan's reads, on this unit of work's connection and transaction."""
        return SqlReader(
            self.session.connection(), tables=SQLModel.metadata.tables, location=self.location
        )

    def commit(self) -> None:
        if self._references_at_commit:
            # What SQLite checks row by row otherwise: every reference of every table to a
            # row that exists. A broken one is a fault of socket's; nothing is written.
            self.session.flush()
            broken = self.session.connection().exec_driver_sql("PRAGMA foreign_key_check")
            first = broken.first()
            if first is not None:
                raise RuntimeError(
                    f"a write would break a reference between the store's tables ({tuple(first)})"
                    ": nothing was written"
                )
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

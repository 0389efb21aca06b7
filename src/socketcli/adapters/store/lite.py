"""The plan's read-only view of a SQLite store on the sqlite3 driver alone.

`plan show` and `plan diff` read a practice in a handful of statements (`PlanQueries`).
Importing SQLAlchemy to send them would cost more than running them (a fifth of a second
of every `plan diff --json`), so a store given as a path, at this program's schema, is read
here with sqlite3: one connection, one read transaction. The rarer reads (`clients`,
`billable_lines`, the finalised invoices, the work list) are SQLAlchemy Core's, run by a
`SqlReader` made on first use over the same connection, so in the same transaction.

Anything else (a URL, PostgreSQL, a store that is not there, not socket's, or at another
schema) is not opened here: `open_reader` returns None and the caller opens the store
through SQLAlchemy, which refuses it with the usual message.

One write is here too: a client's link, the key of `contacts match` a person presses most
(`open_link_write`, a `LinkWrite`). Through the unit of work, the first link of a walk waited
for SQLModel and the ORM to be imported (0.3 s of CPU); here it writes the rows the unit of
work writes (`rows.py`): the client's, stamped now if it changed, and the history's entry,
in one transaction that takes the write lock at once (BEGIN IMMEDIATE on the store's busy
timeout, StoreBusy after it), with the pragmas of the store's engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socketcli.adapters.store.location import BUSY_TIMEOUT_MS, HEAD_REVISION
from socketcli.adapters.store.plan_queries import (
    CLIENT_COLUMNS,
    CONTACT_COLUMNS,
    PlanQueries,
    clients_of,
    contact_of,
)
from socketcli.adapters.store.rows import (
    CLIENT_WRITTEN,
    HISTORY_WRITTEN,
    client_row,
    history_rows,
    sqlite_moment,
)
from socketcli.domain.errors import StoreBusy, StoreNotReady

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from socketcli.adapters.store.reader import SqlReader
    from socketcli.domain.history import HistoryEvent
    from socketcli.domain.invoice import InvoiceDocument
    from socketcli.domain.model import BillableLine
    from socketcli.domain.months import Month
    from socketcli.domain.records import Client, XeroContact
    from socketcli.domain.work import ListedWork, WorkStatus
    from socketcli.ports.clock import Clock

#: How much of the store the reader maps into memory (SQLite's memory-mapped I/O).
MMAP_BYTES = 1 << 30
#: `SqlReader.clients` and `xero_contacts` as SQLAlchemy compiles them for SQLite (where
#: `bytewise` is the expression as it is): the same plan, so equal names come in one order.
_CLIENTS = (
    f"SELECT {', '.join(f'clients.{name}' for name in CLIENT_COLUMNS)} "
    "FROM clients ORDER BY lower(clients.name)"
)
_CONTACTS = (
    f"SELECT {', '.join(f'xero_contacts.{name}' for name in CONTACT_COLUMNS)} "
    "FROM xero_contacts ORDER BY xero_contacts.name"
)
#: `SqlReader.client`'s statement.
_CLIENT = (
    f"SELECT {', '.join(f'clients.{name}' for name in CLIENT_COLUMNS)} "
    "FROM clients WHERE clients.reference = :reference"
)
#: What SQLite says when the busy timeout ran out.
_BUSY = ("database is locked", "database table is locked", "database schema is locked")


class SqliteReader(PlanQueries):
    """`PlanReader` on a sqlite3 connection in an open read transaction."""

    def __init__(self, connection: sqlite3.Connection, *, location: str = "") -> None:
        self._connection = connection
        self.location = location
        self._core: SqlReader | None = None
        self._core_connection: Connection | None = None

    def _rows(self, sql: str, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as failure:
            if str(failure).lower().startswith(_BUSY):
                raise StoreBusy() from None
            raise StoreNotReady(f"cannot read the store at {self.location}: {failure}") from None

    def _sql(self) -> SqlReader:
        """SQLAlchemy Core's reader over this connection (made on first use)."""
        if self._core is None:
            from sqlalchemy import create_engine
            from sqlalchemy.pool import StaticPool

            from socketcli.adapters.store.reader import SqlReader

            connection = self._connection
            engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
            self._core_connection = engine.connect()
            self._core = SqlReader(self._core_connection, location=self.location)
        return self._core

    def close(self) -> None:
        """End the read transaction and close the connection."""
        if self._core_connection is not None:
            self._core_connection.close()
        self._connection.rollback()
        self._connection.close()

    # -- every client and contact: what `contacts match` starts on ------------------------
    def clients(self) -> list[Client]:
        """Every client, by name: the statement SQLAlchemy's reader sends on SQLite (so the
        same order, ties included), without importing SQLAlchemy."""
        return clients_of(self._rows(_CLIENTS, {}))

    def xero_contacts(self) -> list[XeroContact]:
        """Every mirrored contact, by name (as `clients`)."""
        return [
            contact for row in self._rows(_CONTACTS, {}) if (contact := contact_of(row)) is not None
        ]

    def client(self, reference: str) -> Client | None:
        """A client by its reference (the statement of SQLAlchemy's reader)."""
        found = clients_of(self._rows(_CLIENT, {"reference": reference}))
        return found[0] if found else None

    # -- the rarer reads: SQLAlchemy Core's, in the same transaction -----------------------

    def billable_lines(
        self, first: Month, last: Month, *, client_id: int | None = None
    ) -> list[BillableLine]:
        return self._sql().billable_lines(first, last, client_id=client_id)

    def unfrozen_lines(self, month: Month) -> list[BillableLine]:
        return self._sql().unfrozen_lines(month)

    def finalised_invoices(
        self, month: Month, client_id: int | None = None
    ) -> list[InvoiceDocument]:
        return self._sql().finalised_invoices(month, client_id)

    def finalised_invoice_rows(
        self, month: Month, client_id: int | None = None
    ) -> list[tuple[int, InvoiceDocument]]:
        return self._sql().finalised_invoice_rows(month, client_id)

    def work_listing(
        self,
        *,
        status: WorkStatus | None = None,
        client_id: int | None = None,
        shown_from: datetime | None = None,
    ) -> list[ListedWork]:
        return self._sql().work_listing(status=status, client_id=client_id, shown_from=shown_from)

    def work_invoiced_before(self, moment: datetime, client_id: int | None = None) -> int:
        return self._sql().work_invoiced_before(moment, client_id)


def open_reader(path: Path, *, location: str, busy_timeout: float | None) -> SqliteReader | None:
    """A read transaction on the SQLite file at `path`, or None when it is not a socket store
    at this program's schema (or cannot be read): the caller then opens it through
    SQLAlchemy, which says what is wrong. `busy_timeout`: seconds (None: the store's default)."""
    connection = _store_connection(
        path,
        busy_timeout,
        # Pages read in place rather than copied by a read() each: a third of the system
        # time of a diff of 200,000 clients (333 MB of store). Reads only; up to 1 GiB.
        f"PRAGMA mmap_size={MMAP_BYTES}",
        "BEGIN",  # the schema's version read in the reader's transaction
    )
    return None if connection is None else SqliteReader(connection, location=location)


def _store_connection(
    path: Path, busy_timeout: float | None, *statements: str
) -> sqlite3.Connection | None:
    """A connection to the SQLite file at `path`, `statements` run on it, when the file is a
    socket store at this program's schema; else None, nothing left open. `busy_timeout`:
    seconds (None: the store's default)."""
    if not path.is_file():
        return None
    seconds = BUSY_TIMEOUT_MS / 1000 if busy_timeout is None else busy_timeout
    try:
        connection = sqlite3.connect(str(path), timeout=seconds, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        for statement in statements:
            connection.execute(statement)
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        connection.close()
        return None
    if row is None or row[0] != HEAD_REVISION:
        connection.close()  # (a transaction begun ends with it)
        return None
    return connection


@contextmanager
def reading(reader: SqliteReader) -> Iterator[SqliteReader]:
    """The reader for the length of a block; then its transaction ends and it is closed."""
    try:
        yield reader
    finally:
        reader.close()


# -- a client's link: `contacts match`'s write, without the ORM ----------------------------------

#: What SQLite says of a unique key taken (`database.unique_violation`'s SQLite case).
_UNIQUE = "UNIQUE constraint failed: "
_CLIENT_STORED = f"SELECT id, {', '.join(CLIENT_WRITTEN)} FROM clients WHERE reference = :reference"
_CLIENT_UPDATE = (
    f"UPDATE clients SET {', '.join(f'{name} = ?' for name in CLIENT_WRITTEN)}, updated_at = ? "
    "WHERE clients.id = ?"
)
_CLIENT_INSERT = (
    f"INSERT INTO clients ({', '.join(CLIENT_WRITTEN)}, created_at, updated_at) "
    f"VALUES ({', '.join('?' for _ in CLIENT_WRITTEN)}, ?, ?)"
)
_HISTORY_INSERT = (
    f"INSERT INTO history ({', '.join(HISTORY_WRITTEN)}) "
    f"VALUES ({', '.join('?' for _ in HISTORY_WRITTEN)})"
)


class SqliteLinkWrite:
    """A `LinkWrite` on the sqlite3 driver: one write transaction, begun on entering (the
    write lock taken at once), committed by `commit`, else rolled back on leaving; the
    connection is closed then. What it writes is what `SqlClients.save` and
    `SqlHistory.record` write for the same client and events."""

    def __init__(
        self, connection: sqlite3.Connection, clock: Clock, *, location: str, actor: str
    ) -> None:
        self._connection = connection
        self._clock = clock
        self.location = location
        self.actor = actor
        self.plan = SqliteReader(connection, location=location)
        self.clients = _ClientWrites(self)
        self.history = _HistoryWrites(self)

    def __enter__(self) -> SqliteLinkWrite:
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as failure:
            self._connection.close()
            raise _failure_of(failure) from None
        except BaseException:
            self._connection.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._connection.in_transaction:
                self._connection.rollback()
        finally:
            self._connection.close()

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any]) -> sqlite3.Cursor:
        """Run a statement of this transaction; a busy store is StoreBusy, a unique key
        another's write took is a Conflict (as the store's engine says them)."""
        try:
            return self._connection.execute(sql, parameters)
        except sqlite3.Error as failure:
            raise _failure_of(failure) from None

    def now(self) -> datetime:
        return self._clock.now()

    def commit(self) -> None:
        try:
            self._connection.commit()
        except sqlite3.Error as failure:
            raise _failure_of(failure) from None


class _ClientWrites:
    def __init__(self, write: SqliteLinkWrite) -> None:
        self._write = write

    def get(self, reference: str) -> Client | None:
        return self._write.plan.client(reference)

    def save(self, client: Client) -> Client:
        """`SqlClients.save` of one client: inserted if its reference is new, else updated
        (every column, and `updated_at`) if any column differs."""
        write = self._write
        values = client_row(client)
        now = sqlite_moment(write.now())
        stored = write.execute(_CLIENT_STORED, {"reference": client.reference}).fetchone()
        if stored is None:
            write.execute(_CLIENT_INSERT, (*values, now, now))
        elif tuple(stored[1:]) != values:
            write.execute(_CLIENT_UPDATE, (*values, now, stored[0]))
        saved = self.get(client.reference)
        assert saved is not None
        return saved


class _HistoryWrites:
    def __init__(self, write: SqliteLinkWrite) -> None:
        self._write = write

    def record(self, *events: HistoryEvent) -> None:
        """`SqlHistory.record`: each event stamped now (in UTC) and with the actor."""
        if not events:
            return
        write = self._write
        for row in history_rows(events, write.now(), write.actor):
            write.execute(_HISTORY_INSERT, (sqlite_moment(row[0]), *row[1:]))


def _failure_of(failure: sqlite3.Error) -> Exception:
    """A sqlite3 error as the store's engine turns it into socket's (`database._busy`): the
    store busy, or a unique key another's write took (neither a link's update nor its
    history's insert has one to take); any other error as it is."""
    if isinstance(failure, sqlite3.OperationalError) and str(failure).lower().startswith(_BUSY):
        return StoreBusy()
    if isinstance(failure, sqlite3.IntegrityError) and str(failure).startswith(_UNIQUE):
        from socketcli.adapters.store.database import conflict_of  # SQLAlchemy's import: rare

        return conflict_of(str(failure)[len(_UNIQUE) :].split(",")[0].strip())
    return failure


def open_link_write(
    path: Path, clock: Clock, *, location: str, actor: str, busy_timeout: float | None
) -> SqliteLinkWrite | None:
    """A `LinkWrite` on the SQLite file at `path` (its transaction begins on entering), or
    None when it is not a socket store at this program's schema (or cannot be opened): the
    caller then writes through the unit of work, which says what is wrong. `busy_timeout`:
    seconds (None: the store's default)."""
    connection = _store_connection(
        path,
        busy_timeout,
        # The store engine's pragmas (`database.create_store_engine`).
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=NORMAL",
    )
    if connection is None:
        return None
    return SqliteLinkWrite(connection, clock, location=location, actor=actor)

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
from socketcli.domain.errors import StoreBusy, StoreNotReady

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from socketcli.adapters.store.reader import SqlReader
    from socketcli.domain.invoice import InvoiceDocument
    from socketcli.domain.model import BillableLine
    from socketcli.domain.months import Month
    from socketcli.domain.records import Client, XeroContact
    from socketcli.domain.work import ListedWork, WorkStatus

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

    # -- the rarer reads: SQLAlchemy Core's, in the same transaction -----------------------
    def client(self, reference: str) -> Client | None:
        return self._sql().client(reference)

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
    if not path.is_file():
        return None
    seconds = BUSY_TIMEOUT_MS / 1000 if busy_timeout is None else busy_timeout
    try:
        connection = sqlite3.connect(str(path), timeout=seconds, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        # Pages read in place rather than copied by a read() each: a third of the system
        # time of a diff of 200,000 clients (333 MB of store). Reads only; up to 1 GiB.
        connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        connection.execute("BEGIN")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        connection.close()
        return None
    if row is None or row[0] != HEAD_REVISION:
        connection.rollback()
        connection.close()
        return None
    return SqliteReader(connection, location=location)


@contextmanager
def reading(reader: SqliteReader) -> Iterator[SqliteReader]:
    """The reader for the length of a block; then its transaction ends and it is closed."""
    try:
        yield reader
    finally:
        reader.close()

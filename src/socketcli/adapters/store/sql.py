"""What every SQL repository shares: the session, the clock, the plan reader on the same
transaction, and the set-based writes (chunked IN lists, one executemany per batch)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Dialect, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from socketcli.adapters.store.database import conflict_of, is_busy, unique_violation
from socketcli.adapters.store.reader import SqlReader
from socketcli.adapters.store.rows import month_text as month_text
from socketcli.adapters.store.rows import ordinal as ordinal
from socketcli.domain.errors import StoreBusy
from socketcli.domain.months import Month

CHUNK = 500  # values per IN (...) list, well inside every database's parameter limit
#: From how many keys a repository reads a whole table once and keeps the rows wanted,
#: rather than 500 keys at a time (an import of 200,000 clients: 400 queries a table).
WHOLE_TABLE_FROM = 20 * CHUNK

#: Rows of one COPY from which PostgreSQL's statistics of the table are refreshed at once.
ANALYZE_AFTER = 5_000
#: From how many rows `indexes_set_aside` drops a table's indexes and builds them after.
REBUILD_INDEXES_FROM = 50_000


def chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def month_of(text: str | None) -> Month | None:
    return None if text is None else Month.parse(text)


T = TypeVar("T")


class Meanwhile(Generic[T]):
    """`work()` run in a thread from `start` to `result` (where its exception is raised):
    plain computing while SQLite, which lets go of the interpreter as it works, builds an
    index. Never started, `result` runs it in the caller's thread."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._result: list[T] = []
        self._error: list[BaseException] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        def run() -> None:
            try:
                self._result.append(self._work())
            except BaseException as error:  # raised again by result(), in the caller's thread
                self._error.append(error)

        self._thread = threading.Thread(target=run, name="socket-meanwhile", daemon=True)
        self._thread.start()

    def result(self) -> T:
        if self._thread is None:
            return self._work()
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._result[0]


class SetAside:
    """What `indexes_set_aside` yields: work to run while the indexes are built."""

    def __init__(self) -> None:
        self.work: list[Meanwhile[Any]] = []

    def meanwhile(self, work: Meanwhile[Any]) -> None:
        self.work.append(work)


def bound_value(dialect: Dialect, table_name: str, key: str, value: Any) -> Any:
    """`value` as `dialect`'s driver takes it for the column (see `SqlRepository.bound`)."""
    column_type = SQLModel.metadata.tables[table_name].c[key].type.dialect_impl(dialect)
    process = column_type.bind_processor(dialect)
    return value if process is None else process(value)


class SqlRepository:
    """A repository on one unit of work's session."""

    def __init__(
        self, session: Session, clock: Callable[[], datetime], reader: Callable[[], SqlReader]
    ) -> None:
        self.session = session
        self._clock = clock
        self._reader = reader

    def now(self) -> datetime:
        return self._clock()

    @staticmethod
    def table(name: str) -> Table:
        return SQLModel.metadata.tables[name]

    def insert_many(
        self, table_name: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """INSERT `rows` (tuples of values in `keys` order; give every column but the id).

        On SQLite: one executemany of a statement written once, each column's bind
        processor applied once per distinct value, since SQLAlchemy's per-row parameter
        handling would cost more than SQLite's own work. On PostgreSQL with psycopg: one
        COPY ... FROM STDIN in the unit of work's transaction (psycopg's executemany sends
        one INSERT a row, which SQLAlchemy prepares row by row: importing 20,000 clients
        took 7.2 s of CPU and the server 4.7 s that way, 5.0 s and 2.9 s by COPY).
        Elsewhere: SQLAlchemy's executemany.
        """
        if not rows:
            return
        table = self.table(table_name)
        connection = self.session.connection()
        dialect = connection.dialect
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            self._copy(connection, table, keys, rows)
            return
        if dialect.name != "sqlite":
            self.session.execute(
                insert(table), [dict(zip(keys, values, strict=True)) for values in rows]
            )
            return
        columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)]
        for index, key in enumerate(keys):
            process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                done: dict[Any, Any] = {}
                column = columns[index]
                for position, value in enumerate(column):
                    try:
                        column[position] = done[value]
                    except KeyError:
                        column[position] = done[value] = process(value)
        quote = dialect.identifier_preparer.quote
        statement = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(key) for key in keys)}) "
            f"VALUES ({', '.join('?' for _ in keys)})"
        )
        connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))

    @staticmethod
    def _copy(
        connection: Connection, table: Table, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """`rows` into `table` with PostgreSQL's COPY (psycopg), on `connection`'s transaction.

        The values go as they would as parameters: through each column's bind processor
        where SQLAlchemy has one (once per distinct value), then psycopg's text dumpers (the
        timestamps are timestamptz, so an aware datetime keeps its instant).
        """
        dialect = connection.dialect
        processors = [
            table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys
        ]
        if any(processors):
            columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)]
            for column, process in zip(columns, processors, strict=True):
                if process is not None:
                    done: dict[Any, Any] = {}
                    for position, value in enumerate(column):
                        try:
                            column[position] = done[value]
                        except KeyError:
                            column[position] = done[value] = process(value)
            rows = list(zip(*columns, strict=True))
        quote = dialect.identifier_preparer.quote
        statement = f"COPY {quote(table.name)} ({', '.join(quote(key) for key in keys)}) FROM STDIN"
        driver = connection.connection.driver_connection
        assert driver is not None
        dbapi_error = dialect.loaded_dbapi.Error
        try:
            with driver.cursor() as cursor:
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
                if len(rows) >= ANALYZE_AFTER:
                    # The planner's statistics are those of before the COPY (autovacuum
                    # cannot see rows this transaction has not committed): the reads that
                    # follow in it (an import's `IN (...)` chunks) would plan on a table
                    # they think small. ANALYZE counts this transaction's own rows.
                    cursor.execute(f"ANALYZE {quote(table.name)}")
        except dbapi_error as failure:
            # As an INSERT's would be (COPY bypasses the engine's error hook): the store
            # busy, a unique key another's write took first as a Conflict, else
            # SQLAlchemy's error (DataError, ...).
            if is_busy(failure):
                raise StoreBusy() from None
            duplicate = unique_violation(failure)
            if duplicate is not None:
                raise conflict_of(duplicate) from None
            raise DBAPIError.instance(statement, None, failure, dbapi_error) from failure

    def bound(self, table_name: str, key: str, value: Any) -> Any:
        """`value` as the database driver takes it for the column (a datetime as SQLite's
        text): for rows written with `insert_plain`."""
        return bound_value(self.session.connection().dialect, table_name, key, value)

    def insert_plain(
        self, table_name: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """INSERT `rows` whose values the driver takes as they are (str, int, bool, None, and
        values made by `bound`): on SQLite, one executemany on the driver's connection;
        elsewhere, as `insert_many`."""
        if not rows:
            return
        connection = self.session.connection()
        dialect = connection.dialect
        if dialect.name != "sqlite":
            self.insert_many(table_name, keys, rows)
            return
        quote = dialect.identifier_preparer.quote
        statement = (
            f"INSERT INTO {quote(table_name)} ({', '.join(quote(key) for key in keys)}) "
            f"VALUES ({', '.join('?' for _ in keys)})"
        )
        connection.exec_driver_sql(statement, rows)

    @contextmanager
    def indexes_set_aside(self, table_name: str, adding: int) -> Iterator[SetAside]:
        """On SQLite, when `adding` rows are many (REBUILD_INDEXES_FROM) and more than the
        table holds: its indexes dropped while the rows are inserted and made again after,
        with the same SQL, in the same transaction (a rollback keeps them as they were).
        Building an index once costs less than inserting each row into it: at 1.4 million
        proposal lines, 5.5 s of SQLite's CPU instead of 7.9 s. Elsewhere, nothing.

        Work given to the `SetAside` yielded (`meanwhile`) runs in a thread while SQLite
        builds the indexes (when it builds none, the caller's `result()` runs it)."""
        set_aside = SetAside()
        connection = self.session.connection()
        if connection.dialect.name != "sqlite" or adding < REBUILD_INDEXES_FROM:
            yield set_aside
            return
        quote = connection.dialect.identifier_preparer.quote
        largest = connection.exec_driver_sql(f"SELECT max(id) FROM {quote(table_name)}").scalar()
        indexes = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table_name,),
        ).all()
        if (largest or 0) >= adding or not indexes:
            yield set_aside
            return
        for name, _ in indexes:
            connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
        yield set_aside
        for work in set_aside.work:
            work.start()
        for _, sql in indexes:
            connection.exec_driver_sql(sql)

    def upsert(
        self, table_name: str, key: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert or replace rows (tuples of values in `keys` order, `key` among them) by
        their `key`, set-based: which keys exist, read 500 at a time, then one executemany
        for the new rows and one for the known.

        On PostgreSQL one INSERT ... ON CONFLICT (key) DO UPDATE instead: its transactions
        do not queue for the whole store as SQLite's writers do, so a row another machine
        inserts between the read and the insert (two syncs, two posters linking the same
        new contacts) would otherwise end in a unique violation."""
        if not rows:
            return
        table = self.table(table_name)
        at = list(keys).index(key)
        latest = {row[at]: row for row in rows}
        if self.session.connection().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as insert_or_update

            statement = insert_or_update(table)
            statement = statement.on_conflict_do_update(
                index_elements=[table.c[key]],
                set_={name: statement.excluded[name] for name in keys if name != key},
            )
            self.session.execute(
                statement, [dict(zip(keys, row, strict=True)) for row in latest.values()]
            )
            self.session.expire_all()
            return
        known: set[Any] = set()
        for chunk in chunks(list(latest)):
            known.update(
                self.session.execute(select(table.c[key]).where(table.c[key].in_(chunk))).scalars()
            )
        self.insert_many(table_name, keys, [row for k, row in latest.items() if k not in known])
        changed = [
            {
                **{name: value for name, value in zip(keys, row, strict=True) if name != key},
                "row_key": k,
            }
            for k, row in latest.items()
            if k in known
        ]
        if changed:
            self.session.execute(update(table).where(table.c[key] == bindparam("row_key")), changed)
        self.session.expire_all()

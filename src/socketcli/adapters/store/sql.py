"""What every SQL repository shares: the session, the clock, the plan reader on the same
transaction, and the set-based writes (chunked IN lists, one executemany per batch)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlmodel import Session, SQLModel

from socketcli.adapters.store.reader import SqlReader
from socketcli.domain.months import Month

CHUNK = 500  # values per IN (...) list, well inside every database's parameter limit
#: From how many rows `indexes_set_aside` drops a table's indexes and builds them after.
REBUILD_INDEXES_FROM = 50_000


def chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def month_of(text: str | None) -> Month | None:
    return None if text is None else Month.parse(text)


def month_text(month: Month | None) -> str | None:
    return None if month is None else str(month)


def ordinal(month: Month | None) -> int | None:
    return None if month is None else month.ordinal


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
        handling would cost more than SQLite's own work. Elsewhere: SQLAlchemy's
        executemany, which batches rows into multi-row INSERTs itself.
        """
        if not rows:
            return
        table = self.table(table_name)
        connection = self.session.connection()
        dialect = connection.dialect
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

    def bound(self, table_name: str, key: str, value: Any) -> Any:
        """`value` as the database driver takes it for the column (a datetime as SQLite's
        text): for rows written with `insert_plain`."""
        dialect = self.session.connection().dialect
        column_type = self.table(table_name).c[key].type.dialect_impl(dialect)
        process = column_type.bind_processor(dialect)
        return value if process is None else process(value)

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
    def indexes_set_aside(self, table_name: str, adding: int) -> Iterator[None]:
        """On SQLite, when `adding` rows are many (REBUILD_INDEXES_FROM) and more than the
        table holds: its indexes dropped while the rows are inserted and made again after,
        with the same SQL, in the same transaction (a rollback keeps them as they were).
        Building an index once costs less than inserting each row into it: at 1.4 million
        proposal lines, 5.5 s of SQLite's CPU instead of 7.9 s. Elsewhere, nothing."""
        connection = self.session.connection()
        if connection.dialect.name != "sqlite" or adding < REBUILD_INDEXES_FROM:
            yield
            return
        quote = connection.dialect.identifier_preparer.quote
        largest = connection.exec_driver_sql(f"SELECT max(id) FROM {quote(table_name)}").scalar()
        indexes = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table_name,),
        ).all()
        if (largest or 0) >= adding or not indexes:
            yield
            return
        for name, _ in indexes:
            connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
        yield
        for _, sql in indexes:
            connection.exec_driver_sql(sql)

    def upsert(
        self, table_name: str, key: str, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert or replace rows (tuples of values in `keys` order, `key` among them) by
        their `key`, set-based: which keys exist, read 500 at a time, then one executemany
        for the new rows and one for the known."""
        if not rows:
            return
        table = self.table(table_name)
        at = list(keys).index(key)
        latest = {row[at]: row for row in rows}
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

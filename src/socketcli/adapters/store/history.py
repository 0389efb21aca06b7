"""The history: appended in the unit of work's transaction, read newest first by index.

Nothing here updates or deletes an entry (and the store's triggers refuse it, migration
0009). Times are stored in UTC; SQLite keeps no zone, so they are read back as UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from socketcli.adapters.store.reader import SqlReader
from socketcli.adapters.store.rows import HISTORY_WRITTEN as _KEYS
from socketcli.adapters.store.rows import history_rows
from socketcli.adapters.store.sql import SqlRepository
from socketcli.domain.history import HistoryEntry, HistoryEvent, HistoryKind, HistoryQuery
from socketcli.domain.months import Month


class SqlHistory(SqlRepository):
    def __init__(
        self,
        session: Session,
        clock: Callable[[], datetime],
        reader: Callable[[], SqlReader],
        actor: str,
    ) -> None:
        super().__init__(session, clock, reader)
        self.actor = actor

    def record(self, *events: HistoryEvent) -> None:
        if not events:
            return
        self.session.flush()  # after the change it records, in the same transaction
        self.insert_many("history", _KEYS, history_rows(events, self.now(), self.actor))

    def _where(self, statement: Select[Any], query: HistoryQuery) -> Select[Any]:
        table = self.table("history")
        if query.kinds:
            statement = statement.where(table.c.kind.in_(sorted(k.value for k in query.kinds)))
        if query.month is not None:
            statement = statement.where(table.c.month == str(query.month))
        if query.client_reference is not None:
            statement = statement.where(table.c.client_reference == query.client_reference)
        if query.since is not None:
            statement = statement.where(table.c.at >= query.since.astimezone(UTC))
        return statement

    def entries(self, query: HistoryQuery) -> list[HistoryEntry]:
        table = self.table("history")
        statement = self._where(
            select(table.c.id, *(table.c[key] for key in _KEYS)), query
        ).order_by(table.c.at.desc(), table.c.id.desc())
        if query.limit:
            statement = statement.limit(query.limit)
        # The rows as the driver gives them (no ORM objects): a page of 20,000 is read fast.
        found = []
        kinds = {kind.value: kind for kind in HistoryKind}
        months: dict[str, Month] = {}
        for (
            row_id,
            at,
            actor,
            kind,
            month,
            reference,
            name,
            summary,
            details,
        ) in self.session.execute(statement):
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            if month is not None:
                month = months.get(month) or months.setdefault(month, Month.parse(month))
            found.append(
                HistoryEntry(
                    row_id, at, actor, kinds[kind], summary, month, reference, name, details
                )
            )
        return found

    def count(self, query: HistoryQuery) -> int:
        table = self.table("history")
        statement = self._where(select(func.count()).select_from(table), query)
        return int(self.session.execute(statement).scalar_one())

"""The practice's clients, keyed by reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update

from socketcli.adapters.store import sql
from socketcli.adapters.store.reader import CLIENT_COLUMNS
from socketcli.adapters.store.rows import CLIENT_WRITTEN as _COLUMNS
from socketcli.adapters.store.rows import client_row as _row
from socketcli.adapters.store.sql import SqlRepository, chunks
from socketcli.domain.links import ContactLink
from socketcli.domain.records import Client, ClientLabel


class SqlClients(SqlRepository):
    def all(self) -> list[Client]:
        return self._reader().clients()

    def labels(self) -> list[ClientLabel]:
        return self._reader().client_labels()

    def get(self, reference: str) -> Client | None:
        return self._reader().client(reference)

    def by_references(self, references: Sequence[str]) -> list[Client]:
        table = self.table("clients")
        reader = self._reader()
        wanted = set(references)
        if len(wanted) > sql.WHOLE_TABLE_FROM:  # many: the whole table read once
            every = reader.read_clients(select(*(table.c[name] for name in CLIENT_COLUMNS)))
            return [client for client in every if client.reference in wanted]
        result: list[Client] = []
        for chunk in chunks(sorted(wanted)):
            result += reader.read_clients(
                select(*(table.c[name] for name in CLIENT_COLUMNS)).where(
                    table.c.reference.in_(chunk)
                )
            )
        return result

    def contact_problems(self) -> dict[int, ContactLink]:
        return self._reader().contact_problems()

    def save(self, client: Client) -> Client:
        self.save_many([client])
        saved = self.get(client.reference)
        assert saved is not None
        return saved

    def save_many(self, clients: Sequence[Client]) -> None:
        """Insert or update clients, keyed by reference, set-based: the stored rows of these
        references read (500 at a time, or for many the whole table at once), then one
        executemany for the new rows (on the driver's connection) and one for the changed."""
        table = self.table("clients")
        now = self.now()
        wanted = {client.reference: _row(client) for client in clients}
        if not wanted:
            return
        columns = (table.c.id, *(table.c[name] for name in _COLUMNS))
        if len(wanted) > sql.WHOLE_TABLE_FROM:
            statements = [select(*columns)]
        else:
            statements = [
                select(*columns).where(table.c.reference.in_(chunk))
                for chunk in chunks(list(wanted))
            ]
        stored: dict[str, tuple[int, tuple[Any, ...]]] = {}
        for statement in statements:
            for row_id, *columns_read in self.session.execute(statement).all():
                if columns_read[0] in wanted:
                    stored[columns_read[0]] = (row_id, tuple(columns_read))
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        if not stored:
            stamp = self.bound("clients", "created_at", now)
            inserts = [(*values, stamp, stamp) for values in wanted.values()]
        else:
            for reference, values in wanted.items():
                found = stored.get(reference)
                if found is None:
                    inserts.append((*values, now, now))
                elif found[1] != values:
                    updates.append(
                        {
                            **dict(zip(_COLUMNS, values, strict=True)),
                            "row_id": found[0],
                            "updated_at": now,
                        }
                    )
        keys = [*_COLUMNS, "created_at", "updated_at"]
        if not stored:
            with self.indexes_set_aside("clients", len(inserts)):
                self.insert_plain("clients", keys, inserts)
        else:
            self.insert_many("clients", keys, inserts)
        if updates:
            self.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
        self.session.expire_all()

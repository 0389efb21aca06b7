"""The practice's clients, keyed by reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update

from socketcli.adapters.store.reader import CLIENT_COLUMNS
from socketcli.adapters.store.sql import SqlRepository, chunks, month_text, ordinal
from socketcli.domain.links import ContactLink
from socketcli.domain.records import Client, ClientLabel


def _values(client: Client) -> dict[str, Any]:
    """A client's stored columns (all but the id and the timestamps)."""
    return {
        "reference": client.reference,
        "name": client.name,
        "email": client.email,
        "year_end": None
        if client.year_end is None
        else f"{client.year_end.month:02d}-{client.year_end.day:02d}",
        "xero_contact_id": client.xero_contact_id,
        "xero_contact_name": client.xero_contact_name,
        "payment_terms": client.payment_terms,
        "invoice_day": client.invoice_day,
        "consolidate": client.consolidate,
        "branding_theme": client.branding_theme,
        "tracking": client.tracking,
        "last_billable_month": month_text(client.last_billable_month),
        "last_billable_ordinal": ordinal(client.last_billable_month),
        "new_xero_contact": client.new_xero_contact,
    }


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
        result: list[Client] = []
        for chunk in chunks(sorted(set(references))):
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
        table = self.table("clients")
        now = self.now()
        wanted = {client.reference: _values(client) for client in clients}
        if not wanted:
            return
        names = list(next(iter(wanted.values())))
        stored: dict[str, tuple[int, dict[str, Any]]] = {}
        for chunk in chunks(list(wanted)):
            statement = select(table.c.id, *(table.c[name] for name in names)).where(
                table.c.reference.in_(chunk)
            )
            for row in self.session.execute(statement).all():
                values = dict(zip(names, row[1:], strict=True))
                stored[values["reference"]] = (row[0], values)
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for reference, values in wanted.items():
            found = stored.get(reference)
            if found is None:
                inserts.append((*values.values(), now, now))
            elif found[1] != values:
                updates.append({**values, "row_id": found[0], "updated_at": now})
        self.insert_many("clients", [*names, "created_at", "updated_at"], inserts)
        if updates:
            self.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
        self.session.expire_all()

"""`socket history`: what was done to the practice, newest first, filtered.

The entries are written by the other services, each in the transaction of the change it
records (domain/history.py has their words); this one only reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from socketcli.domain.errors import NotFound
from socketcli.domain.history import (
    DEFAULT_LIMIT,
    HistoryEntry,
    HistoryQuery,
    parse_kinds,
    parse_limit,
    parse_since,
)
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.plan import find_client


@dataclass(frozen=True, slots=True)
class HistoryReport:
    entries: tuple[HistoryEntry, ...]  # newest first
    matching: int  # how many entries the filters select (the limit aside)
    query: HistoryQuery
    time_zone: str  # the practice's, to show times in

    @property
    def truncated(self) -> bool:
        return len(self.entries) < self.matching


def read_history(
    store: OpenStore,
    *,
    month: Month | None = None,
    client: str | None = None,
    kinds: Sequence[str] = (),
    since: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HistoryReport:
    """The entries the filters select, newest first, at most `limit` (0: all). `client` is a
    reference or an exact name; `since` a date or time (in the practice's time zone unless
    it gives an offset); `kinds` names of kinds (each may be a comma-separated list)."""
    query_kinds = parse_kinds(kinds)
    parse_limit(limit)
    with store() as uow:
        settings = PracticeSettings.from_values(uow.settings.values())
        reference = None
        if client is not None:
            reference = _client_reference(uow, client)
        query = HistoryQuery(
            kinds=query_kinds,
            month=month,
            client_reference=reference,
            since=parse_since(since, settings.time_zone) if since is not None else None,
            limit=limit,
        )
        entries = tuple(uow.history.entries(query))
        matching = len(entries)
        if query.limit and matching == query.limit:
            matching = uow.history.count(query)
    return HistoryReport(entries, matching, query, settings.time_zone.key)


def _client_reference(uow: UnitOfWork, key: str) -> str:
    """A client by reference or exact name, as the plan commands find one; a reference no
    client has any more is taken as it is when entries name it."""
    try:
        return find_client(uow.plan, key).reference
    except NotFound:
        if uow.history.count(HistoryQuery(client_reference=key.strip(), limit=0)):
            return key.strip()
        raise

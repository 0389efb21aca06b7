"""A client's row and a history entry's row as the store holds them, without SQLAlchemy.

Two writers write them: the unit of work's repositories (`clients.py`, `history.py`, through
SQLAlchemy) and `lite.py`'s writer of one client's link (the sqlite3 driver alone, for the
keys of `contacts match`). Both take the columns and values from here, so that they write
the same row for the same change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from socketcli.domain.history import HistoryEvent
from socketcli.domain.months import Month
from socketcli.domain.records import Client

#: A client's stored columns (all but the id and the timestamps), in `client_row`'s order.
CLIENT_WRITTEN = (
    "reference",
    "name",
    "email",
    "year_end",
    "xero_contact_id",
    "xero_contact_name",
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
    "last_billable_ordinal",
    "new_xero_contact",
)

#: A history entry's columns (all but the id), in `history_rows`' order.
HISTORY_WRITTEN = (
    "at",
    "actor",
    "kind",
    "month",
    "client_reference",
    "client_name",
    "summary",
    "details",
)


def month_text(month: Month | None) -> str | None:
    return None if month is None else str(month)


def ordinal(month: Month | None) -> int | None:
    return None if month is None else month.ordinal


def client_row(client: Client) -> tuple[Any, ...]:
    """A client's stored columns (`CLIENT_WRITTEN`)."""
    year_end = client.year_end
    last = client.last_billable_month
    return (
        client.reference,
        client.name,
        client.email,
        None if year_end is None else f"{year_end.month:02d}-{year_end.day:02d}",
        client.xero_contact_id,
        client.xero_contact_name,
        client.payment_terms,
        client.invoice_day,
        client.consolidate,
        client.branding_theme,
        client.tracking,
        month_text(last),
        ordinal(last),
        client.new_xero_contact,
    )


def history_rows(
    events: Sequence[HistoryEvent], now: datetime, actor: str
) -> list[tuple[Any, ...]]:
    """The history's rows for `events` recorded at `now` (stored in UTC) by `actor` (unless
    an event names who): `HISTORY_WRITTEN`."""
    at = now.astimezone(UTC)
    return [
        (
            at,
            event.by or actor,
            event.kind.value,
            None if event.month is None else str(event.month),
            event.client_reference,
            event.client_name,
            event.summary,
            event.details_json(),
        )
        for event in events
    ]


def sqlite_moment(moment: datetime) -> str:
    """A moment as the store's timestamp columns hold it on SQLite (SQLModel's UTCDateTime
    over SQLAlchemy's DATETIME): in UTC, to the microsecond, without a zone
    (`2026-11-21 09:30:00.000000`). A moment without a zone is refused, as there."""
    if moment.utcoffset() is None:
        raise ValueError(f"a stored moment needs its time zone: {moment!r}")
    value = moment.astimezone(UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )

"""The history: an append-only record of what was done to the practice, and by whom.

Services record a `HistoryEvent` in the same transaction as the change it records
(`uow.history.record(...)`), so an event is never written for a change that was rolled
back; the store stamps when and (unless the event says) who. Nothing here is stored or
read: these are the events' words and the filters' rules, decided purely.

    uow.history.record(approved(month, invoices=19_430, total=Decimal("1234.00"), by="ann"))
    uow.history.record(completed("ACME", "Acme Ltd", items=("Year-end accounts",), ...))
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from socketcli.domain.errors import InvalidInput
from socketcli.domain.months import Month


class HistoryKind(StrEnum):
    APPROVAL = "approval"  # a month finalised (or its outstanding invoices added)
    UNAPPROVAL = "unapproval"  # a finalised month returned to draft
    POSTING = "posting"  # one invoice sent to Xero: its number, or Xero's refusal
    COMPLETION = "completion"  # work items completed (work management)
    LINK = "link"  # a client linked to a Xero contact (or to a new one made at posting)
    UNLINK = "unlink"  # a client's link removed
    SETTING = "setting"  # a practice setting changed (the Xero organisation too)
    IMPORT = "import"  # CSV files imported
    SYNC = "sync"  # a `socket sync` run: what changed, the calls made


KINDS = tuple(kind.value for kind in HistoryKind)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """What a service records. `by`: who, when it is not the person running the command
    (`plan_mode auto` finalising a month); otherwise the store stamps its actor."""

    kind: HistoryKind
    summary: str  # one line, for a person
    month: Month | None = None
    client_reference: str | None = None
    client_name: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # JSON values; money as text
    by: str | None = None

    def details_json(self) -> str:
        return json.dumps(self.details, sort_keys=True, ensure_ascii=False, default=_jsonable)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """An event as stored: when (aware, UTC), who, and its details as the JSON text kept."""

    id: int
    at: datetime
    by: str
    kind: HistoryKind
    summary: str
    month: Month | None
    client_reference: str | None
    client_name: str | None
    details_json: str = "{}"

    @property
    def details(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.details_json or "{}")
        return found


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a history detail")


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun if count == 1 else noun + 's'}"


# -- the events ---------------------------------------------------------------------------------


def approved(month: Month, *, invoices: int, total: Decimal, by: str | None = None) -> HistoryEvent:
    return HistoryEvent(
        HistoryKind.APPROVAL,
        f"approved {month.label}: {_count(invoices, 'invoice')}, {_money(total)}",
        month=month,
        details={"invoices": invoices, "total": total, "outstanding": False},
        by=by,
    )


def approved_outstanding(month: Month, *, invoices: int, total: Decimal) -> HistoryEvent:
    """Outstanding invoices (late starts) added to a finalised month."""
    return HistoryEvent(
        HistoryKind.APPROVAL,
        f"added {_count(invoices, 'outstanding invoice')} to {month.label}: {_money(total)}",
        month=month,
        details={"invoices": invoices, "total": total, "outstanding": True},
    )


def unapproved(month: Month, *, invoices: int, total: Decimal) -> HistoryEvent:
    return HistoryEvent(
        HistoryKind.UNAPPROVAL,
        f"returned {month.label} to draft ({_count(invoices, 'invoice')}, {_money(total)} "
        "were finalised)",
        month=month,
        details={"invoices": invoices, "total": total},
    )


class PostingOutcome(StrEnum):
    POSTED = "posted"  # Xero made it and answered
    FOUND = "found"  # left in flight by an earlier run, found in Xero by its reference
    FAILED = "failed"  # Xero refused it


def posting(
    month: Month,
    *,
    reference: str,
    client_reference: str | None,
    client_name: str | None,
    outcome: PostingOutcome,
    number: str | None = None,
    invoice_id: str | None = None,
    error: str = "",
) -> HistoryEvent:
    """One invoice's answer from Xero."""
    if outcome is PostingOutcome.FAILED:
        summary = f"Xero refused {reference}: {error}"
    elif outcome is PostingOutcome.FOUND:
        summary = f"{reference} found in Xero as {number} (sent by an interrupted run)"
    else:
        summary = f"posted {reference} as {number}"
    return HistoryEvent(
        HistoryKind.POSTING,
        summary,
        month=month,
        client_reference=client_reference,
        client_name=client_name,
        details={
            "reference": reference,
            "outcome": outcome.value,
            "xero_number": number,
            "xero_invoice_id": invoice_id,
            "error": error or None,
        },
    )


class LinkHow(StrEnum):
    BY_HAND = "by hand"  # contacts link, or a choice in contacts match
    AUTO = "auto"  # contacts match --auto
    AT_POSTING = "at posting"  # posting made the contact (or Xero matched the name)
    NEW_CONTACT = "new contact"  # a new Xero contact will be made at posting


def linked(
    client_reference: str,
    client_name: str,
    *,
    contact_id: str | None,
    contact_name: str | None,
    how: LinkHow,
    previous: str | None = None,
    score: int | None = None,
) -> HistoryEvent:
    """A client linked to a Xero contact (or marked to get a new one at posting)."""
    if how is LinkHow.NEW_CONTACT:
        summary = f"{client_reference} will get a new Xero contact at posting"
    else:
        summary = f"linked {client_reference} to Xero contact {contact_name!r}"
        if how is LinkHow.AUTO and score is not None:
            summary += f" (auto, score {score})"
        elif how is LinkHow.AT_POSTING:
            summary += " (at posting)"
    if previous:
        summary += f"; was {previous!r}"
    return HistoryEvent(
        HistoryKind.LINK,
        summary,
        client_reference=client_reference,
        client_name=client_name,
        details={
            "contact_id": contact_id,
            "contact_name": contact_name,
            "how": how.value,
            "previous": previous,
            "score": score,
        },
    )


def unlinked(
    client_reference: str, client_name: str, *, contact_id: str | None, contact_name: str | None
) -> HistoryEvent:
    what = repr(contact_name) if contact_name else "its new Xero contact"
    return HistoryEvent(
        HistoryKind.UNLINK,
        f"unlinked {client_reference} from {what}",
        client_reference=client_reference,
        client_name=client_name,
        details={"contact_id": contact_id, "contact_name": contact_name},
    )


def setting_changed(key: str, old: str | None, new: str) -> HistoryEvent:
    before = "(default)" if old is None else repr(old)
    return HistoryEvent(
        HistoryKind.SETTING,
        f"{key}: {before} -> {new!r}",
        details={"key": key, "old": old, "new": new},
    )


def organisation_changed(name: str, tenant_id: str) -> HistoryEvent:
    """Connected to a Xero organisation (empty: disconnected)."""
    if tenant_id:
        summary = f"connected to Xero organisation {name!r}"
    else:
        summary = f"disconnected from Xero organisation {name!r}" if name else "disconnected"
    return HistoryEvent(
        HistoryKind.SETTING,
        summary,
        details={"key": "xero_tenant_id", "new": tenant_id, "organisation": name},
    )


def imported(files: Sequence[str], tallies: Mapping[str, Mapping[str, int]]) -> HistoryEvent:
    """CSV files imported; `tallies`: {"clients": {"created": 3, "updated": 1, ...}, ...}."""
    counts = "; ".join(
        f"{what} " + ", ".join(f"{n:,} {verb}" for verb, n in tally.items())
        for what, tally in tallies.items()
        if any(tally.get(verb) for verb in ("created", "updated"))
    )
    return HistoryEvent(
        HistoryKind.IMPORT,
        f"imported {', '.join(files)}: {counts or 'nothing changed'}",
        details={"files": list(files), **{what: dict(t) for what, t in tallies.items()}},
    )


def synced(
    *,
    outcome: str,
    changes: Mapping[str, Mapping[str, int]],
    pushed: int,
    created: int,
    calls: Mapping[str, int],
    error: str = "",
    problems: int = 0,
) -> HistoryEvent:
    """A `socket sync` run: `changes` by phase ({"contacts": {"new": 3, ...}}), only what
    changed; `calls` by endpoint."""
    parts = [
        f"{phase} " + ", ".join(f"{n:,} {what}" for what, n in tally.items() if n)
        for phase, tally in changes.items()
        if any(tally.values())
    ]
    if created:
        parts.append(_count(created, "client") + " from Xero")
    if pushed:
        parts.append(_count(pushed, "contact") + " updated in Xero")
    total = sum(calls.values())
    head = "synced with Xero" if outcome == "done" else f"sync {outcome}"
    summary = f"{head}: {'; '.join(parts) or 'nothing changed'} ({_count(total, 'call')})"
    if error:
        summary += f"; {error}"
    return HistoryEvent(
        HistoryKind.SYNC,
        summary,
        details={
            "outcome": outcome,
            "changes": {phase: dict(tally) for phase, tally in changes.items()},
            "clients_from_xero": created,
            "contacts_pushed": pushed,
            "problems": problems,
            "calls": dict(calls),
            "error": error or None,
        },
    )


def completed(
    client_reference: str,
    client_name: str,
    *,
    items: Sequence[str],
    total: Decimal,
    proposal: str | None = None,
    month: Month | None = None,
) -> HistoryEvent:
    """Work items completed together (work management: one event per invoice they make)."""
    of = f" of {proposal}" if proposal else ""
    return HistoryEvent(
        HistoryKind.COMPLETION,
        f"completed {_count(len(items), 'work item')}{of} for {client_reference}: {_money(total)}",
        month=month,
        client_reference=client_reference,
        client_name=client_name,
        details={"items": list(items), "total": total, "proposal": proposal},
    )


def reopened(
    client_reference: str, client_name: str, *, item: str, reference: str, dropped: bool
) -> HistoryEvent:
    """A completed work item returned to open before its invoice reached Xero."""
    after = "its invoice dropped" if dropped else "its invoice rewritten without it"
    return HistoryEvent(
        HistoryKind.COMPLETION,
        f"reopened work item {item} for {client_reference}: {after} ({reference})",
        client_reference=client_reference,
        client_name=client_name,
        details={"item": item, "reference": reference, "invoice_dropped": dropped},
    )


# -- reading it back -----------------------------------------------------------------------------

#: How many entries `socket history` shows unless told (--limit 0: all).
DEFAULT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """Which entries to read, newest first: all filters must hold; `limit` 0 is no limit."""

    kinds: frozenset[HistoryKind] = frozenset()
    month: Month | None = None
    client_reference: str | None = None
    since: datetime | None = None  # aware
    limit: int = DEFAULT_LIMIT


def parse_kinds(texts: Iterable[str]) -> frozenset[HistoryKind]:
    """`--kind approval --kind posting` or `--kind approval,posting`."""
    kinds: set[HistoryKind] = set()
    for text in texts:
        for part in text.split(","):
            name = part.strip().casefold()
            if not name:
                continue
            try:
                kinds.add(HistoryKind(name))
            except ValueError:
                raise InvalidInput(
                    f"kind {part.strip()!r} is not a kind of history: one of {', '.join(KINDS)}"
                ) from None
    return frozenset(kinds)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_since(text: str, zone: ZoneInfo) -> datetime:
    """--since: a date (from 00:00 that day in the practice's time zone), or a date and time
    (in that zone unless it gives an offset); the moment in UTC."""
    cleaned = text.strip()
    problem = InvalidInput(
        f"--since {text!r} is not a date or a time: expected YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM, e.g. 2026-11-01"
    )
    if not cleaned or not cleaned[:4].isdigit():
        raise problem
    try:
        if _DATE_RE.match(cleaned):
            moment = datetime.combine(date.fromisoformat(cleaned), time(), tzinfo=zone)
        else:
            moment = datetime.fromisoformat(cleaned)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
    except ValueError:
        raise problem from None
    return moment.astimezone(UTC)


def parse_limit(value: int) -> int:
    if value < 0:
        raise InvalidInput(f"--limit {value} is negative: give a count, or 0 for every entry")
    return value

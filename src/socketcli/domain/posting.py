"""Posting finalised invoices to Xero exactly once, decided purely: when a month is due, the
states of an invoice in the outbox, the keys that protect a quick retry, and how an
invoice left in flight is settled by what Xero holds.

The outbox (adapters/store/outbox.py) writes each invoice with its request body before it
is sent; services/posting.py sends and records. Xero keeps an Idempotency-Key for minutes
only, so a key protects a retry within one run, nothing more: an invoice left `sending`
by a crash or a timeout is settled by looking it up in Xero by its reference before it is
ever sent again, then under a new key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from socketcli.domain.months import Month
from socketcli.domain.records import XeroContact

#: Invoices per PUT /Invoices (Xero advises at most 50 a request).
BATCH = 50
#: Xero's limit on an Idempotency-Key.
KEY_LIMIT = 128


class OutboxState(StrEnum):
    PENDING = "pending"  # written, not sent yet (or settled as not in Xero: send again)
    SENDING = "sending"  # a request carrying it was sent; no answer recorded yet
    POSTED = "posted"  # Xero has it: its InvoiceID and number are recorded
    FAILED = "failed"  # Xero refused it (its message is kept); sent again only on a retry


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One finalised invoice on its way to Xero."""

    id: int
    month: Month
    client_id: int
    reference: str
    state: OutboxState
    key: str
    body: str  # the invoice as JSON, exactly as sent
    attempts: int = 0
    xero_invoice_id: str | None = None
    xero_number: str | None = None
    error: str = ""
    sent_at: datetime | None = None  # when it was last marked sending


def posting_day(month: Month, zone: ZoneInfo) -> datetime:
    """The moment a finalised month posts: 00:00 on its 1st, in the practice's time zone."""
    first = month.first_day
    return datetime(first.year, first.month, first.day, tzinfo=zone)


def is_due(month: Month, now: datetime, zone: ZoneInfo) -> bool:
    """A finalised month posts from its 1st on (approved ahead of time, it waits)."""
    return now >= posting_day(month, zone)


def key_for(reference: str, attempt: int) -> str:
    """The Idempotency-Key of one attempt at one invoice: the same for a retry within the
    attempt, another once the invoice was settled as not in Xero."""
    digest = hashlib.sha256(f"{reference}\n{attempt}".encode()).hexdigest()
    return f"socket-{digest[:48]}-{attempt}"[:KEY_LIMIT]


def batch_key(entries: Sequence[OutboxEntry]) -> str:
    """The Idempotency-Key of one request: made of its invoices' keys, so that sending the
    same batch again (a quick retry) replays, and any other batch is a new request."""
    digest = hashlib.sha256("\n".join(sorted(e.key for e in entries)).encode()).hexdigest()
    return f"socket-batch-{digest[:64]}"


def batches(entries: Sequence[OutboxEntry], size: int = BATCH) -> list[list[OutboxEntry]]:
    return [list(entries[start : start + size]) for start in range(0, len(entries), size)]


@dataclass(frozen=True, slots=True)
class FoundInvoice:
    """An invoice Xero holds with one of socket's references."""

    invoice_id: str
    invoice_number: str
    reference: str
    status: str


@dataclass(frozen=True, slots=True)
class Settlement:
    """What to do with an invoice left in flight."""

    entry: OutboxEntry
    found: FoundInvoice | None  # posted after all: record it; None: send again, new key


def settle(in_flight: Iterable[OutboxEntry], found: Iterable[FoundInvoice]) -> list[Settlement]:
    """Each invoice left `sending`, with what Xero holds under its reference. A deleted or
    voided one counts as posted (it reached Xero; `plan reconcile` reports what became of
    it): socket never sends an invoice again once Xero has had it."""
    by_reference: dict[str, FoundInvoice] = {}
    for invoice in found:
        kept = by_reference.get(invoice.reference)
        if kept is None or (
            kept.status in ("DELETED", "VOIDED") and invoice.status not in ("DELETED", "VOIDED")
        ):
            by_reference[invoice.reference] = invoice
    return [Settlement(entry, by_reference.get(entry.reference)) for entry in in_flight]


# -- contacts for clients that have none ------------------------------------------------------


def contact_name_key(name: str) -> str:
    """Xero's contact names are unique among active contacts, ignoring case and runs of
    spaces: two names with the same key are one contact to Xero."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class ContactsNeeded:
    """What posting does for clients with no Xero contact, before their invoices are sent."""

    #: client id -> the active contact of the client's name Xero already has (link to it)
    existing: dict[int, XeroContact]
    #: contact name -> the clients of that name (one contact is created for them all)
    to_create: dict[str, list[int]]


def contacts_needed(
    unlinked: Iterable[tuple[int, str]], contacts: Iterable[XeroContact]
) -> ContactsNeeded:
    """`unlinked`: (client id, the name its invoice carries). A client whose name is an
    active, unmerged contact's links to it (as Xero would when an invoice names it); the
    others get one contact per distinct name, created ahead of their invoices."""
    active = {contact_name_key(c.name): c for c in contacts if not c.archived and not c.merged}
    existing: dict[int, XeroContact] = {}
    to_create: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for client_id, name in unlinked:
        key = contact_name_key(name)
        if not key:
            continue  # Xero would refuse it: the invoice carries Xero's reason
        if key in active:
            existing[client_id] = active[key]
        else:
            to_create.setdefault(names.setdefault(key, " ".join(name.split())), []).append(
                client_id
            )
    return ContactsNeeded(existing, to_create)


def contacts_key(names: Sequence[str]) -> str:
    """The Idempotency-Key of one request creating these contacts."""
    digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()
    return f"socket-contacts-{digest[:64]}"

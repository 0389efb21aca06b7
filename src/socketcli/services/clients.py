"""Clients: list, show, add, edit, close and reopen."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from socketcli.domain.billing import next_billing_month
from socketcli.domain.clients import (
    check_email,
    check_name,
    check_reference,
    check_tracking,
    parse_year_end,
)
from socketcli.domain.errors import Conflict
from socketcli.domain.months import Month
from socketcli.domain.overrides import clears, parse_switch
from socketcli.domain.records import Client, Proposal
from socketcli.domain.settings import SETTINGS, PracticeSettings, parse_invoice_day
from socketcli.domain.terms import PaymentTerms
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.plan import find_client, today
from socketcli.services.settings import known_branding_theme, known_tracking


@dataclass(frozen=True, slots=True)
class ClientChanges:
    """Optional fields of `clients add` and `clients edit`; None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    year_end: str | None = None
    payment_terms: str | None = None
    invoice_day: str | None = None
    consolidate: str | None = None
    branding_theme: str | None = None
    tracking: str | None = None

    def apply(self, client: Client) -> Client:
        """The client with these changes. An override (payment terms, invoice day,
        consolidate, branding theme, tracking) given as `default` or empty is cleared: the
        practice setting applies again (domain.overrides)."""
        values: dict[str, object] = {}
        if self.name is not None:
            values["name"] = check_name(self.name)
        if self.email is not None:
            values["email"] = check_email(self.email)
        if self.year_end is not None:
            values["year_end"] = parse_year_end(self.year_end) if self.year_end.strip() else None
        if self.payment_terms is not None:
            values["payment_terms"] = (
                None if clears(self.payment_terms) else str(PaymentTerms.parse(self.payment_terms))
            )
        if self.invoice_day is not None:
            values["invoice_day"] = (
                None if clears(self.invoice_day) else parse_invoice_day(self.invoice_day)
            )
        if self.consolidate is not None:
            values["consolidate"] = parse_switch(self.consolidate, "consolidate")
        if self.branding_theme is not None:
            values["branding_theme"] = (
                None if clears(self.branding_theme) else self.branding_theme.strip()
            )
        if self.tracking is not None:
            values["tracking"] = None if clears(self.tracking) else check_tracking(self.tracking)
        return replace(client, **values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ClientDetail:
    client: Client
    proposals: tuple[Proposal, ...]
    #: For each override the client does not have, the practice's setting that applies.
    practice: dict[str, str] = field(default_factory=dict)


#: A client's override -> the practice setting it overrides.
OVERRIDES = {
    "payment_terms": "payment_terms",
    "invoice_day": "invoice_day",
    "consolidate": "consolidate_recurring",
    "branding_theme": "branding_theme",
}


def _known_theme(uow: UnitOfWork, client: Client) -> Client:
    """The client's branding theme and tracking option as Xero names them, once the Xero
    mirror holds themes and tracking categories."""
    if client.branding_theme:
        client = replace(client, branding_theme=known_branding_theme(uow, client.branding_theme))
    if client.tracking:
        client = replace(client, tracking=known_tracking(uow, client.tracking))
    return client


def list_clients(store: OpenStore) -> list[Client]:
    with store() as uow:
        return uow.clients.all()


def show_client(store: OpenStore, key: str) -> ClientDetail:
    with store() as uow:
        client = find_client(uow.plan, key)
        stored = uow.settings.values()
        settings = {spec.key: stored.get(spec.key, spec.default) for spec in SETTINGS}
        practice = {
            override: settings[key]
            for override, key in OVERRIDES.items()
            if getattr(client, override) is None
        }
        return ClientDetail(client, tuple(uow.proposals.all(client.reference)), practice)


def add_client(store: OpenStore, reference: str, name: str, changes: ClientChanges) -> Client:
    with store(write=True) as uow:
        reference = check_reference(reference, "client reference")
        if uow.clients.get(reference) is not None:
            raise Conflict(
                f"client {reference!r} already exists: change it with `socket clients edit`"
            )
        client = _known_theme(
            uow, replace(changes, name=name).apply(Client(reference=reference, name=""))
        )
        saved = uow.clients.save(client)
        uow.commit()
        return saved


def edit_client(store: OpenStore, key: str, changes: ClientChanges) -> Client:
    with store(write=True) as uow:
        client = find_client(uow.plan, key)
        changed = changes.apply(client)
        if changes.branding_theme is not None or changes.tracking is not None:
            changed = _known_theme(uow, changed)
        saved = uow.clients.save(changed)
        uow.commit()
        return saved


def close_client(store: OpenStore, key: str, last_month: Month) -> Client:
    """Mark a client as closing: nothing is billed after `last_month`."""
    with store(write=True) as uow:
        client = find_client(uow.plan, key)
        finalised = uow.snapshots.latest_finalised()
        if finalised is not None and last_month < finalised:
            raise Conflict(
                f"{finalised} is already finalised and months already billed keep what they were "
                f"billed: the last billable month can be {finalised} or later, not {last_month}"
            )
        saved = uow.clients.save(replace(client, last_billable_month=last_month))
        uow.commit()
        return saved


@dataclass(frozen=True, slots=True)
class Reopened:
    """What reopening a client did: the last billable month it no longer has, the first
    month it is billed in again, and the months finalised after its last billable month
    (while it was closed), which stay as they were billed, without it."""

    client: Client
    was_last_billable: Month
    billed_again_from: Month
    finalised_without_it: tuple[Month, ...]

    @property
    def had_stopped(self) -> bool:
        """The next month to be billed was past its last billable month: it is billed again
        from that month (else it was only closing, and is now billed on after that month)."""
        return self.billed_again_from > self.was_last_billable + 1


def reopen_client(store: OpenStore, clock: Clock, key: str) -> Reopened:
    """Undo `close_client`: the client has no last billable month again. Months finalised
    since it was closed keep what they billed (its services in force there are recorded as
    had when they were finalised, so nothing of it is outstanding in them): it is billed
    again from the next month to be billed."""
    with store(write=True) as uow:
        client = find_client(uow.plan, key)
        last = client.last_billable_month
        if last is None:
            raise Conflict(
                f"client {client.reference} ({client.name}) is not closed: there is nothing to "
                "reopen (`socket clients close` closes a client)"
            )
        finalised = uow.snapshots.months()
        settings = PracticeSettings.from_values(uow.settings.values())
        kept = tuple(month for month in finalised if month > last)
        saved = uow.clients.save(replace(client, last_billable_month=None))
        if kept and saved.id is not None:
            uow.snapshots.record_client_services(saved.id, kept)
        uow.commit()
    upcoming = next_billing_month(today(clock, settings), finalised[-1] if finalised else None)
    return Reopened(saved, last, max(last + 1, upcoming), kept)

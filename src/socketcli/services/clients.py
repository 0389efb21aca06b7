"""Clients: list, show, add, edit and close."""

from __future__ import annotations

from dataclasses import dataclass, replace

from socketcli.domain.clients import (
    check_email,
    check_name,
    check_reference,
    check_tracking,
    parse_year_end,
)
from socketcli.domain.errors import Conflict
from socketcli.domain.months import Month
from socketcli.domain.records import Client, Proposal
from socketcli.domain.settings import parse_invoice_day
from socketcli.domain.terms import PaymentTerms
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.plan import find_client
from socketcli.services.settings import known_branding_theme, known_tracking


@dataclass(frozen=True, slots=True)
class ClientChanges:
    """Optional fields of `clients add` and `clients edit`; None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    year_end: str | None = None
    payment_terms: str | None = None
    invoice_day: str | None = None
    consolidate: bool | None = None
    branding_theme: str | None = None
    tracking: str | None = None

    def apply(self, client: Client) -> Client:
        values: dict[str, object] = {}
        if self.name is not None:
            values["name"] = check_name(self.name)
        if self.email is not None:
            values["email"] = check_email(self.email)
        if self.year_end is not None:
            values["year_end"] = parse_year_end(self.year_end) if self.year_end.strip() else None
        if self.payment_terms is not None:
            values["payment_terms"] = (
                str(PaymentTerms.parse(self.payment_terms)) if self.payment_terms.strip() else None
            )
        if self.invoice_day is not None:
            values["invoice_day"] = (
                parse_invoice_day(self.invoice_day) if self.invoice_day.strip() else None
            )
        if self.consolidate is not None:
            values["consolidate"] = self.consolidate
        if self.branding_theme is not None:
            values["branding_theme"] = self.branding_theme.strip() or None
        if self.tracking is not None:
            values["tracking"] = check_tracking(self.tracking) if self.tracking.strip() else None
        return replace(client, **values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ClientDetail:
    client: Client
    proposals: tuple[Proposal, ...]


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
        return ClientDetail(client, tuple(uow.proposals.all(client.reference)))


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


def close_client(store: OpenStore, key: str, last_month: Month | None) -> Client:
    """Mark a client as closing: nothing is billed after `last_month` (None reopens it)."""
    with store(write=True) as uow:
        client = find_client(uow.plan, key)
        finalised = uow.snapshots.latest_finalised()
        if last_month is not None and finalised is not None and last_month < finalised:
            raise Conflict(
                f"{finalised} is already finalised and months already billed keep what they were "
                f"billed: the last billable month can be {finalised} or later, not {last_month}"
            )
        saved = uow.clients.save(replace(client, last_billable_month=last_month))
        uow.commit()
        return saved

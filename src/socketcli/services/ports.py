"""The ports the services need. Adapters implement them; tests may pass fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink
from socketcli.domain.model import BillableLine, ClientMonth
from socketcli.domain.months import Month
from socketcli.domain.records import Client, ClientLabel, Proposal, Service, XeroContact
from socketcli.domain.settings import PracticeSettings
from socketcli.services.xero_ports import (
    XeroAccount,
    XeroBrandingTheme,
    XeroContactRecord,
    XeroTrackingCategory,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class PlanReader(Protocol):
    """What the plan commands read: a read-only view of the store, in one read transaction.

    A unit of work is one too; the CLI gives `plan show`, `diff` and `preview` a lighter one.
    """

    location: str

    def settings_values(self) -> dict[str, str]: ...

    def clients(self) -> list[Client]: ...

    def client_labels(self) -> list[ClientLabel]:
        """Every client's id, reference, name and Xero contact (what a diff row shows)."""
        ...

    def client(self, reference: str) -> Client | None: ...

    def contact_problems(self) -> dict[int, ContactLink]:
        """By client id: the linked clients whose Xero contact is archived, merged or gone."""
        ...

    def billable_lines(self, first: Month, last: Month) -> list[BillableLine]: ...

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]: ...

    def latest_finalised(self) -> Month | None: ...

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None: ...


@dataclass(frozen=True, slots=True)
class SyncState:
    """Where `socket sync` stands with one Xero organisation (aware datetimes).

    The watermarks are Xero's own UpdatedDateUTC (the newest seen), so that the next pull's
    If-Modified-Since is on Xero's clock; the `*_synced_at` are this machine's, when each phase
    last completed.
    """

    tenant_id: str
    contacts_modified_since: datetime | None = None
    accounts_modified_since: datetime | None = None
    contacts_synced_at: datetime | None = None
    accounts_synced_at: datetime | None = None
    themes_synced_at: datetime | None = None
    tracking_synced_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_push_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PushedDetails:
    """A linked client's details as socket last pushed them to its Xero contact (or found
    them there already): the base of the three-way comparison that tells a change made in
    socket from one made in Xero."""

    client_id: int
    contact_id: str
    name: str
    email: str
    contact_number: str
    pushed_at: datetime


class UnitOfWork(Protocol):
    """One transaction on the store. Nothing is written until `commit`."""

    location: str

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    # settings
    def settings_values(self) -> dict[str, str]: ...

    def set_setting(self, key: str, value: str) -> None: ...

    # clients
    def clients(self) -> list[Client]: ...

    def client_labels(self) -> list[ClientLabel]: ...

    def client(self, reference: str) -> Client | None: ...

    def contact_problems(self) -> dict[int, ContactLink]: ...

    def save_client(self, client: Client) -> Client: ...

    # services
    def services(self) -> list[Service]: ...

    def service(self, name: str) -> Service | None: ...

    def save_service(self, service: Service) -> Service: ...

    # proposals
    def proposals(self, client_reference: str | None = None) -> list[Proposal]: ...

    def proposal(self, reference: str) -> Proposal | None: ...

    def save_proposal(self, proposal: Proposal) -> Proposal: ...

    def open_work_items(self, proposal: Proposal) -> None: ...

    # billing
    def billable_lines(self, first: Month, last: Month) -> list[BillableLine]: ...

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]:
        """Exactly domain.billing.client_totals over billable_lines, computed set-based."""
        ...

    def latest_finalised(self) -> Month | None: ...

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None: ...

    def save_snapshot(
        self, month: Month, invoices: Sequence[InvoiceDocument], finalised_by: str
    ) -> None: ...

    # Xero contacts (the mirror; the playground's demo list)
    def xero_contacts(self) -> list[XeroContact]: ...

    def save_xero_contacts(self, contacts: Sequence[XeroContact]) -> None: ...

    # bulk writes (the CSV import): set-based versions of the saves above
    def now(self) -> datetime:
        """The moment this unit of work stamps rows with."""
        ...

    def save_clients(self, clients: Sequence[Client]) -> None: ...

    def save_proposals(self, proposals: Sequence[Proposal]) -> None: ...

    def open_work_items_for(self, references: Sequence[str], *, in_force_from: Month) -> None: ...

    # set-based reads (the CSV import)
    def clients_by_reference(self, references: Sequence[str]) -> list[Client]: ...

    def proposals_by_reference(self, references: Sequence[str]) -> list[Proposal]: ...

    # the Xero mirror (`socket sync`): the connected organisation's contacts, revenue accounts,
    # branding themes and tracking categories, where the sync stands, and what it pushed
    def forget_other_organisations(self, tenant_id: str) -> None:
        """Drop the mirror rows of any organisation but `tenant_id` (a store mirrors one)."""
        ...

    def xero_contacts_by_id(self, contact_ids: Sequence[str]) -> list[XeroContactRecord]:
        """The mirrored contacts with these ContactIDs (any not mirrored are left out)."""
        ...

    def save_xero_contact_records(
        self, tenant_id: str, records: Sequence[XeroContactRecord]
    ) -> None:
        """Insert or replace these contacts in the mirror, as Xero listed them."""
        ...

    def refresh_linked_contact_names(self) -> None:
        """Linked clients show their Xero contact's name as the mirror now has it (a local
        copy of Xero's data: the client's `updated_at` does not move)."""
        ...

    def xero_accounts(self) -> list[XeroAccount]:
        """The mirrored revenue accounts, archived ones too, by code."""
        ...

    def save_xero_accounts(
        self, tenant_id: str, accounts: Sequence[XeroAccount], *, complete: bool
    ) -> None:
        """Insert or replace accounts; with `complete` (a full list) drop any not in it."""
        ...

    def xero_branding_themes(self) -> list[XeroBrandingTheme]:
        """The mirrored branding themes in Xero's order (SortOrder)."""
        ...

    def save_xero_branding_themes(
        self, tenant_id: str, themes: Sequence[XeroBrandingTheme]
    ) -> None:
        """The organisation's themes become exactly these."""
        ...

    def xero_tracking_categories(self) -> list[XeroTrackingCategory]:
        """The mirrored tracking categories with their options, archived ones too."""
        ...

    def save_xero_tracking_categories(
        self, tenant_id: str, categories: Sequence[XeroTrackingCategory]
    ) -> None:
        """The organisation's tracking categories (and options) become exactly these."""
        ...

    def xero_sync_state(self, tenant_id: str) -> SyncState | None: ...

    def save_xero_sync_state(self, state: SyncState) -> None: ...

    def pushed_clients(self) -> list[PushedDetails]: ...

    def save_pushed_clients(self, details: Sequence[PushedDetails]) -> None:
        """Insert or replace each client's pushed details."""
        ...


class OpenStore(Protocol):
    """Opens a unit of work (a write one with `write=True`): for services that commit more
    than once, such as `socket sync`, one transaction per phase."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...

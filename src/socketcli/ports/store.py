"""The store as the services see it: a unit of work made of small repositories, one per
aggregate, and the plan's read-only view. The SQL adapters (adapters/store) implement them;
tests/fakes.py has in-memory ones."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from socketcli.domain.history import HistoryEntry, HistoryEvent, HistoryQuery
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink
from socketcli.domain.model import BillableLine, ClientMonth
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.proposals import NewProposal
from socketcli.domain.records import (
    Client,
    ClientLabel,
    FrozenTotal,
    Proposal,
    Service,
    XeroContact,
)
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.sync import PushedDetails as PushedDetails
from socketcli.domain.work import ListedWork, WorkItem, WorkLine, WorkStatus
from socketcli.ports.xero import (
    XeroAccount,
    XeroBrandingTheme,
    XeroContactRecord,
    XeroTrackingCategory,
)


class PlanReader(Protocol):
    """What the plan commands read: a read-only view of the store, in one read transaction.

    A unit of work carries one (`uow.plan`); `plan show`, `diff` and `preview` open a lighter
    one of their own (`OpenReader`).
    """

    location: str

    def settings_values(self) -> dict[str, str]: ...

    def clients(self) -> list[Client]: ...

    def client_labels(self) -> list[ClientLabel]:
        """Every client's id, reference, name and Xero contact (what a diff row shows)."""
        ...

    def client(self, reference: str) -> Client | None: ...

    def xero_contacts(self) -> list[XeroContact]:
        """Every Xero contact of the mirror, by name (what `contacts match` matches against)."""
        ...

    def contact_problems(self) -> dict[int, ContactLink]:
        """By client id: the linked clients whose Xero contact is archived, merged or gone."""
        ...

    def billable_lines(
        self, first: Month, last: Month, *, client_id: int | None = None
    ) -> list[BillableLine]:
        """The plan lines in force in any month first..last: the practice's, or one client's."""
        ...

    def unfrozen_lines(self, month: Month) -> list[BillableLine]:
        """The plan lines in force in a finalised month of a service their client did not
        have when the month was finalised (a late or backdated start): outstanding there.
        Empty when the month is not finalised."""
        ...

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]: ...

    def latest_finalised(self) -> Month | None: ...

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None: ...

    def finalised_invoices(
        self, month: Month, client_id: int | None = None
    ) -> list[InvoiceDocument]:
        """The invoices a finalised month froze (all, or one client's); empty when it is not."""
        ...

    def finalised_invoice_totals(self, month: Month) -> list[FrozenTotal]:
        """Each invoice a finalised month froze, in the order approved: its client, reference
        and total (its lines' sum), without its lines; empty when it is not finalised."""
        ...

    def work_listing(
        self,
        *,
        status: WorkStatus | None = None,
        client_id: int | None = None,
        shown_from: datetime | None = None,
    ) -> list[ListedWork]:
        """Work items as `work list` shows them, by client, proposal and period: those of a
        status (and of a client); with `shown_from`, all but the invoiced items completed
        before it (domain.work.shown_by_default)."""
        ...

    def work_invoiced_before(self, moment: datetime, client_id: int | None = None) -> int:
        """How many invoiced items (of a client) were completed before `moment`."""
        ...


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


class SettingsRepository(Protocol):
    """The practice's settings, as the text they are stored as (domain.settings parses them)."""

    def values(self) -> dict[str, str]: ...

    def set(self, key: str, value: str) -> None: ...


class ClientRepository(Protocol):
    def all(self) -> list[Client]:
        """Every client, by name."""
        ...

    def labels(self) -> list[ClientLabel]:
        """Every client's id, reference, name and Xero contact (what a diff row shows)."""
        ...

    def get(self, reference: str) -> Client | None: ...

    def by_references(self, references: Sequence[str]) -> list[Client]:
        """The stored clients with these references (any not stored are left out)."""
        ...

    def contact_problems(self) -> dict[int, ContactLink]:
        """By client id: the linked clients whose Xero contact is archived, merged or gone."""
        ...

    def save(self, client: Client) -> Client:
        """Insert or update one client by reference; the stored client, with its id."""
        ...

    def save_many(self, clients: Sequence[Client]) -> None:
        """Insert or update clients by reference; one whose values are unchanged is not
        written (its updated_at stays)."""
        ...


class ServiceRepository(Protocol):
    def all(self) -> list[Service]: ...

    def get(self, name: str) -> Service | None:
        """By name, ignoring case."""
        ...

    def save(self, service: Service) -> Service: ...


@dataclass(frozen=True, slots=True)
class WrittenAside:
    """New proposals a second process wrote into a scratch SQLite file
    (adapters/store/proposals.write_aside): their heads, lines and opened work items, with
    proposal and line ids counted from 1 and services numbered from 1 in `services`' order
    (casefolded names). `add_new` copies them in after its own."""

    path: str
    proposals: int
    lines: int
    work_items: int
    services: tuple[str, ...]


class ProposalsAside(Protocol):
    """New proposals checked and written by a second process while `add_new` writes its own
    (services/importer.py): `proposals` of them with `lines` lines in all, to follow them."""

    proposals: int
    lines: int

    def written(self) -> WrittenAside | None:
        """Where they were written, once the process has written them all; None when it
        failed (then `made_here`)."""
        ...

    def made_here(self) -> Sequence[NewProposal]:
        """The same proposals, checked and made in this process."""
        ...


class ProposalRepository(Protocol):
    def all(self, client_reference: str | None = None) -> list[Proposal]:
        """Every proposal (or one client's), by reference, with its lines."""
        ...

    def get(self, reference: str) -> Proposal | None: ...

    def by_references(self, references: Sequence[str]) -> list[Proposal]: ...

    def save(self, proposal: Proposal) -> Proposal:
        """`save_many` of one; the stored proposal, with the ids of its lines."""
        ...

    def save_many(self, proposals: Sequence[Proposal]) -> None:
        """Insert or update proposals by reference. Each one's stored lines become exactly
        its lines: a line with the id of a stored line keeps that row, a line without one is
        inserted, and stored lines not kept are deleted with their work items."""
        ...

    def add_new(
        self,
        proposals: Sequence[NewProposal],
        *,
        work_from: Month | None = None,
        later: ProposalsAside | None = None,
    ) -> None:
        """Insert proposals that are not in the store (their clients and services are), with
        their decided lines: the CSV import's write of up to millions of lines. With
        `work_from`, their work items are opened as well, exactly as
        `WorkItemRepository.open_for(their references, in_force_from=work_from)` would.
        With `later`, its proposals follow, as if they ended `proposals` (written by a second
        process and copied in, or made here when it failed)."""
        ...


class WorkItemRepository(Protocol):
    """On-completion and one-off work: open items, and completed ones with their invoice's
    outbox entry (domain/work.py decides what opens, follows and renews)."""

    def open_for(self, references: Sequence[str], *, in_force_from: Month) -> None:
        """Open work items for the on-completion and one-off lines of these proposals in
        force from `in_force_from` that `domain.work.opens_item` gives one (a quarterly or
        annual item for the period in force then). An item's amount is its line's amount."""
        ...

    def listing(
        self,
        *,
        status: WorkStatus | None = None,
        client_id: int | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[WorkItem]:
        """Items by client, proposal and period (all, or of a status, a client, these ids)."""
        ...

    def lines(self, proposal_ids: Sequence[int]) -> dict[int, list[WorkLine]]:
        """By proposal id: its started work lines, every version."""
        ...

    def proposal_of(self, item_ids: Sequence[int]) -> dict[int, int]:
        """By item id: its proposal's id."""
        ...

    def dues(self, proposal_ids: Sequence[int]) -> dict[int, list[tuple[int, Month | None]]]:
        """By proposal id: each of its items' (line id, due month)."""
        ...

    def complete(self, item_ids: Sequence[int], outbox_id: int) -> None:
        """The items are completed, their invoice the outbox entry `outbox_id`."""
        ...

    def reopen(self, item_ids: Sequence[int]) -> None: ...

    def add(self, items: Sequence[tuple[int, int, WorkLine, Month]]) -> None:
        """Open items: (proposal id, client id, the line version, the due month)."""
        ...


@dataclass(frozen=True, slots=True)
class FinalisedMonth:
    """A finalised month as its snapshot has it."""

    month: Month
    invoices: int
    total: Decimal
    finalised_at: datetime
    finalised_by: str


class SnapshotRepository(Protocol):
    """The finalised (approved) months and the invoices they froze."""

    def latest_finalised(self) -> Month | None: ...

    def months(self) -> list[Month]:
        """Every finalised month, oldest first."""
        ...

    def finalised(self) -> list[FinalisedMonth]:
        """Every finalised month with its invoice count, total and who finalised it, oldest
        first."""
        ...

    def totals(self, month: Month) -> dict[int, ClientMonth] | None:
        """By client id, what the finalised month billed; None when it is not finalised."""
        ...

    def freeze(
        self, month: Month, invoices: Sequence[InvoiceDocument], finalised_by: str
    ) -> None: ...

    def append(self, month: Month, invoices: Sequence[InvoiceDocument]) -> None:
        """Add invoices to a finalised month's snapshot (its outstanding ones: clients it
        froze none for), its total and invoice count with them."""
        ...

    def record_client_services(self, client_id: int, months: Sequence[Month]) -> None:
        """Record the client's services in force in each of these finalised months as if
        the month had them when it was finalised: none of its lines is outstanding there (a
        client reopened after months were finalised while it was closed)."""
        ...

    def thaw(self, month: Month) -> None:
        """Delete the month's snapshot, its invoices and their lines: the month is a draft
        again (the service checks first that nothing of it is in the outbox)."""
        ...


class MirrorRepository(Protocol):
    """The Xero mirror: one organisation's contacts, revenue accounts, branding themes and
    tracking categories as Xero last listed them, where `socket sync` stands, and what it
    pushed to linked contacts."""

    def contacts(self) -> list[XeroContact]:
        """Every mirrored contact, by name."""
        ...

    def save_contacts(self, contacts: Sequence[XeroContact]) -> None:
        """Insert or update contacts by ContactID; their tenant and Xero timestamp are left as
        they are (the playground's demo list)."""
        ...

    def contacts_by_id(self, contact_ids: Sequence[str]) -> list[XeroContactRecord]:
        """The mirrored contacts with these ContactIDs (any not mirrored are left out)."""
        ...

    def save_contact_records(self, tenant_id: str, records: Sequence[XeroContactRecord]) -> None:
        """Insert or replace these contacts in the mirror, as Xero listed them."""
        ...

    def forget_other_organisations(self, tenant_id: str) -> None:
        """Drop the mirror rows of any organisation but `tenant_id` (a store mirrors one)."""
        ...

    def refresh_linked_contact_names(self) -> None:
        """Linked clients show their Xero contact's name as the mirror now has it (a local
        copy of Xero's data: the client's `updated_at` does not move)."""
        ...

    def accounts(self) -> list[XeroAccount]:
        """The mirrored revenue accounts, archived ones too, by code."""
        ...

    def save_accounts(
        self, tenant_id: str, accounts: Sequence[XeroAccount], *, complete: bool
    ) -> None:
        """Insert or replace accounts; with `complete` (a full list) drop any not in it."""
        ...

    def branding_themes(self) -> list[XeroBrandingTheme]:
        """The mirrored branding themes in Xero's order (SortOrder)."""
        ...

    def save_branding_themes(self, tenant_id: str, themes: Sequence[XeroBrandingTheme]) -> None:
        """The organisation's themes become exactly these."""
        ...

    def tracking_categories(self) -> list[XeroTrackingCategory]:
        """The mirrored tracking categories with their options, archived ones too."""
        ...

    def save_tracking_categories(
        self, tenant_id: str, categories: Sequence[XeroTrackingCategory]
    ) -> None:
        """The organisation's tracking categories (and options) become exactly these."""
        ...

    def sync_state(self, tenant_id: str) -> SyncState | None: ...

    def save_sync_state(self, state: SyncState) -> None: ...

    def pushed_clients(self) -> list[PushedDetails]:
        """Every client's pushed details, by client id."""
        ...

    def save_pushed_clients(self, details: Sequence[PushedDetails]) -> None:
        """Insert or replace each client's pushed details."""
        ...


class OutboxRepository(Protocol):
    """Each finalised invoice written with its request body before it is sent to Xero, and
    Xero's answer recorded after (domain/posting.py says how they are decided)."""

    def unqueued(self, month: Month) -> list[tuple[int, InvoiceDocument]]:
        """The month's finalised invoices with no entry yet, each with its id."""
        ...

    def add(self, entries: Sequence[tuple[int, InvoiceDocument, str, str]]) -> None:
        """Write entries, pending: (finalised invoice id, the invoice, its key, its body)."""
        ...

    def entries(
        self,
        *,
        months: Sequence[Month] | None = None,
        states: Sequence[OutboxState] = (),
        work: bool | None = None,
    ) -> list[OutboxEntry]:
        """By id; with `months`, those months' finalised invoices only; with `work`, only
        work completions' invoices (True) or only the plan's (False)."""
        ...

    def add_work(self, doc: InvoiceDocument, key: str, body: str) -> int:
        """Write a work completion's invoice, pending; its entry id."""
        ...

    def references(self, prefix: str) -> set[str]:
        """The references in the outbox that start with `prefix`."""
        ...

    def rewrite(self, changes: Sequence[tuple[int, str, str]]) -> None:
        """(entry id, body, key) of invoices not in Xero whose request changed."""
        ...

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Delete entries that never reached Xero."""
        ...

    def mark_sending(self, entries: Sequence[OutboxEntry]) -> None: ...

    def posted(self, results: Sequence[tuple[int, str, str]]) -> None:
        """(entry id, InvoiceID, invoice number) of each invoice Xero has."""
        ...

    def failed(self, results: Sequence[tuple[int, str]]) -> None:
        """(entry id, Xero's message) of each invoice Xero refused."""
        ...

    def requeue(self, entries: Sequence[tuple[int, str]]) -> None:
        """(entry id, new key) of each invoice to send again."""
        ...

    def state_counts(self) -> dict[Month, dict[OutboxState, int]]:
        """By month, how many entries are in each state (one grouped read)."""
        ...


class HistoryRepository(Protocol):
    """The append-only record of what was done (domain/history.py): written by the services
    in the transaction of the change they record, never changed nor deleted."""

    def record(self, *events: HistoryEvent) -> None:
        """Append events, stamped with now and (where an event names nobody) this unit of
        work's actor: the person running the command."""
        ...

    def entries(self, query: HistoryQuery) -> list[HistoryEntry]:
        """The entries the query selects, newest first (at most `query.limit`, 0: all)."""
        ...

    def count(self, query: HistoryQuery) -> int:
        """How many entries the query selects, its limit aside."""
        ...


class UnitOfWork(Protocol):
    """One transaction on the store, with a repository per aggregate. Nothing is written
    until `commit`; leaving the `with` block without it rolls back."""

    location: str

    # The repositories (read-only attributes, so that an implementation's own are accepted).
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def clients(self) -> ClientRepository: ...
    @property
    def services(self) -> ServiceRepository: ...
    @property
    def proposals(self) -> ProposalRepository: ...
    @property
    def work_items(self) -> WorkItemRepository: ...
    @property
    def snapshots(self) -> SnapshotRepository: ...
    @property
    def mirror(self) -> MirrorRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def history(self) -> HistoryRepository: ...
    @property
    def plan(self) -> PlanReader:
        """The plan's set-based reads, in this transaction."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class OpenStore(Protocol):
    """Opens a unit of work (a write one with `write=True`, which takes the store's write
    lock at once). Services call it and own the transaction: `with store(write=True) as uow:
    ...; uow.commit()`.

    `optimistic=True` (with `write=True`) takes the write lock at the first write instead, so
    that a long check before it holds no lock: if another command has written since this
    unit of work first read, or is writing, the first write (or the commit) raises StoreBusy
    at once and nothing is written; the caller reads again and retries. A write lock that
    does not come within the store's busy timeout is StoreBusy too.

    `bulk=True` (with `write=True`): the unit of work writes many rows at once (an import).
    On SQLite, into a store that holds no client yet, the references between rows are then
    checked once, at commit, instead of row by row (a broken one fails the commit, and
    nothing is written)."""

    def __call__(
        self, *, write: bool = False, optimistic: bool = False, bulk: bool = False
    ) -> UnitOfWork: ...


class OpenReader(Protocol):
    """Opens the plan's lighter read-only view (`plan show`, `diff`, `preview`): one read
    transaction, without the ORM."""

    def __call__(self) -> AbstractContextManager[PlanReader]: ...


# -- a link's write: what `contacts match` writes for one key -----------------------------------


class ClientLookup(Protocol):
    """A client by reference, or every client (`find_client`'s reads)."""

    def client(self, reference: str) -> Client | None: ...

    def clients(self) -> list[Client]: ...


class ClientWrites(Protocol):
    def get(self, reference: str) -> Client | None: ...

    def save(self, client: Client) -> Client:
        """Update the client (keyed by its reference), stamped now if anything changed."""
        ...


class HistoryWrites(Protocol):
    def record(self, *events: HistoryEvent) -> None:
        """Append events, as `HistoryRepository.record`."""
        ...


class LinkWrite(Protocol):
    """The part of a unit of work that links one client to a contact (or to a new one made
    at posting): find it, save it, record it in the history, in one write transaction taken
    at once. A `UnitOfWork` is one; on a SQLite file the walk of `contacts match` takes a
    lighter one that needs no ORM (adapters/store/lite.py), which writes the same rows."""

    @property
    def plan(self) -> ClientLookup: ...
    @property
    def clients(self) -> ClientWrites: ...
    @property
    def history(self) -> HistoryWrites: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class OpenLinkWrite(Protocol):
    """Opens a `LinkWrite`: a write transaction, the store's write lock taken at once (or
    StoreBusy after the busy timeout), as `OpenStore(write=True)`."""

    def __call__(self) -> LinkWrite: ...

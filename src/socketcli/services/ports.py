"""The ports the services need. Adapters implement them; tests may pass fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import BillableLine, ClientMonth
from socketcli.domain.months import Month
from socketcli.domain.records import Client, Proposal, Service, XeroContact
from socketcli.domain.settings import PracticeSettings


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

    def client(self, reference: str) -> Client | None: ...

    def billable_lines(self, first: Month, last: Month) -> list[BillableLine]: ...

    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]: ...

    def latest_finalised(self) -> Month | None: ...

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None: ...


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

    def client(self, reference: str) -> Client | None: ...

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

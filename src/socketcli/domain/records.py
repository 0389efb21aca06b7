"""The stored things, as the services see them: plain values, independent of the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from socketcli.domain.model import BillingMethod, ProposalStatus, YearEnd
from socketcli.domain.money import amount_of
from socketcli.domain.months import Month


@dataclass(frozen=True, slots=True)
class Client:
    reference: str
    name: str
    email: str = ""
    year_end: YearEnd | None = None
    xero_contact_id: str | None = None
    xero_contact_name: str | None = None
    payment_terms: str | None = None
    invoice_day: int | None = None
    consolidate: bool | None = None
    branding_theme: str | None = None
    tracking: str | None = None  # "Category:Option"
    last_billable_month: Month | None = None
    id: int | None = None
    # Unlinked on purpose: posting creates a Xero contact with the client's name. After `id`,
    # so that the store's reader, which builds clients positionally, still puts `id` in place.
    new_xero_contact: bool = False


class FrozenTotal(NamedTuple):
    """An invoice a finalised month froze, as `plan status` lists it: a tuple, since a month
    of 20,000 clients has 20,000 of them."""

    client_reference: str
    client_name: str
    reference: str
    total: Decimal


class ClientLabel(NamedTuple):
    """What a `plan diff` row shows of a client: a tuple, since 20,000 are made for one diff."""

    id: int
    reference: str
    name: str
    xero_contact_id: str | None
    xero_contact_name: str | None
    new_xero_contact: bool
    #: The last month the client is billed (a closing client), or None; what
    #: `links.needs_attention` reads of it.
    last_billable_month: Month | None = None


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    billing_method: BillingMethod
    account_code: str | None = None
    alignment_eligible: bool = False
    tracking_category: str | None = None  # "Category:Option"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ProposalLine:
    service_name: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    billing_method: BillingMethod
    start: Month | None = None
    end: Month | None = None
    anchor: Month | None = None
    charges_alignment: bool = False
    id: int | None = None

    @property
    def amount(self) -> Decimal:
        return amount_of(self.quantity, self.unit_price)

    def active_in(self, month: Month) -> bool:
        return (
            self.start is not None
            and self.start <= month
            and (self.end is None or month <= self.end)
        )


@dataclass(frozen=True, slots=True)
class Proposal:
    reference: str
    client_reference: str
    status: ProposalStatus
    start_date: date | None
    title: str = ""
    lines: tuple[ProposalLine, ...] = field(default_factory=tuple)
    accepted_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SnapshotInvoice:
    """A finalised invoice as it was approved (what the month was billed)."""

    client_id: int
    kind: str
    total: Decimal
    line_count: int


@dataclass(frozen=True, slots=True)
class XeroContact:
    contact_id: str
    name: str
    email: str = ""
    contact_number: str | None = None
    account_number: str | None = None
    status: str = "ACTIVE"
    is_customer: bool = True
    merged_to: str | None = None  # Xero's MergedToContactID: the contact this one became

    @property
    def archived(self) -> bool:
        return self.status != "ACTIVE"

    @property
    def merged(self) -> bool:
        """Merged into another contact in Xero (which archives this one)."""
        return self.merged_to is not None

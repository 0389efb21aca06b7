"""The Xero gateway as the services see it: a Protocol, the plain records it returns, and
the errors it raises.

Standard library only (no xero_python): the adapter (socketcli.adapters.xero.gateway)
implements `XeroGateway` over the SDK, and tests may pass a fake. The errors live here, not in
the adapter, so that a service can catch them (a day limit stops a sync; a duplicate contact
name is reported against its client) without importing an adapter; the adapter's
`gateway_errors` module re-exports them. No message ever carries token text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from socketcli.domain.errors import SocketError
from socketcli.domain.records import XeroContact
from socketcli.domain.sync import ContactChange as ContactChange

# -- what the gateway returns ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XeroContactRecord(XeroContact):
    """A contact as Xero listed it: the mirror's `XeroContact` plus when Xero last changed it
    (UpdatedDateUTC, aware UTC), which the next incremental sync asks from."""

    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class XeroAccount:
    """An account of the chart (the gateway lists revenue ones, archived ones included)."""

    account_id: str
    code: str
    name: str
    status: str = "ACTIVE"  # ACTIVE or ARCHIVED (Xero's AccountStatusCodes)
    type: str = "REVENUE"  # REVENUE, SALES, OTHERINCOME, ...
    account_class: str = "REVENUE"
    tax_type: str | None = None
    updated_at: datetime | None = None

    @property
    def archived(self) -> bool:
        return self.status != "ACTIVE"


@dataclass(frozen=True, slots=True)
class XeroBrandingTheme:
    branding_theme_id: str
    name: str
    sort_order: int = 0
    type: str = "INVOICE"


@dataclass(frozen=True, slots=True)
class XeroTrackingOption:
    tracking_option_id: str
    name: str
    status: str = "ACTIVE"

    @property
    def archived(self) -> bool:
        return self.status != "ACTIVE"


@dataclass(frozen=True, slots=True)
class XeroTrackingCategory:
    """A tracking category with all its options, archived ones included (marked so)."""

    tracking_category_id: str
    name: str
    status: str = "ACTIVE"
    options: tuple[XeroTrackingOption, ...] = ()

    @property
    def archived(self) -> bool:
        return self.status != "ACTIVE"


@dataclass(frozen=True, slots=True)
class XeroConnection:
    """An organisation the token may reach (GET /connections)."""

    tenant_id: str
    tenant_name: str
    tenant_type: str = "ORGANISATION"


# -- what the gateway sends ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewContact:
    """A contact to create in Xero (Name must be unique among active contacts)."""

    name: str
    email: str = ""
    contact_number: str | None = None  # an external system's key, e.g. the client reference
    account_number: str | None = None


@dataclass(frozen=True, slots=True)
class NewInvoiceLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account_code: str | None = None
    tax_type: str | None = None
    #: (tracking category name, option name) pairs, at most two.
    tracking: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NewInvoice:
    """A sales invoice (ACCREC) to create. With a `contact_id` Xero uses that contact; without
    one it finds the active contact named `contact_name` or creates it."""

    contact_name: str
    invoice_date: date
    due_date: date
    reference: str
    lines: tuple[NewInvoiceLine, ...]
    contact_id: str | None = None
    status: str = "DRAFT"  # DRAFT, SUBMITTED or AUTHORISED
    branding_theme_id: str | None = None
    line_amount_types: str = "Exclusive"  # Exclusive, Inclusive or NoTax


@dataclass(frozen=True, slots=True)
class CreatedInvoice:
    invoice_id: str
    invoice_number: str
    reference: str
    status: str
    contact_id: str | None
    sub_total: Decimal | None = None
    total_tax: Decimal | None = None
    total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class InvoiceOutcome:
    """Xero's answer for one invoice of a batch sent with summarizeErrors=false: the invoice
    it created, or why it refused it."""

    reference: str
    created: CreatedInvoice | None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactOutcome:
    """Xero's answer for one contact of a batch sent with summarizeErrors=false: the contact
    it created, or why it refused it (`duplicate`: an active contact has that name)."""

    name: str
    contact_id: str | None
    errors: tuple[str, ...] = ()
    duplicate: bool = False


# -- the port ------------------------------------------------------------------------------


class XeroGateway(Protocol):
    """One Xero organisation, as the services use it.

    Every method may raise a `XeroError`: `XeroAuthError` (reconnect), `XeroDayLimitReached`
    (stop the run), `XeroRateLimited` and `XeroUnavailable` (after its own retries),
    `XeroValidationError`, `XeroNotFound`, `XeroRequestError`.
    """

    @property
    def call_counts(self) -> Mapping[str, int]:
        """HTTP calls made so far per endpoint ("GET /Contacts": 3), every attempt counted."""
        ...

    @property
    def total_calls(self) -> int: ...

    def list_connections(self) -> list[XeroConnection]: ...

    def list_contacts(
        self, modified_since: datetime | None = None, *, include_archived: bool = True
    ) -> list[XeroContactRecord]:
        """Every contact (archived ones too, by default), or those changed after
        `modified_since` (an aware datetime)."""
        ...

    def create_contacts(
        self, contacts: Sequence[NewContact], *, idempotency_key: str | None = None
    ) -> list[str]:
        """The new ContactIDs, in the order given. A duplicate name raises
        `XeroDuplicateContactName`."""
        ...

    def update_contacts(
        self, changes: Sequence[ContactChange], *, idempotency_key: str | None = None
    ) -> list[str]:
        """The ContactIDs updated, in the order given."""
        ...

    def post_contacts(
        self, contacts: Sequence[NewContact], idempotency_key: str
    ) -> list[ContactOutcome]:
        """One PUT /Contacts of at most 50, with summarizeErrors=false: each contact's own
        outcome, in order (a refused one does not hold back the others)."""
        ...

    def list_revenue_accounts(self, modified_since: datetime | None = None) -> list[XeroAccount]:
        """Accounts of class REVENUE, archived ones included (with their Status)."""
        ...

    def list_branding_themes(self) -> list[XeroBrandingTheme]: ...

    def list_tracking_categories(self) -> list[XeroTrackingCategory]: ...

    def create_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[CreatedInvoice]:
        """Create the invoices once: the same key and invoices again return the same ones."""
        ...

    def post_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[InvoiceOutcome]:
        """One PUT /Invoices of at most 50, with summarizeErrors=false: each invoice's own
        outcome, in order. Raises only when the request as a whole failed (then Xero may or
        may not have created them: settle by reference before sending again)."""
        ...

    def find_invoices(
        self, references: Sequence[str], *, only_ours: bool = True
    ) -> list[CreatedInvoice]:
        """The invoices carrying any of these references (any status, deleted and voided
        ones too): those this app created (`only_ours`, what settling an invoice left in
        flight may count as socket's), or those any app or person made (what reconcile
        reports as duplicates)."""
        ...

    def get_invoices(self, invoice_ids: Sequence[str]) -> list[CreatedInvoice]:
        """The invoices Xero holds with these InvoiceIDs (any status, deleted and voided ones
        too; an id Xero does not know is simply absent), a batch of ids a request, every
        page, unit amounts to four places."""
        ...


# -- errors --------------------------------------------------------------------------------


class XeroError(SocketError):
    """Something went wrong talking to Xero. Messages never carry token text.

    Exit codes as the connect commands' errors (socketcli.adapters.xero.errors): 6 means
    connect again, 7 another Xero failure; 8 is the day limit.
    """

    exit_code = 7
    #: Xero cannot have acted on the request: every attempt was refused before any work
    #: (401/403, 429, a 4xx, a token that could not be renewed) or never left this machine.
    #: Set by the gateway; False when in doubt (a timeout, a 5xx, a lost answer).
    unsent: bool = False


class XeroAuthError(XeroError):
    """Xero refused the credentials (401/403: expired or revoked token, a tenant that is not
    connected, a missing scope): connect again with `socket xero connect`."""

    exit_code = 6

    def __init__(self, message: str, *, status: int | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class XeroDayLimitReached(XeroError):
    """The organisation's 5,000 calls a day are spent: the run stops at once."""

    exit_code = 8

    def __init__(self, retry_after: float | None) -> None:
        wait = f" Xero says to try again in {_duration(retry_after)}." if retry_after else ""
        super().__init__(
            "Xero's daily limit of API calls for this organisation is reached; nothing more "
            f"can be sent today.{wait}"
        )
        self.retry_after = retry_after


class XeroRateLimited(XeroError):
    """A minute or concurrent limit that outlasted the gateway's patience."""

    def __init__(self, problem: str, retry_after: float | None) -> None:
        wait = f"; Xero asked to wait {_duration(retry_after)}" if retry_after else ""
        super().__init__(f"Xero's {problem or 'rate'} limit of API calls was reached{wait}.")
        self.problem = problem
        self.retry_after = retry_after


class XeroUnavailable(XeroError):
    """Xero did not answer, or answered 5xx, after every attempt."""

    def __init__(self, endpoint: str, attempts: int, cause: str) -> None:
        super().__init__(f"Xero is unavailable: {endpoint} failed {attempts} times ({cause}).")
        self.endpoint = endpoint
        self.attempts = attempts
        self.cause = cause


class XeroNotFound(XeroError):
    def __init__(self, endpoint: str) -> None:
        super().__init__(f"Xero has no such record ({endpoint}).")
        self.endpoint = endpoint


class XeroRequestError(XeroError):
    """Xero refused the request for another reason (a 4xx that is none of the above)."""

    def __init__(self, endpoint: str, status: int, message: str = "") -> None:
        detail = f": {message}" if message else ""
        super().__init__(f"Xero refused {endpoint} (HTTP {status}){detail}")
        self.endpoint = endpoint
        self.status = status


class XeroAnswerMismatch(XeroError):
    """Xero answered a write with success, but not for what was sent (fewer elements, others,
    or none): what it made is in doubt, to be found by reference, never assumed."""

    def __init__(self, endpoint: str, detail: str) -> None:
        super().__init__(f"Xero's answer to {endpoint} does not match what was sent: {detail}")
        self.endpoint = endpoint


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One refused element: what it was (a contact's name, an invoice's reference) and why."""

    subject: str
    messages: tuple[str, ...]


class XeroValidationError(XeroError):
    """Xero's ValidationException (400): each refused element and Xero's messages.

    Xero may still have saved the elements of the batch that it does not name (it does so for
    invoices: the valid ones are made, the 400 names the refused ones), so what was not named
    is in doubt. `done` holds the ids saved by earlier batches of the same call (sent before
    the failing one).
    """

    def __init__(
        self,
        problems: Sequence[ValidationProblem],
        *,
        message: str = "",
        done: Sequence[str] = (),
    ) -> None:
        self.problems = tuple(problems)
        self.done = tuple(done)
        parts = [
            f"{p.subject}: {' '.join(p.messages)}" if p.subject else " ".join(p.messages)
            for p in self.problems
        ]
        text = "; ".join(part for part in parts if part) or message or "a validation error"
        super().__init__(f"Xero refused it: {text}")

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(m for p in self.problems for m in p.messages)


class XeroDuplicateContactName(XeroValidationError):
    """Contact names are unique among Xero's active contacts."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.subject for p in self.problems)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "a while"
    whole = int(seconds)
    if whole >= 3600:
        hours, rest = divmod(whole, 3600)
        return f"{hours} h {rest // 60} min"
    if whole >= 60:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole} s"


__all__ = [
    "ContactChange",
    "CreatedInvoice",
    "NewContact",
    "NewInvoice",
    "NewInvoiceLine",
    "ValidationProblem",
    "XeroAccount",
    "XeroAnswerMismatch",
    "XeroAuthError",
    "XeroBrandingTheme",
    "XeroConnection",
    "XeroContactRecord",
    "XeroDayLimitReached",
    "XeroDuplicateContactName",
    "XeroError",
    "XeroGateway",
    "XeroNotFound",
    "XeroRateLimited",
    "XeroRequestError",
    "XeroTrackingCategory",
    "XeroTrackingOption",
    "XeroUnavailable",
    "XeroValidationError",
]

"""The Xero gateway: the one class over xero-python that the rest of socket calls.

    gateway = XeroPythonGateway(
        api_url="https://api.xero.com/api.xro/2.0",
        connections_url="https://api.xero.com",
        tenant_id=source.tenant_id,
        token_source=source.xero_token_dict,  # the current xero-python token dict, kept fresh
        renew=source.renew,                   # after a 401: renew(refused_access_token)
    )
    contacts = gateway.list_contacts(modified_since=last_sync)
    gateway.call_counts                   # {"GET /Contacts": 3}: every HTTP attempt

It implements socketcli.ports.xero.XeroGateway and raises only the errors defined
there. What it does about Xero's habits:

- **Tokens.** It never refreshes: `token_source` does (a PKCE app must refresh by itself).
  The SDK asks for the token before every request. After a 401 the request is tried once
  more: with `renew` given, after `renew(refused_access_token)`; without it, only for a
  TokenExpired when the token source already gives another token. Else `XeroAuthError`.
- **Rate limits.** Paced first (`pacing.py`): every answer's `X-MinLimit-Remaining` and
  `X-DayLimit-Remaining` are read, and when the minute has no calls left the next call waits
  (by the injected `sleep`) until the call the window's limit back is a minute old, so that
  a run alone against the organisation is never refused; when the day has none left the
  run stops at once (`XeroDayLimitReached`) without spending a call. A 429 all the same (for
  the minute or for calls in flight: another app, another process) is waited out
  (Retry-After) and retried, a bounded number of times; a Retry-After longer than the
  policy's `longest_wait` is not slept (`XeroRateLimited` at once). A 429 for the day is
  `XeroDayLimitReached` at once: nothing is slept.
- **Failures.** Timeouts, dropped connections, 5xx and 409 (an Idempotency-Key still being
  processed) are retried with exponential backoff and full jitter, a bounded number of
  times, then `XeroUnavailable`. Every request has a timeout. urllib3's own retries are off:
  it would otherwise re-send a timed-out PUT unseen and sleep out a day-limit Retry-After.
- **Writes.** Every create or update carries an Idempotency-Key that stays the same across
  its retries, so a retried request is answered with the first one's result. A write
  without a key would be re-sent only where it cannot have reached Xero (connection
  refused, connect timeout, 429).
- **Concurrency.** At most `max_in_flight` (5, Xero's limit) requests per organisation are
  in flight in this process: a BoundedSemaphore shared by every gateway for the tenant.
- **Paging.** GET Contacts pages at 1,000 (the largest page Xero serves) until a short page
  or the last page of the pagination block; PUT/POST send at most 50 elements a request.
- **Logging.** Each attempt is logged at DEBUG (endpoint, query, status, time); retries at
  INFO. Never a header, a token or a request body.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import urllib3
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import AccessTokenExpiredError, ApiException, HTTPStatusException
from xero_python.identity import IdentityApi

from socketcli.adapters.xero import mapping
from socketcli.adapters.xero.gateway_errors import (
    HttpFailure,
    XeroAnswerMismatch,
    XeroAuthError,
    XeroDayLimitReached,
    XeroError,
    XeroRateLimited,
    XeroUnavailable,
    XeroValidationError,
    is_duplicate_name,
    request_error,
)
from socketcli.adapters.xero.pacing import Pacer
from socketcli.ports.xero import (
    ContactChange,
    ContactOutcome,
    CreatedInvoice,
    InvoiceOutcome,
    NewContact,
    NewInvoice,
    ValidationProblem,
    XeroAccount,
    XeroBrandingTheme,
    XeroConnection,
    XeroContactRecord,
    XeroGateway,
    XeroTrackingCategory,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
_C = TypeVar("_C", NewContact, ContactChange)

#: A callable returning the current xero-python token dict (access_token, expires_at, ...).
TokenSource = Callable[[], Mapping[str, Any]]

#: The largest GET Contacts page Xero serves.
MAX_PAGE_SIZE = 1000
#: Xero advises at most 50 elements per PUT/POST.
MAX_BATCH = 50
#: Xero's limit of calls in flight per organisation.
MAX_IN_FLIGHT = 5
#: Xero's longest Idempotency-Key.
MAX_IDEMPOTENCY_KEY = 128

_TOKEN_KEYS = (
    "access_token",
    "refresh_token",
    "id_token",
    "token_type",
    "expires_in",
    "expires_at",
    "scope",
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How patient the gateway is. The defaults suit a nightly sync."""

    #: Tries of one request through timeouts, dropped connections, 5xx and 409.
    attempts: int = 5
    #: Full-jitter backoff: the n-th retry waits random(0, min(cap, base * 2**(n-1))).
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: Tries of one request through 429s for the minute or for calls in flight.
    rate_limit_attempts: int = 6
    #: A Retry-After longer than this is not slept: XeroRateLimited at once.
    longest_wait: float = 120.0
    #: Seconds to connect, and to wait for an answer, per request.
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.rate_limit_attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be positive")


_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_guard = threading.Lock()


def tenant_slots(tenant_id: str, limit: int = MAX_IN_FLIGHT) -> threading.BoundedSemaphore:
    """The semaphore every gateway for `tenant_id` in this process shares (the first
    gateway's `limit` sets its size)."""
    key = tenant_id.strip().lower()
    with _slots_guard:
        found = _slots.get(key)
        if found is None:
            found = _slots[key] = threading.BoundedSemaphore(limit)
        return found


def sdk_token(token: Mapping[str, Any]) -> dict[str, Any]:
    """The token dict xero-python accepts: known keys only, scope as a list."""
    out = {key: token[key] for key in _TOKEN_KEYS if key in token}
    out.setdefault("token_type", "Bearer")
    out.setdefault("expires_in", None)
    scope = out.get("scope")
    if isinstance(scope, str):
        out["scope"] = scope.split()
    elif scope is None:
        out["scope"] = []
    return out


#: InvoiceIDs per GET /Invoices?IDs=... (40 GUIDs keep the URL under 2,000 characters).
IDS_CHUNK = 40
#: References looked up by one GET /Invoices, and the invoices Xero returns a page.
FIND_CHUNK = 20
INVOICE_PAGE = 100


def _quoted(text: str) -> str:
    """A string literal for Xero's `where` (Dynamic LINQ): in double quotes, a double quote
    inside it doubled."""
    return '"' + text.replace('"', '""') + '"'


def _batches(items: Sequence[T], size: int = MAX_BATCH) -> list[list[T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _batch_keys(key: str | None, count: int) -> list[str]:
    """One Idempotency-Key per batch: the caller's (suffixed when there are several), else new."""
    if key is None:
        return [str(uuid.uuid4()) for _ in range(count)]
    keys = [key] if count == 1 else [f"{key}#{n}/{count}" for n in range(1, count + 1)]
    if not key.strip() or any(len(k) > MAX_IDEMPOTENCY_KEY for k in keys):
        raise ValueError(
            f"an Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters (with the "
            "batch suffix)"
        )
    return keys


def _http_moment(moment: datetime) -> str:
    """If-Modified-Since as the spec's date-time: UTC, marked Z, to the millisecond (as
    precise as UpdatedDateUTC, so the newest record already seen is not listed again)."""
    if moment.tzinfo is None:
        raise ValueError("modified_since must be an aware datetime")
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _paired(
    endpoint: str,
    sent: Sequence[str],
    answered: list[Any],
    key: Callable[[Any], str | None],
    what: str,
) -> list[Any]:
    """Xero's answer to a batch, element by element in the order sent, paired by `key` (an
    invoice's reference, a contact's name: unique in a batch), never by position alone: an
    answer in another order must not give one invoice another's InvoiceID. An answer that is
    not one element for each sent (fewer, others, a key twice) is a XeroAnswerMismatch: what
    Xero made is then in doubt, for the caller to find out, never assumed."""
    by_key: dict[str, Any] = {}
    for got in answered:
        name = (key(got) or "").strip()
        if name in by_key:
            by_key[""] = None  # a key answered twice: the pairing cannot be trusted
        by_key[name] = got
    wanted = [name.strip() for name in sent]
    if len(answered) != len(sent) or set(by_key) != set(wanted) or len(set(wanted)) != len(sent):
        raise XeroAnswerMismatch(
            endpoint,
            f"{len(answered)} {what} answered for {len(sent)} sent"
            if len(answered) != len(sent)
            else f"the {what} answered are not the {what} sent",
        )
    return [by_key[name] for name in wanted]


class _Retry(Exception):
    """An attempt failed in a way worth another try (internal). `unsent`: Xero cannot have
    acted on it (a 429, or a connection that never carried the request)."""

    def __init__(self, cause: str, wait: float | None = None, *, unsent: bool = False) -> None:
        super().__init__(cause)
        self.cause = cause
        self.wait = wait
        self.unsent = unsent or wait is not None


class XeroPythonGateway:
    """socketcli.ports.xero.XeroGateway over xero-python, for one organisation."""

    def __init__(
        self,
        *,
        api_url: str,
        connections_url: str,
        tenant_id: str,
        token_source: TokenSource,
        renew: Callable[[str], object] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        policy: RetryPolicy | None = None,
        max_in_flight: int = MAX_IN_FLIGHT,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
        self.tenant_id = tenant_id
        self.api_url = api_url.rstrip("/")
        self.connections_url = connections_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.page_size = page_size
        self._token_source = token_source
        self._renew = renew
        self._sleep = sleep
        self._monotonic = monotonic
        self._jitter = jitter
        self._slots = tenant_slots(tenant_id, max_in_flight)
        self._pacer = Pacer()
        self._counts: Counter[str] = Counter()
        self._slept = 0.0
        self._guard = threading.Lock()
        self._local = threading.local()

        # Configuration is shared process-wide (its metaclass hands out copies of the first
        # one), so the token goes on this copy after construction. No client secret: the
        # SDK never refreshes; expiration_buffer 0 so it never refuses a token Xero takes.
        configuration = Configuration()
        configuration.oauth2_token = OAuth2Token(expiration_buffer=0)
        configuration.connection_pool_maxsize = max(max_in_flight, 1)
        self._client = ApiClient(
            configuration,
            pool_threads=1,
            oauth2_token_getter=self._token,
            oauth2_token_saver=self._refuse_saving,
        )
        # urllib3 would re-send a timed-out PUT and sleep out any Retry-After by itself.
        self._client.rest_client.pool_manager.connection_pool_kw["retries"] = False
        self._accounting = AccountingApi(self._client, base_url=self.api_url)
        self._identity = IdentityApi(self._client, base_url=self.connections_url)

    # -- what it has done ----------------------------------------------------------------

    @property
    def call_counts(self) -> dict[str, int]:
        """HTTP calls made per endpoint ("GET /Contacts": 3), every attempt counted."""
        with self._guard:
            return dict(self._counts)

    @property
    def total_calls(self) -> int:
        with self._guard:
            return sum(self._counts.values())

    @property
    def slept_seconds(self) -> float:
        """Time spent waiting out rate limits and backing off."""
        with self._guard:
            return self._slept

    # -- reads -----------------------------------------------------------------------------

    def list_connections(self) -> list[XeroConnection]:
        found = self._send(
            "GET /connections",
            "",
            self._identity.get_connections,
        )
        return [mapping.connection_record(c) for c in found or []]

    def list_contacts(
        self, modified_since: datetime | None = None, *, include_archived: bool = True
    ) -> list[XeroContactRecord]:
        # Booleans as the spec writes them: xero-python would send Python's "True".
        options: dict[str, Any] = {"page_size": self.page_size, "summary_only": "true"}
        query = f"pageSize={self.page_size}&summaryOnly=true"
        if include_archived:
            options["include_archived"] = "true"
            query += "&includeArchived=true"
        if modified_since is not None:
            options["if_modified_since"] = _http_moment(modified_since)
            query += f" If-Modified-Since {options['if_modified_since']}"
        records: list[XeroContactRecord] = []
        page = 1
        while True:
            answer = self._send(
                "GET /Contacts",
                f"page={page}&{query}",
                self._accounting.get_contacts,
                self.tenant_id,
                page=page,
                **options,
            )
            contacts = list(answer.contacts or [])
            records.extend(mapping.contact_record(c) for c in contacts)
            pagination = getattr(answer, "pagination", None)
            page_count = getattr(pagination, "page_count", None) if pagination else None
            if len(contacts) < self.page_size or (page_count is not None and page >= page_count):
                return records
            page += 1

    def list_revenue_accounts(self, modified_since: datetime | None = None) -> list[XeroAccount]:
        options: dict[str, Any] = {"where": 'Class=="REVENUE"'}
        query = "where=Class==REVENUE"
        if modified_since is not None:
            options["if_modified_since"] = _http_moment(modified_since)
            query += f" If-Modified-Since {options['if_modified_since']}"
        answer = self._send(
            "GET /Accounts",
            query,
            self._accounting.get_accounts,
            self.tenant_id,
            **options,
        )
        accounts = [mapping.account_record(a) for a in answer.accounts or []]
        # The where clause is Xero's to apply; a stand-in that ignores it still gives revenue.
        return [a for a in accounts if a.account_class == "REVENUE"]

    def list_branding_themes(self) -> list[XeroBrandingTheme]:
        answer = self._send(
            "GET /BrandingThemes",
            "",
            self._accounting.get_branding_themes,
            self.tenant_id,
        )
        return [mapping.branding_theme_record(t) for t in answer.branding_themes or []]

    def list_tracking_categories(self) -> list[XeroTrackingCategory]:
        answer = self._send(
            "GET /TrackingCategories",
            "includeArchived=true",
            self._accounting.get_tracking_categories,
            self.tenant_id,
            include_archived="true",
        )
        return [mapping.tracking_category_record(c) for c in answer.tracking_categories or []]

    # -- writes ----------------------------------------------------------------------------

    def create_contacts(
        self, contacts: Sequence[NewContact], *, idempotency_key: str | None = None
    ) -> list[str]:
        return self._write_contacts(
            "PUT /Contacts",
            self._accounting.create_contacts,
            contacts,
            mapping.new_contacts,
            lambda contact: contact.name,
            idempotency_key,
        )

    def update_contacts(
        self, changes: Sequence[ContactChange], *, idempotency_key: str | None = None
    ) -> list[str]:
        if any(not change.contact_id for change in changes):
            raise ValueError("every contact change needs the ContactID")
        return self._write_contacts(
            "POST /Contacts",
            self._accounting.update_or_create_contacts,
            changes,
            mapping.contact_changes,
            lambda change: change.name or change.contact_id,
            idempotency_key,
        )

    def _write_contacts(
        self,
        operation: str,
        call: Callable[..., Any],
        items: Sequence[_C],
        body: Callable[[list[_C]], Any],
        name: Callable[[_C], str],
        idempotency_key: str | None,
    ) -> list[str]:
        """Create or change contacts in batches, each behind its own idempotency key; the
        ContactIDs Xero answered, in order (a refused contact is named in the error)."""
        batches = _batches(list(items))
        keys = _batch_keys(idempotency_key, len(batches))
        done: list[str] = []
        for batch, key in zip(batches, keys, strict=True):
            answer = self._write(operation, key, done, call, body(batch))
            done.extend(self._contact_ids(answer, batch_names=[name(item) for item in batch]))
        return done

    def post_contacts(
        self, contacts: Sequence[NewContact], idempotency_key: str
    ) -> list[ContactOutcome]:
        if len(contacts) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} contacts a request, not {len(contacts)}")
        answer = self._send(
            "PUT /Contacts",
            f"summarizeErrors=false Idempotency-Key {idempotency_key}",
            self._accounting.create_contacts,
            self.tenant_id,
            mapping.new_contacts(list(contacts)),
            summarize_errors=False,
            idempotency_key=idempotency_key,
        )
        answered = _paired(
            "PUT /Contacts",
            [contact.name for contact in contacts],
            list(answer.contacts or []),
            lambda got: got.name,
            "contacts",
        )
        outcomes = []
        for sent, got in zip(contacts, answered, strict=True):
            errors = tuple(str(e.message) for e in (got.validation_errors or []) if e.message)
            refused = bool(got.has_validation_errors) or bool(errors)
            outcomes.append(
                ContactOutcome(
                    name=sent.name,
                    contact_id=None if refused else str(got.contact_id),
                    errors=errors,
                    duplicate=refused and any(is_duplicate_name(e) for e in errors),
                )
            )
        return outcomes

    def create_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[CreatedInvoice]:
        batches = _batches(list(invoices))
        keys = _batch_keys(idempotency_key, len(batches))
        created: list[CreatedInvoice] = []
        for batch, key in zip(batches, keys, strict=True):
            body = mapping.new_invoices(batch)
            answer = self._write(
                "PUT /Invoices",
                key,
                [i.invoice_id for i in created],
                self._accounting.create_invoices,
                body,
            )
            made = [mapping.created_invoice(i) for i in answer.invoices or []]
            refused = [
                ValidationProblem(
                    i.reference or "",
                    tuple(str(e.message) for e in (i.validation_errors or []) if e.message),
                )
                for i in answer.invoices or []
                if i.has_errors
            ]
            if refused:
                raise XeroValidationError(refused, done=[i.invoice_id for i in created])
            created.extend(made)
        return created

    def post_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[InvoiceOutcome]:
        if len(invoices) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} invoices a request, not {len(invoices)}")
        answer = self._send(
            "PUT /Invoices",
            f"summarizeErrors=false&unitdp=4 Idempotency-Key {idempotency_key}",
            self._accounting.create_invoices,
            self.tenant_id,
            mapping.new_invoices(list(invoices)),
            summarize_errors=False,
            unitdp=4,
            idempotency_key=idempotency_key,
        )
        answered = _paired(
            "PUT /Invoices",
            [invoice.reference for invoice in invoices],
            list(answer.invoices or []),
            lambda got: got.reference,
            "invoices",
        )
        return [
            InvoiceOutcome(
                reference=sent.reference,
                created=None if got.has_errors else mapping.created_invoice(got),
                errors=tuple(str(e.message) for e in (got.validation_errors or []) if e.message)
                if got.has_errors
                else (),
            )
            for sent, got in zip(invoices, answered, strict=True)
        ]

    def find_invoices(
        self, references: Sequence[str], *, only_ours: bool = True
    ) -> list[CreatedInvoice]:
        """GET /Invoices?where=Reference=="a" OR ... (with createdByMyApp=true when
        `only_ours`), a few references a request (the URL stays short), every page; only
        exact references are kept."""
        wanted = sorted(set(references))
        found: list[CreatedInvoice] = []
        mine: dict[str, Any] = {"created_by_my_app": "true"} if only_ours else {}
        for start in range(0, len(wanted), FIND_CHUNK):
            chunk = wanted[start : start + FIND_CHUNK]
            where = " OR ".join(f"Reference=={_quoted(reference)}" for reference in chunk)
            page = 1
            while True:
                answer = self._send(
                    "GET /Invoices",
                    f"page={page}{'&createdByMyApp=true' if only_ours else ''}&where={where}",
                    self._accounting.get_invoices,
                    self.tenant_id,
                    where=where,
                    page=page,
                    unitdp=4,
                    **mine,
                )
                invoices = list(answer.invoices or [])
                found.extend(
                    mapping.created_invoice(i) for i in invoices if (i.reference or "") in chunk
                )
                if len(invoices) < INVOICE_PAGE:
                    break
                page += 1
        return found

    def get_invoices(self, invoice_ids: Sequence[str]) -> list[CreatedInvoice]:
        """GET /Invoices?IDs=...&unitdp=4, IDS_CHUNK ids a request (the URL stays short),
        every page."""
        wanted = sorted({i.lower() for i in invoice_ids if i})
        found: list[CreatedInvoice] = []
        for start in range(0, len(wanted), IDS_CHUNK):
            chunk = wanted[start : start + IDS_CHUNK]
            page = 1
            while True:
                answer = self._send(
                    "GET /Invoices",
                    f"page={page}&unitdp=4&IDs={len(chunk)} ids",
                    self._accounting.get_invoices,
                    self.tenant_id,
                    i_ds=chunk,
                    page=page,
                    unitdp=4,
                )
                invoices = list(answer.invoices or [])
                found.extend(mapping.created_invoice(i) for i in invoices)
                if len(invoices) < INVOICE_PAGE:
                    break
                page += 1
        return found

    def _write(
        self, endpoint: str, key: str, done: Sequence[str], method: Callable[..., Any], body: Any
    ) -> Any:
        """One batch: PUT/POST with its Idempotency-Key; a refusal names what earlier batches
        of the same call already saved."""
        try:
            return self._send(
                endpoint,
                f"Idempotency-Key {key}",
                method,
                self.tenant_id,
                body,
                idempotency_key=key,
            )
        except XeroValidationError as refused:
            if not done:
                raise
            raise type(refused)(refused.problems, done=done) from None

    @staticmethod
    def _contact_ids(answer: Any, *, batch_names: Sequence[str]) -> list[str]:
        contacts = list(answer.contacts or [])
        refused = [
            ValidationProblem(
                str(c.name or name),
                tuple(str(e.message) for e in (c.validation_errors or []) if e.message),
            )
            for c, name in zip(contacts, batch_names, strict=False)
            if c.has_validation_errors and c.validation_errors
        ]
        if refused:
            raise XeroValidationError(refused)
        return [str(c.contact_id) for c in contacts]

    # -- one request, with its retries ----------------------------------------------------------

    def _token(self) -> dict[str, Any]:
        token = sdk_token(self._token_source())
        self._local.access_token = token.get("access_token")
        return token

    @staticmethod
    def _refuse_saving(token: Mapping[str, Any]) -> None:
        """The SDK never refreshes here (no client secret): the token source owns tokens."""

    def _timeout(self) -> tuple[float, float]:
        return (self.policy.connect_timeout, self.policy.read_timeout)

    def _pause(self, endpoint: str, seconds: float, why: str) -> None:
        logger.info("xero %s: %s; trying again in %.1f s", endpoint, why, seconds)
        with self._guard:
            self._slept += seconds
        if seconds > 0:
            self._sleep(seconds)

    def _backoff(self, retry: int) -> float:
        ceiling = min(self.policy.backoff_cap, self.policy.backoff_base * 2.0 ** (retry - 1))
        return self._jitter() * ceiling

    def _send(
        self,
        endpoint: str,
        query: str,
        method: Callable[..., Any],
        *args: Any,
        idempotency_key: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """One logical request: attempts, waits and translation into the project's errors.

        A GET, or a write with an Idempotency-Key, may be re-sent after any transient
        failure; another write only when it cannot have reached Xero.
        """
        retry_safe = endpoint.startswith("GET ") or idempotency_key is not None
        if idempotency_key is not None:
            kwargs["idempotency_key"] = idempotency_key

        def call(timeout: tuple[float, float]) -> Any:
            # With the answer's status and headers (the rate limits left), not the data only.
            return method(*args, _request_timeout=timeout, _return_http_data_only=False, **kwargs)

        failures = 0
        limited = 0
        renewed = False
        attempt = 0
        #: Whether some attempt may have reached Xero's work (a timeout, a 5xx, a lost answer).
        in_doubt = False

        def stop(error: XeroError, *, doubt: bool = False) -> XeroError:
            # A XeroUnavailable after tries that all never left (no connection, a name that
            # does not resolve) is unsent; one raised by an attempt itself (a 5xx or a
            # failure of a write not re-sent, TLS) is in doubt.
            error.unsent = not (in_doubt or doubt)
            return error

        while True:
            attempt += 1
            try:
                return self._attempt(endpoint, query, attempt, call, retry_safe=retry_safe)
            except _Retry as retry:
                in_doubt = in_doubt or not retry.unsent
                if retry.wait is not None:  # a 429 for the minute or calls in flight
                    limited += 1
                    if limited >= self.policy.rate_limit_attempts:
                        raise stop(XeroRateLimited(retry.cause, retry.wait)) from None
                    self._pause(endpoint, retry.wait, f"rate limited ({retry.cause})")
                    continue
                failures += 1
                if failures >= self.policy.attempts:
                    raise stop(XeroUnavailable(endpoint, failures, retry.cause)) from None
                self._pause(endpoint, self._backoff(failures), retry.cause)
            except _Renew as refused:
                if renewed:
                    error = refused.error
                    raise (stop(error) if isinstance(error, XeroError) else error) from None
                renewed = True
                if self._renew is not None:
                    logger.info("xero %s: the access token was refused; renewing it", endpoint)
                    try:
                        self._renew(getattr(self._local, "access_token", None) or "")
                    except XeroError as error:  # could not renew: refused all the same
                        raise stop(error) from None
            except XeroError as error:
                raise stop(error, doubt=isinstance(error, XeroUnavailable)) from None

    def _attempt(
        self,
        endpoint: str,
        query: str,
        attempt: int,
        call: Callable[[tuple[float, float]], Any],
        *,
        retry_safe: bool,
    ) -> Any:
        logger.debug("xero %s %s (attempt %d)", endpoint, query, attempt)
        if self._pacer.day_spent():
            raise XeroDayLimitReached(None)
        wait = self._pacer.before_call(self._monotonic())
        if wait > 0:
            logger.debug("xero %s: the minute's calls are spent; waiting %.1f s", endpoint, wait)
            with self._guard:
                self._slept += wait
            self._sleep(wait)
        answered: Mapping[str, str] = {}
        refused = False
        started = self._monotonic()
        try:
            try:
                with self._slots:
                    result, _, headers = call(self._timeout())
            except AccessTokenExpiredError:  # refused by the SDK before any request went out
                refused = True
                raise XeroAuthError(
                    "the Xero access token has expired and could not be renewed. Run "
                    "`socket xero connect` to connect again.",
                    problem="TokenExpired",
                ) from None
            except HTTPStatusException as error:
                self._count(endpoint)
                failure = HttpFailure.of(error)
                answered, refused = failure.headers, failure.status == 429
                self._log_answer(endpoint, failure.status, started)
                raise self._failed(endpoint, failure, retry_safe) from None
            except urllib3.exceptions.HTTPError as error:
                self._count(endpoint)
                refused = _never_sent(error)
                elapsed = (self._monotonic() - started) * 1000
                cause = _network_cause(error)
                logger.debug("xero %s failed after %.0f ms: %s", endpoint, elapsed, cause)
                if retry_safe or _never_sent(error):
                    raise _Retry(cause, unsent=_never_sent(error)) from None
                raise XeroUnavailable(endpoint, attempt, f"{cause}; not re-sent") from None
            except ApiException as error:  # TLS, or a request the SDK could not prepare
                self._count(endpoint)
                raise XeroUnavailable(endpoint, attempt, type(error).__name__) from None
            except (ValueError, TypeError):
                # A 2xx whose body is not what Xero sends (HTML from a proxy, JSON cut
                # short, nothing): the SDK cannot read it. The request reached something
                # that answered, so for a write it is in doubt, as after a lost answer.
                self._count(endpoint)
                logger.debug("xero %s: the answer could not be read", endpoint)
                cause = "its answer could not be read"
                if retry_safe:
                    raise _Retry(cause) from None
                raise XeroUnavailable(endpoint, attempt, f"{cause}; not re-sent") from None
            answered = {str(k).lower(): str(v) for k, v in dict(headers or {}).items()}
        finally:
            self._pacer.answered(self._monotonic(), answered, refused=refused)
        self._count(endpoint)
        self._log_answer(endpoint, 200, started)
        return result

    def _count(self, endpoint: str) -> None:
        with self._guard:
            self._counts[endpoint] += 1

    def _log_answer(self, endpoint: str, status: int, started: float) -> None:
        elapsed = (self._monotonic() - started) * 1000
        logger.debug("xero %s -> %d in %.0f ms", endpoint, status, elapsed)

    def _failed(self, endpoint: str, failure: HttpFailure, retry_safe: bool) -> Exception:
        status = failure.status
        if status == 429:
            problem = failure.rate_limit_problem or "minute"
            wait = failure.retry_after()
            if problem == "day":
                return XeroDayLimitReached(wait)
            if wait is not None and wait > self.policy.longest_wait:
                return XeroRateLimited(problem, wait)
            return _Retry(problem, wait if wait is not None else self._backoff(1))
        if status == 401 and self._renewable(failure):
            return _Renew(request_error(failure, endpoint))
        if status == 409 and retry_safe:
            return _Retry("409 conflict: the request is still being processed")
        if status >= 500 and status != 501:
            if retry_safe:
                return _Retry(f"HTTP {status}")
            return XeroUnavailable(endpoint, 1, f"HTTP {status}; not re-sent")
        if status >= 500:
            return XeroUnavailable(endpoint, 1, f"HTTP {status}")
        return request_error(failure, endpoint)

    def _renewable(self, failure: HttpFailure) -> bool:
        """Whether a 401 is worth one more try with a renewed token: with `renew`, any 401
        but a missing permission; without, a TokenExpired when the token source already
        gives another access token than the one refused."""
        if "AuthorizationUnsuccessful" in failure.body.decode("utf-8", errors="replace"):
            return False
        if self._renew is not None:
            return True
        if not failure.token_expired:
            return False
        used = getattr(self._local, "access_token", None)
        fresh = sdk_token(self._token_source()).get("access_token")
        return bool(fresh) and fresh != used


class _Renew(Exception):
    """Xero refused the access token: renew it and try once more (else raise `error`)."""

    def __init__(self, error: Exception) -> None:
        super().__init__("renew")
        self.error = error


def _never_sent(error: Exception) -> bool:
    """Failures where the request cannot have reached Xero."""
    return isinstance(
        error, urllib3.exceptions.ConnectTimeoutError | urllib3.exceptions.NewConnectionError
    )


def _network_cause(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return "timed out waiting for the answer"
    if isinstance(error, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too
        return "could not connect"
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
        return "timed out connecting"
    if isinstance(error, urllib3.exceptions.ProtocolError):
        return "the connection was dropped"
    return type(error).__name__


if TYPE_CHECKING:

    def _implements_the_port(gateway: XeroPythonGateway) -> XeroGateway:
        return gateway  # mypy checks that the gateway is what the services expect

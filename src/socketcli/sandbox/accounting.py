"""The Accounting API (https://api.xero.com/api.xro/2.0) of the sandbox Xero.

Contacts, Accounts, BrandingThemes, TrackingCategories, TaxRates, Organisation and Invoices,
in the shapes of Xero's OpenAPI spec (xero_accounting.yaml): the same paths, query
parameters, JSON field names, `/Date(...)/` timestamps and ValidationException bodies.
Authentication, the tenant header, rate limits, faults and Idempotency-Key are the caller's
(`socketcli.sandbox.app`); here each handler gets one organisation and answers one request.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from socketcli.sandbox.jsonfmt import (
    ms_date,
    ms_date_of_day,
    parse_day,
    parse_moment,
    parse_ms_date,
    to_decimal,
    truncate_ms,
)
from socketcli.sandbox.state import Organisation, Records
from socketcli.sandbox.where import WhereError, where_filter
from socketcli.sandbox.wire import (
    Request,
    Response,
    bad_post_data,
    json_response,
    not_found,
    unauthorized,
    validation_error,
    xero_error,
)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
EMPTY_ID = "00000000-0000-0000-0000-000000000000"
CENT = Decimal("0.01")

#: Scopes that allow reading / writing each resource (the spec's, plus the granular
#: scopes of apps created from March 2026).
_READ = {
    "contacts": {"accounting.contacts", "accounting.contacts.read"},
    "settings": {"accounting.settings", "accounting.settings.read"},
    "invoices": {
        "accounting.transactions",
        "accounting.transactions.read",
        "accounting.invoices",
        "accounting.invoices.read",
    },
}
_WRITE = {
    "contacts": {"accounting.contacts"},
    "settings": {"accounting.settings"},
    "invoices": {"accounting.transactions", "accounting.invoices"},
}


@dataclass
class Context:
    """One request's organisation, moment and caller."""

    organisation: Organisation
    now: datetime
    provider: str
    scopes: frozenset[str]
    #: The calling app's client id (createdByMyApp, and who made an invoice).
    client_id: str = ""


@dataclass
class Outcome:
    response: Response
    changed: bool = False


def envelope(ctx: Context, key: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": ctx.provider,
        "DateTimeUTC": ms_date(ctx.now),
    }
    payload.update(extra)
    payload[key] = items
    return payload


def handle(ctx: Context, request: Request, parts: list[str]) -> Outcome:
    """Answer `request` for `parts` of the path after /api.xro/2.0 (e.g. ["Contacts", id])."""
    resource = parts[0].lower() if parts else ""
    rest = parts[1:]
    method = request.method
    routes: dict[str, tuple[str, Callable[[Context, Request, list[str]], Outcome]]] = {
        "contacts": ("contacts", _contacts),
        "accounts": ("settings", _accounts),
        "brandingthemes": ("settings", _branding_themes),
        "trackingcategories": ("settings", _tracking_categories),
        "taxrates": ("settings", _tax_rates),
        "organisation": ("settings", _organisation),
        "invoices": ("invoices", _invoices),
    }
    found = routes.get(resource)
    if found is None:
        return Outcome(not_found())
    area, handler = found
    allowed = _READ[area] if method == "GET" else _WRITE[area]
    if not allowed & ctx.scopes:
        return Outcome(unauthorized("AuthorizationUnsuccessful"))
    if method not in ("GET", "PUT", "POST"):
        return Outcome(Response(405, headers=[("Allow", "GET, PUT, POST")]))
    try:
        return handler(ctx, request, rest)
    except WhereError as refused:
        return Outcome(xero_error(400, 16, "QueryParseException", str(refused)))


# -- shared helpers ------------------------------------------------------------------------


def name_key(name: str) -> str:
    """Contact names are unique among active contacts, ignoring case and repeated spaces."""
    return " ".join(name.split()).casefold()


def updated_at(record: Mapping[str, Any]) -> datetime | None:
    value = record.get("UpdatedDateUTC")
    return parse_ms_date(value) if isinstance(value, str) else None


def _modified_since(request: Request) -> datetime | None:
    value = request.header("If-Modified-Since")
    return parse_moment(value) if value else None


def _later_than(records: Iterable[dict[str, Any]], since: datetime | None) -> list[dict[str, Any]]:
    if since is None:
        return list(records)
    since = truncate_ms(since) if since.microsecond % 1000 else since
    out = []
    for record in records:
        moment = updated_at(record)
        if moment is None or moment > since:
            out.append(record)
    return out


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, value)
    number = to_decimal(value) if not isinstance(value, str) else None
    if number is not None:
        return (2, number)
    if isinstance(value, str):
        moment = parse_ms_date(value)
        if moment is not None:
            return (3, moment)
        return (4, value.casefold())
    return (5, str(value))


def ordered(
    records: list[dict[str, Any]], order: str | None, default: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    """Records in Xero's `order` (`Name ASC`, `UpdatedDateUTC DESC`), else in `default` order."""
    if order:
        words = order.split()
        field_name = words[0]
        descending = len(words) > 1 and words[1].upper() == "DESC"
        return sorted(records, key=lambda r: _sort_key(r.get(field_name)), reverse=descending)
    return sorted(records, key=default)


def _ids(request: Request, name: str) -> set[str] | None:
    raw = request.param(name)
    if raw is None:
        return None
    return {part.strip().strip('"').lower() for part in raw.split(",") if part.strip()}


def _paged(
    request: Request, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, int] | None]:
    """The page asked for with `page` (1-based) and `pageSize`; everything when there is no page."""
    raw_page = request.param("page")
    if raw_page is None:
        return records, None
    try:
        page = max(1, int(raw_page))
    except ValueError:
        page = 1
    try:
        size = int(request.param("pageSize") or DEFAULT_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = min(max(1, size), MAX_PAGE_SIZE)
    count = len(records)
    start = (page - 1) * size
    pagination = {
        "page": page,
        "pageSize": size,
        "pageCount": math.ceil(count / size),
        "itemCount": count,
    }
    return records[start : start + size], pagination


def _elements(body: Any, key: str) -> list[Any] | None:
    """The objects of a PUT/POST body: {"Contacts": [...]}, [...] or one object."""
    if isinstance(body, dict):
        if key in body:
            items = body[key]
            return items if isinstance(items, list) else None
        return [body]
    if isinstance(body, list):
        return body
    return None


def _read_body(request: Request, key: str) -> list[Any] | Response:
    try:
        body = request.json()
    except ValueError:
        return bad_post_data("The request body could not be parsed as JSON")
    items = _elements(body, key)
    if items is None or not all(isinstance(item, dict) for item in items):
        return bad_post_data(f"The request body must hold {key}: a list of objects")
    if not items:
        return bad_post_data(f"The request body holds no {key}")
    return items


# -- Contacts ------------------------------------------------------------------------------

#: Contact fields a client may set (read-only ones such as IsCustomer, Balances and
#: UpdatedDateUTC are ignored, as Xero ignores them).
CONTACT_FIELDS = (
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "CompanyNumber",
    "EmailAddress",
    "ContactPersons",
    "BankAccountDetails",
    "TaxNumber",
    "TaxNumberType",
    "AccountsReceivableTaxType",
    "AccountsPayableTaxType",
    "Addresses",
    "Phones",
    "SalesDefaultLineAmountType",
    "PurchasesDefaultLineAmountType",
    "DefaultCurrency",
    "XeroNetworkKey",
    "SalesDefaultAccountCode",
    "PurchasesDefaultAccountCode",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
    "TrackingCategoryName",
    "TrackingCategoryOption",
    "PaymentTerms",
    "Website",
    "Discount",
)
_MAX_LENGTH = {
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "EmailAddress": 255,
    "ContactNumber": 50,
    "AccountNumber": 50,
    "CompanyNumber": 50,
    "TaxNumber": 50,
}
_STATUSES = ("ACTIVE", "ARCHIVED", "GDPRREQUEST")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: What summaryOnly=true leaves out of a contact.
_HEAVY = (
    "Addresses",
    "Phones",
    "ContactPersons",
    "ContactGroups",
    "PaymentTerms",
    "Balances",
    "BatchPayments",
    "BankAccountDetails",
)


def new_contact(
    fields: Mapping[str, Any], now: datetime, contact_id: str | None = None
) -> dict[str, Any]:
    """A contact as Xero keeps it, from the fields a client sent (or a seed gave)."""
    record: dict[str, Any] = {
        "ContactID": contact_id or str(uuid.uuid4()),
        "ContactStatus": "ACTIVE",
    }
    for key in CONTACT_FIELDS:
        if key in fields and fields[key] is not None:
            record[key] = fields[key]
    record.setdefault("Name", "")
    record.setdefault("BankAccountDetails", "")
    record.setdefault("Addresses", [{"AddressType": "STREET"}, {"AddressType": "POBOX"}])
    record.setdefault(
        "Phones",
        [{"PhoneType": kind} for kind in ("DEFAULT", "DDI", "FAX", "MOBILE")],
    )
    record["UpdatedDateUTC"] = ms_date(now)
    record["ContactGroups"] = []
    record["IsSupplier"] = bool(fields.get("IsSupplier", False))
    record["IsCustomer"] = bool(fields.get("IsCustomer", False))
    record.setdefault("ContactPersons", [])
    record["HasAttachments"] = False
    record["HasValidationErrors"] = False
    return record


def contact_problems(record: Mapping[str, Any]) -> list[str]:
    problems = []
    name = record.get("Name")
    if not isinstance(name, str) or not name.strip():
        problems.append("The contact name must be specified.")
    for key, limit in _MAX_LENGTH.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"The {key} must be text.")
        elif len(value) > limit:
            problems.append(f"The {key} must be {limit} characters or less.")
    if record.get("ContactStatus") not in _STATUSES:
        problems.append(f"The ContactStatus must be one of {', '.join(_STATUSES)}.")
    email = record.get("EmailAddress")
    if isinstance(email, str) and email and not _EMAIL.match(email):
        problems.append("Email address must be valid.")
    return problems


def duplicate_name_message(name: str) -> str:
    return (
        f"The contact name {name} is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )


#: The derived index of active contacts' names (name_key -> ContactID).
_ACTIVE_NAMES = "active names"
#: The derived set of ACCREC invoice numbers in use (casefolded).
_NUMBERS = "sales invoice numbers"


class ContactBook:
    """The organisation's contacts with a batch's pending changes laid over them."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.pending: dict[str, dict[str, Any]] = {}
        self._by_lower: dict[str, dict[str, Any]] | None = None
        contacts = organisation.contacts
        known = contacts.derived(_ACTIVE_NAMES) if isinstance(contacts, Records) else None
        if known is None:
            known = {}
            for record in contacts.values():
                if record.get("ContactStatus") == "ACTIVE":
                    known.setdefault(name_key(str(record.get("Name", ""))), record["ContactID"])
            if isinstance(contacts, Records):
                contacts.derive(_ACTIVE_NAMES, known)
        self._active_names: dict[str, str] = dict(known)

    def get(self, contact_id: str) -> dict[str, Any] | None:
        wanted = contact_id.strip().lower()
        found = self.pending.get(wanted)
        if found is not None:
            return found
        found = self.organisation.contacts.get(wanted)
        if found is not None:
            return found
        if self._by_lower is None:  # once a batch, not once a contact: a new id is never found
            self._by_lower = {key.lower(): c for key, c in self.organisation.contacts.items()}
        return self._by_lower.get(wanted)

    def by_number(self, number: str) -> dict[str, Any] | None:
        everything = {**self.organisation.contacts, **self.pending}
        return next((c for c in everything.values() if c.get("ContactNumber") == number), None)

    def active_named(self, name: str) -> dict[str, Any] | None:
        owner = self._active_names.get(name_key(name))
        return None if owner is None else self.get(owner)

    def name_taken(self, record: Mapping[str, Any]) -> bool:
        if record.get("ContactStatus") != "ACTIVE":
            return False
        owner = self._active_names.get(name_key(str(record.get("Name", ""))))
        return owner is not None and owner != record["ContactID"]

    def put(self, record: dict[str, Any]) -> None:
        contact_id = record["ContactID"]
        previous = self.pending.get(contact_id) or self.organisation.contacts.get(contact_id)
        if previous is not None and previous.get("ContactStatus") == "ACTIVE":
            key = name_key(str(previous.get("Name", "")))
            if self._active_names.get(key) == record["ContactID"]:
                del self._active_names[key]
        if record.get("ContactStatus") == "ACTIVE":
            self._active_names[name_key(str(record.get("Name", "")))] = record["ContactID"]
        self.pending[record["ContactID"]] = record

    def commit(self) -> None:
        contacts = self.organisation.contacts
        for contact_id, record in self.pending.items():
            contacts[contact_id] = record
        self.pending.clear()
        if isinstance(contacts, Records):  # the index as it now stands, for the next batch
            contacts.derive(_ACTIVE_NAMES, dict(self._active_names))


def upsert_contacts(
    organisation: Organisation,
    items: list[dict[str, Any]],
    now: datetime,
    *,
    summarize: bool = True,
    contact_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Create or update contacts: (results, failed elements, whether anything was saved).

    With `summarize` (Xero's default) one failing element fails the batch and nothing is
    saved; without it the good ones are saved and the failing ones come back with their
    ValidationErrors.
    """
    book = ContactBook(organisation)
    results: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for item in items:
        wanted_id = contact_id or item.get("ContactID")
        existing = book.get(str(wanted_id)) if wanted_id else None
        problems: list[str] = []
        if wanted_id and existing is None:
            problems.append(f"The contact with ContactID {wanted_id} could not be found.")
            record = {**item}
        elif existing is not None:
            record = {**existing}
            for key in CONTACT_FIELDS:
                if key in item:
                    record[key] = item[key]
            record["UpdatedDateUTC"] = ms_date(now)
        else:
            record = new_contact({k: item[k] for k in CONTACT_FIELDS if k in item}, now)
        if not problems:
            problems = contact_problems(record)
        if not problems and book.name_taken(record):
            problems.append(duplicate_name_message(str(record.get("Name", ""))))
        if problems:
            element = {
                **item,
                "ContactID": record.get("ContactID") or EMPTY_ID,
                "ValidationErrors": [{"Message": message} for message in problems],
            }
            failed.append(element)
            results.append(
                {**element, "HasValidationErrors": True, "StatusAttributeString": "ERROR"}
            )
            continue
        book.put(record)
        results.append(record)
    if failed and summarize:
        return results, failed, False
    saved = bool(book.pending)
    book.commit()
    if not summarize:
        results = [
            r if r.get("HasValidationErrors") else {**r, "StatusAttributeString": "OK"}
            for r in results
        ]
    return results, failed, saved


def merge_contact(
    organisation: Organisation, source_id: str, into_id: str, now: datetime
) -> dict[str, Any]:
    """Merge one contact into another as a person does in Xero (no API call can): the source
    is archived and names its destination in MergedToContactID."""
    book = ContactBook(organisation)
    source, into = book.get(source_id), book.get(into_id)
    if source is None or into is None or source is into:
        raise ValueError(f"cannot merge contact {source_id} into {into_id}")
    record = {
        **source,
        "ContactStatus": "ARCHIVED",
        "MergedToContactID": into["ContactID"],
        "UpdatedDateUTC": ms_date(now),
    }
    book.put(record)
    book.commit()
    return record


def _contact_view(
    record: dict[str, Any], summary: bool = False, *, merge: bool = False
) -> dict[str, Any]:
    """What a contact shows: without the heavy fields for `summary`, and with MergedToContactID
    only for `merge` (Xero sends it in a paged list or for one contact asked for)."""
    hidden = (_HEAVY if summary else ()) + (() if merge else ("MergedToContactID",))
    if not any(key in record for key in hidden):
        return record
    return {k: v for k, v in record.items() if k not in hidden}


def _contacts(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    organisation = ctx.organisation
    if request.method == "GET":
        if rest:
            book = ContactBook(organisation)
            found = book.get(rest[0]) or book.by_number(rest[0])
            if found is None:
                return Outcome(not_found())
            return Outcome(json_response(200, envelope(ctx, "Contacts", [found])))
        records = list(organisation.contacts.values())
        if not request.flag("includeArchived"):
            records = [r for r in records if r.get("ContactStatus") != "ARCHIVED"]
        records = _later_than(records, _modified_since(request))
        wanted = _ids(request, "IDs")
        if wanted is not None:
            records = [r for r in records if str(r["ContactID"]).lower() in wanted]
        term = (request.param("searchTerm") or "").strip().casefold()
        if term:
            searched = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
            records = [
                r for r in records if any(term in str(r.get(k) or "").casefold() for k in searched)
            ]
        records = list(filter(where_filter(request.param("where"), "Contact"), records))
        records = ordered(
            records,
            request.param("order"),
            lambda r: (name_key(str(r.get("Name", ""))), r["ContactID"]),
        )
        page, pagination = _paged(request, records)
        summary = request.flag("summaryOnly")
        views = [_contact_view(r, summary, merge=pagination is not None) for r in page]
        extra = {"pagination": pagination} if pagination is not None else {}
        return Outcome(json_response(200, envelope(ctx, "Contacts", views, **extra)))
    if len(rest) > 1:
        return Outcome(not_found())
    items = _read_body(request, "Contacts")
    if isinstance(items, Response):
        return Outcome(items)
    summarize = (request.param("summarizeErrors") or "true").strip().lower() != "false"
    results, failed, saved = upsert_contacts(
        organisation, items, ctx.now, summarize=summarize, contact_id=rest[0] if rest else None
    )
    if failed and summarize:
        return Outcome(validation_error(failed))
    views = [_contact_view(r) for r in results]
    return Outcome(json_response(200, envelope(ctx, "Contacts", views)), changed=saved)


# -- settings: Accounts, BrandingThemes, TrackingCategories, TaxRates, Organisation ---------


def _accounts(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    if request.method != "GET":
        return Outcome(Response(405, headers=[("Allow", "GET")]))
    records = ctx.organisation.accounts
    if rest:
        found = [a for a in records if str(a.get("AccountID", "")).lower() == rest[0].lower()]
        if not found:
            return Outcome(not_found())
        return Outcome(json_response(200, envelope(ctx, "Accounts", found)))
    chosen = _later_than(records, _modified_since(request))
    chosen = list(filter(where_filter(request.param("where"), "Account"), chosen))
    chosen = ordered(chosen, request.param("order"), lambda a: str(a.get("Code", "")))
    return Outcome(json_response(200, envelope(ctx, "Accounts", chosen)))


def _branding_themes(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    if request.method != "GET":
        return Outcome(Response(405, headers=[("Allow", "GET")]))
    themes = sorted(ctx.organisation.branding_themes, key=lambda t: int(t.get("SortOrder", 0)))
    if rest:
        themes = [t for t in themes if str(t.get("BrandingThemeID", "")).lower() == rest[0].lower()]
        if not themes:
            return Outcome(not_found())
    return Outcome(json_response(200, envelope(ctx, "BrandingThemes", themes)))


def _tracking_categories(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    if request.method != "GET":
        return Outcome(Response(405, headers=[("Allow", "GET")]))
    include_archived = request.flag("includeArchived")
    categories = []
    for category in ctx.organisation.tracking_categories:
        if category.get("Status") != "ACTIVE" and not include_archived:
            continue
        options = [
            o
            for o in category.get("Options", [])
            if include_archived or o.get("Status") == "ACTIVE"
        ]
        categories.append({**category, "Options": options})
    if rest:
        categories = [
            c for c in categories if str(c["TrackingCategoryID"]).lower() == rest[0].lower()
        ]
        if not categories:
            return Outcome(not_found())
    categories = list(filter(where_filter(request.param("where"), "TrackingCategory"), categories))
    categories = ordered(
        categories, request.param("order"), lambda c: str(c.get("Name", "")).casefold()
    )
    return Outcome(json_response(200, envelope(ctx, "TrackingCategories", categories)))


def _tax_rates(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    if request.method != "GET":
        return Outcome(Response(405, headers=[("Allow", "GET")]))
    rates = list(
        filter(where_filter(request.param("where"), "TaxRate"), ctx.organisation.tax_rates)
    )
    wanted = request.param("TaxType")
    if wanted:
        rates = [r for r in rates if r.get("TaxType") == wanted]
    return Outcome(json_response(200, envelope(ctx, "TaxRates", rates)))


def organisation_record(organisation: Organisation) -> dict[str, Any]:
    return {
        "OrganisationID": organisation.tenant_id,
        "Name": organisation.name,
        "LegalName": organisation.name,
        "PaysTax": True,
        "Version": "UK" if organisation.country_code == "GB" else organisation.country_code,
        "OrganisationType": "COMPANY",
        "BaseCurrency": organisation.base_currency,
        "CountryCode": organisation.country_code,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "CreatedDateUTC": ms_date(organisation.created),
        "Timezone": "GMTSTANDARDTIME",
        "OrganisationEntityType": "COMPANY",
        "ShortCode": organisation.short_code,
        "Class": "PREMIUM",
        "Edition": "BUSINESS",
    }


def _organisation(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    if request.method != "GET" or rest:
        return Outcome(not_found())
    return Outcome(
        json_response(200, envelope(ctx, "Organisations", [organisation_record(ctx.organisation)]))
    )


# -- Invoices ------------------------------------------------------------------------------

#: Xero's answer to an invoice approved beyond the plan's monthly allowance.
APPROVAL_LIMIT_MESSAGE = "You have reached the limit of invoices you can approve"
_INVOICE_TYPES = ("ACCREC", "ACCPAY")
_CREATABLE = ("DRAFT", "SUBMITTED", "AUTHORISED")
_LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
_INVOICE_FIELDS = (
    "Type",
    "Contact",
    "LineItems",
    "Date",
    "DueDate",
    "LineAmountTypes",
    "InvoiceNumber",
    "Reference",
    "BrandingThemeID",
    "Url",
    "CurrencyCode",
    "Status",
    "SentToContact",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
)


def approval_month(moment: datetime) -> str:
    """The month an approval counts in, "2026-12" (the sandbox clock's, in UTC)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class InvoiceBuilder:
    """Validates one invoice element and computes it exactly, as Xero does."""

    def __init__(
        self, organisation: Organisation, book: ContactBook, now: datetime, unit_places: int
    ) -> None:
        self.organisation = organisation
        self.book = book
        self.now = now
        self.unit_quantum = Decimal(1).scaleb(-unit_places)
        self.accounts = {str(a.get("Code")): a for a in organisation.accounts if a.get("Code")}
        self.rates = {str(r.get("TaxType")): r for r in organisation.tax_rates}
        self.themes = {str(t.get("BrandingThemeID")).lower() for t in organisation.branding_themes}
        #: Invoices this batch approves (AUTHORISED), counted against the monthly cap.
        self.approved = 0

    def approvals_left(self) -> int:
        """How many more invoices the organisation's plan lets it approve this month."""
        cap = self.organisation.approval_cap
        if cap is None:
            return 1
        return cap - self.organisation.approvals.get(approval_month(self.now), 0) - self.approved

    def build(
        self, item: Mapping[str, Any], existing: dict[str, Any] | None, numbers: set[str]
    ) -> tuple[dict[str, Any], list[str]]:
        problems: list[str] = []
        merged: dict[str, Any] = dict(existing or {})
        for key in _INVOICE_FIELDS:
            if key in item and item[key] is not None:
                merged[key] = item[key]
        kind = merged.get("Type")
        if kind not in _INVOICE_TYPES:
            problems.append(
                "Invoice Type must be ACCREC or ACCPAY."
                if kind
                else "Invoice Type must be specified."
            )
        status = str(merged.get("Status") or "DRAFT").upper()
        if existing is None and status not in _CREATABLE:
            problems.append("Invoice not of valid status for creation")
        if existing is not None and not _may_become(str(existing.get("Status")), status):
            problems.append("Invoice not of valid status for modification")
        amount_types = merged.get("LineAmountTypes") or "Exclusive"
        if amount_types not in _LINE_AMOUNT_TYPES:
            problems.append(f"LineAmountTypes must be one of {', '.join(_LINE_AMOUNT_TYPES)}.")
            amount_types = "Exclusive"
        currency = merged.get("CurrencyCode") or self.organisation.base_currency
        if currency != self.organisation.base_currency:
            problems.append(f"The currency {currency} is not enabled for this organisation.")

        contact, contact_problems_found, new_record = self._contact(merged.get("Contact"))
        problems.extend(contact_problems_found)

        day = parse_day(merged.get("Date")) if merged.get("Date") else self.now.date()
        if day is None:
            problems.append("The Date is not a valid date.")
        due: date | None = None
        if merged.get("DueDate"):
            due = parse_day(merged.get("DueDate"))
            if due is None:
                problems.append("The DueDate is not a valid date.")
        elif status in ("SUBMITTED", "AUTHORISED"):
            problems.append("Due Date is required.")

        number = merged.get("InvoiceNumber")
        if number is not None and not isinstance(number, str):
            problems.append("The InvoiceNumber must be text.")
        if (
            kind == "ACCREC"
            and isinstance(number, str)
            and number
            and number.casefold() in numbers
            and (
                existing is None
                or str(existing.get("InvoiceNumber", "")).casefold() != number.casefold()
            )
        ):
            problems.append("Invoice # must be unique.")
        reference = merged.get("Reference")
        if reference is not None and (not isinstance(reference, str) or len(reference) > 255):
            problems.append("The Reference must be text of 255 characters or less.")
        theme = merged.get("BrandingThemeID")
        if theme is not None and str(theme).lower() not in self.themes:
            problems.append(f"The BrandingThemeID {theme} is not a valid branding theme.")

        raw_lines = merged.get("LineItems") or []
        if not isinstance(raw_lines, list):
            problems.append("LineItems must be a list.")
            raw_lines = []
        if not raw_lines and status in ("SUBMITTED", "AUTHORISED"):
            problems.append("Invoices must have at least one line item.")
        lines = []
        for raw in raw_lines:
            line, line_problems = self._line(
                raw, amount_types, approving=status in ("SUBMITTED", "AUTHORISED")
            )
            lines.append(line)
            problems.extend(line_problems)
        approving = status == "AUTHORISED" and (existing or {}).get("Status") != "AUTHORISED"
        if approving and not problems:
            if self.approvals_left() <= 0:
                problems.append(APPROVAL_LIMIT_MESSAGE)
            else:
                self.approved += 1
        # A refused invoice is computed all the same: Xero answers it in full, with its errors.
        if not problems and kind == "ACCREC" and not number:
            number = self._next_number(numbers)
        if not problems and new_record is not None:
            # A new name: Xero creates the contact with the invoice.
            self.book.put(new_record)

        subtotal = sum((line.get("LineAmount", Decimal("0")) for line in lines), Decimal("0"))
        tax = sum((line.get("TaxAmount", Decimal("0")) for line in lines), Decimal("0"))
        discount = sum((line.pop("_discount", Decimal("0")) for line in lines), Decimal("0"))
        if amount_types == "Inclusive":
            total = subtotal
            subtotal = total - tax
        else:
            total = subtotal + tax
        paid = Decimal("0.00")
        record: dict[str, Any] = {
            "Type": kind,
            "InvoiceID": existing["InvoiceID"] if existing else str(uuid.uuid4()),
            "InvoiceNumber": number or "",
            "Reference": reference or "",
            "Payments": [],
            "CreditNotes": [],
            "Prepayments": [],
            "Overpayments": [],
            "AmountDue": _money(total - paid) if status != "VOIDED" else Decimal("0.00"),
            "AmountPaid": paid,
            "AmountCredited": Decimal("0.00"),
            "CurrencyRate": Decimal("1.000000"),
            "IsDiscounted": discount > 0,
            "HasAttachments": False,
            "HasErrors": False,
            "Contact": contact,
            "Status": status,
            "LineAmountTypes": amount_types,
            "LineItems": lines,
            "SubTotal": _money(subtotal),
            "TotalTax": _money(tax),
            "Total": _money(total),
            "TotalDiscount": _money(discount),
            "UpdatedDateUTC": ms_date(self.now),
            "CurrencyCode": currency,
            "SentToContact": bool(merged.get("SentToContact", False)),
        }
        if day is not None:
            record["DateString"] = f"{day}T00:00:00"
            record["Date"] = ms_date_of_day(day)
        if due is not None:
            record["DueDateString"] = f"{due}T00:00:00"
            record["DueDate"] = ms_date_of_day(due)
        if theme is not None:
            record["BrandingThemeID"] = str(theme)
        if merged.get("Url"):
            record["Url"] = merged["Url"]
        for key in ("ExpectedPaymentDate", "PlannedPaymentDate"):
            moment = parse_day(merged.get(key)) if merged.get(key) else None
            if moment is not None:
                record[key] = ms_date_of_day(moment)
        return record, problems

    def _next_number(self, numbers: set[str]) -> str:
        while True:
            candidate = f"INV-{self.organisation.next_invoice_number:04d}"
            self.organisation.next_invoice_number += 1
            if candidate.casefold() not in numbers:
                return candidate

    def _contact(self, given: Any) -> tuple[dict[str, Any], list[str], dict[str, Any] | None]:
        """The invoice's contact (by ContactID, active Name or ContactNumber), or a new one to make."""
        if not isinstance(given, dict) or not any(
            given.get(k) for k in ("ContactID", "Name", "ContactNumber")
        ):
            return {}, ["A Contact must be specified for this type of transaction"], None
        found: dict[str, Any] | None = None
        if given.get("ContactID"):
            found = self.book.get(str(given["ContactID"]))
            if found is None:
                return (
                    dict(given),
                    [f"The contact with ContactID {given['ContactID']} could not be found."],
                    None,
                )
        elif given.get("Name"):
            found = self.book.active_named(str(given["Name"]))
        if found is None and given.get("ContactNumber"):
            found = self.book.by_number(str(given["ContactNumber"]))
        if found is not None:
            return {"ContactID": found["ContactID"], "Name": found.get("Name", "")}, [], None
        if not given.get("Name"):
            return (
                dict(given),
                [f"No contact has the ContactNumber {given.get('ContactNumber')}."],
                None,
            )
        made = new_contact({k: given[k] for k in CONTACT_FIELDS if k in given}, self.now)
        problems = contact_problems(made)
        if problems:
            return dict(given), problems, None
        return {"ContactID": made["ContactID"], "Name": made.get("Name", "")}, [], made

    def _line(
        self, raw: Any, amount_types: str, *, approving: bool
    ) -> tuple[dict[str, Any], list[str]]:
        problems: list[str] = []
        if not isinstance(raw, dict):
            return {}, ["Each line item must be an object."]
        description = raw.get("Description")
        if not (isinstance(description, str) and description.strip()) and not raw.get("ItemCode"):
            problems.append("The description field is mandatory for each line item.")
        quantity = to_decimal(raw.get("Quantity"))
        unit = to_decimal(raw.get("UnitAmount"))
        given_amount = to_decimal(raw.get("LineAmount"))
        rate = to_decimal(raw.get("DiscountRate")) or Decimal("0")
        if quantity is None:
            quantity = (
                Decimal("1") if (unit is not None or given_amount is not None) else Decimal("0")
            )
        quantity = quantity.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if unit is None and given_amount is not None and quantity:
            unit = given_amount / quantity
        unit = (unit or Decimal("0")).quantize(self.unit_quantum, rounding=ROUND_HALF_UP)
        gross = quantity * unit
        amount = _money(gross * (Decimal(100) - rate) / Decimal(100))
        if given_amount is not None and abs(_money(given_amount) - amount) > CENT:
            problems.append(
                f"The line total {_money(given_amount)} does not match the expected line total {amount}"
            )

        line: dict[str, Any] = {"LineItemID": str(raw.get("LineItemID") or uuid.uuid4())}
        if description is not None:
            line["Description"] = description
        line["Quantity"] = quantity
        line["UnitAmount"] = unit
        if raw.get("ItemCode"):
            line["ItemCode"] = raw["ItemCode"]
        code = raw.get("AccountCode")
        account = None
        if code is not None:
            account = self.accounts.get(str(code))
            if account is None:
                problems.append(f"Account code '{code}' is not a valid code for this document.")
            elif account.get("Status") != "ACTIVE":
                problems.append(
                    f"Account code '{code}' has been archived, or has been deleted. "
                    "Each line item must reference a valid account."
                )
            else:
                line["AccountCode"] = str(code)
                line["AccountID"] = account["AccountID"]
        elif approving:
            problems.append("An account code must be specified for each line item.")
        tax_type = raw.get("TaxType") or (account or {}).get("TaxType") or "NONE"
        if amount_types == "NoTax":
            tax_type = "NONE"
        tax_rate = self.rates.get(str(tax_type))
        if tax_rate is None or tax_rate.get("Status") != "ACTIVE":
            problems.append(
                f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction."
            )
            percent = Decimal("0")
        else:
            percent = to_decimal(tax_rate.get("EffectiveRate")) or Decimal("0")
        if amount_types == "Inclusive":
            tax = _money(amount * percent / (Decimal(100) + percent))
        else:
            tax = _money(amount * percent / Decimal(100))
        line["TaxType"] = tax_type
        line["TaxAmount"] = tax
        line["LineAmount"] = amount
        if rate:
            line["DiscountRate"] = rate
        tracking, tracking_problems = self._tracking(raw.get("Tracking"))
        problems.extend(tracking_problems)
        line["Tracking"] = tracking
        line["_discount"] = _money(gross) - amount
        return line, problems

    def _tracking(self, given: Any) -> tuple[list[dict[str, Any]], list[str]]:
        if not given:
            return [], []
        if not isinstance(given, list):
            return [], ["Tracking must be a list."]
        if len(given) > 2:
            return [], ["A line item can have at most 2 tracking categories."]
        out: list[dict[str, Any]] = []
        problems: list[str] = []
        for element in given:
            if not isinstance(element, dict):
                problems.append("Each tracking element must be an object.")
                continue
            category = next(
                (
                    c
                    for c in self.organisation.tracking_categories
                    if c.get("Status") == "ACTIVE"
                    and (
                        str(c.get("TrackingCategoryID")).lower()
                        == str(element.get("TrackingCategoryID", "")).lower()
                        or str(c.get("Name", "")).casefold()
                        == str(element.get("Name", "")).casefold()
                    )
                ),
                None,
            )
            if category is None:
                problems.append(
                    f"The tracking category '{element.get('Name') or element.get('TrackingCategoryID')}' does not exist or is archived."
                )
                continue
            wanted = element.get("Option") or element.get("TrackingOptionID")
            option = next(
                (
                    o
                    for o in category.get("Options", [])
                    if o.get("Status") == "ACTIVE"
                    and (
                        str(o.get("TrackingOptionID")).lower()
                        == str(element.get("TrackingOptionID", "")).lower()
                        or str(o.get("Name", "")).casefold()
                        == str(element.get("Option", "")).casefold()
                    )
                ),
                None,
            )
            if option is None:
                problems.append(
                    f"The tracking option '{wanted}' is not valid for the tracking category '{category.get('Name')}'."
                )
                continue
            out.append(
                {
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "TrackingOptionID": option["TrackingOptionID"],
                    "Name": category["Name"],
                    "Option": option["Name"],
                }
            )
        return out, problems


def _may_become(current: str, wanted: str) -> bool:
    if current in ("DRAFT", "SUBMITTED"):
        return wanted in ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED")
    if current == "AUTHORISED":
        return wanted in ("AUTHORISED", "VOIDED")
    return False


def create_invoices(
    organisation: Organisation,
    items: list[dict[str, Any]],
    now: datetime,
    *,
    summarize: bool = True,
    update: bool = False,
    unit_places: int = 2,
    invoice_id: str | None = None,
    app: str = "",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Create (and with `update`, update) invoices: (results, failed elements, saved).

    A new invoice is recorded as made by `app` (the caller's client id; empty: made in
    Xero itself, nobody's); an update leaves who made it as it was.

    The valid invoices are saved whatever `summarize` says: Xero creates the good ones of a
    batch even when its summarised answer is a 400 naming only the refused ones. A refused
    invoice comes back computed in full, with HasErrors, its ValidationErrors and the
    InvoiceID it was sent with (else the empty GUID).
    """
    book = ContactBook(organisation)
    builder = InvoiceBuilder(organisation, book, now, unit_places)
    invoices = organisation.invoices
    known = invoices.derived(_NUMBERS) if isinstance(invoices, Records) else None
    numbers: set[str] = (
        set(known)
        if known is not None
        else {
            str(i.get("InvoiceNumber", "")).casefold()
            for i in invoices.values()
            if i.get("Type") == "ACCREC" and i.get("InvoiceNumber")
        }
    )
    updated = False
    pending: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for item in items:
        existing = (
            _existing_invoice(organisation, pending, item, invoice_id)
            if (update or invoice_id)
            else None
        )
        problems: list[str] = []
        wanted_id = invoice_id or item.get("InvoiceID")
        if wanted_id and existing is None:
            problems.append(f"The invoice with InvoiceID {wanted_id} could not be found.")
            record: dict[str, Any] = dict(item)
        else:
            record, problems = builder.build(item, existing, numbers)
            updated = updated or existing is not None
        if problems:
            element = {
                **record,
                "InvoiceID": str((existing or {}).get("InvoiceID") or wanted_id or EMPTY_ID),
                "HasErrors": True,
                "ValidationErrors": [{"Message": message} for message in problems],
            }
            failed.append(element)
            results.append({**element, "StatusAttributeString": "ERROR"})
            continue
        if record.get("Type") == "ACCREC" and record.get("InvoiceNumber"):
            numbers.add(str(record["InvoiceNumber"]).casefold())
        pending[record["InvoiceID"]] = record
        results.append(record)
    for record in pending.values():
        contact = book.get(record["Contact"]["ContactID"])
        if contact is not None and record["Type"] == "ACCREC" and not contact.get("IsCustomer"):
            book.put({**contact, "IsCustomer": True})
        elif contact is not None and record["Type"] == "ACCPAY" and not contact.get("IsSupplier"):
            book.put({**contact, "IsSupplier": True})
        if app and record["InvoiceID"] not in organisation.invoices:
            organisation.created_by_app[record["InvoiceID"]] = app
        organisation.invoices[record["InvoiceID"]] = record
    book.commit()
    if isinstance(invoices, Records) and not updated:  # a number changed would linger
        invoices.derive(_NUMBERS, numbers)
    if builder.approved:
        month = approval_month(now)
        organisation.approvals[month] = organisation.approvals.get(month, 0) + builder.approved
    if not summarize:
        results = [
            r if r.get("HasErrors") else {**r, "StatusAttributeString": "OK"} for r in results
        ]
    return (
        [_with_contact(organisation, r) if not r.get("HasErrors") else r for r in results],
        failed,
        bool(pending),
    )


def _existing_invoice(
    organisation: Organisation,
    pending: Mapping[str, dict[str, Any]],
    item: Mapping[str, Any],
    invoice_id: str | None,
) -> dict[str, Any] | None:
    everything = {**organisation.invoices, **pending}
    wanted = invoice_id or item.get("InvoiceID")
    if wanted:
        return next(
            (i for key, i in everything.items() if key.lower() == str(wanted).lower()), None
        )
    number = item.get("InvoiceNumber")
    if number and item.get("Type", "ACCREC") == "ACCREC":
        return next(
            (
                i
                for i in everything.values()
                if i.get("Type") == "ACCREC"
                and str(i.get("InvoiceNumber", "")).casefold() == str(number).casefold()
            ),
            None,
        )
    return None


def _with_contact(
    organisation: Organisation, invoice: dict[str, Any], *, full: bool = True
) -> dict[str, Any]:
    """The invoice with its contact as it is now (full on a single invoice, a summary in lists)."""
    contact_id = invoice.get("Contact", {}).get("ContactID")
    contact = organisation.contacts.get(contact_id) if contact_id else None
    if contact is None:
        return invoice
    if full:
        shown = contact
    else:
        shown = {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}
        if contact.get("ContactNumber"):
            shown["ContactNumber"] = contact["ContactNumber"]
        shown["HasValidationErrors"] = False
    return {**invoice, "Contact": shown}


def _unit_places(request: Request) -> int:
    """The places of a UnitAmount the client works in: 4 with `unitdp=4`, else Xero's 2."""
    return 4 if (request.param("unitdp") or "").strip() == "4" else 2


def _shown_units(invoice: dict[str, Any], places: int) -> dict[str, Any]:
    """The invoice as a client working in `places` sees it: an invoice made with unitdp=4
    keeps its four places, but reads back rounded to two unless the GET sends unitdp=4 too
    (line amounts and totals are as computed, to the penny)."""
    if places == 4:
        return invoice
    quantum = Decimal(1).scaleb(-places)
    lines = []
    for line in invoice.get("LineItems") or []:
        unit = to_decimal(line.get("UnitAmount"))
        if unit is not None and unit != unit.quantize(quantum, rounding=ROUND_HALF_UP):
            line = {**line, "UnitAmount": unit.quantize(quantum, rounding=ROUND_HALF_UP)}
        lines.append(line)
    return {**invoice, "LineItems": lines} if "LineItems" in invoice else invoice


def _invoices(ctx: Context, request: Request, rest: list[str]) -> Outcome:
    organisation = ctx.organisation
    if request.method == "GET":
        if rest:
            wanted = rest[0].lower()
            found = next(
                (
                    i
                    for key, i in organisation.invoices.items()
                    if key.lower() == wanted or str(i.get("InvoiceNumber", "")).lower() == wanted
                ),
                None,
            )
            if found is None:
                return Outcome(not_found())
            shown = _shown_units(_with_contact(organisation, found), _unit_places(request))
            return Outcome(json_response(200, envelope(ctx, "Invoices", [shown])))
        records = list(organisation.invoices.values())
        if request.flag("createdByMyApp"):
            made = organisation.created_by_app
            records = [r for r in records if made.get(r["InvoiceID"]) == ctx.client_id]
        records = _later_than(records, _modified_since(request))
        for name, key in (
            ("IDs", "InvoiceID"),
            ("InvoiceNumbers", "InvoiceNumber"),
            ("Statuses", "Status"),
        ):
            wanted_values = _ids(request, name)
            if wanted_values is not None:
                records = [r for r in records if str(r.get(key, "")).lower() in wanted_values]
        contact_ids = _ids(request, "ContactIDs")
        if contact_ids is not None:
            records = [
                r
                for r in records
                if str(r.get("Contact", {}).get("ContactID", "")).lower() in contact_ids
            ]
        records = list(filter(where_filter(request.param("where"), "Invoice"), records))
        order = {key: index for index, key in enumerate(organisation.invoices)}
        records = ordered(records, request.param("order"), lambda r: order.get(r["InvoiceID"], 0))
        page, pagination = _paged(request, records)
        # As Xero: line items only with paging or the IDs filter (and never with summaryOnly).
        with_lines = (
            pagination is not None or request.param("IDs") is not None
        ) and not request.flag("summaryOnly")
        places = _unit_places(request)
        views = []
        for record in page:
            view = _with_contact(organisation, record, full=False)
            if with_lines:
                view = _shown_units(view, places)
            else:
                view = {k: v for k, v in view.items() if k != "LineItems"}
            views.append(view)
        extra = {"pagination": pagination} if pagination is not None else {}
        return Outcome(json_response(200, envelope(ctx, "Invoices", views, **extra)))
    if len(rest) > 1:
        return Outcome(not_found())
    items = _read_body(request, "Invoices")
    if isinstance(items, Response):
        return Outcome(items)
    summarize = (request.param("summarizeErrors") or "true").strip().lower() != "false"
    results, failed, saved = create_invoices(
        organisation,
        items,
        ctx.now,
        summarize=summarize,
        update=request.method == "POST",
        unit_places=_unit_places(request),
        invoice_id=rest[0] if rest else None,
        app=ctx.client_id,
    )
    if failed and summarize:
        return Outcome(validation_error(failed), changed=saved)
    return Outcome(json_response(200, envelope(ctx, "Invoices", results)), changed=saved)

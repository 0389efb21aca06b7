"""The real gateway (xero-python over HTTP) against Prism serving Xero's Accounting API spec.

Prism runs with --errors (tests/contract/conftest.py): every request socket sends is checked
against the spec (the security header, xero-tenant-id, query parameters, If-Modified-Since,
Contacts bodies; Prism does not check Invoices bodies) and one that breaks it is refused,
which fails its check with what Prism's log says, except for the known deviations listed in
KNOWN_DEVIATIONS (expected failures until the gateway sends what the spec asks). Accepted
requests are answered with the spec's example payloads, which the gateway must parse into
its records.

All checks are subtests of one test, so that pytest-xdist starts one Prism, not one a worker
(Prism takes 17-30 s to load the spec). At pytest's default verbosity the passed and xfailed
subtests are not listed (failed ones always are): `-q` or `-v` lists them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pytest

from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.ports.xero import (
    ContactChange,
    CreatedInvoice,
    NewContact,
    NewInvoice,
    NewInvoiceLine,
    XeroBrandingTheme,
    XeroError,
    XeroRequestError,
    XeroValidationError,
)

#: Prism checks that the xero-tenant-id header is there, not what it holds.
TENANT_ID = "6f3b2d9e-8c41-4a57-b0d2-3e9f1a7c5b60"
#: An incremental sync's If-Modified-Since.
SINCE = datetime(2026, 11, 20, 2, 0, 0, 123000, tzinfo=UTC)
#: Seconds to wait for Prism to log how it answered a request.
LOG_TIMEOUT = 5.0

#: Requests socket sends today that break the spec, each with exactly what Prism says. A
#: check listed here is an expected failure (xfail) while Prism says exactly that; it fails
#: when Prism says anything else, and when it passes: then take it off this list.
INCLUDE_ARCHIVED = "Request query parameter includearchived must be boolean"
SUMMARY_ONLY = "Request query parameter summaryonly must be boolean"
IF_MODIFIED_SINCE = 'Request header parameter if-modified-since must match format "date-time"'
KNOWN_DEVIATIONS: dict[str, frozenset[str]] = {}

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class PrismServer(Protocol):  # tests/contract/conftest.py's
    url: str
    log: Path


# -- what Prism made of each request, from its log ----------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RECEIVED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received")
_VALIDATOR_ERROR = re.compile(r"\[VALIDATOR\] ✖\s+error\s+(.*\S)")
#: A request answered with one of the spec's examples (a 400 too) ends its block so.
_ANSWERED = re.compile(r'> Responding with "(\d{3})"')
#: A request Prism refused with an error of its own (a 422, a 401) ends its block so.
_REFUSED = re.compile(r"Request terminated with error: (?:\S*#)?(\w+)")


@dataclass(frozen=True)
class PrismRequest:
    """One request as Prism logged it: what its validator found wrong, and its answer: the
    HTTP status of one of the spec's examples ("200", "400"), or the name of an error Prism
    made up itself ("UNPROCESSABLE_ENTITY" for a request that breaks the spec)."""

    method: str
    path: str
    errors: tuple[str, ...]
    answer: str

    @property
    def accepted(self) -> bool:
        return not self.errors and self.answer.startswith("2")

    def __str__(self) -> str:
        answer = f"HTTP {self.answer}" if self.answer.isdigit() else f"refused: {self.answer}"
        return f"{self.method} {self.path} -> {answer}" + "".join(
            f"\n    {error}" for error in self.errors
        )


def parse_requests(text: str) -> list[PrismRequest | None]:
    """Prism's log, one entry per request received (None until its answer is logged)."""
    found: list[PrismRequest | None] = []
    method = path = ""
    errors: list[str] = []
    for line in _ANSI.sub("", text).splitlines():
        if received := _RECEIVED.search(line):
            method, path, errors = received.group(1).upper(), received.group(2), []
            found.append(None)
        elif not found or found[-1] is not None:
            continue  # outside a request, or after its answer (Prism repeats its errors there)
        elif error := _VALIDATOR_ERROR.search(line):
            errors.append(error.group(1))
        elif answered := _ANSWERED.search(line) or _REFUSED.search(line):
            found[-1] = PrismRequest(method, path, tuple(errors), answered.group(1))
    return found


def log_size(prism: PrismServer) -> int:
    return prism.log.stat().st_size


def requests_since(prism: PrismServer, mark: int, count: int) -> list[PrismRequest]:
    """The requests Prism logged after `mark` once it has logged its answer to `count` of them
    (it logs asynchronously), or after LOG_TIMEOUT."""
    deadline = time.monotonic() + LOG_TIMEOUT
    while True:
        with prism.log.open("rb") as log:
            log.seek(mark)
            found = parse_requests(log.read().decode("utf-8", errors="replace"))
        done = [r for r in found if r is not None]
        if len(done) >= count or time.monotonic() > deadline:
            return done
        time.sleep(0.05)


# -- the checks --------------------------------------------------------------------------------


def fake_token() -> dict[str, Any]:
    """A token as socket's token source hands it over; Prism checks that there is one."""
    return {
        "access_token": "prism-checks-no-token",
        "token_type": "Bearer",
        "expires_in": 1800,
        "expires_at": time.time() + 1800,
        "scope": "offline_access accounting.invoices accounting.contacts",
    }


def gateway_for(prism: PrismServer) -> XeroPythonGateway:
    return XeroPythonGateway(
        api_url=prism.url,
        connections_url=prism.url,
        tenant_id=TENANT_ID,
        token_source=fake_token,
        # Prism answers at once or refuses: nothing to retry, and an answer can take seconds
        # (it checks its PUT /Invoices example against the spec's schema).
        policy=RetryPolicy(attempts=1, rate_limit_attempts=1, read_timeout=60.0),
    )


@dataclass(frozen=True)
class Check:
    name: str
    endpoint: str  # as the gateway counts it
    call: Callable[[XeroPythonGateway], Any]
    verify: Callable[[Any], None]


@dataclass(frozen=True)
class Refusal:
    """A request that breaks the spec on purpose: Prism must refuse it, and the gateway raise."""

    name: str
    endpoint: str
    call: Callable[[XeroPythonGateway], Any]
    error: type[XeroError]
    prism_says: str


def uuids(values: Sequence[str]) -> bool:
    return all(UUID.match(value) for value in values)


def the_example_contacts(contacts: Any) -> None:
    """GET /Contacts's example in the spec: two contacts."""
    katherine, lisa = contacts
    assert (katherine.name, katherine.email) == ("Katherine Warren", "kat.warren@clampett.com")
    assert katherine.contact_id == "5cc8cf28-567e-4d43-b287-687cfcaec47c"
    assert (katherine.status, katherine.is_customer) == ("ACTIVE", True)
    assert katherine.updated_at == datetime(2017, 8, 21, 20, 49, 4, 227000, tzinfo=UTC)
    assert (lisa.name, lisa.is_customer) == ("Lisa Parker", False)
    assert uuids([c.contact_id for c in contacts])


def revenue_accounts(accounts: Any) -> None:
    # The spec's example lists a bank account and "200 Sales" of Type REVENUE, neither with
    # the Class that the gateway keeps REVENUE accounts by (Xero always sends it): the SDK
    # parsed both, and the gateway kept none. Whatever it keeps must be revenue.
    assert all(a.account_class == "REVENUE" for a in accounts)
    assert uuids([a.account_id for a in accounts])


def the_example_theme(themes: Any) -> None:
    assert themes == [
        XeroBrandingTheme("dabc7637-62c1-4941-8a6e-ee44fa5090e7", "Standard", 0, "INVOICE")
    ]


def the_example_categories(categories: Any) -> None:
    assert [(c.name, c.status, c.options) for c in categories] == [
        ("BarFoo", "ACTIVE", ()),
        ("HelloWorld", "ACTIVE", ()),
    ]
    assert uuids([c.tracking_category_id for c in categories])


def the_example_ids(*expected: str) -> Callable[[Any], None]:
    def verify(ids: Any) -> None:
        assert ids == list(expected)
        assert uuids(ids)

    return verify


def the_example_invoice(invoices: Any) -> None:
    assert invoices == [
        CreatedInvoice(
            invoice_id="ed255415-e141-4150-aab7-89c3bbbb851c",
            invoice_number="INV-0007",
            reference="Website Design",
            status="AUTHORISED",
            contact_id="430fa14a-f945-44d3-9f97-5df5e28441b8",
            sub_total=Decimal("40.00"),
            total_tax=Decimal("0.00"),
            total=Decimal("40.00"),
        )
    ]


def december_invoices() -> list[NewInvoice]:
    """One invoice for a linked contact (by ContactID), one by name, with tracking."""
    lines = (
        NewInvoiceLine("Bookkeeping", Decimal(1), Decimal("195.00"), "200", "OUTPUT2"),
        NewInvoiceLine(
            "Payroll (12 employees)",
            Decimal(12),
            Decimal("4.50"),
            "200",
            tracking=(("Region", "North"),),
        ),
    )
    return [
        NewInvoice(
            contact_name="Atlas Logistics Ltd",
            contact_id="5cc8cf28-567e-4d43-b287-687cfcaec47c",
            invoice_date=date(2026, 12, 1),
            due_date=date(2026, 12, 15),
            reference="CLI001 December 2026",
            lines=lines,
            branding_theme_id="dabc7637-62c1-4941-8a6e-ee44fa5090e7",
        ),
        NewInvoice(
            contact_name="City Limousines",
            invoice_date=date(2026, 12, 1),
            due_date=date(2026, 12, 15),
            reference="CLI003 December 2026",
            lines=lines[:1],
            line_amount_types="Inclusive",
        ),
    ]


CHECKS = [
    Check("list_contacts", "GET /Contacts", lambda g: g.list_contacts(), the_example_contacts),
    Check(
        "list_contacts since",
        "GET /Contacts",
        lambda g: g.list_contacts(SINCE),
        the_example_contacts,
    ),
    Check(
        "list_revenue_accounts",
        "GET /Accounts",
        lambda g: g.list_revenue_accounts(),
        revenue_accounts,
    ),
    Check(
        "list_revenue_accounts since",
        "GET /Accounts",
        lambda g: g.list_revenue_accounts(SINCE),
        revenue_accounts,
    ),
    Check(
        "list_branding_themes",
        "GET /BrandingThemes",
        lambda g: g.list_branding_themes(),
        the_example_theme,
    ),
    Check(
        "list_tracking_categories",
        "GET /TrackingCategories",
        lambda g: g.list_tracking_categories(),
        the_example_categories,
    ),
    Check(
        "create_contacts",
        "PUT /Contacts",
        lambda g: g.create_contacts(
            [
                NewContact(
                    "Atlas Logistics Ltd", "accounts@atlaslogistics.co.uk", "CLI001", "ACC-001"
                ),
                NewContact("City Limousines"),
            ],
            idempotency_key="sync-2026-11-21/create",
        ),
        # The spec's example answer: one contact, whatever was sent.
        the_example_ids("3ff6d40c-af9a-40a3-89ce-3c1556a25591"),
    ),
    Check(
        "update_contacts",
        "POST /Contacts",
        lambda g: g.update_contacts(
            [
                ContactChange(
                    "5cc8cf28-567e-4d43-b287-687cfcaec47c",
                    name="Katherine Warren Ltd",
                    email="accounts@warren.example",
                    contact_number="CLI002",
                    account_number="ACC-002",
                ),
                ContactChange("3ec601ad-eddc-4ccb-a8ac-736e88293b1b", email="lisa@parker.example"),
            ]
        ),
        the_example_ids("00000000-0000-0000-0000-000000000000"),
    ),
    Check(
        "create_invoices",
        "PUT /Invoices",
        lambda g: g.create_invoices(december_invoices(), "plan-2026-12/CLI001"),
        the_example_invoice,
    ),
]

#: A body that breaks the spec on purpose: it shows that Prism checks what socket sends.
REFUSALS = [
    # xero-python itself refuses over-long fields (a ValueError before anything is sent), so a
    # body that breaks the spec is made here with a ContactID that is no UUID.
    Refusal(
        "update_contacts with a ContactID that is no UUID",
        "POST /Contacts",
        lambda g: g.update_contacts([ContactChange("CLI001", email="a@b.example")]),
        XeroValidationError,  # the spec's 400 example, a ValidationException
        'Request body property Contacts.0.ContactID must match format "uuid"',
    ),
]


@dataclass
class Outcome:
    """One gateway call against Prism: its result or error, and Prism's view of it."""

    result: Any = None
    error: XeroError | None = None
    requests: list[PrismRequest] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        error = f"the gateway raised {self.error!r}\n" if self.error else ""
        seen = "\n".join(f"  {r}" for r in self.requests) or "  (nothing logged)"
        return f"{error}Prism saw:\n{seen}"


def run(prism: PrismServer, call: Callable[[XeroPythonGateway], Any]) -> Outcome:
    gateway = gateway_for(prism)
    mark = log_size(prism)
    outcome = Outcome()
    try:
        outcome.result = call(gateway)
    except XeroError as error:
        outcome.error = error
    outcome.counts = gateway.call_counts
    outcome.requests = requests_since(prism, mark, count=gateway.total_calls)
    return outcome


def conforms(prism: PrismServer, check: Check) -> None:
    outcome = run(prism, check.call)
    refused = {e for r in outcome.requests for e in r.errors}
    known = KNOWN_DEVIATIONS.get(check.name)
    if known is not None:
        if outcome.error is None and not refused:
            pytest.fail(f"{check.name} now conforms to the spec: take it off KNOWN_DEVIATIONS")
        if refused == known and isinstance(outcome.error, XeroRequestError):
            pytest.xfail(f"{check.name}: Prism refuses it: " + "; ".join(sorted(known)))
    assert outcome.error is None, outcome.report()
    assert outcome.counts == {check.endpoint: 1}, outcome.report()
    assert len(outcome.requests) == 1, outcome.report()
    assert outcome.requests[0].accepted, outcome.report()
    check.verify(outcome.result)


def test_the_gateway_speaks_xeros_spec(prism: PrismServer, subtests: pytest.Subtests) -> None:
    for check in CHECKS:
        with subtests.test(check.name):
            conforms(prism, check)
    for refusal in REFUSALS:
        with subtests.test(refusal.name):
            outcome = run(prism, refusal.call)
            assert isinstance(outcome.error, refusal.error), outcome.report()
            assert outcome.counts == {refusal.endpoint: 1}
            (request,) = outcome.requests
            assert refusal.prism_says in request.errors, outcome.report()
            assert not request.accepted


PRISM_LOG = """\
[3:18:26 PM] › [HTTP SERVER] get /Accounts ℹ  info      Request received
[3:18:26 PM] ›     [NEGOTIATOR] ℹ  info      Request contains an accept header: application/json
[3:18:26 PM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[3:18:26 PM] ›     [VALIDATOR] ✖  error     Request header parameter if-modified-since must match format "date-time"
[3:18:26 PM] › [HTTP SERVER] get /Accounts ✖  error     Request terminated with error: https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY: Invalid request
[3:21:25 PM] › [HTTP SERVER] post /Contacts ℹ  info      Request received
[3:21:25 PM] ›     [VALIDATOR] ✖  error     Request body property Contacts.0.ContactID must match format "uuid"
[3:21:25 PM] ›     [NEGOTIATOR] ℹ  info      > Responding with "400"
[3:21:25 PM] ›     [VALIDATOR] ✖  error     Violation: request.body.Contacts.0.ContactID Request body property Contacts.0.ContactID must match format "uuid"
[3:21:26 PM] › [HTTP SERVER] get /BrandingThemes ℹ  info      Request received
[3:21:26 PM] ›     [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
[3:21:26 PM] ›     [NEGOTIATOR] ℹ  info      > Responding with "200"
[3:21:26 PM] › [HTTP SERVER] put /Invoices ℹ  info      Request received
"""


def test_prisms_log_is_read_request_by_request() -> None:
    """The reading of Prism's log that the contract checks rely on (no Prism needed)."""
    accounts, contacts, themes, invoices = parse_requests(PRISM_LOG)
    assert accounts == PrismRequest(
        "GET", "/Accounts", (IF_MODIFIED_SINCE,), "UNPROCESSABLE_ENTITY"
    )
    assert contacts == PrismRequest(
        "POST",
        "/Contacts",
        ('Request body property Contacts.0.ContactID must match format "uuid"',),
        "400",
    )
    assert themes == PrismRequest("GET", "/BrandingThemes", (), "200")
    assert themes.accepted
    assert not accounts.accepted
    assert not contacts.accepted
    assert invoices is None  # not answered yet

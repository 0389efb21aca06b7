"""What the gateway does when Xero is busy, slow, failing or refusing the token.

The sandbox injects the fault; the gateway's sleep only records (so a Retry-After costs
nothing); the timeouts are real but short (FAST: 0.4 s to answer).
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.ports.xero import (
    NewContact,
    NewInvoice,
    NewInvoiceLine,
    XeroAuthError,
    XeroDayLimitReached,
    XeroNotFound,
    XeroRateLimited,
    XeroUnavailable,
)
from socketcli.sandbox import Sandbox
from tests.fakes import FakeSleep
from tests.gateway.gateway_helpers import MakeGateway, TokenSource, token_dict


def statuses(xero: Sandbox, endpoint: str) -> list[int]:
    return [c.status for c in xero.calls() if c.endpoint == endpoint]


def settled(xero: Sandbox, endpoint: str, count: int) -> list[int]:
    """The statuses of `endpoint` once the sandbox has answered `count` calls to it (one
    answered late is logged when its late answer goes out)."""
    deadline = time.monotonic() + 5
    while len(statuses(xero, endpoint)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return statuses(xero, endpoint)


# -- rate limits ------------------------------------------------------------------------------


def test_a_minute_limit_is_waited_out_as_retry_after_says(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/Contacts", status=429, problem="minute", retry_after=2)

    contacts = gateway.list_contacts()

    assert len(contacts) == 6
    assert sleeps.slept == [2.0]
    assert gateway.call_counts == {"GET /Contacts": 2}
    assert statuses(xero, "GET /Contacts") == [429, 200]
    assert gateway.slept_seconds == 2.0


def test_the_sandboxs_own_minute_limit_is_waited_out(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.set_limits(per_minute=2)
    gateway.list_branding_themes()
    gateway.list_branding_themes()

    def advance_instead_of_sleeping(seconds: float) -> None:
        sleeps(seconds)
        xero.advance_clock(seconds)

    patient = XeroPythonGateway(
        api_url=xero.api_url,
        connections_url=xero.connections_url,
        tenant_id=xero.tenant_id,
        token_source=TokenSource.issued_by(xero),
        sleep=advance_instead_of_sleeping,
    )
    assert patient.list_branding_themes()
    assert len(sleeps.slept) == 1
    assert 1 <= sleeps.slept[0] <= 60
    assert patient.call_counts == {"GET /BrandingThemes": 2}


def test_the_day_limit_stops_at_once_without_sleeping(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(status=429, problem="day", retry_after=43_200)

    with pytest.raises(XeroDayLimitReached) as stopped:
        gateway.list_contacts()

    assert sleeps.slept == []
    assert stopped.value.retry_after == 43_200
    assert stopped.value.exit_code == 8
    assert "daily limit" in str(stopped.value)
    assert "12 h 0 min" in str(stopped.value)
    assert gateway.call_counts == {"GET /Contacts": 1}


def test_a_retry_after_beyond_patience_is_not_slept(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/Accounts", status=429, problem="minute", retry_after=600)

    with pytest.raises(XeroRateLimited) as limited:
        gateway.list_revenue_accounts()

    assert (limited.value.problem, limited.value.retry_after) == ("minute", 600)
    assert sleeps.slept == []


def test_429s_are_retried_a_bounded_number_of_times(
    make_gateway: MakeGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    gateway = make_gateway(policy=RetryPolicy(rate_limit_attempts=3, read_timeout=2))
    xero.add_fault(path="/BrandingThemes", status=429, problem="concurrent", count=5)

    with pytest.raises(XeroRateLimited, match="concurrent"):
        gateway.list_branding_themes()

    assert sleeps.slept == [1.0, 1.0]
    assert gateway.call_counts == {"GET /BrandingThemes": 3}


# -- server errors, timeouts and lost answers -------------------------------------------------


def test_two_500s_then_success(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/Contacts", status=500, count=2)

    assert len(gateway.list_contacts()) == 6

    assert statuses(xero, "GET /Contacts") == [500, 500, 200]
    assert gateway.call_counts == {"GET /Contacts": 3}
    # Full jitter (the test's jitter is 0.5) over an exponential ceiling: 0.5 s, then 1 s.
    assert sleeps.slept == [0.25, 0.5]


def test_xero_down_for_good_is_unavailable_after_the_attempts(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/Accounts", status=503, count=10)

    with pytest.raises(XeroUnavailable) as down:
        gateway.list_revenue_accounts()

    assert down.value.attempts == 5
    assert "HTTP 503" in str(down.value)
    assert gateway.call_counts == {"GET /Accounts": 5}
    assert len(sleeps.slept) == 4
    assert sleeps.slept == sorted(sleeps.slept)


def test_a_timeout_then_success(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/BrandingThemes", delay=1.0)  # slower than the 0.4 s read timeout

    themes = gateway.list_branding_themes()

    assert [t.name for t in themes] == ["Standard", "Special Projects"]
    assert gateway.call_counts == {"GET /BrandingThemes": 2}
    assert len(sleeps.slept) == 1


def test_a_create_whose_answer_timed_out_is_retried_under_the_same_key(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.add_fault(path="/Contacts", method="PUT", delay_after=1.0)  # done, answered late

    (contact_id,) = gateway.create_contacts([NewContact("Northwind Bakery Ltd")])

    made = [c for c in xero.contacts() if c["Name"] == "Northwind Bakery Ltd"]
    assert [c["ContactID"] for c in made] == [contact_id]
    assert gateway.call_counts == {"PUT /Contacts": 2}
    assert settled(xero, "PUT /Contacts", 2) == [200, 200]  # the retry replayed, then the late one


def one_invoice() -> NewInvoice:
    return NewInvoice(
        contact_name="City Limousines",
        invoice_date=date(2026, 12, 1),
        due_date=date(2026, 12, 15),
        reference="CLI003 December 2026",
        lines=(NewInvoiceLine("Bookkeeping", Decimal(1), Decimal("195.00"), "200"),),
    )


def test_an_invoice_whose_answer_timed_out_is_created_exactly_once(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.add_fault(path="/Invoices", method="PUT", delay_after=1.0)

    (made,) = gateway.create_invoices([one_invoice()], idempotency_key="plan-2026-12/CLI003")

    assert [i["InvoiceID"] for i in xero.invoices()] == [made.invoice_id]
    assert gateway.call_counts == {"PUT /Invoices": 2}
    assert len(settled(xero, "PUT /Invoices", 2)) == 2


def test_an_invoice_whose_answer_was_lost_is_created_exactly_once(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.add_fault(path="/Invoices", method="PUT", drop_after=True)  # done, connection cut

    (made,) = gateway.create_invoices([one_invoice()], idempotency_key="plan-2026-12/CLI003")

    assert [i["InvoiceID"] for i in xero.invoices()] == [made.invoice_id]
    assert statuses(xero, "PUT /Invoices") == [0, 200]


def test_a_key_still_being_processed_is_tried_again(
    gateway: XeroPythonGateway, xero: Sandbox, sleeps: FakeSleep
) -> None:
    xero.add_fault(path="/Invoices", method="PUT", status=409)

    gateway.create_invoices([one_invoice()], idempotency_key="plan-2026-12/CLI003")

    assert len(xero.invoices()) == 1
    assert statuses(xero, "PUT /Invoices") == [409, 200]
    assert len(sleeps.slept) == 1


def test_a_failed_create_is_never_sent_again_without_a_key(xero: Sandbox) -> None:
    """The rule the writes rely on, seen through the private door: no key, no re-send."""
    gateway = XeroPythonGateway(
        api_url=xero.api_url,
        connections_url=xero.connections_url,
        tenant_id=xero.tenant_id,
        token_source=TokenSource.issued_by(xero),
        sleep=FakeSleep(),
        policy=RetryPolicy(read_timeout=0.4),
    )
    xero.add_fault(path="/Contacts", method="PUT", delay_after=1.0)
    from socketcli.adapters.xero import mapping

    with pytest.raises(XeroUnavailable, match="not re-sent"):
        gateway._send(
            "PUT /Contacts",
            "",
            gateway._accounting.create_contacts,
            xero.tenant_id,
            mapping.new_contacts([NewContact("Northwind Bakery Ltd")]),
        )

    assert settled(xero, "PUT /Contacts", 1) == [200]
    assert len([c for c in xero.contacts() if c["Name"] == "Northwind Bakery Ltd"]) == 1


# -- refusals ------------------------------------------------------------------------------------


def test_an_expired_token_is_an_auth_error(
    gateway: XeroPythonGateway, xero: Sandbox, tokens: TokenSource
) -> None:
    xero.add_fault(path="/Accounts", expire_token=True)

    with pytest.raises(XeroAuthError) as refused:
        gateway.list_revenue_accounts()

    assert refused.value.problem == "TokenExpired"
    assert refused.value.status == 401
    assert "socket xero connect" in str(refused.value)
    assert gateway.call_counts == {"GET /Accounts": 1}


def test_an_expired_token_is_tried_once_more_when_the_source_has_a_new_one(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    renewing = TokenSource.issued_by(xero, count=2)
    gateway = make_gateway(token_source=renewing)
    xero.add_fault(path="/Accounts", expire_token=True)

    assert len(gateway.list_revenue_accounts()) == 4
    assert statuses(xero, "GET /Accounts") == [401, 200]


def test_a_refused_token_is_renewed_through_the_renew_hook(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    current = [token_dict(xero.issue_token())]
    refused: list[str] = []

    def renew(rejected: str) -> str:
        refused.append(rejected)
        current[0] = token_dict(xero.issue_token())
        return str(current[0]["access_token"])

    first = current[0]["access_token"]
    gateway = make_gateway(token_source=lambda: current[0], renew=renew)
    xero.add_fault(path="/BrandingThemes", expire_token=True)

    assert len(gateway.list_branding_themes()) == 2
    assert refused == [first]
    assert statuses(xero, "GET /BrandingThemes") == [401, 200]


def test_a_token_refused_again_after_renewing_is_an_auth_error(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    renewals: list[str] = []
    gateway = make_gateway(renew=renewals.append)  # renews nothing: the same token again
    xero.add_fault(path="/BrandingThemes", status=401, count=3)

    with pytest.raises(XeroAuthError):
        gateway.list_branding_themes()

    assert len(renewals) == 1
    assert gateway.call_counts == {"GET /BrandingThemes": 2}


def test_a_token_past_its_expiry_is_refused_before_any_call(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    stale = token_dict(xero.issue_token(), lifetime=-60)
    gateway = make_gateway(token_source=lambda: stale)

    with pytest.raises(XeroAuthError, match="expired"):
        gateway.list_branding_themes()

    assert gateway.total_calls == 0
    assert xero.calls() == []


def test_a_tenant_not_connected_is_an_auth_error(make_gateway: MakeGateway, xero: Sandbox) -> None:
    other = xero.add_organisation("Another Practice Ltd")
    gateway = make_gateway(tenant_id=other)

    with pytest.raises(XeroAuthError, match="not connected") as refused:
        gateway.list_branding_themes()

    assert refused.value.status == 403
    assert refused.value.exit_code == 6


def test_not_found_is_its_own_error(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    xero.add_fault(path="/TrackingCategories", status=404)

    with pytest.raises(XeroNotFound):
        gateway.list_tracking_categories()


def test_nothing_listens_is_unavailable(make_gateway: MakeGateway, sleeps: FakeSleep) -> None:
    gateway = make_gateway(api_url="http://127.0.0.1:9/api.xro/2.0")

    with pytest.raises(XeroUnavailable, match="could not connect"):
        gateway.list_branding_themes()

    assert gateway.call_counts == {"GET /BrandingThemes": 5}
    assert len(sleeps.slept) == 4

"""The gateway's log says what it asked and how it went, and never shows a token."""

from __future__ import annotations

import logging

import pytest

from socketcli.ports.xero import NewContact, XeroError
from socketcli.sandbox import Sandbox
from tests.gateway.gateway_helpers import MakeGateway, TokenSource


def test_no_token_text_in_the_debug_log_or_in_errors(
    make_gateway: MakeGateway, xero: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = TokenSource.issued_by(xero, count=2)
    gateway = make_gateway(token_source=tokens)
    caplog.set_level(logging.DEBUG)  # every logger: the gateway's, xero_python's, urllib3's
    xero.add_fault(path="/Contacts", method="GET", status=429, problem="minute", retry_after=1)
    xero.add_fault(path="/Accounts", status=500)
    xero.add_fault(path="/BrandingThemes", delay=1.0)
    xero.add_fault(path="/TrackingCategories", expire_token=True)
    errors: list[str] = []

    gateway.list_tracking_categories()  # renewed: the source has a second token
    gateway.list_contacts()
    gateway.list_revenue_accounts()
    gateway.list_branding_themes()
    gateway.create_contacts([NewContact("Northwind Bakery Ltd")], idempotency_key="k-1")
    for failing in (
        lambda: gateway.create_contacts([NewContact("City Limousines")]),
        lambda: make_gateway(token_source=TokenSource([tokens.tokens[0]])).list_branding_themes(),
    ):
        try:
            failing()
        except XeroError as failure:
            errors.append(repr(failure) + str(failure.__dict__))
    xero.add_fault(status=429, problem="day")
    try:
        gateway.list_branding_themes()
    except XeroError as failure:
        errors.append(repr(failure))

    logged = caplog.text
    assert "xero GET /Contacts -> 429" in logged
    assert "xero GET /Contacts -> 200" in logged
    assert "xero GET /Accounts -> 500" in logged
    assert "timed out waiting for the answer" in logged
    assert "Idempotency-Key k-1" in logged
    assert len(errors) == 3
    for token in tokens.access_tokens:
        assert token not in logged
        assert token[:16] not in logged
        assert all(token not in error for error in errors)
    assert "Bearer" not in logged
    assert "authorization" not in logged.lower()

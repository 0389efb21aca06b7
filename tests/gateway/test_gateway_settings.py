"""Revenue accounts, branding themes, tracking categories and connections through the gateway."""

from __future__ import annotations

from datetime import timedelta

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Sandbox


def test_revenue_accounts_only_archived_ones_seen_as_archived(
    gateway: XeroPythonGateway,
) -> None:
    accounts = gateway.list_revenue_accounts()

    assert [(a.code, a.name, a.status) for a in accounts] == [
        ("200", "Sales", "ACTIVE"),
        ("250", "Consulting Fees (old)", "ARCHIVED"),
        ("260", "Other Revenue", "ACTIVE"),
        ("270", "Interest Income", "ACTIVE"),
    ]
    assert [a.code for a in accounts if a.archived] == ["250"]
    assert {a.account_class for a in accounts} == {"REVENUE"}
    assert accounts[0].tax_type == "OUTPUT2"
    assert gateway.call_counts == {"GET /Accounts": 1}


def test_revenue_accounts_since_a_moment(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    everything = gateway.list_revenue_accounts()
    oldest = min(a.updated_at for a in everything if a.updated_at is not None)

    assert len(gateway.list_revenue_accounts(modified_since=oldest - timedelta(seconds=1))) == 4
    assert gateway.list_revenue_accounts(modified_since=xero.now() + timedelta(seconds=1)) == []
    assert gateway.call_counts == {"GET /Accounts": 3}


def test_branding_themes_in_xeros_order(gateway: XeroPythonGateway) -> None:
    themes = gateway.list_branding_themes()

    assert [(t.name, t.sort_order) for t in themes] == [("Standard", 0), ("Special Projects", 1)]
    assert all(t.branding_theme_id for t in themes)
    assert gateway.call_counts == {"GET /BrandingThemes": 1}


def test_tracking_categories_with_their_options_archived_ones_marked(
    gateway: XeroPythonGateway,
) -> None:
    (region,) = gateway.list_tracking_categories()

    assert (region.name, region.status) == ("Region", "ACTIVE")
    assert [(o.name, o.archived) for o in region.options] == [
        ("North", False),
        ("South", False),
        ("West (closed)", True),
    ]
    assert gateway.call_counts == {"GET /TrackingCategories": 1}


def test_the_organisations_the_token_reaches(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    (connection,) = gateway.list_connections()

    assert (connection.tenant_id, connection.tenant_name) == (xero.tenant_id, "Demo Practice Ltd")
    assert gateway.call_counts == {"GET /connections": 1}

"""The sandbox Xero on a loopback port per test, and the real xero-python SDK pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from xero_python.accounting import Invoice
from xero_python.api_client.oauth2 import TokenApi

from socketcli.sandbox import Limits, Sandbox, SandboxConfig, running_sandbox
from tests.sandbox.sandbox_helpers import (
    CONTACTS,
    Sdk,
    batch,
    make_sdk,
    pkce_tokens,
    sales_invoice,
)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Xero's limits, but a day's worth a minute so that no test trips them by accident."""
    return SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "sandbox" / "state.json"


@pytest.fixture
def xero(state_path: Path, sandbox_config: SandboxConfig) -> Iterator[Sandbox]:
    """A sandbox seeded with a small demo contact list, its state in a file of its own."""
    with running_sandbox(
        state_path=state_path, contacts=CONTACTS, config=sandbox_config
    ) as sandbox:
        yield sandbox


@pytest.fixture
def point_token_api_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[Sandbox], None]:
    """xero-python's own token calls (refresh, client_credentials, revoke) use class URLs."""

    def point(xero: Sandbox) -> None:
        monkeypatch.setattr(TokenApi, "refresh_token_url", xero.token_url)
        monkeypatch.setattr(TokenApi, "client_credentials_token_url", xero.token_url)
        monkeypatch.setattr(TokenApi, "revoke_token_url", xero.revocation_url)

    return point


@pytest.fixture
def sdk(xero: Sandbox) -> Sdk:
    """The SDK connected through the PKCE flow, as socket would be after `socket xero connect`."""
    return make_sdk(xero, pkce_tokens(xero))


@pytest.fixture
def five_invoices(sdk: Sdk, xero: Sandbox) -> list[Invoice]:
    """INV-0001..INV-0005 as made: CLI001 (DRAFT), CLI002 (AUTHORISED), CLI003 for Harbour
    View B&B (DRAFT), CLI004 with quotes in its Reference (SUBMITTED), CLI005 (AUTHORISED)."""
    answer = sdk.accounting.create_invoices(
        xero.tenant_id,
        batch(
            sales_invoice("CLI001 December 2026"),
            sales_invoice("CLI002 December 2026", status="AUTHORISED"),
            sales_invoice("CLI003 January 2027", contact="Harbour View B&B"),
            sales_invoice('CLI004 "quoted"', status="SUBMITTED"),
            sales_invoice("CLI005 December 2026", status="AUTHORISED"),
        ),
    )
    return list(answer.invoices)

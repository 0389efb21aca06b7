"""The gateway over the real xero-python SDK, talking HTTP to a sandbox Xero per test.

Nothing of the SDK is mocked. Sleeping is: the gateway gets a sleep that records what it
would have waited, so a Retry-After of an hour costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Limits, Sandbox, SandboxConfig, running_sandbox
from tests.fakes import FakeSleep
from tests.gateway.gateway_helpers import CONTACTS, FAST, MakeGateway, TokenSource


@pytest.fixture
def xero() -> Iterator[Sandbox]:
    """Xero's concurrency limit (5 in flight), but a day's calls a minute: no test trips the
    minute or day limit unless it sets one."""
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(contacts=CONTACTS, config=config) as sandbox:
        yield sandbox


@pytest.fixture
def tokens(xero: Sandbox) -> TokenSource:
    return TokenSource.issued_by(xero)


@pytest.fixture
def sleeps() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def make_gateway(xero: Sandbox, tokens: TokenSource, sleeps: FakeSleep) -> MakeGateway:
    def make(**overrides: Any) -> XeroPythonGateway:
        options: dict[str, Any] = {
            "api_url": xero.api_url,
            "connections_url": xero.connections_url,
            "tenant_id": xero.tenant_id,
            "token_source": tokens,
            "sleep": sleeps,
            "jitter": lambda: 0.5,
            "policy": FAST,
        }
        options.update(overrides)
        return XeroPythonGateway(**options)

    return make


@pytest.fixture
def gateway(make_gateway: MakeGateway) -> XeroPythonGateway:
    return make_gateway()

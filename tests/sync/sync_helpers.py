"""Helpers for the `socket sync` tests: the store, the sandbox's demo list, the gateway."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.sandbox import Sandbox
from socketcli.services.demo_data import build_demo

#: The moment tests/conftest.py pins (SOCKET_NOW).
NOW = datetime(2026, 11, 21, tzinfo=UTC)

#: The playground's demo contact list (active customers, non-customers, one archived).
DEMO_CONTACTS = [dataclasses.asdict(c) for c in build_demo(NOW).xero_contacts]

#: Short timeouts, so that a slow-answer fault costs a fraction of a second.
FAST = RetryPolicy(connect_timeout=2.0, read_timeout=0.4)


@dataclass
class Store:
    """The practice's store (a file, or a PostgreSQL database), opened as the CLI opens it
    (for arranging and asserting)."""

    location: StoreLocation
    now: datetime = NOW
    _engine: Any = field(default=None, repr=False)

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = open_engine(self.location)
        return self._engine

    def uow(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, FixedClock(self.now), write=write, location=self.location.describe()
        )

    def link(self, reference: str, contact_id: str) -> None:
        """Link a client to a Xero contact, as `socket contacts match` will."""
        with self.uow(write=True) as uow:
            client = uow.clients.get(reference)
            assert client is not None
            uow.clients.save(replace(client, xero_contact_id=contact_id))
            uow.commit()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def contact_named(xero: Sandbox, name: str) -> dict[str, Any]:
    found = xero.contact_named(name)
    assert found is not None, f"the sandbox has no contact named {name!r}"
    return found


def gateway_for(xero: Sandbox, sleep: Callable[[float], None], **options: Any) -> XeroPythonGateway:
    """The real gateway over the real SDK to the sandbox, with a token of its custom app."""
    token = xero.issue_token(expires_in=3600)
    issued = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": time.time() + 3600,
        "scope": "accounting.contacts accounting.settings.read",
    }
    settings: dict[str, Any] = {
        "api_url": xero.api_url,
        "connections_url": xero.connections_url,
        "tenant_id": xero.tenant_id,
        "token_source": lambda: dict(issued),
        "sleep": sleep,
        "jitter": lambda: 0.5,
        "policy": FAST,
    }
    settings.update(options)
    return XeroPythonGateway(**settings)

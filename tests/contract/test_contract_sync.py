"""`socket sync`'s service run against Prism serving Xero's spec: every request it makes must
pass Prism's validation (run with --errors), and the spec's example answers must sync.

Prism serves the Accounting API at its root, so the sync is given a gateway built on
Prism's URL (the CLI adds /api.xro/2.0 to SOCKET_XERO_API_URL, which Prism does not have).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.domain.records import Client
from socketcli.services.sync import sync

TENANT_ID = "6f3b2d9e-8c41-4a57-b0d2-3e9f1a7c5b60"
NOW = datetime(2026, 11, 21, 2, 17, tzinfo=UTC)


class PrismServer(Protocol):  # tests/contract/conftest.py's
    url: str

    def tail(self, lines: int = 40) -> str: ...


def prism_gateway(prism: PrismServer) -> XeroPythonGateway:
    def token() -> dict[str, Any]:
        return {
            "access_token": "prism-checks-no-token",
            "token_type": "Bearer",
            "expires_in": 1800,
            "expires_at": time.time() + 1800,
            "scope": "offline_access accounting.invoices accounting.contacts accounting.settings.read",
        }

    return XeroPythonGateway(
        api_url=prism.url,
        connections_url=prism.url,
        tenant_id=TENANT_ID,
        token_source=token,
        policy=RetryPolicy(attempts=1, rate_limit_attempts=1, read_timeout=60.0),
    )


def test_a_first_sync_and_a_push_pass_the_specs_validation(
    prism: PrismServer, tmp_path: Path
) -> None:
    engine = open_engine(StoreLocation.for_path(tmp_path / "s.db"), create=True)

    def store(*, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, FixedClock(NOW), write=write)

    first = sync(store, prism_gateway(prism), tenant_id=TENANT_ID, clock=FixedClock(NOW))
    assert first.error is None, f"{first.error}\n{prism.tail()}"
    assert first.succeeded
    assert first.contacts.new >= 1  # the spec's example contacts are in the mirror
    with store() as uow:
        example = uow.mirror.contacts()[0]

    # Link a client to the example contact with other details: the next sync pushes them.
    with store(write=True) as uow:
        uow.clients.save(
            replace(
                Client(
                    reference="CITY", name="City Limousines Ltd", email="office@citylimo.example"
                ),
                xero_contact_id=example.contact_id,
                xero_contact_name=example.name,
            )
        )
        uow.commit()
    second = sync(store, prism_gateway(prism), tenant_id=TENANT_ID, clock=FixedClock(NOW))
    assert second.error is None, f"{second.error}\n{prism.tail()}"
    assert second.succeeded
    assert [pushed.reference for pushed in second.pushed] == ["CITY"]
    assert second.calls.get("POST /Contacts") == 1

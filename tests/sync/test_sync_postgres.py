"""`socket sync` on a PostgreSQL store (a practice sharing one store): the mirror, the push
and the sync state behave as on SQLite.

CI starts a server and sets SOCKET_TEST_POSTGRES_URL (.ci/postgres.sh); without one these
tests are skipped, saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, Sandbox
from tests.runner import Socket
from tests.sync.sync_helpers import DEMO_CONTACTS, contact_named

SERVER = os.environ.get("SOCKET_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set SOCKET_TEST_POSTGRES_URL"
)


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database on the test server as SOCKET_DATABASE_URL, dropped afterwards."""
    assert SERVER is not None
    name = f"socket_sync_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("SOCKET_DATABASE_URL", url)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_sync_on_a_postgresql_store(
    database_url: str, xero: Sandbox, socket: Socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCKET_XERO_API_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_IDENTITY_URL", xero.base_url)
    monkeypatch.setenv("SOCKET_XERO_CLIENT_SECRET", CUSTOM_CLIENT_SECRET)
    socket.ok("init")
    socket.ok("xero", "connect", "--custom-connection", "--client-id", CUSTOM_CLIENT_ID)
    socket.ok("settings", "set", "crm", "xero")

    first = socket.json("sync")
    socket.ok("clients", "edit", "CITYLIMO", "--name", "City Limousines Ltd")
    xero.clear_calls()
    second = socket.json("sync")

    assert first["exit_code"] == 0
    customers = [c for c in DEMO_CONTACTS if c["status"] == "ACTIVE" and c["is_customer"]]
    assert len(first["clients_created"]) == len(customers)
    assert second["calls"]["GET /Contacts"] == 1
    assert [p["reference"] for p in second["clients_pushed"]] == ["CITYLIMO"]
    assert contact_named(xero, "City Limousines Ltd")["ContactNumber"] == "CITYLIMO"
    socket.exits("settings", "set", "recurring_account_code", "250", code=2)
    assert [a["code"] for a in socket.json("xero", "accounts")] == ["200", "250", "260", "270"]

"""A store made before the Xero mirror (revision 0002) opens with this version: its contacts
are kept, the mirror's tables are added empty, and a sync can write to them."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import (
    HEAD_REVISION,
    MIGRATIONS,
    create_store_engine,
    current_revision,
    open_engine,
)
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.ports.store import PushedDetails, SyncState
from tests.engines import Stores

NOW = "2026-11-21 09:00:00+00:00"
MOMENT = datetime(2026, 11, 21, 9, tzinfo=UTC)


def test_a_0002_store_upgrades_to_the_mirror_keeping_its_contacts(stores: Stores) -> None:
    path = stores.new("old")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_store_engine(path)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO xero_contacts (contact_id, name, email, status, is_customer, "
                f"updated_at) VALUES ('c-1', 'City Limousines', '', 'ACTIVE', true, '{NOW}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO clients (id, reference, name, email, xero_contact_id, created_at, "
                f"updated_at) VALUES (1, 'CITY', 'City Limousines', '', 'c-1', '{NOW}', '{NOW}')"
            )
        )
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    tables = set(inspect(engine).get_table_names())
    assert {
        "xero_accounts",
        "xero_branding_themes",
        "xero_tracking_categories",
        "xero_tracking_options",
        "xero_sync_state",
        "xero_pushed_clients",
    } <= tables
    with SqlUnitOfWork(engine, FixedClock(MOMENT), write=True) as uow:
        (contact,) = uow.mirror.contacts_by_id(["c-1"])
        assert (contact.name, contact.updated_at) == ("City Limousines", None)
        assert uow.mirror.accounts() == []
        assert uow.mirror.sync_state("t-1") is None
        uow.mirror.save_sync_state(SyncState("t-1", contacts_modified_since=MOMENT))
        uow.mirror.save_pushed_clients(
            [PushedDetails(1, "c-1", "City Limousines", "", "CITY", MOMENT)]
        )
        uow.commit()
    with SqlUnitOfWork(engine, FixedClock(MOMENT)) as uow:
        state = uow.mirror.sync_state("t-1")
        assert state is not None
        assert state.contacts_modified_since == MOMENT
        assert [p.contact_number for p in uow.mirror.pushed_clients()] == ["CITY"]
    engine.dispose()

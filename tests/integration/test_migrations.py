"""A store made by an earlier version opens with this one; the migrations match the tables. On
SQLite and on PostgreSQL (tests/engines.py): each test makes its stores with `stores`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store import tables  # noqa: F401  (registers the tables)
from socketcli.adapters.store.database import (
    HEAD_REVISION,
    MIGRATIONS,
    StoreLocation,
    create_store_engine,
    current_revision,
    open_engine,
)
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.domain.months import Month
from socketcli.domain.records import Client, XeroContact
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.xero import XeroContactRecord
from tests.engines import Stores

NOW = "2026-11-21 09:00:00+00:00"


def store_at(path: StoreLocation, revision: str) -> None:
    """A new store made by the migrations up to `revision`, as that version of socket made it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_store_engine(path)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def as_made(connection: Connection) -> None:
    """The rows just inserted with their ids, as that socket had made them: on PostgreSQL
    each table's id sequence then stands past its highest id, as it would had the ids come
    from it (a row inserted later gets a new id, not one already taken)."""
    if connection.dialect.name != "postgresql":
        return
    inspector = inspect(connection)
    for table in inspector.get_table_names():
        if "id" not in {column["name"] for column in inspector.get_columns(table)}:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                "HAVING max(id) IS NOT NULL"
            )
        )


def test_a_store_of_the_first_version_is_upgraded_and_its_lines_get_their_amounts(
    stores: Stores,
) -> None:
    path = stores.new("old")
    store_at(path, "0001")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO clients (id, reference, name, email, year_end, last_billable_month, created_at, updated_at) VALUES (1, 'ACME', 'Acme Ltd', '', '03-31', '2027-02', '{NOW}', '{NOW}')",
            f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (1, 'Payroll', 'monthly', false, '{NOW}', '{NOW}')",
            f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (2, 'VAT returns', 'quarterly_in_advance', false, '{NOW}', '{NOW}')",
            f"INSERT INTO proposals (id, reference, client_id, status, start_date, title, created_at, updated_at) VALUES (1, 'P1', 1, 'accepted', '2026-10-01', '', '{NOW}', '{NOW}')",
            f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, billing_method, start_month, anchor_month, charges_alignment, created_at) VALUES (1, 1, 0, 'Payroll', '1.5', 3333, 'monthly', '2026-10', '2026-10', false, '{NOW}')",
            f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, billing_method, start_month, anchor_month, charges_alignment, created_at) VALUES (1, 2, 1, 'VAT returns', '1', 30000, 'quarterly_in_advance', '2026-10', '2026-10', false, '{NOW}')",
        ):
            connection.execute(text(statement))
        as_made(connection)
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:
        lines = connection.execute(
            text(
                "SELECT amount_minor, period_months, start_ordinal, end_ordinal, anchor_ordinal FROM proposal_lines ORDER BY id"
            )
        ).all()
        last = connection.execute(text("SELECT last_billable_ordinal FROM clients")).scalar()
    october = Month(2026, 10).ordinal
    # 1.5 x 33.33 = 49.995, half up to 50.00
    assert [tuple(line) for line in lines] == [
        (5000, 1, october, None, october),
        (30000, 3, october, None, october),
    ]
    assert last == Month(2027, 2).ordinal
    moment = datetime(2026, 11, 21, tzinfo=UTC)
    with SqlUnitOfWork(engine, FixedClock(moment)) as uow:
        totals = uow.plan.billing_totals(
            [Month(2026, 10), Month(2026, 11), Month(2027, 1), Month(2027, 3)],
            PracticeSettings.defaults(),
        )
    assert {
        month: {c: str(t.amount) for c, t in by_client.items()}
        for month, by_client in totals.items()
    } == {
        Month(2026, 10): {1: "350.00"},
        Month(2026, 11): {1: "50.00"},
        Month(2027, 1): {1: "350.00"},
        Month(2027, 3): {},  # closed after February
    }


def test_the_migrations_build_exactly_the_tables_the_code_declares(stores: Stores) -> None:
    engine = open_engine(stores.new(), create=True)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_a_0003_store_keeps_its_rows_and_then_stores_merges_and_new_contact_marks(
    stores: Stores,
) -> None:
    path = stores.new("old")
    store_at(path, "0003")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO clients (id, reference, name, email, xero_contact_id, created_at, updated_at) VALUES (1, 'CITY', 'City Limousines', '', 'c-1', '{NOW}', '{NOW}')",
            f"INSERT INTO clients (id, reference, name, email, created_at, updated_at) VALUES (2, 'NOVA', 'Nova Dental', '', '{NOW}', '{NOW}')",
            f"INSERT INTO xero_contacts (contact_id, name, email, status, is_customer, updated_at, tenant_id, xero_updated_at) VALUES ('c-1', 'City Limousines', '', 'ACTIVE', true, '{NOW}', 't-1', '{NOW}')",
            f"INSERT INTO xero_pushed_clients (client_id, contact_id, name, email, contact_number, pushed_at) VALUES (1, 'c-1', 'City Limousines', '', 'CITY', '{NOW}')",
        ):
            connection.execute(text(statement))
        as_made(connection)
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    moment = datetime(2026, 11, 21, 9, tzinfo=UTC)  # NOW
    with SqlUnitOfWork(engine, FixedClock(moment), write=True) as uow:
        assert [
            (c.reference, c.xero_contact_id, c.new_xero_contact) for c in uow.clients.all()
        ] == [
            ("CITY", "c-1", False),
            ("NOVA", None, False),
        ]
        (city,) = uow.mirror.contacts_by_id(["c-1"])
        assert (city.name, city.merged_to, city.updated_at) == ("City Limousines", None, moment)
        assert [p.contact_number for p in uow.mirror.pushed_clients()] == ["CITY"]
        nova = uow.clients.get("NOVA")
        assert nova is not None
        uow.clients.save(replace(nova, new_xero_contact=True))
        uow.clients.save_many([Client("PEAK", "Peak District Pottery", new_xero_contact=True)])
        uow.mirror.save_contact_records(
            "t-1", [XeroContactRecord("c-2", "City Limos", status="ARCHIVED", merged_to="c-1")]
        )
        uow.mirror.save_contacts([XeroContact("c-3", "Atlas", status="ARCHIVED", merged_to="c-1")])
        uow.commit()
    with SqlUnitOfWork(engine, FixedClock(moment)) as uow:
        assert [c.reference for c in uow.clients.all() if c.new_xero_contact] == ["NOVA", "PEAK"]
        assert [
            (c.reference, c.new_xero_contact)
            for c in uow.clients.by_references(["CITY", "NOVA", "PEAK"])
        ] == [("CITY", False), ("NOVA", True), ("PEAK", True)]
        assert {(c.contact_id, c.merged, c.merged_to) for c in uow.mirror.contacts()} == {
            ("c-1", False, None),
            ("c-2", True, "c-1"),
            ("c-3", True, "c-1"),
        }
        assert [c.merged_to for c in uow.mirror.contacts_by_id(["c-2"])] == ["c-1"]
    engine.dispose()


def test_a_month_finalised_before_0005_reads_back_with_its_clients_details(stores: Stores) -> None:
    path = stores.new("old")
    store_at(path, "0004")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO clients (id, reference, name, email, xero_contact_id, created_at, updated_at) VALUES (1, 'CITY', 'City Limousines', '', 'c-1', '{NOW}', '{NOW}')",
            f"INSERT INTO plan_snapshots (month, status, total_minor, invoice_count, finalised_at, finalised_by) VALUES ('2026-12', 'finalised', 15000, 1, '{NOW}', 'partner')",
            "INSERT INTO snapshot_invoices (id, month, client_id, kind, invoice_date, due_date, reference, contact_name, branding_theme, total_minor, line_count) VALUES (1, '2026-12', 1, 'recurring', '2026-12-01', '2026-12-20', 'CITY Dec 2026', 'City Limousines', 'Standard', 15000, 1)",
            "INSERT INTO snapshot_lines (invoice_id, position, description, quantity, unit_amount, account_code, line_amount_minor, tracking) VALUES (1, 0, 'Bookkeeping', '1', '150.00', '200', 15000, 'Region:North')",
        ):
            connection.execute(text(statement))
        as_made(connection)
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    with SqlUnitOfWork(engine, FixedClock(datetime(2026, 11, 21, tzinfo=UTC))) as uow:
        (invoice,) = uow.plan.finalised_invoices(Month(2026, 12))
    assert (invoice.client_reference, invoice.client_name, invoice.contact_id) == (
        "CITY",
        "City Limousines",
        "c-1",
    )
    assert invoice.status == "DRAFT"
    assert [(x.account_code, x.line_amount, x.tracking) for x in invoice.lines] == [
        ("200", Decimal("150.00"), (("Region", "North"),))
    ]


def test_a_month_finalised_before_0006_keeps_its_outstanding_clients_by_client(
    stores: Stores,
) -> None:
    """Proves: 0006 records, for a month finalised before it, every service a client it froze
    has in force there; so its frozen client has nothing outstanding, even a service it has
    now and did not bill (the old rule), and a client it froze nothing for stays outstanding."""
    path = stores.new("old")
    store_at(path, "0005")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO clients (id, reference, name, email, created_at, updated_at) VALUES (1, 'CITY', 'City Limousines', '', '{NOW}', '{NOW}')",
            f"INSERT INTO clients (id, reference, name, email, created_at, updated_at) VALUES (2, 'LATE', 'Late Ltd', '', '{NOW}', '{NOW}')",
            f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (1, 'Bookkeeping', 'monthly', false, '{NOW}', '{NOW}')",
            f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (2, 'Payroll', 'monthly', false, '{NOW}', '{NOW}')",
            f"INSERT INTO proposals (id, reference, client_id, status, start_date, title, created_at, updated_at) VALUES (1, 'P1', 1, 'accepted', '2026-12-01', '', '{NOW}', '{NOW}')",
            f"INSERT INTO proposals (id, reference, client_id, status, start_date, title, created_at, updated_at) VALUES (2, 'P2', 2, 'accepted', '2026-12-01', '', '{NOW}', '{NOW}')",
            f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, amount_minor, billing_method, start_month, anchor_month, charges_alignment, period_months, start_ordinal, anchor_ordinal, created_at) VALUES (1, 1, 0, '', '1', 15000, 15000, 'monthly', '2026-12', '2026-12', false, 1, 24323, 24323, '{NOW}')",
            f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, amount_minor, billing_method, start_month, anchor_month, charges_alignment, period_months, start_ordinal, anchor_ordinal, created_at) VALUES (1, 2, 1, '', '1', 2500, 2500, 'monthly', '2026-12', '2026-12', false, 1, 24323, 24323, '{NOW}')",
            f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, amount_minor, billing_method, start_month, anchor_month, charges_alignment, period_months, start_ordinal, anchor_ordinal, created_at) VALUES (2, 2, 0, '', '2', 2500, 5000, 'monthly', '2026-12', '2026-12', false, 1, 24323, 24323, '{NOW}')",
            f"INSERT INTO plan_snapshots (month, status, total_minor, invoice_count, finalised_at, finalised_by) VALUES ('2026-12', 'finalised', 15000, 1, '{NOW}', 'partner')",
            "INSERT INTO snapshot_invoices (id, month, client_id, kind, invoice_date, due_date, reference, contact_name, branding_theme, total_minor, line_count) VALUES (1, '2026-12', 1, 'recurring', '2026-12-01', '2026-12-20', 'CITY Dec 2026', 'City Limousines', '', 15000, 1)",
        ):
            connection.execute(text(statement))
        as_made(connection)
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    with SqlUnitOfWork(engine, FixedClock(datetime(2026, 11, 21, tzinfo=UTC))) as uow:
        late = uow.plan.unfrozen_lines(Month(2026, 12))
    assert [(line.client_id, line.service_name) for line in late] == [(2, "Payroll")]


def test_a_0004_store_with_work_items_upgrades_though_they_refer_to_the_lines_rebuilt(
    stores: Stores,
) -> None:
    """Proves: 0007 rebuilds `proposal_lines` (SQLite alters a table by making it anew), which
    work items refer to; with foreign keys on, dropping the old table failed ("FOREIGN KEY
    constraint failed") and a store with work items could not be upgraded at all. Now it
    upgrades, the work item still points at its line, and every reference holds."""
    path = stores.new("old")
    store_at(path, "0004")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO clients (id, reference, name, email, created_at, updated_at) VALUES (1, 'CITY', 'City Limousines', '', '{NOW}', '{NOW}')",
            f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (1, 'Tax return', 'one_off', false, '{NOW}', '{NOW}')",
            f"INSERT INTO proposals (id, reference, client_id, status, start_date, title, created_at, updated_at) VALUES (1, 'P1', 1, 'accepted', '2026-12-01', '', '{NOW}', '{NOW}')",
            f"INSERT INTO proposal_lines (id, proposal_id, service_id, position, description, quantity, unit_price_minor, amount_minor, billing_method, start_month, charges_alignment, created_at) VALUES (7, 1, 1, 0, '', '1', 45050, 45050, 'one_off', '2026-12', false, '{NOW}')",
            f"INSERT INTO work_items (id, proposal_line_id, client_id, description, amount_minor, status, created_at) VALUES (3, 7, 1, 'Tax return', 45050, 'open', '{NOW}')",
        ):
            connection.execute(text(statement))
        as_made(connection)
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # it rebuilt the table: keys checked, back on
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        line, price = connection.execute(
            text("SELECT w.proposal_line_id, l.unit_price FROM work_items w "
                 "JOIN proposal_lines l ON l.id = w.proposal_line_id")
        ).one()  # fmt: skip
    assert (line, price) == (7, "450.50")
    engine.dispose()


def test_a_0009_store_keeps_its_amounts_and_then_takes_more_than_two_to_the_31_pennies(
    stores: Stores,
) -> None:
    # On PostgreSQL the pennies were `integer` (32-bit) until 0010: a month of more than
    # 21,474,836.47 could not be finalised. SQLite's INTEGER is 64-bit already.
    path = stores.new("old")
    store_at(path, "0009")
    engine = create_store_engine(path)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plan_snapshots (month, status, total_minor, invoice_count, "
                f"finalised_at, finalised_by) VALUES ('2026-12', 'finalised', 15000, 1, '{NOW}', '')"
            )
        )
    engine.dispose()

    engine = open_engine(path, upgrade=True)

    assert current_revision(engine) == HEAD_REVISION
    big = 2**31 * 1000  # 21,474,836,480.00
    with engine.begin() as connection:
        assert connection.execute(text("SELECT total_minor FROM plan_snapshots")).all() == [
            (15000,)
        ]
        connection.execute(text(f"UPDATE plan_snapshots SET total_minor = {big}"))
    with SqlUnitOfWork(engine, FixedClock(datetime(2026, 11, 21, tzinfo=UTC))) as uow:
        (month,) = uow.snapshots.finalised()
    assert month.total == Decimal("21474836480.00")
    engine.dispose()

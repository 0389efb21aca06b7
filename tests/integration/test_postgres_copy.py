"""Bulk inserts on PostgreSQL go through COPY (adapters/store/sql.py `insert_many`): the rows
that arrive are those SQLite's executemany writes, text the COPY format escapes arrives as
written, timestamps keep their instant, and a failure is SQLAlchemy's error as an INSERT's
would be, leaving nothing written.

CI starts a server and sets SOCKET_TEST_POSTGRES_URL (.ci/postgres.sh); without one these
tests are skipped, saying so.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy import create_engine as create_admin_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.store.sql import ANALYZE_AFTER
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import sql_store
from socketcli.domain.errors import Conflict
from socketcli.services.importer import import_csv
from tests.practices import generate

SERVER = os.environ.get("SOCKET_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set SOCKET_TEST_POSTGRES_URL"
)

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@pytest.fixture
def postgres() -> Iterator[Engine]:
    """A new database on the test server at the newest schema, dropped afterwards."""
    assert SERVER is not None
    name = f"socket_copy_{uuid.uuid4().hex[:12]}"
    admin = create_admin_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    engine = open_engine(StoreLocation.for_url(url), create=True)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(StoreLocation.for_path(tmp_path / "socket.db"), create=True)
    yield engine
    engine.dispose()


def plain(value: Any) -> Any:
    """A value as both engines can be compared on: a timestamp as its UTC instant (SQLite
    keeps no zone and reads back naive UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(plain(value) for value in row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
            if table.name != "alembic_version"
        }


def test_an_import_writes_on_postgresql_the_rows_it_writes_on_sqlite(
    tmp_path: Path, postgres: Engine, sqlite: Engine
) -> None:
    counts = generate(tmp_path / "practice", clients=150, seed=3)
    files = [tmp_path / "practice" / f"{name}.csv" for name in ("clients", "services", "proposals")]
    for engine in (sqlite, postgres):
        report = import_csv(sql_store(engine, FixedClock(NOW)), FixedClock(NOW), files)
        assert report.clients.created == counts["clients"]

    on_sqlite, on_postgres = dump(sqlite), dump(postgres)
    assert len(on_postgres["clients"]) == 150
    assert len(on_postgres["proposal_lines"]) > 500
    assert on_postgres["work_items"]
    assert on_postgres["history"]
    assert on_postgres == on_sqlite


CLIENT_KEYS = (
    "reference",
    "name",
    "email",
    "branding_theme",
    "consolidate",
    "created_at",
    "updated_at",
)
AWKWARD = [
    "Tab\there",
    "Line\nbreak and\r\ncarriage return",
    "Back\\slash \\N \\t \\\\",
    "\\N",
    "",
    "Quotes ' \" and commas, ; | %s %(x)s",
    "Ünïcødé – Łódź 東京 🎉",
]


def test_text_and_times_arrive_by_copy_as_written(postgres: Engine) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=india)
    rows = [
        (f"C{index:03}", name, name, None if index % 2 else name, index % 3 == 0, moment, NOW)
        for index, name in enumerate(AWKWARD)
    ]
    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.clients.insert_many("clients", CLIENT_KEYS, rows)
        uow.commit()

    with postgres.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT reference, name, email, branding_theme, consolidate, created_at, "
                "updated_at "
                "FROM clients ORDER BY reference"
            )
        ).all()
    assert [tuple(row) for row in stored] == rows
    assert stored[0].created_at == moment  # the same instant, whatever the zone it came in
    assert stored[3].name == "\\N"  # not NULL
    assert stored[1].branding_theme is None


def test_a_duplicate_in_a_copy_is_a_conflict_and_nothing_is_written(
    postgres: Engine,
) -> None:
    """As an INSERT's would be (the engine's error hook, which COPY bypasses): another
    command's row taken first is a Conflict naming what, and the unit of work rolls back."""
    row = ("C001", "First", "", None, False, NOW, NOW)
    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.clients.insert_many("clients", CLIENT_KEYS, [row])
        uow.commit()

    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.clients.insert_many(
            "clients", CLIENT_KEYS, [("C002", "Second", "", None, False, NOW, NOW)]
        )
        with pytest.raises(Conflict, match="a client with that reference"):
            uow.clients.insert_many("clients", CLIENT_KEYS, [row])
        # left without commit: the unit of work rolls back

    with postgres.connect() as connection:
        names = connection.execute(text("SELECT reference, name FROM clients")).all()
    assert [tuple(name) for name in names] == [("C001", "First")]


def test_a_copy_of_a_value_the_column_refuses_is_sqlalchemys_error(postgres: Engine) -> None:
    """Any other failure of a COPY is SQLAlchemy's error, as an INSERT's would be."""
    with (
        SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow,
        pytest.raises(IntegrityError, match="not-null"),
    ):
        uow.clients.insert_many(
            "clients", CLIENT_KEYS, [("C001", "First", None, None, False, NOW, NOW)]
        )


def test_a_date_column_by_copy(postgres: Engine) -> None:
    """Proposals carry a date (start_date) next to timestamps: COPY writes it as a date."""
    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.clients.insert_many(
            "clients", CLIENT_KEYS, [("C001", "First", "", None, None, NOW, NOW)]
        )
        client_id = uow.session.execute(text("SELECT id FROM clients")).scalar_one()
        uow.proposals.insert_many(
            "proposals",
            ("reference", "client_id", "status", "start_date", "title", "created_at", "updated_at"),
            [("P1", client_id, "accepted", date(2026, 2, 28), "Title", NOW, NOW)],
        )
        uow.commit()
    with postgres.connect() as connection:
        start = connection.execute(text("SELECT start_date FROM proposals")).scalar_one()
    assert start == date(2026, 2, 28)


def test_an_upsert_waiting_on_another_transactions_insert_updates_instead_of_failing(
    postgres: Engine,
) -> None:
    """Two machines saving the same new Xero contact at once (two syncs, or two posters that
    each made it): the second waits for the first's row and then updates it, where a read
    then an insert would find nothing, insert, and end in a unique violation."""
    keys = ("contact_id", "name", "email", "status", "is_customer", "updated_at")
    first_row = ("c-1", "First Ltd", "", "ACTIVE", True, NOW)
    second_row = ("c-1", "First Limited", "a@example.com", "ACTIVE", True, NOW)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
                uow.mirror.upsert("xero_contacts", "contact_id", keys, [second_row])
                uow.commit()
        except BaseException as failure:
            failures.append(failure)

    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.mirror.upsert("xero_contacts", "contact_id", keys, [first_row])
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)  # the other's insert now waits on this uncommitted row
        assert other.is_alive()
        uow.commit()
    other.join(timeout=10)

    assert failures == []
    with postgres.connect() as connection:
        stored = connection.execute(text("SELECT contact_id, name, email FROM xero_contacts"))
        assert [tuple(row) for row in stored] == [("c-1", "First Limited", "a@example.com")]


def test_a_large_copy_refreshes_the_planners_statistics_in_its_own_transaction(
    postgres: Engine,
) -> None:
    """The import's reads after its COPY (IN lists of 500 ids) plan on the table as it now
    is: without ANALYZE a table filled in this transaction still looks empty (never
    analyzed: reltuples -1), and 1.4 million proposal lines were read by parallel
    sequential scans, 400 times."""
    rows = [
        (f"C{index:05}", f"Client {index}", "", None, False, NOW, NOW)
        for index in range(ANALYZE_AFTER)
    ]
    with SqlUnitOfWork(postgres, FixedClock(NOW), write=True) as uow:
        uow.clients.insert_many("clients", CLIENT_KEYS, rows[:10])  # small: not analyzed
        small = uow.session.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'clients'")
        ).scalar_one()
        uow.clients.insert_many("clients", CLIENT_KEYS, [(f"D{r[0]}", *r[1:]) for r in rows])
        counted = uow.session.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'clients'")
        ).scalar_one()
        uow.commit()
    assert small == -1
    assert counted == ANALYZE_AFTER + 10

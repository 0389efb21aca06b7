"""`socket db upgrade`, `db info` and `db backup`, and every other command refusing a store
whose schema is not this socket's: on SQLite, and on PostgreSQL when CI's server is there
(SOCKET_TEST_POSTGRES_URL, see .ci/postgres.sh; tests/engines.py). Backups of files are
SQLite's alone."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from socketcli.adapters.store.database import (
    HEAD_REVISION,
    MIGRATIONS,
    StoreLocation,
    create_store_engine,
)
from tests.engines import Stores, where
from tests.runner import Socket

NOW = "2026-11-21 09:00:00+00:00"
FIRST_RELEASE = (
    f"INSERT INTO clients (id, reference, name, email, year_end, last_billable_month, created_at, updated_at) VALUES (1, 'ACME', 'Acme Ltd', '', '03-31', NULL, '{NOW}', '{NOW}')",
    f"INSERT INTO services (id, name, billing_method, alignment_eligible, created_at, updated_at) VALUES (1, 'Payroll', 'monthly', false, '{NOW}', '{NOW}')",
    f"INSERT INTO proposals (id, reference, client_id, status, start_date, title, created_at, updated_at) VALUES (1, 'P1', 1, 'accepted', '2026-10-01', '', '{NOW}', '{NOW}')",
    f"INSERT INTO proposal_lines (proposal_id, service_id, position, description, quantity, unit_price_minor, billing_method, start_month, anchor_month, charges_alignment, created_at) VALUES (1, 1, 0, 'Payroll', '1.5', 3333, 'monthly', '2026-10', '2026-10', false, '{NOW}')",
)


@pytest.fixture
def location(stores: Stores) -> StoreLocation:
    """An empty store's location on this test's engine (PostgreSQL: a new database)."""
    return stores.new("practice")


def on(socket: Socket, location: StoreLocation) -> Socket:
    """socket on the store at `location` (--db PATH, or --db URL)."""
    return socket.using(db=where(location))


def store_at(location: StoreLocation, revision: str, *statements: str) -> None:
    """A store made by the migrations up to `revision`, holding what `statements` insert."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_store_engine(location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def set_revision(location: StoreLocation, revision: str) -> None:
    engine = create_store_engine(location)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_store_of_the_first_release_is_refused_until_db_upgrade_then_keeps_its_data(
    socket: Socket, location: StoreLocation
) -> None:
    store_at(location, "0001", *FIRST_RELEASE)
    socket = on(socket, location)

    for args in (("clients", "list"), ("plan", "show", "--month", "2026-12"), ("sync",)):
        line = socket.fails(*args, code=5)
        assert "has an older schema (0001)" in line, line
        assert "run `socket db upgrade`" in line, line
    assert socket.json("db", "info")["schema"] == "0001"

    said = socket.ok("db", "upgrade").stderr
    assert f"from schema 0001 to {HEAD_REVISION}" in said

    assert [(c["reference"], c["name"]) for c in socket.json("clients", "list")] == [
        ("ACME", "Acme Ltd")
    ]
    info = socket.json("db", "info")
    assert (info["schema"], info["schema_state"], info["clients"], info["proposals"]) == (
        HEAD_REVISION,
        "current",
        1,
        1,
    )
    # 1.5 x 33.33 = 49.995, half up to 50.00: the line's amount was made by the upgrade.
    plan = socket.json("plan", "show", "--month", "2026-12")
    assert [(c["reference"], c["amount"]) for c in plan["clients"]] == [("ACME", "50.00")]
    assert "already" in socket.ok("db", "upgrade").stderr


def test_a_store_newer_than_this_socket_is_refused_by_every_command_and_by_db_upgrade(
    socket: Socket, location: StoreLocation
) -> None:
    socket = on(socket, location)
    socket.ok("init")
    set_revision(location, "0099")

    for args in (("clients", "list"), ("init",), ("db", "upgrade"), ("db", "info")):
        line = socket.fails(*args, code=5)
        assert "this socket is older than the store" in line, line
        assert line.endswith("upgrade socket"), line
    set_revision(location, HEAD_REVISION)
    socket.ok("clients", "list")  # nothing was changed by the refusals


def test_db_info_counts_what_the_store_holds(socket: Socket, location: StoreLocation) -> None:
    socket = on(socket, location)
    socket.ok("init")
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    for reference in ("ACME", "BETA"):
        socket.ok("clients", "add", reference, f"{reference} Ltd", "--year-end", "31-03")
    socket.ok(
        "proposals", "add", "P1", "--client", "ACME", "--line", "Bookkeeping=150",
        "--start", "2026-10-01", "--accept",
    )  # fmt: skip

    info = socket.json("db", "info")

    assert info["engine"] == ("SQLite" if location.is_sqlite else "PostgreSQL")
    assert info["where"] == location.describe()
    assert (info["clients"], info["proposals"], info["finalised_months"]) == (2, 1, 0)
    assert info["outbox"] == {"pending": 0, "sending": 0, "posted": 0, "failed": 0}
    assert info["size_bytes"] > 0
    table = socket.ok("db", "info").stdout
    assert "Clients            2" in table
    assert f"{HEAD_REVISION} (current)" in table


@pytest.mark.sqlite_only("a store file that is not there")
def test_db_info_on_no_store_says_how_to_make_one(socket: Socket, tmp_path: Path) -> None:
    line = socket.using(db=tmp_path / "none.db").fails("db", "info", code=5)
    assert "run `socket init`" in line
    assert not (tmp_path / "none.db").exists()


@pytest.mark.sqlite_only("SQLite's online backup of a file")
def test_a_sqlite_backup_taken_while_another_writes_holds_what_was_committed(
    socket: Socket, tmp_path: Path
) -> None:
    store = tmp_path / "practice.db"
    socket = socket.using(db=store)
    socket.ok("init")
    socket.ok("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03")
    writer = sqlite3.connect(store, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another command writing, not yet committed
    writer.execute(
        "INSERT INTO clients (reference, name, email, created_at, updated_at) "
        f"VALUES ('HALF', 'Half Written', '', '{NOW}', '{NOW}')"
    )
    try:
        said = socket.ok("db", "backup", str(tmp_path / "copy.db")).stderr
    finally:
        writer.execute("COMMIT")
        writer.close()

    assert "Backed up the store" in said
    copy = tmp_path / "copy.db"
    assert copy.stat().st_mode & 0o777 == 0o600
    copied = socket.using(db=copy).json("clients", "list")
    assert [c["reference"] for c in copied] == ["ACME"]
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


@pytest.mark.sqlite_only("a backup of a file")
def test_a_backup_never_overwrites_a_file(socket: Socket, tmp_path: Path) -> None:
    socket = socket.using(db=tmp_path / "practice.db")
    socket.ok("init")
    existing = tmp_path / "keep.db"
    existing.write_text("mine")

    line = socket.fails("db", "backup", str(existing), code=2)
    assert "already exists" in line
    assert existing.read_text() == "mine"
    line = socket.fails("db", "backup", str(tmp_path / "practice.db"), code=2)
    assert "already exists" in line
    line = socket.fails("db", "backup", str(tmp_path / "no" / "copy.db"), code=2)
    assert "is not a directory" in line


@pytest.mark.postgresql_only("pg_dump")
def test_a_postgresql_backup_uses_pg_dump_or_says_how(
    socket: Socket, location: StoreLocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    socket = on(socket, location)
    socket.ok("init")
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    line = socket.fails("db", "backup", str(tmp_path / "none.dump"), code=5)
    assert "pg_dump is not on PATH" in line
    assert "postgresql-client" in line
    assert not (tmp_path / "none.dump").exists()
    monkeypatch.setenv("PATH", path)
    if shutil.which("pg_dump"):
        socket.ok("db", "backup", str(tmp_path / "store.dump"))
        assert (tmp_path / "store.dump").read_bytes()[:5] == b"PGDMP"


@pytest.mark.sqlite_only("the playground is a SQLite file of its own")
def test_the_playground_is_brought_to_this_socket_schema_when_opened(
    socket: Socket, data_dir: Path
) -> None:
    """The playground is a demo store socket owns: an older one is upgraded on open (a
    practice's own store waits for `socket db upgrade`), its data kept."""
    playground = StoreLocation.for_path(data_dir / "playground.db")
    playground.path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
    store_at(playground, "0001", *FIRST_RELEASE)

    listed = socket.json("--playground", "clients", "list")

    assert [(c["reference"], c["name"]) for c in listed] == [("ACME", "Acme Ltd")]
    engine = create_store_engine(playground)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            HEAD_REVISION
        )
    engine.dispose()

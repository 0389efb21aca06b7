"""The walk's link on the sqlite3 driver alone (adapters/store/lite.py `SqliteLinkWrite`):
the same rows, history, checks, transaction and busy store as through the unit of work.

Each test makes one SQLite store, copies it, and makes the same decisions of a
`MatchSession` on both copies: one written by the lighter writer, one by a write unit of
work (as on PostgreSQL, or before). Every table of the two is then compared.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy.exc
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlmodel import SQLModel

from socketcli.adapters.store.lite import SqliteLinkWrite
from socketcli.adapters.store.rows import sqlite_moment
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import Wiring, wire
from socketcli.domain.errors import Conflict, StoreBusy
from socketcli.domain.records import Client, XeroContact
from socketcli.services.contacts import MatchSession
from tests.engines import dump
from tests.integration.test_lite_reader import store_holding

#: A moment far from UTC: a client's `updated_at` keeps its wall time, the history's `at` is
#: UTC (the day before).
NOW = "2026-11-21T09:30:15.250000+13:00"
MADE = "2026-11-01"  # when the store's clients were made

CLIENTS = [
    Client("ACME", "Acme Ltd", email="accounts@acme.co.uk"),
    Client("BETA", "Acme Trading", consolidate=True),
    Client("COBB", "Cobb & Co", xero_contact_id="x-cobb", xero_contact_name="Cobb & Co"),
    Client("DOVE", "Dove Design", xero_contact_id="x-dove-old", xero_contact_name="Dove Design"),
    Client("EAST", "Eastwood Garage"),
    Client("ZED", "Zed's Cafe"),
]
CONTACTS = [
    XeroContact("x-acme", "Acme Limited", "accounts@acme.co.uk"),
    XeroContact("x-cobb", "Cobb & Co"),
    XeroContact("x-dove-old", "Dove Design", status="ARCHIVED", merged_to="x-dove"),
    XeroContact("x-dove", "Dove Design Studio Ltd"),
    XeroContact("x-mill", "Old Mill Farm", status="ARCHIVED"),
    XeroContact("x-zed", "Zeds Cafe"),
]


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two copies of one store: the first to be written by the lighter writer, the second
    by the unit of work."""
    monkeypatch.setenv("SOCKET_NOW", MADE)
    made = store_holding(tmp_path / "made.db", CLIENTS, CONTACTS)
    copies = tmp_path / "lite.db", tmp_path / "orm.db"
    for copy in copies:
        with sqlite3.connect(made) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        # the copy is in WAL mode as the store it copies (`backup` keeps the pages, not the mode)
        sqlite3.connect(copy).execute("PRAGMA journal_mode=WAL").close()
    monkeypatch.setenv("SOCKET_NOW", NOW)
    return copies


@contextmanager
def sessions(lite: Path, orm: Path) -> Iterator[tuple[MatchSession, MatchSession]]:
    """A walk on each store, by name, decisions written by the lighter writer / the unit of
    work, both naming "ann" in the history."""
    light, heavy = wire(lite), wire(orm)
    try:
        write, prepare = light.link_writes(actor="ann")
        assert prepare is None  # nothing to import in the background for it

        def unit() -> SqlUnitOfWork:
            found = heavy.uow(write=True, actor="ann")
            assert isinstance(found, SqlUnitOfWork)
            return found

        first = MatchSession(light.uow, light.clock, "name", read=light.reader, write=write)
        second = MatchSession(heavy.uow, heavy.clock, "name", read=heavy.reader, write=unit)
        with first, second:
            yield first, second
    finally:
        light.close()
        heavy.close()


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def contact(contact_id: str) -> XeroContact:
    return next(c for c in CONTACTS if c.contact_id == contact_id)


def client(session: MatchSession, reference: str) -> Client:
    return next(c for c in session.book.clients if c.reference == reference)


def test_a_walks_decisions_write_the_same_store_either_way(stores: tuple[Path, Path]) -> None:
    lite, orm = stores
    before = dump(url(lite))
    assert before == dump(url(orm))
    with sessions(lite, orm) as (light, heavy):
        for session in (light, heavy):
            acme, beta = client(session, "ACME"), client(session, "BETA")
            session.link(acme, contact("x-acme"))
            # the contact the walk just linked to ACME: the walk asks first
            taken = session.others_linked(beta, contact("x-acme"))
            assert [(c.reference, c.xero_contact_id) for c in taken] == [("ACME", "x-acme")]
            with pytest.raises(Conflict, match="already linked to ACME"):
                session.link(beta, contact("x-acme"))
            shared = session.link(beta, contact("x-acme"), shared=True)
            assert [c.reference for c in shared.shared_with] == ["ACME"]
            session.choose_new(client(session, "EAST"))
            session.link(client(session, "DOVE"), contact("x-dove"))  # was the merged one
            session.link(client(session, "COBB"), contact("x-cobb"))  # the one it has
            with pytest.raises(Conflict, match="archived in Xero"):
                session.link(client(session, "ZED"), contact("x-mill"))

    after = dump(url(lite))
    assert after == dump(url(orm))
    assert after != before
    clients = rows(
        lite,
        "SELECT reference, xero_contact_id, xero_contact_name, new_xero_contact, updated_at"
        " FROM clients",
    )
    assert {row[0]: row[1:4] for row in clients} == {
        "ACME": ("x-acme", "Acme Limited", 0),
        "BETA": ("x-acme", "Acme Limited", 0),
        "COBB": ("x-cobb", "Cobb & Co", 0),
        "DOVE": ("x-dove", "Dove Design Studio Ltd", 0),
        "EAST": (None, None, 1),
        "ZED": (None, None, 0),
    }
    stamped = {row[0]: row[4] for row in clients}  # in UTC
    assert stamped == {
        **dict.fromkeys(("ACME", "BETA", "DOVE", "EAST"), "2026-11-20 20:30:15.250000"),
        **dict.fromkeys(("COBB", "ZED"), "2026-11-01 00:00:00.000000"),  # nothing changed
    }
    history = rows(lite, "SELECT at, actor, client_reference, summary FROM history ORDER BY id")
    assert [entry[2] for entry in history] == ["ACME", "BETA", "EAST", "DOVE", "COBB"]
    assert {entry[:2] for entry in history} == {("2026-11-20 20:30:15.250000", "ann")}  # UTC
    assert (
        history[3][3] == "linked DOVE to Xero contact 'Dove Design Studio Ltd'; was 'Dove Design'"
    )


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_a_failed_write_leaves_nothing_of_the_link_either_way(stores: tuple[Path, Path]) -> None:
    """A link whose history entry cannot be written is rolled back whole: the client's row
    too."""
    lite, orm = stores
    for path in stores:
        with sqlite3.connect(path) as connection:
            connection.execute(
                "CREATE TRIGGER refused BEFORE INSERT ON history WHEN NEW.client_reference = 'ZED'"
                " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
    before = dump(url(lite))
    with sessions(lite, orm) as (light, heavy):
        for session in (light, heavy):
            with pytest.raises((sqlite3.IntegrityError, sqlalchemy.exc.IntegrityError)):
                session.link(client(session, "ZED"), contact("x-zed"))
            assert session.others_linked(client(session, "ACME"), contact("x-zed")) == []
    assert dump(url(lite)) == dump(url(orm)) == before


def test_a_busy_store_is_store_busy_either_way(
    stores: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command holding the write lock past the busy timeout: StoreBusy, nothing
    written."""
    monkeypatch.setenv("SOCKET_BUSY_TIMEOUT", "0.2")
    lite, orm = stores
    before = dump(url(lite))
    holders = [sqlite3.connect(path, isolation_level=None) for path in stores]
    with sessions(lite, orm) as (light, heavy):
        for holder in holders:
            holder.execute("BEGIN IMMEDIATE")
        try:
            for session in (light, heavy):
                with pytest.raises(StoreBusy):
                    session.link(client(session, "ZED"), contact("x-zed"))
                with pytest.raises(StoreBusy):
                    session.choose_new(client(session, "EAST"))
        finally:
            for holder in holders:
                holder.rollback()
                holder.close()
    assert dump(url(lite)) == dump(url(orm)) == before


def test_the_walk_writes_on_the_driver_only_where_it_reads_on_it(tmp_path: Path) -> None:
    """A SQLite file given as a path: the lighter writer. A URL (or an engine open already):
    the unit of work, its ORM imported in the background."""
    db = tmp_path / "socket.db"
    wire(db).create()

    def opened(wiring: Wiring) -> tuple[object, bool]:
        write, prepare = wiring.link_writes()
        with write() as found:
            return found, prepare is not None

    by_path = wire(db)
    found, prepared = opened(by_path)
    assert isinstance(found, SqliteLinkWrite)
    assert not prepared
    by_url = wire(url(db))
    found, prepared = opened(by_url)
    assert isinstance(found, SqlUnitOfWork)
    assert prepared
    by_path.engine()
    found, prepared = opened(by_path)
    assert isinstance(found, SqlUnitOfWork)
    by_path.close()
    by_url.close()


def test_the_walks_link_imports_no_sqlalchemy(stores: tuple[Path, Path]) -> None:
    lite, _ = stores
    script = (
        "import sys\n"
        "from socketcli.bootstrap import wire\n"
        "from socketcli.services.contacts import MatchSession\n"
        f"wiring = wire({str(lite)!r})\n"
        "write, _ = wiring.link_writes()\n"
        "with MatchSession(wiring.uow, wiring.clock, 'name', read=wiring.reader, write=write) as s:\n"
        "    item = s.item(0)\n"
        "    s.link(item.client, item.candidates[0].contact)\n"
        "sys.stdout.write(f'{item.client.reference} {\"sqlalchemy\" in sys.modules}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True
    )
    assert done.stdout == "ACME False", done.stderr
    [row] = sqlite3.connect(lite).execute(
        "SELECT xero_contact_id FROM clients WHERE reference = 'ACME'"
    )
    assert row == ("x-acme",)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        datetime(2026, 11, 21, 9, 30, 15, 250000, tzinfo=timezone(timedelta(hours=13))),
        datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),
    ],
)
@pytest.mark.parametrize(("table", "column"), [("clients", "updated_at"), ("history", "at")])
def test_a_moment_is_written_as_the_stores_columns_write_it(
    moment: datetime, table: str, column: str
) -> None:
    """SQLModel's UTCDateTime on SQLite: in UTC, as text."""
    dialect = sqlite_dialect.dialect()
    process = (
        SQLModel.metadata.tables[table].c[column].type.dialect_impl(dialect).bind_processor(dialect)
    )
    assert process is not None
    assert sqlite_moment(moment) == process(moment)


def test_a_moment_without_its_zone_is_refused_as_the_columns_refuse_it() -> None:
    dialect = sqlite_dialect.dialect()
    process = SQLModel.metadata.tables["clients"].c["updated_at"].type.bind_processor(dialect)
    assert process is not None
    naive = datetime(2026, 11, 21, 9, 30)
    with pytest.raises(ValueError, match="timezone information"):
        process(naive)
    with pytest.raises(ValueError, match="time zone"):
        sqlite_moment(naive)

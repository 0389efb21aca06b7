"""`socket import` holds the store's write lock only while it writes: it checks its rows in a
unit of work that takes the lock at its first write (optimistic), and when another command
wrote in between it checks again against what that command wrote; after three such tries it
takes the lock first, as any writer does."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from socketcli.domain.errors import StoreBusy
from socketcli.domain.records import Client
from socketcli.services.importer import OPTIMISTIC_ATTEMPTS, import_csv
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.runner import Socket


class Meanwhile:
    """A unit of work during which another command commits `change`, just after it began."""

    def __init__(self, uow: FakeUnitOfWork, change: Callable[[], None]) -> None:
        self.uow = uow
        self.change = change

    def __enter__(self) -> FakeUnitOfWork:
        entered = self.uow.__enter__()
        self.change()
        return entered

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uow.__exit__(exc_type, exc, tb)


def another_command_adds(store: FakeStore, reference: str, name: str) -> Callable[[], None]:
    def add() -> None:
        with store.open(write=True) as other:
            other.clients.save(Client(reference, name))
            other.commit()

    return add


@pytest.fixture
def clients_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text("reference,name\nACME,Acme Ltd\nBETA,Beta Bakery\n", encoding="utf-8")
    return path


def test_an_import_checks_again_against_what_another_command_wrote_meanwhile(
    clients_csv: Path,
) -> None:
    store, opened = FakeStore(FakeClock()), []

    def open_store(**options: Any) -> Any:
        opened.append(options)
        uow = store.open(**options)
        if len(opened) == 1:  # the first try: ACME is added by someone else meanwhile
            return Meanwhile(uow, another_command_adds(store, "ACME", "Acme (by hand)"))
        return uow

    report = import_csv(open_store, store.clock, [clients_csv])

    assert opened == [{"write": True, "optimistic": True, "bulk": True}] * 2
    # Checked again: ACME exists now, so the file updates it rather than creating it twice.
    assert (report.clients.created, report.clients.updated) == (1, 1)
    clients = {c.reference: c.name for c in store.view().clients.all()}
    assert clients == {"ACME": "Acme Ltd", "BETA": "Beta Bakery"}


def test_an_import_that_keeps_being_overtaken_takes_the_lock_first(clients_csv: Path) -> None:
    store, opened = FakeStore(FakeClock()), []

    def open_store(**options: Any) -> Any:
        opened.append(options)
        uow = store.open(**options)
        if options.get("optimistic"):
            n = len(opened)
            return Meanwhile(uow, another_command_adds(store, f"OTHER{n}", f"Other {n}"))
        return uow

    report = import_csv(open_store, store.clock, [clients_csv])

    tries = [{"write": True, "optimistic": True, "bulk": True}] * OPTIMISTIC_ATTEMPTS
    assert opened == [*tries, {"write": True, "bulk": True}]
    assert report.clients.created == 2
    assert len(store.view().clients.all()) == 2 + OPTIMISTIC_ATTEMPTS


def test_a_dry_run_only_reads(clients_csv: Path) -> None:
    store, opened = FakeStore(FakeClock()), []

    def open_store(**options: Any) -> Any:
        opened.append(options)
        return store.open(**options)

    report = import_csv(open_store, store.clock, [clients_csv], dry_run=True)

    assert opened == [{}]
    assert report.clients.created == 2
    assert store.view().clients.all() == []


# -- the same on SQLite -----------------------------------------------------------------------


@pytest.fixture
def sqlite_store(socket: Socket, tmp_path: Path) -> Path:
    store = tmp_path / "socket.db"
    socket.ok("--db", str(store), "init")
    return store


@pytest.mark.sqlite_only("SQLite's write lock on the file (BEGIN IMMEDIATE, a deferred BEGIN)")
def test_an_optimistic_unit_of_work_holds_no_lock_while_it_reads(sqlite_store: Path) -> None:
    from socketcli.bootstrap import wire

    wiring = wire(sqlite_store)
    other = sqlite3.connect(sqlite_store, timeout=0, isolation_level=None)
    try:
        with wiring.uow(write=True, optimistic=True) as uow:
            assert uow.clients.all() == []
            other.execute("BEGIN IMMEDIATE")  # another writer gets the lock at once
            other.execute("ROLLBACK")
            uow.clients.save(Client("ACME", "Acme Ltd"))
            uow.commit()
    finally:
        other.close()
        wiring.close()
    rows = sqlite3.connect(sqlite_store).execute("SELECT reference FROM clients").fetchall()
    assert rows == [("ACME",)]


@pytest.mark.sqlite_only("SQLite's write lock on the file (BEGIN IMMEDIATE, a deferred BEGIN)")
def test_an_optimistic_write_after_another_commit_is_refused_and_writes_nothing(
    sqlite_store: Path,
) -> None:
    from socketcli.bootstrap import wire

    wiring = wire(sqlite_store)
    other = sqlite3.connect(sqlite_store, isolation_level=None)
    try:
        with wiring.uow(write=True, optimistic=True) as uow:
            assert uow.clients.all() == []
            other.execute(
                "INSERT INTO clients (reference, name, email, new_xero_contact, created_at, "
                "updated_at) VALUES ('BETA', 'Beta Bakery', '', 0, '2026-11-21', '2026-11-21')"
            )
            with pytest.raises(StoreBusy):
                uow.clients.save(Client("ACME", "Acme Ltd"))  # its first write
    finally:
        other.close()
        wiring.close()
    rows = sqlite3.connect(sqlite_store).execute("SELECT reference FROM clients").fetchall()
    assert rows == [("BETA",)]

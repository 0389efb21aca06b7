"""The SQLite reader's own reads of every client and contact (adapters/store/lite.py): what
`contacts match` starts on, without SQLAlchemy, the same as SQLAlchemy Core's reader reads."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from socketcli.adapters.store.lite import SqliteReader
from socketcli.bootstrap import wire
from socketcli.domain.model import YearEnd
from socketcli.domain.months import Month
from socketcli.domain.records import Client, XeroContact

CLIENTS = [
    Client("C3", "acme", consolidate=True, year_end=YearEnd(3, 31)),
    Client("C1", "Acme", consolidate=False, last_billable_month=Month(2027, 1)),
    Client("C2", "ACME", email="a@acme.test", xero_contact_id="x-1", xero_contact_name="Acme"),
    Client("C4", "Zeta", invoice_day=5, tracking="Region:North", new_xero_contact=True),
    Client("C5", "beta"),
]
CONTACTS = [
    XeroContact("x-3", "Acme"),
    XeroContact("x-1", "Acme", email="a@acme.test", contact_number="N1"),
    XeroContact("x-2", "acme", status="ARCHIVED", is_customer=False, merged_to="x-1"),
    XeroContact("x-4", "Beta Ltd", account_number="A4"),
]


def store_holding(db: Path, clients: list[Client], contacts: list[XeroContact]) -> Path:
    """A new store at `db` holding these clients and Xero contacts, made through the unit of
    work as the CLI makes one."""
    wiring = wire(db)
    try:
        wiring.create()
        with wiring.uow(write=True) as uow:
            uow.clients.save_many(clients)
            uow.mirror.save_contacts(contacts)
            uow.commit()
    finally:
        wiring.close()
    return db


def store(tmp_path: Path) -> Path:
    return store_holding(tmp_path / "socket.db", CLIENTS, CONTACTS)


def test_clients_and_contacts_read_without_sqlalchemy_are_those_it_reads(tmp_path: Path) -> None:
    """Same values (a flag read as a bool, not 0 or 1) in the same order, equal names too."""
    wiring = wire(store(tmp_path))
    try:
        with wiring.reader() as reader:
            assert isinstance(reader, SqliteReader)
            clients, contacts = reader.clients(), reader.xero_contacts()
            core = reader._sql()
            assert clients == core.clients()
            assert contacts == core.xero_contacts()
    finally:
        wiring.close()
    assert [c.reference for c in clients] == ["C3", "C1", "C2", "C5", "C4"]
    assert [c.consolidate for c in clients][:2] == [True, False]
    assert all(type(c.consolidate) in (bool, type(None)) for c in clients)
    assert {c.reference: replace(c, id=None) for c in clients} == {c.reference: c for c in CLIENTS}
    assert [c.contact_id for c in contacts] == ["x-3", "x-1", "x-4", "x-2"]


def test_the_walks_reads_import_no_sqlalchemy(tmp_path: Path) -> None:
    db = store(tmp_path)
    script = (
        "import sys\n"
        "from socketcli.bootstrap import wire\n"
        f"wiring = wire({str(db)!r})\n"
        "with wiring.reader() as reader:\n"
        "    n = len(reader.clients()) + len(reader.xero_contacts())\n"
        "    reader.latest_finalised()\n"
        "sys.stdout.write(f'{n} {\"sqlalchemy\" in sys.modules}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True
    )
    assert done.stdout == "9 False", done.stderr

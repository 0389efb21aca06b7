"""What a large import does differently, and must store the same: the new proposals' work
items opened from the lines in hand, and, on SQLite, a store's first import with its
references checked once at commit instead of row by row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from socketcli.adapters.store.proposals import SqlProposals
from socketcli.adapters.store.work_items import SqlWorkItems
from socketcli.domain.model import ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.proposals import NewProposal
from tests.practices import generate

if TYPE_CHECKING:
    from tests.integration.conftest import Store

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # the store fixture's clock
TABLES = ("clients", "proposals", "proposal_lines", "work_items")


def practice_files(folder: Path, clients: int) -> list[Path]:
    generate(folder, clients=clients, today=NOW.date())
    return [folder / name for name in ("clients.csv", "services.csv", "proposals.csv")]


def foreign_keys(uow: Any) -> int:
    return int(uow.session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar())


def test_new_proposals_get_the_work_items_open_for_would_open(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """add_new(work_from=...) opens the new proposals' items from the lines in hand: the same
    rows, ids included, as reading the lines back with open_for after the insert."""
    from tests.integration.conftest import Store as StoreOf

    files = practice_files(tmp_path / "practice", clients=300)
    store.import_files(*files)
    in_hand = {table: store.rows(f"SELECT * FROM {table} ORDER BY id") for table in TABLES}
    assert len(in_hand["work_items"]) > 100

    original = SqlProposals.add_new

    def read_back(
        self: SqlProposals,
        proposals: Sequence[NewProposal],
        *,
        work_from: Month | None = None,
        later: object = None,
    ) -> None:
        assert later is None  # (no second process: the import is not given one)
        original(self, proposals)
        if work_from is not None:
            SqlWorkItems(self.session, self._clock, self._reader).open_for(
                [p.reference for p in proposals if p.status is not ProposalStatus.DRAFT],
                in_force_from=work_from,
            )

    monkeypatch.setattr(SqlProposals, "add_new", read_back)
    other = StoreOf(store.location, new_engine())
    other.import_files(*files)
    assert {table: other.rows(f"SELECT * FROM {table} ORDER BY id") for table in TABLES} == (
        in_hand
    )


def refer_to_no_client(uow: Any, reference: str) -> None:
    uow.session.connection().exec_driver_sql(
        "INSERT INTO proposals (reference, client_id, status, title, created_at, updated_at) "
        f"VALUES ('{reference}', 12345, 'draft', '', '2026-11-21', '2026-11-21')"
    )


def write_and_commit(uow: Any) -> None:
    refer_to_no_client(uow, "P-1")
    uow.commit()


def test_a_broken_reference_in_a_bulk_write_fails_it_and_writes_nothing(store: Store) -> None:
    """A bulk unit of work on a store without clients: on SQLite its foreign keys are checked
    at commit (off while it writes), elsewhere row by row; either way a row that refers to
    nothing fails the write, and nothing of it is kept."""
    before = store.dump()
    sqlite = store.engine.dialect.name == "sqlite"
    with store.opener()(write=True, bulk=True) as uow:
        if sqlite:
            assert foreign_keys(uow) == 0
        with pytest.raises(RuntimeError if sqlite else IntegrityError, match=r"reference|foreign"):
            write_and_commit(uow)
    assert store.dump() == before
    with store.opener()(write=True) as uow:  # the next unit of work checks row by row again
        if sqlite:
            assert foreign_keys(uow) == 1
        with pytest.raises(IntegrityError):
            refer_to_no_client(uow, "P-1")


def test_a_store_that_holds_clients_checks_references_row_by_row_in_a_bulk_write(
    store: Store, tmp_path: Path
) -> None:
    store.import_files(*practice_files(tmp_path / "practice", clients=3))
    with store.opener()(write=True, bulk=True) as uow:
        if store.engine.dialect.name == "sqlite":
            assert foreign_keys(uow) == 1
        with pytest.raises(IntegrityError):
            refer_to_no_client(uow, "P-X")


def work_by_line(store: Store) -> list[tuple[Any, ...]]:
    """Each work item by its proposal's reference and its line's position: ids left out."""
    return sorted(
        store.rows(
            "SELECT p.reference, l.position, w.description, w.amount_minor, w.status, "
            "w.due_month FROM work_items w JOIN proposal_lines l ON l.id = w.proposal_line_id "
            "JOIN proposals p ON p.id = l.proposal_id"
        )
    )


def test_work_worked_out_while_the_indexes_are_built_is_the_same(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every index set aside (REBUILD_INDEXES_FROM 1), the work items are worked out in
    a thread while SQLite builds the lines' indexes: the store is the one a write without
    set-aside indexes makes, ids included, and a fault in that thread fails the import."""
    from socketcli.adapters.store import sql
    from tests.integration.conftest import Store as StoreOf

    files = practice_files(tmp_path / "practice", clients=200)
    plain = StoreOf(store.location, new_engine())
    plain.import_files(*files)
    monkeypatch.setattr(sql, "REBUILD_INDEXES_FROM", 1)
    store.import_files(*files)
    assert store.dump() == plain.dump()
    assert len(store.rows("SELECT id FROM work_items")) > 50

    broken = StoreOf(store.location, new_engine())
    before = broken.dump()

    def fault(*_: Any) -> None:
        raise RuntimeError("worked out wrongly")

    monkeypatch.setattr(SqlProposals, "_opened", staticmethod(fault))
    with pytest.raises(RuntimeError, match="worked out wrongly"):
        broken.import_files(*files)
    assert broken.dump() == before


@pytest.mark.sqlite_only(reason="PostgreSQL's ids are always read back (a sequence)")
def test_ids_not_given_in_order_are_read_back(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    """SQLite numbers new rows after the largest id, unless that is the largest there can
    be: then it picks free ids at random, and the new proposals' and lines' ids are read
    back, not counted on. The work items still point at their own lines."""
    import sqlite3

    from tests.integration.conftest import Store as StoreOf

    store.import_files(*practice_files(tmp_path / "first", clients=2))
    with sqlite3.connect(
        str(store.engine.url.database)
    ) as connection:  # the largest ids there can be
        connection.execute("PRAGMA foreign_keys=OFF")
        top = 2**63 - 1
        proposal = connection.execute("SELECT max(id) FROM proposals").fetchone()[0]
        line = connection.execute("SELECT max(id) FROM proposal_lines").fetchone()[0]
        connection.execute("UPDATE proposals SET id = ? WHERE id = ?", (top, proposal))
        connection.execute(
            "UPDATE proposal_lines SET proposal_id = ? WHERE proposal_id = ?", (top, proposal)
        )
        connection.execute("UPDATE proposal_lines SET id = ? WHERE id = ?", (top, line))
        connection.execute(
            "UPDATE work_items SET proposal_line_id = ? WHERE proposal_line_id = ?", (top, line)
        )
    second = practice_files(tmp_path / "second", clients=60)
    for csv_path in second:  # other references: all new clients and proposals
        csv_path.write_text(csv_path.read_text().replace("C0", "N0"))
    store.import_files(*second)
    new_ids = [row[0] for row in store.rows("SELECT id FROM proposals WHERE reference LIKE 'P-N%'")]
    assert len(new_ids) == 60
    assert max(new_ids) - min(new_ids) > 10**6  # numbered at random: read back
    plain = StoreOf(store.location, new_engine())
    plain.import_files(*second)
    added = [row for row in work_by_line(store) if row[0].startswith("P-N")]
    assert len(added) > 10
    assert added == work_by_line(plain)

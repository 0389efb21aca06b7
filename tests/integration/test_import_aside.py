"""A big import on SQLite has a second process write its later lines into a scratch file
(adapters/store/aside.py) while it writes the first ones: it must store exactly what one
process stores, ids included, and whatever happens to the second process (it fails, cannot
start, or the import fails while it runs), the store is the same and nothing is left
behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine

from socketcli.adapters.store import aside, proposals, sql
from tests.integration.test_import_bulk import practice_files

if TYPE_CHECKING:
    from tests.integration.conftest import Store

pytestmark = pytest.mark.sqlite_only(
    reason="only SQLite's imports write lines in a second process (PostgreSQL's COPY is one)"
)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[dict[str, Any]]]:
    """Every import hands lines to a second process (ASIDE_FROM 1, on any machine, 100 lines
    a chunk) and sets every index aside; its scratch files go to a folder of the test's own.
    Yields what each second process did."""
    monkeypatch.setattr(proposals, "ASIDE_FROM", 1)
    monkeypatch.setattr(proposals, "ASIDE_CHUNK", 100)
    monkeypatch.setattr(sql, "REBUILD_INDEXES_FROM", 1)
    monkeypatch.setattr(aside, "cores", lambda: 2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    done: list[dict[str, Any]] = []
    start, send, copy_into = aside.Aside.start, aside.Aside.send, aside.Aside.copy_into

    def recorded_start(self: aside.Aside, *args: Any, **named: Any) -> bool:
        started = start(self, *args, **named)
        process = self._process
        done.append({"started": started, "pid": process.pid if process else None, "chunks": 0})
        return started

    def recorded_send(self: aside.Aside, rows: Any) -> None:
        done[-1]["chunks"] += 1
        send(self, rows)

    def recorded_copy(self: aside.Aside, *args: Any) -> bool:
        done[-1]["copied"] = copy_into(self, *args)
        return bool(done[-1]["copied"])

    monkeypatch.setattr(aside.Aside, "start", recorded_start)
    monkeypatch.setattr(aside.Aside, "send", recorded_send)
    monkeypatch.setattr(aside.Aside, "copy_into", recorded_copy)
    yield done
    assert list(scratch.iterdir()) == []  # no scratch file left, however the import ended


def renamed(files: list[Path]) -> list[Path]:
    """The practice with other references: all new clients and proposals."""
    for path in files:
        path.write_text(path.read_text().replace("C0", "N0"))
    return files


def one_process(store: Store, new_engine: Callable[[], Engine], *imports: list[Path]) -> Store:
    """The same imports made by one process into another empty store."""
    from tests.integration.conftest import Store as StoreOf

    other = StoreOf(store.location, new_engine())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(proposals, "ASIDE_FROM", 10**12)
        for files in imports:
            other.import_files(*files)
    return other


def test_lines_written_aside_are_the_lines_one_process_writes(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, seen: list[dict[str, Any]]
) -> None:
    files = practice_files(tmp_path / "practice", clients=300)
    store.import_files(*files)
    assert len(seen) == 1
    assert seen[0]["copied"] is True
    assert seen[0]["chunks"] > 5
    made_by_two = store.dump()
    assert len(made_by_two["proposal_lines"]) > 1_000
    assert len(made_by_two["work_items"]) > 100
    assert made_by_two == one_process(store, new_engine, files).dump()
    # the scratch file is let go of by the next transaction on the connection
    with store.engine.connect() as connection:
        attached = connection.exec_driver_sql("PRAGMA database_list").all()
    assert [row[1] for row in attached] == ["main"]


def test_a_second_big_import_adds_after_the_first(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, seen: list[dict[str, Any]]
) -> None:
    """Into a store that holds lines already: the new ids follow the stored ones."""
    first = practice_files(tmp_path / "first", clients=40)
    store.import_files(*first)
    second = renamed(practice_files(tmp_path / "second", clients=120))
    store.import_files(*second)
    assert [process["copied"] for process in seen] == [True, True]
    assert store.dump() == one_process(store, new_engine, first, second).dump()


def test_when_the_second_process_fails_the_import_writes_the_lines_itself(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    seen: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(aside, "_WRITER", "import sys; sys.stdin.buffer.read(10); sys.exit(3)")
    files = practice_files(tmp_path / "practice", clients=120)
    store.import_files(*files)
    assert seen[0]["started"] is True
    assert seen[0]["copied"] is False
    assert store.dump() == one_process(store, new_engine, files).dump()


def test_no_scratch_file_or_interpreter_means_no_second_process_and_the_same_store(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    seen: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    files = practice_files(tmp_path / "practice", clients=60)
    store.import_files(*files)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    monkeypatch.setattr(aside.sys, "executable", str(tmp_path / "no-python"))
    more = renamed(practice_files(tmp_path / "more", clients=80))
    store.import_files(*more)
    assert [process["started"] for process in seen] == [False, False]
    assert store.dump() == one_process(store, new_engine, files, more).dump()


def test_an_import_that_fails_while_lines_are_written_aside_ends_that_process(
    store: Store, tmp_path: Path, seen: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.dump()
    insert_plain = proposals.SqlProposals.insert_plain

    def failing(self: proposals.SqlProposals, table: str, *args: Any) -> None:
        if table == "proposal_lines":
            raise RuntimeError("the disk went away")
        insert_plain(self, table, *args)

    monkeypatch.setattr(proposals.SqlProposals, "insert_plain", failing)
    with pytest.raises(RuntimeError, match="disk went away"):
        store.import_files(*practice_files(tmp_path / "practice", clients=120))
    assert store.dump() == before
    pid = seen[0]["pid"]
    assert pid is not None
    with pytest.raises(ProcessLookupError):  # ended and reaped
        os.kill(pid, 0)


def test_one_core_writes_every_line_in_one_process(
    store: Store, tmp_path: Path, seen: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aside, "cores", lambda: 1)
    store.import_files(*practice_files(tmp_path / "a", clients=30))
    assert seen == []


def test_a_writer_whose_rows_stop_coming_commits_nothing_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    """The second process's parent killed (its pipe closes before the end): the writer
    exits 2 and removes its scratch file; at the end marker it commits and exits 0."""
    import marshal
    import sqlite3
    import subprocess
    import sys

    chunk = marshal.dumps([("a",), ("b",)], 4)
    for ending, code in ((b"", 2), (bytes(8), 0)):
        path = tmp_path / f"scratch-{code}.db"
        path.touch()
        writer = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", aside._WRITER, str(path), '"name"'],
            stdin=subprocess.PIPE,
        )
        assert writer.stdin is not None
        writer.stdin.write(len(chunk).to_bytes(8, "big") + chunk + ending)
        writer.stdin.close()
        assert writer.wait(timeout=30) == code
        assert path.exists() is (code == 0)
    # in the order sent (copy_into numbers them from their rowid)
    with sqlite3.connect(tmp_path / "scratch-0.db") as written:
        assert written.execute("SELECT rowid, name FROM rows").fetchall() == [(1, "a"), (2, "b")]


def test_a_scratch_file_left_by_a_killed_import_goes_with_the_next_one(
    store: Store, tmp_path: Path, seen: list[dict[str, Any]]
) -> None:
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    scratch = Path(tempfile.gettempdir())
    left = scratch / f"socket-import-{gone}-abc.db"
    mine = scratch / f"socket-import-{os.getpid()}-abc.db"  # a live process's: kept
    other = scratch / "notes.db"
    for path in (left, mine, other):
        path.write_bytes(b"x")
    store.import_files(*practice_files(tmp_path / "practice", clients=30))
    assert seen[0]["copied"] is True
    assert not left.exists()
    assert mine.exists()
    assert other.exists()
    mine.unlink()
    other.unlink()

"""A big first import on SQLite has a second process check and write the later part of its
proposals sheet (services/importer.py `_LaterPart`, socketcli/importhelper.py): the store
must be exactly what one process makes of the same files, ids included; the problems the
same, in the same order; and whatever happens to the second process (it cannot start, it
fails, it is killed, the two parts name the same proposal), the import ends the same, with
no process or scratch file left behind."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine

from socketcli import importhelper
from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store import sql
from socketcli.adapters.store.location import StoreLocation
from socketcli.ports.store import WrittenAside
from socketcli.services import importer
from socketcli.services.importer import ImportFailed, ImportReport, Problem, import_csv
from tests.integration.conftest import NOW
from tests.integration.test_import_bulk import practice_files

if TYPE_CHECKING:
    from tests.integration.conftest import Store

pytestmark = pytest.mark.sqlite_only(
    reason="only SQLite's imports have a second process check and write (it writes SQLite)"
)


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[dict[str, Any]]]:
    """Every import with a second process splits its proposals sheet (SPLIT_FROM 1) and sets
    every index aside; scratch files go to a folder of the test's own, which must be empty
    after. Yields what each second process did: its pid, and what it checked and wrote."""
    monkeypatch.setattr(importer, "SPLIT_FROM", 1)
    monkeypatch.setattr(sql, "REBUILD_INDEXES_FROM", 1)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    done: list[dict[str, Any]] = []
    start, checked, written = (
        importer._LaterPart.start,
        importer._LaterPart.checked,
        importer._LaterPart.written,
    )

    def recorded_start(cls: Any, *args: Any) -> importer._LaterPart | None:
        part: importer._LaterPart | None = start.__func__(cls, *args)  # type: ignore[attr-defined]
        process = getattr(part._process, "_process", None) if part else None
        done.append({"pid": process.pid if process else None})
        return part

    def recorded_checked(self: importer._LaterPart, *args: Any) -> list[Problem] | None:
        done[-1]["checked"] = checked(self, *args)
        return done[-1]["checked"]  # type: ignore[no-any-return]

    def recorded_written(self: importer._LaterPart) -> WrittenAside | None:
        done[-1]["written"] = written(self)
        return done[-1]["written"]  # type: ignore[no-any-return]

    monkeypatch.setattr(importer._LaterPart, "start", classmethod(recorded_start))
    monkeypatch.setattr(importer._LaterPart, "checked", recorded_checked)
    monkeypatch.setattr(importer._LaterPart, "written", recorded_written)
    yield done
    assert list(scratch.iterdir()) == []  # no scratch file left, however the import ended
    for process in done:
        if process["pid"] is not None:
            with pytest.raises(ProcessLookupError):  # ended and reaped
                os.kill(process["pid"], 0)


def with_second(store: Store, files: list[Path]) -> ImportReport:
    """The import as `socket import` runs it on a machine where a second process can help."""
    return import_csv(store.opener(NOW), FixedClock(NOW), files, second=importhelper.start)


def one_process(store: Store, new_engine: Callable[[], Engine], files: list[Path]) -> Store:
    """The same files imported by one process into another empty store."""
    from tests.integration.conftest import Store as StoreOf

    other = StoreOf(store.location, new_engine())
    other.import_files(*files)
    return other


def killing(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def test_the_store_is_what_one_process_makes_of_the_files(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, split: list[dict[str, Any]]
) -> None:
    files = practice_files(tmp_path / "practice", clients=300)
    report = with_second(store, files)
    [process] = split
    assert process["checked"] == []
    written = process["written"]
    assert isinstance(written, WrittenAside)
    assert written.proposals > 100
    assert written.work_items > 50
    made_by_two = store.dump()
    assert len(made_by_two["proposal_lines"]) > 1_000
    assert len(made_by_two["work_items"]) > 100
    assert made_by_two == one_process(store, new_engine, files).dump()
    assert report.proposals.created == len(made_by_two["proposals"])
    # the scratch file is let go of by the next transaction on the connection
    with store.engine.connect() as connection:
        attached = connection.exec_driver_sql("PRAGMA database_list").all()
    assert [row[1] for row in attached] == ["main"]


def spoil(path: Path, changes: dict[int, tuple[str, str]]) -> None:
    """Replace text on some data rows of a CSV file (row 2 is the first)."""
    lines = path.read_text().splitlines(keepends=True)
    for row, (old, new) in changes.items():
        assert old in lines[row - 1]
        lines[row - 1] = lines[row - 1].replace(old, new, 1)
    path.write_text("".join(lines))


def test_problems_in_both_parts_are_told_as_one_process_tells_them(
    store: Store, tmp_path: Path, split: list[dict[str, Any]]
) -> None:
    files = practice_files(tmp_path / "practice", clients=200)
    clients, _, proposals = files
    rows = len(proposals.read_text().splitlines())
    spoil(clients, {3: (",", ",,")})  # a value in a column with no header
    spoil(
        proposals,
        {
            5: (",accepted,", ",accepted??,"),
            rows - 40: (",accepted,", ",maybe,"),
            rows - 3: (",accepted,", ",unsure,"),
        },
    )
    before = store.dump()
    with pytest.raises(ImportFailed) as alone:
        store.import_files(*files)
    with pytest.raises(ImportFailed) as helped:
        with_second(store, files)
    assert split[0]["checked"]  # the second process found problems of its own
    assert [str(p) for p in helped.value.problems] == [str(p) for p in alone.value.problems]
    assert len(alone.value.problems) >= 4
    assert store.dump() == before


def test_the_command_reports_them_and_exits_2(
    tmp_path: Path, split: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`socket import` itself: the problems of both parts on stderr, exit 2, nothing written."""
    from typer.testing import CliRunner

    from socketcli.cli.app import app

    monkeypatch.setattr(importhelper, "cores", lambda: 2)
    db = tmp_path / "store.db"
    runner = CliRunner()
    environment = {"SOCKET_NOW": "2026-11-21"}
    assert runner.invoke(app, ["--db", str(db), "init"], env=environment).exit_code == 0
    files = practice_files(tmp_path / "practice", clients=60)
    rows = len(files[2].read_text().splitlines())
    spoil(files[2], {4: (",accepted,", ",later,"), rows - 2: (",accepted,", ",never,")})
    result = runner.invoke(app, ["--db", str(db), "import", *map(str, files)], env=environment)
    assert result.exit_code == 2, result.output
    assert "status 'later' is not one of" in result.stderr
    assert "status 'never' is not one of" in result.stderr
    assert "nothing was imported: 2 problem(s)" in result.stderr
    assert split
    assert split[0]["checked"]  # found by the second process


def test_a_second_process_that_cannot_start_leaves_the_import_to_one(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, split: list[dict[str, Any]]
) -> None:
    files = practice_files(tmp_path / "practice", clients=120)
    import_csv(store.opener(NOW), FixedClock(NOW), files, second=lambda first: None)
    assert split == [{"pid": None}]
    assert store.dump() == one_process(store, new_engine, files).dump()


def test_no_interpreter_to_start_is_the_same(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    split: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    files = practice_files(tmp_path / "practice", clients=80)
    with_second(store, files)
    assert split == [{"pid": None}]
    assert store.dump() == one_process(store, new_engine, files).dump()


def test_a_second_process_that_fails_at_once_leaves_its_part_to_the_import(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    split: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importhelper, "_BOOT", "import sys; sys.exit(3)")
    files = practice_files(tmp_path / "practice", clients=120)
    with_second(store, files)
    assert split[0]["checked"] is None
    assert store.dump() == one_process(store, new_engine, files).dump()


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_second_process_killed_leaves_its_part_to_the_import(
    store: Store,
    new_engine: Callable[[], Engine],
    tmp_path: Path,
    split: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    """Killed before it told its problems (its rows are checked here), or just after, while
    it makes and writes its rows (its proposals are then made and written here)."""
    checked = importer._LaterPart.checked

    def killed(self: importer._LaterPart, *args: Any) -> Any:
        if when == "before":
            killing(split[-1]["pid"])
        found = checked(self, *args)
        if when == "after":
            killing(split[-1]["pid"])
        return found

    monkeypatch.setattr(importer._LaterPart, "checked", killed)
    files = practice_files(tmp_path / "practice", clients=300)
    report = with_second(store, files)
    if when == "before":
        assert split[0]["checked"] is None
    else:
        assert split[0]["checked"] == []
        assert split[0]["written"] is None
    made_by_one = one_process(store, new_engine, files).dump()
    assert store.dump() == made_by_one
    assert report.proposals.created == len(made_by_one["proposals"])


def test_a_proposal_in_both_parts_is_checked_whole_by_the_import(
    store: Store, new_engine: Callable[[], Engine], tmp_path: Path, split: list[dict[str, Any]]
) -> None:
    files = practice_files(tmp_path / "practice", clients=120)
    proposals = files[2]
    header, *rows = proposals.read_text().splitlines(keepends=True)
    first = rows[0].split(",", 1)[0]
    moved = [row for row in rows if row.startswith(f"{first},")][-1:]  # its last row, last
    kept = [row for row in rows if row not in moved]
    proposals.write_text("".join([header, *kept, *moved]))
    with_second(store, files)
    assert split[0]["checked"] is None  # (its answer set aside: the parts overlap)
    assert store.dump() == one_process(store, new_engine, files).dump()


def test_ctrl_c_mid_import_leaves_no_process_no_file_and_nothing_written(
    store: Store, tmp_path: Path, split: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.dump()

    def interrupted(self: importer._LaterPart) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer._LaterPart, "written", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with_second(store, practice_files(tmp_path / "practice", clients=120))
    assert store.dump() == before
    assert split[0]["pid"] is not None  # (the fixture checks it is gone, and its file)


def test_one_core_or_another_database_means_no_second_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sqlite = StoreLocation.for_path(tmp_path / "store.db")
    monkeypatch.setattr(importhelper, "cores", lambda: 1)
    assert importhelper.second_process(sqlite) is None
    monkeypatch.setattr(importhelper, "cores", lambda: 2)
    assert importhelper.second_process(sqlite) is importhelper.start
    server = StoreLocation.for_url("postgresql+psycopg://socket@localhost/practice")
    assert importhelper.second_process(server) is None

"""What every bad-input test of tests/robustness checks: one clear line, the documented exit
code, no traceback (the runner fails on one) and the store as it was: byte-identical on
SQLite, every row of every table the same on PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.engines import dump
from tests.runner import Socket


def fingerprint(store: Path) -> dict[str, str]:
    """The bytes of a SQLite store and of its write-ahead log, as digests."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(store.parent.glob(store.name + "*"))
        if not path.name.endswith("-shm")  # the WAL index: rebuilt by any reader
    }


def snapshot(socket: Socket, store: Path) -> object:
    """What the store `socket` uses holds: the file `store`'s bytes when the runner names no
    database URL (SQLite), else a dump of the tables of the database it names (PostgreSQL:
    tests/conftest.py's runner gives the test's database with --db; tests/engines.py's dump)."""
    if isinstance(socket.db, str) and not socket.db.startswith("sqlite"):
        return dump(socket.db)
    return fingerprint(Path(socket.db) if socket.db is not None else store)


@contextmanager
def untouched(socket: Socket, store: Path) -> Iterator[None]:
    """The block leaves the store `socket` uses exactly as it was (`snapshot`)."""
    before = snapshot(socket, store)
    yield
    assert snapshot(socket, store) == before, "the store changed"


def refused(socket: Socket, store: Path, *args: str, code: int = 2) -> str:
    """Run a command that must refuse its input: its one `error:` line (the runner checks that
    it is one line and no traceback), the exit code, and the store unchanged."""
    with untouched(socket, store):
        return socket.fails(*args, code=code)


def import_refused(socket: Socket, store: Path, *files: Path) -> list[str]:
    """`socket import FILES` refused (exit 2): its problem lines, the summary line aside; the
    store unchanged."""
    with untouched(socket, store):
        result = socket.exits("import", *map(str, files), code=2)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: nothing was imported:"), lines
    assert all(line.startswith("error: ") for line in lines), lines
    return [line.removeprefix("error: ") for line in lines[:-1]]

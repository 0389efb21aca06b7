"""What every bad-input test of tests/robustness/test_input_*.py checks: one clear line, the
documented exit code, no traceback (the runner fails on one) and the store byte-identical."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.runner import Socket


def fingerprint(store: Path) -> dict[str, str]:
    """The bytes of the store and of its write-ahead log, as digests."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(store.parent.glob(store.name + "*"))
        if not path.name.endswith("-shm")  # the WAL index: rebuilt by any reader
    }


@contextmanager
def untouched(store: Path) -> Iterator[None]:
    """The block leaves the store exactly as it was, byte for byte."""
    before = fingerprint(store)
    yield
    assert fingerprint(store) == before, "the store changed"


def refused(socket: Socket, store: Path, *args: str, code: int = 2) -> str:
    """Run a command that must refuse its input: its one `error:` line (the runner checks that
    it is one line and no traceback), the exit code, and the store unchanged."""
    with untouched(store):
        return socket.fails(*args, code=code)


def import_refused(socket: Socket, store: Path, *files: Path) -> list[str]:
    """`socket import FILES` refused (exit 2): its problem lines, the summary line aside; the
    store unchanged."""
    with untouched(store):
        result = socket.exits("import", *map(str, files), code=2)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: nothing was imported:"), lines
    assert all(line.startswith("error: ") for line in lines), lines
    return [line.removeprefix("error: ") for line in lines[:-1]]

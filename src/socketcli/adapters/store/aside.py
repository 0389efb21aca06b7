"""Rows written by a second process: on SQLite, a big insert's later rows go through a pipe
to a fresh Python process that writes them into a scratch SQLite file while this process
writes the first ones into the store; one INSERT ... SELECT then copies them in (C's speed:
about half a second for a million proposal lines, where binding and inserting them row by
row costs about 3 s of this process's time).

The second process is a fresh interpreter (`python -I -S -c`: the standard library only)
fed marshalled chunks of rows: nothing is shared with it, so nothing is copied page by page
as after a fork (measured: forking a 2 GB import cost more in copied pages than it saved).
Only where it can pay: SQLite, two cores or more. Anywhere
else, and whenever the second process fails for any reason (no room for its file, killed, an
interpreter that cannot be started), the caller writes the rows itself: the store gets the
same rows, ids included; only the time differs. The store is written by this process alone,
in its transaction, so an import stays all or nothing.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from typing import IO, Any

from sqlalchemy import Connection

#: The name the scratch file is attached under, in the store's connection (detached before
#: the connection's next transaction: database.py).
SCRATCH = "socket_scratch"

#: The second process: reads chunks of rows from stdin, each marshalled after its length in
#: 8 bytes, until a length of 0; writes them into table `rows` of the scratch file (its rowid
#: 1, 2, ... in the order sent: `copy_into` numbers them from there), and commits only then
#: (exit 0). A plain rowid table: numbering through AUTOINCREMENT, which updates
#: sqlite_sequence for every row, cost this process a sixth more time. Reading each chunk
#: whole and then `marshal.loads`: a `marshal.load` from the pipe reads it a few bytes at a
#: time (6 s for a million rows).
_WRITER = """
import marshal, os, sqlite3, sys
path, columns = sys.argv[1], sys.argv[2]

def cut_short():  # the pipe closed before the end (this process's parent is gone, or gave
    os.unlink(path)  # up): nothing is committed, and the file is not left behind
    sys.exit(2)

places = ", ".join("?" for _ in columns.split(","))
scratch = sqlite3.connect(path, isolation_level=None)
scratch.execute("PRAGMA journal_mode=OFF")
scratch.execute("PRAGMA synchronous=OFF")
scratch.execute(f"CREATE TABLE rows ({columns})")
scratch.execute("BEGIN")
stream = sys.stdin.buffer
insert = f"INSERT INTO rows ({columns}) VALUES ({places})"
while True:
    head = stream.read(8)
    if len(head) != 8:
        cut_short()
    size = int.from_bytes(head, "big")
    if not size:
        break
    chunk = stream.read(size)
    if len(chunk) != size:
        cut_short()
    scratch.executemany(insert, marshal.loads(chunk))
scratch.execute("COMMIT")
scratch.close()
"""

#: The pipe's buffer, where Linux lets it be set: a chunk goes in one write.
PIPE_SIZE = 1 << 20
_END: Any = object()  # queued last: the feeding thread sends a length of 0, closes the pipe


PREFIX = "socket-import-"


def sweep() -> None:
    """Remove the scratch files of imports whose process is gone (killed at the moment
    between its second process's end and the copy: the only time one can be left)."""
    folder = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            owner = name.removeprefix(PREFIX).split("-", 1)[0]
            if name == owner or not name.endswith(".db") or not owner.isdigit():
                continue
            try:
                os.kill(int(owner), 0)
            except ProcessLookupError:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
            except (OSError, OverflowError):  # alive under another user, or not a pid
                continue


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def can_share(connection: Connection) -> bool:
    """Whether a second process may write rows for this connection's store: SQLite, an
    interpreter that can be started again (not a frozen build), and two cores or more to
    run on. (Not judged by the load: the 1-minute load average is mostly the import before
    this one, and on a machine whose cores are busy two processes still get more of them
    than one.)"""
    if connection.dialect.name != "sqlite" or getattr(sys, "frozen", False):
        return False
    return cores() >= 2 and bool(sys.executable)


class Aside:
    """Rows written by a second process into a scratch file: `start`, then `send` lists of
    rows, then `copy_into` the store's table. `copy_into` answers False, having copied
    nothing, when the process did not write every row sent: the caller writes them."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._path: str | None = None
        self._chunks: queue.Queue[Any] = queue.Queue()
        self._feeder: threading.Thread | None = None
        self._sent = 0
        self._first_id = 1
        self._broken = False

    def start(self, keys: Sequence[str], first_id: int) -> bool:
        """Start the second process, for rows of `keys`'s values, numbered (`id`) in the
        order sent from `first_id`: whether it started."""
        try:
            sweep()
            handle, self._path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".db")
            os.close(handle)
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    *("-I", "-S", "-c", _WRITER),
                    self._path,
                    ", ".join(f'"{key}"' for key in keys),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except (OSError, ValueError, subprocess.SubprocessError):
            return False
        self._first_id = first_id
        pipe = self._process.stdin
        assert pipe is not None
        with contextlib.suppress(ImportError, AttributeError, OSError):  # Linux only
            import fcntl  # (not on Windows)

            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        self._feeder = threading.Thread(
            target=self._feed, args=(pipe,), name="socket-aside", daemon=True
        )
        self._feeder.start()
        return True

    def _feed(self, pipe: IO[bytes]) -> None:
        """The thread that writes the queued chunks into the pipe (waiting on the pipe
        without holding the interpreter, while this process goes on with its own rows)."""
        try:
            while (chunk := self._chunks.get()) is not _END:
                pipe.write(len(chunk).to_bytes(8, "big") + chunk)
            pipe.write(bytes(8))
            pipe.close()
        except (OSError, ValueError):  # the process ended: copy_into will say so
            self._broken = True

    def send(self, rows: list[tuple[Any, ...]]) -> None:
        """Queue `rows` (values marshal takes: str, int, float, None, bytes) for the process."""
        self._sent += len(rows)
        self._chunks.put(marshal.dumps(rows, 4))

    def copy_into(self, connection: Connection, table: str, keys: Sequence[str]) -> bool:
        """Copy every row sent into `table` (the same `keys`, and its `id`), in the order
        sent, once the process has written them all; else copy nothing and say False."""
        if self._process is None or self._feeder is None:
            return False
        self._chunks.put(_END)
        self._feeder.join()
        code = self._process.wait()
        self._process = None
        if code != 0 or self._broken:
            return False
        assert self._path is not None
        columns = ", ".join(f'"{key}"' for key in keys)
        connection.exec_driver_sql(f"ATTACH DATABASE ? AS {SCRATCH}", (self._path,))
        connection.info["socket_detach"] = SCRATCH
        with contextlib.suppress(OSError):  # gone even if this process is killed now (an
            os.unlink(self._path)  # attached file is read through its open descriptor)
            self._path = None
        written = connection.exec_driver_sql(f"SELECT count(*) FROM {SCRATCH}.rows").scalar()
        if written != self._sent:
            return False
        connection.exec_driver_sql(
            f'INSERT INTO "{table}" (id, {columns}) '
            f"SELECT rowid + {int(self._first_id) - 1}, {columns} FROM {SCRATCH}.rows ORDER BY rowid"
        )
        return True

    def close(self) -> None:
        """End the process if it still runs, and remove the scratch file."""
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            with contextlib.suppress(OSError):
                self._process.wait()
            self._process = None
        if self._feeder is not None:
            self._chunks.put(_END)  # the pipe is broken now: the thread ends at once
            self._feeder.join()
            self._feeder = None
        if self._path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._path)
            self._path = None


@contextlib.contextmanager
def aside() -> Iterator[Aside]:
    """An `Aside` whose process and file are gone when the block ends, however it ends."""
    rows = Aside()
    try:
        yield rows
    finally:
        rows.close()

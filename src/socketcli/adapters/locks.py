"""The store's locks (ports/locks.py): PostgreSQL advisory locks for a shared store, lock
files for a SQLite store.

- `AdvisoryLocks`: `pg_try_advisory_lock(key)` on a connection of its own, held for the
  block, where `key` is derived from the lock's name. Advisory locks belong to the database,
  so every machine using the store sees them; the server frees one when its session ends,
  so a killed process never leaves it behind. The session's `application_name` says who
  holds it (user@host, pid), which a refused runner reads from `pg_stat_activity`.
- `FileLocks`: a lock file in the state directory named after the store (a SQLite store is
  a file on one machine), with a note beside it of who holds it; the OS frees it with the
  process.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from socketcli.paths import state_directory_unusable
from socketcli.ports.locks import Holder, Lock, Waiting, already_running

#: Advisory lock keys are socket's own: a bigint from the hash of this prefix and the name.
_NAMESPACE = "socketcli:"


def advisory_key(lock: Lock) -> int:
    """The bigint of `lock` in `pg_advisory_lock(bigint)`: the same on every machine."""
    digest = hashlib.sha256(f"{_NAMESPACE}{lock.value}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def this_runner() -> str:
    """user@host, pid: who holds a lock, as another machine's runner is told."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "someone"
    return f"{user}@{socket.gethostname()}, pid {os.getpid()}"


class AdvisoryLocks:
    """Locks of a PostgreSQL store: session advisory locks on a connection held per lock."""

    def __init__(
        self, engine: Engine, *, location: str, wait: bool = False, waiting: Waiting | None = None
    ) -> None:
        self._engine = engine
        self._location = location
        self._wait = wait
        self._waiting = waiting

    @contextmanager
    def hold(self, lock: Lock) -> Iterator[None]:
        key = advisory_key(lock)
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            # Who holds it, for the others; no server timeout ends a wait for it.
            connection.execute(
                text(
                    "SELECT set_config('application_name', :name, false), "
                    "set_config('statement_timeout', '0', false), "
                    "set_config('lock_timeout', '0', false)"
                ),
                {"name": f"socket {lock.value}: {this_runner()}"[:63]},
            )
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            if not taken:
                holder = Holder(
                    lock,
                    f"the advisory lock '{lock.value}' of {self._location}",
                    self._holder(connection, key),
                )
                if not self._wait:
                    raise already_running(holder)
                if self._waiting is not None:
                    self._waiting(holder)
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            yield
        finally:
            # Ending the session frees the lock, whatever state the connection is in; the
            # connection (named after its holder) is not given back to the pool.
            connection.invalidate()
            connection.close()

    @staticmethod
    def _holder(connection: Connection, key: int) -> str:
        """The holder's application_name (user@host, pid) and address, when the server shows
        them to this role ("" otherwise)."""
        try:
            row = connection.execute(
                text(
                    "SELECT a.application_name, host(a.client_addr) FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()) "
                    "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
                ),
                {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
            ).first()
        except SQLAlchemyError:
            return ""
        if row is None or not row[0]:
            return ""
        name = str(row[0]).split(": ", 1)[-1]
        return f"{name} from {row[1]}" if row[1] else name


class FileLocks:
    """Locks of a SQLite store: lock files in `directory`, named after the store."""

    def __init__(
        self,
        directory: Path,
        store_url: str,
        *,
        wait: bool = False,
        waiting: Waiting | None = None,
    ) -> None:
        self._directory = directory
        self._digest = hashlib.sha256(store_url.encode()).hexdigest()[:12]
        self._wait = wait
        self._waiting = waiting

    def path(self, lock: Lock) -> Path:
        return self._directory / f"{lock.value}-{self._digest}.lock"

    @contextmanager
    def hold(self, lock: Lock) -> Iterator[None]:
        from filelock import FileLock, Timeout

        path = self.path(lock)
        note = path.with_suffix(".holder")
        held = FileLock(str(path), timeout=0, mode=0o600)
        try:
            self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            held.acquire()
        except Timeout:  # first: filelock's Timeout is an OSError too
            holder = Holder(lock, str(path), _read_note(note))
            if not self._wait:
                raise already_running(holder) from None
            if self._waiting is not None:
                self._waiting(holder)
            held.acquire(timeout=-1)
        except OSError as failure:  # SOCKET_STATE_DIR a file, or a directory not ours
            raise state_directory_unusable(self._directory, failure) from None
        try:
            _write_note(note, this_runner())
            yield
        finally:
            held.release()


def _write_note(path: Path, who: str) -> None:
    """Who holds the lock, beside it (0600, never through a symbolic link); best effort."""
    try:
        descriptor = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
    except OSError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as note:
        note.write(who)


def _read_note(path: Path) -> str:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return ""
    with os.fdopen(descriptor, encoding="utf-8", errors="replace") as note:
        return note.read(200).strip()

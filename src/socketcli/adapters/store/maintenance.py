"""Looking after the store itself: `socket db upgrade` (the migrations, applied on request),
`socket db info` (where it is, which engine, which schema, how big, what it holds) and
`socket db backup` (SQLite's online backup API; PostgreSQL's pg_dump)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from socketcli.adapters.store.database import (
    HEAD_REVISION,
    StoreLocation,
    current_revision,
    migrate,
)
from socketcli.domain.errors import InvalidInput, StoreNotReady, UnsafeFile

#: What each outbox state is counted as, in this order.
OUTBOX_STATES = ("pending", "sending", "posted", "failed")


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    where: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What `socket db info` shows: counts are None where the store's schema has no such table."""

    where: str
    engine: str
    server_version: str
    schema: str | None
    program_schema: str
    size_bytes: int | None
    clients: int | None
    proposals: int | None
    finalised_months: int | None
    outbox: dict[str, int] = field(default_factory=dict)

    @property
    def schema_state(self) -> str:
        if self.schema == self.program_schema:
            return "current"
        if self.schema is not None and self.schema > self.program_schema:
            return "newer than this socket: upgrade socket"
        return "older than this socket: run `socket db upgrade`"


@dataclass(frozen=True, slots=True)
class BackupReport:
    where: str
    path: Path
    size_bytes: int
    method: str


def upgrade(engine: Engine, location: StoreLocation) -> UpgradeReport:
    """Apply the migrations the store has not had yet, all in one transaction (nothing of
    them stays if one fails). The engine was opened with `any_schema` (never a newer store)."""
    before = current_revision(engine)
    if before != HEAD_REVISION:
        try:
            migrate(engine)
        except SQLAlchemyError as failure:
            reason = str(getattr(failure, "orig", None) or failure).splitlines()[0]
            raise StoreNotReady(
                f"could not upgrade the store at {location.describe()} from {before} "
                f"(nothing of the upgrade was kept): {location.scrub(reason)}"
            ) from None
    return UpgradeReport(location.describe(), before, current_revision(engine))


def info(engine: Engine, location: StoreLocation) -> StoreInfo:
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())

        def count(sql: str, table: str) -> int | None:
            if table not in tables:
                return None
            return int(connection.execute(text(sql)).scalar() or 0)

        outbox: dict[str, int] = {}
        if "outbox_invoices" in tables:
            rows = connection.execute(
                text("SELECT state, COUNT(*) FROM outbox_invoices GROUP BY state")
            ).all()
            found = {str(state): int(n) for state, n in rows}
            outbox = {state: found.pop(state, 0) for state in OUTBOX_STATES} | found
        if location.is_sqlite:
            engine_name = "SQLite"
            server = sqlite3.sqlite_version
            path = location.sqlite_path
            size = _sqlite_size(path) if path is not None else None
        else:
            engine_name = "PostgreSQL"
            server = str(connection.execute(text("SHOW server_version")).scalar())
            size = int(
                connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
                or 0
            )
        schema = None
        if "alembic_version" in tables:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
            schema = None if row is None else str(row[0])
        return StoreInfo(
            where=location.describe(),
            engine=engine_name,
            server_version=server,
            schema=schema,
            program_schema=HEAD_REVISION,
            size_bytes=size,
            clients=count("SELECT COUNT(*) FROM clients", "clients"),
            proposals=count("SELECT COUNT(*) FROM proposals", "proposals"),
            finalised_months=count(
                "SELECT COUNT(*) FROM plan_snapshots WHERE status = 'finalised'", "plan_snapshots"
            ),
            outbox=outbox,
        )


def _sqlite_size(path: Path) -> int:
    """The file and its write-ahead log: what a copy of the store takes on disk."""
    total = 0
    for part in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += part.stat().st_size
    return total


def backup(location: StoreLocation, destination: Path) -> BackupReport:
    """A consistent copy of the store at `destination` (which must not exist yet), made
    while other commands may be writing. SQLite: the online backup API into a new private
    file beside it, renamed into place when complete. PostgreSQL: pg_dump's custom format."""
    target = destination.expanduser()
    try:
        if target.exists() or target.is_symlink():
            raise InvalidInput(f"{target} already exists: give a new file for the backup")
        if not target.parent.is_dir():
            raise InvalidInput(
                f"{target.parent} is not a directory: give a file in an existing one"
            )
        path = location.sqlite_path
        if path is not None:
            if target.resolve() == path.resolve():
                raise InvalidInput(f"{target} is the store itself: give a new file for the backup")
            _sqlite_backup(path, target)
            size = target.stat().st_size
            return BackupReport(location.describe(), target, size, "sqlite3 backup")
        if not location.is_sqlite:
            # pg_dump would say only that it cannot open its file: a file is made and removed
            # here first, so that a place no file can be made is the same refusal as above.
            probe = target.with_name(f".{target.name}.probe-{os.getpid()}")
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
    except OSError as failure:  # a name too long, a directory socket may not write in
        raise InvalidInput(
            f"cannot write the backup at {target}: {failure.strerror or failure}: "
            "give a new file in a directory you can write to"
        ) from None
    if location.is_sqlite:
        raise InvalidInput("an in-memory store has nothing to back up")
    _pg_dump(location, target)
    return BackupReport(location.describe(), target, target.stat().st_size, "pg_dump")


def _sqlite_backup(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.close(descriptor)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                # Pages in steps, so that writers are never held up for long; a write by
                # another connection restarts the copy, which ends consistent.
                src.backup(dst, pages=1024)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if target.exists() or target.is_symlink():
            raise UnsafeFile(f"{target} appeared while the backup was made: nothing replaced")
        os.replace(partial, target)
    except sqlite3.Error as failure:
        raise StoreNotReady(f"could not back up the store at {source}: {failure}") from None
    finally:
        partial.unlink(missing_ok=True)


def _pg_dump(location: StoreLocation, target: Path) -> None:
    url = make_url(location.url)
    program = shutil.which("pg_dump")
    plain = url.set(drivername="postgresql", password=None)
    if program is None:
        raise StoreNotReady(
            "pg_dump is not on PATH: install PostgreSQL's client programs (Debian: "
            "`apt install postgresql-client`), or run on the server: pg_dump --format=custom "
            f"--file {target} '{plain.render_as_string(hide_password=True)}'"
        )
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)  # never on the command line
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        finished = subprocess.run(
            [
                program,
                "--format=custom",
                "--no-password",
                f"--file={partial}",
                plain.render_as_string(hide_password=False),
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if finished.returncode != 0:
            lines = (finished.stderr or "pg_dump failed").strip().splitlines() or ["failed"]
            raise StoreNotReady(
                f"pg_dump could not back up {location.describe()}: {location.scrub(lines[-1])}"
            )
        partial.chmod(0o600)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)

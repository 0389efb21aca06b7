"""Wires concrete adapters to the services: where the store is, which clock, which engine,
and Xero (the real one, or in playground mode the sandbox started here) with its gateway.

The CLI asks this module for a unit of work and for Xero, and imports no adapter; tests wire
their own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socketcli.paths import data_dir, state_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from socketcli.adapters.store.location import StoreLocation

    # Re-exported for the CLI's annotations: `socket db` renders them.
    from socketcli.adapters.store.maintenance import BackupReport as BackupReport
    from socketcli.adapters.store.maintenance import StoreInfo as StoreInfo
    from socketcli.adapters.store.maintenance import UpgradeReport as UpgradeReport
    from socketcli.adapters.store.reader import SqlReader

    # Re-exported for the CLI's annotations: the CLI imports no adapter.
    from socketcli.adapters.xero.access import XeroAccess as XeroAccess
    from socketcli.adapters.xero.tokens import TokenProvider
    from socketcli.adapters.xero.tokens import XeroToken as XeroToken
    from socketcli.ports.cache import NameFormsCache
    from socketcli.ports.clock import Clock
    from socketcli.ports.locks import Locks, Waiting
    from socketcli.ports.process import StartSecond
    from socketcli.ports.store import (
        LinkWrite,
        OpenLinkWrite,
        OpenReader,
        OpenStore,
        PlanReader,
        UnitOfWork,
    )
    from socketcli.ports.xero import XeroGateway
    from socketcli.sandbox import Sandbox

DEFAULT_STORE = "socket.db"
PLAYGROUND_STORE = "playground.db"
#: The playground's sandbox Xero keeps its state here, in the state directory.
PLAYGROUND_XERO_STATE = "playground-xero.json"
#: Where the Xero gateway logs its retries and waits (`socket sync` writes them to its log).
GATEWAY_LOGGER = "socketcli.adapters.xero.gateway"


def store_location(db: str | Path | None = None, *, playground: bool = False) -> StoreLocation:
    """--db PATH (or an explicit URL), else SOCKET_DATABASE_URL, else the playground or the
    practice store. A path is a path: `%20` and `?` in it are part of the file's name."""
    from socketcli.adapters.store.location import StoreLocation, looks_like_url

    if db is not None:
        if isinstance(db, str) and looks_like_url(db):
            return StoreLocation.for_url(db, source="--db")
        return StoreLocation.for_path(Path(db))
    if playground:
        return StoreLocation.for_path(data_dir() / PLAYGROUND_STORE)
    url = os.environ.get("SOCKET_DATABASE_URL")
    if url:
        return StoreLocation.for_url(url, source="SOCKET_DATABASE_URL")
    return StoreLocation.for_path(data_dir() / DEFAULT_STORE)


def busy_timeout() -> float | None:
    """$SOCKET_BUSY_TIMEOUT: how many seconds a write waits for another command's write to
    end (None: the store's default, 10 s)."""
    given = os.environ.get("SOCKET_BUSY_TIMEOUT", "").strip()
    if not given:
        return None
    from socketcli.domain.errors import InvalidInput

    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise InvalidInput(
            f"SOCKET_BUSY_TIMEOUT {given!r} is not a number of seconds from 0 to 3600 (e.g. 30)"
        )
    return seconds


def playground_xero_state() -> Path:
    """The state file of the playground's sandbox Xero (in the state directory)."""
    return state_dir() / PLAYGROUND_XERO_STATE


def clock() -> Clock:
    """The system clock, or the moment in $SOCKET_NOW (ISO date or time) for rehearsals and tests."""
    from socketcli.adapters.clock import FixedClock, SystemClock

    fixed = os.environ.get("SOCKET_NOW")
    if fixed:
        from socketcli.domain.dates import DATE_RANGE, check_moment
        from socketcli.domain.errors import InvalidInput

        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise InvalidInput(
                f"SOCKET_NOW {fixed!r} is not an ISO date or time, e.g. 2026-11-21 or "
                "2026-12-01T08:30:00"
            ) from None
        try:
            check_moment(moment.date(), "SOCKET_NOW")
        except InvalidInput:
            raise InvalidInput(
                f"SOCKET_NOW {fixed!r} is outside the dates socket supports, {DATE_RANGE}"
            ) from None
        return FixedClock(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return SystemClock()


@dataclass
class Wiring:
    """The adapters for one invocation; the engine opens on first use."""

    location: StoreLocation
    clock: Clock
    #: Seconds a write waits for another's (None: the store's default).
    busy_timeout: float | None = None
    #: The playground: a demo store socket owns, brought to the newest schema when opened
    #: (a practice's own store waits for `socket db upgrade`).
    playground: bool = False
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, create: bool = False) -> Engine:
        if self._engine is None:
            from socketcli.adapters.store.database import open_engine

            self._engine = open_engine(
                self.location,
                create=create,
                upgrade=self.playground,
                busy_timeout=self.busy_timeout,
            )
        return self._engine

    def uow(
        self,
        *,
        write: bool = False,
        create: bool = False,
        optimistic: bool = False,
        bulk: bool = False,
        actor: str = "",
    ) -> UnitOfWork:
        """A unit of work; `actor`: who its history entries name (default: the OS user)."""
        engine = self.engine(create=create)
        opener = sql_store(engine, self.clock, location=self.location.describe(), actor=actor)
        return opener(write=write, optimistic=optimistic, bulk=bulk)

    def second_process(self) -> StartSecond | None:
        """How a big import starts a second process on this store, where one can help."""
        from socketcli.importhelper import second_process

        return second_process(self.location)

    def create(self) -> None:
        """Create the store, or bring an existing one to the newest schema."""
        with self.uow(write=True, create=True) as uow:
            uow.commit()

    def upgrade(self) -> UpgradeReport:
        """`socket db upgrade`: bring the store to this program's schema (refused when the
        store is newer than the program, or is not there)."""
        from socketcli.adapters.store import maintenance
        from socketcli.adapters.store.database import open_engine

        self.close()
        engine = open_engine(self.location, any_schema=True, busy_timeout=self.busy_timeout)
        try:
            return maintenance.upgrade(engine, self.location)
        finally:
            engine.dispose()

    def info(self) -> StoreInfo:
        """`socket db info`: the store as it is, whichever its schema (not a newer one)."""
        from socketcli.adapters.store import maintenance
        from socketcli.adapters.store.database import open_engine

        engine = open_engine(self.location, any_schema=True, busy_timeout=self.busy_timeout)
        try:
            return maintenance.info(engine, self.location)
        finally:
            engine.dispose()

    def backup(self, destination: Path) -> BackupReport:
        """`socket db backup PATH`: a consistent copy of the store, safe while others write."""
        from socketcli.adapters.store import maintenance
        from socketcli.adapters.store.database import open_engine

        # Opened first: a missing or foreign store is refused as every command refuses it.
        open_engine(self.location, any_schema=True, busy_timeout=self.busy_timeout).dispose()
        return maintenance.backup(self.location, destination)

    def wait_for_writers(self) -> None:
        """Wait (the busy timeout at most) until no other command is writing to the store, or
        raise StoreBusy: before a store is thrown away (`playground --reset`). A store that
        cannot be opened has no writer to wait for."""
        from socketcli.domain.errors import StoreNotReady

        try:
            engine = self.engine()
        except StoreNotReady:
            return
        with engine.execution_options(socket_write=True).begin():
            pass
        self.close()

    def exists(self) -> bool:
        """Whether the store is there already (`socket init` says which it did)."""
        from socketcli.adapters.store.database import store_made

        return store_made(self.location)

    def reader(self) -> AbstractContextManager[PlanReader]:
        """A read-only view of the store in one read transaction, without SQLModel or the ORM;
        a SQLite file at this program's schema on the sqlite3 driver alone (without importing
        SQLAlchemy, unless a rarer read needs it), unless the engine is open already."""
        path = self.location.path
        if self._engine is None and path is not None:
            from socketcli.adapters.store.lite import open_reader, reading

            found = open_reader(
                path, location=self.location.describe(), busy_timeout=self.busy_timeout
            )
            if found is not None:
                return reading(found)
        return sql_reader(self.engine(), location=self.location.describe())()

    # -- Xero ----------------------------------------------------------------------------------

    @contextmanager
    def xero(
        self, settings: Mapping[str, str], *, say: Callable[[str], None], announce: bool = True
    ) -> Iterator[XeroAccess]:
        """Xero for the length of a command: the real one (or SOCKET_XERO_*_URL), or in
        playground mode the sandbox, started in this process and stopped at the end (with
        `announce`, `say` tells so). `say` also hears the token store's warnings."""
        from socketcli.adapters.xero.access import open_xero, sandbox_xero

        directory = state_dir()
        if settings.get("playground") != "true":
            with open_xero(settings, warn=say, directory=directory) as xero:
                yield xero
            return
        with self._sandbox(directory) as sandbox:
            if announce:
                say(
                    f"Playground: Xero is the sandbox on {sandbox.base_url} "
                    f"(state: {sandbox.app.path}); nothing reaches a real Xero."
                )
            yield sandbox_xero(
                settings,
                sandbox.base_url,
                client_id=sandbox.client_id,
                custom_client_id=sandbox.custom_client_id,
                custom_client_secret=sandbox.custom_client_secret,
                warn=say,
                directory=directory,
            )

    @contextmanager
    def _sandbox(self, directory: Path) -> Iterator[Sandbox]:
        """The playground's sandbox Xero on a free loopback port; a new one holds the demo
        practice's contacts."""
        from socketcli.ports.xero import XeroError
        from socketcli.sandbox import start_sandbox

        path = playground_xero_state()
        contacts = [] if path.exists() else self._demo_contacts()
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            sandbox = start_sandbox(state_path=path, contacts=contacts)
        except OSError as failure:
            raise XeroError(f"cannot start the playground's sandbox Xero: {failure}") from None
        try:
            yield sandbox
        finally:
            sandbox.stop()

    def _demo_contacts(self) -> list[dict[str, object]]:
        import dataclasses

        from socketcli.services.demo_data import build_demo

        return [dataclasses.asdict(c) for c in build_demo(self.clock.now()).xero_contacts]

    @staticmethod
    def xero_tenant_override() -> str:
        """The tenant of the environment's Xero token (SOCKET_XERO_ACCESS_TOKEN with
        SOCKET_XERO_TENANT_ID), else ""."""
        from socketcli.adapters.xero.tokens import environment_override

        override = environment_override()
        return override.tenant_id if override else ""

    @staticmethod
    def gateway(xero: XeroAccess, source: TokenProvider) -> XeroGateway:
        """The Xero gateway (over xero-python) for the organisation of `source`'s token."""
        from socketcli.adapters.xero.gateway import XeroPythonGateway

        return XeroPythonGateway(
            api_url=xero.endpoints.accounting_url,
            connections_url=xero.endpoints.api_url,
            tenant_id=source.tenant_id,
            token_source=source.xero_token_dict,
            renew=source.renew,
        )

    def name_forms_cache(self) -> NameFormsCache:
        """The matcher's normalised contact names kept for this store (a private file in the
        state directory, named after the store)."""
        import hashlib

        from socketcli.adapters.namecache import FileNameFormsCache

        digest = hashlib.sha256(self.location.url.encode()).hexdigest()[:12]
        return FileNameFormsCache(state_dir() / f"match-names-{digest}.json")

    @staticmethod
    def load_writer() -> None:
        """Import what a unit of work needs (SQLModel, the ORM, the tables: a few tenths of a
        second), for a command that starts on the lighter reader and writes later."""
        import socketcli.adapters.store.uow  # noqa: F401

    def link_writes(self, *, actor: str = "") -> tuple[OpenLinkWrite, Callable[[], object] | None]:
        """How `contacts match` writes each decision, and what to ready for it in the
        background (None: nothing). A SQLite file read on the sqlite3 driver (no engine open)
        is written on it too (`lite.open_link_write`: the same rows, without the ORM, so that
        a key pressed in the walk's first second does not wait for its import); anything
        else through a write unit of work, whose imports are readied (`load_writer`). The
        history names `actor` (default: the operating-system user)."""
        path = self.location.path
        who = actor or os_user()

        def write() -> LinkWrite:
            if self._engine is None and path is not None:
                from socketcli.adapters.store.lite import open_link_write

                found = open_link_write(
                    path,
                    self.clock,
                    location=self.location.describe(),
                    actor=who,
                    busy_timeout=self.busy_timeout,
                )
                if found is not None:
                    return found
            return self.uow(write=True, actor=who)

        light = self._engine is None and path is not None
        return write, None if light else self.load_writer

    def locks(self, *, wait: bool = False, waiting: Waiting | None = None) -> Locks:
        """The store's locks (posting, sync, approval, work): PostgreSQL advisory locks on a
        PostgreSQL store, held across every machine that uses it; lock files in the state
        directory, named after the store, on SQLite. Taken at once or not at all (exit 9),
        or with `wait`, waited for (`waiting` is told once who holds it)."""
        if not self.location.is_sqlite:
            engine = self.engine()
            if engine.dialect.name == "postgresql":
                from socketcli.adapters.locks import AdvisoryLocks

                return AdvisoryLocks(
                    engine, location=self.location.describe(), wait=wait, waiting=waiting
                )
        from socketcli.adapters.locks import FileLocks

        return FileLocks(state_dir(), self.location.url, wait=wait, waiting=waiting)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def os_user() -> str:
    """Who runs this process, as the operating system names them (the history's "who" unless
    --by says otherwise)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _holds_no_client(engine: Engine) -> bool:
    """Whether a SQLite store holds no client yet (then nothing refers to anything but its
    services and its Xero mirror: its first import, checked whole at commit, costs the check
    of what it writes). Read before the unit of work; should another command write clients
    meanwhile, the check at commit covers them too."""
    if engine.dialect.name != "sqlite":
        return False
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text("SELECT 1 FROM clients LIMIT 1")).first() is None


def sql_store(engine: Engine, clock: Clock, *, location: str = "", actor: str = "") -> OpenStore:
    """The services' `OpenStore` on an engine: each call opens a SQL unit of work, whose
    history entries name `actor` (default: the operating-system user)."""
    from socketcli.adapters.store.uow import SqlUnitOfWork

    who = actor or os_user()

    def open_store(
        *, write: bool = False, optimistic: bool = False, bulk: bool = False
    ) -> SqlUnitOfWork:
        # Optimistic: a deferred BEGIN; SQLite takes the write lock at the first write and
        # refuses it at once (StoreBusy) when another connection committed since the reads.
        return SqlUnitOfWork(
            engine,
            clock,
            write=write and not optimistic,
            location=location,
            actor=who,
            references_at_commit=write and bulk and _holds_no_client(engine),
        )

    return open_store


def sql_reader(engine: Engine, *, location: str = "") -> OpenReader:
    """The services' `OpenReader` on an engine: the plan's reads in one read transaction,
    without SQLModel or the ORM."""

    @contextmanager
    def read() -> Iterator[SqlReader]:
        from socketcli.adapters.store.reader import SqlReader

        with engine.connect() as connection, connection.begin():
            yield SqlReader(connection, location=location)

    return read


def wire(db: str | Path | None = None, *, playground: bool = False) -> Wiring:
    return Wiring(
        store_location(db, playground=playground),
        clock(),
        busy_timeout(),
        playground=playground and db is None,
    )

"""Opening the store: where it is (a path, or a URL), SQLite's pragmas, immediate write
transactions, a busy store as one clear error, migrations, and a refusal to move into another
application's database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from socketcli.adapters.store.location import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from socketcli.adapters.store.location import HEAD_REVISION as HEAD_REVISION
from socketcli.adapters.store.location import StoreLocation as StoreLocation
from socketcli.adapters.store.location import looks_like_url as looks_like_url
from socketcli.domain.errors import Conflict, StoreBusy, StoreNotReady

MIGRATIONS = Path(__file__).with_name("migrations")
#: What SQLite says when the busy timeout ran out (SQLITE_BUSY, SQLITE_LOCKED).
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
#: PostgreSQL's lock_not_available: a lock waited for past lock_timeout (the busy timeout).
_POSTGRES_BUSY = "55P03"
#: PostgreSQL's unique_violation; SQLite says "UNIQUE constraint failed: table.column".
_POSTGRES_UNIQUE = "23505"
_SQLITE_UNIQUE = "UNIQUE constraint failed: "
#: What a row of each table is, for the message of a write that lost a race to another's.
_ROWS = {
    "plan_snapshots": "the finalised plan of that month",
    "snapshot_invoices": "a finalised invoice",
    "snapshot_services": "a finalised month's services",
    "outbox_invoices": "an invoice on its way to Xero",
    "clients": "a client with that reference",
    "services": "a service with that name",
    "proposals": "a proposal with that reference",
    "work_items": "a work item",
    "settings": "that setting",
    "xero_pushed_clients": "a client's pushed details",
}


def is_busy(original: BaseException | None) -> bool:
    """Whether a driver's error says the store is busy (another writer held it too long)."""
    if original is None:
        return False
    if getattr(original, "sqlstate", None) == _POSTGRES_BUSY:
        return True
    text = str(original).lower()
    return type(original).__name__ == "OperationalError" and text.startswith(_SQLITE_BUSY)


def unique_violation(original: BaseException | None) -> str | None:
    """The table (or "table.column") of a unique-constraint violation; None for any other
    error."""
    if original is None or type(original).__name__ not in ("IntegrityError", "UniqueViolation"):
        return None
    if getattr(original, "sqlstate", None) == _POSTGRES_UNIQUE:
        diag = getattr(original, "diag", None)
        return str(getattr(diag, "table_name", None) or "")
    text = str(original)
    if text.startswith(_SQLITE_UNIQUE):
        return text[len(_SQLITE_UNIQUE) :].split(",")[0].strip()
    return None


def conflict_of(where: str) -> Conflict:
    """A write that broke a unique constraint: another socket command wrote the same row
    first (two machines at once on a shared store). Its transaction is rolled back."""
    table = where.split(".")[0]
    what = _ROWS.get(table, "the same row")
    return Conflict(
        f"another socket command wrote {what} at the same moment ({where or 'a unique key'} "
        "exists already): nothing of this change was written; run the command again to see "
        "where things stand"
    )


def create_store_engine(location: StoreLocation, *, busy_timeout: float | None = None) -> Engine:
    """The engine: a write that waits longer than `busy_timeout` seconds (default
    BUSY_TIMEOUT_MS) for another's ends in StoreBusy, before anything of it is written."""
    timeout_ms = BUSY_TIMEOUT_MS if busy_timeout is None else int(busy_timeout * 1000)
    if not location.is_sqlite:
        engine = create_engine(location.target, pool_pre_ping=True)

        @event.listens_for(engine, "connect")
        def _utc(dbapi_connection: Any, _record: Any) -> None:
            # Moments are compared and read back in UTC whatever the server's time zone: a
            # naive UTC moment bound to a query (the work list's cut-off) would otherwise be
            # taken as the server's local time, and values read back would carry its zone.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            cursor = dbapi_connection.cursor()
            cursor.execute("SET TIME ZONE 'UTC'")
            # A write that waits longer than the busy timeout for another's locks ends in
            # lock_not_available (StoreBusy below), as on SQLite, instead of waiting as long
            # as the other holds them. 0 means "no limit" to PostgreSQL: 1 ms is "at once".
            cursor.execute(f"SET lock_timeout = {max(timeout_ms, 1)}")
            cursor.close()
            dbapi_connection.autocommit = autocommit
    else:
        engine = create_engine(location.target, connect_args={"timeout": timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event issue BEGIN itself (the pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            options = connection.get_execution_options()
            # A scratch file attached by the last transaction (adapters/store/aside.py): let
            # go of it, as SQLite allows only between transactions.
            scratch = connection.info.pop("socket_detach", None)
            if scratch is not None:
                connection.exec_driver_sql(f"DETACH DATABASE {scratch}")
            # A bulk write's references are checked at its commit (SqlUnitOfWork): foreign
            # keys off for its transaction, and on again for the next one on the connection
            # (a PRAGMA SQLite reads only outside a transaction, as here, before BEGIN).
            if options.get("socket_references_at_commit"):
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.info["references_off"] = True
            elif connection.info.pop("references_off", False):
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            # Writers take the write lock up front, so two writers queue on the busy
            # timeout instead of failing half-way with "database is locked".
            if options.get("socket_write"):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "handle_error")
    def _busy(context: Any) -> None:
        # Waited the whole busy timeout for another writer: one clear error, not a traceback.
        # Writers begin with BEGIN IMMEDIATE, so nothing of this transaction was written.
        if is_busy(context.original_exception):
            raise StoreBusy() from None
        # A unique key taken by another's write (two approvals at once on PostgreSQL): one
        # clear Conflict, in this one place for every repository; the caller's unit of work
        # rolls the whole transaction back.
        duplicate = unique_violation(context.original_exception)
        if duplicate is not None:
            raise conflict_of(duplicate) from None

    return engine


def store_exists(location: StoreLocation) -> bool:
    path = location.sqlite_path
    return not (path is not None and not path.exists())


def store_made(location: StoreLocation) -> bool:
    """Whether socket's store is there already: the SQLite file, or on a server its schema
    (a database just made with `createdb` is empty: `socket init` makes the store in it).
    A server that cannot be reached counts as no store; opening it then says why."""
    if location.is_sqlite:
        return store_exists(location)
    try:
        engine = create_store_engine(location)
    except (SQLAlchemyError, ImportError, ValueError):
        return False
    try:
        return current_revision(engine) is not None
    except (SQLAlchemyError, ImportError, OSError):
        return False
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision. Each migration runs in one transaction."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite alters a table by making it anew and dropping the old one, which its foreign
        # keys refuse while rows of other tables refer to it: they are off for the migration
        # (a PRAGMA SQLite reads only outside a transaction), and checked before it commits.
        driver: Any = connection.connection.driver_connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.execution_options(socket_write=True).begin():
                config.attributes["connection"] = connection
                try:
                    command.upgrade(config, "head")
                except CommandError as error:
                    raise StoreNotReady(
                        f"this store's schema is not one this version of socket knows "
                        f"({error}); upgrade socket"
                    ) from None
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreNotReady(
                            f"upgrading the store would break {len(broken)} reference(s) "
                            f"between its tables (first: {tuple(broken[0])}): nothing was "
                            "changed"
                        )
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def open_engine(
    location: StoreLocation,
    *,
    create: bool = False,
    upgrade: bool = False,
    any_schema: bool = False,
    busy_timeout: float | None = None,
) -> Engine:
    """The store's engine, at the newest schema.

    With `create` (socket init, the playground) or `upgrade` (socket db upgrade), a store at
    an older schema is migrated to the newest; otherwise it is refused with a StoreNotReady
    that says to run `socket db upgrade` (`any_schema`: opened as it is, for `socket db info`).
    A store at a schema newer than this program is always refused: upgrade socket.
    Without `create`, a store that does not exist is an error that says how to make one.
    A store that cannot be opened (not a database, no driver, no access) is a StoreNotReady
    error naming the store and the reason, never a traceback. A new SQLite store is made
    readable by its owner only (0600, in a 0700 directory when socket makes it).
    """
    try:
        return _open_engine(
            location,
            create=create,
            upgrade=upgrade,
            any_schema=any_schema,
            busy_timeout=busy_timeout,
        )
    except (SQLAlchemyError, OSError, ImportError, ValueError) as failure:
        reason = str(getattr(failure, "orig", None) or failure).splitlines()[0]
        if isinstance(failure, ImportError):
            reason = f"the database driver is not installed ({failure.name or reason})"
        elif isinstance(failure, OSError) and failure.strerror:
            reason = failure.strerror
        raise StoreNotReady(
            f"cannot open the store at {location.describe()}: {location.scrub(reason)}"
        ) from None


def _open_engine(
    location: StoreLocation,
    *,
    create: bool,
    upgrade: bool,
    any_schema: bool,
    busy_timeout: float | None,
) -> Engine:
    if not create and not store_exists(location):
        raise StoreNotReady(
            f"no store at {location.describe()}: run `socket init` to create one, "
            "or `socket playground` to try the demo practice"
        )
    path = location.sqlite_path
    if path is not None and create:
        _make_private(path)
    engine = create_store_engine(location, busy_timeout=busy_timeout)
    try:
        revision = current_revision(engine)
        if revision is None or revision not in _known_revisions():
            _refuse_foreign(engine, location, revision, create=create)
        if revision is None and not create:
            raise StoreNotReady(
                f"{location.describe()} is not a socket store: run `socket init` to create one"
            )
        if revision is not None and revision not in _known_revisions():
            raise StoreNotReady(newer_store_message(location, revision))
        if path is not None:
            _write_ahead_log(engine)
        if revision != HEAD_REVISION:
            if create or upgrade:
                migrate(engine)
            elif not any_schema:
                raise StoreNotReady(older_store_message(location, revision))
    except BaseException:
        engine.dispose()
        raise
    return engine


def newer_store_message(location: StoreLocation, revision: str) -> str:
    return (
        f"this socket is older than the store at {location.describe()} (its schema is "
        f"{revision}, this socket knows up to {HEAD_REVISION}): upgrade socket"
    )


def older_store_message(location: StoreLocation, revision: str | None) -> str:
    return (
        f"the store at {location.describe()} has an older schema ({revision}) than this socket "
        f"({HEAD_REVISION}): run `socket db upgrade` (`socket db backup PATH` first keeps a copy)"
    )


def _write_ahead_log(engine: Engine) -> None:
    """WAL mode, so that readers never wait for a writer. It is kept in the file, so this is
    done only once the file is known to be socket's (or new): another application's database
    is refused untouched."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()


def _make_private(path: Path) -> None:
    """A new store file, and the directory socket makes for it, for the owner only: the
    practice's client list is nobody else's to read. An existing file keeps its mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def _known_revisions() -> set[str]:
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


#: Tables of a socket store that name it for what it is.
_SOCKET_TABLES = {"settings", "clients", "proposals", "proposal_lines"}

#: Tables that give away whose a database is: (the tables, whose it looks like).
_SIGNATURES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"moz_places"}), "Firefox's browsing history (places.sqlite)"),
    (frozenset({"moz_cookies"}), "Firefox's cookies (cookies.sqlite)"),
    (frozenset({"urls", "visits"}), "Chrome's or Chromium's browsing history"),
    (frozenset({"cookies", "meta"}), "Chrome's or Chromium's cookies"),
    (frozenset({"django_migrations"}), "a Django application's database"),
    (frozenset({"schema_migrations", "ar_internal_metadata"}), "a Ruby on Rails database"),
    (frozenset({"_prisma_migrations"}), "a Prisma database"),
    (frozenset({"flyway_schema_history"}), "a Flyway-managed database"),
    (frozenset({"knex_migrations"}), "a Knex (Node.js) database"),
    (frozenset({"__diesel_schema_migrations"}), "a Diesel (Rust) database"),
    (frozenset({"_sqlx_migrations"}), "an SQLx (Rust) database"),
    (frozenset({"z_primarykey", "z_metadata"}), "an Apple Core Data store"),
    (frozenset({"android_metadata"}), "an Android application's database"),
    (frozenset({"gnclock"}), "a GnuCash book"),
    (frozenset({"books", "authors", "books_authors_link"}), "a Calibre library"),
    (frozenset({"col", "notes", "cards"}), "an Anki collection"),
    (frozenset({"gpkg_contents"}), "a GeoPackage"),
    (frozenset({"tiles", "metadata"}), "an MBTiles map"),
    (frozenset({"alembic_version"}), "another application's database (it has alembic migrations)"),
)


def _refuse_foreign(
    engine: Engine, location: StoreLocation, revision: str | None, *, create: bool
) -> None:
    """Refuse a database holding tables socket did not create: `socket init` would add its
    own beside them, and every command would then write into another application's file."""
    with engine.connect() as connection:
        names = {
            name for name in inspect(connection).get_table_names() if not name.startswith("sqlite_")
        }
    if not names or (revision is not None and names >= _SOCKET_TABLES):
        return  # empty (a new store), or a socket store made by a newer socket
    folded = {name.casefold() for name in names}
    whose = next((w for tables, w in _SIGNATURES if tables <= folded), "")
    listed = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
    tables = "a table" if len(names) == 1 else f"{len(names)} tables"
    what = (
        f"it looks like {whose}" if whose else f"it holds {tables} socket did not create ({listed})"
    )
    raise StoreNotReady(
        f"{location.describe()} is not a socket store: {what}; socket will not "
        + ("add its tables to" if create else "use")
        + " another application's database: "
        + ("choose another file (--db PATH)" if location.is_sqlite else "choose another database")
    )

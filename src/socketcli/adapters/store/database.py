"""Opening the store: the URL, SQLite's pragmas, immediate write transactions, migrations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from socketcli.domain.errors import StoreNotReady

#: The newest migration. A store at this revision opens without importing alembic.
HEAD_REVISION = "0007"
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True, slots=True)
class StoreLocation:
    url: str

    @classmethod
    def for_path(cls, path: Path) -> StoreLocation:
        return cls(f"sqlite:///{path.expanduser().resolve()}")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    def describe(self) -> str:
        """The location for messages: the file, or the URL without its password."""
        try:
            path = self.sqlite_path
            if path is not None:
                return str(path)
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return "SOCKET_DATABASE_URL (not a database URL)"


def create_store_engine(location: StoreLocation) -> Engine:
    if not location.is_sqlite:
        return create_engine(location.url, pool_pre_ping=True)
    engine = create_engine(location.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the write lock up front, so two writers queue on the busy
        # timeout instead of failing half-way with "database is locked".
        if connection.get_execution_options().get("socket_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def store_exists(location: StoreLocation) -> bool:
    path = location.sqlite_path
    return not (path is not None and not path.exists())


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
    with engine.execution_options(socket_write=True).begin() as connection:
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        except CommandError as error:
            raise StoreNotReady(
                f"this store's schema is not one this version of socket knows ({error}); "
                "upgrade socket"
            ) from None


def open_engine(location: StoreLocation, *, create: bool = False) -> Engine:
    """The store's engine, migrated to the newest schema.

    Without `create`, a store that does not exist is an error that says how to make one.
    A store that cannot be opened (not a database, no driver, no access) is a StoreNotReady
    error naming the store and the reason, never a traceback.
    """
    try:
        return _open_engine(location, create=create)
    except (SQLAlchemyError, OSError, ImportError) as failure:
        reason = str(getattr(failure, "orig", None) or failure).splitlines()[0]
        if isinstance(failure, ImportError):
            reason = f"the database driver is not installed ({failure.name or reason})"
        raise StoreNotReady(f"cannot open the store at {location.describe()}: {reason}") from None


def _open_engine(location: StoreLocation, *, create: bool) -> Engine:
    if not create and not store_exists(location):
        raise StoreNotReady(
            f"no store at {location.describe()}: run `socket init` to create one, "
            "or `socket playground` to try the demo practice"
        )
    path = location.sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(location)
    revision = current_revision(engine)
    if revision is None and not create:
        raise StoreNotReady(
            f"{location.describe()} is not a socket store: run `socket init` to create one"
        )
    if revision != HEAD_REVISION:
        migrate(engine)
    return engine

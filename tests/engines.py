"""The two engines a store test runs on: SQLite (a file) and PostgreSQL (a database on the
test server).

A test folder whose tests touch a store (tests/integration, tests/posting, tests/cli, ...)
calls `parametrize_engines` from its conftest's `pytest_generate_tests`: each of its tests
that uses the `engine` fixture (directly, or through `socket`, `stores`, `store_url` and the
folders' store fixtures) runs once on each engine, its id ending `[sqlite]` or
`[postgresql]`. A test about SQLite itself (its files, their modes, its busy timeout, file
backups, the playground's embedded store) is marked `@pytest.mark.sqlite_only("why")` and
runs on SQLite alone; one about PostgreSQL alone (pg_dump) `postgresql_only("why")`.

The PostgreSQL cases need a server: SOCKET_TEST_POSTGRES_URL (`source .ci/postgres.sh`
starts a throwaway one and sets it; CI always does). Without it they are skipped, saying
so. Every test gets a database of its own: `CREATE DATABASE ... TEMPLATE` a database made
once per session (per xdist worker) by the same steps as the SQLite template file, then
dropped when the test ends.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from socketcli.adapters.store.database import StoreLocation

Engine = Literal["sqlite", "postgresql"]
ENGINES: tuple[Engine, ...] = ("sqlite", "postgresql")
SERVER_VARIABLE = "SOCKET_TEST_POSTGRES_URL"
NO_SERVER = (
    f"no PostgreSQL server: set {SERVER_VARIABLE} (`source .ci/postgres.sh` starts one and sets it)"
)
#: The markers of a test that runs on one engine alone: `@pytest.mark.sqlite_only("why")`.
ONLY: dict[str, Engine] = {"sqlite_only": "sqlite", "postgresql_only": "postgresql"}


def server_url() -> str | None:
    return os.environ.get(SERVER_VARIABLE) or None


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses `engine` on SQLite and on PostgreSQL (SQLite alone when it
    is marked sqlite_only). For a folder conftest's `pytest_generate_tests`."""
    if "engine" not in metafunc.fixturenames:
        return
    engines = list(ENGINES)
    for name, alone in ONLY.items():
        marker = metafunc.definition.get_closest_marker(name)
        if marker is None:
            continue
        if not (marker.args or marker.kwargs.get("reason")):
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: {name} needs a reason")
        engines = [alone]
    metafunc.parametrize("engine", engines, indirect=True)


class PostgresServer:
    """The test server's databases made by this process (one xdist worker): each test's own
    and the session's templates, named apart from any other worker's or run's."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"socket_test_{worker}_{uuid.uuid4().hex[:6]}"
        self.made = 0
        self.templates: list[str] = []

    def name(self) -> str:
        """A name for a new database, never given before."""
        self.made += 1
        return f"{self.prefix}_{self.made}"

    def create(self, template: str | None = None, *, name: str | None = None) -> str:
        """A new database (a copy of `template`, or empty); its name."""
        name = name or self.name()
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def location(self, name: str) -> StoreLocation:
        url = make_url(self.url).set(database=name).render_as_string(hide_password=False)
        return StoreLocation.for_url(url)

    def close(self) -> None:
        for name in self.templates:
            self.drop(name)
        self.admin.dispose()


#: How a template store is made: given the new store's location (nothing there yet on
#: SQLite; an empty database on PostgreSQL), fill it, and leave no connection open.
Build = Callable[[StoreLocation], None]


@dataclass
class Templates:
    """Stores made once per session (per worker) on each engine, to be copied for each test:
    a file on SQLite, a template database on PostgreSQL."""

    directory: Path
    server: Callable[[], PostgresServer]
    _made: dict[tuple[str, Engine], StoreLocation] = field(default_factory=dict)

    def get(self, name: str, engine: Engine, build: Build) -> StoreLocation:
        key = (name, engine)
        if key not in self._made:
            if engine == "sqlite":
                location = StoreLocation.for_path(self.directory / f"{name}.db")
            else:
                server = self.server()
                database = server.create()
                server.templates.append(database)
                location = server.location(database)
            build(location)
            self._made[key] = location
        return self._made[key]


@dataclass
class Stores:
    """This test's stores on its engine: `new()` an empty database (PostgreSQL) or a path
    with nothing there yet (SQLite), `copy(template)` a copy of a template store."""

    engine: Engine
    directory: Path
    server: Callable[[], PostgresServer]
    _databases: list[str] = field(default_factory=list)

    def new(self, name: str = "store") -> StoreLocation:
        if self.engine == "sqlite":
            return StoreLocation.for_path(self._path(name))
        location = self.reserve()
        self.create(location)
        return location

    def copy(self, template: StoreLocation, name: str = "store") -> StoreLocation:
        if self.engine == "sqlite":
            assert template.path is not None
            path = self._path(name)
            shutil.copyfile(template.path, path)
            return StoreLocation.for_path(path)
        location = self.reserve()
        self.create(location, template)
        return location

    def reserve(self) -> StoreLocation:
        """Where a new PostgreSQL database will be (`create` makes it)."""
        return self.server().location(self.server().name())

    def create(self, location: StoreLocation, template: StoreLocation | None = None) -> None:
        """The database `reserve` named, empty or a copy of `template`; dropped after the test."""
        name = str(make_url(location.url).database)
        copied = None if template is None else str(make_url(template.url).database)
        self._databases.append(self.server().create(copied, name=name))

    def _path(self, name: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.db"
        n = 1
        while path.exists():
            n += 1
            path = self.directory / f"{name}-{n}.db"
        return path

    def close(self) -> None:
        if self._databases:
            server = self.server()
            for database in self._databases:
                server.drop(database)


def where(location: StoreLocation) -> str:
    """What `--db` is given for `location`: its path, or its URL (password and all)."""
    return str(location.path) if location.path is not None else location.url


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database at `url` (the tables the database has,
    socket's or not), sorted: two dumps are equal or what the store holds changed. For a
    PostgreSQL store what a SQLite file's bytes are: the proof a refused command wrote
    nothing, or that a secret is nowhere in the store."""
    engine = create_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(select(table))), key=repr
                )
                for table in tables.sorted_tables
            }
    finally:
        engine.dispose()


def session_server(factory: pytest.TempPathFactory) -> Iterator[Callable[[], PostgresServer]]:
    """The session's PostgresServer, made on first use (skips the test without a server)."""
    made: list[PostgresServer] = []

    def get() -> PostgresServer:
        if not made:
            url = server_url()
            if url is None:
                pytest.skip(NO_SERVER)
            made.append(PostgresServer(url))
        return made[0]

    yield get
    for server in made:
        server.close()

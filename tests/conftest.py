"""Every test runs as a new user on a plain terminal would, on a fixed day, in directories of
its own, and gets the one `socket` runner (tests/runner.py).

The isolation is hatch's test fixture: no colour, a known width, temporary data, state and
config directories, and nothing read from the developer's own store or environment: no
SOCKET_* variable reaches a test but the test infrastructure's own (SOCKET_TEST_*, which say
where a PostgreSQL server or Prism is).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from socketcli.adapters.store.database import StoreLocation
from tests.engines import (
    NO_SERVER,
    Engine,
    PostgresServer,
    Stores,
    Templates,
    server_url,
    session_server,
    where,
)
from tests.runner import Socket

#: The day every test stands on: a Saturday late in the month, so `plan` commands default
#: to the next month (December 2026) until a plan is approved.
TODAY = "2026-11-21"

#: COLUMNS is 160, not hatch's 80: the CLI tests read a table's row as one line, and at 80
#: columns rich wraps the wider tables (plan diff, clients list, settings show).
#: No test may reach a real OS keyring: the "fail" backend raises NoKeyringError as a headless
#: server's does (tests that want a keyring install an in-memory one).
PINNED = {
    "NO_COLOR": "1",
    "COLUMNS": "160",
    "SOCKET_NOW": TODAY,
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
}
#: The SOCKET_* variables a test may inherit: how the tests reach their own servers.
INFRASTRUCTURE = "SOCKET_TEST_"
#: Not socket's own, but read by it: no browser to open.
UNSET = ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")


@dataclass(frozen=True)
class Directories:
    """A user's directories, none of them made yet (`socket init` makes `data`)."""

    #: SOCKET_DATA_DIR: the stores.
    data: Path
    #: SOCKET_STATE_DIR: tokens, locks, logs.
    state: Path
    #: XDG_CONFIG_HOME: socket keeps no configuration of its own, but keyring reads its
    #: keyringrc.cfg from there.
    config: Path

    @classmethod
    def under(cls, root: Path) -> Directories:
        return cls(root / "data", root / "state", root / "config")


def isolate(monkeypatch: pytest.MonkeyPatch, directories: Directories) -> None:
    """The environment of a new user on a plain terminal, in `directories`."""
    leaked = [n for n in os.environ if n.startswith("SOCKET_") and not n.startswith(INFRASTRUCTURE)]
    for name in (*leaked, *UNSET):
        monkeypatch.delenv(name, raising=False)
    for name, value in PINNED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SOCKET_DATA_DIR", str(directories.data))
    monkeypatch.setenv("SOCKET_STATE_DIR", str(directories.state))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(directories.config))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Directories:
    """The one isolation fixture, for every test of every folder: see the module's docstring."""
    directories = Directories.under(tmp_path)
    isolate(monkeypatch, directories)
    return directories


@pytest.fixture
def data_dir(isolated: Directories) -> Path:
    """This test's SOCKET_DATA_DIR (not made: `socket init` makes it)."""
    return isolated.data


@pytest.fixture
def state_dir(isolated: Directories) -> Path:
    """This test's SOCKET_STATE_DIR (tokens, locks, logs)."""
    return isolated.state


# -- the engines (tests/engines.py) ------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[], PostgresServer]]:
    """The test server's databases, made by this worker; skips the test without a server."""
    yield from session_server(tmp_path_factory)


@pytest.fixture(scope="session")
def templates(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: Callable[[], PostgresServer]
) -> Templates:
    """Stores made once per session on each engine, copied for each test."""
    return Templates(tmp_path_factory.mktemp("templates"), postgres_server)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> Engine:
    """The engine this test's stores are on: SQLite, unless the folder runs its tests on both
    (tests/engines.py `parametrize_engines`) and this is the PostgreSQL case."""
    name: Engine = getattr(request, "param", "sqlite")
    if name == "postgresql" and server_url() is None:
        pytest.skip(NO_SERVER)
    return name


@pytest.fixture
def stores(
    engine: Engine, tmp_path: Path, postgres_server: Callable[[], PostgresServer]
) -> Iterator[Stores]:
    """New stores on this test's engine (files under tmp_path, or databases dropped after)."""
    made = Stores(engine, tmp_path / "stores", postgres_server)
    yield made
    made.close()


class DefaultStore:
    """The store every `socket` command of this test uses unless it names another: on SQLite
    the data dir's socket.db (socket's own default), on PostgreSQL a database of this test's,
    named with --db and made (empty) before the first command, unless a fixture filled it
    from a template first."""

    def __init__(self, engine: Engine, data_dir: Path, stores: Stores) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self._stores = stores
        self._made = engine == "sqlite"
        self.location = (
            StoreLocation.for_path(data_dir / "socket.db") if self._made else stores.reserve()
        )

    @property
    def on_sqlite(self) -> bool:
        return self.engine == "sqlite"

    @property
    def url(self) -> str | None:
        """What the runner names with --db: nothing on SQLite, the database's URL."""
        return None if self.on_sqlite else where(self.location)

    def ensure(self) -> None:
        """The PostgreSQL database made, empty, if it is not yet."""
        if not self._made:
            self._stores.create(self.location)
            self._made = True

    def fill(self, template: StoreLocation) -> None:
        """This store as a copy of `template` (a PostgreSQL template database)."""
        assert not self._made, "the test's database was filled after its first use"
        self._stores.create(self.location, template)
        self._made = True


@pytest.fixture
def default_store(
    engine: Engine, data_dir: Path, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> DefaultStore:
    """This test's default store; on PostgreSQL also SOCKET_DATABASE_URL, for the `socket`
    processes a test starts itself."""
    made = DefaultStore(engine, data_dir, stores)
    if made.url is not None:
        monkeypatch.setenv("SOCKET_DATABASE_URL", made.url)
    return made


@pytest.fixture
def store_url(default_store: DefaultStore) -> str | None:
    """This test's store as `--db` names it on PostgreSQL (None on SQLite: the data dir's)."""
    return default_store.url


@pytest.fixture
def socket(default_store: DefaultStore) -> Socket:
    """The one `socket` runner (tests/runner.py), on this test's default store."""
    if default_store.on_sqlite:
        return Socket()
    return Socket(db=default_store.url, before=default_store.ensure)


#: `made_by_socket(name, commands)`: see the fixture.
MadeBySocket = Callable[[str, Sequence[Sequence[str]]], Path]


@pytest.fixture(scope="session")
def made_by_socket(tmp_path_factory: pytest.TempPathFactory) -> MadeBySocket:
    """A data dir made once per session by `socket` commands, isolated as a test is: a test
    copies it into its own data_dir (making it again for each test costs more)."""

    def make(name: str, commands: Sequence[Sequence[str]]) -> Path:
        directories = Directories.under(tmp_path_factory.mktemp(name))
        socket = Socket()
        with pytest.MonkeyPatch.context() as monkeypatch:
            isolate(monkeypatch, directories)
            for command in commands:
                socket.ok(*command)
        return directories.data

    return make


#: `store_made_by(name, commands)`: see the fixture.
StoreMadeBy = Callable[[str, Sequence[Sequence[str]]], Path]


@pytest.fixture(scope="session")
def socket_templates(
    made_by_socket: MadeBySocket, templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, Sequence[Sequence[str]], Engine], Path | StoreLocation]:
    """`socket_templates(name, commands, engine)`: what `commands` made, once per session and
    engine: a data dir on SQLite (made_by_socket), a template database on PostgreSQL."""
    data_dirs: dict[str, Path] = {}

    def on_postgresql(commands: Sequence[Sequence[str]]) -> Callable[[StoreLocation], None]:
        def build(location: StoreLocation) -> None:
            directories = Directories.under(tmp_path_factory.mktemp("pg-template"))
            socket = Socket(db=where(location))
            with pytest.MonkeyPatch.context() as monkeypatch:
                isolate(monkeypatch, directories)
                for command in commands:
                    socket.ok(*command)

        return build

    def get(name: str, commands: Sequence[Sequence[str]], engine: Engine) -> Path | StoreLocation:
        if engine == "sqlite":
            if name not in data_dirs:
                data_dirs[name] = made_by_socket(name, commands)
            return data_dirs[name]
        return templates.get(name, engine, on_postgresql(commands))

    return get


@pytest.fixture
def store_made_by(
    default_store: DefaultStore,
    socket_templates: Callable[[str, Sequence[Sequence[str]], Engine], Path | StoreLocation],
    data_dir: Path,
) -> StoreMadeBy:
    """`store_made_by(name, commands)`: this test's default store as `commands` (`socket`
    commands, `init` first) made it, on this test's engine: made once per session and copied
    (the data dir on SQLite, a template database on PostgreSQL). Returns the data dir."""

    def fill(name: str, commands: Sequence[Sequence[str]]) -> Path:
        made = socket_templates(name, commands, default_store.engine)
        if isinstance(made, Path):
            shutil.copytree(made, data_dir)
        else:
            default_store.fill(made)
        return data_dir

    return fill


@pytest.fixture
def empty_store(store_made_by: StoreMadeBy, data_dir: Path) -> Path:
    """An initialised store (`socket init`) with no clients, services or proposals, as this
    test's default store (on PostgreSQL the path is not used: see `default_store`)."""
    store_made_by("empty", [("init",)])
    return data_dir / "socket.db"

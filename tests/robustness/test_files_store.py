"""Where the store is and what it is: `--db PATH` is a path (never a URL in disguise), an
explicit URL is a URL, a malformed SOCKET_DATABASE_URL is one line that never shows its
password, another application's SQLite file is refused untouched, and the store is private."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.runner import Socket


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- --db PATH is a path ----------------------------------------------------------------------


@pytest.mark.sqlite_only("--db PATH and sqlite:/// parsing: where the file goes")
@pytest.mark.parametrize(
    "relative",
    ["Billing%20Archive/socket.db", "archive/socket?mode=ro.db", "a#b/100%.db", "x;y/s.db"],
)
def test_db_is_the_file_at_that_path_as_written(
    relative: str, socket: Socket, tmp_path: Path
) -> None:
    store = tmp_path / relative
    store.parent.mkdir(parents=True, exist_ok=True)

    created = socket.ok("--db", str(store), "init")
    socket.ok("--db", str(store), "clients", "add", "ACME", "Acme Ltd")

    assert f"Created the store at {store}." in created.stderr
    assert store.is_file()
    # Nothing was made under a decoded or shortened name beside it.
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert made == [relative]
    rows = sqlite3.connect(store).execute("SELECT reference FROM clients").fetchall()
    assert rows == [("ACME",)]


@pytest.mark.sqlite_only("--db PATH and sqlite:/// parsing: where the file goes")
def test_db_takes_an_explicit_sqlite_url(socket: Socket, tmp_path: Path) -> None:
    store = tmp_path / "by url.db"

    socket.ok("--db", f"sqlite:///{store}", "init")
    socket.ok("--db", f"sqlite:///{store}", "clients", "add", "ACME", "Acme Ltd")

    assert [c["reference"] for c in socket.using(db=store).json("clients", "list")] == ["ACME"]


@pytest.mark.sqlite_only("--db PATH and sqlite:/// parsing: where the file goes")
def test_db_overrides_the_environments_url(socket: Socket, tmp_path: Path) -> None:
    store = tmp_path / "mine.db"
    other = socket.using(env={"SOCKET_DATABASE_URL": "postgresql+psycopg://u:pw@host:bad/db"})

    other.ok("--db", str(store), "init")

    assert store.is_file()


# -- a malformed URL is one line, without its password ---------------------------------------


@pytest.mark.sqlite_only("no store: the malformed or unreachable URL given is the subject")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "postgresql+psycopg://anna:s3cr3t-pw@db.example:54x2/socket",
            "its port is not a number",
        ),
        (
            "postgresql+psycopg://anna:s3cr3t-pw@db.example:99999/socket",
            "its port is not between 1 and 65535",
        ),
        ("not a url at all s3cr3t-pw", None),
    ],
)
def test_a_malformed_database_url_is_one_line_without_the_password(
    url: str, reason: str | None, socket: Socket
) -> None:
    line = socket.using(env={"SOCKET_DATABASE_URL": url}).fails("clients", "list", code=2)

    assert line.startswith("error: SOCKET_DATABASE_URL is not ")
    assert reason is None or reason in line
    assert "s3cr3t-pw" not in line


@pytest.mark.sqlite_only("no store: the malformed or unreachable URL given is the subject")
def test_a_malformed_db_url_names_the_option(socket: Socket) -> None:
    line = socket.fails(
        "--db", "postgresql+psycopg://anna:s3cr3t-pw@db.example:port/socket", "init", code=2
    )

    assert line.startswith("error: --db is not a usable database URL: its port is not a number")
    assert "s3cr3t-pw" not in line


@pytest.mark.sqlite_only("no store: the malformed or unreachable URL given is the subject")
def test_a_database_that_cannot_be_reached_is_named_without_its_password(socket: Socket) -> None:
    url = "postgresql+psycopg://anna:s3cr3t-pw@127.0.0.1:1/socket"

    line = socket.using(env={"SOCKET_DATABASE_URL": url}).fails("clients", "list", code=5)

    assert line.startswith(
        "error: cannot open the store at postgresql+psycopg://anna:***@127.0.0.1:1"
    )
    assert "s3cr3t-pw" not in line


# -- another application's database -----------------------------------------------------------


def another_application(path: Path, *tables: str) -> bytes:
    connection = sqlite3.connect(path)
    for table in tables:
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, title TEXT)")
    connection.execute(f"INSERT INTO {tables[0]} (title) VALUES ('theirs')")
    connection.commit()
    connection.close()
    return path.read_bytes()


@pytest.mark.sqlite_only("another application's SQLite file")
@pytest.mark.parametrize(
    ("tables", "whose"),
    [
        (
            ("moz_places", "moz_bookmarks"),
            "it looks like Firefox's browsing history (places.sqlite)",
        ),
        (("django_migrations", "auth_user"), "it looks like a Django application's database"),
        (
            ("invoices", "customers"),
            "it holds 2 tables socket did not create (customers, invoices)",
        ),
    ],
)
def test_init_refuses_another_applications_database_and_leaves_it_untouched(
    tables: tuple[str, ...], whose: str, socket: Socket, tmp_path: Path
) -> None:
    theirs = tmp_path / "theirs.sqlite"
    before = another_application(theirs, *tables)

    line = socket.fails("--db", str(theirs), "init", code=5)

    assert line == (
        f"error: {theirs} is not a socket store: {whose}; socket will not add its tables to "
        "another application's database: choose another file (--db PATH)"
    )
    assert theirs.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.sqlite"]


@pytest.mark.sqlite_only("another application's SQLite file")
def test_other_commands_refuse_another_applications_database_too(
    socket: Socket, tmp_path: Path
) -> None:
    theirs = tmp_path / "theirs.sqlite"
    before = another_application(theirs, "invoices")

    line = socket.fails("--db", str(theirs), "clients", "add", "ACME", "Acme Ltd", code=5)

    assert "is not a socket store: it holds a table socket did not create (invoices)" in line
    assert theirs.read_bytes() == before


@pytest.mark.sqlite_only("another application's SQLite file")
def test_init_still_makes_a_store_in_an_empty_sqlite_file(socket: Socket, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()

    socket.ok("--db", str(empty), "init")

    assert socket.using(db=empty).json("clients", "list") == []


# -- the store is private ---------------------------------------------------------------------


@pytest.mark.sqlite_only("a store file's mode")
def test_a_new_store_and_its_directory_are_private(socket: Socket, data_dir: Path) -> None:
    previous = os.umask(0o022)
    try:
        socket.ok("init")
        socket.ok("clients", "add", "ACME", "Acme Ltd")
    finally:
        os.umask(previous)

    assert mode(data_dir) == 0o700
    for made in data_dir.iterdir():  # socket.db and any -wal or -shm beside it
        assert mode(made) == 0o600, made


@pytest.mark.sqlite_only("the playground's own file and its mode")
def test_the_playground_store_is_private(socket: Socket, data_dir: Path) -> None:
    previous = os.umask(0o022)
    try:
        socket.ok("playground")
    finally:
        os.umask(previous)

    assert mode(data_dir / "playground.db") == 0o600


@pytest.mark.sqlite_only("a store file's mode")
def test_an_existing_store_keeps_the_mode_its_owner_gave_it(socket: Socket, tmp_path: Path) -> None:
    shared = tmp_path / "shared.db"
    socket.ok("--db", str(shared), "init")
    shared.chmod(0o640)  # the practice shares it with a group on purpose

    socket.ok("--db", str(shared), "clients", "add", "ACME", "Acme Ltd")

    assert mode(shared) == 0o640

"""`socket init`, where the store is, and what every command says before there is one.

Where the store goes (the data dir, --db PATH, SOCKET_DATABASE_URL) and what socket makes of
a file are about SQLite files; what a store holds runs on both engines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from socketcli import __version__


@pytest.mark.sqlite_only("where the store's file goes")
def test_init_creates_the_store_in_the_data_dir_and_says_what_next(socket, data_dir):
    result = socket.ok("init")

    assert (data_dir / "socket.db").is_file()
    assert f"Created the store at {data_dir / 'socket.db'}" in result.stderr
    assert "socket clients add" in result.stderr
    assert result.stdout == ""


def test_init_twice_keeps_the_store_and_its_data(socket, data_dir):
    socket.ok("init")
    socket.ok("clients", "add", "ACME", "Acme Ltd")

    again = socket.ok("init")

    assert "already existed" in again.stderr
    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME"]


@pytest.mark.sqlite_only("where the store's file goes")
def test_db_option_puts_the_store_at_that_path(socket, data_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "practice.db"

    socket.ok("--db", str(elsewhere), "init")
    socket.ok("--db", str(elsewhere), "clients", "add", "ACME", "Acme Ltd")

    assert elsewhere.is_file()
    assert not (data_dir / "socket.db").exists()
    assert [c["reference"] for c in socket.json("--db", str(elsewhere), "clients", "list")] == [
        "ACME"
    ]


@pytest.mark.sqlite_only("where the store's file goes")
def test_socket_database_url_chooses_the_store(socket, data_dir, tmp_path, monkeypatch):
    path = tmp_path / "shared.db"
    monkeypatch.setenv("SOCKET_DATABASE_URL", f"sqlite:///{path}")

    socket.ok("init")

    assert path.is_file()
    assert not (data_dir / "socket.db").exists()


@pytest.mark.sqlite_only("where the store's file goes")
def test_db_option_overrides_socket_database_url(socket, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCKET_DATABASE_URL", f"sqlite:///{tmp_path / 'url.db'}")

    socket.ok("--db", str(tmp_path / "option.db"), "init")

    assert (tmp_path / "option.db").is_file()
    assert not (tmp_path / "url.db").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("plan", "show"),
        ("plan", "diff"),
        ("plan", "approve", "--yes"),
        ("clients", "list"),
        ("services", "list"),
        ("proposals", "list"),
        ("settings", "show"),
        ("settings", "set", "invoice_day", "5"),
    ],
)
def test_without_a_store_every_command_says_to_run_init(socket, data_dir, default_store, command):
    message = socket.fails(*command, code=5)

    if default_store.on_sqlite:
        assert f"no store at {data_dir / 'socket.db'}" in message
        assert not (data_dir / "socket.db").exists()
    else:  # an empty database, left empty
        assert f"{default_store.location.describe()} is not a socket store" in message
        engine = create_engine(default_store.location.url)
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        engine.dispose()
    assert "run `socket init`" in message


@pytest.mark.sqlite_only("a file that is not a store")
def test_a_file_that_is_not_a_store_is_refused(socket, tmp_path):
    stranger = tmp_path / "notes.db"
    stranger.write_bytes(b"")

    message = socket.fails("--db", str(stranger), "plan", "show", code=5)

    assert "is not a socket store" in message


@pytest.mark.parametrize(
    "command", [("plan", "show"), ("plan", "diff"), ("plan", "approve", "--yes")]
)
def test_plan_on_a_store_without_clients_says_how_to_add_them(socket, empty_store, command):
    message = socket.fails(*command, code=5)

    assert "has no clients yet" in message
    assert "socket clients add" in message


def test_plan_preview_on_a_store_without_clients_fails_the_same_way(socket, empty_store):
    assert "has no clients yet" in socket.fails("plan", "preview", "ACME", code=5)


def test_a_bad_socket_now_is_a_clear_error(socket, empty_store, monkeypatch):
    monkeypatch.setenv("SOCKET_NOW", "tomorrow")

    message = socket.fails("plan", "show", code=2)

    assert "SOCKET_NOW 'tomorrow' is not an ISO date or time" in message


@pytest.mark.sqlite_only("no store: the command line alone")
def test_version(socket):
    assert socket.ok("--version").stdout == f"socket {__version__}\n"


@pytest.mark.sqlite_only("no store: the command line alone")
def test_no_arguments_shows_the_commands(socket):
    result = socket()

    assert result.exit_code == 2
    for group in ("init", "import", "playground", "settings", "clients", "plan"):
        assert group in result.output


@pytest.mark.sqlite_only("no store: the command line alone")
def test_a_group_without_a_command_shows_its_commands(socket):
    result = socket("plan")

    assert result.exit_code == 2
    for command in ("show", "diff", "preview", "approve"):
        assert command in result.output


@pytest.mark.sqlite_only("no store: the command line alone")
def test_an_unknown_command_is_a_usage_error(socket):
    assert "No such command" in socket.usage_error("plan", "publish")


@pytest.mark.sqlite_only("where the store's file goes")
def test_the_store_is_created_under_a_missing_data_dir(socket, data_dir: Path):
    assert not data_dir.exists()

    socket.ok("init")

    assert data_dir.is_dir()


def one_error_line(result) -> str:
    assert result.exit_code != 0
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


# Bug: adapters/store/database.py open_engine lets SQLAlchemy's and the OS's errors through,
# so each of these prints a traceback instead of one line naming the store.
@pytest.mark.sqlite_only("a file that is not SQLite")
def test_a_file_that_is_not_sqlite_is_a_clear_error(socket, tmp_path):
    garbage = tmp_path / "notes.db"
    garbage.write_text("these are not the tables you are looking for\n" * 20)

    assert str(garbage) in one_error_line(socket("--db", str(garbage), "plan", "show"))


@pytest.mark.sqlite_only("a directory given as the file")
def test_a_directory_given_as_the_store_is_a_clear_error(socket, tmp_path):
    assert str(tmp_path) in one_error_line(socket("--db", str(tmp_path), "plan", "show"))


@pytest.mark.sqlite_only("SOCKET_DATABASE_URL itself is the subject")
def test_a_database_url_that_is_not_a_url_is_a_clear_error(socket, monkeypatch):
    monkeypatch.setenv("SOCKET_DATABASE_URL", "not a url")

    assert "SOCKET_DATABASE_URL" in one_error_line(socket("plan", "show"))

"""The same store on PostgreSQL, chosen by SOCKET_DATABASE_URL (as a practice sharing one store would).

CI starts a server and sets SOCKET_TEST_POSTGRES_URL (see .ci/postgres.sh); on a machine
without one these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.runner import Socket

SERVER = os.environ.get("SOCKET_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set SOCKET_TEST_POSTGRES_URL"
)


@pytest.fixture
def database_url() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    assert SERVER is not None
    name = f"socket_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def socket(socket: Socket, database_url: str) -> Socket:
    """socket on the test's PostgreSQL database, on 21 November 2023."""
    return socket.using(env={"SOCKET_DATABASE_URL": database_url, "SOCKET_NOW": "2023-11-21"})


def run(socket: Socket, *args: str) -> tuple[int, str, str]:
    result = socket(*args)
    return result.exit_code, result.stdout, result.stderr


def test_a_month_end_on_a_postgresql_store_bills_the_alignment_example_to_the_penny(
    socket: Socket,
) -> None:
    steps = [
        ("init",),
        ("services", "add", "Annual accounts", "--method", "monthly", "--alignment"),
        ("clients", "add", "ACME", "Acme Widgets Ltd", "--year-end", "31-03"),
        (
            "proposals",
            "add",
            "P1",
            "--client",
            "ACME",
            "--line",
            "Annual accounts=100",
            "--start",
            "2023-10-01",
            "--accept",
        ),
    ]
    for step in steps:
        code, _, err = run(socket, *step)
        assert code == 0, err
    code, out, err = run(socket, "plan", "preview", "ACME", "--month", "2023-10", "--json")
    assert code == 0, err
    invoice = json.loads(out)["invoices"][0]
    assert [line["line_amount"] for line in invoice["lines"]] == ["100.00", "600.00"]
    assert invoice["total"] == "700.00"

    assert run(socket, "plan", "approve", "--month", "2023-11", "--yes", "--no-post")[0] == 0
    code, out, err = run(socket, "plan", "diff", "--month", "2023-12", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["previous_source"] == "finalised"
    assert [(row["reference"], row["change"], row["amount"]) for row in report["clients"]] == [
        ("ACME", "unchanged", "100.00")
    ]


def test_a_postgresql_store_that_was_never_initialised_says_how_to_make_one(
    socket: Socket,
) -> None:
    code, _, err = run(socket, "plan", "show")
    assert code == 5
    assert "is not a socket store: run `socket init`" in err
    assert "Traceback" not in err


def test_init_on_a_new_empty_database_says_it_created_the_store_then_that_it_is_ready(
    socket: Socket,
) -> None:
    code, _, err = run(socket, "init")
    assert code == 0, err
    assert "Created the store at postgresql+psycopg://" in err
    assert "already existed" not in err
    code, _, err = run(socket, "init")
    assert code == 0, err
    assert "is ready (already existed; schema is up to date)" in err


def test_an_import_stores_on_postgresql_what_it_stores_on_sqlite(
    socket: Socket, tmp_path: Path
) -> None:
    from tests.practices import generate

    folder = tmp_path / "practice"
    generate(folder, clients=60, today=date(2023, 11, 21))
    files = [str(folder / name) for name in ("clients.csv", "services.csv", "proposals.csv")]
    sqlite = socket.using(db=tmp_path / "socket.db")
    for runner in (socket, sqlite):
        assert run(runner, "init")[0] == 0
        code, out, err = run(runner, "import", *files)
        assert code == 0, err
        assert "proposals 60 created" in out + err
    for command in (
        ("proposals", "list", "--json"),
        ("work", "list", "--json"),
        ("plan", "diff", "--month", "2023-12", "--json"),
    ):
        on_postgres, on_sqlite = run(socket, *command), run(sqlite, *command)
        assert on_postgres[0] == 0, on_postgres[2]
        assert json.loads(on_postgres[1]) == json.loads(on_sqlite[1]), command
    code, out, err = run(socket, "import", *files)  # again: nothing changes
    assert code == 0, err
    assert "proposals 0 created, 0 updated, 60 unchanged" in out + err

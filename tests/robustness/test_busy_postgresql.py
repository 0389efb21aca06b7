"""A busy PostgreSQL store: while another session holds locks that a command's write needs
for longer than the busy timeout, the command ends with one line, exit 9, and the store as it
was, as on SQLite (tests/robustness/test_files_busy.py); before, it waited as long as the
other held them, whatever SOCKET_BUSY_TIMEOUT said. Reading is not held up.

The other session is a real process holding every table of the store in EXCLUSIVE mode (no
one else writes, everyone reads) until the test lets go, or 30 seconds at most.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import DefaultStore, StoreMadeBy
from tests.engines import dump
from tests.robustness.test_files_busy import (
    BUSY,
    EXIT_BUSY,
    PRACTICE,
    PRACTICE_WRITES,
    csv_file,
    holding,
)
from tests.runner import Socket

pytestmark = pytest.mark.postgresql_only("PostgreSQL's locks: SQLite's are test_files_busy.py's")

_HOLDER = """
import select, sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as connection:
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars().all()
    names = ", ".join(f'"{name}"' for name in tables)
    connection.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    print("holding", flush=True)
    select.select([sys.stdin], [], [], float(sys.argv[2]))  # until the test lets go
    connection.rollback()
engine.dispose()
"""


@contextmanager
def another_writer(url: str, seconds: float = 30.0) -> Iterator[None]:
    """A second process holding the store's tables against writers until the block ends
    (or `seconds` have passed: a command that waits for it then goes on and fails its test)."""
    with holding(_HOLDER, url, str(seconds), timeout=60):
        yield


@pytest.fixture
def practice(store_made_by: StoreMadeBy, default_store: DefaultStore) -> str:
    """test_files_busy.py's practice, as this test's database; its URL."""
    store_made_by("busy-practice", PRACTICE)
    assert default_store.url is not None
    return default_store.url


def refused_while_busy(socket: Socket, url: str, args: tuple[str, ...], timeout: str) -> None:
    before = dump(url)
    with another_writer(url):
        line = socket.using(env={"SOCKET_BUSY_TIMEOUT": timeout}).fails(*args, code=EXIT_BUSY)
    assert line == BUSY
    assert dump(url) == before


@pytest.mark.parametrize("args", PRACTICE_WRITES, ids=" ".join)
def test_a_write_to_a_busy_store_says_so_and_changes_nothing(
    args: tuple[str, ...], socket: Socket, practice: str
) -> None:
    refused_while_busy(socket, practice, args, "0.5")


def test_an_import_into_a_busy_store_says_so_and_imports_nothing(
    socket: Socket, practice: str, tmp_path: Path
) -> None:
    clients = csv_file(tmp_path / "clients.csv", "reference,name", "GAMMA,Gamma Ltd")

    refused_while_busy(socket, practice, ("import", str(clients)), "0.5")


def test_a_busy_timeout_of_0_gives_up_at_once_not_never(socket: Socket, practice: str) -> None:
    # PostgreSQL's lock_timeout 0 is "no limit": socket's 0 is "do not wait".
    refused_while_busy(socket, practice, ("clients", "add", "BETA", "Beta Bakery"), "0")


def test_reading_a_busy_store_is_not_held_up(socket: Socket, practice: str) -> None:
    with another_writer(practice):
        reader = socket.using(env={"SOCKET_BUSY_TIMEOUT": "0.5"})
        shown = reader.json("plan", "show")
        listed = reader.json("clients", "list")
    assert [c["reference"] for c in shown["clients"]] == ["ACME"]
    assert [c["reference"] for c in listed] == ["ACME"]


def test_a_write_waits_for_one_that_ends_within_the_timeout(socket: Socket, practice: str) -> None:
    with another_writer(practice, seconds=0.5):
        socket.using(env={"SOCKET_BUSY_TIMEOUT": "20"}).ok("clients", "add", "BETA", "Beta")
    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME", "BETA"]

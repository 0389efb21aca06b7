"""A busy store: while another process holds the store's write lock for longer than the busy
timeout, every command that writes ends with one line, exit 9, and the store as it was.

The other process is real (a second Python holding `BEGIN IMMEDIATE` on the store until the
test lets go), as a second `socket` command writing would be. SOCKET_BUSY_TIMEOUT is half a
second here so that the suite does not wait ten seconds a command.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import Directories, MadeBySocket, StoreMadeBy
from tests.runner import Socket

BUSY = "error: the store is busy: another socket command is writing; try again"
EXIT_BUSY = 9

#: The playground, connected to its sandbox Xero, the merged contact relinked: ready to approve.
LINKED: tuple[tuple[str, ...], ...] = (
    ("playground",),
    ("--playground", "xero", "connect"),
    ("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd"),
)
#: The same, with December 2026 approved ahead of its 1st (so nothing is posted yet).
APPROVED = (*LINKED, ("--playground", "plan", "approve", "--yes"))

_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.read()  # until the test lets go
connection.execute("ROLLBACK")
"""


@contextmanager
def holding(script: str, *args: str, timeout: float = 30) -> Iterator[None]:
    """`script` run by a second Python process with `args`, from its "holding" line until the
    block ends (its stdin closed tells it to let go; it must then end well)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline() == "holding\n"
        yield
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=timeout) == 0


@contextmanager
def another_writer(store: Path) -> Iterator[None]:
    """A second process holding the store's write lock until the block ends."""
    with holding(_HOLDER, str(store)):
        yield


def contents(store: Path) -> list[str]:
    """Everything the store holds, as SQL (the same rows give the same text)."""
    connection = sqlite3.connect(store)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def from_template(template: Path, into: Directories) -> None:
    """The data and state directories made by `made_by_socket` (tokens, the sandbox Xero)."""
    shutil.copytree(template, into.data)
    state = template.parent / "state"
    if state.exists():
        shutil.copytree(state, into.state)


#: A practice: ACME billed 150 a month from October 2026, and a draft proposal.
PRACTICE: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("services", "add", "Bookkeeping", "--method", "monthly"),
    ("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03"),
    (
        "proposals",
        "add",
        "P-ACME",
        "--client",
        "ACME",
        "--line",
        "Bookkeeping=150",
        "--start",
        "2026-10-01",
        "--accept",
    ),
    ("proposals", "add", "P-DRAFT", "--client", "ACME", "--line", "Bookkeeping=90"),
)


@pytest.fixture(scope="session")
def practice_template(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("busy-practice", PRACTICE)


@pytest.fixture(scope="session")
def linked_template(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("busy-linked", LINKED)


@pytest.fixture(scope="session")
def approved_template(made_by_socket: MadeBySocket) -> Path:
    return made_by_socket("busy-approved", APPROVED)


def refused_while_busy(
    socket: Socket, store: Path, args: Sequence[str], *, chatty: bool = False
) -> None:
    """`socket ARGS` while another process writes: the busy line, exit 9, the store unchanged."""
    before = contents(store)
    busy = socket.using(env={"SOCKET_BUSY_TIMEOUT": "0.5"})
    with another_writer(store):
        line = busy.fails(*args, code=EXIT_BUSY, chatty=chatty)
    assert line == BUSY
    assert contents(store) == before


def _id(value: object) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


def csv_file(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


# -- the practice's own store ---------------------------------------------------------------

PRACTICE_WRITES: list[tuple[str, ...]] = [
    ("settings", "set", "invoice_day", "15"),
    ("clients", "add", "BETA", "Beta Bakery"),
    ("clients", "edit", "ACME", "--name", "Acme Limited"),
    ("clients", "close", "ACME", "--last-month", "2027-03"),
    ("services", "add", "Payroll", "--method", "monthly"),
    ("services", "edit", "Bookkeeping", "--account-code", "210"),
    ("proposals", "add", "P-NEW", "--client", "ACME", "--line", "Bookkeeping=10"),
    ("proposals", "accept", "P-DRAFT", "--start", "2026-12-01"),
    ("proposals", "cancel", "P-DRAFT"),
    ("proposals", "change", "P-ACME", "--from", "2027-01", "--set", "Bookkeeping=175"),
    ("contacts", "new", "ACME"),
]


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
@pytest.mark.parametrize("args", PRACTICE_WRITES, ids=" ".join)
def test_a_write_to_a_busy_store_says_so_and_changes_nothing(
    args: tuple[str, ...], socket: Socket, practice_template: Path, isolated: Directories
) -> None:
    from_template(practice_template, isolated)
    refused_while_busy(socket, isolated.data / "socket.db", args)


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
def test_init_on_a_busy_store_that_is_up_to_date_has_nothing_to_write(
    socket: Socket, practice_template: Path, isolated: Directories
) -> None:
    from_template(practice_template, isolated)
    store = isolated.data / "socket.db"
    before = contents(store)
    with another_writer(store):
        done = socket.using(env={"SOCKET_BUSY_TIMEOUT": "0.5"}).ok("init")
    assert "is ready (already existed; schema is up to date)" in done.stderr
    assert contents(store) == before


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
def test_an_import_into_a_busy_store_says_so_and_imports_nothing(
    socket: Socket, practice_template: Path, isolated: Directories, tmp_path: Path
) -> None:
    from_template(practice_template, isolated)
    clients = csv_file(tmp_path / "clients.csv", "reference,name", "GAMMA,Gamma Ltd")

    refused_while_busy(socket, isolated.data / "socket.db", ("import", str(clients)))


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
def test_an_import_dry_run_takes_no_write_lock(
    socket: Socket, practice_template: Path, isolated: Directories, tmp_path: Path
) -> None:
    from_template(practice_template, isolated)
    clients = csv_file(tmp_path / "clients.csv", "reference,name", "GAMMA,Gamma Ltd")

    with another_writer(isolated.data / "socket.db"):
        checked = socket.using(env={"SOCKET_BUSY_TIMEOUT": "0.5"}).ok(
            "import", "--dry-run", str(clients)
        )
    assert "Would import: clients 1 created" in checked.stderr


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
def test_a_write_waits_for_one_that_ends_within_the_timeout(
    socket: Socket, practice_template: Path, isolated: Directories
) -> None:
    """Two writers queue: the second waits for the first instead of failing."""
    from_template(practice_template, isolated)
    store = isolated.data / "socket.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('holding', flush=True)\n"
            "time.sleep(0.5); c.execute('ROLLBACK')\n",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "holding\n"
    socket.using(env={"SOCKET_BUSY_TIMEOUT": "20"}).ok("clients", "add", "BETA", "Beta Bakery")
    assert holder.wait(timeout=30) == 0
    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME", "BETA"]


@pytest.mark.sqlite_only(
    "SQLite's write lock on the file, held by another process (BEGIN IMMEDIATE)"
)
def test_reading_a_busy_store_is_not_held_up(
    socket: Socket, practice_template: Path, isolated: Directories
) -> None:
    from_template(practice_template, isolated)
    with another_writer(isolated.data / "socket.db"):
        shown = socket.using(env={"SOCKET_BUSY_TIMEOUT": "0.5"}).json("plan", "show")
    assert [c["reference"] for c in shown["clients"]] == ["ACME"]


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "99999"])
def test_a_busy_timeout_that_is_not_seconds_is_refused(
    value: str, socket: Socket, store_made_by: StoreMadeBy
) -> None:
    store_made_by("busy-practice", PRACTICE)
    line = socket.using(env={"SOCKET_BUSY_TIMEOUT": value}).fails("clients", "list", code=2)
    assert line == (
        f"error: SOCKET_BUSY_TIMEOUT {value!r} is not a number of seconds from 0 to 3600 (e.g. 30)"
    )


# -- the playground, with its sandbox Xero --------------------------------------------------

LINKED_WRITES: list[tuple[tuple[str, ...], bool]] = [
    (("contacts", "link", "CLI017", "Ashford & Daughters Removals"), False),
    (("contacts", "unlink", "CLI026"), False),
    (("contacts", "match", "--auto"), False),
    (("plan", "approve", "--yes"), False),
    (("xero", "connect"), True),
    (("xero", "disconnect"), True),
    (("sync",), True),
]


@pytest.mark.sqlite_only("the playground's own file, its write lock held by another process")
@pytest.mark.parametrize(("args", "chatty"), LINKED_WRITES, ids=lambda a: _id(a))
def test_a_write_to_a_busy_playground_says_so_and_changes_nothing(
    args: tuple[str, ...],
    chatty: bool,
    socket: Socket,
    linked_template: Path,
    isolated: Directories,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from_template(linked_template, isolated)
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    tokens = (isolated.state / "xero-tokens.json").read_bytes()

    refused_while_busy(socket, isolated.data / "playground.db", args, chatty=chatty)
    assert (isolated.state / "xero-tokens.json").read_bytes() == tokens


@pytest.mark.sqlite_only("the playground's own file, its write lock held by another process")
@pytest.mark.parametrize(
    ("args", "today"),
    [
        (("plan", "unapprove", "--yes"), "2026-11-21"),
        (("plan", "post"), "2026-12-01"),
        (("sync",), "2026-12-01"),
    ],
    ids=lambda a: _id(a),
)
def test_an_approved_month_in_a_busy_store_is_neither_changed_nor_posted(
    args: tuple[str, ...],
    today: str,
    socket: Socket,
    approved_template: Path,
    isolated: Directories,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from_template(approved_template, isolated)
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    monkeypatch.setenv("SOCKET_NOW", today)

    refused_while_busy(socket, isolated.data / "playground.db", args, chatty=True)
    assert socket.json("sandbox", "invoices")["invoices"] == []


@pytest.mark.sqlite_only("the playground's own file, its write lock held by another process")
def test_resetting_a_busy_playground_keeps_it(
    socket: Socket, linked_template: Path, isolated: Directories
) -> None:
    from_template(linked_template, isolated)
    refused_while_busy(socket, isolated.data / "playground.db", ("playground", "--reset"))

"""What a hostile tester types (found by sweeping every option of every command with hostile
values): bytes that are not UTF-8 from a Latin-1 terminal, ids and counts past what the store
can hold, names too long for the file system, a device given as a CSV file. Each is one line
naming the option and the value, exit 2, and the store byte-identical; a file name that is
not UTF-8 is still a file socket reads."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.robustness.input_helpers import import_refused, refused
from tests.runner import Socket

#: What Python makes of the byte 0xff on a command line that is not UTF-8 (surrogateescape).
LATIN1_FF = "\udcff"
#: "café" typed on a Latin-1 terminal: é is the byte 0xe9.
LATIN1_CAFE = "caf\udce9"
#: Past SQL's 64-bit INTEGER.
HUGE = "99999999999999999999"


@pytest.fixture
def practice(socket: Socket, empty_store: Path) -> Path:
    """ACME billed for Bookkeeping from October 2026, with a one-off Audit (work item 1)."""
    socket.ok("services", "add", "Bookkeeping", "--method", "monthly")
    socket.ok("services", "add", "Audit", "--method", "one_off")
    socket.ok("clients", "add", "ACME", "Acme Ltd")
    socket.ok(
        "proposals", "add", "P1", "--client", "ACME", "--line", "Bookkeeping=150",
        "--line", "Audit=500", "--start", "2026-10-01", "--accept",
    )  # fmt: skip
    return empty_store


NOT_UTF8 = [
    (("clients", "show", LATIN1_FF), "CLIENT '\\xff' is not UTF-8 text"),
    (("clients", "add", LATIN1_CAFE, "Cafe Ltd"), "REFERENCE 'caf\\xe9' is not UTF-8 text"),
    (("clients", "edit", "ACME", "--name", LATIN1_CAFE), "--name 'caf\\xe9' is not UTF-8 text"),
    (("--by", LATIN1_FF, "clients", "edit", "ACME", "--name", "B"), "--by '\\xff' is not UTF"),
    (("services", "add", LATIN1_CAFE, "--method", "monthly"), "NAME 'caf\\xe9' is not UTF-8"),
    (
        ("proposals", "add", "P2", "--client", "ACME", "--line", f"Bookkeeping=1|{LATIN1_CAFE}"),
        "--line 'Bookkeeping=1|caf\\xe9' is not UTF-8 text",
    ),
    (("settings", "set", "branding_theme", LATIN1_FF), "VALUE '\\xff' is not UTF-8 text"),
    (("history", "--kind", LATIN1_FF), "--kind '\\xff' is not UTF-8 text"),
    (("work", "list", "--client", LATIN1_FF), "--client '\\xff' is not UTF-8 text"),
]


@pytest.mark.parametrize(("args", "expected"), NOT_UTF8, ids=[" ".join(a) for a, _ in NOT_UTF8])
def test_a_value_that_is_not_utf8_is_refused_naming_it(
    socket: Socket, practice: Path, args: tuple[str, ...], expected: str
) -> None:
    message = refused(socket, practice, *args, code=2)

    assert expected in message
    assert "set the terminal to UTF-8" in message


def test_a_file_name_that_is_not_utf8_is_read_and_recorded(
    socket: Socket, practice: Path, tmp_path: Path
) -> None:
    # A file saved under a Latin-1 name: any bytes the file system takes are a good name.
    data = tmp_path / "clients.csv"
    data.write_text("reference,name\nBETA,Beta Ltd\n")
    latin1 = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.csv"))
    shutil.copy(data, latin1)

    socket.ok("import", str(latin1))

    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME", "BETA"]
    entry = socket.json("history", "--kind", "import")["entries"][0]
    assert entry["details"]["files"] == ["caf\\xe9.csv"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("work", "complete", HUGE, "--yes"), f"ID {HUGE} is out of range: give the ids"),
        (("work", "reopen", HUGE), f"ID {HUGE} is out of range: give the item's id"),
        (("history", "--limit", HUGE), f"--limit {HUGE} is out of range: give a count"),
        # threading's wait took it, and overflowed, once the browser was sent
        (
            ("xero", "connect", "--timeout", HUGE),
            f"--timeout {HUGE} is out of range: give a number of seconds, 1 to 86400 (a day)",
        ),
    ],
    ids=["work complete", "work reopen", "history --limit", "xero connect --timeout"],
)
def test_a_number_past_what_the_store_holds_is_out_of_range(
    socket: Socket, practice: Path, args: tuple[str, ...], expected: str
) -> None:
    assert expected in refused(socket, practice, *args, code=2)


def test_the_largest_id_the_store_holds_is_only_unknown(socket: Socket, practice: Path) -> None:
    message = refused(socket, practice, "work", "reopen", str(2**63 - 1), code=3)

    assert message == f"error: no work item {2**63 - 1}: see `socket work list`"


def test_a_time_zone_too_long_for_the_file_system_is_not_a_time_zone(
    socket: Socket, practice: Path
) -> None:
    for zone in ("Europe/" + "x" * 300, "Europe", "Europe/Nowhere"):  # too long; a folder
        message = refused(socket, practice, "settings", "set", "time_zone", zone, code=2)

        assert message == (
            f"error: setting time_zone: '{zone}' is not valid: expected a time zone name, "
            "e.g. Europe/London"
        )


def test_a_backup_name_too_long_for_the_file_system_is_refused(
    socket: Socket, practice: Path, tmp_path: Path
) -> None:
    target = tmp_path / ("x" * 300 + ".db")

    message = refused(socket, practice, "db", "backup", str(target), code=2)

    assert message == (
        f"error: cannot write the backup at {target}: File name too long: give a new file in "
        "a directory you can write to"
    )
    assert list(tmp_path.glob(".x*")) == []  # no partial copy left behind


def test_a_backup_where_no_file_can_be_made_is_refused(socket: Socket, practice: Path) -> None:
    target = Path("/proc/socket-backup.db")  # a directory of the kernel's: no new files

    message = refused(socket, practice, "db", "backup", str(target), code=2)

    assert message.startswith(f"error: cannot write the backup at {target}: ")
    assert message.endswith(": give a new file in a directory you can write to")


def test_sandbox_invoices_state_name_too_long_is_refused(
    socket: Socket, practice: Path, tmp_path: Path
) -> None:
    state = tmp_path / ("x" * 300 + ".json")

    message = refused(socket, practice, "sandbox", "invoices", "--state", str(state), code=2)

    assert message == f"error: --state {state}: File name too long"


def test_importing_a_device_is_refused_without_reading_it(socket: Socket, practice: Path) -> None:
    # /dev/zero never ends: reading it to its end took all the memory there was.
    problems = import_refused(socket, practice, Path("/dev/zero"))

    assert problems == ["/dev/zero: is a device, not a CSV file"]

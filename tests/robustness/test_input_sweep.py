"""A sweep of every command: each of its arguments and option values in turn replaced by a
hostile value (empty, blank, very long, an escape sequence, a right-to-left override, Rich
markup, a byte that is not UTF-8, negative, huge, NaN, 1e309, a date that does not exist, a
device), the others left valid. Whatever it is: never a traceback nor an exception (the
runner fails on either), an exit code of the documented table (docs/commands.md, "Exit
codes"), and, when the command refuses, the store byte-identical.

The commands are read from the command tree, so a new command or option is swept as soon as
it exists; a command needs a valid command line in BASE (the test says which is missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness.input_helpers import fingerprint
from tests.runner import COMMAND, Socket

#: A small practice: ACME billed monthly with a one-off Audit (work item 1), BETA closing.
PRACTICE = [
    ("init",),
    ("services", "add", "Bookkeeping", "--method", "monthly"),
    ("services", "add", "Audit", "--method", "one_off"),
    ("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03"),
    ("clients", "add", "BETA", "Beta Ltd"),
    (
        "proposals", "add", "P1", "--client", "ACME", "--line", "Bookkeeping=150",
        "--line", "Audit=500", "--start", "2026-10-01", "--accept",
    ),
    ("proposals", "add", "P2", "--client", "BETA", "--line", "Bookkeeping=90"),
    ("clients", "close", "BETA", "--last-month", "2026-12"),
]  # fmt: skip

#: A valid command line of every command (what is swept is each value in it). Posting and
#: waiting commands are given lines that stop before they reach Xero or a browser.
BASE: dict[tuple[str, ...], list[str]] = {
    ("init",): ["init"],
    ("import",): ["import", "clients.csv"],
    ("playground",): ["playground"],
    ("sync",): ["sync", "--cron-line", "--at", "02:00"],
    ("history",): [
        "history", "--month", "2026-11", "--client", "ACME", "--kind", "approval",
        "--since", "2026-01-01", "--limit", "5",
    ],
    ("settings", "show"): ["settings", "show"],
    ("settings", "set"): ["settings", "set", "invoice_day", "5"],
    ("clients", "list"): ["clients", "list"],
    ("clients", "show"): ["clients", "show", "ACME"],
    ("clients", "add"): [
        "clients", "add", "NEW", "New Ltd", "--email", "a@b.co", "--year-end", "31-03",
        "--payment-terms", "days:7", "--invoice-day", "5", "--consolidate", "yes",
        "--branding-theme", "Standard", "--tracking", "Region:North",
    ],
    ("clients", "edit"): [
        "clients", "edit", "ACME", "--name", "Acme Two", "--email", "a@b.co", "--year-end",
        "31-03", "--payment-terms", "days:7", "--invoice-day", "5", "--consolidate", "yes",
        "--branding-theme", "Standard", "--tracking", "Region:North",
    ],
    ("clients", "close"): ["clients", "close", "ACME", "--last-month", "2026-12"],
    ("clients", "reopen"): ["clients", "reopen", "BETA"],
    ("contacts", "list"): ["contacts", "list"],
    ("contacts", "link"): ["contacts", "link", "ACME", "Acme Ltd"],
    ("contacts", "unlink"): ["contacts", "unlink", "ACME"],
    ("contacts", "new"): ["contacts", "new", "ACME"],
    ("contacts", "duplicates"): ["contacts", "duplicates", "--threshold", "90"],
    ("contacts", "match"): ["contacts", "match", "--auto", "--dry-run", "--threshold", "90"],
    ("services", "list"): ["services", "list"],
    ("services", "add"): [
        "services", "add", "Payroll", "--method", "monthly", "--account-code", "200",
        "--tracking", "Region:North",
    ],
    ("services", "edit"): [
        "services", "edit", "Bookkeeping", "--method", "monthly", "--account-code", "200",
        "--tracking", "Region:North",
    ],
    ("proposals", "list"): ["proposals", "list", "--client", "ACME"],
    ("proposals", "show"): ["proposals", "show", "P1"],
    ("proposals", "add"): [
        "proposals", "add", "P3", "--client", "ACME", "--line", "Bookkeeping=100",
        "--start", "2026-12-01", "--title", "More",
    ],
    ("proposals", "accept"): ["proposals", "accept", "P2", "--start", "2026-12-01"],
    ("proposals", "cancel"): ["proposals", "cancel", "P1", "--from", "2027-01"],
    ("proposals", "change"): [
        "proposals", "change", "P1", "--from", "2027-01", "--set", "Bookkeeping=200",
        "--remove", "Audit",
    ],
    ("plan", "show"): ["plan", "show", "--month", "2026-12"],
    ("plan", "diff"): ["plan", "diff", "--month", "2026-12", "--change", "new"],
    ("plan", "preview"): ["plan", "preview", "ACME", "--month", "2026-12"],
    ("plan", "approve"): ["plan", "approve", "--month", "2027-01", "--yes", "--no-post", "--by", "A"],
    ("plan", "unapprove"): ["plan", "unapprove", "--month", "2026-12", "--yes", "--by", "A"],
    ("plan", "post"): ["plan", "post", "--month", "2026-12"],
    ("plan", "status"): ["plan", "status", "--month", "2026-12"],
    ("plan", "months"): ["plan", "months"],
    ("plan", "reconcile"): ["plan", "reconcile", "--month", "2026-12"],
    ("work", "list"): ["work", "list", "--status", "open", "--client", "ACME"],
    ("work", "complete"): ["work", "complete", "999", "--yes"],
    ("work", "reopen"): ["work", "reopen", "1"],
    ("sandbox", "invoices"): ["sandbox", "invoices", "--state", "sandbox.json"],
    ("xero", "status"): ["xero", "status"],
    ("xero", "disconnect"): ["xero", "disconnect"],
    ("xero", "accounts"): ["xero", "accounts"],
    ("xero", "themes"): ["xero", "themes"],
    ("db", "upgrade"): ["db", "upgrade"],
    ("db", "info"): ["db", "info"],
    ("db", "backup"): ["db", "backup", "backup.db"],
}  # fmt: skip

#: Not swept here: they serve or wait for a browser until stopped (their values are tested
#: in tests/robustness/test_input_hostile_args.py, test_files_sandbox.py and tests/xero/).
NOT_SWEPT = {("sandbox", "serve"), ("xero", "connect")}

HOSTILE = [
    "",
    "   ",
    "x" * 20_000,
    "\x1b[31mred",
    "\u202eevil",
    "[/]",
    "\udcff",  # the byte 0xff of a command line that is not UTF-8
    "-1",
    "99999999999999999999",
    "NaN",
    "1e309",
    "2026-02-30",
    "/dev/zero",
]

#: docs/commands.md, "Exit codes".
DOCUMENTED = set(range(11))


def leaves(group: object = COMMAND, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if getattr(command, "commands", None):
            yield from leaves(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = [path for path in leaves() if path not in NOT_SWEPT]


def test_every_command_has_a_command_line_to_sweep() -> None:
    assert sorted(BASE) == COMMANDS


def values_of(path: tuple[str, ...], base: list[str]) -> list[int]:
    """The positions in `base` of its values: arguments and the values of options."""
    command = COMMAND
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    flags = {
        opt
        for param in command.params
        if getattr(param, "is_flag", False)
        for opt in (*param.opts, *param.secondary_opts)
    }
    positions, index = [], len(path)
    while index < len(base):
        word = base[index]
        if word in flags:
            index += 1
        elif word.startswith("--"):
            positions.append(index + 1)
            index += 2
        else:
            positions.append(index)
            index += 1
    return positions


@pytest.fixture
def practice(store_made_by: object, data_dir: Path, tmp_path: Path, monkeypatch: object) -> Path:
    store_made_by("sweep", PRACTICE)  # type: ignore[operator]
    (tmp_path / "clients.csv").write_text("reference,name\nGAMMA,Gamma Ltd\n")
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    return data_dir / "socket.db"


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_a_hostile_value_anywhere_is_refused_cleanly(
    socket: Socket, practice: Path, tmp_path: Path, path: tuple[str, ...]
) -> None:
    base = BASE[path]
    saved = tmp_path / "saved"
    saved.mkdir()
    for part in practice.parent.glob(practice.name + "*"):
        shutil.copy(part, saved / part.name)
    before = fingerprint(practice)
    seen = []
    for position in values_of(path, base):
        for value in HOSTILE:
            args = [*base[:position], value, *base[position + 1 :]]
            result = socket(*args)  # fails the test on a traceback or an exception
            shown = f"socket {' '.join(args)[:120]!r}"
            assert result.exit_code in DOCUMENTED, f"{shown} exited {result.exit_code}"
            if result.exit_code == 0:  # it did what it was asked: back to the practice
                for part in practice.parent.glob(practice.name + "*"):
                    part.unlink()
                for part in saved.iterdir():
                    shutil.copy(part, practice.parent / part.name)
            assert fingerprint(practice) == before, f"{shown} changed the store"
            seen.append(result.exit_code)
    assert seen or not values_of(path, base)

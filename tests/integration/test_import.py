"""`socket import`: CSV files of clients, services and proposals into a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from socketcli.adapters.clock import FixedClock
from socketcli.domain.model import ChangeType
from socketcli.domain.months import Month
from socketcli.services.importer import ImportFailed, Problem
from socketcli.services.plan import approve_plan, diff_plan, preview_invoice, show_plan
from tests.practices import PROPOSAL_COLUMNS
from tests.practices import proposal_row as line

if TYPE_CHECKING:
    from tests.integration.conftest import Store

CsvFile = Callable[..., Path]
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # the store fixture's clock
LATER = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def stored_moment(value: object) -> datetime:
    """A moment as the store gives it back: SQLite's text in UTC, PostgreSQL's aware value."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
EXAMPLE_FILES = [EXAMPLES / "clients.csv", EXAMPLES / "services.csv", EXAMPLES / "proposals.csv"]


def plan_of(store: Store, month: Month) -> dict[str, tuple[Decimal, int]]:
    """Each client's amount and line count in the month's plan."""
    report = show_plan(store.read, FixedClock(NOW), month)
    return {row.reference: (row.amount, row.line_count) for row in report.rows}


def where(failure: pytest.ExceptionInfo[ImportFailed]) -> list[tuple[str, int, str]]:
    """Each problem's file name, row and column."""
    return [(Path(p.file).name, p.row, p.column) for p in failure.value.problems]


@pytest.fixture
def examples_imported(store: Store) -> Store:
    store.import_files(*EXAMPLE_FILES)
    return store


# -- the documented example ---------------------------------------------------------------


def test_the_example_files_import_every_client_service_and_proposal(store: Store) -> None:
    report = store.import_files(*EXAMPLE_FILES)

    assert report.summary() == (
        "clients 5 created, 0 updated, 0 unchanged; "
        "services 6 created, 0 updated, 0 unchanged; "
        "proposals 6 created, 0 updated, 0 unchanged"
    )
    assert store.rows("SELECT reference, name, year_end, payment_terms FROM clients") == [
        ("ACME", "Acme Trading Ltd", "03-31", "days:14"),
        ("BRIGHT", "Bright Dental Pty", "06-30", "following:20"),
        ("CITY", "City Limousines Ltd", "12-31", None),
        ("DUNE", "Dune Surf Co", "03-31", None),
        ("HOLLOW", "Hollow Farm", "03-31", "eom:10"),
    ]
    assert store.rows("SELECT reference, status FROM proposals ORDER BY reference") == [
        ("P-ACME-1", "accepted"),
        ("P-ACME-2", "draft"),
        ("P-BRIGHT-1", "accepted"),
        ("P-CITY-1", "accepted"),
        ("P-DUNE-1", "accepted"),
        ("P-HOLLOW-1", "accepted"),
    ]


def test_the_examples_give_the_december_plan_the_docs_show(examples_imported: Store) -> None:
    assert plan_of(examples_imported, Month(2026, 12)) == {
        "ACME": (Decimal("280.00"), 2),
        "BRIGHT": (Decimal("675.00"), 3),
        "CITY": (Decimal("200.00"), 1),
        "DUNE": (Decimal("50.00"), 1),
    }


def test_the_examples_show_every_change_type_in_the_december_diff(
    examples_imported: Store,
) -> None:
    report = diff_plan(examples_imported.read, FixedClock(NOW), Month(2026, 12))

    changes = {row.reference: (row.change, row.previous_amount, row.amount) for row in report.rows}
    assert changes == {
        "ACME": (ChangeType.EXPANDED, Decimal("250.00"), Decimal("280.00")),
        "BRIGHT": (ChangeType.NEW, Decimal("0.00"), Decimal("675.00")),
        "CITY": (ChangeType.CONTRACTED, Decimal("580.00"), Decimal("200.00")),
        "DUNE": (ChangeType.UNCHANGED, Decimal("50.00"), Decimal("50.00")),
        "HOLLOW": (ChangeType.CEASED, Decimal("90.00"), Decimal("0.00")),
    }
    assert (report.previous_amount, report.amount) == (Decimal("970.00"), Decimal("1205.00"))


def test_the_draft_proposal_is_not_billed_and_its_lines_wait_for_acceptance(
    examples_imported: Store,
) -> None:
    assert examples_imported.rows(
        "SELECT l.start_month, l.anchor_month, l.charges_alignment FROM proposal_lines l "
        "JOIN proposals p ON p.id = l.proposal_id WHERE p.reference = 'P-ACME-2'"
    ) == [(None, None, 0)]


def test_on_completion_and_one_off_lines_in_force_get_work_items(
    examples_imported: Store,
) -> None:
    assert examples_imported.rows(
        "SELECT c.reference, w.description, w.amount_minor, w.status FROM work_items w "
        "JOIN clients c ON c.id = w.client_id ORDER BY c.reference"
    ) == [("CITY", "New subsidiary", 35000, "open"), ("HOLLOW", "Self assessment", 40000, "open")]


def test_the_docs_show_the_example_files_as_shipped() -> None:
    docs = (EXAMPLES.parents[1] / "docs" / "import.md").read_text()
    for path in EXAMPLE_FILES:
        assert path.read_text().strip() in docs, f"docs/import.md does not show {path.name}"


# -- effective-dated history and alignment ------------------------------------------------


def test_history_rows_bill_the_old_price_until_to_month_and_the_new_one_after(
    examples_imported: Store,
) -> None:
    months = (Month(2024, 2), Month(2026, 11), Month(2026, 12))

    acme = {month: plan_of(examples_imported, month)["ACME"] for month in months}

    assert acme == {
        Month(2024, 2): (Decimal("250.00"), 2),  # bookkeeping 150 + annual accounts 100
        Month(2026, 11): (Decimal("250.00"), 2),
        Month(2026, 12): (Decimal("280.00"), 2),  # bookkeeping 180 from December
    }


def test_a_price_change_keeps_the_quarterly_cycle_of_the_line_it_continues(
    examples_imported: Store,
) -> None:
    # CITY's VAT returns bill every three months from February 2025: 300, then 330 from
    # August 2026. The 330 row is anchored on February 2025, not on August 2026.
    months = (Month(2026, 5), Month(2026, 7), Month(2026, 8), Month(2026, 9))

    city = {month: plan_of(examples_imported, month)["CITY"][0] for month in months}

    assert city == {
        Month(2026, 5): Decimal("550.00"),
        Month(2026, 7): Decimal("250.00"),
        Month(2026, 8): Decimal("580.00"),
        Month(2026, 9): Decimal("250.00"),
    }
    assert examples_imported.rows(
        "SELECT unit_price, start_month, end_month, anchor_month FROM proposal_lines "
        "WHERE description = 'VAT returns' AND unit_price IN ('300.00', '330.00') "
        "ORDER BY start_month"
    ) == [("300.00", "2025-02", "2026-07", "2025-02"), ("330.00", "2026-08", None, "2025-02")]


def test_a_client_starting_mid_year_owes_the_alignment_fee_on_its_first_invoice(
    examples_imported: Store,
) -> None:
    preview = preview_invoice(examples_imported.read, FixedClock(NOW), "BRIGHT", Month(2026, 12))

    (invoice,) = preview.invoices
    assert [(line.description, line.line_amount) for line in invoice.lines] == [
        ("Annual accounts – Dec 2026", Decimal("100.00")),
        ("Payroll for 3 staff – Dec 2026", Decimal("75.00")),
        ("Alignment fee: Annual accounts – Jul 2026 to Nov 2026 (5 months)", Decimal("500.00")),
    ]
    assert plan_of(examples_imported, Month(2027, 1))["BRIGHT"] == (Decimal("175.00"), 2)


def test_only_the_first_row_of_a_service_charges_the_alignment_fee(
    store: Store, csv_file: CsvFile
) -> None:
    store.import_files(
        csv_file("clients.csv", ["reference", "name", "year_end"], ["ACME", "Acme", "31-03"]),
        csv_file(
            "services.csv",
            ["name", "billing_method", "alignment_fee"],
            ["Annual accounts", "monthly", "true"],
        ),
        csv_file(
            "proposals.csv",
            PROPOSAL_COLUMNS,
            line("P1", "ACME", "accepted", "2026-10-01", service="Annual accounts", price="100",
                 to_month="2026-11"),
            line("P1", "ACME", "accepted", "2026-10-01", service="Annual accounts", price="120",
                 from_month="2026-12"),
        ),
    )  # fmt: skip

    assert plan_of(store, Month(2026, 10))["ACME"] == (Decimal("700.00"), 2)  # 100 + 6 months
    assert plan_of(store, Month(2026, 12))["ACME"] == (Decimal("120.00"), 1)  # no second fee


# -- importing again ----------------------------------------------------------------------


def test_importing_the_same_files_twice_changes_nothing(examples_imported: Store) -> None:
    before = examples_imported.dump()

    report = examples_imported.import_files(*EXAMPLE_FILES, at=LATER)

    assert report.summary() == (
        "clients 0 created, 0 updated, 5 unchanged; "
        "services 0 created, 0 updated, 6 unchanged; "
        "proposals 0 created, 0 updated, 6 unchanged"
    )
    assert examples_imported.dump() == before


def test_a_changed_client_and_service_are_updated_and_nothing_else_is_rewritten(
    examples_imported: Store, tmp_path: Path
) -> None:
    clients = (EXAMPLES / "clients.csv").read_text()
    services = (EXAMPLES / "services.csv").read_text()
    (tmp_path / "clients.csv").write_text(clients.replace("accounts@acme", "billing@acme"))
    (tmp_path / "services.csv").write_text(services.replace("one_off,260", "one_off,270"))
    before = examples_imported.dump()

    report = examples_imported.import_files(
        tmp_path / "clients.csv", tmp_path / "services.csv", at=LATER
    )

    assert str(report.clients) == "0 created, 1 updated, 4 unchanged"
    assert str(report.services) == "0 created, 1 updated, 5 unchanged"
    after = examples_imported.dump()
    rewritten = {
        table: sum(1 for row in rows if row not in before[table]) for table, rows in after.items()
    }
    assert {table: count for table, count in rewritten.items() if count} == {
        "clients": 1,
        "services": 1,
        "history": 1,  # the import's entry: its files and counts
    }
    assert examples_imported.rows(
        "SELECT email, updated_at > created_at FROM clients WHERE reference = 'ACME'"
    ) == [("billing@acme.example", 1)]


def test_columns_a_file_leaves_out_keep_what_the_store_holds(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    report = examples_imported.import_files(
        csv_file("names.csv", ["Reference", "Name"], ["BRIGHT", "Bright Dental"])
    )

    assert str(report.clients) == "0 created, 1 updated, 0 unchanged"
    assert examples_imported.rows(
        "SELECT name, email, invoice_day, tracking FROM clients WHERE reference = 'BRIGHT'"
    ) == [("Bright Dental", "practice@brightdental.example", 15, "Region:South")]


def test_a_draft_whose_lines_changed_is_replaced(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    report = examples_imported.import_files(
        csv_file(
            "draft.csv",
            PROPOSAL_COLUMNS,
            line("P-ACME-2", "ACME", "draft", "2027-01-01", title="Payroll", service="Payroll",
                 quantity="4", price="30"),
        )
    )  # fmt: skip

    assert str(report.proposals) == "0 created, 1 updated, 0 unchanged"
    assert examples_imported.rows(
        "SELECT p.title, l.description, l.quantity, l.unit_price FROM proposal_lines l "
        "JOIN proposals p ON p.id = l.proposal_id WHERE p.reference = 'P-ACME-2'"
    ) == [("Payroll", "Payroll", "4", "30.00")]


def test_a_draft_accepted_by_a_later_import_starts_billing_in_its_start_month(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    examples_imported.import_files(
        csv_file(
            "accepted.csv",
            PROPOSAL_COLUMNS,
            line("P-ACME-2", "ACME", "accepted", "2027-01-01", title="Payroll from January",
                 service="Payroll", description="Payroll for 2 staff", quantity="2",
                 price="30.00"),
        ),
        at=LATER,
    )  # fmt: skip

    ((status, accepted_at),) = examples_imported.rows(
        "SELECT status, accepted_at FROM proposals WHERE reference = 'P-ACME-2'"
    )
    assert status == "accepted"
    assert stored_moment(accepted_at) == LATER
    assert plan_of(examples_imported, Month(2027, 1))["ACME"] == (Decimal("580.00"), 4)


def test_an_accepted_proposal_is_cancelled_by_an_import_that_ends_its_lines(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    examples_imported.import_files(
        csv_file(
            "cancelled.csv",
            PROPOSAL_COLUMNS,
            line("P-DUNE-1", "DUNE", "cancelled", "2025-06-01", service="Payroll",
                 description="Payroll for 2 staff", quantity="2", price="25.00",
                 to_month="2026-11"),
        )
    )  # fmt: skip

    assert examples_imported.rows(
        "SELECT status, cancelled_at IS NOT NULL FROM proposals WHERE reference = 'P-DUNE-1'"
    ) == [("cancelled", 1)]
    assert plan_of(examples_imported, Month(2026, 11))["DUNE"] == (Decimal("50.00"), 1)
    assert "DUNE" not in plan_of(examples_imported, Month(2026, 12))


def test_a_cancelled_proposal_bills_only_the_months_its_lines_name(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    examples_imported.import_files(
        csv_file(
            "cancelled.csv",
            PROPOSAL_COLUMNS,
            line("P-OLD", "DUNE", "cancelled", "2026-03-01", service="Bookkeeping", price="80",
                 to_month="2026-05"),
            line("P-OLD", "DUNE", "cancelled", "2026-03-01", service="Company formation",
                 price="300"),
        )
    )  # fmt: skip

    billed = {month: plan_of(examples_imported, month)["DUNE"][0] for month in (
        Month(2026, 2), Month(2026, 3), Month(2026, 5), Month(2026, 6)
    )}  # fmt: skip
    assert billed == {
        Month(2026, 2): Decimal("50.00"),
        Month(2026, 3): Decimal("130.00"),
        Month(2026, 5): Decimal("130.00"),
        Month(2026, 6): Decimal("50.00"),
    }
    assert examples_imported.rows(
        "SELECT count(*) FROM work_items WHERE description = 'Company formation'"
    ) == [(0,)]  # never billed: no work


def test_work_that_ended_before_this_month_is_history_and_gets_no_work_item(
    store: Store, csv_file: CsvFile
) -> None:
    store.import_files(
        csv_file("c.csv", ["reference", "name"], ["ACME", "Acme"]),
        csv_file("s.csv", ["name", "billing_method"], ["Tax return", "annual_on_completion"]),
        csv_file(
            "p.csv",
            PROPOSAL_COLUMNS,
            line("P1", "ACME", "accepted", "2024-01-01", service="Tax return", price="400",
                 to_month="2025-12"),
            line("P1", "ACME", "accepted", "2024-01-01", service="Tax return", price="450",
                 from_month="2026-01"),
        ),
    )  # fmt: skip

    assert store.rows("SELECT amount_minor, due_month, status FROM work_items") == [
        (45000, "2026-01", "open")
    ]


def test_a_later_change_opens_no_work_item_for_imported_history(
    store: Store, csv_file: CsvFile
) -> None:
    from socketcli.adapters.clock import FixedClock
    from socketcli.domain.months import Month as M
    from socketcli.services.proposals import LineSpec, change_proposal

    store.import_files(
        csv_file("c.csv", ["reference", "name"], ["ACME", "Acme"]),
        csv_file("s.csv", ["name", "billing_method"], ["Tax return", "annual_on_completion"],
                 ["Bookkeeping", "monthly"]),
        csv_file(
            "p.csv",
            PROPOSAL_COLUMNS,
            line("P1", "ACME", "accepted", "2024-01-01", service="Tax return", price="400",
                 to_month="2025-12"),
            line("P1", "ACME", "accepted", "2024-01-01", service="Bookkeeping", price="100"),
        ),
    )  # fmt: skip
    change_proposal(
        store.opener(),
        "P1",
        M(2027, 2),
        FixedClock(NOW),
        set_lines=[LineSpec.parse("Bookkeeping=110")],
    )

    assert store.rows("SELECT count(*) FROM work_items") == [(0,)]


def test_an_accepted_proposal_cannot_go_back_to_draft(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    before = examples_imported.dump()
    draft = line("P-DUNE-1", "DUNE", "draft", "2025-06-01", service="Payroll", price="25")

    with pytest.raises(ImportFailed) as failure:
        examples_imported.import_files(csv_file("draft.csv", PROPOSAL_COLUMNS, draft))

    assert where(failure) == [("draft.csv", 2, "status")]
    assert "is accepted in the store: it cannot go back to draft" in str(failure.value.problems[0])
    assert examples_imported.dump() == before


# -- finalised months ---------------------------------------------------------------------


@pytest.fixture
def november_finalised(examples_imported: Store) -> Store:
    approve_plan(examples_imported.opener(), FixedClock(NOW), Month(2026, 11), "partner")
    return examples_imported


def dune_price_change(effective: str, last_old: str) -> list[list[str]]:
    """DUNE's payroll going from 2 x 25.00 to 2 x 27.00 in `effective`."""
    old = line(
        "P-DUNE-1",
        "DUNE",
        "accepted",
        "2025-06-01",
        service="Payroll",
        description="Payroll for 2 staff",
        quantity="2",
        price="25.00",
        to_month=last_old,
    )
    new = line("P-DUNE-1", "DUNE", "accepted", "2025-06-01", service="Payroll",
               description="Payroll for 2 staff", quantity="2", price="27.00",
               from_month=effective)  # fmt: skip
    return [old, new]


def test_a_change_to_a_finalised_month_is_refused_and_says_to_use_proposals_change(
    november_finalised: Store, csv_file: CsvFile
) -> None:
    before = november_finalised.dump()
    rows = dune_price_change("2026-10", last_old="2026-09")

    with pytest.raises(ImportFailed) as failure:
        november_finalised.import_files(csv_file("dune.csv", PROPOSAL_COLUMNS, *rows))

    assert where(failure) == [("dune.csv", 3, "proposal_reference")]
    reason = failure.value.problems[0].reason
    assert "would bill differently in 2026-10, which is already finalised" in reason
    assert "months already finalised keep what they were billed" in reason
    assert "socket proposals change" in reason
    assert november_finalised.dump() == before


def test_a_change_after_the_finalised_months_keeps_the_billed_line_and_adds_the_new_price(
    november_finalised: Store, csv_file: CsvFile
) -> None:
    [(billed_line,)] = november_finalised.rows(
        "SELECT l.id FROM proposal_lines l JOIN proposals p ON p.id = l.proposal_id "
        "WHERE p.reference = 'P-DUNE-1'"
    )
    rows = dune_price_change("2026-12", last_old="2026-11")

    report = november_finalised.import_files(csv_file("dune.csv", PROPOSAL_COLUMNS, *rows))

    assert str(report.proposals) == "0 created, 1 updated, 0 unchanged"
    lines = november_finalised.rows(
        "SELECT l.id, l.unit_price, l.start_month, l.end_month, l.anchor_month "
        "FROM proposal_lines l JOIN proposals p ON p.id = l.proposal_id "
        "WHERE p.reference = 'P-DUNE-1' ORDER BY l.position"
    )
    assert [values[1:] for values in lines] == [
        ("25.00", "2025-06", "2026-11", "2025-06"),
        ("27.00", "2026-12", None, "2025-06"),
    ]
    assert lines[0][0] == billed_line  # the row the finalised months billed, ended, not replaced
    assert plan_of(november_finalised, Month(2026, 12))["DUNE"] == (Decimal("54.00"), 1)


# -- bad input writes nothing -------------------------------------------------------------


def test_a_malformed_import_reports_every_problem_by_file_row_and_column_and_writes_nothing(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    before = examples_imported.dump()
    clients = csv_file(
        "clients.csv",
        ["reference", "name", "last_billable_month"],
        ["NEWCO", "New Co Ltd", ""],
        ["NEWCO", "New Co Limited", ""],
        ["OTHER", "Other Ltd", "2026-13"],
    )
    services = csv_file("services.csv", ["name", "account_code"], ["Audit", "400"])
    proposals = csv_file(
        "proposals.csv",
        PROPOSAL_COLUMNS,
        line("P-NEW-1", "NEWCO", "accepted", "2026-12-01", service="Bookkeeping", price="12O.00"),
        line("P-NEW-2", "NOBODY", "accepted", "2026-12-01", service="Bookkeeping", price="100"),
        line("P-NEW-3", "NEWCO", "accepted", "2026-12-01", service="Bookkeeping", price="100",
             from_month="2026-1"),
    )  # fmt: skip

    with pytest.raises(ImportFailed) as failure:
        examples_imported.import_files(clients, services, proposals)

    assert where(failure) == [
        ("clients.csv", 3, "reference"),
        ("clients.csv", 4, "last_billable_month"),
        ("services.csv", 1, "billing_method"),
        ("proposals.csv", 2, "unit_price"),
        ("proposals.csv", 3, "client_reference"),
        ("proposals.csv", 4, "from_month"),
    ]
    assert [problem.reason for problem in failure.value.problems] == [
        f"client 'NEWCO' is already on row 2 of {clients}: each client is imported once",
        "month '2026-13' is not a month: expected YYYY-MM, e.g. 2026-01",
        "missing column 'billing_method': a services file needs name, billing_method",
        "unit price '12O.00' is not an amount: expected digits with an optional decimal point, "
        "e.g. 1,200.5",
        "client 'NOBODY' is neither in the store nor in this import",
        "month '2026-1' is not a month: expected YYYY-MM, e.g. 2026-01",
    ]
    assert examples_imported.dump() == before


def test_a_service_named_twice_is_a_problem_on_the_second_row(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    before = examples_imported.dump()
    services = csv_file(
        "services.csv",
        ["name", "billing_method"],
        ["Audit", "monthly"],
        ["AUDIT", "monthly"],
    )

    with pytest.raises(ImportFailed) as failure:
        examples_imported.import_files(services)

    assert where(failure) == [("services.csv", 3, "name")]
    assert [problem.reason for problem in failure.value.problems] == [
        f"service 'AUDIT' is already on row 2 of {services}: each service is imported once"
    ]
    assert examples_imported.dump() == before


def test_a_problem_reads_as_file_row_column_and_reason() -> None:
    problem = Problem("proposals.csv", 4, "from_month", "month '2026-1' is not a month")

    assert str(problem) == "proposals.csv, row 4, column from_month: month '2026-1' is not a month"


def test_an_unknown_service_and_an_unknown_column_are_problems(
    store: Store, csv_file: CsvFile
) -> None:
    clients = csv_file("c.csv", ["reference", "name", "phone"], ["ACME", "Acme", "01234"])
    proposals = csv_file(
        "p.csv",
        PROPOSAL_COLUMNS,
        line("P1", "ACME", "draft", service="Bookkeping", price="100"),
    )

    with pytest.raises(ImportFailed) as failure:
        store.import_files(clients, proposals)

    assert where(failure) == [("c.csv", 1, "phone"), ("p.csv", 2, "service")]
    assert failure.value.problems[1].reason.startswith(
        "service 'Bookkeping' is neither in the store nor in this import"
    )
    assert store.rows("SELECT count(*) FROM clients") == [(0,)]


def test_rows_of_one_proposal_must_agree_and_the_later_row_is_the_problem(
    examples_imported: Store, csv_file: CsvFile
) -> None:
    rows = [
        line("P-NEW", "ACME", "accepted", "2026-12-01", service="Bookkeeping", price="100"),
        line("P-NEW", "ACME", "accepted", "2026-12-02", service="Payroll", price="50"),
    ]

    with pytest.raises(ImportFailed) as failure:
        examples_imported.import_files(csv_file("p.csv", PROPOSAL_COLUMNS, *rows))

    assert where(failure) == [("p.csv", 3, "start_date")]


def test_accepted_lines_need_a_start_date_and_months_in_order(
    store: Store, csv_file: CsvFile
) -> None:
    files = [
        csv_file("c.csv", ["reference", "name"], ["ACME", "Acme"]),
        csv_file("s.csv", ["name", "billing_method"], ["Bookkeeping", "monthly"]),
        csv_file(
            "p.csv",
            PROPOSAL_COLUMNS,
            line("P1", "ACME", "accepted", service="Bookkeeping", price="100"),
            line("P2", "ACME", "accepted", "2026-03-01", service="Bookkeeping", price="100",
                 from_month="2026-02"),
            line("P3", "ACME", "accepted", "2026-03-01", service="Bookkeeping", price="100",
                 to_month="2026-02"),
            line("P4", "ACME", "draft", service="Bookkeeping", price="100", from_month="2026-04"),
            line("P5", "ACME", "pending", service="Bookkeeping", price="100", quantity="0"),
        ),
    ]  # fmt: skip

    with pytest.raises(ImportFailed) as failure:
        store.import_files(*files)

    assert where(failure) == [
        ("p.csv", 2, "start_date"),
        ("p.csv", 3, "from_month"),
        ("p.csv", 4, "to_month"),
        ("p.csv", 5, "from_month"),
        ("p.csv", 6, "status"),
        ("p.csv", 6, "quantity"),
    ]


def test_an_alignment_fee_is_only_for_a_service_billed_monthly(
    store: Store, csv_file: CsvFile
) -> None:
    services = csv_file(
        "s.csv", ["name", "billing_method", "alignment_fee"], ["VAT", "quarterly_in_advance", "yes"]
    )

    with pytest.raises(ImportFailed) as failure:
        store.import_files(services)

    assert where(failure) == [("s.csv", 2, "alignment_fee")]


def test_a_file_that_is_not_one_of_the_three_kinds_or_cannot_be_read_is_a_problem(
    store: Store, csv_file: CsvFile, tmp_path: Path
) -> None:
    with pytest.raises(ImportFailed) as failure:
        store.import_files(
            csv_file("notes.csv", ["when", "what"], ["today", "lunch"]), tmp_path / "missing.csv"
        )

    assert where(failure) == [("notes.csv", 1, ""), ("missing.csv", 0, "")]
    assert str(failure.value.problems[1]).startswith(f"{tmp_path / 'missing.csv'}: cannot be read")


def test_headers_are_found_whatever_their_case_spaces_or_byte_order_mark(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes("\ufeff Reference , NAME ,Year End\r\nACME,Acme Ltd,31-03\r\n".encode())

    report = store.import_files(path)

    assert str(report.clients) == "1 created, 0 updated, 0 unchanged"
    assert store.rows("SELECT reference, name, year_end FROM clients") == [
        ("ACME", "Acme Ltd", "03-31")
    ]


def test_a_dry_run_reports_what_would_change_and_writes_nothing(store: Store) -> None:
    before = store.dump()

    report = store.import_files(*EXAMPLE_FILES, dry_run=True)

    assert report.summary().startswith("clients 5 created, 0 updated, 0 unchanged")
    assert report.dry_run
    assert store.dump() == before


# -- volume -------------------------------------------------------------------------------


def test_a_generated_practice_imports_in_bulk_and_again_without_change(
    store: Store, practice: Callable[..., list[Path]], tmp_path: Path
) -> None:
    files = practice(tmp_path / "practice", clients=120)

    first = store.import_files(*files)
    before = store.dump()
    second = store.import_files(*files, at=LATER)

    assert first.summary() == (
        "clients 120 created, 0 updated, 0 unchanged; "
        "services 5 created, 0 updated, 0 unchanged; "
        "proposals 120 created, 0 updated, 0 unchanged"
    )
    assert str(second.proposals) == "0 created, 0 updated, 120 unchanged"
    assert store.dump() == before
    assert store.rows("SELECT count(*) FROM proposal_lines") == [(900,)]
    assert store.rows("SELECT count(*) FROM work_items") == [(120,)]  # tax returns in force


def test_an_import_naming_many_reads_whole_tables_and_stores_the_same(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past sql.WHOLE_TABLE_FROM keys the repositories read whole tables (clients, proposals,
    work lines and items) instead of 500 keys at a time: here from the first key."""
    from socketcli.adapters.store import sql
    from tests.practices import generate

    generate(tmp_path / "practice", clients=40, today=NOW.date())
    files = [
        tmp_path / "practice" / name for name in ("clients.csv", "services.csv", "proposals.csv")
    ]
    tables = ("clients", "proposals", "proposal_lines", "work_items")
    store.import_files(*files)
    chunked = {table: store.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables}
    assert all(chunked.values())
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # ids from 1 again, as on SQLite
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        for table in reversed(tables):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    monkeypatch.setattr(sql, "WHOLE_TABLE_FROM", 0)
    store.import_files(*files)
    whole = {table: store.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables}
    assert [len(rows) for rows in whole.values()] == [len(rows) for rows in chunked.values()]
    assert {t: [row[1:] for row in rows] for t, rows in whole.items()} == {
        t: [row[1:] for row in rows] for t, rows in chunked.items()
    }
    report = store.import_files(*files)  # again: the stored clients and proposals are read
    assert report.summary() == (
        "clients 0 created, 0 updated, 40 unchanged; services 0 created, 0 updated, "
        "15 unchanged; proposals 0 created, 0 updated, 40 unchanged"
    )


def test_a_large_first_import_builds_the_indexes_after_its_rows_and_stores_the_same(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past sql.REBUILD_INDEXES_FROM new rows into a smaller table, SQLite drops the indexes
    of clients, proposals and proposal_lines while the import inserts them and makes them
    again after (here from the first row): the same rows, and the same indexes after."""
    from socketcli.adapters.store import sql
    from tests.practices import generate

    generate(tmp_path / "practice", clients=40, today=NOW.date())
    files = [
        tmp_path / "practice" / name for name in ("clients.csv", "services.csv", "proposals.csv")
    ]
    tables = ("clients", "proposals", "proposal_lines", "work_items")
    indexes = (
        "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
        "AND sql IS NOT NULL ORDER BY name"
    )
    sqlite = store.engine.dialect.name == "sqlite"
    before = store.rows(indexes) if sqlite else []
    store.import_files(*files)
    one_by_one = {table: store.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables}
    assert all(one_by_one.values())
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # ids from 1 again, as on SQLite
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        for table in reversed(tables):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    monkeypatch.setattr(sql, "REBUILD_INDEXES_FROM", 1)
    dropped: list[str] = []
    if sqlite:
        from sqlalchemy import event

        def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if statement.startswith("DROP INDEX"):
                dropped.append(statement.split()[-1].strip('"'))

        event.listen(store.engine, "before_cursor_execute", seen)
    store.import_files(*files)
    after = {table: store.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables}
    assert {t: [row[1:] for row in rows] for t, rows in after.items()} == {
        t: [row[1:] for row in rows] for t, rows in one_by_one.items()
    }
    if sqlite:
        assert {name.split("_")[1] for name in dropped} >= {"clients", "proposals"}
        assert "ix_proposal_lines_proposal_id" in dropped
        assert store.rows(indexes) == before

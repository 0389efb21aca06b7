"""CSV import: every row checked, then everything written in one commit, or nothing."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from socketcli.domain.model import ProposalStatus, YearEnd
from socketcli.domain.months import Month
from socketcli.services.importer import ImportFailed, Problem, Tally, import_csv
from socketcli.services.plan import approve_plan
from tests.fakes import NOW, FakeClock, FakeStore
from tests.unit.services.given import the_client, the_proposal

PROPOSAL_COLUMNS = (
    "proposal_reference",
    "client_reference",
    "status",
    "start_date",
    "service",
    "unit_price",
    "from_month",
    "to_month",
)


def write_csv(path: Path, *rows: Sequence[object]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def proposals_csv(path: Path, *rows: Sequence[object]) -> Path:
    """A proposals file of PROPOSAL_COLUMNS."""
    return write_csv(path, PROPOSAL_COLUMNS, *rows)


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "clients.csv",
        ("Reference", "Name", "Year End", "Email"),
        ("ACME", "Acme Ltd", "31-03", "ops@acme.co.uk"),
        ("BETA", "Beta Bakery", "", ""),
    )


@pytest.fixture
def services(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "services.csv",
        ("name", "billing_method", "alignment_fee"),
        ("Bookkeeping", "monthly", "yes"),
        ("VAT returns", "quarterly_in_advance", "no"),
        ("Tax return", "one_off", "no"),
    )


@pytest.fixture
def proposals(tmp_path: Path) -> Path:
    """Acme's bookkeeping since January 2025 went up in January 2026; its VAT is quarterly;
    it had a tax return done in 2025 and has one to do. Beta has a draft."""
    return proposals_csv(
        tmp_path / "proposals.csv",
        ("P1", "ACME", "accepted", "2025-01-01", "Bookkeeping", "100", "", "2025-12"),
        ("P1", "ACME", "accepted", "2025-01-01", "Bookkeeping", "110", "2026-01", ""),
        ("P1", "ACME", "accepted", "2025-01-01", "VAT returns", "240", "2025-02", ""),
        ("P1", "ACME", "accepted", "2025-01-01", "Tax return", "300", "", "2025-06"),
        ("P1", "ACME", "accepted", "2025-01-01", "Tax return", "320", "2026-11", ""),
        ("P2", "BETA", "draft", "2027-01-01", "Bookkeeping", "80", "", ""),
    )


def test_an_import_stores_clients_services_and_proposals(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, proposals: Path
) -> None:
    report = import_csv(store.open, clock, [clients, services, proposals])

    assert (report.clients, report.services, report.proposals) == (
        Tally(created=2),
        Tally(created=3),
        Tally(created=2),
    )
    assert the_client(store, "ACME").year_end == YearEnd(3, 31)
    p1 = the_proposal(store, "P1")
    assert (p1.status, p1.accepted_at) == (ProposalStatus.ACCEPTED, NOW)
    assert [(line.unit_price, line.start, line.end, line.anchor) for line in p1.lines[:3]] == [
        (Decimal("100.00"), Month(2025, 1), Month(2025, 12), Month(2025, 1)),
        (Decimal("110.00"), Month(2026, 1), None, Month(2025, 1)),  # continues its cycle
        (Decimal("240.00"), Month(2025, 2), None, Month(2025, 2)),
    ]
    assert [line.charges_alignment for line in p1.lines[:2]] == [True, False]
    assert the_proposal(store, "P2").status is ProposalStatus.DRAFT


def test_an_import_opens_work_only_for_the_lines_still_in_force(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, proposals: Path
) -> None:
    import_csv(store.open, clock, [clients, services, proposals])

    [item] = store.view().work_items.all()
    assert (item.amount, item.due_month) == (Decimal("320.00"), Month(2026, 11))


def test_importing_the_same_files_again_changes_nothing(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, proposals: Path
) -> None:
    import_csv(store.open, clock, [clients, services, proposals])
    before = store.view().proposals.all()
    clock.advance(days=3)

    report = import_csv(store.open, clock, [clients, services, proposals])

    assert report.summary() == (
        "clients 0 created, 0 updated, 2 unchanged; services 0 created, 0 updated, "
        "3 unchanged; proposals 0 created, 0 updated, 2 unchanged"
    )
    assert store.view().proposals.all() == before
    assert len(store.view().work_items.all()) == 1


def test_a_bad_row_anywhere_stores_nothing_at_all(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, tmp_path: Path
) -> None:
    bad = proposals_csv(
        tmp_path / "proposals.csv",
        ("P1", "ACME", "accepted", "2026-12-01", "Bookkeeping", "100", "", ""),
        ("P2", "ACME", "accepted", "2026-12-01", "Audit", "12.34567", "", ""),
    )

    with pytest.raises(ImportFailed) as failed:
        import_csv(store.open, clock, [clients, services, bad])

    assert failed.value.problems == [
        Problem(str(bad), 3, "unit_price", "unit price '12.34567' has more than 4 decimal places")
    ]
    assert store.commits == 0
    assert store.view().clients.all() == []


def test_a_store_failing_half_way_through_an_import_keeps_none_of_it(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, proposals: Path
) -> None:
    store.fail("proposals.add_new", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        import_csv(store.open, clock, [clients, services, proposals])

    view = store.view()
    assert (view.services.all(), view.clients.all(), store.commits) == ([], [], 0)


def test_a_dry_run_reports_what_would_change_and_stores_nothing(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path
) -> None:
    report = import_csv(store.open, clock, [clients, services], dry_run=True)

    assert (report.dry_run, report.clients, report.services) == (
        True,
        Tally(created=2),
        Tally(created=3),
    )
    assert store.commits == 0
    assert store.view().services.all() == []


def test_an_import_cannot_change_what_a_finalised_month_billed(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, tmp_path: Path
) -> None:
    def proposal(price: str) -> Path:
        return proposals_csv(
            tmp_path / f"proposals-{price}.csv",
            ("P1", "ACME", "accepted", "2026-10-01", "Bookkeeping", price, "", ""),
        )

    import_csv(store.open, clock, [clients, services, proposal("100")])
    approve_plan(store.open, clock, Month(2026, 12), "Jo")
    before = the_proposal(store, "P1")

    with pytest.raises(ImportFailed, match="1 problem") as failed:
        import_csv(store.open, clock, [proposal("120")])

    [problem] = failed.value.problems
    assert "would bill differently in 2026-10" in problem.reason
    assert the_proposal(store, "P1") == before


def test_reimporting_a_price_change_keeps_the_line_that_billed_the_past(
    store: FakeStore, clock: FakeClock, clients: Path, services: Path, tmp_path: Path
) -> None:
    start = proposals_csv(
        tmp_path / "p1.csv",
        ("P1", "ACME", "accepted", "2026-01-01", "Tax return", "300", "", ""),
    )
    import_csv(store.open, clock, [clients, services, start])
    [first] = the_proposal(store, "P1").lines
    changed = proposals_csv(
        tmp_path / "p1-changed.csv",
        ("P1", "ACME", "accepted", "2026-01-01", "Tax return", "300", "", "2026-11"),
        ("P1", "ACME", "accepted", "2026-01-01", "Tax return", "350", "2026-12", ""),
    )

    report = import_csv(store.open, clock, [changed])

    kept, new = the_proposal(store, "P1").lines
    assert report.proposals == Tally(updated=1)
    assert (kept.id, kept.end, new.start) == (first.id, Month(2026, 11), Month(2026, 12))
    # One job: its open item follows the price change (domain.work.follow), not a second one.
    assert [(i.line_id, i.amount) for i in store.view().work_items.all()] == [
        (new.id, Decimal("350.00")),
    ]
    assert the_proposal(store, "P1").start_date == date(2026, 1, 1)

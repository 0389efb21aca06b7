"""The import reads a clean file column by column (each distinct text once) and falls back to
reading row by row, which tells each problem on its row, when any cell is wrong. Both must
make exactly the same records: here each quick path is held to the row-by-row one."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socketcli.domain.model import BillingMethod, YearEnd
from socketcli.domain.months import Month
from socketcli.domain.proposals import NewProposal
from socketcli.domain.records import Client, Service
from socketcli.domain.settings import PracticeSettings, XeroChoices
from socketcli.services import importer
from tests.practices import CLIENT_COLUMNS

CLIENT_ROWS = (
    ("C1", " Acme  Ltd ", "ops@acme.test", "31-03", "", "", "", "", "", ""),
    ("C2", "Beta", "", "", "following:20", "5", "yes", "Standard", "Region:North", ""),
    ("C3", "Gamma", "", "30/06", "", "", "no", "", "", "2026-09"),
    ("C4", "Delta", "d@d.test", "", "", "28", "", "", "", "2026-12"),
)


def write_csv(path: Path, *rows: Sequence[object]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def sheets(path: Path) -> tuple[list[importer._Sheet], importer._Problems]:
    problems = importer._Problems()
    sheet = importer._read(path, problems)
    assert sheet is not None
    return [sheet], problems


Clients = tuple["importer._Changes[Client]", set[str]]


def clients_both_ways(
    path: Path, stored: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> tuple[Clients, Clients, list[importer.Problem], list[importer.Problem]]:
    choices = XeroChoices()
    quick_sheets, quick_problems = sheets(path)
    quick = importer._clients(quick_sheets, stored, choices)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "_clients_at_once", lambda *args: False)
        slow_sheets, slow_problems = sheets(path)
        slow = importer._clients(slow_sheets, stored, choices)
    return quick, slow, quick_problems.sorted(), slow_problems.sorted()


def test_clients_read_column_by_column_are_those_read_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "clients.csv", CLIENT_COLUMNS, *CLIENT_ROWS)
    quick, slow, quick_problems, slow_problems = clients_both_ways(path, {}, monkeypatch)
    assert quick == slow
    assert quick_problems == slow_problems == []
    changes, named = quick
    assert named == {"C1", "C2", "C3", "C4"}
    assert [client.reference for client in changes.created] == ["C1", "C2", "C3", "C4"]
    acme = changes.created[0]
    assert (acme.name, acme.email, acme.year_end, acme.consolidate) == (
        "Acme Ltd",
        "ops@acme.test",
        YearEnd(3, 31),
        None,
    )


def test_clients_in_the_store_are_updated_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "clients.csv", CLIENT_COLUMNS, *CLIENT_ROWS)
    stored = {
        "C2": Client("C2", "Beta", id=7, xero_contact_id="x-2"),
        "C3": Client(
            "C3",
            "Gamma",
            year_end=YearEnd(6, 30),
            consolidate=False,
            id=8,
            last_billable_month=Month(2026, 9),
        ),
    }
    quick, slow, _, _ = clients_both_ways(path, stored, monkeypatch)
    assert quick == slow
    changes, _ = quick
    assert [c.reference for c in changes.created] == ["C1", "C4"]
    assert [(c.reference, c.id, c.xero_contact_id) for c in changes.updated] == [("C2", 7, "x-2")]
    assert changes.unchanged == 1


@pytest.mark.parametrize(
    "bad",
    [
        ("C5", "", "", "", "", "", "", "", "", ""),  # no name
        ("C1", "Again", "", "", "", "", "", "", "", ""),  # a reference twice
        ("C5", "Epsilon", "not an email", "", "", "", "", "", "", ""),
        ("C5", "Epsilon", "", "", "", "", "maybe", "", "", ""),
        ("C5", "Epsilon", "", "", "", "", "", "", "", "2026-13"),
    ],
)
def test_a_client_row_with_a_problem_is_told_on_its_row_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: tuple[str, ...]
) -> None:
    path = write_csv(tmp_path / "clients.csv", CLIENT_COLUMNS, *CLIENT_ROWS, bad)
    quick, slow, quick_problems, slow_problems = clients_both_ways(path, {}, monkeypatch)
    assert quick == slow
    assert quick_problems == slow_problems
    assert [problem.row for problem in quick_problems] == [6]


def test_clients_of_a_file_without_the_optional_columns_are_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(
        tmp_path / "clients.csv", ("Name", "Reference", "Year End"), ("Acme", "C1", "31-12")
    )
    quick, slow, _, _ = clients_both_ways(path, {}, monkeypatch)
    assert quick == slow
    changes, _ = quick
    assert changes.created == [Client("C1", "Acme", year_end=YearEnd(12, 31))]


PROPOSAL_HEADER = (
    "proposal_reference",
    "client_reference",
    "status",
    "start_date",
    "service",
    "unit_price",
    "from_month",
    "to_month",
)
A1 = ("PA", "C1", "accepted", "2025-01-15", "Bookkeeping", "100", "", "2025-12")
A2 = ("PA", "C1", "accepted", "2025-01-15", "Bookkeeping", "110", "2026-01", "")
A3 = ("PA", "C1", "accepted", "2025-01-15", "Tax return", "300", "2025-03", "")
B1 = ("PB", "C2", "accepted", "2025-02-01", "Bookkeeping", "100", "", "")
B2 = ("PB", "C2", "draft", "2025-02-01", "Bookkeeping", "90", "", "")  # disagrees with B1


def new_proposals(
    tmp_path: Path, *rows: Sequence[str]
) -> tuple[list[NewProposal], list[importer.Problem]]:
    path = write_csv(tmp_path / "proposals.csv", PROPOSAL_HEADER, *rows)
    found, problems = sheets(path)
    catalogue = {
        "bookkeeping": Service("Bookkeeping", BillingMethod.MONTHLY, alignment_eligible=True),
        "tax return": Service("Tax return", BillingMethod.ONE_OFF),
    }
    context = importer._Context(
        clients={"C1", "C2"},
        clients_complete=True,
        catalogue=catalogue,
        service_names=set(catalogue),
        services_complete=True,
        stored={},
        finalised=None,
        now=datetime(2026, 11, 21, tzinfo=UTC),
        practice=PracticeSettings.from_values({}),
    )
    changes = importer._proposals(found, context)
    return sorted(changes.added), problems.sorted()


def test_a_proposals_rows_apart_make_the_proposal_they_make_together(tmp_path: Path) -> None:
    together, _ = new_proposals(tmp_path, A1, A2, A3, B1)
    apart, problems = new_proposals(tmp_path, A1, B1, A2, (*B1[:5], "120", "2026-06", ""), A3)
    assert problems == []
    assert len(together) == len(apart) == 2
    assert len(together[0].lines) == 3
    assert [p for p in apart if p.reference == "PA"] == [p for p in together if p.reference == "PA"]


def test_rows_of_a_proposal_that_disagree_are_told_whether_together_or_apart(
    tmp_path: Path,
) -> None:
    _, together = new_proposals(tmp_path, A1, B1, B2)
    _, apart = new_proposals(tmp_path, B1, A1, B2)
    assert [(p.row, p.column) for p in together] == [(4, "status")]
    assert [(p.row, p.column) for p in apart] == [(4, "status")]

"""The import says each step as it begins, for the progress a person sees on a terminal."""

from __future__ import annotations

from pathlib import Path

from socketcli.services.importer import Tally, import_csv
from tests.fakes import FakeClock, FakeStore


def test_the_import_names_each_step_as_it_begins(
    store: FakeStore, clock: FakeClock, tmp_path: Path
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("reference,name\nACME,Acme Ltd\n")
    services = tmp_path / "services.csv"
    services.write_text("name,billing_method\nBookkeeping,monthly\n")
    steps: list[str] = []

    report = import_csv(store.open, clock, [clients, services], progress=steps.append)

    assert report.clients == Tally(created=1)
    assert steps == [
        "Reading clients.csv",
        "Reading services.csv",
        "Checking the rows",
        "Storing clients, services and proposals",
    ]


def test_a_dry_run_stores_nothing_and_says_so(
    store: FakeStore, clock: FakeClock, tmp_path: Path
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("reference,name\nACME,Acme Ltd\n")
    steps: list[str] = []

    import_csv(store.open, clock, [clients], dry_run=True, progress=steps.append)

    assert steps == ["Reading clients.csv", "Checking the rows"]

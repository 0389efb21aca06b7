"""Import cells read one way only: an amount that could be misread is refused with its cell
and the reason (the store byte-identical), a unit price may have 4 places and still bills
to the penny, and a date is read in the practice's date_format, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.input_helpers import import_refused
from tests.runner import Socket

HEADER = "proposal_reference,client_reference,status,start_date,service,unit_price,quantity\n"


@pytest.fixture
def files(tmp_path: Path, socket: Socket, empty_store: Path) -> Path:
    """A clients and a services file imported: ACME, and Bookkeeping billed monthly."""
    (tmp_path / "clients.csv").write_text("reference,name\nACME,Acme Ltd\n")
    (tmp_path / "services.csv").write_text("name,billing_method\nBookkeeping,monthly\n")
    socket.ok("import", str(tmp_path / "clients.csv"), str(tmp_path / "services.csv"))
    return tmp_path


def proposals(folder: Path, *rows: str) -> Path:
    path = folder / "proposals.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ('"12,50"', "unit price '12,50' is not an amount: a decimal comma is not accepted"),
        ('"1,2,0,0"', "unit price '1,2,0,0' is not an amount: a comma may only separate thousands"),
        ("1e3", "unit price '1e3' is not an amount: exponents are not accepted"),
        ("1_000", "unit price '1_000' is not an amount: underscores are not accepted"),
        ("١٠٠", "unit price '١٠٠' is not an amount: only the digits 0 to 9 are accepted"),
        ("$100", "unit price '$100' is not an amount: the currency sign '$' is not the practice's (only £"),
        ("-100", "unit price '-100' is not an amount: negative amounts are not accepted"),
        ("12.34567", "unit price '12.34567' has more than 4 decimal places"),
    ],
)  # fmt: skip
def test_an_amount_that_could_be_misread_is_refused_with_its_cell_and_reason(
    socket: Socket, empty_store: Path, files: Path, cell: str, reason: str
) -> None:
    bad = proposals(files, f"P1,ACME,accepted,2026-10-01,Bookkeeping,{cell},")

    (problem,) = import_refused(socket, empty_store, bad)

    assert problem.startswith(f"{bad}, row 2, column unit_price: {reason}")


def test_a_unit_price_of_four_places_is_kept_and_the_line_bills_to_the_penny(
    socket: Socket, files: Path
) -> None:
    socket.ok("import", str(proposals(files, "P1,ACME,accepted,2026-10-01,Bookkeeping,12.3456,3")))

    (line,) = socket.json("proposals", "show", "P1")["lines"]
    assert (line["unit_price"], line["quantity"], line["amount"]) == ("12.3456", "3", "37.04")
    (client,) = socket.json("plan", "show")["clients"]
    assert client["amount"] == "37.04"  # 3 x 12.3456 = 37.0368, half up


def test_a_day_first_date_is_refused_by_default_and_read_day_first_once_the_practice_says_so(
    socket: Socket, empty_store: Path, files: Path
) -> None:
    slashed = proposals(files, "P1,ACME,accepted,03/04/2026,Bookkeeping,100,")

    (problem,) = import_refused(socket, empty_store, slashed)
    assert problem.startswith(
        f"{slashed}, row 2, column start_date: start date '03/04/2026' is not a date in the "
        "practice's format, YYYY-MM-DD: socket does not guess"
    )

    socket.ok("settings", "set", "date_format", "dd/mm/yyyy")
    socket.ok("import", str(slashed))
    assert socket.json("proposals", "show", "P1")["start_date"] == "2026-04-03"

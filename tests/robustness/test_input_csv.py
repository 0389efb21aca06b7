"""A CSV that is not what it seems is refused with the line where it goes wrong: a stray or
unterminated quote (the line where the quoted cell began), a NUL byte, bytes that are not
UTF-8. Nothing is imported and the store is byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.input_helpers import import_refused
from tests.runner import Socket


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture
def clients_csv(tmp_path: Path) -> Path:
    return tmp_path / "clients.csv"


def test_a_stray_quote_mid_file_is_refused_at_its_line_not_swallowing_the_rows_after_it(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    # Excel-style export hand-edited: row 3's name opens a quote that only closes on row 5.
    write(
        clients_csv,
        b'reference,name\r\nACME,Acme Ltd\r\nBETA,"Beta Bakery\r\nCITY,City Ltd\r\n'
        b'DUNE,Dune Surf"\r\nEDGE,Edge Co\r\n',
    )
    problems = import_refused(socket, empty_store, clients_csv)
    assert problems == [
        f"{clients_csv}, row 3: a quote opens a cell on this row and is not closed on the "
        "same line (a stray or missing quote?): a cell cannot span lines; nothing from here "
        "on was read"
    ]


def test_an_unterminated_quote_at_the_end_is_refused_at_the_line_where_it_began(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(clients_csv, b'reference,name\nACME,Acme Ltd\nBETA,"Beta Bakery\n')
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem.startswith(f"{clients_csv}, row 3: a quote opens a cell on this row")


def test_text_after_a_closing_quote_is_refused_at_its_line(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(clients_csv, b'reference,name\nACME,Acme Ltd\nBETA,"Beta" Bakery\n')
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem == (
        f"{clients_csv}, row 3: a quoted cell on this row has text after its closing quote "
        '(a stray quote?): inside a quoted cell, write a quote as two quotes ("")'
    )


def test_a_stray_quote_does_not_hide_the_problems_of_the_rows_before_it(
    socket: Socket, empty_store: Path, tmp_path: Path
) -> None:
    # Saved by Excel: a byte order mark, CRLF, a decimal comma and a day-first date on row 2,
    # a quote left open on row 3. One import names all three, so one round of fixes is enough.
    proposals = write(
        tmp_path / "proposals.csv",
        b"\xef\xbb\xbfProposal Reference,Client Reference,Status,Start Date,Service,Unit Price\r\n"
        b'P6,ZOE,accepted,01/02/2027,Bookkeeping,"99,50"\r\n'
        b'P7,KIWI,accepted,2027-01-15,"Payroll,8.00\r\n'
        b"P8,TUI,accepted,2027-01-10,Payroll,15.00\r\n",
    )
    problems = import_refused(socket, empty_store, proposals)
    assert [p.split(":")[0] for p in problems] == [
        f"{proposals}, row 2, column start_date",
        f"{proposals}, row 2, column unit_price",
        f"{proposals}, row 3",
    ]
    assert "decimal comma" in problems[1]
    assert "nothing from here on was read" in problems[2]


def test_text_after_a_closing_quote_does_not_hide_the_other_rows_problems(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(
        clients_csv,
        b'reference,name\nACME,Acme Ltd\nBETA,"Beta" Bakery\nCITY,City Ltd\nCITY,City again\n',
    )
    problems = import_refused(socket, empty_store, clients_csv)
    assert len(problems) == 2
    assert problems[0].startswith(f"{clients_csv}, row 3: a quoted cell on this row has text")
    assert problems[1].startswith(f"{clients_csv}, row 5, column reference: client 'CITY'")


def test_a_client_after_a_stray_quote_is_not_said_to_be_missing_from_the_import(
    socket: Socket, empty_store: Path, tmp_path: Path
) -> None:
    # DUNE's row is never read (the open quote runs on): its proposal must not be told that
    # DUNE is "neither in the store nor in this import"; the quote is the one problem.
    clients = write(
        tmp_path / "clients.csv", b'reference,name\nACME,"Acme Ltd\nDUNE,Dune Surf Co\n'
    )
    services = write(tmp_path / "services.csv", b"name,billing_method\nBookkeeping,monthly\n")
    proposals = write(
        tmp_path / "proposals.csv",
        b"proposal_reference,client_reference,status,start_date,service,unit_price\n"
        b"P1,DUNE,accepted,2026-01-01,Bookkeeping,10\n",
    )
    problems = import_refused(socket, empty_store, clients, services, proposals)
    assert len(problems) == 1
    assert problems[0].startswith(f"{clients}, row 2: a quote opens a cell")


def test_a_quote_in_the_header_that_runs_on_is_refused_at_line_1(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(clients_csv, b'reference,"name\nACME,Acme Ltd\n')
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem.startswith(f"{clients_csv}, row 1: a quote opens a cell on this row")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"reference,name\nACME,Acme\x00 Ltd\n", 2),
        (b"reference,name\r\nACME,Acme Ltd\r\nBETA,Beta\r\n\x00", 4),
        (b"reference,name\rACME,Acme Ltd\rBETA,Be\x00ta\r", 3),  # old Mac line ends
    ],
)
def test_a_nul_byte_is_refused_with_its_line(
    socket: Socket, empty_store: Path, clients_csv: Path, data: bytes, line: int
) -> None:
    write(clients_csv, data)
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem.startswith(f"{clients_csv}, row {line}: the row holds a NUL byte")


def test_bytes_that_are_not_utf8_are_refused_with_their_line(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(clients_csv, "reference,name\nACME,Acme Ltd\nCAFE,Café\n".encode("latin-1"))
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem == (
        f"{clients_csv}, row 3: the row is not UTF-8 text (byte 38 of the file): save the "
        "file as 'CSV UTF-8' and try again"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("separator", [",", "\t"])
def test_a_utf16_file_is_told_so_not_said_to_be_broken_at_its_first_byte(
    socket: Socket, empty_store: Path, clients_csv: Path, encoding: str, separator: str
) -> None:
    # Excel's "Unicode Text" is UTF-16 (little-endian, with its byte order mark), tab-separated.
    text = f"reference{separator}name\r\nKIWI{separator}Kiwi Orchards Ltd\r\n"
    data = text.encode(encoding)
    write(clients_csv, data if encoding == "utf-16" else b"\xfe\xff" + data)
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem == (
        f"{clients_csv}, row 1: the file is UTF-16 text (as Excel saves 'Unicode Text'), not "
        "UTF-8: save it as 'CSV UTF-8 (Comma delimited)' and try again"
    )


def test_quotes_used_properly_still_import_exactly_what_they_hold(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(
        clients_csv,
        b'\xef\xbb\xbfreference,name\r\nACME,"Acme, ""the"" Ltd"\r\nSCREEN,Screens 12" Ltd\r\n',
    )
    socket.ok("import", str(clients_csv))
    names = {c["reference"]: c["name"] for c in socket.json("clients", "list")}
    assert names == {"ACME": 'Acme, "the" Ltd', "SCREEN": 'Screens 12" Ltd'}


@pytest.mark.parametrize(("separator", "name"), [(b";", "semicolons (;)"), (b"\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_told_so(
    socket: Socket, empty_store: Path, clients_csv: Path, separator: bytes, name: str
) -> None:
    # Excel saves "CSV" with semicolons where the decimal separator is a comma.
    write(
        clients_csv,
        separator.join([b"Reference", b"Name", b"Email"])
        + b"\r\n"
        + separator.join([b"SEMI", b"Semi Colon Ltd", b"a@semi.example"])
        + b"\r\n",
    )
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem == (
        f"{clients_csv}, row 1: the cells are separated by {name}, not commas: save the file "
        "as 'CSV UTF-8 (Comma delimited)' and try again (see docs/import.md)"
    )


def test_a_header_of_one_unknown_column_with_a_semicolon_is_still_an_unknown_header(
    socket: Socket, empty_store: Path, clients_csv: Path
) -> None:
    write(clients_csv, b"colour;size\nred;10\n")
    (problem,) = import_refused(socket, empty_store, clients_csv)
    assert problem.startswith(f"{clients_csv}, row 1: the header is not one of a clients file")

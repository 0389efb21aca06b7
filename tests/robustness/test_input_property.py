"""A property of the importer (hypothesis): given random bytes, or random cells written as
CSV, it either imports exactly what was given or refuses with a line number, and never
raises anything else. Run on the in-memory store (tests/fakes.py), as the service tests are:
the SQL store's own import tests are tests/integration/test_import.py."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socketcli.services.importer import ImportFailed, import_csv
from tests.fakes import FakeClock, FakeStore

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: Bytes that make CSV interesting: quotes, separators, line ends, NUL, a BOM, bad UTF-8.
PIECES = st.sampled_from(
    [b'"', b",", b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff", b"ACME", b" ",
     b"reference", b"name", b"12,50", b"\xc2\xb2", b"1e3", b"Acme Ltd"]
)  # fmt: skip
RANDOM_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(PIECES, max_size=40).map(b"".join),
    st.lists(PIECES, max_size=30).map(lambda parts: b"reference,name\n" + b"".join(parts)),
)


def _import(*files: bytes) -> tuple[FakeStore, ImportFailed | None]:
    """Import `files` (in order) into a new in-memory store: the store, and the refusal."""
    store = FakeStore(FakeClock())
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, data in enumerate(files):
            paths.append(Path(folder) / f"file{index}.csv")
            paths[-1].write_bytes(data)
        try:
            import_csv(store.open, FakeClock(), paths)
        except ImportFailed as failure:
            return store, failure
    return store, None


@SETTINGS
@given(data=RANDOM_BYTES)
def test_random_bytes_are_imported_or_refused_with_a_line_never_raised(data: bytes) -> None:
    store, failure = _import(data)
    if failure is None:
        return  # imported: what it holds is checked by the cells property below
    assert store.commits == 0
    assert failure.problems
    for problem in failure.problems:
        assert problem.row >= 1, f"{problem} names no line"
        assert problem.reason


#: Cell text: printable text with the characters that break CSV and parsers.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('",\n\r\t ²٣£$€.e_-:'),
        st.characters(codec="utf-8", exclude_characters="\x00"),
    ),
    max_size=12,
)
REFERENCE = st.from_regex(r"[A-Z][A-Z0-9]{0,7}", fullmatch=True)


@SETTINGS
@given(
    rows=st.lists(st.tuples(REFERENCE, TEXT), min_size=1, max_size=6, unique_by=lambda r: r[0]),
    invoice_days=st.lists(TEXT, min_size=6, max_size=6),
)
def test_random_cells_are_imported_exactly_or_refused_by_row(
    rows: list[tuple[str, str]], invoice_days: list[str]
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(("reference", "name", "invoice_day"))
    for (reference, name), day in zip(rows, invoice_days, strict=False):
        writer.writerow((reference, name, day))
    store, failure = _import(out.getvalue().encode())

    if failure is not None:
        assert store.commits == 0
        lines = set(range(2, len(rows) + 2))
        assert {problem.row for problem in failure.problems} <= lines
        return
    imported = {client.reference: client for client in store.view().clients.all()}
    assert set(imported) == {reference for reference, _ in rows}
    for (reference, name), day in zip(rows, invoice_days, strict=False):
        client = imported[reference]
        # a cell that spans lines is refused, so an imported name has no line break
        assert client.name == " ".join(name.split())
        assert client.invoice_day == (int(day) if day.strip() else None)


AMOUNT = st.one_of(
    st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4).map(str),
    st.decimals(min_value=0, max_value=Decimal("99999999"), places=2).map(lambda d: f"£{d:,}"),
    TEXT,
)


@SETTINGS
@given(price=AMOUNT, quantity=st.one_of(st.sampled_from(["", "1", "2.5", "3"]), TEXT))
def test_a_random_price_cell_bills_exactly_its_value_or_is_refused_on_its_row(
    price: str, quantity: str
) -> None:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(
        [
            ("proposal_reference", "client_reference", "status", "start_date", "service",
             "unit_price", "quantity"),
            ("P1", "ACME", "draft", "", "Bookkeeping", price, quantity),
        ]
    )  # fmt: skip
    store, failure = _import(
        b"reference,name\nACME,Acme\n",
        b"name,billing_method\nBookkeeping,monthly\n",
        out.getvalue().encode(),
    )
    if failure is not None:
        assert store.commits == 0
        # the cell's own problem, or the row's (a cell with a line break spans lines)
        assert {(p.row, p.column) for p in failure.problems} <= {
            (2, "unit_price"),
            (2, "quantity"),
            (2, ""),
        }
        return
    (proposal,) = store.view().proposals.all()
    (line,) = proposal.lines
    text = price.strip().removeprefix("£").replace(",", "")
    assert line.unit_price == Decimal(text)
    assert line.quantity == (Decimal(quantity) if quantity.strip() else 1)

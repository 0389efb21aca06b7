"""`output.long_table` prints, byte for byte, what Rich prints for the same table (`plan status`
and `plan reconcile` at 20,000 invoices use it: Rich took 10 s to lay the rows out), to a file
and to a colour terminal, for any text a client or Xero may hold; and where the table is wider
than the console, Rich lays it out (folding cells) as before."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence

import pytest
from rich.console import Console

from socketcli.cli import output

COLUMNS = ("Client", "Reference", "Total", "State", "Xero")
RIGHT = ["Total"]

ROWS = [
    ("Dune Pharmacy Ltd", "C000001 Dec 2026", "754.65", "posted", "INV-0001"),
    ("Élan Café SARL", "C000002 Dec 2026", "12,345.00", "not queued", ""),
    ("東京 Trading 株式会社", "C000003 Dec 2026", "1.00", "failed", "Contact is archived"),
    ("Acme [bold]Ltd[/bold] :tada:", "C000004 Dec 2026", "0.01", "pending", "[/]"),
    ("Bad\x1b[31mRed\ttab\nline", "C000005 Dec 2026", "99.99", "sending", "\u202eevil"),
    ("", "", "", "", ""),
]


@pytest.fixture(params=["file", "terminal"])
def console(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stdout as a file (200 wide, no colour) or as a colour terminal 120 wide."""
    stream = io.StringIO()
    if request.param == "file":
        made = Console(file=stream, width=200, highlight=False, emoji=False, soft_wrap=True)
    else:
        made = Console(
            file=stream,
            width=120,
            force_terminal=True,
            color_system="truecolor",
            highlight=False,
            emoji=False,
        )
    monkeypatch.setattr(output, "_consoles", {False: made})
    return stream


def printed(stream: io.StringIO, draw: Callable[[], None]) -> str:
    """What `draw` prints on stdout (set here: pytest puts its own back between phases)."""
    stream.seek(0)
    stream.truncate()
    real, sys.stdout = sys.stdout, stream
    try:
        draw()
    finally:
        sys.stdout = real
    return stream.getvalue()


def by_rich(rows: Sequence[Sequence[str]], title: str | None) -> None:
    grid = output.table(*COLUMNS, title=title, right=RIGHT)
    for row in rows:
        grid.add_row(*(output.escape(cell) for cell in row))
    output.show(grid)


@pytest.mark.parametrize(
    "title", ["Posting Dec 2026", None, "A title much wider than the table is"]
)
@pytest.mark.parametrize("count", [0, 1, 6, 60])
def test_long_table_prints_what_rich_prints(
    console: io.StringIO, title: str | None, count: int
) -> None:
    rows = [ROWS[i % len(ROWS)] for i in range(count)]
    expected = printed(console, lambda: by_rich(rows, title))
    got = printed(console, lambda: output.long_table(COLUMNS, rows, title=title, right=RIGHT))

    assert got == expected
    assert expected.count("\n") >= count + 3


def test_a_table_wider_than_the_console_is_folded_by_rich_as_before(console: io.StringIO) -> None:
    rows = [("A client name " * 12, "C000001 Dec 2026", "1.00", "failed", "x " * 60)]
    expected = printed(console, lambda: by_rich(rows, "Posting Dec 2026"))
    got = printed(
        console, lambda: output.long_table(COLUMNS, rows, title="Posting Dec 2026", right=RIGHT)
    )

    assert got == expected
    assert len(got.splitlines()) > 6  # the row folded onto several lines

"""Rendering: tables for people, --json and --csv for scripts; data on stdout, messages on stderr.

Rich is confined to this module. Without a terminal there is no colour and no animation;
NO_COLOR is honoured.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from socketcli.domain.errors import SocketError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from socketcli.domain.links import ContactLink
    from socketcli.services.plan import DiffRow, PlanRow


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def choose_format(json_flag: bool, csv_flag: bool = False) -> Format:
    if json_flag and csv_flag:
        import typer

        raise typer.BadParameter("choose one of --json and --csv")
    if json_flag:
        return Format.JSON
    if csv_flag:
        return Format.CSV
    return Format.TABLE


_consoles: dict[bool, Console] = {}


def console(*, stderr: bool = False) -> Console:
    """One console per stream. Widens to 200 columns when output goes to a file or pipe."""
    found = _consoles.get(stderr)
    stream = sys.stderr if stderr else sys.stdout
    if found is None or found.file is not stream:
        from rich.console import Console

        terminal = stream.isatty()
        found = Console(
            file=stream,
            width=None if terminal or os.environ.get("COLUMNS") else 200,
            no_color=bool(os.environ.get("NO_COLOR")) or None,
            highlight=False,
            emoji=False,  # a name like "Acme :tada:" is printed as typed, not as an emoji
            soft_wrap=not terminal,
        )
        _consoles[stderr] = found
    return found


def say(message: str) -> None:
    """A message for the person (stderr), never data. Printed as typed: no markup, and any
    control character in it made visible (see `visible`)."""
    console(stderr=True).print(visible(message, lines=True), markup=False)


def say_line(text: str) -> None:
    """One line on stderr exactly as it is, never wrapped nor cut whatever the terminal's
    width: an address to copy (`xero connect --no-browser`). Control characters made visible."""
    stream = sys.stderr
    stream.write(visible(text) + "\n")
    stream.flush()


def note(markup: str) -> None:
    """A styled message (stderr). Any user text in it must go through `escape`."""
    console(stderr=True).print(markup)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 client', '2 clients', '19,430 invoices'."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


# -- failures: `error: ...` for people, one JSON object with --json --------------------------

#: The `code` of the JSON error object for each exit code (docs/commands.md, "Exit codes").
ERROR_CODES = {
    1: "error",
    2: "invalid_input",
    3: "not_found",
    4: "conflict",
    5: "store_not_ready",
    6: "xero_not_authorised",
    7: "xero_error",
    8: "xero_day_limit",
    9: "already_running",
    10: "xero_differs",
}
_errors_as_json = False


class Failed(SocketError):
    """A run that ends in failure after its report is printed (a sync with clients Xero
    refused, a month Xero holds otherwise than approved): raised so that the one mechanism
    in `cli/app.py` reports it, as `error: ...` or as the JSON error object."""

    def __init__(self, message: str, exit_code: int, code: str | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.code = code


def errors_as_json(on: bool) -> None:
    """Whether this run reports its failure as a JSON object (the command line has --json)."""
    global _errors_as_json
    _errors_as_json = on


def fail(message: str, exit_code: int, code: str | None = None) -> None:
    """Report the failure that ends the run: `error: MESSAGE` on stderr, or with --json one
    line on stderr, `{"error": {"code": ..., "exit_code": N, "message": ...}}`. The caller
    then exits with `exit_code`."""
    if not _errors_as_json:
        error(message)
        return
    document = {
        "error": {
            "code": code or ERROR_CODES.get(exit_code, "error"),
            "exit_code": exit_code,
            "message": message,
        }
    }
    sys.stdout.flush()
    sys.stderr.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stderr.flush()


def error(message: str) -> None:
    """`error: MESSAGE` on stderr (the message printed as text: see `escape`)."""
    from rich.markup import escape as rich_escape

    console(stderr=True).print(f"[bold red]error:[/] {rich_escape(visible(message, lines=True))}")


#: What is never sent to the terminal as it is: C0 control characters (ESC among them, which
#: starts a terminal's escape sequences), DEL, C1 control characters, and Unicode's
#: bidirectional controls (marks, embeddings, overrides, isolates), which can reorder what a
#: line shows. Each is shown as its code instead: `\x1b`, `\u202e`.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The same but for the line feed, in a message of several lines.
_CONTROL_BUT_LINES = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _shown(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with each control character shown as its code (ESC as `\\x1b`, a right-to-left
    override as `\\u202e`): text from a user or from Xero can move the cursor, recolour the
    terminal or reorder a line otherwise. `lines`: a message of several lines, whose line
    feeds stay."""
    pattern = _CONTROL_BUT_LINES if lines else _CONTROL
    return pattern.sub(_shown, text) if pattern.search(text) else text


def escape(text: str) -> str:
    """User or Xero text, to put in markup (a table cell, a styled message): printed as the
    text it is, whatever it holds (Rich markup such as `[/]` or `[bold]`, control characters)."""
    from rich.markup import escape as rich_escape

    return rich_escape(visible(text))


def playground_banner(playground: bool) -> None:
    if playground:
        note("[yellow]PLAYGROUND[/] demo practice: nothing here reaches a real Xero.")


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_json_default)
_encode_string = json.encoder.encode_basestring  # what _ENCODER uses for str (C)
#: A string as JSON (never None), by the C encoder.
encode_string = _encode_string


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


def emit_json(document: Any) -> None:
    """JSON on stdout: each top-level key on its own line, and each item of a list on its own.

    Readable and diffable, and fast for a practice of 20,000 clients (the C encoder does
    each item; an indented dump would run Python's pure-Python encoder over everything).
    """
    write = sys.stdout.write
    if isinstance(document, list):
        write(_list(document, "") + "\n")
        return
    if not isinstance(document, dict):
        write(_compact(document) + "\n")
        return
    write("{\n")
    for index, (key, value) in enumerate(document.items()):
        comma = "," if index < len(document) - 1 else ""
        if isinstance(value, Streamed):
            write(f"  {_compact(key)}: ")
            _stream(value.items, "  ", write, encoded=value.encoded)
            write(f"{comma}\n")
            continue
        rendered = _list(value, "  ") if isinstance(value, list) else _compact(value)
        write(f"  {_compact(key)}: {rendered}{comma}\n")
    write("}\n")


class Streamed:
    """A list that `emit_json` writes item by item as the items are made, laid out as a list:
    a report of 200,000 rows is never held whole as text (nor each row's text at once)."""

    __slots__ = ("encoded", "items")

    def __init__(self, items: Iterable[Any], *, encoded: bool = False) -> None:
        self.items = items
        self.encoded = encoded  # every item is JSON text already (as `Encoded` would say)


def _stream(
    items: Iterable[Any], indent: str, write: Callable[[str], object], *, encoded: bool
) -> None:
    """What `_list` makes of `items`, written a thousand items at a time."""
    separator = f",\n{indent}  "
    lead = f"[\n{indent}  "
    batch: list[str] = []
    for item in items:
        batch.append(item if encoded or isinstance(item, Encoded) else _compact(item))
        if len(batch) == 1000:
            write(lead + separator.join(batch))
            lead, batch = separator, []
    if batch:
        write(lead + separator.join(batch))
        lead = separator
    write("[]" if lead != separator else f"\n{indent}]")


class Encoded(str):
    """A value already encoded as JSON: `emit_json` writes it as it is."""

    __slots__ = ()


def json_text(value: str | None) -> str:
    """A string (or None) as JSON, by the C encoder."""
    return "null" if value is None else _encode_string(value)


def _list(items: list[Any], indent: str) -> str:
    if not items:
        return "[]"
    inner = f",\n{indent}  ".join(
        item if isinstance(item, Encoded) else _compact(item) for item in items
    )
    return f"[\n{indent}  {inner}\n{indent}]"


#: How a spreadsheet recognises a formula (OWASP's "CSV injection"): a cell that starts with
#: one of these is read as a formula, or as the start of one, by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A text cell of a CSV that socket writes: one a spreadsheet would read as a formula
    (`=HYPERLINK(...)`, `+1`, `-2`, `@SUM`, or one starting with a tab or CR) is prefixed with
    a single quote, so it is shown as the text it is (OWASP's rule). Amounts and counts are
    not text and are never changed."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(cell: Any) -> Any:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return csv_text(cell)
    return jsonable(cell)


def emit_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV on stdout: a header, then a row each; text cells made safe to open in a
    spreadsheet (`csv_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    sys.stdout.write(buffer.getvalue())


def table(*columns: str, title: str | None = None, right: Iterable[str] = ()) -> Table:
    from rich import box
    from rich.table import Table

    aligned = set(right)
    result = Table(title=title, box=box.SIMPLE_HEAD, show_footer=False, title_justify="left")
    for column in columns:
        result.add_column(column, justify="right" if column in aligned else "left")
    return result


def plain_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    right: Iterable[str] = (),
) -> None:
    """A table laid out as `table` lays it out (no box, a rule under the header), without
    Rich: for thousands of rows, which Rich lays out at about a millisecond each. Cells are
    plain text (no markup), each row on one line; control characters shown as their code."""
    aligned = {index for index, column in enumerate(columns) if column in set(right)}
    rows = [[visible(cell) for cell in row] for row in rows]
    widths = [len(column) for column in columns]
    for row in rows:
        for index, cell in enumerate(row):
            if len(cell) > widths[index]:
                widths[index] = len(cell)

    def line(cells: Sequence[str]) -> str:
        return (
            "  "
            + "   ".join(
                cell.rjust(widths[i]) if i in aligned else cell.ljust(widths[i])
                for i, cell in enumerate(cells)
            )
            + "  "
        )

    out = [title or "", line(columns), " " + "─" * (sum(widths) + 3 * len(widths) - 1)]
    out += [line(row) for row in rows]
    sys.stdout.write("\n".join(out) + "\n\n")


def long_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    right: Iterable[str] = (),
) -> None:
    """`show(table(...))` of rows of text (not markup), byte for byte as Rich prints it, at a
    fraction of the cost: Rich measures every cell of every row as a renderable, half a
    millisecond a row (10 s for the 20,000 invoices of `plan status`). Rich still draws the
    title, the header, the rule and the bottom edge (a table without rows, its columns as
    wide as the rows need); the rows are padded here as Rich pads them. A table wider than
    the console, whose cells Rich would fold, is left to Rich."""
    from rich.cells import cell_len

    shown = [[visible(cell) for cell in row] for row in rows]
    widths = [cell_len(column) for column in columns]
    for row in shown:
        for index, cell in enumerate(row):
            size = len(cell) if cell.isascii() else cell_len(cell)
            if size > widths[index]:
                widths[index] = size
    out = console()
    aligned = set(right)
    if 4 + sum(widths) + 3 * (len(widths) - 1) > out.width:
        grid = table(*columns, title=title, right=aligned)
        for row in shown:
            grid.add_row(*(escape(cell) for cell in row))
        show(grid)
        return
    head = table(*columns, title=title, right=aligned)
    for column, width in zip(head.columns, widths, strict=True):
        column.min_width = column.max_width = width
    with out.capture() as captured:
        out.print(head)
    frame = captured.get().split("\n")  # ..., the rule, the bottom edge, "" (the last \n)
    rights = [column in aligned for column in columns]

    def line(row: Sequence[str]) -> str:
        cells = []
        for cell, width, flush_right in zip(row, widths, rights, strict=True):
            gap = width - (len(cell) if cell.isascii() else cell_len(cell))
            cells.append(" " * gap + cell if flush_right else cell + " " * gap)
        return "  " + "   ".join(cells) + "  "

    body = [line(row) for row in shown]
    out.file.write("\n".join([*frame[:-2], *body, *frame[-2:]]))
    out.file.flush()


def show(renderable: Any) -> None:
    console().print(renderable)


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def signed(amount: Decimal) -> str:
    if amount > 0:
        return f"+{amount:,.2f}"
    return f"{amount:,.2f}"


# -- the Xero contact of a client (plan show, plan diff, plan preview, contacts list) ---------

WARN = "[yellow]⚠[/]"
DIFFERS = "[cyan]≠[/]"
KINDS = {  # (one, several)
    "unlinked": ("not linked", "not linked"),
    "archived": ("contact archived", "contacts archived"),
    "merged": ("contact merged", "contacts merged"),
    "missing": ("contact not in Xero", "contacts not in Xero"),
}


def contact_cell(link: ContactLink, client: str) -> str:
    """The Xero contact cell (plan show, plan diff, contacts list): the contact's name,
    marked where a person needs to look."""
    name = escape(link.contact_name or "")
    status = link.status.value
    if status == "linked":
        return f"{DIFFERS} {name}" if link.differs_from(client) else name
    if status == "new":
        return f"[dim]new: {escape(client)}[/]"
    if status == "unlinked":
        return f"{WARN} not linked"
    if status == "merged":
        return f"{WARN} {name} (merged into {escape(link.merged_into or '?')})"
    return f"{WARN} {name} ({'archived in Xero' if status == 'archived' else 'not in Xero'})"


def attention(
    rows: Sequence[PlanRow] | Sequence[DiffRow], *, always: bool, total: int | None = None
) -> None:
    """The closing lines of a plan: what the marks mean, and how many clients need a person.

    `total`: every client that needs attention (`domain.links.needs_attention`, the count
    `contacts list` gives), of which those not in `rows` are billed in a later month."""
    from collections import Counter

    if any(r.link.status.value == "linked" and r.link.differs_from(r.client) for r in rows):
        note(f"{DIFFERS} the Xero contact's name differs from the client's (both are shown).")
    waiting = Counter(r.link.status.value for r in rows if r.warning)
    shown = sum(waiting.values())
    count = shown if total is None else max(total, shown)
    if count:
        parts = [f"{n:,} {KINDS[kind][n != 1]}" for kind, n in sorted(waiting.items())]
        if count > shown:
            parts.append(f"{count - shown:,} not billed this month")
        note(
            f"{WARN} {plural(count, 'client needs', 'clients need')} attention "
            f"({', '.join(parts)}): fix with `socket contacts match`."
        )
    elif always:
        note("No client needs attention: every client has a Xero contact.")

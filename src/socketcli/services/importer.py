"""CSV import of clients, services and proposals: every row is checked first, then all are
written in one transaction, or none.

The format is documented in docs/import.md. The import reads the files, decides in plain
code what each row means against what the store holds (created, updated, unchanged, or a
problem) and only then acts: nothing is written while any problem remains, and writes are
set-based, so that tens of thousands of clients import in seconds.
"""

from __future__ import annotations

import csv
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from socketcli.domain.clients import (
    check_email,
    check_name,
    check_reference,
    check_tracking,
    parse_year_end,
)
from socketcli.domain.dates import local_today, parse_date, parse_month
from socketcli.domain.errors import InvalidInput, StoreBusy
from socketcli.domain.history import imported
from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.money import parse_price, parse_quantity
from socketcli.domain.months import Month
from socketcli.domain.proposals import (
    DecidedLine,
    LineFacts,
    NewProposal,
    accepted_at,
    alignment_problem,
    can_change_status,
    charges_alignment,
    decided_facts,
    decided_lines,
    first_difference,
    line_identity,
    same_proposal,
    touches_finalised,
    with_kept_line_ids,
)
from socketcli.domain.records import Client, Proposal, ProposalLine, Service
from socketcli.domain.settings import PracticeSettings, XeroChoices, parse_invoice_day
from socketcli.domain.terms import PaymentTerms
from socketcli.lifetime import hold
from socketcli.ports.clock import Clock
from socketcli.ports.process import SecondProcess, StartSecond
from socketcli.ports.store import OpenStore, UnitOfWork, WrittenAside
from socketcli.services.catalogue import check_account_code, parse_method
from socketcli.services.settings import xero_choices

T = TypeVar("T")

HEADER_ROW = 1


# -- what the import reports --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where (file, spreadsheet row, column) and why."""

    file: str
    row: int  # as a spreadsheet shows it: the header is row 1, the first data row is 2
    column: str
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


class ImportFailed(InvalidInput):
    """The files have problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created:,} created, {self.updated:,} updated, {self.unchanged:,} unchanged"


@dataclass(frozen=True, slots=True)
class ImportReport:
    clients: Tally = field(default_factory=Tally)
    services: Tally = field(default_factory=Tally)
    proposals: Tally = field(default_factory=Tally)
    dry_run: bool = False

    def summary(self) -> str:
        """'clients 3 created, 1 updated, 0 unchanged; services ...; proposals ...'."""
        return f"clients {self.clients}; services {self.services}; proposals {self.proposals}"


# -- the format ---------------------------------------------------------------------------


class Kind(StrEnum):
    CLIENTS = "clients"
    SERVICES = "services"
    PROPOSALS = "proposals"


@dataclass(frozen=True, slots=True)
class Layout:
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


LAYOUTS = {
    Kind.CLIENTS: Layout(
        ("reference", "name"),
        (
            "email",
            "year_end",
            "payment_terms",
            "invoice_day",
            "consolidate",
            "branding_theme",
            "tracking",
            "last_billable_month",
        ),
    ),
    Kind.SERVICES: Layout(
        ("name", "billing_method"), ("account_code", "alignment_fee", "tracking")
    ),
    Kind.PROPOSALS: Layout(
        ("proposal_reference", "client_reference", "status", "service", "unit_price"),
        (
            "start_date",
            "title",
            "description",
            "quantity",
            "billing_method",
            "from_month",
            "to_month",
        ),
    ),
}


def _column_name(text: str) -> str:
    """'Proposal Reference ' is proposal_reference: case, spaces and hyphens do not matter."""
    return "_".join(text.strip().lower().replace("-", " ").split())


def recognise(columns: Iterable[str]) -> Kind | None:
    """A file's kind from its header: proposal_reference, else reference, else billing_method;
    failing those, the one kind whose columns it names most of (then it misses a column)."""
    names = set(columns)
    if names & {"proposal_reference", "client_reference"}:
        return Kind.PROPOSALS
    if "reference" in names:
        return Kind.CLIENTS
    if "billing_method" in names:
        return Kind.SERVICES
    scores = {kind: len(names & set(layout.columns)) for kind, layout in LAYOUTS.items()}
    best = max(scores.values())
    likely = [kind for kind, score in scores.items() if score == best]
    return likely[0] if best and len(likely) == 1 else None


# -- reading ------------------------------------------------------------------------------


class _Problems:
    """Every problem found, in the order of the files given and their rows."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.order: dict[str, int] = {}  # file: its place among the files given
        self.columns: dict[str, dict[str, int]] = {}  # file: its columns' places

    def add(self, file: str, row: int, column: str, reason: str) -> None:
        self.found.append(Problem(file, row, column, reason))

    def __bool__(self) -> bool:
        return bool(self.found)

    def sorted(self) -> list[Problem]:
        def place(problem: Problem) -> tuple[int, int, int]:
            columns = self.columns.get(problem.file, {})
            return (self.order.get(problem.file, 0), problem.row, columns.get(problem.column, -1))

        return sorted(self.found, key=place)


class _Row:
    """One data row as a spreadsheet shows it: its cells, and the problems found in them."""

    __slots__ = ("bad", "columns", "file", "number", "problems", "record")

    def __init__(
        self,
        file: str,
        number: int,
        record: list[str],
        columns: dict[str, int],
        problems: _Problems,
    ) -> None:
        self.file = file
        self.number = number
        self.record = record
        self.columns = columns  # the file's column names and their positions
        self.problems = problems
        self.bad = False

    def problem(self, column: str, reason: str) -> None:
        self.bad = True
        self.problems.add(self.file, self.number, column, reason)

    def has(self, column: str) -> bool:
        """True when the file has the column (even if this row's cell is empty)."""
        return column in self.columns

    def raw(self, column: str) -> str:
        """The cell as written ('' where the file has no such column)."""
        return self.record[self.columns.get(column, -1)]

    def text(self, column: str) -> str:
        return self.raw(column).strip()

    def where(self) -> str:
        return f"row {self.number} of {self.file}"


class _Cell(Generic[T]):
    """How one column is read: a cell's value, or None when it is empty or not acceptable
    (then a problem names the row and column). Each distinct text is parsed once: 150,000
    proposal rows repeat the same references, months and prices."""

    def __init__(self, column: str, parse: Callable[[str], T], *, required: bool = False):
        self.column = column
        self.parse = parse
        self.required = required
        self.seen: dict[str, T | None] = {}

    def __call__(self, row: _Row, raw: str | None = None) -> T | None:
        """The cell of `row` (`raw`: its text, when the caller has it at hand)."""
        if raw is None:
            raw = row.raw(self.column)
        try:
            return self.seen[raw]
        except KeyError:
            pass
        text = raw.strip()
        if not text:
            if self.required:
                row.problem(self.column, f"{self.column} is required")
                return None
            self.seen[raw] = None
            return None
        try:
            value = self.parse(text)
        except InvalidInput as error:
            row.problem(self.column, str(error))
            return None
        self.seen[raw] = value
        return value

    def values(self, texts: Sequence[str]) -> list[Any] | None:
        """Every cell of a column at once (`texts`, as written), each distinct text read
        once; None when any of them is not acceptable (nothing is reported: the rows are then
        read one by one, and each problem told on its row)."""
        seen = self.seen
        for raw in set(texts).difference(seen):
            text = raw.strip()
            if not text:
                if self.required:
                    return None
                seen[raw] = None
                continue
            try:
                seen[raw] = self.parse(text)
            except InvalidInput:
                return None
        return list(map(seen.__getitem__, texts))


@dataclass(slots=True)
class _Sheet:
    file: str
    kind: Kind
    columns: dict[str, int]  # the known columns the header names, and their positions
    records: list[list[str]]  # each data row's cells (see _read), blank rows left out
    numbers: list[int]  # each data row's line
    complete: bool  # False when some rows were not read (a required column missing, a
    # row that is not valid CSV): no row elsewhere is told its client or service is missing
    problems: _Problems
    bad: set[int] = field(default_factory=set)  # rows found wrong as they were read
    stamp: tuple[int, int] = (0, 0)  # the file's size and time of change when it was read

    def part(self, start: int, end: int) -> _Sheet:
        """The sheet of its data rows from `start` to `end` (same file, rows and problems)."""
        return replace(
            self,
            records=self.records[start:end],
            numbers=self.numbers[start:end],
            bad={index - start for index in self.bad if start <= index < end},
        )

    def row(self, index: int) -> _Row:
        """The data row at `index` (made when needed: 1.4 million proposal rows are checked
        as plain lists of cells, and a _Row only made for one that has a problem)."""
        row = _Row(self.file, self.numbers[index], self.records[index], self.columns, self.problems)
        row.bad = index in self.bad
        return row

    @property
    def rows(self) -> list[_Row]:
        return [self.row(index) for index in range(len(self.records))]

    def cells(self, column: str) -> list[str]:
        """Every row's cell in `column`, as written."""
        at = self.columns.get(column, -1)
        return [record[at] for record in self.records]


#: Line ends as the csv module counts them (with newline=""): \r\n, \n or a lone \r.
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_of(text: str, index: int) -> int:
    """The line (from 1) on which the character at `index` stands."""
    return len(_LINE_END.findall(text, 0, index)) + 1


def _csv_problem(error: csv.Error) -> str:
    """What a strict csv reader's complaint means for the person who saved the file."""
    message = str(error)
    if "expected after" in message:
        return (
            "a quoted cell on this row has text after its closing quote (a stray quote?): "
            'inside a quoted cell, write a quote as two quotes ("")'
        )
    if "unexpected end of data" in message:
        return _UNCLOSED
    if "field larger than field limit" in message:
        return f"a cell on this row is longer than {csv.field_size_limit():,} characters"
    return f"is not valid CSV: {message}"


_UNCLOSED = (
    "a quote opens a cell on this row and is not closed on the same line (a stray or "
    "missing quote?): a cell cannot span lines; nothing from here on was read"
)


def _read(path: Path, problems: _Problems, first_line: int = 1) -> _Sheet | None:
    """The file's rows, each problem found in reading them added to `problems`; from line
    `first_line` on (from 0, the header's; a second process reads only the rows it checks)."""
    file = str(path)
    try:
        stats = path.stat()
        if stat.S_ISCHR(mode := stats.st_mode) or stat.S_ISBLK(mode):
            # /dev/zero, a disk, a terminal: read to its end, it would never end
            problems.add(file, 0, "", "is a device, not a CSV file")
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.add(file, 0, "", f"cannot be read: {error.strerror or error}")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte order mark
        problems.add(
            file,
            HEADER_ROW,
            "",
            "the file is UTF-16 text (as Excel saves 'Unicode Text'), not UTF-8: save it as "
            "'CSV UTF-8 (Comma delimited)' and try again",
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = len(_LINE_END_BYTES.findall(data, 0, error.start)) + 1
        problems.add(
            file,
            line,
            "",
            f"the row is not UTF-8 text (byte {error.start + 1} of the file): save the file "
            "as 'CSV UTF-8' and try again",
        )
        return None
    nul = text.find("\0")
    if nul >= 0:
        problems.add(
            file,
            _line_of(text, nul),
            "",
            "the row holds a NUL byte: this is not a text CSV file (save it as 'CSV UTF-8')",
        )
        return None
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the file's last line end
    if not lines:
        lines.append("")
    header = _cells(lines, 0, file, problems)
    if isinstance(header, str):
        return None
    if not any(cell.strip() for cell in header):
        problems.add(
            file,
            HEADER_ROW,
            "",
            "the file is empty: its first row must name the columns (see docs/import.md)",
        )
        return None
    names = [_column_name(cell) for cell in header]
    kind = recognise(names)
    if kind is None:
        problems.add(file, HEADER_ROW, "", _unknown_header(header))
        return None
    layout = LAYOUTS[kind]
    known: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, (raw, name) in enumerate(zip(header, names, strict=True)):
        if not name:
            continue
        if name not in layout.columns:
            problems.add(
                file,
                HEADER_ROW,
                raw.strip(),
                f"unknown column {raw.strip()!r} in a {kind} file: the columns are "
                + ", ".join(layout.columns),
            )
        elif name in seen:
            problems.add(file, HEADER_ROW, name, f"column {name!r} appears twice")
        else:
            seen.add(name)
            known.append((index, name))
    missing = [name for name in layout.required if name not in seen]
    for name in missing:
        problems.add(
            file,
            HEADER_ROW,
            name,
            f"missing column {name!r}: a {kind} file needs " + ", ".join(layout.required),
        )
    columns = {name: index for index, name in known}
    problems.columns[file] = columns
    sheet = _Sheet(file, kind, columns, [], [], complete=not missing, problems=problems)
    sheet.stamp = (stats.st_size, stats.st_mtime_ns)
    if missing:
        return sheet
    width = len(header)
    records, numbers = sheet.records, sheet.numbers
    limit = csv.field_size_limit()
    for at in range(max(first_line, 1), len(lines)):
        physical = lines[at]
        if '"' in physical or len(physical) > limit:
            cells = _cells(lines, at, file, problems)
            if isinstance(cells, str):
                # The other rows are still checked, so that one import shows every problem.
                sheet.complete = False
                if cells == _UNCLOSED:
                    break  # nothing from here on can be read as rows
                continue
            record = cells
        else:
            record = physical.split(",")
        if not (record and record[0].strip()) and not "".join(record).strip():
            continue  # a blank row
        if len(record) != width:
            if len(record) > width:
                extra = [i for i in range(width, len(record)) if record[i].strip()]
                if extra:
                    sheet.bad.add(len(records))
                    problems.add(
                        file,
                        at + 1,
                        str(extra[0] + 1),
                        f"the row has a value in column {extra[0] + 1}, which has no header",
                    )
                del record[width:]
            else:
                record.extend([""] * (width - len(record)))
        record.append("")  # what a column the file does not have reads as: see _Row.raw
        records.append(record)
        numbers.append(at + 1)
    return sheet


def _unknown_header(header: list[str]) -> str:
    """Why a header is none of the three kinds: a file whose cells are separated by
    semicolons or tabs (Excel's "CSV" where the decimal separator is a comma) is told so."""
    for separator, name in ((";", "semicolons (;)"), ("\t", "tabs")):
        split = header[0].split(separator) if len(header) == 1 else []
        if len(split) > 1 and recognise([_column_name(cell) for cell in split]):
            return (
                f"the cells are separated by {name}, not commas: save the file as "
                "'CSV UTF-8 (Comma delimited)' and try again (see docs/import.md)"
            )
    return (
        "the header is not one of a clients file (reference, name, ...), a services "
        "file (name, billing_method, ...) or a proposals file (proposal_reference, "
        "client_reference, ...): see docs/import.md"
    )


def _cells(lines: list[str], index: int, file: str, problems: _Problems) -> list[str] | str:
    """The cells of line `index` (from 0) read as CSV, or the problem (added) when it is
    not valid CSV on its own: a quote left open (a cell cannot span lines), or text after a
    closing quote. Each line is one row, since no cell may span lines; a line that is not
    valid on its own is read again with the rest of the file as one CSV stream, so that the
    problem is the one a CSV reader of the whole file finds, and where it begins."""
    try:
        reader = csv.reader([lines[index]], strict=True)
        return next(reader, [])
    except csv.Error:
        pass
    reader = csv.reader(iter(lines[index:]), strict=True)
    begun = index + 1  # the line on which the record being read begins
    try:
        for _ in reader:
            if reader.line_num > 1:
                problems.add(file, begun, "", _UNCLOSED)
                return _UNCLOSED
            break  # (not reached: the line alone was not valid CSV)
    except csv.Error as error:
        reason = _csv_problem(error)
        problems.add(file, begun, "", reason)
        return reason
    problems.add(file, begun, "", _UNCLOSED)
    return _UNCLOSED


# -- cell parsers -------------------------------------------------------------------------


def _boolean(column: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        lowered = text.lower()
        if lowered in {"true", "yes", "y", "1"}:
            return True
        if lowered in {"false", "no", "n", "0"}:
            return False
        raise InvalidInput(f"{column} {text!r} is not true or false")

    return parse


def _terms(text: str) -> str:
    return str(PaymentTerms.parse(text))


def _status(text: str) -> ProposalStatus:
    try:
        return ProposalStatus(text.lower())
    except ValueError:
        raise InvalidInput(
            f"status {text!r} is not one of: " + ", ".join(s.value for s in ProposalStatus)
        ) from None


def _service_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > 255:
        raise InvalidInput("service name is longer than 255 characters")
    return name


def _client_reference(text: str) -> str:
    return check_reference(text, "client reference")


def _proposal_reference(text: str) -> str:
    return check_reference(text, "proposal reference")


def _service_tracking(text: str) -> str:
    return check_tracking(text, "tracking category")


def _text(text: str) -> str:
    return text


def _description(text: str) -> str:
    return " ".join(text.split())


# Optional client columns: how a cell is read, and what an empty cell means.
_CLIENT_FIELDS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "email": (check_email, ""),
    "year_end": (parse_year_end, None),
    "payment_terms": (_terms, None),
    "invoice_day": (parse_invoice_day, None),
    "consolidate": (_boolean("consolidate"), None),
    "branding_theme": (_text, None),
    "tracking": (check_tracking, None),
    "last_billable_month": (parse_month, None),
}


# -- clients ------------------------------------------------------------------------------


R = TypeVar("R", Client, Service, Proposal)


@dataclass(slots=True)
class _Changes(Generic[R]):
    """What the import does to one kind of record."""

    created: list[R] = field(default_factory=list)
    updated: list[R] = field(default_factory=list)
    unchanged: int = 0

    def tally(self) -> Tally:
        return Tally(len(self.created), len(self.updated), self.unchanged)

    def note(self, new: R, stored: R | None) -> None:
        if stored is None:
            self.created.append(new)
        elif new != stored:
            self.updated.append(new)
        else:
            self.unchanged += 1


def _mirrored(check: Callable[[str], str], what: str) -> Callable[[str], str]:
    """A cell parser that checks the value against the Xero mirror (a ValueError from
    XeroChoices becomes the cell's problem)."""

    def parse(text: str) -> str:
        try:
            return check(text)
        except ValueError as error:
            raise InvalidInput(f"{what} {text.strip()!r}: {error}") from None

    return parse


class _Spot(NamedTuple):
    """A data row named by its sheet and index (the row itself made only to be reported)."""

    sheet: _Sheet
    at: int

    def where(self) -> str:
        return self.sheet.row(self.at).where()


def _first(
    seen: dict[str, _Row | _Spot], key: str, row: _Row, column: str, kind: str, name: str
) -> bool:
    """Whether `row` is the first of the files to name this client or service (`key`); a
    later one is a problem on its `column`."""
    earlier = seen.get(key)
    if earlier is not None:
        row.problem(
            column, f"{kind} {name!r} is already on {earlier.where()}: each {kind} is imported once"
        )
        return False
    seen[key] = row
    return True


#: The optional columns of a clients file in the order of Client's fields, with what the
#: fields between them (the Xero contact's id and name) are when a client is made.
_CLIENT_ORDER = (
    "email",
    "year_end",
    None,
    None,
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
)


def _clients(
    sheets: list[_Sheet], stored: dict[str, Client], choices: XeroChoices
) -> tuple[_Changes[Client], set[str]]:
    """The clients to write, and every reference the files name (good rows or not)."""
    changes: _Changes[Client] = _Changes()
    reference_cell = _Cell("reference", _client_reference, required=True)
    name_cell = _Cell("name", check_name, required=True)
    fields = dict(_CLIENT_FIELDS)
    fields["branding_theme"] = (_mirrored(choices.branding_theme, "branding theme"), None)
    fields["tracking"] = (
        _mirrored(lambda text: choices.tracking_option(check_tracking(text)), "tracking"),
        None,
    )
    optional = [(_Cell(column, parse), empty) for column, (parse, empty) in fields.items()]
    first_seen: dict[str, _Row | _Spot] = {}
    named: set[str] = set()
    for sheet in sheets:
        given = [(cell, empty) for cell, empty in optional if cell.column in sheet.columns]
        if _clients_at_once(
            sheet, reference_cell, name_cell, given, first_seen, named, stored, changes
        ):
            continue
        for row in sheet.rows:
            reference = reference_cell(row)
            name = name_cell(row)
            values: dict[str, Any] = {}
            for cell, empty in given:
                parsed = cell(row)
                values[cell.column] = empty if parsed is None else parsed
            if reference is None:
                continue
            named.add(reference)
            if not _first(first_seen, reference, row, "reference", "client", reference):
                continue
            if row.bad or name is None:
                continue
            before = stored.get(reference)
            base = before or Client(reference=reference, name=name)
            changes.note(replace(base, name=name, **values), before)
    return changes, named


def _clients_at_once(
    sheet: _Sheet,
    reference_cell: _Cell[str],
    name_cell: _Cell[str],
    given: list[tuple[_Cell[Any], Any]],
    first_seen: dict[str, _Row | _Spot],
    named: set[str],
    stored: dict[str, Client],
    changes: _Changes[Client],
) -> bool:
    """The sheet's clients read column by column (each distinct text once, the clients made
    by one map), when every row is good and names a client no earlier row named: True. Else
    False, having changed nothing: then its rows are read one by one (`_clients`), which
    tells each problem on its row and column, and makes the same clients of the rest."""
    if sheet.bad:
        return False
    references = reference_cell.values(sheet.cells("reference"))
    if references is None or len(set(references)) != len(references):
        return False
    if not first_seen.keys().isdisjoint(references):
        return False
    names = name_cell.values(sheet.cells("name"))
    if names is None:
        return False
    columns: dict[str, list[Any]] = {}
    for cell, empty in given:
        values = cell.values(sheet.cells(cell.column))
        if values is None:
            return False
        if empty is not None:
            values = [empty if value is None else value for value in values]
        columns[cell.column] = values
    spots = map(_Spot, repeat(sheet), range(len(references)))
    first_seen.update(zip(references, spots, strict=False))  # (map ends with references)
    named.update(references)
    count = len(references)
    if stored.keys().isdisjoint(references):

        def column(name: str | None) -> Iterable[Any]:
            found = columns.get(name) if name is not None else None
            if found is not None:
                return found
            return repeat("" if name == "email" else None, count)  # Client's defaults

        changes.created.extend(
            map(Client, references, names, *(column(name) for name in _CLIENT_ORDER))
        )
        return True
    for index, reference in enumerate(references):
        given_values = {column: found[index] for column, found in columns.items()}
        before = stored.get(reference)
        base = before or Client(reference=reference, name=names[index])
        changes.note(replace(base, name=names[index], **given_values), before)
    return True


# -- services -----------------------------------------------------------------------------


def _services(
    sheets: list[_Sheet], stored: dict[str, Service], choices: XeroChoices
) -> tuple[_Changes[Service], dict[str, Service], set[str]]:
    """The services to write, the catalogue the proposals see, and every name the files use."""
    changes: _Changes[Service] = _Changes()
    catalogue = dict(stored)
    name_cell = _Cell("name", _service_name, required=True)
    method_cell = _Cell("billing_method", parse_method, required=True)
    code_cell = _Cell(
        "account_code",
        _mirrored(lambda text: choices.account_code(check_account_code(text)), "account code"),
    )
    alignment_cell = _Cell("alignment_fee", _boolean("alignment_fee"))
    tracking_cell = _Cell(
        "tracking",
        _mirrored(lambda text: choices.tracking_option(_service_tracking(text)), "tracking"),
    )
    first_seen: dict[str, _Row | _Spot] = {}
    named: set[str] = set()
    for sheet in sheets:
        for row in sheet.rows:
            name = name_cell(row)
            method = method_cell(row)
            values: dict[str, Any] = {}
            if row.has("account_code"):
                values["account_code"] = code_cell(row)
            if row.has("alignment_fee"):
                values["alignment_eligible"] = bool(alignment_cell(row))
            if row.has("tracking"):
                values["tracking_category"] = tracking_cell(row)
            if name is None:
                continue
            key = name.casefold()
            named.add(key)
            if not _first(first_seen, key, row, "name", "service", name):
                continue
            if row.bad or method is None:
                continue
            before = stored.get(key)
            base = before or Service(name=name, billing_method=method)
            service = replace(base, name=name, billing_method=method, **values)
            problem = alignment_problem(service)
            if problem is not None:
                row.problem(
                    "alignment_fee" if row.has("alignment_fee") else "billing_method", problem
                )
                continue
            catalogue[key] = service
            changes.note(service, before)
    return changes, catalogue, named


# -- proposals ----------------------------------------------------------------------------


_Head = tuple[str, ProposalStatus, date | None, str]  # client, status, start date, title
_LineValues = tuple[str, str, Decimal, Decimal, BillingMethod | None, Month | None, Month | None]


class _LineRow(NamedTuple):
    """A proposals row as read: one line of one proposal."""

    row: _Row
    proposal: str
    head: _Head
    service: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    method: BillingMethod | None
    start: Month | None  # the first month billed; None for a line that never bills
    end: Month | None

    @property
    def client(self) -> str:
        return self.head[0]

    @property
    def status(self) -> ProposalStatus:
        return self.head[1]


_HEAD_COLUMNS = ("client_reference", "status", "start_date", "title")  # a _Head's
_ONE = Decimal(1)
_MISSING: Any = object()  # a text not read before (None is an empty optional cell)


class _ProposalCells:
    """The cells of proposals files. A proposal's head (reference, client, status, start
    date, title) repeats on each of its rows and most lines repeat across proposals: each
    distinct head and line is read once and checked once."""

    HEAD = ("proposal_reference", "client_reference", "status", "start_date", "title")
    LINE = (
        "service",
        "description",
        "quantity",
        "unit_price",
        "billing_method",
        "from_month",
        "to_month",
    )

    def __init__(self, practice: PracticeSettings) -> None:
        style, sign = practice.date_format, practice.currency_sign

        def start_date(text: str) -> date:
            return parse_date(text, "start date", style)

        def unit_price(text: str) -> Decimal:
            return parse_price(text, what="unit price", signs=sign)

        self.reference = _Cell("proposal_reference", _proposal_reference, required=True)
        self.client = _Cell("client_reference", _client_reference, required=True)
        self.status = _Cell("status", _status, required=True)
        self.start_date = _Cell("start_date", start_date)
        self.title = _Cell("title", _text)
        self.service = _Cell("service", _service_name, required=True)
        self.description = _Cell("description", _description)
        self.quantity = _Cell("quantity", parse_quantity)
        self.unit_price = _Cell("unit_price", unit_price, required=True)
        self.method = _Cell("billing_method", parse_method)
        self.from_month = _Cell("from_month", parse_month)
        self.to_month = _Cell("to_month", parse_month)
        self.heads: dict[tuple[str, ...], tuple[str, _Head, Month | None]] = {}
        self.first_months: dict[date, Month] = {}

    def read(self, sheet: _Sheet, grouped: _Grouped) -> None:
        """Read the sheet's rows into `grouped`: each proposal's first row and head, its lines,
        and the proposals with a row that could not be read. Each row's cells are looked up
        among the texts already read: a row of known texts whose line is good is taken as
        it is (what it accepts, `_line` accepts with the same values: 1.4 million rows of
        200,000 proposals are read in seconds); a row with a text not read before, or with
        a problem, is read by `_head` and `_line`, which report each problem on its row and
        column."""
        absent = -1  # _read ends every record with an empty cell
        head_of = itemgetter(*(sheet.columns.get(c, absent) for c in self.HEAD))
        line_of = itemgetter(*(sheet.columns.get(c, absent) for c in self.LINE))
        reference_at = sheet.columns["proposal_reference"]
        heads, first_heads = self.heads, grouped.heads
        lines, broken = grouped.lines, grouped.broken
        missing = _MISSING
        draft, cancelled = ProposalStatus.DRAFT, ProposalStatus.CANCELLED
        services = self.service.seen
        descriptions = self.description.seen
        quantities = self.quantity.seen
        prices = self.unit_price.seen
        methods = self.method.seen
        from_months = self.from_month.seen
        to_months = self.to_month.seen
        # the proposal of the row before, its head and its entries: a proposal's rows are
        # usually together
        last: tuple[str, _Head, Month | None] | None = None
        entries: list[_Entry] = []
        for index, record in enumerate(sheet.records):
            head_key: tuple[str, ...] = head_of(record)
            head = heads.get(head_key)
            if head is None:
                read = self._head(sheet.row(index), head_key)
                if read is not None:
                    start_date = read[1][2]
                    first_month = None if start_date is None else self._first_month(start_date)
                    head = heads[head_key] = (*read, first_month)
            cells: tuple[str, ...] = line_of(record)
            if head is None:
                self._line(sheet.row(index), cells, None, None)  # its problems are told too
                broken.add(record[reference_at].strip())
                continue
            proposal, agreed, first = head
            status = agreed[1]
            # the line, when every cell is a text read before and the line is good
            line: _LineValues | None = None
            service = services.get(cells[0], missing)
            description = descriptions.get(cells[1], missing)
            quantity = quantities.get(cells[2], missing)
            unit_price = prices.get(cells[3], missing)
            method = methods.get(cells[4], missing)
            from_month = from_months.get(cells[5], missing)
            to_month = to_months.get(cells[6], missing)
            if not (
                service is missing
                or description is missing
                or quantity is missing
                or unit_price is missing
                or method is missing
                or from_month is missing
                or to_month is missing
            ):
                start = None
                good = True
                if status is draft:
                    good = from_month is None and to_month is None
                elif status is cancelled and to_month is None:
                    good = from_month is None
                elif first is not None:
                    start = from_month or first
                    good = start.ordinal >= first.ordinal and (
                        to_month is None or to_month.ordinal >= start.ordinal
                    )
                if good:
                    line = (
                        service,
                        description or "",
                        _ONE if quantity is None else quantity,
                        unit_price,
                        method,
                        start,
                        to_month if start is not None else None,
                    )
            if line is None:
                line = self._line(sheet.row(index), cells, status, agreed[2])
            if head is last:
                if line is None:
                    broken.add(proposal)
                else:
                    entries.append((line, sheet, index))
                continue
            first_head = first_heads.get(proposal)
            if first_head is None:
                first_heads[proposal] = (sheet, index, agreed)
            elif agreed is not first_head[2]:
                for column, mine, theirs in zip(_HEAD_COLUMNS, agreed, first_head[2], strict=True):
                    if mine != theirs:
                        sheet.row(index).problem(
                            column,
                            f"proposal {proposal!r} has {column} {_shown(theirs)} on "
                            f"{first_head[0].row(first_head[1]).where()}: every row of a "
                            "proposal must agree",
                        )
                        broken.add(proposal)
                        break
            if first_head is None or agreed is first_head[2]:
                last = head  # the next rows of this proposal and head go straight to entries
                entries = lines.setdefault(proposal, [])
            else:
                last = None
                entries = lines.setdefault(proposal, [])
            if line is None:
                broken.add(proposal)
            else:
                entries.append((line, sheet, index))

    def _first_month(self, start_date: date) -> Month:
        first = self.first_months.get(start_date)
        if first is None:
            first = self.first_months[start_date] = Month.of(start_date)
        return first

    def _head(self, row: _Row, cells: tuple[str, ...]) -> tuple[str, _Head] | None:
        """The proposal's reference and head from the row's HEAD cells."""
        before = len(row.problems.found)
        proposal = self.reference(row, cells[0])
        client = self.client(row, cells[1])
        status = self.status(row, cells[2])
        start_date = self.start_date(row, cells[3])
        title = self.title(row, cells[4]) or ""
        if (
            status is not None
            and status is not ProposalStatus.DRAFT
            and not cells[3].strip()  # (a start date given but not read is its own problem)
        ):
            row.problem("start_date", f"an {status} proposal needs its start date, YYYY-MM-DD")
        if len(row.problems.found) > before or proposal is None or client is None or status is None:
            return None
        return proposal, (client, status, start_date, title)

    def _line(
        self,
        row: _Row,
        cells: tuple[str, ...],
        status: ProposalStatus | None,
        start_date: date | None,
    ) -> _LineValues | None:
        """The line from the row's LINE cells, checked against the proposal's status and
        start date (when they are known)."""
        before = len(row.problems.found)
        service = self.service(row, cells[0])
        description = self.description(row, cells[1]) or ""
        quantity = self.quantity(row, cells[2])
        unit_price = self.unit_price(row, cells[3])
        method = self.method(row, cells[4])
        from_month = self.from_month(row, cells[5])
        to_month = self.to_month(row, cells[6])
        start: Month | None = None
        if status is ProposalStatus.DRAFT:
            for column, given in (("from_month", from_month), ("to_month", to_month)):
                if given is not None:
                    row.problem(
                        column,
                        f"a draft's lines start when it is accepted: leave {column} empty "
                        "(give the proposed start as start_date)",
                    )
        elif status is ProposalStatus.CANCELLED and to_month is None:
            if from_month is not None:
                row.problem(
                    "to_month",
                    "a cancelled proposal's line bills up to its to_month: give the last "
                    "month it was billed (or leave from_month empty too: never billed)",
                )
        elif status is not None and start_date is not None:
            first = self._first_month(start_date)
            start = from_month or first
            if start < first:
                row.problem(
                    "from_month",
                    f"from_month {start} is before the proposal's start date {start_date}",
                )
            if to_month is not None and to_month < start:
                row.problem(
                    "to_month", f"to_month {to_month} is before the line's first month {start}"
                )
        if len(row.problems.found) > before or service is None or unit_price is None:
            return None
        return (
            service,
            description,
            _ONE if quantity is None else quantity,
            unit_price,
            method,
            start,
            to_month if start is not None else None,
        )


def _build_lines(rows: list[_LineRow], services: list[Service]) -> tuple[ProposalLine, ...]:
    """The proposal's lines, their cycle anchors and alignment fees decided by
    domain.proposals.decided_lines."""
    lines = []
    for row, service in zip(rows, services, strict=True):
        method = row.method or service.billing_method
        lines.append(
            ProposalLine(
                service.name,
                row.description or service.name,
                row.quantity,
                row.unit_price,
                method,
                row.start,
                row.end,
                charges_alignment=charges_alignment(service, method),
            )
        )
    return decided_lines(lines)


def _decided(entries: list[_Entry], services: list[tuple[Service, str]]) -> tuple[DecidedLine, ...]:
    """A new proposal's lines as `_build_lines` makes them (decided by
    domain.proposals.decided_facts), as plain values."""
    facts: list[LineFacts] = [
        (
            key,
            method := values[4] or service.billing_method,
            values[5],
            values[6],
            charges_alignment(service, method),
        )
        for (values, _, _), (service, key) in zip(entries, services, strict=True)
    ]
    return tuple(
        [
            (
                service.name,
                values[1] or service.name,
                values[2],
                values[3],
                fact[1],
                values[5],
                values[6],
                anchor,
                charges,
            )
            for (values, _, _), (service, _), fact, (anchor, charges) in zip(
                entries, services, facts, decided_facts(facts), strict=True
            )
        ]
    )


@dataclass(slots=True)
class _Context:
    """What the proposals are checked against."""

    clients: set[str]  # references in the store or the import
    clients_complete: bool  # False when a clients file could not be read
    catalogue: dict[str, Service]  # casefolded name: the service as it will be
    service_names: set[str]  # casefolded names the services files use, good rows or not
    services_complete: bool
    stored: dict[str, Proposal]
    finalised: Month | None
    now: datetime  # accepted_at of a newly accepted proposal
    practice: PracticeSettings  # how dates and amounts are written


#: One line of a proposal as read: its values, and the sheet and index of its row.
_Entry = tuple[_LineValues, _Sheet, int]


@dataclass(slots=True)
class _Grouped:
    lines: dict[str, list[_Entry]]  # each proposal's rows that were read
    heads: dict[str, tuple[_Sheet, int, _Head]]  # each proposal's first row and its head
    broken: set[str]  # proposals with a row that could not be read


def _group(sheets: list[_Sheet], practice: PracticeSettings) -> _Grouped:
    """The rows of each proposal, checking that they agree on the proposal itself."""
    cells = _ProposalCells(practice)
    grouped = _Grouped({}, {}, set())
    for sheet in sheets:
        cells.read(sheet, grouped)
    return grouped


@dataclass(slots=True)
class _ProposalChanges:
    """What the import does to proposals: new ones as plain values, changed ones as records."""

    added: list[NewProposal] = field(default_factory=list)
    changes: _Changes[Proposal] = field(default_factory=_Changes)
    references: set[str] = field(default_factory=set)  # every proposal the rows name

    def tally(self) -> Tally:
        tally = self.changes.tally()
        return replace(tally, created=tally.created + len(self.added))


def _proposals(
    sheets: list[_Sheet], context: _Context, grouped: _Grouped | None = None
) -> _ProposalChanges:
    """What the proposals sheets' rows do (`grouped`: their rows, when grouped already)."""
    if grouped is None:
        grouped = _group(sheets, context.practice)
    hold(grouped)
    unknown: set[str] = set()
    for reference, (sheet, index, agreed) in grouped.heads.items():
        client = agreed[0]
        if client not in context.clients:
            unknown.add(reference)
            if context.clients_complete:
                sheet.row(index).problem(
                    "client_reference",
                    f"client {client!r} is neither in the store nor in this import",
                )
    result = _ProposalChanges(references=grouped.heads.keys() | grouped.broken)
    hold(result)
    changes = result.changes
    # each service name as read: its catalogue entry and casefolded name (None: unknown)
    named: dict[str, tuple[Service, str] | None] = {}
    for reference, entries in grouped.lines.items():
        ok = reference not in grouped.broken and reference not in unknown
        services: list[tuple[Service, str]] = []
        for values, sheet, index in entries:
            name = values[0]
            try:
                found = named[name]
            except KeyError:
                key = name.casefold()
                service = context.catalogue.get(key)
                found = named[name] = None if service is None else (service, key)
            if found is None:
                ok = False
                key = name.casefold()
                if context.services_complete and key not in context.service_names:
                    sheet.row(index).problem(
                        "service",
                        f"service {name!r} is neither in the store nor in this "
                        "import: see `socket services list`",
                    )
                continue
            services.append(found)
        if not ok:
            continue
        client, status, start_date, title = grouped.heads[reference][2]
        stored = context.stored.get(reference)
        if stored is None:
            result.added.append(
                NewProposal(
                    reference,
                    client,
                    status,
                    start_date,
                    title,
                    accepted_at(None, status, context.now),
                    _decided(entries, services),
                )
            )
            continue
        rows = [
            _LineRow(sheet.row(index), reference, (client, status, start_date, title), *values)
            for values, sheet, index in entries
        ]
        first = rows[0]
        proposal = Proposal(
            reference=reference,
            client_reference=client,
            status=status,
            start_date=start_date,
            title=title,
            lines=_build_lines(rows, [service for service, _ in services]),
        )
        if not can_change_status(stored.status, status):
            first.row.problem("status", _status_problem(stored, proposal))
            continue
        if same_proposal(proposal, stored):
            changes.unchanged += 1
            continue
        if stored.status is not ProposalStatus.DRAFT and context.finalised is not None:
            month = first_difference(stored, proposal)
            if month is not None and touches_finalised(month, context.finalised):
                _finalised_problem(rows, proposal, stored, month, context.finalised)
                continue
        when = accepted_at(stored, status, context.now)
        changes.updated.append(with_kept_line_ids(replace(proposal, accepted_at=when), stored))
    return result


def _shown(value: object) -> str:
    return repr(str(value)) if value not in (None, "") else "empty"


def _status_problem(stored: Proposal, proposal: Proposal) -> str:
    reference = proposal.reference
    if stored.status is ProposalStatus.ACCEPTED:
        return (
            f"proposal {reference!r} is accepted in the store: it cannot go back to "
            f"{proposal.status} (cancel it, or change it with `socket proposals change`)"
        )
    return (
        f"proposal {reference!r} is cancelled in the store: it cannot become "
        f"{proposal.status} again (import it under a new reference)"
    )


def _finalised_problem(
    rows: list[_LineRow], proposal: Proposal, stored: Proposal, month: Month, finalised: Month
) -> None:
    stored_lines = Counter(line_identity(line) for line in stored.lines)
    row = rows[0].row
    for line, new in zip(rows, proposal.lines, strict=True):
        if stored_lines[line_identity(new)] == 0 and new.active_in(month):
            row = line.row
            break
    row.problem(
        "proposal_reference",
        f"proposal {proposal.reference!r} would bill differently in {month}, which is "
        f"already finalised (plans are finalised up to {finalised}): months already "
        "finalised keep what they were billed; change an accepted proposal from a later "
        "month with `socket proposals change`",
    )


def _stripped(texts: Iterable[str]) -> set[str]:
    return {text.strip() for text in texts} - {""}


# -- a big sheet's later part, checked and written by a second process ---------------------

#: From how many proposal rows an import on a store that can (`StartSecond`: SQLite, two
#: cores) has a second process check and write the later part of them.
SPLIT_FROM = 200_000
#: The share of the rows the second process takes: it reads and checks them, makes their
#: rows and writes them into its scratch file, while this process checks the clients and
#: services, then its own share of the proposals, and writes everything else; the two
#: take about as long (bench/README.md, sixth round).
SPLIT_SHARE = 0.55


@dataclass(frozen=True, slots=True)
class _PartJob:
    """What the second process is given first: the rows to read (from `line` of `file`, the
    `count` rows to its end, the first of them `first`; the file as it was when this process
    read it, `stamp`) and how the practice writes dates and amounts."""

    file: str
    line: int
    count: int
    first: list[str]
    stamp: tuple[int, int]
    practice: PracticeSettings


@dataclass(frozen=True, slots=True)
class _PartChecked:
    """What the second process found: its rows' problems, and the new proposals and lines
    of its rows."""

    problems: list[Problem]
    proposals: int
    lines: int
    references: set[str]  # every proposal its rows name


def _split_at(sheet: _Sheet) -> int | None:
    """Where a sheet's later part begins: SPLIT_SHARE of its rows, at the start of a
    proposal (a proposal's rows are usually together; when some are not, the two parts
    name the same proposal, and the import checks the whole sheet itself)."""
    at = len(sheet.records) - int(len(sheet.records) * SPLIT_SHARE)
    column = sheet.columns["proposal_reference"]
    records = sheet.records
    while 0 < at < len(records) and records[at][column].strip() == records[at - 1][column].strip():
        at += 1
    return at if 0 < at < len(records) else None


class _LaterPart:
    """A big proposals sheet's later part, checked and written by a second process while
    this one checks and writes the first part (`first`). For `add_new`, the ProposalsAside
    it copies in after its own (or, should the process fail, makes here)."""

    def __init__(
        self, process: SecondProcess, sheet: _Sheet, at: int, practice: PracticeSettings
    ) -> None:
        self._process = process
        self.first = sheet.part(0, at)
        self.rest = sheet.part(at, len(sheet.records))
        self.practice = practice
        self.work_from: Month | None = None
        self._context: _Context | None = None
        self._closed = False
        self.proposals = 0
        self.lines = 0

    @classmethod
    def start(
        cls, second: StartSecond, sheet: _Sheet, practice: PracticeSettings
    ) -> _LaterPart | None:
        """The second process started on the sheet's later part, which it begins to read
        and group at once; None when the sheet cannot be split or no process started."""
        at = _split_at(sheet)
        if at is None:
            return None
        job = _PartJob(
            sheet.file,
            sheet.numbers[at] - 1,
            len(sheet.records) - at,
            sheet.records[at],
            sheet.stamp,
            practice,
        )
        process = second(job)
        return None if process is None else cls(process, sheet, at, practice)

    def check(self, context: _Context, work_from: Month) -> None:
        """Give the process what its rows are checked against (it checks them meanwhile)."""
        self._context = context
        self.work_from = work_from
        self._process.send((context, work_from))

    def checked(self, first: _ProposalChanges) -> list[Problem] | None:
        """The problems of the later rows, as found by the process; None when it failed or
        its rows name a proposal of the `first` part's (then the process is ended)."""
        answer = self._process.receive()
        if not isinstance(answer, _PartChecked) or not first.references.isdisjoint(
            answer.references
        ):
            self.close()
            return None
        self.proposals, self.lines = answer.proposals, answer.lines
        return answer.problems

    def written(self) -> WrittenAside | None:
        answer = None if self._closed else self._process.receive()
        return answer if isinstance(answer, WrittenAside) else None

    def made_here(self) -> list[NewProposal]:
        """The later rows' new proposals checked and made here (the process failed)."""
        self.close()
        assert self._context is not None
        changes = _proposals([self.rest], self._context)
        if self.rest.problems:  # (found by the process too: it would have said so)
            raise ImportFailed(self.rest.problems.sorted())
        return changes.added

    def close(self) -> None:
        self._closed = True
        self._process.close()


def run_second_part(
    job: object,
    receive: Callable[[], object | None],
    send: Callable[[object], None],
    write: Callable[[Sequence[NewProposal], dict[str, str], Month | None], WrittenAside],
) -> None:
    """The second process's work (socketcli/importhelper.py runs it): read the later rows
    (`job`) and group them; `receive` what they are checked against; check them with the
    import's own code; `send` back their problems and counts, and unless there are problems,
    what `write` wrote of their proposals. Anything amiss (the file changed since the import
    read it, the import stopped it) ends it without an answer: the import then checks and
    writes those rows itself."""
    if not isinstance(job, _PartJob):
        return
    problems = _Problems()
    sheet = _read(Path(job.file), problems, job.line)
    if (
        sheet is None
        or sheet.kind is not Kind.PROPOSALS
        or not sheet.complete
        or sheet.stamp != job.stamp
        or len(sheet.records) != job.count
        or sheet.records[0] != job.first
    ):
        return
    problems.found.clear()  # the import's own reading of the whole file reports those
    grouped = _group([sheet], job.practice)
    given = receive()
    if not isinstance(given, tuple):
        return
    context, work_from = given
    changes = _proposals([sheet], context, grouped)
    if changes.changes.tally() != Tally():
        return  # (given stored proposals: not a part this process can write)
    added = changes.added
    send(
        _PartChecked(
            problems.found, len(added), sum(len(p.lines) for p in added), changes.references
        )
    )
    if problems:
        return
    names = {key: service.name for key, service in context.catalogue.items()}
    send(write(added, names, work_from))


def _practice(store: OpenStore) -> PracticeSettings:
    with store() as uow:
        return PracticeSettings.from_values(uow.settings.values())


# -- the use case -------------------------------------------------------------------------


#: How many times an import checks and writes without holding the write lock while it checks,
#: before it takes the lock first and holds it throughout (see `import_csv`).
OPTIMISTIC_ATTEMPTS = 3


def import_csv(
    store: OpenStore,
    clock: Clock,
    files: Sequence[Path],
    *,
    dry_run: bool = False,
    progress: Callable[[str], object] = lambda step: None,
    second: StartSecond | None = None,
) -> ImportReport:
    """Import clients, services and proposals from CSV files: all rows are checked, then all
    are written in the unit of work's one transaction, or none (ImportFailed lists why).

    With `dry_run`, the report says what would change and nothing is written. `progress` is
    told each step as it begins ("Reading clients.csv").

    The store's write lock is held only while writing: the files are read and parsed first,
    without the store; the rows are then checked against the store in a unit of work that
    takes the write lock at its first write (`optimistic`), so other commands, readers and
    writers alike, carry on meanwhile. Should another command write in between, nothing is
    written and the checks run again against what it wrote; after OPTIMISTIC_ATTEMPTS such
    tries the import takes the lock first, as any writer does. A dry run takes no lock.

    With `second` (a store where a second process can help: SQLite, two cores), the first
    import of a big proposals sheet (SPLIT_FROM rows or more, one sheet, none of its
    proposals stored) has a second process check and write the sheet's later part
    (`_LaterPart`), which it starts on as soon as the sheet is read. The result is the same
    as without, problems included; should the process fail, this one does its part.
    """
    problems = _Problems()
    sheets: dict[Kind, list[_Sheet]] = {kind: [] for kind in Kind}
    later: _LaterPart | None = None
    try:
        for index, path in enumerate(files):
            problems.order.setdefault(str(path), index)
            progress(f"Reading {path.name}")
            sheet = _read(path, problems)
            if sheet is None:
                continue
            sheets[sheet.kind].append(sheet)
            if (
                second is not None
                and not dry_run
                and later is None
                and sheet.kind is Kind.PROPOSALS
                and len(sheets[Kind.PROPOSALS]) == 1
                and sheet.complete
                and len(sheet.records) >= SPLIT_FROM
            ):
                later = _LaterPart.start(second, sheet, _practice(store))
        if later is not None and len(sheets[Kind.PROPOSALS]) != 1:
            later.close()
            later = None
        return _import_sheets(
            store, clock, files, sheets, problems, later, dry_run=dry_run, progress=progress
        )
    finally:
        if later is not None:
            later.close()


def _import_sheets(
    store: OpenStore,
    clock: Clock,
    files: Sequence[Path],
    sheets: dict[Kind, list[_Sheet]],
    problems: _Problems,
    later: _LaterPart | None,
    *,
    dry_run: bool,
    progress: Callable[[str], object],
) -> ImportReport:
    """`import_csv` once the files are read: check and write, trying again while another
    command writes meanwhile (`later`, the second process, only helps the first try)."""
    # As the history records them: a file name that is not UTF-8 (a Latin-1 name) with its
    # other bytes as \xNN, since the store holds text.
    names = [
        path.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        for path in files
    ]

    hold(sheets)  # every cell of every row: freed with the process when it ends (lifetime)

    def check_and_write(uow: UnitOfWork, *, dry: bool) -> ImportReport:
        nonlocal later
        part, later = later, None
        try:
            return _check_and_write(
                uow, clock, sheets, problems, names, progress, dry_run=dry, later=part
            )
        finally:
            if part is not None:
                part.close()

    if dry_run:
        with store() as uow:
            return check_and_write(uow, dry=True)
    for _ in range(OPTIMISTIC_ATTEMPTS):
        try:
            with store(write=True, optimistic=True, bulk=True) as uow:
                return check_and_write(uow, dry=False)
        except StoreBusy:
            if problems:  # the rows' checks were cut short: they cannot simply run again
                raise
            continue  # another command wrote meanwhile: check again against its changes
    with store(write=True, bulk=True) as uow:
        return check_and_write(uow, dry=False)


def _check_and_write(
    uow: UnitOfWork,
    clock: Clock,
    sheets: dict[Kind, list[_Sheet]],
    problems: _Problems,
    names: Sequence[str],
    progress: Callable[[str], object],
    *,
    dry_run: bool,
    later: _LaterPart | None = None,
) -> ImportReport:
    """Check the rows against the store and (unless `dry_run`) write them, record the import
    in the history and commit. Raises ImportFailed, having written nothing, when any row (or
    file) has a problem. With `later`, the second process checks and writes the proposals
    sheet's later part, when none of the sheet's proposals is stored (else it is ended)."""
    # What the store holds of what the files name, read set-based.
    proposal_sheets = sheets[Kind.PROPOSALS]
    wanted_clients = {text for sheet in sheets[Kind.CLIENTS] for text in sheet.cells("reference")}
    for sheet in proposal_sheets:
        wanted_clients.update(sheet.cells("client_reference"))
    stored_clients = {
        c.reference: c for c in uow.clients.by_references(sorted(_stripped(wanted_clients)))
    }
    # Account codes and branding themes are checked against the Xero mirror once it holds
    # them (after `socket sync`), as `services add` and `clients edit` check them.
    choices = xero_choices(uow)
    progress("Checking the rows")
    clients, client_refs = _clients(sheets[Kind.CLIENTS], stored_clients, choices)
    stored_services = {service.name.casefold(): service for service in uow.services.all()}
    services, catalogue, service_names = _services(sheets[Kind.SERVICES], stored_services, choices)
    practice = PracticeSettings.from_values(uow.settings.values())
    proposals = _ProposalChanges()
    later_added = 0  # the new proposals of the second process's part
    this_month: Month | None = None  # the practice's month today
    if any(sheet.records for sheet in proposal_sheets):
        wanted = sorted(
            _stripped(
                {text for sheet in proposal_sheets for text in sheet.cells("proposal_reference")}
            )
        )
        context = _Context(
            clients=set(stored_clients) | client_refs,
            clients_complete=all(sheet.complete for sheet in sheets[Kind.CLIENTS]),
            catalogue=catalogue,
            service_names=service_names,
            services_complete=all(sheet.complete for sheet in sheets[Kind.SERVICES]),
            stored={p.reference: p for p in uow.proposals.by_references(wanted)},
            finalised=uow.snapshots.latest_finalised(),
            now=clock.now(),
            practice=practice,
        )
        checked = proposal_sheets
        if later is not None and (context.stored or later.practice != practice):
            later.close()
            later = None
        if later is not None:
            this_month = Month.of(local_today(context.now, practice.time_zone))
            later.check(context, this_month)
            checked = [later.first]
        before = len(problems.found)
        proposals = _proposals(checked, context)
        if later is not None:
            found = later.checked(proposals)
            if found is None:  # the process failed: the whole sheet is checked here
                del problems.found[before:]
                proposals = _proposals(proposal_sheets, context)
                later = None
            else:
                problems.found.extend(found)
                later_added = later.proposals
    if problems:
        raise ImportFailed(problems.sorted())

    proposal_tally = proposals.tally()
    report = ImportReport(
        clients=clients.tally(),
        services=services.tally(),
        proposals=replace(proposal_tally, created=proposal_tally.created + later_added),
        dry_run=dry_run,
    )
    if dry_run:
        uow.rollback()
        return report
    progress("Storing clients, services and proposals")
    for service in [*services.created, *services.updated]:
        uow.services.save(service)
    uow.clients.save_many([*clients.created, *clients.updated])
    added = proposals.added
    written = [*proposals.changes.created, *proposals.changes.updated]
    today = Month.of(local_today(clock.now(), practice.time_zone))  # the practice's today
    if later is not None and today != this_month:  # (a month began since: made here)
        later.close()
    this_month = today
    working = [p.reference for p in written if p.status is not ProposalStatus.DRAFT]
    # The new proposals' work is opened as they are written, from the lines in hand (a
    # draft's lines have not started: it has none). When stored proposals change too, all
    # their work is opened together as before, by open_for, which opens items in the order
    # of each proposal's first work line, old and new proposals interleaved.
    uow.proposals.add_new(added, work_from=None if working else this_month, later=later)
    uow.proposals.save_many(written)
    if working:
        uow.work_items.open_for(
            [
                *(p.reference for p in added if p.status is not ProposalStatus.DRAFT),
                *working,
            ],
            in_force_from=this_month,
        )
    tallies = (report.clients, report.services, report.proposals)
    if any(tally.created or tally.updated for tally in tallies):  # else nothing to record
        uow.history.record(
            imported(
                list(names),
                {
                    what: {
                        "created": tally.created,
                        "updated": tally.updated,
                        "unchanged": tally.unchanged,
                    }
                    for what, tally in (
                        ("clients", report.clients),
                        ("services", report.services),
                        ("proposals", report.proposals),
                    )
                },
            )
        )
    uow.commit()
    return report

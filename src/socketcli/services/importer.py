"""CSV import of clients, services and proposals: every row is checked first, then all are
written in one transaction, or none.

The format is documented in docs/import.md. The import reads the files, decides in plain
code what each row means against what the store holds (created, updated, unchanged, or a
problem) and only then acts: nothing is written while any problem remains, and writes are
set-based, so that tens of thousands of clients import in seconds.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from socketcli.domain.errors import InvalidInput
from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.money import parse_money, parse_quantity
from socketcli.domain.months import Month
from socketcli.domain.records import Client, Proposal, ProposalLine, Service
from socketcli.domain.terms import PaymentTerms
from socketcli.services.catalogue import check_account_code, parse_method
from socketcli.services.clients import (
    check_email,
    check_name,
    check_reference,
    check_tracking,
    parse_year_end,
)
from socketcli.services.ports import UnitOfWork
from socketcli.services.proposals import parse_date

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
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


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
    """A file's kind from its header: proposal_reference, else reference, else billing_method."""
    names = set(columns)
    if names & {"proposal_reference", "client_reference"}:
        return Kind.PROPOSALS
    if "reference" in names:
        return Kind.CLIENTS
    if "billing_method" in names:
        return Kind.SERVICES
    return None


# -- reading ------------------------------------------------------------------------------


class _Problems:
    """Every problem found, in the order of the files given and their rows."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.order: dict[str, int] = {}

    def add(self, file: str, row: int, column: str, reason: str) -> None:
        self.found.append(Problem(file, row, column, reason))

    def __bool__(self) -> bool:
        return bool(self.found)

    def sorted(self) -> list[Problem]:
        return sorted(self.found, key=lambda p: (self.order.get(p.file, 0), p.row))


class _Row:
    """One data row: its cells by column name, and a way to read each cell or say why not."""

    __slots__ = ("bad", "cells", "file", "number", "problems")

    def __init__(self, file: str, number: int, cells: dict[str, str], problems: _Problems):
        self.file = file
        self.number = number
        self.cells = cells
        self.problems = problems
        self.bad = False

    def problem(self, column: str, reason: str) -> None:
        self.bad = True
        self.problems.add(self.file, self.number, column, reason)

    def has(self, column: str) -> bool:
        """True when the file has the column (even if this row's cell is empty)."""
        return column in self.cells

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def value(self, column: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The parsed cell; None when it is empty or not acceptable (then a problem is noted)."""
        text = self.text(column)
        if not text:
            if required:
                self.problem(column, f"{column} is required")
            return None
        try:
            return parse(text)
        except InvalidInput as error:
            self.problem(column, str(error))
            return None

    def where(self) -> str:
        return f"row {self.number} of {self.file}"


@dataclass(slots=True)
class _Sheet:
    file: str
    kind: Kind
    rows: list[_Row]
    complete: bool  # False when a required column is missing: its rows were not read


def _read(path: Path, problems: _Problems) -> _Sheet | None:
    file = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        problems.add(file, 0, "", f"cannot be read: {error.strerror or error}")
        return None
    except UnicodeDecodeError as error:
        problems.add(
            file,
            0,
            "",
            f"is not UTF-8 text (byte {error.start + 1}): save it as 'CSV UTF-8' and try again",
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
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
            problems.add(
                file,
                HEADER_ROW,
                "",
                "the header is not one of a clients file (reference, name, ...), a services "
                "file (name, billing_method, ...) or a proposals file (proposal_reference, "
                "client_reference, ...): see docs/import.md",
            )
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
        if missing:
            return _Sheet(file, kind, [], complete=False)
        width = len(header)
        rows: list[_Row] = []
        for number, record in enumerate(reader, start=HEADER_ROW + 1):
            if not any(cell.strip() for cell in record):
                continue
            row = _Row(
                file,
                number,
                {name: record[index] for index, name in known if index < len(record)},
                problems,
            )
            extra = [i for i in range(width, len(record)) if record[i].strip()]
            if extra:
                row.problem(
                    str(extra[0] + 1),
                    f"the row has a value in column {extra[0] + 1}, which has no header",
                )
            rows.append(row)
    except csv.Error as error:
        problems.add(file, reader.line_num, "", f"is not valid CSV: {error}")
        return None
    return _Sheet(file, kind, rows, complete=True)


# -- cell parsers -------------------------------------------------------------------------


def _memo(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse`, remembering what it returned (150,000 rows repeat the same months and prices)."""
    seen: dict[str, T] = {}

    def cached(text: str) -> T:
        found = seen.get(text)
        if found is None:
            found = seen[text] = parse(text)
        return found

    return cached


def _boolean(column: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        lowered = text.lower()
        if lowered in {"true", "yes", "y", "1"}:
            return True
        if lowered in {"false", "no", "n", "0"}:
            return False
        raise InvalidInput(f"{column} {text!r} is not true or false")

    return parse


def _invoice_day(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 31:
        raise InvalidInput(f"invoice day {text!r} is not a day of the month, 1 to 31")
    return int(text)


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


def _start_date(text: str) -> date:
    return parse_date(text, "start date")


def _service_tracking(text: str) -> str:
    return check_tracking(text, "tracking category")


def _text(text: str) -> str:
    return text


# Optional client columns: how a cell is read, and what an empty cell means.
_CLIENT_FIELDS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "email": (check_email, ""),
    "year_end": (parse_year_end, None),
    "payment_terms": (_terms, None),
    "invoice_day": (_invoice_day, None),
    "consolidate": (_boolean("consolidate"), None),
    "branding_theme": (_text, None),
    "tracking": (check_tracking, None),
    "last_billable_month": (Month.parse, None),
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


def _clients(sheets: list[_Sheet], stored: dict[str, Client]) -> tuple[_Changes[Client], set[str]]:
    """The clients to write, and every reference the files name (good rows or not)."""
    changes: _Changes[Client] = _Changes()
    first_seen: dict[str, _Row] = {}
    named: set[str] = set()
    for sheet in sheets:
        for row in sheet.rows:
            reference = row.value("reference", _client_reference, required=True)
            name = row.value("name", check_name, required=True)
            values: dict[str, Any] = {}
            for column, (parse, empty) in _CLIENT_FIELDS.items():
                if row.has(column):
                    parsed = row.value(column, parse)
                    values[column] = empty if parsed is None else parsed
            if reference is None:
                continue
            named.add(reference)
            earlier = first_seen.get(reference)
            if earlier is not None:
                row.problem(
                    "reference",
                    f"client {reference!r} is already on {earlier.where()}: "
                    "each client is imported once",
                )
                continue
            first_seen[reference] = row
            if row.bad or name is None:
                continue
            before = stored.get(reference)
            base = before or Client(reference=reference, name=name)
            changes.note(replace(base, name=name, **values), before)
    return changes, named


# -- services -----------------------------------------------------------------------------


def _services(
    sheets: list[_Sheet], stored: dict[str, Service]
) -> tuple[_Changes[Service], dict[str, Service], set[str]]:
    """The services to write, the catalogue the proposals see, and every name the files use."""
    changes: _Changes[Service] = _Changes()
    catalogue = dict(stored)
    first_seen: dict[str, _Row] = {}
    named: set[str] = set()
    for sheet in sheets:
        for row in sheet.rows:
            name = row.value("name", _service_name, required=True)
            method = row.value("billing_method", parse_method, required=True)
            values: dict[str, Any] = {}
            if row.has("account_code"):
                values["account_code"] = row.value("account_code", check_account_code)
            if row.has("alignment_fee"):
                values["alignment_eligible"] = bool(
                    row.value("alignment_fee", _boolean("alignment_fee"))
                )
            if row.has("tracking"):
                values["tracking_category"] = row.value("tracking", _service_tracking)
            if name is None:
                continue
            key = name.casefold()
            named.add(key)
            earlier = first_seen.get(key)
            if earlier is not None:
                row.problem(
                    "name",
                    f"service {name!r} is already on {earlier.where()}: "
                    "each service is imported once",
                )
                continue
            first_seen[key] = row
            if row.bad or method is None:
                continue
            before = stored.get(key)
            base = before or Service(name=name, billing_method=method)
            service = replace(base, name=name, billing_method=method, **values)
            if service.alignment_eligible and method is not BillingMethod.MONTHLY:
                row.problem(
                    "alignment_fee" if row.has("alignment_fee") else "billing_method",
                    f"service {name!r} is billed {method}: only a service billed monthly "
                    "can carry an alignment fee",
                )
                continue
            catalogue[key] = service
            changes.note(service, before)
    return changes, catalogue, named


# -- proposals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LineRow:
    """A proposals row as read: one line of one proposal."""

    row: _Row
    proposal: str
    client: str
    status: ProposalStatus
    start_date: date | None
    title: str
    service: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    method: BillingMethod | None
    start: Month | None  # the first month billed; None for a line that never bills
    end: Month | None


class _ProposalCells:
    """The cell parsers of a proposals file, remembering repeated values."""

    def __init__(self) -> None:
        self.reference = _memo(_proposal_reference)
        self.client = _memo(_client_reference)
        self.status = _memo(_status)
        self.date = _memo(_start_date)
        self.month = _memo(Month.parse)
        self.money = _memo(lambda text: parse_money(text, what="unit price"))
        self.quantity = _memo(parse_quantity)
        self.method = _memo(parse_method)

    def read(self, row: _Row) -> _LineRow | None:
        proposal = row.value("proposal_reference", self.reference, required=True)
        client = row.value("client_reference", self.client, required=True)
        status = row.value("status", self.status, required=True)
        start_date = row.value("start_date", self.date)
        service = row.value("service", _service_name, required=True)
        quantity = row.value("quantity", self.quantity)
        unit_price = row.value("unit_price", self.money, required=True)
        method = row.value("billing_method", self.method)
        from_month = row.value("from_month", self.month)
        to_month = row.value("to_month", self.month)
        if status is None or row.bad:
            return None
        start: Month | None = None
        if status is ProposalStatus.DRAFT:
            for column in ("from_month", "to_month"):
                if row.text(column):
                    row.problem(
                        column,
                        f"a draft's lines start when it is accepted: leave {column} empty "
                        "(give the proposed start as start_date)",
                    )
        elif start_date is None:
            row.problem("start_date", f"an {status} proposal needs its start date, YYYY-MM-DD")
        elif status is ProposalStatus.CANCELLED and to_month is None:
            if from_month is not None:
                row.problem(
                    "to_month",
                    "a cancelled proposal's line bills up to its to_month: give the last "
                    "month it was billed (or leave from_month empty too: never billed)",
                )
        else:
            first = Month.of(start_date)
            start = from_month or first
            if start < first:
                row.problem(
                    "from_month",
                    f"from_month {start} is before the proposal's start date {start_date}",
                )
            if to_month is not None and to_month < start:
                row.problem(
                    "to_month",
                    f"to_month {to_month} is before the line's first month {start}",
                )
        if row.bad or proposal is None or client is None or service is None or unit_price is None:
            return None
        return _LineRow(
            row=row,
            proposal=proposal,
            client=client,
            status=status,
            start_date=start_date,
            title=row.text("title"),
            service=service,
            description=" ".join(row.text("description").split()),
            quantity=quantity if quantity is not None else Decimal(1),
            unit_price=unit_price,
            method=method,
            start=start,
            end=to_month if start is not None else None,
        )


_AGREED = ("client_reference", "status", "start_date", "title")
_ALLOWED = {
    (ProposalStatus.DRAFT, ProposalStatus.DRAFT),
    (ProposalStatus.DRAFT, ProposalStatus.ACCEPTED),
    (ProposalStatus.DRAFT, ProposalStatus.CANCELLED),
    (ProposalStatus.ACCEPTED, ProposalStatus.ACCEPTED),
    (ProposalStatus.ACCEPTED, ProposalStatus.CANCELLED),
    (ProposalStatus.CANCELLED, ProposalStatus.CANCELLED),
}


def _agreed(line: _LineRow) -> tuple[object, ...]:
    return (line.client, line.status, line.start_date, line.title)


def _build_lines(rows: list[_LineRow], services: list[Service]) -> tuple[ProposalLine, ...]:
    """The proposal's lines, with billing cycle anchors and alignment fees decided.

    A row that starts the month after a row of the same service and method ended continues
    it (a price change): it keeps that row's anchor, so a quarterly cycle does not move. Only
    the first row of a service can charge an alignment fee.
    """
    anchors: dict[int, Month] = {}
    first_of_service: dict[str, int] = {}
    ordered = sorted(
        (i for i, line in enumerate(rows) if line.start is not None),
        key=lambda i: (rows[i].start, i),
    )
    chains: dict[tuple[str, BillingMethod], list[tuple[Month | None, Month]]] = {}
    for i in ordered:
        line, service = rows[i], services[i]
        assert line.start is not None
        method = line.method or service.billing_method
        key = service.name.casefold()
        first_of_service.setdefault(key, i)
        open_chains = chains.setdefault((key, method), [])
        anchor = line.start
        for index, (last, chain_anchor) in enumerate(open_chains):
            if last is not None and last + 1 == line.start:
                anchor = chain_anchor
                open_chains[index] = (line.end, chain_anchor)
                break
        else:
            open_chains.append((line.end, anchor))
        anchors[i] = anchor
    result = []
    for i, (line, service) in enumerate(zip(rows, services, strict=True)):
        method = line.method or service.billing_method
        result.append(
            ProposalLine(
                service_name=service.name,
                description=line.description or service.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                billing_method=method,
                start=line.start,
                end=line.end,
                anchor=anchors.get(i),
                charges_alignment=(
                    line.start is not None
                    and service.alignment_eligible
                    and method is BillingMethod.MONTHLY
                    and first_of_service.get(service.name.casefold()) == i
                ),
            )
        )
    return tuple(result)


def _identity(line: ProposalLine) -> tuple[object, ...]:
    """Everything stored about a line, its id aside."""
    return (
        line.service_name.casefold(),
        line.description,
        line.quantity,
        line.unit_price,
        line.billing_method,
        line.start,
        line.end,
        line.anchor,
        line.charges_alignment,
    )


def _terms_of(line: ProposalLine) -> tuple[object, ...]:
    """What a line bills in a month in which it is in force."""
    return (
        line.service_name.casefold(),
        line.description,
        line.quantity,
        line.unit_price,
        line.billing_method,
        line.anchor,
        line.charges_alignment,
    )


def _same(a: Proposal, b: Proposal) -> bool:
    return (a.client_reference, a.status, a.start_date, a.title) == (
        b.client_reference,
        b.status,
        b.start_date,
        b.title,
    ) and [_identity(line) for line in a.lines] == [_identity(line) for line in b.lines]


def first_difference(old: Proposal, new: Proposal) -> Month | None:
    """The first month in which `new` would bill differently from `old`; None if none."""
    lines = [*old.lines, *new.lines]
    starts = {line.start for line in lines if line.start is not None}
    if old.client_reference != new.client_reference:
        return min(starts, default=None)
    boundaries = starts | {
        line.end + 1 for line in lines if line.start is not None and line.end is not None
    }
    for month in sorted(boundaries):
        before = Counter(_terms_of(line) for line in old.lines if line.active_in(month))
        after = Counter(_terms_of(line) for line in new.lines if line.active_in(month))
        if before != after:
            return month
    return None


def _reuse_ids(new: Proposal, stored: Proposal) -> Proposal:
    """`new` with each line that is stored exactly as it is carrying that line's id."""
    free: dict[tuple[object, ...], list[int]] = {}
    for line in stored.lines:
        if line.id is not None:
            free.setdefault(_identity(line), []).append(line.id)
    lines = []
    for line in new.lines:
        ids = free.get(_identity(line))
        lines.append(replace(line, id=ids.pop(0)) if ids else line)
    return replace(new, lines=tuple(lines))


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


def _proposals(sheets: list[_Sheet], context: _Context) -> _Changes[Proposal]:
    cells = _ProposalCells()
    groups: dict[str, list[_LineRow]] = {}
    broken: set[str] = set()
    for sheet in sheets:
        for row in sheet.rows:
            line = cells.read(row)
            if line is None:
                broken.add(row.text("proposal_reference"))
                continue
            rows = groups.setdefault(line.proposal, [])
            if rows:
                first = rows[0]
                for column, mine, theirs in zip(
                    _AGREED, _agreed(line), _agreed(first), strict=True
                ):
                    if mine != theirs:
                        line.row.problem(
                            column,
                            f"proposal {line.proposal!r} has {column} {_shown(theirs)} on "
                            f"{first.row.where()}: every row of a proposal must agree",
                        )
                        broken.add(line.proposal)
                        break
            rows.append(line)

    changes: _Changes[Proposal] = _Changes()
    for reference, rows in groups.items():
        first = rows[0]
        ok = reference not in broken
        if first.client not in context.clients:
            ok = False
            if context.clients_complete:
                first.row.problem(
                    "client_reference",
                    f"client {first.client!r} is neither in the store nor in this import",
                )
        services: list[Service] = []
        for line in rows:
            service = context.catalogue.get(line.service.casefold())
            if service is None:
                ok = False
                if context.services_complete and line.service.casefold() not in (
                    context.service_names
                ):
                    line.row.problem(
                        "service",
                        f"service {line.service!r} is neither in the store nor in this "
                        "import: see `socket services list`",
                    )
                continue
            services.append(service)
        if not ok:
            continue
        proposal = Proposal(
            reference=reference,
            client_reference=first.client,
            status=first.status,
            start_date=first.start_date,
            title=first.title,
            lines=_build_lines(rows, services),
        )
        stored = context.stored.get(reference)
        if stored is None:
            if proposal.status is ProposalStatus.ACCEPTED:
                proposal = replace(proposal, accepted_at=context.now)
            changes.note(proposal, None)
            continue
        if (stored.status, proposal.status) not in _ALLOWED:
            first.row.problem("status", _status_problem(stored, proposal))
            continue
        if stored.status is ProposalStatus.DRAFT:
            accepted_at = context.now if proposal.status is ProposalStatus.ACCEPTED else None
        else:
            accepted_at = stored.accepted_at
        proposal = replace(proposal, accepted_at=accepted_at)
        if _same(proposal, stored):
            changes.unchanged += 1
            continue
        if stored.status is not ProposalStatus.DRAFT and context.finalised is not None:
            month = first_difference(stored, proposal)
            if month is not None and month <= context.finalised:
                _finalised_problem(rows, proposal, stored, month, context.finalised)
                continue
        changes.updated.append(_reuse_ids(proposal, stored))
    return changes


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
    stored_lines = Counter(_identity(line) for line in stored.lines)
    row = rows[0].row
    for line, new in zip(rows, proposal.lines, strict=True):
        if stored_lines[_identity(new)] == 0 and new.active_in(month):
            row = line.row
            break
    row.problem(
        "proposal_reference",
        f"proposal {proposal.reference!r} would bill differently in {month}, which is "
        f"already finalised (plans are finalised up to {finalised}): months already "
        "finalised keep what they were billed; change an accepted proposal from a later "
        "month with `socket proposals change`",
    )


# -- the use case -------------------------------------------------------------------------


def import_csv(uow: UnitOfWork, files: Sequence[Path], *, dry_run: bool = False) -> ImportReport:
    """Import clients, services and proposals from CSV files: all rows are checked, then all
    are written in the unit of work's one transaction, or none (ImportFailed lists why).

    With `dry_run`, the report says what would change and nothing is written.
    """
    problems = _Problems()
    sheets: dict[Kind, list[_Sheet]] = {kind: [] for kind in Kind}
    for index, path in enumerate(files):
        problems.order.setdefault(str(path), index)
        sheet = _read(path, problems)
        if sheet is not None:
            sheets[sheet.kind].append(sheet)

    stored_clients = {client.reference: client for client in uow.clients()}
    clients, client_refs = _clients(sheets[Kind.CLIENTS], stored_clients)
    stored_services = {service.name.casefold(): service for service in uow.services()}
    services, catalogue, service_names = _services(sheets[Kind.SERVICES], stored_services)
    proposal_sheets = sheets[Kind.PROPOSALS]
    proposals: _Changes[Proposal] = _Changes()
    if any(sheet.rows for sheet in proposal_sheets):
        context = _Context(
            clients=set(stored_clients) | client_refs,
            clients_complete=all(sheet.complete for sheet in sheets[Kind.CLIENTS]),
            catalogue=catalogue,
            service_names=service_names,
            services_complete=all(sheet.complete for sheet in sheets[Kind.SERVICES]),
            stored={proposal.reference: proposal for proposal in uow.proposals()},
            finalised=uow.latest_finalised(),
            now=uow.now(),
        )
        proposals = _proposals(proposal_sheets, context)
    if problems:
        raise ImportFailed(problems.sorted())

    report = ImportReport(
        clients=clients.tally(),
        services=services.tally(),
        proposals=proposals.tally(),
        dry_run=dry_run,
    )
    if dry_run:
        uow.rollback()
        return report
    for service in [*services.created, *services.updated]:
        uow.save_service(service)
    uow.save_clients([*clients.created, *clients.updated])
    written = [*proposals.created, *proposals.updated]
    uow.save_proposals(written)
    uow.open_work_items_for(
        [p.reference for p in written if p.status is not ProposalStatus.DRAFT],
        in_force_from=Month.of(uow.now().date()),
    )
    uow.commit()
    return report

"""Practices to import: the CSV files of `socket import` (docs/import.md), generated.

The one generator of practices, for the tests and for bench/ (bench/generate_practice.py is
its command line, bench/plan_diff.py imports it). Standard library only: bench/ runs it with
any Python 3.11, the repository root on sys.path.

`generate(out, clients=N)` writes a practice as a real one looks. Every client has one
accepted proposal of `lines` lines (monthly, quarterly and annual in advance, and now and
then an on-completion or one-off line), starting in some month of the last `months` months
before `today` (a few start next month). Lines carry their price history: a price change is
two rows, the old price with its to_month and the new one from the next month. Some lines
are added after the start, some are dropped, some clients are closing (a last billable
month), and two services carry an alignment fee. The same seed gives the same files, byte
for byte.

`regular(out, clients=N)` writes a practice whose counts are known in advance, for tests
that assert them: the same five services for every client, every other line changed price
a year in.

`write_csv` and `proposal_row` are for a test that writes files of its own.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

CLIENT_COLUMNS = (
    "reference",
    "name",
    "email",
    "year_end",
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
)
SERVICE_COLUMNS = ("name", "billing_method", "account_code", "alignment_fee", "tracking")
PROPOSAL_COLUMNS = (
    "proposal_reference",
    "client_reference",
    "status",
    "start_date",
    "title",
    "service",
    "description",
    "quantity",
    "unit_price",
    "billing_method",
    "from_month",
    "to_month",
)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    method: str
    kind: str  # monthly, quarterly, annual, completion: how often it is picked
    low: int  # the usual unit price range, whole units
    high: int
    account_code: str = ""
    alignment_fee: bool = False
    tracking: str = ""
    per_unit: bool = False  # priced per staff member / per hour: quantity varies


SERVICES = (
    ServiceSpec("Bookkeeping", "monthly", "monthly", 90, 600),
    ServiceSpec("Management accounts", "monthly", "monthly", 150, 900),
    ServiceSpec(
        "Payroll", "monthly", "monthly", 8, 30, tracking="Department:Payroll", per_unit=True
    ),
    ServiceSpec("Annual accounts", "monthly", "monthly", 60, 400, alignment_fee=True),
    ServiceSpec("Tax return", "monthly", "monthly", 25, 150, alignment_fee=True),
    ServiceSpec("Cloud software", "monthly", "monthly", 30, 90, account_code="210"),
    ServiceSpec("Advisory retainer", "monthly", "monthly", 95, 180, per_unit=True),
    ServiceSpec("VAT returns", "quarterly_in_advance", "quarterly", 180, 600),
    ServiceSpec("BAS", "quarterly_in_advance", "quarterly", 200, 650),
    ServiceSpec("Quarterly review", "quarterly_in_advance", "quarterly", 250, 900),
    ServiceSpec("Company secretarial", "annual_in_advance", "annual", 150, 500),
    ServiceSpec("Registered office", "annual_in_advance", "annual", 90, 250, account_code="220"),
    ServiceSpec("Year end accounts", "annual_on_completion", "completion", 600, 3000),
    ServiceSpec("Tax planning", "quarterly_on_completion", "completion", 200, 800),
    ServiceSpec("Company formation", "one_off", "completion", 250, 900, account_code="260"),
)
KIND_WEIGHTS = {"monthly": 60, "quarterly": 18, "annual": 12, "completion": 10}

FIRST = (
    "Acme",
    "Anchor",
    "Apex",
    "Arbor",
    "Aspen",
    "Atlas",
    "Bay",
    "Beacon",
    "Birch",
    "Bright",
    "Cedar",
    "City",
    "Clear",
    "Coast",
    "Copper",
    "Crown",
    "Delta",
    "Dune",
    "Eagle",
    "Echo",
    "Elm",
    "Ember",
    "Fern",
    "Field",
    "Flint",
    "Forge",
    "Fox",
    "Glen",
    "Granite",
    "Harbour",
    "Hawk",
    "Heath",
    "Hollow",
    "Iron",
    "Ivy",
    "Jade",
    "Juniper",
    "Kestrel",
    "Lake",
    "Lark",
    "Maple",
    "Marsh",
    "Meadow",
    "Mill",
    "Moor",
    "North",
    "Oak",
    "Orchard",
    "Otter",
    "Peak",
    "Pine",
    "Quarry",
    "Raven",
    "Ridge",
    "River",
    "Rowan",
    "Sage",
    "Shore",
    "Silver",
    "Stone",
    "Summit",
    "Swift",
    "Thistle",
    "Tide",
    "Valley",
    "Vale",
    "Willow",
    "Wren",
)
TRADE = (
    "Dental",
    "Trading",
    "Plumbing",
    "Electrical",
    "Builders",
    "Surf Co",
    "Bakery",
    "Cafe",
    "Motors",
    "Logistics",
    "Design",
    "Media",
    "Consulting",
    "Engineering",
    "Farms",
    "Joinery",
    "Landscaping",
    "Legal",
    "Pharmacy",
    "Physio",
    "Property",
    "Removals",
    "Roofing",
    "Salon",
    "Software",
    "Studio",
    "Tiling",
    "Travel",
    "Veterinary",
    "Wines",
)
SUFFIX = ("Ltd", "Ltd", "Ltd", "Limited", "Pty Ltd", "& Sons Ltd", "LLP", "Co")
YEAR_ENDS = ("31-03", "31-03", "31-03", "30-06", "30-06", "31-12", "31-12", "30-09", "31-01")
TERMS = ("days:14", "days:30", "following:20", "eom:10", "current:25")
THEMES = ("Standard", "Premium", "Simple")
REGIONS = ("Region:North", "Region:South", "Region:East", "Region:West")
TITLES = ("Compliance", "Monthly package", "Onboarding", "Fixed fee", "Annual engagement", "")
MONEY_STEP = Decimal("0.01")


def month_add(month: tuple[int, int], count: int) -> tuple[int, int]:
    ordinal = month[0] * 12 + month[1] - 1 + count
    return divmod(ordinal, 12)[0], divmod(ordinal, 12)[1] + 1


def month_text(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def months_between(first: tuple[int, int], last: tuple[int, int]) -> int:
    return (last[0] * 12 + last[1]) - (first[0] * 12 + first[1])


def price(value: Decimal) -> str:
    return str(value.quantize(MONEY_STEP))


class Practice:
    """The generator: one random stream, used in a fixed order, so a seed fixes every byte."""

    def __init__(self, *, seed: int, today: date, months: int, lines: int) -> None:
        self.rng = random.Random(seed)
        self.today = (today.year, today.month)
        self.months = months
        self.lines = lines
        self.by_kind: dict[str, list[ServiceSpec]] = {}
        for spec in SERVICES:
            self.by_kind.setdefault(spec.kind, []).append(spec)

    # -- clients ----------------------------------------------------------------------
    def client(self, number: int) -> tuple[dict[str, str], tuple[int, int]]:
        """One client's row, and the month its proposal starts."""
        rng = self.rng
        reference = f"C{number:06d}"
        name = f"{rng.choice(FIRST)} {rng.choice(TRADE)} {rng.choice(SUFFIX)}"
        # The proposal starts in one of the last `months` months, or (3%) next month.
        if rng.random() < 0.03:
            start = month_add(self.today, 1)
        else:
            start = month_add(self.today, -rng.randrange(self.months))
        closing = ""
        if rng.random() < 0.04:
            # Closing: the last billable month is around now, never before the start.
            last = month_add(self.today, rng.randint(-2, 2))
            if months_between(start, last) >= 0:
                closing = month_text(last)
        row = {
            "reference": reference,
            "name": name,
            "email": ""
            if rng.random() < 0.15
            else f"accounts@{reference.lower()}.{rng.choice(('example', 'test'))}",
            "year_end": "" if rng.random() < 0.05 else rng.choice(YEAR_ENDS),
            "payment_terms": rng.choice(TERMS) if rng.random() < 0.25 else "",
            "invoice_day": str(rng.choice((1, 15, 20, 28))) if rng.random() < 0.10 else "",
            "consolidate": "true" if rng.random() < 0.10 else "",
            "branding_theme": rng.choice(THEMES) if rng.random() < 0.20 else "",
            "tracking": rng.choice(REGIONS) if rng.random() < 0.15 else "",
            "last_billable_month": closing,
        }
        return row, start

    # -- proposal lines ---------------------------------------------------------------
    def pick_services(self) -> list[ServiceSpec]:
        rng = self.rng
        chosen: list[ServiceSpec] = []
        kinds = list(KIND_WEIGHTS)
        weights = list(KIND_WEIGHTS.values())
        while len(chosen) < self.lines:
            kind = rng.choices(kinds, weights)[0]
            free = [spec for spec in self.by_kind[kind] if spec not in chosen]
            if not free:
                free = [spec for spec in SERVICES if spec not in chosen] or list(SERVICES)
            chosen.append(rng.choice(free))
        return chosen

    def line_rows(self, spec: ServiceSpec, start: tuple[int, int]) -> list[dict[str, str]]:
        """One line's rows: its first price, then each price change as a new row."""
        rng = self.rng
        next_month = month_add(self.today, 1)
        quantity = "1"
        if spec.per_unit:
            quantity = str(rng.randint(1, 25)) if spec.name == "Payroll" else "1.5"
        unit = Decimal(rng.randint(spec.low, spec.high))
        if rng.random() < 0.3:
            unit += Decimal(rng.choice((50, 95, 99))) / 100
        description = ""
        if spec.name == "Payroll":
            description = f"Payroll for {quantity} staff"
        elif rng.random() < 0.2:
            description = f"{spec.name} ({rng.choice(('standard', 'premium', 'basic'))})"
        # 10% of lines are added after the proposal started.
        first = start
        if rng.random() < 0.10 and months_between(start, next_month) >= 2:
            first = month_add(start, rng.randint(1, months_between(start, next_month)))
        # Price changes: none (60%), one (30%) or two (10%), each from a later month, up to
        # next month (a change from next month shows as expanded or contracted in the diff).
        span = months_between(first, next_month)
        draw = rng.random()
        changes = 0 if draw < 0.6 else 1 if draw < 0.9 else 2
        if spec.kind == "completion":
            changes = 0
        changes = min(changes, span)
        change_months = sorted(
            month_add(first, offset) for offset in rng.sample(range(1, span + 1), changes)
        )
        # 5% of lines are dropped at some point (the last segment gets a to_month).
        dropped: tuple[int, int] | None = None
        if rng.random() < 0.05:
            last_start = change_months[-1] if change_months else first
            room = months_between(last_start, next_month)
            dropped = month_add(last_start, rng.randint(0, max(room, 0)))
        segments: list[tuple[tuple[int, int], Decimal]] = [(first, unit)]
        for month in change_months:
            factor = Decimal(rng.choice((103, 104, 105, 108, 110, 115, 90, 95))) / 100
            segments.append((month, segments[-1][1] * factor))
        rows = []
        for index, (begins, amount) in enumerate(segments):
            ends = segments[index + 1][0] if index + 1 < len(segments) else None
            to_month = month_text(month_add(ends, -1)) if ends is not None else ""
            if ends is None and dropped is not None:
                to_month = month_text(dropped)
            rows.append(
                {
                    "service": spec.name,
                    "description": description,
                    "quantity": quantity,
                    "unit_price": price(amount),
                    # The service's method, said explicitly on a fifth of the rows.
                    "billing_method": spec.method if rng.random() < 0.2 else "",
                    "from_month": "" if begins == start else month_text(begins),
                    "to_month": to_month,
                }
            )
        return rows

    def proposal(self, client: str, start: tuple[int, int]) -> list[dict[str, str]]:
        """The client's accepted proposal: one row per version of each line."""
        rng = self.rng
        start_day = rng.randint(1, 28)
        common = {
            "proposal_reference": f"P-{client}-1",
            "client_reference": client,
            "status": "accepted",
            "start_date": f"{month_text(start)}-{start_day:02d}",
            "title": rng.choice(TITLES),
        }
        rows = []
        for spec in self.pick_services():
            for line in self.line_rows(spec, start):
                rows.append({**common, **line})
        return rows


def service_rows(specs: Sequence[ServiceSpec] = SERVICES) -> list[dict[str, str]]:
    return [
        {
            "name": spec.name,
            "billing_method": spec.method,
            "account_code": spec.account_code,
            "alignment_fee": "true" if spec.alignment_fee else "false",
            "tracking": spec.tracking,
        }
        for spec in specs
    ]


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A CSV file as a spreadsheet saves it: the first row is the header (None is empty)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [["" if cell is None else cell for cell in row] for row in rows]
        )
    return path


def write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """Rows by column name, under a header of `columns`."""
    write_csv(path, [columns, *([row.get(column, "") for column in columns] for row in rows)])


def generate(
    out: Path,
    *,
    clients: int,
    seed: int = 1,
    months: int = 24,
    lines: int = 5,
    today: date = date(2026, 11, 21),
) -> dict[str, int]:
    """Write the three files into `out`; return how many rows each has."""
    out.mkdir(parents=True, exist_ok=True)
    practice = Practice(seed=seed, today=today, months=months, lines=lines)
    client_rows: list[dict[str, str]] = []
    proposal_rows: list[dict[str, str]] = []
    for number in range(1, clients + 1):
        row, start = practice.client(number)
        client_rows.append(row)
        proposal_rows.extend(practice.proposal(row["reference"], start))
    services = service_rows()
    write(out / "clients.csv", CLIENT_COLUMNS, client_rows)
    write(out / "services.csv", SERVICE_COLUMNS, services)
    write(out / "proposals.csv", PROPOSAL_COLUMNS, proposal_rows)
    return {
        "clients": len(client_rows),
        "services": len(services),
        "proposal_rows": len(proposal_rows),
    }


def proposal_row(
    proposal: str,
    client: str,
    status: str,
    start: str = "",
    *,
    service: str,
    price: str,
    title: str = "",
    description: str = "",
    quantity: str = "",
    method: str = "",
    from_month: str = "",
    to_month: str = "",
) -> list[str]:
    """One row of a proposals file, in PROPOSAL_COLUMNS' order."""
    return [
        proposal,
        client,
        status,
        start,
        title,
        service,
        description,
        quantity,
        price,
        method,
        from_month,
        to_month,
    ]


#: The services of `regular`; client n's unit price is `low + n % (high - low)`.
REGULAR_SERVICES = (
    ServiceSpec("Bookkeeping", "monthly", "monthly", 100, 150),
    ServiceSpec("Payroll", "monthly", "monthly", 40, 47, tracking="Department:Payroll"),
    ServiceSpec("Annual accounts", "monthly", "monthly", 80, 100, alignment_fee=True),
    ServiceSpec("VAT returns", "quarterly_in_advance", "quarterly", 240, 240),
    ServiceSpec("Tax return", "annual_on_completion", "completion", 450, 450),
)


def regular(out: Path, *, clients: int) -> list[Path]:
    """A practice of `clients` clients, each with one accepted proposal of REGULAR_SERVICES
    begun 24 months before December 2026; every other line changed price (up 10) a year in,
    so it is two rows (about 7.5 proposal rows per client). Returns the three files."""
    out.mkdir(parents=True, exist_ok=True)
    client_rows: list[dict[str, str]] = []
    proposal_rows: list[list[str]] = [list(PROPOSAL_COLUMNS)]
    year_ends = ["31-03", "30-06", "30-09", "31-12"]
    for n in range(clients):
        reference = f"C{n:06d}"
        client_rows.append(
            {
                "reference": reference,
                "name": f"Client {n} Ltd",
                "email": f"c{n}@example.com",
                "year_end": year_ends[n % 4],
                "payment_terms": "days:14",
            }
        )
        head = (f"P{n:06d}", reference, "accepted", "2024-12-01")
        for index, spec in enumerate(REGULAR_SERVICES):
            unit = spec.low + (n % (spec.high - spec.low) if spec.high > spec.low else 0)
            row = partial(proposal_row, *head, service=spec.name, title="Compliance")
            if (n + index) % 2 == 0:
                proposal_rows.append(row(price=f"{unit}.00", to_month="2025-11"))
                proposal_rows.append(row(price=f"{unit + 10}.00", from_month="2025-12"))
            else:
                proposal_rows.append(row(price=f"{unit}.00"))
    files = [out / "clients.csv", out / "services.csv", out / "proposals.csv"]
    write(files[0], CLIENT_COLUMNS[:6], client_rows)  # reference to invoice_day
    write(files[1], SERVICE_COLUMNS, service_rows(REGULAR_SERVICES))
    write_csv(files[2], proposal_rows)
    return files

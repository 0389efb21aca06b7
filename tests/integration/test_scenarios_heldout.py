"""Billing scenarios written from the documents alone (PRODUCT.md, the two seed documents,
docs/import.md, docs/settings.md, docs/guide.md), each with its plan worked out by hand
before socket was run, then run as a user runs socket: `init`, `settings set`, `import` of
CSV files, `plan show --json`, `plan diff --json`, `plan preview --json`, `plan approve`.

Each scenario says what a practice has (clients, proposals, settings) and what the plan
must be: for each month, every client billed with its amount, lines and invoices (nothing
more: a client missing from `expect` must not be billed); the change type of each client
in `plan diff`; and, for some invoices, what Xero will receive. The hand working is in
each scenario's `why`.

Today is 2026-11-21 (tests/conftest.py): past months are computed, December is next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from tests.runner import Socket

#: The pricing menu every scenario shares: one service of each billing method, and an
#: "Annual accounts" that carries the alignment fee. Payroll has its own account code.
SERVICES = """\
name,billing_method,account_code,alignment_fee
Bookkeeping,monthly,,false
Annual accounts,monthly,,true
Payroll,monthly,210,false
VAT returns,quarterly_in_advance,,false
Company secretarial,annual_in_advance,,false
Tax return,annual_on_completion,,false
Management accounts,quarterly_on_completion,,false
Company formation,one_off,260,false
Office cleaning,weekly,,false
"""

CLIENT_HEADER = "reference,name,year_end,payment_terms,invoice_day,consolidate,last_billable_month"
PROPOSAL_HEADER = (
    "proposal_reference,client_reference,status,start_date,service,description,"
    "quantity,unit_price,billing_method,from_month,to_month"
)

#: One client's invoices in a month: (amount, line count, invoice count).
Billed = tuple[str, int, int]


@dataclass(frozen=True)
class Line:
    """A line as Xero will receive it (plan preview --json)."""

    description: str
    quantity: str
    unit_amount: str
    line_amount: str
    account_code: str = "200"


@dataclass(frozen=True)
class Invoice:
    """One invoice of a preview: its dates, reference and lines (None: not checked)."""

    invoice_date: str
    due_date: str | None = None
    reference: str | None = None
    lines: tuple[Line, ...] | None = None
    total: str | None = None


@dataclass(frozen=True)
class Scenario:
    id: str
    why: str
    clients: str
    proposals: str
    settings: tuple[tuple[str, str], ...] = ()
    #: month -> {client reference: (amount, lines, invoices)}: every client billed that month.
    plans: dict[str, dict[str, Billed]] = field(default_factory=dict)
    #: month -> {client reference: change type}: every client `plan diff` lists that month.
    diffs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: (client, month) -> its invoices, in order.
    previews: dict[tuple[str, str], tuple[Invoice, ...]] = field(default_factory=dict)


def clients(*rows: str) -> str:
    return "\n".join((CLIENT_HEADER, *rows)) + "\n"


def proposals(*rows: str) -> str:
    return "\n".join((PROPOSAL_HEADER, *rows)) + "\n"


SCENARIOS = [
    # -- start dates and the month of the first invoice ---------------------------------------
    Scenario(
        "monthly-start-mid-month",
        "PRODUCT: the first recurring invoice is dated in the month in which the confirmed "
        "start date falls. Start 15 Jan 2026, 150 a month: January 150, nothing in December "
        "2025; January is new, February unchanged.",
        clients("A,Alpha Ltd,,,,,"),
        proposals("PA,A,accepted,2026-01-15,Bookkeeping,,,150.00,,,"),
        plans={
            "2025-12": {},
            "2026-01": {"A": ("150.00", 1, 1)},
            "2026-02": {"A": ("150.00", 1, 1)},
        },
        diffs={"2026-01": {"A": "new"}, "2026-02": {"A": "unchanged"}},
    ),
    Scenario(
        "monthly-start-on-the-31st",
        "Start 31 Jan 2026 (the month's last day): January is still the first month, "
        "invoiced on the 1st of January (practice invoice day 1, terms days:14).",
        clients("A,Alpha Ltd,,,,,"),
        proposals("PA,A,accepted,2026-01-31,Bookkeeping,,,120.00,,,"),
        plans={"2026-01": {"A": ("120.00", 1, 1)}, "2026-02": {"A": ("120.00", 1, 1)}},
        previews={
            ("A", "2026-01"): (
                Invoice(
                    "2026-01-01",
                    "2026-01-15",
                    "A Jan 2026",
                    (Line("Bookkeeping – Jan 2026", "1", "120.00", "120.00"),),
                    "120.00",
                ),
            )
        },
    ),
    Scenario(
        "future-start",
        "Accepted today for a start on 15 Mar 2027: nothing until March 2027, then new.",
        clients("A,Alpha Ltd,,,,,"),
        proposals("PA,A,accepted,2027-03-15,Bookkeeping,,,100.00,,,"),
        plans={"2026-12": {}, "2027-02": {}, "2027-03": {"A": ("100.00", 1, 1)}},
        diffs={"2026-12": {}, "2027-03": {"A": "new"}},
    ),
    # -- quarterly and annual in advance --------------------------------------------------------
    Scenario(
        "quarterly-from-the-31st",
        "Quarterly in advance bills the start month, then every 3 months: start 31 Jan 2026 "
        "bills January, April, July, October. A client billed only quarterly is ceased the "
        "month after and not listed in the months between (guide, choices).",
        clients("Q,Quarter Co,,,,,"),
        proposals("PQ,Q,accepted,2026-01-31,VAT returns,,,300.00,,,"),
        plans={
            "2026-01": {"Q": ("300.00", 1, 1)},
            "2026-02": {},
            "2026-03": {},
            "2026-04": {"Q": ("300.00", 1, 1)},
            "2026-10": {"Q": ("300.00", 1, 1)},
            "2027-01": {"Q": ("300.00", 1, 1)},
        },
        diffs={"2026-02": {"Q": "ceased"}, "2026-03": {}, "2026-04": {"Q": "new"}},
    ),
    Scenario(
        "quarterly-across-the-year-end",
        "Start 30 Nov 2026: November, February 2027, May 2027; December is ceased.",
        clients("Q,Quarter Co,,,,,"),
        proposals("PQ,Q,accepted,2026-11-30,VAT returns,,,250.00,,,"),
        plans={
            "2026-11": {"Q": ("250.00", 1, 1)},
            "2026-12": {},
            "2027-02": {"Q": ("250.00", 1, 1)},
            "2027-05": {"Q": ("250.00", 1, 1)},
        },
        diffs={"2026-12": {"Q": "ceased"}},
    ),
    Scenario(
        "quarterly-ending-mid-quarter",
        "VAT returns from January 2026 to May 2026 (to_month): billed in January and April; "
        "July is after its last month.",
        clients("Q,Quarter Co,,,,,"),
        proposals("PQ,Q,accepted,2026-01-01,VAT returns,,,200.00,,2026-01,2026-05"),
        plans={
            "2026-01": {"Q": ("200.00", 1, 1)},
            "2026-04": {"Q": ("200.00", 1, 1)},
            "2026-07": {},
        },
    ),
    Scenario(
        "annual-from-a-leap-day",
        "Annual in advance from 29 Feb 2024: February 2024, February 2025 (no 29th that "
        "year), February 2026; nothing in the months between.",
        clients("Y,Yearly Ltd,,,,,"),
        proposals("PY,Y,accepted,2024-02-29,Company secretarial,,,500.00,,,"),
        plans={
            "2024-02": {"Y": ("500.00", 1, 1)},
            "2024-03": {},
            "2025-01": {},
            "2025-02": {"Y": ("500.00", 1, 1)},
            "2026-02": {"Y": ("500.00", 1, 1)},
        },
        diffs={"2025-02": {"Y": "new"}, "2025-03": {"Y": "ceased"}},
    ),
    Scenario(
        "annual-from-the-31st-of-december",
        "Annual in advance from 31 Dec 2025: December 2025 and December 2026 only.",
        clients("Y,Yearly Ltd,,,,,"),
        proposals("PY,Y,accepted,2025-12-31,Company secretarial,,,600.00,,,"),
        plans={
            "2025-12": {"Y": ("600.00", 1, 1)},
            "2026-01": {},
            "2026-11": {},
            "2026-12": {"Y": ("600.00", 1, 1)},
        },
    ),
    # -- price changes, ended lines, replaced proposals ------------------------------------
    Scenario(
        "monthly-price-rise",
        "Bookkeeping 150 up to November 2026, 180 from December: December expanded by 30.",
        clients("A,Alpha Ltd,,,,,"),
        proposals(
            "PA,A,accepted,2024-01-15,Bookkeeping,,,150.00,,,2026-11",
            "PA,A,accepted,2024-01-15,Bookkeeping,,,180.00,,2026-12,",
        ),
        plans={
            "2024-01": {"A": ("150.00", 1, 1)},
            "2026-11": {"A": ("150.00", 1, 1)},
            "2026-12": {"A": ("180.00", 1, 1)},
        },
        diffs={"2026-12": {"A": "expanded"}},
    ),
    Scenario(
        "quarterly-repriced-off-its-cycle",
        "VAT returns from 10 Feb 2026 at 300 up to August, 330 from September: the new row "
        "keeps the February cycle (import.md, price history), so August bills 300, "
        "September nothing, November 330.",
        clients("Q,Quarter Co,,,,,"),
        proposals(
            "PQ,Q,accepted,2026-02-10,VAT returns,,,300.00,,,2026-08",
            "PQ,Q,accepted,2026-02-10,VAT returns,,,330.00,,2026-09,",
        ),
        plans={
            "2026-05": {"Q": ("300.00", 1, 1)},
            "2026-08": {"Q": ("300.00", 1, 1)},
            "2026-09": {},
            "2026-11": {"Q": ("330.00", 1, 1)},
            "2027-02": {"Q": ("330.00", 1, 1)},
        },
    ),
    Scenario(
        "a-line-ends",
        "Bookkeeping 100 ends after March 2026; payroll 2 x 25 goes on: April contracted "
        "(50.00 in 1 line against 150.00 in 2).",
        clients("A,Alpha Ltd,,,,,"),
        proposals(
            "PA,A,accepted,2026-01-01,Bookkeeping,,,100.00,,,2026-03",
            "PA,A,accepted,2026-01-01,Payroll,Payroll for 2 staff,2,25.00,,,",
        ),
        plans={"2026-03": {"A": ("150.00", 2, 1)}, "2026-04": {"A": ("50.00", 1, 1)}},
        diffs={"2026-04": {"A": "contracted"}},
    ),
    Scenario(
        "a-proposal-replaced-by-another",
        "P1 (cancelled after billing January to December 2026 at 100) is replaced by P2 at "
        "130 from January 2027: one client, expanded in January.",
        clients("A,Alpha Ltd,,,,,"),
        proposals(
            "P1,A,cancelled,2026-01-01,Bookkeeping,,,100.00,,2026-01,2026-12",
            "P2,A,accepted,2027-01-01,Bookkeeping,,,130.00,,,",
        ),
        plans={"2026-12": {"A": ("100.00", 1, 1)}, "2027-01": {"A": ("130.00", 1, 1)}},
        diffs={"2027-01": {"A": "expanded"}},
    ),
    Scenario(
        "same-amount-in-more-lines-is-unchanged",
        "Bookkeeping 200 up to November; from December bookkeeping 120 and payroll 80: the "
        "same 200.00 in 2 lines, unchanged (guide, choices).",
        clients("A,Alpha Ltd,,,,,"),
        proposals(
            "PA,A,accepted,2026-06-01,Bookkeeping,,,200.00,,,2026-11",
            "PA,A,accepted,2026-06-01,Bookkeeping,,,120.00,,2026-12,",
            "PA,A,accepted,2026-06-01,Payroll,,,80.00,,2026-12,",
        ),
        plans={"2026-11": {"A": ("200.00", 1, 1)}, "2026-12": {"A": ("200.00", 2, 1)}},
        diffs={"2026-12": {"A": "unchanged"}},
    ),
    # -- statuses and methods outside the plan ---------------------------------------------
    Scenario(
        "cancelled-draft-and-weekly-bill-nothing-else",
        "A cancelled proposal bills only the months its lines name; one without months never "
        "billed; a draft bills nothing; a weekly line is never invoiced; on-completion and "
        "one-off lines are work items, not plan lines.",
        clients("A,Alpha Ltd,,,,,", "B,Beta Ltd,,,,,", "C,Gamma Ltd,,,,,"),
        proposals(
            "P1,A,cancelled,2026-01-01,Bookkeeping,,,100.00,,2026-01,2026-06",
            "P2,B,cancelled,2026-01-01,Bookkeeping,,,100.00,,,",
            "P3,B,draft,2026-03-01,Bookkeeping,,,100.00,,,",
            "P4,C,accepted,2026-01-01,Office cleaning,,,40.00,,,",
            "P4,C,accepted,2026-01-01,Tax return,,,400.00,,,",
            "P4,C,accepted,2026-01-01,Company formation,,,350.00,,,",
            "P4,C,accepted,2026-01-01,Management accounts,,,90.00,,,",
        ),
        plans={"2026-06": {"A": ("100.00", 1, 1)}, "2026-07": {}, "2026-12": {}},
        diffs={"2026-07": {"A": "ceased"}},
    ),
    # -- several proposals of one client --------------------------------------------------
    Scenario(
        "several-proposals-on-one-invoice",
        "Bookkeeping 100 from January (P1), payroll 2 x 30 from 15 June (P2), company "
        "secretarial 250 a year from 1 June (P3): June is one invoice of 410.00 in 3 lines "
        "(expanded from 100), July 160.00 in 2 (contracted).",
        clients("A,Alpha Ltd,,,,,"),
        proposals(
            "P1,A,accepted,2026-01-01,Bookkeeping,,,100.00,,,",
            "P2,A,accepted,2026-06-15,Payroll,,2,30.00,,,",
            "P3,A,accepted,2026-06-01,Company secretarial,,,250.00,,,",
        ),
        plans={
            "2026-05": {"A": ("100.00", 1, 1)},
            "2026-06": {"A": ("410.00", 3, 1)},
            "2026-07": {"A": ("160.00", 2, 1)},
        },
        diffs={"2026-06": {"A": "expanded"}, "2026-07": {"A": "contracted"}},
    ),
    # -- closing clients ------------------------------------------------------------------
    Scenario(
        "closing-client",
        "Last billable month November 2026: bookkeeping 90 a month and VAT returns 200 a "
        "quarter from December 2025 (December, March, June, September). September 290.00, "
        "November 90.00, December nothing (ceased), March 2027 nothing.",
        clients("H,Hollow Farm,,,,,2026-11"),
        proposals(
            "PH,H,accepted,2025-12-01,Bookkeeping,,,90.00,,,",
            "PH,H,accepted,2025-12-01,VAT returns,,,200.00,,,",
        ),
        plans={
            "2026-09": {"H": ("290.00", 2, 1)},
            "2026-11": {"H": ("90.00", 1, 1)},
            "2026-12": {},
            "2027-03": {},
        },
        diffs={"2026-12": {"H": "ceased"}},
    ),
    Scenario(
        "closed-before-it-started",
        "Last billable month May 2026, proposal starting July 2026: never billed.",
        clients("H,Hollow Farm,,,,,2026-05"),
        proposals("PH,H,accepted,2026-07-01,Bookkeeping,,,90.00,,,"),
        plans={"2026-07": {}, "2026-12": {}},
    ),
    # -- alignment fees -------------------------------------------------------------------
    Scenario(
        "alignment-fee-the-products-example",
        "PRODUCT.md: year end 31 March 2024, start 1 October 2023, 100 a month: the first "
        "invoice carries 100 plus 600 (April to September); November to March 100 each, "
        "the year 1,200. November is contracted (guide).",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals("PALN,ALN,accepted,2023-10-01,Annual accounts,,,100.00,,,"),
        plans={
            "2023-10": {"ALN": ("700.00", 2, 1)},
            "2023-11": {"ALN": ("100.00", 1, 1)},
            "2024-03": {"ALN": ("100.00", 1, 1)},
            "2024-04": {"ALN": ("100.00", 1, 1)},
        },
        diffs={
            "2023-10": {"ALN": "new"},
            "2023-11": {"ALN": "contracted"},
            "2024-04": {"ALN": "unchanged"},
        },
        previews={
            ("ALN", "2023-10"): (
                Invoice(
                    "2023-10-01",
                    "2023-10-15",
                    "ALN Oct 2023",
                    (
                        Line("Annual accounts – Oct 2023", "1", "100.00", "100.00"),
                        Line(
                            "Alignment fee: Annual accounts – Apr 2023 to Sep 2023 (6 months)",
                            "6",
                            "100.00",
                            "600.00",
                        ),
                    ),
                    "700.00",
                ),
            )
        },
    ),
    Scenario(
        "alignment-fee-start-on-the-31st",
        "Year end 30 June, start 31 Jan 2026: the months passed are July to December 2025 "
        "(6): January 100 + 600.",
        clients("ALN,Align Ltd,30-06,,,,"),
        proposals("PALN,ALN,accepted,2026-01-31,Annual accounts,,,100.00,,,"),
        plans={"2026-01": {"ALN": ("700.00", 2, 1)}, "2026-02": {"ALN": ("100.00", 1, 1)}},
    ),
    Scenario(
        "alignment-fee-none-in-the-first-month-of-the-year",
        "Year end 31 March, start 1 April 2026: nothing of the year has passed, no fee.",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals("PALN,ALN,accepted,2026-04-01,Annual accounts,,,100.00,,,"),
        plans={"2026-04": {"ALN": ("100.00", 1, 1)}},
    ),
    Scenario(
        "alignment-fee-start-in-the-year-end-month",
        "Year end 31 March, start 31 March 2026: April 2025 to February 2026 have passed "
        "(11 months): March 100 + 1,100 = 1,200, the year's twelve months.",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals("PALN,ALN,accepted,2026-03-31,Annual accounts,,,100.00,,,"),
        plans={"2026-03": {"ALN": ("1200.00", 2, 1)}, "2026-04": {"ALN": ("100.00", 1, 1)}},
    ),
    Scenario(
        "alignment-fee-leap-february-start",
        "Year end 31 December, start 29 Feb 2028: January 2028 has passed: 100 + 100.",
        clients("ALN,Align Ltd,31-12,,,,"),
        proposals("PALN,ALN,accepted,2028-02-29,Annual accounts,,,100.00,,,"),
        plans={"2028-02": {"ALN": ("200.00", 2, 1)}},
    ),
    Scenario(
        "alignment-fee-year-end-mid-month",
        "Year end 15 June, start 1 October 2026: the months counted are those from the month "
        "after the year-end month (July) to the month before the start (September): 3.",
        clients("ALN,Align Ltd,15-06,,,,"),
        proposals("PALN,ALN,accepted,2026-10-01,Annual accounts,,,100.00,,,"),
        plans={"2026-10": {"ALN": ("400.00", 2, 1)}},
    ),
    Scenario(
        "alignment-fee-needs-a-year-end",
        "No year end: no fee (import.md: only for a client with a year_end).",
        clients("ALN,Align Ltd,,,,,"),
        proposals("PALN,ALN,accepted,2026-10-01,Annual accounts,,,100.00,,,"),
        plans={"2026-10": {"ALN": ("100.00", 1, 1)}},
    ),
    Scenario(
        "alignment-fee-with-quantity-and-a-later-price-change",
        "Year end 31 March, start 1 July 2026, annual accounts 2 x 50 up to September and "
        "2 x 60 from October: July 100 + 3 months (April-June) x 100 = 400; October 120, "
        "no second fee (import.md), expanded.",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals(
            "PALN,ALN,accepted,2026-07-01,Annual accounts,,2,50.00,,,2026-09",
            "PALN,ALN,accepted,2026-07-01,Annual accounts,,2,60.00,,2026-10,",
        ),
        plans={
            "2026-07": {"ALN": ("400.00", 2, 1)},
            "2026-09": {"ALN": ("100.00", 1, 1)},
            "2026-10": {"ALN": ("120.00", 1, 1)},
        },
        diffs={"2026-08": {"ALN": "contracted"}, "2026-10": {"ALN": "expanded"}},
    ),
    Scenario(
        "alignment-fee-for-a-service-added-later",
        "Year end 31 March; bookkeeping from 1 April 2026, annual accounts added from August "
        "2026 on the same proposal. The fee is charged when the service starts (guide) for "
        "the months of the year before it: April to July, 4 x 100: August 100 + 100 + 400.",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals(
            "PALN,ALN,accepted,2026-04-01,Bookkeeping,,,100.00,,,",
            "PALN,ALN,accepted,2026-04-01,Annual accounts,,,100.00,,2026-08,",
        ),
        plans={"2026-07": {"ALN": ("100.00", 1, 1)}, "2026-08": {"ALN": ("600.00", 3, 1)}},
    ),
    Scenario(
        "alignment-fee-on-a-separate-invoice",
        "alignment_invoicing separate: year end 31 March, start 1 October 2026, annual "
        "accounts 100 and bookkeeping 50: two invoices in October, 150.00 and the fee 600.00 "
        "(referenced 'ALN Oct 2026 alignment fee'); 750.00 in 3 lines.",
        clients("ALN,Align Ltd,31-03,,,,"),
        proposals(
            "PALN,ALN,accepted,2026-10-01,Annual accounts,,,100.00,,,",
            "PALN,ALN,accepted,2026-10-01,Bookkeeping,,,50.00,,,",
        ),
        settings=(("alignment_invoicing", "separate"),),
        plans={"2026-10": {"ALN": ("750.00", 3, 2)}, "2026-11": {"ALN": ("150.00", 2, 1)}},
        previews={
            ("ALN", "2026-10"): (
                Invoice("2026-10-01", reference="ALN Oct 2026", total="150.00"),
                Invoice(
                    "2026-10-01",
                    reference="ALN Oct 2026 alignment fee",
                    lines=(
                        Line(
                            "Alignment fee: Annual accounts – Apr 2026 to Sep 2026 (6 months)",
                            "6",
                            "100.00",
                            "600.00",
                        ),
                    ),
                    total="600.00",
                ),
            )
        },
    ),
    # -- consolidation ---------------------------------------------------------------------
    Scenario(
        "consolidated-by-account-code-fee-apart",
        "A client with consolidate=true, year end 31 December, from 1 December 2026: "
        "bookkeeping 150 and annual accounts 100 (account 200) are one line of 250.00 (services "
        "named in the proposal's order), "
        "payroll 3 x 25 (account 210) a line of its own, the alignment fee (January to "
        "November, 11 x 100) stays its own line: 1,425.00 in 3 lines.",
        clients("CITY,City Limo,31-12,,,true,"),
        proposals(
            "PC,CITY,accepted,2026-12-01,Bookkeeping,,,150.00,,,",
            "PC,CITY,accepted,2026-12-01,Annual accounts,,,100.00,,,",
            "PC,CITY,accepted,2026-12-01,Payroll,,3,25.00,,,",
        ),
        plans={"2026-12": {"CITY": ("1425.00", 3, 1)}, "2027-01": {"CITY": ("325.00", 2, 1)}},
        previews={
            ("CITY", "2026-12"): (
                Invoice(
                    "2026-12-01",
                    lines=(
                        Line(
                            "Professional services for Dec 2026: Bookkeeping, Annual accounts",
                            "1",
                            "250.00",
                            "250.00",
                        ),
                        Line(
                            "Professional services for Dec 2026: Payroll",
                            "1",
                            "75.00",
                            "75.00",
                            "210",
                        ),
                        Line(
                            "Alignment fee: Annual accounts – Jan 2026 to Nov 2026 (11 months)",
                            "11",
                            "100.00",
                            "1100.00",
                        ),
                    ),
                    total="1425.00",
                ),
            )
        },
    ),
    # -- rounding --------------------------------------------------------------------------
    Scenario(
        "rounding-half-up-to-the-penny",
        "A line's amount is quantity x unit price rounded to the penny, half up (import.md): "
        "0.125 -> 0.13 (half-even would give 0.12), 3 x 12.3456 = 37.0368 -> 37.04, 2.675 -> "
        "2.68 (a float gives 2.67), 0.5 x 99.99 = 49.995 -> 50.00, 2.5 x 10.125 = 25.3125 -> "
        "25.31. A consolidated line is the sum of its lines' amounts: 0.13 + 0.13 = 0.26.",
        clients(
            "R1,Round One,,,,,",
            "R2,Round Two,,,,,",
            "R3,Round Three,,,,,",
            "R4,Round Four,,,,,",
            "R5,Round Five,,,,,",
            "R6,Round Six,,,,true,",
        ),
        proposals(
            "P1,R1,accepted,2026-12-01,Bookkeeping,,,0.125,,,",
            "P2,R2,accepted,2026-12-01,Bookkeeping,,3,12.3456,,,",
            "P3,R3,accepted,2026-12-01,Bookkeeping,,,2.675,,,",
            "P4,R4,accepted,2026-12-01,Bookkeeping,,0.5,99.99,,,",
            "P5,R5,accepted,2026-12-01,Bookkeeping,,2.5,10.125,,,",
            "P6,R6,accepted,2026-12-01,Bookkeeping,,,0.125,,,",
            "P6,R6,accepted,2026-12-01,Annual accounts,,,0.125,,,",
        ),
        plans={
            "2026-12": {
                "R1": ("0.13", 1, 1),
                "R2": ("37.04", 1, 1),
                "R3": ("2.68", 1, 1),
                "R4": ("50.00", 1, 1),
                "R5": ("25.31", 1, 1),
                "R6": ("0.26", 1, 1),
            }
        },
        previews={
            ("R2", "2026-12"): (
                Invoice(
                    "2026-12-01", lines=(Line("Bookkeeping – Dec 2026", "3", "12.3456", "37.04"),)
                ),
            ),
            ("R6", "2026-12"): (Invoice("2026-12-01", total="0.26"),),
        },
    ),
    # -- invoice day and payment terms ----------------------------------------------------------
    Scenario(
        "invoice-day-31-in-february-and-april",
        "Practice invoice day 31: February 2027 is dated the 28th, February 2028 the 29th "
        "(leap year), April 2027 the 30th; days:14 counts from that date.",
        clients("A,Alpha Ltd,,,,,"),
        proposals("PA,A,accepted,2027-01-01,Bookkeeping,,,100.00,,,"),
        settings=(("invoice_day", "31"),),
        previews={
            ("A", "2027-02"): (Invoice("2027-02-28", "2027-03-14", "A Feb 2027"),),
            ("A", "2028-02"): (Invoice("2028-02-29", "2028-03-14", "A Feb 2028"),),
            ("A", "2027-04"): (Invoice("2027-04-30", "2027-05-14"),),
        },
    ),
    Scenario(
        "payment-terms-in-xeros-four-forms",
        "settings.md's table: eom:20 from 31 Dec -> 20 Jan; following:31 in January -> 28 "
        "Feb (clamped); current:10 with invoice day 15 -> not before the invoice date, the "
        "15th; days:30 from 20 Dec -> 19 Jan; practice terms following:20 with a client "
        "invoiced on the 15th -> 20 Jan.",
        clients(
            "T1,Terms One,,eom:20,31,,",
            "T2,Terms Two,,following:31,,,",
            "T3,Terms Three,,current:10,15,,",
            "T4,Terms Four,,days:30,20,,",
            "T5,Terms Five,,,15,,",
        ),
        proposals(
            "P1,T1,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
            "P2,T2,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
            "P3,T3,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
            "P4,T4,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
            "P5,T5,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
        ),
        settings=(("payment_terms", "following:20"),),
        previews={
            ("T1", "2026-12"): (Invoice("2026-12-31", "2027-01-20"),),
            ("T2", "2027-01"): (Invoice("2027-01-01", "2027-02-28"),),
            ("T3", "2026-12"): (Invoice("2026-12-15", "2026-12-15"),),
            ("T4", "2026-12"): (Invoice("2026-12-20", "2027-01-19"),),
            ("T5", "2026-12"): (Invoice("2026-12-15", "2027-01-20"),),
        },
    ),
    Scenario(
        "invoice-day-practice-28-client-31",
        "Practice invoice day 28, one client 31: February 2027 both the 28th; April 2027 the "
        "28th and the 30th.",
        clients("A,Alpha Ltd,,,,,", "B,Beta Ltd,,,31,,"),
        proposals(
            "PA,A,accepted,2027-01-01,Bookkeeping,,,10.00,,,",
            "PB,B,accepted,2027-01-01,Bookkeeping,,,10.00,,,",
        ),
        settings=(("invoice_day", "28"),),
        previews={
            ("A", "2027-02"): (Invoice("2027-02-28"),),
            ("B", "2027-02"): (Invoice("2027-02-28"),),
            ("A", "2027-04"): (Invoice("2027-04-28"),),
            ("B", "2027-04"): (Invoice("2027-04-30"),),
        },
    ),
    # -- currency --------------------------------------------------------------------------
    Scenario(
        "australian-practice-dollar-prices",
        "currency AUD: a unit price may begin with $ and group thousands with commas: "
        "$1,200.50 bills 1200.50; the invoice is tax-exclusive (Xero adds GST by account).",
        clients("OZ,Oz Pty Ltd,30-06,,,,"),
        proposals('PZ,OZ,accepted,2026-12-01,Bookkeeping,,,"$1,200.50",,,'),
        settings=(("currency", "AUD"),),
        plans={"2026-12": {"OZ": ("1200.50", 1, 1)}},
        previews={("OZ", "2026-12"): (Invoice("2026-12-01", total="1200.50"),)},
    ),
    Scenario(
        "quarterly-restarted-after-a-gap",
        "VAT returns 300 from February to April 2026, then 330 from September: the new row "
        "does not continue the old one (it is not from the month after), so it starts its "
        "own cycle: February, then September and December; nothing in May.",
        clients("G,Gap Co,,,,,"),
        proposals(
            "PG,G,accepted,2026-02-01,VAT returns,,,300.00,,,2026-04",
            "PG,G,accepted,2026-02-01,VAT returns,,,330.00,,2026-09,",
        ),
        plans={
            "2026-02": {"G": ("300.00", 1, 1)},
            "2026-05": {},
            "2026-09": {"G": ("330.00", 1, 1)},
            "2026-12": {"G": ("330.00", 1, 1)},
        },
    ),
    Scenario(
        "a-lines-own-billing-method",
        "A line's billing_method overrides its service's: bookkeeping billed quarterly in "
        "advance from January 2026 bills January, April, July, October.",
        clients("M,Method Co,,,,,"),
        proposals("PM,M,accepted,2026-01-01,Bookkeeping,,,100.00,quarterly_in_advance,,"),
        plans={
            "2026-01": {"M": ("100.00", 1, 1)},
            "2026-02": {},
            "2026-07": {"M": ("100.00", 1, 1)},
            "2026-10": {"M": ("100.00", 1, 1)},
        },
    ),
    Scenario(
        "one-service-twice-in-a-proposal",
        "Two bookkeeping lines (two entities) in one proposal both bill: 150.00 in 2 lines.",
        clients("D,Dual Co,,,,,"),
        proposals(
            "PD,D,accepted,2026-12-01,Bookkeeping,Entity one,,100.00,,,",
            "PD,D,accepted,2026-12-01,Bookkeeping,Entity two,,50.00,,,",
        ),
        plans={"2026-12": {"D": ("150.00", 2, 1)}},
    ),
    Scenario(
        "alignment-fee-year-end-on-a-leap-day",
        "Year end 29 February (the last day of February): start 1 June 2027 (a year without "
        "a 29th): March to May have passed, 3 x 100.",
        clients("L,Leap Ltd,29-02,,,,"),
        proposals("PL,L,accepted,2027-06-01,Annual accounts,,,100.00,,,"),
        plans={"2027-06": {"L": ("400.00", 2, 1)}},
    ),
    Scenario(
        "alignment-fee-at-a-four-decimal-price",
        "Year end 31 March, start 1 July 2026, annual accounts at 10.005: the month bills "
        "10.01; the fee is one line of 3 x 10.005 = 30.015 -> 30.02 (one rounding rule, on "
        "the line Xero receives); July 40.03.",
        clients("F,Fee Ltd,31-03,,,,"),
        proposals("PF,F,accepted,2026-07-01,Annual accounts,,,10.005,,,"),
        plans={"2026-07": {"F": ("40.03", 2, 1)}, "2026-08": {"F": ("10.01", 1, 1)}},
        previews={
            ("F", "2026-07"): (
                Invoice(
                    "2026-07-01",
                    lines=(
                        Line("Annual accounts – Jul 2026", "1", "10.005", "10.01"),
                        Line(
                            "Alignment fee: Annual accounts – Apr 2026 to Jun 2026 (3 months)",
                            "3",
                            "10.005",
                            "30.02",
                        ),
                    ),
                    total="40.03",
                ),
            )
        },
    ),
    Scenario(
        "four-decimal-quantity-and-price",
        "1.3333 x 3.3333 = 4.44428889 -> 4.44.",
        clients("Q,Quad Co,,,,,"),
        proposals("PQ,Q,accepted,2026-12-01,Bookkeeping,,1.3333,3.3333,,,"),
        plans={"2026-12": {"Q": ("4.44", 1, 1)}},
    ),
    Scenario(
        "alignment-fee-not-charged-again-by-a-replacing-proposal",
        "Year end 31 March. A: annual accounts billed April to August 2026 by P1 (cancelled), "
        "replaced by P2 at 120 from 1 September: none of the year passed unbilled, so no fee "
        "(PRODUCT: the fee is for the months that passed before the client was taken on; "
        "guide: charged only when the service starts). B: billed April to June by P3, P4 from "
        "September: July and August passed unbilled, 2 x 120. C: billed up to January 2026 "
        "(the year before), P6 from September: April to August, 5 x 120.",
        clients("A,Alpha Ltd,31-03,,,,", "B,Beta Ltd,31-03,,,,", "C,Gamma Ltd,31-03,,,,"),
        proposals(
            "P1,A,cancelled,2026-04-01,Annual accounts,,,100.00,,2026-04,2026-08",
            "P2,A,accepted,2026-09-01,Annual accounts,,,120.00,,,",
            "P3,B,cancelled,2026-04-01,Annual accounts,,,100.00,,2026-04,2026-06",
            "P4,B,accepted,2026-09-01,Annual accounts,,,120.00,,,",
            "P5,C,cancelled,2025-04-01,Annual accounts,,,100.00,,2025-04,2026-01",
            "P6,C,accepted,2026-09-01,Annual accounts,,,120.00,,,",
        ),
        plans={
            "2026-08": {"A": ("100.00", 1, 1)},
            "2026-09": {
                "A": ("120.00", 1, 1),
                "B": ("360.00", 2, 1),
                "C": ("720.00", 2, 1),
            },
        },
        diffs={"2026-09": {"A": "expanded", "B": "new", "C": "new"}},
        previews={
            ("B", "2026-09"): (
                Invoice(
                    "2026-09-01",
                    lines=(
                        Line("Annual accounts – Sep 2026", "1", "120.00", "120.00"),
                        Line(
                            "Alignment fee: Annual accounts – Jul 2026 to Aug 2026 (2 months)",
                            "2",
                            "120.00",
                            "240.00",
                        ),
                    ),
                ),
            )
        },
    ),
    Scenario(
        "alignment-fee-start-after-a-mid-month-year-end",
        "Year end 15 June. Y1 starts 20 June 2026, after its year ended on the 15th: its "
        "current financial year began on 16 June and none of it has passed, so no fee "
        "(PRODUCT: the months of the current financial year that passed before the start). "
        "Y2 starts 10 June 2026, before the year end: July 2025 to May 2026 have passed, "
        "11 x 100. Y3 (year end 29 February) starts 28 February 2027, the year end itself in "
        "a year without a 29th: March 2026 to January 2027, 11 x 100.",
        clients("Y1,Year One,15-06,,,,", "Y2,Year Two,15-06,,,,", "Y3,Year Three,29-02,,,,"),
        proposals(
            "P1,Y1,accepted,2026-06-20,Annual accounts,,,100.00,,,",
            "P2,Y2,accepted,2026-06-10,Annual accounts,,,100.00,,,",
            "P3,Y3,accepted,2027-02-28,Annual accounts,,,100.00,,,",
        ),
        plans={
            "2026-06": {"Y1": ("100.00", 1, 1), "Y2": ("1200.00", 2, 1)},
            "2027-02": {"Y1": ("100.00", 1, 1), "Y2": ("100.00", 1, 1), "Y3": ("1200.00", 2, 1)},
        },
        diffs={"2026-06": {"Y1": "new", "Y2": "new"}},
        previews={("Y1", "2026-06"): (Invoice("2026-06-01", total="100.00"),)},
    ),
]


#: `practice(scenario)`: see the fixture.
Practice = Callable[[Scenario], Socket]


@pytest.fixture
def practice(socket: Socket, tmp_path: Path) -> Practice:
    """`practice(scenario)`: a new store with the scenario's settings and files imported."""

    def make(scenario: Scenario) -> Socket:
        socket.ok("init")
        for key, value in scenario.settings:
            socket.ok("settings", "set", key, value)
        files = []
        for name, text in (
            ("clients.csv", scenario.clients),
            ("services.csv", SERVICES),
            ("proposals.csv", scenario.proposals),
        ):
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        socket.ok("import", *files)
        return socket

    return make


def billed(plan: dict[str, Any]) -> dict[str, Billed]:
    return {
        row["reference"]: (row["amount"], row["line_count"], row["invoice_count"])
        for row in plan["clients"]
    }


def penny(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_plan_is_what_the_documents_say(scenario: Scenario, practice: Practice) -> None:
    socket = practice(scenario)
    for month, expected in scenario.plans.items():
        plan = socket.json("plan", "show", "--month", month)
        assert billed(plan) == expected, f"{scenario.id}: plan for {month}"
        assert plan["totals"]["amount"] == str(
            sum((Decimal(amount) for amount, _, _ in expected.values()), Decimal("0.00"))
        ), f"{scenario.id}: total for {month}"
    for month, changes in scenario.diffs.items():
        diff = socket.json("plan", "diff", "--month", month)
        assert {row["reference"]: row["change"] for row in diff["clients"]} == changes, (
            f"{scenario.id}: diff for {month}"
        )
    for (client, month), invoices in scenario.previews.items():
        preview = socket.json("plan", "preview", client, "--month", month)
        assert len(preview["invoices"]) == len(invoices), f"{scenario.id}: {client} {month}"
        if client in scenario.plans.get(month, {}):
            # The plan's amount for the client is what its invoices come to.
            assert (
                str(sum(Decimal(i["total"]) for i in preview["invoices"]))
                == (scenario.plans[month][client][0])
            ), f"{scenario.id}: {client} {month}"
        for got, want in zip(preview["invoices"], invoices, strict=True):
            where = f"{scenario.id}: {client} {month} {got['reference']}"
            assert got["invoice_date"] == want.invoice_date, where
            if want.due_date is not None:
                assert got["due_date"] == want.due_date, where
            if want.reference is not None:
                assert got["reference"] == want.reference, where
            if want.lines is not None:
                lines = [
                    Line(
                        line["description"],
                        line["quantity"],
                        line["unit_amount"],
                        line["line_amount"],
                        line["account_code"],
                    )
                    for line in got["lines"]
                ]
                assert lines == list(want.lines), where
            if want.total is not None:
                assert got["total"] == want.total, where
            # What Xero will compute from what it receives is what socket shows: each line
            # quantity x unit amount to the penny, the total their sum (tax-exclusive).
            for line in got["lines"]:
                assert penny(
                    str(Decimal(line["quantity"]) * Decimal(line["unit_amount"]))
                ) == Decimal(line["line_amount"]), where
            assert sum(Decimal(line["line_amount"]) for line in got["lines"]) == Decimal(
                got["total"]
            ), where
            assert got["line_amount_types"] == "Exclusive", where


# -- approval, finalised months and what may still change --------------------------------------


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return str(path)


def test_a_finalised_month_keeps_what_it_billed_and_later_changes_start_after_it(
    practice: Practice, tmp_path: Path
) -> None:
    """December approved on 21 November: a re-import that changes December is refused and
    writes nothing; one that ends the old price in December and starts the new one in January
    is taken. A proposal backdated into December is outstanding there (100 + the alignment
    fee for April to November, 8 x 100), and January's diff compares with December's
    finalised figures, counting the outstanding invoice as billed (commands.md, plan diff)."""
    socket = practice(
        Scenario(
            "approval",
            "",
            clients("A,Alpha Ltd,31-03,,,,", "B,Beta Ltd,,,,,"),
            proposals(
                "PA,A,accepted,2026-01-01,Bookkeeping,,,150.00,,,",
                "PB,B,accepted,2026-06-01,Bookkeeping,,,100.00,,,",
            ),
        )
    )
    socket.ok("plan", "approve", "--yes")
    december = socket.json("plan", "show", "--month", "2026-12")
    assert december["status"] == "finalised"
    assert billed(december) == {"A": ("150.00", 1, 1), "B": ("100.00", 1, 1)}

    header = PROPOSAL_HEADER + "\n"
    in_december = write(
        tmp_path,
        "december.csv",
        header
        + "PA,A,accepted,2026-01-01,Bookkeeping,,,150.00,,,2026-11\n"
        + "PA,A,accepted,2026-01-01,Bookkeeping,,,180.00,,2026-12,\n",
    )
    refused = socket.exits("import", in_december, code=2)
    assert "2026-12, which is already finalised" in refused.stderr
    assert billed(socket.json("plan", "show", "--month", "2026-12")) == billed(december)

    from_january = write(
        tmp_path,
        "january.csv",
        header
        + "PA,A,accepted,2026-01-01,Bookkeeping,,,150.00,,,2026-12\n"
        + "PA,A,accepted,2026-01-01,Bookkeeping,,,180.00,,2027-01,\n"
        + "PB,B,cancelled,2026-06-01,Bookkeeping,,,100.00,,2026-06,2026-12\n"
        + "PC,B,accepted,2027-01-01,Payroll,,,70.00,,,\n"
        + "PD,A,accepted,2026-12-05,Annual accounts,,,100.00,,,\n",
    )
    socket.ok("import", from_january)

    december_after = socket.json("plan", "show", "--month", "2026-12")
    assert billed(december_after) == billed(december)
    assert [
        (row["reference"], row["amount"], row["line_count"])
        for row in december_after["outstanding"]
    ] == [("A", "900.00", 2)]
    january = socket.json("plan", "diff")
    assert january["month"] == "2027-01"
    assert january["previous_source"] == "finalised"
    assert {
        row["reference"]: (row["change"], row["amount"], row["previous_amount"])
        for row in january["clients"]
    } == {
        "A": ("contracted", "280.00", "1050.00"),
        "B": ("contracted", "70.00", "100.00"),
    }


def test_a_draft_accepted_after_its_month_was_finalised_is_outstanding_there(
    practice: Practice,
) -> None:
    """A draft starting 1 December, accepted once December is finalised: outstanding in
    December with its alignment fee (year end 31 December: January to November, 11 x 100)."""
    socket = practice(
        Scenario(
            "late",
            "",
            clients("A,Alpha Ltd,,,,,", "B,Beta Ltd,31-12,,,,"),
            proposals(
                "PA,A,accepted,2026-01-01,Bookkeeping,,,150.00,,,",
                "PB,B,draft,2026-12-01,Annual accounts,,,100.00,,,",
            ),
        )
    )
    socket.ok("plan", "approve", "--yes")
    socket.ok("proposals", "accept", "PB", "--start", "2026-12-01")
    december = socket.json("plan", "show", "--month", "2026-12")
    assert billed(december) == {"A": ("150.00", 1, 1)}
    assert [(row["reference"], row["amount"]) for row in december["outstanding"]] == [
        ("B", "1200.00")
    ]
    assert billed(socket.json("plan", "show", "--month", "2027-01")) == {
        "A": ("150.00", 1, 1),
        "B": ("100.00", 1, 1),
    }


def test_an_invoice_of_nothing_is_not_approved(practice: Practice) -> None:
    """A line at 0.00 puts the client in the plan at 0.00, and approval refuses the month
    (guide: an invoice of zero or less stops approval), naming the client."""
    socket = practice(
        Scenario(
            "zero",
            "",
            clients("Z,Zero Ltd,,,,,", "A,Alpha Ltd,,,,,"),
            proposals(
                "PZ,Z,accepted,2026-12-01,Bookkeeping,,,0.00,,,",
                "PA,A,accepted,2026-12-01,Bookkeeping,,,10.00,,,",
            ),
        )
    )
    assert billed(socket.json("plan", "show")) == {"Z": ("0.00", 1, 1), "A": ("10.00", 1, 1)}
    refused = socket.exits("plan", "approve", "--yes", code=4)
    assert "Z: the invoice Z Dec 2026 comes to 0.00" in refused.stderr
    assert socket.json("plan", "show")["status"] == "draft"


@pytest.mark.parametrize(
    ("cell", "row", "reason"),
    [
        ("clients", "A,Alpha Ltd,31-04,,,,", "year end '31-04' is not a day and month"),
        ("clients", "A,Alpha Ltd,30-02,,,,", "year end '30-02' is not a day and month"),
        ("proposals", "PA,A,accepted,2026-01-01,Bookkeeping,,,$150,,,", "currency sign '$'"),
        (
            "proposals",
            "PA,A,accepted,2026-01-01,Bookkeeping,,,150,,2026-03,2026-02",
            "before the line's first month",
        ),
        (
            "proposals",
            "PA,A,accepted,2026-03-01,Bookkeeping,,,150,,2026-02,",
            "before the proposal's start date",
        ),
        ("proposals", "PA,A,accepted,,Bookkeeping,,,150,,,", "needs its start date"),
        ("proposals", "PA,A,accepted,2026-02-30,Bookkeeping,,,150,,,", "Feb 2026 has days 1 to 28"),
        (
            "proposals",
            "PA,A,accepted,2026-01-01,Bookkeeping,,0,150,,,",
            "must be greater than zero",
        ),
        ("proposals", "PA,A,accepted,2026-01-01,Bookkeeping,,,-5,,,", "negative amounts"),
        ("proposals", 'PA,A,accepted,2026-01-01,Bookkeeping,,,"12,50",,,', "decimal comma"),
        ("proposals", "PA,A,draft,2026-01-01,Bookkeeping,,,5,,2026-01,", "leave from_month empty"),
    ],
)
def test_a_bad_cell_is_one_line_naming_it_and_nothing_is_imported(
    socket: Socket, tmp_path: Path, cell: str, row: str, reason: str
) -> None:
    socket.ok("init")
    client_rows = [row] if cell == "clients" else ["A,Alpha Ltd,31-03,,,,"]
    proposal_rows = (
        [row] if cell == "proposals" else ["PA,A,accepted,2026-01-01,Bookkeeping,,,150,,,"]
    )
    files = [
        write(tmp_path, "clients.csv", clients(*client_rows)),
        write(tmp_path, "services.csv", SERVICES),
        write(tmp_path, "proposals.csv", proposals(*proposal_rows)),
    ]
    result = socket.exits("import", *files, code=2)
    problems = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(problems) == 2, result.stderr
    assert reason in problems[0], result.stderr
    assert ", row 2, column " in problems[0]
    assert problems[1].startswith("error: nothing was imported")
    socket.exits("plan", "show", "--json", code=5)  # still no clients: nothing was written

"""Options and arguments that several commands share, each with its one help text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Protocol

import typer

if TYPE_CHECKING:
    from datetime import date

    from socketcli.domain.months import Month


class HasToday(Protocol):
    """What gives today's date to a typed month (the command's State)."""

    def today(self) -> date: ...


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ClientArg = Annotated[
    str, typer.Argument(metavar="CLIENT", help="The client's reference (or its exact name).")
]

WaitOption = Annotated[
    bool,
    typer.Option(
        "--wait",
        help="When another socket holds the store's lock (posting, sync, approval, work), "
        "wait until it is done instead of exiting with 9.",
    ),
]


#: The largest id the store can hold (SQL's 64-bit INTEGER): a larger one is out of range, not
#: a query the database driver fails on.
MAX_ID = 2**63 - 1


def whole_number(
    name: str, allowed: str, *, low: int | None = None, high: int | None = None
) -> Callable[[str | int], int]:
    """The `parser=` of an integer argument or option: a value that is not a whole number
    (or is outside low..high) is one line in socket's words, `error: NAME 'ten' is not a whole
    number: ALLOWED` with exit 2 (InvalidInput), not the type checker's wording."""

    def parse(value: str | int) -> int:
        from socketcli.domain.errors import InvalidInput

        if isinstance(value, int):  # the default, already a number
            number = value
        else:
            text = value.strip()
            digits = text[1:] if text[:1] in ("-", "+") else text
            if not (digits.isascii() and digits.isdigit()):
                raise InvalidInput(f"{name} {value!r} is not a whole number: {allowed}")
            number = int(text)
        if (low is not None and number < low) or (high is not None and number > high):
            raise InvalidInput(f"{name} {number} is out of range: {allowed}")
        return number

    return parse


# -- the plan's reports (plan show, diff, preview, approve) ----------------------------------

MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        metavar="YYYY-MM",
        help="The billing month: YYYY-MM, or as Dec 2026, 12/2026, next, last (default: the "
        "next one to be billed).",
    ),
]
AmountsJsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (amounts as strings).")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Print the table straight to the terminal, not through the pager (PAGER, else less).",
    ),
]


def billing_month(text: str | None, st: HasToday) -> Month | None:
    """The --month given (None: the service's default, the next month to be billed), as a
    person types it (`2026-12`, `Dec 2026`, `12/2026`, `next`): `typed_month`."""
    return None if text is None else typed_month(text, st)


def typed_month(text: str, st: HasToday, what: str = "month") -> Month:
    """A month typed on the command line (domain.dates.parse_typed_month); the clock is
    asked only for `this`, `next` or `last`, so that any other month is checked first."""
    from socketcli.domain.dates import is_relative_month, parse_typed_month

    today = st.today() if is_relative_month(text) else None
    return parse_typed_month(text, what, today=today)


# -- matching clients to Xero contacts -------------------------------------------------------

Threshold = Annotated[
    int | None,
    typer.Option(
        "--threshold",
        metavar="SCORE",
        parser=whole_number("--threshold", "give a score from 0 to 100"),
        help="With --auto: the lowest score (0-100) linked without a person (default 90).",
        show_default=False,
    ),
]

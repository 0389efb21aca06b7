"""Options and arguments that several commands share, each with its one help text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from socketcli.domain.months import Month

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ClientArg = Annotated[str, typer.Argument(help="The client's reference (or its exact name).")]

WaitOption = Annotated[
    bool,
    typer.Option(
        "--wait",
        help="When another socket holds the store's lock (posting, sync, approval, work), "
        "wait until it is done instead of exiting with 9.",
    ),
]

# -- the plan's reports (plan show, diff, preview, approve) ----------------------------------

MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month", help="The billing month, YYYY-MM (default: the next one to be billed)."
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


def billing_month(text: str | None) -> Month | None:
    """The --month given (None: the service's default, the next month to be billed)."""
    from socketcli.domain.dates import parse_month

    return None if text is None else parse_month(text)


# -- matching clients to Xero contacts -------------------------------------------------------

Threshold = Annotated[
    int | None,
    typer.Option(
        "--threshold",
        help="With --auto: the lowest score (0-100) linked without a person (default 90).",
        show_default=False,
    ),
]

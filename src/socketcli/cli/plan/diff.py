"""`socket plan diff`: a month's plan against the month before, client by client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import (
    AmountsJsonOption,
    CsvOption,
    MonthOption,
    NoPagerOption,
    billing_month,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from socketcli.cli.screen import Cell
    from socketcli.services.plan import DiffReport

CSV_HEADER = [
    "reference",
    "client",
    "change",
    "amount",
    "line_count",
    "previous_amount",
    "previous_line_count",
    "difference",
    "xero_contact",
    "xero_contact_status",
    "warning",
    "outstanding",
]
STYLES = {
    "new": "green",
    "expanded": "green",
    "contracted": "yellow",
    "ceased": "red",
    "unchanged": "dim",
}


def diff(
    ctx: typer.Context,
    month: MonthOption = None,
    change: Annotated[
        str | None,
        typer.Option(
            "--change",
            metavar="TYPES",
            help="Only these change types, comma-separated: new,expanded,contracted,ceased,unchanged.",
        ),
    ] = None,
    json_: AmountsJsonOption = False,
    csv_: CsvOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """Compare a month's plan with the month before, client by client, with change types."""
    from socketcli.cli.output import Format, choose_format, emit_csv, emit_json
    from socketcli.cli.reports import change_types, diff_document
    from socketcli.cli.screen import working
    from socketcli.services.plan import diff_plan

    fmt = choose_format(json_, csv_)
    wanted = change_types(change)
    st = state(ctx)
    with working("Comparing the plan with the month before", quiet=st.quiet):
        report = diff_plan(st.read, st.clock, billing_month(month, st), wanted)
    if fmt is Format.JSON:
        emit_json(diff_document(report))
    elif fmt is Format.CSV:
        emit_csv(CSV_HEADER, _csv_rows(report))
    else:
        _tables(report, no_pager=no_pager or st.no_pager)


def _csv_rows(report: DiffReport) -> Any:
    return (
        [
            r.reference,
            r.client,
            r.change.value,
            r.amount,
            r.line_count,
            r.previous_amount,
            r.previous_line_count,
            r.difference,
            r.contact,
            r.link.status.value,
            r.warning,
            "yes" if r.outstanding else "",
        ]
        for r in report.rows
    )


def _tables(report: DiffReport, *, no_pager: bool) -> None:
    """Client by client, then the totals by change type, then what needs a person; stacked
    where the columns cannot fit the terminal, through the pager where it is longer."""
    from socketcli.cli.output import attention, plural
    from socketcli.cli.screen import (
        Column,
        Screen,
        Table,
        contact,
        money,
        signed,
        stacked,
        visible,
    )

    screen = Screen.for_stdout(no_pager=no_pager)
    source = "finalised" if report.previous_source == "finalised" else "computed"
    previous = f"{report.previous_month.label} ({source})"
    month = report.month.label
    title = f"What changed: {month} against {report.previous_month.label}"
    changes = {kind: screen.styled((kind, style)) for kind, style in STYLES.items()}
    late = screen.styled((" outstanding", "bold yellow"))
    rows = [
        (
            visible(r.client),
            screen.join(changes[r.change.value], late)
            if r.outstanding
            else changes[r.change.value],
            r,
        )
        for r in report.rows
    ]
    grid = Table(
        [
            Column("Client", flexible=True),
            Column("Change"),
            Column(month, right=True),
            Column("Lines", right=True),
            Column(previous, right=True),
            Column("Lines ", right=True),
            Column("Difference", right=True),
            Column("Xero contact", flexible=True),
        ],
        title,
    )
    grid.section(
        [
            (
                name,
                change,
                money(r.amount),
                str(r.line_count),
                money(r.previous_amount),
                str(r.previous_line_count),
                signed(r.difference),
                contact(screen, r.link, r.client),
            )
            for name, change, r in rows
        ]
    )

    def blocks() -> Iterator[tuple[Cell, Sequence[Cell]]]:
        for name, change, r in rows:
            yield (
                f"{name}  {visible(r.reference)}",
                (
                    screen.join(change, f"  {signed(r.difference)}"),
                    f"{month}: {money(r.amount)} · {plural(r.line_count, 'line')}",
                    f"{previous}: {money(r.previous_amount)} · "
                    f"{plural(r.previous_line_count, 'line')}",
                    screen.join(
                        screen.styled(("Xero: ", "dim")), contact(screen, r.link, r.client)
                    ),
                ),
            )

    screen.table(grid, lambda: stacked(screen, title, blocks()))
    screen.add([""])
    totals = Table(
        [
            Column("Change"),
            Column("Clients", right=True),
            Column(month, right=True),
            Column(report.previous_month.label, right=True),
            Column("Difference", right=True),
        ],
        "Totals by change type",
    )
    totals.section(
        [
            (
                t.change.value,
                f"{t.clients:,}",
                money(t.amount),
                money(t.previous_amount),
                signed(t.difference),
            )
            for t in report.totals
        ]
    )
    everything = (
        "all",
        f"{len(report.rows):,}",
        money(report.amount),
        money(report.previous_amount),
        signed(report.amount - report.previous_amount),
    )
    totals.section([tuple(screen.styled((cell, "bold")) for cell in everything)])
    screen.table(
        totals,
        lambda: stacked(
            screen,
            "Totals by change type",
            (
                (
                    f"{t.change.value}: {plural(t.clients, 'client')}",
                    (
                        f"{month}: {money(t.amount)}",
                        f"{report.previous_month.label}: {money(t.previous_amount)}",
                        f"difference: {signed(t.difference)}",
                    ),
                )
                for t in report.totals
            ),
            [
                f"all: {plural(len(report.rows), 'client')} · {everything[2]} "
                f"(was {everything[3]}) · {everything[4]}"
            ],
        ),
    )
    screen.show()
    attention(report.rows, always=False)
    _outstanding_note(report)


def _outstanding_note(report: DiffReport) -> None:
    from decimal import Decimal

    from socketcli.cli.output import money, plural, say

    if not report.outstanding:
        return
    amount = sum((r.amount for r in report.outstanding), Decimal("0.00"))
    say(
        f"{report.month.label} is finalised without {plural(len(report.outstanding), 'client')} "
        f"marked outstanding ({money(amount)}): `socket plan post --outstanding --month "
        f"{report.month}` posts them."
    )

"""`socket plan show`: one row per client with amount, lines and Xero contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    from socketcli.services.plan import PlanReport, PlanRow

CSV_HEADER = [
    "reference",
    "client",
    "amount",
    "line_count",
    "invoice_count",
    "xero_contact",
    "xero_contact_status",
    "warning",
    "outstanding",
]


def show(
    ctx: typer.Context,
    month: MonthOption = None,
    json_: AmountsJsonOption = False,
    csv_: CsvOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """Show the plan for a month: one row per client with amount, lines and Xero contact."""
    from socketcli.cli.output import Format, choose_format, emit_csv, emit_json
    from socketcli.cli.screen import working
    from socketcli.services.plan import show_plan

    fmt = choose_format(json_, csv_)
    st = state(ctx)
    with working("Reading the plan", quiet=st.quiet):
        report = show_plan(st.read, st.clock, billing_month(month, st))
    if fmt is Format.JSON:
        emit_json(_document(report))
    elif fmt is Format.CSV:
        emit_csv(CSV_HEADER, _csv_rows(report))
    else:
        _table(report, no_pager=no_pager or st.no_pager)


def _document(report: PlanReport) -> dict[str, Any]:
    return {
        "month": str(report.month),
        "status": "finalised" if report.finalised else "draft",
        "playground": report.playground,
        "clients": [_row_json(r) for r in report.rows],
        # Of a finalised month: the clients with lines of services they did not have when it
        # was finalised (late starts), which `socket plan post --outstanding` posts; not in
        # the totals.
        "outstanding": [_row_json(r) for r in report.outstanding],
        "totals": {
            "clients": len(report.rows),
            "amount": report.total,
            "line_count": report.line_count,
            "needing_attention": report.needing_attention,
        },
    }


def _row_json(r: PlanRow) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "client": r.client,
        "amount": str(r.amount),
        "line_count": r.line_count,
        "invoice_count": r.invoice_count,
        "xero_contact": r.contact,
        "xero_contact_status": r.link.status.value,
        "warning": r.warning,
    }


def _csv_rows(report: PlanReport) -> Any:
    return (
        [
            r.reference,
            r.client,
            r.amount,
            r.line_count,
            r.invoice_count,
            r.contact,
            r.link.status.value,
            r.warning,
            "yes" if r.outstanding else "",
        ]
        for r in (*report.rows, *report.outstanding)
    )


def _table(report: PlanReport, *, no_pager: bool) -> None:
    """One row per client, the totals, then the outstanding clients; stacked where the
    columns cannot fit the terminal, through the pager where it is longer than it."""
    from socketcli.cli.output import attention, plural
    from socketcli.cli.screen import Column, Screen, Table, contact, money, stacked, visible

    screen = Screen.for_stdout(no_pager=no_pager)
    title = (
        f"Billing plan for {report.month.label} ({'finalised' if report.finalised else 'draft'})"
    )
    clients = [
        (visible(r.client), visible(r.reference), r) for r in (*report.rows, *report.outstanding)
    ]
    mark = screen.styled((" (outstanding)", "bold yellow"))
    total = (plural(len(report.rows), "client"), money(report.total), f"{report.line_count:,}")
    grid = Table(
        [
            Column("Client", flexible=True),
            Column("Reference"),
            Column("Amount", right=True),
            Column("Lines", right=True),
            Column("Xero contact", flexible=True),
        ],
        title,
    )
    grid.section(
        [
            (name, reference, money(r.amount), str(r.line_count), contact(screen, r.link, r.client))
            for name, reference, r in clients[: len(report.rows)]
        ]
    )
    grid.section([(screen.styled((total[0], "bold")), "", *total[1:], "")])
    grid.section(
        [
            (
                screen.join(name, mark),
                reference,
                money(r.amount),
                str(r.line_count),
                contact(screen, r.link, r.client),
            )
            for name, reference, r in clients[len(report.rows) :]
        ]
    )

    def blocks() -> Iterator[tuple[Cell, Sequence[Cell]]]:
        for name, reference, r in clients:
            head = f"{name}  {reference}"
            if r.outstanding:
                head += mark.text
            yield (
                head,
                (
                    f"{money(r.amount)} · {plural(r.line_count, 'line')}",
                    screen.join(
                        screen.styled(("Xero: ", "dim")), contact(screen, r.link, r.client)
                    ),
                ),
            )

    screen.table(
        grid,
        lambda: stacked(
            screen,
            title,
            blocks(),
            [f"{total[0]} · {total[1]} · {plural(report.line_count, 'line')}"],
        ),
    )
    screen.show()
    attention((*report.rows, *report.outstanding), always=True, total=report.needing_attention)
    if report.outstanding:
        from socketcli.cli.output import say

        say(
            f"{plural(len(report.outstanding), 'client')} outstanding "
            f"({money(report.outstanding_total)}): they started after {report.month.label} "
            f"was finalised; `socket plan post --outstanding --month {report.month}` "
            "posts them."
        )

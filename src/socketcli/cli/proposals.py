"""`socket proposals list|show|add|accept|cancel|change`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import JsonOption

if TYPE_CHECKING:
    from socketcli.domain.records import Proposal

app = command_group(help="Manage proposals: the agreed scope that billing follows.")

RefArg = Annotated[str, typer.Argument(metavar="REFERENCE", help="The proposal's reference.")]
LINE_HELP = "A line as SERVICE=[QTYx]PRICE[|DESCRIPTION], e.g. 'Bookkeeping=150' or 'Payroll=3x25|Payroll, 3 staff'. Repeat for each line."


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    return {
        "reference": proposal.reference,
        "client_reference": proposal.client_reference,
        "status": proposal.status.value,
        "start_date": proposal.start_date,
        "title": proposal.title,
        "lines": [
            {
                "service": line.service_name,
                "description": line.description,
                "billing_method": line.billing_method.value,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "from": str(line.start) if line.start else None,
                "to": str(line.end) if line.end else None,
            }
            for line in proposal.lines
        ],
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    client: Annotated[
        str | None, typer.Option(metavar="CLIENT", help="Only this client's proposals.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """List proposals with their client, status and start date."""
    from socketcli.cli.output import emit_json, plural
    from socketcli.cli.screen import Column, listing, visible
    from socketcli.services.proposals import list_proposals

    st = state(ctx)
    proposals = list_proposals(st.store, client)
    if json_:
        emit_json([proposal_json(p) for p in proposals])
        return
    listing(
        plural(len(proposals), "proposal"),
        [
            Column("Proposal"),
            Column("Client"),
            Column("Status"),
            Column("Start"),
            Column("Lines", right=True),
        ],
        [
            (
                visible(p.reference),
                visible(p.client_reference),
                p.status.value,
                str(p.start_date or ""),
                str(len(p.lines)),
            )
            for p in proposals
        ],
        no_pager=st.no_pager,
    )


@app.command("show")
def show_(ctx: typer.Context, reference: RefArg, json_: JsonOption = False) -> None:
    """Show a proposal and every version of its lines, with the months each applies to."""
    from socketcli.cli.output import emit_json, escape, money, show, table
    from socketcli.domain.money import format_price
    from socketcli.services.proposals import get_proposal

    proposal = get_proposal(state(ctx).store, reference)
    if json_:
        emit_json(proposal_json(proposal))
        return
    grid = table(
        "Service",
        "Description",
        "Method",
        "Qty",
        "Unit price",
        "Amount",
        "From",
        "To",
        right=["Qty", "Unit price", "Amount"],
        title=f"Proposal {escape(proposal.reference)} for {escape(proposal.client_reference)}: "
        f"{proposal.status.value}, start {proposal.start_date or 'not set'}",
    )
    for line in proposal.lines:
        grid.add_row(
            escape(line.service_name),
            escape(line.description),
            line.billing_method.value.replace("_", " "),
            str(line.quantity),
            format_price(line.unit_price),
            money(line.amount),
            str(line.start or ""),
            str(line.end or ""),
        )
    show(grid)


@app.command("add")
def add(
    ctx: typer.Context,
    reference: Annotated[
        str,
        typer.Argument(
            metavar="REFERENCE", help="A unique reference for the proposal, e.g. P-1001."
        ),
    ],
    client: Annotated[
        str, typer.Option("--client", metavar="CLIENT", help="The client's reference.")
    ],
    line: Annotated[list[str], typer.Option("--line", metavar="LINE", help=LINE_HELP)],
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="DATE",
            help="Confirmed start date, YYYY-MM-DD (or as the date_format setting says).",
        ),
    ] = None,
    title: Annotated[str, typer.Option(metavar="TITLE", help="A title for the proposal.")] = "",
    accept: Annotated[
        bool, typer.Option("--accept", help="Accept it at once (needs --start).")
    ] = False,
) -> None:
    """Add a draft proposal (or an accepted one with --accept)."""
    from socketcli.cli.output import say
    from socketcli.services.proposals import LineSpec, add_proposal

    specs = [LineSpec.parse(text) for text in line]
    st = state(ctx)
    proposal = add_proposal(
        st.store,
        reference,
        client,
        specs,
        start=start or None,
        title=title,
        accept_with=st.clock if accept else None,
    )
    say(
        f"Added proposal {proposal.reference} for {proposal.client_reference} ({proposal.status.value})."
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    reference: RefArg,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="DATE",
            help="Confirmed start date, YYYY-MM-DD (or as the date_format setting says).",
        ),
    ] = None,
) -> None:
    """Accept a draft proposal: its lines bill from the month of the start date."""
    from socketcli.cli.output import say
    from socketcli.services.proposals import accept_proposal

    st = state(ctx)
    proposal = accept_proposal(st.store, reference, st.clock, start or None)
    say(f"Accepted proposal {proposal.reference}: billing from {proposal.start_date}.")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    reference: RefArg,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="YYYY-MM",
            help="For an accepted proposal: the first month not billed, YYYY-MM or Dec 2026 (default: the next month to bill).",
        ),
    ] = None,
) -> None:
    """Cancel a proposal. An accepted one stops billing from a month; months before still bill."""
    from socketcli.cli.options import typed_month
    from socketcli.cli.output import say
    from socketcli.services.proposals import cancel_proposal

    st = state(ctx)
    month = typed_month(from_, st) if from_ else None
    proposal = cancel_proposal(st.store, reference, st.clock, month)
    say(f"Cancelled proposal {proposal.reference}.")


@app.command("change")
def change(
    ctx: typer.Context,
    reference: RefArg,
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="YYYY-MM",
            help="The month the change takes effect, YYYY-MM or Dec 2026.",
        ),
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="LINE", help="Add a service's line or replace its price: " + LINE_HELP
        ),
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove", metavar="SERVICE", help="Stop a service from this month. Repeatable."
        ),
    ] = None,
) -> None:
    """Change an accepted proposal from a month on; months before it bill as they did."""
    from socketcli.cli.options import typed_month
    from socketcli.cli.output import say
    from socketcli.services.proposals import LineSpec, change_proposal

    month = typed_month(from_, state(ctx))
    specs = [LineSpec.parse(text) for text in set_ or []]
    proposal = change_proposal(
        state(ctx).store,
        reference,
        month,
        state(ctx).clock,
        set_lines=specs,
        remove=list(remove or []),
    )
    say(f"Changed proposal {proposal.reference} from {month}.")

"""`socket clients list|show|add|edit|close`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import ClientArg, JsonOption

if TYPE_CHECKING:
    from socketcli.domain.records import Client

app = command_group(help="Manage the practice's clients.")

Email = Annotated[str | None, typer.Option(help="Billing email address.")]
YearEnd = Annotated[
    str | None, typer.Option("--year-end", help="Financial year end as DD-MM, e.g. 31-03.")
]
Terms = Annotated[
    str | None,
    typer.Option("--payment-terms", help="Override payment terms, e.g. days:30 or following:20."),
]
InvoiceDay = Annotated[
    str | None, typer.Option("--invoice-day", help="Override the day invoices are dated (1-31).")
]
Consolidate = Annotated[
    bool | None,
    typer.Option(
        "--consolidate/--no-consolidate",
        help="Override line consolidation for this client.",
        show_default=False,
    ),
]
Theme = Annotated[
    str | None, typer.Option("--branding-theme", help="Override the Xero branding theme.")
]
Tracking = Annotated[
    str | None, typer.Option("--tracking", help="Xero tracking option as Category:Option.")
]


def client_json(client: Client) -> dict[str, Any]:
    return {
        "reference": client.reference,
        "name": client.name,
        "email": client.email,
        "year_end": str(client.year_end) if client.year_end else None,
        "xero_contact_id": client.xero_contact_id,
        "xero_contact_name": client.xero_contact_name,
        "new_xero_contact": client.new_xero_contact,
        "payment_terms": client.payment_terms,
        "invoice_day": client.invoice_day,
        "consolidate": client.consolidate,
        "branding_theme": client.branding_theme,
        "tracking": client.tracking,
        "last_billable_month": str(client.last_billable_month)
        if client.last_billable_month
        else None,
    }


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List every client with its Xero link and closing month."""
    from socketcli.cli.output import emit_json, escape, show, table
    from socketcli.services.clients import list_clients

    clients = list_clients(state(ctx).store)
    if json_:
        emit_json([client_json(client) for client in clients])
        return
    grid = table(
        "Reference",
        "Name",
        "Email",
        "Year end",
        "Xero contact",
        "Closing",
        title=f"{len(clients)} clients",
    )
    for client in clients:
        grid.add_row(
            escape(client.reference),
            escape(client.name),
            escape(client.email),
            str(client.year_end or ""),
            escape(client.xero_contact_name or "")
            if client.xero_contact_id
            else "[dim]new contact[/]"
            if client.new_xero_contact
            else "[yellow]⚠ not linked[/]",
            f"last billed {client.last_billable_month}" if client.last_billable_month else "",
        )
    show(grid)


@app.command("show")
def show_(ctx: typer.Context, client: ClientArg, json_: JsonOption = False) -> None:
    """Show one client: details, overrides and proposals."""
    from socketcli.cli.output import emit_json, escape, money, show, table
    from socketcli.services.clients import show_client

    detail = show_client(state(ctx).store, client)
    if json_:
        document = client_json(detail.client)
        document["proposals"] = [
            {"reference": p.reference, "status": p.status.value, "start_date": p.start_date}
            for p in detail.proposals
        ]
        emit_json(document)
        return
    facts = table(
        "Field", "Value", title=f"{escape(detail.client.name)} ({escape(detail.client.reference)})"
    )
    for key, value in client_json(detail.client).items():
        facts.add_row(key.replace("_", " "), escape("" if value is None else str(value)))
    show(facts)
    proposals = table("Proposal", "Status", "Start", "Lines in force", title="Proposals")
    for proposal in detail.proposals:
        in_force = ", ".join(
            f"{escape(line.service_name)} {money(line.amount)} {line.billing_method.value.replace('_', ' ')}"
            for line in proposal.lines
            if line.end is None
        )
        proposals.add_row(
            escape(proposal.reference),
            proposal.status.value,
            str(proposal.start_date or ""),
            in_force,
        )
    show(proposals)


@app.command("add")
def add(
    ctx: typer.Context,
    reference: Annotated[
        str, typer.Argument(help="A unique reference for the client, e.g. ACME01.")
    ],
    name: Annotated[str, typer.Argument(help="The client's name as it should appear on invoices.")],
    email: Email = None,
    year_end: YearEnd = None,
    payment_terms: Terms = None,
    invoice_day: InvoiceDay = None,
    consolidate: Consolidate = None,
    branding_theme: Theme = None,
    tracking: Tracking = None,
) -> None:
    """Add a client."""
    from socketcli.cli.output import say
    from socketcli.services.clients import ClientChanges, add_client

    changes = ClientChanges(
        email=email,
        year_end=year_end,
        payment_terms=payment_terms,
        invoice_day=invoice_day,
        consolidate=consolidate,
        branding_theme=branding_theme,
        tracking=tracking,
    )
    client = add_client(state(ctx).store, reference, name, changes)
    say(f"Added client {client.reference}: {client.name}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    client: ClientArg,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    email: Email = None,
    year_end: YearEnd = None,
    payment_terms: Terms = None,
    invoice_day: InvoiceDay = None,
    consolidate: Consolidate = None,
    branding_theme: Theme = None,
    tracking: Tracking = None,
) -> None:
    """Change a client's details or overrides (an empty value clears an override)."""
    from socketcli.cli.output import say
    from socketcli.services.clients import ClientChanges, edit_client

    changes = ClientChanges(
        name=name,
        email=email,
        year_end=year_end,
        payment_terms=payment_terms,
        invoice_day=invoice_day,
        consolidate=consolidate,
        branding_theme=branding_theme,
        tracking=tracking,
    )
    saved = edit_client(state(ctx).store, client, changes)
    say(f"Updated client {saved.reference}: {saved.name}")


@app.command("close")
def close(
    ctx: typer.Context,
    client: ClientArg,
    last_month: Annotated[
        str, typer.Option("--last-month", help="The last month to bill, YYYY-MM.")
    ],
) -> None:
    """Mark a client as closing: nothing is billed after its last billable month."""
    from socketcli.cli.output import say
    from socketcli.domain.months import Month
    from socketcli.services.clients import close_client

    month = Month.parse(last_month)
    saved = close_client(state(ctx).store, client, month)
    say(f"{saved.name} ({saved.reference}) is closing: last billed in {month}.")

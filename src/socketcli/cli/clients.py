"""`socket clients list|show|add|edit|close|reopen`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import ClientArg, JsonOption

if TYPE_CHECKING:
    from socketcli.domain.records import Client

app = command_group(help="Manage the practice's clients.")

Email = Annotated[str | None, typer.Option(metavar="EMAIL", help="Billing email address.")]
YearEnd = Annotated[
    str | None,
    typer.Option("--year-end", metavar="DD-MM", help="Financial year end as DD-MM, e.g. 31-03."),
]
# Every override takes `default` (or an empty value) to clear it: the practice's setting
# applies again (domain.overrides).
Terms = Annotated[
    str | None,
    typer.Option(
        "--payment-terms",
        metavar="TERMS",
        help="Override payment terms, e.g. days:30 or following:20, or default (the practice's).",
    ),
]
InvoiceDay = Annotated[
    str | None,
    typer.Option(
        "--invoice-day",
        metavar="DAY",
        help="Override the day invoices are dated (1-31), or default (the practice's).",
    ),
]
Consolidate = Annotated[
    str | None,
    typer.Option(
        "--consolidate",
        metavar="yes|no|default",
        help="Override line consolidation: yes, no, or default (the practice's setting).",
    ),
]
Theme = Annotated[
    str | None,
    typer.Option(
        "--branding-theme",
        metavar="THEME",
        help="Override the Xero branding theme, or default (the practice's).",
    ),
]
Tracking = Annotated[
    str | None,
    typer.Option(
        "--tracking",
        metavar="CATEGORY:OPTION",
        help="Xero tracking option as Category:Option, or default (none).",
    ),
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
    from socketcli.cli.output import emit_json, plural
    from socketcli.cli.screen import Column, Screen, listing, visible
    from socketcli.services.clients import list_clients

    st = state(ctx)
    clients = list_clients(st.store)
    if json_:
        emit_json([client_json(client) for client in clients])
        return
    screen = Screen.for_stdout(no_pager=st.no_pager)
    linked_to_new = screen.styled(("new contact", "dim"))
    not_linked = screen.styled(("⚠", "yellow"), (" not linked", None))
    listing(
        plural(len(clients), "client"),
        [
            Column("Reference"),
            Column("Name", flexible=True),
            Column("Email", flexible=True),
            Column("Year end"),
            Column("Xero contact", flexible=True),
            Column("Closing"),
        ],
        [
            (
                visible(client.reference),
                visible(client.name),
                visible(client.email),
                str(client.year_end or ""),
                visible(client.xero_contact_name or "")
                if client.xero_contact_id
                else linked_to_new
                if client.new_xero_contact
                else not_linked,
                f"last billed {client.last_billable_month.label}"
                if client.last_billable_month
                else "",
            )
            for client in clients
        ],
        no_pager=st.no_pager,
        screen=screen,
    )


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
        if key in detail.practice:
            practice = detail.practice[key] or "Xero's default"
            facts.add_row(key.replace("_", " "), f"[dim]default (practice: {escape(practice)})[/]")
        elif key == "tracking" and value is None:
            facts.add_row("tracking", "[dim]default (none)[/]")
        elif isinstance(value, bool):
            facts.add_row(key.replace("_", " "), "yes" if value else "no")
        else:
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
        str,
        typer.Argument(metavar="REFERENCE", help="A unique reference for the client, e.g. ACME01."),
    ],
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="The client's name as it should appear on invoices."),
    ],
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
    name: Annotated[str | None, typer.Option(metavar="NAME", help="New name.")] = None,
    email: Email = None,
    year_end: YearEnd = None,
    payment_terms: Terms = None,
    invoice_day: InvoiceDay = None,
    consolidate: Consolidate = None,
    branding_theme: Theme = None,
    tracking: Tracking = None,
) -> None:
    """Change a client's details or overrides (`default` clears an override: the practice's setting applies again)."""
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
    if changes == ClientChanges():
        from socketcli.domain.errors import InvalidInput

        raise InvalidInput(
            "nothing to change: give one or more of --name, --email, --year-end, "
            "--payment-terms, --invoice-day, --consolidate, --branding-theme, --tracking"
        )
    saved = edit_client(state(ctx).store, client, changes)
    say(f"Updated client {saved.reference}: {saved.name}")


@app.command("close")
def close(
    ctx: typer.Context,
    client: ClientArg,
    last_month: Annotated[
        str,
        typer.Option(
            "--last-month", metavar="YYYY-MM", help="The last month to bill, YYYY-MM or Dec 2026."
        ),
    ],
) -> None:
    """Mark a client as closing: nothing is billed after its last billable month."""
    from socketcli.cli.options import typed_month
    from socketcli.cli.output import say
    from socketcli.services.clients import close_client

    month = typed_month(last_month, state(ctx))
    saved = close_client(state(ctx).store, client, month)
    say(f"{saved.name} ({saved.reference}) is closing: last billed in {month.label}.")


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    client: ClientArg,
    json_: Annotated[
        bool, typer.Option("--json", help="Print what was done as JSON instead of sentences.")
    ] = False,
) -> None:
    """Undo `clients close`: the client is billed again from the next month to be billed (months finalised meanwhile stay as billed)."""
    from socketcli.cli.output import emit_json, say
    from socketcli.services.clients import reopen_client

    invocation = state(ctx)
    done = reopen_client(invocation.store, invocation.clock, client)
    if json_:
        emit_json(
            {
                "reference": done.client.reference,
                "name": done.client.name,
                "was_last_billable_month": str(done.was_last_billable),
                "billed_again_from": str(done.billed_again_from),
                "finalised_without_it": [str(month) for month in done.finalised_without_it],
            }
        )
        return
    who = f"{done.client.name} ({done.client.reference})"
    if not done.had_stopped:
        say(
            f"{who} is open again: no longer closing after {done.was_last_billable}, it is "
            f"billed on from {done.billed_again_from}."
        )
        return
    say(
        f"{who} is open again: its last billable month was {done.was_last_billable}; it is "
        f"billed again from {done.billed_again_from}, the next month to be billed."
    )
    kept = done.finalised_without_it
    if kept:
        months = str(kept[0]) if len(kept) == 1 else f"{kept[0]} to {kept[-1]}"
        verb = "is" if len(kept) == 1 else "are"
        say(
            f"{months} {verb} finalised without it and stay{'s' if len(kept) == 1 else ''} as "
            "billed: nothing of it is outstanding there."
        )

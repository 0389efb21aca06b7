"""`socket contacts list`: each client with its Xero contact, and what needs attention."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption

if TYPE_CHECKING:
    from socketcli.services.contacts import ClientLink


def list_(
    ctx: typer.Context,
    unmatched: Annotated[
        bool,
        typer.Option(
            "--unmatched",
            help="Only clients still billed that need a person: unlinked, archived or merged.",
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """List clients with their Xero contact and what needs attention."""
    from socketcli.cli.output import contact_cell, emit_json, escape, note, plural, show, table
    from socketcli.services.contacts import list_links

    st = state(ctx)
    found = list_links(st.store, st.clock)
    links, waiting = found.links, found.waiting
    if unmatched:
        links = [item for item in links if item.client.reference in waiting]
    if json_:
        emit_json([_link_json(item) for item in links])
        return
    grid = table("Reference", "Client", "Xero contact", title=plural(len(links), "client"))
    for item in links:
        grid.add_row(
            escape(item.client.reference),
            escape(item.client.name),
            contact_cell(item.link, item.client.name),
        )
    show(grid)
    if waiting:
        note(
            f"{plural(len(waiting), 'client needs', 'clients need')} attention: "
            "run `socket contacts match`."
        )


def _link_json(item: ClientLink) -> dict[str, Any]:
    link = item.link
    return {
        "reference": item.client.reference,
        "client": item.client.name,
        "status": link.status.value,
        "xero_contact_id": item.contact_id,
        "xero_contact_number": item.contact_number,
        "xero_contact": link.contact_name,
        "merged_into": link.merged_into,
        "names_differ": link.differs_from(item.client.name),
        "warning": link.warning,
    }

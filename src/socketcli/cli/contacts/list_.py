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
    from socketcli.cli.output import emit_json, note, plural
    from socketcli.cli.screen import Column, Screen, contact, listing, visible
    from socketcli.services.contacts import list_links

    st = state(ctx)
    found = list_links(st.store, st.clock)
    links, waiting = found.links, found.waiting
    if unmatched:
        links = [item for item in links if item.client.reference in waiting]
    if json_:
        emit_json([_link_json(item) for item in links])
        return
    screen = Screen.for_stdout(no_pager=st.no_pager)
    listing(
        plural(len(links), "client"),
        [
            Column("Reference"),
            Column("Client", flexible=True),
            Column("Xero contact", flexible=True),
        ],
        [
            (
                visible(item.client.reference),
                visible(item.client.name),
                contact(screen, item.link, item.client.name),
            )
            for item in links
        ],
        no_pager=st.no_pager,
        screen=screen,
    )
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

"""`socket contacts link CLIENT CONTACT`."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import ClientArg, JsonOption


def link(
    ctx: typer.Context,
    client: ClientArg,
    contact: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT", help="The Xero contact: its name, ContactID or ContactNumber."
        ),
    ],
    shared: Annotated[
        bool,
        typer.Option("--shared", help="Link even if another client is linked to this contact."),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Link a client to a Xero contact."""
    from socketcli.cli.output import emit_json, say
    from socketcli.services import contacts

    outcome = contacts.link(state(ctx).store, client, contact, shared=shared)
    found = outcome.contact
    assert found is not None
    if json_:
        emit_json(
            {
                "reference": outcome.client.reference,
                "client": outcome.client.name,
                "xero_contact_id": found.contact_id,
                "xero_contact": found.name,
                "shared_with": [c.reference for c in outcome.shared_with],
            }
        )
        return
    say(f"Linked {outcome.client.name} ({outcome.client.reference}) to {found.name}.")
    if outcome.shared_with:
        others = ", ".join(c.reference for c in outcome.shared_with)
        say(f"{found.name} is also linked to {others}.")

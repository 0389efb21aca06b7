"""`socket contacts duplicates`: Xero contacts that look like the same business."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption, Threshold

if TYPE_CHECKING:
    from socketcli.domain.records import XeroContact


def duplicates(ctx: typer.Context, threshold: Threshold = None, json_: JsonOption = False) -> None:
    """List Xero contacts that look like the same business (to merge in Xero)."""
    from socketcli.cli.output import emit_json, note
    from socketcli.domain.matching import DEFAULT_THRESHOLD
    from socketcli.services.contacts import duplicate_contacts

    groups = duplicate_contacts(
        state(ctx).store, DEFAULT_THRESHOLD if threshold is None else threshold
    )
    if json_:
        emit_json([[_contact_json(c) for c in group] for group in groups])
    elif not groups:
        note("No Xero contacts look like duplicates.")
    else:
        _table(groups)
        note("Merge each group in Xero (Contacts, select them, Merge); `socket sync` then sees it.")


def _contact_json(contact: XeroContact) -> dict[str, str | None]:
    return {
        "contact_id": contact.contact_id,
        "name": contact.name,
        "email": contact.email,
        "contact_number": contact.contact_number,
    }


def _table(groups: list[list[XeroContact]]) -> None:
    from socketcli.cli.output import escape, plural, show, table

    grid = table(
        "Group", "Xero contact", "Email", "ContactNumber", title=plural(len(groups), "group")
    )
    for number, group in enumerate(groups, start=1):
        for contact in group:
            grid.add_row(
                str(number),
                escape(contact.name),
                escape(contact.email),
                escape(contact.contact_number or ""),
            )
        grid.add_section()
    show(grid)

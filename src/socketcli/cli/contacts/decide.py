"""`socket contacts unlink CLIENT` and `socket contacts new CLIENT`: one decision on a client's
Xero contact each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from socketcli.cli.context import state
from socketcli.cli.options import ClientArg, JsonOption

if TYPE_CHECKING:
    from collections.abc import Callable

    from socketcli.domain.records import Client
    from socketcli.ports.store import OpenStore


def unlink(ctx: typer.Context, client: ClientArg, json_: JsonOption = False) -> None:
    """Unlink a client from its Xero contact (it needs matching again)."""
    from socketcli.services import contacts

    _decide_one(
        ctx, contacts.unlink, client, "unlinked", json_, "Unlinked {}: it needs matching again."
    )


def new(ctx: typer.Context, client: ClientArg, json_: JsonOption = False) -> None:
    """Post a client's invoices to a new Xero contact made with its name."""
    from socketcli.services import contacts

    _decide_one(
        ctx,
        contacts.choose_new_contact,
        client,
        "new",
        json_,
        "{} will get a new Xero contact with this name at posting.",
    )


def _decide_one(
    ctx: typer.Context,
    decide: Callable[[OpenStore, str], Client],
    client: str,
    status: str,
    json_: bool,
    said: str,
) -> None:
    """Run one decision on a client in a write transaction, and say what it did."""
    from socketcli.cli.output import emit_json, say

    saved = decide(state(ctx).store, client)
    if json_:
        emit_json({"reference": saved.reference, "client": saved.name, "status": status})
        return
    say(said.format(f"{saved.name} ({saved.reference})"))

"""`socket xero accounts` and `socket xero themes`: what the last `socket sync` mirrored."""

from __future__ import annotations

from typing import Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption


def accounts(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the organisation's revenue accounts as the last `socket sync` mirrored them
    (archived ones marked): the account codes settings and services may use."""
    from socketcli.cli.output import emit_json, escape, show, table
    from socketcli.services.sync import mirror

    st = state(ctx)
    view = mirror(st.store)
    if json_:
        emit_json(
            [
                {
                    "code": a.code,
                    "name": a.name,
                    "type": a.type,
                    "status": a.status,
                    "tax_type": a.tax_type,
                    "account_id": a.account_id,
                    "updated": a.updated_at,
                }
                for a in view.accounts
            ]
        )
    elif view.accounts:
        title = f"Revenue accounts in Xero{_as_of(view.accounts_synced_at)}"
        grid = table("Code", "Name", "Type", "Tax type", "Status", title=title)
        for a in view.accounts:
            grid.add_row(
                escape(a.code),
                escape(a.name),
                a.type,
                a.tax_type or "",
                "archived: not usable" if a.archived else "active",
            )
        show(grid)
    if not view.accounts:
        _never_synced("revenue accounts")


def themes(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the organisation's branding themes as the last `socket sync` mirrored them: the
    names the branding_theme setting and client override may use."""
    from socketcli.cli.output import emit_json, escape, show, table
    from socketcli.services.sync import mirror

    st = state(ctx)
    view = mirror(st.store)
    if json_:
        emit_json(
            [
                {
                    "name": t.name,
                    "sort_order": t.sort_order,
                    "branding_theme_id": t.branding_theme_id,
                }
                for t in view.themes
            ]
        )
    elif view.themes:
        title = f"Branding themes in Xero{_as_of(view.themes_synced_at)}"
        grid = table("Name", "Sort order", title=title)
        for t in view.themes:
            grid.add_row(escape(t.name), str(t.sort_order))
        show(grid)
    if not view.themes:
        _never_synced("branding themes")


def _as_of(moment: Any) -> str:
    return f" (as of {moment:%Y-%m-%d %H:%M} UTC)" if moment is not None else ""


def _never_synced(what: str) -> None:
    from socketcli.cli.output import say

    say(
        f"The store has no {what} from Xero yet: `socket sync` mirrors them (until then, "
        "settings take any well-formed value)."
    )

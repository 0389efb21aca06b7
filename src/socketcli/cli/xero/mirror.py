"""`socket xero accounts` and `socket xero themes`: what the last `socket sync` mirrored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import typer

from socketcli.cli.context import state
from socketcli.cli.options import JsonOption


def accounts(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the organisation's revenue accounts as the last `socket sync` mirrored them
    (archived ones marked): the account codes settings and services may use."""
    from socketcli.cli.output import escape
    from socketcli.services.sync import mirror

    view = mirror(state(ctx).store)
    _listing(
        "revenue accounts",
        view.accounts_synced_at,
        json_,
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
        ],
        ("Code", "Name", "Type", "Tax type", "Status"),
        [
            (
                escape(a.code),
                escape(a.name),
                escape(a.type),
                escape(a.tax_type or ""),
                "archived: not usable" if a.archived else "active",
            )
            for a in view.accounts
        ],
    )


def themes(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the organisation's branding themes as the last `socket sync` mirrored them: the
    names the branding_theme setting and client override may use."""
    from socketcli.cli.output import escape
    from socketcli.services.sync import mirror

    view = mirror(state(ctx).store)
    _listing(
        "branding themes",
        view.themes_synced_at,
        json_,
        [
            {"name": t.name, "sort_order": t.sort_order, "branding_theme_id": t.branding_theme_id}
            for t in view.themes
        ],
        ("Name", "Sort order"),
        [(escape(t.name), str(t.sort_order)) for t in view.themes],
    )


def _listing(
    what: str,
    synced_at: datetime | None,
    json_: bool,
    documents: list[dict[str, Any]],
    columns: Sequence[str],
    rows: list[tuple[str, ...]],
) -> None:
    """One list of the mirror: JSON, else a table; and a line when sync has mirrored none."""
    from socketcli.cli.output import emit_json, say, show, table

    if json_:
        emit_json(documents)
    elif rows:
        as_of = f" (as of {synced_at:%Y-%m-%d %H:%M} UTC)" if synced_at is not None else ""
        grid = table(*columns, title=f"{what.capitalize()} in Xero{as_of}")
        for row in rows:
            grid.add_row(*row)
        show(grid)
    if not rows:
        say(
            f"The store has no {what} from Xero yet: `socket sync` mirrors them (until then, "
            "settings take any well-formed value)."
        )

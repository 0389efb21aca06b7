"""`socket settings show|set`."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import JsonOption

app = command_group(help="Show and change the practice settings.")


@app.command("show")
def show(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Show every practice setting with its value and what it means."""
    from socketcli.cli.output import emit_json, escape, table
    from socketcli.cli.output import show as render
    from socketcli.services.settings import show_settings

    views = show_settings(state(ctx).store)
    if json_:
        emit_json({view.key: view.value for view in views})
        return
    grid = table("Setting", "Value", "Meaning", title="Practice settings")
    for view in views:
        value = escape(view.value) if view.value else "[dim](none)[/]"
        grid.add_row(view.key, value if view.is_default else f"[bold]{value}[/]", view.help)
    render(grid)


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY", help="The setting's name, as `socket settings show` lists it."
        ),
    ],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
) -> None:
    """Change one practice setting; the value is checked first."""
    from socketcli.cli.output import say
    from socketcli.services.settings import set_setting

    view = set_setting(state(ctx).store, key, value)
    say(f"{view.key} = {view.value or '(none)'}")

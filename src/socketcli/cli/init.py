"""`socket init`."""

from __future__ import annotations

import typer

from socketcli.cli.context import state


def init(ctx: typer.Context) -> None:
    """Create the practice's store (or bring an existing one to the newest schema)."""
    from socketcli.cli.output import say

    st = state(ctx)
    existed = st.wiring.exists()
    st.create_store()
    where = st.wiring.location.describe()
    if existed:
        say(f"Store at {where} is ready (already existed; schema is up to date).")
    else:
        say(f"Created the store at {where}.")
        say("Next: `socket settings show`, then `socket import FILE...` or `socket clients add`.")

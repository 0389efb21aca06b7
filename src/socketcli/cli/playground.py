"""`socket playground`."""

from __future__ import annotations

from typing import Annotated

import typer

from socketcli.cli.context import State, state


def playground(
    ctx: typer.Context,
    reset: Annotated[
        bool, typer.Option("--reset", help="Throw the demo practice away and make it anew.")
    ] = False,
) -> None:
    """Create the demo practice (its own store) to try every command without Xero."""
    from socketcli.cli.output import say
    from socketcli.services.playground import create_playground

    outer = state(ctx)
    st = State(db=outer.db, playground=outer.db is None)
    # Made where --db says, the playground is used with that --db, not with --playground
    # (which names the playground's own file).
    hint = (
        "Try: socket --playground plan diff   (or set SOCKET_PLAYGROUND=1)"
        if outer.db is None
        else "Try: socket plan diff with the same --db"
    )
    try:
        location = st.wiring.location
        path = location.sqlite_path
        if path is not None and path.exists():
            if not reset:
                say(
                    f"The playground already exists at {location.describe()} (use --reset to make it anew)."
                )
                say(hint)
                return
            st.wiring.wait_for_writers()  # never pull the store from under a command writing it
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        try:
            report = create_playground(st.create_store(), st.clock)
        except BaseException:
            # Never leave a half-made playground behind to be mistaken for a finished one.
            st.close()
            if path is not None:
                for suffix in ("", "-wal", "-shm"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
            raise
        say(f"Created the playground at {location.describe()}: {report.summary()}.")
        say(hint)
    finally:
        st.close()

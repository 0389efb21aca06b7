"""`socket xero disconnect`: end the connection at Xero and forget its tokens here."""

from __future__ import annotations

import typer

from socketcli.cli.context import state


def disconnect(ctx: typer.Context) -> None:
    """Revoke the connection at Xero (when Xero can be reached) and forget its tokens here."""
    from socketcli.cli.output import say
    from socketcli.services.xero_connect import disconnect as end_connection

    st = state(ctx)
    with st.xero(st.settings(), connect=False) as xero:
        report = end_connection(st.store, xero)
    if not report.was_connected:
        say("Not connected to Xero: nothing to do.")
        return
    for line in report.done:
        say(f"Xero: {line}.")
    for problem in report.problems:
        say(f"warning: {problem}")
    if report.problems:
        say(
            "The connection is forgotten here; it may still be listed in Xero until its "
            "refresh token expires: remove it under Settings > Connected apps in Xero."
        )
    say(f"Disconnected from {report.organisation or report.tenant_id}: its tokens are forgotten.")

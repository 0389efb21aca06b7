"""`socket xero connect|status|disconnect`: connect one Xero organisation, see it, end it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import JsonOption

if TYPE_CHECKING:
    from socketcli.bootstrap import XeroAccess, XeroToken
    from socketcli.services.xero_connect import Organisation

app = command_group(
    help="Connect socket to a Xero organisation, see the connection, end it, and list what `socket sync` mirrored."
)

#: Must match adapters.xero.oauth.DEFAULT_CALLBACK_PORT (not imported: --help stays quick).
CALLBACK_PORT = 8735


def _interactive() -> bool:
    return sys.stdin.isatty()


def _browser_available() -> bool:
    if sys.platform.startswith("linux"):
        return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))
    return True


def _ask_organisation(organisations: Sequence[Organisation]) -> Organisation:
    from socketcli.cli.output import say

    say("Xero connected more than one organisation:")
    for number, organisation in enumerate(organisations, start=1):
        say(f"  {number}. {organisation.name} ({organisation.tenant_id})")
    while True:
        answer: int = typer.prompt("Which one", err=True, type=int)
        if 1 <= answer <= len(organisations):
            return organisations[answer - 1]
        say(f"Choose a number from 1 to {len(organisations)}.")


def _pkce(
    xero: XeroAccess, *, client_id: str, browser: bool, port: int, timeout: float
) -> XeroToken:
    """Auth Code with PKCE: the browser (or a pasted address, or the sandbox) gives a code."""
    import webbrowser

    from socketcli.cli.output import say

    redirected: str | None
    if xero.playground:
        request = xero.pkce_request(client_id, port=port)
        redirected = xero.sandbox_consent(request)
    elif browser:
        with xero.listen(port) as listener:
            request = xero.pkce_request(client_id, listener.redirect_uri)
            say("Opening your browser to connect socket to Xero. If it does not open, visit:")
            say(request.url)
            if not webbrowser.open(request.url):
                say("(No browser could be opened: open the address above on this machine.)")
            say(f"Waiting for Xero's answer on {listener.redirect_uri} (up to {timeout} s)...")
            redirected = listener.wait(timeout)
    else:
        request = xero.pkce_request(client_id, port=port)
        say("Open this address in a browser, sign in to Xero and allow access:")
        say(request.url)
        say(
            f"The browser is then sent to {request.redirect_uri}?code=... (the page may not "
            "load): paste that whole address here."
        )
        try:
            redirected = typer.prompt("Address", err=True)
        except typer.Abort:
            typer.echo(err=True)  # end the prompt's line
            redirected = None
    return xero.exchange(request, redirected)


def _ask_secret() -> str:
    secret: str = typer.prompt("Client secret", hide_input=True, err=True)
    return secret


@app.command("connect")
def connect(
    ctx: typer.Context,
    *,
    no_browser: Annotated[
        bool,
        typer.Option(
            "--no-browser",
            help="Print the address to open elsewhere and read the address Xero sends the browser to (a server over SSH).",
        ),
    ] = False,
    custom_connection: Annotated[
        bool,
        typer.Option(
            "--custom-connection",
            help="Connect with a Xero custom connection's client id and secret (client credentials).",
        ),
    ] = False,
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id",
            metavar="ID",
            help="The Xero app's client id (default: SOCKET_XERO_CLIENT_ID, else the xero_client_id setting).",
        ),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            metavar="SECRET",
            help="With --custom-connection: its client secret (better: SOCKET_XERO_CLIENT_SECRET, or the prompt).",
        ),
    ] = None,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            metavar="ID",
            help="Choose this organisation (tenant id or name) when several are connected.",
        ),
    ] = None,
    port: Annotated[
        int,
        typer.Option(
            "--port",
            metavar="N",
            min=0,
            max=65535,
            help="Listen for Xero's answer on http://localhost:PORT/callback (0: any free port).",
        ),
    ] = CALLBACK_PORT,
    timeout: Annotated[
        int,
        typer.Option(
            "--timeout",
            min=1,
            metavar="SECONDS",
            help="How long to wait for the browser's answer.",
        ),
    ] = 300,
) -> None:
    """Connect a Xero organisation: sign in with your browser (Auth Code with PKCE) or a custom
    connection; the tokens are kept in the OS keyring (or a private file), never in the store."""
    from socketcli.cli.output import say
    from socketcli.services.xero_connect import connect as connect_organisation

    st = state(ctx)
    with st.xero(st.settings()) as xero:
        if custom_connection:
            ask_secret = _ask_secret if _interactive() else None
            token = xero.custom_connection(client_id, client_secret, ask_secret=ask_secret)
        else:
            app_id = xero.pkce_client_id(client_id)
            browser = not no_browser and _browser_available()
            if not no_browser and not browser and not xero.playground:
                say("No browser on this machine: connecting as with --no-browser.")
            token = _pkce(xero, client_id=app_id, browser=browser, port=port, timeout=timeout)
        ask = _ask_organisation if _interactive() else None
        report = connect_organisation(st.store, xero.new_connection(token), tenant=tenant, ask=ask)
    if report.replaced:
        say(f"Replaced the connection to {report.replaced}.")
    say(
        f"Connected to {report.organisation} (tenant {report.tenant_id}) with a "
        f"{'custom' if report.kind == 'custom' else 'PKCE'} connection; the token is kept in "
        f"{report.stored_in}."
    )


@app.command("status")
def status(
    ctx: typer.Context,
    json_: JsonOption = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Ask Xero that the connection works (refreshing the token if due)."
        ),
    ] = False,
) -> None:
    """Show the connected organisation, the scopes, when the token expires and where it is kept."""
    from datetime import UTC, datetime

    from socketcli.cli.output import emit_json, table
    from socketcli.cli.output import show as render
    from socketcli.services.xero_connect import status as connection_status

    st = state(ctx)
    settings = st.settings()
    tenant_override = st.wiring.xero_tenant_override()
    with st.xero(settings) as xero:
        report = connection_status(
            st.store, xero, now=datetime.now(UTC), tenant_override=tenant_override, check=check
        )
    age = report.refresh_token_age
    fields: dict[str, Any] = {
        "organisation": report.organisation or None,
        "tenant_id": report.tenant_id,
        "connection": report.connection,
        "scopes": list(report.scopes),
        "access_token_expires": report.access_token_expires,
        "access_token_expired": report.access_token_expired,
        "refresh_token_issued": report.refresh_token_issued,
        "refresh_token_age_days": None if age is None else round(age.total_seconds() / 86400, 2),
        "refresh_token_expires_if_unused": report.refresh_token_expires,
        "token_store": report.token_store,
        "token_file": report.token_file,
        "playground": xero.playground,
        "check": report.check,
    }
    if json_:
        emit_json(fields)
        return
    grid = table("Xero", "", title="Xero connection")
    for key, value in fields.items():
        if value is None or value == []:
            continue
        if isinstance(value, list):
            value = " ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif hasattr(value, "isoformat"):
            value = value.isoformat(timespec="seconds")
        grid.add_row(key.replace("_", " "), str(value))
    render(grid)


@app.command("disconnect")
def disconnect(ctx: typer.Context) -> None:
    """Revoke the connection at Xero (when Xero can be reached) and forget its tokens here."""
    from socketcli.cli.output import say
    from socketcli.services.xero_connect import disconnect as end_connection

    st = state(ctx)
    with st.xero(st.settings()) as xero:
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


def _as_of(moment: Any) -> str:
    return f" (as of {moment:%Y-%m-%d %H:%M} UTC)" if moment is not None else ""


def _never_synced(what: str) -> None:
    from socketcli.cli.output import say

    say(
        f"The store has no {what} from Xero yet: `socket sync` mirrors them (until then, "
        "settings take any well-formed value)."
    )


@app.command("accounts")
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


@app.command("themes")
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

"""`socket xero connect`: sign in to Xero (Auth Code with PKCE, or a custom connection) and
keep the token for the organisation chosen."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from socketcli.cli.context import state
from socketcli.cli.options import whole_number

if TYPE_CHECKING:
    from socketcli.bootstrap import XeroAccess, XeroToken
    from socketcli.services.xero_connect import Organisation

#: Must match adapters.xero.oauth.DEFAULT_CALLBACK_PORT (not imported: --help stays quick).
CALLBACK_PORT = 8735


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
            parser=whole_number(
                "--port", "give a port from 0 to 65535 (0: any free port)", low=0, high=65535
            ),
            help="Listen for Xero's answer on http://localhost:N/callback, 0-65535 (0: any "
            "free port).",
        ),
    ] = CALLBACK_PORT,
    timeout: Annotated[
        int,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            parser=whole_number(
                "--timeout", "give a number of seconds, 1 to 86400 (a day)", low=1, high=86_400
            ),
            help="How long to wait for the browser's answer, in seconds (1 to 86400).",
        ),
    ] = 300,
) -> None:
    """Connect a Xero organisation: sign in with your browser (Auth Code with PKCE) or a custom
    connection; the tokens are kept in the OS keyring (or a private file), never in the store."""
    from socketcli.cli.output import say
    from socketcli.services.xero_connect import connect as connect_organisation

    st = state(ctx)
    with st.xero(st.settings(), connect=False) as xero:
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

    from socketcli.cli.output import say, say_line

    redirected: str | None
    if xero.playground:
        request = xero.pkce_request(client_id, port=port)
        redirected = xero.sandbox_consent(request)
    elif browser:
        with xero.listen(port) as listener:
            request = xero.pkce_request(client_id, listener.redirect_uri)
            say("Opening your browser to connect socket to Xero. If it does not open, visit:")
            say_line(request.url)  # one line, unwrapped: to copy
            if not webbrowser.open(request.url):
                say("(No browser could be opened: open the address above on this machine.)")
            say(f"Waiting for Xero's answer on {listener.redirect_uri} (up to {timeout} s)...")
            redirected = listener.wait(timeout)
    else:
        request = xero.pkce_request(client_id, port=port)
        say("Open this address in a browser, sign in to Xero and allow access:")
        say_line(request.url)  # one line, unwrapped: to copy whole
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

"""`socket xero connect|status|disconnect|accounts|themes`: connect one Xero organisation, see
it, end it, and list what `socket sync` mirrored; one module a command (the two lists of the
mirror share `mirror`)."""

from __future__ import annotations

from socketcli.cli.context import command_group
from socketcli.cli.xero import connect, disconnect, mirror, status

app = command_group(
    help="Connect socket to a Xero organisation, see the connection, end it, and list what `socket sync` mirrored."
)
app.command("connect")(connect.connect)
app.command("status")(status.status)
app.command("disconnect")(disconnect.disconnect)
app.command("accounts")(mirror.accounts)
app.command("themes")(mirror.themes)

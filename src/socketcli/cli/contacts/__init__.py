"""`socket contacts list|link|unlink|new|duplicates|match`: clients and their Xero contacts,
one module a command (unlink and new, two decisions of one shape, share `decide`)."""

from __future__ import annotations

from socketcli.cli.contacts import decide, duplicates, link, list_, match
from socketcli.cli.context import command_group

app = command_group(help="Link clients to their Xero contacts: list, match, link and unlink.")
app.command("list")(list_.list_)
app.command("link")(link.link)
app.command("unlink")(decide.unlink)
app.command("new")(decide.new)
app.command("duplicates")(duplicates.duplicates)
app.command("match")(match.match)

"""`socket plan show|diff|preview|approve|unapprove|post|status|reconcile|months`: the monthly
billing plan, one module a command."""

from __future__ import annotations

from socketcli.cli.context import command_group
from socketcli.cli.plan import (
    approve,
    diff,
    months,
    post,
    preview,
    reconcile,
    show,
    status,
    unapprove,
)

app = command_group(
    help="The monthly billing plan: review it, compare it, preview and approve it.",
)
app.command("show")(show.show)
app.command("diff")(diff.diff)
app.command("preview")(preview.preview)
app.command("approve")(approve.approve)
app.command("unapprove")(unapprove.unapprove)
app.command("post")(post.post)
app.command("status")(status.status)
app.command("reconcile")(reconcile.reconcile)
app.command("months")(months.months)

"""The root `socket` command: global options, command groups, and errors as one clear line."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from socketcli import __version__
from socketcli.cli import (
    clients,
    contacts,
    importing,
    init,
    plan,
    playground,
    proposals,
    sandbox,
    services,
    settings,
    sync,
    xero,
)
from socketcli.cli.context import State


class SocketGroup(TyperGroup):
    """Turns the project's errors into `error: ...` on stderr and the error's exit code."""

    def invoke(self, ctx: Any) -> Any:
        from socketcli.domain.errors import SocketError

        try:
            return super().invoke(ctx)
        except SocketError as failure:
            from socketcli.cli.output import error

            error(str(failure))
            raise typer.Exit(failure.exit_code) from None
        finally:
            state = ctx.obj
            if isinstance(state, State):
                state.close()


app = typer.Typer(
    cls=SocketGroup,
    name="socket",
    help=(
        "Turn accepted proposals into a monthly billing plan, see what changed since last "
        "month, and post approved invoices to Xero exactly once."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socket {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help=(
                "Use the SQLite store at PATH, taken as it is (or an explicit sqlite:/// or "
                "postgresql+psycopg:// URL); overrides SOCKET_DATABASE_URL."
            ),
            metavar="PATH",
        ),
    ] = None,
    playground_: Annotated[
        bool,
        typer.Option(
            "--playground",
            envvar="SOCKET_PLAYGROUND",
            help="Use the demo practice made by `socket playground`.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn accepted proposals into a monthly billing plan and post it to Xero."""
    ctx.obj = State(db=db, playground=playground_)


app.command("init")(init.init)
app.command("import")(importing.import_files)
app.command("playground")(playground.playground)
app.add_typer(settings.app, name="settings")
app.add_typer(clients.app, name="clients")
app.add_typer(contacts.app, name="contacts")
app.add_typer(services.app, name="services")
app.add_typer(proposals.app, name="proposals")
app.add_typer(plan.app, name="plan")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(xero.app, name="xero")
app.command("sync")(sync.sync)

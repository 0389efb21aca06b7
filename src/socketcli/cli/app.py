"""The root `socket` command: global options, command groups, and errors as one clear line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup

from socketcli import __version__
from socketcli.cli import (
    clients,
    contacts,
    db,
    history,
    importing,
    init,
    plan,
    playground,
    proposals,
    sandbox,
    services,
    settings,
    sync,
    work,
    xero,
)
from socketcli.cli.context import State


def asks_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (`--json` before any `--`)."""
    for word in args:
        if word == "--":
            return False
        if word == "--json":
            return True
    return False


class NamedArgument(TyperArgument):
    """An argument shown by its metavar, the way options are: `CLIENT` in the usage line and
    in the Arguments section, `FILE...` for one that takes several, `[ID]...` in the usage
    line when it may be left out. Typer's own rendering (`{client}`, `client <str>`) shows
    the Python name and type; it offers no `cls=` for parameters, so `SocketGroup` gives
    every command's arguments this class once, when the command tree is built."""

    def _shown(self) -> str:
        return self.metavar or (self.name or "").upper()

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self._shown() if self.required else f"[{self._shown()}]"
        return [f"{name}..." if self.nargs != 1 else name]

    def get_help_record(self, ctx: Any) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        return (f"{self._shown()}..." if self.nargs != 1 else self._shown()), record[1]

    def get_error_hint(self) -> str:
        return f"'{self._shown()}'"


def name_arguments(command: Any) -> None:
    """Make every argument under `command` (a group or a command) a `NamedArgument`."""
    for param in getattr(command, "params", []):
        if type(param) is TyperArgument:
            param.__class__ = NamedArgument
    for sub in getattr(command, "commands", {}).values():
        name_arguments(sub)


#: The parameters that name a file: any bytes the file system allows are a good name, so a
#: name that is not UTF-8 (a Latin-1 file name) is used as it is.
_PATHS = frozenset({"db", "files", "path", "state_file"})


def _as_typed(text: str) -> str:
    """A command-line word that is not UTF-8, shown as typed: each byte that is not part of
    UTF-8 text as `\\xNN` (Python decodes such bytes to lone surrogates)."""
    return "".join(
        f"\\x{ord(char) - 0xDC00:02x}"
        if 0xDC80 <= ord(char) <= 0xDCFF
        else (f"\\u{ord(char):04x}" if 0xD800 <= ord(char) <= 0xDFFF else char)
        for char in text
    )


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_undecodable(command: Any) -> None:
    """Every command under `command` refuses a value that is not UTF-8 text (bytes from a
    Latin-1 terminal, say) before it runs: one line naming the option and the value, exit 2,
    instead of the store's encoder failing on it. File names are exempt (`_PATHS`)."""
    callback = getattr(command, "callback", None)
    if callback is not None and not getattr(callback, "_checks_utf8", False):
        shown = {
            param.name: param._shown() if isinstance(param, NamedArgument) else param.opts[0]
            for param in command.params
        }

        @functools.wraps(callback)
        def checked(*args: Any, **values: Any) -> Any:
            from socketcli.domain.errors import InvalidInput

            for name, value in values.items():
                if name in _PATHS:
                    continue
                for text in value if isinstance(value, list | tuple) else (value,):
                    if isinstance(text, str) and _undecodable(text):
                        raise InvalidInput(
                            f"{shown.get(name, name)} '{_as_typed(text)}' is not UTF-8 text: "
                            "set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and type it again"
                        )
            return callback(*args, **values)

        checked._checks_utf8 = True  # type: ignore[attr-defined]
        command.callback = checked
    for sub in getattr(command, "commands", {}).values():
        refuse_undecodable(sub)


class SocketGroup(TyperGroup):
    """The one way a run fails: the project's errors (`SocketError`, and `output.Failed` for a
    failure found after a report is printed) become `error: ...` on stderr and the error's
    exit code; with --json, the JSON error object on stderr instead (`output.fail`), and
    usage errors too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Typer builds the subcommands first, then this root group: name their arguments.
        super().__init__(*args, **kwargs)
        name_arguments(self)
        refuse_undecodable(self)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from socketcli.cli.output import errors_as_json

        words = list(sys.argv[1:] if args is None else args)
        as_json = asks_json(words)
        errors_as_json(as_json)
        if not (as_json and standalone_mode):
            return super().main(words, prog_name, complete_var, standalone_mode, **extra)
        # With --json even the parser's errors (an unknown option, --json with --csv) are
        # the JSON object: run without click's standalone handling, and do its part here.
        from typer._click.exceptions import ClickException

        from socketcli.cli.output import fail

        try:
            code = super().main(words, prog_name, complete_var, False, **extra)
        except ClickException as failure:
            fail(failure.format_message(), failure.exit_code, "usage")
            code = failure.exit_code
        except typer.Abort:
            fail("aborted", 1, "aborted")
            code = 1
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        from socketcli.domain.errors import SocketError

        try:
            return super().invoke(ctx)
        except SocketError as failure:
            from socketcli.cli.output import fail

            fail(str(failure), failure.exit_code, getattr(failure, "code", None))
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
    add_completion=True,
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
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who is acting, as the history records it (default: the operating-system user).",
            metavar="NAME",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Show no progress on stderr while a command works."),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Print every table straight to the terminal, never through a pager."
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
    ctx.obj = State(db=db, playground=playground_, quiet=quiet, no_pager=no_pager)
    ctx.obj.act_as(by)


app.command("init")(init.init)
app.command("import")(importing.import_files)
app.command("playground")(playground.playground)
app.add_typer(settings.app, name="settings")
app.add_typer(clients.app, name="clients")
app.add_typer(contacts.app, name="contacts")
app.add_typer(services.app, name="services")
app.add_typer(proposals.app, name="proposals")
app.add_typer(plan.app, name="plan")
app.add_typer(work.app, name="work")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(xero.app, name="xero")
app.command("sync")(sync.sync)
app.command("history")(history.history)
app.add_typer(db.app, name="db")

"""`socket db`: the store itself: upgrade its schema, see what it is, back it up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import JsonOption

app = command_group("Look after the store: upgrade its schema, show what it holds, back it up.")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Apply the migrations this socket has and the store has not had yet (all or none).

    Every other command refuses a store at an older schema until this has run; back the
    store up first with `socket db backup PATH`."""
    from socketcli.cli.output import say

    report = state(ctx).wiring.upgrade()
    if report.changed:
        say(f"Upgraded the store at {report.where} from schema {report.before} to {report.after}.")
    else:
        say(f"The store at {report.where} is at schema {report.after} already: nothing to do.")


@app.command("info")
def info(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Show where the store is, its engine, its schema (and this socket's), its size, and how
    many clients, proposals, finalised months and outbox invoices (by state) it holds."""
    found = state(ctx).wiring.info()
    if json_:
        from socketcli.cli.output import emit_json

        emit_json(
            {
                "where": found.where,
                "engine": found.engine,
                "server_version": found.server_version,
                "schema": found.schema,
                "program_schema": found.program_schema,
                "schema_state": found.schema_state,
                "size_bytes": found.size_bytes,
                "clients": found.clients,
                "proposals": found.proposals,
                "finalised_months": found.finalised_months,
                "outbox": found.outbox,
            }
        )
        return
    from socketcli.cli.output import plain_table

    def number(value: int | None) -> str:
        return "-" if value is None else f"{value:,}"

    outbox = ", ".join(f"{state_} {n:,}" for state_, n in found.outbox.items()) or "-"
    size = "-" if found.size_bytes is None else _size(found.size_bytes)
    rows = [
        ("Where", found.where),
        ("Engine", f"{found.engine} {found.server_version}"),
        ("Schema", f"{found.schema or '-'} ({found.schema_state})"),
        ("Size", size),
        ("Clients", number(found.clients)),
        ("Proposals", number(found.proposals)),
        ("Finalised months", number(found.finalised_months)),
        ("Outbox invoices", outbox),
    ]
    plain_table(("Store", ""), rows)


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{count:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count:,} bytes"


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="The new file to write the copy to.")
    ],
) -> None:
    """Copy the store to a new file, safely while other commands write: SQLite's online
    backup, or on PostgreSQL `pg_dump --format=custom` (restore with pg_restore)."""
    from socketcli.cli.output import say

    report = state(ctx).wiring.backup(path)
    say(
        f"Backed up the store at {report.where} to {report.path} "
        f"({report.size_bytes:,} bytes, {report.method})."
    )

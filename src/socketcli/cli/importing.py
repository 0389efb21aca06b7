"""`socket import FILE...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socketcli.cli.context import state


def import_files(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="CSV files of clients, services and proposals (see docs/import.md).",
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check the files and report what would change; write nothing."
        ),
    ] = False,
) -> None:
    """Import clients, services and proposals from CSV: all rows are checked first, then all written, or none."""
    from socketcli.cli.output import error, say
    from socketcli.cli.screen import working
    from socketcli.services.importer import ImportFailed, import_csv

    st = state(ctx)
    with st.store():  # a store missing or not ready is said before any file is read
        pass
    try:
        with working("Importing", quiet=st.quiet) as step:
            report = import_csv(
                st.store,
                st.clock,
                files,
                dry_run=dry_run,
                progress=step.step,
                second=st.wiring.second_process(),
            )
    except ImportFailed as failure:
        for problem in failure.problems:
            error(str(problem))
        error(f"nothing was imported: {len(failure.problems)} problem(s) in {len(files)} file(s)")
        raise typer.Exit(2) from None
    verb = "Would import" if dry_run else "Imported"
    say(f"{verb}: {report.summary()}")

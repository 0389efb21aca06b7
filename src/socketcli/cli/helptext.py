"""Help text for every command, rendered once and shipped in help.json.

`socket ... --help` is answered from that file without importing typer (about 70 ms of
imports), so asking for help is as quick as starting Python. A test fails when the file
and the live commands disagree; regenerate it with `python -m socketcli.cli.helptext`.
"""

from __future__ import annotations

import json
from pathlib import Path

HELP_FILE = Path(__file__).with_name("help.json")
WIDTH = 78  # what Click uses on any terminal of 80 columns or more


def render_all() -> dict[str, str]:
    """{"": root help, "plan": ..., "plan diff": ...} rendered by the live Typer app."""
    import typer

    from socketcli.cli.app import app

    root = typer.main.get_command(app)
    rendered: dict[str, str] = {}

    def walk(
        command: typer.core.TyperCommand | typer.core.TyperGroup, path: list[str], parent: object
    ) -> None:
        name = " ".join(["socket", *path])
        ctx = typer.Context(
            command,
            info_name=name,
            terminal_width=WIDTH,
            max_content_width=WIDTH,
            help_option_names=["-h", "--help"],
        )
        rendered[" ".join(path)] = command.get_help(ctx) + "\n"
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, sub_name], command)

    walk(root, [], None)  # type: ignore[arg-type]
    return rendered


def cached(path: list[str]) -> str | None:
    """The help for `socket PATH --help`, or None when PATH is not a command."""
    try:
        texts: dict[str, str] = json.loads(HELP_FILE.read_text(encoding="utf-8"))
    except OSError:
        return None
    return texts.get(" ".join(path))


def write() -> None:
    HELP_FILE.write_text(
        json.dumps(render_all(), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    write()

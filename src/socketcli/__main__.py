"""`socket` and `python -m socketcli`."""

from __future__ import annotations

import sys

_HELP = ("--help", "-h")


def main() -> None:
    args = sys.argv[1:]
    if args and args[-1] in _HELP and not any(arg.startswith("-") for arg in args[:-1]):
        # Plain `socket [GROUP [COMMAND]] --help`: the pre-rendered text, without importing typer.
        from socketcli.cli.helptext import cached

        text = cached(args[:-1])
        if text is not None:
            sys.stdout.write(text)
            return
    import gc

    # A command is one short run that builds many small objects and frees them together:
    # a generous threshold saves a third of `plan diff` on a large practice.
    gc.set_threshold(100_000, 50, 100)
    from socketcli.cli.app import app

    app(prog_name="socket")


if __name__ == "__main__":
    main()

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

    # A command is one short run: it builds many small objects and frees them together, by
    # reference counting. The cycle collector would only walk them over and over (a sixth of
    # `plan diff` on 20,000 clients), so it is off; what little cyclic garbage a run makes
    # goes with the process. Long-running commands (`sandbox serve`) turn it back on.
    gc.disable()
    from socketcli.cli.app import app

    app(prog_name="socket")


if __name__ == "__main__":
    main()

"""`socket` and `python -m socketcli`."""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

_HELP = ("--help", "-h")


def main() -> None:
    _standard_streams()
    try:
        _main()
    except BrokenPipeError:
        # The reader stopped early (`socket plan diff --json | head -1`): as a table does
        # (cli/screen.py), the rest goes nowhere, quietly.
        _to_nowhere(1, 2)
        _leave(0)
    except OSError as failure:
        if failure.filename is not None or failure.errno not in _OUTPUT_ERRNOS:
            raise
        # stdout is a full disk or a device that takes nothing (`> /dev/full`).
        _to_nowhere(1)
        sys.stderr.write(f"error: cannot write the output: {failure.strerror or failure}\n")
        _leave(1)


#: Why writing stdout fails where the command did nothing wrong: the disk or quota is full,
#: the file too large, the device failing.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _standard_streams() -> None:
    """stdin, stdout and stderr open, even when the caller closed one (`socket ... >&-`): a
    closed one is /dev/null, so that what is written to it goes nowhere rather than failing,
    and so that no file socket opens (the store) takes its number and gets its output. And
    stdout writes what its encoding cannot carry as escapes."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115
    stdout = sys.stdout
    if (
        isinstance(stdout, io.TextIOWrapper)
        and codecs.lookup(stdout.encoding).name != "utf-8"
        and stdout.errors == "strict"
    ):
        # A terminal that is not UTF-8 (LANG=en_GB.ISO-8859-1, PYTHONIOENCODING=ascii): a
        # character it cannot show (⚠, €) is written as its code, as stderr does, not a crash.
        stdout.reconfigure(errors="backslashreplace")


def _to_nowhere(*fds: int) -> None:
    """Point these descriptors at /dev/null: what is still buffered for them goes nowhere,
    instead of failing again as the interpreter exits."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in fds:
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _main() -> None:
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
    from socketcli.lifetime import ends_with_command

    ends_with_command()  # and what a command holds (lifetime.hold) is not freed before the end
    if "diff" in args and "--json" in args:
        # `plan diff --json`, the scripts' command, without importing typer (cli/quick.py).
        from socketcli.cli.quick import run

        code = run(args)
        if code is not None:
            _leave(code)
    from socketcli.cli.app import app

    try:
        app(prog_name="socket")
    except SystemExit as exit_:
        _leave(exit_.code)
    _leave(0)


def _leave(code: object) -> None:
    """End the process without tearing down every object one by one.

    After `plan diff` on 20,000 clients the interpreter's own shutdown (freeing each module
    and object) takes a seventh of a second, longer than the JSON takes to write. The output
    is flushed and the atexit handlers run (logging's among them) as at a normal exit; then
    the process ends. With another thread still running, or output that cannot be flushed,
    the normal exit runs instead.
    """
    import os
    import threading

    status = code if isinstance(code, int) else (0 if code is None else 1)
    if threading.active_count() > 1:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if not isinstance(code, int | None):
        sys.stderr.write(f"{code}\n")
    import atexit

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:
        raise SystemExit(code)
    run_exit_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)


if __name__ == "__main__":
    main()

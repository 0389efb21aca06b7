"""What the person types during the walk: one key without Enter, or a line, keeping what
was typed ahead (while a screen was drawn) in order."""

from __future__ import annotations

import os
import sys

import typer

try:  # imported here, before the walk's thread imports the ORM: an import in the key's
    # wait, cut short by a Ctrl-C while that thread held Python's import lock, could leave
    # the command hanging
    import termios
    import tty
except ImportError:  # not a POSIX terminal (Windows): click's own getchar
    termios = tty = None  # type: ignore[assignment]

_typed: list[str] = []


def line(prompt: str) -> str:
    """A line typed after `prompt` (Enter ends it), taking in what was typed ahead."""
    from socketcli.cli.output import console, escape

    ahead = "".join(_typed)
    _typed.clear()
    # a Ctrl-C or Ctrl-D typed ahead (the terminal in raw mode gives them as characters)
    # before the line ends: quit, or the end of input, as when typed now
    ended = min((ahead.find(end) for end in ("\r", "\n") if end in ahead), default=len(ahead))
    controls = [(at, c) for c in ("\x03", "\x04") if 0 <= (at := ahead.find(c)) < ended]
    if controls:
        raise KeyboardInterrupt if min(controls)[1] == "\x03" else EOFError
    for end in ("\r", "\n"):
        if end in ahead:
            typed, _, rest = ahead.partition(end)
            _typed.extend(rest.lstrip("\r\n"))
            console().print(escape(prompt + typed))
            return typed
    console().print(escape(prompt + ahead), end="")
    try:
        return ahead + input()
    except EOFError:
        return ""


def key() -> str:
    """One key, without Enter. Keys typed ahead (while a screen was drawn) are kept, in order:
    click's getchar flushes them (TCSAFLUSH), this reads with the terminal switched at once."""
    if _typed:
        pressed = _typed.pop(0)
    elif termios is None or tty is None:  # not a POSIX terminal (Windows): click's own
        return typer.getchar()
    else:
        descriptor = sys.stdin.fileno()
        saved = termios.tcgetattr(descriptor)
        try:
            tty.setraw(descriptor, termios.TCSANOW)
            chunk = os.read(descriptor, 64).decode("utf-8", errors="replace")
        finally:
            termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)
        if not chunk or chunk.startswith("\x1b"):
            return chunk[:1] or "\x04"  # an arrow or function key is one keystroke, not several
        _typed.extend(chunk[1:])
        pressed = chunk[0]
    # Ctrl-C and Ctrl-D as the terminal in raw mode gives them, read now or typed ahead
    if pressed == "\x03":
        raise KeyboardInterrupt
    if pressed == "\x04":
        raise EOFError
    return pressed

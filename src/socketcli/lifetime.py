"""How long a run's objects need to live: a one-shot command's process ends with it.

`socket` runs one command and ends the process without tearing its objects down
(`__main__._leave`). A command that builds millions of small objects (an import of 200,000
clients: every cell of 1.4 million rows, and as many lines and rows to write) would spend
about a second freeing them one by one just before the end; `hold` keeps them instead, and
they go with the process. Run any other way (tests, the library), nothing is held: objects
are freed as usual.
"""

from __future__ import annotations

_held: list[object] | None = None


def ends_with_command() -> None:
    """Say that the process ends when its command does (the entry point, `socket`)."""
    global _held
    if _held is None:
        _held = []


def hold(*objects: object) -> None:
    """Keep `objects` to the end of the process when it ends with its command; else nothing."""
    if _held is not None:
        _held.extend(objects)

"""A second process for work that can run beside this one: a big import's later proposals
are checked and written by it on the machine's second core (services/importer.py says what
it does; socketcli/importhelper.py starts it and runs it).

Messages are plain values (the services' own dataclasses among them), sent whole; the
second process is a fresh interpreter running socket's code, so nothing of this process's
memory is shared or copied.
"""

from __future__ import annotations

from typing import Protocol


class SecondProcess(Protocol):
    """A started second process and its scratch file (a path it may write, removed with it)."""

    scratch: str

    def send(self, message: object) -> None:
        """Queue `message` for the process (sent by a thread: this returns at once)."""
        ...

    def receive(self) -> object | None:
        """The process's next message, waited for; None once it has ended or failed."""
        ...

    def close(self) -> None:
        """End the process if it still runs, and remove the scratch file."""
        ...


class StartSecond(Protocol):
    def __call__(self, first: object) -> SecondProcess | None:
        """A second process started and sent `first`; None when none can be started."""
        ...

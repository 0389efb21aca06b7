"""The project's own errors. Each names what is wrong and where."""

from __future__ import annotations


class SocketError(Exception):
    """Base of every error the CLI turns into a one-line message and an exit code."""

    exit_code = 1


class InvalidInput(SocketError):
    """A value given by the user (argument, setting, CSV cell) is not acceptable."""

    exit_code = 2


class NotFound(SocketError):
    """A client, service, proposal or month the user named does not exist."""

    exit_code = 3


class Conflict(SocketError):
    """The request contradicts the state of the store (a duplicate, a finalised month)."""

    exit_code = 4


class StoreNotReady(SocketError):
    """The store does not exist yet or is empty."""

    exit_code = 5


#: Exit code of a command that found the store, or a lock it needs, held by another socket.
EXIT_BUSY = 9


class StoreBusy(SocketError):
    """Another process held the store's write lock for longer than the busy timeout: this
    command wrote nothing (its transaction never began)."""

    exit_code = EXIT_BUSY
    #: Its `code` in the JSON error object of `--json`.
    code = "store_busy"

    def __init__(
        self, message: str = "the store is busy: another socket command is writing; try again"
    ) -> None:
        super().__init__(message)


class UnsafeFile(SocketError):
    """A file socket writes is not what socket made (a symbolic link, another application's
    database): refused rather than written through."""

    exit_code = 1

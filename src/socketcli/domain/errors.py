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

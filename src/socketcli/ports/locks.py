"""Exclusion: one runner of a kind at a time on a store, whichever machine it runs on.

    with locks.hold(Lock.POST):     # at once, or AlreadyRunning naming who holds it
        ...                          # (made to wait: until the holder is done)

One port, two adapters (adapters/locks.py): on PostgreSQL a session advisory lock of the
shared database (every machine of the practice sees it; the server frees it when the
holder's connection ends, a killed process included); on SQLite a lock file in the state
directory named after the store (the store is a file on one machine). bootstrap wires the
one for the store's engine; tests hold a lock with the same adapter to make a race real.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from socketcli.domain.errors import EXIT_BUSY, SocketError


class Lock(StrEnum):
    """What a lock keeps to one runner at a time."""

    #: Sending to Xero: `plan post`, the posting after `plan approve`, `work complete` and
    #: `sync`; `work reopen` too (no poster may send the invoice it rewrites).
    POST = "post"
    #: The nightly `sync`.
    SYNC = "sync"
    #: Finalising or thawing a month: `plan approve`, `plan unapprove`, `plan_mode auto`,
    #: `plan post --outstanding`.
    APPROVE = "approve"
    #: Completing and reopening work items.
    WORK = "work"


#: Who may hold each lock, as the busy message names them.
RUNNERS = {
    Lock.POST: "another `socket plan post`, `plan approve`, `work complete` or `sync` is "
    "posting to Xero from this store",
    Lock.SYNC: "another `socket sync` is running on this store",
    Lock.APPROVE: "another `socket plan approve`, `plan unapprove` or `plan post` is "
    "finalising a month of this store",
    Lock.WORK: "another `socket work complete` or `work reopen` is changing this store's "
    "work items",
}


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lock, as far as the adapter can tell: `where` the lock is (the lock file,
    or the database's advisory lock) and `who` (user@host, pid; "" when unknown)."""

    lock: Lock
    where: str
    who: str = ""

    def describe(self) -> str:
        return f"{RUNNERS[self.lock]} (it holds {self.where}{': ' + self.who if self.who else ''})"


class AlreadyRunning(SocketError):
    """Another runner holds the lock: this one did nothing (exit 9)."""

    exit_code = EXIT_BUSY

    def __init__(
        self, message: str, lock: Lock | None = None, holder: Holder | None = None
    ) -> None:
        super().__init__(message)
        self.lock = lock
        self.holder = holder


class PostingAlreadyRunning(AlreadyRunning):
    """Another poster holds the store's posting lock."""


class SyncAlreadyRunning(AlreadyRunning):
    """Another `socket sync` holds the store's sync lock."""


class ApprovalAlreadyRunning(AlreadyRunning):
    """Another command is finalising (or thawing) a month of the store."""


class WorkAlreadyRunning(AlreadyRunning):
    """Another command is completing or reopening work items of the store."""


_ERRORS: dict[Lock, type[AlreadyRunning]] = {
    Lock.POST: PostingAlreadyRunning,
    Lock.SYNC: SyncAlreadyRunning,
    Lock.APPROVE: ApprovalAlreadyRunning,
    Lock.WORK: WorkAlreadyRunning,
}

_AFTER = {
    Lock.POST: "this one did nothing; the running one carries on (`--wait` waits for it)",
    Lock.SYNC: "this one did nothing and stops; the running one carries on (`--wait` waits for it)",
    Lock.APPROVE: "this one finalised nothing; run it again when that one is done (`--wait` "
    "waits for it)",
    Lock.WORK: "this one changed nothing; run it again when that one is done (`--wait` waits "
    "for it)",
}


def already_running(holder: Holder) -> AlreadyRunning:
    """The one-line error of a runner that found `holder` holding its lock."""
    return _ERRORS[holder.lock](f"{holder.describe()}: {_AFTER[holder.lock]}", holder.lock, holder)


#: Told once, when a runner made to wait finds the lock held (the CLI says so at a terminal).
Waiting = Callable[[Holder], None]


class Locks(Protocol):
    """The store's locks, each held by one runner at a time across processes and machines."""

    def hold(self, lock: Lock) -> AbstractContextManager[None]:
        """Hold `lock` for the block and free it after (a crash frees it too). Held by
        another: AlreadyRunning at once, or, when these locks were made to wait, wait until
        it is free."""
        ...


def held(locks: Locks | None, lock: Lock) -> AbstractContextManager[None]:
    """`locks.hold(lock)`, or nothing when no locks are given (a service tested alone)."""
    return locks.hold(lock) if locks is not None else nullcontext()

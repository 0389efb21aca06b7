"""One sync run: the lock that keeps it alone, the log file it writes, and its progress at a
terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socketcli.cli.context import State
from socketcli.cli.sync.report import PHASE_TITLES, calls_text, log_report, phase_line

if TYPE_CHECKING:
    import logging

    from rich.status import Status

    from socketcli.ports.locks import Locks
    from socketcli.ports.xero import XeroGateway
    from socketcli.services.posting import PostingReport
    from socketcli.services.sync import PhaseRecord, SyncReport

LOG_FILE = "sync.log"
#: The log file is rotated at this size, keeping this many old ones (sync.log.1, ...).
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3


def run_logged(
    st: State, *, full: bool, quiet: bool, wait: bool = False
) -> tuple[SyncReport, dict[str, Any]]:
    """Sync under the store's sync lock, logged in the state directory: the report, and what
    the summary says of the organisation. `wait`: wait for another sync (and poster) to end."""
    from socketcli.paths import state_dir
    from socketcli.ports.locks import AlreadyRunning

    directory = state_dir()
    with _log_file(directory) as log:
        try:
            # The locks of a PostgreSQL store open it: a store not ready is logged too.
            locks = st.locks(wait=wait, quiet=quiet)
            with _locked(locks, log):
                report, context = _run(st, full=full, quiet=quiet, log=log, locks=locks)
        except AlreadyRunning:
            raise  # logged by _locked
        except Exception as failure:  # not connected, the store: logged, then reported as usual
            from socketcli.domain.errors import SocketError

            reason = str(failure) if isinstance(failure, SocketError) else type(failure).__name__
            log.error("sync not done: %s", reason)
            raise
        log_report(log, report)
    return report, context


def _run(
    st: State, *, full: bool, quiet: bool, log: logging.Logger, locks: Locks
) -> tuple[SyncReport, dict[str, Any]]:
    from socketcli.services.sync import sync as run_sync

    settings = st.settings()
    with st.xero(settings, announce=not quiet) as xero:
        source = xero.token_source()
        organisation = settings.get("xero_organisation", "") or source.tenant_id
        log.info(
            "sync started: %s (tenant %s)%s, store %s",
            organisation,
            source.tenant_id,
            " in the playground's sandbox" if xero.playground else "",
            st.wiring.location.describe(),
        )
        gateway = st.wiring.gateway(xero, source)
        listener = _Listener(log, progress=not quiet and sys.stderr.isatty())
        try:
            report = run_sync(
                st.store,
                gateway,
                tenant_id=source.tenant_id,
                clock=st.clock,
                full=full,
                listener=listener,
            )
        finally:
            listener.stop()
        # Then whatever is due to post (a nightly run on the 1st posts the month), once the
        # sync itself went through: the mirror it checks against is then current.
        posting = _post_due(st, gateway, log, locks) if report.error is None else None
    return report, {
        "organisation": organisation,
        "playground": xero.playground,
        "posting": posting,
    }


def _post_due(
    st: State, gateway: XeroGateway, log: logging.Logger, locks: Locks
) -> PostingReport | None:
    """Post the finalised months that are due, as `socket plan post` does; None when another
    poster holds the store's posting lock (it posts them)."""
    from contextlib import nullcontext

    from socketcli.services.plan import finalise_due
    from socketcli.services.posting import PostingAlreadyRunning, post

    done = finalise_due(
        st.store, st.clock, locks=locks
    )  # plan_mode auto: the months due finalise first
    for approved in done.approved:
        log.info("plan_mode auto: finalised %s (%d invoices)", approved.month, approved.invoices)
    if done.blocked is not None:
        from socketcli.cli.output import say

        log.warning("plan_mode auto: %s", done.blocked)
        say(f"problem: plan_mode is auto, but {done.blocked}")
    try:
        posting = post(
            st.store,
            lambda: nullcontext(gateway),
            st.clock,
            locks=locks,
        )
    except PostingAlreadyRunning:
        log.info("posting not done: another `socket plan post` is posting")
        return None
    log.info(
        "posting: %d posted, %d found in Xero after an earlier run, %d refused, months "
        "waiting: %s%s",
        len(posting.posted),
        len(posting.settled),
        len(posting.failed),
        ", ".join(str(m) for m in posting.waiting) or "none",
        f"; stopped: {posting.error}" if posting.error is not None else "",
    )
    for failed in posting.failed:
        log.warning("invoice %s refused by Xero: %s", failed.reference, failed.error)
    return posting


@contextmanager
def _locked(locks: Locks, log: logging.Logger) -> Iterator[None]:
    """One sync at a time on the store: the lock is taken at once or not at all (or waited
    for), and a refusal is logged."""
    from socketcli.ports.locks import AlreadyRunning, Lock

    try:
        with locks.hold(Lock.SYNC):
            yield
    except AlreadyRunning as busy:
        if busy.lock is Lock.SYNC:
            log.info("sync not started: %s", busy)
        raise


@contextmanager
def _log_file(directory: Path) -> Iterator[logging.Logger]:
    """sync.log in the state directory, rotated at LOG_BYTES: this run's lines, and the
    gateway's retries and waits (never a header, a token or a body)."""
    import logging
    import logging.handlers

    from socketcli.bootstrap import GATEWAY_LOGGER
    from socketcli.paths import state_directory_unusable

    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as failure:  # SOCKET_STATE_DIR a file, or a directory not ours
        raise state_directory_unusable(directory, failure) from None
    path = directory / LOG_FILE
    try:
        handler: logging.Handler = _private_log(path)
    except OSError as failure:
        from socketcli.domain.errors import UnsafeFile

        if path.is_symlink():
            raise UnsafeFile(
                f"the sync log {path} is a symbolic link: socket will not write through it; "
                "remove it (socket makes a new log file there)"
            ) from None
        raise UnsafeFile(
            f"cannot write the sync log {path}: {failure.strerror or failure}"
        ) from None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    )
    handler.setLevel(logging.INFO)
    log = logging.getLogger("socketcli.sync")
    gateway = logging.getLogger(GATEWAY_LOGGER)
    levels = {logger: logger.level for logger in (log, gateway)}
    for logger in levels:
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    try:
        yield log
    finally:
        for logger, level in levels.items():
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()


def _private_log(path: Path) -> logging.Handler:
    """A rotating log that only its owner can read (0600), opened without following a
    symbolic link (at every rotation too): a link planted at sync.log is refused, not
    appended through to the file it points at."""
    import logging.handlers
    import os
    import stat

    class PrivateLog(logging.handlers.RotatingFileHandler):
        def _open(self) -> Any:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            descriptor = os.open(self.baseFilename, flags, 0o600)
            try:
                found = os.fstat(descriptor)
                if not stat.S_ISREG(found.st_mode):
                    raise OSError(f"{self.baseFilename} is not a regular file")
                if stat.S_IMODE(found.st_mode) & 0o077:
                    os.fchmod(descriptor, 0o600)  # made by an older socket: 0644
                return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)
            except BaseException:
                os.close(descriptor)
                raise

    return PrivateLog(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")


class _Listener:
    """Progress at a terminal (a spinner on stderr) and a log line per phase."""

    def __init__(self, log: logging.Logger, *, progress: bool) -> None:
        self.log = log
        self.progress = progress
        self._status: Status | None = None

    def phase_started(self, name: str) -> None:
        if not self.progress:
            return
        from socketcli.cli.output import console

        title = PHASE_TITLES.get(name, name)
        if self._status is None:
            self._status = console(stderr=True).status(f"Syncing: {title}...")
            self._status.start()
        else:
            self._status.update(f"Syncing: {title}...")

    def phase_finished(self, record: PhaseRecord) -> None:
        self.log.info("%s", phase_line(record))
        if self.progress and record.outcome == "done":
            from socketcli.cli.output import console

            console(stderr=True).print(
                f"  {PHASE_TITLES.get(record.name, record.name)}: done "
                f"({calls_text(record.calls) or 'no calls'})",
                markup=False,
                highlight=False,
            )

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

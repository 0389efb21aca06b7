"""`socket sync`: the nightly sync with the connected Xero organisation, made for cron.

No prompt, no colour and no animation without a terminal; `--quiet` prints only problems; one
run at a time (a file lock in the state directory, taken without waiting); a log file beside
it, one line per phase with the calls made, never a token.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import State, state

if TYPE_CHECKING:
    import logging

    from rich.status import Status

    from socketcli.services.sync import PhaseRecord, SyncConflict, SyncReport, Tally

LOG_FILE = "sync.log"
LOCK_FILE = "sync.lock"
#: The log file is rotated at this size, keeping this many old ones (sync.log.1, ...).
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
#: The environment a cron line carries over when it is set here.
CRON_VARIABLES = (
    "SOCKET_DATA_DIR",
    "SOCKET_STATE_DIR",
    "SOCKET_DATABASE_URL",
    "SOCKET_XERO_API_URL",
    "SOCKET_XERO_IDENTITY_URL",
    "SOCKET_XERO_TOKEN_STORE",
    "PYTHON_KEYRING_BACKEND",
)
PHASE_TITLES = {
    "contacts": "Xero contacts",
    "accounts": "Revenue accounts",
    "branding_themes": "Branding themes",
    "tracking_categories": "Tracking categories",
    "clients_from_xero": "Clients from Xero",
    "push": "Client details to Xero",
}
_AT = re.compile(r"^(\d{1,2}):(\d{2})$")


def sync(
    ctx: typer.Context,
    *,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only problems (for cron: no output when all is well)."
        ),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Pull every contact and account again, not only those changed since the last sync.",
        ),
    ] = False,
    cron_line: Annotated[
        bool,
        typer.Option(
            "--cron-line",
            help="Print a crontab entry that runs this sync every night, and do nothing else.",
        ),
    ] = False,
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="HH:MM", help="With --cron-line: the time of the nightly run."
        ),
    ] = "02:17",
) -> None:
    """Sync with the connected Xero organisation: pull contacts, revenue accounts, branding
    themes and tracking categories into the store, and push linked clients' details to Xero.
    Made for cron: exit 0 only when everything synced (see `socket sync --cron-line`)."""
    st = state(ctx)
    if cron_line:
        typer.echo(_cron_line(st, at))
        from socketcli.cli.output import say

        say(
            "Add it to the crontab of the user who connected Xero (`crontab -e`); it prints "
            "nothing unless something needs a person."
        )
        return
    from socketcli.paths import state_dir

    directory = state_dir()
    with _log_file(directory) as log, _locked(directory, log):
        try:
            report, context = _run(st, full=full, quiet=quiet, log=log)
        except Exception as failure:  # not connected, the store: logged, then reported as usual
            from socketcli.domain.errors import SocketError

            reason = str(failure) if isinstance(failure, SocketError) else type(failure).__name__
            log.error("sync not done: %s", reason)
            raise
        _log_report(log, report)
    _render(report, context, quiet=quiet, json_=json_)


# -- the run ---------------------------------------------------------------------------------


def _run(
    st: State, *, full: bool, quiet: bool, log: logging.Logger
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
    return report, {"organisation": organisation, "playground": xero.playground}


@contextmanager
def _locked(directory: Path, log: logging.Logger) -> Iterator[None]:
    """One sync at a time: the lock is taken at once or not at all."""
    from filelock import FileLock, Timeout

    from socketcli.services.sync import SyncAlreadyRunning

    path = directory / LOCK_FILE
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        log.info("sync not started: another sync holds %s", path)
        raise SyncAlreadyRunning(
            f"another `socket sync` is running (it holds {path}): this one did nothing and "
            "stops; the running one carries on"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _log_file(directory: Path) -> Iterator[logging.Logger]:
    """sync.log in the state directory, rotated at LOG_BYTES: this run's lines, and the
    gateway's retries and waits (never a header, a token or a body)."""
    import logging
    import logging.handlers

    from socketcli.bootstrap import GATEWAY_LOGGER

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        directory / LOG_FILE, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
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
        self.log.info("%s", _phase_line(record))
        if self.progress and record.outcome == "done":
            from socketcli.cli.output import console

            console(stderr=True).print(
                f"  {PHASE_TITLES.get(record.name, record.name)}: done "
                f"({_calls_text(record.calls) or 'no calls'})",
                markup=False,
                highlight=False,
            )

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def _calls_text(calls: Mapping[str, int]) -> str:
    return ", ".join(f"{endpoint} x{count}" for endpoint, count in sorted(calls.items()))


def _phase_line(record: PhaseRecord) -> str:
    detail = f" ({record.detail})" if record.detail else ""
    calls = _calls_text(record.calls) or "no calls"
    return f"phase {record.name}: {record.outcome}{detail}; {calls}; {record.seconds:.2f} s"


def _tally_text(tally: Tally) -> str:
    parts = [f"{tally.new} new", f"{tally.updated} updated"]
    if tally.archived:
        parts.append(f"{tally.archived} archived")
    if tally.removed:
        parts.append(f"{tally.removed} removed")
    return ", ".join(parts) + f" ({tally.unchanged} unchanged)"


def _log_report(log: logging.Logger, report: SyncReport) -> None:
    log.info(
        "sync %s: contacts %s; accounts %s; branding themes %s; tracking categories %s; "
        "clients pushed %d, created %d; conflicts %d; problems %d; exit %d; calls: %s (%d in "
        "all); %.2f s",
        "finished" if report.error is None else "stopped",
        _tally_text(report.contacts),
        _tally_text(report.accounts),
        _tally_text(report.branding_themes),
        _tally_text(report.tracking_categories),
        len(report.pushed),
        len(report.created),
        len(report.conflicts),
        len(report.problems),
        report.exit_code,
        _calls_text(report.calls) or "none",
        report.total_calls,
        report.seconds,
    )
    for conflict in report.conflicts:
        log.warning("%s", _conflict_text(conflict))
    for warning in report.warnings:
        log.warning("%s", warning)
    for problem in report.problems:
        log.error("%s", problem.message)
    if report.error is not None:
        log.error("%s", report.error)


def _conflict_text(conflict: SyncConflict) -> str:
    return (
        f"conflict: {conflict.reference}'s {conflict.field.replace('_', ' ')} changed in socket "
        f"and in Xero since the last sync: socket's {conflict.socket!r} replaced Xero's "
        f"{conflict.xero!r} (it was {conflict.base!r})"
    )


# -- output ----------------------------------------------------------------------------------


def _document(report: SyncReport, context: Mapping[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict

    def tally(value: Tally) -> dict[str, int]:
        return asdict(value)

    return {
        "organisation": context["organisation"],
        "tenant_id": report.tenant_id,
        "playground": context["playground"],
        "exit_code": report.exit_code,
        "error": str(report.error) if report.error is not None else None,
        "full": report.full,
        "contacts": tally(report.contacts),
        "accounts": tally(report.accounts),
        "branding_themes": tally(report.branding_themes),
        "tracking_categories": tally(report.tracking_categories),
        "clients_pushed": [
            {
                "reference": p.reference,
                "contact_id": p.contact_id,
                "changes": {c.field: {"xero": c.xero, "socket": c.socket} for c in p.changes},
            }
            for p in report.pushed
        ],
        "clients_created": [asdict(c) for c in report.created],
        "conflicts": [asdict(c) for c in report.conflicts],
        "problems": [asdict(p) for p in report.problems],
        "warnings": report.warnings,
        "phases": [
            {
                "name": p.name,
                "outcome": p.outcome,
                "calls": dict(p.calls),
                "seconds": round(p.seconds, 3),
            }
            for p in report.phases
        ],
        "calls": report.calls,
        "total_calls": report.total_calls,
        "seconds": round(report.seconds, 3),
    }


def _render(report: SyncReport, context: Mapping[str, Any], *, quiet: bool, json_: bool) -> None:
    from socketcli.cli.output import emit_json, error, say

    if json_:
        emit_json(_document(report, context))
    elif not quiet:
        _summary(report, context)
    for conflict in report.conflicts:
        say(f"warning: {_conflict_text(conflict)}")
    for warning in report.warnings:
        say(f"warning: {warning}")
    for problem in report.problems:
        say(f"problem: {problem.message}")
    if report.error is not None:
        stopped = next((p.name for p in report.phases if p.outcome == "failed"), "")
        say(
            f"The sync stopped at {PHASE_TITLES.get(stopped, stopped).lower()}: what synced "
            "before is kept, and the next `socket sync` takes up from there."
        )
        raise report.error
    if report.problems:
        error(
            f"{len(report.problems)} client(s) could not be pushed to Xero (above); "
            "everything else synced"
        )
        raise typer.Exit(report.exit_code)


def _clients_text(references: list[str], shown: int = 10) -> str:
    from socketcli.cli.output import escape, plural

    text = plural(len(references), "client")
    if references:
        text += ": " + escape(", ".join(references[:shown]))
        if len(references) > shown:
            text += f" and {len(references) - shown} more"
    return text


def _summary(report: SyncReport, context: Mapping[str, Any]) -> None:
    from socketcli.cli.output import escape, plural, show, table

    where = " (the playground's sandbox Xero)" if context["playground"] else ""
    kind = "first or full" if report.full else "incremental"
    grid = table(
        "What", "Changes", title=f"Synced with {escape(context['organisation'])}{where}: {kind}"
    )
    grid.add_row("Xero contacts", _tally_text(report.contacts))
    grid.add_row("Revenue accounts", _tally_text(report.accounts))
    grid.add_row("Branding themes", _tally_text(report.branding_themes))
    grid.add_row("Tracking categories", _tally_text(report.tracking_categories))
    grid.add_row("Clients pushed to Xero", _clients_text([p.reference for p in report.pushed]))
    if any(p.name == "clients_from_xero" and p.outcome != "skipped" for p in report.phases):
        grid.add_row("Clients made from Xero", _clients_text([c.reference for c in report.created]))
    grid.add_row("Conflicts", plural(len(report.conflicts), "conflict"))
    show(grid)
    calls = table("Endpoint", "Calls", title="Calls to Xero", right=("Calls",))
    for endpoint, count in sorted(report.calls.items()):
        calls.add_row(endpoint, str(count))
    calls.add_row("all", f"{report.total_calls} in {report.seconds:.1f} s")
    show(calls)


# -- --cron-line -----------------------------------------------------------------------------


def _socket_command() -> list[str]:
    """This socket, by absolute path: the script beside the running Python, else on PATH,
    else the interpreter with -m."""
    import shutil

    beside = Path(sys.executable).parent / "socket"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("socket")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "socketcli"]


def _cron_line(st: State, at: str) -> str:
    import shlex

    from socketcli.domain.errors import InvalidInput

    found = _AT.match(at.strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise InvalidInput(f"--at {at!r} is not a time of day: expected HH:MM, e.g. 02:17")
    hour, minute = int(found.group(1)), int(found.group(2))
    command = _socket_command()
    path = [str(Path(command[0]).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    assignments = {"PATH": ":".join(dict.fromkeys(path)), "HOME": str(Path.home())}
    for name in CRON_VARIABLES:
        value = os.environ.get(name)
        if value and not (name == "SOCKET_DATABASE_URL" and st.db is not None):
            assignments[name] = value
    words = [f"{name}={shlex.quote(value)}" for name, value in assignments.items()]
    words += [shlex.quote(word) for word in command]
    if st.db is not None:
        words += ["--db", shlex.quote(str(st.db.expanduser().absolute()))]
    if st.playground:
        words.append("--playground")
    words += ["sync", "--quiet"]
    # cron reads % as a newline: escape it.
    return f"{minute} {hour} * * * " + " ".join(words).replace("%", "\\%")

"""The state one invocation carries: where the store is; the wiring is made on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from socketcli.bootstrap import Wiring, XeroAccess
    from socketcli.ports.clock import Clock
    from socketcli.ports.locks import Holder, Locks
    from socketcli.ports.store import OpenLinkWrite, OpenStore, PlanReader, UnitOfWork
    from socketcli.ports.xero import XeroGateway


@dataclass
class State:
    #: --db: a path, or an explicit URL (bootstrap tells them apart).
    db: str | Path | None = None
    playground: bool = False
    #: Who the history names (global or per-command --by); None: the operating-system user.
    by: str | None = None
    quiet: bool = False  # no progress on stderr
    no_pager: bool = False  # tables straight to the terminal
    _wiring: Wiring | None = field(default=None, repr=False)

    @property
    def wiring(self) -> Wiring:
        if self._wiring is None:
            from socketcli.bootstrap import wire

            self._wiring = wire(self.db, playground=self.playground)
        return self._wiring

    @property
    def clock(self) -> Clock:
        return self.wiring.clock

    _announced: bool = field(default=False, repr=False)

    @property
    def actor(self) -> str:
        """Who is acting: --by (this command's, else the global one), else the OS user."""
        if self.by:
            return self.by
        from socketcli.bootstrap import os_user

        return os_user()

    def act_as(self, by: str | None) -> None:
        """A command's own --by: it names who acts from here on (over the global --by)."""
        if by is not None:
            from socketcli.domain.errors import InvalidInput

            cleaned = by.strip()
            if not cleaned or not cleaned.isprintable():
                raise InvalidInput(f"--by {by!r} is not a name: give who is acting")
            self.by = cleaned

    def store(
        self, *, write: bool = False, optimistic: bool = False, bulk: bool = False
    ) -> UnitOfWork:
        """Open a unit of work (the services' `OpenStore`); the first says so when the store
        is the playground. Its history entries name `actor`."""
        uow = self.wiring.uow(write=write, optimistic=optimistic, bulk=bulk, actor=self.actor)
        self.announce()
        return uow

    def link_writes(self) -> tuple[OpenLinkWrite, Callable[[], object] | None]:
        """How `contacts match` writes each decision (naming `actor`), and what to ready for
        it in the background (`Wiring.link_writes`)."""
        return self.wiring.link_writes(actor=self.actor)

    def locks(self, *, wait: bool = False, quiet: bool = False) -> Locks:
        """The store's locks (the services' `Locks`): taken at once or exit 9; with `wait`,
        waited for, saying so on stderr at a terminal (not with --quiet)."""
        import sys

        waiting = None
        if wait and not (quiet or self.quiet) and sys.stderr.isatty():
            waiting = _say_waiting
        return self.wiring.locks(wait=wait, waiting=waiting)

    def create_store(self) -> OpenStore:
        """Create the store (or bring it to the newest schema); an opener on it."""
        self.wiring.create()
        return self.store

    @contextmanager
    def read(self) -> Iterator[PlanReader]:
        """The plan's read-only view (the services' `OpenReader`): lighter than a unit of work."""
        with self.wiring.reader() as reader:
            self.announce(reader.settings_values())
            yield reader

    def today(self) -> date:
        """The practice's date now, in its time zone (`next`, `this`, `last` in --month)."""
        from socketcli.domain.dates import local_today
        from socketcli.domain.settings import PracticeSettings

        with self.wiring.reader() as reader:
            zone = PracticeSettings.from_values(reader.settings_values()).time_zone
        return local_today(self.clock.now(), zone)

    def settings(self) -> dict[str, str]:
        """The practice settings, as stored."""
        from socketcli.services.settings import setting_values

        return setting_values(self.store)

    @contextmanager
    def xero(
        self, settings: Mapping[str, str], *, announce: bool = True, connect: bool = True
    ) -> Iterator[XeroAccess]:
        """Xero for this command; in playground mode the sandbox, and (with `announce`) a line
        on stderr that says so. With `connect`, a playground not connected yet connects to
        its sandbox first, as `socket --playground xero connect` would (nothing to ask),
        unless `xero disconnect` said not to."""
        from socketcli.cli.output import say

        with self.wiring.xero(settings, say=say, announce=announce) as xero:
            if (
                connect
                and xero.playground
                and not xero.tenant_id
                and settings.get("xero_disconnected") != "true"
            ):
                self._connect_playground(xero)
            yield xero

    def _connect_playground(self, xero: XeroAccess) -> None:
        from socketcli.cli.output import say
        from socketcli.services.xero_connect import connect as connect_organisation

        if self.wiring.xero_tenant_override():
            return  # SOCKET_XERO_ACCESS_TOKEN names its organisation
        request = xero.pkce_request(xero.pkce_client_id())
        token = xero.exchange(request, xero.sandbox_consent(request))
        report = connect_organisation(self.store, xero.new_connection(token), tenant=None)
        xero.tenant_id = report.tenant_id
        say(
            f"Playground: connected to the sandbox's {report.organisation} first "
            "(`socket --playground xero disconnect` undoes it)."
        )

    @contextmanager
    def gateway(self) -> Iterator[XeroGateway]:
        """The Xero gateway for the connected organisation, for the length of a block (in
        playground mode, to the sandbox)."""
        with self.xero(self.settings()) as xero:
            yield self.wiring.gateway(xero, xero.token_source())

    def announce(self, settings: dict[str, str] | None = None) -> None:
        """Say once, on stderr, when the store is the playground."""
        if self._announced:
            return
        self._announced = True
        if settings is None:
            with self.wiring.reader() as reader:
                settings = reader.settings_values()
        if settings.get("playground") == "true":
            from socketcli.cli.output import playground_banner

            playground_banner(True)

    def close(self) -> None:
        if self._wiring is not None:
            self._wiring.close()


def _say_waiting(holder: Holder) -> None:
    from socketcli.cli.output import say

    say(f"Waiting: {holder.describe()}; this one carries on when it is done (Ctrl-C stops).")


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    if not isinstance(found, State):
        found = State()
        ctx.find_root().obj = found
    return found


def command_group(help: str) -> typer.Typer:
    """A group of commands: help with no arguments, plain help text (no Rich import for --help)."""
    import typer

    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)

"""`socket sync`: keep the store's mirror of the connected Xero organisation current, and push
the details of linked clients to their Xero contacts. Made to run unattended, every night.

    report = sync(open_store, gateway, tenant_id=tenant, clock=clock)
    report.exit_code          # 0 only when everything synced

The phases, in order, each committing its own transaction once its Xero calls have succeeded,
so that a failure part-way leaves the store consistent and the next run takes up from there:

1. **contacts**: GET /Contacts, archived ones included, incrementally (If-Modified-Since the
   newest UpdatedDateUTC seen) after the first run.
2. **accounts**: the revenue accounts, incrementally too.
3. **branding themes** and 4. **tracking categories**: the whole list each time (Xero has no
   If-Modified-Since there); the mirror becomes exactly what Xero lists.
5. **clients from Xero** (only when the `crm` setting is `xero`): a client for each active
   customer contact that no client is linked to, linked to it. No Xero call.
6. **push**: each linked client's name, email and reference (as the contact's ContactNumber,
   the field Xero keeps for other systems' keys) to its contact, where socket's changed.

Which side wins (`decide_pushes`, a pure function): socket owns a linked client's name, email
and reference. For each of those fields, the value socket last pushed is the base. A link seen
for the first time changes nothing Xero has: where Xero has a value, socket's value at that
moment becomes the base (so linking CITY LIMO to City Limousines never renames the contact);
where Xero has none, socket's is pushed. Changed in socket only: pushed. Changed in Xero only: left as
Xero has it (socket does not copy Xero's edits into its clients). Changed on both sides to
different values: socket's is pushed and the conflict is reported with both values. An empty
email in socket never clears Xero's. A linked contact archived in Xero is not written to; the
report warns about it (naming the contact it was merged into, when it was).

A Xero error stops the run at the phase it happened in (the phases before it stay committed);
a contact Xero refuses (a duplicate name) is a problem reported against its client, and the
rest go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, TypeVar

from socketcli.domain.history import HistoryEvent, synced
from socketcli.domain.links import with_merges
from socketcli.domain.records import XeroContact
from socketcli.domain.sync import (
    FieldChange,
    NewClient,
    PlannedPush,
    PushDecision,
    PushedClient,
    SyncConflict,
    applied,
    clients_from_contacts,
    decide_pushes,
)
from socketcli.ports.clock import Clock
from socketcli.ports.locks import SyncAlreadyRunning as SyncAlreadyRunning
from socketcli.ports.store import OpenStore, SyncState, UnitOfWork
from socketcli.ports.xero import (
    XeroAccount,
    XeroBrandingTheme,
    XeroContactRecord,
    XeroError,
    XeroGateway,
    XeroValidationError,
)

#: The phases of a sync, in the order they run.
PHASES = (
    "contacts",
    "accounts",
    "branding_themes",
    "tracking_categories",
    "clients_from_xero",
    "push",
)
#: Contacts changed per POST /Contacts (Xero's advice: at most 50 elements a request).
PUSH_BATCH = 50
#: Exit code of a sync that found another one running.
EXIT_LOCKED = 9

T = TypeVar("T")


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    """What one pull did to the mirror."""

    new: int = 0
    updated: int = 0
    archived: int = 0  # became archived in Xero (an archived one seen for the first time is new)
    removed: int = 0  # no longer listed by Xero (themes, tracking; accounts on a full pull)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.new + self.updated + self.archived + self.removed


@dataclass(frozen=True, slots=True)
class SyncProblem:
    """Something that did not sync: a client whose contact Xero refused to change."""

    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class PhaseRecord:
    name: str
    outcome: str  # done, failed, skipped (not wanted) or not_run (an earlier phase failed)
    calls: Mapping[str, int]
    seconds: float
    detail: str = ""


@dataclass
class SyncReport:
    tenant_id: str
    contacts: Tally = Tally()
    accounts: Tally = Tally()
    branding_themes: Tally = Tally()
    tracking_categories: Tally = Tally()
    #: Whether the contacts pull was a full one (the first sync, or --full).
    full: bool = False
    created: list[NewClient] = field(default_factory=list)
    pushed: list[PushedClient] = field(default_factory=list)
    conflicts: list[SyncConflict] = field(default_factory=list)
    problems: list[SyncProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    phases: list[PhaseRecord] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: The Xero error that stopped the run (the phases after it did not run).
    error: XeroError | None = None

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def succeeded(self) -> bool:
        return self.error is None and not self.problems

    @property
    def exit_code(self) -> int:
        """0 when everything synced (conflicts included: they were resolved and reported);
        else the stopping error's code (6 connect again, 7 Xero failed, 8 the day limit), or 7
        when Xero refused some contacts."""
        if self.error is not None:
            return self.error.exit_code
        return 7 if self.problems else 0


class SyncListener(Protocol):
    """Told as each phase starts and ends (the CLI's progress and log file)."""

    def phase_started(self, name: str) -> None: ...

    def phase_finished(self, record: PhaseRecord) -> None: ...


# -- tallies ---------------------------------------------------------------------------------


def _contact_fields(contact: XeroContact) -> tuple[object, ...]:
    return (
        contact.name,
        contact.email,
        contact.contact_number,
        contact.account_number,
        contact.status,
        contact.is_customer,
    )


def tally_contacts(known: Mapping[str, XeroContact], listed: Iterable[XeroContactRecord]) -> Tally:
    new = updated = archived = unchanged = 0
    for record in listed:
        before = known.get(record.contact_id)
        if before is None:
            new += 1
        elif _contact_fields(before) == _contact_fields(record):
            unchanged += 1
        elif record.archived and not before.archived:
            archived += 1
        else:
            updated += 1
    return Tally(new=new, updated=updated, archived=archived, unchanged=unchanged)


def _tally_by_id(
    known: Mapping[str, T],
    listed: Mapping[str, T],
    *,
    complete: bool,
    archived: Callable[[T], bool] = lambda item: False,
) -> Tally:
    """New, updated, newly archived and unchanged items by id; with `complete` (Xero listed
    them all), the known ones it no longer lists are removed."""
    new = updated = gone = unchanged = 0
    for key, item in listed.items():
        before = known.get(key)
        if before is None:
            new += 1
        elif before == item:
            unchanged += 1
        elif archived(item) and not archived(before):
            gone += 1
        else:
            updated += 1
    removed = len(set(known) - set(listed)) if complete else 0
    return Tally(new=new, updated=updated, archived=gone, removed=removed, unchanged=unchanged)


def _newest(current: datetime | None, moments: Iterable[datetime | None]) -> datetime | None:
    for moment in moments:
        if moment is not None and (current is None or moment > current):
            current = moment
    return current


# -- the run ---------------------------------------------------------------------------------


class _Run:
    def __init__(
        self,
        store: OpenStore,
        xero: XeroGateway,
        *,
        tenant_id: str,
        now: Callable[[], datetime],
        full: bool,
        listener: SyncListener | None,
        monotonic: Callable[[], float],
    ) -> None:
        self.store = store
        self.xero = xero
        self.tenant_id = tenant_id
        self.now = now
        self.full = full
        self.listener = listener
        self.monotonic = monotonic
        self.report = SyncReport(tenant_id)

    # -- helpers ---------------------------------------------------------------------------

    def _state(self, uow: UnitOfWork) -> SyncState:
        return uow.mirror.sync_state(self.tenant_id) or SyncState(self.tenant_id)

    # -- the phases ------------------------------------------------------------------------

    def contacts(self) -> str:
        with self.store() as uow:
            since = None if self.full else self._state(uow).contacts_modified_since
        listed = self.xero.list_contacts(since, include_archived=True)
        with self.store(write=True) as uow:
            uow.mirror.forget_other_organisations(self.tenant_id)
            known = {
                c.contact_id: c for c in uow.mirror.contacts_by_id([c.contact_id for c in listed])
            }
            self.report.contacts = tally_contacts(known, listed)
            uow.mirror.save_contact_records(self.tenant_id, listed)
            uow.mirror.refresh_linked_contact_names()
            state = self._state(uow)
            uow.mirror.save_sync_state(
                replace(
                    state,
                    contacts_modified_since=_newest(
                        state.contacts_modified_since, (c.updated_at for c in listed)
                    ),
                    contacts_synced_at=self.now(),
                )
            )
            uow.commit()
        self.report.full = since is None
        return "all contacts" if since is None else f"changed since {since.isoformat()}"

    def accounts(self) -> str:
        with self.store() as uow:
            since = None if self.full else self._state(uow).accounts_modified_since
        listed = self.xero.list_revenue_accounts(since)
        complete = since is None
        with self.store(write=True) as uow:
            known = {a.account_id: replace(a, updated_at=None) for a in uow.mirror.accounts()}
            self.report.accounts = _tally_by_id(
                known,
                {a.account_id: replace(a, updated_at=None) for a in listed},
                complete=complete,
                archived=lambda account: account.archived,
            )
            uow.mirror.save_accounts(self.tenant_id, listed, complete=complete)
            state = self._state(uow)
            uow.mirror.save_sync_state(
                replace(
                    state,
                    accounts_modified_since=_newest(
                        state.accounts_modified_since, (a.updated_at for a in listed)
                    ),
                    accounts_synced_at=self.now(),
                )
            )
            uow.commit()
        return "all accounts" if since is None else f"changed since {since.isoformat()}"

    def branding_themes(self) -> str:
        listed = self.xero.list_branding_themes()

        def key(theme: XeroBrandingTheme) -> tuple[str, int]:
            return (theme.name, theme.sort_order)

        with self.store(write=True) as uow:
            known = {t.branding_theme_id: key(t) for t in uow.mirror.branding_themes()}
            self.report.branding_themes = _tally_by_id(
                known, {t.branding_theme_id: key(t) for t in listed}, complete=True
            )
            uow.mirror.save_branding_themes(self.tenant_id, listed)
            uow.mirror.save_sync_state(replace(self._state(uow), themes_synced_at=self.now()))
            uow.commit()
        return ""

    def tracking_categories(self) -> str:
        listed = self.xero.list_tracking_categories()
        with self.store(write=True) as uow:
            known = {c.tracking_category_id: c for c in uow.mirror.tracking_categories()}
            self.report.tracking_categories = _tally_by_id(
                known,
                {c.tracking_category_id: c for c in listed},
                complete=True,
                archived=lambda category: category.archived,
            )
            uow.mirror.save_tracking_categories(self.tenant_id, listed)
            uow.mirror.save_sync_state(replace(self._state(uow), tracking_synced_at=self.now()))
            uow.commit()
        return ""

    def clients_from_xero(self) -> str:
        with self.store(write=True) as uow:
            made = clients_from_contacts(uow.clients.all(), uow.mirror.contacts())
            if made:
                uow.clients.save_many([client for client, _ in made])
                uow.commit()
        self.report.created = [new for _, new in made]
        return ""

    def push(self) -> str:
        with self.store() as uow:
            linked = [c for c in uow.clients.all() if c.xero_contact_id]
            # The linked contacts, and where merged ones went (for the warning that names it).
            contacts = with_merges(
                uow.mirror.contacts_by_id([c.xero_contact_id or "" for c in linked]),
                uow.mirror.contacts_by_id,
            )
            bases = {b.client_id: b for b in uow.mirror.pushed_clients()}
        decision = decide_pushes(linked, contacts, bases, self.now())
        self.report.warnings += decision.warnings
        if decision.agreed:
            with self.store(write=True) as uow:
                uow.mirror.save_pushed_clients(decision.agreed)
                uow.commit()
        for start in range(0, len(decision.pushes), PUSH_BATCH):
            self._push_batch(decision.pushes[start : start + PUSH_BATCH], contacts)
        return ""

    def _push_batch(
        self, batch: Sequence[PlannedPush], contacts: Mapping[str, XeroContactRecord]
    ) -> None:
        """One POST /Contacts for the batch; when Xero refuses it (all or nothing), each of
        its contacts on its own, so that one refused contact holds back no other."""
        done: list[PlannedPush] = []
        try:
            try:
                self.xero.update_contacts([p.change for p in batch])
                done += batch
            except XeroValidationError as refused:
                if len(batch) == 1:
                    self._refused(batch[0], refused)
                else:
                    for planned in batch:
                        try:
                            self.xero.update_contacts([planned.change])
                            done.append(planned)
                        except XeroValidationError as alone:
                            self._refused(planned, alone)
        finally:
            if done:
                self._pushed(done, contacts)

    def _refused(self, planned: PlannedPush, refused: XeroValidationError) -> None:
        client = planned.client
        self.report.problems.append(
            SyncProblem(
                client.reference,
                f"{client.reference} ({client.name}): its Xero contact was not updated: {refused}",
            )
        )

    def _pushed(
        self, done: Sequence[PlannedPush], contacts: Mapping[str, XeroContactRecord]
    ) -> None:
        with self.store(write=True) as uow:
            uow.mirror.save_pushed_clients([p.base for p in done])
            mirrored = []
            for planned in done:
                mirrored.append(applied(contacts[planned.change.contact_id], planned.change))
            uow.mirror.save_contact_records(self.tenant_id, mirrored)
            uow.mirror.refresh_linked_contact_names()
            uow.mirror.save_sync_state(replace(self._state(uow), last_push_at=self.now()))
            uow.commit()
        self.report.pushed += [p.pushed for p in done]
        self.report.conflicts += [c for p in done for c in p.conflicts]

    # -- running them ----------------------------------------------------------------------

    def run(self, crm: str) -> SyncReport:
        started = self.monotonic()
        steps: dict[str, Callable[[], str] | None] = {
            "contacts": self.contacts,
            "accounts": self.accounts,
            "branding_themes": self.branding_themes,
            "tracking_categories": self.tracking_categories,
            "clients_from_xero": self.clients_from_xero if crm == "xero" else None,
            "push": self.push,
        }
        for name in PHASES:
            step = steps[name]
            if self.report.error is not None or step is None:
                outcome = "not_run" if self.report.error is not None else "skipped"
                self._record(PhaseRecord(name, outcome, {}, 0.0))
                continue
            if self.listener is not None:
                self.listener.phase_started(name)
            before = dict(self.xero.call_counts)
            began = self.monotonic()
            try:
                detail = step()
                outcome = "done"
            except XeroError as failure:
                self.report.error = failure
                detail, outcome = str(failure), "failed"
            after = self.xero.call_counts
            calls = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
            self._record(PhaseRecord(name, outcome, calls, self.monotonic() - began, detail))
        self.report.calls = dict(self.xero.call_counts)
        # The run's last transaction: the history's line for it (what changed, the calls),
        # and, when every phase succeeded, when it last did.
        with self.store(write=True) as uow:
            if self.report.succeeded:
                uow.mirror.save_sync_state(replace(self._state(uow), last_sync_at=self.now()))
            uow.history.record(_history_line(self.report))
            uow.commit()
        self.report.seconds = self.monotonic() - started
        return self.report

    def _record(self, record: PhaseRecord) -> None:
        self.report.phases.append(record)
        if self.listener is not None and record.outcome in ("done", "failed"):
            self.listener.phase_finished(record)


def _history_line(report: SyncReport) -> HistoryEvent:
    failed = next((p.name for p in report.phases if p.outcome == "failed"), None)
    if failed is not None:
        outcome = f"failed at {failed}"
    elif report.problems:
        outcome = "done with problems"
    else:
        outcome = "done"
    return synced(
        outcome=outcome,
        changes={
            name: {
                "new": tally.new,
                "updated": tally.updated,
                "archived": tally.archived,
                "removed": tally.removed,
            }
            for name, tally in (
                ("contacts", report.contacts),
                ("accounts", report.accounts),
                ("branding themes", report.branding_themes),
                ("tracking categories", report.tracking_categories),
            )
        },
        pushed=len(report.pushed),
        created=len(report.created),
        calls=report.calls,
        error=str(report.error) if report.error is not None else "",
        problems=len(report.problems),
    )


@dataclass(frozen=True, slots=True)
class MirrorView:
    """What the store mirrors of the connected organisation (`socket xero accounts|themes`)."""

    accounts: tuple[XeroAccount, ...]
    themes: tuple[XeroBrandingTheme, ...]
    state: SyncState | None

    @property
    def accounts_synced_at(self) -> datetime | None:
        return self.state.accounts_synced_at if self.state is not None else None

    @property
    def themes_synced_at(self) -> datetime | None:
        return self.state.themes_synced_at if self.state is not None else None


def mirror(store: OpenStore) -> MirrorView:
    with store() as uow:
        tenant = uow.settings.values().get("xero_tenant_id", "")
        return MirrorView(
            accounts=tuple(uow.mirror.accounts()),
            themes=tuple(uow.mirror.branding_themes()),
            state=uow.mirror.sync_state(tenant) if tenant else None,
        )


def sync(
    store: OpenStore,
    xero: XeroGateway,
    *,
    tenant_id: str,
    clock: Clock,
    full: bool = False,
    listener: SyncListener | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> SyncReport:
    """Sync the store with the organisation `tenant_id` through `xero`; the report says what
    changed, what Xero was asked, and what stopped the run if anything did. Raises only what
    is not Xero's doing (the store's errors); a Xero error is in `report.error`."""
    with store() as uow:
        crm = uow.settings.values().get("crm", "socket")
    return _Run(
        store,
        xero,
        tenant_id=tenant_id,
        now=clock.now,
        full=full,
        listener=listener,
        monotonic=monotonic,
    ).run(crm)


__all__ = [
    "EXIT_LOCKED",
    "PHASES",
    "FieldChange",
    "MirrorView",
    "NewClient",
    "PhaseRecord",
    "PushDecision",
    "PushedClient",
    "SyncAlreadyRunning",
    "SyncConflict",
    "SyncListener",
    "SyncProblem",
    "SyncReport",
    "Tally",
    "clients_from_contacts",
    "decide_pushes",
    "mirror",
    "sync",
    "tally_contacts",
]

"""Posting finalised months to Xero, every invoice exactly once (the transactional outbox).

    report = post(store, xero, clock)              # whatever is due
    report = post(store, xero, clock, month=m)     # one finalised month, if due

Each run, under the store's posting lock (`locks`: one poster at a time per store, across
machines on a shared store):

1. **settle**: invoices left `sending` by an earlier run (a crash, a timeout) are looked up in
   Xero by their reference; found, they are recorded as posted; not found, they are sent
   again under a new Idempotency-Key (Xero forgets keys after minutes, so a key alone
   cannot settle what a crash left), but only once IN_FLIGHT_GRACE has passed since they
   were sent: until then Xero may still be working on the request that carried them (a
   slow answer the gateway gave up on, a crash mid-request), and sending them again would
   make them twice. Not found and still within it, they stay `sending` and the run stops
   with an error, sending nothing: the next `plan post` after the grace settles them;
2. **queue**: the due months' finalised invoices that have no outbox entry get one, with the
   exact request body, in one transaction, before anything is sent;
3. **send**: pending entries in batches of 50: marked `sending` and committed, then sent with
   summarizeErrors=false, then each invoice's answer recorded (InvoiceID and number, or
   Xero's message: one refused invoice does not hold back the others).

A Xero failure stops the run with the entries of the batch in flight still `sending`: the
next run settles them first. A client with no Xero contact is sent by name: Xero links the
invoice to the active contact of that name, or creates it; socket then links the client to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from socketcli.domain.errors import Conflict, NotFound
from socketcli.domain.history import HistoryEvent, LinkHow, PostingOutcome, linked, posting
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import link_to
from socketcli.domain.months import Month
from socketcli.domain.posting import (
    BATCH,
    FoundInvoice,
    OutboxEntry,
    OutboxState,
    batch_key,
    batches,
    contacts_key,
    contacts_needed,
    is_due,
    key_for,
    settle,
)
from socketcli.domain.records import ClientLabel, XeroContact
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.clock import Clock
from socketcli.ports.locks import Lock, Locks, held
from socketcli.ports.locks import PostingAlreadyRunning as PostingAlreadyRunning
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.ports.xero import (
    CreatedInvoice,
    InvoiceOutcome,
    NewContact,
    NewInvoice,
    NewInvoiceLine,
    XeroError,
    XeroGateway,
    XeroValidationError,
)

#: How long after an invoice was sent socket waits before sending it again when Xero does
#: not hold it: longer than a request can still be at work in Xero (the gateway's tries of
#: one request, each up to its read timeout, and Xero's own time on it).
IN_FLIGHT_GRACE = timedelta(minutes=15)


class XeroBatchRefused(XeroError):
    """Invoices Xero held back twice because another invoice of their batch was refused (a
    400 that named none of them): pending, for the next run."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"Xero refused {count} invoice{'s' if count != 1 else ''} twice with a batch "
            "it would not take, without saying what was wrong with "
            f"{'them' if count != 1 else 'it'}: not in Xero, sent again by the next "
            "`socket plan post`"
        )
        self.count = count
        self.unsent = True


class StillInFlight(XeroError):
    """Invoices sent less than IN_FLIGHT_GRACE ago are not in Xero (yet): Xero may still be
    making them, so they are neither recorded nor sent again until the grace has passed."""

    def __init__(self, count: int, settle_from: datetime) -> None:
        super().__init__(
            f"{count} invoice{'s' if count != 1 else ''} sent less than "
            f"{int(IN_FLIGHT_GRACE.total_seconds() // 60)} minutes ago "
            f"{'are' if count != 1 else 'is'} not in Xero yet and may still be on the way: "
            f"run `socket plan post` again from {settle_from.isoformat(timespec='minutes')}"
        )
        self.count = count
        self.settle_from = settle_from


# -- the request body ---------------------------------------------------------------------------


def new_invoice(doc: InvoiceDocument, theme_ids: dict[str, str]) -> NewInvoice:
    """The invoice as Xero receives it: exactly the finalised document."""
    return NewInvoice(
        contact_name=doc.contact_name,
        contact_id=doc.contact_id,
        invoice_date=doc.invoice_date,
        due_date=doc.due_date,
        reference=doc.reference,
        status=doc.status,
        branding_theme_id=theme_ids.get(doc.branding_theme.casefold())
        if doc.branding_theme
        else None,
        lines=tuple(
            NewInvoiceLine(
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                account_code=line.account_code,
                tracking=line.tracking,
            )
            for line in doc.lines
        ),
    )


def body_of(invoice: NewInvoice) -> str:
    """The outbox's copy of the request: JSON, money and quantities as exact decimal text."""
    return json.dumps(
        {
            "contact_id": invoice.contact_id,
            "contact_name": invoice.contact_name,
            "invoice_date": invoice.invoice_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "reference": invoice.reference,
            "status": invoice.status,
            "branding_theme_id": invoice.branding_theme_id,
            "line_amount_types": invoice.line_amount_types,
            "lines": [
                {
                    "description": line.description,
                    "quantity": str(line.quantity),
                    "unit_amount": str(line.unit_amount),
                    "account_code": line.account_code,
                    "tax_type": line.tax_type,
                    "tracking": [list(pair) for pair in line.tracking],
                }
                for line in invoice.lines
            ],
        },
        sort_keys=True,
    )


def invoice_of(body: str) -> NewInvoice:
    data: dict[str, Any] = json.loads(body)
    return NewInvoice(
        contact_id=data["contact_id"],
        contact_name=data["contact_name"],
        invoice_date=date.fromisoformat(data["invoice_date"]),
        due_date=date.fromisoformat(data["due_date"]),
        reference=data["reference"],
        status=data["status"],
        branding_theme_id=data["branding_theme_id"],
        line_amount_types=data["line_amount_types"],
        lines=tuple(
            NewInvoiceLine(
                description=line["description"],
                quantity=Decimal(line["quantity"]),
                unit_amount=Decimal(line["unit_amount"]),
                account_code=line["account_code"],
                tax_type=line["tax_type"],
                tracking=tuple((pair[0], pair[1]) for pair in line["tracking"]),
            )
            for line in data["lines"]
        ),
    )


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostedInvoice:
    month: Month
    reference: str
    number: str
    invoice_id: str


@dataclass(frozen=True, slots=True)
class FailedInvoice:
    month: Month
    reference: str
    error: str


@dataclass
class PostingReport:
    months: list[Month] = field(default_factory=list)  # the months this run posted from
    waiting: list[Month] = field(default_factory=list)  # finalised, not due yet
    queued: int = 0
    settled: list[PostedInvoice] = field(default_factory=list)  # found in Xero after a crash
    requeued: int = 0  # left in flight, not in Xero: sent again
    posted: list[PostedInvoice] = field(default_factory=list)
    failed: list[FailedInvoice] = field(default_factory=list)
    contacts_created: int = 0  # contacts made in Xero for clients that had none
    contacts_linked: int = 0  # clients linked to a contact: made, found by name, or Xero's
    error: XeroError | None = None
    in_flight: int = 0  # after an error: invoices sent whose outcome is not known yet

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        return 7 if self.failed else 0


class PostingListener(Protocol):
    def batch_sent(self, done: int, total: int) -> None: ...


# -- the use case -------------------------------------------------------------------------------


def post(
    store: OpenStore,
    xero: Callable[[], AbstractContextManager[XeroGateway]],
    clock: Clock,
    *,
    month: Month | None = None,
    retry_failed: bool = False,
    locks: Locks | None = None,
    listener: PostingListener | None = None,
    only: Collection[str] | None = None,
    work: bool | None = None,
) -> PostingReport:
    """Post what is due (or one finalised month, when due), settling first what an earlier
    run left in flight. `xero` opens the gateway, only when there is something to send or to
    settle; the posting lock of `locks` holds other posters off for the whole run. `only`: queue and send
    just the invoices with these references (a month's outstanding ones, just frozen).

    Work completions' invoices (services/work.py) are due at once: `work` True sends only
    them (`socket work complete`); None (the default) sends them too when everything due is
    posted (no `month`, no `only`); False never."""
    with held(locks, Lock.POST):
        return _Run(store, clock, listener, only, work).run(xero, month, retry_failed)


class _Run:
    xero: XeroGateway
    labels: dict[int, ClientLabel]

    def __init__(
        self,
        store: OpenStore,
        clock: Clock,
        listener: PostingListener | None,
        only: Collection[str] | None = None,
        work: bool | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self.only = None if only is None else frozenset(only)
        self.work_only = work is True
        self.work = work is True or (work is None and only is None)
        self.report = PostingReport()
        self._unqueued: dict[Month, list[tuple[int, InvoiceDocument]]] = {}

    def _wanted(self, reference: str) -> bool:
        return self.only is None or reference in self.only

    def run(
        self,
        xero: Callable[[], AbstractContextManager[XeroGateway]],
        month: Month | None,
        retry_failed: bool,
    ) -> PostingReport:
        months = [] if self.work_only else self._months(month)
        self.work = self.work and month is None
        if not self._work(months, retry_failed):
            return self.report
        try:
            with xero() as gateway:
                self.xero = gateway
                self._settle()
                if months or self.work:
                    self._contacts(months)
                    self._queue(months, retry_failed)
                    self._send(months)
        except XeroError as error:
            self.report.error = error
            with self.store() as uow:
                self.report.in_flight = len(uow.outbox.entries(states=[OutboxState.SENDING]))
        return self.report

    def _work(self, months: Sequence[Month], retry_failed: bool) -> bool:
        """Whether anything is in flight, or due and not posted yet."""
        with self.store() as uow:
            if uow.outbox.entries(states=[OutboxState.SENDING]):
                return True
            states = [OutboxState.PENDING, *([OutboxState.FAILED] if retry_failed else [])]
            if any(
                self._wanted(e.reference)
                for e in (uow.outbox.entries(months=months, states=states) if months else [])
            ):
                return True
            if self.work and uow.outbox.entries(work=True, states=states):
                return True
            # Kept for the contacts step (read again, in its transaction, when queued).
            self._unqueued = {m: uow.outbox.unqueued(m) for m in months}
            return any(
                self._wanted(doc.reference) for docs in self._unqueued.values() for _, doc in docs
            )

    def _months(self, wanted: Month | None) -> list[Month]:
        """The finalised months due now (all, or the one asked for)."""
        with self.store() as uow:
            settings = PracticeSettings.from_values(uow.settings.values())
            finalised = uow.snapshots.months()
        now = self.clock.now()
        if wanted is not None:
            if wanted not in finalised:
                raise NotFound(
                    f"the plan for {wanted.label} is not finalised: approve it first "
                    f"(`socket plan approve --month {wanted}`)"
                )
            if not is_due(wanted, now, settings.time_zone):
                raise Conflict(
                    f"{wanted.label} posts on {wanted.first_day:%d %b %Y} at 00:00 "
                    f"({settings.time_zone.key}); it is not due yet"
                )
            candidates = [wanted]
        else:
            candidates = finalised
        due = [m for m in candidates if is_due(m, now, settings.time_zone)]
        self.report.waiting = [m for m in candidates if m not in due]
        return due

    def _settle(self) -> None:
        with self.store() as uow:
            in_flight = uow.outbox.entries(states=[OutboxState.SENDING])
        if not in_flight:
            return
        found = [
            FoundInvoice(i.invoice_id, i.invoice_number, i.reference, i.status)
            for i in self.xero.find_invoices([e.reference for e in in_flight])
        ]
        decided = settle(in_flight, found)
        now = self.clock.now()
        young = [
            s
            for s in decided
            if not s.found
            and s.entry.sent_at is not None
            and now - s.entry.sent_at < IN_FLIGHT_GRACE
        ]
        decided = [s for s in decided if s not in young]
        with self.store(write=True) as uow:
            posted = [
                (s.entry.id, s.found.invoice_id, s.found.invoice_number) for s in decided if s.found
            ]
            uow.outbox.posted(posted)
            labels = _labels(uow) if posted else {}
            uow.history.record(
                *(
                    _posting_event(
                        s.entry,
                        labels,
                        PostingOutcome.FOUND,
                        number=s.found.invoice_number,
                        invoice_id=s.found.invoice_id,
                    )
                    for s in decided
                    if s.found
                )
            )
            uow.outbox.requeue(
                [
                    (s.entry.id, key_for(s.entry.reference, s.entry.attempts))
                    for s in decided
                    if not s.found
                ]
            )
            uow.commit()
        self.report.settled += [
            PostedInvoice(
                s.entry.month, s.entry.reference, s.found.invoice_number, s.found.invoice_id
            )
            for s in decided
            if s.found
        ]
        self.report.requeued += sum(1 for s in decided if not s.found)
        if young:
            last = max(s.entry.sent_at for s in young if s.entry.sent_at is not None)
            raise StillInFlight(len(young), last + IN_FLIGHT_GRACE)

    def _contacts(self, months: Sequence[Month]) -> None:
        """Give every client about to be invoiced a Xero contact first: the active contact of
        its name where the mirror knows one, else one created for it (in batches, each
        contact's outcome on its own). A name Xero already holds but the mirror does not (a
        contact made since the last sync, or by a run that crashed before recording it) is
        refused as a duplicate: that invoice goes by name, Xero puts it on that contact and
        the client is linked to it after posting, so no contact is ever made twice."""
        with self.store() as uow:
            clients = {c.id: c for c in uow.clients.all() if c.id is not None}
            unlinked = {
                doc.client_id: doc.contact_name
                for month in months
                for _, doc in self._unqueued.get(month) or uow.outbox.unqueued(month)
                if self._wanted(doc.reference)
                and doc.contact_id is None
                and doc.client_id in clients
                and not clients[doc.client_id].xero_contact_id
            }
            for entry, sent in self._unlinked_work(uow):
                if entry.client_id in clients and not clients[entry.client_id].xero_contact_id:
                    unlinked.setdefault(entry.client_id, sent.contact_name)
            if not unlinked:
                return
            needed = contacts_needed(unlinked.items(), uow.mirror.contacts())
        made: dict[int, XeroContact] = dict(needed.existing)
        created: list[XeroContact] = []
        names = list(needed.to_create)
        for start in range(0, len(names), BATCH):
            batch = names[start : start + BATCH]
            first = {name: clients[needed.to_create[name][0]] for name in batch}
            outcomes = self.xero.post_contacts(
                [
                    NewContact(
                        name=name,
                        email=first[name].email,
                        contact_number=first[name].reference or None,
                    )
                    for name in batch
                ],
                contacts_key(batch),
            )
            for name, outcome in zip(batch, outcomes, strict=True):
                if outcome.contact_id is None:
                    continue  # a duplicate goes by name; another refusal shows on the invoice
                contact = XeroContact(
                    outcome.contact_id,
                    name,
                    email=first[name].email,
                    contact_number=first[name].reference or None,
                )
                created.append(contact)
                made.update(dict.fromkeys(needed.to_create[name], contact))
            self._link(made, created)
            made, created = {}, []
        self._link(made, created)

    def _link(self, contacts: dict[int, XeroContact], created: list[XeroContact]) -> None:
        if not contacts:
            return
        with self.store(write=True) as uow:
            uow.mirror.save_contacts(created)
            linked = _link_new_contacts(uow, contacts)
            uow.commit()
        self.report.contacts_created += len(created)
        self.report.contacts_linked += linked

    def _unlinked_work(self, uow: UnitOfWork) -> list[tuple[OutboxEntry, NewInvoice]]:
        """The pending work invoices written without a Xero contact, with their requests."""
        if not self.work:
            return []
        pending = uow.outbox.entries(work=True, states=[OutboxState.PENDING])
        sent = [(e, invoice_of(e.body)) for e in pending]
        return [(e, invoice) for e, invoice in sent if invoice.contact_id is None]

    def _queue(self, months: Sequence[Month], retry_failed: bool) -> None:
        with self.store(write=True) as uow:
            themes = {t.name.casefold(): t.branding_theme_id for t in uow.mirror.branding_themes()}
            contacts = _contacts_by_client(uow)
            entries = []
            for month in months:
                for invoice_id, doc in uow.outbox.unqueued(month):
                    if not self._wanted(doc.reference):
                        continue
                    if doc.contact_id is None and doc.client_id in contacts:
                        # Linked since approval (by the user, or by an earlier posting).
                        linked = contacts[doc.client_id]
                        doc = replace(doc, contact_id=linked.contact_id, contact_name=linked.name)
                    body = body_of(new_invoice(doc, themes))
                    entries.append((invoice_id, doc, key_for(doc.reference, 0), body))
            uow.outbox.add(entries)
            if retry_failed:
                failed = [
                    e
                    for e in uow.outbox.entries(months=months, states=[OutboxState.FAILED])
                    if self._wanted(e.reference)
                ]
                uow.outbox.requeue([(e.id, key_for(e.reference, e.attempts)) for e in failed])
            if self.work:
                # A work invoice is written when its items are completed: a client linked
                # since (by the user, or by the contacts step above) is sent to that contact.
                uow.outbox.rewrite(
                    [
                        (
                            entry.id,
                            body_of(
                                replace(
                                    sent,
                                    contact_id=contacts[entry.client_id].contact_id,
                                    contact_name=contacts[entry.client_id].name,
                                )
                            ),
                            entry.key,
                        )
                        for entry, sent in self._unlinked_work(uow)
                        if entry.client_id in contacts
                    ]
                )
                if retry_failed:
                    failed = uow.outbox.entries(work=True, states=[OutboxState.FAILED])
                    uow.outbox.requeue([(e.id, key_for(e.reference, e.attempts)) for e in failed])
            uow.commit()
        self.report.queued = len(entries)

    def _send(self, months: Sequence[Month]) -> None:
        with self.store() as uow:
            pending = [
                e
                for e in (
                    uow.outbox.entries(months=months, states=[OutboxState.PENDING])
                    if months
                    else []
                )
                if self._wanted(e.reference)
            ]
            if self.work:
                pending += uow.outbox.entries(work=True, states=[OutboxState.PENDING])
        self.report.months = sorted({e.month for e in pending if not e.work})
        if pending:
            with self.store() as uow:
                self.labels = _labels(uow)  # each posting's client, for the history
        again = self._send_batches(pending)
        if again:
            # Held back by another invoice of their batch that Xero refused (a 400): sent once
            # more, without it, under new keys.
            with self.store() as uow:
                ids = {e.id for e in again}
                again = [e for e in uow.outbox.entries(states=[OutboxState.PENDING]) if e.id in ids]
            left = self._send_batches(again)
            if left:
                raise XeroBatchRefused(len(left))

    def _send_batches(self, pending: Sequence[OutboxEntry]) -> list[OutboxEntry]:
        """Send `pending` in batches; the entries that a 400 held back, not in Xero, pending
        again under new keys."""
        done = 0
        again: list[OutboxEntry] = []
        for batch in batches(pending):
            with self.store(write=True) as uow:
                uow.outbox.mark_sending(batch)
                uow.commit()
            try:
                outcomes = self.xero.post_invoices(
                    [invoice_of(e.body) for e in batch], batch_key(batch)
                )
            except XeroValidationError as refused:
                again += self._refused(batch, refused)
                done += len(batch)
                continue
            except XeroError as error:
                if error.unsent:
                    # Xero refused the request before any work (not authorised, a limit) or
                    # it never left: nothing of the batch is in flight, so it is pending
                    # again, under its key, for the next run to send without waiting.
                    with self.store(write=True) as uow:
                        uow.outbox.requeue([(e.id, e.key) for e in batch])
                        uow.commit()
                raise
            self._record(batch, outcomes)
            done += len(batch)
            if self.listener is not None:
                self.listener.batch_sent(done, len(pending))
        return again

    def _refused(
        self, batch: Sequence[OutboxEntry], refused: XeroValidationError
    ) -> list[OutboxEntry]:
        """Xero answered the batch with a 400 (a ValidationException) naming the invoices it
        refused. It may have made the others all the same (Xero saves the valid elements of
        a batch whose summarised answer is a 400), so they are in doubt, not pending: sent
        again under the same key, the 400 would be replayed; once Xero forgot the key, the
        ones it made would be made twice. Xero has answered, so nothing of the request is
        still at work: the others are looked up by reference at once. Found: posted. Not
        found: pending under a new key (returned, to be sent again). The named ones are
        failed with Xero's reason. A failed look-up leaves the batch in flight, for the next
        run to settle."""
        named = {p.subject.strip(): p.messages for p in refused.problems if p.subject}
        unnamed = [e for e in batch if e.reference not in named]
        looked_up = self.xero.find_invoices([e.reference for e in unnamed]) if unnamed else []
        by_id = {i.invoice_id: i for i in looked_up}
        found: dict[int, CreatedInvoice] = {
            s.entry.id: by_id[s.found.invoice_id]
            for s in settle(
                unnamed,
                [
                    FoundInvoice(i.invoice_id, i.invoice_number, i.reference, i.status)
                    for i in looked_up
                ],
            )
            if s.found is not None
        }
        decided = [e for e in batch if e.reference in named or e.id in found]
        outcomes = [
            InvoiceOutcome(e.reference, None, named[e.reference])
            if e.reference in named
            else InvoiceOutcome(e.reference, found[e.id])
            for e in decided
        ]
        again = [e for e in batch if e not in decided]
        with self.store(write=True) as uow:
            uow.outbox.requeue([(e.id, key_for(e.reference, e.attempts + 1)) for e in again])
            uow.commit()
        self._record(decided, outcomes)
        return again

    def _record(self, batch: Sequence[OutboxEntry], outcomes: Sequence[InvoiceOutcome]) -> None:
        posted: list[tuple[int, str, str]] = []
        failed: list[tuple[int, str]] = []
        new_contacts: dict[int, XeroContact] = {}
        events: list[HistoryEvent] = []
        for entry, outcome in zip(batch, outcomes, strict=True):
            created = outcome.created
            if created is None:
                message = "; ".join(outcome.errors) or "refused by Xero"
                failed.append((entry.id, message))
                self.report.failed.append(FailedInvoice(entry.month, entry.reference, message))
                events.append(
                    _posting_event(entry, self.labels, PostingOutcome.FAILED, error=message)
                )
                continue
            posted.append((entry.id, created.invoice_id, created.invoice_number))
            events.append(
                _posting_event(
                    entry,
                    self.labels,
                    PostingOutcome.POSTED,
                    number=created.invoice_number,
                    invoice_id=created.invoice_id,
                )
            )
            self.report.posted.append(
                PostedInvoice(
                    entry.month, entry.reference, created.invoice_number, created.invoice_id
                )
            )
            sent = invoice_of(entry.body)
            if sent.contact_id is None and created.contact_id:
                new_contacts[entry.client_id] = XeroContact(created.contact_id, sent.contact_name)
        with self.store(write=True) as uow:
            uow.outbox.posted(posted)
            uow.outbox.failed(failed)
            uow.history.record(*events)
            self.report.contacts_linked += _link_new_contacts(uow, new_contacts)
            uow.commit()


def _contacts_by_client(uow: UnitOfWork) -> dict[int, XeroContact]:
    return {
        c.id: XeroContact(c.xero_contact_id, c.xero_contact_name or c.name)
        for c in uow.clients.all()
        if c.id is not None and c.xero_contact_id
    }


def _link_new_contacts(uow: UnitOfWork, contacts: dict[int, XeroContact]) -> int:
    """Link each client that was posted by name to the contact Xero made or found for it."""
    if not contacts:
        return 0
    clients = [c for c in uow.clients.all() if c.id in contacts and not c.xero_contact_id]
    uow.clients.save_many([link_to(c, contacts[c.id or 0]) for c in clients])
    uow.history.record(
        *(
            linked(
                c.reference,
                c.name,
                contact_id=contacts[c.id or 0].contact_id,
                contact_name=contacts[c.id or 0].name,
                how=LinkHow.AT_POSTING,
            )
            for c in clients
        )
    )
    return len(clients)


def _labels(uow: UnitOfWork) -> dict[int, ClientLabel]:
    return {label.id: label for label in uow.clients.labels()}


def _posting_event(
    entry: OutboxEntry,
    labels: dict[int, ClientLabel],
    outcome: PostingOutcome,
    *,
    number: str | None = None,
    invoice_id: str | None = None,
    error: str = "",
) -> HistoryEvent:
    client = labels.get(entry.client_id)
    return posting(
        entry.month,
        reference=entry.reference,
        client_reference=client.reference if client else None,
        client_name=client.name if client else None,
        outcome=outcome,
        number=number,
        invoice_id=invoice_id,
        error=error,
    )


# -- where posting stands -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusRow:
    client_reference: str
    client_name: str
    reference: str
    total: Decimal
    state: str  # not queued, pending, sending, posted or failed
    number: str | None
    error: str


@dataclass(frozen=True, slots=True)
class StatusReport:
    month: Month
    finalised: bool
    due: bool
    rows: tuple[StatusRow, ...]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def posting_status(store: OpenStore, clock: Clock, month: Month | None = None) -> StatusReport:
    """Each invoice of a finalised month: not queued, pending, sending, posted (with Xero's
    number) or failed (with Xero's reason). Without a month: the latest finalised one."""
    with store() as uow:
        settings = PracticeSettings.from_values(uow.settings.values())
        finalised = uow.snapshots.months()
        if month is None:
            if not finalised:
                raise NotFound("no month is finalised yet: approve one with `socket plan approve`")
            month = finalised[-1]
        if month not in finalised:
            return StatusReport(month, False, False, ())
        entries = {e.reference: e for e in uow.outbox.entries(months=[month])}
        docs = uow.plan.finalised_invoice_totals(month)  # no lines: 20,000 invoices a month
    rows = []
    for doc in docs:
        entry = entries.get(doc.reference)
        rows.append(
            StatusRow(
                client_reference=doc.client_reference,
                client_name=doc.client_name,
                reference=doc.reference,
                total=doc.total,
                state=entry.state.value if entry is not None else "not queued",
                number=entry.xero_number if entry is not None else None,
                error=entry.error if entry is not None else "",
            )
        )
    due = is_due(month, clock.now(), settings.time_zone)
    return StatusReport(month, True, due, tuple(rows))

"""Linking clients to Xero contacts: list, link, unlink, match (by hand or `--auto`), and
the duplicate report. Matching is against the mirror of Xero contacts (`socket sync`; in the
playground, its demo list)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from socketcli.domain.billing import next_billing_month
from socketcli.domain.errors import Conflict, InvalidInput, NotFound, StoreNotReady
from socketcli.domain.history import HistoryEvent, LinkHow, linked, unlinked
from socketcli.domain.links import (
    ContactLink,
    LinkStatus,
    contact_status,
    last_merge,
    link_of,
    link_to,
    needs_attention,
)
from socketcli.domain.matching import (
    AUTO_MARGIN,
    DEFAULT_THRESHOLD,
    DOMAIN,
    EMAIL,
    MERGED_INTO,
    REFERENCE,
    TOP_SCORE,
    Candidate,
    ContactIndex,
    NameForms,
    RankStream,
    auto_choice,
    left_reason,
)
from socketcli.domain.months import Month
from socketcli.domain.records import Client, XeroContact
from socketcli.domain.settings import PracticeSettings
from socketcli.ports.cache import NameFormsCache
from socketcli.ports.clock import Clock
from socketcli.ports.store import LinkWrite, OpenLinkWrite, OpenReader, OpenStore, UnitOfWork
from socketcli.services.plan import find_client, today


@dataclass(frozen=True, slots=True)
class ClientLink:
    client: Client
    link: ContactLink
    contact_id: str | None
    contact_number: str | None = None  # the linked contact's ContactNumber in Xero


#: How many Xero contacts the walk offers for a client, or for a search (keys 1 to this).
SHOWN_CANDIDATES = 5


class Book:
    """The clients, the mirrored contacts and how they are linked, read in one transaction."""

    def __init__(
        self,
        clients: Sequence[Client],
        contacts: Sequence[XeroContact],
        names: NameFormsCache | None = None,
    ) -> None:
        self.clients = sorted(clients, key=lambda c: (c.name.casefold(), c.reference))
        self.contacts = tuple(contacts)
        self._names = names
        self._known: Mapping[str, NameForms] = {}
        self._by_id = {contact.contact_id: contact for contact in self.contacts}
        self.linked_to: dict[str, list[Client]] = defaultdict(list)
        for client in self.clients:
            if client.xero_contact_id:
                self.linked_to[client.xero_contact_id].append(client)

    @classmethod
    def read(cls, uow: UnitOfWork, names: NameFormsCache | None = None) -> Book:
        return cls(uow.clients.all(), uow.mirror.contacts(), names)

    @cached_property
    def index(self) -> ContactIndex:
        """The contacts indexed for matching; with a cache of names, only the names it does
        not hold are normalised (`keep_names` then keeps them for next time)."""
        if self._names is not None:
            self._known = self._names.load()
        return ContactIndex(self.contacts, self._known)

    def keep_names(self) -> None:
        """Keep the contacts' normalised names in the cache, if it lacks some or holds others."""
        if self._names is None:
            return
        forms = self.index.forms_by_name()
        known = self._known
        if len(known) != len(forms) or any(name not in known for name in forms):
            self._names.save(forms)

    def contact(self, contact_id: str | None) -> XeroContact | None:
        return self._by_id.get(contact_id) if contact_id else None

    def merged_into(self, contact: XeroContact | None) -> XeroContact | None:
        """Where a merged contact went, following merges of merges to the last one."""
        return last_merge(contact, self.contact)

    def link(self, client: Client) -> ContactLink:
        contact = self.contact(client.xero_contact_id)
        into = self.merged_into(contact)
        return link_of(client, contact, mirrored=bool(self.contacts), merged_into=into)

    def links(self) -> list[ClientLink]:
        return [
            ClientLink(c, self.link(c), c.xero_contact_id, self._number(c.xero_contact_id))
            for c in self.clients
        ]

    def _number(self, contact_id: str | None) -> str | None:
        contact = self.contact(contact_id)
        return contact.contact_number if contact is not None else None

    def others_linked(self, contact_id: str, client: Client) -> list[Client]:
        """The other clients linked to this contact."""
        return [c for c in self.linked_to.get(contact_id, []) if c.reference != client.reference]

    def needing_attention(self, month: Month) -> list[Client]:
        """Clients still billed from `month` whose link needs a person."""
        return [
            client for client in self.clients if needs_attention(client, self.link(client), month)
        ]

    def candidates(self, client: Client, limit: int = SHOWN_CANDIDATES) -> list[Candidate]:
        """The best contacts for a client; for one whose contact was merged, where it went."""
        return self.shown(client, self.index.rank(client, limit), limit)

    def candidates_for(
        self, clients: Sequence[Client], limit: int = SHOWN_CANDIDATES
    ) -> list[list[Candidate]]:
        """`candidates` for many clients at once (ranked on every core for a long list)."""
        ranked = self.index.rank_many(clients, limit)
        return [
            self.shown(client, found, limit) for client, found in zip(clients, ranked, strict=True)
        ]

    def best_first(self, clients: Sequence[Client]) -> list[tuple[Client, list[Candidate]]]:
        """Each client with its candidates, the clients with the best matches first (then by
        name; those with no candidate last)."""
        ranked = list(zip(clients, self.candidates_for(clients), strict=True))
        ranked.sort(key=lambda item: _best_key(item[0], item[1]))
        return ranked

    def shown(
        self, client: Client, ranked: list[Candidate], limit: int = SHOWN_CANDIDATES
    ) -> list[Candidate]:
        """The ranked candidates a person is offered for a client: where its merged contact
        went first, not the contact it has, none scoring too low to be worth a look."""
        into = self.merged_into(self.contact(client.xero_contact_id))
        if into is not None and not into.archived:  # offered only where it can be linked
            ranked = [c for c in ranked if c.contact.contact_id != into.contact_id]
            found = Candidate(into, 100, 100, (MERGED_INTO,))
            ranked = [found, *ranked][:limit]
        if client.xero_contact_id:  # offer another contact, not the one it has
            ranked = [c for c in ranked if c.contact.contact_id != client.xero_contact_id]
        return [c for c in ranked if c.score >= SHOWN_FROM or set(c.evidence) & SUPPORTING]

    def find_contact(self, key: str) -> XeroContact:
        """A contact by ContactID, ContactNumber, AccountNumber or name (case aside)."""
        text = key.strip()
        if not text:
            raise InvalidInput(
                "the Xero contact is empty: give its name, ContactID or ContactNumber"
            )
        if not self.contacts:
            raise no_contacts()
        found = self.contact(text)
        if found is not None:
            return found
        folded = text.casefold()
        # A name first (what a person types), then a ContactNumber or an AccountNumber.
        for fields in (("name",), ("contact_number", "account_number")):
            named = [
                c
                for c in self.contacts
                if any((getattr(c, field) or "").casefold() == folded for field in fields)
            ]
            active = [c for c in named if not c.archived] or named
            if len(active) == 1:
                return active[0]
            if len(active) > 1:
                which = "; ".join(f"{c.name} ({c.contact_id})" for c in active)
                raise Conflict(
                    f"{key!r} names {len(active)} Xero contacts: {which}: use a ContactID"
                )
        near = [c.contact.name for c in self.index.search(text, 3)]
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise NotFound(f"Xero contact {key!r} does not exist{hint}")


def _best_key(client: Client, candidates: Sequence[Candidate]) -> tuple[int, str]:
    """The best matches first, then by name (stable: clients come sorted by name)."""
    return (-(candidates[0].score if candidates else 0), client.name.casefold())


def no_contacts() -> StoreNotReady:
    return StoreNotReady(
        "no Xero contacts to match against: run `socket sync` first "
        "(or try `socket --playground contacts match`)"
    )


def attention_month(uow: UnitOfWork, clock: Clock) -> Month:
    """The month whose clients must be decided: the plan's next month, as `plan show` has it."""
    settings = PracticeSettings.from_values(uow.settings.values())
    return next_billing_month(today(clock, settings), uow.snapshots.latest_finalised())


#: Candidates scoring under this are not worth a person's time (unless evidence names them).
SHOWN_FROM = 40
SUPPORTING = frozenset({REFERENCE, EMAIL, DOMAIN, MERGED_INTO})


def check_linkable(book: Book, contact: XeroContact) -> None:
    status = contact_status(contact)
    if status is LinkStatus.MERGED:
        into = book.merged_into(contact)
        if into is not None and not into.archived:
            raise Conflict(
                f"Xero contact {contact.name!r} was merged into {into.name!r} in Xero: link to that"
            )
        raise Conflict(
            f"Xero contact {contact.name!r} was merged in Xero into a contact that is not "
            "active either: link another"
        )
    if status is LinkStatus.ARCHIVED:
        raise Conflict(
            f"Xero contact {contact.name!r} is archived in Xero: restore it there first, "
            "or link another"
        )


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    client: Client
    contact: XeroContact | None
    shared_with: tuple[Client, ...] = ()  # other clients linked to the same contact


def link(
    store: OpenStore, client_key: str, contact_key: str, *, shared: bool = False
) -> LinkOutcome:
    """Link a client to a contact; one already linked to another client needs `shared`."""
    with store(write=True) as uow:
        client = find_client(uow.plan, client_key)
        book = Book.read(uow)
        contact = book.find_contact(contact_key)
        return _link(uow, book, client, contact, shared=shared)


def _link(
    uow: LinkWrite, book: Book, client: Client, contact: XeroContact, *, shared: bool
) -> LinkOutcome:
    check_linkable(book, contact)
    others = tuple(book.others_linked(contact.contact_id, client))
    if others and not shared:
        names = ", ".join(f"{c.reference} ({c.name})" for c in others)
        raise Conflict(
            f"Xero contact {contact.name!r} is already linked to {names}: "
            "pass --shared to link this client to it too"
        )
    saved = uow.clients.save(link_to(client, contact))
    uow.history.record(_linked(client, contact, LinkHow.BY_HAND))
    uow.commit()
    return LinkOutcome(saved, contact, others)


def _linked(
    client: Client, contact: XeroContact | None, how: LinkHow, score: int | None = None
) -> HistoryEvent:
    """The history's line for a client's new link (naming the contact it had before)."""
    before = client.xero_contact_name or client.xero_contact_id
    return linked(
        client.reference,
        client.name,
        contact_id=contact.contact_id if contact else None,
        contact_name=contact.name if contact else None,
        how=how,
        previous=before if before and (contact is None or before != contact.name) else None,
        score=score,
    )


def unlink(store: OpenStore, client_key: str) -> Client:
    with store(write=True) as uow:
        client = find_client(uow.plan, client_key)
        if client.xero_contact_id is None and not client.new_xero_contact:
            raise Conflict(f"client {client.reference} ({client.name}) is not linked")
        saved = uow.clients.save(link_to(client, None))
        uow.history.record(
            unlinked(
                client.reference,
                client.name,
                contact_id=client.xero_contact_id,
                contact_name=client.xero_contact_name,
            )
        )
        uow.commit()
        return saved


def choose_new_contact(store: OpenStore, client_key: str) -> Client:
    """Posting will create a Xero contact with the client's name (no link to an existing one)."""
    with store(write=True) as uow:
        return _choose_new(uow, client_key)


def _choose_new(uow: LinkWrite, client_key: str) -> Client:
    client = find_client(uow.plan, client_key)
    saved = uow.clients.save(link_to(client, None, new=True))
    uow.history.record(_linked(client, None, LinkHow.NEW_CONTACT))
    uow.commit()
    return saved


@dataclass(frozen=True, slots=True)
class ContactList:
    """`socket contacts list`: every client's link, and the references that need deciding
    before the plan's next month."""

    links: list[ClientLink]
    waiting: set[str]


def list_links(store: OpenStore, clock: Clock) -> ContactList:
    with store() as uow:
        book = Book.read(uow)
        month = attention_month(uow, clock)
    return ContactList(book.links(), {c.reference for c in book.needing_attention(month)})


# -- --auto ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AutoLinked:
    client: Client
    candidate: Candidate


#: Why `--auto` left a client, beside those of `domain.matching.left_reason`: the contact it
#: chose is linked to another client (before the run, or by a better match in it)...
CONTACT_TAKEN = "contact_taken"
#: ...or the client is linked to a contact archived in Xero, or one Xero no longer lists.
CONTACT_ARCHIVED = "contact_archived"
CONTACT_MISSING = "contact_missing"


@dataclass(frozen=True, slots=True)
class AutoLeft:
    client: Client
    best: Candidate | None
    why: str
    #: a stable code for scripts: `left_reason`'s, or one of the three above
    code: str = ""
    runner_up: Candidate | None = None  # too_close: the next active candidate
    taken_by: str | None = None  # contact_taken: the reference of the client that has it


@dataclass(frozen=True, slots=True)
class AutoReport:
    threshold: int
    margin: int
    dry_run: bool
    linked: tuple[AutoLinked, ...]
    left: tuple[AutoLeft, ...]


_STUCK = {LinkStatus.ARCHIVED: CONTACT_ARCHIVED, LinkStatus.MISSING: CONTACT_MISSING}


def check_threshold(value: int) -> int:
    if not 0 <= value <= 100:
        raise InvalidInput(f"threshold {value} is out of range: give a score from 0 to 100")
    return value


def auto_match(
    store: OpenStore,
    clock: Clock,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    margin: int = AUTO_MARGIN,
    dry_run: bool = False,
    names: NameFormsCache | None = None,
) -> AutoReport:
    """Link every unlinked client whose best candidate is confident and clearly ahead, and
    every client whose contact was merged in Xero to the contact it was merged into.

    Clients go best score first; a contact linked already (or just now) is never linked again:
    its client is left for a person. Nothing is written with `dry_run`. `names`: the cache
    of normalised contact names (used, and kept up to date).
    """
    with store(write=True) as uow:
        check_threshold(threshold)
        book = Book.read(uow, names)
        if not book.clients:
            raise StoreNotReady(f"the store at {uow.location} has no clients yet")
        if not book.contacts:
            raise no_contacts()
        month = attention_month(uow, clock)
        attention = book.needing_attention(month)
        waiting = [
            c for c in attention if book.link(c).status in (LinkStatus.UNLINKED, LinkStatus.MERGED)
        ]
        # Linked to a contact archived or gone in Xero: a person decides (restore it, or relink).
        stuck = [
            AutoLeft(c, None, link.warning or "", _STUCK[link.status])
            for c in attention
            if (link := book.link(c)).status in _STUCK
        ]
        ranked = book.best_first(waiting)
        # each contact linked already -> a client linked to it (the first by name)
        taken = {
            contact_id: held[0].reference for contact_id, held in book.linked_to.items() if held
        }
        linked: list[AutoLinked] = []
        left: list[AutoLeft] = list(stuck)
        for client, candidates in ranked:
            best = candidates[0] if candidates else None
            if best is not None and MERGED_INTO in best.evidence:
                choice: Candidate | None = best  # where Xero itself merged its contact
            else:
                choice = auto_choice(candidates, threshold, margin)
            if choice is None:
                why = left_reason(candidates, threshold, margin)
                left.append(AutoLeft(client, best, why.why, why.code, why.runner_up))
            elif (holder := taken.get(choice.contact.contact_id)) is not None:
                before = choice.contact.contact_id in book.linked_to
                said = f"is linked to {holder}" if before else f"goes to {holder} in this run"
                left.append(
                    AutoLeft(
                        client,
                        choice,
                        f"{choice.contact.name} {said}",
                        CONTACT_TAKEN,
                        taken_by=holder,
                    )
                )
            else:
                taken[choice.contact.contact_id] = client.reference
                linked.append(AutoLinked(client, choice))
        if not dry_run and linked:
            for found in linked:
                uow.clients.save(link_to(found.client, found.candidate.contact))
            uow.history.record(
                *(
                    _linked(
                        found.client, found.candidate.contact, LinkHow.AUTO, found.candidate.score
                    )
                    for found in linked
                )
            )
            uow.commit()
        left.sort(key=lambda item: (item.client.name.casefold(), item.client.reference))
        linked.sort(key=lambda item: (item.client.name.casefold(), item.client.reference))
    book.keep_names()
    return AutoReport(threshold, margin, dry_run, tuple(linked), tuple(left))


# -- duplicates -------------------------------------------------------------------------------


def duplicate_contacts(
    store: OpenStore, threshold: int = DEFAULT_THRESHOLD
) -> list[list[XeroContact]]:
    with store() as uow:
        check_threshold(threshold)
        book = Book.read(uow)
        if not book.contacts:
            raise no_contacts()
        return book.index.duplicates(threshold)


# -- the interactive walk ---------------------------------------------------------------------

ORDERS = ("best", "name")


@dataclass(frozen=True, slots=True)
class MatchItem:
    client: Client
    link: ContactLink
    candidates: tuple[Candidate, ...]


class MatchSession:
    """`socket contacts match`: the clients needing a person, with their candidates, and each
    decision committed at once (quitting keeps what was decided).

    The contact index is built once; each decision is one short write transaction. In the
    order `best`, clients are ranked in the background (by name): a client whose best
    candidate scores 100 is among the best whatever the others score, so it is shown as
    soon as it is known; the others take their places by score once every client is
    ranked. The order is the one ranking every client first would give. Use it as a context
    manager, or `close` it, to stop the ranking.
    """

    #: In the order `best`, how many clients (by name) this process ranks itself, at most,
    #: looking for the first to show before any forked process has answered.
    FIRST_RANKED = 8
    #: How many clients after the first screen's this process ranks itself, as the walk
    #: needs them, rather than wait for the forked processes' first answers (they start by
    #: building their own letter index: their first answers come a few tenths of a second
    #: to a second or two later, on a busy machine): the keys of the walk's first seconds.
    #: At most `RANKED_A_SCREEN` for one screen (a millisecond or so each), then it waits.
    RANKED_HERE = 128
    RANKED_A_SCREEN = 32
    #: The background work (the search's lists, keeping the names, the letter index: about
    #: half a second of the interpreter at 50,000 contacts) is done while the walk waits for
    #: the person: each part once the walk has waited `QUIET_FOR` seconds for a key, so that
    #: keys pressed one after another do not share the interpreter with it. (What a person
    #: needs first is made when needed: a search's lists by the first search, the names
    #: kept when the walk ends.)
    QUIET_FOR = 0.25

    def __init__(
        self,
        store: OpenStore,
        clock: Clock,
        order: str = "best",
        *,
        read: OpenReader | None = None,
        names: NameFormsCache | None = None,
        prepare: Callable[[], object] | None = None,
        write: OpenLinkWrite | None = None,
    ) -> None:
        """`read`: start on the lighter reader (the unit of work is then first opened at the
        first decision; `prepare` readies it in the background meanwhile); `names`: the
        cache of normalised contact names, kept up to date in the background; `write`: how
        each decision is written (default: a write unit of work of `store`)."""
        if order not in ORDERS:
            raise InvalidInput(f"order {order!r} is not one of: {', '.join(ORDERS)}")
        self._store = store
        self._write: OpenLinkWrite = write or (lambda: store(write=True))
        if read is not None:
            with read() as reader:
                self.book = Book(reader.clients(), reader.xero_contacts(), names)
                location = reader.location
                latest = reader.latest_finalised()
                settings = PracticeSettings.from_values(reader.settings_values())
        else:
            with store() as uow:
                self.book = Book.read(uow, names)
                location = uow.location
                latest = uow.snapshots.latest_finalised()
                settings = PracticeSettings.from_values(uow.settings.values())
        if not self.book.clients:
            raise StoreNotReady(f"the store at {location} has no clients yet")
        if not self.book.contacts:
            raise no_contacts()
        month = next_billing_month(today(clock, settings), latest)
        self._waiting = self.book.needing_attention(month)  # by name
        self._items: dict[int, MatchItem] = {}
        # The order `best`: the walk's order so far (clients known to be among the best), and
        # the clients ranked but not yet placed.
        self._stream: RankStream | None = None
        self._unstarted: list[Client] | None = None  # to rank in the stream, not started yet
        self._placed: list[MatchItem] = []
        self._unplaced: list[MatchItem] = []
        # the position (in `_waiting`) of the client the stream gives next, and up to where
        # the walk ranks clients here rather than wait for the stream
        self._streamed = 0
        self._here_until = 0
        if order == "best" and self._waiting:
            # The first clients by name here, until one is sure to come first (the forked
            # processes take a moment to answer); the rest in the background.
            for client in self._waiting[: self.FIRST_RANKED]:
                self._place(client, self.book.index.rank(client, SHOWN_CANDIDATES))
                if self._placed:
                    break
            # The others are ranked by processes forked once the first screen is drawn
            # (`shown`), or when the walk needs them first: not before the first screen.
            self._unstarted = self._waiting[len(self._placed) + len(self._unplaced) :]
        self._prepare = prepare
        self.book.index  # noqa: B018  (built here, not in the thread: the first screen needs it)
        self._names_kept = threading.Event()
        self._keeping = threading.Lock()
        self._warm = threading.Thread(target=self._ready_the_rest, daemon=True)
        self._closed = False
        self._waiting_since: float | None = None  # time.monotonic() of the walk's wait, if it waits

    def shown(self) -> None:
        """The walk waits for the person (a key, or a line): on the first screen, ready the
        rest in the background (not before: the first screen would share the processor with
        it)."""
        self._waiting_since = time.monotonic()
        if self._warm.ident is None:
            self._started()  # forked before the thread starts: never fork beside a thread
            self._warm.start()

    def pressed(self) -> None:
        """The person answered: the walk is busy until it waits again (`shown`)."""
        self._waiting_since = None

    def _started(self) -> RankStream | None:
        """The ranking of the other clients in the order `best`, started now if it was not."""
        if self._unstarted is not None:
            clients, self._unstarted = self._unstarted, None
            self._stream = self.book.index.rank_stream(clients, SHOWN_CANDIDATES)
            self._streamed = len(self._waiting) - len(clients)
            if self._stream.background:
                self._here_until = self._streamed + self.RANKED_HERE
        return self._stream

    def _ready_the_rest(self) -> None:
        """In a thread, while the first screen is read: what the first decision, the first
        search and the next run would otherwise wait for."""
        if self._prepare is not None:
            self._prepare()  # first: a decision is the likeliest first key
        # then a search (before a tenth of a second of writing the names down)
        for step in (self.book.index.ready_search, self._keep_names, self.book.index.warm):
            self._quiet()
            if self._closed:
                return
            step()

    def _quiet(self) -> None:
        """Wait until the walk has waited `QUIET_FOR` seconds for the person (or until the
        session is closed)."""
        while not self._closed:
            since = self._waiting_since
            if since is not None and time.monotonic() - since >= self.QUIET_FOR:
                return
            time.sleep(0.02)

    def _keep_names(self) -> None:
        """Keep the contacts' names for the next run, once (the thread or `close`, whichever
        comes first)."""
        with self._keeping:
            if not self._names_kept.is_set():
                try:
                    self.book.keep_names()
                finally:
                    self._names_kept.set()

    def __enter__(self) -> MatchSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop ranking in the background (nothing is lost: what was decided is committed),
        once the contacts' names are kept for the next run (a tenth of a second at most)."""
        # Here, not waiting for the thread: it may be importing the ORM, and a Ctrl-C that
        # came during an import of this thread can leave Python's import lock held for good.
        self._closed = True
        self._keep_names()
        self._unstarted = None
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.close()

    def __len__(self) -> int:
        return len(self._waiting)

    def ready(self, position: int) -> bool:
        """Whether the client at `position` comes without waiting for the ranking in the
        background (a short list is ranked as it is walked, and the next client early in the
        walk here: no wait worth a word)."""
        if position < len(self._placed):
            return True
        stream = self._started()
        if stream is None or not stream.background:
            return True
        return position == len(self._placed) and (
            len(self._placed) + len(self._unplaced) < self._here_until
        )

    def item(self, position: int) -> MatchItem:
        """The client at `position` (from 0), with its link and candidates."""
        if self._stream is not None or self._unstarted is not None or self._placed:
            return self._best(position)
        found = self._items.get(position)
        if found is None:
            client = self._waiting[position]
            found = MatchItem(client, self.book.link(client), tuple(self.book.candidates(client)))
            self._items[position] = found
        return found

    def _best(self, position: int) -> MatchItem:
        """The order `best`, as far as `position`: waits for the ranking where it must.

        Clients are ranked in name order. Early in the walk (`RANKED_HERE`) this process
        ranks the next few itself (`RANKED_A_SCREEN` a screen at most) rather than wait for
        the forked processes to answer; their answers for those clients are passed over."""
        here = 0
        while position >= len(self._placed) and (stream := self._started()) is not None:
            index = len(self._placed) + len(self._unplaced)  # the next client by name
            if index == len(self._waiting):  # every client is ranked: the others, best first
                self._stream = None
                stream.close()
                self._unplaced.sort(key=lambda item: _best_key(item.client, item.candidates))
                self._placed.extend(self._unplaced)
                self._unplaced = []
                break
            client = self._waiting[index]
            if index < self._here_until and here < self.RANKED_A_SCREEN:
                here += 1
                ranked = self.book.index.rank(client, SHOWN_CANDIDATES)
            else:
                ranked = self._streamed_rank(stream, index)
            self._place(client, ranked)
        return self._placed[position]

    def _streamed_rank(self, stream: RankStream, index: int) -> list[Candidate]:
        """The stream's ranking of the client at `index` (those before it, ranked here
        already, passed over)."""
        while True:
            ranked = next(stream)
            self._streamed += 1
            if self._streamed > index:
                return ranked

    def _place(self, client: Client, ranked: list[Candidate]) -> None:
        """A client just ranked, in name order: placed in the walk's order at once if its
        best candidate scores the most there is, else once every client is ranked."""
        found = self.book.shown(client, ranked)
        item = MatchItem(client, self.book.link(client), tuple(found))
        top = found[0].score if found else 0
        (self._placed if top >= TOP_SCORE else self._unplaced).append(item)

    @property
    def items(self) -> list[MatchItem]:
        """Every item, ranking those not ranked yet."""
        return [self.item(position) for position in range(len(self))]

    def search(self, term: str, limit: int = SHOWN_CANDIDATES) -> list[Candidate]:
        return self.book.index.search(term, limit)

    def others_linked(self, client: Client, contact: XeroContact) -> list[Client]:
        return self.book.others_linked(contact.contact_id, client)

    def link(self, client: Client, contact: XeroContact, *, shared: bool = False) -> LinkOutcome:
        with self._write() as uow:
            fresh = find_client(uow.plan, client.reference)
            outcome = _link(uow, self.book, fresh, contact, shared=shared)
        self._remember(client, outcome.client)
        return outcome

    def choose_new(self, client: Client) -> Client:
        with self._write() as uow:
            saved = _choose_new(uow, client.reference)
        self._remember(client, saved)
        return saved

    def _remember(self, before: Client, after: Client) -> None:
        if before.xero_contact_id:
            holders = self.book.linked_to.get(before.xero_contact_id, [])
            holders[:] = [c for c in holders if c.reference != before.reference]
        if after.xero_contact_id:
            self.book.linked_to[after.xero_contact_id].append(after)

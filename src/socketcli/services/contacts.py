"""Linking clients to Xero contacts: list, link, unlink, match (by hand or `--auto`), and
the duplicate report. Matching is against the mirror of Xero contacts (`socket sync`; in the
playground, its demo list)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from socketcli.domain.billing import next_billing_month
from socketcli.domain.errors import Conflict, InvalidInput, NotFound, StoreNotReady
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
    Candidate,
    ContactIndex,
    auto_choice,
    why_left,
)
from socketcli.domain.months import Month
from socketcli.domain.records import Client, XeroContact
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenStore, UnitOfWork
from socketcli.services.plan import find_client


@dataclass(frozen=True, slots=True)
class ClientLink:
    client: Client
    link: ContactLink
    contact_id: str | None


#: How many Xero contacts the walk offers for a client, or for a search (keys 1 to this).
SHOWN_CANDIDATES = 5


class Book:
    """The clients, the mirrored contacts and how they are linked, read in one transaction."""

    def __init__(self, clients: Sequence[Client], contacts: Sequence[XeroContact]) -> None:
        self.clients = sorted(clients, key=lambda c: (c.name.casefold(), c.reference))
        self.contacts = tuple(contacts)
        self._by_id = {contact.contact_id: contact for contact in self.contacts}
        self.linked_to: dict[str, list[Client]] = defaultdict(list)
        for client in self.clients:
            if client.xero_contact_id:
                self.linked_to[client.xero_contact_id].append(client)

    @classmethod
    def read(cls, uow: UnitOfWork) -> Book:
        return cls(uow.clients.all(), uow.mirror.contacts())

    @cached_property
    def index(self) -> ContactIndex:
        return ContactIndex(self.contacts)

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
        return [ClientLink(c, self.link(c), c.xero_contact_id) for c in self.clients]

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
        return self._shown(client, self.index.rank(client, limit), limit)

    def candidates_for(
        self, clients: Sequence[Client], limit: int = SHOWN_CANDIDATES
    ) -> list[list[Candidate]]:
        """`candidates` for many clients at once (ranked on every core for a long list)."""
        ranked = self.index.rank_many(clients, limit)
        return [
            self._shown(client, found, limit) for client, found in zip(clients, ranked, strict=True)
        ]

    def best_first(self, clients: Sequence[Client]) -> list[tuple[Client, list[Candidate]]]:
        """Each client with its candidates, the clients with the best matches first (then by
        name; those with no candidate last)."""
        ranked = list(zip(clients, self.candidates_for(clients), strict=True))
        ranked.sort(
            key=lambda item: (-(item[1][0].score if item[1] else 0), item[0].name.casefold())
        )
        return ranked

    def _shown(self, client: Client, ranked: list[Candidate], limit: int) -> list[Candidate]:
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


def no_contacts() -> StoreNotReady:
    return StoreNotReady(
        "no Xero contacts to match against: run `socket sync` first "
        "(or try `socket --playground contacts match`)"
    )


def attention_month(uow: UnitOfWork, clock: Clock) -> Month:
    """The month whose clients must be decided: the plan's next month, as `plan show` has it."""
    return next_billing_month(clock.now().date(), uow.snapshots.latest_finalised())


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
    uow: UnitOfWork, book: Book, client: Client, contact: XeroContact, *, shared: bool
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
    uow.commit()
    return LinkOutcome(saved, contact, others)


def unlink(store: OpenStore, client_key: str) -> Client:
    with store(write=True) as uow:
        client = find_client(uow.plan, client_key)
        if client.xero_contact_id is None and not client.new_xero_contact:
            raise Conflict(f"client {client.reference} ({client.name}) is not linked")
        saved = uow.clients.save(link_to(client, None))
        uow.commit()
        return saved


def choose_new_contact(store: OpenStore, client_key: str) -> Client:
    """Posting will create a Xero contact with the client's name (no link to an existing one)."""
    with store(write=True) as uow:
        client = find_client(uow.plan, client_key)
        saved = uow.clients.save(link_to(client, None, new=True))
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


@dataclass(frozen=True, slots=True)
class AutoLeft:
    client: Client
    best: Candidate | None
    why: str


@dataclass(frozen=True, slots=True)
class AutoReport:
    threshold: int
    margin: int
    dry_run: bool
    linked: tuple[AutoLinked, ...]
    left: tuple[AutoLeft, ...]


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
) -> AutoReport:
    """Link every unlinked client whose best candidate is confident and clearly ahead, and
    every client whose contact was merged in Xero to the contact it was merged into.

    Clients go best score first; a contact linked already (or just now) is never linked again:
    its client is left for a person. Nothing is written with `dry_run`.
    """
    with store(write=True) as uow:
        check_threshold(threshold)
        book = Book.read(uow)
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
            AutoLeft(c, None, book.link(c).warning or "")
            for c in attention
            if book.link(c).status in (LinkStatus.ARCHIVED, LinkStatus.MISSING)
        ]
        ranked = book.best_first(waiting)
        taken = set(book.linked_to)
        linked: list[AutoLinked] = []
        left: list[AutoLeft] = list(stuck)
        for client, candidates in ranked:
            best = candidates[0] if candidates else None
            if best is not None and MERGED_INTO in best.evidence:
                choice: Candidate | None = best  # where Xero itself merged its contact
            else:
                choice = auto_choice(candidates, threshold, margin)
            if choice is None:
                left.append(AutoLeft(client, best, why_left(candidates, threshold, margin)))
            elif choice.contact.contact_id in taken:
                holders = book.linked_to.get(choice.contact.contact_id) or []
                who = holders[0].reference if holders else "another client in this run"
                left.append(AutoLeft(client, choice, f"{choice.contact.name} is linked to {who}"))
            else:
                taken.add(choice.contact.contact_id)
                linked.append(AutoLinked(client, choice))
        if not dry_run and linked:
            for found in linked:
                uow.clients.save(link_to(found.client, found.candidate.contact))
            uow.commit()
        left.sort(key=lambda item: (item.client.name.casefold(), item.client.reference))
        linked.sort(key=lambda item: (item.client.name.casefold(), item.client.reference))
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

    The contact index is built once; each decision is one short write transaction.
    """

    def __init__(self, store: OpenStore, clock: Clock, order: str = "best") -> None:
        if order not in ORDERS:
            raise InvalidInput(f"order {order!r} is not one of: {', '.join(ORDERS)}")
        self._store = store
        with store() as uow:
            self.book = Book.read(uow)
            location = uow.location
            month = attention_month(uow, clock)
        if not self.book.clients:
            raise StoreNotReady(f"the store at {location} has no clients yet")
        if not self.book.contacts:
            raise no_contacts()
        self._waiting = self.book.needing_attention(month)  # by name
        self._items: dict[int, MatchItem] = {}
        if order == "best":
            # Every client is ranked first, to put the best matches first...
            ranked = [
                MatchItem(client, self.book.link(client), tuple(found))
                for client, found in self.book.best_first(self._waiting)
            ]
            self._waiting = [item.client for item in ranked]
            self._items = dict(enumerate(ranked))
        # ...by name, each client only when the walk reaches it: the first screen comes at once.

    def __len__(self) -> int:
        return len(self._waiting)

    def item(self, position: int) -> MatchItem:
        """The client at `position` (from 0), with its link and candidates."""
        found = self._items.get(position)
        if found is None:
            client = self._waiting[position]
            found = MatchItem(client, self.book.link(client), tuple(self.book.candidates(client)))
            self._items[position] = found
        return found

    @property
    def items(self) -> list[MatchItem]:
        """Every item, ranking those not ranked yet."""
        return [self.item(position) for position in range(len(self))]

    def search(self, term: str, limit: int = SHOWN_CANDIDATES) -> list[Candidate]:
        return self.book.index.search(term, limit)

    def others_linked(self, client: Client, contact: XeroContact) -> list[Client]:
        return self.book.others_linked(contact.contact_id, client)

    def link(self, client: Client, contact: XeroContact, *, shared: bool = False) -> LinkOutcome:
        with self._store(write=True) as uow:
            fresh = find_client(uow.plan, client.reference)
            outcome = _link(uow, self.book, fresh, contact, shared=shared)
        self._remember(client, outcome.client)
        return outcome

    def choose_new(self, client: Client) -> Client:
        saved = choose_new_contact(self._store, client.reference)
        self._remember(client, saved)
        return saved

    def _remember(self, before: Client, after: Client) -> None:
        if before.xero_contact_id:
            holders = self.book.linked_to.get(before.xero_contact_id, [])
            holders[:] = [c for c in holders if c.reference != before.reference]
        if after.xero_contact_id:
            self.book.linked_to[after.xero_contact_id].append(after)

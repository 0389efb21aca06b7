"""`socket sync`'s decisions, pure: what to push to each linked client's Xero contact (a
three-way comparison with what socket last pushed), and which Xero contacts become clients
when Xero is the CRM. services/sync.py runs the phases and acts on these."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from socketcli.domain.clients import check_email, check_name, check_reference
from socketcli.domain.errors import InvalidInput
from socketcli.domain.links import LinkStatus, contact_status, last_merge, link_to
from socketcli.domain.records import Client, XeroContact

#: The fields of a linked client that socket owns and pushes: (socket's name, Xero's name).
OWNED_FIELDS = (("name", "Name"), ("email", "EmailAddress"), ("contact_number", "ContactNumber"))


@dataclass(frozen=True, slots=True)
class PushedDetails:
    """A linked client's details as socket last pushed them to its Xero contact (or found
    them there already): the base of the three-way comparison that tells a change made in
    socket from one made in Xero."""

    client_id: int
    contact_id: str
    name: str
    email: str
    contact_number: str
    pushed_at: datetime


@dataclass(frozen=True, slots=True)
class ContactChange:
    """Changes to an existing contact: each field given replaces Xero's; None leaves it."""

    contact_id: str
    name: str | None = None
    email: str | None = None
    contact_number: str | None = None
    account_number: str | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # name, email or contact_number
    xero: str  # Xero's value before the push
    socket: str  # the value pushed


@dataclass(frozen=True, slots=True)
class PushedClient:
    reference: str
    contact_id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class SyncConflict:
    """A field changed in socket and in Xero since the last sync: socket's value was pushed."""

    reference: str
    contact_id: str
    field: str
    socket: str  # pushed: socket's value wins
    xero: str  # Xero's value, replaced
    base: str  # what both had at the last sync


@dataclass(frozen=True, slots=True)
class NewClient:
    """A client made (or, with `linked_existing`, linked) from a Xero contact (crm = xero)."""

    reference: str
    name: str
    contact_id: str
    linked_existing: bool = False


@dataclass(frozen=True, slots=True)
class PlannedPush:
    client: Client
    change: ContactChange
    pushed: PushedClient
    conflicts: tuple[SyncConflict, ...]
    base: PushedDetails  # the base once the push has succeeded


@dataclass(frozen=True, slots=True)
class PushDecision:
    pushes: tuple[PlannedPush, ...]
    #: Bases to record without a push (a link seen for the first time that agrees already).
    agreed: tuple[PushedDetails, ...]
    warnings: tuple[str, ...]


def _same(name: str, one: str, other: str) -> bool:
    if name == "email":
        return one.strip().casefold() == other.strip().casefold()
    return one.strip() == other.strip()


def decide_pushes(
    clients: Iterable[Client],
    contacts: Mapping[str, XeroContact],
    bases: Mapping[int, PushedDetails],
    now: datetime,
) -> PushDecision:
    """For each linked client, what to send to its Xero contact (see the module's notes).

    `contacts` holds the linked contacts and, for a warning's sake, where merged ones went."""
    pushes: list[PlannedPush] = []
    agreed: list[PushedDetails] = []
    warnings: list[str] = []
    for client in clients:
        if not client.xero_contact_id or client.id is None:
            continue
        contact = contacts.get(client.xero_contact_id)
        if contact is None:
            warnings.append(
                f"{client.reference} ({client.name}) is linked to a Xero contact that Xero does "
                f"not list ({client.xero_contact_id}): link it again"
            )
            continue
        into = last_merge(contact, contacts.get)
        status = contact_status(contact)
        if status is LinkStatus.MERGED and into is not None and not into.archived:
            warnings.append(
                f"{client.reference} ({client.name}) is linked to {contact.name!r}, which was "
                f"merged into {into.name!r} in Xero: its details were not pushed; link the "
                f"client to {into.name!r}"
            )
            continue
        if status is not LinkStatus.LINKED:
            warnings.append(
                f"{client.reference} ({client.name}) is linked to {contact.name!r}, which is "
                "archived in Xero: its details were not pushed; restore the contact in Xero or "
                "link the client to another"
            )
            continue
        base = bases.get(client.id)
        if base is not None and base.contact_id != contact.contact_id:
            base = None  # linked to another contact since: a new link
        ours = {"name": client.name, "email": client.email, "contact_number": client.reference}
        theirs = {
            "name": contact.name,
            "email": contact.email,
            "contact_number": contact.contact_number or "",
        }
        send: dict[str, str] = {}
        settled: dict[str, str] = {}
        conflicts: list[SyncConflict] = []
        for name, _xero_name in OWNED_FIELDS:
            mine, xero = ours[name], theirs[name]
            # A new link (no base): whatever Xero has stands (linking CITY LIMO to City
            # Limousines must not rename the contact); only the fields it leaves empty are filled.
            new_link_base = mine if xero.strip() else xero
            before = getattr(base, name) if base is not None else new_link_base
            if _same(name, mine, xero):
                settled[name] = mine
            elif not mine and base is None:
                # A new link where socket has nothing (no email): Xero's value stands, and
                # it is what both sides agree on from now, so a later change in socket alone
                # is not a change made on both sides.
                settled[name] = xero
            elif not mine or _same(name, mine, before):
                # socket has no email (it never clears Xero's), or only Xero changed the
                # field: Xero's value stands, and the base stays what socket last agreed.
                settled[name] = before
            else:
                send[name] = mine
                settled[name] = mine
                if base is not None and not _same(name, xero, before):
                    conflicts.append(
                        SyncConflict(client.reference, contact.contact_id, name, mine, xero, before)
                    )
        details = PushedDetails(
            client_id=client.id,
            contact_id=contact.contact_id,
            name=settled["name"],
            email=settled["email"],
            contact_number=settled["contact_number"],
            pushed_at=now,
        )
        if send:
            pushes.append(
                PlannedPush(
                    client=client,
                    change=ContactChange(
                        contact.contact_id,
                        name=send.get("name"),
                        email=send.get("email"),
                        contact_number=send.get("contact_number"),
                    ),
                    pushed=PushedClient(
                        client.reference,
                        contact.contact_id,
                        tuple(FieldChange(n, theirs[n], v) for n, v in send.items()),
                    ),
                    conflicts=tuple(conflicts),
                    base=details,
                )
            )
        elif base is None or replace(base, pushed_at=now) != details:
            agreed.append(details)
    return PushDecision(tuple(pushes), tuple(agreed), tuple(warnings))


# -- clients from Xero (crm = xero) ------------------------------------------------------------

_NOT_REFERENCE = re.compile(r"[^A-Z0-9]+")


def _reference_for(name: str, taken: set[str], numbers: dict[str, int]) -> str:
    """A reference made from the contact's name: its first letters and digits, numbered when
    taken ('ATLASLOG', 'ATLASLOG-2'); `numbers` remembers each stem's last number."""
    stem = _NOT_REFERENCE.sub("", name.upper())[:8] or "CLIENT"
    candidate, number = stem, numbers.get(stem, 1)
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    numbers[stem] = number
    return candidate


def clients_from_contacts(
    clients: Sequence[Client], contacts: Iterable[XeroContact]
) -> list[tuple[Client, NewClient]]:
    """A client for each active customer contact no client is linked to: its name and email
    the contact's, its reference the contact's ContactNumber where that is a free reference,
    else made from its name. A client not linked to any contact whose reference is the
    ContactNumber is linked instead, and takes the contact's name and email (Xero is the CRM)."""
    linked = {c.xero_contact_id for c in clients if c.xero_contact_id}
    by_reference = {c.reference: c for c in clients}
    taken = {c.reference.casefold() for c in clients}
    numbers: dict[str, int] = {}
    made: list[tuple[Client, NewClient]] = []
    for contact in sorted(contacts, key=lambda c: (c.name.casefold(), c.contact_id)):
        if contact.archived or not contact.is_customer or contact.contact_id in linked:
            continue
        try:
            name = check_name(contact.name)
        except InvalidInput:
            continue  # Xero never has a contact without a name; a stand-in might
        try:
            email = check_email(contact.email)
        except InvalidInput:
            email = ""
        number = (contact.contact_number or "").strip()
        existing = by_reference.get(number)
        if existing is not None and not existing.xero_contact_id:
            # Xero is the CRM: the client takes the contact's name (and email, where it has one).
            client = replace(link_to(existing, contact), name=name, email=email or existing.email)
            made.append((client, NewClient(client.reference, name, contact.contact_id, True)))
            linked.add(contact.contact_id)
            by_reference[number] = client
            continue
        try:
            reference = check_reference(number)
            if reference.casefold() in taken:
                raise InvalidInput("taken")
        except InvalidInput:
            reference = _reference_for(name, taken, numbers)
        client = link_to(Client(reference=reference, name=name, email=email), contact)
        taken.add(reference.casefold())
        linked.add(contact.contact_id)
        made.append((client, NewClient(reference, name, contact.contact_id)))
    return made


C = TypeVar("C", bound=XeroContact)


def applied(contact: C, change: ContactChange) -> C:
    """The contact as Xero holds it once `change` is made (a field left None stays)."""
    return replace(
        contact,
        name=change.name if change.name is not None else contact.name,
        email=change.email if change.email is not None else contact.email,
        contact_number=change.contact_number
        if change.contact_number is not None
        else contact.contact_number,
        account_number=change.account_number
        if change.account_number is not None
        else contact.account_number,
    )

"""Where a client stands with its Xero contact, and whether a person needs to look at it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from socketcli.domain.months import Month
from socketcli.domain.records import Client, ClientLabel, XeroContact


class LinkStatus(StrEnum):
    LINKED = "linked"  # linked to an active contact
    NEW = "new"  # a person chose: posting creates a contact with the client's name
    UNLINKED = "unlinked"  # nobody has decided yet
    ARCHIVED = "archived"  # linked to a contact archived in Xero
    MERGED = "merged"  # linked to a contact merged into another in Xero
    MISSING = "missing"  # linked to a contact Xero no longer lists


ATTENTION = frozenset(
    {LinkStatus.UNLINKED, LinkStatus.ARCHIVED, LinkStatus.MERGED, LinkStatus.MISSING}
)


@dataclass(frozen=True, slots=True)
class ContactLink:
    """A client's link to Xero as a plan row shows it."""

    status: LinkStatus
    contact_name: str | None = None  # the linked contact's name, as the mirror has it
    merged_into: str | None = None  # the name of the contact it was merged into

    @property
    def needs_attention(self) -> bool:
        return self.status in ATTENTION

    def differs_from(self, client_name: str) -> bool:
        """The Xero contact's name is not the client's (both are shown)."""
        return (
            self.contact_name is not None
            and self.contact_name.strip().casefold() != client_name.strip().casefold()
        )

    @property
    def warning(self) -> str | None:
        """Why the client needs attention before posting, or None."""
        name = self.contact_name or "?"
        if self.status is LinkStatus.UNLINKED:
            return "not linked to a Xero contact"
        if self.status is LinkStatus.ARCHIVED:
            return f"its Xero contact {name} is archived in Xero"
        if self.status is LinkStatus.MERGED:
            into = self.merged_into or "another contact"
            return f"its Xero contact {name} was merged into {into} in Xero"
        if self.status is LinkStatus.MISSING:
            return f"its Xero contact {name} is no longer in Xero"
        return None


def needs_attention(client: Client | ClientLabel, link: ContactLink, month: Month) -> bool:
    """Whether a client needs a person before its invoices go to Xero: the one definition
    that `contacts list`, `contacts match` and `plan show` count. The client is still billed
    from `month` (not closed before it) and its link is unlinked, archived, merged or
    missing; a client set to get a new contact has been decided."""
    return (
        client.last_billable_month is None or client.last_billable_month >= month
    ) and link.needs_attention


C = TypeVar("C", bound=XeroContact)


def last_merge(
    contact: XeroContact | None, lookup: Callable[[str], XeroContact | None]
) -> XeroContact | None:
    """Where a merged contact went, following merges of merges to the last one `lookup`
    knows (None when `contact` was not merged, or its destination is unknown)."""
    seen: set[str] = set()
    found = None
    while contact is not None and contact.merged_to and contact.contact_id not in seen:
        seen.add(contact.contact_id)
        found = contact = lookup(contact.merged_to)
    return found


def with_merges(
    contacts: Iterable[C],
    fetch: Callable[[list[str]], Iterable[C]],
) -> dict[str, C]:
    """`contacts` by ContactID, with every contact a merge among them leads to, fetched one
    step of the chain at a time (`fetch`: the contacts with these ContactIDs)."""
    known = {contact.contact_id: contact for contact in contacts}
    wanted = [c.merged_to for c in known.values() if c.merged_to and c.merged_to not in known]
    while wanted:
        fetched = list(fetch(sorted(set(wanted))))
        known.update((contact.contact_id, contact) for contact in fetched)
        wanted = [c.merged_to for c in fetched if c.merged_to and c.merged_to not in known]
    return known


def link_of(
    client: Client | ClientLabel,
    contact: XeroContact | None,
    *,
    mirrored: bool,
    merged_into: XeroContact | None = None,
) -> ContactLink:
    """The client's link, given its contact as the mirror has it (None: not there).

    `mirrored` says whether the mirror holds any contact at all: before the first sync a
    linked client cannot be checked, and is taken as linked.
    """
    if client.xero_contact_id is None:
        return _NEW if client.new_xero_contact else _UNLINKED
    status = contact_status(contact, mirrored=mirrored)
    if contact is None:
        return ContactLink(status, client.xero_contact_name)
    if status is LinkStatus.MERGED:
        into = merged_into.name if merged_into is not None else None
        return ContactLink(status, contact.name, into)
    return ContactLink(status, contact.name)


#: The links of clients with no contact, the same for each (a link is a frozen value).
_NEW = ContactLink(LinkStatus.NEW)
_UNLINKED = ContactLink(LinkStatus.UNLINKED)


def contact_status(contact: XeroContact | None, *, mirrored: bool = True) -> LinkStatus:
    """Where a linked client's contact stands in the mirror: LINKED (active), MERGED (into
    another, in Xero), ARCHIVED, or MISSING (None: not in the mirror; before the first sync,
    `mirrored` False, nothing can be checked and it counts as LINKED)."""
    if contact is None:
        return LinkStatus.MISSING if mirrored else LinkStatus.LINKED
    if contact.merged:
        return LinkStatus.MERGED
    if contact.archived:
        return LinkStatus.ARCHIVED
    return LinkStatus.LINKED


def link_to(client: Client, contact: XeroContact | None, *, new: bool = False) -> Client:
    """The client linked to `contact` (None: to none; `new`: to a contact made at posting)."""
    return replace(
        client,
        xero_contact_id=contact.contact_id if contact is not None else None,
        xero_contact_name=contact.name if contact is not None else None,
        new_xero_contact=new,
    )

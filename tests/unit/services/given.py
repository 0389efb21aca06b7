"""Arranging a practice through its own use cases, so that a test reads as a story; and
reading back what the store committed."""

from __future__ import annotations

from datetime import date
from typing import Any

from socketcli.domain.records import Client, Proposal, Service, XeroContact
from socketcli.services.catalogue import add_service
from socketcli.services.clients import ClientChanges, add_client
from socketcli.services.proposals import LineSpec, add_proposal
from tests.fakes import FakeClock, FakeStore

DECEMBER_1ST = date(2026, 12, 1)


def a_client(store: FakeStore, reference: str, name: str, **changes: Any) -> Client:
    """`changes`: ClientChanges' fields (email="...", year_end="31-03", ...)."""
    return add_client(store.open, reference, name, ClientChanges(**changes))


def a_service(
    store: FakeStore,
    name: str,
    method: str = "monthly",
    *,
    account_code: str | None = None,
    alignment: bool = False,
) -> Service:
    return add_service(store.open, name, method, account_code=account_code, alignment=alignment)


def a_draft(
    store: FakeStore, reference: str, client: str, *lines: str, start: date | None = None
) -> Proposal:
    """`lines` as typed: 'SERVICE=[QTYx]PRICE[|DESCRIPTION]'."""
    return add_proposal(
        store.open, reference, client, [LineSpec.parse(line) for line in lines], start=start
    )


def an_accepted_proposal(
    store: FakeStore,
    clock: FakeClock,
    reference: str,
    client: str,
    *lines: str,
    start: date = DECEMBER_1ST,
) -> Proposal:
    return add_proposal(
        store.open,
        reference,
        client,
        [LineSpec.parse(line) for line in lines],
        start=start,
        accept_with=clock,
    )


def xero_contacts(store: FakeStore, *contacts: XeroContact) -> None:
    """The mirror holds these contacts (as after a sync, or the playground's demo list)."""
    with store.open(write=True) as uow:
        uow.mirror.save_contacts(contacts)
        uow.commit()


# -- what the store committed ------------------------------------------------------------------


def the_client(store: FakeStore, reference: str) -> Client:
    client = store.view().clients.get(reference)
    assert client is not None, f"no client {reference} was committed"
    return client


def the_proposal(store: FakeStore, reference: str) -> Proposal:
    proposal = store.view().proposals.get(reference)
    assert proposal is not None, f"no proposal {reference} was committed"
    return proposal


def the_service(store: FakeStore, name: str) -> Service:
    service = store.view().services.get(name)
    assert service is not None, f"no service {name} was committed"
    return service

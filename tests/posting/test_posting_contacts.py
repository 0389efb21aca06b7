"""Clients with no Xero contact get exactly one, before their invoices are sent: linked to
the active contact of their name, or a contact made for them in batches (`PUT /Contacts`,
summarizeErrors=false), and never a second one when a run dies after Xero made it."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.records import XeroContact
from socketcli.sandbox import Sandbox
from socketcli.services.posting import PostingReport, post
from tests.posting.conftest import DECEMBER, FIRST_OF_DECEMBER, Practice, grown, in_xero, states

EXTRA = 60  # more than one batch of contacts


def run(practice: Practice, gateway: XeroPythonGateway) -> PostingReport:
    return post(practice.store, lambda: nullcontext(gateway), practice.clock)


def extra_clients(practice: Practice) -> dict[str, tuple[str, str | None]]:
    """Each added client's reference: (its name, the ContactID it is linked to)."""
    with practice.store() as uow:
        return {
            c.reference: (c.name, c.xero_contact_id)
            for c in uow.clients.all()
            if c.reference.startswith("EXT")
        }


def unlinked_clients(practice: Practice) -> set[str]:
    """The month's clients with no Xero contact."""
    with practice.store() as uow:
        linked = {c.id for c in uow.clients.all() if c.xero_contact_id}
    with practice.read() as reader:
        return {
            d.client_reference
            for d in reader.finalised_invoices(DECEMBER)
            if d.client_id not in linked
        }


def names_in_xero(xero: Sandbox) -> Counter[str]:
    return Counter(
        c["Name"].casefold() for c in xero.contacts() if c.get("ContactStatus") == "ACTIVE"
    )


def test_contacts_are_made_in_batches_ahead_of_the_invoices_and_carried_on_them(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: of 60 unlinked clients, one whose name is an active contact socket knows is
    linked to it (no contact made), one whose name Xero holds but socket has not synced yet
    is refused as a duplicate, goes by name and is linked to that contact, and the other 58
    get a contact each in two requests (50 + 8), with the client's email and reference;
    every invoice carries its client's contact, and no name is in Xero twice."""
    xero.seed_contacts([{"Name": "Extra Client 1"}, {"Name": "Extra Client 2"}])
    known = xero.contact_named("Extra Client 1")
    unsynced = xero.contact_named("Extra Client 2")
    assert known is not None
    assert unsynced is not None
    with practice.store(write=True) as uow:  # as the last sync left the mirror
        uow.mirror.save_contacts([XeroContact(known["ContactID"], "Extra Client 1")])
        uow.commit()
    references = grown(practice, EXTRA)
    practice.clock.at = FIRST_OF_DECEMBER
    unlinked = unlinked_clients(practice)
    assert len(unlinked) > EXTRA  # the playground's own unlinked clients among them
    xero.clear_calls()

    report = run(practice, gateway)

    assert report.error is None, report.error
    assert in_xero(xero) == Counter(references)
    assert states(practice) == Counter({"posted": len(references)})
    counts = Counter(f"{c.method} {c.path.rsplit('/', 1)[-1]}" for c in xero.calls())
    assert counts["PUT Invoices"] == -(-len(references) // 50)
    assert report.contacts_linked == len(unlinked)
    assert not unlinked_clients(practice)
    # All but EXT001 (and the playground's clients named as a contact socket knows) asked for.
    assert counts["PUT Contacts"] == -(-(report.contacts_created + 1) // 50)
    assert report.contacts_created >= EXTRA - 2
    assert all(n == 1 for n in names_in_xero(xero).values())

    clients = extra_clients(practice)
    assert clients["EXT001"][1] == known["ContactID"]
    assert clients["EXT002"][1] == unsynced["ContactID"]
    by_id = {c["ContactID"]: c for c in xero.contacts()}
    for reference, (name, contact_id) in clients.items():
        assert contact_id in by_id, reference
        contact = by_id[contact_id]
        assert contact["Name"] == name
        if reference not in ("EXT001", "EXT002"):
            assert contact["ContactNumber"] == reference
            assert contact["EmailAddress"] == f"x{int(reference[3:])}@example.com"
    for invoice in xero.invoices():
        reference = invoice["Reference"]
        client = next((c for c in clients if c in reference), None)
        if client is not None:
            assert invoice["Contact"]["ContactID"] == clients[client][1], reference


@pytest.mark.parametrize("rerun_after", [0, 7 * 60], ids=["at-once", "after-the-key-expired"])
def test_a_run_that_dies_after_xero_made_the_contacts_makes_none_twice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway, rerun_after: int
) -> None:
    """Proves: when Xero makes the contacts but every answer is lost (the run stops before
    any invoice is queued), the rerun makes no contact twice: at once, Xero replays the
    request under its key and socket links the contacts it made; after the key expired (six
    minutes), Xero refuses each name as taken, the invoices go by name onto those contacts
    and the clients are linked to them. Every invoice once, every name once."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Contacts", method="PUT", drop_after=True, count=10)

    first = run(practice, gateway)

    assert first.error is not None
    assert not xero.invoices() or in_xero(xero) == Counter()
    made = {c["Name"]: c["ContactID"] for c in xero.contacts() if c["Name"].startswith("Extra")}
    assert len(made) == 20  # Xero made them; socket never heard
    assert all(contact_id is None for _, contact_id in extra_clients(practice).values())
    xero.clear_faults()
    if rerun_after:
        xero.advance_clock(rerun_after)
        practice.clock.advance(seconds=rerun_after)

    second = run(practice, gateway)

    assert second.error is None, second.error
    assert in_xero(xero) == Counter(references)
    assert states(practice) == Counter({"posted": len(references)})
    assert all(n == 1 for n in names_in_xero(xero).values())
    assert {name: contact_id for name, contact_id in extra_clients(practice).values()} == made

"""The demo practice: `socket playground` fills a store of its own with it.

The data (clients, pricing menu, proposals, Xero contacts) is made in
`services.demo_data` for the day of the clock, so the demo is valid whatever the date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from socketcli.domain.dates import local_today
from socketcli.domain.errors import Conflict
from socketcli.domain.model import ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings, validate
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenStore
from socketcli.services.demo_data import build_demo


@dataclass(frozen=True, slots=True)
class PlaygroundReport:
    clients: int
    services: int
    proposals: int
    xero_contacts: int
    month: Month  # the month `socket --playground plan diff` shows by default

    def summary(self) -> str:
        return (
            f"{self.clients} clients, {self.services} services, {self.proposals} proposals, "
            f"{self.xero_contacts} Xero contacts"
        )


def create_playground(store: OpenStore, clock: Clock) -> PlaygroundReport:
    """Fill the (empty) store of `uow` with the demo practice for today, in one commit."""
    with store(write=True) as uow:
        if uow.clients.all() or uow.services.all() or uow.proposals.all():
            raise Conflict(
                f"the store at {uow.location or 'this location'} is not empty: the playground "
                "is made in a store of its own (run `socket playground`)"
            )
        demo = build_demo(clock.now())
        for key, value in demo.settings:
            uow.settings.set(key, validate(key, value))
        uow.settings.set("playground", "true")  # not settable by hand, on purpose
        zone = PracticeSettings.from_values(uow.settings.values()).time_zone
        in_force = Month.of(local_today(clock.now(), zone))
        for service in demo.services:
            uow.services.save(service)
        for client in demo.clients:
            uow.clients.save(client)
        for proposal in demo.proposals:
            if proposal.status is ProposalStatus.CANCELLED:
                # Accepted first, then cancelled: the store records when it was cancelled.
                uow.proposals.save(replace(proposal, status=ProposalStatus.ACCEPTED))
            saved = uow.proposals.save(proposal)
            if saved.status is ProposalStatus.ACCEPTED:
                uow.work_items.open_for([saved.reference], in_force_from=in_force)
        uow.mirror.save_contacts(demo.xero_contacts)
        uow.commit()
        return PlaygroundReport(
            clients=len(demo.clients),
            services=len(demo.services),
            proposals=len(demo.proposals),
            xero_contacts=len(demo.xero_contacts),
            month=demo.month,
        )

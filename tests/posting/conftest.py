"""Posting against the sandbox Xero over real HTTP: the real SDK through the real gateway, a
real store made as the playground makes it, on SQLite and on PostgreSQL (tests/engines.py),
and a clock the tests move."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.domain.months import Month
from socketcli.domain.posting import BATCH
from socketcli.ports.store import OpenReader, OpenStore
from socketcli.sandbox import Limits, Sandbox, SandboxConfig, running_sandbox
from socketcli.services.catalogue import add_service
from socketcli.services.clients import ClientChanges, add_client
from socketcli.services.contacts import link
from socketcli.services.plan import approve_plan
from socketcli.services.playground import create_playground
from socketcli.services.proposals import LineSpec, add_proposal
from tests.engines import Engine as EngineName
from tests.engines import Stores, Templates, parametrize_engines, where
from tests.fakes import FakeClock, FakeSleep
from tests.sync.sync_helpers import DEMO_CONTACTS, gateway_for

#: The playground is made on 21 November 2026: its plan's next month is December.
MADE = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
DECEMBER = Month(2026, 12)
#: December posts from 00:00 on its 1st in London (UTC in winter).
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
#: The gateway's timeouts in these tests: short, so that a "late" answer costs little, yet
#: long enough that a busy machine's ordinary answer is never taken for a timeout.
POLICY = RetryPolicy(connect_timeout=2.0, read_timeout=1.0)
#: Clients added to the playground so that December is more than one batch (38 + 20 = 58).
EXTRA_CLIENTS = 20


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@dataclass
class Practice:
    engine: Engine
    clock: FakeClock
    #: Where the store is, as --db names it (a path, or a URL).
    where: str = ""

    @property
    def store(self) -> OpenStore:
        return sql_store(self.engine, self.clock)

    @property
    def read(self) -> OpenReader:
        return sql_reader(self.engine)


def made_playground(location: StoreLocation) -> None:
    """The playground as made on MADE (a template: made once, copied for each test)."""
    engine = open_engine(location, create=True)
    clock = FakeClock(MADE)
    create_playground(sql_store(engine, clock), clock)
    engine.dispose()


@pytest.fixture
def practice(stores: Stores, templates: Templates, engine: EngineName) -> Iterator[Practice]:
    """The playground made on MADE, this test's own copy, on this test's engine."""
    location = stores.copy(templates.get("posting-playground", engine, made_playground))
    opened = open_engine(location)
    yield Practice(opened, FakeClock(MADE), where(location))
    opened.dispose()


@pytest.fixture
def xero(tmp_path: Path) -> Iterator[Sandbox]:
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(
        state_path=tmp_path / "sandbox.json", contacts=DEMO_CONTACTS, config=config
    ) as sandbox:
        yield sandbox


@pytest.fixture
def gateway(xero: Sandbox) -> XeroPythonGateway:
    return gateway_for(xero, FakeSleep(), policy=POLICY)


def add_unpostable_client(practice: Practice) -> None:
    """Client ODD001, billed 250 a month from December for a service whose account code
    Xero does not have (the store was never synced, so approval cannot know): Xero refuses
    its invoice, and only its."""
    add_service(practice.store, "Special audit", "monthly", account_code="999")
    add_client(practice.store, "ODD001", "Odd One Out Ltd", ClientChanges())
    add_proposal(
        practice.store,
        "P-ODD001",
        "ODD001",
        [LineSpec.parse("Special audit=250")],
        start=date(2026, 12, 1),
        accept_with=practice.clock,
    )


def grown(practice: Practice, extra: int = EXTRA_CLIENTS) -> list[str]:
    """The playground grown by `extra` clients (one accepted proposal each, from December),
    December approved: the finalised references, more than one batch of them."""
    for n in range(1, extra + 1):
        reference = f"EXT{n:03d}"
        add_client(
            practice.store, reference, f"Extra Client {n}", ClientChanges(email=f"x{n}@example.com")
        )
        add_proposal(
            practice.store,
            f"P{reference}",
            reference,
            [LineSpec.parse("Bookkeeping=100")],
            start=date(2026, 12, 1),
            accept_with=practice.clock,
        )
    approve_december(practice)
    with practice.read() as reader:
        references = [doc.reference for doc in reader.finalised_invoices(DECEMBER)]
    assert len(references) > BATCH
    return references


def in_xero(xero: Sandbox) -> Counter[str]:
    """How many invoices the sandbox holds under each reference."""
    return Counter(invoice["Reference"] for invoice in xero.invoices())


def states(practice: Practice) -> Counter[str]:
    """The outbox's entries by state."""
    with practice.store() as uow:
        return Counter(entry.state.value for entry in uow.outbox.entries())


def approve_december(practice: Practice) -> None:
    """Approve December as a partner would: the playground links CLI026 to a contact merged
    in Xero, which blocks approval, so it is linked to the contact it went to first."""
    link(practice.store, "CLI026", "Singh Property Lettings Ltd")
    approve_plan(practice.store, practice.clock, DECEMBER, "partner")

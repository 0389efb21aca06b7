"""Posting against the sandbox Xero over real HTTP: the real SDK through the real gateway, a
real SQLite store made as the playground makes it, and a clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.ports.store import OpenReader, OpenStore
from socketcli.sandbox import Limits, Sandbox, SandboxConfig, running_sandbox
from socketcli.services.playground import create_playground
from tests.fakes import FakeClock, FakeSleep
from tests.sync.sync_helpers import DEMO_CONTACTS, gateway_for

#: The playground is made on 21 November 2026: its plan's next month is December.
MADE = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@dataclass
class Practice:
    engine: Engine
    clock: FakeClock

    @property
    def store(self) -> OpenStore:
        return sql_store(self.engine, self.clock)

    @property
    def read(self) -> OpenReader:
        return sql_reader(self.engine)


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[Practice]:
    engine = open_engine(StoreLocation.for_path(tmp_path / "practice.db"), create=True)
    clock = FakeClock(MADE)
    create_playground(sql_store(engine, clock), clock)
    yield Practice(engine, clock)
    engine.dispose()


@pytest.fixture
def xero(tmp_path: Path) -> Iterator[Sandbox]:
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with running_sandbox(
        state_path=tmp_path / "sandbox.json", contacts=DEMO_CONTACTS, config=config
    ) as sandbox:
        yield sandbox


@pytest.fixture
def gateway(xero: Sandbox) -> XeroPythonGateway:
    return gateway_for(xero, FakeSleep())

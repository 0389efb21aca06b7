"""Every service test runs on a fresh in-memory store and a clock on the day tests/conftest.py
pins (Saturday 21 November 2026: the plan's next month is December 2026)."""

from __future__ import annotations

import pytest

from tests.fakes import FakeClock, FakeGateway, FakeStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> FakeStore:
    return FakeStore(clock)


@pytest.fixture
def xero() -> FakeGateway:
    """Xero, on a clock of its own (its UpdatedDateUTC moves a millisecond per change)."""
    return FakeGateway()

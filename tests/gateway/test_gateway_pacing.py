"""The gateway paces itself on the rate limits every answer carries (X-MinLimit-Remaining,
X-DayLimit-Remaining), so that a run alone against an organisation is never refused.

The sandbox enforces a small minute limit in its rolling window; the gateway's sleep moves
one shared time on (the gateway's monotonic clock and the sandbox's clock together), so a
minute's wait costs nothing and the sandbox sees exactly the time the gateway waited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.adapters.xero.pacing import MARGIN, WINDOW, Pacer
from socketcli.ports.xero import XeroDayLimitReached
from socketcli.sandbox import Sandbox
from tests.gateway.gateway_helpers import MakeGateway


@dataclass
class SharedTime:
    """The gateway's monotonic clock and sleep, moving the sandbox's clock along."""

    xero: Sandbox
    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self.xero.advance_clock(seconds)


@pytest.fixture
def shared(xero: Sandbox) -> SharedTime:
    return SharedTime(xero)


@pytest.fixture
def paced(make_gateway: MakeGateway, shared: SharedTime) -> XeroPythonGateway:
    return make_gateway(sleep=shared.sleep, monotonic=shared.monotonic)


def statuses(xero: Sandbox) -> Counter[int]:
    return Counter(call.status for call in xero.calls() if call.path.startswith("/api.xro"))


def test_a_run_alone_waits_for_the_window_instead_of_being_refused(
    xero: Sandbox, paced: XeroPythonGateway, shared: SharedTime
) -> None:
    """Proves: with 5 calls a minute, 12 calls are all answered 200 (no 429): the 6th and the
    11th wait until the minute's first call has left the window (60 s and a margin), and
    nothing else waits."""
    xero.set_limits(per_minute=5)
    xero.clear_calls()

    for _ in range(12):
        paced.list_branding_themes()

    assert statuses(xero) == Counter({200: 12})
    assert shared.slept == pytest.approx([WINDOW + MARGIN, WINDOW + MARGIN])
    assert paced.total_calls == 12


def test_without_reading_the_headers_the_same_run_is_refused(
    xero: Sandbox, make_gateway: MakeGateway, shared: SharedTime
) -> None:
    """What the pacing saves (the gateway as it was: finding the limit by a 429 a minute),
    seen through a pacer that knows nothing: each minute's limit costs a refused call."""
    gateway = make_gateway(sleep=shared.sleep, monotonic=shared.monotonic)
    gateway._pacer = _Blind()
    xero.set_limits(per_minute=5)
    xero.clear_calls()

    for _ in range(12):
        gateway.list_branding_themes()

    assert statuses(xero) == Counter({200: 12, 429: 2})


def test_an_answer_that_spends_the_day_stops_the_next_call_before_it_is_sent(
    xero: Sandbox, paced: XeroPythonGateway
) -> None:
    xero.set_limits(per_day=3)
    xero.clear_calls()
    for _ in range(3):
        paced.list_branding_themes()

    with pytest.raises(XeroDayLimitReached):
        paced.list_branding_themes()

    assert statuses(xero) == Counter({200: 3})  # the refusal cost no call


def test_calls_it_did_not_make_leave_the_wait_to_xeros_retry_after(
    xero: Sandbox, paced: XeroPythonGateway, make_gateway: MakeGateway, shared: SharedTime
) -> None:
    """Another caller spent the minute: the pacer knows none of the window's calls, so it
    does not guess; the 429's Retry-After is waited out and the call made."""
    xero.set_limits(per_minute=3)
    other = make_gateway()
    for _ in range(3):
        other.list_branding_themes()
    xero.clear_calls()

    paced.list_branding_themes()

    assert statuses(xero) == Counter({429: 1, 200: 1})
    assert len(shared.slept) == 1
    assert 1 <= shared.slept[0] <= WINDOW


# -- the pacer alone --------------------------------------------------------------------------


def test_the_pacer_counts_calls_in_flight_against_what_is_left() -> None:
    pacer = Pacer(margin=0)
    assert pacer.before_call(0.0) == 0  # nothing known: go
    pacer.answered(1.0, {"x-minlimit-remaining": "2", "x-daylimit-remaining": "900"})

    assert pacer.before_call(2.0) == 0  # 2 left, none in flight
    assert pacer.before_call(2.0) == 0  # 2 left, 1 in flight
    assert pacer.before_call(2.0) == pytest.approx(59.0)  # 2 left, 2 in flight: call 1 + 60
    pacer.answered(3.0, {"x-minlimit-remaining": "0"})
    pacer.answered(4.0, {"x-minlimit-remaining": "0"})
    pacer.answered(5.0, {"x-minlimit-remaining": "0"})

    assert pacer.before_call(10.0) == pytest.approx(51.0)  # the oldest answer (1.0) + 60
    assert not pacer.day_spent()


def test_what_the_pacer_knows_lapses_with_the_window_and_after_a_refusal() -> None:
    pacer = Pacer(margin=0)
    pacer.before_call(0.0)
    pacer.answered(0.0, {"x-minlimit-remaining": "0"})

    assert pacer.before_call(61.0) == 0  # a minute on, what it knew has left the window
    pacer.answered(61.0, {"x-minlimit-remaining": "0"})
    pacer.before_call(61.5)
    pacer.answered(62.0, {}, refused=True)  # a 429: Xero's Retry-After rules, not the pacer

    assert pacer.before_call(62.0) == 0
    pacer.answered(63.0, {"x-daylimit-remaining": "0"})
    assert pacer.day_spent()


class _Blind(Pacer):
    """A pacer that reads nothing (the gateway before it paced itself)."""

    def answered(self, now: float, headers: Mapping[str, str], *, refused: bool = False) -> None:
        super().answered(now, {}, refused=refused)

"""At most five calls in flight per organisation, however many threads call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from socketcli.sandbox import Sandbox
from tests.gateway.gateway_helpers import MakeGateway


def run_in_threads(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run each call in a thread of its own, all at once; the exceptions they raised."""
    failures: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return failures


def test_ten_threads_never_have_more_than_five_calls_in_flight(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    gateway = make_gateway()
    xero.add_fault(path="/BrandingThemes", delay=0.25, count=10)  # every call overlaps
    started = time.monotonic()

    failures = run_in_threads([gateway.list_branding_themes] * 10)

    elapsed = time.monotonic() - started
    assert failures == []
    # The sandbox answers a sixth call in flight with 429 concurrent: there was none.
    assert [c.status for c in xero.calls()] == [200] * 10
    assert gateway.call_counts == {"GET /BrandingThemes": 10}
    assert elapsed >= 0.5  # two waves of five
    assert xero.in_flight() == 0


def test_gateways_for_one_organisation_share_the_five(
    make_gateway: MakeGateway, xero: Sandbox
) -> None:
    first, second = make_gateway(), make_gateway()
    xero.add_fault(path="/Accounts", delay=0.25, count=8)

    failures = run_in_threads([first.list_revenue_accounts, second.list_revenue_accounts] * 4)

    assert failures == []
    assert [c.status for c in xero.calls()] == [200] * 8
    assert first.call_counts == second.call_counts == {"GET /Accounts": 4}

"""Exactly once, whatever Xero does: random sequences of faults on PUT and GET /Invoices,
`plan post` run again until it reports no error, and every finalised invoice is in Xero
exactly once and the outbox all posted."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.sandbox import Limits, Sandbox, SandboxConfig, running_sandbox
from socketcli.services.playground import create_playground
from socketcli.services.posting import IN_FLIGHT_GRACE, post
from tests.fakes import FakeClock, FakeSleep
from tests.posting.conftest import (
    FIRST_OF_DECEMBER,
    MADE,
    POLICY,
    Practice,
    grown,
    in_xero,
    states,
)
from tests.sync.sync_helpers import DEMO_CONTACTS, gateway_for

SHORT = POLICY.read_timeout / 4  # answered in time
LONG = POLICY.read_timeout + 0.1  # past the gateway's read timeout

#: One fault, as the sandbox strikes it: before the work, during it, or after it.
FAULTS: list[dict[str, Any]] = [
    {"status": 500},
    {"status": 503},
    {"status": 429, "problem": "minute", "retry_after": 1},
    {"status": 429, "problem": "concurrent", "retry_after": 1},
    {"status_after": 500},
    {"drop": True},
    {"drop_after": True},
    {"delay": SHORT},
    {"delay": LONG},  # slow work: made after the gateway gave up
    {"delay": LONG, "status": 503},  # a timeout, nothing made
    {"delay_after": SHORT},
    {"delay_after": LONG},  # made, answered after the timeout
]

fault_sequences = st.lists(
    st.tuples(
        st.sampled_from(["PUT", "GET"]),
        st.sampled_from(FAULTS),
        st.integers(min_value=1, max_value=2),
    ),
    max_size=4,
)


def settled(xero: Sandbox) -> None:
    """Wait until the sandbox has finished every request it holds (a slow one included)."""
    deadline = time.monotonic() + 10
    while xero.in_flight() and time.monotonic() < deadline:
        time.sleep(0.02)


#: Runs allowed before the property gives up (each fault strikes at most twice).
RUNS = 12


@settings(
    max_examples=18,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(faults=fault_sequences, at_once=st.lists(st.booleans(), min_size=RUNS, max_size=RUNS))
# Slow work past the read timeout, then a rerun at once (what found the 15-minute grace).
@example(faults=[("PUT", {"delay": LONG}, 1)], at_once=[True] * RUNS)
@example(faults=[("PUT", {"delay": LONG}, 2), ("GET", {"status": 503}, 1)], at_once=[False] * RUNS)
def test_any_faults_then_reruns_until_no_error_leave_every_invoice_exactly_once(
    faults: list[tuple[str, dict[str, Any], int]], at_once: list[bool]
) -> None:
    """Proves: for any sequence of faults on PUT/GET /Invoices (5xx and 429s before the work,
    500s and drops after it, delays shorter and longer than the read timeout, slow work the
    gateway gives up on), running `plan post` again until its report has no error (each
    rerun at once, or after the in-flight grace once Xero has finished what it was doing)
    ends with every finalised invoice exactly once in Xero and the outbox all posted; no
    run, at once or later, ever makes an invoice twice."""
    config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000), socket_timeout=5.0)
    with (
        tempfile.TemporaryDirectory() as directory,
        running_sandbox(
            state_path=Path(directory) / "sandbox.json", contacts=DEMO_CONTACTS, config=config
        ) as xero,
    ):
        engine = open_engine(StoreLocation.for_path(Path(directory) / "p.db"), create=True)
        try:
            practice = Practice(engine, FakeClock(MADE))
            create_playground(practice.store, practice.clock)
            references = grown(practice, extra=13)  # 51: a batch of 50, then one
            practice.clock.at = FIRST_OF_DECEMBER
            for method, fault, count in faults:
                xero.add_fault(path="/Invoices", method=method, count=count, **fault)
            gateway = gateway_for(xero, FakeSleep(), policy=POLICY)

            for run in range(RUNS):
                report = post(practice.store, lambda: nullcontext(gateway), practice.clock)
                assert max(in_xero(xero).values(), default=0) <= 1, f"twice after run {run}"
                if report.error is None:
                    break
                if not at_once[run] or run >= RUNS // 2:
                    # Later: Xero has long finished whatever it was working on.
                    settled(xero)
                    practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())
            else:
                raise AssertionError(f"still failing after {RUNS} runs: {report.error}")

            settled(xero)  # what Xero was still making is counted too

            assert in_xero(xero) == Counter(references)
            assert states(practice) == Counter({"posted": len(references)})
        finally:
            engine.dispose()

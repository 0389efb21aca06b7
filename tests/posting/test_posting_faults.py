"""Posting through Xero's failures, in process (the real gateway over HTTP to the sandbox,
waits between tries not slept): a timeout after Xero made the invoices, 429s and 500s in
the middle of a posting. Each ends with every finalised invoice exactly once in Xero after
at most one rerun, and the outbox all posted."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from typing import Any

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Sandbox
from socketcli.services.posting import IN_FLIGHT_GRACE, PostingReport, post
from tests.posting.conftest import FIRST_OF_DECEMBER, POLICY, Practice, grown, in_xero, states

#: Longer than the gateway's read timeout in these tests (POLICY: 1 s).
LATE = POLICY.read_timeout + 0.5


def run(practice: Practice, gateway: XeroPythonGateway) -> PostingReport:
    return post(practice.store, lambda: nullcontext(gateway), practice.clock)


def test_a_timeout_after_xero_made_the_invoices_is_settled_by_reference_not_sent_twice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: when Xero makes the second batch but answers after the read timeout (a
    `delay_after` past it, on every try under the same key), the run stops with that batch
    `sending`; the rerun finds its invoices by reference and records them without a PUT:
    every reference once."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT")  # the first batch goes through
    xero.add_fault(path="/Invoices", method="PUT", delay_after=LATE, count=5)

    first = run(practice, gateway)

    assert first.error is not None
    assert len(first.posted) == 50
    assert states(practice) == Counter({"posted": 50, "sending": 8})
    assert len(xero.invoices()) == 58  # made once, whatever the tries under its key
    xero.clear_calls()

    second = run(practice, gateway)

    assert second.error is None
    assert (len(second.settled), second.requeued, second.posted) == (8, 0, [])
    assert not [c for c in xero.calls() if c.method == "PUT"]
    assert in_xero(xero) == Counter(references)
    assert states(practice) == Counter({"posted": len(references)})


FAULTS: dict[str, list[dict[str, Any]]] = {
    # Xero's limit for the minute, twice on the second batch: waited out, in the same run.
    "429-minute-twice": [{"status": 429, "problem": "minute", "retry_after": 1, "count": 2}],
    # Calls in flight over the limit, then a 503: retried.
    "429-concurrent-then-503": [
        {"status": 429, "problem": "concurrent", "retry_after": 1},
        {"status": 503},
    ],
    # 500 before the work, twice: nothing made, retried under the same key.
    "500-before-the-work-twice": [{"status": 500, "count": 2}],
    # 500 after the work: the invoices are made; the retry under the same key replays the
    # 500 (kept with the key), so the run stops and the rerun settles by reference.
    "500-after-the-work": [{"status_after": 500}],
    # The connection dropped after the work: the retry replays Xero's kept answer.
    "dropped-after-the-work": [{"drop_after": True}],
    # The day's limit: no waiting an hour, the run stops; nothing made until the rerun.
    "429-day": [{"status": 429, "problem": "day", "retry_after": 3600}],
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_429s_and_500s_mid_posting_end_with_every_invoice_once_after_at_most_one_rerun(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway, name: str
) -> None:
    """Proves: a 429 (minute, calls in flight, the day) or a 500 (before or after the work)
    or a dropped answer on the second batch's PUT /Invoices never makes an invoice twice:
    after the first run and at most one rerun every reference is once in Xero and the
    outbox is all posted; the first batch is never sent again."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT")  # the first batch goes through
    for fault in FAULTS[name]:
        xero.add_fault(path="/Invoices", method="PUT", **fault)

    first = run(practice, gateway)
    assert len(first.posted) >= 50
    runs = 1
    if first.error is not None:
        assert states(practice)["posted"] == 50
        # A rerun later than the grace, so that a batch not in Xero is sent again.
        practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())
        second = run(practice, gateway)
        assert second.error is None, second.error
        runs += 1

    assert in_xero(xero) == Counter(references), runs
    assert states(practice) == Counter({"posted": len(references)})
    puts = [
        c
        for c in xero.calls()
        if c.method == "PUT" and c.path.endswith("/Invoices") and c.status == 200
    ]
    assert len(puts) <= 2 + (runs - 1)  # 50 once, the 8 once (and a replay at most)


@pytest.mark.parametrize(
    "fault",
    [
        # The organisation refused the app (AuthorizationUnsuccessful): no renewing helps.
        {"status": 403},
        # The day's limit: Xero did nothing.
        {"status": 429, "problem": "day", "retry_after": 3600},
    ],
    ids=["403", "429-day"],
)
def test_a_batch_xero_refused_before_any_work_is_pending_again_not_in_flight(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway, fault: dict[str, Any]
) -> None:
    """Proves: when Xero refuses an invoice request outright (nothing made), its invoices go
    back to pending, not `sending`: the next run sends them at once, without waiting out the
    in-flight grace and without a lookup; every reference once."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT", **fault)

    first = run(practice, gateway)

    assert first.error is not None
    assert first.error.unsent
    assert first.in_flight == 0
    assert states(practice) == Counter({"pending": len(references)})
    assert xero.invoices() == []

    second = run(practice, gateway)  # at the same moment: no grace to wait out

    assert second.error is None
    assert (len(second.settled), second.requeued) == (0, 0)
    assert in_xero(xero) == Counter(references)
    assert states(practice) == Counter({"posted": len(references)})


def test_a_batch_whose_answer_was_lost_stays_in_flight(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """The other side of the rule: a 500 after Xero made the invoices leaves the batch
    `sending` (in doubt), never pending."""
    grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT", status_after=500, count=10)

    first = run(practice, gateway)

    assert first.error is not None
    assert not first.error.unsent
    assert states(practice)["sending"] == 50

"""A finalised month reaches Xero exactly once: every invoice, none twice, none lost, and
what Xero received is what was approved, to the penny."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.errors import Conflict
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.months import Month
from socketcli.ports.xero import InvoiceOutcome, NewInvoice, XeroUnavailable
from socketcli.sandbox import Sandbox
from socketcli.services.contacts import link
from socketcli.services.plan import approve_plan
from socketcli.services.posting import IN_FLIGHT_GRACE, StillInFlight, post, posting_status
from tests.posting.conftest import POLICY, Practice

DECEMBER = Month(2026, 12)
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 00:00 in London, in winter


def approved(practice: Practice) -> list[InvoiceDocument]:
    # The playground links CLI026 to a contact merged in Xero, which blocks approval: first
    # link it to the contact it was merged into, as `plan approve` says.
    link(practice.store, "CLI026", "Singh Property Lettings Ltd")
    approve_plan(practice.store, practice.clock, DECEMBER, "partner")
    with practice.read() as reader:
        return reader.finalised_invoices(DECEMBER)


def in_xero(xero: Sandbox) -> Counter[str]:
    return Counter(invoice["Reference"] for invoice in xero.invoices())


def as_received(invoice: dict[str, Any]) -> tuple[object, ...]:
    """What Xero holds of an invoice, in the terms of a finalised document."""
    return (
        invoice["Reference"],
        invoice["Status"],
        invoice["DateString"][:10] if "DateString" in invoice else invoice.get("Date"),
        [
            (
                line["Description"],
                Decimal(str(line["Quantity"])),
                Decimal(str(line["UnitAmount"])),
                line.get("AccountCode"),
                Decimal(str(line["LineAmount"])),
            )
            for line in invoice["LineItems"]
        ],
    )


def as_approved(doc: InvoiceDocument) -> tuple[object, ...]:
    return (
        doc.reference,
        doc.status,
        doc.invoice_date.isoformat(),
        [
            (line.description, line.quantity, line.unit_amount, line.account_code, line.line_amount)
            for line in doc.lines
        ],
    )


def test_a_finalised_month_posts_on_its_first_every_invoice_once_as_approved(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    docs = approved(practice)
    practice.clock.at = FIRST_OF_DECEMBER

    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert report.error is None
    assert report.failed == []
    assert len(report.posted) == len(docs) > 30
    assert in_xero(xero) == Counter(doc.reference for doc in docs)
    received = {invoice["Reference"]: invoice for invoice in xero.invoices()}
    for doc in docs:
        assert as_received(received[doc.reference]) == as_approved(doc)
        assert Decimal(str(received[doc.reference]["SubTotal"])) == doc.total
    status = posting_status(practice.store, practice.clock, DECEMBER)
    assert status.count("posted") == len(docs)
    assert {row.number for row in status.rows} == {i["InvoiceNumber"] for i in xero.invoices()}


def test_a_month_approved_ahead_waits_for_its_first(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    approved(practice)
    practice.clock.at = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)

    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert report.waiting == [DECEMBER]
    assert report.posted == []
    assert xero.invoices() == []
    with pytest.raises(Conflict, match="not due yet") as early:
        post(practice.store, lambda: nullcontext(gateway), practice.clock, month=DECEMBER)
    assert str(early.value).startswith("Dec 2026 posts on 01 Dec 2026 at 00:00 (Europe/London)")


def test_posting_again_sends_nothing_more(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    docs = approved(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    post(practice.store, lambda: nullcontext(gateway), practice.clock)
    xero.clear_calls()

    again = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert (again.posted, again.queued) == ([], 0)
    assert [c for c in xero.calls() if "Invoices" in c.path] == []
    assert in_xero(xero) == Counter(doc.reference for doc in docs)


class LosesAnswers:
    """The real gateway, but the answer to one batch is lost after Xero made the invoices
    (a timeout or a crash after the request reached Xero), or the request never leaves."""

    def __init__(self, real: XeroPythonGateway, *, batch: int, reached_xero: bool) -> None:
        self.real = real
        self.batch = batch
        self.reached_xero = reached_xero
        self.sent = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def post_invoices(self, invoices: Sequence[NewInvoice], key: str) -> list[InvoiceOutcome]:
        self.sent += 1
        if self.sent == self.batch:
            if self.reached_xero:
                self.real.post_invoices(invoices, key)
            raise XeroUnavailable("PUT /Invoices", 3, "read timed out")
        return self.real.post_invoices(invoices, key)


@pytest.mark.parametrize("reached_xero", [True, False])
def test_a_batch_whose_answer_was_lost_is_settled_by_reference_never_sent_twice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway, reached_xero: bool
) -> None:
    docs = approved(practice)
    practice.clock.at = FIRST_OF_DECEMBER

    losing = LosesAnswers(gateway, batch=1, reached_xero=reached_xero)
    first = post(practice.store, lambda: nullcontext(losing), practice.clock)
    assert first.error is not None
    assert posting_status(practice.store, practice.clock).count("sending") == min(len(docs), 50)
    if not reached_xero:
        # Not in Xero moments after it was sent: Xero may still be making it; not sent again.
        early = post(practice.store, lambda: nullcontext(gateway), practice.clock)
        assert isinstance(early.error, StillInFlight)
        assert (early.requeued, early.posted, xero.invoices()) == (0, [], [])
        practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())

    second = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert second.error is None
    assert (len(second.settled), second.requeued) == (
        (len(docs), 0) if reached_xero else (0, len(docs))
    )
    assert in_xero(xero) == Counter(doc.reference for doc in docs)
    assert posting_status(practice.store, practice.clock).count("posted") == len(docs)


def test_a_request_xero_is_still_working_on_is_not_sent_again_by_the_next_run(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves (the regression this found): Xero still making a batch after the gateway gave
    up on it (a slow PUT past the read timeout; its retries under the same key refused 409
    while it works) and a rerun at once: the rerun does not find the invoices yet and must
    not send them again under a new key, or Xero ends with every invoice twice. It stops
    with StillInFlight; after the grace the next run finds them all, each once."""
    docs = approved(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(
        path="/Invoices", method="PUT", delay=POLICY.read_timeout + 0.6
    )  # slow work, past the timeout

    first = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    again = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert first.error is not None
    assert isinstance(again.error, StillInFlight)
    assert (again.requeued, again.posted) == (0, [])
    deadline = time.monotonic() + 10
    while (xero.in_flight() or len(xero.invoices()) < len(docs)) and time.monotonic() < deadline:
        time.sleep(0.05)  # Xero finishes the slow request
    practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())

    later = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert later.error is None
    assert (len(later.settled), later.requeued) == (len(docs), 0)
    assert in_xero(xero) == Counter(doc.reference for doc in docs)

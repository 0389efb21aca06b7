"""Posting through answers the sandbox Xero never gives by itself, made by a proxy between
the real SDK and the sandbox (tests/posting/mangling.py): a 200 whose body is a proxy's HTML,
JSON cut short or nothing; a batch answered in another order; a batch with one bad invoice
answered by a 400 ValidationException (Xero made the others); and a Xero that cannot be
reached at all. Each ends with every finalised invoice exactly once in Xero, each recorded
under its own InvoiceID, and no exception escaping the service."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.ports.xero import XeroUnavailable
from socketcli.sandbox import Sandbox
from socketcli.services.posting import IN_FLIGHT_GRACE, PostingReport, post
from tests.fakes import FakeSleep
from tests.posting.conftest import (
    FIRST_OF_DECEMBER,
    POLICY,
    Practice,
    add_unpostable_client,
    grown,
    in_xero,
    states,
)
from tests.posting.mangling import Mangler, Mode
from tests.sync.sync_helpers import gateway_for

ODD = "ODD001 Dec 2026"


@pytest.fixture
def proxy(xero: Sandbox) -> Iterator[Mangler]:
    with Mangler(xero) as mangler:
        yield mangler


@pytest.fixture
def proxied(xero: Sandbox, proxy: Mangler) -> XeroPythonGateway:
    """The real gateway, reaching the sandbox through the proxy."""
    return gateway_for(xero, FakeSleep(), policy=POLICY, api_url=proxy.api_url)


def run(practice: Practice, gateway: XeroPythonGateway) -> PostingReport:
    return post(practice.store, lambda: nullcontext(gateway), practice.clock)


def recorded_ids(practice: Practice) -> dict[str, str | None]:
    with practice.store() as uow:
        return {e.reference: e.xero_invoice_id for e in uow.outbox.entries()}


def with_one_bad_invoice(practice: Practice) -> list[str]:
    """The grown playground with one more client whose invoice uses an account code Xero
    does not have (so Xero refuses it), in the first batch; December approved."""
    add_unpostable_client(practice)
    references = grown(practice)
    assert ODD in references
    return references


def test_a_400_naming_one_bad_invoice_of_a_batch_posts_the_others_once_and_fails_it(
    practice: Practice, xero: Sandbox, proxy: Mangler, proxied: XeroPythonGateway
) -> None:
    """Proves: when Xero answers a batch holding one bad invoice with a 400
    ValidationException naming it (as it does with summarizeErrors=true, having made the
    valid ones), the others are found in Xero by reference and recorded posted, the bad one
    is failed with Xero's reason, and the rest are posted in the same run. Once Xero has
    forgotten the batch's Idempotency-Key, a rerun sends nothing: every other reference is
    once in Xero, never twice."""
    references = with_one_bad_invoice(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    proxy.mangle("PUT", "/Invoices", "summarize", count=10)

    first = run(practice, proxied)

    assert first.error is None, first.error
    assert [(f.reference, f.error) for f in first.failed] == [
        (ODD, "Account code '999' is not a valid code for this document.")
    ]
    assert first.exit_code == 7
    assert len(first.posted) == len(references) - 1
    assert states(practice) == Counter({"posted": len(references) - 1, "failed": 1})
    good = Counter(r for r in references if r != ODD)
    assert in_xero(xero) == good

    xero.advance_clock(31 * 60)  # Xero has forgotten the keys
    practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())
    second = run(practice, proxied)

    assert (second.posted, second.failed, second.error) == ([], [], None)
    assert in_xero(xero) == good


def test_an_answer_in_another_order_records_each_invoice_under_its_own_id(
    practice: Practice, xero: Sandbox, proxy: Mangler, proxied: XeroPythonGateway
) -> None:
    """Proves: a batch whose answer lists the invoices in another order than sent is paired
    by reference, not by position: each outbox entry holds the InvoiceID and number of the
    invoice Xero holds under its reference."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    proxy.mangle("PUT", "/Invoices", "reversed", count=2)

    report = run(practice, proxied)

    assert report.error is None, report.error
    assert ("PUT", "/api.xro/2.0/Invoices", "reversed") in proxy.mangled
    assert in_xero(xero) == Counter(references)
    held = {i["InvoiceID"]: i["Reference"] for i in xero.invoices()}
    recorded = recorded_ids(practice)
    assert {reference: held.get(str(i)) for reference, i in recorded.items()} == {
        reference: reference for reference in references
    }


def test_contacts_answered_in_another_order_link_each_client_to_its_own_contact(
    practice: Practice, xero: Sandbox, proxy: Mangler, proxied: XeroPythonGateway
) -> None:
    """Proves: the contacts made for clients that had none, answered in another order than
    sent, are paired by name: each client is linked to the contact of its own name."""
    grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    proxy.mangle("PUT", "/Contacts", "reversed", count=5)

    report = run(practice, proxied)

    assert report.error is None, report.error
    assert report.contacts_created > 1
    names = {c["ContactID"]: c["Name"] for c in xero.contacts()}
    with practice.store() as uow:
        extra = [c for c in uow.clients.all() if c.reference.startswith("EXT")]
    assert extra
    assert {c.name: names.get(str(c.xero_contact_id)) for c in extra} == {
        c.name: c.name for c in extra
    }


@pytest.mark.parametrize("mode", ["html", "truncated", "empty"])
def test_a_200_whose_body_cannot_be_read_leaves_the_batch_in_doubt_then_settles_it(
    practice: Practice, xero: Sandbox, proxy: Mangler, proxied: XeroPythonGateway, mode: Mode
) -> None:
    """Proves: a PUT /Invoices answered 200 with a body the SDK cannot read (a proxy's HTML
    page, JSON cut short, nothing), on every try, is neither an exception out of the service
    nor taken as "nothing made": the run stops with XeroUnavailable (exit 7), the batch
    `sending`; the rerun finds the invoices Xero made by reference: every reference once."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    proxy.mangle("PUT", "/Invoices", mode, count=POLICY.attempts)

    first = run(practice, proxied)

    assert isinstance(first.error, XeroUnavailable)
    assert "could not be read" in str(first.error)
    assert not first.error.unsent
    assert first.exit_code == 7
    assert states(practice) == Counter({"sending": 50, "pending": len(references) - 50})
    assert len(xero.invoices()) == 50

    second = run(practice, proxied)

    assert second.error is None, second.error
    assert len(second.settled) == 50
    assert in_xero(xero) == Counter(references)
    assert states(practice) == Counter({"posted": len(references)})


def test_a_batch_that_could_never_connect_is_pending_not_in_flight(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: when every try of a PUT /Invoices fails to connect (nothing listens, a name
    that does not resolve), nothing can have reached Xero: the batch goes back to pending,
    and the next run sends it at once, without waiting out the in-flight grace."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    # The clients' contacts are made first; the invoices are refused for the day.
    xero.add_fault(path="/Invoices", method="PUT", status=429, problem="day")
    assert run(practice, gateway).error is not None
    assert states(practice) == Counter({"pending": len(references)})
    unreachable = gateway_for(
        xero, FakeSleep(), policy=POLICY, api_url="http://127.0.0.1:9/api.xro/2.0"
    )

    first = run(practice, unreachable)

    assert isinstance(first.error, XeroUnavailable)
    assert first.error.unsent
    assert (first.in_flight, states(practice)) == (0, Counter({"pending": len(references)}))

    second = run(practice, gateway)  # at the same moment: no grace to wait out

    assert second.error is None, second.error
    assert in_xero(xero) == Counter(references)

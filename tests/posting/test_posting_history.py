"""Each invoice posted to the sandbox Xero (over the real SDK) leaves one history entry in the
transaction that records Xero's answer: its Xero number, Xero's refusal, or (after a lost
answer) the invoice found in Xero by reference; never two for one invoice."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.history import HistoryEntry, HistoryKind, HistoryQuery
from socketcli.sandbox import Sandbox
from socketcli.services.posting import post
from tests.posting.conftest import FIRST_OF_DECEMBER, Practice, add_unpostable_client, grown
from tests.posting.test_posting_faults import LATE


def postings(practice: Practice) -> list[HistoryEntry]:
    with practice.store() as uow:
        return uow.history.entries(HistoryQuery(kinds=frozenset({HistoryKind.POSTING}), limit=0))


def test_each_invoice_posted_or_refused_has_its_entry_with_xero_s_number_or_reason(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    add_unpostable_client(practice)
    references = grown(practice, extra=20)
    practice.clock.at = FIRST_OF_DECEMBER

    post(practice.store, lambda: nullcontext(gateway), practice.clock)

    entries = postings(practice)
    assert sorted(e.details["reference"] for e in entries) == sorted(references)
    numbers = {i["Reference"]: i["InvoiceNumber"] for i in xero.invoices()}
    posted = {e.details["reference"]: e for e in entries if e.details["outcome"] == "posted"}
    assert {ref: e.details["xero_number"] for ref, e in posted.items()} == numbers
    assert all(e.at == FIRST_OF_DECEMBER and str(e.month) == "2026-12" for e in entries)
    (refused,) = [e for e in entries if e.details["outcome"] == "failed"]
    assert (refused.client_reference, refused.client_name) == ("ODD001", "Odd One Out Ltd")
    assert refused.summary == (
        "Xero refused ODD001 Dec 2026: Account code '999' is not a valid code for this document."
    )
    with practice.store() as uow:
        approvals = uow.history.entries(HistoryQuery(kinds=frozenset({HistoryKind.APPROVAL})))
    assert [(e.by, e.summary.split(":")[0]) for e in approvals] == [
        ("partner", "approved Dec 2026")
    ]


def test_invoices_whose_answer_was_lost_are_recorded_once_when_found_in_xero(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT")  # the first batch goes through
    xero.add_fault(path="/Invoices", method="PUT", delay_after=LATE, count=5)

    first = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    assert first.error is not None
    assert len(postings(practice)) == 50  # the batch in flight has no entry yet

    post(practice.store, lambda: nullcontext(gateway), practice.clock)

    entries = postings(practice)
    assert Counter(e.details["reference"] for e in entries) == {ref: 1 for ref in references}
    assert Counter(e.details["outcome"] for e in entries) == {"posted": 50, "found": 8}
    found = next(e for e in entries if e.details["outcome"] == "found")
    assert found.summary.endswith("(sent by an interrupted run)")
    assert found.details["xero_number"] in {i["InvoiceNumber"] for i in xero.invoices()}

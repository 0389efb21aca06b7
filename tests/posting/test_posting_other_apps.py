"""Another app (Practice Manager, Ignition) writing socket's reference on an invoice of its
own: posting never takes it for socket's when it settles an invoice left in flight, and
`plan reconcile`, which asks for any invoice carrying socket's references, reports it."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Sandbox
from socketcli.services.posting import IN_FLIGHT_GRACE, post
from socketcli.services.reconcile import reconcile_month
from tests.posting.conftest import DECEMBER, FIRST_OF_DECEMBER, Practice, grown, in_xero, states
from tests.sync.sync_helpers import FAST


def test_another_apps_invoice_with_socket_reference_is_not_taken_for_socket_one(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: the second batch's PUT fails before Xero makes anything (its 8 invoices stay
    `sending`); meanwhile Xero Practice Manager makes an invoice with one of their
    references. The rerun after the grace looks the 8 up with createdByMyApp=true, finds
    none of socket's, and sends all 8: the outbox records socket's own InvoiceID, not the
    other app's. Reconcile then reports that reference `duplicated`, naming the other
    invoice, and everything else ok."""
    references = grown(practice)
    practice.clock.at = FIRST_OF_DECEMBER
    xero.add_fault(path="/Invoices", method="PUT")  # the first batch goes through
    xero.add_fault(path="/Invoices", method="PUT", status=503, count=FAST.attempts)
    first = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    assert first.error is not None
    assert states(practice) == Counter({"posted": 50, "sending": 8})
    with practice.store() as uow:
        in_flight = [e for e in uow.outbox.entries() if e.state.value == "sending"]
    taken = in_flight[0]
    (theirs,) = xero.add_invoices(
        {
            "Type": "ACCREC",
            "Contact": {"Name": "Someone Else Ltd"},
            "Reference": taken.reference,
            "LineItems": [{"Description": "Tax return", "Quantity": 1, "UnitAmount": 250}],
        },
        app="Xero Practice Manager",
    )
    practice.clock.advance(seconds=IN_FLIGHT_GRACE.total_seconds())
    xero.clear_calls()

    second = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert second.error is None
    assert (second.settled, second.requeued, len(second.posted)) == ([], 8, 8)
    look_ups = [c for c in xero.calls() if c.method == "GET" and c.path.endswith("/Invoices")]
    assert look_ups
    assert all("createdbymyapp=true" in c.query for c in look_ups)
    assert in_xero(xero) == Counter(references) + Counter([taken.reference])
    with practice.store() as uow:
        recorded = next(e for e in uow.outbox.entries() if e.reference == taken.reference)
    assert recorded.xero_invoice_id not in (None, theirs["InvoiceID"])
    assert recorded.xero_invoice_id in {
        i["InvoiceID"] for i in xero.invoices() if i["Reference"] == taken.reference
    }
    assert states(practice) == Counter({"posted": len(references)})
    xero.clear_calls()

    report = reconcile_month(practice.store, lambda: nullcontext(gateway), DECEMBER)

    rows = {row.reference: row for row in report.rows}
    assert [str(f) for f in rows[taken.reference].findings] == ["duplicated"]
    assert rows[taken.reference].others == (theirs["InvoiceNumber"],)
    assert all(row.ok for ref, row in rows.items() if ref != taken.reference)
    assert report.exit_code == 10
    searches = [c for c in xero.calls() if "where=" in c.query]
    assert searches
    assert not any("createdbymyapp" in c.query for c in searches)

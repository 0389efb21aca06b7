"""One invoice Xero refuses among 120: it is recorded failed with Xero's reason, the other
119 are posted, and nothing is sent again until the practice asks (--retry-failed)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Sandbox
from socketcli.services.posting import post, posting_status
from tests.posting.conftest import Practice, add_unpostable_client, grown, in_xero

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_one_invoice_refused_among_120_the_rest_are_posted(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    add_unpostable_client(practice)
    references = grown(practice, extra=81)
    assert len(references) == 120
    practice.clock.at = FIRST_OF_DECEMBER

    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert [(f.reference, f.error) for f in report.failed] == [
        ("ODD001 Dec 2026", "Account code '999' is not a valid code for this document.")
    ]
    assert len(report.posted) == 119
    assert report.exit_code == 7
    held = in_xero(xero)
    assert "ODD001 Dec 2026" not in held
    assert held == {reference: 1 for reference in references if reference != "ODD001 Dec 2026"}
    status = posting_status(practice.store, practice.clock)
    assert (status.count("posted"), status.count("failed")) == (119, 1)
    (failed,) = [row for row in status.rows if row.state == "failed"]
    assert "999" in failed.error

    xero.clear_calls()
    again = post(practice.store, lambda: nullcontext(gateway), practice.clock)
    assert (again.posted, again.failed) == ([], [])
    assert [c for c in xero.calls() if "Invoices" in c.path] == []

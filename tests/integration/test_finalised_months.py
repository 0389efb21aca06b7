"""What was approved is what is previewed for that month: edits made after approval apply
from the next month not yet finalised."""

from __future__ import annotations

from decimal import Decimal

from socketcli.adapters.clock import FixedClock
from socketcli.domain.months import Month
from socketcli.services.catalogue import edit_service
from socketcli.services.clients import ClientChanges, edit_client
from socketcli.services.plan import approve_plan, preview_invoice, unapprove_plan
from tests.integration.conftest import EXAMPLES, NOW, Store

EXAMPLE_FILES = [EXAMPLES / name for name in ("clients.csv", "services.csv", "proposals.csv")]
DECEMBER = Month(2026, 12)


def preview(store: Store, month: Month) -> tuple[int, list[str | None], bool]:
    """BRIGHT's invoice: days from its date to its due date, its account codes, finalised."""
    report = preview_invoice(store.read, FixedClock(NOW), "BRIGHT", month)
    (invoice,) = report.invoices
    days = (invoice.due_date - invoice.invoice_date).days
    return days, [line.account_code for line in invoice.lines], report.finalised


def test_edits_after_approval_leave_the_finalised_preview_as_approved(store: Store) -> None:
    store.import_files(*EXAMPLE_FILES)
    approved = preview(store, DECEMBER)
    approve_plan(store.opener(), FixedClock(NOW), DECEMBER, "partner")

    edit_client(store.opener(), "BRIGHT", ClientChanges(payment_terms="days:30"))
    edit_service(store.opener(), "Annual accounts", account_code="260")

    assert approved[1][0] != "260"
    assert approved[0] != 30
    assert not approved[2]
    assert preview(store, DECEMBER) == (*approved[:2], True)
    # The next month, not finalised, has the edits: due 30 days after its date, code 260.
    days, codes, finalised = preview(store, DECEMBER + 1)
    assert not finalised
    assert days == 30
    assert codes[0] == "260"


def test_a_finalised_invoice_reads_back_exactly_as_it_was_rendered(store: Store) -> None:
    store.import_files(*EXAMPLE_FILES)
    rendered = preview_invoice(store.read, FixedClock(NOW), "BRIGHT", DECEMBER).invoices
    approve_plan(store.opener(), FixedClock(NOW), DECEMBER, "partner")
    frozen = preview_invoice(store.read, FixedClock(NOW), "BRIGHT", DECEMBER).invoices
    assert frozen == rendered
    assert sum(invoice.total for invoice in frozen) == Decimal("675.00")


def test_unapproving_deletes_the_snapshot_and_the_month_can_be_approved_again(
    store: Store,
) -> None:
    store.import_files(*EXAMPLE_FILES)
    clock = FixedClock(NOW)
    approve_plan(store.opener(), clock, DECEMBER, "partner")

    report = unapprove_plan(store.opener())

    assert report.month == DECEMBER
    assert not preview_invoice(store.read, clock, "BRIGHT", DECEMBER).finalised
    with store.read() as reader:
        assert reader.latest_finalised() is None
        assert reader.finalised_invoices(DECEMBER) == []
    again = approve_plan(store.opener(), clock, DECEMBER, "partner")
    assert (again.invoices, again.total) == (report.invoices, report.total)

"""A late start in a finalised month (SQLite, the sandbox Xero): listed as outstanding, added
to the month's snapshot, then posted with the month, exactly once."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.sandbox import Sandbox
from socketcli.services.clients import ClientChanges, add_client
from socketcli.services.plan import freeze_outstanding, review_outstanding, show_plan
from socketcli.services.posting import post, posting_status
from socketcli.services.proposals import LineSpec, add_proposal
from tests.posting.conftest import (
    DECEMBER,
    FIRST_OF_DECEMBER,
    Practice,
    approve_december,
    in_xero,
)


def a_late_start(practice: Practice) -> None:
    add_client(practice.store, "LATE01", "Late Start Ltd", ClientChanges(email="l@example.com"))
    add_proposal(
        practice.store,
        "PLATE01",
        "LATE01",
        [LineSpec.parse("Bookkeeping=120")],
        start=date(2026, 12, 1),
        accept_with=practice.clock,
    )


def snapshot_row(practice: Practice) -> tuple[int, int, int]:
    """December's snapshot: its total in pennies, its invoice count, its invoices stored."""
    with practice.engine.connect() as connection:
        total, count = connection.execute(
            text("SELECT total_minor, invoice_count FROM plan_snapshots WHERE month = '2026-12'")
        ).one()
        stored = connection.execute(
            text("SELECT count(*) FROM snapshot_invoices WHERE month = '2026-12'")
        ).scalar_one()
    return int(total), int(count), int(stored)


def test_a_late_start_is_frozen_into_its_month_and_posted_exactly_once(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    approve_december(practice)
    total, count, stored = snapshot_row(practice)
    a_late_start(practice)

    shown = show_plan(practice.read, practice.clock, DECEMBER)
    assert [(r.reference, r.amount) for r in shown.outstanding] == [("LATE01", Decimal("120.00"))]
    review = review_outstanding(practice.store, practice.clock)
    assert review.month == DECEMBER
    assert [d.client_reference for d in review.invoices] == ["LATE01"]

    freeze_outstanding(practice.store, practice.clock, DECEMBER, expected=review)

    assert snapshot_row(practice) == (total + 12000, count + 1, stored + 1)
    assert show_plan(practice.read, practice.clock, DECEMBER).outstanding == ()
    practice.clock.at = FIRST_OF_DECEMBER
    late = [doc.reference for doc in review.invoices]
    report = post(
        practice.store, lambda: nullcontext(gateway), practice.clock, month=DECEMBER, only=late
    )
    assert report.error is None
    assert [p.reference for p in report.posted] == late
    assert in_xero(xero) == {late[0]: 1}

    rest = post(practice.store, lambda: nullcontext(gateway), practice.clock, month=DECEMBER)
    assert len(rest.posted) == count
    assert set(in_xero(xero).values()) == {1}
    assert len(in_xero(xero)) == count + 1
    status = posting_status(practice.store, practice.clock, DECEMBER)
    assert {row.state for row in status.rows} == {"posted"}


def test_a_service_added_to_a_frozen_client_posts_once_as_its_own_invoice(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    """Proves: on SQLite and through Xero, management accounts backdated into December for CLI001
    (which December froze with its bookkeeping) is outstanding on its own invoice `CLI001 Dec
    2026 late`, posted once next to the month's own CLI001 invoice; the frozen invoice is
    unchanged, and a second late service later gets `late 2`."""
    approve_december(practice)
    with practice.read() as reader:
        (frozen,) = reader.finalised_invoices(DECEMBER, client_id=1)
    add_proposal(
        practice.store,
        "PLATE-PAY",
        "CLI001",
        [LineSpec.parse("Management accounts=2x30")],
        start=date(2026, 12, 1),
        accept_with=practice.clock,
    )

    shown = show_plan(practice.read, practice.clock, DECEMBER)
    assert [(r.reference, r.amount) for r in shown.outstanding] == [("CLI001", Decimal("60.00"))]
    review = freeze_outstanding(practice.store, practice.clock, DECEMBER)
    assert [(d.reference, d.total) for d in review.invoices] == [
        ("CLI001 Dec 2026 late", Decimal("60.00"))
    ]
    practice.clock.at = FIRST_OF_DECEMBER
    report = post(practice.store, lambda: nullcontext(gateway), practice.clock, month=DECEMBER)

    assert report.error is None, report.error
    held = in_xero(xero)
    assert held[frozen.reference] == 1
    assert held["CLI001 Dec 2026 late"] == 1
    assert set(held.values()) == {1}
    with practice.read() as reader:
        again = reader.finalised_invoices(DECEMBER, client_id=1)
    assert again[0] == frozen

    add_proposal(
        practice.store,
        "PLATE-VAT",
        "CLI001",
        [LineSpec.parse("Self assessment tax return=45")],
        start=date(2026, 12, 1),
        accept_with=practice.clock,
    )
    second = review_outstanding(practice.store, practice.clock, DECEMBER)
    assert [d.reference for d in second.invoices] == ["CLI001 Dec 2026 late 2"]

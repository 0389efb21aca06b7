"""Approving a month: the summary a person answers, the checks that block, the warnings that
need a yes, and returning a finalised month to draft."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from socketcli.domain.approval import ApprovalBlocked, ApprovalNeedsConfirmation
from socketcli.domain.errors import Conflict, NotFound
from socketcli.domain.model import ChangeType
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.records import XeroContact
from socketcli.ports.xero import XeroAccount, XeroBrandingTheme
from socketcli.services.contacts import choose_new_contact, link
from socketcli.services.plan import (
    approve_plan,
    review_approval,
    review_unapproval,
    show_plan,
    unapprove_plan,
)
from socketcli.services.settings import set_setting
from tests.fakes import FakeClock, FakeStore
from tests.unit.services.given import a_client, a_service, an_accepted_proposal, xero_contacts

NOVEMBER = Month(2026, 11)
DECEMBER = Month(2026, 12)
FEBRUARY = Month(2027, 2)


@pytest.fixture
def practice(store: FakeStore, clock: FakeClock) -> FakeStore:
    """Acme (bookkeeping 100, account 200) and Beta (payroll 3 x 25, account 210) from
    December."""
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery")
    a_service(store, "Bookkeeping", account_code="200")
    a_service(store, "Payroll", account_code="210")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")
    an_accepted_proposal(store, clock, "P2", "BETA", "Payroll=3x25")
    return store


def mirror_accounts(store: FakeStore, *accounts: XeroAccount) -> None:
    with store.open(write=True) as uow:
        uow.mirror.save_accounts("tenant", accounts, complete=True)
        uow.commit()


def test_the_review_sums_up_the_month_without_writing(practice: FakeStore, clock: FakeClock):
    choose_new_contact(practice.open, "BETA")
    commits = practice.commits

    review = review_approval(practice.open, clock)

    assert (review.month, review.previous_month) == (DECEMBER, NOVEMBER)
    assert (review.clients, review.invoices, review.total) == (2, 2, Decimal("175.00"))
    assert dict(review.changes) == {
        ChangeType.NEW: 2,
        ChangeType.EXPANDED: 0,
        ChangeType.CONTRACTED: 0,
        ChangeType.CEASED: 0,
    }
    assert review.new_contacts == 1
    assert (review.problems, review.warnings) == ((), ())
    assert (review.due, review.posts_at.date()) == (False, date(2026, 12, 1))
    assert practice.commits == commits


def test_an_account_code_the_mirror_does_not_have_blocks_and_nothing_is_finalised(
    practice: FakeStore, clock: FakeClock
):
    mirror_accounts(
        practice, XeroAccount("a-1", "200", "Fees"), XeroAccount("a-2", "210", "Old", "ARCHIVED")
    )

    with pytest.raises(ApprovalBlocked) as blocked:
        approve_plan(practice.open, clock, None, "Jo", accept_warnings=True)

    assert blocked.value.problems == ("account code 210: archived in Xero; used for BETA",)
    assert blocked.value.exit_code == 4
    assert practice.view().snapshots.get(DECEMBER) is None


def test_a_branding_theme_gone_from_xero_blocks(practice: FakeStore, clock: FakeClock):
    set_setting(practice.open, "branding_theme", "Standard")
    with practice.open(write=True) as uow:
        uow.mirror.save_branding_themes("tenant", [XeroBrandingTheme("t-1", "Special")])
        uow.commit()

    problems = review_approval(practice.open, clock).problems

    assert problems == (
        "branding theme Standard: no longer in Xero (as of the last sync); used for ACME, BETA",
    )


def test_a_client_linked_to_a_merged_contact_blocks(practice: FakeStore, clock: FakeClock):
    xero_contacts(practice, XeroContact("c-1", "Acme Ltd"), XeroContact("c-2", "Acme Group"))
    link(practice.open, "ACME", "c-1")
    xero_contacts(practice, XeroContact("c-1", "Acme Ltd", status="ARCHIVED", merged_to="c-2"))

    with pytest.raises(ApprovalBlocked, match="ACME: its Xero contact Acme Ltd was merged"):
        approve_plan(practice.open, clock, None, "Jo")


def test_a_month_with_warnings_needs_them_accepted(practice: FakeStore, clock: FakeClock):
    with pytest.raises(ApprovalNeedsConfirmation) as asked:
        approve_plan(practice.open, clock, FEBRUARY, "Jo")
    assert asked.value.warnings == (
        "Feb 2027 skips Dec 2026, Jan 2027: they have invoices and are not finalised",
        "Feb 2027 is 2 months ahead of the next month to be billed, Dec 2026",
    )
    assert practice.view().snapshots.get(FEBRUARY) is None

    approve_plan(practice.open, clock, FEBRUARY, "Jo", accept_warnings=True)

    assert practice.view().snapshots.get(FEBRUARY) is not None


def test_an_empty_month_is_refused(practice: FakeStore, clock: FakeClock):
    with pytest.raises(Conflict, match="Nov 2026 has no invoices: there is nothing to approve"):
        approve_plan(practice.open, clock, NOVEMBER, "Jo", accept_warnings=True)


def test_a_plan_that_changed_since_the_review_is_not_finalised(
    practice: FakeStore, clock: FakeClock
):
    review = review_approval(practice.open, clock)
    an_accepted_proposal(practice, clock, "P3", "ACME", "Payroll=50")

    with pytest.raises(Conflict, match="changed while it was being approved"):
        approve_plan(practice.open, clock, review.month, "Jo", expected=review)

    assert practice.view().snapshots.get(DECEMBER) is None


def test_unapproving_returns_the_latest_finalised_month_to_draft(
    practice: FakeStore, clock: FakeClock
):
    approve_plan(practice.open, clock, None, "Jo")

    report = unapprove_plan(practice.open)

    assert (report.month, report.invoices, report.total) == (DECEMBER, 2, Decimal("175.00"))
    assert practice.view().snapshots.get(DECEMBER) is None
    assert show_plan(practice.read, clock).month == DECEMBER
    approve_plan(practice.open, clock, None, "Jo")  # and it can be approved again


def test_a_month_with_invoices_in_the_outbox_stays_finalised(practice: FakeStore, clock: FakeClock):
    approve_plan(practice.open, clock, None, "Jo")
    with practice.open(write=True) as uow:
        uow.outbox.add_entry(
            OutboxEntry(1, DECEMBER, 1, "ACME Dec 2026", OutboxState.PENDING, "k", "{}")
        )
        uow.commit()

    with pytest.raises(Conflict, match="1 invoice queued for or sent to Xero"):
        review_unapproval(practice.open)
    with pytest.raises(Conflict):
        unapprove_plan(practice.open, DECEMBER)

    assert practice.view().snapshots.get(DECEMBER) is not None


def test_nothing_to_unapprove(practice: FakeStore, clock: FakeClock):
    with pytest.raises(NotFound, match="no month is finalised"):
        unapprove_plan(practice.open)
    with pytest.raises(NotFound, match="2026-12 is not finalised"):
        unapprove_plan(practice.open, DECEMBER)


def test_a_due_month_says_so(practice: FakeStore, clock: FakeClock):
    clock.at = datetime(2026, 12, 1, 9, tzinfo=UTC)

    assert review_approval(practice.open, clock).due

"""The history: each kind of change writes its entry in the transaction of the change, and a
change that is refused or rolled back writes none. (Postings: tests/posting/test_posting_history.py,
on the SQL store and the sandbox.)"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from socketcli.domain.approval import ApprovalBlocked
from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.history import HistoryKind, completed
from socketcli.domain.months import Month
from socketcli.domain.posting import OutboxEntry, OutboxState
from socketcli.domain.records import XeroContact
from socketcli.ports.xero import XeroAccount, XeroDayLimitReached
from socketcli.services.contacts import auto_match, choose_new_contact, link, unlink
from socketcli.services.history import read_history
from socketcli.services.importer import ImportFailed, import_csv
from socketcli.services.plan import approve_plan, freeze_outstanding, unapprove_plan
from socketcli.services.settings import set_setting
from socketcli.services.sync import sync
from tests.fakes import FakeClock, FakeGateway, FakeStore
from tests.unit.services.given import a_client, a_service, an_accepted_proposal, xero_contacts
from tests.unit.services.test_importer import write_csv

DECEMBER = Month(2026, 12)


def history(store: FakeStore) -> list[tuple[str, str, str]]:
    """(kind, who, summary) of every committed entry, oldest first."""
    return [(e.kind.value, e.by, e.summary) for e in store.view().history.all()]


@pytest.fixture
def practice(store: FakeStore, clock: FakeClock) -> FakeStore:
    """Acme (bookkeeping 100) and Beta (payroll 3 x 25) from December."""
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery")
    a_service(store, "Bookkeeping", account_code="200")
    a_service(store, "Payroll", account_code="210")
    an_accepted_proposal(store, clock, "P1", "ACME", "Bookkeeping=100")
    an_accepted_proposal(store, clock, "P2", "BETA", "Payroll=3x25")
    return store


# -- approvals --------------------------------------------------------------------------------


def test_an_approval_records_who_when_the_month_its_invoices_and_total(
    practice: FakeStore, clock: FakeClock
):
    approve_plan(practice.open, clock, DECEMBER, "partner")

    [entry] = practice.view().history.all()
    assert (entry.kind, entry.by, entry.at, entry.month) == (
        HistoryKind.APPROVAL,
        "partner",
        clock.now(),
        DECEMBER,
    )
    assert entry.summary == "approved Dec 2026: 2 invoices, 175.00"
    assert entry.details == {"invoices": 2, "total": "175.00", "outstanding": False}


def test_an_unapproval_records_what_was_finalised(practice: FakeStore, clock: FakeClock):
    approve_plan(practice.open, clock, DECEMBER, "partner")

    unapprove_plan(practice.open, DECEMBER)

    assert history(practice)[-1] == (
        "unapproval",
        "tester",  # the store's actor: the person running the command
        "returned Dec 2026 to draft (2 invoices, 175.00 were finalised)",
    )


def test_outstanding_invoices_added_to_a_finalised_month_are_an_approval(
    practice: FakeStore, clock: FakeClock
):
    approve_plan(practice.open, clock, DECEMBER, "partner")
    a_client(practice, "LATE", "Late Ltd")
    an_accepted_proposal(practice, clock, "P3", "LATE", "Payroll=2x25")

    freeze_outstanding(practice.open, clock, DECEMBER)

    entry = practice.view().history.all()[-1]
    assert (entry.kind, entry.summary) == (
        HistoryKind.APPROVAL,
        "added 1 outstanding invoice to Dec 2026: 50.00",
    )
    assert entry.details["outstanding"] is True


def test_a_blocked_or_refused_approval_writes_no_history(practice: FakeStore, clock: FakeClock):
    with practice.open(write=True) as uow:  # Xero's accounts are known: 200 is not among them
        uow.mirror.save_accounts("t", [XeroAccount("a-1", "210", "Payroll")], complete=True)
        uow.commit()
    with pytest.raises(ApprovalBlocked):
        approve_plan(practice.open, clock, DECEMBER, "partner")
    with pytest.raises(NotFound):
        unapprove_plan(practice.open, DECEMBER)

    assert history(practice) == []


def test_an_unapproval_refused_once_posting_began_writes_no_history(
    practice: FakeStore, clock: FakeClock
):
    approve_plan(practice.open, clock, DECEMBER, "partner")
    with practice.open(write=True) as uow:
        uow.outbox.add_entry(
            OutboxEntry(1, DECEMBER, 1, "ACME Dec 2026", OutboxState.PENDING, "k", "{}")
        )
        uow.commit()

    with pytest.raises(Conflict):
        unapprove_plan(practice.open, DECEMBER)

    assert [kind for kind, _, _ in history(practice)] == ["approval"]


def test_an_approval_whose_commit_fails_leaves_neither_the_month_nor_its_history(
    practice: FakeStore, clock: FakeClock
):
    practice.fail("uow.commit", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        approve_plan(practice.open, clock, DECEMBER, "partner")

    assert practice.view().snapshots.months() == []
    assert history(practice) == []


# -- contacts -----------------------------------------------------------------------------------

CITY = XeroContact("c-city", "City Limousines")
ACME = XeroContact("c-acme", "Acme Limited", contact_number="ACME")


def test_links_and_unlinks_by_hand_automatically_and_to_a_new_contact_are_recorded(
    practice: FakeStore, clock: FakeClock
):
    xero_contacts(practice, CITY, ACME)

    auto_match(practice.open, clock)
    link(practice.open, "BETA", "City Limousines")
    unlink(practice.open, "BETA")
    choose_new_contact(practice.open, "BETA")

    entries = practice.view().history.all()
    assert [(e.kind.value, e.client_reference, e.summary) for e in entries] == [
        ("link", "ACME", "linked ACME to Xero contact 'Acme Limited' (auto, score 100)"),
        ("link", "BETA", "linked BETA to Xero contact 'City Limousines'"),
        ("unlink", "BETA", "unlinked BETA from 'City Limousines'"),
        ("link", "BETA", "BETA will get a new Xero contact at posting"),
    ]
    assert entries[1].details == {
        "contact_id": "c-city",
        "contact_name": "City Limousines",
        "how": "by hand",
        "previous": None,
        "score": None,
    }


def test_relinking_names_the_contact_it_had(practice: FakeStore):
    xero_contacts(practice, CITY, ACME)
    link(practice.open, "ACME", "Acme Limited")

    link(practice.open, "ACME", "City Limousines")

    assert history(practice)[-1][2] == (
        "linked ACME to Xero contact 'City Limousines'; was 'Acme Limited'"
    )


def test_a_refused_link_writes_no_history(practice: FakeStore):
    xero_contacts(practice, CITY, ACME)
    link(practice.open, "ACME", "City Limousines")

    with pytest.raises(Conflict):  # already linked to ACME
        link(practice.open, "BETA", "City Limousines")
    with pytest.raises(NotFound):
        link(practice.open, "BETA", "Nobody Ltd")

    assert len(history(practice)) == 1


def test_a_dry_run_of_auto_match_writes_no_history(practice: FakeStore, clock: FakeClock):
    xero_contacts(practice, CITY, ACME)

    auto_match(practice.open, clock, dry_run=True)

    assert history(practice) == []


# -- settings -----------------------------------------------------------------------------------


def test_a_setting_changed_records_its_old_and_new_value(store: FakeStore):
    set_setting(store.open, "invoice_day", "5")
    set_setting(store.open, "invoice_day", "7")
    set_setting(store.open, "invoice_day", "7")  # no change: nothing to record

    assert [e.details for e in store.view().history.all()] == [
        {"key": "invoice_day", "old": None, "new": "5"},
        {"key": "invoice_day", "old": "5", "new": "7"},
    ]
    assert history(store)[-1] == ("setting", "tester", "invoice_day: '5' -> '7'")


def test_a_refused_setting_writes_no_history(store: FakeStore):
    with pytest.raises(InvalidInput):
        set_setting(store.open, "invoice_day", "32")

    assert history(store) == []


def test_a_setting_whose_history_cannot_be_written_is_not_changed(store: FakeStore):
    store.fail("history.record", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        set_setting(store.open, "invoice_day", "5")

    assert "invoice_day" not in store.view().settings.values()


# -- imports ------------------------------------------------------------------------------------


def test_an_import_records_its_file_names_and_counts(
    store: FakeStore, clock: FakeClock, tmp_path: Path
):
    clients = write_csv(tmp_path / "clients.csv", ("reference", "name"), ("ACME", "Acme Ltd"))
    services = write_csv(
        tmp_path / "services.csv", ("name", "billing_method"), ("Bookkeeping", "monthly")
    )

    import_csv(store.open, clock, [clients, services])

    [entry] = store.view().history.all()
    assert entry.kind is HistoryKind.IMPORT
    assert entry.summary == (
        "imported clients.csv, services.csv: clients 1 created, 0 updated, 0 unchanged; "
        "services 1 created, 0 updated, 0 unchanged"
    )
    assert entry.details["files"] == ["clients.csv", "services.csv"]
    assert entry.details["clients"] == {"created": 1, "updated": 0, "unchanged": 0}


def test_an_import_that_changes_nothing_writes_no_history(
    store: FakeStore, clock: FakeClock, tmp_path: Path
):
    clients = write_csv(tmp_path / "clients.csv", ("reference", "name"), ("ACME", "Acme Ltd"))
    import_csv(store.open, clock, [clients])

    import_csv(store.open, clock, [clients])

    assert [kind for kind, _, _ in history(store)] == ["import"]


def test_a_dry_run_or_a_failed_import_writes_no_history(
    store: FakeStore, clock: FakeClock, tmp_path: Path
):
    good = write_csv(tmp_path / "clients.csv", ("reference", "name"), ("ACME", "Acme Ltd"))
    bad = write_csv(tmp_path / "bad.csv", ("reference", "name"), ("", "No Reference Ltd"))

    import_csv(store.open, clock, [good], dry_run=True)
    with pytest.raises(ImportFailed):
        import_csv(store.open, clock, [good, bad])

    assert history(store) == []


# -- syncs --------------------------------------------------------------------------------------


def test_a_sync_records_what_changed_and_the_calls_it_made(
    store: FakeStore, xero: FakeGateway, clock: FakeClock
):
    xero.add_contact("City Limousines")
    xero.add_account("200", "Sales")

    sync(store.open, xero, tenant_id="tenant-1", clock=clock, monotonic=lambda: 0.0)

    [entry] = store.view().history.all()
    assert entry.summary == "synced with Xero: contacts 1 new; accounts 1 new (4 calls)"
    assert entry.details["outcome"] == "done"
    assert entry.details["calls"] == {
        "GET /Contacts": 1,
        "GET /Accounts": 1,
        "GET /BrandingThemes": 1,
        "GET /TrackingCategories": 1,
    }


def test_a_sync_stopped_by_xero_records_where_it_stopped(
    store: FakeStore, xero: FakeGateway, clock: FakeClock
):
    xero.add_contact("City Limousines")
    xero.fail("GET /Accounts", XeroDayLimitReached(None))

    sync(store.open, xero, tenant_id="tenant-1", clock=clock, monotonic=lambda: 0.0)

    [entry] = store.view().history.all()
    assert entry.summary.startswith("sync failed at accounts: contacts 1 new (2 calls); ")
    assert entry.details["outcome"] == "failed at accounts"
    assert entry.details["error"]


# -- the completion kind: for work management to record --------------------------------------


def test_a_completion_can_be_recorded_and_read_back_by_its_client(store: FakeStore):
    with store.open(write=True) as uow:
        uow.history.record(
            completed(
                "ACME",
                "Acme Ltd",
                items=("Year-end accounts", "Corporation tax return"),
                total=Decimal("1450.00"),
                proposal="P-17",
            )
        )
        uow.commit()

    report = read_history(store.open, client="ACME", kinds=["completion"])

    assert [e.summary for e in report.entries] == [
        "completed 2 work items of P-17 for ACME: 1,450.00"
    ]


# -- reading it ---------------------------------------------------------------------------------


def test_history_reads_newest_first_and_filters_by_kind_month_client_and_since(
    practice: FakeStore, clock: FakeClock
):
    xero_contacts(practice, CITY, ACME)
    link(practice.open, "ACME", "Acme Limited")
    clock.advance(days=1)
    approve_plan(practice.open, clock, DECEMBER, "partner")
    clock.advance(days=1)
    set_setting(practice.open, "invoice_day", "5")

    def kinds(**filters: object) -> list[str]:
        return [e.kind.value for e in read_history(practice.open, **filters).entries]  # type: ignore[arg-type]

    assert kinds() == ["setting", "approval", "link"]
    assert kinds(kinds=["approval,link"]) == ["approval", "link"]
    assert kinds(month=DECEMBER) == ["approval"]
    assert kinds(client="Acme Ltd") == ["link"]  # a client by its exact name too
    assert kinds(since="2026-11-22") == ["setting", "approval"]
    assert kinds(since="2026-11-23T09:00+00:00") == ["setting"]


def test_a_limit_shows_the_newest_and_says_how_many_match(store: FakeStore):
    for day in range(1, 6):
        set_setting(store.open, "invoice_day", str(day))

    report = read_history(store.open, limit=2)

    assert [e.details["new"] for e in report.entries] == ["5", "4"]
    assert (report.matching, report.truncated) == (5, True)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"kinds": ["approval", "bogus"]}, "kind 'bogus' is not a kind of history: one of"),
        ({"since": "last week"}, "--since 'last week' is not a date or a time"),
        ({"since": "2026-02-30"}, "--since '2026-02-30' is not a date or a time"),
        ({"limit": -1}, "--limit -1 is negative"),
    ],
)
def test_bad_filters_are_refused_clearly(store: FakeStore, filters: dict[str, object], message):
    with pytest.raises(InvalidInput, match=message):
        read_history(store.open, **filters)  # type: ignore[arg-type]


def test_an_unknown_client_is_not_found(practice: FakeStore):
    with pytest.raises(NotFound, match="client 'NOPE' does not exist"):
        read_history(practice.open, client="NOPE")


def test_a_since_date_starts_at_midnight_in_the_practice_time_zone(store: FakeStore):
    set_setting(store.open, "time_zone", "Australia/Sydney")

    report = read_history(store.open, since="2026-11-21")

    assert report.query.since == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)

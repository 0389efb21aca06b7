"""`socket sync` against a fake Xero: the mirror it keeps, what it pushes, and how it stops."""

from __future__ import annotations

import pytest

from socketcli.ports.xero import (
    XeroBrandingTheme,
    XeroDayLimitReached,
    XeroTrackingCategory,
    XeroTrackingOption,
)
from socketcli.services.clients import ClientChanges, edit_client
from socketcli.services.contacts import link
from socketcli.services.settings import set_setting
from socketcli.services.sync import (
    FieldChange,
    NewClient,
    PushedClient,
    SyncConflict,
    SyncReport,
    Tally,
    mirror,
    sync,
)
from tests.fakes import FakeClock, FakeGateway, FakeStore
from tests.unit.services.given import a_client, the_client

TENANT = "tenant-1"


@pytest.fixture
def organisation(xero: FakeGateway) -> FakeGateway:
    """Xero with four contacts (one archived), two revenue accounts, a theme and a category."""
    xero.add_contact("City Limousines", contact_id="c-city", email="bookings@citylimo.co.uk")
    xero.add_contact("Acme Limited", contact_id="c-acme", contact_number="ACME")
    xero.add_contact("Beta Bakery", contact_id="c-beta", email="hello@beta.co.uk")
    xero.add_contact("Old Mill Farm", contact_id="c-mill", status="ARCHIVED")
    xero.add_account("200", "Sales")
    xero.add_account("210", "Consulting")
    xero.themes = [XeroBrandingTheme("b-1", "Standard")]
    xero.tracking = [
        XeroTrackingCategory("t-1", "Region", options=(XeroTrackingOption("o-1", "North"),))
    ]
    return xero


def run(store: FakeStore, xero: FakeGateway, clock: FakeClock, *, full: bool = False) -> SyncReport:
    return sync(store.open, xero, tenant_id=TENANT, clock=clock, full=full, monotonic=lambda: 0.0)


@pytest.fixture
def synced(store: FakeStore, organisation: FakeGateway, clock: FakeClock) -> FakeStore:
    """The practice's three clients, CITY LIMO, ACME and BETA, linked after a first sync."""
    a_client(store, "CITY", "CITY LIMO")
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery", email="accounts@beta.co.uk")
    run(store, organisation, clock)
    for reference, contact in (("CITY", "c-city"), ("ACME", "c-acme"), ("BETA", "c-beta")):
        link(store.open, reference, contact)
    return store


def test_a_first_sync_mirrors_the_whole_organisation(
    store: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    report = run(store, organisation, clock)

    view = store.view()
    assert (report.exit_code, report.full) == (0, True)
    assert (report.contacts, report.accounts, report.branding_themes) == (
        Tally(new=4),
        Tally(new=2),
        Tally(new=1),
    )
    assert [c.name for c in view.mirror.contacts()] == [
        "Acme Limited",
        "Beta Bakery",
        "City Limousines",
        "Old Mill Farm",
    ]
    assert [a.code for a in view.mirror.accounts()] == ["200", "210"]
    assert [t.name for t in view.mirror.branding_themes()] == ["Standard"]
    assert [c.options[0].name for c in view.mirror.tracking_categories()] == ["North"]
    state = view.mirror.sync_state(TENANT)
    assert state is not None
    assert state.contacts_modified_since == max(
        c.updated_at for c in organisation.contacts.values() if c.updated_at is not None
    )
    assert state.last_sync_at == clock.now()
    assert [p.outcome for p in report.phases] == ["done"] * 4 + ["skipped", "done"]


def test_the_next_sync_asks_only_for_what_changed_since(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    watermark = max(c.updated_at for c in organisation.contacts.values() if c.updated_at)
    organisation.edit_contact("c-city", name="City Limousines Ltd")
    organisation.edit_contact("c-beta", status="ARCHIVED")

    report = run(synced, organisation, clock)

    assert organisation.asked_since == [None, watermark]
    assert report.contacts == Tally(updated=1, archived=1)
    city = the_client(synced, "CITY")
    assert (city.name, city.xero_contact_name) == ("CITY LIMO", "City Limousines Ltd")


def test_a_contact_renamed_in_xero_shows_its_new_name_on_the_linked_client(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    run(synced, organisation, clock)  # the new links settle
    organisation.edit_contact("c-acme", name="Acme Group Limited")

    report = run(synced, organisation, clock)

    assert report.pushed == []
    acme = the_client(synced, "ACME")
    assert (acme.name, acme.xero_contact_name) == ("Acme Ltd", "Acme Group Limited")


def test_only_a_full_sync_forgets_the_accounts_xero_no_longer_lists(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    sales = next(a for a in organisation.accounts.values() if a.code == "200")
    del organisation.accounts[sales.account_id]

    incremental = run(synced, organisation, clock)
    codes_after_incremental = [a.code for a in synced.view().mirror.accounts()]
    full = run(synced, organisation, clock, full=True)

    assert (incremental.accounts.removed, codes_after_incremental) == (0, ["200", "210"])
    assert full.accounts.removed == 1
    assert [a.code for a in synced.view().mirror.accounts()] == ["210"]


def test_the_mirrors_branding_themes_become_exactly_xeros(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    organisation.themes = [XeroBrandingTheme("b-2", "Special", sort_order=1)]

    report = run(synced, organisation, clock)

    assert report.branding_themes == Tally(new=1, removed=1)
    assert [t.name for t in synced.view().mirror.branding_themes()] == ["Special"]


def test_a_new_link_fills_only_what_xero_leaves_empty(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    report = run(synced, organisation, clock)

    assert sorted(report.pushed, key=lambda p: p.reference) == [
        PushedClient("BETA", "c-beta", (FieldChange("contact_number", "", "BETA"),)),
        PushedClient("CITY", "c-city", (FieldChange("contact_number", "", "CITY"),)),
    ]
    city = organisation.contacts["c-city"]
    assert (city.name, city.contact_number) == ("City Limousines", "CITY")  # not renamed
    assert organisation.contacts["c-beta"].email == "hello@beta.co.uk"
    bases = {b.client_id: b for b in synced.view().mirror.pushed_clients()}
    assert bases[the_client(synced, "ACME").id or 0].name == "Acme Ltd"


def test_a_change_made_in_socket_is_pushed_and_one_made_in_xero_stays(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    run(synced, organisation, clock)
    edit_client(synced.open, "ACME", ClientChanges(email="ops@acme.co.uk"))
    organisation.edit_contact("c-city", name="City Limousines Ltd")

    report = run(synced, organisation, clock)

    assert report.pushed == [
        PushedClient("ACME", "c-acme", (FieldChange("email", "", "ops@acme.co.uk"),))
    ]
    assert report.conflicts == []
    assert organisation.contacts["c-acme"].email == "ops@acme.co.uk"
    assert organisation.contacts["c-city"].name == "City Limousines Ltd"
    city = the_client(synced, "CITY")
    assert (city.name, city.xero_contact_name) == ("CITY LIMO", "City Limousines Ltd")


def test_a_value_xero_had_when_the_link_was_made_is_no_change_made_in_xero(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    run(synced, organisation, clock)
    edit_client(synced.open, "CITY", ClientChanges(email="office@citylimo.co.uk"))

    report = run(synced, organisation, clock)

    assert organisation.contacts["c-city"].email == "office@citylimo.co.uk"
    assert report.conflicts == []  # Xero's bookings@ was there before the link, unchanged


def test_a_field_changed_on_both_sides_takes_sockets_value_and_reports_it(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    run(synced, organisation, clock)
    edit_client(synced.open, "ACME", ClientChanges(email="ops@acme.co.uk"))
    organisation.edit_contact("c-acme", email="accounts@acme.co.uk")

    report = run(synced, organisation, clock)

    assert report.conflicts == [
        SyncConflict("ACME", "c-acme", "email", "ops@acme.co.uk", "accounts@acme.co.uk", "")
    ]
    assert organisation.contacts["c-acme"].email == "ops@acme.co.uk"
    [mirrored] = synced.view().mirror.contacts_by_id(["c-acme"])
    assert mirrored.email == "ops@acme.co.uk"


def test_a_contact_archived_in_xero_is_not_written_to(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    organisation.edit_contact("c-city", status="ARCHIVED")

    report = run(synced, organisation, clock)

    assert [w for w in report.warnings if "CITY" in w] == [
        "CITY (CITY LIMO) is linked to 'City Limousines', which is archived in Xero: its "
        "details were not pushed; restore the contact in Xero or link the client to another"
    ]
    assert "CITY" not in [p.reference for p in report.pushed]
    assert organisation.contacts["c-city"].contact_number is None


def test_a_contact_xero_refuses_is_a_problem_of_its_client_only(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    run(synced, organisation, clock)
    edit_client(synced.open, "CITY", ClientChanges(name="Beta Bakery"))  # taken in Xero
    edit_client(synced.open, "ACME", ClientChanges(email="ops@acme.co.uk"))

    report = run(synced, organisation, clock)

    assert (report.exit_code, [p.subject for p in report.problems]) == (7, ["CITY"])
    assert [p.reference for p in report.pushed] == ["ACME"]
    assert organisation.contacts["c-city"].name == "City Limousines"
    state = synced.view().mirror.sync_state(TENANT)
    assert state is not None
    assert state.last_push_at == clock.now()


def test_the_day_limit_stops_the_run_and_keeps_the_phases_done_before(
    store: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    organisation.fail("GET /Accounts", XeroDayLimitReached(3600))

    report = run(store, organisation, clock)

    assert report.exit_code == 8
    assert [p.outcome for p in report.phases] == [
        "done",
        "failed",
        "not_run",
        "not_run",
        "not_run",
        "not_run",
    ]
    view = store.view()
    assert len(view.mirror.contacts()) == 4
    assert view.mirror.accounts() == []
    state = view.mirror.sync_state(TENANT)
    assert state is not None
    assert (state.contacts_synced_at, state.last_sync_at) == (clock.now(), None)
    assert report.calls == {"GET /Contacts": 1, "GET /Accounts": 1}


def test_a_store_failing_in_one_phase_keeps_the_phases_committed_before_it(
    store: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    store.fail("mirror.save_tracking_categories", OSError("disk full"))

    with pytest.raises(OSError, match="disk full"):
        run(store, organisation, clock)

    view = store.view()
    state = view.mirror.sync_state(TENANT)
    assert state is not None
    assert (state.themes_synced_at, state.tracking_synced_at) == (clock.now(), None)
    assert [t.name for t in view.mirror.branding_themes()] == ["Standard"]
    assert view.mirror.tracking_categories() == []


def test_with_xero_as_the_crm_each_unlinked_customer_becomes_a_client(
    store: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    a_client(store, "ACME", "Acme")  # Acme Limited's ContactNumber: linked, not made again
    set_setting(store.open, "crm", "xero")

    report = run(store, organisation, clock)

    assert report.created == [
        NewClient("ACME", "Acme Limited", "c-acme", linked_existing=True),
        NewClient("BETABAKE", "Beta Bakery", "c-beta"),
        NewClient("CITYLIMO", "City Limousines", "c-city"),
    ]
    assert the_client(store, "BETABAKE").xero_contact_id == "c-beta"
    assert the_client(store, "ACME").name == "Acme Limited"


def test_the_mirror_view_is_the_connected_organisations(
    synced: FakeStore, organisation: FakeGateway, clock: FakeClock
) -> None:
    with synced.open(write=True) as uow:
        uow.settings.set("xero_tenant_id", TENANT)
        uow.commit()

    view = mirror(synced.open)

    assert [a.name for a in view.accounts] == ["Sales", "Consulting"]
    assert view.accounts_synced_at == clock.now()


def test_a_sync_with_another_organisation_forgets_the_first(
    synced: FakeStore, clock: FakeClock
) -> None:
    other = FakeGateway(tenant_id="tenant-2")
    other.add_contact("Zenith Holdings", contact_id="c-zen")

    sync(synced.open, other, tenant_id="tenant-2", clock=clock)

    view = synced.view()
    assert [c.contact_id for c in view.mirror.contacts()] == ["c-zen"]
    assert (view.mirror.accounts(), view.mirror.sync_state(TENANT)) == ([], None)

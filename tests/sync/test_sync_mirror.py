"""`socket sync` pulls the organisation into the store: everything the first time, then only
what changed, with no more than one call per endpoint when nothing did."""

from __future__ import annotations

from socketcli.sandbox import Sandbox
from tests.runner import Socket
from tests.sync.sync_helpers import DEMO_CONTACTS, Store, contact_named

EVERY_PULL = {
    "GET /Contacts": 1,
    "GET /Accounts": 1,
    "GET /BrandingThemes": 1,
    "GET /TrackingCategories": 1,
}


def test_a_first_sync_mirrors_the_organisation_and_a_second_asks_each_endpoint_once(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    first = socket.json("sync")

    assert first["exit_code"] == 0
    assert first["full"] is True
    assert first["calls"] == EVERY_PULL
    assert first["contacts"]["new"] == len(DEMO_CONTACTS)
    assert first["accounts"]["new"] == 4  # 200, 250 (archived), 260, 270: revenue only
    assert connected.call_counts() == EVERY_PULL  # nothing else reached Xero
    with store.uow() as uow:
        contacts = {c.name: c for c in uow.mirror.contacts()}
        accounts = {a.code: a for a in uow.mirror.accounts()}
        themes = [t.name for t in uow.mirror.branding_themes()]
        (region,) = uow.mirror.tracking_categories()
        state = uow.mirror.sync_state(connected.tenant_id)
    assert len(contacts) == len(DEMO_CONTACTS)
    assert contacts["Thompson Haulage Ltd"].status == "ARCHIVED"
    assert contacts["City Limousines"].email == "accounts@citylimousines.co.uk"
    assert sorted(accounts) == ["200", "250", "260", "270"]
    assert (accounts["200"].name, accounts["200"].tax_type) == ("Sales", "OUTPUT2")
    assert accounts["250"].archived
    assert themes == ["Standard", "Special Projects"]
    assert region.name == "Region"
    assert [(o.name, o.status) for o in region.options] == [
        ("North", "ACTIVE"),
        ("South", "ACTIVE"),
        ("West (closed)", "ARCHIVED"),
    ]
    assert state is not None
    assert state.contacts_modified_since is not None
    assert state.last_sync_at is not None

    connected.clear_calls()
    second = socket.json("sync")

    assert second["exit_code"] == 0
    assert second["full"] is False
    assert second["calls"] == EVERY_PULL
    assert connected.call_counts() == EVERY_PULL
    for pulled in ("contacts", "accounts"):
        assert second[pulled] == {
            "new": 0,
            "updated": 0,
            "archived": 0,
            "removed": 0,
            "unchanged": 0,
        }
    assert second["branding_themes"]["unchanged"] == 2
    assert second["clients_pushed"] == []


def test_a_contact_changed_in_xero_is_picked_up_by_the_next_sync(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("sync")
    city = contact_named(connected, "City Limousines")
    connected.edit_contacts(
        {
            "ContactID": city["ContactID"],
            "Name": "City Limousines (UK)",
            "EmailAddress": "ops@citylimos.co.uk",
        }
    )

    report = socket.json("sync")

    assert report["contacts"] == {
        "new": 0,
        "updated": 1,
        "archived": 0,
        "removed": 0,
        "unchanged": 0,
    }
    assert report["calls"]["GET /Contacts"] == 1
    with store.uow() as uow:
        (mirrored,) = uow.mirror.contacts_by_id([city["ContactID"]])
    assert (mirrored.name, mirrored.email) == ("City Limousines (UK)", "ops@citylimos.co.uk")


def test_a_contact_archived_in_xero_is_seen_and_marked_archived(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("sync")
    pottery = contact_named(connected, "Peak District Pottery Ltd")
    connected.archive_contact(pottery["ContactID"])

    report = socket.json("sync")

    assert report["contacts"]["archived"] == 1
    with store.uow() as uow:
        (mirrored,) = uow.mirror.contacts_by_id([pottery["ContactID"]])
    assert mirrored.status == "ARCHIVED"


def test_a_linked_client_whose_contact_is_archived_is_not_pushed_and_is_warned_about(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok(
        "clients", "add", "PEAK", "Peak District Pottery", "--email", "studio@peakpottery.co.uk"
    )
    pottery = contact_named(connected, "Peak District Pottery Ltd")
    store.link("PEAK", pottery["ContactID"])
    connected.archive_contact(pottery["ContactID"])

    result = socket.ok("sync", "--quiet")

    assert result.stdout == ""
    assert (
        "warning: PEAK (Peak District Pottery) is linked to 'Peak District Pottery Ltd', which is archived in Xero"
        in result.stderr
    )
    assert "POST /Contacts" not in connected.call_counts()
    assert contact_named(connected, "Peak District Pottery Ltd").get("ContactNumber") is None


def test_a_contact_merged_in_xero_is_mirrored_archived_with_the_contact_it_went_into(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("sync")
    pottery = contact_named(connected, "Peak District Pottery Ltd")
    (studio,) = connected.edit_contacts({"Name": "Peak District Pottery Studio"})
    connected.merge_contact(pottery["ContactID"], studio["ContactID"])

    report = socket.json("sync")

    assert (report["contacts"]["new"], report["contacts"]["archived"]) == (1, 1)
    with store.uow() as uow:
        (mirrored,) = uow.mirror.contacts_by_id([pottery["ContactID"]])
    assert (mirrored.status, mirrored.merged_to) == ("ARCHIVED", studio["ContactID"])
    assert mirrored.merged


def test_a_linked_client_whose_contact_was_merged_is_told_where_it_went(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("clients", "add", "PEAK", "Peak District Pottery")
    pottery = contact_named(connected, "Peak District Pottery Ltd")
    store.link("PEAK", pottery["ContactID"])
    (studio,) = connected.edit_contacts({"Name": "Peak District Pottery Studio"})
    connected.merge_contact(pottery["ContactID"], studio["ContactID"])

    result = socket.ok("sync", "--quiet")

    assert (
        "warning: PEAK (Peak District Pottery) is linked to 'Peak District Pottery Ltd', which was "
        "merged into 'Peak District Pottery Studio' in Xero: its details were not pushed; link "
        "the client to 'Peak District Pottery Studio'"
    ) in result.stderr
    assert "POST /Contacts" not in connected.call_counts()


def test_full_pulls_everything_again_and_forgets_an_account_xero_no_longer_lists(
    socket: Socket, connected: Sandbox, store: Store
) -> None:
    socket.ok("sync")
    with connected.app.lock:
        organisation = connected.app.state.organisations[connected.tenant_id]
        organisation.accounts = [a for a in organisation.accounts if a["Code"] != "270"]

    report = socket.json("sync", "--full")

    assert report["full"] is True
    assert report["contacts"]["unchanged"] == len(DEMO_CONTACTS)
    assert report["accounts"]["removed"] == 1
    with store.uow() as uow:
        assert sorted(a.code for a in uow.mirror.accounts()) == ["200", "250", "260"]

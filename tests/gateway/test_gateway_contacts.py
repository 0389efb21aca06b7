"""Contacts through the gateway: paging, If-Modified-Since, archived ones, creating and
updating in batches, and Xero's unique-name rule as the project's own error."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.ports.xero import (
    ContactChange,
    NewContact,
    XeroContactRecord,
    XeroDuplicateContactName,
    XeroValidationError,
)
from socketcli.sandbox import Sandbox
from tests.gateway.gateway_helpers import many_contacts


def test_listing_2500_contacts_takes_three_pages_of_1000(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.seed_contacts(many_contacts(2494))  # with the six of the demo list: 2,500

    contacts = gateway.list_contacts()

    assert len(contacts) == 2500
    assert len({c.contact_id for c in contacts}) == 2500
    assert gateway.call_counts == {"GET /Contacts": 3}
    assert xero.call_counts() == {"GET /Contacts": 3}
    queries = [dict(p.split("=") for p in c.query.lower().split("&")) for c in xero.calls()]
    assert [q["page"] for q in queries] == ["1", "2", "3"]
    assert {(q["pagesize"], q["includearchived"]) for q in queries} == {("1000", "true")}


def test_a_contact_comes_with_the_fields_the_mirror_keeps(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.edit_contacts(
        {
            "ContactID": xero.contact_named("City Limousines")["ContactID"],  # type: ignore[index]
            "ContactNumber": "CLI003",
            "AccountNumber": "ACC-3",
        }
    )

    found = {c.name: c for c in gateway.list_contacts()}

    city = found["City Limousines"]
    assert isinstance(city, XeroContactRecord)
    assert (city.email, city.contact_number, city.account_number, city.status) == (
        "office@citylimos.co.uk",
        "CLI003",
        "ACC-3",
        "ACTIVE",
    )
    assert city.is_customer is False  # no sales invoice yet
    assert city.updated_at is not None
    assert city.updated_at.tzinfo is not None
    assert abs(city.updated_at - xero.now()) < timedelta(minutes=1)


def test_archived_contacts_are_included_and_can_be_left_out(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    atlas = xero.contact_named("Atlas Logistics Ltd")
    assert atlas is not None
    xero.archive_contact(atlas["ContactID"])

    everyone = {c.name: c.status for c in gateway.list_contacts()}
    active = {c.name for c in gateway.list_contacts(include_archived=False)}

    assert everyone["Atlas Logistics Ltd"] == "ARCHIVED"
    assert everyone["Thompson Haulage Ltd"] == "ARCHIVED"
    assert len(everyone) == 6
    assert active == {
        "Bramble & Rose Florists",
        "City Limousines",
        "Harbour View B&B",
        "Smith and Sons Limited",
    }


def test_a_merged_contact_comes_archived_with_the_contact_it_went_into(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    atlas = xero.contact_named("Atlas Logistics Ltd")
    city = xero.contact_named("City Limousines")
    assert atlas is not None
    assert city is not None
    xero.merge_contact(atlas["ContactID"], city["ContactID"])

    found = {c.name: c for c in gateway.list_contacts()}

    assert (found["Atlas Logistics Ltd"].status, found["Atlas Logistics Ltd"].merged_to) == (
        "ARCHIVED",
        city["ContactID"],
    )
    assert found["Atlas Logistics Ltd"].merged
    assert not found["City Limousines"].merged


def test_modified_since_returns_only_contacts_changed_after_it(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    xero.seed_contacts(many_contacts(1500))
    first = gateway.list_contacts()
    since = max(c.updated_at for c in first if c.updated_at is not None)
    xero.advance_clock(5)
    city = xero.contact_named("City Limousines")
    assert city is not None
    xero.edit_contacts({"ContactID": city["ContactID"], "EmailAddress": "new@citylimos.co.uk"})
    xero.archive_contact(xero.contact_named("Client 00007 Ltd")["ContactID"])  # type: ignore[index]

    changed = gateway.list_contacts(modified_since=since)

    assert sorted((c.name, c.email, c.status) for c in changed) == [
        ("City Limousines", "new@citylimos.co.uk", "ACTIVE"),
        ("Client 00007 Ltd", "accounts7@client7.example", "ARCHIVED"),
    ]
    assert gateway.call_counts == {"GET /Contacts": 3}  # two pages, then one
    assert gateway.list_contacts(modified_since=xero.now() + timedelta(seconds=1)) == []


def test_modified_since_must_be_an_aware_moment(gateway: XeroPythonGateway) -> None:
    with pytest.raises(ValueError, match="aware"):
        gateway.list_contacts(modified_since=datetime(2026, 11, 1, 9, 0))
    assert gateway.total_calls == 0


def test_creating_contacts_returns_their_ids(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    ids = gateway.create_contacts(
        [
            NewContact("Northwind Bakery Ltd", "hello@northwind.example", contact_number="CLI101"),
            NewContact("Orchard Dental LLP"),
        ]
    )

    made = {c["ContactID"]: c for c in xero.contacts()}
    assert [made[i]["Name"] for i in ids] == ["Northwind Bakery Ltd", "Orchard Dental LLP"]
    assert made[ids[0]]["EmailAddress"] == "hello@northwind.example"
    assert made[ids[0]]["ContactNumber"] == "CLI101"
    assert gateway.call_counts == {"PUT /Contacts": 1}


def test_contacts_go_50_to_a_request(gateway: XeroPythonGateway, xero: Sandbox) -> None:
    wanted = [NewContact(f"Batch Client {n:03d}") for n in range(120)]

    ids = gateway.create_contacts(wanted, idempotency_key="sync-2026-11-21/create")

    assert len(ids) == 120
    assert len(xero.contacts()) == 126
    assert gateway.call_counts == {"PUT /Contacts": 3}
    keys = {i["key"] for i in xero.state()["organisations"][0]["idempotency"]}
    assert keys >= {
        "sync-2026-11-21/create#1/3",
        "sync-2026-11-21/create#2/3",
        "sync-2026-11-21/create#3/3",
    }


def test_updating_contacts_changes_only_the_fields_given(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    city = xero.contact_named("City Limousines")
    harbour = xero.contact_named("Harbour View B&B")
    assert city is not None
    assert harbour is not None

    ids = gateway.update_contacts(
        [
            ContactChange(city["ContactID"], email="billing@citylimos.co.uk"),
            ContactChange(
                harbour["ContactID"], name="Harbour View Guest House", contact_number="CLI9"
            ),
        ]
    )

    assert ids == [city["ContactID"], harbour["ContactID"]]
    after_city = xero.contact_named("City Limousines")
    after_harbour = xero.contact_named("Harbour View Guest House")
    assert after_city is not None
    assert after_harbour is not None
    assert after_city["EmailAddress"] == "billing@citylimos.co.uk"
    assert after_harbour["EmailAddress"] == "stay@harbourviewbandb.co.uk"
    assert after_harbour["ContactNumber"] == "CLI9"
    assert gateway.call_counts == {"POST /Contacts": 1}


def test_a_duplicate_name_is_refused_naming_the_contact(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    before = len(xero.contacts())

    with pytest.raises(XeroDuplicateContactName) as refused:
        gateway.create_contacts([NewContact("New Client Ltd"), NewContact("city limousines")])

    assert refused.value.names == ("city limousines",)
    message = str(refused.value)
    assert "city limousines" in message
    assert "already assigned to another contact" in message
    assert isinstance(refused.value, XeroValidationError)
    assert len(xero.contacts()) == before  # the batch is all or nothing
    assert gateway.call_counts == {"PUT /Contacts": 1}  # a refusal is not retried


def test_renaming_onto_another_contacts_name_is_refused(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    harbour = xero.contact_named("Harbour View B&B")
    assert harbour is not None

    with pytest.raises(XeroDuplicateContactName, match="Smith and Sons Limited"):
        gateway.update_contacts(
            [ContactChange(harbour["ContactID"], name="Smith and Sons Limited")]
        )


def test_a_refusal_in_a_later_batch_says_what_earlier_batches_saved(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    wanted = [NewContact(f"Batch Client {n:03d}") for n in range(60)]
    wanted[55] = NewContact("Atlas Logistics Ltd")

    with pytest.raises(XeroDuplicateContactName) as refused:
        gateway.create_contacts(wanted)

    assert len(refused.value.done) == 50
    assert len(xero.contacts()) == 56


def test_an_archived_contacts_name_may_be_used_again(
    gateway: XeroPythonGateway, xero: Sandbox
) -> None:
    ids = gateway.create_contacts([NewContact("Thompson Haulage Ltd")])

    statuses = sorted(
        c["ContactStatus"] for c in xero.contacts() if c["Name"] == "Thompson Haulage Ltd"
    )
    assert len(ids) == 1
    assert statuses == ["ACTIVE", "ARCHIVED"]

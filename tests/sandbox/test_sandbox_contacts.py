"""Contacts in the sandbox Xero, through the real SDK: paging, If-Modified-Since, archived
contacts, and the rule that names are unique among active contacts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from xero_python.accounting import Contact, Contacts
from xero_python.exceptions import (
    AccountingBadRequestException,
    HTTPStatusException,
    NotFoundException,
)

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, http

ACTIVE = [
    "Atlas Logistics Ltd",
    "Bramble & Rose Florists",
    "City Limousines",
    "Harbour View B&B",
    "Smith and Sons Limited",
]


def test_contacts_come_in_pages_of_the_size_asked_for(sdk: Sdk, xero: Sandbox) -> None:
    pages = [sdk.accounting.get_contacts(xero.tenant_id, page=n, page_size=2) for n in (1, 2, 3, 4)]

    assert [[c.name for c in p.contacts] for p in pages] == [
        ACTIVE[0:2],
        ACTIVE[2:4],
        ACTIVE[4:],
        [],
    ]
    pagination = pages[0].pagination
    assert (
        pagination.page,
        pagination.page_size,
        pagination.page_count,
        pagination.item_count,
    ) == (1, 2, 3, 5)
    assert pages[2].pagination.page == 3


def test_a_page_holds_at_most_a_thousand_contacts(sdk: Sdk, xero: Sandbox) -> None:
    xero.seed_contacts({"Name": f"Client {n:04d}"} for n in range(1200))

    first = sdk.accounting.get_contacts(xero.tenant_id, page=1, page_size=5000)
    default = sdk.accounting.get_contacts(xero.tenant_id, page=1)

    assert (first.pagination.page_size, len(first.contacts), first.pagination.page_count) == (
        1000,
        1000,
        2,
    )
    assert (default.pagination.page_size, len(default.contacts)) == (100, 100)


def test_archived_contacts_come_only_when_asked_for(sdk: Sdk, xero: Sandbox) -> None:
    without = sdk.accounting.get_contacts(xero.tenant_id, page=1)
    with_archived = sdk.accounting.get_contacts(xero.tenant_id, page=1, include_archived=True)

    assert "Thompson Haulage Ltd" not in [c.name for c in without.contacts]
    archived = [c for c in with_archived.contacts if c.name == "Thompson Haulage Ltd"]
    assert [c.contact_status for c in archived] == ["ARCHIVED"]
    assert with_archived.pagination.item_count == 6


def test_if_modified_since_returns_only_what_changed_later(sdk: Sdk, xero: Sandbox) -> None:
    first = sdk.accounting.get_contacts(xero.tenant_id, page=1, include_archived=True)
    since = max(c.updated_date_utc for c in first.contacts)
    xero.advance_clock(600)
    city = next(c for c in first.contacts if c.name == "City Limousines")
    sdk.accounting.update_contact(
        xero.tenant_id,
        city.contact_id,
        Contacts(contacts=[Contact(email_address="bookings@citylimos.co.uk")]),
    )
    sdk.accounting.create_contacts(
        xero.tenant_id, Contacts(contacts=[Contact(name="Nova Dental Ltd")])
    )
    archived_in_xero = xero.archive_contact(
        next(c.contact_id for c in first.contacts if c.name == "Harbour View B&B")
    )

    changed = sdk.accounting.get_contacts(
        xero.tenant_id, page=1, include_archived=True, if_modified_since=since
    )

    assert sorted(c.name for c in changed.contacts) == [
        "City Limousines",
        "Harbour View B&B",
        "Nova Dental Ltd",
    ]
    assert archived_in_xero["ContactStatus"] == "ARCHIVED"
    assert all(c.updated_date_utc > since for c in changed.contacts)
    assert (
        next(c for c in changed.contacts if c.name == "City Limousines").email_address
        == "bookings@citylimos.co.uk"
    )
    nothing = sdk.accounting.get_contacts(
        xero.tenant_id,
        page=1,
        include_archived=True,
        if_modified_since=xero.now() + timedelta(seconds=1),
    )
    assert nothing.contacts == []


def test_a_name_already_used_by_an_active_contact_is_refused(sdk: Sdk, xero: Sandbox) -> None:
    before = len(xero.contacts())

    with pytest.raises(AccountingBadRequestException) as raised:
        sdk.accounting.create_contacts(
            xero.tenant_id,
            Contacts(
                contacts=[Contact(name="Payroll Partners Ltd"), Contact(name="city limousines")]
            ),
        )

    message = (
        "The contact name city limousines is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )
    assert raised.value.reason == message
    assert raised.value.error_data["Type"] == "ValidationException"
    assert len(xero.contacts()) == before  # nothing of the batch was saved


def test_an_archived_contacts_name_can_be_used_again(sdk: Sdk, xero: Sandbox) -> None:
    made = sdk.accounting.create_contacts(
        xero.tenant_id, Contacts(contacts=[Contact(name="Thompson Haulage Ltd")])
    )

    assert made.contacts[0].contact_status == "ACTIVE"
    assert [c["ContactStatus"] for c in xero.contacts() if c["Name"] == "Thompson Haulage Ltd"] == [
        "ARCHIVED",
        "ACTIVE",
    ]


def test_without_summarized_errors_the_good_contacts_are_saved(sdk: Sdk, xero: Sandbox) -> None:
    answer = sdk.accounting.update_or_create_contacts(
        xero.tenant_id,
        Contacts(contacts=[Contact(name="Payroll Partners Ltd"), Contact(name="City Limousines")]),
        summarize_errors=False,
    )

    assert [c.has_validation_errors for c in answer.contacts] == [False, True]
    assert (
        answer.contacts[1]
        .validation_errors[0]
        .message.startswith("The contact name City Limousines")
    )
    assert xero.contact_named("Payroll Partners Ltd") is not None


def test_one_contact_by_its_id_or_a_404(sdk: Sdk, xero: Sandbox) -> None:
    atlas = xero.contact_named("Atlas Logistics Ltd")
    assert atlas is not None

    found = sdk.accounting.get_contact(xero.tenant_id, atlas["ContactID"]).contacts[0]
    by_number = sdk.accounting.get_contact_by_contact_number(xero.tenant_id, "CLI039").contacts[0]

    assert (found.name, found.contact_number, by_number.contact_id) == (
        "Atlas Logistics Ltd",
        "CLI039",
        atlas["ContactID"],
    )
    with pytest.raises(NotFoundException):
        sdk.accounting.get_contact(xero.tenant_id, "00000000-0000-0000-0000-000000000001")


def test_a_merged_contact_names_where_it_went_in_pages_and_by_id_only(
    sdk: Sdk, xero: Sandbox
) -> None:
    atlas = xero.contact_named("Atlas Logistics Ltd")
    city = xero.contact_named("City Limousines")
    assert atlas is not None
    assert city is not None
    before = atlas["UpdatedDateUTC"]
    xero.advance_clock(5)

    merged = xero.merge_contact(atlas["ContactID"], city["ContactID"])

    assert merged["ContactStatus"] == "ARCHIVED"
    assert merged["UpdatedDateUTC"] != before

    def atlas_in(contacts: Contacts) -> Contact:
        return next(c for c in contacts.contacts if c.contact_id == atlas["ContactID"])

    paged = sdk.accounting.get_contacts(xero.tenant_id, page=1, include_archived=True)
    unpaged = sdk.accounting.get_contacts(xero.tenant_id, include_archived=True)
    one = sdk.accounting.get_contact(xero.tenant_id, atlas["ContactID"])
    assert atlas_in(paged).contact_status == "ARCHIVED"
    assert atlas_in(paged).merged_to_contact_id == city["ContactID"]
    assert atlas_in(one).merged_to_contact_id == city["ContactID"]
    assert atlas_in(unpaged).merged_to_contact_id is None


def test_every_call_needs_a_token_and_an_organisation(sdk: Sdk, xero: Sandbox) -> None:
    no_token = http("GET", f"{xero.api_url}/Contacts", headers={"xero-tenant-id": xero.tenant_id})
    assert no_token.status == 401
    assert no_token.json()["Title"] == "Unauthorized"

    bearer = {"Authorization": f"Bearer {sdk.token['access_token']}"}
    no_tenant = http("GET", f"{xero.api_url}/Contacts", headers=bearer)
    assert (no_tenant.status, no_tenant.json()["Detail"]) == (403, "AuthenticationUnsuccessful")

    with pytest.raises(HTTPStatusException) as raised:
        sdk.accounting.get_contacts("11111111-2222-3333-4444-555555555555")
    assert raised.value.status == 403


def test_a_token_without_the_contacts_scope_cannot_read_contacts(xero: Sandbox) -> None:
    token = xero.issue_token(scope="accounting.settings.read")
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": xero.tenant_id}

    assert http("GET", f"{xero.api_url}/Contacts", headers=headers).status == 401
    assert http("GET", f"{xero.api_url}/Accounts", headers=headers).status == 200


def test_summary_only_leaves_out_the_heavy_fields(sdk: Sdk, xero: Sandbox) -> None:
    full = sdk.accounting.get_contacts(xero.tenant_id, page=1).contacts[0]
    summary = sdk.accounting.get_contacts(xero.tenant_id, page=1, summary_only=True).contacts[0]

    assert full.addresses is not None
    assert summary.addresses is None
    assert summary.name == full.name

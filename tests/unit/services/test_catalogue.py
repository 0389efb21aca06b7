"""The pricing menu: adding and editing services."""

from __future__ import annotations

import pytest

from socketcli.domain.errors import Conflict, InvalidInput, NotFound
from socketcli.domain.model import BillingMethod
from socketcli.ports.xero import XeroAccount, XeroTrackingCategory, XeroTrackingOption
from socketcli.services.catalogue import add_service, edit_service, list_services
from tests.fakes import FakeStore
from tests.unit.services.given import a_service, the_service


def mirror_accounts(store: FakeStore, *accounts: XeroAccount) -> None:
    with store.open(write=True) as uow:
        uow.mirror.save_accounts("tenant-1", accounts, complete=True)
        uow.commit()


def test_a_new_service_is_stored_with_its_billing_method_and_an_id(store: FakeStore) -> None:
    added = add_service(store.open, "  VAT   returns ", "Quarterly in advance", account_code="210")

    stored = the_service(store, "vat returns")
    assert stored == added
    assert stored.id is not None
    assert (stored.name, stored.billing_method, stored.account_code) == (
        "VAT returns",
        BillingMethod.QUARTERLY_IN_ADVANCE,
        "210",
    )


def test_a_service_named_as_one_that_exists_whatever_its_case_is_refused(store: FakeStore) -> None:
    a_service(store, "Bookkeeping")
    commits = store.commits

    with pytest.raises(Conflict, match="already exists"):
        add_service(store.open, "BOOKKEEPING", "quarterly_in_advance")

    assert store.commits == commits
    assert [s.billing_method for s in store.view().services.all()] == [BillingMethod.MONTHLY]


def test_an_unknown_billing_method_stores_nothing(store: FakeStore) -> None:
    with pytest.raises(InvalidInput, match="fortnightly"):
        add_service(store.open, "Payroll", "fortnightly")

    assert store.commits == 0
    assert store.view().services.all() == []


def test_only_a_monthly_service_can_carry_an_alignment_fee(store: FakeStore) -> None:
    with pytest.raises(InvalidInput, match="only a service billed monthly"):
        add_service(store.open, "Accounts", "annual_in_advance", alignment=True)

    assert store.view().services.get("Accounts") is None


def test_an_account_code_must_be_an_active_revenue_account_once_the_mirror_has_them(
    store: FakeStore,
) -> None:
    mirror_accounts(
        store,
        XeroAccount("a-1", "SALES", "Sales"),
        XeroAccount("a-2", "OLD", "Old sales", status="ARCHIVED"),
    )

    with pytest.raises(InvalidInput, match="archived in Xero"):
        add_service(store.open, "Payroll", "monthly", account_code="old")
    added = add_service(store.open, "Bookkeeping", "monthly", account_code="sales")

    assert added.account_code == "SALES"  # as Xero writes it
    assert [s.name for s in store.view().services.all()] == ["Bookkeeping"]


def test_a_tracking_category_is_checked_against_the_mirror(store: FakeStore) -> None:
    with store.open(write=True) as uow:
        uow.mirror.save_tracking_categories(
            "tenant-1",
            [XeroTrackingCategory("t-1", "Region", options=(XeroTrackingOption("o-1", "North"),))],
        )
        uow.commit()

    with pytest.raises(InvalidInput, match="not an option"):
        add_service(store.open, "Payroll", "monthly", tracking="Region:South")
    added = add_service(store.open, "Bookkeeping", "monthly", tracking="region : north")

    assert added.tracking_category == "Region:North"
    assert store.view().services.get("Payroll") is None


def test_editing_a_service_changes_only_what_is_given(store: FakeStore) -> None:
    before = a_service(store, "Bookkeeping", account_code="200", alignment=True)

    edited = edit_service(store.open, "bookkeeping", account_code="210")

    assert edited == store.view().services.get("Bookkeeping")
    assert edited.id == before.id
    assert (edited.account_code, edited.alignment_eligible, edited.billing_method) == (
        "210",
        True,
        BillingMethod.MONTHLY,
    )


def test_an_empty_account_code_clears_it(store: FakeStore) -> None:
    a_service(store, "Bookkeeping", account_code="200")

    edit_service(store.open, "Bookkeeping", account_code=" ")

    stored = the_service(store, "Bookkeeping")
    assert stored.account_code is None


def test_a_service_with_an_alignment_fee_cannot_become_quarterly(store: FakeStore) -> None:
    a_service(store, "Accounts", alignment=True)
    commits = store.commits

    with pytest.raises(InvalidInput, match="alignment fee"):
        edit_service(store.open, "Accounts", method="quarterly_in_advance")

    assert store.commits == commits
    stored = the_service(store, "Accounts")
    assert stored.billing_method is BillingMethod.MONTHLY


def test_editing_a_service_that_does_not_exist_is_not_found(store: FakeStore) -> None:
    with pytest.raises(NotFound, match="services list"):
        edit_service(store.open, "Payroll", alignment=True)

    assert store.commits == 0


def test_services_are_listed_by_name_whatever_their_case(store: FakeStore) -> None:
    for name in ("payroll", "Bookkeeping", "annual accounts"):
        a_service(store, name)

    assert [s.name for s in list_services(store.open)] == [
        "annual accounts",
        "Bookkeeping",
        "payroll",
    ]

"""Practice settings: every key shown with its value, one set at a time after checking it."""

from __future__ import annotations

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.settings import SETTINGS
from socketcli.ports.xero import XeroAccount
from socketcli.services.settings import set_setting, setting_values, show_settings
from tests.fakes import FakeStore


def test_a_new_store_shows_every_setting_at_its_default(store: FakeStore) -> None:
    views = show_settings(store.open)

    assert [v.key for v in views] == [spec.key for spec in SETTINGS]
    assert all(v.is_default for v in views)
    assert {v.key: v.value for v in views}["payment_terms"] == "days:14"


def test_setting_a_value_stores_it_as_the_setting_writes_it(store: FakeStore) -> None:
    view = set_setting(store.open, "consolidate_recurring", " Yes ")

    assert (view.value, view.is_default) == ("true", False)
    assert setting_values(store.open) == {"consolidate_recurring": "true"}


def test_a_setting_shown_after_it_is_set_has_the_new_value(store: FakeStore) -> None:
    set_setting(store.open, "payment_terms", "FOLLOWING:20")

    shown = {v.key: v for v in show_settings(store.open)}

    assert shown["payment_terms"].value == "following:20"
    assert shown["invoice_day"].is_default


@pytest.mark.parametrize(
    ("key", "value", "complaint"),
    [
        ("colour", "blue", "unknown setting"),
        ("playground", "true", "cannot be set by hand"),
        ("invoice_day", "0", "day of the month"),
        ("posting_status", "SENT", "expected one of"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_is_stored(
    store: FakeStore, key: str, value: str, complaint: str
) -> None:
    with pytest.raises(InvalidInput, match=complaint):
        set_setting(store.open, key, value)

    assert store.commits == 0
    assert setting_values(store.open) == {}


def test_an_account_code_setting_must_be_a_revenue_account_the_mirror_holds(
    store: FakeStore,
) -> None:
    with store.open(write=True) as uow:
        uow.mirror.save_accounts("tenant-1", [XeroAccount("a-1", "SALES", "Sales")], complete=True)
        uow.commit()

    with pytest.raises(InvalidInput, match="not one of the organisation's revenue accounts"):
        set_setting(store.open, "recurring_account_code", "200")
    set_setting(store.open, "recurring_account_code", "sales")

    assert setting_values(store.open) == {"recurring_account_code": "SALES"}

"""The history on SQLite: appended in the unit of work's transaction, read back newest first
by its filters, kept in UTC, and never changed nor deleted (the store refuses both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.domain.history import (
    HistoryKind,
    HistoryQuery,
    LinkHow,
    approved,
    linked,
    setting_changed,
)
from socketcli.domain.months import Month
from tests.integration.conftest import NOW, Store

DECEMBER = Month(2026, 12)


def record(store: Store, *events, at: datetime = NOW, actor: str = "ann") -> None:
    with SqlUnitOfWork(store.engine, FixedClock(at), write=True, actor=actor) as uow:
        uow.history.record(*events)
        uow.commit()


def read(store: Store, **query) -> list[tuple[str, str, str]]:
    with SqlUnitOfWork(store.engine, FixedClock(NOW)) as uow:
        return [(e.kind.value, e.by, e.summary) for e in uow.history.entries(HistoryQuery(**query))]


def test_entries_read_back_newest_first_with_who_when_and_their_details(store: Store):
    record(store, setting_changed("invoice_day", None, "5"), at=NOW)
    record(
        store,
        approved(DECEMBER, invoices=2, total=Decimal("175.00"), by="plan_mode auto"),
        at=NOW + timedelta(hours=1),
    )

    with SqlUnitOfWork(store.engine, FixedClock(NOW)) as uow:
        newest, oldest = uow.history.entries(HistoryQuery())

    assert (newest.kind, newest.by, newest.at, newest.month) == (
        HistoryKind.APPROVAL,
        "plan_mode auto",
        NOW + timedelta(hours=1),
        DECEMBER,
    )
    assert newest.details == {"invoices": 2, "outstanding": False, "total": "175.00"}
    assert (oldest.by, oldest.at, oldest.month) == ("ann", NOW, None)


def test_a_time_with_an_offset_is_kept_in_utc(store: Store):
    sydney_morning = datetime(2026, 11, 22, 8, 0, tzinfo=timezone(timedelta(hours=11)))
    record(store, setting_changed("invoice_day", None, "5"), at=sydney_morning)

    with SqlUnitOfWork(store.engine, FixedClock(NOW)) as uow:
        [entry] = uow.history.entries(HistoryQuery())
        since_after = uow.history.count(
            HistoryQuery(since=datetime(2026, 11, 21, 21, 1, tzinfo=UTC))
        )

    assert entry.at == datetime(2026, 11, 21, 21, 0, tzinfo=UTC)
    assert since_after == 0


def test_the_filters_select_by_kind_month_client_and_time_and_the_limit_the_newest(
    store: Store,
):
    acme = linked("ACME", "Acme Ltd", contact_id="c-1", contact_name="Acme", how=LinkHow.BY_HAND)
    for hour in range(3):
        record(
            store, setting_changed("invoice_day", None, str(hour)), at=NOW + timedelta(hours=hour)
        )
    record(store, acme, at=NOW + timedelta(hours=3))
    record(store, approved(DECEMBER, invoices=1, total=Decimal("1")), at=NOW + timedelta(hours=4))

    assert [k for k, _, _ in read(store)] == ["approval", "link", "setting", "setting", "setting"]
    assert read(store, kinds=frozenset({HistoryKind.LINK, HistoryKind.APPROVAL})) == [
        ("approval", "ann", "approved Dec 2026: 1 invoice, 1.00"),
        ("link", "ann", "linked ACME to Xero contact 'Acme'"),
    ]
    assert [k for k, _, _ in read(store, month=DECEMBER)] == ["approval"]
    assert [k for k, _, _ in read(store, client_reference="ACME")] == ["link"]
    assert len(read(store, since=NOW + timedelta(hours=2))) == 3
    assert [s for _, _, s in read(store, kinds=frozenset({HistoryKind.SETTING}), limit=2)] == [
        "invoice_day: (default) -> '2'",
        "invoice_day: (default) -> '1'",
    ]
    with SqlUnitOfWork(store.engine, FixedClock(NOW)) as uow:
        assert uow.history.count(HistoryQuery(kinds=frozenset({HistoryKind.SETTING}))) == 3


def test_an_entry_of_a_unit_of_work_left_without_commit_is_not_kept(store: Store):
    with SqlUnitOfWork(store.engine, FixedClock(NOW), write=True, actor="ann") as uow:
        uow.settings.set("invoice_day", "5")
        uow.history.record(setting_changed("invoice_day", None, "5"))
        # an error here: the block is left without commit

    assert read(store) == []
    assert store.rows("SELECT * FROM settings WHERE key = 'invoice_day'") == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE history SET actor = 'someone else'",
        "UPDATE history SET summary = 'approved nothing' WHERE kind = 'approval'",
        "DELETE FROM history",
    ],
)
def test_the_store_refuses_to_change_or_delete_an_entry(store: Store, statement: str):
    record(store, approved(DECEMBER, invoices=2, total=Decimal("175.00")))

    with (
        pytest.raises(DBAPIError, match="append-only"),  # SQLite and PostgreSQL differ in kind
        store.engine.begin() as connection,
    ):
        connection.execute(text(statement))

    assert read(store) == [("approval", "ann", "approved Dec 2026: 2 invoices, 175.00")]

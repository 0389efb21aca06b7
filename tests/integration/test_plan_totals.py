"""`plan diff` sums the plan in SQL; these tests hold that sum to the billing engine itself.

For every month of two years, on the playground (made at several dates) and on a generated
practice imported through CSV, the store's `billing_totals` must equal the domain's
`client_totals` over the same lines, client by client, to the penny. And every work item the
store opened bills what the domain says its line amounts to (quantity x price, half up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import sql_store
from socketcli.domain.billing import client_totals
from socketcli.domain.money import to_minor
from socketcli.domain.months import Month
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings
from socketcli.services.importer import import_csv
from socketcli.services.plan import terms_of
from socketcli.services.playground import create_playground
from tests.practices import generate

SETTINGS_VARIANTS = {
    "as stored": lambda settings: settings,
    "consolidated, fees separate": lambda settings: replace(
        settings,
        consolidate_recurring=True,
        alignment_invoicing=AlignmentInvoicing.SEPARATE,
        recurring_account_code="4000",
    ),
}


def assert_sql_totals_match_the_engine(uow: SqlUnitOfWork, months: list[Month]) -> int:
    stored = PracticeSettings.from_values(uow.settings.values())
    terms = {client.id: terms_of(client) for client in uow.clients.all() if client.id is not None}
    lines = uow.plan.billable_lines(months[0], months[-1])
    compared = 0
    for name, variant in SETTINGS_VARIANTS.items():
        settings = variant(stored)
        expected = client_totals(months, terms, lines, settings)
        actual = uow.plan.billing_totals(months, settings)
        for month in months:
            assert actual[month] == expected[month], f"{month} with settings {name}"
            compared += len(expected[month])
    return compared


def assert_work_items_match_the_engine(uow: SqlUnitOfWork) -> int:
    """Each stored work item's amount is its line's amount as the domain rounds it."""
    lines = {line.id: line for p in uow.proposals.all() for line in p.lines}
    items = uow.session.execute(text("SELECT proposal_line_id, amount_minor FROM work_items")).all()
    for line_id, amount_minor in items:
        assert amount_minor == to_minor(lines[line_id].amount), lines[line_id]
    return len(items)


@pytest.mark.parametrize("today", ["2026-11-21", "2027-03-01", "2028-02-29"])
def test_the_sql_totals_are_the_engines_on_the_playground(
    new_engine: Callable[[], Engine], today: str
) -> None:
    moment = datetime.fromisoformat(today).replace(tzinfo=UTC)
    engine = new_engine()
    create_playground(sql_store(engine, FixedClock(moment)), FixedClock(moment))
    this_month = Month.of(moment.date())
    months = [this_month + offset for offset in range(-14, 3)]
    with SqlUnitOfWork(engine, FixedClock(moment)) as uow:
        compared = assert_sql_totals_match_the_engine(uow, months)
        assert assert_work_items_match_the_engine(uow) > 0
    assert compared > 500  # the playground bills dozens of clients each month


def test_the_sql_totals_are_the_engines_on_an_imported_practice(
    tmp_path: Path, new_engine: Callable[[], Engine]
) -> None:
    out = tmp_path / "practice"
    generate(out, clients=400, seed=7)
    engine = new_engine()
    moment = datetime(2026, 11, 21, tzinfo=UTC)
    import_csv(sql_store(engine, FixedClock(moment)), FixedClock(moment), sorted(out.glob("*.csv")))
    months = [Month(2024, 11) + offset for offset in range(27)]
    with SqlUnitOfWork(engine, FixedClock(moment)) as uow:
        compared = assert_sql_totals_match_the_engine(uow, months)
        assert assert_work_items_match_the_engine(uow) > 0
    assert compared > 10_000

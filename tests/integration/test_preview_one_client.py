"""Reads made lighter for 20,000 clients, held to what they replaced: `plan preview CLIENT`
reads only that client's plan lines (it computed the whole practice's plan to show one
client), and must show, for every client and month, exactly the client's invoices in the
whole plan; `plan status` reads a finalised month's invoices without their lines, and each
total must be the sum of the lines that month froze."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.domain.billing import compute_plan
from socketcli.domain.invoice import render_invoice
from socketcli.domain.months import Month
from socketcli.domain.settings import PracticeSettings
from socketcli.services.importer import import_csv
from socketcli.services.plan import approve_plan, preview_invoice, terms_of
from tests.practices import generate


def test_each_clients_preview_is_its_part_of_the_whole_plan(
    tmp_path: Path, new_engine: Callable[[], Engine]
) -> None:
    out = tmp_path / "practice"
    generate(out, clients=150, seed=3)
    engine = new_engine()
    clock = FixedClock(datetime(2026, 11, 21, tzinfo=UTC))
    import_csv(sql_store(engine, clock), clock, sorted(out.glob("*.csv")))
    with SqlUnitOfWork(engine, clock) as uow:
        settings = PracticeSettings.from_values(uow.settings.values())
        clients = [client for client in uow.clients.all() if client.id is not None]
        terms = {client.id: terms_of(client) for client in clients if client.id is not None}
        months = [Month(2025, 3), Month(2026, 4), Month(2026, 12), Month(2027, 1)]
        plans = {
            month: compute_plan(month, terms, uow.plan.billable_lines(month, month), settings)
            for month in months
        }
    read = sql_reader(engine)
    invoices = 0
    for month in months:
        for client in clients:
            expected = tuple(
                render_invoice(invoice, client, settings)
                for invoice in plans[month].invoices
                if invoice.client_id == client.id
            )
            report = preview_invoice(read, clock, client.reference, month)
            assert report.invoices == expected, (client.reference, month)
            invoices += len(expected)
    assert invoices > 300  # most clients bill in each month

    approve_plan(sql_store(engine, clock), clock, Month(2026, 12), "test", accept_warnings=True)
    with SqlUnitOfWork(engine, clock) as uow:
        frozen = uow.plan.finalised_invoices(Month(2026, 12))
        totals = uow.plan.finalised_invoice_totals(Month(2026, 12))
    assert len(frozen) > 100
    assert [(t.client_reference, t.client_name, t.reference, t.total) for t in totals] == [
        (d.client_reference, d.client_name, d.reference, d.total) for d in frozen
    ]
    assert [str(t.total) for t in totals] == [str(d.total) for d in frozen]  # 2 places each

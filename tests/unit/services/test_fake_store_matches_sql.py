"""The fake store must not drift from the SQL one: the same use cases, run on both, give the
same reports, the same stored records and the same plan figures.

Each scenario takes the services' ports (`OpenStore`, `OpenReader`, `XeroGateway`): mypy
holds the fakes to those protocols here, and SQLite and PostgreSQL (tests/engines.py) hold
them to their semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, text

from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.domain.errors import SocketError
from socketcli.domain.months import Month
from socketcli.domain.records import XeroContact
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings
from socketcli.ports.store import OpenReader, OpenStore
from socketcli.ports.xero import XeroGateway
from socketcli.services.catalogue import add_service, edit_service, list_services
from socketcli.services.clients import ClientChanges, add_client, close_client, list_clients
from socketcli.services.contacts import auto_match, link, list_links
from socketcli.services.plan import approve_plan, diff_plan, preview_invoice, show_plan
from socketcli.services.playground import create_playground
from socketcli.services.proposals import (
    LineSpec,
    accept_proposal,
    add_proposal,
    cancel_proposal,
    change_proposal,
    list_proposals,
)
from socketcli.services.sync import sync
from tests.engines import Engine as EngineName
from tests.engines import Stores, Templates, parametrize_engines
from tests.fakes import FakeClock, FakeGateway, FakeStore


@dataclass
class Ports:
    """One store as the services see it, the clock they run on, and its work items (which
    no repository reads: the fake's own list, or the SQL table)."""

    store: OpenStore
    read: OpenReader
    clock: FakeClock
    work_items: Callable[[], list[tuple[Any, ...]]]


Scenario = Callable[[Ports], dict[str, Any]]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


def migrated(location: StoreLocation) -> None:
    open_engine(location, create=True).dispose()


@pytest.fixture
def sql(stores: Stores, templates: Templates, engine: EngineName) -> Iterator[Engine]:
    """A store at the newest schema on this test's engine (a copy of one migrated once)."""
    opened = open_engine(stores.copy(templates.get("migrated", engine, migrated)))
    yield opened
    opened.dispose()


def on_the_fake(*, sequences: bool = False) -> Ports:
    """The fake store; `sequences`: it gives new ids as PostgreSQL does."""
    fake = FakeStore(FakeClock(), sequences=sequences)
    store: OpenStore = fake.open
    read: OpenReader = fake.read
    return Ports(
        store,
        read,
        fake.clock,
        lambda: [
            (i.line_id, i.client_id, i.description, i.amount, str(i.due_month), i.status)
            for i in fake.view().work_items.all()
        ],
    )


def on_sql(engine: Engine) -> Ports:
    clock = FakeClock()

    def work_items() -> list[tuple[Any, ...]]:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT proposal_line_id, client_id, description, amount_minor, due_month,"
                    " status FROM work_items ORDER BY id"
                )
            ).all()
        return [(a, b, c, Decimal(minor).scaleb(-2), e, f) for a, b, c, minor, e, f in rows]

    return Ports(sql_store(engine, clock), sql_reader(engine), clock, work_items)


def outcome(call: Callable[[], Any]) -> Any:
    """What a use case returned, or the error it raised (its type and message)."""
    try:
        return call()
    except SocketError as error:
        return (type(error).__name__, str(error))


def assert_same(scenario: Scenario, engine: Engine) -> dict[str, Any]:
    sequences = engine.dialect.name == "postgresql"
    fake, sql = scenario(on_the_fake(sequences=sequences)), scenario(on_sql(engine))
    assert fake.keys() == sql.keys()
    for key in fake:
        assert fake[key] == sql[key], key
    return fake


def plan_figures(ports: Ports, months: list[Month]) -> dict[str, Any]:
    """The plan's set-based reads over `months`, under the stored and other settings."""
    with ports.store() as uow:
        stored = PracticeSettings.from_values(uow.settings.values())
        variants = [
            stored,
            replace(
                stored,
                consolidate_recurring=True,
                alignment_invoicing=AlignmentInvoicing.SEPARATE,
                recurring_account_code="4000",
            ),
        ]
        return {
            "lines": sorted(uow.plan.billable_lines(months[0], months[-1])),
            "totals": [uow.plan.billing_totals(months, settings) for settings in variants],
            "problems": uow.plan.contact_problems(),
            "labels": sorted(uow.plan.client_labels()),
        }


# -- the scenarios ---------------------------------------------------------------------------


def a_practices_winter(ports: Ports) -> dict[str, Any]:
    """Services, clients and proposals through their whole life, and a month approved."""
    store, clock = ports.store, ports.clock
    add_service(store, "Bookkeeping", "monthly", alignment=True, tracking="Dept:Books")
    add_service(store, "VAT returns", "quarterly_in_advance", account_code="210")
    add_service(store, "Tax return", "one_off")
    add_service(store, "Payroll", "monthly")
    edit_service(store, "payroll", account_code="220")
    add_client(store, "ACME", "Acme Ltd", ClientChanges(year_end="31-03", tracking="Region:N"))
    add_client(store, "BETA", "Beta Bakery", ClientChanges(consolidate="yes"))
    add_client(store, "COBB", "Cobb & Co", ClientChanges(invoice_day="15"))
    december = date(2026, 12, 1)
    lines = ["Bookkeeping=100", "VAT returns=240", "Tax return=0.5x0.25", "Payroll=3x25"]
    add_proposal(store, "P1", "ACME", [LineSpec.parse(x) for x in lines], start=december)
    accept_proposal(store, "P1", clock)
    add_proposal(store, "P2", "BETA", [LineSpec.parse(x) for x in lines], start=december)
    accept_proposal(store, "P2", clock)
    add_proposal(store, "P3", "COBB", [LineSpec.parse("Payroll=60")], start=date(2027, 1, 1))
    accept_proposal(store, "P3", clock)
    add_proposal(store, "P4", "COBB", [LineSpec.parse("Tax return=90")])
    results: dict[str, Any] = {
        "approved": outcome(lambda: approve_plan(store, clock, None, "Jo")),
        "approved again": outcome(lambda: approve_plan(store, clock, Month(2026, 12), "Jo")),
    }
    clock.advance(days=1)
    change = [LineSpec.parse("Payroll=4x25"), LineSpec.parse("Tax return=50")]
    change_proposal(store, "P1", Month(2027, 2), clock, set_lines=change, remove=["VAT returns"])
    results["change into december"] = outcome(
        lambda: change_proposal(store, "P2", Month(2026, 12), clock, remove=["Payroll"])
    )
    cancel_proposal(store, "P2", clock, Month(2027, 3))
    cancel_proposal(store, "P4", clock)
    close_client(store, "COBB", Month(2027, 4))
    months = [Month(2026, 11) + n for n in range(8)]
    results |= {
        "services": list_services(store),
        "clients": list_clients(store),
        "proposals": list_proposals(store),
        "work items": ports.work_items(),
        "plans": [show_plan(ports.read, clock, month) for month in months],
        "diffs": [diff_plan(ports.read, clock, month) for month in months],
        "preview": preview_invoice(ports.read, clock, "ACME", Month(2027, 2)),
        "figures": plan_figures(ports, months),
    }
    return results


def the_playground(ports: Ports) -> dict[str, Any]:
    report = create_playground(ports.store, ports.clock)
    months = [report.month + n for n in range(-14, 4)]
    return {
        "report": report,
        "proposals": list_proposals(ports.store),
        "work items": ports.work_items(),
        "links": list_links(ports.store, ports.clock),
        "auto": auto_match(ports.store, ports.clock),
        "figures": plan_figures(ports, months),
    }


def a_sync(ports: Ports) -> dict[str, Any]:
    add_client(ports.store, "CITY", "CITY LIMO", ClientChanges())
    add_client(ports.store, "ACME", "Acme Ltd", ClientChanges(email="ops@acme.co.uk"))
    xero = FakeGateway()
    xero.add_contact("City Limousines", contact_id="c-city", email="hi@citylimo.co.uk")
    xero.add_contact("Acme Limited", contact_id="c-acme", contact_number="ACME")
    xero.add_contact("Old Mill Farm", contact_id="c-mill", status="ARCHIVED")
    xero.add_account("200", "Sales")
    gateway: XeroGateway = xero

    def run() -> Any:
        report = sync(ports.store, gateway, tenant_id="t-1", clock=ports.clock)
        return replace(report, seconds=0.0, phases=[replace(p, seconds=0.0) for p in report.phases])

    first = run()
    link(ports.store, "CITY", "City Limousines")
    link(ports.store, "ACME", "c-acme")
    xero.edit_contact("c-city", name="City Limousines Ltd")
    second = run()
    with ports.store() as uow:
        mirrored = (
            uow.mirror.contacts(),
            uow.mirror.contacts_by_id(["c-city", "c-acme", "c-none"]),
            uow.mirror.accounts(),
            uow.mirror.sync_state("t-1"),
            uow.mirror.pushed_clients(),
        )
    return {
        "first": first,
        "second": second,
        "mirror": mirrored,
        "clients": list_clients(ports.store),
    }


def test_a_practices_winter_is_the_same_on_the_fake_and_on_sql(sql: Engine) -> None:
    results = assert_same(a_practices_winter, sql)

    assert results["approved again"][0] == "Conflict"
    assert results["change into december"][0] == "Conflict"
    # P1's open tax return followed its price change from February (one item, at 50.00);
    # P2's stays as it was: its proposal is cancelled from March, and it is still in force.
    assert [(item[2], item[3]) for item in results["work items"]] == [
        ("Tax return", Decimal("50.00")),
        ("Tax return", Decimal("0.13")),
    ]


def test_the_playground_is_the_same_on_the_fake_and_on_sql(sql: Engine) -> None:
    results = assert_same(the_playground, sql)

    assert len(results["figures"]["lines"]) > 100


def test_a_sync_is_the_same_on_the_fake_and_on_sql(sql: Engine) -> None:
    results = assert_same(a_sync, sql)

    assert results["second"].pushed


def test_a_mirrored_contact_reads_back_as_a_contact_on_both(sql: Engine) -> None:
    def scenario(ports: Ports) -> dict[str, Any]:
        with ports.store(write=True) as uow:
            uow.mirror.save_contacts([XeroContact("c-1", "Acme Limited")])
            uow.commit()
        with ports.store() as uow:
            return {
                "contacts": uow.mirror.contacts(),
                "types": [type(c) for c in uow.mirror.contacts()],
            }

    assert_same(scenario, sql)

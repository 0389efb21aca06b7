"""`socket playground`: the demo practice, made for 'today' and valid whatever the date."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socketcli.adapters.clock import FixedClock
from socketcli.adapters.store.database import StoreLocation, open_engine
from socketcli.adapters.store.tables import WorkItemRow
from socketcli.adapters.store.uow import SqlUnitOfWork
from socketcli.bootstrap import sql_reader, sql_store
from socketcli.domain.billing import compute_plan, next_billing_month
from socketcli.domain.errors import Conflict
from socketcli.domain.model import BillingMethod, ChangeType, ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.records import XeroContact
from socketcli.domain.settings import PracticeSettings
from socketcli.services import demo_data
from socketcli.services.plan import diff_plan, preview_invoice, show_plan, terms_of
from socketcli.services.playground import PlaygroundReport, create_playground
from tests.runner import Socket

# A day mid-month, the 1st (the plan month is this month), a month's last day, a leap day,
# and the 1st of January (the year turns between the plan month and the month before).
DAYS = ["2026-11-21", "2027-03-01", "2026-01-31", "2028-02-29", "2027-01-01"]


def clock_at(day: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(day).replace(hour=8, minute=15, tzinfo=UTC))


class Playground:
    def __init__(self, path: Path, clock: FixedClock) -> None:
        self.engine = open_engine(StoreLocation.for_path(path), create=True)
        self.clock = clock
        self.store = sql_store(self.engine, clock)
        self.read = sql_reader(self.engine)
        self.report = create_playground(self.store, clock)

    @contextmanager
    def uow(self, *, write: bool = False) -> Iterator[SqlUnitOfWork]:
        with SqlUnitOfWork(self.engine, self.clock, write=write) as uow:
            yield uow

    @property
    def month(self) -> Month:
        return next_billing_month(self.clock.now().date(), None)

    def billed(self, month: Month) -> dict[str, Decimal]:
        """Each client's amount in `month`, by reference."""
        return {row.reference: row.amount for row in show_plan(self.read, self.clock, month).rows}


@pytest.fixture(scope="module", params=DAYS)
def playground(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Playground]:
    """One store per day, shared by the tests that only read it."""
    made = Playground(tmp_path_factory.mktemp("playground") / "p.db", clock_at(request.param))
    yield made
    made.engine.dispose()


def test_about_forty_clients_with_realistic_references(playground: Playground) -> None:
    with playground.uow() as uow:
        clients = uow.clients.all()
    assert 35 <= len(clients) <= 45
    assert playground.report.clients == len(clients)
    assert all(c.reference.startswith("CLI") and len(c.reference) == 6 for c in clients)
    names = {c.name for c in clients}
    assert "CITY LIMO" in names
    assert any(" & " in name for name in names)
    assert any(name.endswith(" LLP") for name in names)
    assert any(name.endswith(" Ltd") for name in names)


def test_the_pricing_menu_and_the_proposals_cover_every_billing_method(
    playground: Playground,
) -> None:
    with playground.uow() as uow:
        services = uow.services.all()
        proposals = uow.proposals.all()
    assert {s.billing_method for s in services} == set(BillingMethod)
    accepted = [p for p in proposals if p.status is ProposalStatus.ACCEPTED]
    assert {line.billing_method for p in accepted for line in p.lines} == set(BillingMethod)
    alignment = [s for s in services if s.alignment_eligible]
    assert [s.billing_method for s in alignment] == [BillingMethod.MONTHLY]
    assert playground.report.services == len(services)
    assert playground.report.proposals == len(proposals)


def test_proposals_were_accepted_over_the_past_fourteen_months(playground: Playground) -> None:
    now = playground.clock.now()
    with playground.uow() as uow:
        proposals = uow.proposals.all()
    statuses = [p.status for p in proposals]
    assert statuses.count(ProposalStatus.CANCELLED) == 1
    assert statuses.count(ProposalStatus.DRAFT) >= 2
    accepted_at = [p.accepted_at for p in proposals if p.accepted_at is not None]
    assert all(moment.replace(tzinfo=UTC) <= now for moment in accepted_at)
    oldest = min(Month.of(p.start_date) for p in proposals if p.start_date is not None)
    assert oldest == playground.month - 13
    # Some proposals were changed from a month in the past: a line ended, another began.
    changed = [
        p
        for p in proposals
        if any(line.end is not None and line.end < playground.month - 1 for line in p.lines)
    ]
    assert len(changed) >= 3


def test_the_default_plan_diff_shows_every_change_type(playground: Playground) -> None:
    report = diff_plan(playground.read, playground.clock)
    assert report.month == playground.month
    assert report.previous_month == playground.month - 1
    assert report.playground is True
    by_change: dict[ChangeType, set[str]] = {}
    for row in report.rows:
        by_change.setdefault(row.change, set()).add(row.reference)
    assert set(by_change) == set(ChangeType)
    for change, references in demo_data.CHANGES.items():
        assert by_change[change] == references, change
    assert len(by_change[ChangeType.UNCHANGED]) > len(report.rows) / 2


def test_the_new_clients_start_in_the_plan_month(playground: Playground) -> None:
    month = playground.month
    with playground.uow() as uow:
        late = uow.proposals.all(demo_data.LATE_START_CLIENT)[0]
        new = uow.proposals.all(demo_data.NEW_CLIENT)[0]
    assert late.start_date is not None
    assert Month.of(late.start_date) == month
    assert late.accepted_at is not None
    assert (late.start_date - late.accepted_at.date()).days > 60  # accepted long before
    assert new.start_date is not None
    assert Month.of(new.start_date) == month


def test_the_alignment_fee_client_first_invoice_carries_the_alignment_fee(
    playground: Playground,
) -> None:
    with playground.uow() as uow:
        client = uow.clients.get(demo_data.ALIGNMENT_CLIENT)
        (proposal,) = uow.proposals.all(demo_data.ALIGNMENT_CLIENT)
        accounts = next(line for line in proposal.lines if line.charges_alignment)
        assert client is not None
        assert client.year_end is not None
        assert (client.year_end.month, client.year_end.day) == (3, 31)
        first = accounts.start
        assert first is not None
        assert playground.month - 13 <= first <= playground.month - 2
        assert first.month == 10
        preview = preview_invoice(playground.read, playground.clock, client.reference, first)
        later = preview_invoice(playground.read, playground.clock, client.reference, first + 1)
    (invoice,) = preview.invoices
    fees = [line for line in invoice.lines if line.description.startswith("Alignment fee")]
    assert len(fees) == 1
    assert fees[0].line_amount == 6 * accounts.unit_price  # April to September
    (next_invoice,) = later.invoices
    assert not any(line.description.startswith("Alignment fee") for line in next_invoice.lines)


def test_only_one_client_owes_an_alignment_fee(playground: Playground) -> None:
    """Every other client billed monthly for its annual accounts started with its year."""
    charged = set()
    with playground.uow() as uow:
        settings = PracticeSettings.from_values(uow.settings.values())
        terms = {c.id: terms_of(c) for c in uow.clients.all() if c.id is not None}
        references = {client_id: t.reference for client_id, t in terms.items()}
        first, last = playground.month - 13, playground.month + 12
        lines = uow.plan.billable_lines(first, last)
    month = first
    while month <= last:
        for invoice in compute_plan(month, terms, lines, settings).invoices:
            if any(line.description.startswith("Alignment fee") for line in invoice.lines):
                charged.add(references[invoice.client_id])
        month += 1
    assert charged == {demo_data.ALIGNMENT_CLIENT}


def test_the_closing_client_is_not_billed_after_its_last_month(playground: Playground) -> None:
    month = playground.month
    with playground.uow() as uow:
        closing = uow.clients.get(demo_data.CLOSING_CLIENT)
        later = uow.clients.get(demo_data.CLOSING_LATER_CLIENT)
    assert closing is not None
    assert closing.last_billable_month == month - 1
    assert later is not None
    assert later.last_billable_month is not None
    assert later.last_billable_month > month
    assert demo_data.CLOSING_CLIENT in playground.billed(month - 1)
    for after in range(4):
        assert demo_data.CLOSING_CLIENT not in playground.billed(month + after)
    assert demo_data.CLOSING_LATER_CLIENT in playground.billed(later.last_billable_month)
    assert demo_data.CLOSING_LATER_CLIENT not in playground.billed(later.last_billable_month + 1)


def test_the_cancelled_add_on_bills_until_the_month_before(playground: Playground) -> None:
    month = playground.month
    with playground.uow() as uow:
        (cancelled,) = [
            p
            for p in uow.proposals.all(demo_data.CANCELLED_ADD_ON_CLIENT)
            if p.status is ProposalStatus.CANCELLED
        ]
    assert all(line.end == month - 1 for line in cancelled.lines)


def test_the_playground_setting_and_practice_settings(playground: Playground) -> None:
    with playground.uow() as uow:
        settings = PracticeSettings.from_values(uow.settings.values())
        clients = {c.reference: c for c in uow.clients.all()}
    assert settings.playground is True
    assert str(settings.payment_terms) in {"days:14", "following:20"}
    assert settings.recurring_account_code == "200"
    assert settings.one_off_account_code == "260"
    assert clients[demo_data.CONSOLIDATED_CLIENT].consolidate is True
    assert all(clients[ref].payment_terms for ref in demo_data.OWN_TERMS_CLIENTS)
    assert any(c.invoice_day is not None for c in clients.values())


def test_the_consolidated_client_gets_one_line_per_account_code(playground: Playground) -> None:
    preview = preview_invoice(playground.read, playground.clock, demo_data.CONSOLIDATED_CLIENT)
    (invoice,) = preview.invoices
    codes = [line.account_code for line in invoice.lines]
    assert len(codes) == len(set(codes))
    assert all(line.description.startswith("Professional services") for line in invoice.lines)


def test_work_lines_become_work_items_and_weekly_lines_are_never_invoiced(
    playground: Playground,
) -> None:
    with playground.uow() as uow:
        proposals = uow.proposals.all()
        items = uow.session.execute(select(func.count()).select_from(WorkItemRow)).scalar_one()
        lines = uow.plan.billable_lines(playground.month - 13, playground.month + 12)
    work = [
        line
        for p in proposals
        if p.status is ProposalStatus.ACCEPTED
        for line in p.lines
        if line.billing_method.is_work
    ]
    assert items == len(work) > 0
    assert {line.method for line in lines} <= {m for m in BillingMethod if m.in_plan}


def by_name(contacts: list[XeroContact], name: str) -> XeroContact:
    (found,) = [c for c in contacts if c.name == name]
    return found


def test_the_demo_xero_contacts(playground: Playground) -> None:
    with playground.uow() as uow:
        contacts = uow.mirror.contacts()
        clients = uow.clients.all()
    names = {c.name for c in contacts}
    assert 40 <= len(contacts) <= 50
    assert playground.report.xero_contacts == len(contacts)
    assert {"City Limousines", "Smith and Sons Limited"} <= names
    archived = {c.name: c for c in contacts if c.archived}
    assert set(archived) == {"Thompson Haulage Ltd", "Singh Lettings"}
    # One linked client's contact was merged into another in Xero: the plan warns.
    assert (
        by_name(contacts, "Singh Lettings").merged_to
        == by_name(contacts, "Singh Property Lettings Ltd").contact_id
    )
    for contact in contacts:
        assert str(uuid.UUID(contact.contact_id)) == contact.contact_id
    assert any(c.contact_number in {client.reference for client in clients} for c in contacts)
    # Most clients are left for the matching work: only a few exact matches are linked.
    linked = [c for c in clients if c.xero_contact_id is not None]
    assert 1 <= len(linked) <= 4
    by_id = {c.contact_id: c for c in contacts}
    assert all(
        by_id[c.xero_contact_id].name == c.name
        for c in linked
        if c.xero_contact_id and not by_id[c.xero_contact_id].merged
    )
    city = next(c for c in clients if c.name == "CITY LIMO")
    assert city.xero_contact_id is None
    # Some clients have no counterpart, some contacts no client.
    folded = {c.name.casefold() for c in contacts}
    assert any(c.name.casefold() not in folded for c in clients)
    report = show_plan(playground.read, playground.clock)
    assert report.needing_attention > len(report.rows) / 2


def test_the_same_clock_makes_the_same_store(tmp_path: Path) -> None:
    clock = clock_at("2026-11-21")
    first = Playground(tmp_path / "a.db", clock)
    second = Playground(tmp_path / "b.db", clock)

    def contents(made: Playground) -> object:
        with made.uow() as uow:
            proposals = [
                replace(p, id=None, lines=tuple(replace(line, id=None) for line in p.lines))
                for p in uow.proposals.all()
            ]
            return (
                uow.settings.values(),
                uow.clients.all(),
                uow.services.all(),
                proposals,
                uow.mirror.contacts(),
            )

    assert contents(first) == contents(second)
    month = first.month - 13
    while month <= first.month + 12:
        assert first.billed(month) == second.billed(month), month
        month += 1
    first.engine.dispose()
    second.engine.dispose()


def test_the_playground_is_made_in_an_empty_store_only(tmp_path: Path) -> None:
    made = Playground(tmp_path / "p.db", clock_at("2026-11-21"))
    with pytest.raises(Conflict, match="not empty"):
        create_playground(made.store, made.clock)
    made.engine.dispose()


def test_the_report_summary() -> None:
    report = PlaygroundReport(40, 12, 44, 45, Month(2026, 12))
    assert report.summary() == "40 clients, 12 services, 44 proposals, 45 Xero contacts"


# -- the command -----------------------------------------------------------------------------


@pytest.mark.sqlite_only("the playground's embedded store")
def test_socket_playground_then_plan_diff(socket: Socket, data_dir: Path) -> None:
    made = socket("playground")
    assert made.exit_code == 0, made.output
    assert "Created the playground" in made.stderr
    assert "40 clients" in made.stderr
    assert (data_dir / "playground.db").exists()

    diff = socket("--playground", "plan", "diff")
    assert diff.exit_code == 0, diff.output
    assert "PLAYGROUND" in diff.stderr
    assert "Dec 2026" in diff.stdout
    for change in ChangeType:
        assert change.value in diff.stdout
    assert "CITY LIMO" in diff.stdout
    assert "not linked" in diff.stdout


@pytest.mark.sqlite_only("the playground's embedded store")
def test_socket_playground_again_and_reset(socket: Socket, data_dir: Path) -> None:
    assert socket("playground").exit_code == 0
    store = data_dir / "playground.db"

    again = socket("playground")
    assert again.exit_code == 0, again.output
    assert "already exists" in again.stderr
    assert "--reset" in again.stderr

    # What the user changed in the playground is thrown away by --reset.
    closed = socket("--playground", "clients", "close", "CLI001", "--last-month", "2026-11")
    assert closed.exit_code == 0, closed.output
    assert change_of(socket, "CLI001") == "ceased"

    reset = socket("playground", "--reset")
    assert reset.exit_code == 0, reset.output
    assert "Created the playground" in reset.stderr
    assert store.exists()
    assert change_of(socket, "CLI001") == "unchanged"


def change_of(socket: Socket, reference: str) -> str:
    result = socket("--playground", "plan", "diff", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["clients"]
    return str(next(row["change"] for row in rows if row["reference"] == reference))


def test_plan_diff_json_in_the_playground(socket: Socket) -> None:
    assert socket("playground").exit_code == 0
    result = socket("--playground", "plan", "diff", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["playground"] is True
    assert document["month"] == "2026-12"
    assert {row["change"] for row in document["clients"]} == {c.value for c in ChangeType}

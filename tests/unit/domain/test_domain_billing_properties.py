"""Properties of the billing engine over random clients and lines."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from socketcli.domain.billing import client_totals, compute_plan
from socketcli.domain.diff import diff
from socketcli.domain.model import (
    BillableLine,
    BillingMethod,
    ChangeType,
    ClientTerms,
    YearEnd,
)
from socketcli.domain.money import quantize
from socketcli.domain.months import Month
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings

CLIENT_IDS = (1, 2, 3, 4)
EXAMPLES = hypothesis_settings(max_examples=200, deadline=None)

months = st.builds(Month, st.integers(2020, 2030), st.integers(1, 12))
# Whole pennies and ten-thousandths, built from integers: exact, and quick to generate.
prices = st.integers(0, 9_999_999).map(lambda pennies: Decimal(pennies).scaleb(-2))
quantities = st.one_of(
    st.integers(1, 40).map(Decimal),
    st.integers(1, 100_000).map(lambda hundredths: Decimal(hundredths).scaleb(-2)),
    st.integers(1, 10_000_000).map(lambda units: Decimal(units).scaleb(-4)),
)


# Every method, monthly twice as often: it is the one that carries alignment fees.
methods = st.sampled_from([BillingMethod.MONTHLY, *BillingMethod])
end_offsets = st.none() | st.integers(0, 48)
# An anchor is where the line's cycle began: whole periods before its start.
anchor_periods = st.none() | st.integers(0, 8)


@st.composite
def billable_line(draw):
    """A line of a random client; ids are given by `line_lists`."""
    start = draw(months)
    method = draw(methods)
    end_offset, anchor_periods_back = draw(end_offsets), draw(anchor_periods)
    return BillableLine(
        line_id=0,
        client_id=draw(st.sampled_from(CLIENT_IDS)),
        proposal_ref=draw(st.sampled_from(["P-001", "P-002", "P-003"])),
        service_name=draw(st.sampled_from(["Bookkeeping", "Payroll", "Accounts", "VAT"])),
        description=draw(st.sampled_from(["", "Monthly support"])),
        method=method,
        quantity=draw(quantities),
        unit_price=draw(prices),
        account_code=draw(st.sampled_from([None, "200", "210"])),
        start=start,
        end=None if end_offset is None else start + end_offset,
        anchor=(
            None
            if anchor_periods_back is None
            else start - anchor_periods_back * (method.period_months or 1)
        ),
        charges_alignment=draw(st.booleans()),
        tracking=draw(st.sampled_from([(), (("Region", "North"),)])),
    )


line_lists = st.lists(billable_line(), max_size=12).map(
    lambda lines: [line._replace(line_id=index) for index, line in enumerate(lines, 1)]
)
year_end_months = st.one_of(st.none(), st.integers(1, 12), st.integers(1, 12))
# Most clients are not closing.
last_months = st.sampled_from([False, False, False, True]).flatmap(
    lambda closing: months if closing else st.none()
)


@st.composite
def clients(draw):
    chosen = {}
    for client_id in CLIENT_IDS:
        year_end_month = draw(year_end_months)
        chosen[client_id] = ClientTerms(
            client_id=client_id,
            name=f"Client {client_id}",
            reference=f"C{client_id}",
            year_end=None if year_end_month is None else YearEnd(year_end_month, 28),
            last_billable_month=draw(last_months),
            consolidate=draw(st.sampled_from([None, True, False])),
        )
    return chosen


@st.composite
def practice_settings(draw):
    return replace(
        PracticeSettings.defaults(),
        consolidate_recurring=draw(st.booleans()),
        alignment_invoicing=draw(st.sampled_from(AlignmentInvoicing)),
        recurring_account_code=draw(st.sampled_from(["200", "4000"])),
    )


@st.composite
def scenarios(draw):
    """A month, the clients, their lines and the practice settings.

    The month is often one in which a plan line starts, so that first months (and their
    alignment fees) come up as often as ordinary ones.
    """
    lines = draw(line_lists)
    starts = sorted({line.start for line in lines if line.method.in_plan})
    from_a_start = bool(starts) and draw(st.integers(0, 3)) > 0
    month = draw(st.sampled_from(starts)) if from_a_start else draw(months)
    return month, draw(clients()), lines, draw(practice_settings())


def unconsolidated(terms, settings):
    return (
        {cid: replace(client, consolidate=False) for cid, client in terms.items()},
        replace(settings, consolidate_recurring=False),
    )


@EXAMPLES
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_plan_depends_only_on_its_inputs_not_on_line_order(scenario, random):
    month, terms, lines, settings = scenario
    shuffled = list(lines)
    random.shuffle(shuffled)
    first = compute_plan(month, terms, lines, settings)
    assert compute_plan(month, terms, lines, settings) == first
    assert compute_plan(month, terms, shuffled, settings) == first


@EXAMPLES
@given(scenarios())
def test_a_plan_compared_with_itself_is_unchanged_and_its_total_is_its_clients_total(scenario):
    month, terms, lines, settings = scenario
    plan = compute_plan(month, terms, lines, settings)
    summary = plan.by_client()
    changes = diff(summary, summary)
    assert [change.client_id for change in changes] == sorted(summary)
    assert all(change.change is ChangeType.UNCHANGED for change in changes)
    assert plan.total == sum((client.amount for client in summary.values()), Decimal(0))
    assert sum(client.line_count for client in summary.values()) == sum(
        len(invoice.lines) for invoice in plan.invoices
    )


@EXAMPLES
@given(scenarios())
def test_every_invoice_adds_up_and_every_unconsolidated_line_is_quantity_times_unit(scenario):
    month, terms, lines, settings = scenario
    for invoice in compute_plan(month, terms, lines, settings).invoices:
        assert invoice.lines
        assert invoice.month == month
        assert invoice.total == sum((line.line_amount for line in invoice.lines), Decimal(0))
    per_line_terms, per_line_settings = unconsolidated(terms, settings)
    for invoice in compute_plan(month, per_line_terms, lines, per_line_settings).invoices:
        for line in invoice.lines:
            assert line.line_amount == quantize(line.quantity * line.unit_amount)
            assert line.account_code is not None


@EXAMPLES
@given(scenarios())
def test_consolidation_and_alignment_invoicing_never_change_what_a_client_owes(scenario):
    month, terms, lines, settings = scenario
    terms = {cid: replace(client, consolidate=None) for cid, client in terms.items()}
    owed = {
        cid: c.amount for cid, c in compute_plan(month, terms, lines, settings).by_client().items()
    }
    for consolidate in (True, False):
        for alignment in AlignmentInvoicing:
            variant = replace(
                settings, consolidate_recurring=consolidate, alignment_invoicing=alignment
            )
            summary = compute_plan(month, terms, lines, variant).by_client()
            assert {cid: client.amount for cid, client in summary.items()} == owed


@EXAMPLES
@given(scenarios())
def test_only_clients_with_a_plan_line_inside_its_dates_are_invoiced(scenario):
    month, terms, lines, settings = scenario
    plan = compute_plan(month, terms, lines, settings)
    billable = {
        line.client_id
        for line in lines
        if line.method.in_plan
        and line.start <= month
        and (line.end is None or month <= line.end)
        and (
            terms[line.client_id].last_billable_month is None
            or month <= terms[line.client_id].last_billable_month
        )
    }
    assert {invoice.client_id for invoice in plan.invoices} <= billable


@EXAMPLES
@given(scenarios())
def test_the_fast_client_totals_are_exactly_the_full_plans_figures(scenario):
    month, terms, lines, settings = scenario
    totals = client_totals([month - 1, month, month + 1], terms, lines, settings)
    for each in (month - 1, month, month + 1):
        assert totals[each] == compute_plan(each, terms, lines, settings).by_client()

"""Properties of the billing engine over random clients and lines."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from socketcli.domain.billing import compute_plan
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


@st.composite
def billable_lines(draw, line_id):
    start = draw(months)
    end = draw(st.none() | st.integers(0, 48).map(lambda n: start + n))
    anchor = draw(st.none() | st.integers(0, 24).map(lambda n: start - n))
    return BillableLine(
        line_id=line_id,
        client_id=draw(st.sampled_from(CLIENT_IDS)),
        proposal_ref=draw(st.sampled_from(["P-001", "P-002", "P-003"])),
        service_name=draw(st.sampled_from(["Bookkeeping", "Payroll", "Accounts", "VAT"])),
        description=draw(st.sampled_from(["", "Monthly support"])),
        method=draw(st.sampled_from(BillingMethod)),
        quantity=draw(quantities),
        unit_price=draw(prices),
        account_code=draw(st.sampled_from([None, "200", "210"])),
        start=start,
        end=end,
        anchor=anchor,
        charges_alignment=draw(st.booleans()),
        tracking=draw(st.sampled_from([(), (("Region", "North"),)])),
    )


@st.composite
def line_lists(draw):
    count = draw(st.integers(0, 12))
    return [draw(billable_lines(line_id)) for line_id in range(1, count + 1)]


@st.composite
def clients(draw):
    chosen = {}
    for client_id in CLIENT_IDS:
        year_end_month = draw(st.none() | st.integers(1, 12))
        chosen[client_id] = ClientTerms(
            client_id=client_id,
            name=f"Client {client_id}",
            reference=f"C{client_id}",
            year_end=None if year_end_month is None else YearEnd(year_end_month, 28),
            last_billable_month=draw(st.none() | months),
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


scenarios = st.tuples(months, clients(), line_lists(), practice_settings())


@EXAMPLES
@given(scenarios, st.randoms(use_true_random=False))
def test_the_plan_depends_only_on_its_inputs_not_on_line_order(scenario, random):
    month, terms, lines, settings = scenario
    shuffled = list(lines)
    random.shuffle(shuffled)
    first = compute_plan(month, terms, lines, settings)
    assert compute_plan(month, terms, lines, settings) == first
    assert compute_plan(month, terms, shuffled, settings) == first


@EXAMPLES
@given(scenarios)
def test_a_plan_compared_with_itself_is_unchanged_for_every_billed_client(scenario):
    month, terms, lines, settings = scenario
    summary = compute_plan(month, terms, lines, settings).by_client()
    changes = diff(summary, summary)
    assert all(change.change is ChangeType.UNCHANGED for change in changes)
    assert [change.client_id for change in changes] == sorted(summary)


@EXAMPLES
@given(scenarios)
def test_every_invoice_total_is_the_sum_of_its_line_amounts(scenario):
    month, terms, lines, settings = scenario
    for invoice in compute_plan(month, terms, lines, settings).invoices:
        assert invoice.lines
        assert invoice.month == month
        assert invoice.total == sum((line.line_amount for line in invoice.lines), Decimal(0))


@EXAMPLES
@given(scenarios)
def test_every_unconsolidated_line_amount_is_quantity_times_unit_rounded(scenario):
    month, terms, lines, settings = scenario
    unconsolidated = replace(settings, consolidate_recurring=False)
    terms = {cid: replace(client, consolidate=None) for cid, client in terms.items()}
    for invoice in compute_plan(month, terms, lines, unconsolidated).invoices:
        for line in invoice.lines:
            assert line.line_amount == quantize(line.quantity * line.unit_amount)
            assert line.account_code is not None


@EXAMPLES
@given(scenarios)
def test_the_plan_total_is_the_sum_of_the_client_amounts(scenario):
    month, terms, lines, settings = scenario
    plan = compute_plan(month, terms, lines, settings)
    summary = plan.by_client()
    assert plan.total == sum((client.amount for client in summary.values()), Decimal(0))
    assert sum(client.line_count for client in summary.values()) == sum(
        len(invoice.lines) for invoice in plan.invoices
    )


@EXAMPLES
@given(scenarios)
def test_consolidation_and_alignment_invoicing_never_change_what_a_client_owes(scenario):
    month, terms, lines, settings = scenario
    terms = {cid: replace(client, consolidate=None) for cid, client in terms.items()}
    baseline = compute_plan(month, terms, lines, settings).by_client()
    for consolidate in (True, False):
        for alignment in AlignmentInvoicing:
            variant = replace(
                settings, consolidate_recurring=consolidate, alignment_invoicing=alignment
            )
            amounts = {
                cid: client.amount
                for cid, client in compute_plan(month, terms, lines, variant).by_client().items()
            }
            assert amounts == {cid: client.amount for cid, client in baseline.items()}


@EXAMPLES
@given(scenarios)
def test_only_plan_methods_inside_their_dates_reach_the_plan(scenario):
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

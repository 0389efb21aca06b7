"""domain/work.py: periods, which line opens an item, how open items follow a changed or
cancelled proposal, renewals, and the invoice of a completion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socketcli.domain.model import BillingMethod, InvoiceKind
from socketcli.domain.months import Month
from socketcli.domain.records import Client
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.work import (
    WorkItem,
    WorkLine,
    WorkStatus,
    first_due,
    follow,
    opens_item,
    period_text,
    renewal,
    work_invoice,
    work_reference,
)

Q, A, ONE = (
    BillingMethod.QUARTERLY_ON_COMPLETION,
    BillingMethod.ANNUAL_ON_COMPLETION,
    BillingMethod.ONE_OFF,
)
NOW = Month(2026, 12)


def line(
    line_id: int,
    start: Month,
    end: Month | None = None,
    *,
    method: BillingMethod = Q,
    anchor: Month | None = None,
    amount: str = "60.00",
    service: str = "MTD update",
) -> WorkLine:
    return WorkLine(line_id, service, method, start, end, anchor, service, Decimal(amount))


def test_periods_are_three_or_twelve_months_and_one_off_work_has_none() -> None:
    assert period_text(Q, Month(2026, 12)) == "Dec 2026 to Feb 2027"
    assert period_text(A, Month(2026, 4)) == "Apr 2026 to Mar 2027"
    assert period_text(ONE, Month(2026, 4)) == ""


@pytest.mark.parametrize(
    ("start", "anchor", "in_force_from", "due"),
    [
        (Month(2026, 3), None, Month(2026, 12), Month(2026, 12)),  # Mar, Jun, Sep, Dec
        (Month(2026, 4), None, Month(2026, 12), Month(2026, 10)),  # Oct-Dec is in force
        (Month(2027, 2), None, Month(2026, 12), Month(2027, 2)),  # starts later: its first
        (Month(2027, 2), Month(2026, 11), Month(2026, 12), Month(2027, 2)),  # on its cycle
    ],
)
def test_a_quarterly_line_opens_the_period_in_force(
    start: Month, anchor: Month | None, in_force_from: Month, due: Month
) -> None:
    assert first_due(line(1, start, anchor=anchor), in_force_from) == due


def test_a_line_ending_before_its_period_opens_nothing_and_one_off_work_is_due_at_its_start() -> (
    None
):
    assert first_due(line(1, Month(2026, 3), Month(2026, 11)), Month(2026, 12)) is None
    assert first_due(line(1, Month(2026, 3), method=ONE), NOW) == Month(2026, 3)


def test_a_series_with_an_item_opens_no_second_and_a_continued_one_off_done_is_the_same_job() -> (
    None
):
    old = line(1, Month(2026, 3), Month(2027, 1))
    new = line(2, Month(2027, 2), anchor=Month(2026, 3), amount="75.00")
    assert not opens_item(new, [old, new], [(1, Month(2026, 12), True)])
    assert not opens_item(new, [old, new], [(1, Month(2026, 12), False)])
    assert opens_item(new, [old, new], [])
    done = line(1, Month(2026, 3), Month(2027, 1), method=ONE)
    price = line(2, Month(2027, 2), method=ONE, amount="500.00")
    assert not opens_item(price, [done, price], [(1, Month(2026, 3), False)])
    other = line(3, Month(2027, 2), method=ONE, service="Tax investigation")
    assert opens_item(other, [done, price, other], [(1, Month(2026, 3), False)])


# -- follow ------------------------------------------------------------------------------------

OLD = line(1, Month(2026, 3), Month(2027, 1))
NEW = line(2, Month(2027, 2), anchor=Month(2026, 3), amount="75.00")


def test_a_periodic_item_keeps_the_version_in_force_in_its_due_month() -> None:
    """A price change from February leaves the Dec-Feb item at the old price."""
    assert follow(Q, "MTD update", Month(2026, 12), OLD, [OLD, NEW], NOW) == OLD


def test_a_periodic_item_from_the_change_on_moves_to_the_new_version_or_goes() -> None:
    replaced = line(2, Month(2026, 12), amount="75.00")  # the change from its due month
    assert follow(Q, "MTD update", Month(2026, 12), None, [replaced], NOW) == replaced
    # Cancelled from December (the line is gone): no version in force, the item goes.
    assert follow(Q, "MTD update", Month(2026, 12), None, [], NOW) is None
    # Cancelled from March: the Dec-Feb item stays, the Mar-May one goes.
    ended = line(1, Month(2026, 3), Month(2027, 2))
    assert follow(Q, "MTD update", Month(2026, 12), ended, [ended], NOW) == ended
    assert follow(Q, "MTD update", Month(2027, 3), ended, [ended], NOW) is None


def test_a_one_off_item_follows_its_lines_continuation_and_goes_when_its_line_has_ended() -> None:
    old = line(1, Month(2026, 10), Month(2027, 1), method=ONE, amount="400.00")
    new = line(2, Month(2027, 2), method=ONE, amount="450.00")
    assert follow(ONE, "MTD update", Month(2026, 10), old, [old, new], NOW) == new
    # Removed from next month: it is still in force this month, the job may still be billed.
    stopped = line(1, Month(2026, 10), Month(2026, 12), method=ONE)
    assert follow(ONE, "MTD update", Month(2026, 10), stopped, [stopped], NOW) == stopped
    # Ended before this month with nothing after: it goes.
    gone = line(1, Month(2026, 10), Month(2026, 11), method=ONE)
    assert follow(ONE, "MTD update", Month(2026, 10), gone, [gone], NOW) is None
    # Its line replaced from its own start: the new version.
    replaced = line(2, Month(2026, 10), method=ONE, amount="450.00")
    assert follow(ONE, "MTD update", Month(2026, 10), None, [replaced], NOW) == replaced


# -- renewal -----------------------------------------------------------------------------------


def test_renewal_is_the_next_period_on_the_version_then_in_force() -> None:
    assert renewal(Q, "MTD update", Month(2026, 11), 1, [OLD, NEW], None) == (NEW, Month(2027, 2))
    assert renewal(
        A, "Tax", Month(2026, 4), 9, [line(9, Month(2026, 4), method=A, service="Tax")], None
    ) == (
        line(9, Month(2026, 4), method=A, service="Tax"),
        Month(2027, 4),
    )


def test_no_renewal_for_one_off_work_a_stopped_series_or_a_closing_client() -> None:
    assert renewal(ONE, "MTD update", Month(2026, 11), 1, [OLD], None) is None
    assert renewal(Q, "MTD update", Month(2026, 11), 1, [OLD], None) is None  # ends in Jan
    assert renewal(Q, "MTD update", Month(2026, 11), 1, [OLD, NEW], Month(2027, 1)) is None


# -- the invoice -------------------------------------------------------------------------------


def item(item_id: int, method: BillingMethod, amount: str, **fields: object) -> WorkItem:
    values: dict[str, object] = {
        "id": item_id,
        "client_id": 7,
        "client_reference": "ACME",
        "client_name": "Acme Ltd",
        "proposal_reference": "P-1",
        "service": f"Service {item_id}",
        "method": method,
        "description": f"Work {item_id}",
        "quantity": Decimal(1),
        "unit_price": Decimal(amount),
        "amount": Decimal(amount),
        "due": Month(2026, 12),
        "status": WorkStatus.OPEN,
        "line_id": item_id,
    }
    values.update(fields)
    return WorkItem(**values)  # type: ignore[arg-type]


SETTINGS = PracticeSettings.from_values(
    {"one_off_account_code": "260", "recurring_account_code": "200"}
)
ACME = Client("ACME", "Acme Ltd", id=7, payment_terms="days:14")


def test_a_completion_invoice_is_dated_the_day_due_by_the_terms_on_the_right_codes() -> None:
    doc = work_invoice(
        [item(1, ONE, "500.00"), item(2, ONE, "80.00", account_code="270"), item(3, Q, "60.00")],
        ACME,
        SETTINGS,
        date(2026, 12, 3),
        "ACME P-1 work 3 Dec 2026",
    )

    assert (doc.kind, doc.invoice_date, doc.due_date, doc.month) == (
        InvoiceKind.WORK,
        date(2026, 12, 3),
        date(2026, 12, 17),
        Month(2026, 12),
    )
    assert [(x.description, x.account_code, x.line_amount) for x in doc.lines] == [
        ("Work 1", "260", Decimal("500.00")),
        ("Work 2", "270", Decimal("80.00")),
        ("Work 3 – Dec 2026 to Feb 2027", "200", Decimal("60.00")),
    ]
    assert doc.total == Decimal("640.00")


def test_one_off_consolidation_merges_only_one_off_lines() -> None:
    merged = PracticeSettings.from_values({"consolidate_one_off": "true"})
    doc = work_invoice(
        [item(1, ONE, "500.00"), item(2, ONE, "80.00"), item(3, Q, "60.00")],
        ACME,
        merged,
        date(2026, 12, 3),
        "R",
    )
    assert [(x.line_amount, x.quantity) for x in doc.lines] == [
        (Decimal("60.00"), Decimal(1)),
        (Decimal("580.00"), Decimal(1)),
    ]


def test_an_invoice_is_for_one_proposal() -> None:
    with pytest.raises(ValueError, match="one proposal"):
        work_invoice(
            [item(1, ONE, "1"), item(2, ONE, "1", proposal_reference="P-2")],
            ACME,
            SETTINGS,
            date(2026, 12, 3),
            "R",
        )


def test_references_are_unique_per_client_proposal_and_completion() -> None:
    day = date(2026, 12, 3)
    first = work_reference("ACME", "P-1", day, set())
    assert first == "ACME P-1 work 3 Dec 2026"
    assert work_reference("ACME", "P-1", day, {first}) == "ACME P-1 work 3 Dec 2026 (2)"
    assert work_reference("ACME", "P-1", day, {first, f"{first} (2)"}).endswith("(3)")

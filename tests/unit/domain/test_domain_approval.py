"""What blocks a month's approval and what needs a person's yes, decided purely."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from socketcli.domain.approval import (
    MirrorCatalogue,
    TrackingCategoryState,
    approval_warnings,
    blocking_problems,
)
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink, LinkStatus
from socketcli.domain.model import InvoiceKind, InvoiceLine
from socketcli.domain.months import Month

DECEMBER = Month(2026, 12)


def invoice(
    client_id: int,
    reference: str,
    *amounts: str,
    code: str | None = "200",
    theme: str = "Standard",
    tracking: tuple[tuple[str, str], ...] = (),
) -> InvoiceDocument:
    return InvoiceDocument(
        client_id=client_id,
        client_reference=reference,
        client_name=reference.title(),
        contact_name=reference.title(),
        contact_id=None,
        month=DECEMBER,
        kind=InvoiceKind.RECURRING,
        invoice_date=date(2026, 12, 1),
        due_date=date(2026, 12, 31),
        payment_terms="",
        reference=f"{reference} Dec 2026",
        branding_theme=theme,
        lines=tuple(
            InvoiceLine("Work", Decimal(1), Decimal(a), code, Decimal(a), tracking) for a in amounts
        ),
    )


MIRROR = MirrorCatalogue(
    accounts={"200": False, "210": True},
    themes=frozenset({"standard"}),
    tracking={
        "region": TrackingCategoryState(False, {"north": False, "south": True}),
        "old": TrackingCategoryState(True, {"east": False}),
    },
)


def test_a_month_whose_invoices_xero_would_take_has_no_problems() -> None:
    invoices = [invoice(1, "ACME", "100", tracking=(("Region", "North"),))]

    assert blocking_problems(invoices, MIRROR, {}) == []


def test_an_invoice_of_zero_or_less_blocks_naming_the_client() -> None:
    problems = blocking_problems(
        [invoice(1, "ACME", "100", "-100"), invoice(2, "BETA", "-5"), invoice(3, "COBB", "1")],
        MIRROR,
        {},
    )

    assert problems == [
        "ACME: the invoice ACME Dec 2026 comes to 0.00; an invoice must be for more than zero",
        "BETA: the invoice BETA Dec 2026 comes to -5.00; an invoice must be for more than zero",
    ]


def test_a_client_linked_to_an_archived_or_merged_contact_blocks() -> None:
    links = {
        1: ContactLink(LinkStatus.ARCHIVED, "Acme Old"),
        2: ContactLink(LinkStatus.MERGED, "Beta Old", "Beta Ltd"),
        3: ContactLink(LinkStatus.UNLINKED),
    }
    invoices = [invoice(1, "ACME", "1"), invoice(1, "ACME", "2"), invoice(2, "BETA", "1")]

    assert blocking_problems([*invoices, invoice(3, "COBB", "1")], MIRROR, links) == [
        "ACME: its Xero contact Acme Old is archived in Xero; link it to another contact: "
        "`socket contacts link ACME CONTACT`",
        "BETA: its Xero contact Beta Old was merged into Beta Ltd in Xero; link it to the "
        'contact it went to: `socket contacts link BETA "Beta Ltd"` (or `socket contacts '
        "match --auto`, which relinks every merged contact)",
    ]


def test_an_account_code_xero_does_not_have_or_archived_blocks_once_per_code() -> None:
    invoices = [
        invoice(1, "ACME", "1", code="999"),
        invoice(2, "BETA", "1", code="999"),
        invoice(3, "COBB", "1", code="210"),
    ]

    assert blocking_problems(invoices, MIRROR, {}) == [
        "account code 999: not among the revenue accounts Xero listed at the last sync; "
        "used for ACME, BETA",
        "account code 210: archived in Xero; used for COBB",
    ]


def test_themes_and_tracking_options_gone_from_xero_block() -> None:
    invoices = [
        invoice(1, "ACME", "1", theme="Retired"),
        invoice(2, "BETA", "1", tracking=(("Region", "South"),)),
        invoice(3, "COBB", "1", tracking=(("Old", "East"), ("Gone", "X"))),
    ]

    assert blocking_problems(invoices, MIRROR, {}) == [
        "branding theme Retired: no longer in Xero (as of the last sync); used for ACME",
        "tracking option Gone: X: no longer in Xero or archived (as of the last sync); "
        "used for COBB",
        "tracking option Old: East: no longer in Xero or archived (as of the last sync); "
        "used for COBB",
        "tracking option Region: South: no longer in Xero or archived (as of the last sync); "
        "used for BETA",
    ]


def test_before_the_first_sync_nothing_is_checked_against_the_mirror() -> None:
    invoices = [invoice(1, "ACME", "1", code="999", theme="Any", tracking=(("A", "B"),))]

    assert blocking_problems(invoices, MirrorCatalogue(), {}) == []


def test_a_problem_names_five_clients_and_counts_the_rest() -> None:
    invoices = [invoice(n, f"C{n:02d}", "1", code="999") for n in range(1, 9)]

    [problem] = blocking_problems(invoices, MIRROR, {})

    assert problem.endswith("used for C01, C02, C03, C04, C05 and 3 more")


def test_the_next_month_has_no_warnings() -> None:
    assert approval_warnings(DECEMBER, DECEMBER, []) == []
    assert approval_warnings(DECEMBER + 1, DECEMBER, []) == []


def test_skipping_months_with_invoices_and_going_far_ahead_are_warned() -> None:
    june = Month(2027, 6)

    assert approval_warnings(june, Month(2027, 1), [Month(2027, m) for m in range(1, 6)]) == [
        "Jun 2027 skips Jan 2027, Feb 2027, Mar 2027, Apr 2027, May 2027: they have invoices "
        "and are not finalised",
        "Jun 2027 is 5 months ahead of the next month to be billed, Jan 2027",
    ]
    assert approval_warnings(DECEMBER + 1, DECEMBER, [DECEMBER]) == [
        "Jan 2027 skips Dec 2026: it has invoices and is not finalised"
    ]

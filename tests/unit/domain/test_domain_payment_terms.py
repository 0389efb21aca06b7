"""Payment terms in the four forms Xero knows, and the due dates they give."""

from datetime import date

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.terms import XERO_TERMS, PaymentTerms, TermsKind


@pytest.mark.parametrize(
    ("text", "kind", "days"),
    [
        ("days:14", TermsKind.DAYS, 14),
        ("eom:5", TermsKind.EOM, 5),
        ("current:20", TermsKind.CURRENT, 20),
        ("following:20", TermsKind.FOLLOWING, 20),
        ("DAYS:30", TermsKind.DAYS, 30),
        ("  following : 1 ", TermsKind.FOLLOWING, 1),
        ("days:0", TermsKind.DAYS, 0),
        ("days:365", TermsKind.DAYS, 365),
        ("current:31", TermsKind.CURRENT, 31),
    ],
)
def test_terms_parse_to_their_kind_and_number(text, kind, days):
    assert PaymentTerms.parse(text) == PaymentTerms(kind, days)


def test_terms_print_back_in_the_form_they_are_stored():
    assert str(PaymentTerms.parse(" Following:20 ")) == "following:20"
    assert PaymentTerms.parse(str(PaymentTerms(TermsKind.EOM, 7))) == PaymentTerms(TermsKind.EOM, 7)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "are not payment terms"),
        ("14", "are not payment terms"),
        ("net30", "are not payment terms"),
        ("days", "are not payment terms"),
        ("days:", "are not payment terms"),
        ("days:-1", "are not payment terms"),
        ("days:1000", "are not payment terms"),
        ("weeks:2", "are not payment terms"),
        ("current:0", "the day of the month must be 1 to 31"),
        ("following:32", "the day of the month must be 1 to 31"),
        ("days:366", "at most 365 days"),
        ("eom:400", "at most 365 days"),
    ],
)
def test_bad_terms_are_refused_naming_the_text(text, reason):
    with pytest.raises(InvalidInput, match=reason) as error:
        PaymentTerms.parse(text)
    assert repr(text) in str(error.value)


@pytest.mark.parametrize(
    ("terms", "invoiced", "due"),
    [
        ("days:14", date(2026, 1, 1), date(2026, 1, 15)),
        ("days:30", date(2025, 12, 15), date(2026, 1, 14)),
        ("days:0", date(2026, 3, 1), date(2026, 3, 1)),
        ("eom:5", date(2026, 2, 1), date(2026, 3, 5)),
        ("eom:0", date(2026, 2, 10), date(2026, 2, 28)),
        ("eom:20", date(2025, 12, 1), date(2026, 1, 20)),
        ("current:20", date(2026, 1, 1), date(2026, 1, 20)),
        ("current:31", date(2026, 2, 1), date(2026, 2, 28)),
        ("following:20", date(2026, 1, 1), date(2026, 2, 20)),
        ("following:31", date(2026, 1, 31), date(2026, 2, 28)),
        ("following:31", date(2028, 1, 1), date(2028, 2, 29)),
        ("following:15", date(2026, 12, 1), date(2027, 1, 15)),
    ],
)
def test_the_due_date_follows_the_terms(terms, invoiced, due):
    assert PaymentTerms.parse(terms).due_date(invoiced) == due


def test_current_month_terms_are_never_due_before_the_invoice_date():
    assert PaymentTerms.parse("current:5").due_date(date(2026, 1, 10)) == date(2026, 1, 10)


@pytest.mark.parametrize(
    ("terms", "described"),
    [
        ("days:14", "14 days after the invoice date"),
        ("eom:5", "5 days after the end of the invoice month"),
        ("current:1", "the 1st of the invoice month"),
        ("following:2", "the 2nd of the following month"),
        ("following:3", "the 3rd of the following month"),
        ("following:11", "the 11th of the following month"),
        ("following:22", "the 22nd of the following month"),
        ("current:31", "the 31st of the invoice month"),
    ],
)
def test_terms_describe_themselves_in_words(terms, described):
    assert PaymentTerms.parse(terms).describe() == described


def test_every_kind_maps_to_a_xero_terms_type():
    assert XERO_TERMS == {
        TermsKind.DAYS: "DAYSAFTERBILLDATE",
        TermsKind.EOM: "DAYSAFTERBILLMONTH",
        TermsKind.CURRENT: "OFCURRENTMONTH",
        TermsKind.FOLLOWING: "OFFOLLOWINGMONTH",
    }

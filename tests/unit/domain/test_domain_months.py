"""Billing months: parsing, arithmetic across years and day clamping."""

from datetime import date

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.model import invoice_date
from socketcli.domain.months import Month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01", Month(2026, 1)),
        ("2026-12", Month(2026, 12)),
        ("1999-07", Month(1999, 7)),
        ("  2026-03 ", Month(2026, 3)),
    ],
)
def test_a_yyyy_mm_string_parses_to_its_month(text, expected):
    assert Month.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "26-01", "nov", "2026-1", "2026/01", "2026-01-01", "", "1899-12"],
)
def test_a_string_that_is_not_a_month_is_refused_with_a_message_naming_it(text):
    with pytest.raises(InvalidInput, match=r"expected YYYY-MM") as error:
        Month.parse(text)
    assert repr(text) in str(error.value)


def test_str_gives_zero_padded_yyyy_mm_and_parses_back():
    month = Month(2026, 3)
    assert str(month) == "2026-03"
    assert Month.parse(str(month)) == month


def test_a_month_number_out_of_range_cannot_be_constructed():
    with pytest.raises(ValueError, match="out of range"):
        Month(2026, 13)


def test_the_month_of_a_date_is_its_calendar_month():
    assert Month.of(date(2026, 3, 17)) == Month(2026, 3)


def test_adding_one_to_december_gives_january_of_the_next_year():
    assert Month(2025, 12) + 1 == Month(2026, 1)


def test_subtracting_one_from_january_gives_december_of_the_previous_year():
    assert Month(2026, 1) - 1 == Month(2025, 12)


def test_adding_many_months_crosses_several_years():
    assert Month(2023, 10) + 17 == Month(2025, 3)
    assert Month(2023, 10) - 22 == Month(2021, 12)
    assert Month(2024, 2) + 12 == Month(2025, 2)


def test_months_since_counts_months_across_years():
    assert Month(2026, 2).months_since(Month(2024, 11)) == 15
    assert Month(2024, 11).months_since(Month(2026, 2)) == -15
    assert Month(2026, 2).months_since(Month(2026, 2)) == 0


def test_the_ordinal_round_trips_through_from_ordinal():
    for month in (Month(2020, 1), Month(2025, 12), Month(2030, 6)):
        assert Month.from_ordinal(month.ordinal) == month


def test_months_are_ordered_across_years():
    assert Month(2025, 12) < Month(2026, 1) < Month(2026, 2)
    assert sorted([Month(2026, 1), Month(2025, 12), Month(2025, 2)]) == [
        Month(2025, 2),
        Month(2025, 12),
        Month(2026, 1),
    ]


def test_first_and_last_day_of_a_month():
    assert Month(2026, 4).first_day == date(2026, 4, 1)
    assert Month(2026, 4).last_day == date(2026, 4, 30)
    assert Month(2028, 2).last_day == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        (Month(2026, 1), 15, date(2026, 1, 15)),
        (Month(2026, 1), 31, date(2026, 1, 31)),
        (Month(2026, 2), 31, date(2026, 2, 28)),
        (Month(2028, 2), 31, date(2028, 2, 29)),
        (Month(2026, 4), 31, date(2026, 4, 30)),
        (Month(2026, 2), 29, date(2026, 2, 28)),
    ],
)
def test_a_day_past_the_end_of_the_month_is_clamped_to_its_last_day(month, day, expected):
    assert month.day(day) == expected


def test_the_invoice_date_is_the_invoice_day_clamped_to_the_month():
    assert invoice_date(Month(2026, 2), 31) == date(2026, 2, 28)
    assert invoice_date(Month(2026, 3), 1) == date(2026, 3, 1)


def test_the_label_is_as_on_an_invoice():
    assert Month(2023, 10).label == "Oct 2023"
    assert Month(2024, 1).label == "Jan 2024"


# -- months as a person types them on the command line (domain.dates.parse_typed_month) --------

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12",
        " 2026-12 ",
        "2026/12",
        "12/2026",
        "12-2026",
        "Dec 2026",
        "dec 2026",
        "DEC-2026",
        "Dec. 2026",
        "December 2026",
        "december  2026",
        "2026 Dec",
    ],
)
def test_a_month_typed_as_socket_shows_it_or_as_people_write_it_is_that_month(text):
    from socketcli.domain.dates import parse_typed_month

    assert parse_typed_month(text, today=TODAY) == Month(2026, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this", Month(2026, 12)),
        ("next", Month(2027, 1)),
        ("Next", Month(2027, 1)),
        ("last", Month(2026, 11)),
        ("previous", Month(2026, 11)),
        ("1/2027", Month(2027, 1)),
        ("Sept 2026", Month(2026, 9)),
    ],
)
def test_relative_and_short_months_count_from_today(text, expected):
    from socketcli.domain.dates import parse_typed_month

    assert parse_typed_month(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("garbage", "month 'garbage' is not a month: expected YYYY-MM (e.g. 2026-12), Dec 2026"),
        ("dec", "month 'dec' has no year: write it with its year, e.g. Dec 2026 or 2026-12"),
        ("Dec 26", "month 'Dec 26' is not a month: expected YYYY-MM"),
        ("2026-13", "month '2026-13' is not a month: there is no month 13"),
        ("13/2026", "month '13/2026' is not a month: there is no month 13"),
        ("2026-12-31", "month '2026-12-31' is not a month: expected YYYY-MM"),
        ("Foo 2026", "month 'Foo 2026' is not a month: expected YYYY-MM"),
        ("٢٠٢٦-12", "is not a month: expected YYYY-MM"),
        ("9999-12", "month '9999-12' is outside the months socket supports, 1900-01 to 2999-12"),
    ],
)
def test_a_typed_month_that_cannot_be_read_one_way_is_refused_naming_the_forms(text, message):
    from socketcli.domain.dates import parse_typed_month

    with pytest.raises(InvalidInput) as error:
        parse_typed_month(text, today=TODAY)
    assert message in str(error.value)


def test_a_relative_month_without_today_is_refused_not_guessed():
    from socketcli.domain.dates import parse_typed_month

    with pytest.raises(InvalidInput, match="needs today's date"):
        parse_typed_month("next")


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        ("2026-11-30T11:00:00+00:00", "Pacific/Auckland", date(2026, 12, 1)),  # 00:00 NZDT
        ("2026-11-30T10:59:59+00:00", "Pacific/Auckland", date(2026, 11, 30)),
        ("2026-06-30T12:00:00+00:00", "Pacific/Auckland", date(2026, 7, 1)),  # NZST, UTC+12
        ("2026-07-01T00:30:00+01:00", "Europe/London", date(2026, 7, 1)),  # BST
        ("2026-07-01T00:30:00+00:00", "America/Los_Angeles", date(2026, 6, 30)),
    ],
)
def test_today_is_the_practices_calendar_day_not_utcs(moment, zone, expected):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from socketcli.domain.dates import local_today

    assert local_today(datetime.fromisoformat(moment), ZoneInfo(zone)) == expected

"""`socket settings show|set`: every practice setting, checked before it is stored."""

from __future__ import annotations

import pytest

from socketcli.domain.settings import SETTINGS

DEFAULTS = {spec.key: spec.default for spec in SETTINGS}


def test_show_lists_every_setting_with_its_default_and_meaning(socket, empty_store):
    screen = socket.ok("settings", "show").stdout

    assert "Practice settings" in screen
    for spec in SETTINGS:
        line = next(line for line in screen.splitlines() if line.strip().startswith(spec.key))
        assert spec.help in line
        assert (spec.default or "(none)") in line


def test_show_json_is_every_setting_and_its_value(socket, empty_store):
    assert socket.json("settings", "show") == DEFAULTS
    assert DEFAULTS["payment_terms"] == "days:14"
    assert DEFAULTS["posting_status"] == "DRAFT"


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("invoice_day", "15", "15"),
        ("invoice_day", "07", "7"),
        ("payment_terms", "following:20", "following:20"),
        ("payment_terms", "EOM:30", "eom:30"),
        ("recurring_account_code", "4000", "4000"),
        ("one_off_account_code", "260", "260"),
        ("consolidate_recurring", "yes", "true"),
        ("consolidate_one_off", "on", "true"),
        ("posting_status", "authorised", "AUTHORISED"),
        ("plan_mode", "AUTO", "auto"),
        ("alignment_invoicing", "separate", "separate"),
        ("branding_theme", "  Standard  ", "Standard"),
        ("crm", "xero", "xero"),
    ],
)
def test_set_stores_the_checked_value(socket, empty_store, key, typed, stored):
    result = socket.ok("settings", "set", key, typed)

    assert result.stderr.strip() == f"{key} = {stored}"
    assert socket.json("settings", "show") == {**DEFAULTS, key: stored}


def test_a_changed_setting_is_shown_in_the_table(socket, empty_store):
    socket.ok("settings", "set", "payment_terms", "following:20")

    line = next(
        line
        for line in socket.ok("settings", "show").stdout.splitlines()
        if "payment_terms" in line
    )
    assert "following:20" in line


def test_an_empty_branding_theme_goes_back_to_xeros_default(socket, empty_store):
    socket.ok("settings", "set", "branding_theme", "Standard")

    assert socket.ok("settings", "set", "branding_theme", "").stderr.strip() == (
        "branding_theme = (none)"
    )
    assert socket.json("settings", "show")["branding_theme"] == ""


def test_an_unknown_setting_names_the_known_ones(socket, empty_store):
    message = socket.fails("settings", "set", "invoice_date", "1", code=2)

    assert "unknown setting 'invoice_date'" in message
    assert "invoice_day" in message
    assert socket.json("settings", "show") == DEFAULTS


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("invoice_day", "0", "expected a day of the month, 1 to 31"),
        ("invoice_day", "32", "expected a day of the month, 1 to 31"),
        ("invoice_day", "first", "expected a day of the month, 1 to 31"),
        ("payment_terms", "net 30", "expected days:N, eom:N, current:N or following:N"),
        ("payment_terms", "following:40", "the day of the month must be 1 to 31"),
        ("recurring_account_code", "not a code", "expected a Xero account code"),
        ("consolidate_recurring", "maybe", "expected true or false"),
        ("posting_status", "PAID", "expected one of DRAFT, AUTHORISED"),
        ("plan_mode", "manual", "expected one of approve, auto"),
        ("alignment_invoicing", "later", "expected one of first_invoice, separate"),
        ("crm", "hubspot", "expected one of socket, xero"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_changes(socket, empty_store, key, value, expected):
    message = socket.fails("settings", "set", key, value, code=2)

    assert f"setting {key}: {value!r} is not valid" in message
    assert expected in message
    assert socket.json("settings", "show") == DEFAULTS


@pytest.mark.parametrize("key", ["playground", "xero_organisation"])
def test_settings_made_by_other_commands_cannot_be_set_by_hand(socket, empty_store, key):
    assert f"setting {key!r} cannot be set by hand" in socket.fails(
        "settings", "set", key, "true", code=2
    )


def test_set_without_a_value_is_a_usage_error(socket, empty_store):
    assert "Missing argument 'VALUE'" in socket.usage_error("settings", "set", "invoice_day")


def test_payment_terms_and_invoice_day_date_the_invoices(socket, practice):
    socket.ok("settings", "set", "invoice_day", "31")
    socket.ok("settings", "set", "payment_terms", "following:20")

    invoice = socket.json("plan", "preview", "ACME", "--month", "2027-02")["invoices"][0]

    assert invoice["invoice_date"] == "2027-02-28"
    assert invoice["due_date"] == "2027-03-20"
    assert invoice["payment_terms"] == "the 20th of the following month"


def test_the_recurring_account_code_is_the_default_for_services_without_one(socket, practice):
    socket.ok("settings", "set", "recurring_account_code", "4000")

    lines = socket.json("plan", "preview", "ACME")["invoices"][0]["lines"]

    assert [(line["description"], line["account_code"]) for line in lines] == [
        ("Bookkeeping – Dec 2026", "4000"),
        ("Payroll, 3 staff – Dec 2026", "210"),
    ]


def test_the_branding_theme_reaches_the_invoice(socket, practice):
    socket.ok("settings", "set", "branding_theme", "Monthly fees")

    assert socket.json("plan", "preview", "ACME")["invoices"][0]["branding_theme"] == (
        "Monthly fees"
    )


def test_a_value_with_square_brackets_is_printed_as_typed(socket, empty_store):
    # Bug: cli/settings.py passes the value to Rich as markup ("[b]" vanishes, "[/]" crashes).
    result = socket.ok("settings", "set", "branding_theme", "[b]Special")

    assert result.stderr.strip() == "branding_theme = [b]Special"

"""`socket services list|add|edit`: the pricing menu."""

from __future__ import annotations

import pytest


def service(socket, name):
    return next(s for s in socket.json("services", "list") if s["name"] == name)


def test_list_shows_method_account_code_and_alignment(socket, practice):
    screen = socket.ok("services", "list").stdout

    assert "Pricing menu" in screen
    rows = {line.split("  ")[1].strip(): line for line in screen.splitlines() if "  " in line}
    assert "quarterly in advance" in rows["VAT returns"]
    assert "(default)" in rows["Bookkeeping"]
    assert "210" in rows["Payroll"]
    assert "yes" in rows["Annual accounts"]


def test_list_json(socket, practice):
    services = {s["name"]: s for s in socket.json("services", "list")}

    assert set(services) == {"Annual accounts", "Bookkeeping", "Payroll", "VAT returns"}
    assert services["Payroll"] == {
        "name": "Payroll",
        "billing_method": "monthly",
        "account_code": "210",
        "alignment_fee": False,
        "tracking": None,
    }
    assert services["Annual accounts"]["alignment_fee"] is True
    assert services["VAT returns"]["billing_method"] == "quarterly_in_advance"


def test_list_json_of_an_empty_menu(socket, empty_store):
    assert socket.json("services", "list") == []


def test_add_with_every_option(socket, empty_store):
    result = socket.ok(
        "services",
        "add",
        "  Management   accounts ",
        "--method",
        "Annual-In-Advance",
        "--account-code",
        "4100",
        "--tracking",
        "Department:Advisory",
    )

    assert result.stderr.strip() == "Added service Management accounts (annual_in_advance)"
    assert socket.json("services", "list") == [
        {
            "name": "Management accounts",
            "billing_method": "annual_in_advance",
            "account_code": "4100",
            "alignment_fee": False,
            "tracking": "Department:Advisory",
        }
    ]


@pytest.mark.parametrize(
    "method",
    [
        "monthly",
        "quarterly_in_advance",
        "annual_in_advance",
        "quarterly_on_completion",
        "annual_on_completion",
        "one_off",
        "weekly",
    ],
)
def test_every_billing_method_can_be_added(socket, empty_store, method):
    socket.ok("services", "add", "Work", "--method", method)

    assert service(socket, "Work")["billing_method"] == method


@pytest.mark.parametrize(
    ("options", "code", "expected"),
    [
        (["Tax", "--method", "fortnightly"], 2, "billing method 'fortnightly' is not one of"),
        (
            ["Tax", "--method", "annual_in_advance", "--alignment"],
            2,
            "only a service billed monthly can carry an alignment fee",
        ),
        (["Tax", "--method", "monthly", "--account-code", "two hundred"], 2, "account code"),
        (["Tax", "--method", "monthly", "--tracking", "Advisory"], 2, "must be Category:Option"),
        (["   ", "--method", "monthly"], 2, "service name is empty"),
        (["bookkeeping", "--method", "monthly"], 4, "already exists"),
    ],
)
def test_add_refuses_bad_input_and_adds_nothing(socket, practice, options, code, expected):
    assert expected in socket.fails("services", "add", *options, code=code)
    assert len(socket.json("services", "list")) == 4


def test_add_without_a_method_is_a_usage_error(socket, empty_store):
    assert "Missing option '--method'" in socket.usage_error("services", "add", "Tax")


def test_edit_changes_what_is_given_and_empty_values_clear(socket, practice):
    result = socket.ok(
        "services", "edit", "Payroll", "--account-code", "", "--tracking", "Dept:Pay"
    )

    assert result.stderr.strip() == "Updated service Payroll"
    assert service(socket, "Payroll") == {
        "name": "Payroll",
        "billing_method": "monthly",
        "account_code": None,
        "alignment_fee": False,
        "tracking": "Dept:Pay",
    }


def test_an_edited_account_code_reaches_the_invoice(socket, practice):
    socket.ok("services", "edit", "Bookkeeping", "--account-code", "4000")

    lines = socket.json("plan", "preview", "ACME")["invoices"][0]["lines"]

    assert [line["account_code"] for line in lines] == ["4000", "210"]


def test_edit_keeps_the_billing_method_of_proposals_already_made(socket, practice):
    socket.ok("services", "edit", "VAT returns", "--method", "monthly")

    assert service(socket, "VAT returns")["billing_method"] == "monthly"
    line = socket.json("proposals", "show", "P-BETA")["lines"][0]
    assert line["billing_method"] == "quarterly_in_advance"
    assert socket.json("plan", "show", "--month", "2026-12")["clients"][0]["reference"] == "ACME"


def test_edit_refuses_alignment_on_a_service_not_billed_monthly(socket, practice):
    message = socket.fails("services", "edit", "VAT returns", "--alignment", code=2)

    assert "only a service billed monthly can carry an alignment fee" in message
    assert service(socket, "VAT returns")["alignment_fee"] is False


def test_edit_of_a_service_that_does_not_exist(socket, practice):
    message = socket.fails("services", "edit", "Audit", "--method", "monthly", code=3)

    assert message == "error: service 'Audit' does not exist: see `socket services list`"


def test_a_name_with_square_brackets_is_printed_as_typed(socket, empty_store):
    # Bug: cli/services.py passes the name to Rich as markup, so "[/]" crashes the command.
    result = socket.ok("services", "add", "Tax [/] returns", "--method", "monthly")

    assert result.stderr.strip() == "Added service Tax [/] returns (monthly)"

"""`socket clients list|show|add|edit|close`."""

from __future__ import annotations

import pytest

CLIENT_FIELDS = {
    "reference",
    "name",
    "email",
    "year_end",
    "xero_contact_id",
    "xero_contact_name",
    "new_xero_contact",
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
}


def client(socket, reference):
    return next(c for c in socket.json("clients", "list") if c["reference"] == reference)


def test_list_shows_each_client_with_its_xero_link(socket, practice):
    screen = socket.ok("clients", "list").stdout

    assert "2 clients" in screen
    acme = next(line for line in screen.splitlines() if "ACME" in line)
    assert "Acme Ltd" in acme
    assert "accounts@acme.test" in acme
    assert "31-03" in acme
    assert "not linked" in acme


def test_list_json_has_every_field_of_every_client(socket, practice):
    clients = socket.json("clients", "list")

    assert [c["reference"] for c in clients] == ["ACME", "BETA"]
    assert all(set(c) == CLIENT_FIELDS for c in clients)
    assert clients[0] == {
        "reference": "ACME",
        "name": "Acme Ltd",
        "email": "accounts@acme.test",
        "year_end": "31-03",
        "xero_contact_id": None,
        "xero_contact_name": None,
        "new_xero_contact": False,
        "payment_terms": None,
        "invoice_day": None,
        "consolidate": None,
        "branding_theme": None,
        "tracking": None,
        "last_billable_month": None,
    }


def test_list_json_of_a_practice_without_clients_is_an_empty_list(socket, empty_store):
    assert socket.json("clients", "list") == []


def test_show_has_the_details_and_the_proposals(socket, practice):
    screen = socket.ok("clients", "show", "ACME").stdout

    assert "Acme Ltd (ACME)" in screen
    assert "accounts@acme.test" in screen
    proposal = next(line for line in screen.splitlines() if "P-ACME" in line)
    assert "accepted" in proposal
    assert "2026-10-01" in proposal
    assert "Bookkeeping 150.00 monthly" in proposal
    assert "Payroll 75.00 monthly" in proposal


def test_show_json_adds_the_proposals(socket, practice):
    shown = socket.json("clients", "show", "BETA")

    assert shown["name"] == "Beta Bakery"
    assert shown["year_end"] == "30-06"
    assert shown["proposals"] == [
        {"reference": "P-BETA", "status": "accepted", "start_date": "2026-10-01"}
    ]


def test_show_finds_a_client_by_its_exact_name(socket, practice):
    assert socket.json("clients", "show", "beta bakery")["reference"] == "BETA"


def test_a_reference_typed_in_lower_case_finds_its_client_everywhere(socket, practice):
    # A new user types `plan preview acme` for ACME: every command that takes a client.
    assert socket.json("clients", "show", "acme")["reference"] == "ACME"
    assert socket.json("plan", "preview", "acme")["invoices"][0]["reference"] == "ACME Dec 2026"
    socket.ok("clients", "edit", "Beta", "--email", "hello@beta.test")
    assert socket.json("clients", "show", "BETA")["email"] == "hello@beta.test"


def test_references_that_differ_only_in_case_are_not_guessed_between(socket, practice):
    socket.ok("clients", "add", "acme", "Another Acme")

    assert socket.json("clients", "show", "acme")["name"] == "Another Acme"  # exact first
    message = socket.fails("clients", "show", "Acme", code=3)
    assert message == (
        "error: client 'Acme' is not a reference; these differ from it in case: ACME, acme"
    )


def test_show_of_a_client_that_does_not_exist(socket, practice):
    message = socket.fails("clients", "show", "GAMMA", code=3)

    assert message == "error: client 'GAMMA' does not exist: see `socket clients list`"


def test_a_name_shared_by_two_clients_asks_for_a_reference(socket, practice):
    socket.ok("clients", "add", "ACME2", "Acme Ltd")

    message = socket.fails("clients", "show", "Acme Ltd", code=3)

    assert "names 2 clients (ACME, ACME2): use a reference" in message


def test_add_with_every_override(socket, practice):
    result = socket.ok(
        "clients",
        "add",
        "GAMMA",
        "  Gamma   Garages  ",
        "--email",
        "billing@gamma.test",
        "--year-end",
        "30/09",
        "--payment-terms",
        "following:20",
        "--invoice-day",
        "28",
        "--consolidate",
        "yes",
        "--branding-theme",
        "Garages",
        "--tracking",
        "Region : North",
    )

    assert result.stderr.strip() == "Added client GAMMA: Gamma Garages"
    assert client(socket, "GAMMA") == {
        "reference": "GAMMA",
        "name": "Gamma Garages",
        "email": "billing@gamma.test",
        "year_end": "30-09",
        "xero_contact_id": None,
        "xero_contact_name": None,
        "new_xero_contact": False,
        "payment_terms": "following:20",
        "invoice_day": 28,
        "consolidate": True,
        "branding_theme": "Garages",
        "tracking": "Region:North",
        "last_billable_month": None,
    }


def test_add_a_reference_that_exists_is_a_conflict(socket, practice):
    message = socket.fails("clients", "add", "ACME", "Another Acme", code=4)

    assert "client 'ACME' already exists" in message
    assert client(socket, "ACME")["name"] == "Acme Ltd"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["REF WITH SPACES", "X"], "client reference 'REF WITH SPACES' must be one word"),
        (["GAMMA", "   "], "client name is empty"),
        (["GAMMA", "X", "--email", "not-an-email"], "email 'not-an-email' is not an email"),
        (["GAMMA", "X", "--year-end", "31-02"], "year end '31-02' is not a day and month"),
        (["GAMMA", "X", "--year-end", "March"], "year end 'March' is not a day and month"),
        (["GAMMA", "X", "--payment-terms", "30 days"], "payment terms '30 days'"),
        (["GAMMA", "X", "--invoice-day", "32"], "invoice day '32'"),
        (["GAMMA", "X", "--tracking", "North"], "tracking 'North' must be Category:Option"),
    ],
)
def test_add_refuses_bad_values_and_adds_nothing(socket, practice, options, expected):
    assert expected in socket.fails("clients", "add", *options, code=2)
    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME", "BETA"]


def test_edit_changes_only_what_is_given(socket, practice):
    result = socket.ok(
        "clients", "edit", "ACME", "--name", "Acme Holdings Ltd", "--payment-terms", "eom:30"
    )

    assert result.stderr.strip() == "Updated client ACME: Acme Holdings Ltd"
    edited = client(socket, "ACME")
    assert edited["name"] == "Acme Holdings Ltd"
    assert edited["payment_terms"] == "eom:30"
    assert edited["email"] == "accounts@acme.test"
    assert edited["year_end"] == "31-03"


def test_edit_with_an_empty_value_clears_the_override(socket, practice):
    socket.ok("clients", "edit", "ACME", "--payment-terms", "days:30", "--invoice-day", "15")

    socket.ok("clients", "edit", "ACME", "--payment-terms", "", "--invoice-day", "")

    edited = client(socket, "ACME")
    assert edited["payment_terms"] is None
    assert edited["invoice_day"] is None


def test_edited_overrides_reach_the_invoice(socket, practice):
    socket.ok(
        "clients",
        "edit",
        "Acme Ltd",
        "--invoice-day",
        "15",
        "--payment-terms",
        "days:30",
        "--branding-theme",
        "Acme theme",
    )

    invoice = socket.json("plan", "preview", "ACME")["invoices"][0]

    assert invoice["invoice_date"] == "2026-12-15"
    assert invoice["due_date"] == "2027-01-14"
    assert invoice["branding_theme"] == "Acme theme"


def test_edit_of_a_client_that_does_not_exist(socket, practice):
    assert "client 'GAMMA' does not exist" in socket.fails(
        "clients", "edit", "GAMMA", "--name", "Gamma", code=3
    )


def test_edit_with_nothing_to_change_says_so_instead_of_updated(socket, practice):
    before = client(socket, "ACME")

    message = socket.fails("clients", "edit", "ACME", code=2)

    assert message == (
        "error: nothing to change: give one or more of --name, --email, --year-end, "
        "--payment-terms, --invoice-day, --consolidate, --branding-theme, --tracking"
    )
    assert client(socket, "ACME") == before


def test_show_says_yes_or_no_not_python_s_true_or_false(socket, practice):
    socket.ok("contacts", "new", "ACME")
    (row,) = [
        line.split()
        for line in socket.ok("clients", "show", "ACME").stdout.splitlines()
        if "new xero contact" in line
    ]
    assert row == ["new", "xero", "contact", "yes"]
    assert "False" not in socket.ok("clients", "show", "BETA").stdout
    assert "True" not in socket.ok("clients", "show", "ACME").stdout


def test_edit_refuses_a_bad_email_and_keeps_the_old_one(socket, practice):
    assert "email 'nope' is not an email address" in socket.fails(
        "clients", "edit", "ACME", "--email", "nope", code=2
    )
    assert client(socket, "ACME")["email"] == "accounts@acme.test"


def test_close_stops_billing_after_the_last_month(socket, practice):
    result = socket.ok("clients", "close", "ACME", "--last-month", "Dec 2026")

    assert result.stderr.strip() == "Acme Ltd (ACME) is closing: last billed in Dec 2026."
    assert client(socket, "ACME")["last_billable_month"] == "2026-12"
    assert "last billed Dec 2026" in socket.ok("clients", "list").stdout
    december = socket.json("plan", "show", "--month", "2026-12")
    assert [c["reference"] for c in december["clients"]] == ["ACME"]
    january = socket.json("plan", "diff", "--month", "2027-01")
    assert {c["reference"]: c["change"] for c in january["clients"]} == {
        "ACME": "ceased",
        "BETA": "new",
    }


def test_close_of_a_client_that_does_not_exist(socket, practice):
    assert "client 'GAMMA' does not exist" in socket.fails(
        "clients", "close", "GAMMA", "--last-month", "2026-12", code=3
    )


@pytest.mark.parametrize(
    ("month", "why"),
    [
        ("2026-13", "is not a month: there is no month 13"),
        ("dec", "has no year"),
        ("2026-12-31", "is not a month: expected YYYY-MM (e.g. 2026-12), Dec 2026"),
    ],
)
def test_close_needs_a_month(socket, practice, month, why):
    message = socket.fails("clients", "close", "ACME", "--last-month", month, code=2)

    assert f"month {month!r} {why}" in message
    assert client(socket, "ACME")["last_billable_month"] is None


def test_close_without_a_last_month_is_a_usage_error(socket, practice):
    assert "Missing option '--last-month'" in socket.usage_error("clients", "close", "ACME")


@pytest.mark.parametrize("name", ["Smith [UK] Ltd", "Jones [/] Ltd", "Brackets [bold]Co"])
def test_names_with_square_brackets_are_printed_as_typed(socket, practice, name):
    # Bug: cli/clients.py passes the name to Rich as markup ("[/]" crashes, "[bold]" vanishes).
    result = socket.ok("clients", "add", "BRK", name)

    assert result.stderr.strip() == f"Added client BRK: {name}"
    assert client(socket, "BRK")["name"] == name
    assert name in socket.ok("clients", "list").stdout

"""`socket plan show|diff|preview|approve`: the monthly billing plan, as the accountant sees it.

The practice (tests/cli/conftest.py): ACME bills 225.00 a month in 2 lines from October 2026;
BETA bills 120.00 quarterly in October, January, April and July. Today is 2026-11-21, so the
plan commands default to December 2026.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

SHOW_FIELDS = {"month", "status", "playground", "clients", "outstanding", "totals"}
SHOW_CLIENT_FIELDS = {
    "reference",
    "client",
    "amount",
    "line_count",
    "invoice_count",
    "xero_contact",
    "xero_contact_status",
    "warning",
}
DIFF_FIELDS = {
    "month",
    "previous_month",
    "previous_source",
    "playground",
    "clients",
    "outstanding",
    "totals",
    "total",
}
DIFF_CLIENT_FIELDS = {
    "reference",
    "client",
    "change",
    "amount",
    "line_count",
    "previous_amount",
    "previous_line_count",
    "difference",
    "xero_contact",
    "xero_contact_status",
    "warning",
}
INVOICE_FIELDS = {
    "client_reference",
    "kind",
    "type",
    "contact",
    "invoice_date",
    "due_date",
    "payment_terms",
    "reference",
    "status",
    "branding_theme",
    "line_amount_types",
    "lines",
    "subtotal",
    "total",
}
LINE_FIELDS = {
    "description",
    "quantity",
    "unit_amount",
    "account_code",
    "tax_type",
    "line_amount",
    "tracking",
}


def changes(socket, month):
    """{client reference: change type} of `plan diff` for `month`."""
    diff = socket.json("plan", "diff", "--month", month)
    return {row["reference"]: row["change"] for row in diff["clients"]}


def lines(socket, client, month):
    """[(description, line amount)] of each invoice line `client` gets for `month`."""
    preview = socket.json("plan", "preview", client, "--month", month)
    return [
        (line["description"], line["line_amount"])
        for invoice in preview["invoices"]
        for line in invoice["lines"]
    ]


# -- plan show -----------------------------------------------------------------------------


def test_show_has_a_row_per_client_billed_and_the_total(socket, practice):
    result = socket.ok("plan", "show")

    assert "Billing plan for Dec 2026" in result.stdout
    acme = next(line for line in result.stdout.splitlines() if "ACME" in line)
    assert acme.split()[:5] == ["Acme", "Ltd", "ACME", "225.00", "2"]
    assert "not linked" in acme
    assert "Beta Bakery" not in result.stdout
    assert "1 client " in result.stdout
    # BETA, not linked either, is billed in January: it needs attention all the same.
    assert result.stderr.strip().splitlines()[-1] == (
        "⚠ 2 clients need attention (1 not linked, 1 not billed this month): fix with "
        "`socket contacts match`."
    )


def test_show_json_is_every_client_with_amounts_as_strings(socket, practice):
    plan = socket.json("plan", "show", "--month", "2027-01")

    assert set(plan) == SHOW_FIELDS
    assert (plan["month"], plan["status"], plan["playground"]) == ("2027-01", "draft", False)
    assert all(set(row) == SHOW_CLIENT_FIELDS for row in plan["clients"])
    assert plan["clients"] == [
        {
            "reference": "ACME",
            "client": "Acme Ltd",
            "amount": "225.00",
            "line_count": 2,
            "invoice_count": 1,
            "xero_contact": None,
            "xero_contact_status": "unlinked",
            "warning": "not linked to a Xero contact",
        },
        {
            "reference": "BETA",
            "client": "Beta Bakery",
            "amount": "120.00",
            "line_count": 1,
            "invoice_count": 1,
            "xero_contact": None,
            "xero_contact_status": "unlinked",
            "warning": "not linked to a Xero contact",
        },
    ]
    assert plan["totals"] == {
        "clients": 2,
        "amount": "345.00",
        "line_count": 3,
        "needing_attention": 2,
    }
    assert sum(Decimal(row["amount"]) for row in plan["clients"]) == Decimal(
        plan["totals"]["amount"]
    )


def test_show_csv_has_a_header_and_a_row_per_client(socket, practice):
    rows = socket.csv("plan", "show", "--month", "2027-01")

    assert [(r["reference"], r["client"], r["amount"], r["line_count"]) for r in rows] == [
        ("ACME", "Acme Ltd", "225.00", "2"),
        ("BETA", "Beta Bakery", "120.00", "1"),
    ]
    assert set(rows[0]) == SHOW_CLIENT_FIELDS | {"outstanding"}
    assert rows[0]["xero_contact"] == ""


def test_show_of_a_month_with_nothing_due(socket, practice):
    plan = socket.json("plan", "show", "--month", "2026-09")

    assert plan["clients"] == []
    assert plan["totals"]["amount"] == "0.00"


def test_the_default_month_is_this_month_on_the_first(socket, practice, monkeypatch):
    monkeypatch.setenv("SOCKET_NOW", "2026-12-01T08:30:00")

    assert socket.json("plan", "show")["month"] == "2026-12"


def test_the_default_month_is_next_month_after_the_first(socket, practice):
    assert socket.json("plan", "show")["month"] == "2026-12"
    assert socket.json("plan", "diff")["month"] == "2026-12"
    assert socket.json("plan", "preview", "ACME")["month"] == "2026-12"


def test_json_and_csv_together_is_a_usage_error(socket, practice):
    # With --json on the command line, the usage error is the JSON error object too.
    result = socket.exits("plan", "show", "--json", "--csv", code=2)
    assert result.stdout == ""
    assert json.loads(result.stderr)["error"] == {
        "code": "usage",
        "exit_code": 2,
        "message": "Invalid value: choose one of --json and --csv",
    }


@pytest.mark.parametrize(
    ("month", "why"),
    [
        ("2026-13", "is not a month: there is no month 13"),
        (
            "Nov 26",
            "is not a month: expected YYYY-MM (e.g. 2026-12), Dec 2026, 12/2026, or "
            "this, next or last",
        ),
        ("nov", "has no year: write it with its year, e.g. Nov 2026 or 2026-11"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [("plan", "show"), ("plan", "diff"), ("plan", "preview", "ACME"), ("plan", "approve")],
)
def test_a_month_that_is_not_a_month(socket, practice, command, month, why):
    message = socket.fails(*command, "--month", month, code=2)

    assert message == f"error: month {month!r} {why}"


@pytest.mark.parametrize("month", ["Dec 2026", "December 2026", "12/2026", "2026/12", "next"])
@pytest.mark.parametrize(
    "command", [("plan", "show"), ("plan", "diff"), ("plan", "preview", "ACME")]
)
def test_a_month_typed_as_socket_shows_it_is_that_month(socket, practice, command, month):
    """socket writes months as `Dec 2026`; it reads them so too. Today is 2026-11-21: `next`
    is December, `last` October."""
    assert socket.json(*command, "--month", month)["month"] == "2026-12"
    assert socket.json(*command, "--month", "last")["month"] == "2026-10"


# -- plan diff -----------------------------------------------------------------------------


def test_diff_table_shows_change_types_and_totals(socket, practice):
    screen = socket.ok("plan", "diff", "--month", "2027-01").stdout

    assert "What changed: Jan 2027 against Dec 2026" in screen
    assert "Dec 2026 (computed)" in screen
    beta = next(line for line in screen.splitlines() if "Beta Bakery" in line)
    assert beta.split()[2:8] == ["new", "120.00", "1", "0.00", "0", "+120.00"]
    acme = next(line for line in screen.splitlines() if "Acme Ltd" in line)
    assert acme.split()[2:8] == ["unchanged", "225.00", "2", "225.00", "2", "0.00"]
    assert "Totals by change type" in screen
    everything = next(line for line in screen.splitlines() if line.strip().startswith("all"))
    assert everything.split() == ["all", "2", "345.00", "225.00", "+120.00"]


def test_diff_json_has_every_field(socket, practice):
    diff = socket.json("plan", "diff", "--month", "2027-01")

    assert set(diff) == DIFF_FIELDS
    assert (diff["month"], diff["previous_month"], diff["previous_source"]) == (
        "2027-01",
        "2026-12",
        "computed",
    )
    assert all(set(row) == DIFF_CLIENT_FIELDS for row in diff["clients"])
    beta = next(row for row in diff["clients"] if row["reference"] == "BETA")
    assert beta == {
        "reference": "BETA",
        "client": "Beta Bakery",
        "change": "new",
        "amount": "120.00",
        "line_count": 1,
        "previous_amount": "0.00",
        "previous_line_count": 0,
        "difference": "120.00",
        "xero_contact": None,
        "xero_contact_status": "unlinked",
        "warning": "not linked to a Xero contact",
    }
    assert diff["totals"] == [
        {
            "change": "new",
            "clients": 1,
            "amount": "120.00",
            "previous_amount": "0.00",
            "difference": "120.00",
        },
        {
            "change": "unchanged",
            "clients": 1,
            "amount": "225.00",
            "previous_amount": "225.00",
            "difference": "0.00",
        },
    ]
    assert diff["total"] == {
        "amount": "345.00",
        "previous_amount": "225.00",
        "difference": "120.00",
    }


def test_diff_csv(socket, practice):
    rows = socket.csv("plan", "diff", "--month", "2027-02")

    assert set(rows[0]) == DIFF_CLIENT_FIELDS | {"outstanding"}
    assert [(r["reference"], r["change"], r["amount"], r["previous_amount"]) for r in rows] == [
        ("ACME", "unchanged", "225.00", "225.00"),
        ("BETA", "ceased", "0.00", "120.00"),
    ]
    beta = rows[1]
    assert (beta["difference"], beta["warning"]) == ("-120.00", "")


def test_a_client_billed_only_quarterly_is_new_then_ceased(socket, practice):
    assert changes(socket, "2027-01")["BETA"] == "new"
    assert changes(socket, "2027-02")["BETA"] == "ceased"
    assert "BETA" not in changes(socket, "2027-03")
    assert changes(socket, "2027-04")["BETA"] == "new"


def test_diff_shows_expanded_and_contracted(socket, practice):
    socket.ok("proposals", "change", "P-ACME", "--from", "2027-01", "--set", "Payroll=4x25")
    socket.ok("proposals", "change", "P-ACME", "--from", "2027-02", "--remove", "Bookkeeping")

    assert changes(socket, "2027-01")["ACME"] == "expanded"
    assert changes(socket, "2027-02")["ACME"] == "contracted"


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [("new", ["BETA"]), ("New, Unchanged", ["ACME", "BETA"]), ("ceased", [])],
)
def test_diff_change_filter(socket, practice, wanted, expected):
    diff = socket.json("plan", "diff", "--month", "2027-01", "--change", wanted)

    assert [row["reference"] for row in diff["clients"]] == expected
    assert sum(total["clients"] for total in diff["totals"]) == len(expected)


@pytest.mark.parametrize("wanted", ["bogus", "new,removed"])
def test_diff_change_of_an_unknown_type(socket, practice, wanted):
    message = socket.fails("plan", "diff", "--change", wanted, code=2)

    assert message == (
        f"error: --change {wanted!r}: change types are new, expanded, contracted, ceased, unchanged"
    )


# -- plan preview --------------------------------------------------------------------------


def test_preview_json_is_the_invoice_xero_will_receive(socket, practice):
    preview = socket.json("plan", "preview", "ACME")

    assert preview["month"] == "2026-12"
    [invoice] = preview["invoices"]
    assert set(invoice) == INVOICE_FIELDS
    assert all(set(line) == LINE_FIELDS for line in invoice["lines"])
    assert {key: value for key, value in invoice.items() if key != "lines"} == {
        "client_reference": "ACME",
        "kind": "recurring",
        "type": "ACCREC",
        "contact": {"name": "Acme Ltd", "contact_id": None},
        "invoice_date": "2026-12-01",
        "due_date": "2026-12-15",
        "payment_terms": "14 days after the invoice date",
        "reference": "ACME Dec 2026",
        "status": "DRAFT",
        "branding_theme": None,
        "line_amount_types": "Exclusive",
        "subtotal": "225.00",
        "total": "225.00",
    }
    assert invoice["lines"] == [
        {
            "description": "Bookkeeping – Dec 2026",
            "quantity": "1",
            "unit_amount": "150.00",
            "account_code": "200",
            "tax_type": None,
            "line_amount": "150.00",
            "tracking": [],
        },
        {
            "description": "Payroll, 3 staff – Dec 2026",
            "quantity": "3",
            "unit_amount": "25.00",
            "account_code": "210",
            "tax_type": None,
            "line_amount": "75.00",
            "tracking": [],
        },
    ]


def test_preview_table(socket, practice):
    result = socket.ok("plan", "preview", "Acme Ltd")

    # The heading on stderr; stdout is only the invoice's lines.
    assert "Invoice to Acme Ltd" in result.stderr
    assert "not linked: a new Xero contact will be created" in result.stderr
    assert "Date 01 Dec 2026   Due 15 Dec 2026 (14 days after the invoice date)" in result.stderr
    assert "Reference ACME Dec 2026" in result.stderr
    assert "Invoice to" not in result.stdout
    payroll = next(line for line in result.stdout.splitlines() if "Payroll" in line)
    assert payroll.split()[-6:] == ["3", "25.00", "210", "account", "default", "75.00"]
    total = next(line for line in result.stdout.splitlines() if "Total" in line)
    assert total.split()[-1] == "225.00"


def test_preview_csv_has_a_row_per_line(socket, practice):
    rows = socket.csv("plan", "preview", "BETA", "--month", "2027-01")

    assert rows == [
        {
            "reference": "BETA Jan 2027",
            "contact": "Beta Bakery",
            "invoice_date": "2027-01-01",
            "due_date": "2027-01-15",
            "description": "VAT returns – Jan 2027 to Mar 2027",
            "quantity": "1",
            "unit_amount": "120.00",
            "account_code": "200",
            "line_amount": "120.00",
        }
    ]


def test_preview_of_a_month_with_nothing_to_invoice(socket, practice):
    result = socket.ok("plan", "preview", "BETA")

    assert result.stdout == ""
    assert result.stderr.strip() == "Nothing to invoice for BETA in Dec 2026."
    assert socket.json("plan", "preview", "BETA")["invoices"] == []


def test_preview_of_a_client_that_does_not_exist(socket, practice):
    message = socket.fails("plan", "preview", "GAMMA", code=3)

    assert message == "error: client 'GAMMA' does not exist: see `socket clients list`"


def test_preview_without_a_client_is_a_usage_error(socket, practice):
    assert "Missing argument" in socket.usage_error("plan", "preview")


# -- consolidation -------------------------------------------------------------------------


def test_consolidation_makes_one_line_per_account_code(socket, practice):
    socket.ok("settings", "set", "consolidate_recurring", "true")

    assert lines(socket, "ACME", "2026-12") == [
        ("Professional services for Dec 2026: Bookkeeping", "150.00"),
        ("Professional services for Dec 2026: Payroll, 3 staff", "75.00"),
    ]
    socket.ok("services", "edit", "Payroll", "--account-code", "")
    assert lines(socket, "ACME", "2026-12") == [
        ("Professional services for Dec 2026: Bookkeeping, Payroll, 3 staff", "225.00"),
    ]


def test_consolidation_keeps_tracking_options_apart(socket, practice):
    socket.ok("services", "edit", "Payroll", "--account-code", "", "--tracking", "Dept:Payroll")
    socket.ok("clients", "edit", "ACME", "--consolidate", "yes")

    preview = socket.json("plan", "preview", "ACME")
    assert [
        (line["description"], line["account_code"], line["tracking"])
        for line in preview["invoices"][0]["lines"]
    ] == [
        ("Professional services for Dec 2026: Bookkeeping", "200", []),
        (
            "Professional services for Dec 2026: Payroll, 3 staff",
            "200",
            [{"name": "Dept", "option": "Payroll"}],
        ),
    ]


def test_a_client_can_opt_out_of_the_practice_consolidation(socket, practice):
    socket.ok("settings", "set", "consolidate_recurring", "true")
    socket.ok("services", "edit", "Payroll", "--account-code", "")
    socket.ok("clients", "edit", "ACME", "--consolidate", "no")

    assert len(lines(socket, "ACME", "2026-12")) == 2


# -- the alignment fee (PRODUCT.md's example) ---------------------------------------------


def test_the_first_invoice_carries_the_alignment_fee(socket, aligned):
    preview = socket.json("plan", "preview", "ALN", "--month", "2023-10")

    [invoice] = preview["invoices"]
    assert [
        (line["quantity"], line["unit_amount"], line["line_amount"]) for line in invoice["lines"]
    ] == [
        ("1", "100.00", "100.00"),
        ("6", "100.00", "600.00"),
    ]
    assert invoice["lines"][1]["description"] == (
        "Alignment fee: Annual accounts – Apr 2023 to Sep 2023 (6 months)"
    )
    assert (invoice["subtotal"], invoice["total"]) == ("700.00", "700.00")


def test_after_the_alignment_fee_the_plan_contracts_to_the_monthly_price(socket, aligned):
    diff = socket.json("plan", "diff", "--month", "2023-11")

    [row] = diff["clients"]
    assert (row["change"], row["amount"], row["previous_amount"], row["difference"]) == (
        "contracted",
        "100.00",
        "700.00",
        "-600.00",
    )
    assert (row["line_count"], row["previous_line_count"]) == (1, 2)
    align = next(
        line
        for line in socket.ok("plan", "diff", "--month", "2023-11").stdout.splitlines()
        if "Align Ltd" in line
    )
    assert "contracted" in align


def test_the_year_comes_to_twelve_months(socket, aligned):
    months = ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]

    year = sum(
        Decimal(socket.json("plan", "show", "--month", m)["totals"]["amount"]) for m in months
    )

    assert year == Decimal("1200.00")


def test_the_alignment_fee_can_be_its_own_invoice(socket, aligned):
    socket.ok("settings", "set", "alignment_invoicing", "separate")

    invoices = socket.json("plan", "preview", "ALN", "--month", "2023-10")["invoices"]

    assert [(i["kind"], i["reference"], i["total"]) for i in invoices] == [
        ("recurring", "ALN Oct 2023", "100.00"),
        ("alignment", "ALN Oct 2023 alignment fee", "600.00"),
    ]
    [row] = socket.json("plan", "show", "--month", "2023-10")["clients"]
    assert (row["amount"], row["invoice_count"]) == ("700.00", 2)


def test_the_alignment_fee_keeps_its_own_line_when_consolidated(socket, aligned):
    socket.ok("settings", "set", "consolidate_recurring", "true")

    assert lines(socket, "ALN", "2023-10") == [
        ("Professional services for Oct 2023: Annual accounts", "100.00"),
        ("Alignment fee: Annual accounts – Apr 2023 to Sep 2023 (6 months)", "600.00"),
    ]


def test_a_price_change_does_not_charge_the_alignment_fee_again(socket, aligned):
    socket.ok("proposals", "change", "P-ALN", "--from", "2024-02", "--set", "Annual accounts=80")

    assert lines(socket, "ALN", "2024-02") == [("Annual accounts – Feb 2024", "80.00")]


# -- plan approve --------------------------------------------------------------------------


def test_approve_finalises_the_month_and_moves_on_to_the_next(socket, practice):
    result = socket.ok("plan", "approve", "--by", "partner", "--yes")

    assert result.stderr.splitlines() == [
        "Dec 2026: 1 client, 1 invoice, 225.00.",
        "Since Nov 2026: 0 new, 0 expanded, 0 contracted, 0 ceased.",
        "1 client not linked to a Xero contact: at posting, each is linked to the active Xero "
        "contact of its name, or one is created for it (choose first with `socket contacts "
        "match`).",
        "Finalised the plan for Dec 2026: 1 invoice, 225.00.",
        "Dec 2026 posts on 01 Dec 2026 (Europe/London): `socket plan post` sends it from then.",
    ]
    assert result.stdout == ""
    assert socket.json("plan", "show")["month"] == "2027-01"
    diff = socket.json("plan", "diff")
    assert (diff["month"], diff["previous_source"]) == ("2027-01", "finalised")
    assert "Dec 2026 (finalised)" in socket.ok("plan", "diff").stdout


def test_approve_twice_is_a_conflict(socket, practice):
    socket.ok("plan", "approve", "--month", "2026-12", "--by", "partner", "--yes")

    message = socket.fails(
        "plan", "approve", "--month", "2026-12", "--by", "partner", "--yes", code=4
    )

    assert message == "error: the plan for 2026-12 is already finalised"


def test_approve_takes_who_from_user(socket, practice, monkeypatch):
    monkeypatch.setenv("USER", "jane")

    assert (
        "Finalised the plan for Jan 2027: 2 invoices, 345.00."
        in socket.ok("plan", "approve", "--month", "2027-01", "--yes").stderr
    )


def test_a_finalised_month_is_not_shown_as_a_draft(socket, practice):
    # Bug: cli/plan.py `show` titles every plan "(draft)", a finalised month too.
    socket.ok("plan", "approve", "--month", "2026-12", "--by", "partner", "--yes")

    screen = socket.ok("plan", "show", "--month", "2026-12").stdout

    assert "Billing plan for Dec 2026" in screen
    assert "(draft)" not in screen


def test_diff_after_approval_keeps_the_finalised_figures(socket, aligned):
    socket.ok("plan", "approve", "--month", "2024-01", "--by", "partner", "--yes", "--no-post")
    socket.ok("proposals", "change", "P-ALN", "--from", "2024-02", "--set", "Annual accounts=80")

    diff = socket.json("plan", "diff", "--month", "2024-02")

    assert diff["previous_source"] == "finalised"
    [row] = diff["clients"]
    assert (row["change"], row["amount"], row["previous_amount"], row["difference"]) == (
        "contracted",
        "80.00",
        "100.00",
        "-20.00",
    )
    assert socket.json("plan", "show", "--month", "2024-01")["totals"]["amount"] == "100.00"
    assert "a change can take effect from 2024-02 at the earliest" in socket.fails(
        "proposals", "change", "P-ALN", "--from", "2024-01", "--set", "Annual accounts=50", code=4
    )


def test_diff_reads_last_month_from_its_snapshot_not_from_a_recomputation(socket, practice):
    socket.ok("plan", "approve", "--month", "2026-12", "--by", "partner", "--yes")
    # After approval, consolidation would make December one line; its snapshot has two.
    socket.ok("services", "edit", "Payroll", "--account-code", "")
    socket.ok("settings", "set", "consolidate_recurring", "true")

    acme = next(
        r
        for r in socket.json("plan", "diff", "--month", "2027-01")["clients"]
        if r["reference"] == "ACME"
    )

    assert (acme["previous_amount"], acme["previous_line_count"]) == ("225.00", 2)
    assert (acme["amount"], acme["line_count"]) == ("225.00", 1)
    assert acme["change"] == "unchanged"


def test_diff_json_rows_escape_names_as_json_does(socket, practice):
    """`plan diff --json` writes its rows with f-strings: awkward names must still be JSON."""
    name = 'Zoë "Z" O\'Brien \\ Co\tLtd ✓'
    socket.ok("clients", "edit", "ACME", "--name", name)
    output = socket.ok("plan", "diff", "--json").stdout
    rows = {row["reference"]: row for row in json.loads(output)["clients"]}
    assert rows["ACME"]["client"] == " ".join(name.split())
    acme = next(line for line in output.splitlines() if '"ACME"' in line)
    assert acme.strip().rstrip(",") == json.dumps(
        rows["ACME"], ensure_ascii=False, separators=(", ", ": ")
    )

"""The way back from every override (issue 14, item 15): a client's payment terms, invoice
day, consolidation, branding theme and tracking option, and a service's account code and
tracking category, each take `default` (any case) or an empty value, which clears the
override so that the practice's setting applies again. Bad values are still refused, in
one line, with the store left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.robustness.input_helpers import snapshot
from tests.robustness.reopen_helpers import reopen_store_fixture  # noqa: F401  (fixture)
from tests.runner import Socket

#: (command, option, value, field shown by `clients show --json` / `services list --json`,
#: practice settings first): each override changes ACME's December invoice.
CLIENT_OVERRIDES = [
    ("--payment-terms", "eom:5", "payment_terms", ()),
    ("--invoice-day", "15", "invoice_day", ()),
    ("--consolidate", "yes", "consolidate", ()),
    ("--consolidate", "no", "consolidate", (("consolidate_recurring", "true"),)),
    ("--branding-theme", "Fancy", "branding_theme", ()),
    ("--tracking", "Region:North", "tracking", ()),
]
SERVICE_OVERRIDES = [
    ("--account-code", "260", "account_code"),
    ("--tracking", "Dept:Payroll", "tracking"),
]
#: The two ways of saying "the practice's setting" (the word in any case: test_domain_overrides).
CLEARS = ["default", ""]


def invoice(socket: Socket) -> dict[str, Any]:
    """ACME's December invoice as `plan preview --json` shows what Xero will receive."""
    [only] = socket.json("plan", "preview", "ACME", "--month", "2026-12")["invoices"]
    return only


def client_field(socket: Socket, field: str) -> Any:
    return socket.json("clients", "show", "ACME")[field]


def service_field(socket: Socket, name: str, field: str) -> Any:
    [service] = [s for s in socket.json("services", "list") if s["name"] == name]
    return service[field]


@pytest.mark.parametrize("clear", CLEARS, ids=repr)
@pytest.mark.parametrize(
    ("option", "value", "field", "settings"),
    CLIENT_OVERRIDES,
    ids=[f"{o[0]} {o[1]}" for o in CLIENT_OVERRIDES],
)
def test_a_client_override_cleared_gives_the_practice_setting_back(
    socket: Socket,
    reopen_store: Path,
    option: str,
    value: str,
    field: str,
    settings: tuple[tuple[str, str], ...],
    clear: str,
) -> None:
    for key, setting in settings:
        socket.ok("settings", "set", key, setting)
    practice_invoice = invoice(socket)
    socket.ok("clients", "edit", "ACME", option, value)
    assert client_field(socket, field) is not None
    assert invoice(socket) != practice_invoice, f"{option} {value} changed nothing"

    socket.ok("clients", "edit", "ACME", option, clear)

    assert client_field(socket, field) is None
    assert invoice(socket) == practice_invoice


@pytest.mark.parametrize("clear", CLEARS, ids=repr)
@pytest.mark.parametrize(
    ("option", "value", "field"), SERVICE_OVERRIDES, ids=[o[0] for o in SERVICE_OVERRIDES]
)
def test_a_service_override_cleared_gives_the_practice_setting_back(
    socket: Socket, reopen_store: Path, option: str, value: str, field: str, clear: str
) -> None:
    practice_invoice = invoice(socket)
    socket.ok("services", "edit", "Payroll", option, value)
    assert service_field(socket, "Payroll", field) is not None
    assert invoice(socket) != practice_invoice, f"{option} {value} changed nothing"

    socket.ok("services", "edit", "Payroll", option, clear)

    assert service_field(socket, "Payroll", field) is None
    assert invoice(socket) == practice_invoice


def test_after_clearing_the_client_follows_the_practice_setting_as_it_changes(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "edit", "ACME", "--payment-terms", "eom:5", "--invoice-day", "15")
    socket.ok("clients", "edit", "ACME", "--payment-terms", "default", "--invoice-day", "default")

    socket.ok("settings", "set", "payment_terms", "following:20")
    socket.ok("settings", "set", "invoice_day", "3")

    december = invoice(socket)
    assert (december["invoice_date"], december["due_date"]) == ("2026-12-03", "2027-01-20")
    assert december["payment_terms"] == "the 20th of the following month"
    assert december["branding_theme"] == "House"


def test_the_preview_table_shows_the_practice_values_once_cleared(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("clients", "edit", "ACME", "--branding-theme", "Fancy", "--invoice-day", "15")
    socket.ok("clients", "edit", "ACME", "--branding-theme", "default", "--invoice-day", "")

    shown = socket.ok("plan", "preview", "ACME", "--month", "2026-12").stderr

    assert "Branding theme House" in shown
    assert "Date 01 Dec 2026" in shown


def test_default_when_adding_is_no_override(socket: Socket, reopen_store: Path) -> None:
    socket.ok(
        "clients",
        "add",
        "GAMMA",
        "Gamma Garages",
        *("--payment-terms", "default", "--invoice-day", "default"),
        *("--consolidate", "default", "--branding-theme", "default", "--tracking", "default"),
    )
    socket.ok("services", "add", "Tax", "--method", "monthly", "--account-code", "default")

    gamma = socket.json("clients", "show", "GAMMA")
    assert [
        gamma[key]
        for key in ("payment_terms", "invoice_day", "consolidate", "branding_theme", "tracking")
    ] == [None] * 5
    assert service_field(socket, "Tax", "account_code") is None


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (
            ("clients", "edit", "ACME", "--consolidate", "maybe"),
            "error: consolidate 'maybe' is not valid: expected yes, no or default",
        ),
        (("clients", "edit", "ACME", "--payment-terms", "defaults"), "payment terms"),
        (("clients", "edit", "ACME", "--invoice-day", "32"), "invoice day '32'"),
        (("clients", "edit", "ACME", "--invoice-day", "default day"), "invoice day"),
        (("clients", "edit", "ACME", "--tracking", "Region"), "must be Category:Option"),
        (("clients", "add", "NEW", "New Ltd", "--consolidate", "[/]"), "consolidate '[/]'"),
        (("services", "edit", "Payroll", "--account-code", "way-too-long-1"), "account code"),
        (("services", "edit", "Payroll", "--tracking", "Dept"), "must be Category:Option"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_a_bad_override_is_refused_in_one_line_and_nothing_changes(
    socket: Socket, reopen_store: Path, args: tuple[str, ...], complaint: str
) -> None:
    before = snapshot(socket, reopen_store)

    message = socket.fails(*args, code=2)

    assert message.startswith("error: ")
    assert complaint in message
    assert snapshot(socket, reopen_store) == before


def test_consolidate_needs_its_value(socket: Socket, reopen_store: Path) -> None:
    before = snapshot(socket, reopen_store)

    result = socket.exits("clients", "edit", "ACME", "--consolidate", code=2)

    assert "'--consolidate' requires an argument" in result.stderr
    assert snapshot(socket, reopen_store) == before


def test_clients_show_names_the_practice_setting_that_applies(
    socket: Socket, reopen_store: Path
) -> None:
    socket.ok("settings", "set", "branding_theme", "[bold]House[/]")
    socket.ok("clients", "edit", "ACME", "--payment-terms", "eom:5", "--invoice-day", "15")
    socket.ok("clients", "edit", "ACME", "--invoice-day", "default")

    rows = {
        line.strip().split("  ")[0]: line.strip()
        for line in socket.ok("clients", "show", "ACME").stdout.splitlines()
        if line.strip()
    }

    assert rows["payment terms"].split() == ["payment", "terms", "eom:5"]
    assert rows["invoice day"].endswith("default (practice: 1)")
    assert rows["consolidate"].endswith("default (practice: false)")
    assert rows["branding theme"].endswith("default (practice: [bold]House[/])")
    assert rows["tracking"].endswith("default (none)")

"""Settings that name Xero things are checked against the mirror once `socket sync` made one;
`socket xero accounts` and `socket xero themes` list it."""

from __future__ import annotations

import json

from socketcli.sandbox import Sandbox
from tests.runner import Socket


def test_before_the_first_sync_any_well_formed_code_or_theme_is_taken(
    socket: Socket, store: object
) -> None:
    socket.ok("settings", "set", "recurring_account_code", "999")
    socket.ok("settings", "set", "branding_theme", "Whatever We Like")
    socket.ok("services", "add", "Payroll", "--method", "monthly", "--account-code", "4999")
    socket.ok("clients", "add", "ACME", "Acme Ltd", "--branding-theme", "Anything")
    socket.exits("settings", "set", "one_off_account_code", "not a code!", code=2)


def test_after_a_sync_unknown_and_archived_codes_are_refused_naming_them(
    socket: Socket, connected: Sandbox
) -> None:
    socket.ok("sync", "--quiet")

    unknown = socket.exits("settings", "set", "recurring_account_code", "999", code=2)
    archived = socket.exits("settings", "set", "one_off_account_code", "250", code=2)
    service = socket.exits(
        "services", "add", "Payroll", "--method", "monthly", "--account-code", "999", code=2
    )

    assert unknown.stderr == (
        "error: setting recurring_account_code: '999' is not valid: 999 is not one of the "
        "organisation's revenue accounts in Xero (as of the last `socket sync`): `socket xero "
        "accounts` lists them\n"
    )
    assert "account 250 (Consulting Fees (old)) is archived in Xero" in archived.stderr
    assert "`socket xero accounts` lists them" in archived.stderr
    assert "account code '999': 999 is not one of the organisation's revenue accounts" in (
        service.stderr
    )
    socket.ok("settings", "set", "one_off_account_code", "260")
    socket.ok("services", "add", "Payroll", "--method", "monthly", "--account-code", "270")
    socket.exits("services", "edit", "Payroll", "--account-code", "250", code=2)
    assert socket.json("settings", "show")["one_off_account_code"] == "260"


def test_after_a_sync_a_branding_theme_must_be_one_of_xeros(
    socket: Socket, connected: Sandbox
) -> None:
    socket.ok("sync", "--quiet")

    refused = socket.exits("settings", "set", "branding_theme", "Fancy", code=2)
    socket.ok("settings", "set", "branding_theme", "special projects")
    socket.exits("clients", "add", "ACME", "Acme Ltd", "--branding-theme", "Fancy", code=2)
    socket.ok("clients", "add", "ACME", "Acme Ltd", "--branding-theme", "standard")
    socket.ok("settings", "set", "branding_theme", "")  # clearing it is always fine

    assert "'Fancy' is not one of the organisation's branding themes in Xero" in refused.stderr
    assert "Standard, Special Projects" in refused.stderr
    assert "`socket xero themes` lists them" in refused.stderr
    assert socket.json("clients", "show", "ACME")["branding_theme"] == "Standard"


def test_xero_accounts_and_themes_list_the_mirror_and_say_when_there_is_none(
    socket: Socket, connected: Sandbox
) -> None:
    never = socket.ok("xero", "accounts")
    assert never.stdout == ""
    assert "The store has no revenue accounts from Xero yet: `socket sync` mirrors them" in (
        never.stderr
    )
    assert socket.json("xero", "themes") == []

    socket.ok("sync", "--quiet")
    table = socket.ok("xero", "accounts").stdout
    accounts = socket.json("xero", "accounts")
    themes = json.loads(socket.ok("xero", "themes", "--json").stdout)

    assert "Revenue accounts in Xero (as of 2026-11-21 00:00 UTC)" in table
    assert "archived: not usable" in table
    assert [(a["code"], a["name"], a["status"]) for a in accounts] == [
        ("200", "Sales", "ACTIVE"),
        ("250", "Consulting Fees (old)", "ARCHIVED"),
        ("260", "Other Revenue", "ACTIVE"),
        ("270", "Interest Income", "ACTIVE"),
    ]
    assert [(t["name"], t["sort_order"]) for t in themes] == [
        ("Standard", 0),
        ("Special Projects", 1),
    ]
    assert "Special Projects" in socket.ok("xero", "themes").stdout

"""`socket work list|complete|reopen` as a new user tries them: in the playground, posting to
its sandbox Xero, and on bad input (a clear error, nothing changed)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.runner import Socket


@pytest.fixture
def playground(socket: Socket, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Socket:
    socket.ok("playground")
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    return socket


def listed(socket: Socket, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = socket.json("work", "list", *args)
    return rows


def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socketcli.cli.work._interactive", lambda: True)


def test_the_playground_has_open_work_of_every_kind(playground: Socket) -> None:
    """Proves: item 7: one-off, quarterly and annual on-completion items are open, two of
    them from one proposal; periods are shown for on-completion work only."""
    rows = listed(playground)

    assert {row["status"] for row in rows} == {"open"}
    kinds = Counter(row["billing_method"] for row in rows)
    assert set(kinds) == {"one_off", "quarterly_on_completion", "annual_on_completion"}
    proposals = Counter(row["proposal"] for row in rows)
    assert max(proposals.values()) == 2
    for row in rows:
        has_period = row["period_start"] is not None
        assert has_period == (row["billing_method"] != "one_off"), row
    table = playground.ok("work", "list")
    assert "one-off" in table.stdout
    assert f"{len(rows)} work items" in table.stdout


def test_work_list_filters_by_status_and_client_and_prints_csv(playground: Socket) -> None:
    rows = listed(playground, "--client", "CLI029")
    assert [row["client_reference"] for row in rows] == ["CLI029", "CLI029"]
    assert listed(playground, "--status", "invoiced") == []
    csv_rows = playground.csv("work", "list", "--status", "OPEN")
    assert [r["id"] for r in csv_rows] == [str(r["id"]) for r in listed(playground)]
    assert csv_rows[0]["amount"].count(".") == 1


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("work", "list", "--status", "done"), 2, "not a work status"),
        (("work", "list", "--client", "NOPE"), 3, "client 'NOPE' does not exist"),
        (("work", "complete", "9999", "--yes"), 3, "no work item 9999"),
        (("work", "complete", "--yes"), 2, "which work items?"),
        (("work", "complete", "--client", "CLI029", "--yes"), 2, "--client goes with --all"),
        (("work", "complete", "--all", "--yes"), 2, "give --client C"),
        (("work", "reopen", "9999"), 3, "no work item 9999"),
        (
            ("work", "complete", "abc", "--yes"),
            2,
            "error: ID 'abc' is not a whole number: give the ids of the items, as "
            "`socket work list` shows them",
        ),
        (("work", "complete", "12", "1x", "--yes"), 2, "error: ID '1x' is not a whole number"),
        (
            ("work", "reopen", "x"),
            2,
            "error: ID 'x' is not a whole number: give the item's id, as `socket work list` "
            "shows it",
        ),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(
    playground: Socket, args: tuple[str, ...], code: int, says: str
) -> None:
    before = listed(playground)

    error = playground.fails(*args, code=code)

    assert says in error
    assert listed(playground) == before


def test_completing_without_a_terminal_needs_yes_and_a_no_changes_nothing(
    playground: Socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first, _] = listed(playground, "--client", "CLI029")
    before = listed(playground)

    assert "pass --yes" in playground.fails("work", "complete", str(first["id"]), code=2)
    at_a_terminal(monkeypatch)
    said_no = playground.exits("work", "complete", str(first["id"]), code=1, input="n\n")

    assert "Not completed: nothing was changed." in said_no.stderr
    assert listed(playground) == before


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ((), 2, "which work items? give their ids (see `socket work list`)"),
        (("999",), 3, "no work item 999"),
    ],
)
def test_without_a_terminal_what_is_wrong_with_the_items_comes_before_pass_yes(
    playground: Socket, args: tuple[str, ...], code: int, says: str
) -> None:
    before = listed(playground)

    error = playground.fails("work", "complete", *args, code=code)

    assert says in error
    assert "pass --yes" not in error
    assert listed(playground) == before


def sandbox_invoices(state_dir: Path) -> list[dict[str, Any]]:
    """The invoices of the playground's sandbox Xero, with their lines, from its state file."""
    state = json.loads((state_dir / "playground-xero.json").read_text())
    return [
        invoice for organisation in state["organisations"] for invoice in organisation["invoices"]
    ]


def test_done_when_two_items_of_one_proposal_are_one_invoice_in_the_sandbox(
    playground: Socket, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the issue's "done when": connected to the playground's sandbox, `work
    complete` of the two items of one proposal, answered yes at a terminal, makes one invoice
    in the sandbox with both lines on the one-off account code (260), and `work list` shows
    them invoiced with Xero's number. Completing one of them again is refused (exit 4)."""
    playground.ok("xero", "connect")
    ids = [str(row["id"]) for row in listed(playground, "--client", "CLI029")]
    at_a_terminal(monkeypatch)

    done = playground.ok("work", "complete", *ids, input="y\n")

    assert "Complete 2 items and invoice 2,150.00 (1 invoice) in Xero?" in done.stderr
    assert "Completed 2 items: 1 invoice in the outbox." in done.stderr
    [invoice] = sandbox_invoices(state_dir)
    assert [(line["AccountCode"], line["LineAmount"]) for line in invoice["LineItems"]] == [
        ("260", 1500.0),
        ("260", 650.0),
    ]
    assert f"Posted {invoice['Reference']} to Xero: {invoice['InvoiceNumber']}." in done.stderr
    rows = listed(playground, "--client", "CLI029")
    assert [(r["status"], r["xero_number"]) for r in rows] == [
        ("invoiced", invoice["InvoiceNumber"]),
        ("invoiced", invoice["InvoiceNumber"]),
    ]
    assert "is invoiced already" in playground.fails("work", "complete", ids[0], "--yes", code=4)
    assert "cannot be reopened" in playground.fails("work", "reopen", ids[0], code=4)
    history = playground.json("history", "--client", "CLI029")["entries"]
    kinds = [entry["kind"] for entry in history]
    assert kinds.count("completion") == 1
    assert kinds.count("posting") == 1
    completion = next(e for e in history if e["kind"] == "completion")
    assert completion["summary"] == "completed 2 work items of PRO037 for CLI029: 2,150.00"


def refused_by_xero(playground: Socket) -> Socket:
    """The playground disconnected from Xero (`xero disconnect`, after which it does not
    connect by itself): posting cannot start."""
    playground.ok("xero", "connect")
    playground.ok("xero", "disconnect")
    return playground


def test_completing_a_whole_client_renews_its_quarterly_work(playground: Socket) -> None:
    [mtd] = listed(playground, "--client", "CLI006")

    # Xero refuses the token: completed, its invoice waits in the outbox (exit 6).
    done = refused_by_xero(playground).exits(
        "work", "complete", "--client", "CLI006", "--all", "--yes", code=6
    )

    assert "Opened the next period: CLI006 MTD quarterly update" in done.stderr
    rows = listed(playground, "--client", "CLI006")
    assert next((r["id"], r["status"], r["posting"]) for r in rows) == (
        mtd["id"],
        "completed",
        "pending",
    )
    assert rows[1]["status"] == "open"
    assert rows[1]["period_start"] > mtd["period_start"]


def test_not_connected_the_completion_waits_in_the_outbox_and_plan_post_sends_it(
    playground: Socket, state_dir: Path
) -> None:
    [item, _] = listed(playground, "--client", "CLI029")

    waiting = refused_by_xero(playground).exits(
        "work", "complete", str(item["id"]), "--yes", code=6
    )

    assert "wait in the outbox" in waiting.stderr
    assert "pending" in playground.ok("work", "list", "--status", "completed").stdout
    playground.ok("xero", "connect")
    playground.ok("plan", "post")
    [invoice] = sandbox_invoices(state_dir)
    assert listed(playground, "--status", "invoiced")[0]["xero_number"] == invoice["InvoiceNumber"]


def test_reopening_a_completion_not_sent_drops_its_invoice(playground: Socket) -> None:
    [item, _] = listed(playground, "--client", "CLI029")
    refused_by_xero(playground).exits("work", "complete", str(item["id"]), "--yes", code=6)

    reopened = playground.ok("work", "reopen", str(item["id"]))

    assert "had no other item: it will not be sent" in reopened.stderr
    [latest, *_] = playground.json("history", "--kind", "completion")["entries"]
    assert latest["summary"].startswith(f"reopened work item {item['id']} R&D tax credit claim for")
    assert listed(playground, "--client", "CLI029")[0]["status"] == "open"
    assert "is open" in playground.fails("work", "reopen", str(item["id"]), code=4)


def test_a_long_list_is_laid_out_without_rich_with_the_same_cells(
    playground: Socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: above PLAIN_ROWS rows (thousands, at 20,000 clients) the table is laid out
    by hand, one row a line, with the cells the Rich table has."""
    rich = playground.ok("work", "list").stdout
    monkeypatch.setattr("socketcli.cli.work.PLAIN_ROWS", 0)
    plain = playground.ok("work", "list").stdout

    def cells(text: str) -> list[list[str]]:
        rows = [line for line in text.splitlines() if line.startswith(" ")]
        return [line.split() for line in rows if line.strip()[:1].isdigit()]

    assert cells(plain) == cells(rich)
    assert len(cells(plain)) == len(listed(playground))
    assert plain.splitlines()[0] == f"{len(listed(playground))} work items"


def test_by_default_the_list_leaves_out_work_invoiced_over_30_days_ago(
    playground: Socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: `work list` shows what is to do or to invoice and the work completed in the
    last 30 days; older invoiced items only with --status invoiced or --all, and it says so."""
    playground.ok("xero", "connect")
    ids = [str(row["id"]) for row in listed(playground, "--client", "CLI029")]
    playground.ok("work", "complete", *ids, "--yes")
    everything = listed(playground, "--all")
    assert [r["id"] for r in listed(playground)] == [r["id"] for r in everything]

    monkeypatch.setenv("SOCKET_NOW", "2026-12-22T12:00")

    shown = listed(playground)
    assert [r["id"] for r in shown] == [r["id"] for r in everything if str(r["id"]) not in ids]
    assert listed(playground, "--all") == everything
    assert [str(r["id"]) for r in listed(playground, "--status", "invoiced")] == ids
    table = playground.ok("work", "list")
    assert (
        "2 invoiced items completed before 22 Nov 2026 not shown: --status invoiced or --all "
        "shows them." in table.stderr
    )
    assert f"{len(shown)} work items" in table.stdout
    assert playground.ok("work", "list", "--client", "CLI029").stdout == ""
    assert "No work items." in playground.ok("work", "list", "--client", "CLI029").stderr
    says = playground.fails("work", "list", "--all", "--status", "open", code=2)
    assert "not both" in says


def test_work_posted_in_a_posted_month_does_not_count_as_the_months_invoices(
    playground: Socket,
) -> None:
    """Proves: `plan months` counts a month's plan invoices only: a work invoice dated in a
    posted month leaves it `posted`, 38 of 38 (it once read 39 posted of 38, `posting`)."""
    on_the_first = playground.using(env={"SOCKET_NOW": "2026-12-01T09:00:00+00:00"})
    on_the_first.ok("contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    on_the_first.ok("plan", "approve", "--yes")
    [item, _] = listed(on_the_first, "--client", "CLI029")
    on_the_first.ok("work", "complete", str(item["id"]), "--yes")

    [december, *_] = on_the_first.json("plan", "months")["months"]

    assert (december["month"], december["state"]) == ("2026-12", "posted")
    assert (december["invoices"], december["posted"]) == (38, 38)

"""`socket plan approve` and `plan unapprove` as a partner runs them: the summary, the
question, the checks that block, the warnings that ask again, and posting when due.

The practice (tests/cli/conftest.py): ACME bills 225.00 a month from October 2026; BETA
120.00 in October, January, April and July. Today is 2026-11-21: the next month is Dec 2026.
"""

from __future__ import annotations

import pytest

from tests.runner import Socket

ON_THE_FIRST = {"SOCKET_NOW": "2026-12-01T00:00:00+00:00"}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person at a terminal (the runner's stdin is not one)."""
    monkeypatch.setattr("socketcli.cli.plan.approve._interactive", lambda: True)


def test_approve_shows_the_month_and_asks(socket: Socket, practice, terminal) -> None:
    result = socket.ok("plan", "approve", "--by", "partner", input="y\n")

    assert result.stderr.splitlines()[:2] == [
        "Dec 2026: 1 client, 1 invoice, 225.00.",
        "Since Nov 2026: 0 new, 0 expanded, 0 contracted, 0 ceased.",
    ]
    asked = result.stderr.index("Approve Dec 2026: 1 invoice, 225.00? [y/N]:")
    assert asked < result.stderr.index("Finalised the plan for Dec 2026: 1 invoice, 225.00.")
    assert socket.json("plan", "show")["month"] == "2027-01"


def test_no_for_an_answer_finalises_nothing(socket: Socket, practice, terminal) -> None:
    result = socket.exits("plan", "approve", input="n\n", code=1)

    assert "Not approved: nothing was finalised." in result.stderr
    assert socket.json("plan", "show")["month"] == "2026-12"


def test_without_a_terminal_approve_needs_yes(socket: Socket, practice) -> None:
    message = socket.fails("plan", "approve", code=2)

    assert "no terminal to ask at: pass --yes" in message
    assert socket.json("plan", "show")["month"] == "2026-12"


def test_a_warning_is_shown_before_the_question(socket: Socket, practice, terminal) -> None:
    result = socket.exits("plan", "approve", "--month", "2027-02", input="n\n", code=1)

    assert (
        "warning: Feb 2027 skips Dec 2026, Jan 2027: they have invoices and are not finalised"
        in result.stderr
    )
    assert (
        "warning: Feb 2027 is 2 months ahead of the next month to be billed, Dec 2026"
        in result.stderr
    )


def test_yes_accepts_the_warnings(socket: Socket, practice) -> None:
    result = socket.ok("plan", "approve", "--month", "2027-02", "--yes")

    assert "warning: Feb 2027 skips Dec 2026, Jan 2027" in result.stderr
    assert "Finalised the plan for Feb 2027: 1 invoice, 225.00." in result.stderr
    assert "Feb 2027 posts on 01 Feb 2027 (Europe/London)" in result.stderr


def test_an_empty_month_is_refused_even_with_yes(socket: Socket, practice) -> None:
    message = socket.fails("plan", "approve", "--month", "2026-09", "--yes", code=4)

    assert message == "error: Sep 2026 has no invoices: there is nothing to approve"


def test_a_client_linked_to_a_merged_contact_blocks_approval(socket: Socket, playground) -> None:
    result = socket.exits("plan", "approve", "--yes", code=4)

    assert "error: Dec 2026 cannot be approved:" in result.stderr
    assert (
        "CLI026: its Xero contact Singh Lettings was merged into Singh Property Lettings Ltd "
        "in Xero" in result.stderr
    )
    assert socket.json("plan", "show")["month"] == "2026-12"


def test_a_block_stops_before_the_question(socket: Socket, playground, terminal) -> None:
    result = socket.exits("plan", "approve", input="y\n", code=4)

    assert "Approve Dec 2026" not in result.stderr
    assert "CLI026: its Xero contact Singh Lettings was merged" in result.stderr


def test_a_due_month_is_posted_at_once_and_then_cannot_be_unapproved(
    socket: Socket, playground
) -> None:
    socket.ok("contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("xero", "connect")
    on_the_first = socket.using(env=ON_THE_FIRST)

    result = on_the_first.ok("plan", "approve", "--yes")

    assert "Finalised the plan for Dec 2026: 38 invoices" in result.stderr
    assert "Posted 38 invoices to Xero." in result.stderr
    message = on_the_first.fails("plan", "unapprove", "--yes", code=4)
    assert "38 invoices queued for or sent to Xero" in message


def test_no_post_leaves_a_due_month_for_plan_post(socket: Socket, playground) -> None:
    socket.ok("contacts", "link", "CLI026", "Singh Property Lettings Ltd")

    result = socket.using(env=ON_THE_FIRST).ok("plan", "approve", "--yes", "--no-post")

    assert "not posted (--no-post); `socket plan post` sends it" in result.stderr


def test_unapprove_returns_the_latest_month_to_draft(socket: Socket, practice, terminal) -> None:
    socket.ok("plan", "approve", "--yes")

    result = socket.ok("plan", "unapprove", input="y\n")

    assert "Return Dec 2026 to draft (1 invoice, 225.00)? [y/N]:" in result.stderr
    assert "Dec 2026 is a draft again" in result.stderr
    assert socket.json("plan", "show")["month"] == "2026-12"


def test_unapprove_asks_or_needs_yes(socket: Socket, practice) -> None:
    socket.ok("plan", "approve", "--yes")

    assert "pass --yes" in socket.fails("plan", "unapprove", code=2)
    assert "Dec 2026 is a draft again" in socket.ok("plan", "unapprove", "--yes").stderr
    assert "no month is finalised" in socket.fails("plan", "unapprove", "--yes", code=3)


def test_an_invoice_of_zero_blocks_approval(socket: Socket, practice) -> None:
    socket.ok("clients", "add", "ZERO", "Zero Ltd")
    socket.ok(
        "proposals", "add", "P-ZERO", "--client", "ZERO", "--line", "Bookkeeping=0",
        "--start", "2026-12-01", "--accept",
    )  # fmt: skip

    result = socket.exits("plan", "approve", "--yes", code=4)

    assert (
        "ZERO: the invoice ZERO Dec 2026 comes to 0.00; an invoice must be for more than zero"
        in result.stderr
    )


def test_an_account_code_xero_does_not_have_blocks_approval_after_a_sync(
    socket: Socket, playground
) -> None:
    socket.ok("contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    # Set up before the first sync, when no account could be checked.
    socket.ok("services", "add", "Odd job", "--method", "monthly", "--account-code", "999")
    socket.ok(
        "proposals", "add", "P-ODD", "--client", "CLI001", "--line", "Odd job=10",
        "--start", "2026-12-01", "--accept",
    )  # fmt: skip
    socket.ok("xero", "connect")
    socket.ok("sync")

    result = socket.exits("plan", "approve", "--yes", code=4)

    assert (
        "account code 999: not among the revenue accounts Xero listed at the last sync; "
        "used for CLI001" in result.stderr
    )


def test_counts_of_a_thousand_or_more_are_written_with_commas_like_the_others(
    socket: Socket, tmp_path, data_dir
) -> None:
    """1,200 clients: the import's tally, the plan's "need attention" line and the approval's
    "Since" line group thousands as the amounts and the "19,430 clients" beside them do."""
    import re

    from tests.practices import generate

    generate(tmp_path / "csv", clients=1200)
    socket.ok("init")
    imported = socket.ok(
        "import",
        *(str(tmp_path / "csv" / f"{n}.csv") for n in ("clients", "services", "proposals")),
    )
    diff = socket.ok("plan", "diff", "--month", "2026-12")
    approved = socket.ok("plan", "approve", "--yes", "--no-post", "--month", "2026-12")

    tally = imported.stderr + imported.stdout
    assert "clients 1,200 created" in tally
    attention = next(line for line in diff.stderr.splitlines() if "need attention" in line)
    since = next(line for line in approved.stderr.splitlines() if line.startswith("Since "))
    for line in (tally, attention, since):
        assert not re.search(r"\d{4}", line.replace("Nov 2026", "")), line
    assert re.search(r"\(1,\d{3} not linked\)", attention), attention

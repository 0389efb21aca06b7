"""`socket history` and `socket plan months` as a person and a script use them: who is named
(the OS user, the global --by, a command's --by), the table and the JSON, and filters that
are wrong refused in one line."""

from __future__ import annotations

import pytest

from tests.runner import Socket


@pytest.fixture
def as_jane(socket: Socket) -> Socket:
    """The operating-system user is jane (getpass reads LOGNAME first, then USER)."""
    return socket.using(env={"LOGNAME": "jane", "USER": "jane"})


def test_who_is_the_os_user_unless_a_global_or_a_command_s_by_says(as_jane: Socket, practice):
    as_jane.ok("settings", "set", "invoice_day", "5")
    as_jane.ok("--by", "Ann Partner", "settings", "set", "invoice_day", "6")
    as_jane.ok("plan", "approve", "--yes", "--no-post")
    as_jane.ok("plan", "unapprove", "--yes", "--by", "bob")
    as_jane.ok("--by", "Ann Partner", "plan", "approve", "--yes", "--by", "carol", "--no-post")

    entries = as_jane.json("history")["entries"]

    assert [(e["by"], e["kind"], e["summary"]) for e in entries] == [
        ("carol", "approval", "approved Dec 2026: 1 invoice, 225.00"),
        ("bob", "unapproval", "returned Dec 2026 to draft (1 invoice, 225.00 were finalised)"),
        ("jane", "approval", "approved Dec 2026: 1 invoice, 225.00"),
        ("Ann Partner", "setting", "invoice_day: '5' -> '6'"),
        ("jane", "setting", "invoice_day: (default) -> '5'"),
    ]
    # The approval's who is also who finalised the month.
    assert as_jane.json("plan", "months")["months"][0]["finalised_by"] == "carol"


def test_history_json_has_each_entry_with_its_details(socket: Socket, practice):
    socket.ok("--by", "partner", "plan", "approve", "--yes", "--no-post")

    document = socket.json("history", "--kind", "approval", "--month", "2026-12")

    assert (document["matching"], document["shown"]) == (1, 1)
    [entry] = document["entries"]
    assert entry == {
        "id": entry["id"],
        "at": "2026-11-21T00:00:00+00:00",
        "by": "partner",
        "kind": "approval",
        "month": "2026-12",
        "client_reference": None,
        "client": None,
        "summary": "approved Dec 2026: 1 invoice, 225.00",
        "details": {"invoices": 1, "outstanding": False, "total": "225.00"},
    }


def test_the_table_shows_the_newest_first_and_says_when_more_match(socket: Socket, practice):
    for day in ("2", "3", "4"):
        socket.ok("settings", "set", "invoice_day", day)

    result = socket.ok("history", "--limit", "2")

    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["When", "Who"]
    assert "invoice_day: '3' -> '4'" in lines[3]
    assert "invoice_day: '2' -> '3'" in lines[4]
    assert "The newest 2 of 3 entries: --limit 0 shows them all." in result.stderr


def test_an_empty_history_says_so(socket: Socket, practice):
    result = socket.ok("history")

    assert result.stdout == ""
    assert "No history matches." in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--kind", "approvals"),
            2,
            "error: kind 'approvals' is not a kind of history: one of approval, unapproval, "
            "posting, completion, link, unlink, setting, import, sync",
        ),
        (
            ("--since", "last week"),
            2,
            "error: --since 'last week' is not a date or a time: expected YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM, e.g. 2026-11-01",
        ),
        (("--month", "2026-13"), 2, "error: month '2026-13' is not a month"),
        (("--client", "NOPE"), 3, "error: client 'NOPE' does not exist"),
        (("--limit", "-5"), 2, "error: --limit -5 is negative"),
        (
            ("--limit", "ten"),
            2,
            "error: --limit 'ten' is not a whole number: give a count, or 0 for every entry",
        ),
    ],
)
def test_bad_filters_fail_in_one_line(socket: Socket, practice, args, code, message):
    assert socket.fails("history", *args, code=code).startswith(message)


def test_a_blank_by_is_refused(socket: Socket, practice):
    assert socket.fails("--by", " ", "settings", "set", "invoice_day", "5", code=2) == (
        "error: --by ' ' is not a name: give who is acting"
    )
    assert socket.json("history")["entries"] == []


def test_history_without_a_store_says_how_to_make_one(socket: Socket):
    assert "run `socket init`" in socket.fails("history", code=5)


# -- plan months -------------------------------------------------------------------------------


def test_plan_months_shows_each_month_and_the_default(socket: Socket, practice):
    socket.ok("plan", "approve", "--yes", "--no-post")

    result = socket.ok("plan", "months")

    rows = [line.split() for line in result.stdout.splitlines()[3:] if line.strip()]
    assert [row[:4] for row in rows] == [
        ["2026-12", "finalised", "1", "225.00"],
        ["2027-01", "*", "draft", "2"],
    ]
    assert (
        "* `socket plan show`, `diff`, `preview` and `approve` take Jan 2027 without --month: "
        "the month after the latest finalised plan (Dec 2026)." in result.stderr
    )
    assert "`socket plan status` and `unapprove` take Dec 2026" in result.stderr


def test_plan_months_json(socket: Socket, practice):
    socket.ok("plan", "approve", "--yes", "--no-post", "--by", "partner")

    document = socket.json("plan", "months")

    assert document["default_month"] == "2027-01"
    assert document["latest_finalised"] == "2026-12"
    assert document["due_to_post"] == []
    december, january = document["months"]
    assert december == {
        "month": "2026-12",
        "state": "finalised",
        "invoices": 1,
        "total": "225.00",
        "not_queued": 1,
        "pending": 0,
        "sending": 0,
        "posted": 0,
        "failed": 0,
        "outstanding": 0,
        "outstanding_total": "0.00",
        "posts_on": "2026-12-01",
        "due": False,
        "default": False,
        "finalised_at": "2026-11-21T00:00:00+00:00",
        "finalised_by": "partner",
        "next": "posts from 01 Dec 2026",
    }
    assert (january["state"], january["default"], january["invoices"]) == ("draft", True, 2)

"""`socket plan post` and `plan status` as a practice runs them, on the playground (whose
Xero is the sandbox, started in the process)."""

from __future__ import annotations

import json

from tests.runner import Socket


def test_the_playground_month_end_approve_post_status(socket: Socket) -> None:
    socket.ok("playground")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    approved = socket.ok("--playground", "plan", "approve", "--yes")
    assert "Finalised the plan for Dec 2026: 38 invoices" in approved.stderr

    early = socket.ok("--playground", "plan", "post")
    assert "Dec 2026 is finalised and posts on 01 Dec 2026." in early.stderr
    assert socket.json("--playground", "plan", "status")["due"] is False

    on_the_first = socket.using(env={"SOCKET_NOW": "2026-12-01T00:00:00+00:00"})
    posted = on_the_first.ok("--playground", "plan", "post", "--json")
    document = json.loads(posted.stdout)
    assert "Playground: connected to the sandbox's Demo Practice Ltd first" in posted.stderr
    assert len(document["posted"]) == 38
    assert document["failed"] == []
    assert document["contacts_created"] >= 1  # the playground's clients with no contact
    assert document["contacts_linked"] >= document["contacts_created"]

    status = on_the_first.json("--playground", "plan", "status")
    assert {row["state"] for row in status["invoices"]} == {"posted"}
    numbers = [row["xero_number"] for row in status["invoices"]]
    assert len(set(numbers)) == 38
    assert all(number.startswith("INV-") for number in numbers)

    again = on_the_first.ok("--playground", "plan", "post")
    assert "Nothing to post." in again.stderr


def test_posting_a_month_not_finalised_says_what_to_do(socket: Socket) -> None:
    socket.ok("playground")
    message = socket.fails("--playground", "plan", "post", "--month", "2027-03", code=3)
    assert "not finalised" in message
    assert "socket plan approve --month 2027-03" in message


def test_the_nightly_sync_on_the_first_posts_the_finalised_month(socket: Socket) -> None:
    socket.ok("playground")
    socket.ok("--playground", "xero", "connect")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("--playground", "plan", "approve", "--yes")
    before = socket.json("--playground", "sync")
    assert before["posting"] == {"posted": [], "failed": [], "waiting": ["2026-12"], "error": None}

    on_the_first = socket.using(env={"SOCKET_NOW": "2026-12-01T02:17:00+00:00"})
    synced = on_the_first.json("--playground", "sync")
    assert len(synced["posting"]["posted"]) == 38
    assert synced["exit_code"] == 0

    again = on_the_first.json("--playground", "sync")
    assert again["posting"]["posted"] == []
    status = on_the_first.json("--playground", "plan", "status")
    assert {row["state"] for row in status["invoices"]} == {"posted"}


def test_with_plan_mode_auto_the_month_finalises_itself_on_its_first_and_posts(
    socket: Socket,
) -> None:
    socket.ok("playground")
    socket.ok("--playground", "xero", "connect")
    socket.ok("--playground", "settings", "set", "plan_mode", "auto")
    on_the_first = socket.using(env={"SOCKET_NOW": "2026-12-01T00:30:00+00:00"})

    # A check still blocks it: CLI026 is linked to a contact merged in Xero.
    blocked = on_the_first("--playground", "plan", "post")
    assert "plan_mode is auto, but Dec 2026 cannot be approved" in blocked.stderr
    assert "CLI026" in blocked.stderr
    assert on_the_first.json("--playground", "plan", "show")["month"] == "2026-12"

    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    posted = on_the_first.ok("--playground", "plan", "post")
    assert "plan_mode is auto: finalised the plan for Dec 2026 (38 invoices" in posted.stderr
    assert "Posted 38 invoices to Xero." in posted.stderr
    status = on_the_first.json("--playground", "plan", "status", "--month", "2026-12")
    assert {row["state"] for row in status["invoices"]} == {"posted"}


def test_with_plan_mode_auto_nothing_finalises_before_the_first(socket: Socket) -> None:
    socket.ok("playground")
    socket.ok("--playground", "settings", "set", "plan_mode", "auto")
    early = socket.ok("--playground", "plan", "post")  # 21 November
    assert "finalised" not in early.stderr
    assert socket.json("--playground", "plan", "show")["status"] == "draft"


def test_the_playground_connects_its_sandbox_by_itself_on_first_use(socket: Socket) -> None:
    socket.ok("playground")
    before = socket.fails("--playground", "xero", "status", code=6, chatty=True)
    assert "the playground connects to its sandbox by itself" in before.replace("\n", " ")

    synced = socket.ok("--playground", "sync")

    assert "Playground: connected to the sandbox's Demo Practice Ltd first" in synced.stderr
    after = socket.ok("--playground", "xero", "status")
    assert "Demo Practice Ltd" in after.stdout + after.stderr
    again = socket.ok("--playground", "sync")
    assert "connected to the sandbox" not in again.stderr


def test_plan_post_quiet_says_nothing_when_all_is_posted_or_nothing_is_due(
    socket: Socket,
) -> None:
    """For cron: `--quiet` posts as ever and prints only problems, so a good night mails
    nothing (the playground's own banner aside)."""
    socket.ok("playground")
    socket.ok("--playground", "xero", "connect")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("--playground", "plan", "approve", "--yes")
    on_the_first = socket.using(env={"SOCKET_NOW": "2026-12-01T06:30:00+00:00"})

    for _ in range(2):  # posts everything, then finds nothing to post
        quiet = on_the_first.ok("--playground", "plan", "post", "--quiet")
        said = [
            line
            for line in quiet.stderr.splitlines()
            if not line.startswith(("PLAYGROUND", "Playground: Xero is the sandbox"))
        ]
        assert said == [], quiet.stderr
        assert quiet.stdout == ""
    status = on_the_first.json("--playground", "plan", "status")
    assert {row["state"] for row in status["invoices"]} == {"posted"}

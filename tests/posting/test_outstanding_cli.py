"""`socket plan show|diff` list a late start in a finalised month as outstanding, and
`socket plan post --outstanding` posts it, on the playground (the sandbox Xero)."""

from __future__ import annotations

import json

from tests.runner import Socket


def a_late_start(socket: Socket) -> None:
    socket.ok("--playground", "clients", "add", "LATE01", "Late Start Ltd")
    socket.ok(
        "--playground", "proposals", "add", "P-LATE01", "--client", "LATE01",
        "--line", "Bookkeeping=120", "--start", "2026-12-01", "--accept",
    )  # fmt: skip


def test_a_late_start_is_outstanding_in_december_and_posted_on_its_own(socket: Socket) -> None:
    socket.ok("playground")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("--playground", "plan", "approve", "--yes")
    a_late_start(socket)

    shown = socket.ok("--playground", "plan", "show", "--month", "2026-12")
    assert "Late Start Ltd (outstanding)" in shown.stdout
    assert "1 client outstanding (120.00)" in shown.stderr
    assert "socket plan post --outstanding --month 2026-12" in shown.stderr
    document = socket.json("--playground", "plan", "show", "--month", "2026-12")
    assert [row["reference"] for row in document["outstanding"]] == ["LATE01"]
    assert "LATE01" not in [row["reference"] for row in document["clients"]]
    diffed = socket.json("--playground", "plan", "diff", "--month", "2026-12")
    assert diffed["outstanding"] == ["LATE01"]
    rows = socket.csv("--playground", "plan", "show", "--month", "2026-12")
    assert rows[-1]["reference"] == "LATE01"
    assert rows[-1]["outstanding"] == "yes"
    assert {row["outstanding"] for row in rows[:-1]} == {""}
    diff_rows = socket.csv("--playground", "plan", "diff", "--month", "2026-12")
    assert [r["reference"] for r in diff_rows if r["outstanding"] == "yes"] == ["LATE01"]
    january = socket.json("--playground", "plan", "diff", "--month", "2027-01")
    assert {r["reference"]: r["change"] for r in january["clients"]}["LATE01"] == "unchanged"

    refused = socket.fails("--playground", "plan", "post", "--outstanding", code=2)
    assert "pass --yes" in refused

    on_the_first = socket.using(env={"SOCKET_NOW": "2026-12-01T00:00:00+00:00"})
    on_the_first.ok("--playground", "xero", "connect")
    posted = on_the_first.ok("--playground", "plan", "post", "--outstanding", "--yes", "--json")
    assert "Added 1 outstanding invoice (120.00) to Dec 2026." in posted.stderr
    report = json.loads(posted.stdout)
    assert [p["reference"] for p in report["posted"]] == ["LATE01 Dec 2026"]

    status = on_the_first.json("--playground", "plan", "status")
    states = {row["reference"]: row["state"] for row in status["invoices"]}
    assert states["LATE01 Dec 2026"] == "posted"
    assert list(states.values()).count("posted") == 1  # the other 38 were not due to this run
    assert socket.json("--playground", "plan", "show", "--month", "2026-12")["outstanding"] == []
    again = on_the_first.ok("--playground", "plan", "post", "--outstanding", "--yes")
    assert "Dec 2026 has no outstanding invoices" in again.stderr

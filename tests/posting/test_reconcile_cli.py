"""`socket plan reconcile` and `socket sandbox invoices` as a practice runs them, on the
playground (whose Xero is the sandbox, started in the process, its state in a file)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from socketcli.sandbox.jsonfmt import dumps, loads
from tests.runner import Socket

ON_THE_FIRST = {"SOCKET_NOW": "2026-12-01T00:00:00+00:00"}


def posted_playground(socket: Socket) -> Socket:
    socket.ok("playground")
    socket.ok("--playground", "xero", "connect")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("--playground", "plan", "approve", "--yes")
    on_the_first = socket.using(env=ON_THE_FIRST)
    on_the_first.ok("--playground", "plan", "post")
    return on_the_first


def edit_sandbox(state_dir: Path, edit: Any) -> None:
    """Change the playground sandbox's invoices in its state file, as a person in Xero would."""
    path = state_dir / "playground-xero.json"
    state = loads(path.read_bytes())
    for invoice in state["organisations"][0]["invoices"]:
        edit(invoice)
    path.write_text(dumps(state))


def test_reconcile_reports_what_changed_in_the_playground_sandbox(
    socket: Socket, state_dir: Path
) -> None:
    on_the_first = posted_playground(socket)

    clean = on_the_first.ok("--playground", "plan", "reconcile")
    assert "38 invoices: 38 ok." in clean.stderr
    assert "Xero holds Dec 2026 exactly as approved." in clean.stderr

    def edit(invoice: dict[str, Any]) -> None:
        if invoice["InvoiceNumber"] == "INV-0001":
            invoice["Status"] = "DELETED"
        if invoice["InvoiceNumber"] == "INV-0002":
            invoice["SubTotal"] = Decimal("1.00")

    edit_sandbox(state_dir, edit)

    result = on_the_first.exits("--playground", "plan", "reconcile", "--json", code=10)
    document = json.loads(result.stdout)
    assert document["matches"] is False
    assert document["counts"] == {"ok": 36, "deleted": 1, "amount changed": 1}
    rows = {row["xero_number"]: row for row in document["invoices"]}
    assert rows["INV-0001"]["findings"] == ["deleted"]
    assert rows["INV-0002"]["findings"] == ["amount changed"]
    assert rows["INV-0002"]["xero_total"] == "1.00"
    assert rows["INV-0002"]["total"] != "1.00"

    table = on_the_first.exits("--playground", "plan", "reconcile", code=10)
    assert "deleted" in table.stdout
    assert "error: Xero differs from what was approved for Dec 2026" in table.stderr
    assert table.stderr.count("Xero differs from what was approved") == 1


def test_reconcile_before_posting_says_not_posted(socket: Socket) -> None:
    socket.ok("playground")
    socket.ok("--playground", "xero", "connect")
    socket.ok("--playground", "contacts", "link", "CLI026", "Singh Property Lettings Ltd")
    socket.ok("--playground", "plan", "approve", "--yes")

    document = json.loads(
        socket.exits("--playground", "plan", "reconcile", "--json", code=10).stdout
    )

    assert document["counts"] == {"not posted": 38}


def test_reconcile_a_month_not_finalised_says_what_to_do(socket: Socket) -> None:
    socket.ok("playground")
    message = socket.fails("--playground", "plan", "reconcile", "--month", "2027-03", code=3)
    assert "socket plan approve --month 2027-03" in message


def test_sandbox_invoices_lists_what_the_playground_sandbox_received(
    socket: Socket, tmp_path: Path
) -> None:
    posted_playground(socket)

    document = socket.json("sandbox", "invoices")
    assert len(document["invoices"]) == 38
    first = document["invoices"][0]
    assert first["number"] == "INV-0001"
    assert first["status"] == "DRAFT"
    assert first["date"].startswith("2026-")
    assert first["reference"].endswith("Dec 2026") or "Dec 2026" in first["reference"]
    assert Decimal(first["total"]) >= Decimal(first["sub_total"]) > 0

    table = socket.ok("sandbox", "invoices")
    assert "INV-0038" in table.stdout
    assert "38 invoices in" in table.stderr

    missing = tmp_path / "nowhere.json"
    message = socket.fails("sandbox", "invoices", "--state", str(missing), code=3)
    assert "no sandbox state file" in message
    not_a_sandbox = tmp_path / "other.json"
    not_a_sandbox.write_text("[1, 2")
    socket.fails("sandbox", "invoices", "--state", str(not_a_sandbox), code=2)

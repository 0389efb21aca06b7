"""Every list comes in the same order on every engine: SQLite compares text byte by byte,
a PostgreSQL database by its collation (CI's server is made with ICU's en-US, as a server
set up in en_US would be, which puts `_x` before `a` and `B_1` beside `b-2`)."""

from __future__ import annotations

from tests.runner import Socket

#: References and names whose order differs byte by byte and by letters.
REFERENCES = ("b-2", "B_1", "_x", "Zeta", "a10", "A9", "Ábc")


def test_clients_services_and_proposals_list_in_one_order_on_every_engine(
    socket: Socket, empty_store: object
) -> None:
    for name in ("bookkeeping", "Payroll", "_Audit", "VAT returns"):
        socket.ok("services", "add", name, "--method", "monthly")
    for reference in REFERENCES:
        socket.ok("clients", "add", reference, f"{reference} Ltd")
        socket.ok(
            "proposals", "add", f"P{reference}", "--client", reference,
            "--line", "Payroll=10", "--start", "2026-10-01", "--accept",
        )  # fmt: skip

    clients = [c["reference"] for c in socket.json("clients", "list")]
    services = [s["name"] for s in socket.json("services", "list")]
    proposals = [p["reference"] for p in socket.json("proposals", "list")]

    # SQLite's order: names by lower() byte by byte, references byte by byte.
    assert clients == sorted(REFERENCES, key=lambda r: f"{r} Ltd".lower())
    assert services == ["_Audit", "bookkeeping", "Payroll", "VAT returns"]
    assert proposals == sorted(f"P{r}" for r in REFERENCES)

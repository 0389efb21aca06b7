"""The sandbox keeps its state in a file and a journal of what changed: after every request
the file with its journal holds exactly what the sandbox holds, a sandbox killed with
SIGKILL starts again from it, and neither a journal cut short nor one left by another
generation of the file is taken for what happened."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from xero_python.accounting import Contact, Contacts, Invoice

from socketcli.sandbox import Sandbox, SandboxApp, SandboxConfig, running_sandbox
from socketcli.sandbox.statefile import StateFile, journal_path, read_state
from tests.sandbox.sandbox_helpers import (
    CONTACTS,
    batch,
    http,
    line_item,
    make_sdk,
    pkce_tokens,
    refresh,
    sales_invoice,
)


def on_disk(path: Path) -> dict[str, Any]:
    return read_state(path).to_json()


def test_after_every_request_the_file_and_its_journal_hold_what_the_sandbox_holds(
    xero: Sandbox, state_path: Path
) -> None:
    """Proves: contacts made and changed, invoices made (four places), updated, voided,
    deleted, an Idempotency-Key's answer and its replay, a refresh that rotates tokens, an
    approval cap, the clock moved past the key's six minutes (the answer forgotten), another
    app's invoice, a second organisation and a contact made in it: after each, the state read back from disk equals the one in memory."""
    tokens = pkce_tokens(xero)
    sdk = make_sdk(xero, tokens)
    api = sdk.accounting
    steps = [
        lambda: api.create_contacts(xero.tenant_id, Contacts(contacts=[Contact(name="Nova Ltd")])),
        lambda: api.create_invoices(
            xero.tenant_id,
            batch(sales_invoice("A"), sales_invoice("B", contact="Nova Ltd")),
            idempotency_key="key-1",
        ),
        lambda: api.create_invoices(
            xero.tenant_id,
            batch(sales_invoice("A"), sales_invoice("B", contact="Nova Ltd")),
            idempotency_key="key-1",
        ),
        lambda: api.create_invoices(
            xero.tenant_id,
            batch(
                Invoice(
                    type="ACCREC",
                    contact=Contact(name="Brand New Ltd"),
                    reference="C",
                    line_items=[line_item("3", "1.2345")],
                )
            ),
            unitdp=4,
        ),
        lambda: api.update_invoice(
            xero.tenant_id,
            str(xero.invoices()[0]["InvoiceID"]),
            batch(Invoice(status="AUTHORISED")),
        ),
        lambda: api.update_invoice(
            xero.tenant_id, str(xero.invoices()[0]["InvoiceID"]), batch(Invoice(status="VOIDED"))
        ),
        lambda: api.update_invoice(
            xero.tenant_id, str(xero.invoices()[1]["InvoiceID"]), batch(Invoice(status="DELETED"))
        ),
        lambda: refresh(xero, tokens["refresh_token"]),
        lambda: xero.set_approval_cap(20),
        lambda: xero.advance_clock(7 * 60),
        lambda: api.create_contacts(xero.tenant_id, Contacts(contacts=[Contact(name="Late Ltd")])),
        lambda: xero.add_invoices(
            {"Type": "ACCREC", "Contact": {"Name": "Nova Ltd"}, "Reference": "A"}, app="Ignition"
        ),
        lambda: xero.add_organisation("Second Practice Ltd", [{"Name": "Their Client Ltd"}]),
        lambda: xero.edit_contacts(
            {"Name": "Another Client Ltd"}, tenant_id=list(xero.app.state.organisations)[1]
        ),
    ]

    for number, step in enumerate(steps):
        step()
        assert on_disk(state_path) == xero.app.state.to_json(), number

    organisation = xero.app.state.organisations[xero.tenant_id]
    assert organisation.idempotency == {}  # forgotten after six minutes, on disk too
    assert [i["Status"] for i in xero.invoices()] == ["VOIDED", "DELETED", "DRAFT", "DRAFT"]
    journal = journal_path(state_path).read_text().splitlines()
    assert len(journal) > len(steps)  # a line a change, not the whole file again


def test_the_journal_is_folded_into_the_file_when_it_outgrows_it(
    xero: Sandbox, state_path: Path
) -> None:
    sdk = make_sdk(xero, pkce_tokens(xero))
    stored = xero.app._file
    assert isinstance(stored, StateFile)
    stored.compact_at = 0  # fold as soon as the journal is larger than the file
    first = stored.generation
    size = state_path.stat().st_size

    for n in range(30):
        sdk.accounting.create_invoices(
            xero.tenant_id, batch(*[sales_invoice(f"R{n}-{k}") for k in range(10)])
        )

    assert stored.generation != first
    assert state_path.stat().st_size > size
    assert journal_path(state_path).stat().st_size < state_path.stat().st_size
    assert len(read_state(state_path).organisations[xero.tenant_id].invoices) == 300
    assert on_disk(state_path) == xero.app.state.to_json()


def test_the_journal_is_folded_into_the_file_at_a_quiet_moment(
    xero: Sandbox, state_path: Path
) -> None:
    """Proves: once the journal has grown (here: at all), the server folds it into the file
    when no request has come for a second, not in the middle of one."""
    sdk = make_sdk(xero, pkce_tokens(xero))
    stored = xero.app._file
    assert isinstance(stored, StateFile)
    stored.tidy_at = 0
    sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("quiet")))
    first = stored.generation
    assert "quiet" in journal_path(state_path).read_text()

    deadline = time.monotonic() + 10
    while stored.generation == first and time.monotonic() < deadline:
        time.sleep(0.05)

    assert stored.generation != first
    assert "quiet" not in journal_path(state_path).read_text()
    assert "quiet" in state_path.read_text()
    assert on_disk(state_path) == xero.app.state.to_json()


def test_a_journal_cut_short_or_of_another_generation_is_not_taken_for_what_happened(
    state_path: Path, sandbox_config: SandboxConfig
) -> None:
    with running_sandbox(state_path=state_path, contacts=CONTACTS, config=sandbox_config) as xero:
        sdk = make_sdk(xero, pkce_tokens(xero))
        stored = xero.app._file
        assert isinstance(stored, StateFile)
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("kept")))
        sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("cut short")))
        journal = journal_path(state_path).read_bytes()
        file = state_path.read_bytes()
        stored.close()  # as if killed: the file stays as it was at the start
    state_path.write_bytes(file)
    last = journal.rstrip(b"\n").rsplit(b"\n", 1)[1]
    journal_path(state_path).write_bytes(journal[: len(journal) - len(last) // 2 - 1])

    cut = read_state(state_path)

    assert [i["Reference"] for i in cut.organisations[xero.tenant_id].invoices.values()] == ["kept"]
    state_path.unlink()  # `sandbox serve --reset`: the journal left behind is not the new file's
    with running_sandbox(state_path=state_path, contacts=CONTACTS, config=sandbox_config) as again:
        assert again.invoices() == []
    assert read_state(state_path).organisations[again.tenant_id].invoices == {}


SERVE = """
import sys, time
from pathlib import Path
from socketcli.sandbox import Limits, SandboxConfig, start_sandbox
config = SandboxConfig(limits=Limits(per_minute=5000, per_day=5000))
sandbox = start_sandbox(state_path=Path(sys.argv[1]), config=config)
print(sandbox.port, flush=True)
time.sleep(600)
"""


def test_a_sandbox_killed_with_sigkill_starts_again_with_everything_it_answered(
    tmp_path: Path, sandbox_config: SandboxConfig
) -> None:
    """Proves: a sandbox process killed with SIGKILL (its file never rewritten since it
    started) loses nothing it answered: read back, and started again, it holds every invoice
    and goes on numbering after them."""
    path = tmp_path / "sandbox.json"
    with running_sandbox(state_path=path, contacts=CONTACTS, config=sandbox_config):
        pass  # seeded, then stopped: the file as a person would start from
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        at = _At(int(server.stdout.readline()))
        issued = http("POST", f"{at.connections_url}/_sandbox/tokens").json()
        (tenant_id,) = issued["tenant_ids"]
        sdk = make_sdk(
            at, {"access_token": issued["access_token"], "expires_in": 1800, "token_type": "Bearer"}
        )  # type: ignore[arg-type]
        made = [
            sdk.accounting.create_invoices(
                tenant_id, batch(sales_invoice(f"CLI{n:03d} Dec 2026")), idempotency_key=f"k{n}"
            ).invoices[0]
            for n in range(1, 6)
        ]
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)

    held = read_state(path).organisations[tenant_id].invoices
    assert [i["InvoiceNumber"] for i in held.values()] == [i.invoice_number for i in made]
    with running_sandbox(state_path=path, config=sandbox_config) as again:
        sdk = make_sdk(again, pkce_tokens(again))
        (next_one,) = sdk.accounting.create_invoices(
            again.tenant_id, batch(sales_invoice("CLI006 Dec 2026"))
        ).invoices
        assert next_one.invoice_number == "INV-0006"
        assert len(again.invoices()) == 6


class _At:
    """The URLs of the sandbox in the process the test kills."""

    def __init__(self, port: int) -> None:
        self.api_url = f"http://127.0.0.1:{port}/api.xro/2.0"
        self.connections_url = f"http://127.0.0.1:{port}"
        self.client_id = "custom"


def test_records_removed_and_set_again_keep_their_order_on_disk(tmp_path: Path) -> None:
    """The order of the invoices is the order Xero made them (GET lists them so): a record
    removed and set again goes to the end in memory, and on disk too."""
    path = tmp_path / "state.json"
    app = SandboxApp.open(path)
    invoices = next(iter(app.state.organisations.values())).invoices
    with app.lock:
        for key in ("a", "b", "c"):
            invoices[key] = {"InvoiceID": key}
        app.save()
        invoices["x"] = {"InvoiceID": "x"}
        del invoices["a"]
        invoices["b"] = {"InvoiceID": "b", "Status": "VOIDED"}
        invoices.pop("c")
        invoices["a"] = {"InvoiceID": "a", "again": True}
        invoices.setdefault("y", {"InvoiceID": "y"})
        app.save()

    held = next(iter(read_state(path).organisations.values())).invoices
    assert list(held) == ["b", "x", "a", "y"]
    assert held == dict(invoices)


def test_a_detached_sandbox_keeps_its_state_in_memory_only(xero: Sandbox, state_path: Path) -> None:
    sdk = make_sdk(xero, pkce_tokens(xero))
    before = (state_path.read_bytes(), journal_path(state_path).read_bytes())

    xero.app.detach()
    sdk.accounting.create_invoices(xero.tenant_id, batch(sales_invoice("in memory")))
    xero.stop()

    assert [i["Reference"] for i in xero.invoices()] == ["in memory"]
    assert (state_path.read_bytes(), journal_path(state_path).read_bytes()) == before

"""`socket sandbox serve` and `sandbox invoices`: a stand-in for Xero on this machine, to
rehearse against, and what it received."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socketcli.cli.context import command_group
from socketcli.cli.options import JsonOption, whole_number

if TYPE_CHECKING:
    from decimal import Decimal

    from socketcli.sandbox import Sandbox

app = command_group(help="Run a stand-in for Xero on this machine, to rehearse against.")


def default_state_path() -> Path:
    """sandbox-xero.json in the state directory ($SOCKET_STATE_DIR, else the platform's)."""
    from socketcli.paths import state_dir

    return state_dir() / "sandbox-xero.json"


@app.command("serve")
def serve(
    *,
    port: Annotated[
        int,
        typer.Option(
            "--port",
            metavar="N",
            parser=whole_number(
                "--port", "give a port from 0 to 65535 (0: any free port)", low=0, high=65535
            ),
            help="Listen on this port of 127.0.0.1, 0-65535 (0: any free port).",
        ),
    ] = 4780,
    state_file: Annotated[
        Path | None,
        typer.Option(
            "--state",
            metavar="PATH",
            help="Keep the sandbox's organisation, contacts, invoices and tokens (hashed) in this JSON file.",
        ),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Throw the saved state away and start from the seeded organisation."
        ),
    ] = False,
    no_demo_contacts: Annotated[
        bool,
        typer.Option(
            "--no-demo-contacts",
            help="Seed a new sandbox without the playground's demo contact list.",
        ),
    ] = False,
    log_requests: Annotated[
        bool, typer.Option("--log-requests", help="Log every request on stderr.")
    ] = False,
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print where it listens as one JSON line on stdout (url, port, state, tenant id, client ids).",
        ),
    ] = False,
) -> None:
    """Serve a sandbox Xero on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM.

    It answers the identity service (authorize, token, revocation), GET /connections and the
    Accounting API socket uses (Contacts, Accounts, BrandingThemes, TrackingCategories,
    TaxRates, Organisation, Invoices) in Xero's shapes, with Xero's rate limits. A new
    sandbox holds "Demo Practice Ltd" with the playground's demo contact list. Faults, the
    clock and the state are under http://127.0.0.1:PORT/_sandbox/ (see docs/sandbox.md).
    """
    import gc
    import logging

    from socketcli.cli.output import say

    gc.enable()  # a server runs for hours: collect cycles as usual (see socketcli.__main__)
    path = state_file or default_state_path()
    if reset:
        path.unlink(missing_ok=True)
    if log_requests:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        logging.getLogger("socketcli.sandbox").setLevel(logging.INFO)
    if state_file is None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    sandbox = _start(path, port, demo_contacts=not path.exists() and not no_demo_contacts)
    with _stopped_by_signals() as stopping:
        _say_where(sandbox, path)
        _print_where(sandbox, path, json_=json_)
        say("Press Ctrl-C to stop.")
        try:
            while not stopping():
                time.sleep(0.1)
        finally:
            sandbox.stop()
    say("Sandbox stopped; its state is kept for next time.")


@contextmanager
def _stopped_by_signals() -> Iterator[Callable[[], bool]]:
    """SIGINT (Ctrl-C) and SIGTERM both ask the server to stop, and it stops cleanly, saving its
    state. Started in the background from a script (`socket sandbox serve &`), the shell has
    SIGINT ignored: it is taken back here, so `kill -INT` stops it as `kill` does."""
    import signal

    asked: list[int] = []

    def ask(number: int, _frame: object) -> None:
        asked.append(number)

    wanted = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, ask) for number in wanted}
    try:
        yield lambda: bool(asked)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _print_where(sandbox: Sandbox, path: Path, *, json_: bool) -> None:
    """One line on stdout for a script that started the server: where it listens and where its
    state is (`url=... state=...`, the path quoted for a shell), or all of it as JSON."""
    import json
    import os
    import shlex

    from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, PKCE_CLIENT_ID

    if json_:
        where = {
            "url": sandbox.base_url,
            "port": sandbox.port,
            "state": str(path.absolute()),
            "tenant_id": sandbox.tenant_id,
            "pkce_client_id": PKCE_CLIENT_ID,
            "custom_client_id": CUSTOM_CLIENT_ID,
            "custom_client_secret": CUSTOM_CLIENT_SECRET,
            "pid": os.getpid(),
        }
        typer.echo(json.dumps(where))
    else:
        typer.echo(f"url={sandbox.base_url} state={shlex.quote(str(path.absolute()))}")


@app.command("invoices")
def invoices(
    *,
    state_file: Annotated[
        Path | None,
        typer.Option(
            "--state",
            metavar="PATH",
            help="Read this sandbox state file (`sandbox serve --state`; default: the playground's).",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Show the invoices the sandbox Xero holds, one row each: number, reference, contact,
    date, status and total (read from its state file; nothing is started)."""
    from socketcli.bootstrap import playground_xero_state
    from socketcli.cli.output import emit_json, escape, money, plural, say, show, table
    from socketcli.domain.errors import InvalidInput, NotFound
    from socketcli.sandbox import invoices_in

    path = state_file or playground_xero_state()
    try:
        found = path.is_file()
    except OSError as failure:  # a name too long for the file system
        raise InvalidInput(f"--state {path}: {failure.strerror or failure}") from None
    if not found:
        raise NotFound(
            f"no sandbox state file at {path}"
            + (
                ""
                if state_file
                else ": run a playground Xero command first (`socket --playground xero connect`)"
            )
        )
    try:
        organisations = invoices_in(path)
    except ValueError as failure:
        raise InvalidInput(str(failure)) from None
    rows = [
        {
            "organisation": organisation["name"],
            "invoice_id": invoice.get("InvoiceID"),
            "number": invoice.get("InvoiceNumber") or "",
            "reference": invoice.get("Reference") or "",
            "contact": (invoice.get("Contact") or {}).get("Name") or "",
            "contact_id": (invoice.get("Contact") or {}).get("ContactID"),
            "date": str(invoice.get("DateString") or "")[:10] or None,
            "status": invoice.get("Status") or "",
            "sub_total": _decimal(invoice.get("SubTotal")),
            "total": _decimal(invoice.get("Total")),
        }
        for organisation in organisations
        for invoice in organisation["invoices"]
    ]
    if json_:
        emit_json({"state": str(path), "invoices": rows})
        return
    grid = table(
        "Number",
        "Reference",
        "Contact",
        "Date",
        "Status",
        "Total",
        title=f"Invoices in the sandbox Xero ({escape(path.name)})",
        right=["Total"],
    )
    for row in rows:
        grid.add_row(
            escape(row["number"]),
            escape(row["reference"]),
            escape(row["contact"]),
            row["date"] or "",
            escape(row["status"]),
            money(row["total"]) if row["total"] is not None else "",
        )
    show(grid)
    say(f"{plural(len(rows), 'invoice')} in {path}.")


def _decimal(value: object) -> Decimal | None:
    from decimal import Decimal, InvalidOperation

    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _start(path: Path, port: int, *, demo_contacts: bool) -> Sandbox:
    """The sandbox on 127.0.0.1:PORT with its state in `path` (a new one seeded with the
    playground's demo contacts when asked)."""
    from socketcli.sandbox import start_sandbox

    contacts: list[dict[str, object]] = []
    if demo_contacts:
        import dataclasses
        from datetime import UTC, datetime

        from socketcli.services.demo_data import build_demo

        demo = build_demo(datetime.now(UTC))
        contacts = [dataclasses.asdict(contact) for contact in demo.xero_contacts]
    try:
        return start_sandbox(state_path=path, contacts=contacts, port=port)
    except OSError as failure:
        from socketcli.domain.errors import Conflict

        raise Conflict(
            f"cannot listen on 127.0.0.1:{port}: {failure.strerror or failure}"
        ) from None
    except ValueError as failure:
        from socketcli.domain.errors import InvalidInput

        raise InvalidInput(str(failure)) from None


def _say_where(sandbox: Sandbox, path: Path) -> None:
    """Where the sandbox answers, and the ids and addresses to point socket at it."""
    from socketcli.cli.output import say
    from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, PKCE_CLIENT_ID

    say(f"Sandbox Xero for {sandbox.tenant_name} on {sandbox.base_url} (state: {path})")
    say(f"  tenant id:                {sandbox.tenant_id}")
    say(f"  PKCE client id:           {PKCE_CLIENT_ID}")
    say(f"  custom connection:        {CUSTOM_CLIENT_ID} / {CUSTOM_CLIENT_SECRET}")
    say(f"  SOCKET_XERO_API_URL=      {sandbox.base_url}")
    say(f"  SOCKET_XERO_IDENTITY_URL= {sandbox.base_url}")

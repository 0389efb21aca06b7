"""Time `socket history --json` on a practice with two years of history, made by the services.

    .venv/bin/python bench/history.py [--clients 20000] [--months 24] [--syncs-per-month 30]
                                      [--repeat 5] [--keep DIR]

1. **Generate the history through the services themselves**, in process, on a real SQLite
   store: a practice of `--clients` clients (tests.practices.regular: every client billed
   every month) imported with `import_csv` (an `import` entry); then for each of `--months`
   months from Dec 2024, on a clock standing on that month: `settings set invoice_day`
   (a `setting` entry), ten clients unlinked and linked again (`unlink`, `link`),
   `approve_plan` (an `approval`), `post` (a `posting` entry for every invoice, and in the
   first month a `link` for every client given a contact at posting), and `sync` on
   `--syncs-per-month` nights (a `sync` entry each). Xero is an in-memory organisation
   (tests.fakes.FakeGateway answering at once): what is measured is reading the history, not
   Xero. With `--keep DIR` the store is kept there and reused by the next run.

2. **Time the command** as a user runs it: `socket --db DB history --json ...` as a
   subprocess, one untimed warm-up then `--repeat` timed runs, wall time (what a person or
   a script waits for) and CPU time (user + sys of the child), for: the default (newest
   100), one month (every posting of a month), one client, one kind, a since date, and
   everything (`--limit 0`). Each output must parse as JSON and hold as many entries as
   the store says match.

Target (issue 11): `history --json` under 1 s at 20,000 clients with two years of history.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]

from socketcli.adapters.store.database import StoreLocation, open_engine  # noqa: E402
from socketcli.bootstrap import sql_store  # noqa: E402
from socketcli.domain.months import Month  # noqa: E402
from socketcli.ports.xero import (  # noqa: E402
    ContactOutcome,
    CreatedInvoice,
    InvoiceOutcome,
    NewContact,
    NewInvoice,
)
from tests.fakes import FakeClock, FakeGateway  # noqa: E402
from tests.practices import regular  # noqa: E402

TARGET_SECONDS = 1.0
FIRST_MONTH = Month(2024, 12)


class InstantXero(FakeGateway):
    """One organisation in memory that also takes invoices and contacts a batch at a time,
    as the posting service sends them (answers at once, refuses nothing)."""

    def post_contacts(
        self, contacts: Sequence[NewContact], idempotency_key: str
    ) -> list[ContactOutcome]:
        self._call("PUT /Contacts")
        return [
            ContactOutcome(
                c.name, self.add_contact(c.name, contact_number=c.contact_number).contact_id
            )
            for c in contacts
        ]

    def post_invoices(
        self, invoices: Sequence[NewInvoice], idempotency_key: str
    ) -> list[InvoiceOutcome]:
        self._call("PUT /Invoices")
        outcomes = []
        for invoice in invoices:
            self._last += 1
            number = f"INV-{self._last:07d}"
            outcomes.append(
                InvoiceOutcome(
                    invoice.reference,
                    CreatedInvoice(
                        f"invoice-{self._last}",
                        number,
                        invoice.reference,
                        invoice.status,
                        invoice.contact_id,
                    ),
                )
            )
        return outcomes

    def find_invoices(self, references: Sequence[str]) -> list[CreatedInvoice]:
        self._call("GET /Invoices")
        return []


def say(text: str) -> None:
    print(text, flush=True)


def generate(db: Path, work: Path, clients: int, months: int, syncs: int) -> None:
    from socketcli.services.contacts import link, unlink
    from socketcli.services.importer import import_csv
    from socketcli.services.plan import approve_plan
    from socketcli.services.posting import post
    from socketcli.services.settings import set_setting
    from socketcli.services.sync import sync

    engine = open_engine(StoreLocation.for_path(db), create=True)
    clock = FakeClock(datetime(2024, 11, 20, 9, 0, tzinfo=UTC))
    store = sql_store(engine, clock, location=str(db), actor="bench")
    xero = InstantXero(FakeClock(clock.at))
    started = time.perf_counter()
    files = regular(work / "csv", clients=clients)
    import_csv(store, clock, files)
    say(f"  imported {clients:,} clients in {time.perf_counter() - started:.1f} s")
    references = [f"C{n:06d}" for n in range(0, clients, max(1, clients // 10))][:10]
    for offset in range(months):
        month = FIRST_MONTH + offset
        began = time.perf_counter()
        clock.at = datetime(month.year, month.month, 1, 8, 0, tzinfo=UTC)
        set_setting(store, "invoice_day", str(1 + offset % 2))
        if offset:  # clients have contacts from the first posting on
            for reference in references:
                with store() as uow:
                    client = uow.clients.get(reference)
                contact = client.xero_contact_id if client else None
                if contact:
                    unlink(store, reference)
                    link(store, reference, contact)
        approve_plan(store, clock, month, "partner", accept_warnings=True)
        report = post(store, lambda: nullcontext(xero), clock, month=month)
        assert report.error is None, report.error
        assert not report.failed, report.failed
        for night in range(syncs):
            clock.at = datetime(month.year, month.month, 1, 2, 0, tzinfo=UTC) + timedelta(
                days=night
            )
            sync(store, xero, tenant_id="tenant-1", clock=clock)
        say(
            f"  {month}: {len(report.posted):,} posted, {syncs} syncs "
            f"in {time.perf_counter() - began:.1f} s"
        )
    engine.dispose()


def counts(db: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT kind, count(*) FROM history GROUP BY kind"))


def run(db: Path, args: Sequence[str]) -> tuple[float, float, bytes]:
    socket = Path(sys.executable).with_name("socket")
    env = {**os.environ, "SOCKET_NOW": "2026-11-25T12:00:00+00:00", "NO_COLOR": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [str(socket), "--db", str(db), "history", "--json", *args],
        capture_output=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--syncs-per-month", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the store in this folder")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="socket-history-") as temporary:
        work = options.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        db = work / f"history-{options.clients}.db"
        if not db.exists():
            say(
                f"Generating {options.months} months at {options.clients:,} clients "
                f"({options.syncs_per_month} syncs a month) through the services..."
            )
            started = time.perf_counter()
            generate(db, work, options.clients, options.months, options.syncs_per_month)
            say(f"  generated in {time.perf_counter() - started:.0f} s")
        by_kind = counts(db)
        say(f"History: {sum(by_kind.values()):,} entries: {json.dumps(by_kind, sort_keys=True)}")
        say(f"Store: {db.stat().st_size / 1e6:.0f} MB")

        cases = [
            ("newest 100 (the default)", []),
            ("one month (--month 2026-06)", ["--month", "2026-06"]),
            ("one client (--client C000123)", ["--client", "C000123"]),
            ("one kind (--kind approval)", ["--kind", "approval"]),
            ("one kind, all (--kind sync --limit 0)", ["--kind", "sync", "--limit", "0"]),
            (
                "since a date (--since 2026-11-01 --limit 0)",
                ["--since", "2026-11-01", "--limit", "0"],
            ),
            ("everything (--limit 0)", ["--limit", "0"]),
        ]
        say(
            f"\n`socket --db DB history --json ...`: median of {options.repeat} runs after a "
            "warm-up (wall / CPU seconds)"
        )
        worst = 0.0
        for label, args in cases:
            run(db, args)
            walls, cpus = [], []
            for _ in range(options.repeat):
                wall, cpu, out = run(db, args)
                walls.append(wall)
                cpus.append(cpu)
            document = json.loads(out)
            assert document["shown"] == len(document["entries"])
            if "--limit" in args:
                assert document["shown"] == document["matching"]
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            if "everything" not in label:
                worst = max(worst, wall)
            say(
                f"  {label:45} {document['shown']:>9,} of {document['matching']:>9,} entries "
                f"{len(out) / 1e6:7.1f} MB  {wall:6.3f} s wall  {cpu:6.3f} s CPU"
            )
        verdict = "meets" if worst < TARGET_SECONDS else "MISSES"
        say(
            f"\nSlowest filtered case: {worst:.3f} s: {verdict} the target of "
            f"{TARGET_SECONDS:.0f} s (everything at once is listed for reference)."
        )


if __name__ == "__main__":
    main()

"""Time `socket work list` on a generated practice with two years of completed work.

    .venv/bin/python bench/work_list.py [--clients 20000] [--repeat 5] [--workdir DIR]

Generates a practice (tests.practices.generate, as bench/generate_practice.py does), imports
it with `socket import` on a date two years back, then plays two years of work through the
services `socket work complete` calls: at the end of each quarter, every open item is
completed (`services.work.complete_work`: one invoice per proposal into the outbox, the next
period's item opened) and, standing in for Xero's answer, each invoice is recorded posted
with a number. With --workdir, a store made there before is reused (nothing generated).
Then `socket --db DB work list` (the default view: open, completed, and invoiced in the last
30 days) and `work list --all` (every item), as JSON and as the table (to a pipe), and
`work list --status open --json` each run `--repeat` times after one untimed warm-up, as
subprocesses: wall time is what a user waits for, CPU time (user + sys) what the work costs.
The target (issue 11): under 1 s at 20,000 clients.
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
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
START = date(2024, 11, 21)  # the import; two years of quarters follow
TODAY = "2026-11-21"
TARGET_SECONDS = 1.0


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


class Clock:
    """A clock the script moves (socket's FixedClock is frozen)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def history(db: Path) -> dict[str, int]:
    """Two years of quarters: complete every open item, record its invoice posted."""
    from socketcli.adapters.store.database import StoreLocation, open_engine
    from socketcli.bootstrap import sql_store
    from socketcli.domain.posting import OutboxState
    from socketcli.domain.work import WorkStatus
    from socketcli.services.work import complete_work, list_work

    engine = open_engine(StoreLocation.for_path(db))
    clock = Clock(datetime(START.year, START.month, START.day, 12, tzinfo=UTC))
    store = sql_store(engine, clock)
    counts = {"completions": 0, "invoices": 0}
    number = 0
    for quarter in range(8):
        year, month = divmod(START.month - 1 + 3 * quarter, 12)
        clock.at = datetime(START.year + year, month + 1, 25, 12, tzinfo=UTC)
        open_ids = [i.id for i in list_work(store, status=WorkStatus.OPEN)]
        report = complete_work(store, clock, open_ids)
        counts["completions"] += len(report.review.items)
        counts["invoices"] += len(report.review.invoices)
        with store(write=True) as uow:
            pending = uow.outbox.entries(work=True, states=[OutboxState.PENDING])
            results = []
            for entry in pending:
                number += 1
                results.append((entry.id, f"xero-{number}", f"INV-{number:06d}"))
            uow.outbox.posted(results)
            uow.commit()
        print(
            f"  {clock.at:%b %Y}: completed {len(report.review.items):,} items, "
            f"{len(report.review.invoices):,} invoices",
            flush=True,
        )
    engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.practices import generate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="socket-work-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    socket = str(args.venv / "bin" / "socket")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SOCKET_DATABASE_URL", "SOCKET_PLAYGROUND", "PYTHONDONTWRITEBYTECODE"}
    }
    env.update(
        SOCKET_DATA_DIR=str(work / "data"), NO_COLOR="1", PYTHONPYCACHEPREFIX=str(work / "pycache")
    )
    folder, db = work / "practice", work / "practice" / "socket.db"
    if args.workdir is not None and db.exists():
        print(f"reusing the store made before in {work} (delete it to generate again)")
    else:
        generated = generate(folder, clients=args.clients, seed=args.seed, today=START)
        print(
            f"generated {generated['clients']:,} clients, "
            f"{generated['proposal_rows']:,} proposal rows"
        )
        files = [str(folder / name) for name in ("clients.csv", "services.csv", "proposals.csv")]
        for command in (["init"], ["import", *files]):
            timed([socket, "--db", str(db), *command], {**env, "SOCKET_NOW": START.isoformat()})
        counts = history(db)
        print(f"history: {counts['completions']:,} completions on {counts['invoices']:,} invoices")

    env["SOCKET_NOW"] = TODAY
    commands = {
        "work list --json (default)": ["work", "list", "--json"],
        "work list (table, default)": ["work", "list"],
        "work list --all --json": ["work", "list", "--all", "--json"],
        "work list --all (table)": ["work", "list", "--all"],
        "work list --status open --json": ["work", "list", "--status", "open", "--json"],
    }
    print(f"\n{args.clients:,} clients, median of {args.repeat} (after a warm-up), wall / CPU:")
    for name, command in commands.items():
        full = [socket, "--db", str(db), *command]
        _, _, out = timed(full, env)
        rows = len(json.loads(out)) if "--json" in command else out.count(b"\n")
        runs = [timed(full, env) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        verdict = "ok" if wall < TARGET_SECONDS else f"over the {TARGET_SECONDS:.0f} s target"
        print(f"  {name:32} {wall:6.2f} s / {cpu:5.2f} s CPU  ({rows:,} rows)  {verdict}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.keep and args.workdir is None:
        import shutil

        shutil.rmtree(work)


if __name__ == "__main__":
    main()

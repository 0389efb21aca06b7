"""Time the plan's screens for people at real size: `plan show` and `plan diff` as tables,
rendered to a file, side by side with the same commands' --json.

    .venv/bin/python bench/screens.py [--clients 20000] [--repeat 5] [--store DB]

For each size: generate a practice (tests.practices.generate), `socket --db DB init` and
`socket --db DB import ...` (timed once: the import's wall and CPU time), unless --store
names a store already made. Then, interleaved, `--repeat` times each after one untimed
warm-up: `socket --db DB plan show|diff [--json] --month 2026-12` with stdout a pipe that
this script reads and writes to a file, as a redirect would, noting when the first screen
(50 lines, what a terminal of 50 rows shows first) and the end arrive. Children run with
SOCKET_NOW=2026-11-21, no colour, and bytecode cached under the work folder, as
bench/plan_diff.py does. Wall time is what a person waits for; CPU time (user + sys of the
child) is what the work costs, which grows less than wall time when others share the
machine: the load average is printed before and after.

Targets (issue 14): `plan show` and `plan diff` tables at 20,000 clients under 2 s to the
first screen and under 3 s in all.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from plan_diff import (  # noqa: E402  (bench/ is the script's own folder)
    MONTH,
    TODAY,
    checked,
    environment,
    load_average,
    warm_up,
)

SCREEN_LINES = 50
FIRST_SCREEN_TARGET = 2.0
TOTAL_TARGET = 3.0
COMMANDS = {
    "plan show": ["plan", "show"],
    "plan show --json": ["plan", "show", "--json"],
    "plan diff": ["plan", "diff"],
    "plan diff --json": ["plan", "diff", "--json"],
}


@dataclass(slots=True)
class Timing:
    first: list[float] = field(default_factory=list)  # to the first screen
    total: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    lines: int = 0
    widest: int = 0


def timed(command: list[str], env: dict[str, str], into: Path) -> tuple[float, float, float, int]:
    """Run `command` with stdout to a pipe copied to `into`: (seconds to the first screen,
    seconds in all, CPU seconds of the child, lines)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0
    )
    assert child.stdout is not None
    first = None
    lines = 0
    with into.open("wb") as sink:
        while chunk := child.stdout.read(65536):
            sink.write(chunk)
            lines += chunk.count(b"\n")
            if first is None and lines >= SCREEN_LINES:
                first = time.perf_counter() - started
    code = child.wait()
    total = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited {code}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (first if first is not None else total), total, cpu, lines


def practice(clients: int, work: Path, socket: Path, env: dict[str, str], seed: int) -> Path:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.practices import generate

    folder = work / f"practice-{clients}"
    generate(folder, clients=clients, seed=seed, today=date.fromisoformat(TODAY))
    db = folder / "socket.db"
    checked([socket, "--db", db, "init"], env, "socket init")
    files = [folder / "clients.csv", folder / "services.csv", folder / "proposals.csv"]
    done = checked([socket, "--db", db, "import", *files], env, "socket import")
    print(
        f"  {clients:,} clients: import {done.wall:.2f} s wall / {done.cpu:.2f} s CPU",
        flush=True,
    )
    return db


def measure(db: Path, args: argparse.Namespace, socket: Path, env: dict[str, str], work: Path):
    timings = {name: Timing() for name in COMMANDS}
    for words in COMMANDS.values():  # warm-up: the store's pages in the OS cache
        timed([str(socket), "--db", str(db), *words, "--month", MONTH], env, work / "out")
    for _ in range(args.repeat):
        for name, words in COMMANDS.items():
            out = work / f"{name.replace(' ', '-')}.out"
            first, total, cpu, lines = timed(
                [str(socket), "--db", str(db), *words, "--month", MONTH], env, out
            )
            timing = timings[name]
            timing.first.append(first)
            timing.total.append(total)
            timing.cpu.append(cpu)
            timing.lines = lines
            if "--json" not in name:
                text = out.read_text(encoding="utf-8")
                timing.widest = max(len(line) for line in text.splitlines())
    return timings


def report(clients: int, timings: dict[str, Timing], repeat: int) -> None:
    print()
    print(
        f"{clients:,} clients, median (min) of {repeat} runs, stdout to a file, "
        f"load average now {load_average()}:"
    )
    print()
    print("| command | first screen (50 lines) | in all | CPU | lines | widest |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, t in timings.items():
        print(
            f"| `{name}` | {statistics.median(t.first):.2f} s ({min(t.first):.2f}) "
            f"| {statistics.median(t.total):.2f} s ({min(t.total):.2f}) "
            f"| {statistics.median(t.cpu):.2f} s | {t.lines:,} | {t.widest or ''} |"
        )
    print()
    for name in ("plan show", "plan diff"):
        t = timings[name]
        first, total = statistics.median(t.first), statistics.median(t.total)
        ok = first < FIRST_SCREEN_TARGET and total < TOTAL_TARGET
        print(
            f"{name}: first screen {first:.2f} s (target < {FIRST_SCREEN_TARGET:g} s), "
            f"in all {total:.2f} s (target < {TOTAL_TARGET:g} s): "
            + ("PASS" if ok else "FAIL" if clients == 20000 else "(targets are for 20,000)")
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[20000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=Path, help="an imported store to use (no generation)")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    socket = args.venv / "bin" / "socket"
    python = args.venv / "bin" / "python"
    work = Path(tempfile.mkdtemp(prefix="socket-screens-", dir=args.workdir))
    print(f"working in {work} (load average {load_average()})", flush=True)
    try:
        env = environment(work)
        env.pop("COLUMNS", None)  # a file: the tables' own width (200 columns at most)
        warm_up(socket, python, env, work)
        stores = (
            [(0, args.store)]
            if args.store
            else [(n, practice(n, work, socket, env, args.seed)) for n in args.clients]
        )
        for clients, db in stores:
            timings = measure(db, args, socket, env, work)
            if not clients:
                clients = int(
                    subprocess.run(
                        [
                            python,
                            "-c",
                            f"import sqlite3; print(sqlite3.connect({str(db)!r})"
                            ".execute('select count(*) from clients').fetchone()[0])",
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                )
            report(clients, timings, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nload average at the end {load_average()}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

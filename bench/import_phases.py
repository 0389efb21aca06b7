"""Where `socket import` spends its time: the import run in-process, timed by phase.

    .venv/bin/python bench/import_phases.py --clients 200000 [--workdir DIR] [--cprofile OUT]

Generates a practice (tests.practices.generate, seed 1) unless DIR already holds one of that
size, makes an empty store (`socket init`), and runs `services.importer.import_csv` on it as
`socket import` does (cycle collector off, SOCKET_NOW=2026-11-21), printing the CPU
(process_time) and wall time of each step the import reports (reading each file, checking,
storing) and of the main functions inside them. With --cprofile, the whole import runs
under cProfile and the 30 functions with the most time of their own are printed. Run it
from the repository root with the venv's python.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import itertools
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
FILES = ("clients.csv", "services.csv", "proposals.csv")


def practice(folder: Path, clients: int) -> list[Path]:
    files = [folder / name for name in FILES]
    marker = folder / f"generated-{clients}"
    if not marker.exists():
        sys.path.insert(0, str(REPO))
        from tests.practices import generate

        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, clients=clients, today=date.fromisoformat(TODAY))
        marker.touch()
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, help="keep the practice and store here")
    parser.add_argument("--cprofile", type=Path, help="write cProfile stats here")
    options = parser.parse_args()
    work = options.workdir or Path(tempfile.mkdtemp(prefix="import-phases-"))
    files = practice(work / f"practice-{options.clients}", options.clients)
    os.environ["SOCKET_NOW"] = TODAY
    os.environ["SOCKET_DATA_DIR"] = str(work / "data")
    db = work / f"import-{options.clients}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    socket = Path(sys.executable).parent / "socket"
    subprocess.run([str(socket), "--db", str(db), "init"], check=True, capture_output=True)

    gc.disable()  # as socketcli.__main__ does
    import socketcli.services.importer as importer
    from socketcli import bootstrap
    from socketcli.adapters.store.clients import SqlClients
    from socketcli.adapters.store.proposals import SqlProposals
    from socketcli.adapters.store.work_items import SqlWorkItems

    spent: dict[str, list[float]] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                total = spent.setdefault(name, [0.0, 0.0])
                total[0] += time.process_time() - cpu
                total[1] += time.perf_counter() - wall

        return wrapper

    for owner, name in (
        (SqlClients, "save_many"),
        (SqlProposals, "add_new"),
        (SqlProposals, "save_many"),
        (SqlWorkItems, "open_for"),
    ):
        setattr(owner, name, timed(f"store: {owner.__name__}.{name}", getattr(owner, name)))
    for name in ("_read", "_clients", "_services", "_group", "_proposals"):
        setattr(importer, name, timed(f"importer.{name}", getattr(importer, name)))

    wiring = bootstrap.wire(db)

    def store(*, write: bool = False, optimistic: bool = False, bulk: bool = False) -> Any:
        return wiring.uow(write=write, optimistic=optimistic, bulk=bulk)

    marks: list[tuple[str, float, float]] = []

    def step(what: str) -> None:
        marks.append((what, time.process_time(), time.perf_counter()))

    profile = cProfile.Profile() if options.cprofile else None
    step("(opening)")
    if profile is not None:
        profile.enable()
    report = importer.import_csv(store, wiring.clock, files, progress=step)
    if profile is not None:
        profile.disable()
    step("end")
    print(f"{options.clients:,} clients, load average {os.getloadavg()[0]:.1f}: {report.summary()}")
    for (what, cpu, wall), (_, cpu_after, wall_after) in itertools.pairwise(marks):
        print(f"  {what:42s} {cpu_after - cpu:7.2f} s CPU {wall_after - wall:7.2f} s wall")
    for name, (cpu, wall) in spent.items():
        print(f"    {name:40s} {cpu:7.2f} s CPU {wall:7.2f} s wall")
    print(
        f"  {'total':42s} {marks[-1][1] - marks[0][1]:7.2f} s CPU {marks[-1][2] - marks[0][2]:7.2f} s wall"
    )
    if profile is not None:
        profile.dump_stats(options.cprofile)
        pstats.Stats(str(options.cprofile)).sort_stats("tottime").print_stats(30)
    if options.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

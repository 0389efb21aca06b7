"""How long `socket import` holds the store's write lock, against how long it runs.

    .venv/bin/python bench/write_lock.py --clients 20000 [--repeat 3]

For each size: generate a practice (tests.practices.generate), `socket --db DB init`, then
`socket --db DB import clients.csv services.csv proposals.csv` as a subprocess (the venv's
`socket`, SOCKET_NOW=2026-11-21) while this process probes the store every 5 ms with
`BEGIN IMMEDIATE` and no busy timeout, as a second writer would. Printed: the import's wall
time, and the span from the first probe refused to the last (the time any other command that
writes would have waited). Each repeat imports into a fresh copy of the initialised store.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-21"
PROBE_EVERY = 0.005


def socket_binary() -> str:
    beside = Path(sys.executable).parent / "socket"
    return str(beside) if beside.exists() else "socket"


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([socket_binary(), *args], env=env, check=True, capture_output=True)


def held_while_importing(db: Path, files: list[Path], env: dict[str, str]) -> tuple[float, float]:
    """(the import's wall time, the span during which a writer was refused)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    started = time.perf_counter()
    child = subprocess.Popen(
        [socket_binary(), "--db", str(db), "import", *map(str, files)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    first = last = None
    while child.poll() is None:
        moment = time.perf_counter()
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:
            first = moment if first is None else first
            last = time.perf_counter()
        time.sleep(PROBE_EVERY)
    wall = time.perf_counter() - started
    _, errors = child.communicate()
    probe.close()
    if child.returncode != 0:
        raise SystemExit(f"import failed ({child.returncode}): {errors.decode()[-2000:]}")
    held = 0.0 if first is None or last is None else last - first
    return wall, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[20_000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.practices import generate

    env = {**os.environ, "SOCKET_NOW": TODAY, "NO_COLOR": "1"}
    for clients in options.clients:
        with tempfile.TemporaryDirectory(prefix="socket-lock-") as scratch:
            root = Path(scratch)
            generate(root, clients=clients)
            files = sorted(root.glob("*.csv"))
            template = root / "template.db"
            run("--db", str(template), "init", env={**env, "SOCKET_DATA_DIR": scratch})
            walls, helds = [], []
            for attempt in range(options.repeat):
                db = root / f"store-{attempt}.db"
                shutil.copy(template, db)
                wall, held = held_while_importing(db, files, env)
                walls.append(wall)
                helds.append(held)
            print(
                f"import of {clients:,} clients: {statistics.median(walls):.2f} s wall, write "
                f"lock held {statistics.median(helds):.2f} s (median of {options.repeat}; "
                f"each: {', '.join(f'{h:.2f}/{w:.2f}' for h, w in zip(helds, walls, strict=True))})"
            )


if __name__ == "__main__":
    main()

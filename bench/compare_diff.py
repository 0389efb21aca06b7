"""Time `plan diff --json` on existing stores, alternating source trees (before and after).

    git archive main | tar -x -C /tmp/before        # a tree to compare with, say
    .venv/bin/python bench/compare_diff.py --store DB [--store DB2] \\
        --tree before=/tmp/before/src --tree after=src [--repeat 5] [--month 2026-12]

Each run is `python -m socketcli --db DB plan diff --json --month M` (SOCKET_NOW=2026-11-21)
as a subprocess of the venv's python, with PYTHONPATH set to the tree's `src`, so both trees
run on the same interpreter and packages. The trees take turns (one untimed warm-up each,
which also writes their bytecode), the output of every run must be byte-identical across
trees, and the script prints, per store and tree, the medians of wall time and of the
child's user and system CPU (what the work costs, steadier than wall time on a shared
machine), with the load average before and after. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TODAY = "2026-11-21"


def run(python: str, tree: Path, store: Path, month: str) -> tuple[float, float, float, str]:
    """One run: wall, user, system seconds, and the digest of its output."""
    env = dict(os.environ, SOCKET_NOW=TODAY, PYTHONPATH=str(tree))
    command = [python, "-m", "socketcli", "--db", str(store), "plan", "diff", "--json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*command, "--month", month], env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{tree} on {store}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return (
        wall,
        after.ru_utime - before.ru_utime,
        after.ru_stime - before.ru_stime,
        hashlib.sha256(done.stdout).hexdigest(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument(
        "--tree", action="append", required=True, metavar="NAME=SRC", help="a source tree"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, _, path in (t.partition("=") for t in args.tree)}
    for store in args.store:
        print(f"{store} (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
        digests = set()
        for attempt in range(args.repeat + 1):
            for name, tree in trees.items():
                wall, user, system, digest = run(args.python, tree, store, args.month)
                digests.add(digest)
                if attempt:
                    runs[name].append((wall, user, system))
        for name, measured in runs.items():
            walls = [w for w, _, _ in measured]
            print(
                f"  {name:8s} wall median {statistics.median(walls):.3f} s "
                f"(min {min(walls):.3f}, max {max(walls):.3f}); "
                f"user {statistics.median(u for _, u, _ in measured):.3f} s, "
                f"sys {statistics.median(s for _, _, s in measured):.3f} s, "
                f"user+sys {statistics.median(u + s for _, u, s in measured):.3f} s "
                f"({len(measured)} runs)"
            )
        print(f"  output identical across trees: {len(digests) == 1}")
        print(f"  (load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generate a practice of a given size in the CSV import format (docs/import.md).

    python bench/generate_practice.py --clients 20000 --out /tmp/practice [--seed 1]
        [--months 24] [--lines 5] [--today 2026-11-21]

writes clients.csv, services.csv and proposals.csv for `socket import`: the command line of
`tests.practices.generate`, the generator the tests use too (what it makes is described
there and in bench/README.md). The same seed gives the same files, byte for byte.

Standard library only: it runs with any Python 3.11.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.practices import generate  # noqa: E402  (the repository's own tests package)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, required=True, help="how many clients")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--months", type=int, default=24, help="months of history (default 24)")
    parser.add_argument("--lines", type=int, default=5, help="lines per proposal (default 5)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date(2026, 11, 21),
        help="the day the history runs up to, YYYY-MM-DD (default 2026-11-21)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.months < 1 or args.lines < 1:
        parser.error("--clients, --months and --lines must be at least 1")
    counts = generate(
        args.out,
        clients=args.clients,
        seed=args.seed,
        months=args.months,
        lines=args.lines,
        today=args.today,
    )
    print(
        f"wrote {counts['clients']} clients, {counts['services']} services and "
        f"{counts['proposal_rows']} proposal rows to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

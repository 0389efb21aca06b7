"""What a lead alone would link: for every client `--auto` leaves for a person, its best active
candidate's score and how far it is ahead of the next active one, counted right or wrong, on
the labelled real names (../shared/matching-dev) and on the generated set (bench/data).

    .venv/bin/python bench/match_margins.py [--data ../shared/matching-dev] [--half all|a|b]

Prints, per set, a table of "right/wrong" links that a rule "link the best when it scores at
least S and is at least L points ahead" would add to today's `--auto` (a link to another
entity, or any link for a client with nothing to link, is wrong). It is the curve the
`--auto` rules are chosen against: a lead is worth something only with a reason for the
names' difference (see docs/contacts.md, "What `--auto` links").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import match_data  # noqa: E402  (bench/match_data.py, next to this file)
import match_quality  # noqa: E402
import match_real  # noqa: E402

from socketcli.domain.matching import Candidate, ContactIndex, auto_choice  # noqa: E402
from socketcli.domain.records import Client, XeroContact  # noqa: E402

SCORES = (85, 80, 75, 70)
LEADS = (10, 15, 20, 25, 30, 40)

#: (best's score, its lead over the next active candidate, whether it is right)
Point = tuple[int, int, bool]


def left_points(ranked: Sequence[Sequence[Candidate]], right: Sequence[str | None]) -> list[Point]:
    """The best active candidate of each client `auto_choice` leaves; `right[i]` is the
    entity (or contact id) a link for client i must reach, mapped by `_key`."""
    points = []
    for candidates, wanted in zip(ranked, right, strict=True):
        if auto_choice(candidates) is not None:
            continue
        active = [c for c in candidates if not c.archived]
        if not active:
            continue
        ahead = active[0].score - (active[1].score if len(active) > 1 else 0)
        points.append((active[0].score, ahead, wanted is not None and wanted == _key(active[0])))
    return points


_ENTITY: dict[str, str] = {}


def _key(candidate: Candidate) -> str:
    return _ENTITY.get(candidate.contact.contact_id, candidate.contact.contact_id)


def real_set(folder: Path, half: str) -> list[Point]:
    name = folder.name
    master = match_real.rows(folder / f"{name}_master.csv")
    queries = [
        q
        for q in match_real.rows(folder / f"{name}_queries.csv")
        if match_real.in_half(q["query_id"], half)
    ]
    _ENTITY.clear()
    _ENTITY.update({f"{name}:{row['master_id']}": row["entity_id"] for row in master})
    contacts = [XeroContact(f"{name}:{row['master_id']}", row["name"]) for row in master]
    clients = [Client(f"Q{row['query_id']}", row["name"]) for row in queries]
    ranked = ContactIndex(contacts).rank_many(clients, limit=5, workers=1)
    wanted = [q["entity_id"] if q["matchable"] == "1" else None for q in queries]
    return left_points(ranked, wanted)


def generated_set() -> list[Point]:
    cases, contacts = match_quality.load(match_data.DATA, False)
    _ENTITY.clear()
    ranked = ContactIndex(contacts).rank_many([case.client for case in cases], limit=5)
    return left_points(ranked, [case.correct or None for case in cases])


def table(title: str, points: Sequence[Point]) -> None:
    print(f"{title}: {len(points)} clients left; links a lead rule would add, right/wrong")
    print("  score >= \\ lead >= " + "".join(f"{lead:>10}" for lead in LEADS))
    for score in SCORES:
        cells = []
        for lead in LEADS:
            chosen = [right for s, a, right in points if s >= score and a >= lead]
            cells.append(f"{sum(chosen):>5}/{len(chosen) - sum(chosen):<4}")
        print(f"  {score:>18} " + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=match_real.DATA)
    parser.add_argument("--half", choices=("all", "a", "b"), default="all")
    args = parser.parse_args(argv)
    if args.data.is_dir():
        for folder in sorted(p for p in args.data.iterdir() if p.is_dir()):
            table(folder.name, real_set(folder, args.half))
    else:
        print(f"no labelled sets at {args.data}")
    table("generated (bench/data)", generated_set())
    return 0


if __name__ == "__main__":
    sys.exit(main())

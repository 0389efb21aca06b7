"""Score the contact matcher on labelled organisation names (../shared/matching-dev, or any
folder of sets in its format): top-1, top-3, and what `contacts match --auto` would link
(precision, recall), beside a plain rapidfuzz baseline (token_sort_ratio on lower-cased
names, auto-linking at the same threshold and margin).

    python bench/match_real.py [--data ../shared/matching-dev]

Each set is a folder with NAME_master.csv (master_id, entity_id, name: the "Xero contacts")
and NAME_queries.csv (query_id, entity_id, name, matchable: the "clients"); the data's
README says what counts as correct. These are development figures: tune on them, judge on
other data.
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from socketcli.domain.matching import AUTO_MARGIN, DEFAULT_THRESHOLD, ContactIndex, auto_choice
from socketcli.domain.records import Client, XeroContact

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Score:
    matchable: int = 0
    top1: int = 0
    top3: int = 0
    links: int = 0
    right_links: int = 0

    def line(self, name: str) -> str:
        precision = self.right_links / self.links if self.links else 1.0
        return (
            f"  {name:<10} top-1 {self.top1 / self.matchable:6.1%}  top-3 "
            f"{self.top3 / self.matchable:6.1%}  auto precision {precision:6.1%} "
            f"({self.links - self.right_links} wrong of {self.links})  recall "
            f"{self.right_links / self.matchable:6.1%}"
        )


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def score_set(folder: Path) -> tuple[Score, Score, float]:
    name = folder.name
    master = rows(folder / f"{name}_master.csv")
    queries = rows(folder / f"{name}_queries.csv")
    entity = {row["master_id"]: row["entity_id"] for row in master}
    contacts = [XeroContact(row["master_id"], row["name"]) for row in master]
    clients = [Client(f"Q{row['query_id']}", row["name"]) for row in queries]
    started = time.perf_counter()
    ranked = ContactIndex(contacts).rank_many(clients, limit=5, workers=1)
    seconds = time.perf_counter() - started
    ours, plain = Score(), Score()
    names = [row["name"].lower() for row in master]
    for query, candidates in zip(queries, ranked, strict=True):
        wanted, matchable = query["entity_id"], query["matchable"] == "1"
        found = [entity[c.contact.contact_id] for c in candidates]
        base = process.extract(query["name"].lower(), names, scorer=fuzz.token_sort_ratio, limit=3)
        base_found = [master[index]["entity_id"] for _, _, index in base]
        for tally, hits in ((ours, found), (plain, base_found)):
            if matchable:
                tally.matchable += 1
                tally.top1 += bool(hits) and hits[0] == wanted
                tally.top3 += wanted in hits[:3]
        choice = auto_choice(candidates, DEFAULT_THRESHOLD, AUTO_MARGIN)
        if choice is not None:
            ours.links += 1
            ours.right_links += matchable and entity[choice.contact.contact_id] == wanted
        if (
            base
            and base[0][1] >= DEFAULT_THRESHOLD
            and (len(base) < 2 or base[0][1] - base[1][1] >= AUTO_MARGIN)
        ):
            plain.links += 1
            plain.right_links += matchable and base_found[0] == wanted
    return ours, plain, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "matching-dev")
    args = parser.parse_args()
    for folder in sorted(p for p in args.data.iterdir() if p.is_dir()):
        ours, plain, seconds = score_set(folder)
        print(f"{folder.name} ({ours.matchable} matchable queries; ranked in {seconds:.1f} s)")
        print(ours.line("socket"))
        print(plain.line("baseline"))


if __name__ == "__main__":
    main()

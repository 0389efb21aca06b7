"""Measure the contact matcher on the labelled evaluation set: how often the right Xero contact
comes first or in the top 3, and how precise `socket contacts match --auto` is.

    .venv/bin/python bench/match_quality.py [--threshold 90] [--margin 5] [--sweep]
        [--show 20] [--data bench/data] [--regenerate]

Reads bench/data/match_eval.csv and match_contacts.csv (written by bench/match_data.py, and
written first if missing), ranks every client with `ContactIndex.rank(client, limit=5)` (the
candidates a person is shown, archived ones included) and runs `--auto` as the command does:
`auto_choice` for each client, clients taken best score first, a contact never linked twice,
an archived contact never. Then prints:

- top-1 accuracy: the first candidate shown is the right contact (over clients that have one);
- top-3 recall: the right contact is among the first 3 shown;
- precision and recall of `--auto` at the threshold (a link to any other contact, or any link
  for a client with nothing linkable, is wrong);
- the share of clients absent from Xero that `--auto` correctly left for a person;
- the same by kind of name variation and by trap, the wrong links and the top-3 misses;
- with --sweep, precision and recall at thresholds 80 to 98.

Targets (from the issue): precision at least 99% at the default threshold, top-3 at least 97%.

Then, unless --no-real, the labelled real names of ../shared/matching-dev scored by
bench/match_real.py (top-1, top-3, --auto precision and recall per set, beside the best
rapidfuzz baselines computed in the same run); see bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import match_data  # noqa: E402  (bench/match_data.py, next to this file)
import match_real  # noqa: E402  (bench/match_real.py, next to this file)

from socketcli.domain.matching import (  # noqa: E402  (the repository's own source)
    AUTO_MARGIN,
    DEFAULT_THRESHOLD,
    Candidate,
    ContactIndex,
    auto_choice,
)
from socketcli.domain.records import Client, XeroContact  # noqa: E402

PRECISION_TARGET = 0.99
TOP3_TARGET = 0.97
SHOWN = 5  # candidates a person is shown: rank(client, limit=5)


@dataclass(frozen=True, slots=True)
class Case:
    client: Client
    correct: str  # the contact id to link, "" when nothing is linkable
    variation: str
    trap: str
    archived_match: str
    evidence: str

    @property
    def absent(self) -> bool:
        return self.variation == "absent"


def load(data: Path, regenerate: bool) -> tuple[list[Case], list[XeroContact]]:
    eval_path = data / match_data.EVAL_FILE
    contacts_path = data / match_data.CONTACTS_FILE
    if regenerate or not (eval_path.exists() and contacts_path.exists()):
        print(f"generating the evaluation set in {data} (bench/match_data.py, defaults)")
        match_data.write_set(data)
    with eval_path.open(encoding="utf-8", newline="") as handle:
        cases = [
            Case(
                Client(row["client_reference"], row["client_name"], row["client_email"]),
                row["correct_contact_id"],
                row["variation"],
                row["trap"],
                row["archived_match"],
                row["evidence"],
            )
            for row in csv.DictReader(handle)
        ]
    with contacts_path.open(encoding="utf-8", newline="") as handle:
        contacts = [
            XeroContact(
                contact_id=row["contact_id"],
                name=row["name"],
                email=row["email"],
                contact_number=row["contact_number"] or None,
                account_number=row["account_number"] or None,
                status=row["status"],
            )
            for row in csv.DictReader(handle)
        ]
    return cases, contacts


def run_auto(
    ranked: Sequence[Sequence[Candidate]], threshold: int, margin: int
) -> tuple[dict[int, Candidate], int]:
    """What `--auto` links (case index -> candidate), and how many it skipped as already taken.

    Clients are taken best score first; a contact already linked in the run is not linked again
    (the client is left for a person). Nothing is linked before the run in this data.
    """
    choices = []
    for index, candidates in enumerate(ranked):
        choice = auto_choice(candidates, threshold=threshold, margin=margin)
        if choice is not None:
            choices.append((index, choice))
    choices.sort(key=lambda item: (-item[1].score, item[0]))
    taken: set[str] = set()
    linked: dict[int, Candidate] = {}
    skipped = 0
    for index, choice in choices:
        if choice.contact.contact_id in taken:
            skipped += 1
            continue
        taken.add(choice.contact.contact_id)
        linked[index] = choice
    return linked, skipped


@dataclass(slots=True)
class Tally:
    clients: int = 0
    with_contact: int = 0
    top1: int = 0
    top3: int = 0
    right: int = 0  # --auto linked the right contact
    wrong: int = 0  # --auto linked another contact
    left: int = 0  # --auto linked nothing

    def add(self, case: Case, shown: Sequence[Candidate], link: Candidate | None) -> None:
        self.clients += 1
        ids = [candidate.contact.contact_id for candidate in shown]
        if case.correct:
            self.with_contact += 1
            self.top1 += ids[:1] == [case.correct]
            self.top3 += case.correct in ids[:3]
        if link is None:
            self.left += 1
        elif link.contact.contact_id == case.correct:
            self.right += 1
        else:
            self.wrong += 1


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    -"


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def table(title: str, groups: dict[str, Tally], order: Iterable[str]) -> None:
    print(f"\n{title}")
    print(
        f"  {'':<26} {'clients':>7} {'top-1':>7} {'top-3':>7} {'auto ok':>8} {'wrong':>6} {'left':>6}"
    )
    for name in order:
        if name not in groups:
            continue
        t = groups[name]
        print(
            f"  {name:<26} {t.clients:>7} {pct(t.top1, t.with_contact):>7} "
            f"{pct(t.top3, t.with_contact):>7} {pct(t.right, t.with_contact):>8} "
            f"{t.wrong:>6} {t.left:>6}"
        )


def describe(candidate: Candidate) -> str:
    archived = ", ARCHIVED" if candidate.archived else ""
    return f"{candidate.contact.name!r} ({candidate.score}: {candidate.reason}{archived})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    parser.add_argument("--margin", type=int, default=AUTO_MARGIN)
    parser.add_argument("--sweep", action="store_true", help="precision/recall at 80..98")
    parser.add_argument("--show", type=int, default=20, help="wrong links and misses to list")
    parser.add_argument(
        "--show-left", type=int, default=3, help="examples of each reason a client was left"
    )
    parser.add_argument("--data", type=Path, default=match_data.DATA, help="the CSVs' folder")
    parser.add_argument("--regenerate", action="store_true", help="write the CSVs again first")
    parser.add_argument(
        "--no-real", action="store_true", help="skip the labelled real names (match_real.py)"
    )
    parser.add_argument(
        "--real-data", type=Path, default=match_real.DATA, help="the labelled real names' folder"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.threshold <= 100 or args.margin < 0:
        parser.error("--threshold must be 0 to 100 and --margin at least 0")

    cases, contacts = load(args.data, args.regenerate)
    names = {contact.contact_id: contact.name for contact in contacts}
    started = time.perf_counter()
    index = ContactIndex(contacts)
    built = time.perf_counter()
    ranked = index.rank_many([case.client for case in cases], limit=SHOWN)
    done = time.perf_counter()
    linked, skipped = run_auto(ranked, args.threshold, args.margin)

    whole = Tally()
    by_variation: dict[str, Tally] = defaultdict(Tally)
    by_trap: dict[str, Tally] = defaultdict(Tally)
    by_evidence: dict[str, Tally] = defaultdict(Tally)
    for number, case in enumerate(cases):
        link = linked.get(number)
        whole.add(case, ranked[number], link)
        by_variation[case.variation].add(case, ranked[number], link)
        by_trap[case.trap or "-"].add(case, ranked[number], link)
        if case.correct:
            evidence = "reference" if "reference" in case.evidence else case.evidence
            by_evidence[evidence].add(case, ranked[number], link)
    links = whole.right + whole.wrong
    absent = [n for n, case in enumerate(cases) if case.absent]
    archived_only = [n for n, case in enumerate(cases) if case.archived_match]
    absent_left = sum(1 for n in absent if n not in linked)
    archived_left = sum(1 for n in archived_only if n not in linked)
    first_shown_archived = sum(
        1 for n, case in enumerate(cases) if case.correct and ranked[n] and ranked[n][0].archived
    )
    best_active_right = sum(
        1
        for n, case in enumerate(cases)
        if case.correct
        and next((c.contact.contact_id for c in ranked[n] if not c.archived), "") == case.correct
    )

    precision = ratio(whole.right, links)
    top3 = ratio(whole.top3, whole.with_contact)
    print(
        f"{len(cases)} clients ({whole.with_contact} with a linkable contact, {len(absent)} absent "
        f"from Xero, {len(archived_only)} whose only match is archived) against "
        f"{len(contacts)} contacts"
    )
    print(
        f"index built in {built - started:.2f} s, {len(cases)} clients ranked in "
        f"{done - built:.2f} s; --auto at threshold {args.threshold}, margin {args.margin}"
    )
    print()
    print(
        f"top-1 accuracy          {pct(whole.top1, whole.with_contact)}  "
        f"({whole.top1}/{whole.with_contact}; best active candidate right: "
        f"{pct(best_active_right, whole.with_contact).strip()}, an archived copy shown first "
        f"for {first_shown_archived})"
    )
    print(
        f"top-3 recall            {pct(whole.top3, whole.with_contact)}  "
        f"({whole.top3}/{whole.with_contact}; target {TOP3_TARGET:.0%}: "
        f"{'met' if top3 >= TOP3_TARGET else 'NOT met'})"
    )
    print(
        f"--auto precision        {100 * precision:5.2f}%  ({whole.right} right of {links} "
        f"links, {whole.wrong} wrong; target {PRECISION_TARGET:.0%}: "
        f"{'met' if precision >= PRECISION_TARGET else 'NOT met'})"
    )
    print(
        f"--auto recall           {pct(whole.right, whole.with_contact)}  "
        f"({whole.right}/{whole.with_contact}; {skipped} left because the contact was taken)"
    )
    print(
        f"absent left for person  {pct(absent_left, len(absent))}  ({absent_left}/{len(absent)}; "
        f"archived-only left: {archived_left}/{len(archived_only)})"
    )
    no_link = absent + archived_only
    print(
        f"nothing-linkable left   {pct(absent_left + archived_left, len(no_link))}  "
        f"({absent_left + archived_left}/{len(no_link)})"
    )

    table(
        "By variation (top-1/top-3/auto ok over clients with a contact):",
        by_variation,
        [
            *match_data.VARIATIONS,
            "absent",
        ],
    )
    table(
        "By trap (absent: the confusable planted; twin/archived_copy: next to the right one):",
        by_trap,
        [
            "-",
            *(f"twin:{kind}" for kind in match_data.TWINS),
            "archived_copy",
            "archived_only",
            *match_data.TRAPS,
        ],
    )
    table(
        "By evidence Xero holds (clients with a contact):",
        by_evidence,
        sorted(by_evidence, key=lambda k: -by_evidence[k].clients),
    )

    wrong = [
        (n, link)
        for n, link in sorted(linked.items())
        if link.contact.contact_id != cases[n].correct
    ]
    print(f"\nWrong --auto links ({len(wrong)}; first {min(args.show, len(wrong))}):")
    for n, link in wrong[: args.show]:
        case = cases[n]
        if case.correct:
            should = f"should be {names[case.correct]!r}"
        elif case.archived_match:
            should = f"only match archived: {names[case.archived_match]!r}"
        else:
            should = "not in Xero"
        kind = case.variation if not case.trap else f"{case.variation}, {case.trap}"
        print(
            f"  {case.client.reference} {case.client.name!r} <{case.client.email}> -> "
            f"{describe(link)}; {should} [{kind}]"
        )
    misses = [
        n
        for n, case in enumerate(cases)
        if case.correct and case.correct not in [c.contact.contact_id for c in ranked[n][:3]]
    ]
    print(f"\nTop-3 misses ({len(misses)}; first {min(args.show, len(misses))}):")
    for n in misses[: args.show]:
        case = cases[n]
        shown = "; ".join(describe(c) for c in ranked[n][:3]) or "nothing"
        kind = case.variation if not case.trap else f"{case.variation}, {case.trap}"
        print(
            f"  {case.client.reference} {case.client.name!r} -> want {names[case.correct]!r} "
            f"[{kind}, evidence {case.evidence}]; shown: {shown}"
        )

    left_reasons: dict[str, list[int]] = defaultdict(list)
    for n, case in enumerate(cases):
        if not case.correct or n in linked:
            continue
        active = [c for c in ranked[n] if not c.archived]
        ids = [c.contact.contact_id for c in active]
        if case.correct not in ids[:1]:
            left_reasons["the right contact is not the best active one"].append(n)
        elif active[0].score < args.threshold:
            left_reasons[f"best, but under {args.threshold}"].append(n)
        elif len(active) > 1 and active[0].score - active[1].score < args.margin:
            left_reasons[f"best, but within {args.margin} of the next"].append(n)
        else:
            left_reasons["best, but the contact was taken"].append(n)
    total_left = sum(len(found) for found in left_reasons.values())
    print(f"\nLinkable clients --auto left for a person ({total_left}):")
    for reason, found in sorted(left_reasons.items(), key=lambda item: -len(item[1])):
        kinds: dict[str, int] = defaultdict(int)
        for n in found:
            kinds[cases[n].variation] += 1
        spread = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda i: -i[1]))
        print(f"  {reason}: {len(found)} ({spread})")
        for n in found[: args.show_left]:
            case = cases[n]
            shown = "; ".join(describe(c) for c in ranked[n][:2])
            print(
                f"    {case.client.name!r} -> want {names[case.correct]!r} "
                f"[{case.variation}, evidence {case.evidence}]; shown: {shown}"
            )

    if args.sweep:
        print(f"\nSweep (margin {args.margin}):")
        print(
            f"  {'threshold':>9} {'links':>6} {'wrong':>6} {'precision':>9} {'recall':>7} {'absent left':>11}"
        )
        for threshold in range(80, 99):
            swept, _ = run_auto(ranked, threshold, args.margin)
            right = sum(1 for n, c in swept.items() if c.contact.contact_id == cases[n].correct)
            bad = len(swept) - right
            left = sum(1 for n in absent if n not in swept)
            print(
                f"  {threshold:>9} {len(swept):>6} {bad:>6} {pct(right, len(swept)):>9} "
                f"{pct(right, whole.with_contact):>7} {pct(left, len(absent)):>11}"
            )
    met = precision >= PRECISION_TARGET and top3 >= TOP3_TARGET
    if not args.no_real and args.real_data.is_dir():
        print(f"\nLabelled real names ({args.real_data}):")
        folders = sorted(p for p in args.real_data.iterdir() if p.is_dir())
        results = [match_real.score_set(folder) for folder in folders]
        match_real.report(results)  # printed beside the baselines; not (yet) a gate
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

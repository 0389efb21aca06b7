"""Time the contact matcher at the issue's size: 20,000 clients against 50,000 Xero contacts.

    .venv/bin/python bench/match_speed.py [--clients 20000] [--contacts 50000] [--seed 7]
        [--baseline-clients 20] [--tracemalloc]

Generates the clients and contacts in memory with bench/match_data.py (the same word lists and
shares as the evaluation set, so that Services, Property or Smith are as common as in a real
ledger: this matters, since the matcher skips block keys shared by more than
`ContactIndex.COMMON` contacts), then times, in this process:

1. building `ContactIndex` over the contacts;
2. `ContactIndex.search(term)` for 50 terms a person might type (median and slowest), for a
   few terms that hit thousands of contacts ("s", "ltd", "services"...), and one
   `rank(client)` for 200 clients (median and slowest): the interactive prompt answers a
   keystroke with one of these (target: under 100 ms);
3. `rank_many` over every client (target: under 10 s on the 2-core machine);
4. peak memory: the process's maximum resident set size (`getrusage`), before and after, and
   with --tracemalloc the peak of Python allocations while building and ranking (slower);
5. a naive pure-Python baseline for comparison: `difflib.SequenceMatcher(None, a, b).ratio()`
   for `--baseline-clients` clients against every contact, extrapolated to all pairs.

The name cache (`matching.name_forms`) is cleared before each timing, so no figure profits
from an earlier one. The cycle collector is off, as `socket` runs its commands
(`socketcli.__main__`); `--gc` leaves it on (the figures before 2026-12-03's matchlatency).
"""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import match_data  # noqa: E402  (bench/match_data.py, next to this file)
import rapidfuzz  # noqa: E402

from socketcli.domain.matching import ContactIndex, name_forms  # noqa: E402
from socketcli.domain.records import Client, XeroContact  # noqa: E402

ALL_PAIRS_TARGET = 10.0  # seconds for 20,000 x 50,000
KEYSTROKE_TARGET = 0.100  # seconds
MEMORY_TARGET = 1024.0  # MB
T = TypeVar("T")
#: Terms that hit many contacts: the slow end of the search prompt.
COMMON_TERMS = ("s", "ltd", "services", "property services", "smith", "the plumbing")


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the forked ranking workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(action: Callable[[], T]) -> tuple[T, float, float]:
    """The result, wall seconds and CPU seconds of `action()` (with its finished children's)."""
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() + children_cpu() - cpu


def line(label: str, text: str) -> None:
    print(f"{label:<34}{text}")


def typed_terms(clients: Sequence[Client], count: int) -> list[str]:
    """What a person types at the search prompt: a word or two of a name, now and then cut."""
    terms = []
    step = max(1, len(clients) // count)
    for number, client in enumerate(clients[::step][:count]):
        words = [
            w
            for w in client.name.split()
            if sum(c.isalpha() for c in w) >= 3 and w.lower() not in ("the", "ltd", "limited")
        ] or client.name.split()
        term = " ".join(words[: 1 + number % 2])
        if number % 3 == 2:
            term = term[: max(3, len(term) - 3)]  # still typing
        terms.append(term.lower())
    return terms


def word_shares(contacts: Sequence[XeroContact]) -> list[tuple[str, int]]:
    """How many contacts hold each normalised word (as the matcher writes it)."""
    counts: Counter[str] = Counter()
    for contact in contacts:
        counts.update(set(name_forms(contact.name)[0]))
    return counts.most_common()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20000, help="clients (20000)")
    parser.add_argument("--contacts", type=int, default=50000, help="Xero contacts (50000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--baseline-clients", type=int, default=20, help="clients timed with difflib (20)"
    )
    parser.add_argument("--searches", type=int, default=50, help="search() calls timed (50)")
    parser.add_argument("--ranks", type=int, default=200, help="single rank() calls timed (200)")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    parser.add_argument(
        "--gc", action="store_true", help="leave the cycle collector on (socket turns it off)"
    )
    args = parser.parse_args(argv)
    if args.clients < 20 or args.contacts < 100:
        parser.error("--clients must be at least 20 and --contacts at least 100")
    if not args.gc:
        gc.disable()  # as `socket` runs every command but `sandbox serve`

    print(
        f"Python {platform.python_version()}, rapidfuzz {rapidfuzz.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, cycle collector "
        f"{'on' if gc.isenabled() else 'off (as socket runs)'}"
    )
    (client_rows, contact_rows), wall, _ = timed(
        lambda: match_data.generate(clients=args.clients, contacts=args.contacts, seed=args.seed)
    )
    clients = [Client(c.client_reference, c.client_name, c.client_email) for c in client_rows]
    contacts = [
        XeroContact(
            contact_id=c.contact_id,
            name=c.name,
            email=c.email,
            contact_number=c.contact_number or None,
            account_number=c.account_number or None,
            status=c.status,
        )
        for c in contact_rows
    ]
    linked = sum(1 for c in client_rows if c.correct_contact_id)
    print(
        f"generated {len(clients):,} clients ({linked:,} with a contact) and "
        f"{len(contacts):,} contacts in {wall:.1f} s (seed {args.seed})"
    )
    shares = word_shares(contacts)
    over = sum(1 for _, n in shares if n > ContactIndex.COMMON)
    top = ", ".join(f"{w} {n:,} ({100 * n / len(contacts):.1f}%)" for w, n in shares[:10])
    print(f"commonest normalised words: {top}")
    counts = dict(shares)
    wanted = ("svcs", "props", "consulting", "hldgs", "smith", "jones", "patel")
    print(
        "  of which: "
        + ", ".join(
            f"{w} {counts.get(w, 0):,} ({100 * counts.get(w, 0) / len(contacts):.1f}%)"
            for w in wanted
        )
        + f"; {over} words are in more than {ContactIndex.COMMON} contacts"
    )
    rss_data = max_rss_mb()

    # 1. The index.
    name_forms.cache_clear()
    index, build_wall, build_cpu = timed(lambda: ContactIndex(contacts))
    rss_index = max_rss_mb()
    print()
    line(f"build ContactIndex({len(contacts):,})", f"{build_wall:6.2f} s (CPU {build_cpu:.2f} s)")

    # 2. The interactive prompt: a search, one rank.
    terms = typed_terms(clients, args.searches)
    name_forms.cache_clear()
    search_times = [timed(partial(index.search, term))[1] for term in terms]
    common_times = {}
    for term in COMMON_TERMS:
        runs = [timed(partial(index.search, term))[1] for _ in range(5)]
        common_times[term] = statistics.median(runs)
    sample = clients[:: max(1, len(clients) // args.ranks)][: args.ranks]
    name_forms.cache_clear()
    rank_times = [timed(partial(index.rank, client))[1] for client in sample]

    def verdict(times: Sequence[float]) -> str:
        return "met" if max(times) < KEYSTROKE_TARGET else "NOT met"

    line(
        f"search(term), {len(terms)} terms",
        f"median {1000 * statistics.median(search_times):5.1f} ms, slowest "
        f"{1000 * max(search_times):5.1f} ms (target {1000 * KEYSTROKE_TARGET:.0f} ms: "
        f"{verdict(search_times)}; terms such as {terms[0]!r}, {terms[1]!r})",
    )
    line(
        "search(common word), median of 5",
        ", ".join(f"{term!r} {1000 * t:.0f} ms" for term, t in common_times.items())
        + f" ({verdict(list(common_times.values()))})",
    )
    line(
        f"rank(client), {len(sample)} clients",
        f"median {1000 * statistics.median(rank_times):5.1f} ms, slowest "
        f"{1000 * max(rank_times):5.1f} ms (target {1000 * KEYSTROKE_TARGET:.0f} ms: "
        f"{verdict(rank_times)})",
    )

    # 3. Every client.
    name_forms.cache_clear()
    ranked, rank_wall, rank_cpu = timed(lambda: index.rank_many(clients, limit=5))
    rss_ranked = max_rss_mb()
    candidates = sum(len(r) for r in ranked)
    line(
        f"rank_many({len(clients):,} clients)",
        f"{rank_wall:6.2f} s (CPU {rank_cpu:.2f} s with the workers'; "
        f"{1000 * rank_wall / len(clients):.2f} ms "
        f"a client, {candidates:,} candidates)",
    )
    whole = build_wall + rank_wall
    line(
        "index + rank_many",
        f"{whole:6.2f} s (CPU {build_cpu + rank_cpu:.2f} s, the workers' included; target "
        f"{ALL_PAIRS_TARGET:.0f} s: "
        f"{'met' if whole < ALL_PAIRS_TARGET else 'NOT met'}; load average now "
        f"{os.getloadavg()[0]:.2f})",
    )

    # 4. Memory.
    line(
        "max RSS",
        f"{rss_ranked:6.0f} MB (with the data alone {rss_data:.0f} MB, after the index "
        f"{rss_index:.0f} MB; target {MEMORY_TARGET:.0f} MB: "
        f"{'met' if rss_ranked < MEMORY_TARGET else 'NOT met'})",
    )
    if args.tracemalloc:
        del ranked
        name_forms.cache_clear()
        tracemalloc.start()
        traced = ContactIndex(contacts)
        _, built_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        traced.rank_many(clients, limit=5)
        size, rank_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line(
            "tracemalloc peak",
            f"{built_peak / 2**20:6.0f} MB building the index, {rank_peak / 2**20:.0f} MB "
            f"ranking (held at the end: {size / 2**20:.0f} MB)",
        )

    # 5. The naive baseline.
    few = clients[: args.baseline_clients]
    lowered = [contact.name.casefold() for contact in contacts]

    def naive() -> int:
        best = 0
        for client in few:
            name = client.name.casefold()
            scores = [difflib.SequenceMatcher(None, name, other).ratio() for other in lowered]
            best += max(range(len(scores)), key=scores.__getitem__)
        return best

    _, naive_wall, _ = timed(naive)
    pairs = len(few) * len(contacts)
    per_pair = naive_wall / pairs
    everything = per_pair * len(clients) * len(contacts)
    print()
    print(
        f"difflib baseline: {len(few)} clients x {len(contacts):,} contacts = {pairs:,} pairs in "
        f"{naive_wall:.1f} s ({1e6 * per_pair:.1f} us a pair)"
    )
    print(
        f"  extrapolated to {len(clients):,} x {len(contacts):,}: {everything:,.0f} s "
        f"= {everything / 3600:.1f} hours on one core, against {whole:.1f} s for the matcher "
        f"({everything / whole:,.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

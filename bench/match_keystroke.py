"""Time how fast the interactive `socket contacts match` answers a keystroke, as a person at a
terminal waits for it, on a big practice (target: under 100 ms a key).

    .venv/bin/python bench/match_keystroke.py [--clients 20000] [--contacts 50000] [--seed 1]
        [--keep] [--profile FILE]

1. Builds a store in a temporary folder: `socket --db DB init` (a subprocess), then, in this
   process, `--clients` unlinked clients and `--contacts` Xero contacts in the mirror,
   written through the unit of work's bulk methods (`save_clients`, `save_xero_contacts`,
   one commit). Names are UK small businesses built from word lists: surname and trade,
   place and trade, brand words, sole traders, partnerships, initials, pubs and cafes,
   "t/a". 85% of the clients have a contact whose name differs from theirs as names in two
   systems do (case, Ltd or Limited, & or and, a truncated or dropped word, a typo, "The",
   "(UK)", or two of these); 15% have none. 3% of those contacts have an archived old copy
   beside them; the other contacts are unrelated businesses from the same lists (2%
   archived). Some clients and contacts have an email, some contacts a ContactNumber. Same
   seed and sizes, same names. The build is timed and printed, but is not what is measured.
2. Spawns `python -m socketcli --db DB contacts match` under pexpect, in a 160x50
   pseudo-terminal with TERM=xterm-256color, COLUMNS=160 and SOCKET_NOW pinned, and times:
   from the spawn to the first prompt (start-up: reading the store, indexing the contacts,
   ranking every client, drawing the first), then from each key sent to the next prompt
   fully received (the prompt is the last thing drawn), in rounds so that a drift of the
   machine's speed touches every kind alike: 30 x `s` (skip: the next client is drawn),
   30 x `1` (link to the first candidate: one write transaction committed, then the next
   client), 10 searches (`/`, timed to the "Search Xero contacts:" question; then a surname
   is typed and timed from the Enter to the next prompt), 10 x `?` (help, and the client
   drawn again). Then `q`, timed to the end of the process.

Each key is sent once the child reads the terminal (raw mode, polled with termios): Click's
`getchar` enters raw mode with TCSAFLUSH, which discards keys typed before it, so a key sent
the instant the prompt arrives can be lost. Keys go out at once (pexpect's `delaybeforesend`
is off). A `1` on a client without candidates, or whose first candidate is archived, links
nothing: the script then skips that client (a skip sample) and links the next. Children cache their bytecode under the work folder
(PYTHONPYCACHEPREFIX), after an untimed warm-up that imports what the walk uses.

With --startups N, N start-ups are then timed without the names cache and N with it,
alternated; after each first prompt `--first-links K` clients (default 3) are linked with
`1`, each key sent as soon as the child reads: the links of the walk's first second, timed
as the keys above (`--no-walk`: the start-ups alone).

With --profile FILE the child runs under cProfile (every figure is then slower) and the
functions with the most cumulative time are printed.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

from socketcli.bootstrap import wire
from socketcli.domain.records import Client, XeroContact

TODAY = "2026-11-21"
TARGET_MS = 100.0
ROUNDS = 30  # each: a skip and a link; every third also a search and a help
STARTUP_TIMEOUT = 900.0
KEY_TIMEOUT = 120.0

#: The prompt under each client (as in tests/cli/test_contacts_terminal.py); group 1 is
#: there when the client has candidates.
PROMPT = re.compile(r"(1(?:-\d)? link · )?n new contact · / search · s skip · q quit · \? help: ")
CONFIRM = re.compile(r"Link this client to it too\? \[y/N\] ")
SEARCH_QUESTION = "Search Xero contacts: "
READY = re.compile(r"([\d,]+) clients? needs? a Xero contact")
POSITION = re.compile(r"(\d+) of (\d+)")
SUMMARY = re.compile(r"Linked (\d+), new contact for (\d+), skipped (\d+)")

SKIP = "s  skip, next client drawn"
LINK = "1  link (commit), next client drawn"
SHARE_ASKED = "1  asks to share the contact"
SHARE_LINK = "y  link shared (commit)"
SEARCH_OPEN = "/  to the search question"
SEARCH = "search: Enter to results"
HELP = "?  help, client drawn again"
QUIT = "q  to the end of the process"
KINDS = (SKIP, LINK, SHARE_ASKED, SHARE_LINK, SEARCH_OPEN, SEARCH, HELP, QUIT)

# -- the practice ----------------------------------------------------------------------------


def _words(text: str, separator: str | None = None) -> list[str]:
    """A word list written as text: split on white space, or on `separator` (lines joined)."""
    return [word.strip() for word in text.replace("\n", " ").split(separator) if word.strip()]


#: Common surnames in Great Britain, roughly most common first (weighted so).
SURNAMES = _words("""Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel
Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan
Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
Simpson Ellis Adams Singh Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt
Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker
Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson
Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence
Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant
Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe
Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson
Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry
Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton
Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss
McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle
Wallace Okafor Mensah Kowalski Nowak Chen Wong Nguyen Rossi Silva Fernandes D'Souza Yilmaz
MacLeod McKenzie Fitzgerald O'Sullivan Llewellyn Pritchett Ashworth Whitfield Kingsley""")

FIRST_NAMES = _words("""Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Leo
Alfie Henry Joshua Freddie Archie Ethan Isaac Alexander Joseph Samuel Daniel Logan Edward Lucas Max
Mohammed Dylan Adam Olivia Amelia Isla Ava Emily Sophie Grace Mia Poppy Ella Lily Evie Isabella
Sophia Jessica Chloe Ruby Daisy Freya Alice Sienna Florence Rosie Lucy Hannah Priya Aisha Sarah
Rebecca Claire Helen Karen Paul Mark David Andrew Richard Stephen Gary Ian Neil Simon Lee Wayne
Dean Craig Gareth Rhys Owen Fiona Morag Siobhan Declan Ciaran""")

TRADES = _words(
    """Plumbing|Plumbing & Heating|Electrical|Electrical Services|Roofing|Building|Builders|
Joinery|Carpentry|Landscaping|Garden Services|Cleaning Services|Dental|Dental Practice|
Physiotherapy|Hair Studio|Hair & Beauty|Veterinary|Vets|Accountancy|Consulting|Consultancy|
Property Lettings|Property Services|Lettings|Estate Agents|Haulage|Removals|Catering|Bakery|
Motors|Garage|Car Sales|Opticians|Pharmacy|Florist|Photography|Design|Marketing|IT Solutions|
IT Services|Security|Scaffolding|Plastering|Decorating|Painting & Decorating|Tiling|
Limousines|Logistics|Engineering|Architects|Solicitors|Childcare|Nursery|Care Services|
Home Care|Fitness|Personal Training|Yoga Studio|Beauty Salon|Barbers|Dog Grooming|Kennels|
Farm Shop|Butchers|Fishmongers|Tyres|Windows|Glazing|Kitchens|Bathrooms|Flooring|Heating|
Gas Services|Locksmiths|Printing|Signs|Courier Services|Taxis|Driving School|Music School|
Tutoring|Translation|Recruitment|Training|Events|Wedding Cars|Interiors|Upholstery|Tailoring|
Dry Cleaners|Skip Hire|Plant Hire|Groundworks|Drainage|Pest Control|Aerials|Solar|
Chimney Sweep|Surveyors|Financial Planning|Mortgage Services|Insurance Services|Web Design|
Software|Media|Productions|Studios|Coffee|Brewing Co|Distillery|Vineyard|Joinery Works|
Stonemasons|Blacksmiths|Equestrian|Riding School|Physio Clinic|Chiropractic|Osteopathy|
Podiatry|Aesthetics|Nail Bar|Tattoo Studio|Guest House|Holiday Lets|Caravan Park|Boat Hire""",
    "|",
)

PLACES = _words("""Ashford Bristol Croydon Derby Exeter Harrogate Ipswich Kendal Leeds Luton Norwich
Oxford Preston Reading Salford Truro Wigan York Bath Bolton Brighton Cambridge Chester Dorking
Durham Falmouth Guildford Hereford Hexham Kingston Lancaster Lincoln Ludlow Malvern Margate
Newbury Penrith Richmond Rugby Shrewsbury Stockport Stroud Taunton Warwick Whitby Winchester
Worcester Cotswold Pennine Chiltern Mendip Severn Solent Wessex Mercia Riverside Highfield
Oakwood Meadowbank Kingsway Victoria Westgate Northgate Southside Eastfield Broadway Parkside
Hillcrest Lakeside Millbrook Fernhill""")

BRANDS = _words("""Apex Summit Pinnacle Horizon Evergreen Bluebell Kestrel Falcon Phoenix Orchard
Willow Redbrick Silverline Brightwater Ironbridge Greenleaf Stonebridge Blackthorn Foxglove Harbour
Lighthouse Anchor Compass Beacon Keystone Cornerstone Northstar Acorn Swift Oakleaf Heron
Kingfisher Osprey Merlin Riverbank Clearview Sterling Regal Premier Elite Prime Crest Vantage
Vertex Zenith Nova Aspire Bright Clearwater Meridian Trinity Unity Harmony Juniper Hawthorn
Bramble Thistle Heather Granite Slate Copper Cobalt Amber Ruby Sapphire Emerald""")

PUBS = _words(
    """Red Lion|White Hart|Black Horse|Royal Oak|Kings Head|Queens Arms|George|Crown|Plough|
Bell|Swan|Green Man|Fox & Hounds|Rose & Crown|Coach & Horses|Wheatsheaf|Star|Bull|
Nags Head|Ship|Anchor|Feathers|Railway|Navigation|Blue Boar|Golden Lion""",
    "|",
)
CAFES = ("Cafe", "Kitchen", "Tea Room", "Deli", "Bistro", "Coffee House")
FAMILY = ("& Sons", "& Son", "& Daughters", "Bros", "& Co")
GROUPS = ("Group", "Holdings", "Solutions", "Partners", "Associates", "Services", "Enterprises")
FREE_MAIL = ("gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk")

LEGAL = re.compile(r"\s+(Ltd|Limited|LLP)$")


def _weights(count: int, flatness: float) -> list[float]:
    return [1.0 / (rank + flatness) for rank in range(count)]


SURNAME_WEIGHTS = _weights(len(SURNAMES), 8.0)
FIRST_WEIGHTS = _weights(len(FIRST_NAMES), 20.0)


class Names:
    """Business names, drawn from the word lists with a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def surname(self) -> str:
        return str(self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0])

    def first(self) -> str:
        return str(self.rng.choices(FIRST_NAMES, FIRST_WEIGHTS)[0])

    def pick(self, words: Sequence[str]) -> str:
        return str(self.rng.choice(words))

    def legal(self, partnership: bool = False) -> str:
        forms = ("Ltd", "Limited", "LLP", "") if partnership else ("Ltd", "Limited", "")
        weights = (45, 10, 25, 20) if partnership else (62, 12, 26)
        form = self.rng.choices(forms, weights)[0]
        return f" {form}" if form else ""

    def business(self) -> str:
        rng = self.rng
        patterns: list[tuple[float, Callable[[], str]]] = [
            (22, lambda: f"{self.surname()} {self.pick(TRADES)}{self.legal()}"),
            (
                6,
                lambda: (
                    f"{self.surname()} {self.pick(FAMILY)}"
                    + (f" {self.pick(TRADES)}" if rng.random() < 0.5 else "")
                    + self.legal()
                ),
            ),
            (
                7,
                lambda: (
                    f"{self.surname()} & {self.surname()}"
                    + (f" {self.pick(TRADES)}" if rng.random() < 0.6 else "")
                    + self.legal(partnership=True)
                ),
            ),
            (9, lambda: f"{self.first()} {self.surname()}"),
            (5, lambda: f"{self.first()} {self.surname()} {self.pick(TRADES)}"),
            (
                5,
                lambda: (
                    f"{self.first()[0]}{self.first()[0] if rng.random() < 0.4 else ''} "
                    f"{self.surname()} {self.pick(TRADES)}{self.legal()}"
                ),
            ),
            (13, lambda: f"{self.pick(PLACES)} {self.pick(TRADES)}{self.legal()}"),
            (15, lambda: f"{self.pick(BRANDS)} {self.pick(TRADES)}{self.legal()}"),
            (5, lambda: f"{self.pick(BRANDS)} {self.pick(GROUPS)}{self.legal()}"),
            (
                4,
                lambda: (
                    f"{self.pick(BRANDS)} {self.pick(PLACES)} {self.pick(TRADES)}" + self.legal()
                ),
            ),
            (
                3,
                lambda: (
                    f"The {self.pick(PUBS)}"
                    + (f" ({self.pick(PLACES)}) Ltd" if rng.random() < 0.3 else "")
                ),
            ),
            (3, lambda: f"{self.first()}'s {self.pick(CAFES)}"),
            (
                3,
                lambda: (
                    f"{self.first()} {self.surname()} t/a {self.pick(BRANDS)} {self.pick(TRADES)}"
                ),
            ),
        ]
        make = rng.choices([p[1] for p in patterns], [p[0] for p in patterns])[0]
        return str(make())


def _split_legal(name: str) -> tuple[str, str]:
    found = LEGAL.search(name)
    return (name, "") if found is None else (name[: found.start()], name[found.start() :])


def _case(name: str, rng: random.Random) -> str | None:
    change = rng.choice((str.upper, str.lower, str.title))
    return str(change(name))


def _suffix(name: str, rng: random.Random) -> str | None:
    core, suffix = _split_legal(name)
    if not suffix:
        return core + rng.choice((" Ltd", " Limited"))
    if rng.random() < 0.3:
        return core  # dropped
    other = {" Ltd": " Limited", " Limited": " Ltd", " LLP": ""}[suffix]
    return core + other


def _ampersand(name: str, rng: random.Random) -> str | None:
    if " & " in name:
        return name.replace(" & ", " and ", 1)
    if " and " in name:
        return name.replace(" and ", " & ", 1)
    return None


def _truncation(name: str, rng: random.Random) -> str | None:
    core, suffix = _split_legal(name)
    words = core.split()
    long = [i for i, word in enumerate(words) if len(word) >= 7 and word.isalpha() and i > 0]
    if long and rng.random() < 0.7:
        at = rng.choice(long)
        words[at] = words[at][: rng.randint(4, 6)]  # Limousines: Limo, Physiotherapy: Physio
        return " ".join(words) + suffix
    if len(words) >= 3:
        return " ".join(words[:-1]) + suffix  # Smith Plumbing & Heating: Smith Plumbing &
    return None


def _typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    fit = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not fit:
        return None
    at = rng.choice(fit)
    word = words[at]
    spot = rng.randint(1, len(word) - 2)
    how = rng.randrange(3)
    if how == 0:  # two letters swapped
        word = word[:spot] + word[spot + 1] + word[spot] + word[spot + 2 :]
    elif how == 1:  # a letter dropped
        word = word[:spot] + word[spot + 1 :]
    else:  # a letter doubled
        word = word[: spot + 1] + word[spot:]
    words[at] = word
    return " ".join(words)


def _the(name: str, rng: random.Random) -> str | None:
    return name[4:] if name.startswith("The ") else "The " + name


def _uk(name: str, rng: random.Random) -> str | None:
    core, suffix = _split_legal(name)
    return core + " (UK)" + (suffix or " Ltd")


VARIATIONS: dict[str, tuple[float, Callable[[str, Any], str | None]]] = {
    "case": (9, _case),
    "suffix": (18, _suffix),
    "ampersand": (8, _ampersand),
    "truncation": (10, _truncation),
    "typo": (8, _typo),
    "the": (4, _the),
    "uk": (4, _uk),
}
IDENTICAL_SHARE = 22.0
COMBINED_SHARE = 17.0


def vary(name: str, rng: random.Random) -> str:
    """The client's name for a business whose Xero contact is `name`."""
    kinds = list(VARIATIONS)
    weights = [VARIATIONS[kind][0] for kind in kinds]
    roll = rng.random() * (IDENTICAL_SHARE + sum(weights) + COMBINED_SHARE)
    if roll < IDENTICAL_SHARE:
        return name
    times = 2 if roll >= IDENTICAL_SHARE + sum(weights) else 1
    varied = name
    for _ in range(times):
        change = VARIATIONS[rng.choices(kinds, weights)[0]][1]
        varied = change(varied, rng) or _suffix(varied, rng) or varied
    return " ".join(varied.split())


def _slug(name: str) -> str:
    core, _ = _split_legal(name)
    words = [w for w in re.sub(r"[^a-z ]", "", core.casefold().replace("&", " ")).split()]
    words = [w for w in words if w not in {"the", "and", "ta"}]
    return "".join(words[:2]) or "mail"


@dataclass(slots=True)
class Practice:
    clients: list[Client]
    contacts: list[XeroContact]
    present: int
    archived_copies: int
    fillers: int
    terms: list[str]


def make_practice(clients: int, contacts: int, seed: int) -> Practice:
    """Deterministic for a seed: the clients, the contacts, and the search terms."""
    rng = random.Random(seed)
    names = Names(rng)

    def contact_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    taken: set[str] = set()

    def fresh_name() -> str:
        for _ in range(50):
            name = names.business()
            if name.casefold() not in taken:
                taken.add(name.casefold())
                return name
        name = f"{names.business()} {len(taken)}"
        taken.add(name.casefold())
        return name

    def email_for(name: str, person: bool) -> str:
        if person or rng.random() < 0.35:
            local = f"{names.first()}.{names.surname()}".casefold().replace("'", "")
            return f"{local}@{rng.choice(FREE_MAIL)}"
        return f"{rng.choice(('accounts', 'info', 'office', 'hello'))}@{_slug(name)}.co.uk"

    present = min(round(clients * 0.85), contacts)
    copies = min(round(present * 0.03), contacts - present)
    fillers = contacts - present - copies
    made_clients: list[Client] = []
    made_contacts: list[XeroContact] = []
    for number in range(1, clients + 1):
        reference = f"C{number:06d}"
        base = fresh_name()
        if number <= present:
            contact_email = email_for(base, False) if rng.random() < 0.55 else ""
            contact_number = reference if rng.random() < 0.08 else None
            if contact_number is None and rng.random() < 0.15:
                contact_number = f"X{rng.randrange(10_000, 99_999)}"
            made_contacts.append(
                XeroContact(contact_id(), base, contact_email, contact_number=contact_number)
            )
            if number <= copies:  # an archived old copy beside it
                made_contacts.append(XeroContact(contact_id(), base, status="ARCHIVED"))
            name = vary(base, rng)
            if contact_email and rng.random() < 0.4:
                email = contact_email
            elif rng.random() < 0.25:
                email = email_for(base, False)
            else:
                email = ""
        else:
            name = base
            email = email_for(base, False) if rng.random() < 0.3 else ""
        made_clients.append(Client(reference, name, email))
    for _ in range(fillers):
        name = fresh_name()
        made_contacts.append(
            XeroContact(
                contact_id(),
                name,
                email_for(name, False) if rng.random() < 0.5 else "",
                status="ARCHIVED" if rng.random() < 0.02 else "ACTIVE",
            )
        )
    rng.shuffle(made_contacts)
    # Ten surnames a person might type: four of the commonest, six from further down.
    terms = rng.sample(SURNAMES[:12], 4) + rng.sample(SURNAMES[12:], 6)
    rng.shuffle(terms)
    return Practice(made_clients, made_contacts, present, copies, fillers, terms)


# -- building the store ----------------------------------------------------------------------


def environment(work: Path) -> dict[str, str]:
    """The children's environment: this one's, with a fixed clock, a terminal, no store but
    --db, and bytecode cached under the work folder (src/ is not written to)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SOCKET_DATABASE_URL", "SOCKET_PLAYGROUND", "PYTHONDONTWRITEBYTECODE"}
    }
    env.update(
        TERM="xterm-256color",
        SOCKET_NOW=TODAY,
        COLUMNS="160",
        LINES="50",
        SOCKET_DATA_DIR=str(work / "data"),
        SOCKET_STATE_DIR=str(work / "state"),
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
    )
    return env


def checked(command: Sequence[str | Path], env: dict[str, str], what: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(part) for part in command], env=env, capture_output=True)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-15:]
        raise SystemExit(f"{what} failed (exit {done.returncode}):\n  " + "\n  ".join(tail))
    return time.perf_counter() - started


@dataclass(slots=True)
class Build:
    generate: float = 0.0
    init: float = 0.0
    write: float = 0.0
    store_bytes: int = 0


def build_store(db: Path, practice: Practice, env: dict[str, str]) -> Build:
    build = Build()
    python = sys.executable
    build.init = checked([python, "-m", "socketcli", "--db", db, "init"], env, "socket init")
    started = time.perf_counter()
    wiring = wire(db)
    try:
        with wiring.uow(write=True, create=True) as uow:
            uow.clients.save_many(practice.clients)
            uow.mirror.save_contacts(practice.contacts)
            uow.commit()
    finally:
        wiring.close()
    build.write = time.perf_counter() - started
    build.store_bytes = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return build


def warm_up(env: dict[str, str]) -> None:
    """Untimed: compile and cache the bytecode of what the walk imports."""
    checked(
        [
            sys.executable,
            "-c",
            "import socketcli.__main__, socketcli.cli.app, socketcli.cli.contacts, "
            "socketcli.cli.output, socketcli.services.contacts, socketcli.domain.matching, "
            "socketcli.adapters.store.uow, rich.console, rich.table, rich.status, rich.live, "
            "rich.spinner, rich.markup, rich.box",
        ],
        env,
        "warm-up imports",
    )


# -- the walk --------------------------------------------------------------------------------


@dataclass(slots=True)
class Session:
    """One `socket contacts match` in a pseudo-terminal, and what it measured (ms)."""

    child: Any
    samples: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    searches: list[tuple[str, float, bool]] = field(default_factory=list)
    ready: float = 0.0  # seconds from the spawn to "N clients need a Xero contact"
    startup: float = 0.0  # seconds from the spawn to the first prompt
    startup_cpu: float | None = None  # the child's CPU seconds then (with reaped children)
    keys_cpu: float | None = None  # the child's CPU seconds over the keys before `q`
    waiting: int = 0
    position: int = 1
    has_candidates: bool = False
    links: int = 0
    drawn: list[int] = field(default_factory=list)  # characters received per key
    gaps: list[float] = field(default_factory=list)  # ms from a prompt to the child reading
    quit_summary: float = 0.0  # ms from `q` to the summary line

    def reading(self) -> None:
        """Wait until the child reads a key: the terminal is out of line mode (ICANON off).

        Click's `getchar` enters raw mode with `tty.setraw`, whose TCSAFLUSH throws away
        whatever was typed before: a key sent as soon as the prompt is seen could be lost.
        Termios calls on pexpect's end of the pseudo-terminal read the child's end.
        """
        started = time.perf_counter()
        while termios.tcgetattr(self.child.child_fd)[3] & termios.ICANON:
            if time.perf_counter() - started > KEY_TIMEOUT:
                raise SystemExit("the child never read a key after its prompt")
            time.sleep(0.0002)
        self.gaps.append((time.perf_counter() - started) * 1000.0)

    def press(
        self, key: str, patterns: list[Any], kind: str, *, raw: bool = True
    ) -> tuple[int, str]:
        """Send one key; the time until one of the patterns is fully received."""
        child = self.child
        if raw:
            self.reading()
        started = time.perf_counter()
        child.send(key)
        found = int(child.expect(patterns))
        self.samples[kind].append((time.perf_counter() - started) * 1000.0)
        before = str(child.before)
        self.drawn.append(len(before))
        if patterns[found] is PROMPT:
            self.has_candidates = child.match.group(1) is not None
        return found, before

    def moved_on(self, before: str, key: str) -> None:
        heading = POSITION.findall(before)
        if not heading or int(heading[-1][0]) != self.position + 1:
            raise SystemExit(
                f"after {key!r} at client {self.position}, expected client "
                f"{self.position + 1}; the terminal showed:\n{before[-2000:]}"
            )
        self.position += 1

    def skip(self) -> None:
        _, before = self.press("s", [PROMPT], SKIP)
        self.moved_on(before, "s")

    def link(self) -> None:
        """Link one client to its first candidate (skipping clients where `1` cannot)."""
        while True:
            if not self.has_candidates:
                self.skip()
                continue
            found, before = self.press("1", [PROMPT, CONFIRM], LINK)
            if found == 1:  # the contact is linked to another client already
                self.samples[SHARE_ASKED].append(self.samples[LINK].pop())
                found, before = self.press("y", [PROMPT], SHARE_LINK)
            if "Linked " in before:
                self.moved_on(before, "1")
                self.links += 1
                return
            if "cannot be linked" not in before:
                raise SystemExit(f"`1` neither linked nor was refused:\n{before[-2000:]}")
            self.samples[LINK].pop()  # archived: nothing written, so not a link sample
            self.skip()

    def search(self, term: str) -> None:
        self.press("/", [SEARCH_QUESTION], SEARCH_OPEN)
        self.child.send(term)  # held by the terminal's line editing until Enter
        _, before = self.press("\r", [PROMPT], SEARCH, raw=False)
        hit = "Contacts matching" in before
        if not hit and "No Xero contact matches" not in before:
            raise SystemExit(f"the search for {term!r} showed neither:\n{before[-2000:]}")
        self.searches.append((term, self.samples[SEARCH][-1], hit))

    def help(self) -> None:
        _, before = self.press("?", [PROMPT], HELP)
        if "link to that candidate" not in before:
            raise SystemExit(f"`?` did not show the keys:\n{before[-2000:]}")

    def quit(self) -> str:
        self.reading()
        started = time.perf_counter()
        self.child.send("q")
        self.child.expect(SUMMARY)
        self.quit_summary = (time.perf_counter() - started) * 1000.0
        summary = str(self.child.match.group(0))
        self.child.expect(pexpect.EOF)
        self.samples[QUIT].append((time.perf_counter() - started) * 1000.0)
        return summary


def cpu_seconds(pid: int) -> float | None:
    """A process's user + system CPU time so far, with its children's that it waited for
    (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_walk(
    db: Path, env: dict[str, str], terms: Sequence[str], profile: Path | None, order: str = "best"
) -> Session:
    command = [sys.executable]
    if profile is not None:
        # socket ends with os._exit after the atexit handlers: the profile is written by one
        command += ["-c", PROFILED, str(profile)]
    else:
        command += ["-m", "socketcli"]
    command += ["--db", str(db), "contacts", "match", "--order", order]
    started = time.perf_counter()
    child = pexpect.spawn(
        command[0],
        command[1:],
        env=env,
        dimensions=(50, 160),
        encoding="utf-8",
        codec_errors="replace",
        timeout=STARTUP_TIMEOUT,
        maxread=65536,
    )
    child.delaybeforesend = None
    session = Session(child)
    try:
        child.expect(READY)
        session.ready = time.perf_counter() - started
        session.waiting = int(child.match.group(1).replace(",", ""))
        child.expect(PROMPT)
        session.startup = time.perf_counter() - started
        session.startup_cpu = cpu_seconds(child.pid)
        session.has_candidates = child.match.group(1) is not None
        child.timeout = KEY_TIMEOUT
        searches = iter(terms)
        for round_ in range(ROUNDS):
            session.skip()
            session.link()
            if round_ % 3 == 1:
                session.search(next(searches))
                session.help()
        before_quit = cpu_seconds(child.pid)
        if before_quit is not None and session.startup_cpu is not None:
            session.keys_cpu = before_quit - session.startup_cpu
        summary = session.quit()
        child.close()
        if child.exitstatus != 0:
            raise SystemExit(f"`socket contacts match` exited with {child.exitstatus}")
        expected = f"Linked {session.links}, new contact for 0"
        if not summary.startswith(expected):
            raise SystemExit(f"the walk ended with {summary!r}: expected {expected}")
    except pexpect.TIMEOUT:
        raise SystemExit(
            f"no prompt within {child.timeout:.0f}s; the terminal last showed:\n"
            + str(child.before)[-2000:]
        ) from None
    finally:
        if child.isalive():
            child.close(force=True)
    return session


#: `python -c PROFILED FILE ARGS...`: socket under cProfile, the profile written at exit.
PROFILED = (
    "import atexit, cProfile, sys; profile = cProfile.Profile(); out = sys.argv[1]; "
    "sys.argv = ['socket', *sys.argv[2:]]; "
    "atexit.register(lambda: (profile.disable(), profile.dump_stats(out))); "
    "profile.enable(); from socketcli.__main__ import main; main()"
)


@dataclass(slots=True)
class Startup:
    """One start-up of the walk: seconds from the spawn to the first prompt, and the
    command's own CPU seconds by then (its forked workers' not included: they still run)."""

    cache: str  # "empty": no names kept from an earlier run; "kept": those of the last run
    wall: float
    cpu: float | None
    links: list[float] = field(default_factory=list)  # ms of each `1` pressed at once after


def time_startups(
    db: Path, env: dict[str, str], rounds: int, order: str, links: int = 0
) -> list[Startup]:
    """`rounds` pairs of start-ups, alternated so that a drift of the machine's load touches
    both alike: one with the names cache removed first, one with the cache it left. After
    each first prompt, `links` clients are linked with `1` (a client `1` cannot link is
    skipped), each key sent as soon as the child reads: the links of the walk's first second,
    while its thread readies the rest."""
    state = Path(env["SOCKET_STATE_DIR"])
    command = ["-m", "socketcli", "--db", str(db), "contacts", "match", "--order", order]
    found = []
    for _ in range(rounds):
        for cache in ("empty", "kept"):
            if cache == "empty":
                for kept in state.glob("match-names-*.json"):
                    kept.unlink()
            started = time.perf_counter()
            child = pexpect.spawn(
                sys.executable,
                command,
                env=env,
                dimensions=(50, 160),
                encoding="utf-8",
                codec_errors="replace",
                timeout=STARTUP_TIMEOUT,
                maxread=65536,
            )
            child.delaybeforesend = None
            try:
                child.expect(PROMPT)
                wall = time.perf_counter() - started
                cpu = cpu_seconds(child.pid)
                session = Session(child)
                session.has_candidates = child.match.group(1) is not None
                child.timeout = KEY_TIMEOUT
                for _ in range(links):
                    session.link()
                session.quit()  # after the warm-up thread kept the names, if it did
                child.close()
            finally:
                if child.isalive():
                    child.close(force=True)
            found.append(Startup(cache, wall, cpu, session.samples[LINK]))
            print(
                f"  start-up, names cache {cache}: {wall:.2f} s"
                + (f" (CPU {cpu:.2f} s)" if cpu is not None else "")
                + (
                    ", first links " + " ".join(f"{ms:.0f}" for ms in session.samples[LINK]) + " ms"
                    if links
                    else ""
                )
                + f", load average {load_average()}",
                flush=True,
            )
    return found


def report_startups(startups: Sequence[Startup]) -> None:
    print()
    rows = []
    for cache in ("empty", "kept"):
        runs = [s for s in startups if s.cache == cache]
        cpus = [s.cpu for s in runs if s.cpu is not None]
        rows.append(
            [
                f"names cache {cache}",
                str(len(runs)),
                f"{statistics.median(s.wall for s in runs):.2f}",
                f"{min(s.wall for s in runs):.2f}",
                f"{statistics.median(cpus):.2f}" if cpus else "?",
            ]
        )
    print(table(["start-up to the first client", "runs", "median s", "min s", "CPU s"], rows))
    first = [ms for startup in startups for ms in startup.links]
    if first:
        print()
        print(
            f"`1` pressed at once after the first prompt, {len(first)} links over "
            f"{len(startups)} start-ups: median {statistics.median(first):.1f} ms, p95 "
            f"{p95(first):.1f} ms, max {max(first):.1f} ms "
            f"(p95 < {TARGET_MS:.0f} ms: {'yes' if p95(first) < TARGET_MS else 'NO'})"
        )


# -- the report ------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """Nearest rank: with 30 samples the 29th, with 10 the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def report(
    args: argparse.Namespace, practice: Practice, build: Build, session: Session, db: Path
) -> None:
    print()
    print(
        f"# contacts match keystrokes, {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average now {load_average()})"
    )
    print(
        f"practice: {len(practice.clients):,} unlinked clients ({practice.present:,} with a "
        f"contact, {len(practice.clients) - practice.present:,} without), "
        f"{len(practice.contacts):,} Xero contacts ({practice.archived_copies:,} archived "
        f"copies, {practice.fillers:,} unrelated); --seed {args.seed}; SOCKET_NOW={TODAY}"
    )
    print(
        f"build (not measured): generate {build.generate:.1f} s, `socket init` "
        f"{build.init:.1f} s, save_clients + save_xero_contacts + commit {build.write:.1f} s; "
        f"store {build.store_bytes / 1e6:.1f} MB"
    )
    if args.profile is not None:
        print("under cProfile: every figure below is slower than without it")
    print()
    print(
        f"start-up: {session.startup:.2f} s from the spawn to the first prompt "
        f"({session.ready:.2f} s to '{session.waiting} clients need a Xero contact', "
        f"{session.startup - session.ready:.2f} s more to draw the first client)"
    )
    if session.startup_cpu is not None:
        print(
            f"  the child's CPU time by then: {session.startup_cpu:.2f} s (its own and its "
            "finished children's; when it is well under the wall time, the machine is busy)"
        )
    if session.keys_cpu is not None:
        keys = sum(len(session.samples[kind]) for kind in KINDS if kind != QUIT)
        print(
            f"  the child's CPU time over the {keys} keys after it: {session.keys_cpu:.2f} s "
            f"({session.keys_cpu / keys * 1000:.1f} ms a key on average)"
        )
    print()
    rows = []
    for kind in KINDS:
        values = session.samples[kind]
        if not values:
            continue
        verdict = "" if kind == QUIT else ("yes" if p95(values) < TARGET_MS else "NO")
        rows.append(
            [
                kind,
                str(len(values)),
                f"{statistics.median(values):.1f}",
                f"{p95(values):.1f}",
                f"{max(values):.1f}",
                verdict,
            ]
        )
    print(
        table(
            ["key", "count", "median ms", "p95 ms", "max ms", f"p95 < {TARGET_MS:.0f} ms"],
            rows,
        )
    )
    print()
    print(
        "searches (ms, Enter to results): "
        + ", ".join(
            f"{term!r} {ms:.0f}" + ("" if hit else " (none)") for term, ms, hit in session.searches
        )
    )
    print(
        f"walked to client {session.position} of {session.waiting}, {session.links} linked; "
        f"characters received per key: median {statistics.median(session.drawn):,.0f}, "
        f"max {max(session.drawn):,}"
    )
    print(
        f"q: the summary after {session.quit_summary:.0f} ms, the process ended "
        f"{session.samples[QUIT][-1] - session.quit_summary:.0f} ms later"
    )
    print(
        f"from a prompt received to the child reading the next key: median "
        f"{statistics.median(session.gaps):.2f} ms, max {max(session.gaps):.2f} ms"
    )
    print(f"command: SOCKET_NOW={TODAY} {sys.executable} -m socketcli --db {db} contacts match")


def print_profile(profile: Path) -> None:
    print()
    print(f"## cProfile of the child ({profile}), by cumulative time")
    stats = pstats.Stats(str(profile), stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(35)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20_000, help="unlinked clients")
    parser.add_argument("--contacts", type=int, default=50_000, help="Xero contacts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the store (and print where)")
    parser.add_argument(
        "--order",
        choices=("best", "name"),
        default="best",
        help="the walk's order: best (every client ranked first) or name (ranked as reached)",
    )
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="run the child under cProfile into FILE"
    )
    parser.add_argument(
        "--startups",
        type=int,
        default=0,
        metavar="N",
        help="then time N start-ups without the names cache and N with it, alternated",
    )
    parser.add_argument(
        "--first-links",
        type=int,
        default=3,
        metavar="K",
        help="with --startups: link K clients with `1` right after each first prompt (timed)",
    )
    parser.add_argument(
        "--no-walk",
        action="store_true",
        help="with --startups: only the start-ups, not the walk of 30 rounds before them",
    )
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DB",
        help="a store kept by an earlier run (--keep) with the same sizes and seed: not built",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.contacts < 1:
        parser.error("--clients and --contacts must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="socket-match-keys-"))
    db = work / "socket.db"
    print(f"working in {work} (load average {load_average()})", flush=True)
    try:
        env = environment(work)
        os.environ["SOCKET_NOW"] = TODAY  # the in-process build stamps rows on the same clock
        warm_up(env)
        started = time.perf_counter()
        practice = make_practice(args.clients, args.contacts, args.seed)
        generated = time.perf_counter() - started
        if args.store is not None:
            with sqlite3.connect(args.store) as source, sqlite3.connect(db) as copy:
                source.backup(copy)  # the walk writes to the copy only
            build = Build()
        else:
            build = build_store(db, practice, env)
        build.generate = generated
        print(
            f"built: {len(practice.clients):,} clients, {len(practice.contacts):,} contacts "
            f"(generate {build.generate:.1f} s, init {build.init:.1f} s, "
            f"write {build.write:.1f} s)",
            flush=True,
        )
        if not (args.no_walk and args.startups):
            session = run_walk(db, env, practice.terms, args.profile, args.order)
            report(args, practice, build, session, db)
            if args.profile is not None:
                print_profile(args.profile)
        if args.startups:
            print()
            print(
                f"start-ups ({args.startups} without the names cache, {args.startups} with it"
                + (
                    f"; each then links {args.first_links} clients at once"
                    if args.first_links
                    else ""
                )
                + "):"
            )
            report_startups(
                time_startups(db, env, args.startups, args.order, max(0, args.first_links))
            )
    finally:
        if args.keep:
            print(f"kept: {db}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

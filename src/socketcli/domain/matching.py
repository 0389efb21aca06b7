"""Matching clients to Xero contacts: normalised names, a cheap preselection, a careful score.

Two stages, so that 20,000 clients against 50,000 contacts takes seconds, not hours:

1. **Preselect.** Every contact name is indexed under block keys (the first and the last four
   letters of each word). A client is compared only with the contacts that share a key with
   it, skipping keys so common that they say nothing; rapidfuzz's `process.extract` ranks
   those (Indel ratio over the sorted words, in C++) and keeps the best few. Contacts with the
   client's email, email domain or reference join them whatever their name.
2. **Score.** The few are scored word by word: equal words, truncations (LIMO for Limousines),
   initials, and typos count, weighted by length; then the other evidence Xero holds raises
   the score (the client's reference as ContactNumber or AccountNumber, the same email
   address or business domain) or lowers it (a different business domain).

Each candidate carries its score from 0 to 100 and the reasons for it. Archived contacts are
ranked like the others, so that a person sees why, but `auto_choice` never picks one.
"""

from __future__ import annotations

import bisect
import itertools
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from publicsuffixlist import PublicSuffixList
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from socketcli.domain.records import Client, XeroContact

#: The highest score: nothing ranks above a candidate that has it.
TOP_SCORE = 100
#: `socket contacts match --auto` links at or above this score...
DEFAULT_THRESHOLD = 90
#: ...when the best candidate is at least this far ahead of the next active one.
AUTO_MARGIN = 5

# -- normalisation ----------------------------------------------------------------------------

_TRADING_AS = re.compile(r"\s+(?:t/as?|t\\as?|trading\s+as)\s+", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_AMPERSAND = re.compile(r"[&+]")
_SEPARATORS = re.compile(r"[\W_]+")

#: One spelling for words written several ways (the short one, as it is often typed).
_CANONICAL = {
    "and": "and",
    "brothers": "bros",
    "bro": "bros",
    "company": "co",
    "companies": "co",
    "cos": "co",
    "services": "svcs",
    "service": "svcs",
    "svc": "svcs",
    "international": "intl",
    "street": "st",
    "saint": "st",
    "limited": "ltd",
    "incorporated": "inc",
    "corporation": "corp",
    "associates": "assoc",
    "assocs": "assoc",
    "management": "mgmt",
    "mgt": "mgmt",
    "technology": "tech",
    "technologies": "tech",
    "centre": "center",
    "department": "dept",
    "group": "grp",
    "holdings": "hldgs",
    "properties": "props",
    "property": "props",
    "partners": "ptnrs",
    "partnership": "ptnrs",
    "solicitors": "solrs",
    "accountants": "accts",
    "mister": "mr",
    "doctor": "dr",
}
#: Words of organisations' names written short (Univ, Inst, Labs, Natl, Assn, Ctr, Govt), or as
#: the plural of a word that names no other body (Laboratories, Sciences): each -> the word
#: written out, so that a name using the full word scores as before.
_WRITTEN_OUT = {
    "univ": "university",
    "uni": "university",
    "inst": "institute",
    "laboratories": "laboratory",
    "universities": "university",
    "networks": "network",
    "natl": "national",
    "assn": "association",
    "sci": "science",
    "sciences": "science",
    "res": "research",
    "ctr": "center",
    "cntr": "center",
    "govt": "government",
}
#: A letter alone that stands for one word of organisations' names (U. Chicago): as the word,
#: against it only (not `_WRITTEN_OUT`: a U is also a name's own, LG U, U-Haul).
_INITIAL_FOR = {"u": "university"}
#: Words that tell no business from another.
_NOISE = frozenset({"and", "the", "of"})
#: Legal forms, dropped from the end of a name (with a trailing country).
_LEGAL = frozenset(
    {
        "ltd",
        "llp",
        "plc",
        "inc",
        "llc",
        "lp",
        "pty",
        "corp",
        "gmbh",
        "cic",
        "uk",
        "gb",
        "pvt",
        "pte",
        "sa",
        "ag",
        "bv",
        "nv",
    }
)
#: The legal forms that tell a kind of business (not a country).
_BUSINESS_FORMS = _LEGAL - {"uk", "gb"}
#: Titles, dropped from the start of a name.
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})

#: Mailbox providers: a shared domain there says nothing about the business.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "blueyonder.co.uk",
        "btconnect.com",
        "btinternet.com",
        "btopenworld.com",
        "bigpond.com",
        "bigpond.net.au",
        "fsmail.net",
        "gmail.com",
        "gmx.co.uk",
        "gmx.com",
        "googlemail.com",
        "hotmail.co.uk",
        "hotmail.com",
        "iinet.net.au",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "mac.com",
        "mail.com",
        "me.com",
        "msn.com",
        "nhs.net",
        "ntlworld.com",
        "optusnet.com.au",
        "orcon.net.nz",
        "outlook.com",
        "plus.com",
        "proton.me",
        "protonmail.com",
        "sky.com",
        "slingshot.co.nz",
        "talktalk.net",
        "tpg.com.au",
        "tiscali.co.uk",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
        "yahoo.com.au",
        "yahoo.co.nz",
        "xtra.co.nz",
        "ymail.com",
        "zoho.com",
    }
)


#: Bytes of UTF-8 read as Windows-1252 or Latin-1 ("SÃ©nÃ©gal" for Sénégal) start so.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3][\u0080-\u00bf\u2018-\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)
#: Control characters and stray symbols inside a word: a letter damaged in transit.
_DAMAGE = re.compile(r"(?<=[^\W_])(?:[\x00-\x1f\x7f-\x9f~{}\[\]^_|\\*#$%<>=;`@\"]|\?)+(?=[^\W_])")
_STRAY = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same between a word and a space, a hyphen, or the name's start or end (Gollan{ and,
#: Brisco _nc, Tarr}n-Voss: nothing stands there but a letter lost), of the characters no name
#: is written with (not a tab or a line break: those are spaces). After a comma, where a
#: space belongs, it is the space (Pendry,\x07Hart).
_EDGE_DAMAGE = re.compile(
    r"(?<=[^\W_])[\x00-\x08\x0e-\x1f\x7f-\x9f~{}^_|\\<>=;`](?=[\s-]|$)"
    r"|(?:(?<=[\s-])|^)[\x00-\x08\x0e-\x1f\x7f-\x9f~{}^_|\\<>=;`](?=[^\W_])"
)
_PARENTHESES = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]?")
#: A damaged letter, as normalised words hold it: it is one wrong letter, not a word break.
DAMAGED = "?"
_HELD = "\u01c2"  # a letter (for the regular expressions) that stands for DAMAGED meanwhile
#: Children?s: an apostrophe lost to the encoding, not a damaged letter.
_BROKEN_APOSTROPHE = re.compile(r"\?(?=s\b)")


def _repair(text: str) -> str:
    """Text whose UTF-8 was read as another encoding, put back (twice at most)."""
    for _ in range(2):
        if not _MOJIBAKE.search(text):
            break
        for encoding in ("cp1252", "latin-1"):
            try:
                text = text.encode(encoding).decode("utf-8")
                break
            except UnicodeError:
                continue
        else:
            break
    return text


#: An ASCII character that the repairs of `_plain` act on (damage, stray symbols, a lost
#: apostrophe): a name without any, and without other characters than ASCII, needs none.
_NEEDS_REPAIR = re.compile(r"[\x00-\x1f\x7f~{}\[\]^_|\\*#$%<>=;`@\"?]")


@lru_cache(maxsize=1 << 17)
def _plain(text: str) -> str:
    """Lower case, accents off, `&` as `and`, apostrophes gone, other punctuation a space; a
    control character or stray symbol between letters (Po}lich) is one damaged letter."""
    if text.isascii() and not _NEEDS_REPAIR.search(text):
        # Most names: what `_repaired_plain` gives, without its steps that change nothing.
        text = _AMPERSAND.sub(" and ", _APOSTROPHES.sub("", text.casefold()))
        return _SEPARATORS.sub(" ", text)
    return _repaired_plain(text)


def _repaired_plain(text: str) -> str:
    """`_plain` of any text, every repair tried."""
    text = _repair(text)
    text = _DAMAGE.sub(lambda m: DAMAGED * len(m.group()), text)
    text = _EDGE_DAMAGE.sub(DAMAGED, text)
    text = _STRAY.sub(" ", text).casefold()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = _APOSTROPHES.sub("", text)
    text = _AMPERSAND.sub(" and ", text)
    text = _BROKEN_APOSTROPHE.sub("", text)
    text = text.replace(DAMAGED, _HELD)
    text = _SEPARATORS.sub(" ", text)
    return text.replace(_HELD, DAMAGED)


@lru_cache(maxsize=1 << 17)
def _words(text: str) -> tuple[str, ...]:
    """The plain words of a name, initials written apart joined (J B Smith as JB Smith) and a
    legal form run into them split off again (D.S.M. N.V. as DSM NV). Cached: a name's
    forms and its legal forms read the same words."""
    merged: list[str] = []
    initials = 0
    for word in _plain(text).split():
        single = len(word) == 1 and word.isalpha()
        if single and initials:
            merged[-1] += word
            initials += 1
            continue
        initials = 1 if single else 0
        merged.append(word)
    out: list[str] = []
    for word in merged:
        if len(word) >= 4 and word[-2:] in _LEGAL and not any(c in "aeiou" for c in word[:-2]):
            out.extend((word[:-2], word[-2:]))  # D S M N V: only initials
        else:
            out.append(word)
    return tuple(out)


@lru_cache(maxsize=1 << 17)
def _spellings(text: str) -> tuple[str, ...]:
    """`_words`, each in its one spelling (`_canonical`)."""
    return tuple(map(_canonical, _words(text)))


def _tokens(text: str) -> tuple[str, ...]:
    canonical = _spellings(text)
    kept = [word for word in canonical if word not in _NOISE] or canonical
    while len(kept) > 1 and kept[0] in _TITLES:
        kept = kept[1:]
    named = [word for word in kept if word not in _LEGAL]
    return tuple(named or kept)


def _cut_at_legal_form(text: str) -> str:
    """A name up to its legal form: `Gist-Brocades N.V., Delft` is `Gist-Brocades N.V.`."""
    words = _words(text)
    for position, word in enumerate(_spellings(text)):
        if position and word in _LEGAL and position < len(words) - 1:
            return " ".join(words[: position + 1])
    return ""


def legal_forms(name: str) -> frozenset[str]:
    """The legal forms a name carries (Ltd, PLC, B.V., ...), as one spelling each."""
    return _BUSINESS_FORMS.intersection(_spellings(name))


#: Long words that a cut-off (Servi for Services) or a typo (Seevices) still names.
_EXPANDABLE = {
    word: short
    for word, short in _CANONICAL.items()
    if word
    in {
        "services",
        "international",
        "management",
        "holdings",
        "associates",
        "technologies",
        "technology",
        "partnership",
        "solicitors",
        "accountants",
        "properties",
        "brothers",
        "company",
        "limited",
        "incorporated",
        "corporation",
    }
}
# the written-out words of `_WRITTEN_OUT`, kept as they are
_EXPANDABLE.update(
    (word, word)
    for word in ("university", "institute", "laboratory", "science", "research", "association")
)


@lru_cache(maxsize=1 << 16)
def _canonical(word: str) -> str:
    """The one spelling of a word written several ways, forgiving one typo in a long one."""
    found = _CANONICAL.get(word) or _WRITTEN_OUT.get(word)
    if found is not None:
        return found
    if len(word) >= 6:
        for long, short in _EXPANDABLE.items():
            close = word[0] == long[0] and abs(len(word) - len(long)) <= 1
            if close and OSA.distance(word, long) <= 1:
                return short
    if len(word) >= 5:
        for long, short in _EXPANDABLE.items():
            if len(long) - len(word) >= 2 and long.startswith(word):
                return short
    return word


#: The first letters of `_EXPANDABLE`'s long words (see `_maybe_respelt`).
_EXPANDABLE_STARTS = frozenset(word[0] for word in _EXPANDABLE)


def _maybe_respelt(word: str) -> bool:
    """Whether `_canonical` may give this word another spelling (or the one of a word
    written several ways): false for most words, without trying its typos and cut-offs."""
    return (
        word in _CANONICAL
        or word in _WRITTEN_OUT
        or word in _SPELT_SEVERAL_WAYS
        or (len(word) >= 5 and word[0] in _EXPANDABLE_STARTS)
    )


#: A name's normalised forms, as `name_forms` gives them.
NameForms = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=65536)
def name_forms(name: str) -> NameForms:
    """The normalised words of a name, and of each side of a "t/a" (trading as) in it, of the
    name without what is in brackets, of the name up to its legal form (a city or a
    department after `Ltd,` or `B.V.,` is an address, not the name), and of the name with
    words it begins with written twice said once (an organisation and its site of the same
    name: `Acme Centre - Acme Centre Leeds` is `Acme Centre Leeds`)."""
    parts = [part for part in _TRADING_AS.split(name) if part.strip()]
    forms = [_tokens(" ".join(parts))]
    if len(parts) > 1:
        forms.extend(_tokens(part) for part in parts)
    bare = _PARENTHESES.sub(" ", name)
    if bare != name and bare.strip():
        forms.append(_tokens(bare))
    cut = _cut_at_legal_form(bare)
    if cut:
        forms.append(_tokens(cut))
    whole = forms[0]
    for size in range(2, len(whole) // 2 + 1):
        if whole[:size] == whole[size : 2 * size]:
            forms.append(whole[size:])  # a name written twice (Acme Centre - Acme Centre Leeds)
            break
    unique = dict.fromkeys(form for form in forms if form)
    return tuple(unique) or ((),)


def normalise(name: str) -> str:
    """The name as the matcher compares it: `Smith & Sons Ltd` is `smith sons`."""
    return " ".join(name_forms(name)[0])


def email_domain(email: str) -> str:
    _, _, domain = email.strip().casefold().rpartition("@")
    return domain


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    """The Public Suffix List shipped inside the `publicsuffixlist` package (read from the
    package, never fetched): its ICANN section, where .co.nz, .com.au, .nz and .school.nz are
    suffixes under which each name is another registrant's."""
    return PublicSuffixList(only_icann=True)


@lru_cache(maxsize=1 << 16)
def business_domain(email: str) -> str:
    """The name in an address's domain (`morganprice` of finance@morganprice.co.uk): the
    label just under its public suffix, subdomains off; "" for a mailbox provider's address
    or a domain with no registrable name. morganprice.co.uk and morganprice.com are one
    business's domains; kiwiflorists.nz and bar.nz are two."""
    domain = email_domain(email).strip(".")
    if not domain or domain in FREE_MAIL_DOMAINS:
        return ""
    registered = _suffixes().privatesuffix(domain)
    if not registered or registered in FREE_MAIL_DOMAINS:
        return ""
    return registered.split(".", 1)[0]


# -- scoring two names ------------------------------------------------------------------------


#: The long spellings of each word written short: intl is international, internationale...
#: (grp is group, so that Groyp is Group misspelt; not st, which is Street and Saint, so that
#: Paint is not Saint misspelt).
_SPELLED: dict[str, tuple[str, ...]] = {}
for _long, _short in _CANONICAL.items():
    if _long != _short and (len(_long) >= 6 or (len(_long) == 5 and len(_short) >= 3)):
        _SPELLED[_short] = (*_SPELLED.get(_short, ()), _long)

#: A typo within a word scores by the word's length: one wrong letter in a long word leaves
#: it plainly the word; in a short one it may be another name.
TYPO_COST = 1.5


@lru_cache(maxsize=1 << 18)
def _similar(a: str, b: str) -> float:
    """How alike two normalised words are, 0 to 1.

    A word cut short (LIMO for Limousines) is nearly the word. A letter replaced or two
    swapped (a typo, a damaged letter) costs less the longer the word: Torphy-Xorkery is
    Torphy-Corkery. A letter more or less is another matter: Green and Greene, Son and Sons,
    Davis and Davies, Philips and Phillips are other names, so it counts for little unless
    the word is long, and never decides a match alone.
    """
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if a in _SPELLED or b in _SPELLED:
        # a word written short (intl) against a misspelling of its long form (intenationale)
        known, other = (a, b) if a in _SPELLED else (b, a)
        return max(
            (_similar(long, other) for long in _SPELLED[known] if long != other), default=0.0
        )
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    gap = len(long) - len(short)
    if long == short + ACRONYM:
        return 0.85  # IBM for International Business Machines (see _fold_runs)
    if gap == 0 and DAMAGED in a + b and len(short) >= 3:
        damaged = [x == y or DAMAGED in (x, y) for x, y in zip(a, b, strict=True)]
        if all(damaged):  # the only differences are letters known to be damaged
            wrong = sum(DAMAGED in (x, y) for x, y in zip(a, b, strict=True))
            return 1.0 - 0.5 * wrong / len(short)
    if len(short) == 1:
        if _INITIAL_FOR.get(short) == long:
            return 1.0  # U for University
        return 0.7 if long.startswith(short) else 0.0  # an initial: J for Joseph
    if len(short) >= 3 and gap >= 3 and long.startswith(short):
        return 0.9  # a truncation: LIMO for Limousines, Physio for Physiotherapy
    if len(short) >= 4 and gap >= 2 and short.endswith("s") and long.startswith(short[:-1]):
        return 0.85  # Vets for Veterinary
    if len(short) >= 4 and long == short + "s":
        return 0.7  # a plural: Home and Homes (but also Wood and Woods)
    if len(short) >= 5:
        distance = OSA.distance(a, b)  # a swap of two letters is one edit
        if gap == 0 and distance <= (1 if len(short) < 8 else 2):
            return 1.0 - TYPO_COST * distance / len(short)  # letters replaced or swapped
        if distance == 1:
            # a letter more: another name (Kowalski, Kowalsky) unless the word is long
            return 0.6 if len(short) < 9 else 1.0 - 2.5 / len(long)
        if distance == 2 and len(short) >= 8:
            return 0.45
    return 0.0


def _weight(word: str) -> float:
    return 1.0 if len(word) == 1 else float(min(len(word), 6))


def _alignment(a: Sequence[str], b: Sequence[str]) -> tuple[float, float, float, float, float]:
    """Pair each word of `a` with at most one of `b`, most alike first. A word weighs its
    length, up to 6 (an initial, 1).

    Returns the matched weight on each side, each side's whole weight, and how alike the
    least alike word of `b` is to its pair (0 when one is unpaired or only begins its pair).
    """
    weights_a = [_weight(word) for word in a]
    weights_b = [_weight(word) for word in b]
    pairs = [
        (similarity, weights_a[i] + weights_b[j], i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if (similarity := _similar(x, y)) > 0.0
    ]
    pairs.sort(reverse=True)
    used_a: set[int] = set()
    used_b: dict[int, float] = {}
    matched_a = matched_b = 0.0
    for similarity, _, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        cut = len(a[i]) > len(b[j]) + 2 and a[i].startswith(b[j])  # Alcatel in AlcateLucent
        used_b[j] = 0.0 if cut else similarity
        matched_a += similarity * weights_a[i]
        matched_b += similarity * weights_b[j]
    weakest = min((used_b.get(j, 0.0) for j in range(len(b))), default=0.0)
    return matched_a, matched_b, sum(weights_a), sum(weights_b), weakest


#: Marks a run of words folded into the acronym it was matched with.
ACRONYM = "\u2191"


def _fold_runs(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    """`b` with each run of its words that `a` writes as one word folded into that word:
    run together (China Unicom for Chinaunicom) or as initials (International Business
    Machines for IBM, marked so that it scores a little under the word itself)."""
    if len(b) < 2:
        return tuple(b)
    starts = {word[0] for word in b}
    wanted = {word for word in a if len(word) >= 3 and word[0] in starts and word not in b}
    if not wanted:
        return tuple(b)
    out: list[str] = []
    position = 0
    while position < len(b):
        for size in range(min(len(b) - position, 5), 1, -1):
            run = b[position : position + size]
            joined = "".join(run)
            if joined in wanted:
                out.append(joined)
                break
            initials = "".join(word[0] for word in run)
            if size >= 3 and initials in wanted and all(len(w) > 1 for w in run):
                out.append(initials + ACRONYM)
                break
        else:
            out.append(b[position])
            size = 1
        position += size
    return tuple(out)


#: How far a contact's name found whole inside the client's (Philips in Koninklijke Philips
#: N.V., University of Surrey in 5GIC University of Surrey) is raised from the share of both
#: names' words matched towards the share of the contact's name: a client's name often
#: carries a department, a place or a former word more. Not the other way round: a contact
#: whose name has a word more than the client's (Group, Holdings, & Cafe) is as often
#: another business.
CONTAINED = 0.35


def _pair(a: Sequence[str], b: Sequence[str], contained: float) -> tuple[float, float]:
    """The score of `a` against `b`, and the share of `b`'s words found in `a` (0 to 1), or
    0 when `a` has more than a word or two that `b` lacks."""
    if tuple(a) == tuple(b):
        return (100.0, 1.0) if a else (0.0, 0.0)
    if not a or not b:
        return 0.0, 0.0
    if "".join(a) == "".join(b):
        return 99.0, 1.0  # Red Brick and RedBrick
    a, b = _fold_runs(b, a), _fold_runs(a, b)
    matched_a, matched_b, whole_a, whole_b, weakest = _alignment(a, b)
    both = (matched_a + matched_b) / (whole_a + whole_b)
    found = matched_b / whole_b
    if weakest < WORD_FOUND:
        found = min(found, WHOLE - 0.01)  # a word of `b` missing, far off, or only begun
    score = 100.0 * (both + contained * max(0.0, found - both))
    if matched_a / whole_a < MOSTLY or len("".join(a)) < len("".join(b)):
        found = min(found, WHOLE - 0.01)  # more than a typo or a word apart, or a cut name
    if (len(a) == 1 or len(b) == 1) and score >= ONE_WORD:
        # one word that another name only begins, or one word of a longer name, is not
        # enough to link on (Cert and CERTUNLP, Alcatel and AlcateLucent)
        score = ONE_WORD
    return score, found


def _at_an_end(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether `b`'s words begin or end `a`, in order, with a word or two more: the name with
    a place, a department or a kind of business before or after it (Carleton University
    Ottawa, DICTS Makerere University, Sinodun Internet), not a name with a word in its middle
    (Ruby Morby Joinery: Ruby Joinery). A name of one word (of 4 letters or more) only
    begins `a`: a word before it is as often another business's (Individual Consultant)."""
    size = len(b)
    more = len(a) - size
    if not 0 < more <= 2 or not b:
        return False
    if size == 1:
        return len(b[0]) >= 4 and a[0] == b[0]
    return tuple(a[:size]) == tuple(b) or tuple(a[more:]) == tuple(b)


def _one_word_first(client: Sequence[Sequence[str]], contact: Sequence[Sequence[str]]) -> bool:
    """Whether a form of the contact's name is one word of `ONE_WORD_FIRST_LENGTH` letters or
    more that begins a form of the client's, with words more after it, none of them a word
    for another entity (Holdings, Trust): a company's own name, then a division, a country
    or a department (Telenor Research and Development, Ostrava Telecom Poland Sp. z o.o.)."""
    return any(
        len(b) == 1
        and len(b[0]) >= ONE_WORD_FIRST_LENGTH
        and len(a) > 1
        and a[0] == b[0]
        and not _OTHER_ENTITY.intersection(a[1:])
        for a in client
        for b in contact
    )


#: The fewest letters of a one-word name for ONE_WORD_FIRST (an acronym of three names many
#: bodies).
ONE_WORD_FIRST_LENGTH = 4


#: A word written in capitals (an acronym itself: the FH of FH Aachen, the AM of Texas A&M).
_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")


def _initials_of(
    client: Sequence[Sequence[str]], contact: Sequence[Sequence[str]], written: str
) -> bool:
    """Whether a form of the client's name is one word of 3 letters or more, the initials of
    a form of the contact's name, word for word (NCU for National Central University), and
    each of the contact's words is a word spelt out: of 3 letters or more, and not written in
    capitals in a name that is not all capitals (the initials of an acronym, FAU for FH
    Aachen University, name as many other bodies)."""
    words = [form[0] for form in client if len(form) == 1 and len(form[0]) >= 3]
    if not words or (_CAPITALS.search(written) and not written.isupper()):
        return False
    return any(
        len(name) == len(word)
        and all(len(part) >= 3 and part.isalpha() for part in name)
        and "".join(part[0] for part in name) == word
        for word in words
        for name in contact
    )


def _named_by_initials(contact: Sequence[Sequence[str]], client: Sequence[Sequence[str]]) -> bool:
    """Whether a form of the contact's name is one word, the initials of a form of the
    client's name of 3 words or more (KISA, Korea Information Security Agency)."""
    return any(
        len(name) == 1 and len(form) >= 3 and "".join(word[0] for word in form) == name[0]
        for name in contact
        for form in client
    )


def _spelt_out_beside(client: Sequence[Sequence[str]], contact: Sequence[Sequence[str]]) -> bool:
    """Whether a form of the contact's name is one word of 3 letters or more, found in a form
    of the client's name right before or after the words it is the initials of, word for
    word (SSE Secure Systems Engineering, Japan Network Enabler JNE): an acronym and its
    expansion name the same body."""
    for name in contact:
        if len(name) != 1 or len(name[0]) < 3 or not name[0].isalpha():
            continue
        word = name[0]
        size = len(word)
        for form in client:
            for at, found in enumerate(form):
                if found != word:
                    continue
                for run in (form[at + 1 : at + 1 + size], form[max(0, at - size) : at]):
                    if len(run) == size and "".join(part[0] for part in run) == word:
                        return True
    return False


def _branch(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether `a` is `b` with words more before or after it (a branch of it)."""
    size = len(b)
    return 0 < size < len(a) and (tuple(a[:size]) == tuple(b) or tuple(a[-size:]) == tuple(b))


#: A name whose words are found less than this share in the other is more than a typo or
#: a word away from it (`WHOLE_NAME` is then not said).
MOSTLY = 0.75

#: The most a name of one word scores against a different name.
ONE_WORD = 85.0


def name_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Two names' normalised words alike, 0 to 100: missing and extra words both count."""
    return _pair(a, b, 0.0)[0]


def client_similarity(client: Sequence[str], contact: Sequence[str]) -> float:
    """`name_similarity`, raised where the contact's name is found whole in the client's."""
    return _pair(client, contact, CONTAINED)[0]


def _best_pair(
    forms_a: Sequence[Sequence[str]], forms_b: Sequence[Sequence[str]], contained: float = 0.0
) -> tuple[float, float]:
    return max(_pair(a, b, contained) for a in forms_a for b in forms_b)


def _best_name_score(forms_a: Sequence[Sequence[str]], forms_b: Sequence[Sequence[str]]) -> float:
    return _best_pair(forms_a, forms_b)[0]


#: Letters that stand for one another in real names (Walsh and Welsh, Reid and Reed, Marc and
#: Mark, Brian and Bryan): a name one of them apart is as often another name as a typo.
_SOUND_ALIKE = frozenset("aeiouy")
_SPELLED_ALIKE = frozenset({frozenset("ck"), frozenset("kq"), frozenset("cs"), frozenset("sz")})


#: A word this long with a letter more or less is the word misspelt, not another name.
LONG_WORD = 9


#: A word this long with a letter lost (Telcom, Standford) may be the word misspelt, if the
#: letter is not one that real names differ by (`_letter_lost`).
LOST_WORD = 7


def _letter_lost(short: str, long: str) -> bool:
    """Whether `short` is `long` with one letter lost that a slip of the keyboard loses, not
    one by which real names differ: not the first or the last letter (Anyang and Hanyang,
    Clark and Clarke), not a letter written twice (Mathews and Matthews, Simons and
    Simmons), not an h (Jon and John), not a vowel beside a vowel (Davis and Davies, Clare and
    Claire), not the e of an ending -es (Parks and Parkes), not the p after an m (Thomson and
    Thompson). Chunghwa Telcom, Standford and Wilknson are slips."""
    found = False
    for i in range(1, len(long) - 1):
        if long[:i] + long[i + 1 :] != short:
            continue
        before, letter, after = long[i - 1], long[i], long[i + 1]
        if (
            letter in (before, after)
            or letter == "h"
            or not letter.isalpha()
            or (letter in _SOUND_ALIKE and (before in _SOUND_ALIKE or after in _SOUND_ALIKE))
            or (letter == "e" and long[i + 1 :] == "s")
            or (letter == "p" and before == "m")
        ):
            return False
        found = True
    return found


def _typo(a: str, b: str) -> bool:
    """Whether word `a` is word `b` with a typo: as long, and one letter replaced (two in a
    word of 8 letters or more) or two letters swapped. A letter replaced by a digit or a symbol
    (a damaged letter: 9akin, Po}lich, 7LC) counts in a word of 3 letters or more; one letter
    by another only in a word of 6 or more (University of Essen is not of Essex), and not where
    real names differ (a vowel for a vowel, c for k: Walsh and Welsh, Marc and Mark). A letter
    more or less counts only in a word of `LONG_WORD` letters or more (Sclumberger): Davis and
    Davies, Philip and Phillip, Thomson and Thompson are other names."""
    if abs(len(a) - len(b)) == 1:
        short, long = (a, b) if len(a) < len(b) else (b, a)
        if len(short) >= LONG_WORD:
            return OSA.distance(a, b) == 1  # a letter more or less in a long word
        return len(long) >= LOST_WORD and _letter_lost(short, long)
    if len(a) != len(b) or len(a) < 3:
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if not changed:
        return True
    if len(changed) == 2 and len(a) >= 5 and OSA.distance(a, b) == 1:
        return True  # two letters swapped
    if len(changed) > (2 if len(a) >= 8 else 1):
        return False
    return not any(
        x.isalpha()
        and y.isalpha()
        and (len(a) < 6 or {x, y} <= _SOUND_ALIKE or frozenset((x, y)) in _SPELLED_ALIKE)
        for x, y in changed
    )


def _misspelt(
    client: Sequence[Sequence[str]], contact: Sequence[Sequence[str]], forms: frozenset[str]
) -> bool:
    """Whether a form of the client's name has a form of the contact's words, word for word,
    some with a typo (`_typo`): Hyppe-Koelpin for Hoppe-Koelpin. A last word more in the
    client's that is one of the contact's legal forms with a typo (Tarrant 1LC for Tarrant
    LLC) is that form."""
    for a in client:
        for b in contact:
            words = list(a)
            if len(words) == len(b) + 1 and any(_typo(words[-1], form) for form in forms):
                words.pop()
            if len(words) != len(b) or not b:
                continue
            rest = list(b)
            for word in list(words):
                if word in rest:
                    rest.remove(word)
                    words.remove(word)
            if all(_typo(x, y) for x, y in zip(words, rest, strict=True)):
                return True
    return False


# -- candidates -------------------------------------------------------------------------------

REFERENCE = "reference"
EMAIL = "email"
DOMAIN = "email domain"
OTHER_DOMAIN = "other email domain"
MERGED_INTO = "merged into"
WHOLE_NAME = "its whole name in the client's"
COMMON_WORD = "one word many contacts share"
#: The same words as the client's but for a typo in some (`_misspelt`).
MISSPELT = "the same words but for a typo"
#: The contact's name begins or ends the client's, with a word or two more (`_at_an_end`).
AT_AN_END = "its name with a word or two more"
#: The contact's name begins the client's, a word or two more after it, and no other contact's
#: name holds any of its words (`ContactIndex._distinct_start`).
DISTINCT_START = "its name first, in no other contact's"
#: The client's name begins the contact's, a word or two more after it, and no other contact's
#: name holds any of the client's words (`ContactIndex._begins_distinct`).
BEGINS_DISTINCT = "the client's name first, in no other contact's"
#: The client's name begins the contact's, a word or two more after it, but other contacts'
#: names hold its words (`ContactIndex._client_first`): linked only when far ahead.
BEGINS_MORE = "the client's name with a word or two more"
#: The contact's name is one word (of 4 letters or more) that begins the client's, with words
#: more after it (`_one_word_first`): linked only when far ahead.
ONE_WORD_FIRST = "its one-word name first, with words more"
#: Every word of the contact's name is among the client's, which has words more (a unit, a
#: department, a place, a parent's name: `ContactIndex._among`): linked from AMONG_FROM when
#: ahead of the next candidate that holds any of the client's words (`auto_choice`).
AMONG = "its whole name among the client's words"
#: The same, when another candidate's name holds more of the client's words: linked only when
#: FAR_AHEAD of it (the client's words more may name that one).
AMONG_NEAR = "its whole name among the client's words, another's more of them"
#: The lowest name score AMONG links at.
AMONG_FROM = 45
#: A client's name of this many letters or fewer is as often another body's acronym.
SHORT_NAME = 3
#: The client's name is one word, the initials of the contact's words, each a word spelt out
#: (UCSD for University of California San Diego: `_initials_of`): linked only when FAR_AHEAD.
INITIALS = "the client's name its initials"
#: The contact's name is one word, among the client's beside the words it is the initials of
#: (KISA for KISA Korea Information Security Agency, UPF for Universitat Pompeu Fabra (UPF):
#: `_spelt_out_beside`): it scores the threshold at least.
SPELT_OUT = "its name the initials of the client's words beside it"
#: The contact's name is one word, the initials of the client's words, each a word spelt out
#: (KISA for Korea Information Security Agency: `_initials_of` the other way round): linked
#: only when FAR_AHEAD, as INITIALS.
SPELT_INITIALS = "its name the initials of the client's words"
#: The client's name, letter for letter, but for one or two (`_close_letters`).
CLOSE_LETTERS = "the same letters but one or two"

#: Every difference between the names' letters is at a damaged character (`_damage_explains`).
DAMAGED_ONLY = "the same letters but where damaged"
#: The same, and one letter for another besides.
DAMAGED_SLIP = "the same letters but where damaged, and a slip"
#: The score a DAMAGED_ONLY candidate has at least (DAMAGED_SLIP: the threshold).
DAMAGED_SCORE = 95

#: How alike two names' letters must be (Indel similarity, 0-100) for CLOSE_LETTERS...
CLOSE = 80
#: ...with this many letters at least.
CLOSE_LENGTH = 8


def _close_letters(a: str, b: str, rare: Callable[[str], bool]) -> bool:
    """Whether two names (plain letters, `_Party.letters`) are one another but for a letter
    or two, each a slip of the keyboard or a damaged letter (`_slip`), not the letter that
    tells two real names apart: Hyppe-Koelpin for Hoppe-Koelpin, Mitlhell for Mitchell,
    Ku?as for Kulas, but not Davis for Davies, Reid for Reed, Jon for John or Marc for Mark.
    A word of 5 letters with one letter for another (Naley for Haley) is a slip only beside
    a word spelt alike that is `rare` (held by few contacts' names: Stiedemann, not
    University, so that University of Essen is not of Essex)."""
    if a == b or min(len(a), len(b)) < CLOSE_LENGTH:
        return False
    if not fuzz.ratio(a, b, score_cutoff=CLOSE) or OSA.distance(a, b) > 2:
        return False
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        # a space lost to a damaged letter (Kunde?Group): the rest is letter for letter
        return DAMAGED in a + b and a.replace(DAMAGED, " ").split() == words_b
    pairs = list(zip(words_a, words_b, strict=True))
    short_slip = any(x != y and len(x) == len(y) == 5 and not _typo(x, y) for x, y in pairs)
    if short_slip and not any(x == y and len(x) >= 4 and rare(x) for x, y in pairs):
        return False
    return all(x == y or _slip(x, y) for x, y in pairs)


def _slip(a: str, b: str) -> bool:
    """Whether word `a` is word `b` with a slip: a typo (`_typo`), or in a word of 5 letters
    or more one letter for another where real names seldom differ (not a vowel for a vowel,
    nor c for k: Naley for Haley, Grwup for Group), a damaged letter more (W?indler), the
    last letter lost from a word of 6 or more but an s or an e (Gorczan for Gorczany; not
    Edward for Edwards, Brown for Browne), or a legal form's letter (LtZ for Ltd)."""
    if _typo(a, b):
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) == len(short) + 1:
        if DAMAGED in long and long.replace(DAMAGED, "", 1) == short:
            return True
        return len(short) >= 6 and long[:-1] == short and long[-1] not in "se"
    if len(a) != len(b) or len(a) < 3:
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(changed) != 1:
        return False
    ((x, y),) = changed
    if _canonical(b) in _LEGAL or _canonical(a) in _LEGAL:
        return True
    return len(a) >= 5 and not {x, y} <= _SOUND_ALIKE and frozenset((x, y)) not in _SPELLED_ALIKE


#: Kinds of damage `_marks` finds in a name: a control or other character no name is
#: written with, or a symbol inside a word or against one (Sc,hunner, Po}lich, Toy_, LL<); a
#: digit among letters (and1Sauer, 4fsco); a capital letter after a small one (HowY, GroqX,
#: ShellInternationale).
_SYMBOL, _DIGIT, _CAPITAL = 1, 2, 3
#: Punctuation real names hold inside a word (E.G., Hessel-Waelchi, A/S, AT&T)...
_INSIDE_A_WORD = frozenset(".-/&+")
#: ...and at a word's edge (Ltd., Smith, Jones; (UK); "Acme"; Acme!).
_AT_A_WORD_EDGE = frozenset('.,;:()&/-!"+')
#: A name's characters that may show damage: without any, `_marks` finds none.
_MAY_BE_DAMAGED = re.compile(r"[^ A-Za-z.,;:()&/!\"+'-]|[a-z][A-Z]|[^\W_][,;:()!\"][^\W_]")

#: A name as `_marks` gives it: its letters and digits in lower case, accents off, other
#: characters but damaged ones a space; and for each character, the kind of damage it shows
#: (0 for none).
Marked = tuple[str, bytes]


def _damaged(name: str) -> bool:
    """Whether a name shows damage (`_marks`): a name as typed holds no control character,
    no symbol inside a word, no digit run into letters, no capital after a small letter."""
    return bool(_MAY_BE_DAMAGED.search(name)) and any(_marks(name)[1])


@lru_cache(maxsize=1 << 16)
def _marks(name: str) -> Marked:
    """The name's characters and their marks of damage (`_SYMBOL`, `_DIGIT`, `_CAPITAL`)."""
    text = _APOSTROPHES.sub("", _repair(name))
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    chars: list[str] = []
    marks = bytearray()
    last = len(text) - 1
    for i, c in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i < last else " "
        mark = 0
        if c.isalpha():
            mark = _CAPITAL if c.isupper() and before.isalpha() and before.islower() else 0
            c = c.lower() if len(c.lower()) == 1 else c
        elif c.isdigit():
            mark = _DIGIT if before.isalpha() or after.isalpha() else 0
        elif unicodedata.category(c) == "Zs":
            c = " "  # a space, a no-break space
        elif unicodedata.category(c)[0] == "C":
            c, mark = DAMAGED, _SYMBOL  # a control character, a line break or a tab
        elif before.isalnum() and after.isalnum():
            c, mark = (" ", 0) if c in _INSIDE_A_WORD else (DAMAGED, _SYMBOL)
        elif (before.isalnum() or after.isalnum()) and c not in _AT_A_WORD_EDGE:
            c, mark = DAMAGED, _SYMBOL
        else:
            c = " "
        if c == " " and not mark and (not chars or (chars[-1] == " " and not marks[-1])):
            continue  # spaces said once
        chars.append(c)
        marks.append(mark)
    while chars and chars[-1] == " " and not marks[-1]:
        chars.pop()
        marks.pop()
    return "".join(chars), bytes(marks)


#: The fewest characters two names must have alike, for DAMAGED_ONLY.
DAMAGED_ALIKE = 6


def _damage_explains(a: Marked, b: Marked, slip_from: int = 5) -> int | None:
    """Whether every difference between two names' characters (`_marks`) is at a damaged
    character of either: a damaged letter replaced (HowY for Howe, 7LC for LLC), a symbol or
    digit more (Toy_ PLC, Sc,hunner), a letter lost beside a symbol, a space lost before a
    capital (ShellInternationale), each damaged character explaining one difference (not a
    capital or digit where the other name has one too: GreenTree and GreenFree, Unit4 and
    Unit5 are other names); with
    at most one letter for another besides, in a word of `slip_from` letters or more, that is
    no letter real names differ by (`_SOUND_ALIKE`, `_SPELLED_ALIKE`: not Davis for Davies,
    Reid for Reed). Returns how many such letters (0 or 1), or None."""
    (sa, ka), (sb, kb) = a, b
    if sa == sb:
        return None
    used_a: set[int] = set()
    used_b: set[int] = set()

    def take(kinds: bytes, used: set[int], position: int, allowed: tuple[int, ...]) -> bool:
        if 0 <= position < len(kinds) and kinds[position] in allowed and position not in used:
            used.add(position)
            return True
        return False

    every = (_SYMBOL, _DIGIT, _CAPITAL)
    extra = (_SYMBOL, _DIGIT)
    edits = Levenshtein.editops(sa, sb)
    slips = 0
    for op in edits:
        i, j = op.src_pos, op.dest_pos
        if op.tag == "replace":
            # a capital in both names at that place (GreenTree, GreenFree), or a digit in both
            # (Unit4, Unit5), is how both are written: they differ there, not by damage
            found = ka[i] != kb[j] and (take(ka, used_a, i, every) or take(kb, used_b, j, every))
        elif op.tag == "delete":  # a has a character more at i
            found = (
                take(ka, used_a, i, extra)
                or (sa[i] == " " and take(kb, used_b, j, (_CAPITAL,)))
                or take(kb, used_b, j - 1, (_SYMBOL,))
                or take(kb, used_b, j, (_SYMBOL,))
            )
        else:  # b has a character more at j
            found = (
                take(kb, used_b, j, extra)
                or (sb[j] == " " and take(ka, used_a, i, (_CAPITAL,)))
                or take(ka, used_a, i - 1, (_SYMBOL,))
                or take(ka, used_a, i, (_SYMBOL,))
            )
        if found:
            continue
        if op.tag != "replace" or slips:
            return None
        x, y = sa[i], sb[j]
        word = sb[sb.rfind(" ", 0, j) + 1 :].split(" ", 1)[0]
        if (
            not (x.isalpha() and y.isalpha())
            or {x, y} <= _SOUND_ALIKE
            or frozenset((x, y)) in _SPELLED_ALIKE
            or len(word) < slip_from
        ):
            return None
        slips += 1
    damaged = len(used_a) + len(used_b)
    alike = max(len(sa), len(sb)) - len(edits)
    if not damaged or damaged < slips or alike < DAMAGED_ALIKE:
        return None
    return slips


OTHER_FORM = "other legal form"
#: Names that carry other numbers (`_other_number`) are other businesses: Flat 4 and Flat 5
#: Management Company, Phase 2 and Phase 3 Developments. Such a candidate scores at most
#: OTHER_NUMBER_SCORE (under every rule of `--auto`, which never links it at any threshold),
#: and is still shown to a person, with why.
OTHER_NUMBER = "another number"
OTHER_NUMBER_SCORE = 74
#: The share of the contact's name found in the client's for WHOLE_NAME...
WHOLE = 0.85
#: ...each of its words at least this alike to one of the client's (a typo at most).
WORD_FOUND = 0.75


@dataclass(frozen=True, slots=True)
class Candidate:
    """A Xero contact proposed for a client: its score (0-100) and why."""

    contact: XeroContact
    score: int
    name_score: int
    evidence: tuple[str, ...] = ()
    #: How much of the contact's name (0-100) is found in the client's.
    found: int = 0
    #: How alike the two names are letter for letter (0-100, `letters_alike`).
    letters: int = 0
    #: How many of the client's words the contact's name holds, as they are written.
    shared: int = 0

    @property
    def archived(self) -> bool:
        return self.contact.archived

    @property
    def reason(self) -> str:
        """`name 94, email domain`: what the score rests on."""
        if MERGED_INTO in self.evidence:
            return "Xero merged the linked contact into this one"
        said = (
            f"{kind} {self.letters}" if kind == CLOSER_LETTERS else kind for kind in self.evidence
        )
        return ", ".join((f"name {self.name_score}", *said))


def combine(name_score: float, evidence: Iterable[str]) -> int:
    """The candidate's score: the name's, raised by each piece of evidence for it (a share of
    what is left to 100) and lowered when the businesses' domains differ."""
    score = name_score
    if DAMAGED_ONLY in evidence:
        score = max(score, DAMAGED_SCORE)
    elif DAMAGED_SLIP in evidence or SPELT_OUT in evidence:
        score = max(score, DEFAULT_THRESHOLD)
    raises = {REFERENCE: 0.8, EMAIL: 0.6, DOMAIN: 0.35}
    for kind in evidence:
        if kind in raises:
            score += (100.0 - score) * raises[kind]
        elif kind == OTHER_DOMAIN:
            score -= 10.0
        elif kind == OTHER_FORM:
            score -= 3.0
        elif kind == OTHER_NUMBER:
            score = min(score, OTHER_NUMBER_SCORE)
    if COMMON_WORD in evidence:
        score = min(score, ONE_WORD + 1)  # over another name of one word, under the threshold
    return max(0, min(100, round(score)))


#: A candidate far closer letter for letter than the best by words, with every word the best
#: shares with the client, and scoring under the threshold (`order_candidates`).
CLOSER_LETTERS = "letters"
#: How alike letter for letter (`letters_alike`) such a candidate must be...
LETTERS_ALIKE = 75
#: ...and by how many points more than the best by words.
LETTERS_AHEAD = 10


def letters_alike(a: str, b: str) -> int:
    """How alike two names are letter for letter, 0 to 100: the share of the longer name's
    letters (spaces and legal forms included) not replaced, added or lost on the way to the
    other (normalised Levenshtein). It sees what comparing whole words does not: a word with
    two letters wrong (Hqulaxe for Haulage), a legal form's letter (Pellow?PLC for Pellow PLC)."""
    return round(100 * Levenshtein.normalized_similarity(a, b))


def _order(candidate: Candidate) -> tuple[int, bool, int, str]:
    """Best first: the score; active before archived; then closer letter for letter; then
    by name."""
    return (
        -candidate.score,
        candidate.archived,
        -candidate.letters,
        candidate.contact.name.casefold(),
    )


def order_candidates(
    candidates: Iterable[Candidate], client: Sequence[Sequence[str]]
) -> list[Candidate]:
    """The candidates best first (`_order`): candidates tied on their score are told apart by
    how alike their names are to the client's letter for letter.

    When the best scores under the threshold, a candidate `LETTERS_AHEAD` points closer
    letter for letter than it (and at least `LETTERS_ALIKE`) whose name has every word that
    the best's shares with the client's (`client`, its forms) is raised to the best's score,
    so that it comes first: the words they differ by are one word garbled beyond a typo
    (Brackley Haulage for Brackley Hqulaxe, not Brackley Ltd), not another name. Never past the best: they
    are tied, and `--auto` links neither."""
    order = sorted(candidates, key=_order)
    if not order or order[0].score >= DEFAULT_THRESHOLD:
        return order
    best = order[0]
    closest = max(order, key=lambda c: (c.letters, c.score))
    if (
        closest is best
        or closest.letters < LETTERS_ALIKE
        or closest.letters - best.letters < LETTERS_AHEAD
    ):
        return order
    words = {word for form in client for word in form}
    shared = words.intersection(name_forms(best.contact.name)[0])
    if not shared <= {word for form in name_forms(closest.contact.name) for word in form}:
        return order
    raised = replace(closest, score=best.score, evidence=(*closest.evidence, CLOSER_LETTERS))
    return sorted((raised if c is closest else c for c in order), key=_order)


class _Party(NamedTuple):
    """What the matcher knows of the thing it looks for: a client, or a contact (duplicates).
    A named tuple: the index makes one for each of tens of thousands of contacts."""

    forms: tuple[tuple[str, ...], ...]
    email: str
    domain: str
    reference: str
    numbers: frozenset[str] = frozenset()  # a contact's ContactNumber and AccountNumber
    forms_of_business: frozenset[str] = frozenset()  # its legal forms (ltd, plc, bv...)
    ands: int = 0  # how many times its name says "and" (or &): names joined, or in one name
    letters: str = ""  # its name's plain letters, words apart by one space (`_plain`)
    name: str = ""  # its name as written
    damaged: bool = False  # whether its name shows damage (`_damaged`)
    figures: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # `_figures`
    words: frozenset[str] = frozenset()  # every word of its forms (`name_forms`)


def _party(name: str, email: str, reference: str, numbers: frozenset[str] = frozenset()) -> _Party:
    email = email.strip().casefold()
    forms = name_forms(name)
    return _Party(
        forms,
        email,
        business_domain(email),
        reference.strip().casefold(),
        numbers,
        legal_forms(name),
        _spellings(name).count("and"),
        " ".join(_plain(name).split()),
        name,
        _damaged(name),
        _figures(name),
        frozenset(word for form in forms for word in form),
    )


class RankStream:
    """Each client's candidates in turn, as `ContactIndex.rank_stream` gives them; `close`
    stops the processes ranking in the background, if any."""

    def __init__(
        self, results: Iterator[list[Candidate]], pool: multiprocessing.pool.Pool | None = None
    ) -> None:
        self._results = results
        self._pool = pool

    def __iter__(self) -> RankStream:
        return self

    def __next__(self) -> list[Candidate]:
        try:
            return next(self._results)
        except StopIteration:
            self.close()
            raise

    @property
    def background(self) -> bool:
        """Whether processes rank in the background (else each is ranked when asked for)."""
        return self._pool is not None

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.terminate()


#: The words that `_canonical` gives for another word (Limited and Ltd are Ltd).
_SPELT_SEVERAL_WAYS = frozenset(_CANONICAL.values()) | frozenset(_WRITTEN_OUT.values())


class _Lines:
    """Texts, one a line in a single string, to find in which of them a piece of text is
    (`str.find` over them all at once: quicker than a test of each)."""

    __slots__ = ("lines", "starts", "text")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        self.starts = list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))

    def holding(self, piece: str, *, whole_word: bool = False) -> list[int]:
        """The positions of the lines holding `piece` (no line break in it), in order; with
        `whole_word`, as a word between spaces (or a line's ends)."""
        text, starts = self.text, self.starts
        last = len(starts) - 1
        if text.count(piece) * 8 > len(starts):
            # in many lines (ltd): line by line, quicker than finding each
            if not whole_word:
                return [number for number, line in enumerate(self.lines) if piece in line]
            word = f" {piece} "
            return [
                number
                for number, line in enumerate(self.lines)
                if piece in line and word in f" {line} "
            ]
        found = []
        if whole_word:
            # `piece` found, then taken where it is a word: between spaces or line ends
            end = len(text)
            position = text.find(piece)
            while position >= 0:
                after = position + len(piece)
                if (position == 0 or text[position - 1] in " \n") and (
                    after == end or text[after] in " \n"
                ):
                    number = bisect.bisect_right(starts, position) - 1
                    found.append(number)
                    if number == last:
                        break
                    position = text.find(piece, starts[number + 1])  # once a line
                else:
                    position = text.find(piece, position + 1)
            return found
        position = text.find(piece)
        while position >= 0:
            number = bisect.bisect_right(starts, position) - 1
            found.append(number)
            if number == last:
                break
            position = text.find(piece, starts[number + 1])  # once a line
        return found


class ContactIndex:
    """The Xero contacts, indexed for matching. Build once, then rank many clients."""

    #: A block key shared by more contacts than this says nothing: it is skipped when the
    #: client has a rarer one.
    COMMON = 400
    #: How many contacts the cheap stage hands on to the careful one.
    PRESELECT = 8
    #: Under this cheap score for the best found by block keys, runs of three letters are
    #: tried too.
    UNSURE = 75
    #: How many contacts sharing the most runs of three letters are compared.
    LETTERS = 200
    #: How many contacts a search scores carefully, at most.
    SEARCHED = 60
    #: Ranking this many clients or more is shared among processes (fork), one per core.
    PARALLEL_FROM = 2000

    def __init__(
        self,
        contacts: Sequence[XeroContact],
        known: Mapping[str, NameForms] | None = None,
    ) -> None:
        """Index `contacts`; `known` holds names already normalised (`name_forms`, as
        `forms_by_name` gives them back): only the others are normalised here."""
        self.contacts = tuple(contacts)
        names = [contact.name for contact in self.contacts]
        #: each contact's name as `_plain` has it (made with the forms, or at first need)
        self._plains: list[str] | None = None
        if known:
            kept = [known.get(name) for name in names]
            missing = [index for index, forms in enumerate(kept) if forms is None]
            if missing:
                unknown = [names[index] for index in missing]
                fresh = _forms_of_names(unknown, *_plain_names(unknown))
                for index, forms in zip(missing, fresh, strict=True):
                    kept[index] = forms
            forms_of: list[NameForms] = kept  # type: ignore[assignment]
        else:
            self._plains, plain = _plain_names(names)
            forms_of = _forms_of_names(names, self._plains, plain)
        self._forms = forms_of
        self._owners, self._sorted_words, self._postings, self._word_count = _postings(forms_of)
        self._by_email: dict[str, list[int]] = defaultdict(list)
        #: each label of an email's domain but the last -> the contacts with it: the business
        #: domain (`business_domain`, worked out only where it is needed) is one of them
        self._by_label: dict[str, list[int]] = defaultdict(list)
        self._by_number: dict[str, list[int]] = defaultdict(list)
        for index, contact in enumerate(self.contacts):
            if contact.email:
                email = contact.email.strip().casefold()
                if email:
                    self._by_email[email].append(index)
                    for label in set(email_domain(email).strip(".").split(".")[:-1]):
                        self._by_label[label].append(index)
            if contact.contact_number or contact.account_number:
                for number in _numbers(contact):
                    self._by_number[number].append(index)
        self._by_id = {contact.contact_id: index for index, contact in enumerate(self.contacts)}
        #: what each contact offers as evidence (its email, domain, numbers, legal forms),
        #: made when it is first a candidate
        self._parties: dict[int, _Party] = {}
        self._grams: dict[str, list[int]] | None = None  # see `_letter_index`
        #: Until `_letter_index` is built (by `warm` or `rank_many`), a run of three letters
        #: is looked up by scanning the names (`_holding`), and kept here.
        self._scanned: dict[str, list[int]] = {}
        self._letters_text: _Lines | None = None
        #: Whether `_holding` builds `_letter_index` rather than scan (in a forked worker,
        #: which ranks many clients)
        self._build_letters = False
        #: held while one of those is built, so that a search waits for a build under way
        #: (`warm`, in a thread) rather than doing it again
        self._building = threading.Lock()
        self._texts: tuple[_Lines, _Lines, _Lines] | None = None  # see `_searched_texts`
        self._respelt: dict[str, tuple[str, ...]] | None = None  # see `_spellings_of`

    def forms_by_name(self) -> dict[str, NameForms]:
        """Each contact's name -> its normalised forms (for `known`, next time)."""
        return {
            contact.name: forms for contact, forms in zip(self.contacts, self._forms, strict=True)
        }

    def _searched_texts(self) -> tuple[_Lines, _Lines, _Lines]:
        """What a search looks for a typed term in, one name a line: each name's first form,
        the name in lower case, and the name's plain words (`_plain`); made by `warm` (in the
        walk's thread once the first screen is drawn) or at the first search (a few
        hundredths of a second for 50,000 contacts). A search while the thread makes them
        makes its own rather than wait for the thread (which may be importing the ORM)."""
        texts = self._texts
        if texts is not None:
            return texts
        texts = (
            _Lines([" ".join(forms[0]) for forms in self._forms]),
            _Lines([contact.name.casefold() for contact in self.contacts]),
            _Lines(self._plain_texts()),
        )
        self._texts = texts  # one assignment: a thread sees none or all of them
        return texts

    def _plain_texts(self) -> list[str]:
        """Each contact's name as `_plain` writes it (made with the forms, else now)."""
        if self._plains is None:
            self._plains = _plain_names([contact.name for contact in self.contacts])[0]
        return self._plains

    def _spellings_of(self) -> dict[str, tuple[str, ...]]:
        """Each word written several ways (`_SPELT_SEVERAL_WAYS`: Ltd, Intl, Svcs...) -> the
        plain words of the contacts' names that `_canonical` spells so (limited, ltd; intl,
        international, internat, a typo...), worked out once from the names' every plain
        word (by `warm`, or at the first search of such a word: a few hundredths of a
        second for 50,000 contacts)."""
        found = self._respelt
        if found is not None:
            return found
        spellings: dict[str, list[str]] = defaultdict(list)
        for word in set(self._searched_texts()[2].text.split()):
            if _maybe_respelt(word) and (spelt := _canonical(word)) in _SPELT_SEVERAL_WAYS:
                spellings[spelt].append(word)
        found = {spelt: tuple(words) for spelt, words in spellings.items()}
        self._respelt = found
        return found

    def ready_search(self) -> None:
        """Build now the lists a search reads (a few hundredths of a second for 50,000
        contacts; a search would otherwise build them): for a thread, as `warm`."""
        self._spellings_of()  # with `_searched_texts`

    def warm(self) -> None:
        """Build now what the first search and the first rank of a hard name would otherwise
        build (a few tenths of a second for 50,000 contacts): for a thread to call while a
        person reads the first screen. Fork nothing while it runs."""
        self.ready_search()
        self._letter_index()
        self._scanned, self._letters_text = {}, None

    # -- ranking --

    def rank(self, client: Client, limit: int = 5) -> list[Candidate]:
        """The best `limit` contacts for a client, best first (archived ones included)."""
        return self._rank(_party(client.name, client.email, client.reference), limit)

    def rank_many(
        self, clients: Sequence[Client], limit: int = 5, workers: int | None = None
    ) -> list[list[Candidate]]:
        """`rank` for each client, in order. On Linux a long list is shared among `workers`
        forked processes (default: one per core this process may use), each ranking a slice
        against this same index; elsewhere (fork is unsafe on macOS) one process ranks all."""
        workers = workers or _cores()
        if not self._forks(clients, workers):
            building, self._build_letters = self._build_letters, True  # at the first need
            try:
                return [self.rank(client, limit) for client in clients]
            finally:
                self._build_letters = building
        self._letter_index()  # built once, before the fork, for every worker
        size = -(-len(clients) // (workers * 4))
        with self._pool(clients, workers) as pool:
            ranked = pool.map(_rank_slice, _slices(len(clients), limit, [size]))
        return [self._expand(found) for part in ranked for found in part]

    def rank_stream(
        self, clients: Sequence[Client], limit: int = 5, workers: int | None = None
    ) -> RankStream:
        """`rank` for each client, in order, as they come. On Linux a long list is ranked in
        the background by processes forked now, a few clients first so that the first
        answers come at once; elsewhere each client is ranked when it is asked for. `close`
        it (or let it end) to stop the workers."""
        workers = workers or _cores()
        if not self._forks(clients, workers):
            return RankStream(self.rank(client, limit) for client in clients)
        # Each worker builds what it needs (the letter index) itself: nothing before the fork
        # stands between the command and its first answers.
        pool = self._pool(clients, workers, niceness=BACKGROUND_NICENESS)
        parts = pool.imap(_rank_slice, _slices(len(clients), limit, [16, 64, 250]))
        return RankStream((self._expand(found) for part in parts for found in part), pool)

    def _forks(self, clients: Sequence[Client], workers: int) -> bool:
        return workers >= 2 and len(clients) >= self.PARALLEL_FROM and sys.platform == "linux"

    def _pool(
        self, clients: Sequence[Client], workers: int, niceness: int = 0
    ) -> multiprocessing.pool.Pool:
        """Worker processes forked now, each with this index and these clients in memory
        (slices of them are named by position: nothing is pickled but the results)."""
        global _FORKED
        _FORKED = (self, clients)
        try:
            return multiprocessing.get_context("fork").Pool(
                workers, initializer=_worker_start, initargs=(niceness,)
            )
        finally:
            _FORKED = None  # the workers have their copy

    def _compact(self, candidates: list[Candidate]) -> list[_Compact]:
        return [
            (
                self._by_id[c.contact.contact_id],
                c.score,
                c.name_score,
                c.evidence,
                c.found,
                c.letters,
                c.shared,
            )
            for c in candidates
        ]

    def _expand(self, found: list[_Compact]) -> list[Candidate]:
        return [
            Candidate(self.contacts[index], score, name_score, evidence, share, letters, shared)
            for index, score, name_score, evidence, share, letters, shared in found
        ]

    def _rank(self, party: _Party, limit: int, exclude: int | None = None) -> list[Candidate]:
        chosen = self._preselect(party)
        chosen.update(self._evidence_for(party))
        if exclude is not None:
            chosen.discard(exclude)
        common = self._common_word(party)
        scored = [self._candidate(party, index, common) for index in chosen]
        order = order_candidates(scored, party.forms)
        if order and AMONG in order[0].evidence:
            order[0] = self._among_rivals(party, order[0], order[1:])
        return order[:limit]

    def _among_rivals(
        self, party: _Party, best: Candidate, others: Sequence[Candidate]
    ) -> Candidate:
        """The best candidate, said AMONG, as its rivals leave it: not AMONG when another
        active candidate's whole name is among the client's words too (two names in one: a
        site and its parent, two partners); AMONG_NEAR when another's name holds more of the
        client's words than the best's (the client's words more may name that one)."""
        client = [set(form) for form in party.forms]
        near = False
        for other in others:
            if other.archived:
                continue
            forms = self._forms[self._by_id[other.contact.contact_id]]
            if any(form and set(form) <= words for form in forms for words in client):
                return replace(best, evidence=tuple(e for e in best.evidence if e != AMONG))
            near = near or other.shared > best.shared
        if near:
            said = tuple(AMONG_NEAR if e == AMONG else e for e in best.evidence)
            return replace(best, evidence=said)
        return best

    def _preselect(self, party: _Party) -> set[int]:
        forms: set[int] = set()
        for form in party.forms:
            keys = sorted(_block_keys(form))  # a fixed order: ties go one way every run
            lists = [self._postings[key] for key in keys if key in self._postings]
            rare = [found for found in lists if len(found) <= self.COMMON]
            if not rare and lists:
                rare = sorted(lists, key=len)[:1]
            for found in rare:
                forms.update(found)
        chosen: set[int] = set()
        best = 0.0
        if forms:
            numbers = sorted(forms)  # in a fixed order: ties at the cut go the same way every run
            choices = _pick(self._sorted_words, numbers)
            for form in party.forms:
                query = " ".join(sorted(form))
                # the names most alike as a whole, and those most alike in the words they
                # share (a client's name with a department or a place more finds its contact)
                for scorer in (fuzz.ratio, fuzz.token_set_ratio):
                    for _, score, position in process.extract(
                        query, choices, scorer=scorer, limit=self.PRESELECT, score_cutoff=30
                    ):
                        chosen.add(self._owners[numbers[position]])
                        best = max(best, score) if scorer is fuzz.ratio else best
        for form in party.forms:
            if len(form) == 1 and 2 <= len(form[0]) <= 6:  # an acronym: the names it stands for
                found = self._postings.get("^" + form[0], [])
                if len(found) <= self.PRESELECT:
                    chosen.update(self._owners[number] for number in found)
            elif 3 <= len(form) <= 6 and all(len(word) >= 3 for word in form):
                # a name spelt out: the contacts named by its initials (KISA for Korea
                # Information Security Agency), which no word of it finds
                initials = "".join(word[0] for word in form)
                found = self._postings.get("^" + initials, [])
                if len(found) <= self.COMMON:
                    named = [n for n in found if self._sorted_words[n] == initials]
                    if len(named) <= self.PRESELECT:
                        chosen.update(self._owners[number] for number in named)
        if best < self.UNSURE:
            chosen.update(self._by_letters(party))
        return chosen

    def _letter_index(self) -> dict[str, list[int]]:
        """Each run of three letters -> the names holding it (`_sorted_words`' positions, in
        order). Built by `warm`, by `rank_many` and in forked workers: a few tenths of a second
        for 50,000 contacts, more than one key may wait for (`_holding` scans meanwhile)."""
        if self._grams is not None:
            return self._grams
        with self._building:
            if self._grams is None:
                grams: dict[str, list[int]] = defaultdict(list)
                for number, key in enumerate(self._sorted_words):
                    for gram in _trigrams(key):
                        grams[gram].append(number)
                self._grams = dict(grams)
        return self._grams

    def _holding(self, gram: str) -> Sequence[int]:
        """`_letter_index().get(gram, ())`, the same list, found by scanning every name for
        this run of letters (a few milliseconds) while the index of them all is not built."""
        grams = self._grams
        if grams is None and self._build_letters:
            grams = self._letter_index()
        if grams is not None:
            return grams.get(gram, ())
        found = self._scanned.get(gram)
        if found is None:
            if self._letters_text is None:
                # every name's letters as `_trigrams` reads them: a run of three found in
                # this text is in the one line it starts in
                self._letters_text = _Lines([key.replace(" ", "") for key in self._sorted_words])
            found = self._scanned[gram] = self._letters_text.holding(gram)
        return found

    def _by_letters(self, party: _Party) -> set[int]:
        """The contacts whose names share the most runs of three letters with the client's:
        for a name whose every word is misspelt or damaged, so that no block key finds it."""
        chosen: set[int] = set()
        for form in party.forms:
            hits: dict[int, int] = defaultdict(int)
            for gram in _trigrams(" ".join(sorted(form))):
                found = self._holding(gram)
                if len(found) <= self.COMMON:
                    for number in found:
                        hits[number] += 1
            if not hits:
                continue
            numbers = sorted(hits, key=lambda number: (-hits[number], number))[: self.LETTERS]
            choices = _pick(self._sorted_words, numbers)
            for _, _, position in process.extract(
                " ".join(sorted(form)), choices, scorer=fuzz.ratio, limit=self.PRESELECT
            ):
                chosen.add(self._owners[numbers[position]])
        return chosen

    def _evidence_for(self, party: _Party) -> set[int]:
        found: set[int] = set()
        if party.email:
            found.update(self._by_email.get(party.email, ()))
        if party.domain:
            found.update(self._with_domain(party.domain))
        if party.reference:
            found.update(self._by_number.get(party.reference, ()))
        return found

    def _with_domain(self, domain: str) -> list[int]:
        """The first `PRESELECT` contacts (in the list's order) whose business domain this is."""
        found = []
        for index in self._by_label.get(domain, ()):
            if business_domain(self.contacts[index].email.strip().casefold()) == domain:
                found.append(index)
                if len(found) == self.PRESELECT:
                    break
        return found

    def _party_of(self, index: int) -> _Party:
        """What contact `index` offers as evidence (made once, when first needed)."""
        found = self._parties.get(index)
        if found is None:
            contact = self.contacts[index]
            found = _party(contact.name, contact.email, "", _numbers(contact))
            self._parties[index] = found
        return found

    def _candidate(self, party: _Party, index: int, common: str = "") -> Candidate:
        contact = self.contacts[index]
        name_score, found = _best_pair(party.forms, self._forms[index], CONTAINED)
        evidence = _evidence(party, self._party_of(index))
        if name_score < DEFAULT_THRESHOLD:  # said where it may decide
            if found >= WHOLE:
                evidence = (WHOLE_NAME, *evidence)
            elif name_score >= DEFAULT_THRESHOLD - LEAD_BELOW:
                forms = self._forms[index]
                if _misspelt(party.forms, forms, self._party_of(index).forms_of_business):
                    evidence = (MISSPELT, *evidence)
                elif not self._joined(party, index) and any(
                    _at_an_end(a, b) and not _OTHER_ENTITY.intersection(a[len(b) :] + a[: -len(b)])
                    for a in party.forms
                    for b in forms
                ):
                    evidence = (AT_AN_END, *evidence)
            said = evidence[:1] in ((WHOLE_NAME,), (MISSPELT,), (AT_AN_END,))
            if _close_letters(party.letters, self._party_of(index).letters, self._rare):
                # said after the reason found by words, if any: it links with its own lead
                evidence = (*evidence[:said], CLOSE_LETTERS, *evidence[said:])
            if (
                name_score >= DEFAULT_THRESHOLD - DISTINCT_BELOW
                and WHOLE_NAME not in evidence
                and MISSPELT not in evidence
                and self._distinct_start(party, index)
            ):
                evidence = (DISTINCT_START, *(e for e in evidence if e != AT_AN_END))
            elif name_score >= DEFAULT_THRESHOLD - DISTINCT_BELOW:
                begins = self._client_first(party, index)
                if begins == BEGINS_DISTINCT or (
                    begins and name_score >= DEFAULT_THRESHOLD - LEAD_BELOW
                ):
                    evidence = (begins, *evidence)
                elif (
                    (not evidence[:1] or evidence[0] in (CLOSE_LETTERS, OTHER_FORM))
                    and not self._joined(party, index)
                    and _one_word_first(party.forms, self._forms[index])
                ):
                    evidence = (ONE_WORD_FIRST, *evidence)
            if name_score >= AMONG_FROM and self._among(party, index):
                evidence = (*evidence, AMONG)
            if name_score >= DEFAULT_THRESHOLD - LEAD_BELOW and _initials_of(
                party.forms, self._forms[index], contact.name
            ):
                evidence = (INITIALS, *evidence)
            if _spelt_out_beside(party.forms, self._forms[index]):
                evidence = (SPELT_OUT, *evidence)
            elif _named_by_initials(self._forms[index], party.forms):
                # found whole in the client's as its initials (`_fold_runs`): said so, and
                # only when each word is spelt out (not TTA for Tarrant Trading AS)
                evidence = tuple(e for e in evidence if e != WHOLE_NAME)
                if name_score >= DEFAULT_THRESHOLD - LEAD_BELOW and _initials_of(
                    self._forms[index], party.forms, party.name
                ):
                    evidence = (SPELT_INITIALS, *evidence)
        other = self._party_of(index)
        if (party.damaged or other.damaged) and name_score < DAMAGED_SCORE:
            slips = _damage_explains(_marks(party.name), _marks(other.name))
            if slips is not None:
                evidence = (DAMAGED_SLIP if slips else DAMAGED_ONLY, *evidence)
        if common and common in self._forms[index][0]:
            evidence = (*evidence, COMMON_WORD)
        score = combine(name_score, evidence)
        letters = letters_alike(party.letters, self._party_of(index).letters)
        shared = len(party.words.intersection(self._forms[index][0]))
        return Candidate(
            contact, score, round(name_score), evidence, round(100 * found), letters, shared
        )

    def _distinct_start(self, party: _Party, index: int) -> bool:
        """Whether the contact's name begins a form of the client's, with a word or two more
        after it (a place, a department, a kind of business: Apstra Networks, Deloitte
        Canada), none of them a word for another entity (Holdings, Trust),
        the client's name joins no names with "and" (Smith & Jones is not Smith), and no
        other contact's name holds any of the contact's words: the list knows nothing else it
        could be."""
        if self._joined(party, index):
            return False
        for name in self._forms[index]:
            if not name or any(self._word_count.get(word, 0) > 1 for word in name):
                continue
            size = len(name)
            for form in party.forms:
                more = form[size:]
                if (
                    0 < len(more) <= 2
                    and tuple(form[:size]) == tuple(name)
                    and not _OTHER_ENTITY.intersection(more)
                ):
                    return True
        return False

    def _client_first(self, party: _Party, index: int) -> str:
        """`BEGINS_DISTINCT` when a form of the client's name begins the contact's, with a word
        or two more after it (Quorvane for Quorvane Solutions), none of them a word for another
        entity (Holdings, Group, Trust), and no other contact's name holds any of the client's
        words: the list knows nothing else it could be; `BEGINS_MORE` when other contacts'
        names hold them (`auto_choice` then wants the contact far ahead of the next); "" when
        it does not begin it. Not when the contact's name joins names with "and" that the
        client's does not (Smith for Smith & Jones), nor when the client's carries a legal form
        that the contact's lacks (the company, against one of its sites, programmes or trading
        names), nor for a name of `SHORT_NAME` letters or fewer (QVX: three letters name many
        bodies)."""
        contact = self._party_of(index)
        if contact.ands > party.ands or party.forms_of_business - contact.forms_of_business:
            return ""
        found = ""
        for form in party.forms:
            if len("".join(form)) <= SHORT_NAME:
                continue
            size = len(form)
            for name in self._forms[index]:
                more = name[size:]
                if (
                    0 < len(more) <= 2
                    and tuple(name[:size]) == tuple(form)
                    and not _OTHER_ENTITY.intersection(more)
                    and "grp" not in more
                ):
                    if not any(self._word_count.get(word, 0) > 1 for word in form):
                        return BEGINS_DISTINCT
                    found = BEGINS_MORE
        return found

    def _among(self, party: _Party, index: int) -> bool:
        """Whether every word of a form of the contact's name is among the words of a form of
        the client's, which has words more (a unit, a department, a place or a parent's name
        around the contact's: Intel Labs Malaysia, Centre for Wireless Communications
        University of Oulu), and the shape of the client's name does not say it is another:
        - the contact's words stand together in the client's (Harcourt Wolverhampton Dental is
          another dental practice than Harcourt Dental), and a name of one word begins the
          client's, or ends a part of it before a comma (Wolverhampton Harcourt, Big Switch
          Networks are as often another business's own name);
        - no "and", "&" or "+" joins a word of the contact's to another, nor a comma in a name
          that says "and" (Marrowind & Brock, Padley, Terrow and Hexham: a partnership is not
          one of its partners), and the words more are not Holdings or Trust;
        - "at" does not follow it (La Grotta at Ravinia: another place of that name);
        - the contact's name is longer than SHORT_NAME letters (three letters name many
          bodies), one of its words is in at most two contacts' names (a name of common words
          among the client's says little), it has no legal form the client's lacks, and the
          client's name shows no damage (`_damaged`: a damaged word is not a word more)."""
        if party.damaged:
            return False
        if self._party_of(index).forms_of_business - party.forms_of_business:
            return False
        for name in self._forms[index]:
            if len("".join(name)) <= SHORT_NAME:
                continue
            if all(self._word_count.get(word, 0) > 2 for word in name):
                continue
            words = set(name)
            size = len(name)
            for form in party.forms:
                if len(form) <= size or not words <= set(form):
                    continue
                if _OTHER_ENTITY.intersection(form) - words:
                    continue
                starts = [
                    i for i in range(len(form) - size + 1) if set(form[i : i + size]) == words
                ]
                if not starts:
                    continue  # a word of the client's inside the contact's name
                if size == 1 and starts[0] != 0 and not _before_comma(party.name, name[0]):
                    continue
                if _joins_apart(party.name, words) or _at_after(party.name, name):
                    continue
                return True
        return False

    def _rare(self, word: str) -> bool:
        """Whether few contacts' names (2 at most) hold this plain word."""
        return self._word_count.get(_canonical(word), 0) <= 2

    def _joined(self, party: _Party, index: int) -> bool:
        """Whether the client's name joins the contact's to another with "and" or "&" (Smith &
        Jones, Ryan, Lee and Hale: a partnership is not one of its partners): it says "and"
        more often than the contact's name does."""
        return party.ands > self._party_of(index).ands

    def _common_word(self, party: _Party) -> str:
        """The client's name when it is one word that several contacts' names hold, which
        says little (Bistro, when the list has The Bistro, Bistro 45 and Bistro Garden)."""
        words = {word for form in party.forms for word in form}
        if len(words) != 1:
            return ""
        (word,) = words
        return word if self._word_count.get(word, 0) >= 3 else ""

    # -- searching by a typed term --

    def _written_of(self, index: int) -> frozenset[str]:
        """Contact `index`'s every word as written, normalised (case, accents, spellings):
        the legal forms, titles and small words that matching sets aside included."""
        plains = self._plains
        plain = plains[index] if plains is not None else _plain(self.contacts[index].name)
        return frozenset(_canonical(word) for word in plain.split())

    def _all_written(self, words: Sequence[str]) -> list[int]:
        """The contacts (in order) whose names, as written, hold each of these normalised
        words (`_written_of`). A word with one spelling only (no `_canonical` of another
        word gives it) is looked for in the names' plain words (`_plain`) as it is; one
        written several ways (Ltd, Limited), as each of its spellings in the names
        (`_spellings_of`)."""
        plain_words = self._searched_texts()[2]
        found: set[int] | None = None
        for word in words:
            if word in _SPELT_SEVERAL_WAYS:
                spellings = self._spellings_of().get(word, ())
                holding = {
                    number
                    for spelling in spellings
                    for number in plain_words.holding(spelling, whole_word=True)
                }
            elif _canonical(word) != word:
                return []  # a word no name's word is written as
            else:
                holding = set(plain_words.holding(word, whole_word=True))
            found = holding if found is None else found & holding
            if not found:
                return []
        return sorted(found or ())

    def search(self, term: str, limit: int = 5) -> list[Candidate]:
        """Contacts whose names hold the term's words (or their starts), best first.

        Quick whatever the term: the contacts sharing a word start, a substring match or a
        close spelling are narrowed to `SEARCHED` in C++ (token set ratio, which scores a name
        holding every typed word as 100) before the careful score.
        """
        words = name_forms(term)[0]
        folded = " ".join(term.casefold().split())
        if not words or len(folded) < 2:
            return []
        plain = " ".join(words)
        chosen: set[int] = set()
        for key in _block_keys(words):
            chosen.update(self._postings.get(key, ()))
        chosen = {self._owners[number] for number in chosen}
        for _, _, position in process.extract(
            " ".join(sorted(words)),
            self._sorted_words,
            scorer=fuzz.ratio,
            limit=self.PRESELECT,
            score_cutoff=50,
        ):
            chosen.add(self._owners[position])
        plains, names, _ = self._searched_texts()
        if len(folded) >= 3:
            chosen.update(sorted({*plains.holding(plain), *names.holding(folded)}))
        # A word matching sets aside (Ltd, Limited, Mr, and) is still a word of the name as
        # written: searching "ltd" finds the names with "Ltd" (or "Limited") in them.
        if len(folded) >= 2:
            chosen.update(self._all_written(words))
        numbers = list(chosen)
        if len(numbers) > self.SEARCHED:
            numbers = [
                numbers[position]
                for _, _, position in process.extract(
                    plain,
                    [plains.lines[index] for index in numbers],
                    scorer=fuzz.token_set_ratio,
                    limit=self.SEARCHED,
                )
            ]
        found = []
        for index in numbers:
            coverage = max(_coverage(words, form) for form in self._forms[index])
            if coverage <= 0 and all(word in self._written_of(index) for word in words):
                coverage = 1.0  # every word typed is in the name as written
            if coverage <= 0:
                continue
            name_score = _best_name_score((words,), self._forms[index])
            score = round(80 * coverage + 0.2 * name_score)
            found.append(Candidate(self.contacts[index], score, score))  # its reason: this score
        found.sort(key=lambda c: (-c.score, c.archived, c.contact.name.casefold()))
        return found[:limit]

    # -- duplicates among the contacts --

    def duplicates(self, threshold: int = DEFAULT_THRESHOLD) -> list[list[XeroContact]]:
        """Groups of active contacts that look like one business, largest first."""
        parent = list(range(len(self.contacts)))

        def root(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for index, contact in enumerate(self.contacts):
            if contact.archived:
                continue
            party = _party(contact.name, contact.email, "")
            for candidate in self._rank(party, self.PRESELECT, exclude=index):
                if candidate.archived or candidate.score < threshold:
                    continue
                other = self._by_id[candidate.contact.contact_id]
                parent[root(other)] = root(index)
        groups: dict[int, list[XeroContact]] = defaultdict(list)
        for index, contact in enumerate(self.contacts):
            if not contact.archived:
                groups[root(index)].append(contact)
        found = [
            sorted(group, key=lambda c: c.name.casefold())
            for group in groups.values()
            if len(group) > 1
        ]
        found.sort(key=lambda group: (-len(group), group[0].name.casefold()))
        return found


#: The characters of a plain name (`_plain_names`): ASCII that `_plain` repairs nothing in, no
#: bracket (`_PARENTHESES`); each other byte is 0 in `_NOT_PLAIN_BYTES`.
_PLAIN_CHARACTERS = frozenset(range(0x20, 0x7F)) - set(b'(~{}[]^_|\\*#$%<>=;`@"?')
_NOT_PLAIN_BYTES = bytes(
    1 if byte in _PLAIN_CHARACTERS or byte == 0x0A else 0 for byte in range(256)
)
#: `_SEPARATORS` in a plain name, byte by byte: what is not a letter or digit is a space.
_SPACES_BYTES = (
    bytes(byte if chr(byte).isalnum() or byte == 0x0A else 0x20 for byte in range(128)) + b" " * 128
)


def _plain_names(names: Sequence[str]) -> tuple[list[str], list[bool]]:
    """`_plain` of each name, and whether the name is plain: ASCII, nothing to repair, no
    bracket, no "t/a" (then `name_forms` reads it as its words alone). The plain names are
    made together, as one text of bytes (a few thousandths of a second for 50,000 names,
    against a tenth one by one)."""
    if not names:
        return [], []
    lines = list(names)
    joined = "\n".join(lines)
    if joined.count("\n") != len(names) - 1:  # a line break in a name: it is not plain
        lines = [name if "\n" not in name else "\x00" for name in names]
        joined = "\n".join(lines)
    starts = list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))
    # One byte a character: what is not ASCII is "?", which is not plain either.
    data = joined.encode("ascii", "replace").lower()
    plain = [True] * len(names)
    marked = data.translate(_NOT_PLAIN_BYTES)
    for piece, text in ((b"\x00", marked), (b"t/a", data), (b"trading", data)):
        # each line holding it (a "t/a" or "trading": perhaps a trading name, `_TRADING_AS`)
        position = text.find(piece)
        while position >= 0:
            number = bisect.bisect_right(starts, position) - 1
            plain[number] = False
            if number == len(starts) - 1:
                break
            position = text.find(piece, starts[number + 1])
    data = data.replace(b"'", b"").replace(b"&", b" and ").replace(b"+", b" and ")
    data = data.translate(_SPACES_BYTES)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    made = data.decode("ascii").split("\n")
    return [
        line if simple else _plain(name)
        for line, simple, name in zip(made, plain, names, strict=True)
    ], plain


def _forms_of_names(
    names: Sequence[str], plains: Sequence[str], plain: Sequence[bool]
) -> list[NameForms]:
    """`name_forms` of each name (`plains` and `plain` as `_plain_names` gives them), at a
    third of the cost for the plain ones: their words are read straight from the plain text,
    and the rules of `_words`, `_tokens`, `_cut_at_legal_form` and `name_forms` applied to
    the words as they are. A name with a single letter or a legal form run into a word
    (which `_words` joins or splits), or not plain, goes to `name_forms` itself.
    tests/unit/domain/test_domain_matching.py holds the two equal."""
    spelling: dict[str, str] = {}  # a plain word -> its one spelling; "": `_words` rewrites it
    found: list[NameForms] = []
    for name, line, simple in zip(names, plains, plain, strict=True):
        if not simple:
            found.append(name_forms(name))
            continue
        words = line.split()
        try:
            spelt = [spelling[word] for word in words]
        except KeyError:
            for word in words:
                if word not in spelling:
                    spelling[word] = "" if _rewritten(word) else _canonical(word)
            spelt = [spelling[word] for word in words]
        if "" in spelt:
            found.append(name_forms(name))
            continue
        whole = _tokens_of(spelt)
        forms = [whole]
        if len(spelt) > 2 and not _LEGAL.isdisjoint(spelt[1:-1]):
            for position in range(1, len(spelt) - 1):
                if spelt[position] in _LEGAL:  # `_cut_at_legal_form`
                    forms.append(_tokens_of(spelt[: position + 1]))
                    break
        for size in range(2, len(whole) // 2 + 1):
            if whole[:size] == whole[size : 2 * size]:
                forms.append(whole[size:])
                break
        if len(forms) == 1:
            found.append((whole,) if whole else ((),))
        else:
            found.append(tuple(dict.fromkeys(form for form in forms if form)) or ((),))
    return found


def _tokens_of(spelt: list[str]) -> tuple[str, ...]:
    """`_tokens` of a text whose words, each as `_canonical` spells it, are these (and that
    `_words` reads as they are: no initials to join, no legal form to split off)."""
    kept = [word for word in spelt if word not in _NOISE] or spelt
    while len(kept) > 1 and kept[0] in _TITLES:
        kept = kept[1:]
    return tuple([word for word in kept if word not in _LEGAL] or kept)


def _rewritten(word: str) -> bool:
    """Whether `_words` writes this plain word otherwise than as it is: a single letter (an
    initial, joined to the next) or a legal form run into initials (DSMNV)."""
    if len(word) == 1:
        return word.isalpha()
    return len(word) >= 4 and word[-2:] in _LEGAL and not any(c in "aeiou" for c in word[:-2])


def _postings(
    forms_of: Sequence[NameForms],
) -> tuple[list[int], list[str], dict[str, list[int]], dict[str, int]]:
    """What `ContactIndex` looks names up by, from each contact's forms: each form's contact,
    each form's words sorted and joined, each block key -> the forms it is a key of (each
    once, in order; `_block_keys`), and each word -> how many contacts' names hold it.

    Made word by word rather than form by form (the forms holding each word, then each
    word's keys over those): the same lists, in a third of the time for 50,000 contacts."""
    owners = [index for index, forms in enumerate(forms_of) for _ in forms]
    every = [form for forms in forms_of for form in forms]
    keys = [" ".join(sorted(form)) for form in every]
    holding: dict[str, list[int]] = defaultdict(list)  # word -> its forms (a form twice: twice)
    whole: dict[str, list[int]] = defaultdict(list)  # a key of a whole form -> those forms
    for number, form in enumerate(every):
        for word in form:
            holding[word].append(number)
    by_key: dict[str, list[list[int]]] = defaultdict(list)
    word_count: dict[str, int] = {}
    keyless = set()  # the words with no key of their own
    for word, numbers in holding.items():
        if len(set(numbers)) != len(numbers):  # a word twice in one form
            numbers = list(dict.fromkeys(numbers))
        word_keys = _word_keys(word)
        for key in word_keys:
            by_key[key].append(numbers)
        if not word_keys:
            keyless.add(word)
        word_count[word] = len(set(map(owners.__getitem__, numbers)))
    for number, form in enumerate(every):
        size = len(form)
        if size >= 3:
            whole["^" + "".join([word[0] for word in form])].append(number)  # its initials
        elif size == 2 and form[0] in keyless and form[1] in keyless:
            whole["".join(form)[:4]].append(number)  # only initials: A & B Ltd meets AB Ltd
    for key, numbers in whole.items():
        by_key[key].append(numbers)
    postings = {
        key: lists[0] if len(lists) == 1 else sorted(set().union(*lists))
        for key, lists in by_key.items()
    }
    return owners, keys, postings, word_count


def _pick(items: Sequence[str], positions: Sequence[int]) -> Sequence[str]:
    """`[items[p] for p in positions]`, in C."""
    if len(positions) == 1:
        return [items[positions[0]]]
    return itemgetter(*positions)(items) if positions else []


def _cores() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


#: How much lower the priority of processes ranking in the background is (`os.nice`): a
#: person's keys come first.
BACKGROUND_NICENESS = 10

#: A candidate as a forked process sends it back: the contact's position, its score, name
#: score, evidence, share found and letters alike.
_Compact = tuple[int, int, int, tuple[str, ...], int, int, int]

#: The index and clients a forked ranking process works on (set in the parent around the fork).
_FORKED: tuple[ContactIndex, Sequence[Client]] | None = None


def _worker_start(niceness: int = 0) -> None:
    """A ranking worker leaves Ctrl-C to its parent (which stops it), printing nothing; one
    ranking in the background while a person works yields the cores to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _FORKED is not None:
        _FORKED[0]._build_letters = True  # it ranks many: the whole index pays
    if niceness:
        os.nice(niceness)


def _slices(count: int, limit: int, sizes: Sequence[int]) -> list[tuple[int, int, int]]:
    """(start, stop, limit) over `count` clients: slices of `sizes` in turn, the last size
    for the rest."""
    out = []
    start = 0
    for number in itertools.count():
        if start >= count:
            break
        stop = min(count, start + sizes[min(number, len(sizes) - 1)])
        out.append((start, stop, limit))
        start = stop
    return out


def _rank_slice(work: tuple[int, int, int]) -> list[list[_Compact]]:
    """In a forked process: rank a slice of the clients; plain tuples go back, not contacts."""
    start, stop, limit = work
    assert _FORKED is not None
    index, clients = _FORKED
    return [index._compact(index.rank(client, limit)) for client in clients[start:stop]]


def _coverage(words: Sequence[str], form: Sequence[str]) -> float:
    """How much of a search term's words the name holds, 0 to 1."""
    matched, _, whole, _, _ = _alignment(words, form)
    return matched / whole if whole else 0.0


def _block_keys(form: Sequence[str], known: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """The keys a form is indexed under: each word's (`_word_keys`; `known` keeps them by
    word while the index is built), its initials when it has three words or more, and for a
    name of initials only, the initials run together."""
    keys: set[str] = set()
    for word in form:
        if known is None:
            keys.update(_word_keys(word))
        else:
            found = known.get(word)
            if found is None:
                found = known[word] = _word_keys(word)
            keys.update(found)
    if len(form) >= 3:
        keys.add("^" + "".join(word[0] for word in form))
    if not keys and len(form) > 1:
        keys.add("".join(form)[:4])  # only initials: A & B Ltd meets AB Ltd
    return keys


def _word_keys(word: str) -> tuple[str, ...]:
    """A word's block keys, in the order they are added: its first four letters, its last
    four (6 letters or more), and the word itself marked as a possible acronym (6 letters or
    fewer, letters only: an acronym meets the initials of a name)."""
    if len(word) < 2 or word in _NOISE:
        return ()
    keys = [word[:4]]
    if len(word) >= 6:
        keys.append("~" + word[-4:])
    if len(word) <= 6 and word.isalpha():
        keys.append("^" + word)
    return tuple(keys)


def _trigrams(text: str) -> set[str]:
    joined = text.replace(" ", "")
    return {joined[i : i + 3] for i in range(len(joined) - 2)}


_NONE: frozenset[str] = frozenset()
_NO_FIGURES: tuple[frozenset[str], frozenset[str]] = (_NONE, _NONE)


def _numbers(contact: XeroContact) -> frozenset[str]:
    """The contact's ContactNumber and AccountNumber, as a client's reference is compared."""
    if not (contact.contact_number or contact.account_number):
        return _NONE
    return frozenset(
        number.strip().casefold()
        for number in (contact.contact_number, contact.account_number)
        if number and number.strip()
    )


#: A number that stands as a word of its own (Flat 4, 12 Grove Road, Phase 2), and any run
#: of digits (Unit4, 1st).
_STANDALONE_NUMBER = re.compile(r"(?<![^\W_])\d+(?![^\W_])")
_DIGIT_RUN = re.compile(r"\d+")


_JOINTS = re.compile(r"[^\W_]+|[,&+]")


@lru_cache(maxsize=1 << 14)
def _joints(name: str) -> tuple[tuple[str, str, str], ...]:
    """Each "and", "&", "+" or comma in a name, with the words either side of it (in their
    one spelling, `_canonical`)."""
    tokens = [
        token if token in ",&+" else _canonical(token)
        for token in _JOINTS.findall(_plain_case(name))
    ]
    return tuple(
        (tokens[i - 1], token, tokens[i + 1])
        for i, token in enumerate(tokens)
        if token in (",", "&", "+", "and") and 0 < i < len(tokens) - 1
    )


def _plain_case(name: str) -> str:
    """The name in lower case, accents off, apostrophes gone, punctuation kept."""
    text = _repair(name).casefold()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _APOSTROPHES.sub("", text)


def _joins_apart(name: str, words: set[str]) -> bool:
    """Whether "and", "&" or "+" joins a word of `words` to a word not of them in the name, or
    a comma does in a name that says "and" (a list of partners: Padley, Terrow and Hexham)."""
    joints = _joints(name)
    listed = any(joint != "," for _, joint, _ in joints)
    return any(
        (left in words) != (right in words)
        and left not in ",&+"
        and right not in ",&+"
        and (joint != "," or listed)
        for left, joint, right in joints
    )


def _before_comma(name: str, word: str) -> bool:
    """Whether a comma follows this word in the name (Chicago Public Schools Kohn, Alfred)."""
    return any(left == word and joint == "," for left, joint, _ in _joints(name))


def _at_after(name: str, contact: Sequence[str]) -> bool:
    """Whether "at" follows the contact's last word in the name (La Grotta at Ravinia)."""
    spelt = _spellings(name)
    return any(
        word == contact[-1] and spelt[i + 1 : i + 2] == ("at",) for i, word in enumerate(spelt)
    )


def _figures(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers of a name (leading zeros off): those standing as words, and every run of
    digits."""
    if not any(c.isdigit() for c in name):
        return _NO_FIGURES
    return (
        frozenset(n.lstrip("0") or "0" for n in _STANDALONE_NUMBER.findall(name)),
        frozenset(n.lstrip("0") or "0" for n in _DIGIT_RUN.findall(name)),
    )


def _other_number(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], ...]) -> bool:
    """Whether two names that both carry numbers carry other ones: Flat 4 and Flat 5
    Management, Phase 2 and Phase 3 Developments, Unit4 and Unit5. A number in one name
    only is not counted: in real lists it is mostly an address or a note added to the name
    (University of Surrey 5; Rachel's Learning Center #2), or a letter mistyped (and1Sauer)."""
    return bool(a[1] and b[1] and a != b)


def _evidence(party: _Party, contact: _Party) -> tuple[str, ...]:
    found = []
    if party.reference and party.reference in contact.numbers:
        found.append(REFERENCE)
    if party.email and contact.email:
        if contact.email == party.email:
            found.append(EMAIL)
        elif party.domain and contact.domain:
            found.append(DOMAIN if contact.domain == party.domain else OTHER_DOMAIN)
    forms, others = party.forms_of_business, contact.forms_of_business
    if forms and others and not forms & others:
        found.append(OTHER_FORM)  # Gaylord Inc for Gaylord Ltd
    if party.figures[1] and contact.figures[1] and _other_number(party.figures, contact.figures):
        found.append(OTHER_NUMBER)  # Flat 4 Management for Flat 5 Management
    return tuple(found)


# -- deciding ---------------------------------------------------------------------------------


#: `--auto` also links a candidate under the threshold, down to LEAD_BELOW points under it,
#: whose whole name is in the client's (WHOLE_NAME: a typo, a department or a place more),
#: whose words are the client's but for typos (MISSPELT), or whose name begins or ends the
#: client's with a word or two more (AT_AN_END, unless a branch of it is a candidate too),
#: when it is far enough ahead of the next active one: `margin`, and LEAD points more for
#: each point under the threshold, but never more than FAR_AHEAD (at 88, 10 ahead; at 86,
#: 14; from 85 down to 75, 15).
LEAD_BELOW = 15
LEAD = 2.33
#: `--auto` links a candidate whose name, in no other contact's, begins the client's
#: (DISTINCT_START) down to DISTINCT_BELOW points under the threshold, when it is twice the
#: margin ahead of the next active one.
DISTINCT_BELOW = 30

#: Far ahead of the next active candidate: `--auto` links a candidate whose name is the
#: client's but for a letter or two (CLOSE_LETTERS) this far ahead, whatever its score; one
#: whose name is the client's with a word or two more (BEGINS_MORE), down to LEAD_BELOW
#: points under the threshold; and WHOLE_NAME, MISSPELT and AT_AN_END never need more.
FAR_AHEAD = 15

#: Words that name another entity than the trading company (Acme Holdings, the Acme Trust).
_OTHER_ENTITY = frozenset({"hldgs", "holding", "trust", "trustees"})


def auto_choice(
    candidates: Sequence[Candidate],
    threshold: int = DEFAULT_THRESHOLD,
    margin: int = AUTO_MARGIN,
) -> Candidate | None:
    """The candidate `--auto` links, or None to leave the client for a person.

    The best active candidate must score at least `threshold` and be at least `margin` points
    ahead of the next active one, or be the only one of the two that carries the client's
    reference or email address; or score at least `threshold - LEAD_BELOW`, have its whole
    name in the client's, the client's words but for typos, or its name at an end of the
    client's (and no branch of it among the candidates), and be `margin` and `LEAD` points
    a point under ahead (`FAR_AHEAD` at most); or be named as the client with a word or two
    more (`BEGINS_MORE`), or as the client but for a letter or two (`CLOSE_LETTERS`), and be
    `FAR_AHEAD` points ahead: however close to the client's name, a candidate is linked under
    the threshold only when nothing else in the list comes near it.
    Archived contacts never count: they cannot be linked.
    """
    active = _rivals([candidate for candidate in candidates if not candidate.archived])
    if not active:
        return None
    best = active[0]
    if OTHER_NUMBER in best.evidence:  # another business, however alike (Flat 4, Flat 5)
        return None
    twin = _twin(best, active)
    if twin is not None and not (_strong(best) and not _strong(twin)):
        return None
    ahead = best.score - active[1].score if len(active) > 1 else best.score
    if best.score < threshold:
        under = threshold - best.score
        distinct = DISTINCT_START in best.evidence or BEGINS_DISTINCT in best.evidence
        if distinct and under <= DISTINCT_BELOW and ahead >= 2 * margin:
            return best
        if CLOSE_LETTERS in best.evidence and ahead >= FAR_AHEAD:
            return best
        if (INITIALS in best.evidence or SPELT_INITIALS in best.evidence) and ahead >= FAR_AHEAD:
            return best
        first = ONE_WORD_FIRST in best.evidence and COMMON_WORD not in best.evidence
        if first and under <= DISTINCT_BELOW and ahead >= FAR_AHEAD:
            return best if not _has_branch(best, candidates) else None
        more = BEGINS_MORE in best.evidence and COMMON_WORD not in best.evidence
        if more and under <= LEAD_BELOW and ahead >= FAR_AHEAD:
            return best
        among = AMONG in best.evidence or AMONG_NEAR in best.evidence
        if among and best.score >= AMONG_FROM and not _has_variant(best, candidates):
            # ahead of the next candidate holding any of the client's words: one alike only
            # letter for letter (Intelliden for Intel K.K) is no other name for it
            rivals = [c for c in active[1:] if c.shared]
            lead = best.score - rivals[0].score if rivals else best.score
            if lead >= (FAR_AHEAD if AMONG_NEAR in best.evidence else margin):
                return best
        why = WHOLE_NAME in best.evidence or MISSPELT in best.evidence
        if AT_AN_END in best.evidence:
            why = not _has_branch(best, candidates)
        leads = why and ahead >= min(margin + LEAD * under, max(margin, FAR_AHEAD))
        return best if leads and under <= LEAD_BELOW else None
    if ahead < margin:
        # Scores stop at 100: between near twins, the client's reference or its exact email
        # address on one of them alone decides.
        if _strong(best) and not _strong(active[1]):
            return best
        return None
    return best


def _has_branch(best: Candidate, candidates: Sequence[Candidate]) -> bool:
    """Whether another of these candidates (those ranked for the client) is named as the
    best with words more before or after it (University of California Berkeley beside
    University of California): the list names branches of it, so that the client's own words
    more (Irvine) may name one it lacks."""
    name = name_forms(best.contact.name)[0]
    return any(
        _branch(name_forms(other.contact.name)[0], name)
        for other in candidates
        if other is not best
    )


def _has_variant(best: Candidate, candidates: Sequence[Candidate]) -> bool:
    """Whether another of these candidates' names holds every word of the best's and others
    (Harcourt Dental Leeds or Leeds Harcourt Dental beside Harcourt Dental, Tessaly Institute of
    Marine Robotics beside Tessaly Institute of Robotics): a branch or a sibling of it, so that
    the client's own words more may name another the list lacks."""
    name = set(name_forms(best.contact.name)[0])
    return any(
        name < set(name_forms(other.contact.name)[0]) for other in candidates if other is not best
    )


def _twin(best: Candidate, active: Sequence[Candidate]) -> Candidate | None:
    """The first other of these active candidates whose name is the best's once normalised
    (`normalise`): a Xero with duplicate contacts (Acme Plumbing (North) beside Acme Plumbing
    North, Gist-Brocades N.V., Delft beside Gist Brocades Delft). Names cannot tell them
    apart, however their scores differ (a form of one, without its brackets or up to its
    legal form, may be the client's very name), so `--auto` links neither, unless the
    client's damaged name tells them apart (`_told`)."""
    name = name_forms(best.contact.name)[0]
    return next(
        (
            c
            for c in active
            if c is not best and name_forms(c.contact.name)[0] == name and not _told(best, c)
        ),
        None,
    )


def _rivals(active: list[Candidate]) -> list[Candidate]:
    """The active candidates, without those of the best's name that the client's damaged
    name tells from it (`_told`): they are not its runners-up."""
    if not active or DAMAGED_ONLY not in active[0].evidence:
        return active
    best = active[0]
    name = name_forms(best.contact.name)[0]
    return [
        c
        for c in active
        if c is best or not (name_forms(c.contact.name)[0] == name and _told(best, c))
    ]


def _told(best: Candidate, twin: Candidate) -> bool:
    """Whether the client's damaged name tells the best from a twin of its name: every
    difference from the best's is at a damaged character, and the twin's differs elsewhere
    too (Gaylord _nc is Gaylord Inc, not Gaylord Ltd)."""
    return DAMAGED_ONLY in best.evidence and not {DAMAGED_ONLY, DAMAGED_SLIP} & set(twin.evidence)


def _strong(candidate: Candidate) -> bool:
    return REFERENCE in candidate.evidence or EMAIL in candidate.evidence


#: Why `--auto` left a client for a person, as scripts read it (`contacts match --auto
#: --json`): no candidate at all; only archived ones; the best under the threshold; the best
#: not far enough ahead of the runner-up. (The service adds `contact_taken`: the contact
#: chosen is linked to another client.)
NO_CANDIDATE = "no_candidate"
ONLY_ARCHIVED = "only_archived"
BELOW_THRESHOLD = "below_threshold"
TOO_CLOSE = "too_close"


@dataclass(frozen=True, slots=True)
class Left:
    """Why `auto_choice` picked nobody: a stable code, the same in a few words, and the
    runner-up the best was too close to (for `too_close`)."""

    code: str
    why: str
    runner_up: Candidate | None = None


def left_reason(
    candidates: Sequence[Candidate],
    threshold: int = DEFAULT_THRESHOLD,
    margin: int = AUTO_MARGIN,
) -> Left:
    """Why `auto_choice` picked nobody among these candidates."""
    active = _rivals([candidate for candidate in candidates if not candidate.archived])
    if not candidates:
        return Left(NO_CANDIDATE, "no Xero contact looks like it")
    if not active:
        name = candidates[0].contact.name
        return Left(ONLY_ARCHIVED, f"the best match, {name}, is archived in Xero")
    best = active[0]
    twin = _twin(best, active)
    ahead = best.score - active[1].score if len(active) > 1 else best.score
    if twin is not None and (best.score < threshold or ahead >= margin):
        words = name_forms(best.contact.name)[0]
        alone = [c for c in active if c is best or name_forms(c.contact.name)[0] != words]
        if auto_choice(alone, threshold, margin) is best:  # but for its twin, linked
            return Left(
                TOO_CLOSE,
                f"{best.contact.name} ({best.score}) and {twin.contact.name} ({twin.score}) "
                "have the same name",
                twin,
            )
    if best.score < threshold:
        return Left(BELOW_THRESHOLD, f"best match scores {best.score}, under {threshold}")
    if len(active) == 1:  # a threshold under the margin, and a score between them
        return Left(TOO_CLOSE, f"best match scores {best.score}, less than {margin} above none")
    second = active[1]
    return Left(
        TOO_CLOSE,
        f"{best.contact.name} ({best.score}) and {second.contact.name} ({second.score}) "
        f"are less than {margin} apart",
        second,
    )


def why_left(
    candidates: Sequence[Candidate],
    threshold: int = DEFAULT_THRESHOLD,
    margin: int = AUTO_MARGIN,
) -> str:
    """Why `auto_choice` picked nobody, in a few words."""
    return left_reason(candidates, threshold, margin).why

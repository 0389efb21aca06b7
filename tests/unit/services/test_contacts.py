"""Linking clients to Xero contacts: by hand, automatically, and in a match session."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest

from socketcli.domain.errors import Conflict, InvalidInput, NotFound, StoreNotReady
from socketcli.domain.links import LinkStatus
from socketcli.domain.matching import Candidate, ContactIndex, NameForms, name_forms
from socketcli.domain.months import Month
from socketcli.domain.records import XeroContact
from socketcli.services.clients import close_client
from socketcli.services.contacts import (
    Book,
    MatchSession,
    auto_match,
    choose_new_contact,
    duplicate_contacts,
    link,
    list_links,
    unlink,
)
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.unit.services.given import a_client, the_client, xero_contacts

CONTACTS = (
    XeroContact("c-acme", "Acme Limited", "accounts@acme.co.uk", contact_number="ACME"),
    XeroContact("c-beta", "Beta Bakery Ltd", "hello@betabakery.co.uk"),
    XeroContact("c-cobb1", "Cobb and Co"),
    XeroContact("c-cobb2", "Cobb & Co Ltd"),
    XeroContact("c-dove-old", "Dove Design", status="ARCHIVED", merged_to="c-dove"),
    XeroContact("c-dove", "Dove Design Studio Ltd"),
    XeroContact("c-mill", "Old Mill Farm", status="ARCHIVED"),
    XeroContact("c-zen", "Zenith Holdings"),
)


@pytest.fixture
def practice(store: FakeStore) -> FakeStore:
    """Six clients, one linked to a contact that Xero merged into another since, and the
    mirror of the organisation's contacts."""
    a_client(store, "ACME", "Acme Ltd")
    a_client(store, "BETA", "Beta Bakery", email="hello@betabakery.co.uk")
    a_client(store, "COBB", "Cobb & Co")
    a_client(store, "DOVE", "Dove Design")
    a_client(store, "MILL", "Old Mill Farm")
    a_client(store, "EAST", "Eastwood Garage")
    xero_contacts(store, *CONTACTS[:4], XeroContact("c-dove-old", "Dove Design"), *CONTACTS[5:])
    link(store.open, "DOVE", "c-dove-old")
    xero_contacts(store, CONTACTS[4])  # then merged in Xero
    return store


def linked(store: FakeStore) -> dict[str, str | None]:
    return {c.reference: c.xero_contact_id for c in store.view().clients.all()}


def test_a_client_is_linked_to_a_contact_named_whatever_the_case(practice: FakeStore) -> None:
    outcome = link(practice.open, "Cobb & Co", "cobb AND co")

    client = the_client(practice, "COBB")
    assert (client.xero_contact_id, client.xero_contact_name) == ("c-cobb1", "Cobb and Co")
    assert outcome.client == client


def test_a_contact_can_be_named_by_its_contact_number(practice: FakeStore) -> None:
    link(practice.open, "ACME", "ACME")

    assert the_client(practice, "ACME").xero_contact_id == "c-acme"


@pytest.mark.parametrize(
    ("contact", "error", "complaint"),
    [
        ("Old Mill Farm", Conflict, "archived in Xero"),
        ("c-dove-old", Conflict, "merged into 'Dove Design Studio Ltd'"),
        ("Cobb Company", NotFound, "did you mean"),
        (" ", InvalidInput, "empty"),
    ],
)
def test_a_contact_that_cannot_be_linked_leaves_the_client_as_it_was(
    practice: FakeStore, contact: str, error: type[Exception], complaint: str
) -> None:
    before = linked(practice)

    with pytest.raises(error, match=complaint):
        link(practice.open, "MILL", contact)

    assert linked(practice) == before


def test_a_contact_linked_to_another_client_is_shared_only_when_asked(
    practice: FakeStore,
) -> None:
    link(practice.open, "ACME", "Zenith Holdings")

    with pytest.raises(Conflict, match="already linked to ACME"):
        link(practice.open, "BETA", "Zenith Holdings")
    assert the_client(practice, "BETA").xero_contact_id is None
    outcome = link(practice.open, "BETA", "Zenith Holdings", shared=True)

    assert [c.reference for c in outcome.shared_with] == ["ACME"]
    assert the_client(practice, "BETA").xero_contact_id == "c-zen"


def test_nothing_can_be_linked_before_the_first_sync(store: FakeStore) -> None:
    a_client(store, "ACME", "Acme Ltd")

    with pytest.raises(StoreNotReady, match="socket sync"):
        link(store.open, "ACME", "Acme Limited")


def test_unlinking_forgets_the_contact_and_an_unlinked_client_cannot_be_unlinked(
    practice: FakeStore,
) -> None:
    unlink(practice.open, "DOVE")

    client = the_client(practice, "DOVE")
    assert (client.xero_contact_id, client.xero_contact_name) == (None, None)
    with pytest.raises(Conflict, match="is not linked"):
        unlink(practice.open, "DOVE")


def test_choosing_a_new_contact_unlinks_the_client_and_marks_it_new(practice: FakeStore) -> None:
    choose_new_contact(practice.open, "DOVE")

    client = the_client(practice, "DOVE")
    assert (client.xero_contact_id, client.new_xero_contact) == (None, True)


def test_the_list_shows_each_clients_link_and_who_is_waiting_for_a_decision(
    practice: FakeStore, clock: FakeClock
) -> None:
    link(practice.open, "ACME", "Acme Limited")
    choose_new_contact(practice.open, "EAST")
    close_client(practice.open, "COBB", Month(2026, 11))  # not billed in December

    listed = list_links(practice.open, clock)

    assert {item.client.reference: item.link.status for item in listed.links} == {
        "ACME": LinkStatus.LINKED,
        "BETA": LinkStatus.UNLINKED,
        "COBB": LinkStatus.UNLINKED,
        "DOVE": LinkStatus.MERGED,
        "EAST": LinkStatus.NEW,
        "MILL": LinkStatus.UNLINKED,
    }
    assert listed.waiting == {"BETA", "DOVE", "MILL"}
    numbers = {item.client.reference: item.contact_number for item in listed.links}
    assert (numbers["ACME"], numbers["DOVE"], numbers["BETA"]) == ("ACME", None, None)


def test_auto_match_links_the_confident_matches_and_says_why_it_left_the_others(
    practice: FakeStore, clock: FakeClock
) -> None:
    report = auto_match(practice.open, clock)

    assert {(a.client.reference, a.candidate.contact.contact_id) for a in report.linked} == {
        ("ACME", "c-acme"),  # its reference is the contact's ContactNumber
        ("BETA", "c-beta"),  # the same email address
        ("DOVE", "c-dove"),  # where Xero merged its contact
    }
    assert {left.client.reference: left.why for left in report.left} == {
        "COBB": "Cobb and Co (100) and Cobb & Co Ltd (100) are less than 5 apart",
        "EAST": "no Xero contact looks like it",
        "MILL": "the best match, Old Mill Farm, is archived in Xero",
    }
    assert linked(practice) == {
        "ACME": "c-acme",
        "BETA": "c-beta",
        "COBB": None,
        "DOVE": "c-dove",
        "EAST": None,
        "MILL": None,
    }


def test_a_dry_run_of_auto_match_writes_nothing(practice: FakeStore, clock: FakeClock) -> None:
    before, commits = linked(practice), practice.commits

    report = auto_match(practice.open, clock, dry_run=True)

    assert len(report.linked) == 3
    assert (linked(practice), practice.commits) == (before, commits)


def test_auto_match_never_links_a_contact_another_client_has(
    practice: FakeStore, clock: FakeClock
) -> None:
    link(practice.open, "EAST", "Acme Limited")

    report = auto_match(practice.open, clock)

    assert {left.client.reference: left.why for left in report.left}["ACME"] == (
        "Acme Limited is linked to EAST"
    )
    assert the_client(practice, "ACME").xero_contact_id is None


def test_each_client_left_by_auto_match_carries_a_code_for_scripts(
    practice: FakeStore, clock: FakeClock
) -> None:
    """Scripts tell a low score from a near tie or a taken contact by the code, not the prose:
    a near tie names its runner-up, a taken contact the client that has it."""
    a_client(practice, "ZEN1", "Zenith Holdings")
    a_client(practice, "ZEN2", "Zenith Holdings Group")  # 92: but ZEN1 (100) took it first
    a_client(practice, "ZEN3", "Zenith Travel")  # 53
    a_client(practice, "WAVE", "Wave Studio")
    xero_contacts(practice, XeroContact("c-wave", "Wave Studio"))
    link(practice.open, "WAVE", "c-wave")
    xero_contacts(practice, XeroContact("c-wave", "Wave Studio", status="ARCHIVED"))

    report = auto_match(practice.open, clock, dry_run=True)

    left = {item.client.reference: item for item in report.left}
    assert {reference: item.code for reference, item in left.items()} == {
        "COBB": "too_close",
        "EAST": "no_candidate",
        "MILL": "only_archived",
        "ZEN2": "contact_taken",
        "ZEN3": "below_threshold",
        "WAVE": "contact_archived",
    }
    cobb = left["COBB"]
    assert cobb.best is not None
    assert cobb.runner_up is not None
    # tied: Cobb and Co is the client's name letter for letter
    assert (cobb.best.contact.contact_id, cobb.runner_up.contact.contact_id) == (
        "c-cobb1",
        "c-cobb2",
    )
    assert (left["ZEN2"].taken_by, left["ZEN2"].why) == (
        "ZEN1",
        "Zenith Holdings goes to ZEN1 in this run",
    )
    assert left["ZEN3"].why == "best match scores 53, under 90"
    assert [item.taken_by for item in left.values() if item.code != "contact_taken"] == [None] * 5
    assert [r for r, item in left.items() if item.runner_up is not None] == ["COBB"]
    assert ("ZEN1", "c-zen") in {
        (a.client.reference, a.candidate.contact.contact_id) for a in report.linked
    }


def test_a_contact_linked_before_the_run_names_its_client_as_taken_by(
    practice: FakeStore, clock: FakeClock
) -> None:
    link(practice.open, "EAST", "Acme Limited")

    report = auto_match(practice.open, clock, dry_run=True)

    acme = {left.client.reference: left for left in report.left}["ACME"]
    assert (acme.code, acme.taken_by) == ("contact_taken", "EAST")


def test_the_duplicate_report_groups_active_contacts_that_look_alike(practice: FakeStore) -> None:
    groups = duplicate_contacts(practice.open)

    assert [[c.contact_id for c in group] for group in groups] == [["c-cobb2", "c-cobb1"]]


def test_a_match_session_walks_the_waiting_clients_and_commits_each_decision(
    practice: FakeStore, clock: FakeClock
) -> None:
    session = MatchSession(practice.open, clock, order="name")
    names = [session.item(i).client.reference for i in range(len(session))]
    cobb = session.item(names.index("COBB"))

    session.link(cobb.client, cobb.candidates[0].contact)
    session.choose_new(session.item(names.index("EAST")).client)

    assert names == ["ACME", "BETA", "COBB", "DOVE", "EAST", "MILL"]
    assert the_client(practice, "COBB").xero_contact_id == "c-cobb1"
    assert the_client(practice, "EAST").new_xero_contact
    assert session.others_linked(the_client(practice, "ACME"), cobb.candidates[0].contact) == [
        the_client(practice, "COBB")
    ]


def test_a_match_session_writes_each_decision_through_the_writer_it_is_given(
    practice: FakeStore, clock: FakeClock
) -> None:
    """`contacts match` on a SQLite file gives the session a lighter writer: every decision
    goes through it (none through a unit of work of the store), with the same checks."""
    opened: list[str] = []

    def write() -> FakeUnitOfWork:
        opened.append("write")
        return practice.open(write=True)

    def no_store(**_: object) -> FakeUnitOfWork:
        raise AssertionError("a decision was written through the store's unit of work")

    session = MatchSession(no_store, clock, "name", read=practice.read, write=write)
    names = [session.item(i).client.reference for i in range(len(session))]
    cobb, beta = session.item(names.index("COBB")), session.item(names.index("BETA"))
    session.link(cobb.client, cobb.candidates[0].contact)
    with pytest.raises(Conflict, match="already linked to COBB"):
        session.link(beta.client, cobb.candidates[0].contact)
    session.link(beta.client, cobb.candidates[0].contact, shared=True)
    session.choose_new(session.item(names.index("EAST")).client)

    assert opened == ["write"] * 4
    assert the_client(practice, "COBB").xero_contact_id == "c-cobb1"
    assert the_client(practice, "BETA").xero_contact_id == "c-cobb1"
    assert the_client(practice, "EAST").new_xero_contact


def test_two_businesses_in_the_same_country_domain_are_not_offered_for_each_other(
    store: FakeStore, clock: FakeClock
) -> None:
    a_client(store, "BETA", "Beta Bakery", email="hello@betabakery.de")
    xero_contacts(
        store,
        XeroContact("c-beta", "Beta Bakery GmbH", "office@betabakery.de"),
        XeroContact("c-zen", "Zenith Holdings", "accounts@zenith.de"),
    )

    [item] = MatchSession(store.open, clock).items

    assert [c.contact.contact_id for c in item.candidates] == ["c-beta"]


def test_a_match_session_in_an_unknown_order_is_refused(
    practice: FakeStore, clock: FakeClock
) -> None:
    with pytest.raises(InvalidInput, match="order 'random'"):
        MatchSession(practice.open, clock, order="random")


@pytest.mark.parametrize(
    ("forked", "ranked_here"), [(False, 64), (True, 0), (True, 3), (True, 7), (True, 64)]
)
def test_a_session_in_the_best_order_shows_the_sure_matches_before_every_client_is_ranked(
    store: FakeStore,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    forked: bool,
    ranked_here: int,
) -> None:
    """A client whose best candidate scores 100 is among the best whatever the others score:
    the walk starts with it while the rest are ranked, and ends in the order that ranking
    every client first gives; whether the early ones after the first screen are ranked by
    the command itself (`ranked_here` of them, two a screen), by the forked processes, or
    some by each."""
    if forked:
        monkeypatch.setattr(ContactIndex, "PARALLEL_FROM", 4)  # ranked by forked processes
    monkeypatch.setattr(MatchSession, "RANKED_HERE", ranked_here)
    monkeypatch.setattr(MatchSession, "FIRST_RANKED", 2)
    monkeypatch.setattr(MatchSession, "RANKED_A_SCREEN", 2)
    names = ["Amber Plumbing", "Birch Joinery", "Cedar Bakery", "Dale Dental", "Elm Florists"]
    for number, name in enumerate(names * 3):
        written = (name, f"{name} Services", f"{name} Garage")[number // 5]
        a_client(store, f"C{number:02}", f"{written} {number}")
    xero_contacts(
        store,
        *[XeroContact(f"c-{n}", f"{name} {n} Ltd") for n, name in enumerate(names * 3)],
        *[XeroContact(f"d-{n}", f"{name} Supplies") for n, name in enumerate(names)],
    )

    with MatchSession(store.open, clock, order="best") as session:
        first = session.item(0)
        sure = [position for position in range(len(session)) if session.ready(position)]
        every = [session.item(position) for position in range(len(session))]
        assert session.ready(len(session) - 1)
    with store.open() as uow:
        book = Book.read(uow)
    expected = book.best_first(book.needing_attention(Month(2026, 12)))

    assert first.candidates[0].score == 100
    assert len(sure) < len(session) if forked else len(sure) == len(session)
    assert [(i.client.reference, i.candidates) for i in every] == [
        (client.reference, tuple(found)) for client, found in expected
    ]
    scores = [item.candidates[0].score if item.candidates else 0 for item in every]
    assert scores[:5] == [100] * 5
    assert scores == sorted(scores, reverse=True)


class KeptNames:
    """A names cache in memory: what was saved, and how often."""

    def __init__(self, kept: dict[str, NameForms] | None = None) -> None:
        self.kept = dict(kept or {})
        self.saves = 0

    def load(self) -> dict[str, NameForms]:
        return dict(self.kept)

    def save(self, forms: Mapping[str, NameForms]) -> None:
        self.kept = dict(forms)
        self.saves += 1


@pytest.mark.parametrize("forked", [False, True])
def test_a_session_started_on_the_reader_with_kept_names_walks_as_one_on_the_unit_of_work(
    practice: FakeStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """`contacts match` starts on the lighter reader, with the contacts' names normalised by
    an earlier run: the same clients, candidates and order; the names are kept once, and the
    work to ready the first decision is done."""
    if forked:
        monkeypatch.setattr(ContactIndex, "PARALLEL_FROM", 2)
    names = KeptNames()
    prepared: list[bool] = []

    def walked(**options: object) -> list[tuple[str, tuple[Candidate, ...]]]:
        with MatchSession(practice.open, clock, "best", **options) as session:  # type: ignore[arg-type]
            first = session.item(0)
            session.shown()  # the rest readied in the background from here
            return [(first.client.reference, first.candidates)] + [
                (item.client.reference, item.candidates) for item in session.items[1:]
            ]

    plain = walked()
    first = walked(read=practice.read, names=names, prepare=lambda: prepared.append(True))
    kept = dict(names.kept)
    again = walked(read=practice.read, names=names)

    assert first == plain
    assert again == plain
    assert kept == {c.name: name_forms(c.name) for c in CONTACTS}
    assert names.saves == 1  # the second run found every name kept: nothing to save
    assert prepared == [True]


def test_kept_names_are_used_and_only_the_others_normalised(
    practice: FakeStore, clock: FakeClock
) -> None:
    """A name the cache holds is not normalised again (here a kept form that is not the
    name's own shows it is used: the cache is trusted, being of this matcher's version); a
    name it lacks is, and the cache is saved anew."""
    names = KeptNames({"Zenith Holdings": (("acme",),)})

    with MatchSession(practice.open, clock, "name", read=practice.read, names=names) as session:
        acme = session.item(0)

    assert acme.client.reference == "ACME"
    assert "c-zen" in [c.contact.contact_id for c in acme.candidates]
    assert names.saves == 1
    assert names.kept["Zenith Holdings"] == (("acme",),)  # trusted: made by this version
    assert names.kept["Acme Limited"] == name_forms("Acme Limited")


def test_auto_match_keeps_the_names_it_normalised(practice: FakeStore, clock: FakeClock) -> None:
    names = KeptNames()

    first = auto_match(practice.open, clock, dry_run=True, names=names)
    again = auto_match(practice.open, clock, dry_run=True, names=names)

    assert names.kept == {c.name: name_forms(c.name) for c in CONTACTS}
    assert names.saves == 1
    assert first == again == auto_match(practice.open, clock, dry_run=True)


def test_nothing_is_readied_in_the_background_before_the_first_client_is_shown(
    practice: FakeStore, clock: FakeClock
) -> None:
    """The first screen has the processor to itself; the rest is readied once it is shown.
    A session never shown keeps the names when it closes."""
    prepared: list[bool] = []
    names = KeptNames()
    session = MatchSession(
        practice.open, clock, read=practice.read, names=names, prepare=lambda: prepared.append(True)
    )
    session.item(0)
    before = (list(prepared), names.saves)
    session.shown()
    session.shown()
    session.close()
    never_shown = KeptNames()
    MatchSession(practice.open, clock, read=practice.read, names=never_shown).close()

    assert before == ([], 0)
    assert prepared == [True]
    assert names.saves == 1
    assert never_shown.saves == 1


def test_the_background_work_waits_while_the_walk_answers_keys(
    practice: FakeStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is readied in the background (the search's lists, keeping the names, the letter
    index) waits until the walk has waited a moment for the person: keys answered one after
    another do not share the interpreter with it."""
    monkeypatch.setattr(MatchSession, "QUIET_FOR", 0.05)
    saved = threading.Event()

    class Noted(KeptNames):
        def save(self, forms: Mapping[str, NameForms]) -> None:
            super().save(forms)
            saved.set()

    session = MatchSession(practice.open, clock, read=practice.read, names=Noted())
    session.item(0)
    for _ in range(10):  # a key answered at once, ten times in 0.3 s
        session.shown()
        session.pressed()
        time.sleep(0.03)
    while_busy = saved.is_set()
    session.shown()  # then the walk waits for the person
    once_quiet = saved.wait(timeout=30)
    session.close()

    assert not while_busy
    assert once_quiet


def test_the_other_clients_are_ranked_in_the_background_once_the_first_is_shown(
    store: FakeStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the order `best`, the processes ranking the rest are forked after the first screen
    (it does not wait for them), and before the thread that readies the rest starts; the
    search's lists are ready once it has run."""
    monkeypatch.setattr(ContactIndex, "PARALLEL_FROM", 4)  # ranked by forked processes
    names = ["Amber Plumbing", "Birch Joinery", "Cedar Bakery", "Dale Dental", "Elm Florists"]
    for number, name in enumerate(names * 2):
        a_client(store, f"C{number:02}", f"{name} {number}")
    xero_contacts(
        store, *[XeroContact(f"c-{n}", f"{name} {n} Ltd") for n, name in enumerate(names * 2)]
    )
    streams: list[int] = []
    threads: list[int] = []
    started = ContactIndex.rank_stream

    def counted(index: ContactIndex, *args: Any, **kwargs: Any) -> Any:
        streams.append(len(args[0]))
        threads.append(threading.active_count())
        return started(index, *args, **kwargs)

    monkeypatch.setattr(ContactIndex, "rank_stream", counted)
    alone = threading.active_count()
    with MatchSession(store.open, clock, order="best") as session:
        first = session.item(0)
        before = list(streams)
        session.shown()
        session.shown()
        every = session.items
        session._names_kept.wait()
        assert session.book.index._respelt is not None  # the search's lists, made by the thread

    assert first.candidates[0].score == 100
    assert before == []
    assert streams == [len(every) - 1]  # the first ranked here, the rest in the stream
    assert threads == [alone]  # forked before the thread started

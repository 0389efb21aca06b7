"""The matcher's normalised contact names kept between runs (adapters/namecache.py)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from socketcli.adapters import namecache
from socketcli.adapters.namecache import FileNameFormsCache
from socketcli.bootstrap import wire
from socketcli.domain.matching import ContactIndex, name_forms
from socketcli.domain.records import Client, XeroContact

NAMES = (
    "Acme Limited",
    "Smith & Sons (Leeds) Ltd t/a Smith Roofing",
    "Café Zoë",
    "J B Smith",
    "!!!",  # no words: ((),)
    "Tab\there\nand a line | and a bar",
    "Po}lich Bros",  # a damaged letter
    "\ud800 lone surrogate",
)


def test_names_and_their_forms_come_back_as_they_were_kept(tmp_path: Path) -> None:
    cache = FileNameFormsCache(tmp_path / "state" / "names.json")
    forms = {name: name_forms(name) for name in NAMES}

    cache.save(forms)

    assert cache.load() == forms
    assert stat.S_IMODE((tmp_path / "state" / "names.json").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["names.json"]  # no partial


def test_an_index_on_kept_names_ranks_as_one_that_normalised_them(tmp_path: Path) -> None:
    contacts = [XeroContact(f"c{n}", name) for n, name in enumerate(NAMES)]
    cache = FileNameFormsCache(tmp_path / "names.json")
    cache.save(ContactIndex(contacts).forms_by_name())
    clients = [Client(f"C{n}", name) for n, name in enumerate(("Acme Ltd", "Smith Roofing"))]

    kept = ContactIndex(contacts, cache.load())

    assert kept.rank_many(clients) == ContactIndex(contacts).rank_many(clients)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"version": "another", "forms": {"Acme": "acme"}}',
        b'{"forms": {"Acme": "acme"}}',
    ],
)
def test_a_damaged_or_other_version_cache_is_no_cache(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "names.json"
    path.write_bytes(content)

    assert FileNameFormsCache(path).load() == {}


def test_entries_that_are_not_text_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    version = namecache.matcher_version()
    path.write_text(json.dumps({"version": version, "forms": {"Acme": "acme", "Beta": 3}}))

    assert FileNameFormsCache(path).load() == {"Acme": (("acme",),)}
    path.write_text(json.dumps({"version": version, "forms": ["Acme"]}))
    assert FileNameFormsCache(path).load() == {}


def test_a_cache_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("")
    cache = FileNameFormsCache(blocked / "names.json")  # its folder is a file

    cache.save({"Acme": (("acme",),)})

    assert cache.load() == {}


def test_each_store_has_its_own_cache_in_the_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCKET_STATE_DIR", str(tmp_path / "state"))
    one = wire(tmp_path / "one.db").name_forms_cache()
    other = wire(tmp_path / "other.db").name_forms_cache()

    assert isinstance(one, FileNameFormsCache)
    assert isinstance(other, FileNameFormsCache)
    assert one.path.parent == other.path.parent == tmp_path / "state"
    assert one.path != other.path

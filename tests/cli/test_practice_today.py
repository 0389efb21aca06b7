"""Today is the practice's date, in its time zone, not the UTC date: the next month to bill,
`--month next|this|last`, the plan commands' default month. A New Zealand practice is a day
ahead of UTC until noon or 1 pm, so at 01:30 on 2 December in Auckland (12:30 UTC on the 1st)
December's 1st has passed there: the next month to bill is January, as it is in the practice.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.test_quick_path import quickly

#: 01:30 on 2 Dec 2026 in Auckland (NZDT, UTC+13); 12:30 on 1 Dec in London (UTC+0).
MOMENT = "2026-12-01T12:30:00+00:00"


@pytest.mark.parametrize(
    ("zone", "default", "following"),
    [
        ("Pacific/Auckland", "2027-01", "2027-01"),  # 2 Dec there: Jan next; `next` is Jan
        ("Europe/London", "2026-12", "2027-01"),  # the 1st there: Dec still; `next` is Jan
        ("America/Los_Angeles", "2026-12", "2027-01"),  # 04:30 on the 1st there
    ],
)
def test_the_default_and_relative_months_follow_the_practices_time_zone(
    socket, practice, zone, default, following
):
    socket.ok("settings", "set", "time_zone", zone)
    at = socket.using(env={"SOCKET_NOW": MOMENT})
    assert json.loads(at.ok("plan", "show", "--json").stdout)["month"] == default
    assert json.loads(at.ok("plan", "diff", "--json").stdout)["month"] == default
    shown = json.loads(at.ok("plan", "show", "--json", "--month", "next").stdout)
    assert shown["month"] == following
    this = json.loads(at.ok("plan", "show", "--json", "--month", "this").stdout)["month"]
    assert this == "2026-12"


@pytest.mark.sqlite_only("the quick path's own reader is for a SQLite file")
def test_the_quick_path_reads_next_in_the_practices_time_zone(
    socket, practice, capsys, monkeypatch
):
    socket.ok("settings", "set", "time_zone", "Pacific/Auckland")
    monkeypatch.setenv("SOCKET_NOW", MOMENT)
    code, out, _ = quickly(capsys, "plan", "diff", "--json")
    assert (code, json.loads(out)["month"]) == (0, "2027-01")
    code, out, _ = quickly(capsys, "plan", "diff", "--json", "--month", "this")
    assert (code, json.loads(out)["month"]) == (0, "2026-12")

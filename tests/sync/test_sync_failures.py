"""Xero failing during a sync: rate limits, 5xx and timeouts are waited out and retried; the
day limit stops the run with exit 8, and the store holds only whole phases."""

from __future__ import annotations

from pathlib import Path

import pytest

from socketcli.adapters.clock import FixedClock
from socketcli.bootstrap import Wiring
from socketcli.ports.xero import XeroDayLimitReached
from socketcli.sandbox import Sandbox
from socketcli.services.sync import SyncReport, sync
from tests.fakes import FakeSleep
from tests.posting.mangling import Mangler
from tests.runner import Socket
from tests.sync.sync_helpers import Store, gateway_for


def run_sync(store: Store, xero: Sandbox, sleep: FakeSleep, **options: object) -> SyncReport:
    """The sync service over the real gateway, as the CLI wires it (without the CLI)."""
    clock = FixedClock(store.now)
    wiring = Wiring(store.location, clock)
    try:
        return sync(
            wiring.uow,
            gateway_for(xero, sleep, **options),
            tenant_id=xero.tenant_id,
            clock=clock,
        )
    finally:
        wiring.close()


def test_rate_limits_errors_and_timeouts_are_retried_and_the_sync_succeeds(
    xero: Sandbox, store: Store
) -> None:
    sleep = FakeSleep()
    xero.add_fault(path="/Contacts", status=429, problem="minute", retry_after=7)
    xero.add_fault(path="/Accounts", status=500, count=2)
    xero.add_fault(path="/BrandingThemes", status=503, delay=1.0)  # no answer in time
    xero.add_fault(path="/TrackingCategories", drop=True)  # the connection dropped

    report = run_sync(store, xero, sleep)

    assert report.exit_code == 0, report.error
    assert report.calls == {
        "GET /Contacts": 2,
        "GET /Accounts": 3,
        "GET /BrandingThemes": 2,
        "GET /TrackingCategories": 2,
    }
    assert 7.0 in sleep.slept  # the 429's Retry-After, honoured
    assert report.contacts.new > 0
    assert report.accounts.new == 4
    with store.uow() as uow:
        state = uow.mirror.sync_state(xero.tenant_id)
    assert state is not None
    assert state.last_sync_at is not None


def test_the_day_limit_part_way_through_the_contacts_leaves_nothing_half_written(
    xero: Sandbox, store: Store
) -> None:
    xero.set_limits(per_day=1)  # the first page is the day's last call

    report = run_sync(store, xero, FakeSleep(), page_size=10)

    assert isinstance(report.error, XeroDayLimitReached)
    assert report.exit_code == 8
    # The first page's answer says the day has no calls left (X-DayLimit-Remaining: 0): the
    # gateway stops there rather than spend a call on Xero's refusal.
    assert report.calls == {"GET /Contacts": 1}
    assert [c.status for c in xero.calls()] == [200]
    assert [(p.name, p.outcome) for p in report.phases] == [
        ("contacts", "failed"),
        ("accounts", "not_run"),
        ("branding_themes", "not_run"),
        ("tracking_categories", "not_run"),
        ("clients_from_xero", "not_run"),
        ("push", "not_run"),
    ]
    with store.uow() as uow:
        assert uow.mirror.contacts() == []  # not the first page alone
        assert uow.mirror.sync_state(xero.tenant_id) is None


def test_the_day_limit_stops_socket_sync_with_exit_8_and_the_next_run_resumes(
    socket: Socket, connected: Sandbox, store: Store, state_dir: Path
) -> None:
    connected.add_fault(path="/Accounts", status=429, problem="day", retry_after=5400)

    result = socket.exits("sync", "--quiet", code=8)

    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "error: Xero's daily limit of API calls for this organisation is reached; nothing more "
        "can be sent today. Xero says to try again in 1 h 30 min."
    )
    assert "The sync stopped at revenue accounts: what synced before is kept" in result.stderr
    assert connected.call_counts() == {"GET /Contacts": 1, "GET /Accounts": 1}
    with store.uow() as uow:
        state = uow.mirror.sync_state(connected.tenant_id)
        assert uow.mirror.accounts() == []
        assert len(uow.mirror.contacts()) > 0  # the contacts phase was whole: it stays
    assert state is not None
    assert (state.accounts_synced_at, state.last_sync_at) == (None, None)
    assert state.contacts_modified_since is not None
    log = (state_dir / "sync.log").read_text()
    assert "phase accounts: failed" in log
    assert "exit 8" in log

    resumed = socket.json("sync")

    assert resumed["exit_code"] == 0
    assert resumed["full"] is False  # the contacts go on from where they were
    assert resumed["accounts"]["new"] == 4


def test_an_answer_that_is_not_xeros_json_stops_the_sync_with_exit_7_not_a_traceback(
    socket: Socket, connected: Sandbox, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: GET /Accounts answered 200 with a proxy's HTML page on every try stops
    `socket sync` at that phase with one error line and exit 7 (never a traceback, never
    "synced"); the contacts phase before it is kept, and the next run syncs the rest."""
    with Mangler(connected) as proxy:
        monkeypatch.setenv("SOCKET_XERO_API_URL", proxy.base_url)
        proxy.mangle("GET", "/Accounts", "html", count=5)  # every try

        result = socket.exits("sync", "--quiet", code=7)

        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert result.stderr.splitlines()[-1] == (
            "error: Xero is unavailable: GET /Accounts failed 5 times (its answer could not "
            "be read)."
        )
        with store.uow() as uow:
            assert uow.mirror.accounts() == []
            assert len(uow.mirror.contacts()) > 0

        assert socket.json("sync")["exit_code"] == 0

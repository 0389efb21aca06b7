"""`socket sync` as cron runs it: quiet, locked, logged, without a terminal or a keyring."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from socketcli.sandbox import Sandbox
from tests.runner import Socket
from tests.sync.sync_helpers import Store


def token_texts(state_dir: Path) -> list[str]:
    """Every secret in the token file (the "fail" keyring sends the token there)."""
    entries = json.loads((state_dir / "xero-tokens.json").read_text())
    texts = [
        value
        for entry in entries.values()
        for key, value in entry.items()
        if key in ("access_token", "refresh_token", "client_secret") and value
    ]
    assert texts
    return texts


def test_quiet_prints_nothing_when_all_is_well(socket: Socket, connected: Sandbox) -> None:
    result = socket.ok("sync", "--quiet")

    assert (result.stdout, result.stderr) == ("", "")


def test_at_the_end_a_summary_of_what_changed_and_the_calls_made(
    socket: Socket, connected: Sandbox
) -> None:
    result = socket.ok("sync")

    assert "Synced with Demo Practice Ltd: first or full" in result.stdout
    assert re.search(r"Xero contacts\s+47 new, 0 updated \(0 unchanged\)", result.stdout)
    assert re.search(r"Revenue accounts\s+4 new", result.stdout)
    assert re.search(r"GET /Contacts\s+1", result.stdout)
    assert re.search(r"all\s+4 in \d+\.\d s", result.stdout)
    assert result.stderr == ""  # no progress animation without a terminal


def test_a_second_sync_while_one_runs_exits_at_once_with_code_9(
    socket: Socket, connected: Sandbox, state_dir: Path
) -> None:
    from socketcli.adapters.locks import FileLocks
    from socketcli.bootstrap import wire
    from socketcli.ports.locks import Lock

    locks = wire().locks()  # the store's own locks, as socket takes them (on either engine)
    where = (
        str(locks.path(Lock.SYNC))
        if isinstance(locks, FileLocks)
        else "the advisory lock 'sync' of "
    )
    with locks.hold(Lock.SYNC):
        result = socket.exits("sync", "--quiet", code=9)

    assert result.stderr.startswith(
        f"error: another `socket sync` is running on this store (it holds {where}"
    )
    assert result.stderr.endswith(
        "): this one did nothing and stops; the running one carries on (`--wait` waits for it)\n"
    )
    assert f"pid {os.getpid()}" in result.stderr  # the holder, named
    assert connected.call_counts() == {}
    assert (
        "sync not started: another `socket sync` is running" in (state_dir / "sync.log").read_text()
    )
    socket.ok("sync", "--quiet")  # the lock is free again


def test_the_log_has_a_line_per_phase_with_its_calls_and_no_token(
    socket: Socket, connected: Sandbox, state_dir: Path
) -> None:
    connected.add_fault(path="/Accounts", status=500)
    socket.ok("sync", "--quiet")
    socket.ok("sync", "--quiet")

    log = (state_dir / "sync.log").read_text()
    lines = log.splitlines()
    assert sum("sync started: Demo Practice Ltd" in line for line in lines) == 2
    for phase in ("contacts", "accounts", "branding_themes", "tracking_categories", "push"):
        assert sum(f"phase {phase}: done" in line for line in lines) == 2
    assert "phase accounts: done (all accounts); GET /Accounts x2" in log  # a retry, counted
    assert "xero GET /Accounts: HTTP 500; trying again in" in log
    assert "phase contacts: done (changed since 20" in log
    assert "exit 0; calls: GET /Accounts x1, GET /BrandingThemes x1" in log
    for secret in token_texts(state_dir):
        assert secret not in log
        assert secret not in "".join(socket.outputs)
    assert "Bearer" not in log


@pytest.mark.sqlite_only("a store file's path, quoted in the crontab line")
def test_cron_line_prints_a_nightly_crontab_entry_for_this_store(
    socket: Socket, tmp_path: Path, data_dir: Path, state_dir: Path
) -> None:
    store = tmp_path / "practice %1.db"

    line = socket.ok("--db", str(store), "sync", "--cron-line").stdout.strip()

    socket_path = Path(sys.executable).parent / "socket"
    assert line.startswith(f"17 2 * * * PATH={socket_path.parent}:/usr/local/bin:/usr/bin:/bin ")
    assert f" HOME={Path.home()} " in line
    assert f" SOCKET_STATE_DIR={state_dir} " in line
    assert f" SOCKET_DATA_DIR={data_dir} " in line
    assert "SOCKET_NOW" not in line
    assert line.endswith(f" {socket_path} --db '{tmp_path}/practice \\%1.db' sync --quiet")
    assert socket.ok("sync", "--cron-line", "--at", "3:05").stdout.startswith("5 3 * * * ")
    socket.exits("sync", "--cron-line", "--at", "25:00", code=2)


def test_a_cron_like_run_with_no_terminal_no_keyring_and_a_bare_environment(
    socket: Socket, connected: Sandbox, store: Store, tmp_path: Path, state_dir: Path
) -> None:
    """What cron does with `socket sync --cron-line`'s entry: /bin/sh, env -i, no terminal."""
    line = socket.ok("sync", "--cron-line").stdout.strip()
    command = line.split(" ", 5)[5]
    assert "PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring" in command
    assert f"SOCKET_XERO_API_URL={connected.base_url}" in command

    run = subprocess.run(
        ["env", "-i", "/bin/sh", "-c", command.replace("\\%", "%")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )

    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert connected.call_counts()["GET /Contacts"] == 1
    with store.uow() as uow:
        assert len(uow.mirror.contacts()) == 47
    for secret in token_texts(state_dir):
        assert secret not in (state_dir / "sync.log").read_text()
    assert os.environ.get("SOCKET_NOW")  # the test's own environment was not what cron saw


@pytest.mark.sqlite_only("the cron line of a URL given here, not of the test's store")
def test_cron_line_never_carries_the_stores_password(socket: Socket) -> None:
    """A cron line is printed, mailed and kept in the crontab: the store URL's password is
    left out (by --db or SOCKET_DATABASE_URL), and the user is told where it goes instead."""
    url = "postgresql+psycopg://practice:s3cr3t-pw@db.example:5432/socket"

    for run in (
        socket.ok("--db", url, "sync", "--cron-line"),
        socket.using(env={"SOCKET_DATABASE_URL": url}).ok("sync", "--cron-line"),
    ):
        assert "s3cr3t-pw" not in run.stdout + run.stderr
        assert "postgresql+psycopg://practice@db.example:5432/socket" in run.stdout
        assert "~/.pgpass" in run.stderr
    plain = socket.ok(
        "--db", "postgresql+psycopg://practice@db.example/socket", "sync", "--cron-line"
    )
    assert "~/.pgpass" not in plain.stderr  # nothing was left out

"""socket's own files: the sync log is never written through a symbolic link and is private,
the state directory is made private, a token file or directory others can read or write is
warned about, tokens never travel over plain http to another machine, and the playground's
token and `sandbox serve`'s (the same tenant id, two servers) are kept apart."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET, running_sandbox
from tests.conftest import Directories, MadeBySocket
from tests.runner import Socket


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="session")
def connected_template(made_by_socket: MadeBySocket) -> Path:
    """The playground, connected to its sandbox Xero (the token in the state directory's file:
    the tests have no OS keyring)."""
    return made_by_socket("files-connected", [("playground",), ("--playground", "xero", "connect")])


@pytest.fixture
def connected(
    connected_template: Path, isolated: Directories, monkeypatch: pytest.MonkeyPatch
) -> Directories:
    shutil.copytree(connected_template, isolated.data)
    shutil.copytree(connected_template.parent / "state", isolated.state)
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    return isolated


# -- the sync log -----------------------------------------------------------------------------


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_sync_refuses_a_symlinked_log_and_writes_nothing_through_it(
    socket: Socket, connected: Directories, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    log = connected.state / "sync.log"
    log.symlink_to(victim)

    line = socket.fails("sync", code=1)

    assert line == (
        f"error: the sync log {log} is a symbolic link: socket will not write through it; "
        "remove it (socket makes a new log file there)"
    )
    assert victim.read_text() == "someone else's file\n"
    assert log.is_symlink()


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_sync_refuses_a_dangling_symlink_as_its_log(
    socket: Socket, connected: Directories, tmp_path: Path
) -> None:
    target = tmp_path / "would-be-created.txt"
    (connected.state / "sync.log").symlink_to(target)

    socket.fails("sync", code=1)

    assert not target.exists()


def test_the_sync_log_and_the_state_directory_are_private(
    socket: Socket, playground_store: Directories
) -> None:
    previous = os.umask(0o022)
    try:
        socket.ok("--playground", "xero", "connect")
        socket.ok("--playground", "sync", "--quiet")
    finally:
        os.umask(previous)

    assert mode(playground_store.state) == 0o700
    assert mode(playground_store.state / "sync.log") == 0o600
    assert mode(playground_store.state / "xero-tokens.json") == 0o600


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_a_log_left_readable_by_an_older_socket_is_made_private(
    socket: Socket, connected: Directories
) -> None:
    log = connected.state / "sync.log"
    log.write_text("2026-11-20T02:17:00+0000 INFO an older run\n")
    log.chmod(0o644)

    socket.ok("sync", "--quiet")

    assert mode(log) == 0o600
    assert log.read_text().startswith("2026-11-20T02:17:00+0000 INFO an older run\n")


@pytest.fixture
def playground_store(socket: Socket, isolated: Directories) -> Directories:
    socket.ok("playground")
    return isolated


# -- the token file ---------------------------------------------------------------------------


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_a_token_file_others_can_read_is_warned_about(
    socket: Socket, connected: Directories
) -> None:
    tokens = connected.state / "xero-tokens.json"
    tokens.chmod(0o644)

    status = socket.ok("xero", "status")

    assert (
        f"warning: the Xero token file {tokens} can be read by other users (mode 644): "
        f"`chmod 600 {tokens}`"
    ) in " ".join(status.stderr.split())


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_a_state_directory_others_can_write_is_warned_about(
    socket: Socket, connected: Directories
) -> None:
    connected.state.chmod(0o777)

    status = socket.ok("xero", "status")

    assert (
        f"warning: the Xero token directory {connected.state} can be read and written by "
        f"other users (mode 777): `chmod 700 {connected.state}`"
    ) in " ".join(status.stderr.split())


@pytest.mark.sqlite_only(
    "the playground's own file, connected (made once: `connected`); the subject is the state directory's files"
)
def test_private_token_files_bring_no_warning(socket: Socket, connected: Directories) -> None:
    status = socket.ok("xero", "status")

    assert "warning" not in status.stderr
    assert mode(connected.state) == 0o700


# -- plain http -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("SOCKET_XERO_API_URL", "http://api.xero.com"),
        ("SOCKET_XERO_API_URL", "http://192.168.1.20:4780"),
        ("SOCKET_XERO_IDENTITY_URL", "http://identity.example"),
    ],
)
def test_plain_http_to_another_machine_is_refused(
    variable: str, url: str, socket: Socket, empty_store: Path
) -> None:
    line = socket.using(env={variable: url}).fails("xero", "status", code=2)

    assert line == (
        f"error: {variable} {url!r} is plain http to another machine: tokens would cross the "
        "network unencrypted; use https (plain http is for a sandbox on this machine: "
        "127.0.0.1, localhost, ::1)"
    )


def test_an_address_that_is_not_https_is_refused(socket: Socket, empty_store: Path) -> None:
    line = socket.using(env={"SOCKET_XERO_API_URL": "api.xero.com"}).fails("xero", "status", code=2)

    assert line == "error: SOCKET_XERO_API_URL 'api.xero.com' is not an https:// address"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4780", "http://localhost:4780", "http://[::1]:4780", "https://x.test"]
)
def test_loopback_http_and_https_are_accepted(url: str, socket: Socket, empty_store: Path) -> None:
    line = socket.using(env={"SOCKET_XERO_API_URL": url}).fails("xero", "status", code=6)

    assert line == "error: not connected to Xero: run `socket xero connect`"


# -- the playground's token and sandbox serve's -----------------------------------------------


@pytest.mark.sqlite_only("the playground's own file beside a practice's")
def test_the_playground_and_sandbox_serve_keep_their_own_tokens(
    socket: Socket, connected: Directories, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCKET_PLAYGROUND")
    socket.ok("init")
    with running_sandbox(state_path=tmp_path / "served.json") as served:
        practice = socket.using(
            env={
                "SOCKET_XERO_API_URL": served.base_url,
                "SOCKET_XERO_IDENTITY_URL": served.base_url,
                "SOCKET_XERO_CLIENT_ID": CUSTOM_CLIENT_ID,
                "SOCKET_XERO_CLIENT_SECRET": CUSTOM_CLIENT_SECRET,
            }
        )
        practice.ok("xero", "connect", "--custom-connection")
        playground = socket.using(env={"SOCKET_PLAYGROUND": "1"})
        assert playground.json("xero", "status", "--check")["check"] == "ok"
        assert practice.json("xero", "status", "--check")["check"] == "ok"

        # Connecting the playground again leaves the practice's connection to the served one.
        playground.ok("xero", "connect")
        assert practice.json("xero", "status", "--check")["check"] == "ok"
        assert playground.json("xero", "status", "--check")["check"] == "ok"

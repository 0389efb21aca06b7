"""`socket xero connect --no-browser` in a narrow terminal (a server over SSH): the address
to open is printed on one line of its own, unwrapped, so that copying it copies it whole.

Run as the person runs it: the real `socket` process with its stderr on a terminal (a pty)
60 columns wide, against the sandbox Xero; the test plays the browser elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from socketcli.sandbox import Sandbox
from tests.xero.conftest import pointed, store, xero  # noqa: F401  (fixtures)
from tests.xero.xero_helpers import AUTHORIZE, consent

COLUMNS = 60


def _read_until(descriptor: int, marker: str, seconds: float = 20.0) -> str:
    """What the terminal shows until `marker` appears."""
    seen = b""
    deadline = time.monotonic() + seconds
    while marker.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{marker!r} never appeared:\n{seen.decode(errors='replace')}"
        ready, _, _ = select.select([descriptor], [], [], left)
        if ready:
            try:
                chunk = os.read(descriptor, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


def test_the_address_is_one_unwrapped_line_in_a_narrow_terminal(
    pointed: Sandbox,  # noqa: F811
    store: Path,  # noqa: F811
    store_url: str | None,
) -> None:
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    env = {**os.environ, "COLUMNS": str(COLUMNS), "LINES": "24"}
    where = store_url or str(store)  # the test's database on PostgreSQL
    process = subprocess.Popen(
        [sys.executable, "-m", "socketcli", "--db", where, "xero", "connect", "--no-browser"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=side,
        env=env,
    )
    os.close(side)
    try:
        shown = _read_until(main, "paste that whole address here")
        lines = shown.replace("\r\n", "\n").split("\n")
        (at,) = [n for n, line in enumerate(lines) if "/identity/connect/authorize?" in line]
        address = lines[at]
        assert len(address) > COLUMNS  # long enough that wrapping would have cut it
        found = AUTHORIZE.fullmatch(address)
        assert found, f"the address is not on a line of its own:\n{shown}"
        # ...and all of it is on that line: the next line is the next message.
        assert lines[at + 1].startswith("The browser is then sent to"), shown

        redirected = consent(found.group(1))  # the browser elsewhere accepts the whole of it
        assert "code=" in redirected
        assert process.stdin is not None
        process.stdin.write(redirected.encode() + b"\n")
        process.stdin.close()
        _read_until(main, "Connected to")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)

"""`socket sandbox serve`, run as a person would: it serves Xero's token endpoint and stops on Ctrl-C."""

from __future__ import annotations

import base64
import json
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from socketcli.sandbox import CUSTOM_CLIENT_ID, CUSTOM_CLIENT_SECRET


def test_serve_answers_a_custom_connection_and_keeps_its_state_after_ctrl_c(tmp_path: Path) -> None:
    state = tmp_path / "xero.json"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "socketcli",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--state",
            str(state),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stderr is not None
        banner = ""
        deadline = time.monotonic() + 30
        while "Press Ctrl-C" not in banner and time.monotonic() < deadline:
            banner += server.stderr.readline()
        base = re.search(r"on (http://127\.0\.0\.1:\d+)", banner)
        assert base, banner
        assert "Demo Practice Ltd" in banner

        credentials = base64.b64encode(
            f"{CUSTOM_CLIENT_ID}:{CUSTOM_CLIENT_SECRET}".encode()
        ).decode()
        request = urllib.request.Request(
            base.group(1) + "/connect/token",
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            headers={"Authorization": f"Basic {credentials}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.load(response)
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] == 1800
        assert "refresh_token" not in token

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base.group(1) + "/api.xro/2.0/Contacts", timeout=10)
        assert refused.value.code == 401
    finally:
        server.send_signal(signal.SIGINT)
        _, rest = server.communicate(timeout=30)
    assert server.returncode == 0
    assert "Sandbox stopped; its state is kept for next time." in rest
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    saved = state.read_text()
    assert "Demo Practice Ltd" in saved
    assert token["access_token"] not in saved  # tokens are kept hashed, never in clear


def test_serve_on_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "socketcli",
                "sandbox",
                "serve",
                "--port",
                str(port),
                "--state",
                str(tmp_path / "x.json"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 4
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr

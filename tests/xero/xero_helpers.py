"""Helpers of the `socket xero` tests."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from typer._click import termui
from typer.testing import CliRunner, Result

from socketcli.adapters.xero.endpoints import XeroEndpoints
from socketcli.adapters.xero.errors import XeroError
from socketcli.adapters.xero.oauth import IdentityClient
from socketcli.adapters.xero.tokens import TOKEN_FILE, XeroToken
from socketcli.cli.app import app
from socketcli.sandbox import Sandbox

COMMAND = typer.main.get_command(app)
AUTHORIZE = re.compile(r"(http://\S+/identity/connect/authorize\?\S+)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str) -> tuple[int, dict[str, str]]:
    """A GET that follows no redirect: its status and headers (lowercase names)."""
    try:
        with _opener.open(url, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}
    except urllib.error.HTTPError as reply:
        return reply.code, {k.lower(): v for k, v in reply.headers.items()}


def consent(authorize_url: str) -> str:
    """The browser's part: open the authorize URL; the sandbox consents and redirects back."""
    status, headers = get(authorize_url)
    assert status == 302, status
    return headers["location"]


class Socket:
    """`socket ARGS...` in-process; every output is kept (to look for token text)."""

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.outputs: list[str] = []

    def __call__(self, *args: str, input: str | Callable[[str], str] | None = None) -> Result:
        exception: BaseException | None = None
        text = input if isinstance(input, str) else None
        with self.runner.isolation(input=text) as (stdout, stderr, output):
            if callable(input):
                answer = input

                def paste(prompt: str | None = None) -> str:
                    # What the person pastes, made once the command has printed its URL (and
                    # the Enter key that ends the prompt's line on the terminal).
                    sys.stderr.write((prompt or "") + "\n")
                    return answer(stderr.getvalue().decode())

                monkeypatch = pytest.MonkeyPatch()
                monkeypatch.setattr(termui, "visible_prompt_func", paste)
            try:
                COMMAND.main(args=list(args), prog_name="socket")
                exit_code = 0
            except SystemExit as exit_:
                code = exit_.code
                exit_code = code if isinstance(code, int) else (0 if code is None else 1)
            except Exception as error:
                exception, exit_code = error, 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            streams = stdout.getvalue(), stderr.getvalue(), output.getvalue()
        result = Result(self.runner, *streams, None, exit_code, exception)
        self.outputs.append(result.output)
        command = " ".join(("socket", *args))
        assert "Traceback" not in result.output, f"{command} printed a traceback:\n{result.output}"
        if result.exception is not None:
            raise AssertionError(f"{command} crashed: {result.exception!r}") from result.exception
        return result

    def ok(self, *args: str, input: str | Callable[[str], str] | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, (
            f"socket {' '.join(args)} exited {result.exit_code}:\n{result.output}"
        )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def fails(self, *args: str, code: int, input: str | None = None) -> str:
        """A command that fails with exit `code` and one `error: ...` line on stderr."""
        result = self(*args, input=input)
        assert result.exit_code == code, f"exited {result.exit_code}, not {code}:\n{result.output}"
        lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
        assert len(lines) == 1, result.stderr
        return lines[0]

    def connect(self, *args: str) -> Result:
        """`socket xero connect --no-browser`, the test pasting the address the browser reached."""
        return self.ok("xero", "connect", "--no-browser", *args, input=paste_redirect)


def paste_redirect(printed: str) -> str:
    """What a person does over SSH: open the printed URL elsewhere, paste where it went."""
    found = AUTHORIZE.search(printed)
    assert found, f"no authorize URL was printed:\n{printed}"
    return consent(found.group(1))


class MemoryKeyring(KeyringBackend):
    """A working OS keyring, in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


def stored_tokens(state_dir: Path) -> dict[str, XeroToken]:
    """The token file's entries (the "fail" keyring sends every token there)."""
    path = state_dir / TOKEN_FILE
    if not path.exists():
        return {}
    return {key: XeroToken.from_json(value) for key, value in json.loads(path.read_text()).items()}


def only_token(state_dir: Path) -> XeroToken:
    (token,) = stored_tokens(state_dir).values()
    return token


def refresh_with(xero: Sandbox, refresh_token: str) -> int:
    """A refresh straight at the sandbox's token endpoint: its HTTP status."""
    client = IdentityClient(XeroEndpoints.sandbox(xero.base_url))
    token = XeroToken("pkce", xero.client_id, "-", 0.0, (), refresh_token=refresh_token)
    try:
        client.refresh(token)
    except XeroError:
        return 400
    return 200

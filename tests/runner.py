"""Run `socket` in-process as a user would: the one runner of every test folder.

Tests get it as the `socket` fixture (tests/conftest.py), in the environment the isolation
fixture pins; a folder may wrap it with a default of its own (`socket.using(db=...)`).

typer's CliRunner keeps stdout and stderr apart (`result.stdout`, `result.stderr`;
`result.output` is both, interleaved): data goes to stdout, messages and errors to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import typer
from typer._click import termui
from typer.testing import CliRunner, Result

from socketcli.cli.app import app

#: The click command tree, built once: `CliRunner.invoke(app, ...)` rebuilds it from the Typer
#: app on every call, which costs more than most commands take to run.
COMMAND = typer.main.get_command(app)

#: What every command says first in the playground (not part of an error).
BANNER = "PLAYGROUND demo practice: nothing here reaches a real Xero."

#: What the person types at a prompt: the text itself, or a function of what the command has
#: printed on stderr so far (to paste an address the command printed, say).
Input = str | Callable[[str], str] | None


class Socket:
    """`socket [--db DB] ARGS...`, checked for what must never happen: a traceback or a crash.

    `db`: the store every command names with --db, a path or a URL (else socket's default
    store). `before`: called before each command (the test's PostgreSQL database is made
    on first use: tests/conftest.py's `default_store`).
    `env`: variables set for each command over the test's own environment (None unsets one).
    `outputs`: what each command printed, stdout and stderr, in order (to look for a secret).
    """

    def __init__(
        self,
        *,
        db: Path | str | None = None,
        env: Mapping[str, str | None] | None = None,
        before: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.env: dict[str, str | None] = dict(env or {})
        self.before = before
        self.runner = CliRunner(env=self.env)
        self.outputs: list[str] = []

    def using(
        self, *, db: Path | str | None = None, env: Mapping[str, str | None] | None = None
    ) -> Socket:
        """This runner with a store of its own (--db) or more variables set."""
        if db is not None:
            return Socket(db=db, env={**self.env, **(env or {})})
        return Socket(db=self.db, env={**self.env, **(env or {})}, before=self.before)

    def __call__(self, *args: str, input: Input = None) -> Result:
        """What `CliRunner.invoke` does, on the command tree built once."""
        if self.before is not None:
            self.before()
        argv = [*(("--db", str(self.db)) if self.db is not None else ()), *args]
        exception: BaseException | None = None
        with self.runner.isolation(input=input if isinstance(input, str) else None) as streams:
            stdout, stderr, output = streams
            if callable(input):
                termui.visible_prompt_func = _typing(input, stderr)  # isolation restores it
            try:
                COMMAND.main(args=argv, prog_name="socket")
                exit_code = 0
            except SystemExit as exit_:
                code = exit_.code
                exit_code = code if isinstance(code, int) else (0 if code is None else 1)
            except Exception as error:
                exception, exit_code = error, 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            captured = stdout.getvalue(), stderr.getvalue(), output.getvalue()
        result = Result(self.runner, *captured, None, exit_code, exception)
        self.outputs.append(result.output)
        command = " ".join(("socket", *argv))
        assert "Traceback" not in result.output, f"{command} printed a traceback:\n{result.output}"
        if result.exception is not None:
            raise AssertionError(
                f"{command} crashed with {result.exception!r} instead of an error message"
            ) from result.exception
        return result

    def ok(self, *args: str, input: Input = None) -> Result:
        """Run a command that must succeed."""
        result = self(*args, input=input)
        assert result.exit_code == 0, (
            f"socket {' '.join(args)} exited {result.exit_code}:\n{result.output}"
        )
        return result

    def json(self, *args: str) -> Any:
        """The command's --json document, parsed."""
        return json.loads(self.ok(*args, "--json").stdout)

    def csv(self, *args: str) -> list[dict[str, str]]:
        """The command's --csv rows, parsed by their header."""
        return list(csv.DictReader(io.StringIO(self.ok(*args, "--csv").stdout)))

    def exits(self, *args: str, code: int, input: Input = None) -> Result:
        """Run a command that must exit `code`; return its result (to read all it said)."""
        result = self(*args, input=input)
        assert result.exit_code == code, (
            f"socket {' '.join(args)} exited {result.exit_code}, not {code}:\n{result.output}"
        )
        return result

    def fails(self, *args: str, code: int, input: Input = None, chatty: bool = False) -> str:
        """Run a command that must fail with exit `code` and one `error: ...` line; return it.

        The error is all the command says (but for the playground's banner). `chatty`: the
        command says other things too (a prompt, what it is waiting for), and the error is
        the one line of stderr that starts with `error:`.
        """
        result = self.exits(*args, code=code, input=input)
        command = " ".join(("socket", *args))
        if chatty:
            errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
            assert len(errors) == 1, f"{command} should say one error, not:\n{result.stderr}"
            return errors[0]
        assert result.stdout == "", f"{command} printed data on failing:\n{result.stdout}"
        lines = [line for line in result.stderr.strip().splitlines() if line != BANNER]
        assert len(lines) == 1, f"{command} should fail with one line, not:\n{result.stderr}"
        assert lines[0].startswith("error: "), lines[0]
        return lines[0]

    def usage_error(self, *args: str) -> str:
        """Run a command that typer refuses (exit 2, usage on stderr); return stderr."""
        result = self.exits(*args, code=2)
        assert result.stdout == ""
        assert "Usage: socket" in result.stderr
        return result.stderr


def _typing(answer: Callable[[str], str], stderr: io.BytesIO) -> Callable[[str | None], str]:
    """A prompt answered with `answer(what the command has printed on stderr so far)`."""

    def prompt(text: str | None = None) -> str:
        # The Enter key that ends the prompt's line on a terminal.
        sys.stderr.write((text or "") + "\n")
        return answer(stderr.getvalue().decode())

    return prompt

"""Run `socket` in-process as a user would, and small practices made through the CLI itself.

typer's CliRunner keeps stdout and stderr apart (`result.stdout`, `result.stderr`;
`result.output` is both, interleaved): data goes to stdout, messages and errors to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from socketcli.cli.app import app

#: The click command tree, built once: `CliRunner.invoke(app, ...)` rebuilds it from the Typer
#: app on every call, which costs more than most commands take to run.
COMMAND = typer.main.get_command(app)


#: What every command says first in the playground (not part of an error).
BANNER = "PLAYGROUND demo practice: nothing here reaches a real Xero."


class Socket:
    """`socket ARGS...`, checked for what must never happen: a traceback or a crash."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        """What `CliRunner.invoke` does, on the command tree built once."""
        exception: BaseException | None = None
        with self.runner.isolation() as (stdout, stderr, output):
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
        command = " ".join(("socket", *args))
        assert "Traceback" not in result.output, f"{command} printed a traceback:\n{result.output}"
        if result.exception is not None:
            raise AssertionError(
                f"{command} crashed with {result.exception!r} instead of an error message"
            ) from result.exception
        return result

    def ok(self, *args: str) -> Result:
        """Run a command that must succeed."""
        result = self(*args)
        assert result.exit_code == 0, (
            f"socket {' '.join(args)} exited {result.exit_code}:\n{result.stderr}"
        )
        return result

    def json(self, *args: str) -> Any:
        """The command's --json document, parsed."""
        return json.loads(self.ok(*args, "--json").stdout)

    def csv(self, *args: str) -> list[dict[str, str]]:
        """The command's --csv rows, parsed by their header."""
        return list(csv.DictReader(io.StringIO(self.ok(*args, "--csv").stdout)))

    def fails(self, *args: str, code: int) -> str:
        """Run a command that must fail with exit `code` and one `error: ...` line; return it."""
        result = self(*args)
        command = " ".join(("socket", *args))
        assert result.exit_code == code, (
            f"{command} exited {result.exit_code}, not {code}:\n{result.output}"
        )
        assert result.stdout == "", f"{command} printed data on failing:\n{result.stdout}"
        lines = [line for line in result.stderr.strip().splitlines() if line != BANNER]
        assert len(lines) == 1, f"{command} should fail with one line, not:\n{result.stderr}"
        assert lines[0].startswith("error: "), lines[0]
        return lines[0]

    def usage_error(self, *args: str) -> str:
        """Run a command that typer refuses (exit 2, usage on stderr); return stderr."""
        result = self(*args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert "Usage: socket" in result.stderr
        return result.stderr


@pytest.fixture
def socket() -> Socket:
    return Socket()


#: A small practice, as its accountant would set it up. Today is 2026-11-21 (tests/conftest.py),
#: so the plan commands default to December 2026.
#: - ACME, Acme Ltd (year end 31-03): Bookkeeping 150 (account 200) and Payroll 3 x 25
#:   (account 210) monthly from October 2026: 225.00 a month in 2 lines.
#: - BETA, Beta Bakery (year end 30-06): VAT returns 120 quarterly in advance from October
#:   2026: invoiced in October, January, April and July.
PRACTICE: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("services", "add", "Bookkeeping", "--method", "monthly"),
    ("services", "add", "Payroll", "--method", "monthly", "--account-code", "210"),
    ("services", "add", "Annual accounts", "--method", "monthly", "--alignment"),
    ("services", "add", "VAT returns", "--method", "quarterly_in_advance"),
    ("clients", "add", "ACME", "Acme Ltd", "--year-end", "31-03", "--email", "accounts@acme.test"),
    ("clients", "add", "BETA", "Beta Bakery", "--year-end", "30-06"),
    (
        "proposals",
        "add",
        "P-ACME",
        "--client",
        "ACME",
        "--line",
        "Bookkeeping=150",
        "--line",
        "Payroll=3x25|Payroll, 3 staff",
        "--start",
        "2026-10-01",
        "--accept",
    ),
    (
        "proposals",
        "add",
        "P-BETA",
        "--client",
        "BETA",
        "--line",
        "VAT returns=120",
        "--start",
        "2026-10-01",
        "--accept",
    ),
)

#: PRODUCT.md's alignment example: year end 31 March, Annual accounts at 100 a month billed
#: monthly, confirmed start 1 October 2023: the first invoice carries 100 plus an alignment
#: fee of 600 (April to September 2023).
ALIGNMENT: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("services", "add", "Annual accounts", "--method", "monthly", "--alignment"),
    ("clients", "add", "ALN", "Align Ltd", "--year-end", "31-03"),
    (
        "proposals",
        "add",
        "P-ALN",
        "--client",
        "ALN",
        "--line",
        "Annual accounts=100",
        "--start",
        "2023-10-01",
        "--accept",
    ),
)


def _build(
    commands: Sequence[Sequence[str]],
    directory: Path,
    pin: Callable[[pytest.MonkeyPatch, Path], None],
) -> Path:
    socket = Socket()
    with pytest.MonkeyPatch.context() as monkeypatch:
        pin(monkeypatch, directory)
        for command in commands:
            socket.ok(*command)
    return directory


@pytest.fixture(scope="session")
def practice_template(tmp_path_factory: pytest.TempPathFactory, pinned_environment: Any) -> Path:
    """PRACTICE, made through the CLI once per session (each test gets a copy)."""
    return _build(PRACTICE, tmp_path_factory.mktemp("practice") / "data", pinned_environment)


@pytest.fixture(scope="session")
def alignment_template(tmp_path_factory: pytest.TempPathFactory, pinned_environment: Any) -> Path:
    return _build(ALIGNMENT, tmp_path_factory.mktemp("alignment") / "data", pinned_environment)


@pytest.fixture
def practice(practice_template: Path, data_dir: Path) -> Path:
    """This test's own copy of PRACTICE, as its default store (SOCKET_DATA_DIR)."""
    shutil.copytree(practice_template, data_dir)
    return data_dir


@pytest.fixture
def aligned(alignment_template: Path, data_dir: Path) -> Path:
    """This test's own copy of the ALIGNMENT practice, as its default store."""
    shutil.copytree(alignment_template, data_dir)
    return data_dir


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory, pinned_environment: Any) -> Path:
    return _build([("init",)], tmp_path_factory.mktemp("empty") / "data", pinned_environment)


@pytest.fixture
def empty_store(empty_template: Path, data_dir: Path) -> Path:
    """An initialised store (`socket init`) with no clients, services or proposals."""
    shutil.copytree(empty_template, data_dir)
    return data_dir / "socket.db"


@pytest.fixture(scope="session")
def playground_template(tmp_path_factory: pytest.TempPathFactory, pinned_environment: Any) -> Path:
    return _build(
        [("playground",)], tmp_path_factory.mktemp("playground") / "data", pinned_environment
    )


@pytest.fixture
def playground(playground_template: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the playground, used by every command (SOCKET_PLAYGROUND=1)."""
    shutil.copytree(playground_template, data_dir)
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    return data_dir / "playground.db"

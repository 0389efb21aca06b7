"""docs/commands.md stays in step with the commands: every command has help and a section.

Like sqlite-utils' documentation test: walk the real command tree, so that a command added
without help text or without its section in the reference fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from socketcli.cli.app import app
from socketcli.domain.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs"
REFERENCE = DOCS / "commands.md"
HEADING = re.compile(r"^### (socket(?: [a-z][a-z-]*)*)\s*$", re.MULTILINE)


def walk(command: Any, path: str = "socket") -> Iterator[tuple[str, Any]]:
    """Every command and group under `command`, as ('socket plan diff', command)."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, f"{path} {name}")


COMMANDS = dict(walk(typer.main.get_command(app)))


def sections() -> dict[str, str]:
    """{'socket plan diff': the text of its section} from docs/commands.md."""
    text = REFERENCE.read_text(encoding="utf-8")
    found = list(HEADING.finditer(text))
    result = {}
    for index, heading in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        following = re.search(r"^#{1,3} ", text[heading.end() : end], re.MULTILINE)
        if following:
            end = heading.end() + following.start()
        result[heading.group(1)] = text[heading.end() : end]
    return result


def test_the_tree_has_every_command_group():
    assert {"socket plan diff", "socket proposals change", "socket import"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_help(path):
    command = COMMANDS[path]

    assert (command.help or "").strip(), f"`{path}` has no help text"
    for parameter in command.params:
        if parameter.name not in ("help",):
            assert (getattr(parameter, "help", None) or "").strip(), (
                f"`{path}`: {parameter.name} has no help text"
            )


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_a_section_in_the_reference(path):
    assert path in sections(), f"docs/commands.md has no heading '### {path}'"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_reference_names_every_option_of_the_command(path):
    section = sections().get(path, "")
    for parameter in COMMANDS[path].params:
        for flag in [*parameter.opts, *parameter.secondary_opts]:
            if flag.startswith("--") and flag != "--help":
                assert flag in section, f"docs/commands.md, `{path}`: {flag} is not documented"


def test_the_reference_documents_no_command_that_does_not_exist():
    assert sorted(set(sections()) - set(COMMANDS)) == []


def test_every_setting_has_a_section_in_the_settings_page():
    documented = set(
        re.findall(r"^### (\w+)\s*$", (DOCS / "settings.md").read_text(), re.MULTILINE)
    )

    assert documented == {spec.key for spec in SETTINGS}

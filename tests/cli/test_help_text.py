"""The help reads like a well-made CLI's: every argument and value-taking option is shown by
an upper-case metavar (`CLIENT`, `FILE...`, `--month YYYY-MM`), never by typer's Python
names and types (`{client}`, `client <str>`, `--limit <int>`); and a value that is not a
whole number for an integer is one line in socket's words, naming the argument."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from socketcli.cli._help import HELP
from socketcli.cli.app import app
from tests.runner import Socket


def parameters(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(('plan', 'diff'), parameter) for every argument and value-taking option."""
    for parameter in getattr(command, "params", []):
        if parameter.param_type_name == "argument" or not (parameter.is_flag or parameter.count):
            yield path, parameter
    for name, sub in getattr(command, "commands", {}).items():
        yield from parameters(sub, (*path, name))


PARAMETERS = list(parameters(typer.main.get_command(app)))


def label(item: tuple[tuple[str, ...], Any]) -> str:
    path, parameter = item
    return " ".join(("socket", *path, parameter.opts[0]))


@pytest.mark.parametrize("item", PARAMETERS, ids=label)
def test_every_argument_and_option_value_has_an_upper_case_metavar(
    item: tuple[tuple[str, ...], Any],
) -> None:
    _, parameter = item
    metavar = parameter.metavar
    assert metavar, f"{label(item)} has no metavar"
    # An upper-case name (CLIENT, YYYY-MM, CATEGORY:OPTION), or the choices (best|name).
    assert metavar == metavar.upper() or "|" in metavar, f"{label(item)}: {metavar}"
    assert not metavar.endswith("..."), f"{label(item)}: the '...' is added where it takes several"


def test_the_tree_has_the_parameters_of_every_kind() -> None:
    kinds = {(p.param_type_name, p.nargs) for _, p in PARAMETERS}
    assert {("argument", 1), ("argument", -1), ("option", 1)} <= kinds


@pytest.mark.parametrize("path", sorted(HELP), ids=lambda path: path or "socket")
def test_no_help_shows_python_names_or_types(path: str) -> None:
    text = HELP[path]
    usage = text.splitlines()[0]

    assert "{" not in usage, usage
    assert not re.search(r"<[a-z][a-z\[\], |]*>", text), text


@pytest.mark.parametrize(
    ("path", "usage", "row"),
    [
        ("clients show", "socket clients show [OPTIONS] CLIENT", "  CLIENT  The client's"),
        ("import", "socket import [OPTIONS] FILE...", "  FILE...  CSV files"),
        ("work complete", "socket work complete [OPTIONS] [ID]...", "  ID...  The ids"),
        ("work reopen", "socket work reopen [OPTIONS] ID", "  ID  The id of the item"),
        ("settings set", "socket settings set [OPTIONS] KEY VALUE", "  VALUE  The new value."),
        ("contacts link", "socket contacts link [OPTIONS] CLIENT CONTACT", "  CONTACT  The"),
        ("plan diff", "socket plan diff [OPTIONS]", "  --change TYPES   Only these"),
        ("history", "socket history [OPTIONS]", "  --limit N        Show at most"),
        ("contacts match", "socket contacts match [OPTIONS]", "  --order best|name"),
        ("clients edit", "socket clients edit [OPTIONS] CLIENT", "  --year-end DD-MM"),
    ],
)
def test_the_help_names_values_by_their_metavars(path: str, usage: str, row: str) -> None:
    text = HELP[path]

    assert text.splitlines()[0] == f"Usage: {usage}"
    assert row in text.splitlines() or any(line.startswith(row) for line in text.splitlines())


def test_a_missing_argument_is_named_by_its_metavar(socket: Socket) -> None:
    said = socket.usage_error("clients", "show")

    assert "Usage: socket clients show [OPTIONS] CLIENT" in said
    assert "Missing argument 'CLIENT'." in said


INTEGERS = [
    (path, parameter)
    for path, parameter in PARAMETERS
    if parameter.type_descriptor.annotation in (int, list[int])
]


def test_the_integers_are_the_ones_expected() -> None:
    assert sorted(label(item) for item in INTEGERS) == [
        "socket contacts duplicates --threshold",
        "socket contacts match --threshold",
        "socket history --limit",
        "socket sandbox serve --port",
        "socket work complete ids",
        "socket work reopen item",
        "socket xero connect --port",
        "socket xero connect --timeout",
    ]


@pytest.mark.parametrize("item", INTEGERS, ids=label)
def test_a_value_that_is_not_a_whole_number_is_one_line_naming_it(
    socket: Socket, item: tuple[tuple[str, ...], Any]
) -> None:
    path, parameter = item
    is_option = parameter.param_type_name == "option"
    named = parameter.opts[0] if is_option else parameter.metavar

    said = socket.fails(*path, *([named] if is_option else []), "ten", code=2)

    assert said.startswith(f"error: {named} 'ten' is not a whole number: give "), said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("sandbox", "serve", "--port", "70000"),
            "error: --port 70000 is out of range: give a port from 0 to 65535 (0: any free port)",
        ),
        (
            ("xero", "connect", "--timeout", "0"),
            "error: --timeout 0 is out of range: give a number of seconds, 1 to 86400 (a day)",
        ),
        (("history", "--limit", "1.5"), "error: --limit '1.5' is not a whole number"),
        (("history", "--limit", ""), "error: --limit '' is not a whole number"),
    ],
)
def test_a_whole_number_out_of_range_or_malformed_is_refused(
    socket: Socket, args: tuple[str, ...], message: str
) -> None:
    assert socket.fails(*args, code=2).startswith(message)


def test_with_json_the_bad_number_is_the_json_error(socket: Socket) -> None:
    result = socket.exits("history", "--limit", "ten", "--json", code=2)

    assert result.stdout == ""
    assert json.loads(result.stderr)["error"] == {
        "code": "invalid_input",
        "exit_code": 2,
        "message": "--limit 'ten' is not a whole number: give a count, or 0 for every entry",
    }

"""`socket plan diff --json` without typer: the scripts' path, started in a fraction of the
time.

Typer builds its parsers with pydantic, and importing the two costs a tenth of a second or
more, a sixth of a whole `plan diff --json` on 20,000 clients. A command line of exactly
this shape is run here instead, by the same functions the command runs (the service, the
JSON document, the failure as a JSON object and its exit code):

    socket [--db PATH] [--quiet|-q] [--no-pager] plan diff --json
           [--month YYYY-MM] [--change TYPES] [--no-pager]

(options of the command in any order, `--opt=value` as well). Anything else, any option
given twice, `--playground` or SOCKET_PLAYGROUND, or shell completion, goes to typer, which
runs it as before. A test holds the two paths to the same output, error and exit code.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

_GLOBAL_FLAGS = {"--quiet": "quiet", "-q": "quiet", "--no-pager": "no_pager"}
_COMMAND_FLAGS = {"--json": "json", "--no-pager": "no_pager"}
_COMMAND_VALUES = {"--month": "month", "--change": "change"}


def parse(args: Sequence[str]) -> dict[str, str | bool] | None:
    """The options of a `plan diff --json` command line (None: not one this path runs)."""
    if "_SOCKET_COMPLETE" in os.environ or "SOCKET_PLAYGROUND" in os.environ:
        return None
    found: dict[str, str | bool] = {}
    words = list(args)
    index = 0

    def take(name: str, value: str | bool) -> bool:
        if name in found or (isinstance(value, str) and (not value or value.startswith("-"))):
            return False
        found[name] = value
        return True

    # The root's options, then `plan diff`.
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        if word in _GLOBAL_FLAGS:
            if not take(f"global {_GLOBAL_FLAGS[word]}", True):
                return None
        elif word == "--db" and index + 1 < len(words):
            index += 1
            if not take("db", words[index]):
                return None
        elif word.startswith("--db="):
            if not take("db", word.removeprefix("--db=")):
                return None
        else:
            return None
        index += 1
    if words[index : index + 2] != ["plan", "diff"]:
        return None
    index += 2
    while index < len(words):
        word = words[index]
        name, equals, value = word.partition("=")
        if word in _COMMAND_FLAGS:
            if not take(_COMMAND_FLAGS[word], True):
                return None
        elif name in _COMMAND_VALUES and equals:
            if not take(_COMMAND_VALUES[name], value):
                return None
        elif word in _COMMAND_VALUES and index + 1 < len(words):
            index += 1
            if not take(_COMMAND_VALUES[word], words[index]):
                return None
        else:
            return None
        index += 1
    return found if found.get("json") else None


def run(args: Sequence[str]) -> int | None:
    """Run a `plan diff --json` command line; its exit code (None: typer must run it)."""
    options = parse(args)
    if options is None:
        return None
    import sys

    from socketcli.cli.context import State
    from socketcli.cli.output import emit_json, errors_as_json, fail
    from socketcli.cli.reports import change_types, diff_document
    from socketcli.cli.screen import working
    from socketcli.domain.dates import is_relative_month, parse_typed_month
    from socketcli.domain.errors import SocketError
    from socketcli.services.plan import diff_plan

    errors_as_json(True)
    db = options.get("db")
    st = State(
        db=db if isinstance(db, str) else None,
        quiet=bool(options.get("global quiet")),
        no_pager=bool(options.get("global no_pager")),
    )
    month, change = options.get("month"), options.get("change")
    try:
        wanted = change_types(change if isinstance(change, str) else None)
        with working("Comparing the plan with the month before", quiet=st.quiet):
            # --month as the command reads it (cli.options.typed_month, whose module imports
            # typer), and in the same order: the store's location and the clock first.
            report = diff_plan(
                st.read,
                st.clock,
                parse_typed_month(
                    month,
                    today=st.today() if is_relative_month(month) else None,
                )
                if isinstance(month, str)
                else None,
                wanted,
            )
        emit_json(diff_document(report))
    except SocketError as failure:
        fail(str(failure), failure.exit_code, getattr(failure, "code", None))
        return failure.exit_code
    except (KeyboardInterrupt, EOFError):
        sys.stderr.write("\n")
        fail("aborted", 1, "aborted")
        return 1
    finally:
        st.close()
    return 0

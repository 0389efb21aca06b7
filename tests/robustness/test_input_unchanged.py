"""The check every refusal test leans on (input_helpers.untouched) sees a change on either
engine: a row added, or a row's value changed, is "the store changed"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.input_helpers import untouched
from tests.runner import Socket


@pytest.mark.parametrize(
    "write",
    [("clients", "add", "ACME", "Acme Ltd"), ("settings", "set", "invoice_day", "5")],
    ids=" ".join,
)
def test_untouched_sees_a_row_added_or_changed(
    socket: Socket, empty_store: Path, write: tuple[str, ...]
) -> None:
    with pytest.raises(AssertionError, match="the store changed"), untouched(socket, empty_store):
        socket.ok(*write)


def test_untouched_lets_a_read_pass(socket: Socket, empty_store: Path) -> None:
    with untouched(socket, empty_store):
        socket.ok("clients", "list")
        socket.ok("settings", "show")

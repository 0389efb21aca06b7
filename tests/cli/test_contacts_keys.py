"""The walk's search line takes in what was typed ahead: a Ctrl-C or Ctrl-D among it (the
terminal in raw mode gives them as characters) quits, as when typed at the prompt."""

from __future__ import annotations

import pytest

from socketcli.cli.contacts import keys


@pytest.fixture(autouse=True)
def nothing_typed_ahead() -> None:
    keys._typed.clear()


@pytest.mark.parametrize(
    ("typed", "raised"),
    [
        ("smi\x03", KeyboardInterrupt),
        ("\x03smith\r", KeyboardInterrupt),
        ("smi\x04", EOFError),
        ("s\x03m\x04", KeyboardInterrupt),  # the first of them
        ("s\x04m\x03\r", EOFError),
    ],
)
def test_a_ctrl_c_or_ctrl_d_typed_ahead_into_the_search_line_ends_it(
    typed: str, raised: type[BaseException]
) -> None:
    keys._typed.extend(typed)
    with pytest.raises(raised):
        keys.line("Search: ")
    assert keys._typed == []


def test_a_line_typed_ahead_is_the_search_and_the_rest_waits() -> None:
    keys._typed.extend("smith\r1\x03")  # a Ctrl-C after the line: for the next key
    assert keys.line("Search: ") == "smith"
    assert keys._typed == list("1\x03")
    assert keys.key() == "1"
    with pytest.raises(KeyboardInterrupt):
        keys.key()

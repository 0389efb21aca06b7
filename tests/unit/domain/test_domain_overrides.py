"""The way back from an override: `default` (any case) or an empty value clears it."""

from __future__ import annotations

import pytest

from socketcli.domain.errors import InvalidInput
from socketcli.domain.overrides import clears, parse_switch


@pytest.mark.parametrize("text", ["default", "DEFAULT", " Default ", "", "   "])
def test_default_in_any_case_or_nothing_clears_an_override(text: str) -> None:
    assert clears(text)


@pytest.mark.parametrize("text", ["defaults", "default:1", "days:14", "0", "no"])
def test_any_other_value_is_a_value(text: str) -> None:
    assert not clears(text)


@pytest.mark.parametrize(
    ("text", "switch"),
    [
        *[("yes", True), ("On", True), ("true", True), ("1", True)],
        *[("no", False), ("OFF", False), ("false", False), ("0", False)],
        *[("default", None), ("", None)],
    ],
)
def test_a_switch_is_yes_no_or_default(text: str, switch: bool | None) -> None:
    assert parse_switch(text, "consolidate") is switch


@pytest.mark.parametrize("text", ["maybe", "y", "2", "[/]", "default please"])
def test_anything_else_is_refused_naming_the_override_and_the_choices(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_switch(text, "consolidate")

    assert str(refused.value) == (f"consolidate {text!r} is not valid: expected yes, no or default")

"""A client's or a service's override of a practice setting, and the way back from one.

Every override (a client's payment terms, invoice day, consolidation, branding theme and
tracking option; a service's account code and tracking category) takes the word `default`,
or an empty value, to clear it: the practice's setting applies again. The word is the same
for every override and any case (`default`, `Default`), so it can never be a value of one.
"""

from __future__ import annotations

from socketcli.domain.errors import InvalidInput

#: The value that clears an override (docs/commands.md, "Overrides").
DEFAULT = "default"

_YES = frozenset({"true", "yes", "on", "1"})
_NO = frozenset({"false", "no", "off", "0"})


def clears(text: str) -> bool:
    """Whether `text`, given for an override, clears it: `default` (any case) or empty."""
    value = text.strip()
    return not value or value.lower() == DEFAULT


def parse_switch(text: str, what: str) -> bool | None:
    """An override that is on or off (a client's consolidation): `yes` / `no` (or `true`,
    `on`, `1` / `false`, `off`, `0`), or None for `default` or empty (cleared)."""
    if clears(text):
        return None
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InvalidInput(f"{what} {text!r} is not valid: expected yes, no or {DEFAULT}")

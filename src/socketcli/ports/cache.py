"""Caches: what a command may keep between runs to start faster. Anything in one may be
missing or out of date; nothing is lost without it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from socketcli.domain.matching import NameForms


class NameFormsCache(Protocol):
    """Xero contacts' names as the matcher normalised them last time (`name_forms`), so that
    the next `contacts match` normalises only the names it has not met (about half of the
    contact index's build at 50,000 contacts)."""

    def load(self) -> Mapping[str, NameForms]:
        """The names and their forms kept, for this version of the matcher: empty when there
        are none, they were made by another version, or they cannot be read."""
        ...

    def save(self, forms: Mapping[str, NameForms]) -> None:
        """Keep these names and forms in place of those kept before (a failure to write is
        not an error: the next run normalises them again)."""
        ...

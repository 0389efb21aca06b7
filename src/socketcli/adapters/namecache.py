"""The matcher's normalised contact names, kept between runs in a private file in socket's
state directory (one per store): a cache, so that `contacts match` does not normalise 50,000
names again each time it starts.

The file is JSON: the matcher's version and each name with its forms written as text
(`forms|forms`, words apart by a space: a normalised word holds neither). Its version is a
digest of the matcher's source and of Python's Unicode tables, so that forms made by another
version of `socketcli.domain.matching` are never used. A file that is missing, unreadable,
damaged or from another version is no cache; a write that fails leaves none. The names are
the store's own contact names: the file is made 0600 in the user's private state directory,
like the tokens.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from socketcli.domain import matching
from socketcli.domain.matching import NameForms


@lru_cache(maxsize=1)
def matcher_version() -> str:
    """What the forms depend on: the matcher's source, Python's version and Unicode tables."""
    digest = hashlib.sha256()
    try:
        digest.update(Path(matching.__file__).read_bytes())
    except OSError:  # pragma: no cover - the module loaded from somewhere unreadable
        digest.update(b"unreadable")
    digest.update(f"{sys.version}\0{unicodedata.unidata_version}".encode())
    return digest.hexdigest()


def _encode(forms: NameForms) -> str:
    return "|".join(" ".join(form) for form in forms)


def _decode(text: str) -> NameForms:
    return tuple(tuple(form.split(" ")) if form else () for form in text.split("|"))


class FileNameFormsCache:
    """`ports.cache.NameFormsCache` in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Mapping[str, NameForms]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != matcher_version():
            return {}
        kept = data.get("forms")
        if not isinstance(kept, dict):
            return {}
        return {
            name: _decode(text)
            for name, text in kept.items()
            if isinstance(text, str) and isinstance(name, str)
        }

    def save(self, forms: Mapping[str, NameForms]) -> None:
        document = {
            "version": matcher_version(),
            "forms": {name: _encode(value) for name, value in forms.items()},
        }
        text = json.dumps(document, separators=(",", ":"))  # ASCII: any name can be written
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(
                partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600
            )
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(text)
            os.replace(partial, self.path)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                partial.unlink()

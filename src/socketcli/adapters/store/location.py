"""Where the store is, and the schema this program reads, without importing SQLAlchemy:
a path is known for a path at once; only a URL is parsed (by SQLAlchemy, when it is given).
`plan diff --json` on a SQLite file gets this far and no further into SQLAlchemy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socketcli.domain.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import URL

#: The newest migration. A store at this revision opens without importing alembic.
HEAD_REVISION = "0010"
#: How long a writer waits for another's write to end before it gives up (StoreBusy).
BUSY_TIMEOUT_MS = 10_000

#: A URL rather than a path: `scheme://...` (sqlite:///..., postgresql+psycopg://...).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def looks_like_url(text: str) -> bool:
    """Whether `--db` was given a URL (`sqlite:///...`, `postgresql+psycopg://...`), not a path."""
    return bool(_URL.match(text))


@dataclass(frozen=True, slots=True)
class StoreLocation:
    """Where the store is: a SQLite file given as a path (`path`, opened as it is: never
    parsed as a URL, so `%20` and `?` are part of the name), or a SQLAlchemy URL."""

    url: str
    path: Path | None = None

    @classmethod
    def for_path(cls, path: Path) -> StoreLocation:
        resolved = path.expanduser().resolve()
        return cls(f"sqlite:///{resolved}", resolved)

    @classmethod
    def for_url(cls, url: str, *, source: str = "SOCKET_DATABASE_URL") -> StoreLocation:
        """A URL, checked now: one that cannot be parsed is an InvalidInput naming `source`,
        and the message never repeats the URL (it may hold a password)."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            raise InvalidInput(
                f"{source} is not a database URL: expected e.g. sqlite:////path/to/socket.db "
                "or postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"
            ) from None
        except ValueError:
            raise InvalidInput(
                f"{source} is not a usable database URL: its port is not a number "
                "(expected e.g. postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE)"
            ) from None
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise InvalidInput(
                f"{source} is not a usable database URL: its port is not between 1 and 65535"
            )
        return cls(url)

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None or self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if self.path is not None:
            return self.path
        if not self.is_sqlite:
            return None
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    @property
    def target(self) -> str | URL:
        """What create_engine is given: a path as a URL object (nothing in it is decoded)."""
        from sqlalchemy import URL

        if self.path is not None:
            return URL.create("sqlite", database=str(self.path))
        return self.url

    def describe(self) -> str:
        """The location for messages: the file, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            path = self.sqlite_path
            if path is not None:
                return str(path)
            return make_url(self.url).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            return "SOCKET_DATABASE_URL (not a database URL)"

    def scrub(self, message: str) -> str:
        """`message` with the URL's password, should a driver repeat it, blotted out."""
        if self.path is not None:
            return message
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            password = make_url(self.url).password
        except (ArgumentError, ValueError):
            return message
        return message.replace(str(password), "***") if password else message

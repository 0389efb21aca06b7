"""Text put in order the same way on every engine: byte by byte (by code point in UTF-8).

SQLite compares text with BINARY; a PostgreSQL database compares with its collation, which a
server set up in en_US (or with ICU's en-US) makes linguistic: `_x` before `a`, `ábc` beside
`abc`, `B_1` and `b-2` by letters first. A list socket shows (clients, services, proposals,
contacts, accounts, work) must come in one order whichever store it reads, so each ORDER BY
on text goes through `bytewise`: `COLLATE "C"` on PostgreSQL, the expression as it is on
SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.elements import ColumnElement


class bytewise(ColumnElement[Any]):
    """`expression`, compared byte by byte (see the module)."""

    inherit_cache = True

    def __init__(self, expression: Any) -> None:
        self.ordered: ColumnElement[Any] = coercions.expect(roles.ExpressionElementRole, expression)
        self.type = self.ordered.type


@compiles(bytewise)
def _as_it_is(element: bytewise, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.ordered, **kw))


@compiles(bytewise, "postgresql")
def _c_collation(element: bytewise, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.ordered, **kw)} COLLATE "C"'

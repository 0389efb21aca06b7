"""Hostile input, hostile output and a busy store, judged on SQLite and on PostgreSQL
(tests/engines.py): a practice may keep its store on a PostgreSQL server (docs/guide.md, "A
practice sharing one store"). What is about SQLite's files alone (their modes, their paths
as `--db` gives them, the write lock a second process takes on the file, the playground's
own file) is marked `sqlite_only` with its reason.

The `socket` runner and the stores are tests/conftest.py's, as for every folder; "the store
is as it was" is `tests/robustness/input_helpers.py`'s `untouched`, on either engine.
"""

from __future__ import annotations

import pytest

from tests.engines import parametrize_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)

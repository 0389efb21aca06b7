"""CSV import of clients, services and proposals (to be completed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from socketcli.domain.errors import InvalidInput
from socketcli.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.reason}"


class ImportFailed(InvalidInput):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class ImportReport:
    def summary(self) -> str:
        return "nothing"


def import_csv(uow: UnitOfWork, files: Sequence[Path], *, dry_run: bool = False) -> ImportReport:
    raise NotImplementedError

"""The demo practice (to be completed)."""

from __future__ import annotations

from dataclasses import dataclass

from socketcli.services.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class PlaygroundReport:
    def summary(self) -> str:
        return "nothing"


def create_playground(uow: UnitOfWork, clock: Clock) -> PlaygroundReport:
    raise NotImplementedError

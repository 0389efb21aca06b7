"""Fakes for the project's own ports, asserted on by state."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeSleep:
    """A sleep (`Callable[[float], None]`) that records what it was asked to wait, and
    returns at once: a Retry-After of an hour costs nothing, and the test reads `slept`."""

    slept: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)

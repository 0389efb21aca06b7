"""The clock: every "now" in socket comes from one, so a test or a rehearsal can choose it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...

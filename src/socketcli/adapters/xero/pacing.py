"""Keeping under Xero's rate limits by reading them, rather than by being refused.

Every Accounting API answer carries `X-MinLimit-Remaining` (calls left in the organisation's
rolling minute) and `X-DayLimit-Remaining` (left in its rolling day). The gateway tells the
pacer of each answer and asks it, before each call, how long to wait:

    pacer = Pacer()                      # one a gateway (an organisation)
    wait = pacer.before_call(now)        # seconds to sleep first (0: go)
    ...                                  # the call
    pacer.answered(now, headers)         # its headers (or {} for a call with no answer)
    pacer.answered(now, headers, refused=True)   # a 429: Xero did not count the call

When the minute has calls left (those in flight counted), it is 0. When it has none, the
next call waits until a call leaves the window: the pacer remembers when each of its own
calls of the last minute was answered (an answer comes after Xero counted the call, so a
minute after it the call has left Xero's window) and waits until the oldest of them is a
minute old. Alone against the organisation, that is exactly when Xero admits the next call;
with others' calls in the window too (another app, another process) a slot may free sooner,
never later, unless they keep calling. With none of its own calls in the window it does not
guess: the call goes, and a 429's Retry-After is what the gateway waits (as before; after a
429 the pacer forgets what it knew of the minute, the Retry-After being Xero's word). When
an answer says the day has no calls left, `day_spent` says so and the gateway stops at once
instead of spending a call on a refusal (a 429 for the day stops it anyway).

A gateway (one command's connection to one organisation) has one pacer for its threads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping

#: The rolling window of Xero's minute limit (seconds).
WINDOW = 60.0
#: Added to a computed wait: clocks tick differently on each side.
MARGIN = 0.05


class Pacer:
    """The minute and day limits of one organisation, as its answers tell them."""

    def __init__(self, *, window: float = WINDOW, margin: float = MARGIN) -> None:
        self.window = window
        self.margin = margin
        self._lock = threading.Lock()
        #: When this gateway's calls of the last minute were answered, oldest first.
        self._answers: deque[float] = deque()
        self._minute_left: int | None = None
        self._day_left: int | None = None
        self._seen_at = 0.0
        self._in_flight = 0

    def before_call(self, now: float) -> float:
        """Seconds to wait before the next call (0: go now). The call is counted as in
        flight from here until `answered`."""
        with self._lock:
            wait = self._wait(now)
            self._in_flight += 1
            return wait

    def _wait(self, now: float) -> float:
        if self._minute_left is None or now - self._seen_at >= self.window:
            return 0.0  # nothing known, or what was known has left the window
        short = self._in_flight - self._minute_left + 1  # slots that must free first
        if short <= 0:
            return 0.0
        self._forget(now)
        if len(self._answers) < short:
            return 0.0  # the window holds calls this gateway did not make: do not guess
        return max(0.0, self._answers[short - 1] + self.window + self.margin - now)

    def _forget(self, now: float) -> None:
        while self._answers and self._answers[0] <= now - self.window:
            self._answers.popleft()

    def answered(self, now: float, headers: Mapping[str, str], *, refused: bool = False) -> None:
        """A call ended: `headers` are its answer's (lower-case names), empty when it had
        none; `refused`: a 429, which Xero does not count."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            if refused:
                self._minute_left = None  # the gateway waits the Retry-After Xero gave
                return
            self._forget(now)
            self._answers.append(now)
            minute = _count(headers.get("x-minlimit-remaining"))
            if minute is not None:
                self._minute_left = minute
                self._seen_at = now
            day = _count(headers.get("x-daylimit-remaining"))
            if day is not None:
                self._day_left = day

    def day_spent(self) -> bool:
        """The organisation's last answer said it has no calls left today."""
        with self._lock:
            return self._day_left == 0

    @property
    def minute_left(self) -> int | None:
        with self._lock:
            return self._minute_left


def _count(value: str | None) -> int | None:
    try:
        return None if value is None else max(0, int(value.strip()))
    except ValueError:
        return None

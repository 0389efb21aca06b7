"""Injected faults and Xero's rate limits.

A fault waits in a queue until a request that it matches arrives; that request gets it (and
`count` requests in all). Without a `path` a fault matches the Accounting API only
(/api.xro/2.0/...); with one it matches any request whose path contains it, case-insensitive
(so `/connect/token` reaches the identity service). The admin endpoints (/_sandbox/...) never
get a fault.

| field | effect |
| --- | --- |
| status | answer with this status instead (429 carries Retry-After and X-Rate-Limit-Problem) |
| problem | minute, day or concurrent: a 429 as Xero's limit of that kind sends it |
| retry_after | the Retry-After seconds of a 429 (default 1 for minute/concurrent, 3600 for day) |
| delay | wait this many seconds, then handle the request (a slow Xero: the work is done even if the client gave up); with `status`, wait and then answer that status (a timeout where nothing happened) |
| status_after | handle the request, then answer this error status instead of its answer (it happened; the client is told it failed); kept under an Idempotency-Key like any answer |
| delay_after | handle the request at once, then wait before answering (it happened; the client may time out not knowing) |
| drop | close the connection without an answer, before handling |
| drop_after | handle the request, then close the connection without an answer (the lost reply) |
| expire_token | expire the access token the request carries: it gets a 401 TokenExpired |
| oauth_error | the authorize step redirects with ?error=..., the token endpoint answers 400 {"error": ...} |
| body | the JSON body of a `status` answer (default: Xero's body for that status) |
| method | only requests of this method (GET, PUT, POST, DELETE) |
| count | how many matching requests get it (default 1) |
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

PROBLEMS = ("minute", "day", "concurrent")
_KEYS = {
    "path",
    "method",
    "status",
    "problem",
    "retry_after",
    "delay",
    "delay_after",
    "status_after",
    "drop",
    "drop_after",
    "expire_token",
    "oauth_error",
    "body",
    "count",
}


@dataclass
class Fault:
    path: str | None = None
    method: str | None = None
    status: int | None = None
    problem: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    delay_after: float = 0.0
    status_after: int | None = None
    drop: bool = False
    drop_after: bool = False
    expire_token: bool = False
    oauth_error: str | None = None
    body: Any = None
    count: int = 1

    def __post_init__(self) -> None:
        if self.problem is not None:
            if self.problem not in PROBLEMS:
                raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}")
            if self.status is None and self.status_after is None:
                self.status = 429
        for status in (self.status, self.status_after):
            if status is not None and not 400 <= status <= 599:
                raise ValueError("status must be an HTTP error status (400 to 599)")
        if self.status is not None and self.status_after is not None:
            raise ValueError("a fault strikes before the work (status) or after (status_after)")
        if 429 in (self.status, self.status_after) and self.problem is None:
            self.problem = "minute"
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must not be negative")
        if self.delay < 0 or self.delay_after < 0:
            raise ValueError("delays must not be negative")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.method is not None:
            self.method = self.method.upper()

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict):
            raise ValueError("a fault is a JSON object")
        unknown = set(data) - _KEYS
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            return cls(**data)
        except TypeError as failure:
            raise ValueError(str(failure)) from None

    def to_json(self) -> dict[str, Any]:
        return {
            key: value for key, value in asdict(self).items() if value not in (None, False, 0.0)
        }

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        lowered = path.lower()
        if self.path is None:
            return lowered.startswith("/api.xro/")
        return self.path.lower() in lowered

    @property
    def seconds_to_retry(self) -> int:
        if self.retry_after is not None:
            return self.retry_after
        return 3600 if self.problem == "day" else 1


class FaultQueue:
    """Faults waiting for the requests they match, first added first served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching the request, one use of it spent."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        del self._faults[index]
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(f)) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


@dataclass
class Limits:
    """Xero's limits per organisation (and per app)."""

    per_minute: int = 60
    per_day: int = 5000
    concurrent: int = 5
    app_per_minute: int = 10_000

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Refusal:
    problem: str
    retry_after: int


@dataclass
class _Tenant:
    minute: deque[float] = field(default_factory=deque)
    day: deque[float] = field(default_factory=deque)
    in_flight: int = 0


class RateLimiter:
    """Rolling windows of calls per tenant (a minute and a day) and calls in flight.

    Times come from the sandbox clock, so moving the clock forward a minute empties the
    minute window. A refused call is not counted.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._app_minute: deque[float] = deque()

    def _tenant(self, tenant_id: str) -> _Tenant:
        found = self._tenants.get(tenant_id)
        if found is None:
            found = self._tenants[tenant_id] = _Tenant()
        return found

    @staticmethod
    def _trim(window: deque[float], now: float, span: float) -> None:
        while window and window[0] <= now - span:
            window.popleft()

    def admit(self, tenant_id: str, moment: datetime) -> Refusal | None:
        """Count a call, or say why it is refused (minute, day or concurrent)."""
        now = moment.timestamp()
        with self._lock:
            tenant = self._tenant(tenant_id)
            self._trim(tenant.minute, now, 60)
            self._trim(tenant.day, now, 86_400)
            self._trim(self._app_minute, now, 60)
            if len(tenant.day) >= self.limits.per_day:
                return Refusal("day", max(1, math.ceil(tenant.day[0] + 86_400 - now)))
            if len(tenant.minute) >= self.limits.per_minute:
                return Refusal("minute", max(1, math.ceil(tenant.minute[0] + 60 - now)))
            if len(self._app_minute) >= self.limits.app_per_minute:
                return Refusal("appminute", max(1, math.ceil(self._app_minute[0] + 60 - now)))
            if tenant.in_flight >= self.limits.concurrent:
                return Refusal("concurrent", 1)
            tenant.minute.append(now)
            tenant.day.append(now)
            self._app_minute.append(now)
            tenant.in_flight += 1
            return None

    def done(self, tenant_id: str) -> None:
        """A call admitted by `admit` has been answered."""
        with self._lock:
            tenant = self._tenant(tenant_id)
            tenant.in_flight = max(0, tenant.in_flight - 1)

    def in_flight(self, tenant_id: str) -> int:
        with self._lock:
            return self._tenant(tenant_id).in_flight

    def remaining(self, tenant_id: str, moment: datetime) -> dict[str, int]:
        now = moment.timestamp()
        with self._lock:
            tenant = self._tenant(tenant_id)
            self._trim(tenant.minute, now, 60)
            self._trim(tenant.day, now, 86_400)
            self._trim(self._app_minute, now, 60)
            return {
                "minute": max(0, self.limits.per_minute - len(tenant.minute)),
                "day": max(0, self.limits.per_day - len(tenant.day)),
                "app_minute": max(0, self.limits.app_per_minute - len(self._app_minute)),
            }

    def clear(self) -> None:
        with self._lock:
            self._tenants.clear()
            self._app_minute.clear()

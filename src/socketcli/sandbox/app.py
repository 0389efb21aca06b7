"""The sandbox Xero as one object: routing, authentication, the tenant header, rate limits,
injected faults, Idempotency-Key, the call log, the admin endpoints and the state file.

Paths (one server stands in for all of Xero's hosts):

| path | stands in for |
| --- | --- |
| /identity/connect/authorize | https://login.xero.com/identity/connect/authorize |
| /connect/token, /connect/revocation | https://identity.xero.com/connect/... |
| /connections, /connections/{id} | https://api.xero.com/connections |
| /api.xro/2.0/... | https://api.xero.com/api.xro/2.0/... |
| /_sandbox/... | the sandbox's admin: state, faults, clock, calls, limits, plan, invoices, reset, tokens, contacts, organisations |

`handle` never blocks for long: injected delays are capped and end at once when the server
stops; everything else is quick work under one lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socketcli.sandbox import accounting, identity
from socketcli.sandbox.faults import Fault, FaultQueue, Limits, RateLimiter
from socketcli.sandbox.jsonfmt import dumps, iso_moment, loads, ms_date, parse_moment
from socketcli.sandbox.seed import add_organisation, seed_contacts, seed_state
from socketcli.sandbox.state import (
    IDEMPOTENCY_LIFETIME,
    AccessToken,
    IdempotentResult,
    Organisation,
    SandboxClock,
    SandboxState,
)
from socketcli.sandbox.statefile import StateFile, read_state
from socketcli.sandbox.wire import (
    Request,
    Response,
    bad_post_data,
    fault_body,
    forbidden,
    internal_error,
    json_response,
    not_found,
    oauth_error,
    problem,
    validation_error,
    xero_error,
)

API_PREFIX = "/api.xro/2.0"
ADMIN_PREFIX = "/_sandbox"
MAX_IDEMPOTENCY_KEY = 128
#: Seconds without a request after which the journal is folded into the state file.
IDLE = 1.0
#: How an app that is not one of the sandbox's clients is named as an invoice's maker.
OTHER_APP = "other-app:"
#: Answers never kept under an Idempotency-Key: refusals before the work (authentication,
#: the organisation, the rate limits), which Xero gives before it reads the key.
_NOT_KEPT = (401, 403, 429)

logger = logging.getLogger("socketcli.sandbox")


@dataclass
class SandboxConfig:
    """How the sandbox behaves; the defaults are Xero's."""

    limits: Limits = field(default_factory=Limits)
    lifetimes: identity.Lifetimes = field(default_factory=identity.Lifetimes)
    #: The longest an injected delay may hold a request (seconds).
    max_delay: float = 120.0
    #: Close a connection that sends nothing for this long (seconds).
    socket_timeout: float = 30.0
    #: The largest request body accepted (Xero: 3.5 MB).
    max_body: int = 3_500_000
    #: How many calls the call log keeps.
    call_log: int = 50_000


@dataclass(frozen=True)
class Call:
    """One request the sandbox answered (the admin endpoints are not logged)."""

    at: datetime
    method: str
    path: str
    endpoint: str
    status: int
    tenant_id: str | None
    fault: bool
    query: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "at": iso_moment(self.at),
            "method": self.method,
            "path": self.path,
            "endpoint": self.endpoint,
            "status": self.status,
            "tenant_id": self.tenant_id,
            "fault": self.fault,
            "query": self.query,
        }


class SandboxApp:
    """Everything but the sockets: `handle(Request) -> Response`."""

    def __init__(
        self,
        state: SandboxState,
        *,
        path: Path | None = None,
        config: SandboxConfig | None = None,
        base_url: str = "http://127.0.0.1",
    ) -> None:
        self.config = config or SandboxConfig()
        self.path = path
        self.base_url = base_url
        self.lock = threading.RLock()
        self.state = state
        self.clock = SandboxClock(timedelta(seconds=state.clock_skew_seconds))
        self.faults = FaultQueue()
        self.limiter = RateLimiter(self.config.limits)
        self.stopping = threading.Event()
        self._calls: deque[Call] = deque(maxlen=self.config.call_log)
        self._initial = state.copy()
        self._idempotent_in_flight: set[tuple[str, str]] = set()
        self._file = StateFile(path) if path is not None else None
        self._busy = 0
        self._last_request = time.monotonic()
        self.save(whole=True)

    # -- state ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | None,
        *,
        contacts: Iterable[Mapping[str, Any]] = (),
        config: SandboxConfig | None = None,
        now: datetime | None = None,
    ) -> SandboxApp:
        """The sandbox kept in `path` when there is one, else a new seeded one (saved there)."""
        if path is not None and path.exists():
            return cls(read_state(path), path=path, config=config)
        moment = now or datetime.now(UTC)
        state = seed_state(now=moment, contacts=contacts)
        state.clock_skew_seconds = (moment - datetime.now(UTC)).total_seconds() if now else 0.0
        return cls(state, path=path, config=config)

    def now(self) -> datetime:
        return self.clock.now()

    def save(self, *, whole: bool = False) -> None:
        """Keep the state on disk (`statefile.py`): what changed since the last save, appended
        to the journal and fsynced, or with `whole` the whole state rewritten (at start,
        stop and reset). A sandbox without a path keeps it in memory."""
        with self.lock:
            self.state.clock_skew_seconds = self.clock.skew.total_seconds()
            self.state.prune(self.now())
            if self._file is None:
                return
            if whole:
                self._file.compact(self.state)
            else:
                self._file.save(self.state)

    def detach(self) -> None:
        """From here on keep the state in memory only (what is on disk stays as it is): for a
        benchmark to tell the cost of the state file from the rest."""
        with self.lock:
            if self._file is not None:
                self._file.close()
            self._file = None
            self.path = None

    def close(self) -> None:
        """Leave everything in the state file itself (the journal folded in)."""
        with self.lock:
            self.save(whole=True)
            if self._file is not None:
                self._file.close()

    def reset(self) -> None:
        """Back to the state the sandbox started with; faults, limits' counters and calls cleared."""
        with self.lock:
            self.state = self._initial.copy()
            self.clock = SandboxClock(timedelta(seconds=self.state.clock_skew_seconds))
            self.faults.clear()
            self.limiter.clear()
            self._calls.clear()
            self.save(whole=True)

    def advance_clock(self, seconds: float) -> datetime:
        with self.lock:
            moment = self.clock.advance(seconds)
            self.save()
            return moment

    def calls(self) -> list[Call]:
        with self.lock:
            return list(self._calls)

    def clear_calls(self) -> None:
        with self.lock:
            self._calls.clear()

    def call_counts(self) -> Counter[str]:
        """How many calls each endpoint had, e.g. {"GET /Contacts": 3, "POST /connect/token": 1}."""
        return Counter(call.endpoint for call in self.calls())

    def add_organisation(self, name: str, contacts: Iterable[Mapping[str, Any]] = ()) -> str:
        with self.lock:
            organisation = add_organisation(self.state, name, now=self.now(), contacts=contacts)
            self.save()
            return organisation.tenant_id

    def issue_token(
        self,
        *,
        client_id: str | None = None,
        scope: str | None = None,
        expires_in: float | None = None,
    ) -> str:
        """An access token for scripts and tests (as a custom connection, with no user)."""
        with self.lock:
            client = (
                self.state.client(client_id)
                if client_id
                else next((c for c in self.state.clients if c.kind == "custom"), None)
            )
            if client is None:
                raise ValueError("no such client")
            lifetime = timedelta(seconds=expires_in) if expires_in else self.config.lifetimes.access
            token = identity.issue_access_token(
                self.state,
                client_id=client.client_id,
                user_id=None,
                scope=scope or " ".join(client.scopes),
                grant_id=str(uuid.uuid4()),
                now=self.now(),
                lifetime=lifetime,
            )
            self.save()
            return token

    def edit_contacts(
        self, items: list[dict[str, Any]], tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create or change contacts as a person would in Xero itself (no token, no limits)."""
        with self.lock:
            organisation = self._organisation(tenant_id)
            results, failed, saved = accounting.upsert_contacts(organisation, items, self.now())
            if failed:
                messages = [e["Message"] for f in failed for e in f["ValidationErrors"]]
                raise ValueError("; ".join(messages))
            if saved:
                self.save()
            return results

    def add_invoices(
        self, items: list[dict[str, Any]], *, app: str, tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create invoices as another app connected to the organisation would (Practice
        Manager, Ignition): no token, no limits, made by `app`, so that GET /Invoices with
        createdByMyApp=true does not list them to socket. A refused invoice raises a
        ValueError with Xero's messages and nothing is made."""
        if not app.strip():
            raise ValueError("name the app that makes the invoices")
        with self.lock:
            organisation = self._organisation(tenant_id)
            trial = replace(  # records are replaced, never changed in place
                organisation,
                contacts=dict(organisation.contacts),
                invoices=dict(organisation.invoices),
                created_by_app=dict(organisation.created_by_app),
                approvals=dict(organisation.approvals),
            )
            _, failed, _ = accounting.create_invoices(trial, items, self.now(), unit_places=4)
            if failed:
                messages = [e["Message"] for f in failed for e in f["ValidationErrors"]]
                raise ValueError("; ".join(messages))
            results, _, _ = accounting.create_invoices(
                organisation, items, self.now(), unit_places=4, app=f"{OTHER_APP}{app.strip()}"
            )
            self.save()
            return results

    def set_approval_cap(self, cap: int | None, tenant_id: str | None = None) -> None:
        """The organisation's plan allows `cap` approved (AUTHORISED) invoices a month (None:
        no limit); beyond it an invoice is refused as Xero refuses it."""
        if cap is not None and cap < 0:
            raise ValueError("the approval cap is a number of invoices, 0 or more")
        with self.lock:
            self._organisation(tenant_id).approval_cap = cap
            self.save()

    def plans(self) -> list[dict[str, Any]]:
        """Each organisation's approval cap and the invoices it approved, month by month."""
        with self.lock:
            return [
                {
                    "tenant_id": o.tenant_id,
                    "name": o.name,
                    "approved_invoices_a_month": o.approval_cap,
                    "approved": dict(o.approvals),
                }
                for o in self.state.organisations.values()
            ]

    def held_invoices(self, tenant_id: str | None = None) -> list[dict[str, Any]]:
        """Exactly the invoices each organisation holds (or the one of `tenant_id`), in the
        order they were made and as they are kept (UnitAmount with the places it was sent in)."""
        with self.lock:
            organisations = (
                [self._organisation(tenant_id)] if tenant_id else self.state.organisations.values()
            )
            return loads(  # type: ignore[no-any-return]
                dumps(
                    [
                        {
                            "tenant_id": o.tenant_id,
                            "name": o.name,
                            "invoices": list(o.invoices.values()),
                        }
                        for o in organisations
                    ]
                )
            )

    def _organisation(self, tenant_id: str | None) -> Organisation:
        found = self.state.organisations.get(tenant_id or next(iter(self.state.organisations)))
        if found is None:
            raise ValueError(f"no organisation {tenant_id}")
        return found

    def merge_contact(
        self, source_id: str, into_id: str, tenant_id: str | None = None
    ) -> dict[str, Any]:
        """Merge one contact into another as a person would in Xero itself."""
        with self.lock:
            organisation = self._organisation(tenant_id)
            record = accounting.merge_contact(organisation, source_id, into_id, self.now())
            self.save()
            return dict(record)

    # -- requests ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        with self.lock:
            self._busy += 1
        try:
            return self._handle(request)
        finally:
            with self.lock:
                self._busy -= 1
                self._last_request = time.monotonic()

    def tidy(self, *, idle: float = IDLE) -> bool:
        """Fold the journal into the state file while nothing is asked of the sandbox (no
        request for `idle` seconds), so that the rewrite costs no request any time; the
        server calls it between requests. Whether it did."""
        if self._file is None or not self._file.worth_compacting():
            return False
        with self.lock:
            if self._busy or time.monotonic() - self._last_request < idle:
                return False
            self.save(whole=True)
            return True

    def _handle(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        lowered = path.lower()
        if lowered == ADMIN_PREFIX or lowered.startswith(ADMIN_PREFIX + "/"):
            return self._admin(request, path[len(ADMIN_PREFIX) :].strip("/").lower())
        fault = self.faults.take(request.method, path)
        tenant_holder: list[str | None] = [None]
        response = self._serve(request, path, fault, tenant_holder)
        endpoint = f"{request.method} {_endpoint(path)}"
        with self.lock:
            self._calls.append(
                Call(
                    self.now(),
                    request.method,
                    path,
                    endpoint,
                    0 if response.drop else response.status,
                    tenant_holder[0],
                    fault is not None,
                    "&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs),
                )
            )
        return response

    def _sleep(self, seconds: float) -> bool:
        """Wait (at most max_delay); False when the server is stopping."""
        if seconds <= 0:
            return True
        return not self.stopping.wait(min(seconds, self.config.max_delay))

    def _serve(
        self, request: Request, path: str, fault: Fault | None, tenant_holder: list[str | None]
    ) -> Response:
        if fault is not None:
            if fault.drop:
                return Response(0, drop=True)
            if fault.expire_token:
                self._expire_presented_token(request)
            if fault.status is not None:
                if not self._sleep(fault.delay):
                    return Response(0, drop=True)
                return self._fault_response(fault, fault.status)
        lowered = path.lower()
        if lowered.startswith(API_PREFIX + "/") or lowered == API_PREFIX:
            return self._api(request, path, fault, tenant_holder)
        if not self._sleep(fault.delay if fault else 0):
            return Response(0, drop=True)
        forced = fault.oauth_error if fault else None
        with self.lock:
            now = self.now()
            if lowered == "/identity/connect/authorize":
                if request.method != "GET":
                    return Response(405, headers=[("Allow", "GET")])
                response, changed = identity.authorize(
                    self.state, request, now, self.config.lifetimes, forced_error=forced
                )
            elif lowered == "/connect/token":
                response, changed = identity.token(
                    self.state,
                    request,
                    now,
                    self.config.lifetimes,
                    issuer=self.base_url,
                    forced_error=forced,
                )
            elif lowered == "/connect/revocation":
                response, changed = identity.revoke(self.state, request)
            elif lowered == "/connections" or lowered.startswith("/connections/"):
                access = identity.bearer(self.state, request, now)
                if isinstance(access, Response):
                    return access
                parts = [p for p in path.split("/")[2:] if p]
                response, changed = identity.connections(self.state, access, request, parts)
            else:
                return not_found()
            if changed:
                self.save()
        return self._after(self._struck(response, fault), fault)

    def _struck(self, response: Response, fault: Fault | None) -> Response:
        """The work done, the answer an injected error instead (`status_after`)."""
        if fault is None or fault.status_after is None or response.drop:
            return response
        return self._fault_response(fault, fault.status_after)

    def _after(self, response: Response, fault: Fault | None) -> Response:
        """The faults that strike once the work is done: a late answer, or none at all."""
        if fault is None or response.drop:
            return response
        if not self._sleep(fault.delay_after) or fault.drop_after:
            return Response(0, drop=True)
        return response

    def _api(
        self, request: Request, path: str, fault: Fault | None, tenant_holder: list[str | None]
    ) -> Response:
        with self.lock:
            now = self.now()
            access = identity.bearer(self.state, request, now)
            if isinstance(access, Response):
                return access
            tenant_id = (request.header("xero-tenant-id") or "").strip()
            if not tenant_id:
                return forbidden()
            try:
                tenant_id = str(uuid.UUID(tenant_id))
            except ValueError:
                return problem(400, "Bad Request", "The xero-tenant-id header is not a valid GUID")
            allowed = {
                c.tenant_id for c in self.state.connections_for(access.client_id, access.user_id)
            }
            if tenant_id not in allowed:
                return forbidden()
            tenant_holder[0] = tenant_id
            client = self.state.client(access.client_id)
        refusal = self.limiter.admit(tenant_id, now)
        if refusal is not None:
            return self._limited(refusal.problem, refusal.retry_after, tenant_id)
        try:
            response = self._accounting(
                request, path, access, tenant_id, client.name if client else "", fault
            )
            if response.drop:
                return response
            response.headers.extend(
                h for h in self._limit_headers(tenant_id) if response.header(h[0]) is None
            )
            response.headers.append(("Xero-Correlation-Id", str(uuid.uuid4())))
            return self._after(response, fault)
        finally:
            self.limiter.done(tenant_id)

    def _accounting(
        self,
        request: Request,
        path: str,
        access: AccessToken,
        tenant_id: str,
        provider: str,
        fault: Fault | None,
    ) -> Response:
        """The Accounting API's answer, behind the Idempotency-Key of a PUT or POST.

        Xero keeps a key's answer for six minutes (IDEMPOTENCY_LIFETIME): the same request
        again gets that answer, an internal error (5xx) included; another request under the
        key is refused with a 400. After six minutes the key is forgotten.
        """
        parts = [p for p in path[len(API_PREFIX) :].split("/") if p]

        def work(kept: tuple[str, str] | None = None) -> Response:
            """The answer; with `kept` (key, fingerprint), kept under the Idempotency-Key. What
            it changed and the kept answer are saved together, before anything is answered."""
            if not self._sleep(fault.delay if fault else 0):
                return Response(0, drop=True)
            with self.lock:
                try:
                    response, changed = self._accounting_now(
                        request, parts, access, tenant_id, provider
                    )
                except Exception:
                    logger.exception("the sandbox failed on %s %s", request.method, path)
                    response, changed = internal_error(), False
                response = self._struck(response, fault)
                if kept is not None and not response.drop and response.status not in _NOT_KEPT:
                    organisation = self.state.organisations[tenant_id]
                    organisation.idempotency[kept[0]] = IdempotentResult(
                        kept[0], kept[1], response.status, response.body.decode("utf-8"), self.now()
                    )
                    changed = True
                if changed:
                    self.save()
            return response

        key = request.header("Idempotency-Key")
        if request.method not in ("PUT", "POST") or not key:
            return work()
        if len(key) > MAX_IDEMPOTENCY_KEY:
            return validation_error(
                [
                    {
                        "ValidationErrors": [
                            {"Message": "The Idempotency-Key must be 128 characters or less."}
                        ]
                    }
                ]
            )
        fingerprint = _fingerprint(request, path)
        with self.lock:
            organisation = self.state.organisations[tenant_id]
            earlier = organisation.idempotency.get(key)
            if earlier is not None and earlier.created + IDEMPOTENCY_LIFETIME <= self.now():
                del organisation.idempotency[key]  # forgotten: this is a new request
                earlier = None
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    return xero_error(
                        400,
                        10,
                        "ValidationException",
                        "The Idempotency-Key has already been used with a different request.",
                        [
                            {
                                "ValidationErrors": [
                                    {
                                        "Message": "The Idempotency-Key has already been used with a different request."
                                    }
                                ]
                            }
                        ],
                    )
                return Response(
                    earlier.status,
                    earlier.body.encode("utf-8"),
                    [
                        ("Content-Type", "application/json; charset=utf-8"),
                        ("Idempotent-Replayed", "true"),
                    ],
                )
            if (tenant_id, key) in self._idempotent_in_flight:
                return xero_error(
                    409,
                    409,
                    "ConflictException",
                    "A request with this Idempotency-Key is still being processed.",
                )
            self._idempotent_in_flight.add((tenant_id, key))
        try:
            return work((key, fingerprint))
        finally:
            with self.lock:
                self._idempotent_in_flight.discard((tenant_id, key))

    def _accounting_now(
        self, request: Request, parts: list[str], access: AccessToken, tenant_id: str, provider: str
    ) -> tuple[Response, bool]:
        """The answer, and whether the organisation changed (the caller saves it)."""
        with self.lock:
            organisation = self.state.organisations.get(tenant_id)
            if organisation is None:
                return forbidden(), False
            ctx = accounting.Context(
                organisation,
                self.now(),
                provider,
                frozenset(access.scope.split()),
                access.client_id,
            )
            outcome = accounting.handle(ctx, request, parts)
            return outcome.response, outcome.changed

    def _limit_headers(self, tenant_id: str) -> list[tuple[str, str]]:
        left = self.limiter.remaining(tenant_id, self.now())
        return [
            ("X-DayLimit-Remaining", str(left["day"])),
            ("X-MinLimit-Remaining", str(left["minute"])),
            ("X-AppMinLimit-Remaining", str(left["app_minute"])),
        ]

    def _limited(self, kind: str, retry_after: int, tenant_id: str | None) -> Response:
        headers = [("Retry-After", str(retry_after)), ("X-Rate-Limit-Problem", kind)]
        if tenant_id is not None:
            headers.extend(self._limit_headers(tenant_id))
        return Response(429, b"", headers)

    def _fault_response(self, fault: Fault, status: int) -> Response:
        if status == 429:
            headers = [
                ("Retry-After", str(fault.seconds_to_retry)),
                ("X-Rate-Limit-Problem", fault.problem or "minute"),
            ]
            if fault.problem == "day":
                headers.append(("X-DayLimit-Remaining", "0"))
            elif fault.problem == "minute":
                headers.append(("X-MinLimit-Remaining", "0"))
            body = dumps(fault.body).encode("utf-8") if fault.body is not None else b""
            return Response(429, body, headers)
        if fault.body is not None:
            return json_response(status, fault.body)
        if fault.oauth_error:
            return oauth_error(fault.oauth_error, status=status)
        return fault_body(status)

    def _expire_presented_token(self, request: Request) -> None:
        header = request.header("Authorization") or ""
        if not header.lower().startswith("bearer "):
            return
        with self.lock:
            found = self.state.access_token(header[7:].strip())
            if found is not None:
                found.expires = min(found.expires, self.now())
                self.save()

    # -- admin ---------------------------------------------------------------------------

    def add_fault(self, fault: Fault | Mapping[str, Any]) -> Fault:
        made = fault if isinstance(fault, Fault) else Fault.from_json(dict(fault))
        self.faults.add(made)
        return made

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON (credentials hashed), with the clock, limits and faults."""
        with self.lock:
            data = self.state.to_json()
            data["now"] = iso_moment(self.now())
            data["limits"] = self.limiter.limits.to_json()
            data["faults"] = [f.to_json() for f in self.faults.pending()]
            return loads(dumps(data))  # type: ignore[no-any-return]

    def _admin(self, request: Request, what: str) -> Response:
        try:
            body: Any = request.json() if request.body.strip() else {}
        except ValueError:
            return bad_post_data("The request body could not be parsed as JSON")
        method = request.method
        try:
            if what == "state" and method == "GET":
                return json_response(200, self.snapshot())
            if what == "reset" and method == "POST":
                self.reset()
                return json_response(200, {"reset": True, "now": iso_moment(self.now())})
            if what == "faults":
                if method == "POST":
                    given = body.get("faults", body) if isinstance(body, dict) else body
                    faults = [
                        self.add_fault(f) for f in (given if isinstance(given, list) else [given])
                    ]
                    return json_response(200, {"added": [f.to_json() for f in faults]})
                if method == "DELETE":
                    self.faults.clear()
                    return json_response(200, {"faults": []})
                if method == "GET":
                    return json_response(
                        200, {"faults": [f.to_json() for f in self.faults.pending()]}
                    )
            if what == "clock":
                if method == "POST":
                    if "advance" in body:
                        self.advance_clock(float(body["advance"]))
                    elif "set" in body:
                        moment = parse_moment(str(body["set"]))
                        if moment is None:
                            raise ValueError("set must be an ISO 8601 moment")
                        with self.lock:
                            if moment < self.now():
                                raise ValueError("the sandbox clock only moves forward")
                            self.clock.set(moment)
                            self.save()
                    else:
                        raise ValueError('give {"advance": seconds} or {"set": "ISO moment"}')
                if method in ("GET", "POST"):
                    now = self.now()
                    return json_response(
                        200,
                        {
                            "now": iso_moment(now),
                            "ms": ms_date(now),
                            "skew_seconds": self.clock.skew.total_seconds(),
                        },
                    )
            if what == "calls":
                if method == "DELETE":
                    self.clear_calls()
                    return json_response(200, {"calls": []})
                if method == "GET":
                    return json_response(
                        200,
                        {
                            "counts": dict(self.call_counts()),
                            "calls": [c.to_json() for c in self.calls()],
                        },
                    )
            if what == "limits":
                if method == "POST":
                    limits = self.limiter.limits
                    for name in ("per_minute", "per_day", "concurrent", "app_per_minute"):
                        if name in body:
                            setattr(limits, name, int(body[name]))
                    if body.get("clear"):
                        self.limiter.clear()
                if method in ("GET", "POST"):
                    return json_response(200, self.limiter.limits.to_json())
            if what == "tokens" and method == "POST":
                token = self.issue_token(
                    client_id=body.get("client_id"),
                    scope=body.get("scope"),
                    expires_in=body.get("expires_in"),
                )
                tenants = [t for t in self.state.organisations]
                return json_response(
                    200, {"access_token": token, "token_type": "Bearer", "tenant_ids": tenants}
                )
            if what == "contacts" and method == "POST":
                items = body.get("Contacts", [body]) if isinstance(body, dict) else body
                return json_response(
                    200,
                    {
                        "Contacts": self.edit_contacts(
                            items, body.get("tenant_id") if isinstance(body, dict) else None
                        )
                    },
                )
            if what == "invoices" and method == "GET":
                return json_response(
                    200, {"organisations": self.held_invoices(request.param("tenant_id"))}
                )
            if what == "invoices" and method == "POST":
                if not isinstance(body, dict) or not isinstance(body.get("Invoices"), list):
                    raise ValueError('give {"app": "...", "Invoices": [...]}')
                made = self.add_invoices(
                    body["Invoices"],
                    app=str(body.get("app") or ""),
                    tenant_id=body.get("tenant_id"),
                )
                return json_response(200, {"Invoices": made})
            if what == "plan":
                if method == "POST":
                    cap = body.get("approved_invoices_a_month")
                    self.set_approval_cap(None if cap is None else int(cap), body.get("tenant_id"))
                if method in ("GET", "POST"):
                    return json_response(200, {"organisations": self.plans()})
            if what == "organisations" and method == "POST":
                tenant_id = self.add_organisation(str(body["name"]), body.get("contacts", []))
                return json_response(200, {"tenant_id": tenant_id})
        except (ValueError, KeyError, TypeError) as failure:
            return json_response(400, {"error": str(failure)})
        return not_found()


def invoices_in(path: Path) -> list[dict[str, Any]]:
    """What the sandbox kept in the state file `path` holds, as `GET /_sandbox/invoices` gives
    it: each organisation with its invoices, in the order they were made (read only; a
    ValueError names a file that is not a sandbox's)."""
    return SandboxApp(read_state(path)).held_invoices()


def _endpoint(path: str) -> str:
    """A path as an endpoint name: ids dropped and Xero's capitalisation kept.

    /api.xro/2.0/Contacts/8f0... -> /Contacts/{id}; /Connections -> /connections.
    """
    lowered = path.lower()
    if lowered.startswith(API_PREFIX.lower() + "/"):
        parts = [p for p in path[len(API_PREFIX) :].split("/") if p]
        names = {
            "contacts": "Contacts",
            "accounts": "Accounts",
            "brandingthemes": "BrandingThemes",
            "trackingcategories": "TrackingCategories",
            "taxrates": "TaxRates",
            "organisation": "Organisation",
            "invoices": "Invoices",
        }
        head = names.get(parts[0].lower(), parts[0]) if parts else ""
        return "/" + head + ("/{id}" if len(parts) > 1 else "")
    if lowered.startswith("/connections"):
        return "/connections" + ("/{id}" if lowered.count("/") > 1 else "")
    return lowered


def _fingerprint(request: Request, path: str) -> str:
    """What makes two requests with one Idempotency-Key the same request."""
    try:  # numbers as their exact text, keys sorted: the standard library's C encoder
        body = json.dumps(
            json.loads(request.body, parse_float=str),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
    except ValueError:
        body = request.body.decode("utf-8", errors="replace")
    query = sorted((k, v) for k, vs in request.query.items() for v in vs)
    text = f"{request.method} {path.lower()} {query} {body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_more_contacts(
    app: SandboxApp, contacts: Iterable[Mapping[str, Any]], tenant_id: str | None = None
) -> int:
    """Add contacts to a running sandbox as a seed does (e.g. 5,000 for a benchmark)."""
    with app.lock:
        organisation = app.state.organisations[tenant_id or next(iter(app.state.organisations))]
        added = seed_contacts(organisation, contacts, app.now() - timedelta(days=1))
        app.save()
        return added

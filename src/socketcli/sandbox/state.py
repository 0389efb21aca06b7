"""What the sandbox Xero holds, and its JSON shape.

The organisations' records (contacts, invoices, accounts, branding themes, tracking
categories, tax rates) are kept in Xero's own JSON shape, as GET answers them, so that a
person reading the file sees what Xero received. Credentials never appear in clear: client
secrets, authorisation codes, access and refresh tokens are kept as SHA-256 hashes beside
an id. How it is kept on disk (a file and a journal of changes): `statefile.py`.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from socketcli.sandbox.jsonfmt import from_iso, iso_moment

#: The version of the state file's layout.
FORMAT = 1
#: What the state file says it is, so that the sandbox never mistakes another file for its own.
KIND = "socketcli-sandbox-xero"


def digest(secret: str) -> str:
    """How a credential is kept: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SandboxClock:
    """The sandbox's own time: the system clock plus a skew that tests (or /_sandbox/clock) move.

    Token lifetimes, the refresh grace period, UpdatedDateUTC and the rate limits' windows all
    read this clock, so moving it forward 31 minutes expires an access token at once.
    """

    def __init__(self, skew: timedelta = timedelta(0)) -> None:
        self.skew = skew

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self.skew += timedelta(seconds=seconds)
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Stand on `moment` (aware); the clock then runs on from there."""
        self.skew = moment.astimezone(UTC) - datetime.now(UTC)
        return self.now()


@dataclass
class User:
    user_id: str
    email: str
    given_name: str
    family_name: str
    tenant_ids: list[str] = field(default_factory=list)


@dataclass
class Client:
    """An app registered with the sandbox Xero.

    kind: `pkce` (a public desktop app: client id, no secret, PKCE S256 required),
    `web` (a confidential app: client id and secret), `custom` (a custom connection:
    client id and secret, the client_credentials grant, one organisation).
    """

    client_id: str
    name: str
    kind: str
    secret_sha256: str | None = None
    redirect_uris: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    tenant_id: str | None = None


class Records(dict[str, Any]):
    """An organisation's records by key (contacts, invoices, ...) that remember which keys
    were set or removed since the state was last saved: saving writes those, not all.

    `touched` keeps the keys in the order the records now stand in (a key set anew goes to
    the end, as it does in the dict), so that the changes, replayed in that order after
    removing the `removed` keys, leave the records in the same order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.touched: dict[str, None] = {}
        self.removed: set[str] = set()
        self._derived: dict[str, tuple[int, Any]] = {}
        self._version = 0

    def __reduce__(self) -> Any:  # a copy starts with nothing touched
        return (type(self), (dict(self),))

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self:
            self.touched.pop(key, None)
        super().__setitem__(key, value)
        self.touched[key] = None
        self._version += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.touched[key] = None
        self.removed.add(key)
        self._version += 1

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.touched[key] = None
            self.removed.add(key)
            self._version += 1
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        key, value = super().popitem()
        self.touched[key] = None
        self.removed.add(key)
        self._version += 1
        return key, value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> Records:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        for key in self:
            self.touched[key] = None
            self.removed.add(key)
        super().clear()
        self._version += 1

    def derived(self, name: str) -> Any | None:
        """What was worked out from the records as they stand (an index), if still so."""
        found = self._derived.get(name)
        return found[1] if found is not None and found[0] == self._version else None

    def derive(self, name: str, value: Any) -> None:
        """Keep `value`, worked out from the records as they stand now, until they change."""
        self._derived[name] = (self._version, value)

    def take_touched(self) -> tuple[list[str], set[str]]:
        """The keys set or removed since the last call, in the records' order, and those
        removed at some point since (forgotten once taken)."""
        touched, removed = list(self.touched), self.removed
        self.touched, self.removed = {}, set()
        return touched, removed


#: The records of an organisation kept one by one (each saved on its own when it changes).
RECORDS = ("contacts", "invoices", "created_by_app", "idempotency")


@dataclass
class Organisation:
    tenant_id: str
    name: str
    short_code: str
    country_code: str
    base_currency: str
    created: datetime
    accounts: list[dict[str, Any]] = field(default_factory=list)
    branding_themes: list[dict[str, Any]] = field(default_factory=list)
    tracking_categories: list[dict[str, Any]] = field(default_factory=list)
    tax_rates: list[dict[str, Any]] = field(default_factory=list)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Which app made each invoice (InvoiceID -> the app's client id): GET /Invoices with
    #: createdByMyApp=true lists only the caller's. An invoice made in Xero itself, or kept
    #: by a sandbox from before this was recorded, is nobody's.
    created_by_app: dict[str, str] = field(default_factory=dict)
    next_invoice_number: int = 1
    idempotency: dict[str, IdempotentResult] = field(default_factory=dict)
    #: The plan's allowance of approved (AUTHORISED) invoices a month; None: no limit.
    approval_cap: int | None = None
    #: Invoices approved per month ("2026-12": 3), counted against approval_cap.
    approvals: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in RECORDS:
            value = getattr(self, name)
            if not isinstance(value, Records):
                setattr(self, name, Records(value))


#: How long Xero keeps an Idempotency-Key's answer; after it the key is a new request.
IDEMPOTENCY_LIFETIME = timedelta(minutes=6)


@dataclass
class IdempotentResult:
    """The answer given to a PUT/POST with an Idempotency-Key, replayed for the same request."""

    key: str
    fingerprint: str
    status: int
    body: str
    created: datetime


@dataclass
class Connection:
    id: str
    tenant_id: str
    client_id: str
    user_id: str | None
    auth_event_id: str
    created: datetime
    updated: datetime


@dataclass
class AuthCode:
    code_sha256: str
    client_id: str
    user_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    challenge_method: str | None
    auth_event_id: str
    expires: datetime
    used: bool = False


@dataclass
class RefreshToken:
    token_id: str
    sha256: str
    client_id: str
    user_id: str
    scope: str
    grant_id: str
    issued: datetime
    last_used: datetime | None = None
    superseded: datetime | None = None
    revoked: bool = False


@dataclass
class AccessToken:
    token_id: str
    sha256: str
    client_id: str
    user_id: str | None
    scope: str
    grant_id: str
    issued: datetime
    expires: datetime
    revoked: bool = False


@dataclass
class SandboxState:
    users: list[User] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    connections: list[Connection] = field(default_factory=list)
    auth_codes: list[AuthCode] = field(default_factory=list)
    refresh_tokens: list[RefreshToken] = field(default_factory=list)
    access_tokens: list[AccessToken] = field(default_factory=list)
    clock_skew_seconds: float = 0.0

    # -- look-ups ------------------------------------------------------------------------

    def client(self, client_id: str) -> Client | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, user_id: str | None) -> User | None:
        return next((u for u in self.users if u.user_id == user_id), None)

    def access_token(self, token: str) -> AccessToken | None:
        hashed = digest(token)
        return next((t for t in self.access_tokens if t.sha256 == hashed), None)

    def refresh_token(self, token: str) -> RefreshToken | None:
        hashed = digest(token)
        return next((t for t in self.refresh_tokens if t.sha256 == hashed), None)

    def connections_for(self, client_id: str, user_id: str | None) -> list[Connection]:
        return [
            c
            for c in self.connections
            if c.client_id == client_id
            and c.user_id == user_id
            and c.tenant_id in self.organisations
        ]

    def prune(self, now: datetime, *, keep: timedelta = timedelta(days=1)) -> None:
        """Forget what can no longer be used: old codes, expired tokens, idempotency keys past
        their six minutes."""
        self.auth_codes = [c for c in self.auth_codes if c.expires + keep > now]
        self.access_tokens = [t for t in self.access_tokens if t.expires + keep > now]
        self.refresh_tokens = [
            t
            for t in self.refresh_tokens
            if not (t.revoked or (t.superseded is not None and t.superseded + 2 * keep < now))
        ]
        for organisation in self.organisations.values():
            kept = organisation.idempotency
            for key in [k for k, v in kept.items() if v.created + IDEMPOTENCY_LIFETIME <= now]:
                del kept[key]

    # -- the file ------------------------------------------------------------------------

    def to_json(self, *, records: bool = True) -> dict[str, Any]:
        """The state as JSON; without `records`, the organisations without their contacts,
        invoices, makers of invoices and Idempotency-Key answers (what the journal keeps one
        by one)."""
        return {
            "kind": KIND,
            "format": FORMAT,
            "clock_skew_seconds": self.clock_skew_seconds,
            "users": [plain_record(u) for u in self.users],
            "clients": [plain_record(c) for c in self.clients],
            "organisations": [
                _organisation_json(o, records=records) for o in self.organisations.values()
            ],
            "connections": [plain_record(c) for c in self.connections],
            "auth_codes": [plain_record(c) for c in self.auth_codes],
            "refresh_tokens": [plain_record(t) for t in self.refresh_tokens],
            "access_tokens": [plain_record(t) for t in self.access_tokens],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        if data.get("kind") != KIND:
            raise ValueError("this is not a sandbox Xero state file")
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown sandbox state format {data.get('format')!r}")
        organisations = [_organisation_from(o) for o in data.get("organisations", [])]
        return cls(
            users=[build_record(User, u) for u in data.get("users", [])],
            clients=[build_record(Client, c) for c in data.get("clients", [])],
            organisations={o.tenant_id: o for o in organisations},
            connections=[build_record(Connection, c) for c in data.get("connections", [])],
            auth_codes=[build_record(AuthCode, c) for c in data.get("auth_codes", [])],
            refresh_tokens=[build_record(RefreshToken, t) for t in data.get("refresh_tokens", [])],
            access_tokens=[build_record(AccessToken, t) for t in data.get("access_tokens", [])],
            clock_skew_seconds=float(data.get("clock_skew_seconds", 0.0)),
        )

    def copy(self) -> SandboxState:
        return copy.deepcopy(self)


def plain_record(record: Any) -> dict[str, Any]:
    """A record (a dataclass) as JSON: its moments as ISO 8601 text."""
    out: dict[str, Any] = {}
    for key, value in asdict(record).items():
        out[key] = iso_moment(value) if isinstance(value, datetime) else value
    return out


_T = TypeVar("_T")
_MOMENTS = {"created", "updated", "expires", "issued", "last_used", "superseded"}


def build_record(kind: type[_T], data: dict[str, Any]) -> _T:
    """A record of `kind` from its JSON (fields it does not know are left out)."""
    names = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    values = {
        key: (from_iso(value) if key in _MOMENTS and isinstance(value, str) else value)
        for key, value in data.items()
        if key in names
    }
    return kind(**values)


def _organisation_json(organisation: Organisation, *, records: bool = True) -> dict[str, Any]:
    data = {
        "tenant_id": organisation.tenant_id,
        "name": organisation.name,
        "short_code": organisation.short_code,
        "country_code": organisation.country_code,
        "base_currency": organisation.base_currency,
        "created": iso_moment(organisation.created),
        "next_invoice_number": organisation.next_invoice_number,
        "approval_cap": organisation.approval_cap,
        "approvals": organisation.approvals,
        "accounts": organisation.accounts,
        "branding_themes": organisation.branding_themes,
        "tracking_categories": organisation.tracking_categories,
        "tax_rates": organisation.tax_rates,
    }
    if records:
        data["contacts"] = list(organisation.contacts.values())
        data["invoices"] = list(organisation.invoices.values())
        data["created_by_app"] = organisation.created_by_app
        data["idempotency"] = [plain_record(r) for r in organisation.idempotency.values()]
    return data


def _organisation_from(data: dict[str, Any]) -> Organisation:
    results = [build_record(IdempotentResult, r) for r in data.get("idempotency", [])]
    return Organisation(
        tenant_id=data["tenant_id"],
        name=data["name"],
        short_code=data.get("short_code", ""),
        country_code=data.get("country_code", "GB"),
        base_currency=data.get("base_currency", "GBP"),
        created=from_iso(data["created"]),
        accounts=list(data.get("accounts", [])),
        branding_themes=list(data.get("branding_themes", [])),
        tracking_categories=list(data.get("tracking_categories", [])),
        tax_rates=list(data.get("tax_rates", [])),
        contacts={c["ContactID"]: c for c in data.get("contacts", [])},
        invoices={i["InvoiceID"]: i for i in data.get("invoices", [])},
        created_by_app={str(k): str(v) for k, v in data.get("created_by_app", {}).items()},
        next_invoice_number=int(data.get("next_invoice_number", 1)),
        approval_cap=data.get("approval_cap"),
        approvals={str(k): int(v) for k, v in data.get("approvals", {}).items()},
        idempotency={r.key: r for r in results},
    )

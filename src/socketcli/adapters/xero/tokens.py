"""Xero's tokens: where they are kept, and how a fresh access token is had without ever burning
the rotating refresh token.

Where: the OS keyring first (service "socketcli", one entry per connected organisation, the
value JSON). Where no keyring works (a headless server, cron: keyring raises NoKeyringError
there, even on reads) a file in the user's state directory, `xero-tokens.json`, created with
mode 0600 and replaced atomically, with a warning the first time (as GitHub's `gh` does).
`SOCKET_XERO_TOKEN_STORE=file` chooses the file outright (cron on a desktop whose keyring is
locked at night). `SOCKET_XERO_ACCESS_TOKEN` with `SOCKET_XERO_TENANT_ID` bypasses storage for
scripts: that token is used as it is and never refreshed.

Refreshing: Xero's refresh tokens rotate on every use and the old one dies 30 minutes later, so
two processes refreshing with the same token at once (cron and a person) would leave one of them
holding a dead token. A refresh is therefore read-refresh-save under a file lock: inside the
lock the stored token is read again (another process may have refreshed it already: then that
token is used), the refresh happens only if the token still needs it, and the new token is
saved before anyone uses it.

Tokens never reach the store, a log, an exception message or the output: `XeroToken`'s repr
names no secret, and the errors raised here say what happened, not what was sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from socketcli.adapters.xero.errors import (
    TokenStorageError,
    XeroAuthorisationFailed,
    XeroNotConnected,
)
from socketcli.paths import state_dir

APP_NAME = "socketcli"
#: The keyring's service name; each entry's user name is `xero:TENANT` (`playground-xero:...`).
KEYRING_SERVICE = "socketcli"
TOKEN_FILE = "xero-tokens.json"
LOCK_FILE = "xero-tokens.lock"
WARNED_MARKER = "xero-token-file.warned"
#: Refresh an access token this long before it expires (xero-python itself wants 60 s left).
REFRESH_MARGIN = 120.0
#: How long a refresh waits for another process's refresh to finish.
LOCK_TIMEOUT = 60.0

ACCESS_TOKEN_VARIABLE = "SOCKET_XERO_ACCESS_TOKEN"
TENANT_ID_VARIABLE = "SOCKET_XERO_TENANT_ID"
STORE_VARIABLE = "SOCKET_XERO_TOKEN_STORE"

Kind = Literal["pkce", "custom"]
Where = Literal["keyring", "file"]


@dataclass(frozen=True, slots=True)
class XeroToken:
    """One connection's credentials: what Xero gave, and what is needed to get the next one.

    `refreshed_at` is when the refresh token was issued (its age shows in `socket xero status`:
    Xero forgets one unused for 60 days). A custom connection keeps its client secret here, to
    get a new token by itself when one expires, and has no refresh token.
    """

    kind: Kind
    client_id: str
    access_token: str = field(repr=False)
    expires_at: float
    scopes: tuple[str, ...]
    refresh_token: str | None = field(default=None, repr=False)
    refreshed_at: float | None = None
    client_secret: str | None = field(default=None, repr=False)
    tenant_id: str = ""
    connection_id: str = ""

    def __repr__(self) -> str:
        return (
            f"XeroToken(kind={self.kind!r}, tenant_id={self.tenant_id!r}, "
            f"expires_at={self.expires_at!r}, scopes={self.scopes!r}, secrets=<redacted>)"
        )

    __str__ = __repr__

    def expiring(self, now: float, margin: float = REFRESH_MARGIN) -> bool:
        return self.expires_at - margin <= now

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "client_id": self.client_id,
            "access_token": self.access_token,
            "expires_at": self.expires_at,
            "scopes": list(self.scopes),
            "refresh_token": self.refresh_token,
            "refreshed_at": self.refreshed_at,
            "client_secret": self.client_secret,
            "tenant_id": self.tenant_id,
            "connection_id": self.connection_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> XeroToken:
        try:
            kind = data["kind"]
            if kind not in ("pkce", "custom"):
                raise ValueError(kind)
            return cls(
                kind=kind,
                client_id=str(data["client_id"]),
                access_token=str(data["access_token"]),
                expires_at=float(data["expires_at"]),
                scopes=tuple(str(s) for s in data.get("scopes") or ()),
                refresh_token=data.get("refresh_token") or None,
                refreshed_at=data.get("refreshed_at"),
                client_secret=data.get("client_secret") or None,
                tenant_id=str(data.get("tenant_id") or ""),
                connection_id=str(data.get("connection_id") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise TokenStorageError(
                "the stored Xero token is not readable: run `socket xero connect` again"
            ) from None

    def xero_python(self) -> dict[str, Any]:
        """The token dict xero-python accepts: its known keys only, with `expires_at`.

        No refresh token: xero-python must never refresh by itself (it would rotate the token
        behind the lock's back); `TokenSource` refreshes.
        """
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": max(0, int(self.expires_at - time.time())),
            "expires_at": self.expires_at,
            "scope": list(self.scopes),
        }


# -- where tokens are kept ------------------------------------------------------------------


class TokenStore:
    """Tokens by key: the OS keyring where one works, else a 0600 file in the state directory.

    `warn` is told, once per user (a marker file remembers), that tokens are kept in a file.
    A token read from the file is written back to the file, so that a machine whose keyring
    works at a desk but not in cron keeps one copy, not two that drift apart.
    """

    def __init__(
        self,
        directory: Path | None = None,
        *,
        prefix: str = "xero",
        warn: Callable[[str], None] | None = None,
        use_keyring: bool | None = None,
    ) -> None:
        self.directory = directory or state_dir()
        self.prefix = prefix
        self._warn = warn
        if use_keyring is None:
            use_keyring = os.environ.get(STORE_VARIABLE, "").strip().lower() != "file"
        self._keyring_usable = use_keyring
        self._checked = False

    @property
    def path(self) -> Path:
        return self.directory / TOKEN_FILE

    def _file_key(self, key: str) -> str:
        """The entry's key in the file: the tenant id for the practice's Xero (as always), and
        `playground-xero:TENANT` for the playground, whose sandbox has the same tenant id as
        `socket sandbox serve`'s: kept apart in the file as they are in the keyring."""
        return key if self.prefix == "xero" else self._name(key)

    def lock_path(self) -> Path:
        return self.directory / LOCK_FILE

    def _name(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    # -- the keyring ------------------------------------------------------------------------

    def _keyring_get(self, key: str) -> str | None:
        if not self._keyring_usable:
            return None
        import keyring

        try:
            value: str | None = keyring.get_password(KEYRING_SERVICE, self._name(key))
        except Exception:  # KeyringError (NoKeyringError on a headless server), D-Bus, ...
            self._keyring_usable = False
            return None
        return value

    def _keyring_set(self, key: str, value: str) -> bool:
        if not self._keyring_usable:
            return False
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, self._name(key), value)
        except Exception:  # KeyringError (NoKeyringError on a headless server), D-Bus, ...
            self._keyring_usable = False
            return False
        return True

    def _keyring_delete(self, key: str) -> None:
        if not self._keyring_usable:
            return
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, self._name(key))
        except PasswordDeleteError:
            pass  # not there
        except Exception:
            self._keyring_usable = False

    # -- the file ---------------------------------------------------------------------------

    def _file_entries(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise TokenStorageError(
                f"cannot read the Xero token file {self.path}: {error.strerror}"
            ) from None
        try:
            entries = json.loads(text)
        except ValueError:
            raise TokenStorageError(
                f"the Xero token file {self.path} is not readable JSON: remove it and run "
                "`socket xero connect` again"
            ) from None
        return entries if isinstance(entries, dict) else {}

    def _write_file(self, entries: Mapping[str, Any]) -> None:
        """Write the whole file: a new 0600 file beside it, then an atomic rename."""
        data = json.dumps(entries, indent=2, sort_keys=True).encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor, temporary = tempfile.mkstemp(
                prefix=".xero-tokens.", suffix=".tmp", dir=self.directory
            )
            try:
                os.fchmod(descriptor, 0o600)
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            mode = self.path.stat().st_mode & 0o777
        except OSError as error:
            raise TokenStorageError(
                f"cannot write the Xero token file {self.path}: {error.strerror}"
            ) from None
        if mode != 0o600:  # pragma: no cover - a file system that ignores modes
            raise TokenStorageError(
                f"the Xero token file {self.path} has mode {mode:o}, not 600: refusing to keep "
                "tokens in it"
            )

    def _check_private(self) -> None:
        """Warn (once per run) when the token file or its directory can be read or written by
        other users: anyone who can write the directory can replace the file."""
        if self._checked:
            return
        self._checked = True
        for what, path in (("directory", self.directory), ("file", self.path)):
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except OSError:
                continue
            if mode & 0o077:
                fix = "700" if what == "directory" else "600"
                self._say(
                    f"warning: the Xero token {what} {path} can be "
                    f"{_others(mode)} by other users (mode {mode:o}): `chmod {fix} {path}`"
                )

    def _say(self, message: str) -> None:
        if self._warn is not None:
            self._warn(message)

    def _warn_once(self) -> None:
        self._check_private()
        marker = self.directory / WARNED_MARKER
        if marker.exists():
            return
        with contextlib.suppress(OSError):
            marker.touch()
        if self._warn is not None:
            self._warn(
                f"No OS keyring is available: the Xero token is kept in {self.path} "
                "(readable only by you). Anyone who can read that file can reach your Xero "
                "organisation until you run `socket xero disconnect`."
            )

    # -- the store --------------------------------------------------------------------------

    def load(self, key: str) -> tuple[XeroToken, Where] | None:
        value = self._keyring_get(key)
        if value is not None:
            try:
                return XeroToken.from_json(json.loads(value)), "keyring"
            except ValueError:
                raise TokenStorageError(
                    "the Xero token in the keyring is not readable: run `socket xero connect` again"
                ) from None
        entry = self._file_entries().get(self._file_key(key))
        if entry is None:
            return None
        self._warn_once()
        return XeroToken.from_json(entry), "file"

    def save(self, key: str, token: XeroToken, *, where: Where | None = None) -> Where:
        """Keep `token` (in the keyring unless `where` says file or no keyring works)."""
        if where != "file" and self._keyring_set(key, json.dumps(token.to_json())):
            self._drop_from_file(key)
            return "keyring"
        entries = self._file_entries()
        entries[self._file_key(key)] = token.to_json()
        self._write_file(entries)
        self._warn_once()
        return "file"

    def delete(self, key: str) -> None:
        """Forget the token of `key` wherever it is."""
        self._keyring_delete(key)
        self._drop_from_file(key)

    def _drop_from_file(self, key: str) -> None:
        entries = self._file_entries()
        key = self._file_key(key)
        if key in entries:
            del entries[key]
            if entries:
                self._write_file(entries)
            else:
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
                except OSError as error:
                    raise TokenStorageError(
                        f"cannot remove the Xero token file {self.path}: {error.strerror}"
                    ) from None

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the refresh lock (a file lock in the state directory): one refresher at a time."""
        from filelock import FileLock, Timeout

        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise TokenStorageError(
                f"cannot create the state directory {self.directory}: {error.strerror}"
            ) from None
        lock = FileLock(str(self.lock_path()), timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise TokenStorageError(
                f"another socket has been refreshing the Xero token for over {timeout:.0f} s "
                f"(lock {self.lock_path()}): try again"
            ) from None
        try:
            yield
        finally:
            lock.release()


def _others(mode: int) -> str:
    can = [word for bits, word in ((0o044, "read"), (0o022, "written")) if mode & bits]
    return " and ".join(can) or "used"


# -- a fresh access token ---------------------------------------------------------------------


class TokenProvider(Protocol):
    """What the gateway needs: a stored connection's `TokenSource` or the environment's."""

    tenant_id: str

    def access_token(self) -> str: ...

    def renew(self, rejected: str) -> str: ...

    def xero_token_dict(self) -> dict[str, Any]: ...


#: Gets the next token from Xero for a stored one: a refresh (PKCE) or client credentials.
Renew = Callable[[XeroToken], XeroToken]


class TokenSource:
    """A valid access token for one organisation, refreshed when needed under the lock.

    The gateway calls `access_token()` before each call (or hands `xero_token_dict` to
    xero-python as its token getter), and `renew(rejected)` when Xero answers 401 to a token
    (a clock that runs slow): the stored token is renewed unless another process has already.
    """

    def __init__(
        self,
        store: TokenStore,
        tenant_id: str,
        renew: Renew,
        *,
        now: Callable[[], float] = time.time,
        margin: float = REFRESH_MARGIN,
    ) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self._renew = renew
        self._now = now
        self._margin = margin
        self._token: XeroToken | None = None
        self._where: Where | None = None
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"TokenSource(tenant_id={self.tenant_id!r})"

    @property
    def where(self) -> Where | None:
        self._current()
        return self._where

    def _current(self) -> XeroToken:
        if self._token is None:
            found = self.store.load(self.tenant_id)
            if found is None:
                raise XeroNotConnected(
                    "not connected to Xero (no token is stored for this organisation): run "
                    "`socket xero connect`"
                )
            self._token, self._where = found
        return self._token

    def token(self) -> XeroToken:
        """The current token, renewed first if it expires within the margin."""
        token = self._current()
        if token.expiring(self._now(), self._margin):
            token = self._refresh(rejected=None)
        return token

    def access_token(self) -> str:
        return self.token().access_token

    def xero_token_dict(self) -> dict[str, Any]:
        """For xero-python's `oauth2_token_getter`: a valid token in the SDK's shape."""
        return self.token().xero_python()

    def renew(self, rejected: str) -> str:
        """Xero refused `rejected` (401): a new access token, unless the store has one already."""
        return self._refresh(rejected=rejected).access_token

    def _refresh(self, *, rejected: str | None) -> XeroToken:
        with self.store.locked():
            found = self.store.load(self.tenant_id)
            if found is None:
                raise XeroNotConnected(
                    "the Xero connection was removed while socket was running: run "
                    "`socket xero connect`"
                )
            stored, where = found
            fresh = not stored.expiring(self._now(), self._margin)
            if fresh and (rejected is None or stored.access_token != rejected):
                # Another process refreshed while this one waited: use its token.
                self._token, self._where = stored, where
                return stored
            renewed = self._renew(stored)
            renewed = replace(
                renewed,
                tenant_id=stored.tenant_id,
                connection_id=stored.connection_id,
                client_secret=renewed.client_secret or stored.client_secret,
            )
            # Saved before it is used: a crash from here on loses nothing.
            self._where = self.store.save(self.tenant_id, renewed, where=where)
            self._token = renewed
            self.refreshes += 1
            return renewed


class EnvironmentTokenSource:
    """SOCKET_XERO_ACCESS_TOKEN and SOCKET_XERO_TENANT_ID, for scripts: used as given, never
    refreshed (the script that set them renews them)."""

    where = "environment"
    refreshes = 0

    def __init__(self, access_token: str, tenant_id: str) -> None:
        self._access_token = access_token
        self.tenant_id = tenant_id

    def __repr__(self) -> str:
        return f"EnvironmentTokenSource(tenant_id={self.tenant_id!r})"

    def access_token(self) -> str:
        return self._access_token

    def xero_token_dict(self) -> dict[str, Any]:
        return {
            "access_token": self._access_token,
            "token_type": "Bearer",
            "expires_in": None,
            "expires_at": None,
            "scope": [],
        }

    def renew(self, rejected: str) -> str:
        raise XeroAuthorisationFailed(
            f"Xero refused {ACCESS_TOKEN_VARIABLE} (expired?): a token given in the environment "
            "is not refreshed; set a new one, or unset it to use the stored connection"
        )


def environment_override(
    environ: Mapping[str, str] | None = None,
) -> EnvironmentTokenSource | None:
    """The token source of SOCKET_XERO_ACCESS_TOKEN + SOCKET_XERO_TENANT_ID, when both are set."""
    env = os.environ if environ is None else environ
    token = env.get(ACCESS_TOKEN_VARIABLE, "").strip()
    tenant = env.get(TENANT_ID_VARIABLE, "").strip()
    if not token and not tenant:
        return None
    if not token or not tenant:
        from socketcli.domain.errors import InvalidInput

        missing = TENANT_ID_VARIABLE if token else ACCESS_TOKEN_VARIABLE
        raise InvalidInput(
            f"{ACCESS_TOKEN_VARIABLE} and {TENANT_ID_VARIABLE} go together: {missing} is not set"
        )
    return EnvironmentTokenSource(token, tenant)

"""Where Xero is: its base URLs (settable for the sandbox), the scopes socket asks for, and the
one guard that keeps playground mode off the real Xero.

    SOCKET_XERO_API_URL       https://api.xero.com        /connections, /api.xro/2.0
    SOCKET_XERO_IDENTITY_URL  https://identity.xero.com   /connect/token, /connect/revocation
                              (login: https://login.xero.com/identity/connect/authorize; when
                              SOCKET_XERO_IDENTITY_URL is set, the login page is served by it
                              too, as the sandbox serves every path on one port)
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from socketcli.adapters.xero.errors import InsecureEndpoint, PlaygroundRefusal

#: The scopes socket asks Xero for: the one list. Granular scopes, as apps created from March
#: 2026 have. An app created before then may need `accounting.transactions` (which covers
#: invoices) where this list says `accounting.invoices`.
SCOPES: tuple[str, ...] = (
    "offline_access",
    "accounting.invoices",
    "accounting.contacts",
    "accounting.settings.read",
)

DEFAULT_API_URL = "https://api.xero.com"
DEFAULT_IDENTITY_URL = "https://identity.xero.com"
DEFAULT_LOGIN_URL = "https://login.xero.com"

API_URL_VARIABLE = "SOCKET_XERO_API_URL"
IDENTITY_URL_VARIABLE = "SOCKET_XERO_IDENTITY_URL"


def is_loopback_url(url: str) -> bool:
    """http(s)://localhost/..., 127.x.x.x or [::1]: this machine, never the network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def insecure(url: str) -> str:
    """Why socket will not send tokens to `url` ("" when it will): only https, or plain http
    to this machine (a sandbox), ever carries a token."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and is_loopback_url(url):
        return ""
    if parts.scheme == "http":
        return (
            "is plain http to another machine: tokens would cross the network unencrypted; "
            "use https (plain http is for a sandbox on this machine: 127.0.0.1, localhost, ::1)"
        )
    return "is not an https:// address"


#: The variable each URL comes from, for messages.
_VARIABLES = {
    "api_url": API_URL_VARIABLE,
    "identity_url": IDENTITY_URL_VARIABLE,
    "login_url": IDENTITY_URL_VARIABLE,
}


@dataclass(frozen=True, slots=True)
class XeroEndpoints:
    """Xero's three hosts (or one sandbox for all). In playground mode only loopback URLs exist:
    the check is here, where every URL socket sends a request to comes from."""

    api_url: str = DEFAULT_API_URL
    identity_url: str = DEFAULT_IDENTITY_URL
    login_url: str = DEFAULT_LOGIN_URL
    playground: bool = False

    def __post_init__(self) -> None:
        for name in ("api_url", "identity_url", "login_url"):
            value = getattr(self, name)
            object.__setattr__(self, name, value.rstrip("/"))
            if self.playground and not is_loopback_url(value):
                raise PlaygroundRefusal(
                    f"playground mode reaches only the sandbox Xero on this machine, not {value}"
                )
            refused = insecure(value)
            if refused:
                raise InsecureEndpoint(f"{_VARIABLES.get(name, name)} {value!r} {refused}")

    @property
    def authorize_url(self) -> str:
        return f"{self.login_url}/identity/connect/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.identity_url}/connect/token"

    @property
    def revocation_url(self) -> str:
        return f"{self.identity_url}/connect/revocation"

    @property
    def connections_url(self) -> str:
        """GET /connections, DELETE /connections/{id}; xero-python's IdentityApi base_url."""
        return f"{self.api_url}/connections"

    @property
    def accounting_url(self) -> str:
        """xero-python's AccountingApi base_url."""
        return f"{self.api_url}/api.xro/2.0"

    @property
    def is_real_xero(self) -> bool:
        return not all(
            is_loopback_url(url) for url in (self.api_url, self.identity_url, self.login_url)
        )

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, playground: bool = False
    ) -> XeroEndpoints:
        """Xero's own hosts, or those of SOCKET_XERO_API_URL and SOCKET_XERO_IDENTITY_URL."""
        env = os.environ if environ is None else environ
        api = env.get(API_URL_VARIABLE) or DEFAULT_API_URL
        identity = env.get(IDENTITY_URL_VARIABLE) or ""
        return cls(
            api_url=api,
            identity_url=identity or DEFAULT_IDENTITY_URL,
            login_url=identity or DEFAULT_LOGIN_URL,
            playground=playground,
        )

    @classmethod
    def sandbox(cls, base_url: str, *, playground: bool = False) -> XeroEndpoints:
        """The sandbox Xero: one URL serves every path."""
        return cls(base_url, base_url, base_url, playground=playground)

"""Helpers for the gateway tests: a token source and contact lists."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from socketcli.adapters.xero.gateway import RetryPolicy, XeroPythonGateway
from socketcli.sandbox import Sandbox


def token_dict(access_token: str, *, lifetime: float = 1800.0) -> dict[str, Any]:
    """A token as the token source hands it over (xero-python's keys, with expires_at)."""
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "expires_at": time.time() + lifetime,
        "scope": "accounting.contacts accounting.settings accounting.invoices",
    }


@dataclass
class TokenSource:
    """Hands out the sandbox's access tokens in turn (the last one for good), as a token
    store would after refreshing; counts how often it was asked."""

    tokens: list[dict[str, Any]]
    asked: int = 0
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def issued_by(cls, xero: Sandbox, count: int = 1) -> TokenSource:
        return cls([token_dict(xero.issue_token(expires_in=3600)) for _ in range(count)])

    def __call__(self) -> dict[str, Any]:
        with self._guard:
            token = self.tokens[min(self.asked, len(self.tokens) - 1)]
            self.asked += 1
            return dict(token)

    @property
    def access_tokens(self) -> list[str]:
        return [str(t["access_token"]) for t in self.tokens]


def many_contacts(count: int, *, prefix: str = "Client") -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        yield {
            "Name": f"{prefix} {n:05d} Ltd",
            "EmailAddress": f"accounts{n}@client{n}.example",
            "ContactNumber": f"CLI{n:05d}",
        }


#: The demo list the sandbox is seeded with: five active customers, one archived.
CONTACTS = [
    {"Name": "Atlas Logistics Ltd", "EmailAddress": "accounts@atlaslogistics.co.uk"},
    {"Name": "Bramble & Rose Florists", "EmailAddress": "hello@brambleandrose.co.uk"},
    {"Name": "City Limousines", "EmailAddress": "office@citylimos.co.uk"},
    {"Name": "Harbour View B&B", "EmailAddress": "stay@harbourviewbandb.co.uk"},
    {"Name": "Smith and Sons Limited", "EmailAddress": "accounts@smithandsons.co.uk"},
    {
        "Name": "Thompson Haulage Ltd",
        "EmailAddress": "accounts@thompsonhaulage.co.uk",
        "ContactStatus": "ARCHIVED",
    },
]

#: Short timeouts so that a slow-answer fault costs a fraction of a second.
FAST = RetryPolicy(connect_timeout=2.0, read_timeout=0.4)

MakeGateway = Callable[..., XeroPythonGateway]

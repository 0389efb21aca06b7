"""The errors of connecting and of tokens: one clear line each, an exit code, never a token.

They belong to the Xero family of `socketcli.ports.xero` (`XeroError`, exit 7, and
`XeroAuthError`, exit 6: connect again), so that a service catching those catches these too:
a refresh token that Xero refuses in the middle of a sync is an `XeroAuthError` like a 401.

Every message is written for the person at the terminal (or reading cron's mail): what went
wrong and what to do. None carries an access token, a refresh token, a client secret or an
authorisation code, and none chains the exception it replaces (`from None`), so that a
traceback, if one were ever printed, would not show a request body either.
"""

from __future__ import annotations

from socketcli.ports.xero import XeroAuthError, XeroError

__all__ = [
    "InsecureEndpoint",
    "PlaygroundRefusal",
    "TokenStorageError",
    "XeroAuthError",
    "XeroAuthorisationFailed",
    "XeroError",
    "XeroNotConnected",
    "XeroTokenRejected",
    "XeroUnreachable",
]


class XeroUnreachable(XeroError):
    """Xero (or the sandbox standing in for it) could not be reached in time (exit 7)."""


class XeroNotConnected(XeroAuthError):
    """No Xero organisation is connected, or its tokens are gone (exit 6)."""


class XeroAuthorisationFailed(XeroAuthError):
    """Xero refused to authorise: consent denied, a refresh token expired or revoked (exit 6)."""


class XeroTokenRejected(XeroAuthorisationFailed):
    """Xero answered 401 to an access token (expired early, or revoked): renew it and retry."""


class PlaygroundRefusal(XeroError):
    """Playground mode was asked to reach something other than the loopback sandbox (exit 2)."""

    exit_code = 2


class InsecureEndpoint(XeroError):
    """A Xero URL that would carry tokens in the clear (plain http to another machine): refused
    before anything is sent (exit 2)."""

    exit_code = 2


class TokenStorageError(XeroError):
    """Neither the OS keyring nor the token file could keep or give back a token (exit 1)."""

    exit_code = 1

"""A Xero stand-in on loopback: identity, connections and the Accounting API that socket uses.

A real HTTP server (standard library only) with Xero's paths, headers, JSON shapes and error
bodies (../shared/xero's OpenAPI specs), rotating refresh tokens, Xero's rate limits,
injectable faults, and its state in a JSON file a person can read. `socket sandbox serve`
runs it; tests use `running_sandbox()`. Nothing here imports the rest of socketcli.
"""

from socketcli.sandbox.app import Call, SandboxApp, SandboxConfig, invoices_in
from socketcli.sandbox.faults import Fault, Limits
from socketcli.sandbox.identity import Lifetimes
from socketcli.sandbox.seed import (
    CUSTOM_CLIENT_ID,
    CUSTOM_CLIENT_SECRET,
    DEFAULT_REDIRECT_URIS,
    DEFAULT_SCOPES,
    DEMO_ORGANISATION,
    DEMO_TENANT_ID,
    PKCE_CLIENT_ID,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
)
from socketcli.sandbox.server import DEFAULT_PORT, Sandbox, running_sandbox, start_sandbox

__all__ = [
    "CUSTOM_CLIENT_ID",
    "CUSTOM_CLIENT_SECRET",
    "DEFAULT_PORT",
    "DEFAULT_REDIRECT_URIS",
    "DEFAULT_SCOPES",
    "DEMO_ORGANISATION",
    "DEMO_TENANT_ID",
    "PKCE_CLIENT_ID",
    "WEB_CLIENT_ID",
    "WEB_CLIENT_SECRET",
    "Call",
    "Fault",
    "Lifetimes",
    "Limits",
    "Sandbox",
    "SandboxApp",
    "SandboxConfig",
    "invoices_in",
    "running_sandbox",
    "start_sandbox",
]

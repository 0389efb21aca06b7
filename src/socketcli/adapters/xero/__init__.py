"""Xero, behind the project's own types: where it is, connecting, and tokens kept safe.

- `endpoints`: `XeroEndpoints` (SOCKET_XERO_API_URL, SOCKET_XERO_IDENTITY_URL; the playground
  guard) and `SCOPES`, the one list of scopes socket asks for.
- `oauth`: the identity service spoken directly: PKCE, the loopback listener, the token
  endpoint (code, refresh, client credentials), revocation, GET/DELETE /connections.
- `tokens`: `XeroToken`, `TokenStore` (OS keyring, else a 0600 file), `TokenSource` (a valid
  access token, refreshed read-refresh-save under a file lock) and the environment override.
- `access`: `open_xero(settings)` wires them for one command (bootstrap's `Wiring.xero`
  starts the playground's sandbox and calls `sandbox_xero`); `XeroAccess.token_source()`
  is what the gateway asks for a token:
  `source.access_token()`, `source.renew(rejected)` after a 401, `source.tenant_id`,
  `source.xero_token_dict()` as xero-python's `oauth2_token_getter`.
- `errors`: connecting's and tokens' errors, in the `XeroError` family of
  `ports.xero`: each a one-line message and an exit code.

Submodules are imported where they are used: importing this package costs nothing.
"""

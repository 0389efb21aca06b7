"""A socket process that needs a token: `python refresher.py GO READY TENANT CLOCK_OFFSET`.

It reads the stored token, says so by creating the file READY, waits for the file GO (so that
two of them hold the same expired token when they start), asks for an access token as the
gateway does (its clock CLOCK_OFFSET seconds ahead, past the token's expiry), proves it works
with GET /connections, and prints what happened as JSON: never the token itself.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from socketcli.adapters.xero.access import open_xero


def main() -> None:
    go, ready, tenant = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    offset = float(sys.argv[4])
    with open_xero({"xero_tenant_id": tenant}) as xero:
        xero.now = lambda: time.time() + offset
        source = xero.token_source()
        assert source.where == "file"  # the stored token is read now: the expired one
        ready.touch()
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.002)
        token = source.access_token()
        reached = [o.tenant_id for o in xero.identity.organisations(token)]
    sys.stdout.write(
        json.dumps(
            {
                "refreshes": source.refreshes,
                "reached": reached,
                "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
            }
        )
    )


if __name__ == "__main__":
    main()

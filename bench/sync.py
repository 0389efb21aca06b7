"""Time `socket sync` against the sandbox Xero holding 5,000 contacts: the calls each run makes
and how long it takes.

    .venv/bin/python bench/sync.py [--contacts 5000] [--changed 50] [--crm-xero]

A sandbox Xero runs in this process (a real HTTP server on loopback, with Xero's own limits:
60 calls a minute, 5,000 a day, 5 in flight) seeded with the demo contact list and
`--contacts` more (a few archived, most customers). A new store is connected to it with the
sandbox's custom connection (`socket xero connect --custom-connection`, as the tests do), and
then `socket sync --json` runs as a subprocess of this script, each run timed (wall time, and
the child's CPU time):

1. the first sync: everything;
2. a second sync with nothing changed (target: at most one call per endpoint);
3. a sync after `--changed` contacts were edited in Xero (as a person would, in the sandbox);
4. with `--crm-xero`: the `crm` setting set to `xero` and one more sync, which makes a client
   for every customer contact and writes its reference back to Xero as ContactNumber (100
   POST /Contacts of 50 for 5,000 contacts: Xero's 60 calls a minute make it wait).

Calls per endpoint are socket's own count (every attempt, retries included) from the JSON,
checked against what the sandbox received.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

from socketcli.sandbox import (  # noqa: E402  (the repository's own source)
    CUSTOM_CLIENT_ID,
    CUSTOM_CLIENT_SECRET,
    Sandbox,
    SandboxConfig,
    running_sandbox,
)

SECOND_SYNC_TARGET = 1  # calls per endpoint with nothing changed


def contacts(count: int) -> Iterator[dict[str, Any]]:
    """Realistic contacts: 2% archived, 85% customers, half with a ContactNumber."""
    for n in range(1, count + 1):
        contact: dict[str, Any] = {
            "Name": f"Client {n:05d} Ltd",
            "EmailAddress": f"accounts@client{n:05d}.example",
            "IsCustomer": n % 20 < 17,
        }
        if n % 2:
            contact["ContactNumber"] = f"C{n:06d}"
        if n % 50 == 7:
            contact["ContactStatus"] = "ARCHIVED"
        yield contact


def socket_command(venv: Path) -> list[str]:
    return [str(venv / "bin" / "socket")]


class Runner:
    def __init__(self, venv: Path, work: Path, xero: Sandbox) -> None:
        self.command = socket_command(venv)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work / "home"),
            "SOCKET_DATA_DIR": str(work / "data"),
            "SOCKET_STATE_DIR": str(work / "state"),
            "SOCKET_XERO_API_URL": xero.base_url,
            "SOCKET_XERO_IDENTITY_URL": xero.base_url,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
        }
        (work / "home").mkdir(parents=True, exist_ok=True)

    def run(self, *args: str, env: dict[str, str] | None = None) -> tuple[str, float, float]:
        """stdout, wall seconds, child CPU seconds."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*self.command, *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(
                f"socket {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done.stdout, wall, cpu


def report(
    title: str, document: dict[str, Any], wall: float, cpu: float, sandbox: dict[str, int]
) -> dict[str, Any]:
    calls = document["calls"]
    print(f"\n{title}")
    print(
        f"  wall {wall:.2f} s (child CPU {cpu:.2f} s; the sync itself {document['seconds']:.2f} s)"
    )
    for name in ("contacts", "accounts", "branding_themes", "tracking_categories"):
        tally = document[name]
        print(
            f"  {name:<20} new {tally['new']:>5}  updated {tally['updated']:>5}  "
            f"archived {tally['archived']:>3}  unchanged {tally['unchanged']:>5}"
        )
    print(
        f"  clients created {len(document['clients_created'])}, pushed "
        f"{len(document['clients_pushed'])}"
    )
    for endpoint, count in sorted(calls.items()):
        print(f"  {endpoint:<26} {count:>4} calls")
    print(f"  {'all':<26} {document['total_calls']:>4} calls")
    accounting = {k: v for k, v in sandbox.items() if "/connect/" not in k}
    if accounting != calls:
        raise SystemExit(f"the sandbox received {accounting}, socket counted {calls}")
    return {
        "calls": calls,
        "wall": round(wall, 3),
        "cpu": round(cpu, 3),
        "sync": document["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--crm-xero", action="store_true")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)

    import dataclasses
    from datetime import UTC, datetime

    from socketcli.services.demo_data import build_demo

    demo = [dataclasses.asdict(c) for c in build_demo(datetime.now(UTC)).xero_contacts]
    figures: dict[str, Any] = {}
    print(
        f"socket sync against the sandbox Xero: {len(demo)} demo + {args.contacts} contacts; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="socket-sync-bench-") as scratch:
        work = Path(scratch)
        config = SandboxConfig()  # Xero's limits: 60 a minute, 5,000 a day, 5 in flight
        with running_sandbox(
            state_path=work / "sandbox.json", contacts=demo, config=config
        ) as xero:
            started = time.perf_counter()
            xero.seed_contacts(contacts(args.contacts))
            print(f"seeded in {time.perf_counter() - started:.1f} s")
            runner = Runner(args.venv, work, xero)
            runner.run("init")
            runner.run(
                "xero",
                "connect",
                "--custom-connection",
                "--client-id",
                CUSTOM_CLIENT_ID,
                env={"SOCKET_XERO_CLIENT_SECRET": CUSTOM_CLIENT_SECRET},
            )

            def sync(title: str, key: str) -> dict[str, Any]:
                xero.clear_calls()
                out, wall, cpu = runner.run("sync", "--json")
                document = json.loads(out)
                figures[key] = report(title, document, wall, cpu, dict(xero.call_counts()))
                return document

            sync("1. first sync", "first")
            second = sync("2. second sync, nothing changed", "second")
            worst = max(second["calls"].values())
            verdict = "met" if worst <= SECOND_SYNC_TARGET else "MISSED"
            print(f"  target: at most {SECOND_SYNC_TARGET} call per endpoint: {verdict}")

            changed = [c for c in xero.contacts() if c.get("ContactStatus") == "ACTIVE"][
                : args.changed
            ]
            xero.edit_contacts(
                *(
                    {
                        "ContactID": c["ContactID"],
                        "Website": "https://example.com/" + c["ContactID"][:8],
                        "EmailAddress": "new-" + str(c.get("EmailAddress") or "x@example.com"),
                    }
                    for c in changed
                )
            )
            sync(f"3. after {len(changed)} contacts changed in Xero", "changed")

            if args.crm_xero:
                runner.run("settings", "set", "crm", "xero")
                sync("4. crm = xero: clients made from every customer contact", "crm_xero")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the everyday commands on a 20,000-client practice whose Xero holds 20,000 contacts.

    .venv/bin/python bench/commands_20k.py [--clients 20000] [--csv DIR] [--workdir DIR]
                                           [--venv DIR] [--only NAME...] [--out DIR]

1. **Build** (once per `--workdir`; reused when the store is there): the practice from
   `--csv DIR` (clients.csv, services.csv, proposals.csv, e.g. /tmp/imp2/p20k) or generated
   with tests.practices (`--clients`, seed 1, today 2026-11-21); `socket init` and
   `socket import`; a sandbox Xero (this process, a real HTTP server on loopback, its state
   kept in the work folder; Xero's rate limits lifted so that building does not wait) seeded
   with one contact per client: 80% under the client's own name, 10% under a variant of it
   (`Ltd` for `Limited`, a word dropped), 10% unrelated; then `xero connect
   --custom-connection` and a first `socket sync`.
2. **Time** each command as a user runs it, in this order (some change the store, and the
   order puts it back where it was): at a pseudo-terminal (rich renders as on a screen,
   input answered where it asks), the time to the first byte of output (stdout or stderr),
   the wall time in all, and the child's CPU time (user + sys). Each command's output is
   written to `--out` (default WORKDIR/out), so that two runs (before and after a change)
   can be compared byte for byte (`diff -r`); the few lines that hold the time of day or
   a duration differ by nature.

`SOCKET_NOW=2026-11-21` throughout; approving Dec 2026 needs no posting (it is not due).
"""

from __future__ import annotations

import argparse
import os
import platform
import pty
import resource
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]

from socketcli.sandbox import (  # noqa: E402  (the repository's own source)
    CUSTOM_CLIENT_ID,
    CUSTOM_CLIENT_SECRET,
    Sandbox,
    SandboxConfig,
    running_sandbox,
)
from socketcli.sandbox.faults import Limits  # noqa: E402

NOW = "2026-11-21"


def contacts_for(clients_csv: Path) -> Iterator[dict[str, Any]]:
    """One Xero contact per client: mostly its own name, some variants, some unrelated."""
    import csv

    seen: set[str] = set()
    with clients_csv.open(newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=1):
            name = row["name"]
            if n % 10 == 3:
                name = name.replace(" Ltd", " Limited") if " Ltd" in name else name + " Group"
            elif n % 10 == 7:
                name = f"Unrelated Holdings {n:05d}"
            if name in seen:  # Xero holds one active contact of a name
                name = f"{name} ({n})"
            seen.add(name)
            contact: dict[str, Any] = {"Name": name, "IsCustomer": n % 20 < 17}
            if n % 4 == 0:
                contact["EmailAddress"] = row["email"]
            if n % 50 == 11:
                contact["ContactStatus"] = "ARCHIVED"
            yield contact


def complete_organisation(xero: Sandbox) -> None:
    """Give the sandbox's organisation what the generated practice bills with: revenue
    accounts 210 and 220, branding themes Premium and Simple, tracking Region East and West
    and a category Department with Payroll (else every month is blocked at approval)."""
    import copy
    import uuid

    def new_id(what: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{what}"))

    with xero.app.lock:
        organisation = xero.app.state.organisations[xero.tenant_id]
        model = next(a for a in organisation.accounts if a["Code"] == "200")
        for code in ("210", "220"):
            account = copy.deepcopy(model)
            account.update(AccountID=new_id(f"account/{code}"), Code=code, Name=f"Sales {code}")
            organisation.accounts.append(account)
        theme = organisation.branding_themes[0]
        for order, name in enumerate(
            ("Premium", "Simple"), start=len(organisation.branding_themes)
        ):
            organisation.branding_themes.append(
                {
                    **theme,
                    "BrandingThemeID": new_id(f"theme/{name}"),
                    "Name": name,
                    "SortOrder": order,
                }
            )
        region = next(c for c in organisation.tracking_categories if c["Name"] == "Region")
        for name in ("East", "West"):
            region["Options"].append(
                {
                    "TrackingOptionID": new_id(f"tracking/Region/{name}"),
                    "Name": name,
                    "Status": "ACTIVE",
                    "TrackingCategoryID": region["TrackingCategoryID"],
                }
            )
        department = new_id("tracking/Department")
        organisation.tracking_categories.append(
            {
                "TrackingCategoryID": department,
                "Name": "Department",
                "Status": "ACTIVE",
                "Options": [
                    {
                        "TrackingOptionID": new_id("tracking/Department/Payroll"),
                        "Name": "Payroll",
                        "Status": "ACTIVE",
                        "TrackingCategoryID": department,
                    }
                ],
            }
        )


@dataclass
class Timing:
    name: str
    first: float | None
    wall: float
    cpu: float
    code: int
    size: int


class Runner:
    def __init__(self, venv: Path, work: Path, xero: Sandbox, out: Path) -> None:
        self.socket = str(venv / "bin" / "socket")
        self.db = str(work / "socket.db")
        self.out = out
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work / "home"),
            "SOCKET_NOW": NOW,
            "SOCKET_DATA_DIR": str(work / "data"),
            "SOCKET_STATE_DIR": str(work / "state"),
            "SOCKET_XERO_API_URL": xero.base_url,
            "SOCKET_XERO_IDENTITY_URL": xero.base_url,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
            "COLUMNS": "160",
            "LINES": "50",
            "TERM": "xterm-256color",
        }
        (work / "home").mkdir(parents=True, exist_ok=True)
        out.mkdir(parents=True, exist_ok=True)

    def plain(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run without timing (building); stdout, or exit with what it said."""
        done = subprocess.run(
            [self.socket, "--db", self.db, *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=3600,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"socket {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
        return done.stdout

    def timed(self, name: str, *args: str, answer: bytes | None = None) -> Timing:
        """At a pseudo-terminal: first byte, wall, CPU; the output kept in OUT/NAME.txt."""
        master, slave = pty.openpty()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        child = subprocess.Popen(
            [self.socket, "--db", self.db, *args],
            env=self.env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        chunks: list[bytes] = []
        first: float | None = None
        answered = False
        while True:
            ready, _, _ = select.select([master], [], [], 600)
            if not ready:
                child.kill()
                raise SystemExit(f"socket {' '.join(args)}: no output for 600 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            if first is None:
                first = time.perf_counter() - started
            chunks.append(data)
            if answer is not None and not answered and b"[y/N]" in b"".join(chunks[-3:]):
                os.write(master, answer)
                answered = True
        code = child.wait()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        os.close(master)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        output = b"".join(chunks)
        (self.out / f"{name}.txt").write_bytes(output)
        return Timing(name, first, wall, cpu, code, len(output))


def build(args: argparse.Namespace, work: Path, xero: Sandbox, runner: Runner) -> None:
    csv_dir = args.csv
    if csv_dir is None:
        csv_dir = work / "practice"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_practice.py"),
                "--clients",
                str(args.clients),
                "--out",
                str(csv_dir),
                "--today",
                NOW,
            ],
            check=True,
        )
    started = time.perf_counter()
    runner.plain("init")
    runner.plain(
        "import", *(str(csv_dir / f"{n}.csv") for n in ("clients", "services", "proposals"))
    )
    print(f"  init + import {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    complete_organisation(xero)
    count = xero.seed_contacts(contacts_for(csv_dir / "clients.csv"))
    print(f"  sandbox seeded with {count:,} contacts in {time.perf_counter() - started:.1f} s")
    runner.plain(
        "xero",
        "connect",
        "--custom-connection",
        "--client-id",
        CUSTOM_CLIENT_ID,
        env={"SOCKET_XERO_CLIENT_SECRET": CUSTOM_CLIENT_SECRET},
    )
    started = time.perf_counter()
    runner.plain("sync")
    print(f"  first sync {time.perf_counter() - started:.1f} s")


#: (name, arguments, answer at the pty); in order: the store ends as it began, but for
#: history entries, the work item completed and the backup.
COMMANDS: list[tuple[str, tuple[str, ...], bytes | None]] = [
    ("settings-show", ("settings", "show"), None),
    ("settings-set", ("settings", "set", "invoice_day", "28"), None),
    ("clients-show", ("clients", "show", "C000002"), None),
    ("clients-show-json", ("clients", "show", "C000002", "--json"), None),
    ("clients-edit", ("clients", "edit", "C000003", "--email", "new@c000003.test"), None),
    ("clients-close", ("clients", "close", "C000005", "--last-month", "2027-03"), None),
    ("clients-reopen", ("clients", "reopen", "C000005"), None),
    ("proposals-show", ("proposals", "show", "P-C000001-1"), None),
    (
        "proposals-change",
        ("proposals", "change", "P-C000009-1", "--from", "2027-02", "--remove", "Bookkeeping"),
        None,
    ),
    ("proposals-cancel", ("proposals", "cancel", "P-C000010-1", "--from", "2027-03"), None),
    ("plan-preview", ("plan", "preview", "C000001"), None),
    ("plan-preview-json", ("plan", "preview", "C000001", "--json"), None),
    ("plan-months", ("plan", "months"), None),
    ("plan-approve-screen", ("plan", "approve"), b"n\r"),
    ("plan-approve-yes", ("plan", "approve", "--yes", "--no-post"), None),
    ("plan-status", ("plan", "status"), None),
    ("plan-status-json", ("plan", "status", "--json"), None),
    ("plan-months-after", ("plan", "months"), None),
    ("plan-preview-final", ("plan", "preview", "C000001"), None),
    ("plan-reconcile", ("plan", "reconcile"), None),
    ("plan-unapprove", ("plan", "unapprove", "--yes"), None),
    ("work-list", ("work", "list"), None),
    ("work-list-json", ("work", "list", "--json"), None),
    ("work-complete", ("work", "complete", "2", "--yes"), None),
    ("history", ("history",), None),
    ("history-json", ("history", "--json"), None),
    ("history-all-json", ("history", "--json", "--limit", "0"), None),
    ("contacts-match-dry", ("contacts", "match", "--auto", "--dry-run"), None),
    ("contacts-match-json", ("contacts", "match", "--auto", "--dry-run", "--json"), None),
    ("sync", ("sync",), None),
    ("db-info", ("db", "info"), None),
    ("db-backup", ("db", "backup", "{work}/backup.db"), None),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--csv", type=Path, help="Import these CSVs instead of generating.")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/socket-commands-20k"))
    parser.add_argument("--out", type=Path, help="Where each command's output goes.")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    parser.add_argument("--only", nargs="*", help="Time only these (names as printed).")
    args = parser.parse_args(argv)

    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    pristine = work / "pristine"
    fresh = not (pristine / "socket.db").exists()
    if not fresh:  # every run starts from the store and the Xero the build left
        shutil.copyfile(pristine / "socket.db", work / "socket.db")
        shutil.copyfile(pristine / "sandbox.json", work / "sandbox.json")
    config = SandboxConfig(limits=Limits(per_minute=100_000, per_day=1_000_000, concurrent=50))
    print(
        f"socket commands at {args.clients:,} clients; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; work folder {work}"
    )
    with running_sandbox(state_path=work / "sandbox.json", config=config) as xero:
        runner = Runner(args.venv, work, xero, args.out or work / "out")
        if fresh:
            build(args, work, xero, runner)
            xero.stop()  # writes its state out
            pristine.mkdir(exist_ok=True)
            shutil.copyfile(work / "socket.db", pristine / "socket.db")
            shutil.copyfile(work / "sandbox.json", pristine / "sandbox.json")
            print("  built; run again to time the commands")
            return 0
        backup = work / "backup.db"
        if backup.exists():
            backup.unlink()
        print(f"\n{'command':<22} {'first':>7} {'wall':>7} {'CPU':>7} {'exit':>4} {'bytes':>9}")
        for name, command, answer in COMMANDS:
            if args.only and name not in args.only:
                continue
            command = tuple(part.replace("{work}", str(work)) for part in command)
            result = runner.timed(name, *command, answer=answer)
            first = f"{result.first:7.2f}" if result.first is not None else "      -"
            print(
                f"{name:<22} {first} {result.wall:7.2f} {result.cpu:7.2f} "
                f"{result.code:>4} {result.size:>9,}",
                flush=True,
            )
        if backup.exists():
            backup.unlink()
    print(f"\nload after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

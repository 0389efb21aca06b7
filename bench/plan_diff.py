"""Time `socket plan diff --json` on generated practices, and `socket --help` against Python.

    .venv/bin/python bench/plan_diff.py --clients 2000 20000 [--repeat 5]
    .venv/bin/python bench/plan_diff.py --clients 20000 200000 --engines sqlite postgresql \
        [--pg-url postgresql+psycopg://USER@/postgres?host=/run/postgresql]

With `--engines sqlite postgresql` each generated practice is imported into both stores,
side by side in one run: a SQLite file, and a new PostgreSQL database `socket_bench_N` made
on the server of `--pg-url` (default SOCKET_TEST_POSTGRES_URL, as `.ci/postgres.sh` sets it;
the URL's user must be allowed to create databases), dropped again at the end unless
`--keep`. On PostgreSQL the child's CPU time leaves out the server's: when the server runs
on this machine and /proc can be read, its CPU time is measured too (the postmaster's own,
its live processes', and the time of the backends that exited, which the postmaster reaps:
its cutime + cstime), so keep other clients off that server while measuring.

For each size: generate a practice (tests.practices.generate, as bench/generate_practice.py
does), `socket --db DB init`, `socket --db DB import clients.csv services.csv proposals.csv`
(timed once), then `socket --db DB plan diff --json --month 2026-12` `--repeat` times after
one untimed warm-up, with SOCKET_NOW=2026-11-21. Every command runs as a subprocess: wall
time is what a user waits for; CPU time (user + sys of the child) is what the work costs,
and does not grow when other processes share the machine. The JSON must parse and list
about as many clients as were generated.

Then `python -c pass` against `socket --help` (median of 20 runs each, interleaved), using
the venv's python and the `socket` next to it.

Then, unless --no-breakdown, where the time of one `plan diff --json` goes, measured
in-process with the library (a child process on the venv's python runs this file with
--breakdown DB) on the path the command takes: the quick start-up path's imports, opening
the store on sqlite3, settings and client labels, `billing_totals` for both months (and its
grouped statement replayed on bare sqlite3), the whole `services.plan.diff_plan`, the JSON,
and the whole command in-process, plus how many SQL statements one diff runs (constant in
the number of clients when the plan is set-based).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-21"
MONTH = "2026-12"
HELP_RUNS = 20

# Targets from the issue.
HELP_RATIO_TARGET = 2.0
#: `plan diff --json` wall seconds by number of clients (issue 14 item 12).
DIFF_SECONDS_TARGET = {20000: 0.6, 200000: 4.0}
SCALING_TARGET = 1.1  # 10x the clients may cost at most 11x the time


# -- running commands -----------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    wall: float
    cpu: float
    returncode: int
    stdout: bytes
    stderr: bytes


def run(command: Sequence[str | Path], env: dict[str, str]) -> Run:
    """One subprocess: its wall time and its CPU time (user + sys, from the OS)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(part) for part in command], env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, done.returncode, done.stdout, done.stderr)


def checked(command: Sequence[str | Path], env: dict[str, str], what: str) -> Run:
    result = run(command, env)
    if result.returncode != 0:
        shown = " ".join(str(part) for part in command)
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-15:]
        raise SystemExit(
            f"{what} failed (exit {result.returncode}):\n  $ {shown}\n  " + "\n  ".join(tail)
        )
    return result


def environment(work: Path, *, bytecode: bool = True) -> dict[str, str]:
    """The children's environment: a fixed clock, no store but --db, and (by default) cached
    bytecode, as an installed package has, kept under WORK/pycache (src/ is not touched)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SOCKET_DATABASE_URL", "SOCKET_PLAYGROUND", "SOCKET_NOW"}
    }
    env.update(
        SOCKET_NOW=TODAY, SOCKET_DATA_DIR=str(work / "data"), NO_COLOR="1", PYTHONUNBUFFERED="1"
    )
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def warm_up(socket: Path, python: Path, env: dict[str, str], work: Path) -> None:
    """Untimed: one run of each code path, so that bytecode is cached and files are in memory."""
    scratch = work / "warm-up.db"
    checked([socket, "--db", scratch, "init"], env, "warm-up init")
    checked([socket, "--help"], env, "warm-up --help")
    checked(
        [
            python,
            "-c",
            "import socketcli.cli.app, socketcli.services.importer, socketcli.services.plan, "
            "socketcli.adapters.store.uow, socketcli.cli.output",
        ],
        env,
        "warm-up imports",
    )


# -- PostgreSQL: a fresh database per size, and the server's CPU time ---------------------


def _clk_tck() -> int:
    return os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int, *, children: bool = False) -> float:
    """Seconds of CPU of process `pid` (utime + stime; + cutime + cstime of its reaped
    children with `children`), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime, stime, cutime, cstime are fields 14-17.
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _clk_tck()


@dataclass(slots=True)
class PostgresServer:
    """The server behind `--pg-url`: makes and drops the bench's databases, and reads the
    server's CPU time from /proc when it runs on this machine."""

    url: str
    postmaster: int | None = None

    def admin(self) -> Any:
        from sqlalchemy import create_engine

        return create_engine(self.url, isolation_level="AUTOCOMMIT")

    def database_url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def fresh(self, name: str) -> str:
        """A new, empty database `name` (an old one of the name dropped first); its URL."""
        from sqlalchemy import text

        engine = self.admin()
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(
                text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
            )
            if self.postmaster is None:
                backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
                self.postmaster = self._parent(int(backend))
        engine.dispose()
        return self.database_url(name)

    def copy(self, source: str, name: str) -> str:
        """A new database `name` made from `source` (CREATE DATABASE ... TEMPLATE); its URL."""
        from sqlalchemy import text

        self.settle(source)  # a template may have no one connected
        engine = self.admin()
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        engine.dispose()
        return self.database_url(name)

    def drop(self, name: str) -> None:
        from sqlalchemy import text

        engine = self.admin()
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    def drop_all(self, prefix: str) -> None:
        """Drop every database whose name starts with `prefix`."""
        from sqlalchemy import text

        engine = self.admin()
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                {"p": prefix},
            ).scalars()
            for name in list(names):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    def size(self, name: str) -> int:
        from sqlalchemy import text

        engine = self.admin()
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(:n)"), {"n": name})
            value = int(size.scalar_one())
        engine.dispose()
        return value

    @staticmethod
    def _parent(pid: int) -> int | None:
        """The postmaster: the parent of our backend, when /proc shows it (same machine)."""
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        try:
            command = Path(f"/proc/{parent}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            return None
        return parent if command.endswith((b"postgres", b"postmaster")) else None

    def cpu(self) -> float | None:
        """The server's CPU seconds so far: the postmaster with the backends it reaped, and
        each of its live processes (checkpointer, WAL writer, ... and live backends). None
        when the server is not on this machine."""
        if self.postmaster is None:
            return None
        total = _proc_cpu(self.postmaster, children=True)
        for child in Path("/proc").iterdir():
            if not child.name.isdigit():
                continue
            try:
                stat = (child / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.postmaster:
                    total += _proc_cpu(int(child.name))
            except (OSError, ValueError, IndexError):
                continue
        return total

    def settle(self, database: str) -> None:
        """Wait (up to 5 s) until no backend serves `database`: the last command's backend
        has exited and been reaped, so its CPU time is in the postmaster's cutime."""
        from sqlalchemy import text

        engine = self.admin()
        deadline = time.monotonic() + 5
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                busy = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": database},
                ).scalar_one()
                if not busy:
                    break
                time.sleep(0.02)
        engine.dispose()
        time.sleep(0.05)  # the postmaster reaps the backend just after it left the view


def with_server(
    command: Sequence[str | Path],
    env: dict[str, str],
    what: str,
    server: PostgresServer | None,
    database: str | None,
) -> tuple[Run, float | None]:
    """`checked(command)` and, on PostgreSQL, the server CPU time it caused."""
    if server is None or database is None:
        return checked(command, env, what), None
    server.settle(database)
    before = server.cpu()
    result = checked(command, env, what)
    server.settle(database)
    after = server.cpu()
    return result, (None if before is None or after is None else after - before)


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


# -- one practice size ----------------------------------------------------------------------


@dataclass(slots=True)
class SizeResult:
    clients: int
    engine: str = "sqlite"
    proposal_rows: int = 0
    generate_seconds: float = 0.0
    init: Run | None = None
    import_: Run | None = None
    import_server_cpu: float | None = None
    db_bytes: int = 0
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    server_cpus: list[float] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    diff_clients: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    breakdown: dict[str, Any] | None = None

    @property
    def wall_median(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpus)

    @property
    def server_cpu_median(self) -> float | None:
        return statistics.median(self.server_cpus) if self.server_cpus else None


def generate_practice(
    clients: int, args: argparse.Namespace, work: Path
) -> tuple[Path, dict[str, Any], float]:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.practices import generate  # the generator the tests use too

    folder = work / f"practice-{clients}"
    started = time.perf_counter()
    counts = generate(
        folder,
        clients=clients,
        seed=args.seed,
        months=args.months,
        lines=args.lines,
        today=date.fromisoformat(TODAY),
    )
    seconds = time.perf_counter() - started
    print(
        f"  {clients}: generated {counts['clients']} clients, {counts['proposal_rows']} "
        f"proposal rows in {seconds:.1f}s",
        flush=True,
    )
    return folder, counts, seconds


def measure_size(
    clients: int,
    engine: str,
    practice: tuple[Path, dict[str, Any], float],
    args: argparse.Namespace,
    socket: Path,
    python: Path,
    work: Path,
    server: PostgresServer | None,
) -> SizeResult:
    folder, counts, generate_seconds = practice
    result = SizeResult(clients, engine)
    result.generate_seconds = generate_seconds
    result.proposal_rows = counts["proposal_rows"]
    env = environment(work, bytecode=args.bytecode)
    database: str | None = None
    if engine == "postgresql":
        assert server is not None
        database = f"socket_bench_{clients}"
        store: str | Path = server.fresh(database)
        pg = server
    else:
        store = folder / "socket.db"
        for old in folder.glob("socket.db*"):
            old.unlink()
        pg = None
    label = f"  {clients} {engine}"
    result.init = checked([socket, "--db", store, "init"], env, "socket init")
    files = [folder / "clients.csv", folder / "services.csv", folder / "proposals.csv"]
    load = load_average()
    result.import_, result.import_server_cpu = with_server(
        [socket, "--db", store, "import", *files], env, "socket import", pg, database
    )
    server_note = (
        f" + server {result.import_server_cpu:.2f}s CPU"
        if result.import_server_cpu is not None
        else ""
    )
    print(
        f"{label}: init {result.init.wall:.2f}s, import {result.import_.wall:.2f}s "
        f"wall / {result.import_.cpu:.2f}s CPU{server_note} (load before: {load}): "
        + result.import_.stderr.decode(errors="replace").strip().splitlines()[-1],
        flush=True,
    )
    if engine == "postgresql":
        assert server is not None
        assert database is not None
        result.db_bytes = server.size(database)
    else:
        result.db_bytes = sum(
            path.stat().st_size for path in folder.glob("socket.db*") if path.is_file()
        )

    command: list[str | Path] = [socket, "--db", store, "plan", "diff", "--json", "--month", MONTH]
    checked(command, env, "socket plan diff (warm-up)")
    for _ in range(args.repeat):
        result.loads.append(load_average().split()[0])
        diff, server_cpu = with_server(command, env, "socket plan diff", pg, database)
        result.walls.append(diff.wall)
        result.cpus.append(diff.cpu)
        if server_cpu is not None:
            result.server_cpus.append(server_cpu)
    document = json.loads(diff.stdout)
    result.diff_clients = len(document["clients"])
    result.changes = {total["change"]: total["clients"] for total in document["totals"]}
    if document["month"] != MONTH or not 0.9 * clients <= result.diff_clients <= clients:
        raise SystemExit(
            f"plan diff for {clients} clients lists {result.diff_clients} clients for "
            f"{document['month']}: expected {MONTH} and about {clients}"
        )
    server_note = (
        f" + server {result.server_cpu_median:.2f}s CPU"
        if result.server_cpu_median is not None
        else ""
    )
    print(
        f"{label}: plan diff --json median {result.wall_median:.2f}s wall / "
        f"{result.cpu_median:.2f}s CPU{server_note} over {args.repeat} runs "
        f"(load {', '.join(result.loads)})",
        flush=True,
    )
    if engine == "sqlite" and (args.breakdown_sizes is None or clients in args.breakdown_sizes):
        breakdown = checked(
            [python, Path(__file__).resolve(), "--breakdown", store, "--month", MONTH],
            env,
            "the in-process breakdown",
        )
        result.breakdown = json.loads(breakdown.stdout)
    if not args.keep and engine == "postgresql":
        assert server is not None
        assert database is not None
        server.drop(database)
    return result


def measure_help(
    socket: Path, python: Path, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    bare: list[float] = []
    help_: list[float] = []
    run([python, "-c", "pass"], env)  # warm the file cache
    run([socket, "--help"], env)
    for _ in range(HELP_RUNS):
        bare.append(checked([python, "-c", "pass"], env, "python -c pass").wall)
        help_.append(checked([socket, "--help"], env, "socket --help").wall)
    return bare, help_


# -- the in-process breakdown (runs in a child on the venv's python) ------------------------


def breakdown(db: Path, month_text: str) -> dict[str, Any]:
    """Where one `plan diff --json` spends its time, phase by phase, in this process, on the
    path the command takes on a SQLite store: the quick start-up path (socketcli.cli.quick,
    no typer) and the plan reader on the sqlite3 driver (adapters/store/lite.py, no
    SQLAlchemy). The cycle collector is off, as in the command."""
    import gc

    gc.disable()
    timings: dict[str, tuple[float, float]] = {}  # phase: (wall, CPU of this process)
    cpu = [time.process_time()]

    def lap(name: str, started: float) -> float:
        now, spent = time.perf_counter(), time.process_time()
        timings[name] = (now - started, spent - cpu[0])
        cpu[0] = spent
        return now

    def start() -> float:
        cpu[0] = time.process_time()
        return time.perf_counter()

    t = start()
    from socketcli.bootstrap import clock, wire
    from socketcli.cli import quick
    from socketcli.cli.context import State
    from socketcli.cli.output import emit_json
    from socketcli.cli.reports import diff_document
    from socketcli.cli.screen import working
    from socketcli.domain.months import Month
    from socketcli.domain.settings import PracticeSettings
    from socketcli.services import plan as plan_service

    t = lap("import what the quick path imports", t)
    heavy = sorted(
        {name.split(".")[0] for name in sys.modules} & {"typer", "pydantic", "sqlalchemy", "rich"}
    )
    month = Month.parse(month_text)
    wiring = wire(db)
    statements: list[tuple[str, float]] = []

    def reader() -> Any:
        opened = wiring.reader()
        found: Any = opened.__enter__()
        run_rows = found._rows

        def counted(sql: str, parameters: Any) -> Any:
            began = time.process_time()
            rows = run_rows(sql, parameters)
            statements.append((sql, time.process_time() - began))
            return rows

        found._rows = counted
        return opened, found

    t = start()
    opened, found = reader()
    t = lap("open the store (sqlite3, schema check)", t)
    settings = PracticeSettings.from_values(found.settings_values())
    labels = found.client_labels()
    t = lap("settings + client labels", t)
    statements.clear()
    found.billing_totals([month - 1, month], settings)
    t = lap("billing_totals, both months", t)
    sql_seconds = sum(seconds for _, seconds in statements)
    grouped = statements[0][0]
    found.finalised_totals(month - 1)
    found.finalised_totals(month)
    found.contact_problems()
    t = lap("finalised totals + contact problems", t)
    opened.__exit__(None, None, None)

    # The grouped statement on bare sqlite3: what the database itself costs.
    import sqlite3

    connection = sqlite3.connect(str(db))
    parameters = {
        **{f"status{i}": s for i, s in enumerate(["accepted", "cancelled"])},
        "m0": (month - 1).ordinal,
        "m1": month.ordinal,
    }
    t = start()
    raw_rows = connection.execute(grouped, parameters).fetchall()
    lap("(the grouped SQL on bare sqlite3)", t)
    connection.close()

    statements.clear()

    class Opener:
        def __call__(self) -> Any:
            return self

        def __enter__(self) -> Any:
            self.opened, found = reader()
            return found

        def __exit__(self, *exc: Any) -> None:
            self.opened.__exit__(*exc)

    t = start()
    report = plan_service.diff_plan(Opener(), clock(), month)
    t = lap("whole services.plan.diff_plan", t)
    diff_statements = len(statements)
    sink = io.StringIO()
    saved, sys.stdout = sys.stdout, sink
    try:
        t = start()
        document = diff_document(report)
        emit_json(document)
        t = lap("JSON: document and writing it", t)
    finally:
        sys.stdout = saved
    with open(os.devnull, "w") as devnull:
        saved, sys.stdout = sys.stdout, devnull
        try:
            t = start()
            code = quick.run(["--db", str(db), "plan", "diff", "--json", "--month", month_text])
            lap("whole command in-process (quick path)", t)
        finally:
            sys.stdout = saved
    assert code == 0, code
    del State, working
    return {
        "timings": timings,
        "clients": len(labels),
        "raw_rows": len(raw_rows),
        "diff_rows": len(report.rows),
        "json_bytes": len(sink.getvalue()),
        "diff_statements": diff_statements,
        "billing_sql_seconds": round(sql_seconds, 3),
        "heavy_imports": heavy,
        "sqlite": sqlite3.sqlite_version,
    }


# -- the report -----------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(
    results: list[SizeResult],
    bare: list[float],
    help_: list[float],
    args: argparse.Namespace,
    socket: Path,
    python: Path,
) -> None:
    print()
    print(
        f"# plan diff benchmark, {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()} for the bench, "
        f"load average now {load_average()})"
    )
    print(
        f"practice: --lines {args.lines} --months {args.months} --seed {args.seed}, "
        f"today {TODAY}; diff month {MONTH}; {args.repeat} timed runs after one warm-up; "
        + (
            "bytecode cached (PYTHONPYCACHEPREFIX)"
            if args.bytecode
            else f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
        )
    )
    print()
    rows = []

    def server(value: float | None, engine: str) -> str:
        if engine != "postgresql":
            return "-"
        return "not measured" if value is None else f"{value:.2f} s"

    for r in results:
        assert r.init is not None
        assert r.import_ is not None
        rows.append(
            [
                f"{r.clients:,}",
                r.engine,
                f"{r.proposal_rows:,}",
                f"{r.db_bytes / 1e6:.1f} MB",
                f"{r.import_.wall:.2f} s / {r.import_.cpu:.2f} s",
                server(r.import_server_cpu, r.engine),
                f"{min(r.walls):.3f} s",
                f"{r.wall_median:.3f} s",
                f"{r.cpu_median:.3f} s",
                server(r.server_cpu_median, r.engine),
                f"{r.diff_clients:,}",
                " ".join(r.loads),
            ]
        )
    print(
        table(
            [
                "clients",
                "engine",
                "proposal rows",
                "store",
                "import wall / CPU",
                "import server CPU",
                "diff min wall",
                "diff median wall",
                "diff median CPU",
                "diff median server CPU",
                "clients in JSON",
                "load (1 min) at each diff",
            ],
            rows,
        )
    )
    if any(r.engine == "postgresql" for r in results):
        print(
            "CPU is the child's user + sys; on PostgreSQL the server's CPU is apart "
            "(its column), 'not measured' when the server is not on this machine."
        )
    print()
    by_engine: dict[str, list[SizeResult]] = {}
    for r in results:
        by_engine.setdefault(r.engine, []).append(r)
    pairs = [pair for same in by_engine.values() for pair in itertools.pairwise(same)]
    for smaller, larger in pairs:
        factor = larger.clients / smaller.clients
        wall_ratio = larger.wall_median / smaller.wall_median
        cpu_ratio = larger.cpu_median / smaller.cpu_median
        import_ratio = larger.import_.wall / smaller.import_.wall  # type: ignore[union-attr]
        limit = factor * SCALING_TARGET
        print(
            f"{larger.engine}, {factor:g}x the clients ({smaller.clients:,} -> "
            f"{larger.clients:,}): plan diff "
            f"{wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (target <= {limit:g}x: "
            f"{verdict(wall_ratio <= limit)}); import {import_ratio:.2f}x wall"
        )
    for r in results:
        target = DIFF_SECONDS_TARGET.get(r.clients)
        if target is not None:
            print(
                f"{r.engine}, {r.clients:,} clients: plan diff median {r.wall_median:.3f} s wall, "
                f"{r.cpu_median:.3f} s CPU (target < {target:g} s wall: "
                f"{verdict(r.wall_median < target)})"
            )
    ratio = statistics.median(help_) / statistics.median(bare)
    print(
        f"socket --help median {statistics.median(help_) * 1000:.1f} ms (min "
        f"{min(help_) * 1000:.1f}) against python -c pass median "
        f"{statistics.median(bare) * 1000:.1f} ms (min {min(bare) * 1000:.1f}), "
        f"{HELP_RUNS} runs each: {ratio:.2f}x (target < {HELP_RATIO_TARGET:g}x: "
        f"{verdict(ratio < HELP_RATIO_TARGET)})"
    )
    for r in results:
        if r.changes:
            print(
                f"{r.engine}, {r.clients:,} clients, change types in {MONTH}: "
                + ", ".join(f"{k} {v:,}" for k, v in r.changes.items())
            )
    with_breakdown = [r for r in results if r.breakdown]
    if with_breakdown:
        print()
        print("## Where one `plan diff --json` spends its time (in-process, wall / CPU seconds)")
        print()
        names = list(with_breakdown[0].breakdown["timings"])  # type: ignore[index]
        rows = []
        for name in names:
            rows.append(
                [name]
                + [
                    "{:.3f} / {:.3f}".format(*r.breakdown["timings"][name])  # type: ignore[index]
                    for r in with_breakdown
                ]
            )
        for label, key in (
            ("clients in the diff", "diff_rows"),
            ("billing_totals: seconds in SQL (CPU)", "billing_sql_seconds"),
            ("JSON bytes", "json_bytes"),
            ("SQL statements in diff_plan", "diff_statements"),
        ):
            rows.append([label] + [f"{r.breakdown[key]:,}" for r in with_breakdown])  # type: ignore[index]
        rows.append(
            ["typer, pydantic, SQLAlchemy, rich imported"]
            + [", ".join(r.breakdown["heavy_imports"]) or "none" for r in with_breakdown]  # type: ignore[index]
        )
        print(table(["phase", *(f"{r.clients:,} clients" for r in with_breakdown)], rows))
    print()
    print("commands (DB made by generate + init + import; SOCKET_NOW=" + TODAY + "):")
    print(f"  {socket} --db DB init    (DB: a file, or postgresql+psycopg://.../socket_bench_N)")
    print(f"  {socket} --db DB import clients.csv services.csv proposals.csv")
    print(f"  {socket} --db DB plan diff --json --month {MONTH}")
    print(f"  {python} -c pass    against    {socket} --help")


# -- entry point ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument(
        "--venv", type=Path, default=REPO / ".venv", help="the venv with socket installed"
    )
    parser.add_argument("--workdir", type=Path, help="where to build practices (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated practices")
    parser.add_argument(
        "--breakdown-sizes",
        type=int,
        nargs="*",
        help="sizes to break down in-process (default: all)",
    )
    parser.add_argument("--no-breakdown", action="store_true")
    parser.add_argument(
        "--no-bytecode",
        dest="bytecode",
        action="store_false",
        help="leave PYTHONDONTWRITEBYTECODE as the environment has it (default: children "
        "cache bytecode under the work folder, as an installed package does)",
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=["sqlite", "postgresql"],
        default=["sqlite"],
        help="the stores to import each practice into and time side by side (default sqlite)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SOCKET_TEST_POSTGRES_URL"),
        help="a PostgreSQL server (postgresql+psycopg://...) where the bench may create "
        "databases socket_bench_N (default: SOCKET_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--breakdown", type=Path, metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--month", default=MONTH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.breakdown is not None:
        print(json.dumps(breakdown(args.breakdown, args.month)))
        return 0
    if args.no_breakdown:
        args.breakdown_sizes = []

    python = args.venv / "bin" / "python"
    socket = args.venv / "bin" / "socket"
    for path in (python, socket):
        if not path.exists():
            parser.error(f"{path} does not exist: pass --venv")
    work = Path(tempfile.mkdtemp(prefix="socket-bench-", dir=args.workdir))
    print(f"working in {work} (load average {load_average()})", flush=True)
    try:
        env = environment(work, bytecode=args.bytecode)
        warm_up(socket, python, env, work)
        server = None
        if "postgresql" in args.engines:
            if not args.pg_url:
                parser.error("--engines postgresql needs --pg-url or SOCKET_TEST_POSTGRES_URL")
            server = PostgresServer(args.pg_url)
        results = []
        for clients in sorted(args.clients):
            practice = generate_practice(clients, args, work)
            for engine in args.engines:
                results.append(
                    measure_size(clients, engine, practice, args, socket, python, work, server)
                )
            if not args.keep:
                shutil.rmtree(practice[0])
        bare, help_ = measure_help(socket, python, env)
        report(results, bare, help_, args, socket, python)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

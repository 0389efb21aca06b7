"""README's first command installs socket as a tool: scripts/install (which scripts/try runs)
into a home of its own, as a new user's, with another `socket` first on PATH as on Debian."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(lock: Path) -> dict[str, str]:
    """name: version of each `name==version` line of a lock file."""
    found = {}
    for line in lock.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line):
            found[normal(match.group(1))] = match.group(2)
    return found


def install(home: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": path,
        **{k: v for k, v in os.environ.items() if k.startswith(("PIP_", "SSL_", "REQUESTS_"))},
    }
    return subprocess.run(
        [str(ROOT / "scripts" / "install")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_install_puts_socket_on_path_in_its_own_pinned_environment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    debian = tmp_path / "usr-bin"  # another program named socket, first on PATH
    debian.mkdir()
    (debian / "socket").write_text("#!/bin/sh\necho 'the other socket'\n")
    (debian / "socket").chmod(0o755)

    done = install(home, f"{debian}:{os.environ['PATH']}")

    assert done.returncode == 0, done.stderr
    command = home / ".local" / "bin" / "socket"
    environment = home / ".local" / "share" / "socketcli-tool" / "current"
    assert f"the command is {command}" in done.stdout
    assert str(environment) in done.stdout
    assert f"another program named socket comes first on your PATH: {debian}/socket" in (
        done.stderr
    )
    assert f"Put {command.parent} before {debian} in PATH" in done.stderr
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("socket ")
    # Its own environment, with exactly the pinned versions.
    assert command.resolve().is_relative_to(environment.resolve())
    frozen = subprocess.run(
        [str(environment / "bin" / "python"), "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = pins_of_lines(frozen.stdout)
    wanted = pins(ROOT / "requirements.lock")
    assert {"typer", "rich", "sqlalchemy", "sqlmodel", "xero-python"} <= set(installed)
    for name, version_installed in installed.items():
        if name != "socketcli":
            assert wanted.get(name) == version_installed, f"{name} is not the pinned version"
    # A copy of the package, not the clone's source (--exclude-editable would leave that out).
    assert any(line.startswith("socketcli") for line in frozen.stdout.splitlines())


def pins_of_lines(text: str) -> dict[str, str]:
    return {
        normal(name): version
        for line in text.splitlines()
        if "==" in line
        for name, version in [line.split("==", 1)]
    }


def test_install_never_replaces_another_program_in_the_bin_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mine = home / ".local" / "bin" / "socket"
    mine.parent.mkdir(parents=True)
    mine.write_text("#!/bin/sh\necho mine\n")

    done = install(home, os.environ["PATH"])

    assert done.returncode == 1
    assert f"error: {mine} exists and is not socket's" in done.stderr
    assert mine.read_text() == "#!/bin/sh\necho mine\n"
    assert not (home / ".local" / "share" / "socketcli-tool").exists()


def normal(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()

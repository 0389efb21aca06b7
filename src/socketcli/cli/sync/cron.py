"""`socket sync --cron-line`: the crontab entry that runs this socket's sync every night."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from socketcli.cli.context import State

#: The environment a cron line carries over when it is set here.
CRON_VARIABLES = (
    "SOCKET_DATA_DIR",
    "SOCKET_STATE_DIR",
    "SOCKET_DATABASE_URL",
    "SOCKET_XERO_API_URL",
    "SOCKET_XERO_IDENTITY_URL",
    "SOCKET_XERO_TOKEN_STORE",
    "PYTHON_KEYRING_BACKEND",
)
_AT = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def _socket_command() -> list[str]:
    """This socket, by absolute path: the script beside the running Python, else on PATH,
    else the interpreter with -m."""
    import shutil

    beside = Path(sys.executable).parent / "socket"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("socket")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "socketcli"]


def cron_entry(st: State, at: str) -> str:
    import shlex

    from socketcli.domain.errors import InvalidInput

    found = _AT.match(at.strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise InvalidInput(f"--at {at!r} is not a time of day: expected HH:MM, e.g. 02:17")
    hour, minute = int(found.group(1)), int(found.group(2))
    command = _socket_command()
    path = [str(Path(command[0]).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    assignments = {"PATH": ":".join(dict.fromkeys(path)), "HOME": str(Path.home())}
    for name in CRON_VARIABLES:
        value = os.environ.get(name)
        if value and not (name == "SOCKET_DATABASE_URL" and st.db is not None):
            assignments[name] = value
    words = [f"{name}={shlex.quote(value)}" for name, value in assignments.items()]
    words += [shlex.quote(word) for word in command]
    if st.db is not None:
        from socketcli.bootstrap import store_location

        location = store_location(st.db)
        where = str(location.path) if location.path is not None else location.url
        words += ["--db", shlex.quote(where)]
    if st.playground:
        words.append("--playground")
    words += ["sync", "--quiet"]
    # cron reads % as a newline: escape it.
    return f"{minute} {hour} * * * " + " ".join(words).replace("%", "\\%")

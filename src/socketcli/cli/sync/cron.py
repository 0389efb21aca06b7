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


def without_password(url: str) -> tuple[str, bool]:
    """A store URL without its password (a cron line is printed, mailed and kept in the
    crontab: secrets never go there), and whether it had one."""
    from sqlalchemy.engine import URL, make_url

    parsed = make_url(url)
    if parsed.password is None:
        return url, False
    bare = URL.create(  # URL.set(password=None) would keep it: set() skips None
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False), True


def cron_entry(st: State, at: str) -> tuple[str, bool]:
    """The crontab line, and whether a password was left out of the store's URL (the cron
    user's ~/.pgpass must hold it)."""
    import shlex

    from socketcli.domain.errors import InvalidInput

    found = _AT.match(at.strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise InvalidInput(f"--at {at!r} is not a time of day: expected HH:MM, e.g. 02:17")
    hour, minute = int(found.group(1)), int(found.group(2))
    command = _socket_command()
    path = [str(Path(command[0]).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    assignments = {"PATH": ":".join(dict.fromkeys(path)), "HOME": str(Path.home())}
    password_left_out = False
    for name in CRON_VARIABLES:
        value = os.environ.get(name)
        if value and not (name == "SOCKET_DATABASE_URL" and st.db is not None):
            if name == "SOCKET_DATABASE_URL":
                value, had = without_password(value)
                password_left_out = password_left_out or had
            assignments[name] = value
    words = [f"{name}={shlex.quote(value)}" for name, value in assignments.items()]
    words += [shlex.quote(word) for word in command]
    if st.db is not None:
        from socketcli.bootstrap import store_location

        location = store_location(st.db)
        where = str(location.path) if location.path is not None else location.url
        if location.path is None:
            where, had = without_password(where)
            password_left_out = password_left_out or had
        words += ["--db", shlex.quote(where)]
    if st.playground:
        words.append("--playground")
    words += ["sync", "--quiet"]
    # cron reads % as a newline: escape it.
    return f"{minute} {hour} * * * " + " ".join(words).replace("%", "\\%"), password_left_out

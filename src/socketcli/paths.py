"""Where socket keeps its files: stores in the data directory, tokens, locks and logs in the
state directory. Environment variables override the platform's directories."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "socketcli"


def data_dir() -> Path:
    """Where stores live: $SOCKET_DATA_DIR, else the platform's user data directory."""
    override = os.environ.get("SOCKET_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """Tokens, locks, logs and the sandbox's state: $SOCKET_STATE_DIR, else the platform's
    user state directory."""
    override = os.environ.get("SOCKET_STATE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)


def state_directory_unusable(directory: Path, failure: OSError) -> Exception:
    """The error of a state directory socket cannot make or write in (SOCKET_STATE_DIR set
    to a file, say): one line naming it and the reason (exit 1)."""
    from socketcli.domain.errors import SocketError

    return SocketError(
        f"cannot use the state directory {directory}: {failure.strerror or failure}: set "
        "SOCKET_STATE_DIR to a directory socket can write in"
    )

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

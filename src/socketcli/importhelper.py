"""A big import's second process (ports/process.py): a fresh interpreter running socket's
own code on the machine's second core, for the later part of a big proposals sheet, which it
checks and writes into a scratch file (services/importer.py says what it does).

Not a fork: forking a 2 GB import was measured to cost more in copied pages than it saved.
The interpreter is started with this process's `sys.path` (`python -I -S`: nothing from the
environment), ignores Ctrl-C (this process ends it), and talks through its stdin and stdout
in pickled messages (socket's own values, between two processes of the same user). Its
scratch file is named as `adapters/store/aside.py` names its own, so that one left by a
killed import goes with the next big import.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from typing import IO, Any

from socketcli.adapters.store.aside import PREFIX, cores, sweep
from socketcli.adapters.store.location import StoreLocation
from socketcli.ports.process import SecondProcess, StartSecond

#: How the second process begins: Ctrl-C is for this process (which ends it), then its
#: sys.path, then `serve`.
_BOOT = (
    "import pickle, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from socketcli.importhelper import serve; serve()"
)
_END: Any = object()  # queued last: the feeding thread closes the pipe


def second_process(location: StoreLocation) -> StartSecond | None:
    """How a big import starts its second process on this store: on SQLite (the process
    writes a scratch SQLite file the import copies in), with two cores or more to run on and
    an interpreter that can be started again (not a frozen build); else None."""
    if not location.is_sqlite or getattr(sys, "frozen", False) or not sys.executable:
        return None
    return start if cores() >= 2 else None


def start(first: object) -> Helper | None:
    """The second process, started and sent `first` (after its scratch file's path); None
    when it cannot be started (no interpreter, no room for the file)."""
    try:
        sweep()
        handle, scratch = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".db")
        os.close(handle)
    except OSError:
        return None
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        return None
    helper = Helper(process, scratch)
    helper.send(list(sys.path))
    helper.send((scratch, first))
    return helper


class Helper(SecondProcess):
    """This process's end of the second process."""

    def __init__(self, process: subprocess.Popen[bytes], scratch: str) -> None:
        self.scratch = scratch
        self._process: subprocess.Popen[bytes] | None = process
        self._messages: queue.Queue[Any] = queue.Queue()
        assert process.stdin is not None
        assert process.stdout is not None
        self._answers: IO[bytes] = process.stdout
        self._feeder: threading.Thread | None = threading.Thread(
            target=self._feed, args=(process.stdin,), name="socket-helper", daemon=True
        )
        self._feeder.start()

    def _feed(self, pipe: IO[bytes]) -> None:
        """The thread that writes queued messages into the pipe (the process may take them
        only when it is ready: this process goes on meanwhile)."""
        with contextlib.suppress(OSError, ValueError):  # the process ended: receive says so
            while (message := self._messages.get()) is not _END:
                pipe.write(message)
                pipe.flush()
        with contextlib.suppress(OSError, ValueError):
            pipe.close()

    def send(self, message: object) -> None:
        self._messages.put(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def receive(self) -> object | None:
        if self._process is None:
            return None
        try:
            answer: object = pickle.load(self._answers)
            return answer
        except Exception:  # ended, killed, or half a message: it failed
            return None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(OSError):
                process.wait()
            with contextlib.suppress(OSError):
                self._answers.close()
        if self._feeder is not None:
            self._messages.put(_END)  # the pipe is broken now: the thread ends at once
            self._feeder.join()
            self._feeder = None
        with contextlib.suppress(OSError):
            os.unlink(self.scratch)


def serve() -> None:
    """The second process: its scratch file and job, then `run_second_part`. It ends by
    `os._exit`, without freeing its millions of objects one by one; on any failure, or when
    this process's parent is gone, it removes its scratch file first."""
    import gc

    gc.disable()  # (as `socket` itself runs: the import's objects live to its end)
    scratch = ""
    code = 0
    try:
        from functools import partial

        from socketcli.adapters.store.proposals import write_aside
        from socketcli.services.importer import run_second_part

        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer

        def receive() -> object | None:
            try:
                message: object = pickle.load(stdin)
                return message
            except EOFError:  # the import stopped it, or is gone
                return None

        def send(message: object) -> None:
            pickle.dump(message, stdout, pickle.HIGHEST_PROTOCOL)
            stdout.flush()

        first = receive()
        if isinstance(first, tuple) and len(first) == 2:
            scratch, job = first
            run_second_part(job, receive, send, partial(write_aside, scratch))
    except BaseException:  # the import sees it end without an answer
        code = 1
        with contextlib.suppress(OSError):
            if scratch:
                os.unlink(scratch)
    os._exit(code)

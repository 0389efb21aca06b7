"""The sandbox's state on disk: a JSON file a person can read, and a journal of what changed.

    stored = StateFile(path)          # path: sandbox.json; its journal: sandbox.json.journal
    stored.compact(state)             # the whole state to the file, an empty journal
    stored.save(state)                # what changed since the last save, appended to the journal
    state = read_state(path)          # the file with its journal applied

Rewriting the whole file after every request cost seconds once it held thousands of
invoices (23.7 MB at 5,000), so a change is appended instead: one line of the journal per
save, holding the records that changed (an invoice, a contact, an Idempotency-Key's answer:
each written whole, or named as gone) and, when anything else changed, the rest of the
state (users, apps, tokens, connections, the organisations' settings and counters: small).
Each line is flushed and fsynced before the save returns, so before the sandbox answers: what
a client was told is on disk. The file is rewritten whole (atomically, a temporary file then
`os.replace`, fsynced) when the sandbox starts, stops, resets, or when the journal has
outgrown it (64 MB at least), or at a quiet moment once it holds 2 MB, and the journal then
starts again empty.

Crash safety. The file and the journal share a `generation` (new at each rewrite): the
journal's first line names it, and a journal of another generation (left by a crash between
writing the file and starting the new journal, or by a state file deleted with `--reset`) is
ignored. A last line cut short by a crash (its request never got an answer) is ignored. What
changed is what was set or removed in the organisations' `Records` since the last save (the
sandbox replaces a record when it changes it, never mutates one in place), so a save costs
what changed, not what is held.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from socketcli.sandbox.jsonfmt import dumps, loads
from socketcli.sandbox.state import (
    RECORDS,
    IdempotentResult,
    Records,
    SandboxState,
    build_record,
    plain_record,
)

#: What the journal's first line says it is.
JOURNAL_KIND = "socketcli-sandbox-xero-journal"
#: The journal is folded into the file once it is larger than the file and than this, even
#: in the middle of a run of requests (that request then waits for the rewrite)...
COMPACT_AT = 64_000_000
#: ...and, larger than this, once the sandbox has a quiet moment (`SandboxApp.tidy`).
TIDY_AT = 2_000_000


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


class StateFile:
    """The state file at `path` and its journal, written by one sandbox."""

    def __init__(self, path: Path, *, compact_at: int = COMPACT_AT, tidy_at: int = TIDY_AT) -> None:
        self.path = path
        self.journal = journal_path(path)
        self.compact_at = compact_at
        self.tidy_at = tidy_at
        self.generation = ""
        self._stream: IO[bytes] | None = None
        self._file_bytes = 0
        self._journal_bytes = 0
        #: What was last saved: each organisation's record collections (the objects, whose
        #: touched keys are what changed since) and the rest of the state as JSON text.
        self._saved: dict[tuple[str, str], Records] = {}
        self._saved_rest = ""

    # -- writing ---------------------------------------------------------------------------

    def compact(self, state: SandboxState) -> None:
        """Write the whole state to the file and start an empty journal."""
        self.close()
        generation = uuid.uuid4().hex
        data = state.to_json()
        data["generation"] = generation
        # Laid out down to the records; each contact, invoice or token on a line of its own.
        text = (dumps(data, indent=1, expand=3) + "\n").encode("utf-8")
        _write_atomically(self.path, text)
        header = (dumps({"kind": JOURNAL_KIND, "generation": generation}) + "\n").encode()
        _write_atomically(self.journal, header)
        self._stream = open(self.journal, "ab")  # noqa: SIM115 (kept open between saves)
        self.generation = generation
        self._file_bytes = len(text)
        self._journal_bytes = len(header)
        self._remember(state)

    def save(self, state: SandboxState) -> None:
        """Append what changed since the last save (nothing when nothing did); fold the
        journal into the file when it has grown too large."""
        if self._stream is None:
            self.compact(state)
            return
        entry: dict[str, Any] = {}
        rest = dumps(_rest(state))
        if rest != self._saved_rest:
            entry["rest"] = loads(rest)
        organisations: dict[str, Any] = {}
        for tenant_id, organisation in state.organisations.items():
            changes: dict[str, Any] = {}
            for name in RECORDS:
                records: Records = getattr(organisation, name)
                if self._saved.get((tenant_id, name)) is records:
                    touched, removed = records.take_touched()
                    changed = {k: records[k] for k in touched if k in records}
                    # Removed, or removed and set again (which moved it to the end).
                    gone = [k for k in touched if k not in records or k in removed]
                else:  # a collection not seen before: all of it (a new organisation)
                    records.take_touched()
                    changed, gone = dict(records), []
                    changes[name + "_all"] = True
                if changed:
                    changes[name] = {k: _record_json(v) for k, v in changed.items()}
                if gone:
                    changes[name + "_gone"] = gone
            if changes:
                organisations[tenant_id] = changes
        if organisations:
            entry["organisations"] = organisations
        if not entry:
            return
        line = (dumps(entry) + "\n").encode("utf-8")
        try:
            self._stream.write(line)
            self._stream.flush()
            os.fsync(self._stream.fileno())
        except BaseException:
            self.close()  # the journal may end in a part line: start afresh at the next save
            raise
        self._journal_bytes += len(line)
        self._saved_rest = rest
        self._saved = {
            (tenant_id, name): getattr(organisation, name)
            for tenant_id, organisation in state.organisations.items()
            for name in RECORDS
        }
        if self._journal_bytes > max(self.compact_at, self._file_bytes):
            self.compact(state)

    def worth_compacting(self) -> bool:
        """The journal has grown enough to fold it in at the next quiet moment."""
        return self._stream is not None and self._journal_bytes > self.tidy_at

    def close(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None

    def _remember(self, state: SandboxState, *, rest: str | None = None) -> None:
        self._saved = {}
        for tenant_id, organisation in state.organisations.items():
            for name in RECORDS:
                records: Records = getattr(organisation, name)
                records.take_touched()
                self._saved[(tenant_id, name)] = records
        self._saved_rest = rest if rest is not None else dumps(_rest(state))


# -- reading ---------------------------------------------------------------------------------


def read_state(path: Path) -> SandboxState:
    """The state kept in `path`, with its journal applied (a ValueError names a file that is
    not a sandbox's)."""
    try:
        data = loads(path.read_bytes())
    except ValueError as failure:
        raise ValueError(f"{path} is not a sandbox Xero state file: {failure}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a sandbox Xero state file")
    state = SandboxState.from_json(data)
    generation = data.get("generation")
    if generation:
        for entry in _journal_entries(journal_path(path), str(generation)):
            _apply(state, entry)
    return state


def _journal_entries(path: Path, generation: str) -> list[dict[str, Any]]:
    """The journal's entries when it is the file's generation; a last line cut short (or
    anything after a line that cannot be read) is left out."""
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return []
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except ValueError:
            break
        if not isinstance(value, dict):
            break
        if number == 0:
            if value.get("kind") != JOURNAL_KIND or value.get("generation") != generation:
                return []
            continue
        entries.append(value)
    return entries


def _apply(state: SandboxState, entry: Mapping[str, Any]) -> None:
    rest = entry.get("rest")
    if isinstance(rest, dict):
        fresh = SandboxState.from_json(rest)
        for tenant_id, organisation in fresh.organisations.items():
            kept = state.organisations.get(tenant_id)
            if kept is not None:
                for name in RECORDS:
                    setattr(organisation, name, getattr(kept, name))
        state.__dict__.update(fresh.__dict__)
    for tenant_id, changes in (entry.get("organisations") or {}).items():
        changed = state.organisations.get(tenant_id)
        if changed is None:
            continue
        for name in RECORDS:
            records: dict[str, Any] = getattr(changed, name)
            if changes.get(name + "_all"):
                records.clear()
            for key in changes.get(name + "_gone") or []:
                records.pop(key, None)
            for key, value in (changes.get(name) or {}).items():
                records[key] = _record_from(name, value)


# -- the pieces --------------------------------------------------------------------------------


def _rest(state: SandboxState) -> dict[str, Any]:
    """The state without the organisations' records kept one by one."""
    return state.to_json(records=False)


def _record_json(record: Any) -> Any:
    return plain_record(record) if isinstance(record, IdempotentResult) else record


def _record_from(name: str, value: Any) -> Any:
    return build_record(IdempotentResult, value) if name == "idempotency" else value


def _write_atomically(path: Path, data: bytes) -> None:
    """`data` to `path`: readers see the old file or the new, never half; on disk once it
    returns (the file and its directory entry fsynced); only its owner may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

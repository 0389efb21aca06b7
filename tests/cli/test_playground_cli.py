"""`socket playground` and `--playground`: the demo practice, in a store of its own."""

from __future__ import annotations

import pytest


@pytest.mark.sqlite_only("the playground's embedded store, beside the practice's file")
def test_the_playground_is_its_own_store_and_says_so(socket, practice, monkeypatch):
    made = socket.ok("playground")

    assert (practice / "playground.db").is_file()
    assert "Created the playground at" in made.stderr
    assert "socket --playground plan diff" in made.stderr

    plan = socket("--playground", "plan", "show", "--json")
    assert plan.exit_code == 0
    assert "PLAYGROUND demo practice: nothing here reaches a real Xero." in plan.stderr
    assert '"playground": true' in plan.stdout
    monkeypatch.setenv("SOCKET_PLAYGROUND", "1")
    assert len(socket.json("clients", "list")) > 2
    monkeypatch.delenv("SOCKET_PLAYGROUND")
    # The practice's own store is untouched, and not in playground mode.
    assert [c["reference"] for c in socket.json("clients", "list")] == ["ACME", "BETA"]
    assert socket.json("plan", "show")["playground"] is False

    again = socket.ok("playground")
    assert "already exists" in again.stderr
    assert "--reset" in again.stderr


def test_a_playground_made_with_db_says_to_use_that_store(socket, default_store, tmp_path):
    """Proves: `socket --db DB playground` (on PostgreSQL, `--db URL`) says to go on with
    that --db: `--playground` would open the playground's own file, not this store."""
    run = socket if default_store.url else socket.using(db=tmp_path / "demo.db")
    made = run.ok("playground")

    assert "Try: socket plan diff with the same --db" in made.stderr
    assert "--playground" not in made.stderr
    assert "PLAYGROUND" in run.ok("plan", "diff").stderr

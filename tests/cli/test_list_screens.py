"""`clients list`, `proposals list` and `contacts list` for people: the plan's screens (one
line a row, each row as a block where the columns cannot fit, the pager for a list longer
than the terminal), so that a practice of 20,000 clients is listed in a moment, not after
10 seconds of Rich measuring every cell."""

from __future__ import annotations

import pytest

from tests.cli.test_plan_screens import no_less, recording_pager, run_in_terminal, widest

__all__ = ["no_less"]  # the fixture, used by name below

LISTS = [("clients", "list"), ("proposals", "list"), ("contacts", "list")]


@pytest.mark.parametrize("command", LISTS, ids=" ".join)
def test_a_list_longer_than_the_terminal_goes_through_the_pager(
    playground, tmp_path, no_less, command
):
    paged = tmp_path / "paged.txt"

    screen = run_in_terminal(*command, rows=20, env={"PAGER": recording_pager(paged)})

    lines = paged.read_text().splitlines()
    assert lines[0] == "LESS=FRX"
    assert lines[1] in ("40 clients", "44 proposals")
    assert "CLI001" in paged.read_text()
    assert "CLI001" not in screen  # the terminal got only what goes to stderr


def test_no_pager_lists_straight_to_the_terminal(playground, tmp_path, no_less):
    paged = tmp_path / "paged.txt"

    screen = run_in_terminal(
        "--no-pager", "clients", "list", rows=20, env={"PAGER": recording_pager(paged)}
    )

    assert not paged.exists()
    assert "CITY LIMO" in screen


def test_a_wide_terminal_lists_one_line_per_client(socket, playground):
    clients = socket.json("clients", "list")
    shown = socket.using(env={"COLUMNS": "160"}).ok("clients", "list").stdout

    assert shown.splitlines()[0] == f"{len(clients)} clients"
    for client in clients:
        (line,) = [row for row in shown.splitlines() if row.startswith(f" {client['reference']} ")]
        assert client["name"] in line
        assert (client["email"] or "") in line
    assert widest(shown) <= 160


def test_a_narrow_terminal_lists_each_client_as_a_block(socket, playground):
    city = next(c for c in socket.json("clients", "list") if c["reference"] == "CLI001")
    shown = socket.using(env={"COLUMNS": "40"}).ok("clients", "list").stdout
    lines = shown.splitlines()

    assert widest(shown) <= 40
    at = lines.index("CLI001  CITY LIMO")
    assert lines[at + 1 : at + 4] == [
        f"  Email: {city['email']}",
        f"  Year end: {city['year_end']}",
        "  Xero contact: ⚠ not linked",
    ]


def test_one_client_is_one_client(socket, data_dir):
    socket.ok("init")
    socket.ok("clients", "add", "ACME", "Acme Ltd")

    assert socket.ok("clients", "list").stdout.splitlines()[0] == "1 client"
    assert socket.ok("contacts", "list").stdout.splitlines()[0] == "1 client"
    assert socket.ok("proposals", "list").stdout.splitlines()[0] == "0 proposals"

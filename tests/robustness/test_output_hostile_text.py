"""Hostile text through every screen: Rich markup, terminal escape sequences, spreadsheet
formulas, very long names, right-to-left overrides and emoji, typed by a user or arriving
from Xero, are printed as the text they are: never a crash, never a raw control character
on the terminal, never markup interpreted (docs/commands.md, "Conventions").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from socketcli.cli.output import escape, visible
from tests.conftest import StoreMadeBy
from tests.runner import Socket

MARKUP = "[/]Bad [bold]Name"
ESCAPES = "Red \x1b[31mAlert\x1b[0m Ltd"
FORMULA = '=HYPERLINK("http://evil.test","click")'
RTL = "Safe \u202egpj.exe Ltd"
EMOJI = "Café 🍰 :tada: Ltd"
LONG = "L" + "o" * 248 + "ng Ltd"  # 255 characters: Xero's limit for a contact's name

#: (reference, name) of each hostile client; references are one word.
CLIENTS = (
    ("MARK[/]", MARKUP),
    ("ESC\x1b[2J", ESCAPES),
    ("=SUM(A1)", FORMULA),
    ("RTL\u202e", RTL),
    ("CAKE🍰", EMOJI),
    ("LONG", LONG),
)
SERVICE = "[bold]Book \x1b[5mkeeping"
DESCRIPTION = "=cmd|' /C calc'!A0 [/] \x1b]8;;http://evil.test\x07link"
THEME = "[/]Theme \x1b[5m"


def _practice() -> list[tuple[str, ...]]:
    commands: list[tuple[str, ...]] = [
        ("init",),
        ("services", "add", SERVICE, "--method", "monthly"),
        ("settings", "set", "branding_theme", THEME),
    ]
    for number, (reference, name) in enumerate(CLIENTS):
        commands.append(("clients", "add", reference, name, "--email", f"c{number}@x.test"))
        commands.append(
            (
                "proposals",
                "add",
                f"[/]P{number}\x1b[1m",
                "--client",
                reference,
                "--line",
                f"{SERVICE}={100 + number}|{DESCRIPTION}",
                "--start",
                "2026-10-01",
                "--accept",
            )
        )
    return commands


@pytest.fixture
def hostile(store_made_by: StoreMadeBy) -> Path:
    """This test's own copy of the hostile practice, as its default store, on this test's
    engine."""
    return store_made_by("hostile", _practice())


def assert_printed_as_text(output: str) -> None:
    """Nothing of the hostile text reached the terminal as a control character."""
    assert "\x1b" not in output, "a raw ESC reached the terminal"
    assert "\x07" not in output
    assert "\u202e" not in output, "a raw right-to-left override reached the terminal"


SCREENS = [
    ("clients", "list"),
    ("clients", "show", "MARK[/]"),
    ("clients", "show", "ESC\x1b[2J"),
    ("clients", "show", "LONG"),
    ("proposals", "list"),
    ("proposals", "show", "[/]P0\x1b[1m"),
    ("services", "list"),
    ("settings", "show"),
    ("plan", "show"),
    ("plan", "diff"),
    ("plan", "preview", "MARK[/]"),
    ("plan", "preview", "ESC\x1b[2J"),
    ("plan", "preview", "RTL\u202e"),
    ("contacts", "list"),
    ("contacts", "list", "--unmatched"),
]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda args: " ".join(args).encode().hex()[:24])
def test_every_screen_prints_hostile_text_as_text(
    socket: Socket, hostile: Path, screen: tuple[str, ...]
) -> None:
    result = socket.ok(*screen)

    assert_printed_as_text(result.output)
    assert "Traceback" not in result.output


def test_a_client_shows_its_markup_and_escapes_as_typed(socket: Socket, hostile: Path) -> None:
    shown = socket.ok("clients", "show", "MARK[/]").stdout
    assert MARKUP in shown  # the brackets themselves, not bold text
    assert "[/]P0\\x1b[1m" in shown  # the proposal's reference, its ESC made visible

    escaped = socket.ok("clients", "show", "ESC\x1b[2J").stdout
    assert "Red \\x1b[31mAlert\\x1b[0m Ltd" in escaped
    assert "ESC\\x1b[2J" in escaped


def test_every_hostile_name_is_in_the_plan_as_typed_but_visible(
    socket: Socket, hostile: Path
) -> None:
    shown = socket.ok("plan", "show").stdout
    for text in (MARKUP, FORMULA, EMOJI, "Safe \\u202egpj.exe Ltd", "Red \\x1b[31mAlert"):
        assert text in shown, text
    assert ":tada:" in shown  # an emoji code stays text
    # The long name is all there, wrapped within its column.
    assert "".join(shown.split()).count("o" * 100) >= 1
    # --json carries the stored text as it is.
    names = {row["client"] for row in socket.json("plan", "show")["clients"]}
    assert names == {name for _, name in CLIENTS}


def test_the_proposal_and_its_lines_show_markup_as_text(socket: Socket, hostile: Path) -> None:
    shown = socket.ok("proposals", "show", "[/]P1\x1b[1m").stdout
    assert "Proposal [/]P1\\x1b[1m for ESC\\x1b[2J" in shown
    assert "[bold]Book \\x1b[5mkeeping" in shown
    preview = socket.ok("plan", "preview", "ESC\x1b[2J")
    assert "=cmd|' /C calc'!A0 [/] \\x1b]8;;http://evil.test\\x07link" in "".join(
        preview.stdout.split("\n")
    ).replace("  ", "")
    assert "Branding theme [/]Theme \\x1b[5m" in preview.stderr


def test_the_setting_is_shown_as_typed(socket: Socket, hostile: Path) -> None:
    shown = socket.ok("settings", "show").stdout
    assert "[/]Theme \\x1b[5m" in shown


def test_messages_that_repeat_a_name_make_its_escapes_visible(
    socket: Socket, hostile: Path
) -> None:
    said = socket.ok("clients", "edit", "ESC\x1b[2J", "--name", "New \x1b[31mName")
    assert said.stderr.strip() == "Updated client ESC\\x1b[2J: New \\x1b[31mName"


def test_an_error_that_names_hostile_text_prints_it_as_text(socket: Socket, hostile: Path) -> None:
    line = socket.fails("clients", "show", "NO[/]PE\x1b[2J", code=3)
    assert "NO[/]PE" in line
    assert_printed_as_text(line)


def test_visible_shows_control_characters_by_their_code() -> None:
    assert visible("a\x1b[2Jb\x07\x00\x7f\x9b") == "a\\x1b[2Jb\\x07\\x00\\x7f\\x9b"
    assert visible("tab\there\nline") == "tab\\x09here\\x0aline"
    assert visible("one\ntwo\x1b", lines=True) == "one\ntwo\\x1b"
    assert visible("\u202eevil \u2066x\u2069 \u200f") == "\\u202eevil \\u2066x\\u2069 \\u200f"
    # Text a practice really writes is left alone.
    for text in ("Café 🍰 Ltd", "Müller & Söhne GmbH", "שלום בע״מ", "شركة", "O'Brien – Co."):
        assert visible(text) == text


def test_escape_makes_markup_text() -> None:
    from rich.console import Console

    console = Console(file=None, width=200, no_color=True, emoji=False, highlight=False)
    text = MARKUP + " " + ESCAPES + " :tada: trailing\\"
    with console.capture() as captured:
        console.print(f"[bold]{escape(text)}[/]")
    assert captured.get().rstrip("\n") == (
        "[/]Bad [bold]Name Red \\x1b[31mAlert\\x1b[0m Ltd :tada: trailing\\"
    )

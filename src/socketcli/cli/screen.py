"""Screens for people: tables that stream, a stacked layout for narrow terminals, the pager,
and progress on stderr.

Rich lays a table out by measuring every cell of every row as a renderable: 13 s for the
20,000 rows of `plan show`. These tables are text in columns, so they are made here line by
line: widths from the longest cell, padding, a few colours. 20,000 rows take a tenth of a
second, and the first screen reaches the pager before the last line is made.

Every cell is text, never markup: user and Xero text is shown as it is, with control
characters and bidirectional marks made visible (`output.visible`).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any

from socketcli.cli.output import visible

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["visible"]  # user and Xero text as it can be shown (one rule: cli/output.py's)

#: What the SGR codes of the few styles the screens use are.
_SGR = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}
#: Wide enough for any table when output goes to a file or a pipe (as `output.console`).
FILE_WIDTH = 200
#: A table's columns are 2 spaces apart, after 1 space of margin.
GAP = 2
#: A column that may shrink keeps at least this many characters (more if its header is longer).
MIN_FLEXIBLE = 10


def width_of(text: str) -> int:
    """Cells the text takes on a terminal (wide characters and emoji take two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, right: bool) -> str:
    space = width - width_of(text)
    if space <= 0:
        return text
    return " " * space + text if right else text + " " * space


def _fold(text: str, width: int) -> list[str]:
    """Text in pieces of at most `width` cells, broken at spaces where it can be."""
    if width_of(text) <= width:
        return [text]
    import textwrap

    if text.isascii():
        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    from rich.cells import chop_cells

    pieces: list[str] = []
    for word in textwrap.wrap(text, width, break_on_hyphens=False):
        pieces.extend(chop_cells(word, width) if width_of(word) > width else [word])
    return pieces or [""]


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell with colour: `text` is what it shows (and is measured), `painted` the same with
    the terminal's colour codes."""

    text: str
    painted: str


Cell = str | Styled


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    right: bool = False  # numbers: aligned right
    flexible: bool = False  # text that may be folded onto more lines when the screen is narrow


@dataclass(slots=True)
class Table:
    """Columns, rows of cells in sections (a rule between sections), and a title."""

    columns: Sequence[Column]
    title: str = ""
    sections: list[Sequence[Sequence[Cell]]] = field(default_factory=list)

    def section(self, rows: Sequence[Sequence[Cell]]) -> Table:
        if rows:
            self.sections.append(rows)
        return self

    def widths(self, room: int) -> list[int] | None:
        """Each column's width within `room` cells, or None when the columns cannot fit."""
        natural = []
        for index, column in enumerate(self.columns):
            widest = width_of(column.header)
            for rows in self.sections:
                texts = [row[index] for row in rows]
                plain = [t if type(t) is str else t.text for t in texts]  # type: ignore[union-attr]
                if all(text.isascii() for text in plain):
                    widest = max(widest, max(map(len, plain), default=0))
                else:
                    widest = max(widest, max(map(width_of, plain), default=0))
            natural.append(widest)
        excess = 1 + sum(natural) + GAP * (len(natural) - 1) - room
        if excess <= 0:
            return natural
        flexible = [i for i, column in enumerate(self.columns) if column.flexible]
        floors = {i: max(MIN_FLEXIBLE, width_of(self.columns[i].header)) for i in flexible}
        slack = sum(max(0, natural[i] - floors[i]) for i in flexible)
        if slack < excess:
            return None
        widths = list(natural)
        while excess > 0:  # take from the widest flexible column, one cell at a time
            widest = max((i for i in flexible if widths[i] > floors[i]), key=lambda i: widths[i])
            second = max(
                (widths[i] for i in flexible if i != widest and widths[i] > floors[i]),
                default=floors[widest],
            )
            cut = min(excess, max(1, widths[widest] - max(second, floors[widest])))
            widths[widest] -= cut
            excess -= cut
        return widths

    def lines(self, widths: Sequence[int], screen: Screen) -> Iterator[str]:
        """The table, line by line, in `widths`."""
        rights = [column.right for column in self.columns]
        total = 1 + sum(widths) + GAP * (len(widths) - 1)
        rule = " " + screen.paint("─" * (total - 1), "dim")
        if self.title:
            yield screen.paint(self.title, "italic")
        yield " " + screen.paint(
            "  ".join(
                _pad(column.header, width, column.right)
                for column, width in zip(self.columns, widths, strict=True)
            ).rstrip(),
            "bold",
        )
        yield rule
        colour = screen.colour
        for number, rows in enumerate(self.sections):
            if number:
                yield rule
            for row in rows:
                cells = []
                folded: list[tuple[int, list[str]]] = []
                for index, (cell, width, right) in enumerate(zip(row, widths, rights, strict=True)):
                    if type(cell) is str:
                        text = shown = cell
                    else:
                        text = cell.text  # type: ignore[union-attr]
                        shown = cell.painted if colour else text  # type: ignore[union-attr]
                    size = len(text) if text.isascii() else width_of(text)
                    if size > width:
                        pieces = _fold(text, width)
                        folded.append((index, pieces))
                        text = shown = pieces[0]
                        size = width_of(text)
                    if size < width:
                        shown = (
                            " " * (width - size) + shown if right else shown + " " * (width - size)
                        )
                    cells.append(shown)
                yield " " + "  ".join(cells).rstrip()
                if folded:  # the rest of the folded cells, on lines of their own
                    depth = max(len(pieces) for _, pieces in folded)
                    for line in range(1, depth):
                        more = [" " * width for width in widths]
                        for index, pieces in folded:
                            if line < len(pieces):
                                more[index] = _pad(pieces[line], widths[index], rights[index])
                        yield " " + "  ".join(more).rstrip()


@dataclass(slots=True)
class Screen:
    """Where a command's screen goes: stdout, or the pager when stdout is a terminal and the
    screen is longer than it; how wide it is, and whether it has colour."""

    width: int
    height: int  # 0: not a terminal (no pager)
    colour: bool
    pager: list[str] | None  # the pager's command line, when one may be used
    pager_colour: bool = False
    _parts: list[Iterable[str]] = field(default_factory=list)

    @classmethod
    def for_stdout(cls, *, no_pager: bool = False) -> Screen:
        stream = sys.stdout
        terminal = _isatty(stream)
        no_colour = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
        if not terminal:
            columns = os.environ.get("COLUMNS", "")
            width = int(columns) if columns.isdigit() and int(columns) > 0 else FILE_WIDTH
            return cls(width, 0, False, None)
        size = shutil.get_terminal_size()
        pager = None if no_pager else pager_command()
        return cls(
            max(size.columns, 20),
            max(size.lines, 2),
            not no_colour,
            pager,
            pager_colour=not no_colour and pager is not None and pager_shows_colour(pager),
        )

    def paint(self, text: str, style: str | None) -> str:
        """`text` in `style` ("bold yellow"), when the screen has colour."""
        if not style or not self.colour:
            return text
        codes = ";".join(_SGR[word] for word in style.split())
        return f"\x1b[{codes}m{text}\x1b[0m"

    def styled(self, *parts: tuple[str, str | None]) -> Styled:
        """A cell of parts, each (text, style or None)."""
        text = "".join(part for part, _ in parts)
        if not self.colour:
            return Styled(text, text)
        return Styled(text, "".join(self.paint(part, style) for part, style in parts))

    def join(self, *cells: Cell) -> Styled:
        """Cells one after the other, as one."""
        text = "".join(cell if type(cell) is str else cell.text for cell in cells)  # type: ignore[union-attr]
        if not self.colour:
            return Styled(text, text)
        painted = "".join(cell if type(cell) is str else cell.painted for cell in cells)  # type: ignore[union-attr]
        return Styled(text, painted)

    def add(self, lines: Iterable[str]) -> None:
        """Lines for the screen, made when they are shown (one pass, in order)."""
        self._parts.append(lines)

    def table(self, table: Table, stacked: Callable[[], Iterable[str]]) -> None:
        """The table, or where its columns cannot fit the screen, `stacked` (one block per
        row)."""
        widths = table.widths(self.width)
        if widths is None:
            self.add(stacked())
        else:
            self.add(table.lines(widths, self))

    def show(self) -> None:
        """Everything added, on stdout; through the pager when it is longer than the
        terminal."""
        lines = chain.from_iterable(self._parts)
        self._parts = []
        if self.height and self.pager is not None:
            first = list(islice(lines, self.height))  # a screen and a line
            if len(first) >= self.height and _page(self, chain(first, lines)):
                return
            lines = chain(first, lines)
        _write(sys.stdout, lines)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _write(stream: IO[str], lines: Iterable[str]) -> None:
    """The lines, in batches; a reader that stops early (`socket plan diff | head`) ends the
    writing quietly, as it would end a pager."""
    try:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 2000:
                batch.append("")
                stream.write("\n".join(batch))
                batch = []
        if batch:
            batch.append("")
            stream.write("\n".join(batch))
        stream.flush()
    except BrokenPipeError:
        # Nothing more can reach the reader: what is still buffered goes nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass
        finally:
            os.close(devnull)


def pager_command() -> list[str] | None:
    """The pager to use: `PAGER` (a command line), else `less`; None when PAGER is empty or
    `cat`, or the program is not installed."""
    chosen = os.environ.get("PAGER")
    if chosen is None:
        chosen = "less"
    try:
        words = shlex.split(chosen)
    except ValueError:
        return None
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return words


def pager_environment() -> dict[str, str]:
    """The pager's environment: `LESS` as the user set it, or `FRX` when it is not set (quit
    when the text fits one screen, show colours, leave the text on the terminal after)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    return env


def pager_shows_colour(words: Sequence[str]) -> bool:
    """Whether the pager passes colour codes through: `less` with -R (LESS or its command
    line); other pagers get plain text."""
    if os.path.basename(words[0]) != "less":
        return False
    options = " ".join([pager_environment()["LESS"], *words[1:]])
    return "R" in options or "-r" in options or "--RAW" in options.upper()


def _page(screen: Screen, lines: Iterable[str]) -> bool:
    """Write the lines through the pager; False when it could not be started."""
    assert screen.pager is not None
    try:
        pager = subprocess.Popen(screen.pager, stdin=subprocess.PIPE, env=pager_environment())
    except OSError:
        return False
    assert pager.stdin is not None
    if not screen.pager_colour and screen.colour:
        screen.colour = False  # the lines not yet made come without colour codes
        lines = (_strip_sgr(line) for line in lines)
    # Ctrl-C belongs to the pager while it runs (as git does): socket waits for it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sys.stdout.flush()
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 500:
                batch.append("")
                pager.stdin.write("\n".join(batch).encode("utf-8", "replace"))
                batch = []
        if batch:
            batch.append("")
            pager.stdin.write("\n".join(batch).encode("utf-8", "replace"))
        pager.stdin.close()
    except (BrokenPipeError, OSError):  # the person quit the pager before the end
        pass
    finally:
        with suppress(OSError):
            pager.stdin.close()
        pager.wait()
        signal.signal(signal.SIGINT, previous)
    return True


def _strip_sgr(line: str) -> str:
    if "\x1b[" not in line:
        return line
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line)


# -- progress on stderr ------------------------------------------------------------------------

#: How long a step may run before its progress is shown (a command that ends sooner says
#: nothing).
PROGRESS_DELAY = 0.8


class Working:
    """A step that may take a while: after PROGRESS_DELAY, a spinner (or a bar, once the
    step says how much there is) on stderr with what it is doing; gone when it ends. Silent
    when stderr is not a terminal, or with `--quiet`."""

    def __init__(self, description: str, *, enabled: bool) -> None:
        self.description = description
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: Any = None
        self._total: int | None = None
        self._done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Working:
        if self.enabled:
            self._thread = threading.Thread(target=self._later, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def _later(self) -> None:
        if self._stop.wait(PROGRESS_DELAY):
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from socketcli.cli.output import console

        with self._lock:
            if self._stop.is_set():
                return
            progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console(stderr=True),
                transient=True,
            )
            self._task = progress.add_task(self.description, total=self._total)
            progress.update(self._task, completed=self._done)
            progress.start()
            self._progress = progress

    def step(self, description: str, total: int | None = None) -> None:
        """Now doing `description` (of `total` items, when known)."""
        with self._lock:
            self.description, self._total, self._done = description, total, 0
            if self._progress is not None:
                self._progress.update(self._task, description=description, total=total, completed=0)

    def advance(self, done: int) -> None:
        """`done` more items of the step are done."""
        with self._lock:
            self._done += done
            if self._progress is not None:
                self._progress.update(self._task, completed=self._done)


def working(description: str, *, quiet: bool = False) -> Working:
    """Progress for a step that may run longer than a second (see `Working`)."""
    return Working(description, enabled=not quiet and _isatty(sys.stderr))


# -- the stacked layout: one block per row, for screens too narrow for the columns --------------


def stacked(
    screen: Screen,
    title: str,
    blocks: Iterable[tuple[Cell, Sequence[Cell]]],
    footer: Sequence[Cell] = (),
) -> Iterator[str]:
    """A title, then for each row its heading and its details (indented), then the footer:
    what a table says, readable on a screen of any width."""
    if title:
        yield from _fitted(screen, screen.paint(title, "italic"), title, 0)
    for head, details in blocks:
        yield ""
        yield from _fitted(screen, *_texts(screen, head, "bold"), 0)
        for detail in details:
            yield from _fitted(screen, *_texts(screen, detail, None), 2)
    if footer:
        yield ""
        yield screen.paint("─" * max(1, min(screen.width, 40)), "dim")
        for line in footer:
            yield from _fitted(screen, *_texts(screen, line, "bold"), 0)


def _texts(screen: Screen, cell: Cell, style: str | None) -> tuple[str, str]:
    """(painted, plain) of a cell."""
    if type(cell) is str:
        return screen.paint(cell, style), cell
    return (cell.painted if screen.colour else cell.text), cell.text  # type: ignore[union-attr]


def _fitted(screen: Screen, painted: str, plain: str, indent: int) -> Iterator[str]:
    room = max(screen.width - indent, 8)
    if width_of(plain) <= room:
        yield " " * indent + painted
        return
    for piece in _fold(plain, room):
        yield " " * indent + piece


def listing(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    no_pager: bool,
    screen: Screen | None = None,
) -> None:
    """A list of records for people (`clients list`, `proposals list`, `contacts list`): a
    table laid out here (20,000 rows in a fraction of a second, where Rich took 5 to 10 s),
    through the pager when longer than the terminal; where the columns cannot fit it, each
    row as a block: its first two cells as the heading, then `Header: value` for each other
    cell that is not empty."""
    screen = screen or Screen.for_stdout(no_pager=no_pager)
    grid = Table(columns, title).section(rows)

    def blocks() -> Iterator[tuple[Cell, Sequence[Cell]]]:
        for row in rows:
            details = [
                screen.join(screen.styled((f"{column.header}: ", "dim")), cell)
                for column, cell in zip(columns[2:], row[2:], strict=True)
                if (cell if type(cell) is str else cell.text)  # type: ignore[union-attr]
            ]
            yield screen.join(row[0], "  ", row[1]), details

    screen.table(grid, lambda: stacked(screen, title, blocks()))
    screen.show()


# -- cells the plan screens share --------------------------------------------------------------


def money(amount: Any) -> str:
    return f"{amount:,.2f}"


def signed(amount: Any) -> str:
    return f"+{amount:,.2f}" if amount > 0 else f"{amount:,.2f}"


def contact(screen: Screen, link: Any, client: str) -> Cell:
    """The Xero contact cell of a client (as `output.contact_cell`, as text): the contact's
    name, marked where a person needs to look."""
    name = visible(link.contact_name or "")
    status = link.status.value
    if status == "linked":
        if link.differs_from(client):
            return screen.styled(("≠", "cyan"), (" " + name, None))
        return name
    if status == "new":
        return screen.styled(("new: " + visible(client), "dim"))
    if status == "unlinked":
        return screen.styled(("⚠", "yellow"), (" not linked", None))
    if status == "merged":
        into = visible(link.merged_into or "?")
        return screen.styled(("⚠", "yellow"), (f" {name} (merged into {into})", None))
    where = "archived in Xero" if status == "archived" else "not in Xero"
    return screen.styled(("⚠", "yellow"), (f" {name} ({where})", None))

"""Proposals and their lines. One write path (`save_many`) makes a proposal's stored lines
exactly its lines, for `socket proposals` and the CSV import alike."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, func, select, update
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DBAPIError

from socketcli.adapters.store import sql
from socketcli.adapters.store import tables as tables  # the tables' metadata (write_aside)
from socketcli.adapters.store.aside import SCRATCH, Aside, aside, can_share
from socketcli.adapters.store.collation import bytewise
from socketcli.adapters.store.sql import Meanwhile, SqlRepository, bound_value, chunks, ordinal
from socketcli.adapters.store.work_items import (
    WORK_METHODS,
    OpenItemsFollow,
    SqlWorkItems,
    opened_items,
)
from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.money import amount_of, from_minor, price_text, to_minor
from socketcli.domain.months import Month
from socketcli.domain.proposals import NewProposal, becomes_cancelled
from socketcli.domain.records import Proposal, ProposalLine
from socketcli.domain.work import WorkLine, WorkStatus
from socketcli.lifetime import hold
from socketcli.ports.store import ProposalsAside, WrittenAside


def line_ordinals(line: ProposalLine) -> tuple[int | None, ...]:
    """The integer copies of a line's period and months that the SQL plan totals compare:
    period_months, start_ordinal, end_ordinal, anchor_ordinal."""
    return (
        line.billing_method.period_months,
        ordinal(line.start),
        ordinal(line.end),
        ordinal(line.anchor or line.start),
    )


def _month_values(month: Month | None) -> tuple[str | None, int | None]:
    """A month's stored text and ordinal."""
    return (None, None) if month is None else (str(month), month.ordinal)


#: The columns `add_new` writes of a proposal, in the order it gives them.
_PROPOSAL_KEYS = (
    "reference",
    "client_id",
    "status",
    "start_date",
    "title",
    "accepted_at",
    "created_at",
    "updated_at",
)
_MISSING: Any = object()

#: A line's own columns (what an import compares with the stored line).
_LINE_FIELDS = (
    "service_id",
    "description",
    "quantity",
    "unit_price",
    "amount_minor",
    "billing_method",
    "start_month",
    "end_month",
    "anchor_month",
    "charges_alignment",
    "period_months",
    "start_ordinal",
    "end_ordinal",
    "anchor_ordinal",
)
#: The columns `add_new` writes of a line, in the order it gives them.
_LINE_KEYS = ("proposal_id", "position", *_LINE_FIELDS, "created_at")


#: From how many new lines `add_new` has a second process write some of them (aside.py).
ASIDE_FROM = 200_000
#: The share of the lines the second process writes: this one makes every row (the other
#: has none of the objects) and writes the rest itself, and the two take about as long.
ASIDE_SHARE = 0.8
#: Lines sent to the second process at a time (a chunk of about a megabyte).
ASIDE_CHUNK = 10_000
_LARGEST_ID = 2**63 - 1  # SQLite's


class _Lines:
    """The rows `add_new` writes of new proposals' lines, each made straight from its plain
    values: each distinct quantity, price and month turned into its stored text once, by
    its id (the lines share a few hundred such objects; every one stays alive in the
    proposals meanwhile, so an id names one object throughout; '1.50' and '1.5' are
    different objects)."""

    def __init__(self, service_ids: dict[str, int], created: Any) -> None:
        self._service_ids = service_ids  # by casefolded name
        self._created = created
        self._services: dict[str, int] = {}  # by the name as the line gives it
        self._quantities: dict[int, str] = {}  # str() of each quantity
        self._prices: dict[int, str] = {}  # price_text() of each price
        self._amounts: dict[tuple[int, int], int] = {}
        self._months: dict[int, tuple[str | None, int | None]] = {id(None): (None, None)}
        self._methods = {m: (m.value, m.period_months) for m in BillingMethod}
        self._work_methods = {m for m in BillingMethod if m.is_work}

    def _service(self, name: str) -> int:
        service_id = self._service_ids.get(name.casefold())
        if service_id is None:
            raise LookupError(f"service {name!r} is not in the store")
        self._services[name] = service_id
        return service_id

    def _amount(self, quantity: Decimal, price: Decimal) -> int:
        amount = self._amounts[id(quantity), id(price)] = to_minor(amount_of(quantity, price))
        return amount

    def rows(
        self,
        proposals: Sequence[NewProposal],
        ids: dict[str, int],
        first: int,
        work: list[tuple[Any, ...]] | None,
    ) -> list[tuple[Any, ...]]:
        """The rows of `proposals`' lines (the `_LINE_KEYS`); the started work lines appended
        to `work`, each with its index in the whole insert (`first` is the first line's)."""
        services, quantities, prices = self._services, self._quantities, self._prices
        amounts, months, methods = self._amounts, self._months, self._methods
        work_methods = self._work_methods if work is not None else ()
        created = self._created
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        index = first - 1
        for proposal in proposals:
            proposal_id = ids[proposal.reference]
            position = -1
            for (
                name,
                description,
                quantity,
                price,
                method,
                start,
                end,
                anchor,
                charges,
            ) in proposal.lines:
                position += 1
                index += 1
                service_id = services.get(name)
                if service_id is None:
                    service_id = self._service(name)
                quantity_id, price_id = id(quantity), id(price)
                quantity_text = quantities.get(quantity_id)
                if quantity_text is None:
                    quantity_text = quantities[quantity_id] = str(quantity)
                price_stored = prices.get(price_id)
                if price_stored is None:
                    price_stored = prices[price_id] = price_text(price)
                amount = amounts.get((quantity_id, price_id))
                if amount is None:
                    amount = self._amount(quantity, price)
                start_month = months.get(id(start))
                if start_month is None:
                    start_month = months[id(start)] = _month_values(start)
                end_month = months.get(id(end))
                if end_month is None:
                    end_month = months[id(end)] = _month_values(end)
                anchor_month = months.get(id(anchor))
                if anchor_month is None:
                    anchor_month = months[id(anchor)] = _month_values(anchor)
                method_value, period = methods[method]
                if method in work_methods and start is not None:
                    work.append(  # type: ignore[union-attr]
                        (
                            index,
                            proposal_id,
                            position,
                            service_id,
                            method,
                            start,
                            end,
                            anchor,
                            description,
                            amount,
                        )
                    )
                append(
                    (
                        proposal_id,
                        position,
                        service_id,
                        description,
                        quantity_text,
                        price_stored,
                        amount,
                        method_value,
                        start_month[0],
                        end_month[0],
                        anchor_month[0],
                        charges,
                        period,
                        start_month[1],
                        end_month[1],
                        start_month[1] if anchor is None else anchor_month[1],
                        created,
                    )
                )
        return rows


def _dates(
    proposals: Sequence[NewProposal], bind: Callable[[str, Any], Any]
) -> list[tuple[Any, Any]]:
    """Each proposal's start date and acceptance time as the driver takes them (`bind`:
    the column's name and the value), each distinct one made once (times by object: equal
    times may differ in zone)."""
    dates: dict[Any, Any] = {None: None}
    times: dict[int, Any] = {id(None): None}
    found: list[tuple[Any, Any]] = []
    for p in proposals:
        start_date = dates.get(p.start_date, _MISSING)
        if start_date is _MISSING:
            start_date = dates[p.start_date] = bind("start_date", p.start_date)
        accepted = times.get(id(p.accepted_at), _MISSING)
        if accepted is _MISSING:
            accepted = times[id(p.accepted_at)] = bind("accepted_at", p.accepted_at)
        found.append((start_date, accepted))
    return found


def write_aside(
    path: str,
    proposals: Sequence[NewProposal],
    services: Mapping[str, str],
    work_from: Month | None,
) -> WrittenAside:
    """In a big import's second process: write new `proposals` (those `add_new` would write
    after its own) into the scratch SQLite file at `path`, for `add_new` to copy in
    (`_copy_written`): their heads, their lines' rows as `_Lines.rows` makes them, and with
    `work_from` the work items `add_new` would open for them, with proposal and line ids
    counted from 1, clients by reference and services (`services`: the catalogue's names
    by casefolded name) numbered from 1; times are stamped by the copy."""
    dialect = SQLiteDialect_pysqlite()
    keys = tuple(sorted(services))
    service_ids = {key: number for number, key in enumerate(keys, 1)}
    names = {number: services[key] for key, number in service_ids.items()}
    ids = {proposal.reference: number for number, proposal in enumerate(proposals, 1)}
    heads = [
        (p.reference, p.client_reference, p.status.value, start_date, p.title, accepted)
        for p, (start_date, accepted) in zip(
            proposals,
            _dates(proposals, lambda key, value: bound_value(dialect, "proposals", key, value)),
            strict=True,
        )
    ]
    work: list[tuple[Any, ...]] | None = [] if work_from is not None else None
    rows = _Lines(service_ids, None).rows(proposals, ids, 0, work)
    items: list[tuple[Any, ...]] = []
    if work is not None and work_from is not None:
        months: dict[Month, str] = {}
        items = [
            (
                line.id,
                client,
                line.description,
                to_minor(line.amount),
                WorkStatus.OPEN.value,
                months[due] if due in months else months.setdefault(due, str(due)),
            )
            for _, client, line, due in SqlProposals._opened(
                work,
                range(1, len(rows) + 1),
                names,
                {p.client_reference: p.client_reference for p in proposals},
                proposals,
                ids,
                work_from,
            )
        ]
    scratch = sqlite3.connect(path, isolation_level=None)
    try:
        scratch.execute("PRAGMA journal_mode=OFF")
        scratch.execute("PRAGMA synchronous=OFF")
        scratch.execute("BEGIN")
        scratch.execute(
            "CREATE TABLE heads (reference, client, status, start_date, title, accepted_at)"
        )
        scratch.executemany("INSERT INTO heads VALUES (?, ?, ?, ?, ?, ?)", heads)
        scratch.execute(f"CREATE TABLE lines ({', '.join(_LINE_KEYS)})")
        scratch.executemany(f"INSERT INTO lines VALUES ({', '.join('?' * len(_LINE_KEYS))})", rows)
        scratch.execute(
            "CREATE TABLE work (line, client, description, amount_minor, status, due_month)"
        )
        scratch.executemany("INSERT INTO work VALUES (?, ?, ?, ?, ?, ?)", items)
        scratch.execute("COMMIT")
    finally:
        scratch.close()
    return WrittenAside(path, len(heads), len(rows), len(items), keys)


class SqlProposals(SqlRepository):
    def _lines(self, service_ids: dict[str, int], now: datetime) -> _Lines:
        return _Lines(service_ids, self.bound("proposal_lines", "created_at", now))

    def _service_ids(self) -> tuple[dict[str, int], dict[int, str]]:
        """The services' ids by casefolded name, and their names by id."""
        ids: dict[str, int] = {}
        names: dict[int, str] = {}
        services = self.table("services")
        for service_id, name in self.session.execute(select(services.c.id, services.c.name)):
            ids[name.casefold()] = service_id
            names[service_id] = name
        return ids, names

    def all(self, client_reference: str | None = None) -> list[Proposal]:
        statement = self._heads().order_by(bytewise(self.table("proposals").c.reference))
        if client_reference is not None:
            statement = statement.where(self.table("clients").c.reference == client_reference)
        return self._with_lines({row.id: row for row in self.session.execute(statement).all()})

    def get(self, reference: str) -> Proposal | None:
        found = self.by_references([reference])
        return found[0] if found else None

    def by_references(self, references: Sequence[str]) -> list[Proposal]:
        """The stored proposals with these references and their lines, in a few queries."""
        heads: dict[int, Any] = {}
        wanted = set(references)
        if len(wanted) > sql.WHOLE_TABLE_FROM:  # many: every head read once
            for row in self.session.execute(self._heads()).all():
                if row.reference in wanted:
                    heads[row.id] = row
            return self._with_lines(heads)
        for chunk in chunks(sorted(wanted)):
            statement = self._heads().where(self.table("proposals").c.reference.in_(chunk))
            for row in self.session.execute(statement).all():
                heads[row.id] = row
        return self._with_lines(heads)

    def save(self, proposal: Proposal) -> Proposal:
        self.save_many([proposal])
        saved = self.get(proposal.reference)
        assert saved is not None
        return saved

    def add_new(
        self,
        proposals: Sequence[NewProposal],
        *,
        work_from: Month | None = None,
        later: ProposalsAside | None = None,
    ) -> None:
        """Insert proposals that are not in the store, and their decided lines (the CSV
        import): each line's row is made straight from its plain values, each distinct
        quantity, price and month turned into its stored text once, and written by one
        executemany on the driver's connection (`insert_plain`).

        With `work_from`, the new proposals' work items are opened as
        `WorkItemRepository.open_for(..., in_force_from=work_from)` opens them, from the
        lines in hand: only the ids of their work lines are read back.

        With `later` (a big import's later proposals, checked and written by a second
        process into a scratch file while this one writes its own): its heads, lines and
        work items are copied in after these, numbered as if they had been written here
        (`_copy_written`); when the process failed, they are made and written here."""
        if not proposals and later is None:
            return
        now = self.now()
        service_ids, service_names = self._service_ids()
        proposal_table = self.table("proposals")
        line_table = self.table("proposal_lines")
        last = self.session.execute(select(func.max(proposal_table.c.id))).scalar() or 0
        last_line = self.session.execute(select(func.max(line_table.c.id))).scalar() or 0
        lines = self._lines(service_ids, now)
        # the work lines that have started: (index of the line in this insert, proposal id,
        # position, service id, method, start, end, anchor, description, amount in pennies)
        work: list[tuple[Any, ...]] = []
        counts = [len(p.lines) for p in proposals]
        total = sum(counts)
        more_heads, more_lines = (0, 0) if later is None else (later.proposals, later.lines)
        connection = self.session.connection()
        copied: WrittenAside | None = None  # what `later` wrote, copied in
        with (
            aside() as rows_aside,
            self.indexes_set_aside("proposals", len(proposals) + more_heads),
            self.indexes_set_aside("proposal_lines", total + more_lines) as built,
        ):
            ids, client_ids = self._add_heads(proposals, last, now)
            # Many lines, and a core to spare: the later ones (ASIDE_SHARE) are written by a
            # second process into a scratch file while this one writes the first ones, and
            # copied in after them, numbered as SQLite numbers rows after the largest id
            # (when there is room after it: else SQLite numbers at random). Not when the
            # second process has proposals of its own to write (`later`).
            split = len(proposals)
            work_later: list[tuple[Any, ...]] = []  # the later lines' work, made with their rows
            if (
                later is None
                and total >= ASIDE_FROM
                and last_line + total < _LARGEST_ID
                and can_share(connection)
            ):
                split, made = 0, 0
                while made < total - int(total * ASIDE_SHARE):
                    made += counts[split]
                    split += 1
                if rows_aside.start(_LINE_KEYS, first_id=last_line + 1 + made):
                    self._send(
                        rows_aside,
                        lines,
                        proposals[split:],
                        ids,
                        made,
                        work_later if work_from is not None else None,
                    )
                else:
                    split = len(proposals)
            rows = lines.rows(proposals[:split], ids, 0, work if work_from is not None else None)
            hold(rows, work, work_later)  # freed with the process (socketcli.lifetime)
            self.insert_plain("proposal_lines", _LINE_KEYS, rows)
            if split < len(proposals):
                work.extend(work_later)
                if not rows_aside.copy_into(connection, "proposal_lines", _LINE_KEYS):
                    more = lines.rows(proposals[split:], ids, len(rows), None)  # made here
                    hold(more)
                    self.insert_plain("proposal_lines", _LINE_KEYS, more)
            if later is not None:
                written = later.written()
                if written is not None and self._copy_written(
                    connection, written, last + len(proposals), last_line + total, service_ids, now
                ):
                    copied = written
                    total += written.lines
                else:  # the second process failed: its proposals are made and written here
                    made_here = later.made_here()
                    more_ids, more_clients = self._add_heads(made_here, last + len(proposals), now)
                    more = lines.rows(
                        made_here, more_ids, total, work if work_from is not None else None
                    )
                    hold(made_here, more)
                    self.insert_plain("proposal_lines", _LINE_KEYS, more)
                    proposals = [*proposals, *made_here]
                    ids.update(more_ids)
                    client_ids.update(more_clients)
                    total += len(more)
            line_ids = self._new_line_ids(last_line, total, set(ids.values()))
            if work_from is not None:  # computed while SQLite builds the lines' indexes
                opened = Meanwhile(
                    lambda: self._opened(
                        work, line_ids, service_names, client_ids, proposals, ids, work_from
                    )
                )
                built.meanwhile(opened)
        if work_from is not None:
            SqlWorkItems(self.session, self._clock, self._reader).add(opened.result())
        if copied is not None and copied.work_items:
            self._copy_work(connection, copied, last_line + total - copied.lines, now)
        self.session.expire_all()

    def _add_heads(
        self, proposals: Sequence[NewProposal], last: int, now: datetime
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Insert the proposals' own rows (after the largest id, `last`): their ids, and
        their clients' ids, by reference."""
        client_ids = self._ids("clients", "reference", {p.client_reference for p in proposals})
        for proposal in proposals:
            if proposal.client_reference not in client_ids:
                raise LookupError(f"client {proposal.client_reference!r} is not in the store")
        stamp = self.bound("proposals", "created_at", now)
        heads = [
            (
                p.reference,
                client_ids[p.client_reference],
                p.status.value,
                start_date,
                p.title,
                accepted,
                stamp,
                stamp,
            )
            for p, (start_date, accepted) in zip(
                proposals,
                _dates(proposals, lambda key, value: self.bound("proposals", key, value)),
                strict=True,
            )
        ]
        hold(heads)
        self.insert_plain("proposals", _PROPOSAL_KEYS, heads)
        return self._new_ids("proposals", last, [p.reference for p in proposals]), client_ids

    def _copy_written(
        self,
        connection: Connection,
        written: WrittenAside,
        after: int,
        after_line: int,
        service_ids: dict[str, int],
        now: datetime,
    ) -> bool:
        """Copy the proposals and lines a second process wrote (`write_aside`) in after the
        proposal id `after` and the line id `after_line`, as `add_new` would have numbered
        them, their clients found by reference and their services by name; False, having
        copied nothing, when its file does not hold them all."""
        if (
            after + written.proposals >= _LARGEST_ID
            or after_line + written.lines >= _LARGEST_ID
            or connection.dialect.name != "sqlite"
        ):
            return False
        services = []
        for number, key in enumerate(written.services, 1):
            service_id = service_ids.get(key)
            if service_id is None:
                raise LookupError(f"service {key!r} is not in the store")
            services.append(f"WHEN {int(number)} THEN {int(service_id)}")
        try:
            connection.exec_driver_sql(f"ATTACH DATABASE ? AS {SCRATCH}", (written.path,))
            connection.info["socket_detach"] = SCRATCH
            with contextlib.suppress(OSError):  # gone even if this process is killed now (an
                os.unlink(written.path)  # attached file is read through its open descriptor)
            held = connection.exec_driver_sql(
                f"SELECT (SELECT count(*) FROM {SCRATCH}.heads), "
                f"(SELECT count(*) FROM {SCRATCH}.lines), (SELECT count(*) FROM {SCRATCH}.work)"
            ).one()
        except DBAPIError:  # no such file or table: the process did not write it all
            return False
        if tuple(held) != (written.proposals, written.lines, written.work_items):
            return False
        stamp = self.bound("proposals", "created_at", now)
        quote = connection.dialect.identifier_preparer.quote
        heads = connection.exec_driver_sql(
            f"INSERT INTO proposals (id, {', '.join(map(quote, _PROPOSAL_KEYS))}) "
            "SELECT h.rowid + ?, h.reference, c.id, h.status, h.start_date, h.title, "
            f"h.accepted_at, ?, ? FROM {SCRATCH}.heads AS h CROSS JOIN clients AS c "
            "ON c.reference = h.client ORDER BY h.rowid",
            (after, stamp, stamp),
        )
        if heads.rowcount != written.proposals:
            raise LookupError("a client of the proposals written aside is not in the store")
        own = ", ".join(quote(key) for key in _LINE_KEYS[3:-1])  # after the service
        connection.exec_driver_sql(
            f"INSERT INTO proposal_lines (id, {', '.join(map(quote, _LINE_KEYS))}) "
            f"SELECT rowid + ?, proposal_id + ?, position, CASE service_id {' '.join(services)} "
            f"END, {own}, ? FROM {SCRATCH}.lines ORDER BY rowid",
            (after_line, after, self.bound("proposal_lines", "created_at", now)),
        )
        return True

    def _copy_work(
        self, connection: Connection, written: WrittenAside, after_line: int, now: datetime
    ) -> None:
        """Copy the work items a second process opened for its lines (copied in after the
        line id `after_line`), after the ones opened here."""
        copied = connection.exec_driver_sql(
            "INSERT INTO work_items (proposal_line_id, client_id, description, amount_minor, "
            "status, due_month, created_at) SELECT w.line + ?, c.id, w.description, "
            f"w.amount_minor, w.status, w.due_month, ? FROM {SCRATCH}.work AS w "
            "CROSS JOIN clients AS c ON c.reference = w.client ORDER BY w.rowid",
            (after_line, self.bound("work_items", "created_at", now)),
        )
        if copied.rowcount != written.work_items:
            raise LookupError("a client of the work written aside is not in the store")

    @staticmethod
    def _send(
        later: Aside,
        lines: _Lines,
        proposals: Sequence[NewProposal],
        ids: dict[str, int],
        first: int,
        work: list[tuple[Any, ...]] | None,
    ) -> None:
        """The rows of `proposals`' lines (their work appended to `work` as `_Lines.rows`
        does), sent to the second process about ASIDE_CHUNK lines at a time (it starts on
        the first while the rest are made). `first`: how many lines of this insert come
        before them."""
        start, size = 0, 0
        for end, proposal in enumerate(proposals, 1):
            size += len(proposal.lines)
            if size >= ASIDE_CHUNK or end == len(proposals):
                chunk = proposals[start:end]
                later.send(lines.rows(chunk, ids, first, work))
                first += size
                start, size = end, 0

    def _new_ids(self, table_name: str, last: int, references: list[str]) -> dict[str, int]:
        """The ids just given to the rows of `references` (in the order they were written)
        after the largest id before (`last`): on SQLite, last + 1 onwards, the ids one writer
        gets (checked: the largest id now is the last of them); else read back by reference
        (on PostgreSQL another transaction may have taken ids between them; SQLite numbers
        at random after the largest id there can be)."""
        table = self.table(table_name)
        if self.session.connection().dialect.name == "sqlite":
            largest = self.session.execute(select(func.max(table.c.id))).scalar()
            if largest == last + len(references):
                return {reference: last + 1 + n for n, reference in enumerate(references)}
        wanted = set(references)
        ids = self._ids(table_name, "reference", wanted)
        if len(ids) != len(wanted):
            raise LookupError(f"the {table_name} inserted could not be read back")
        return ids

    def _new_line_ids(
        self, last: int, count: int, proposal_ids: set[int]
    ) -> range | dict[tuple[int, int], int]:
        """The ids just given to this insert's `count` lines, of the proposals `proposal_ids`:
        by their index in it (the ids after `last`, as `_new_ids` counts them), or else the
        work lines' ids read back by (proposal id, position)."""
        table = self.table("proposal_lines")
        if self.session.connection().dialect.name == "sqlite":
            largest = self.session.execute(select(func.max(table.c.id))).scalar()
            if largest == last + count:
                return range(last + 1, last + 1 + count)
        work = select(table.c.id, table.c.proposal_id, table.c.position).where(
            table.c.billing_method.in_(WORK_METHODS)
        )
        found: dict[tuple[int, int], int] = {}
        if len(proposal_ids) > sql.WHOLE_TABLE_FROM:  # many: every work line read once
            for line_id, proposal_id, position in self.session.execute(work):
                if proposal_id in proposal_ids:
                    found[proposal_id, position] = line_id
            return found
        for chunk in chunks(sorted(proposal_ids)):
            for line_id, proposal_id, position in self.session.execute(
                work.where(table.c.proposal_id.in_(chunk))
            ):
                found[proposal_id, position] = line_id
        return found

    @staticmethod
    def _opened(
        work: list[tuple[Any, ...]],
        line_ids: range | dict[tuple[int, int], int],
        service_names: dict[int, str],
        client_ids: Mapping[str, Any],
        proposals: Sequence[NewProposal],
        ids: dict[str, int],
        in_force_from: Month,
    ) -> list[tuple[int, Any, WorkLine, Month]]:
        """`add_new`'s work items: the new proposals' started work lines (`work`) made the
        WorkLines that `work_items.work_lines` would read back, with the ids just given to
        them (`line_ids`: by the line's index in the insert, or by proposal id and
        position), and opened as `SqlWorkItems.open_for` opens them (a new proposal has no
        items yet). Plain computing, no SQL: it runs while SQLite builds the indexes."""
        if not work:
            return []
        amounts: dict[int, Decimal] = {}
        by_proposal: dict[int, list[WorkLine]] = {}
        for (
            index,
            proposal_id,
            position,
            service_id,
            method,
            start,
            end,
            anchor,
            text,
            minor,
        ) in work:
            amount = amounts.get(minor)
            if amount is None:
                amount = amounts[minor] = from_minor(minor)
            line = WorkLine(
                line_ids[index] if isinstance(line_ids, range) else line_ids[proposal_id, position],
                service_names[service_id],
                method,
                start,
                end,
                anchor,
                text,
                amount,
            )
            by_proposal.setdefault(proposal_id, []).append(line)
        clients = {ids[p.reference]: client_ids[p.client_reference] for p in proposals}
        return opened_items(
            ((p, clients[p], lines) for p, lines in by_proposal.items()), {}, in_force_from
        )

    def _ids(self, table_name: str, key: str, wanted: set[str]) -> dict[str, int]:
        """The ids of the rows whose `key` is one of `wanted`: read 500 at a time, or, for
        many, the whole column at once."""
        table = self.table(table_name)
        found: dict[str, int] = {}
        if len(wanted) > sql.WHOLE_TABLE_FROM:
            statement = select(table.c[key], table.c.id)
            found.update((k, i) for k, i in self.session.execute(statement) if k in wanted)
            return found
        for chunk in chunks(sorted(wanted)):
            statement = select(table.c[key], table.c.id).where(table.c[key].in_(chunk))
            found.update((k, i) for k, i in self.session.execute(statement))
        return found

    def _heads(self) -> Select[Any]:
        proposal_table = self.table("proposals")
        client_table = self.table("clients")
        return select(
            proposal_table.c.id,
            proposal_table.c.reference,
            client_table.c.reference.label("client_reference"),
            proposal_table.c.status,
            proposal_table.c.start_date,
            proposal_table.c.title,
            proposal_table.c.accepted_at,
        ).join(client_table, client_table.c.id == proposal_table.c.client_id)

    def _with_lines(self, heads: dict[int, Any]) -> list[Proposal]:
        """Proposals from their head rows, with their lines read in a few queries."""
        line_table = self.table("proposal_lines")
        service_table = self.table("services")
        months: dict[str | None, Month | None] = {None: None}
        methods = {method.value: method for method in BillingMethod}
        quantities: dict[str, Decimal] = {}
        prices: dict[str, Decimal] = {}
        lines: dict[int, list[ProposalLine]] = {}
        for chunk in chunks(sorted(heads)):
            statement = (
                select(
                    line_table.c.proposal_id,
                    line_table.c.id,
                    service_table.c.name,
                    line_table.c.description,
                    line_table.c.quantity,
                    line_table.c.unit_price,
                    line_table.c.billing_method,
                    line_table.c.start_month,
                    line_table.c.end_month,
                    line_table.c.anchor_month,
                    line_table.c.charges_alignment,
                )
                .join(service_table, service_table.c.id == line_table.c.service_id)
                .where(line_table.c.proposal_id.in_(chunk))
                .order_by(line_table.c.proposal_id, line_table.c.position, line_table.c.id)
            )
            for (
                proposal_id,
                line_id,
                service,
                description,
                quantity,
                unit_price,
                method,
                start,
                end,
                anchor,
                alignment,
            ) in self.session.execute(statement).all():
                for text in (start, end, anchor):
                    if text not in months:
                        months[text] = Month.parse(text)
                if quantity not in quantities:
                    quantities[quantity] = Decimal(quantity)
                if unit_price not in prices:
                    prices[unit_price] = Decimal(unit_price)
                lines.setdefault(proposal_id, []).append(
                    ProposalLine(
                        id=line_id,
                        service_name=service,
                        description=description,
                        quantity=quantities[quantity],
                        unit_price=prices[unit_price],
                        billing_method=methods[method],
                        start=months[start],
                        end=months[end],
                        anchor=months[anchor],
                        charges_alignment=bool(alignment),
                    )
                )
        return [
            Proposal(
                id=proposal_id,
                reference=head.reference,
                client_reference=head.client_reference,
                status=ProposalStatus(head.status),
                start_date=head.start_date,
                title=head.title,
                accepted_at=head.accepted_at,
                lines=tuple(lines.get(proposal_id, ())),
            )
            for proposal_id, head in heads.items()
        ]

    def save_many(self, proposals: Sequence[Proposal]) -> None:
        """Insert or update proposals, keyed by reference, set-based (one write path for one
        proposal and for a whole import).

        Each proposal's stored lines become exactly its lines: a line with the id of one of
        its stored lines keeps that row (rewritten only where its values differ), a line
        without one is inserted, and stored lines not kept are deleted. Open work items follow
        the new lines (domain.work.follow: moved to the version in force, or dropped); a
        completed or invoiced item's line cannot be deleted (Conflict). A proposal whose row
        and lines are all unchanged is not written.
        """
        if not proposals:
            return
        proposal_table = self.table("proposals")
        line_table = self.table("proposal_lines")
        work_table = self.table("work_items")
        client_table = self.table("clients")
        service_table = self.table("services")
        now = self.now()

        client_ids: dict[str, int] = {}
        for chunk in chunks(sorted({p.client_reference for p in proposals})):
            statement = select(client_table.c.reference, client_table.c.id).where(
                client_table.c.reference.in_(chunk)
            )
            client_ids.update(
                (reference, client_id)
                for reference, client_id in self.session.execute(statement).all()
            )
        service_ids = {
            name.casefold(): service_id
            for service_id, name in self.session.execute(
                select(service_table.c.id, service_table.c.name)
            )
        }
        for proposal in proposals:
            if proposal.client_reference not in client_ids:
                raise LookupError(f"client {proposal.client_reference!r} is not in the store")

        fields = ("client_id", "status", "start_date", "title", "accepted_at")
        stored_rows: dict[str, dict[str, Any]] = {}
        for chunk in chunks([proposal.reference for proposal in proposals]):
            statement = select(
                proposal_table.c.id,
                proposal_table.c.reference,
                proposal_table.c.cancelled_at,
                *(proposal_table.c[name] for name in fields),
            ).where(proposal_table.c.reference.in_(chunk))
            for row in self.session.execute(statement).all():
                stored_rows[row.reference] = dict(row._mapping)

        def row_values(proposal: Proposal) -> tuple[Any, ...]:
            return (
                client_ids[proposal.client_reference],
                proposal.status.value,
                proposal.start_date,
                proposal.title,
                proposal.accepted_at,
            )

        new = [proposal for proposal in proposals if proposal.reference not in stored_rows]
        with self.indexes_set_aside("proposals", len(proposals)):
            self.insert_many(
                "proposals",
                ["reference", *fields, "created_at", "updated_at"],
                [(proposal.reference, *row_values(proposal), now, now) for proposal in new],
            )
        ids = {reference: int(row["id"]) for reference, row in stored_rows.items()}
        for chunk in chunks([proposal.reference for proposal in new]):
            statement = select(proposal_table.c.reference, proposal_table.c.id).where(
                proposal_table.c.reference.in_(chunk)
            )
            ids.update(
                (reference, proposal_id)
                for reference, proposal_id in self.session.execute(statement).all()
            )

        line_fields = _LINE_FIELDS
        stored_lines: dict[int, dict[int, tuple[Any, ...]]] = {}
        updated_ids = [ids[reference] for reference in stored_rows]
        for chunk in chunks(sorted(updated_ids)):
            statement = select(
                line_table.c.proposal_id,
                line_table.c.id,
                line_table.c.position,
                *(line_table.c[name] for name in line_fields),
            ).where(line_table.c.proposal_id.in_(chunk))
            for proposal_id, line_id, position, *stored_values in self.session.execute(
                statement
            ).all():
                stored_lines.setdefault(proposal_id, {})[line_id] = (position, *stored_values)

        months: dict[Month | None, str | None] = {None: None}
        converted: dict[int, tuple[Any, ...]] = {}

        def line_values(line: ProposalLine) -> tuple[Any, ...]:
            """The line's stored values (line_fields), worked out once per line object."""
            found = converted.get(id(line))
            if found is None:
                service_id = service_ids.get(line.service_name.casefold())
                if service_id is None:
                    raise LookupError(f"service {line.service_name!r} is not in the store")
                for month in (line.start, line.end, line.anchor):
                    if month not in months:
                        months[month] = str(month)
                found = converted[id(line)] = (
                    service_id,
                    line.description,
                    str(line.quantity),
                    price_text(line.unit_price),
                    to_minor(line.amount),
                    line.billing_method.value,
                    months[line.start],
                    months[line.end],
                    months[line.anchor],
                    line.charges_alignment,
                    *line_ordinals(line),
                )
            return found

        line_inserts: list[tuple[Any, ...]] = []
        line_updates: list[dict[str, Any]] = []
        line_deletes: list[int] = []
        row_updates: list[dict[str, Any]] = []
        relined: list[int] = []  # proposals whose lines change: their open work follows
        for proposal in proposals:
            proposal_id = ids[proposal.reference]
            existing = stored_lines.get(proposal_id, {})
            kept: set[int] = set()
            lines_changed = False
            for position, line in enumerate(proposal.lines):
                values = line_values(line)
                if line.id is not None and line.id in existing and line.id not in kept:
                    kept.add(line.id)
                    before = existing[line.id]
                    if before[0] != position or any(
                        old != value and not (name == "quantity" and Decimal(old) == line.quantity)
                        for name, old, value in zip(line_fields, before[1:], values, strict=True)
                    ):
                        line_updates.append(
                            {
                                **dict(zip(line_fields, values, strict=True)),
                                "position": position,
                                "row_id": line.id,
                            }
                        )
                        lines_changed = True
                else:
                    line_inserts.append((proposal_id, position, *values, now))
                    lines_changed = True
            dropped = [line_id for line_id in existing if line_id not in kept]
            if dropped:
                line_deletes.extend(dropped)
                lines_changed = True
            before_row = stored_rows.get(proposal.reference)
            if before_row is None:
                continue
            if lines_changed:
                relined.append(proposal_id)
            after = dict(zip(fields, row_values(proposal), strict=True))
            if lines_changed or any(before_row[key] != value for key, value in after.items()):
                cancelled = becomes_cancelled(ProposalStatus(before_row["status"]), proposal.status)
                row_updates.append(
                    {
                        **after,
                        "row_id": proposal_id,
                        "updated_at": now,
                        "cancelled_at": now if cancelled else before_row["cancelled_at"],
                    }
                )

        # Open work items follow the new lines (domain.work.follow); done ones never change.
        following = OpenItemsFollow(self.session, relined, line_deletes) if relined else None
        for chunk in chunks(line_deletes):
            self.session.execute(delete(work_table).where(work_table.c.proposal_line_id.in_(chunk)))
            self.session.execute(delete(line_table).where(line_table.c.id.in_(chunk)))
        if line_updates:
            self.session.execute(
                update(line_table).where(line_table.c.id == bindparam("row_id")), line_updates
            )
        self.insert_many(
            "proposal_lines", ["proposal_id", "position", *line_fields, "created_at"], line_inserts
        )
        if following is not None:
            following.apply(now)
        if row_updates:
            self.session.execute(
                update(proposal_table).where(proposal_table.c.id == bindparam("row_id")),
                row_updates,
            )
        self.session.expire_all()

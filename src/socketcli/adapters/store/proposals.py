"""Proposals and their lines. One write path (`save_many`) makes a proposal's stored lines
exactly its lines, for `socket proposals` and the CSV import alike."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update

from socketcli.adapters.store import sql
from socketcli.adapters.store.collation import bytewise
from socketcli.adapters.store.sql import SqlRepository, chunks, ordinal
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
from socketcli.domain.work import WorkLine
from socketcli.lifetime import hold


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


class SqlProposals(SqlRepository):
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

    def add_new(self, proposals: Sequence[NewProposal], *, work_from: Month | None = None) -> None:
        """Insert proposals that are not in the store, and their decided lines (the CSV
        import): each line's row is made straight from its plain values, each distinct
        quantity, price and month turned into its stored text once, and written by one
        executemany on the driver's connection (`insert_plain`).

        With `work_from`, the new proposals' work items are opened as
        `WorkItemRepository.open_for(..., in_force_from=work_from)` opens them, from the
        lines in hand: only the ids of their work lines are read back."""
        if not proposals:
            return
        proposal_table = self.table("proposals")
        now = self.now()
        client_ids = self._ids("clients", "reference", {p.client_reference for p in proposals})
        for proposal in proposals:
            if proposal.client_reference not in client_ids:
                raise LookupError(f"client {proposal.client_reference!r} is not in the store")
        service_names: dict[int, str] = {}
        service_ids: dict[str, int] = {}
        for service_id, name in self.session.execute(
            select(self.table("services").c.id, self.table("services").c.name)
        ):
            service_ids[name.casefold()] = service_id
            service_names[service_id] = name
        last = self.session.execute(select(func.max(proposal_table.c.id))).scalar() or 0
        # each distinct start date and acceptance time made the driver's value once
        dates: dict[Any, Any] = {None: None}
        times: dict[int, Any] = {id(None): None}  # by object: equal times may differ in zone
        stamp = self.bound("proposals", "created_at", now)
        heads: list[tuple[Any, ...]] = []
        for p in proposals:
            start_date = dates.get(p.start_date, _MISSING)
            if start_date is _MISSING:
                start_date = dates[p.start_date] = self.bound(
                    "proposals", "start_date", p.start_date
                )
            accepted = times.get(id(p.accepted_at), _MISSING)
            if accepted is _MISSING:
                accepted = times[id(p.accepted_at)] = self.bound(
                    "proposals", "accepted_at", p.accepted_at
                )
            heads.append(
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
            )
        with self.indexes_set_aside("proposals", len(heads)):
            self.insert_plain("proposals", _PROPOSAL_KEYS, heads)
        # The new rows are those after the last id before; another transaction's rows, if any
        # (not on SQLite: one writer at a time), have other references.
        wanted = {p.reference for p in proposals}
        ids = {
            reference: proposal_id
            for reference, proposal_id in self.session.execute(
                select(proposal_table.c.reference, proposal_table.c.id).where(
                    proposal_table.c.id > last
                )
            )
            if reference in wanted
        }
        if len(ids) != len(wanted):
            raise LookupError("proposals inserted could not be read back")

        created = self.bound("proposal_lines", "created_at", now)
        # Each distinct object converted once, by its id (the lines share a few hundred
        # quantities, prices and months; every object stays alive in `proposals` meanwhile,
        # so an id names one object throughout; '1.50' and '1.5' are different objects).
        services: dict[str, int] = {}
        quantity_texts: dict[int, str] = {}  # str() of each quantity
        price_texts: dict[int, str] = {}  # price_text() of each price
        amounts: dict[tuple[int, int], int] = {}
        methods = {m: (m.value, m.period_months) for m in BillingMethod}
        months: dict[int, tuple[str | None, int | None]] = {id(None): (None, None)}
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        # the work lines that have started (what `work_lines` reads): (proposal id,
        # position, service id, method, start, end, anchor, description, amount in pennies)
        work: list[tuple[Any, ...]] = []
        work_methods = set() if work_from is None else {m for m in BillingMethod if m.is_work}
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
                service_id = services.get(name)
                if service_id is None:
                    service_id = service_ids.get(name.casefold())
                    if service_id is None:
                        raise LookupError(f"service {name!r} is not in the store")
                    services[name] = service_id
                quantity_id, price_id = id(quantity), id(price)
                quantity_text = quantity_texts.get(quantity_id)
                if quantity_text is None:
                    quantity_text = quantity_texts[quantity_id] = str(quantity)
                price_stored = price_texts.get(price_id)
                if price_stored is None:
                    price_stored = price_texts[price_id] = price_text(price)
                amount = amounts.get((quantity_id, price_id))
                if amount is None:
                    amount = amounts[quantity_id, price_id] = to_minor(amount_of(quantity, price))
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
                    work.append(
                        (
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
        hold(heads, rows, work)  # freed with the process when it ends (socketcli.lifetime)
        line_table = self.table("proposal_lines")
        last_line = self.session.execute(select(func.max(line_table.c.id))).scalar() or 0
        with self.indexes_set_aside("proposal_lines", len(rows)):
            self.insert_plain("proposal_lines", _LINE_KEYS, rows)
        if work_from is not None:
            self._open_work(work, last_line, service_names, client_ids, proposals, ids, work_from)
        self.session.expire_all()

    def _open_work(
        self,
        work: list[tuple[Any, ...]],
        last_line: int,
        service_names: dict[int, str],
        client_ids: dict[str, int],
        proposals: Sequence[NewProposal],
        ids: dict[str, int],
        in_force_from: Month,
    ) -> None:
        """`add_new`'s work items: the new proposals' started work lines (`work`) made the
        WorkLines that `work_items.work_lines` would read back, with the ids just given to
        them (the lines after `last_line` are this insert's, or, on PostgreSQL, another
        transaction's, of other proposals), and opened as `SqlWorkItems.open_for` opens
        them (a new proposal has no items yet)."""
        if not work:
            return
        line_table = self.table("proposal_lines")
        line_ids = {
            (proposal_id, position): line_id
            for line_id, proposal_id, position in self.session.execute(
                select(line_table.c.id, line_table.c.proposal_id, line_table.c.position).where(
                    line_table.c.id > last_line, line_table.c.billing_method.in_(WORK_METHODS)
                )
            )
        }
        amounts: dict[int, Decimal] = {}
        by_proposal: dict[int, list[WorkLine]] = {}
        for proposal_id, position, service_id, method, start, end, anchor, text, minor in work:
            amount = amounts.get(minor)
            if amount is None:
                amount = amounts[minor] = from_minor(minor)
            line = WorkLine(
                line_ids[proposal_id, position],
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
        opened = opened_items(
            ((p, clients[p], lines) for p, lines in by_proposal.items()), {}, in_force_from
        )
        SqlWorkItems(self.session, self._clock, self._reader).add(opened)

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

"""Work items: the on-completion and one-off work of accepted proposals, billed when done.

Which items a line opens, how open items follow a changed proposal and what a completion
renews are decided in domain/work.py; this module reads and writes them, set-based.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import Session

from socketcli.adapters.store import sql
from socketcli.adapters.store.reader import parse_tracking, work_status_where
from socketcli.adapters.store.sql import SqlRepository, chunks
from socketcli.domain.errors import Conflict
from socketcli.domain.model import BillingMethod
from socketcli.domain.money import from_minor, to_minor
from socketcli.domain.months import Month
from socketcli.domain.work import (
    WorkItem,
    WorkLine,
    WorkStatus,
    first_due,
    follow,
    item_status,
    opens_item,
)

WORK_METHODS = [method.value for method in BillingMethod if method.is_work]
_METHODS = {method.value: method for method in BillingMethod}


def _table(name: str) -> Any:
    return SqlRepository.table(name)


def work_lines(session: Session, proposal_ids: Sequence[int]) -> dict[int, list[WorkLine]]:
    """By proposal id: its work lines that have started (a draft's have no start)."""
    lines, services = _table("proposal_lines"), _table("services")
    found: dict[int, list[WorkLine]] = {}
    months: dict[str | None, Month | None] = {None: None}

    def month(text: str | None) -> Month | None:
        if text not in months:
            months[text] = Month.parse(text)  # type: ignore[arg-type]
        return months[text]

    wanted = set(proposal_ids)
    many = (
        len(wanted) > sql.WHOLE_TABLE_FROM
    )  # then every work line is read once, and those wanted kept
    for chunk in [()] if many else chunks(sorted(wanted)):
        statement = (
            select(
                lines.c.proposal_id,
                lines.c.id,
                services.c.name,
                lines.c.billing_method,
                lines.c.start_month,
                lines.c.end_month,
                lines.c.anchor_month,
                lines.c.description,
                lines.c.amount_minor,
            )
            .join(services, services.c.id == lines.c.service_id)
            .where(
                lines.c.billing_method.in_(WORK_METHODS),
                lines.c.start_month.is_not(None),
            )
            .order_by(lines.c.id)
        )
        if not many:
            statement = statement.where(lines.c.proposal_id.in_(chunk))
        for (
            proposal_id,
            line_id,
            service,
            method,
            start,
            end,
            anchor,
            text,
            minor,
        ) in session.execute(statement).all():
            if many and proposal_id not in wanted:
                continue
            start_month = month(start)
            assert start_month is not None
            found.setdefault(proposal_id, []).append(
                WorkLine(
                    line_id,
                    service,
                    _METHODS[method],
                    start_month,
                    month(end),
                    month(anchor),
                    text,
                    from_minor(minor),
                )
            )
    return found


def _items_by_proposal(
    session: Session, proposal_ids: Sequence[int], *, only_open: bool = False
) -> dict[int, list[Any]]:
    """By proposal id: its items (id, line id, client id, due, status, description, amount,
    created_at)."""
    work, lines = _table("work_items"), _table("proposal_lines")
    found: dict[int, list[Any]] = {}
    wanted = set(proposal_ids)
    many = len(wanted) > sql.WHOLE_TABLE_FROM  # then every item is read once, and those wanted kept
    for chunk in [()] if many else chunks(sorted(wanted)):
        statement = (
            select(
                lines.c.proposal_id,
                work.c.id,
                work.c.proposal_line_id,
                work.c.client_id,
                work.c.due_month,
                work.c.status,
                work.c.description,
                work.c.amount_minor,
                work.c.created_at,
            )
            .join(lines, lines.c.id == work.c.proposal_line_id)
            .order_by(work.c.id)
        )
        if not many:
            statement = statement.where(lines.c.proposal_id.in_(chunk))
        if only_open:
            statement = statement.where(work.c.status == WorkStatus.OPEN.value)
        for proposal_id, *item in session.execute(statement).all():
            if many and proposal_id not in wanted:
                continue
            found.setdefault(proposal_id, []).append(item)
    return found


def opened_items(
    lines: Iterable[tuple[int, int, list[WorkLine]]],
    items: dict[int, list[Any]],
    in_force_from: Month,
) -> list[tuple[int, int, WorkLine, Month]]:
    """The items to open, in order: for each (proposal id, client id, its started work lines
    by id), the lines still in force from `in_force_from` that domain.work.opens_item gives
    one, given the proposal's `items` (`_items_by_proposal`'s rows)."""
    opened: list[tuple[int, int, WorkLine, Month]] = []
    for proposal_id, client_id, proposal_lines in lines:
        known = [(i[1], i[3], i[4] == WorkStatus.OPEN.value) for i in items.get(proposal_id, [])]
        for line in proposal_lines:
            if line.end is not None and line.end < in_force_from:
                continue
            due = first_due(line, in_force_from)
            if due is None or not opens_item(line, proposal_lines, known):
                continue
            known.append((line.id, str(due), True))
            opened.append((proposal_id, client_id, line, due))
    return opened


class OpenItemsFollow:
    """What a proposal's save does to its work items (adapters/store/proposals.py): taken
    before its lines are rewritten, applied after (domain.work.follow decides)."""

    def __init__(self, session: Session, proposal_ids: Sequence[int], dropped: Sequence[int]):
        self.session = session
        self.proposal_ids = list(proposal_ids)
        self.before = work_lines(session, self.proposal_ids) if proposal_ids else {}
        self.items = _items_by_proposal(session, self.proposal_ids)
        gone = set(dropped)
        for items in self.items.values():
            for item_id, line_id, _, _, status, *_ in items:
                if line_id in gone and status != WorkStatus.OPEN.value:
                    raise Conflict(
                        f"work item {item_id} was completed: the proposal line it was billed "
                        "on cannot be replaced from a month it was done in; change the "
                        "proposal from a later month"
                    )

    def apply(self, now: datetime) -> None:
        if not any(
            status == WorkStatus.OPEN.value
            for items in self.items.values()
            for *_, status, _, _, _ in items
        ):
            return
        work = _table("work_items")
        after = work_lines(self.session, self.proposal_ids)
        this_month = Month.of(now.date())
        existing: set[int] = set()
        for chunk in chunks([i[0] for items in self.items.values() for i in items]):
            existing.update(
                self.session.execute(select(work.c.id).where(work.c.id.in_(chunk))).scalars()
            )
        updates: list[dict[str, Any]] = []
        restored: list[tuple[Any, ...]] = []
        dropped: list[int] = []
        for proposal_id, items in self.items.items():
            old = {line.id: line for line in self.before.get(proposal_id, [])}
            new = after.get(proposal_id, [])
            by_id = {line.id: line for line in new}
            for item_id, line_id, client_id, due, status, text, minor, created in items:
                if status != WorkStatus.OPEN.value or line_id not in old:
                    continue
                line = old[line_id]
                target = follow(
                    line.method,
                    line.service,
                    Month.parse(due) if due else None,
                    by_id.get(line_id),
                    new,
                    this_month,
                )
                if target is None:
                    if item_id in existing:
                        dropped.append(item_id)
                    continue
                values = (target.id, target.description, to_minor(target.amount))
                if item_id not in existing:
                    restored.append((item_id, *values, client_id, "open", due, created))
                elif values != (line_id, text, minor):
                    updates.append(
                        dict(zip(("line", "text", "minor"), values, strict=True), row_id=item_id)
                    )
        if dropped:
            self.session.execute(delete(work).where(work.c.id.in_(dropped)))
        if updates:
            self.session.execute(
                update(work)
                .where(work.c.id == bindparam("row_id"))
                .values(
                    proposal_line_id=bindparam("line"),
                    description=bindparam("text"),
                    amount_minor=bindparam("minor"),
                ),
                updates,
            )
        if restored:
            self.session.execute(
                work.insert(),
                [
                    dict(
                        zip(
                            (
                                "id",
                                "proposal_line_id",
                                "description",
                                "amount_minor",
                                "client_id",
                                "status",
                                "due_month",
                                "created_at",
                            ),
                            row,
                            strict=True,
                        )
                    )
                    for row in restored
                ],
            )


class SqlWorkItems(SqlRepository):
    def open_for(self, references: Sequence[str], *, in_force_from: Month) -> None:
        """Open items for the work lines of these proposals still in force from
        `in_force_from` that domain.work.opens_item gives one, set-based. An item's amount is
        its line's stored amount (quantity x unit price, rounded once when the line was
        saved); a quarterly or annual item is for the period in force then (first_due).
        A line that ended before is history, whose work was invoiced before the import."""
        proposals = self.table("proposals")
        ids: dict[int, int] = {}
        wanted = set(references)
        many = len(wanted) > sql.WHOLE_TABLE_FROM
        if many:  # every proposal read once
            statement = select(proposals.c.reference, proposals.c.id, proposals.c.client_id)
            ids.update(
                (proposal_id, client_id)
                for reference, proposal_id, client_id in self.session.execute(statement)
                if reference in wanted
            )
        for chunk in [] if many else chunks(sorted(wanted)):
            ids.update(
                (proposal_id, client_id)
                for proposal_id, client_id in self.session.execute(
                    select(proposals.c.id, proposals.c.client_id).where(
                        proposals.c.reference.in_(chunk)
                    )
                ).all()
            )
        lines = work_lines(self.session, list(ids))
        items = _items_by_proposal(self.session, [p for p in ids if p in lines])
        self.add(
            opened_items(((p, ids[p], found) for p, found in lines.items()), items, in_force_from)
        )
        self.session.expire_all()

    # -- reads -------------------------------------------------------------------------------

    def _listing(self) -> Select[Any]:
        work, lines = self.table("work_items"), self.table("proposal_lines")
        proposals, clients = self.table("proposals"), self.table("clients")
        services, outbox = self.table("services"), self.table("outbox_invoices")
        return (
            select(
                work.c.id,
                work.c.client_id,
                clients.c.reference,
                clients.c.name,
                proposals.c.reference,
                services.c.name,
                lines.c.billing_method,
                work.c.description,
                lines.c.quantity,
                lines.c.unit_price,
                work.c.amount_minor,
                work.c.due_month,
                work.c.status,
                work.c.proposal_line_id,
                services.c.account_code,
                services.c.tracking_category,
                clients.c.tracking,
                work.c.completed_at,
                outbox.c.reference,
                outbox.c.state,
                outbox.c.xero_number,
                outbox.c.error,
                work.c.outbox_id,
            )
            .join(lines, lines.c.id == work.c.proposal_line_id)
            .join(proposals, proposals.c.id == lines.c.proposal_id)
            .join(clients, clients.c.id == work.c.client_id)
            .join(services, services.c.id == lines.c.service_id)
            .outerjoin(outbox, outbox.c.id == work.c.outbox_id)
            .order_by(clients.c.reference, proposals.c.reference, work.c.due_month, work.c.id)
        )

    def listing(
        self,
        *,
        status: WorkStatus | None = None,
        client_id: int | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[WorkItem]:
        """Work items by client, proposal and period, with their invoice's posting state."""
        work, outbox = self.table("work_items"), self.table("outbox_invoices")
        statement = self._listing()
        if client_id is not None:
            statement = statement.where(work.c.client_id == client_id)
        if ids is not None:
            # An id past the column's range names no item (PostgreSQL's ids are 32-bit; an id
            # typed as 3000000000 is unknown there, not an error of the database's).
            largest = (
                2**31 - 1 if self.session.get_bind().dialect.name == "postgresql" else 2**63 - 1
            )
            statement = statement.where(work.c.id.in_([i for i in ids if i <= largest]))
        statement = statement.where(*work_status_where(work, outbox, status))
        return rows_to_items(self.session.execute(statement).all())

    def lines(self, proposal_ids: Sequence[int]) -> dict[int, list[WorkLine]]:
        return work_lines(self.session, proposal_ids)

    def proposal_of(self, item_ids: Sequence[int]) -> dict[int, int]:
        """By item id: the id of its proposal."""
        work, lines = self.table("work_items"), self.table("proposal_lines")
        return {
            item_id: proposal_id
            for item_id, proposal_id in self.session.execute(
                select(work.c.id, lines.c.proposal_id)
                .join(lines, lines.c.id == work.c.proposal_line_id)
                .where(work.c.id.in_(list(item_ids)))
            ).all()
        }

    def dues(self, proposal_ids: Sequence[int]) -> dict[int, list[tuple[int, Month | None]]]:
        """By proposal id: each of its items' (line id, due month)."""
        return {
            proposal_id: [(i[1], Month.parse(i[3]) if i[3] else None) for i in items]
            for proposal_id, items in _items_by_proposal(self.session, proposal_ids).items()
        }

    # -- writes ------------------------------------------------------------------------------

    def complete(self, item_ids: Sequence[int], outbox_id: int) -> None:
        work = self.table("work_items")
        self.session.execute(
            update(work)
            .where(work.c.id.in_(list(item_ids)))
            .values(status=WorkStatus.COMPLETED.value, outbox_id=outbox_id, completed_at=self.now())
        )

    def reopen(self, item_ids: Sequence[int]) -> None:
        work = self.table("work_items")
        self.session.execute(
            update(work)
            .where(work.c.id.in_(list(item_ids)))
            .values(status=WorkStatus.OPEN.value, outbox_id=None, completed_at=None)
        )

    def add(self, items: Sequence[tuple[int, int, WorkLine, Month]]) -> None:
        """Open items: (proposal id, client id, the line, its due month)."""
        created = self.bound("work_items", "created_at", self.now())
        months: dict[Month, str] = {}
        self.insert_plain(
            "work_items",
            [
                "proposal_line_id",
                "client_id",
                "description",
                "amount_minor",
                "status",
                "due_month",
                "created_at",
            ],
            [
                (
                    line.id,
                    client_id,
                    line.description,
                    to_minor(line.amount),
                    WorkStatus.OPEN.value,
                    months[due] if due in months else months.setdefault(due, str(due)),
                    created,
                )
                for _, client_id, line, due in items
            ],
        )


def rows_to_items(rows: Sequence[Any]) -> list[WorkItem]:
    months: dict[str | None, Month | None] = {None: None}
    quantities: dict[str, Decimal] = {}
    amounts: dict[int, Decimal] = {}
    prices: dict[str, Decimal] = {}
    trackings: dict[tuple[str | None, str | None], tuple[tuple[str, str], ...]] = {}
    items = []
    for (
        item_id,
        client_id,
        client_reference,
        client_name,
        proposal_reference,
        service,
        method,
        description,
        quantity,
        unit_text,
        minor,
        due,
        status,
        line_id,
        account_code,
        service_tracking,
        client_tracking,
        completed_at,
        reference,
        state,
        number,
        error,
        outbox_id,
    ) in rows:
        if due not in months:
            months[due] = Month.parse(due)
        if quantity not in quantities:
            quantities[quantity] = Decimal(quantity)
        if completed_at is not None and completed_at.tzinfo is None:
            completed_at = completed_at.replace(tzinfo=UTC)
        if minor not in amounts:
            amounts[minor] = from_minor(minor)
        if unit_text not in prices:
            prices[unit_text] = Decimal(unit_text)
        tracking_key = (service_tracking, client_tracking)
        if tracking_key not in trackings:
            trackings[tracking_key] = parse_tracking(service_tracking) + parse_tracking(
                client_tracking
            )
        items.append(
            WorkItem(
                id=item_id,
                client_id=client_id,
                client_reference=client_reference,
                client_name=client_name,
                proposal_reference=proposal_reference,
                service=service,
                method=_METHODS[method],
                description=description,
                quantity=quantities[quantity],
                unit_price=prices[unit_text],
                amount=amounts[minor],
                due=months[due],
                status=item_status(status, state),
                line_id=line_id,
                account_code=account_code,
                tracking=trackings[tracking_key],
                completed_at=completed_at,
                invoice_reference=reference,
                posting=state,
                xero_number=number,
                error=error or "",
                outbox_id=outbox_id,
            )
        )
    return items

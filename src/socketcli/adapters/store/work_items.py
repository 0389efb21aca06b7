"""Work items: the on-completion and one-off work of accepted proposals, billed when done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, or_, select

from socketcli.adapters.store.sql import SqlRepository, chunks
from socketcli.domain.model import BillingMethod
from socketcli.domain.months import Month

WORK_METHODS = [method.value for method in BillingMethod if method.is_work]


class SqlWorkItems(SqlRepository):
    def open_for(self, references: Sequence[str], *, in_force_from: Month) -> None:
        """Open items for the work lines of these proposals that have none yet, set-based.

        An item's amount is its line's stored amount (quantity x unit price, rounded once, by
        domain.money.quantize, when the line was saved). With `in_force_from`, only lines
        still in force from that month on: a line that ended before is history, whose work
        was invoiced before the import.
        """
        line_table = self.table("proposal_lines")
        proposal_table = self.table("proposals")
        work_table = self.table("work_items")
        now = self.now()
        items: list[tuple[Any, ...]] = []
        for chunk in chunks(sorted(set(references))):
            statement = (
                select(
                    line_table.c.id,
                    proposal_table.c.client_id,
                    line_table.c.description,
                    line_table.c.amount_minor,
                    line_table.c.start_month,
                )
                .join(proposal_table, proposal_table.c.id == line_table.c.proposal_id)
                .where(
                    proposal_table.c.reference.in_(chunk),
                    line_table.c.billing_method.in_(WORK_METHODS),
                    ~exists().where(work_table.c.proposal_line_id == line_table.c.id),
                )
                .order_by(line_table.c.id)
            )
            statement = statement.where(
                line_table.c.start_month.is_not(None),
                or_(
                    line_table.c.end_month.is_(None),
                    line_table.c.end_month >= str(in_force_from),
                ),
            )
            items += [
                (line_id, client_id, description, amount_minor, "open", start, now)
                for line_id, client_id, description, amount_minor, start in self.session.execute(
                    statement
                ).all()
            ]
        self.insert_many(
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
            items,
        )
        self.session.expire_all()

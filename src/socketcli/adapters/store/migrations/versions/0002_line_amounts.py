"""integer copies of line amounts, months and periods, so that plan totals are summed in SQL

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PERIODS = {"monthly": 1, "quarterly_in_advance": 3, "annual_in_advance": 12}


def _ordinal(text: str | None) -> int | None:
    """'2026-11' -> months since year 0, as domain.months.Month.ordinal."""
    if text is None:
        return None
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def upgrade() -> None:
    with op.batch_alter_table("proposal_lines") as batch:
        batch.add_column(
            sa.Column("amount_minor", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("period_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("start_ordinal", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("end_ordinal", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("anchor_ordinal", sa.Integer(), nullable=True))
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("last_billable_ordinal", sa.Integer(), nullable=True))

    connection = op.get_bind()
    lines = sa.table(
        "proposal_lines",
        sa.column("id", sa.Integer),
        sa.column("quantity", sa.String),
        sa.column("unit_price_minor", sa.Integer),
        sa.column("billing_method", sa.String),
        sa.column("start_month", sa.String),
        sa.column("end_month", sa.String),
        sa.column("anchor_month", sa.String),
        sa.column("amount_minor", sa.Integer),
        sa.column("period_months", sa.Integer),
        sa.column("start_ordinal", sa.Integer),
        sa.column("end_ordinal", sa.Integer),
        sa.column("anchor_ordinal", sa.Integer),
    )
    rows = connection.execute(
        sa.select(
            lines.c.id,
            lines.c.quantity,
            lines.c.unit_price_minor,
            lines.c.billing_method,
            lines.c.start_month,
            lines.c.end_month,
            lines.c.anchor_month,
        )
    ).all()
    updates = [
        {
            "line_id": line_id,
            # quantity x price, to the penny, half up: exactly domain.money.quantize.
            "amount": int(
                (Decimal(quantity) * unit_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            ),
            "period": PERIODS.get(method),
            "start": _ordinal(start),
            "end": _ordinal(end),
            "anchor": _ordinal(anchor or start),
        }
        for line_id, quantity, unit_minor, method, start, end, anchor in rows
    ]
    if updates:
        connection.execute(
            lines.update()
            .where(lines.c.id == sa.bindparam("line_id"))
            .values(
                amount_minor=sa.bindparam("amount"),
                period_months=sa.bindparam("period"),
                start_ordinal=sa.bindparam("start"),
                end_ordinal=sa.bindparam("end"),
                anchor_ordinal=sa.bindparam("anchor"),
            ),
            updates,
        )
    clients = sa.table(
        "clients",
        sa.column("id", sa.Integer),
        sa.column("last_billable_month", sa.String),
        sa.column("last_billable_ordinal", sa.Integer),
    )
    closing = connection.execute(
        sa.select(clients.c.id, clients.c.last_billable_month).where(
            clients.c.last_billable_month.is_not(None)
        )
    ).all()
    if closing:
        connection.execute(
            clients.update()
            .where(clients.c.id == sa.bindparam("client_id"))
            .values(last_billable_ordinal=sa.bindparam("last")),
            [{"client_id": client_id, "last": _ordinal(last)} for client_id, last in closing],
        )


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("last_billable_ordinal")
    with op.batch_alter_table("proposal_lines") as batch:
        for name in (
            "anchor_ordinal",
            "end_ordinal",
            "start_ordinal",
            "period_months",
            "amount_minor",
        ):
            batch.drop_column(name)

"""unit prices are kept as exact decimal text, so that a price of up to 4 decimal places
(as Xero takes them) is stored as typed; line amounts stay integer pennies

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposal_lines") as batch:
        batch.add_column(sa.Column("unit_price", sa.String(), nullable=False, server_default="0"))
    connection = op.get_bind()
    lines = sa.table(
        "proposal_lines",
        sa.column("id", sa.Integer),
        sa.column("unit_price_minor", sa.Integer),
        sa.column("unit_price", sa.String),
    )
    # pennies -> '123.45', as domain.money.price_text writes a two-place price: one
    # executemany by id (an UPDATE per distinct price scanned every line: minutes at 140,000).
    rows = connection.execute(sa.select(lines.c.id, lines.c.unit_price_minor)).all()
    if rows:
        connection.execute(
            lines.update().where(lines.c.id == sa.bindparam("line_id")),
            [
                {"line_id": line_id, "unit_price": str(Decimal(pennies).scaleb(-2))}
                for line_id, pennies in rows
            ],
        )
    with op.batch_alter_table("proposal_lines") as batch:
        batch.drop_column("unit_price_minor")


def downgrade() -> None:
    with op.batch_alter_table("proposal_lines") as batch:
        batch.add_column(
            sa.Column("unit_price_minor", sa.Integer(), nullable=False, server_default="0")
        )
    connection = op.get_bind()
    lines = sa.table(
        "proposal_lines",
        sa.column("unit_price_minor", sa.Integer),
        sa.column("unit_price", sa.String),
    )
    for price in connection.execute(sa.select(lines.c.unit_price).distinct()).scalars().all():
        connection.execute(
            lines.update()
            .where(lines.c.unit_price == price)
            .values(unit_price_minor=int(Decimal(price).scaleb(2).to_integral_value()))
        )
    with op.batch_alter_table("proposal_lines") as batch:
        batch.drop_column("unit_price")

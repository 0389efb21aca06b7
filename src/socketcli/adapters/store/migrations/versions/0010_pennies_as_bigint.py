"""amounts in pennies as 64-bit integers on PostgreSQL: a line, invoice or month of more than
21,474,836.47 (2**31 - 1 pennies, PostgreSQL's `integer`) was refused by the database with a
traceback; SQLite's INTEGER is 64-bit already, so nothing changes there

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: (table, column) of every amount kept in pennies (tables.py's `Pennies`).
PENNIES = (
    ("proposal_lines", "amount_minor"),
    ("work_items", "amount_minor"),
    ("plan_snapshots", "total_minor"),
    ("snapshot_invoices", "total_minor"),
    ("snapshot_lines", "line_amount_minor"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in PENNIES:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in PENNIES:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())

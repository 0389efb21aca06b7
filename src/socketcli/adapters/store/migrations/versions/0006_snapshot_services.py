"""a finalised month records the services each client had in force, so that a line of a
service added after (a late or backdated start) is outstanding in that month

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Proposal statuses and billing methods that bill in the plan (as of this revision).
_BILLED = "('accepted', 'cancelled')"
_IN_PLAN = "('monthly', 'quarterly_in_advance', 'annual_in_advance')"


def upgrade() -> None:
    op.create_table(
        "snapshot_services",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["month"], ["plan_snapshots.month"]),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("month", "client_id", "service_id"),
    )
    # Months finalised before this revision: a client they froze an invoice for counts as
    # having had every service it has in force in the month now (outstanding stays by client).
    op.execute(
        "INSERT INTO snapshot_services (month, client_id, service_id) "
        "SELECT DISTINCT i.month, p.client_id, l.service_id "
        "FROM snapshot_invoices i "
        "JOIN proposals p ON p.client_id = i.client_id "
        "JOIN proposal_lines l ON l.proposal_id = p.id "
        f"WHERE p.status IN {_BILLED} AND l.billing_method IN {_IN_PLAN} "
        "AND l.start_month IS NOT NULL AND l.start_month <= i.month "
        "AND (l.end_month IS NULL OR l.end_month >= i.month)"
    )


def downgrade() -> None:
    op.drop_table("snapshot_services")

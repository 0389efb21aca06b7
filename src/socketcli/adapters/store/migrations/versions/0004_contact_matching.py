"""contact matching: a mirrored contact keeps Xero's MergedToContactID, and a client can be
marked to get a new Xero contact (with its name) when it is first posted

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("xero_contacts") as batch:
        batch.add_column(sa.Column("merged_to_contact_id", sa.String(), nullable=True))
    # A plain "0", not sa.false(): an expression default would make SQLite's batch copy the
    # table, which the foreign keys pointing at clients refuse. "0" is false to PostgreSQL too.
    with op.batch_alter_table("clients") as batch:
        batch.add_column(
            sa.Column("new_xero_contact", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("new_xero_contact")
    with op.batch_alter_table("xero_contacts") as batch:
        batch.drop_column("merged_to_contact_id")

"""work management: a completed work item points at the outbox entry of its invoice, and the
outbox carries completion invoices beside the plan's (kind 'work', no finalised invoice)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_invoices") as batch:
        batch.alter_column("snapshot_invoice_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("kind", sa.String(), nullable=False, server_default="plan"))
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("outbox_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_work_items_outbox_id_outbox_invoices", "outbox_invoices", ["outbox_id"], ["id"]
        )
        batch.create_index(batch.f("ix_work_items_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.drop_index(batch.f("ix_work_items_outbox_id"))
        batch.drop_constraint("fk_work_items_outbox_id_outbox_invoices", type_="foreignkey")
        batch.drop_column("outbox_id")
    op.execute("DELETE FROM outbox_invoices WHERE kind = 'work'")
    with op.batch_alter_table("outbox_invoices") as batch:
        batch.drop_column("kind")
        batch.alter_column("snapshot_invoice_id", existing_type=sa.Integer(), nullable=False)

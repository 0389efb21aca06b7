"""approval freezes every field Xero will receive (the client, its contact, the payment
terms and the posting status on each finalised invoice), and the outbox that posts each
finalised invoice to Xero exactly once

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshot_invoices") as batch:
        batch.add_column(
            sa.Column("client_reference", sa.String(), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("client_name", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("contact_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("payment_terms", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("status", sa.String(), nullable=False, server_default="DRAFT"))
    # Months finalised before this revision froze no client details: take them as they are now.
    op.execute(
        "UPDATE snapshot_invoices SET "
        "client_reference = (SELECT reference FROM clients WHERE clients.id = snapshot_invoices.client_id), "
        "client_name = (SELECT name FROM clients WHERE clients.id = snapshot_invoices.client_id), "
        "contact_id = (SELECT xero_contact_id FROM clients WHERE clients.id = snapshot_invoices.client_id)"
    )
    op.create_table(
        "outbox_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_invoice_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("idempotency_key", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("xero_invoice_id", sa.String(), nullable=True),
        sa.Column("xero_number", sa.String(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["snapshot_invoice_id"], ["snapshot_invoices.id"]),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("snapshot_invoice_id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("outbox_invoices") as batch:
        batch.create_index(batch.f("ix_outbox_invoices_month"), ["month"], unique=False)
        batch.create_index(batch.f("ix_outbox_invoices_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox_invoices")
    with op.batch_alter_table("snapshot_invoices") as batch:
        for column in ("status", "payment_terms", "contact_id", "client_name", "client_reference"):
            batch.drop_column(column)

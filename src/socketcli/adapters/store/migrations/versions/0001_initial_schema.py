"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 13:55:18.855330
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("year_end", sa.String(), nullable=True),
        sa.Column("xero_contact_id", sa.String(), nullable=True),
        sa.Column("xero_contact_name", sa.String(), nullable=True),
        sa.Column("payment_terms", sa.String(), nullable=True),
        sa.Column("invoice_day", sa.Integer(), nullable=True),
        sa.Column("consolidate", sa.Boolean(), nullable=True),
        sa.Column("branding_theme", sa.String(), nullable=True),
        sa.Column("tracking", sa.String(), nullable=True),
        sa.Column("last_billable_month", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_clients_reference"), ["reference"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_clients_xero_contact_id"), ["xero_contact_id"], unique=False
        )

    op.create_table(
        "plan_snapshots",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("invoice_count", sa.Integer(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("billing_method", sa.String(), nullable=False),
        sa.Column("account_code", sa.String(), nullable=True),
        sa.Column("alignment_eligible", sa.Boolean(), nullable=False),
        sa.Column("tracking_category", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_name"), ["name"], unique=True)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "xero_contacts",
        sa.Column("contact_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("contact_number", sa.String(), nullable=True),
        sa.Column("account_number", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("is_customer", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    with op.batch_alter_table("xero_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xero_contacts_name"), ["name"], unique=False)

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposals_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposals_reference"), ["reference"], unique=True)
        batch_op.create_index(batch_op.f("ix_proposals_status"), ["status"], unique=False)

    op.create_table(
        "snapshot_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("contact_name", sa.String(), nullable=False),
        sa.Column("branding_theme", sa.String(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
        ),
        sa.ForeignKeyConstraint(
            ["month"],
            ["plan_snapshots.month"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("snapshot_invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_snapshot_invoices_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_snapshot_invoices_month"), ["month"], unique=False)

    op.create_table(
        "proposal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("quantity", sa.String(), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("billing_method", sa.String(), nullable=False),
        sa.Column("start_month", sa.String(), nullable=True),
        sa.Column("end_month", sa.String(), nullable=True),
        sa.Column("anchor_month", sa.String(), nullable=True),
        sa.Column("charges_alignment", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_end_month"), ["end_month"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_start_month"), ["start_month"], unique=False
        )

    op.create_table(
        "snapshot_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("quantity", sa.String(), nullable=False),
        sa.Column("unit_amount", sa.String(), nullable=False),
        sa.Column("account_code", sa.String(), nullable=True),
        sa.Column("line_amount_minor", sa.Integer(), nullable=False),
        sa.Column("tracking", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["snapshot_invoices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("snapshot_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_snapshot_lines_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_line_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due_month", sa.String(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposal_line_id"],
            ["proposal_lines.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_items_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_items_proposal_line_id"), ["proposal_line_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_items_proposal_line_id"))
        batch_op.drop_index(batch_op.f("ix_work_items_client_id"))

    op.drop_table("work_items")
    with op.batch_alter_table("snapshot_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_lines_invoice_id"))

    op.drop_table("snapshot_lines")
    with op.batch_alter_table("proposal_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_lines_start_month"))
        batch_op.drop_index(batch_op.f("ix_proposal_lines_service_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_lines_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_lines_end_month"))

    op.drop_table("proposal_lines")
    with op.batch_alter_table("snapshot_invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_invoices_month"))
        batch_op.drop_index(batch_op.f("ix_snapshot_invoices_client_id"))

    op.drop_table("snapshot_invoices")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_proposals_reference"))
        batch_op.drop_index(batch_op.f("ix_proposals_client_id"))

    op.drop_table("proposals")
    with op.batch_alter_table("xero_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xero_contacts_name"))

    op.drop_table("xero_contacts")
    op.drop_table("settings")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_name"))

    op.drop_table("services")
    op.drop_table("plan_snapshots")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_xero_contact_id"))
        batch_op.drop_index(batch_op.f("ix_clients_reference"))
        batch_op.drop_index(batch_op.f("ix_clients_name"))

    op.drop_table("clients")

"""the Xero mirror for `socket sync`: accounts, branding themes, tracking, sync state, and what
was pushed to each linked contact; contacts get their organisation and Xero's UpdatedDateUTC

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("xero_contacts") as batch:
        batch.add_column(sa.Column("tenant_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("xero_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_xero_contacts_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "xero_accounts",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("account_class", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("tax_type", sa.String(), nullable=True),
        sa.Column("xero_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("xero_accounts") as batch:
        batch.create_index(batch.f("ix_xero_accounts_code"), ["code"], unique=False)
        batch.create_index(batch.f("ix_xero_accounts_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "xero_branding_themes",
        sa.Column("branding_theme_id", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("branding_theme_id"),
    )
    with op.batch_alter_table("xero_branding_themes") as batch:
        batch.create_index(
            batch.f("ix_xero_branding_themes_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "xero_tracking_categories",
        sa.Column("tracking_category_id", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tracking_category_id"),
    )
    with op.batch_alter_table("xero_tracking_categories") as batch:
        batch.create_index(
            batch.f("ix_xero_tracking_categories_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "xero_tracking_options",
        sa.Column("tracking_option_id", sa.String(), nullable=False),
        sa.Column("tracking_category_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tracking_category_id"], ["xero_tracking_categories.tracking_category_id"]
        ),
        sa.PrimaryKeyConstraint("tracking_option_id"),
    )
    with op.batch_alter_table("xero_tracking_options") as batch:
        batch.create_index(
            batch.f("ix_xero_tracking_options_tracking_category_id"),
            ["tracking_category_id"],
            unique=False,
        )

    op.create_table(
        "xero_sync_state",
        sa.Column("tenant_id", sa.String(), nullable=False),
        sa.Column("contacts_modified_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accounts_modified_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contacts_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accounts_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("themes_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tracking_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_push_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id"),
    )

    op.create_table(
        "xero_pushed_clients",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("contact_number", sa.String(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("client_id"),
    )


def downgrade() -> None:
    op.drop_table("xero_pushed_clients")
    op.drop_table("xero_sync_state")
    with op.batch_alter_table("xero_tracking_options") as batch:
        batch.drop_index(batch.f("ix_xero_tracking_options_tracking_category_id"))
    op.drop_table("xero_tracking_options")
    with op.batch_alter_table("xero_tracking_categories") as batch:
        batch.drop_index(batch.f("ix_xero_tracking_categories_tenant_id"))
    op.drop_table("xero_tracking_categories")
    with op.batch_alter_table("xero_branding_themes") as batch:
        batch.drop_index(batch.f("ix_xero_branding_themes_tenant_id"))
    op.drop_table("xero_branding_themes")
    with op.batch_alter_table("xero_accounts") as batch:
        batch.drop_index(batch.f("ix_xero_accounts_tenant_id"))
        batch.drop_index(batch.f("ix_xero_accounts_code"))
    op.drop_table("xero_accounts")
    with op.batch_alter_table("xero_contacts") as batch:
        batch.drop_index(batch.f("ix_xero_contacts_tenant_id"))
        batch.drop_column("xero_updated_at")
        batch.drop_column("tenant_id")

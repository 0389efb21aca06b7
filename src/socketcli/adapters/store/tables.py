"""SQLModel tables. Money is integer pennies or exact decimal text; months are 'YYYY-MM'.

Every change to these tables needs a migration in migrations/versions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, Integer, Text
from sqlmodel import Field, SQLModel

#: An amount in pennies: 64-bit on every engine (SQLite's INTEGER is; PostgreSQL's `integer`
#: is 32-bit, and stops at 21,474,836.47), as socket accepts amounts up to 999,999,999,999.99.
Pennies = BigInteger().with_variant(Integer(), "sqlite")


class SettingRow(SQLModel, table=True):
    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str


class ClientRow(SQLModel, table=True):
    __tablename__ = "clients"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    name: str = Field(index=True)
    email: str = ""
    year_end: str | None = None  # "MM-DD"
    xero_contact_id: str | None = Field(default=None, index=True)
    xero_contact_name: str | None = None
    payment_terms: str | None = None
    invoice_day: int | None = None
    consolidate: bool | None = None
    branding_theme: str | None = None
    tracking: str | None = None
    last_billable_month: str | None = None
    last_billable_ordinal: int | None = None  # the same month as an ordinal, for SQL totals
    # No contact on purpose: posting creates a Xero contact with the client's name.
    new_xero_contact: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    created_at: datetime
    updated_at: datetime


class ServiceRow(SQLModel, table=True):
    __tablename__ = "services"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    billing_method: str
    account_code: str | None = None
    alignment_eligible: bool = False
    tracking_category: str | None = None
    created_at: datetime
    updated_at: datetime


class ProposalRow(SQLModel, table=True):
    __tablename__ = "proposals"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    status: str = Field(index=True)
    start_date: date | None = None
    title: str = ""
    accepted_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class ProposalLineRow(SQLModel, table=True):
    __tablename__ = "proposal_lines"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposals.id", index=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    position: int = 0
    description: str = ""
    quantity: str  # exact decimal text
    unit_price: str  # exact decimal text, up to 4 places (domain.money.price_text)
    # quantity x unit price to the penny (half up), for set-based totals
    amount_minor: int = Field(default=0, sa_type=Pennies)
    billing_method: str
    start_month: str | None = Field(default=None, index=True)
    end_month: str | None = Field(default=None, index=True)
    anchor_month: str | None = None
    charges_alignment: bool = False
    # Integer copies for set-based plan totals (domain Month.ordinal; period None: not in plan).
    period_months: int | None = None
    start_ordinal: int | None = None
    end_ordinal: int | None = None
    anchor_ordinal: int | None = None
    created_at: datetime


class WorkItemRow(SQLModel, table=True):
    __tablename__ = "work_items"

    id: int | None = Field(default=None, primary_key=True)
    proposal_line_id: int = Field(foreign_key="proposal_lines.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    description: str
    amount_minor: int = Field(sa_type=Pennies)
    status: str = "open"  # open, completed (invoiced: its outbox entry is posted)
    due_month: str | None = None  # a quarterly or annual item's period starts here
    completed_at: datetime | None = None
    created_at: datetime
    # The outbox entry of the invoice its completion made (None while open).
    outbox_id: int | None = Field(default=None, foreign_key="outbox_invoices.id", index=True)


class PlanSnapshotRow(SQLModel, table=True):
    __tablename__ = "plan_snapshots"

    month: str = Field(primary_key=True)
    status: str = "finalised"
    total_minor: int = Field(sa_type=Pennies)
    invoice_count: int
    finalised_at: datetime
    finalised_by: str = ""


class SnapshotInvoiceRow(SQLModel, table=True):
    __tablename__ = "snapshot_invoices"

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(foreign_key="plan_snapshots.month", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    kind: str
    invoice_date: date
    due_date: date
    reference: str
    contact_name: str
    branding_theme: str = ""
    total_minor: int = Field(sa_type=Pennies)
    line_count: int
    # Frozen at approval with the rest: what Xero receives does not move with later edits.
    client_reference: str = Field(default="", sa_column_kwargs={"server_default": ""})
    client_name: str = Field(default="", sa_column_kwargs={"server_default": ""})
    contact_id: str | None = None
    payment_terms: str = Field(default="", sa_column_kwargs={"server_default": ""})
    status: str = Field(default="DRAFT", sa_column_kwargs={"server_default": "DRAFT"})


class SnapshotLineRow(SQLModel, table=True):
    __tablename__ = "snapshot_lines"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="snapshot_invoices.id", index=True)
    position: int
    description: str
    quantity: str
    unit_amount: str
    account_code: str | None = None
    line_amount_minor: int = Field(sa_type=Pennies)
    tracking: str = ""


class SnapshotServiceRow(SQLModel, table=True):
    """A service a client had in force when its month was finalised (or its outstanding
    invoices were added): a line of a service a client did not have then came into scope
    after, and is outstanding in that month."""

    __tablename__ = "snapshot_services"

    month: str = Field(foreign_key="plan_snapshots.month", primary_key=True)
    client_id: int = Field(foreign_key="clients.id", primary_key=True)
    service_id: int = Field(foreign_key="services.id", primary_key=True)


class OutboxInvoiceRow(SQLModel, table=True):
    """A finalised invoice on its way to Xero: written with its request body before it is
    sent, its answer recorded after (the transactional outbox)."""

    __tablename__ = "outbox_invoices"

    id: int | None = Field(default=None, primary_key=True)
    # The finalised invoice it posts (None: a work completion's invoice, kind 'work').
    snapshot_invoice_id: int | None = Field(
        default=None, foreign_key="snapshot_invoices.id", unique=True
    )
    kind: str = Field(default="plan", sa_column_kwargs={"server_default": "plan"})  # plan, work
    month: str = Field(index=True)
    client_id: int = Field(foreign_key="clients.id")
    reference: str = Field(unique=True)
    state: str = Field(index=True)  # pending, sending, posted or failed
    idempotency_key: str
    body: str = Field(sa_type=Text)  # the invoice as JSON, exactly as sent
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    xero_invoice_id: str | None = None
    xero_number: str | None = None
    error: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    created_at: datetime
    sent_at: datetime | None = None
    settled_at: datetime | None = None


class XeroContactRow(SQLModel, table=True):
    """The local mirror of the organisation's Xero contacts (the playground's demo list too)."""

    __tablename__ = "xero_contacts"

    contact_id: str = Field(primary_key=True)
    name: str = Field(index=True)
    email: str = ""
    contact_number: str | None = None
    account_number: str | None = None
    status: str = "ACTIVE"  # ACTIVE, ARCHIVED (or GDPRREQUEST)
    is_customer: bool = True
    updated_at: datetime  # when this row was last written here
    # The organisation it came from (None: the playground's demo list, before any sync), and
    # Xero's UpdatedDateUTC: the next incremental sync asks for contacts changed after it.
    tenant_id: str | None = Field(default=None, index=True)
    xero_updated_at: datetime | None = None
    # Xero's MergedToContactID: a contact merged into another is archived and names it here.
    merged_to_contact_id: str | None = None


class XeroAccountRow(SQLModel, table=True):
    """The mirror of the organisation's revenue accounts (archived ones too), from `socket sync`."""

    __tablename__ = "xero_accounts"

    account_id: str = Field(primary_key=True)
    tenant_id: str = Field(index=True)
    code: str = Field(index=True)
    name: str
    type: str
    account_class: str
    status: str = "ACTIVE"  # ACTIVE or ARCHIVED
    tax_type: str | None = None
    xero_updated_at: datetime | None = None
    synced_at: datetime


class XeroBrandingThemeRow(SQLModel, table=True):
    __tablename__ = "xero_branding_themes"

    branding_theme_id: str = Field(primary_key=True)
    tenant_id: str = Field(index=True)
    name: str
    sort_order: int = 0
    synced_at: datetime


class XeroTrackingCategoryRow(SQLModel, table=True):
    __tablename__ = "xero_tracking_categories"

    tracking_category_id: str = Field(primary_key=True)
    tenant_id: str = Field(index=True)
    name: str
    status: str = "ACTIVE"
    synced_at: datetime


class XeroTrackingOptionRow(SQLModel, table=True):
    __tablename__ = "xero_tracking_options"

    tracking_option_id: str = Field(primary_key=True)
    tracking_category_id: str = Field(
        foreign_key="xero_tracking_categories.tracking_category_id", index=True
    )
    position: int = 0
    name: str
    status: str = "ACTIVE"


class XeroSyncStateRow(SQLModel, table=True):
    """Where `socket sync` stands with one organisation: its watermarks and when each phase
    last completed."""

    __tablename__ = "xero_sync_state"

    tenant_id: str = Field(primary_key=True)
    # The newest UpdatedDateUTC seen: the next incremental pull's If-Modified-Since.
    contacts_modified_since: datetime | None = None
    accounts_modified_since: datetime | None = None
    contacts_synced_at: datetime | None = None
    accounts_synced_at: datetime | None = None
    themes_synced_at: datetime | None = None
    tracking_synced_at: datetime | None = None
    last_sync_at: datetime | None = None  # the last run in which every phase succeeded
    last_push_at: datetime | None = None  # the last run that changed a contact in Xero


class XeroPushedClientRow(SQLModel, table=True):
    """A linked client's details as socket last pushed them to (or found them in) its Xero
    contact: the base that tells a change made here from one made in Xero."""

    __tablename__ = "xero_pushed_clients"

    client_id: int = Field(primary_key=True, foreign_key="clients.id")
    contact_id: str
    name: str
    email: str = ""
    contact_number: str = ""
    pushed_at: datetime


class HistoryRow(SQLModel, table=True):
    """One entry of the history (domain/history.py): appended in the transaction of the
    change it records, never updated nor deleted (triggers refuse both, migration 0009)."""

    __tablename__ = "history"
    __table_args__ = (
        # Each filter of `socket history` with the newest-first order, so that a page of
        # the newest entries of a kind, a month or a client is read from its index.
        Index("ix_history_at", "at", "id"),
        Index("ix_history_kind_at", "kind", "at", "id"),
        Index("ix_history_month_at", "month", "at", "id"),
        Index("ix_history_client_at", "client_reference", "at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime  # UTC
    actor: str  # who: the operating-system user, --by, or what acted ("plan_mode auto")
    kind: str
    month: str | None = None
    client_reference: str | None = None
    client_name: str | None = None
    summary: str = Field(sa_type=Text)
    details: str = Field(default="{}", sa_type=Text)  # JSON

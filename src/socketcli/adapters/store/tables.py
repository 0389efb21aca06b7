"""SQLModel tables. Money is integer pennies or exact decimal text; months are 'YYYY-MM'.

Every change to these tables needs a migration in migrations/versions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


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
    unit_price_minor: int  # pennies
    amount_minor: int = 0  # quantity x unit price to the penny (half up), for set-based totals
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
    amount_minor: int
    status: str = "open"  # open, completed
    due_month: str | None = None
    completed_at: datetime | None = None
    created_at: datetime


class PlanSnapshotRow(SQLModel, table=True):
    __tablename__ = "plan_snapshots"

    month: str = Field(primary_key=True)
    status: str = "finalised"
    total_minor: int
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
    total_minor: int
    line_count: int


class SnapshotLineRow(SQLModel, table=True):
    __tablename__ = "snapshot_lines"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="snapshot_invoices.id", index=True)
    position: int
    description: str
    quantity: str
    unit_amount: str
    account_code: str | None = None
    line_amount_minor: int
    tracking: str = ""


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
    updated_at: datetime

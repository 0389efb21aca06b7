"""Between xero-python's models and the plain records of socketcli.ports.xero.

xero-python is untyped: every model attribute is read through `_text`, `_flag` and `_money`,
which also turn the SDK's enums into their Xero names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from xero_python.accounting import (
    Contact,
    Contacts,
    Invoice,
    Invoices,
    LineAmountTypes,
    LineItem,
    LineItemTracking,
)

from socketcli.ports.xero import (
    ContactChange,
    CreatedInvoice,
    NewContact,
    NewInvoice,
    XeroAccount,
    XeroBrandingTheme,
    XeroConnection,
    XeroContactRecord,
    XeroTrackingCategory,
    XeroTrackingOption,
)

CENT = Decimal("0.01")


def _text(value: Any, default: str = "") -> str:
    """Xero's text as socket keeps it: a NUL character is dropped (a PostgreSQL store cannot
    hold one in text, and it is no part of a name), on every engine alike."""
    if value is None:
        return default
    if isinstance(value, Enum):
        return str(value.value)
    return str(value).replace("\x00", "")


def _optional(value: Any) -> str | None:
    text = _text(value)
    return text or None


def _flag(value: Any, default: bool) -> bool:
    return default if value is None else bool(value)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT)


# -- from Xero -------------------------------------------------------------------------------


def contact_record(contact: Any) -> XeroContactRecord:
    return XeroContactRecord(
        contact_id=_text(contact.contact_id),
        name=_text(contact.name),
        email=_text(contact.email_address),
        contact_number=_optional(contact.contact_number),
        account_number=_optional(contact.account_number),
        status=_text(contact.contact_status, "ACTIVE"),
        is_customer=_flag(contact.is_customer, False),
        merged_to=_optional(contact.merged_to_contact_id),
        updated_at=_moment(contact.updated_date_utc),
    )


def account_record(account: Any) -> XeroAccount:
    return XeroAccount(
        account_id=_text(account.account_id),
        code=_text(account.code),
        name=_text(account.name),
        status=_text(account.status, "ACTIVE"),
        type=_text(account.type),
        account_class=_text(account._class),
        tax_type=_optional(account.tax_type),
        updated_at=_moment(account.updated_date_utc),
    )


def branding_theme_record(theme: Any) -> XeroBrandingTheme:
    return XeroBrandingTheme(
        branding_theme_id=_text(theme.branding_theme_id),
        name=_text(theme.name),
        sort_order=int(theme.sort_order or 0),
        type=_text(theme.type, "INVOICE"),
    )


def tracking_category_record(category: Any) -> XeroTrackingCategory:
    return XeroTrackingCategory(
        tracking_category_id=_text(category.tracking_category_id),
        name=_text(category.name),
        status=_text(category.status, "ACTIVE"),
        options=tuple(
            XeroTrackingOption(
                tracking_option_id=_text(option.tracking_option_id),
                name=_text(option.name),
                status=_text(option.status, "ACTIVE"),
            )
            for option in category.options or ()
        ),
    )


def connection_record(connection: Any) -> XeroConnection:
    return XeroConnection(
        tenant_id=_text(connection.tenant_id),
        tenant_name=_text(connection.tenant_name),
        tenant_type=_text(connection.tenant_type, "ORGANISATION"),
    )


def created_invoice(invoice: Any) -> CreatedInvoice:
    contact = invoice.contact
    return CreatedInvoice(
        invoice_id=_text(invoice.invoice_id),
        invoice_number=_text(invoice.invoice_number),
        reference=_text(invoice.reference),
        status=_text(invoice.status),
        contact_id=_optional(contact.contact_id) if contact is not None else None,
        sub_total=_money(invoice.sub_total),
        total_tax=_money(invoice.total_tax),
        total=_money(invoice.total),
    )


# -- to Xero ---------------------------------------------------------------------------------


def new_contacts(contacts: list[NewContact]) -> Any:
    return Contacts(
        contacts=[
            Contact(
                name=c.name,
                email_address=c.email or None,
                contact_number=c.contact_number,
                account_number=c.account_number,
            )
            for c in contacts
        ]
    )


def contact_changes(changes: list[ContactChange]) -> Any:
    """Only the fields given are sent (the SDK leaves out None), so the rest stay as they are."""
    return Contacts(
        contacts=[
            Contact(
                contact_id=c.contact_id,
                name=c.name,
                email_address=c.email,
                contact_number=c.contact_number,
                account_number=c.account_number,
            )
            for c in changes
        ]
    )


def new_invoices(invoices: list[NewInvoice]) -> Any:
    return Invoices(invoices=[_invoice(i) for i in invoices])


def _invoice(invoice: NewInvoice) -> Any:
    contact = (
        Contact(contact_id=invoice.contact_id)
        if invoice.contact_id
        else Contact(name=invoice.contact_name)
    )
    return Invoice(
        type="ACCREC",
        contact=contact,
        date=invoice.invoice_date,
        due_date=invoice.due_date,
        reference=invoice.reference,
        status=invoice.status,
        branding_theme_id=invoice.branding_theme_id,
        line_amount_types=LineAmountTypes(invoice.line_amount_types),
        line_items=[
            LineItem(
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                account_code=line.account_code,
                tax_type=line.tax_type,
                tracking=[
                    LineItemTracking(name=name, option=option) for name, option in line.tracking
                ]
                or None,
            )
            for line in invoice.lines
        ],
    )

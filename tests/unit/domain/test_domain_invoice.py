"""The invoice as Xero will receive it: dates, due date, reference and theme."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from socketcli.domain.invoice import render_invoice
from socketcli.domain.model import InvoiceKind, InvoiceLine, PlannedInvoice
from socketcli.domain.months import Month
from socketcli.domain.records import Client
from socketcli.domain.settings import PracticeSettings

SETTINGS = PracticeSettings.defaults()
JANUARY_2026 = Month(2026, 1)
CLIENT = Client(reference="ACME", name="Acme Ltd", id=1)
LINES = (
    InvoiceLine("Bookkeeping – Jan 2026", Decimal(1), Decimal("100.00"), "200", Decimal("100.00")),
    InvoiceLine("Payroll – Jan 2026", Decimal(2), Decimal("12.50"), "210", Decimal("25.00")),
)


def planned(month=JANUARY_2026, kind=InvoiceKind.RECURRING, lines=LINES):
    return PlannedInvoice(client_id=1, month=month, kind=kind, lines=lines)


def test_the_invoice_is_dated_on_the_practice_invoice_day():
    document = render_invoice(planned(), CLIENT, replace(SETTINGS, invoice_day=15))
    assert document.invoice_date == date(2026, 1, 15)


def test_the_clients_invoice_day_beats_the_practice_one():
    client = replace(CLIENT, invoice_day=20)
    document = render_invoice(planned(), client, replace(SETTINGS, invoice_day=15))
    assert document.invoice_date == date(2026, 1, 20)


def test_an_invoice_day_of_31_is_the_last_day_of_february():
    client = replace(CLIENT, invoice_day=31)
    assert render_invoice(planned(Month(2026, 2)), client, SETTINGS).invoice_date == date(
        2026, 2, 28
    )
    assert render_invoice(planned(Month(2028, 2)), client, SETTINGS).invoice_date == date(
        2028, 2, 29
    )


def test_the_due_date_follows_the_practice_terms_by_default():
    document = render_invoice(planned(), CLIENT, SETTINGS)
    assert document.invoice_date == date(2026, 1, 1)
    assert document.due_date == date(2026, 1, 15)
    assert document.payment_terms == "14 days after the invoice date"


def test_the_due_date_follows_the_clients_own_terms():
    client = replace(CLIENT, payment_terms="following:20")
    document = render_invoice(planned(), client, SETTINGS)
    assert document.due_date == date(2026, 2, 20)
    assert document.payment_terms == "the 20th of the following month"


def test_the_due_date_is_counted_from_the_clamped_invoice_date():
    client = replace(CLIENT, invoice_day=31, payment_terms="days:7")
    document = render_invoice(planned(Month(2026, 2)), client, SETTINGS)
    assert document.due_date == date(2026, 3, 7)


def test_the_reference_is_the_client_reference_and_the_month():
    assert render_invoice(planned(), CLIENT, SETTINGS).reference == "ACME Jan 2026"


def test_an_alignment_invoice_says_so_in_its_reference():
    document = render_invoice(planned(Month(2023, 10), InvoiceKind.ALIGNMENT), CLIENT, SETTINGS)
    assert document.reference == "ACME Oct 2023 alignment fee"
    assert document.kind is InvoiceKind.ALIGNMENT


def test_the_clients_branding_theme_beats_the_practice_one():
    client = replace(CLIENT, branding_theme="Special")
    settings = replace(SETTINGS, branding_theme="Standard")
    assert render_invoice(planned(), client, settings).branding_theme == "Special"


def test_without_a_client_theme_the_practice_theme_is_used():
    settings = replace(SETTINGS, branding_theme="Standard")
    assert render_invoice(planned(), CLIENT, settings).branding_theme == "Standard"


def test_without_any_theme_xeros_default_is_used():
    assert render_invoice(planned(), CLIENT, SETTINGS).branding_theme == ""


def test_the_contact_is_the_linked_xero_contact_where_there_is_one():
    linked = replace(CLIENT, xero_contact_id="abc-123", xero_contact_name="ACME LIMITED")
    document = render_invoice(planned(), linked, SETTINGS)
    assert (document.contact_name, document.contact_id) == ("ACME LIMITED", "abc-123")


def test_an_unlinked_client_is_named_as_itself():
    document = render_invoice(planned(), CLIENT, SETTINGS)
    assert (document.contact_name, document.contact_id) == ("Acme Ltd", None)
    assert document.client_name == "Acme Ltd"
    assert document.client_reference == "ACME"


def test_the_lines_and_totals_are_those_planned():
    document = render_invoice(planned(), CLIENT, SETTINGS)
    assert document.lines == LINES
    assert document.subtotal == document.total == Decimal("125.00")
    assert document.month == Month(2026, 1)
    assert document.client_id == 1

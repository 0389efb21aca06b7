"""`where` as Xero reads it: ==, !=, AND, OR, StartsWith, Contains and parentheses; anything
else is refused with Xero's 400 QueryParseException rather than matching everything."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from xero_python.exceptions import AccountingBadRequestException

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, api


def found(sdk: Sdk, xero: Sandbox, where: str) -> list[str]:
    answer = sdk.accounting.get_invoices(xero.tenant_id, where=where)
    return [i.reference for i in answer.invoices]


@pytest.mark.usefixtures("five_invoices")
@pytest.mark.parametrize(
    ("where", "references"),
    [
        ('Reference=="CLI001 December 2026"', ["CLI001 December 2026"]),
        ('Reference=="cli001 december 2026"', []),
        (
            'Reference=="CLI001 December 2026" OR Reference=="CLI003 January 2027"',
            ["CLI001 December 2026", "CLI003 January 2027"],
        ),
        (
            'Reference=="CLI001 December 2026" || Reference=="CLI002 December 2026"',
            ["CLI001 December 2026", "CLI002 December 2026"],
        ),
        (
            'Reference.StartsWith("CLI00") AND Status=="AUTHORISED"',
            ["CLI002 December 2026", "CLI005 December 2026"],
        ),
        ('Reference.Contains("December") && Status!="AUTHORISED"', ["CLI001 December 2026"]),
        (
            '(Reference=="CLI001 December 2026" OR Reference=="CLI002 December 2026") AND Status=="DRAFT"',
            ["CLI001 December 2026"],
        ),
        (
            'Reference=="CLI003 January 2027" OR (Status=="SUBMITTED" AND Reference.Contains("quoted"))',
            ["CLI003 January 2027", 'CLI004 "quoted"'],
        ),
        ('Reference=="CLI004 ""quoted"""', ['CLI004 "quoted"']),
        ('Contact.Name=="Harbour View B&B"', ["CLI003 January 2027"]),
        (
            "Total==234.00 AND SentToContact==false",
            [
                "CLI001 December 2026",
                "CLI002 December 2026",
                "CLI003 January 2027",
                'CLI004 "quoted"',
                "CLI005 December 2026",
            ],
        ),
        ("Total==195", []),
    ],
)
def test_what_the_sandbox_reads_in_a_where(
    sdk: Sdk, xero: Sandbox, where: str, references: list[str]
) -> None:
    assert found(sdk, xero, where) == references


@pytest.mark.usefixtures("five_invoices")
def test_a_contact_id_as_a_guid(sdk: Sdk, xero: Sandbox) -> None:
    harbour = xero.contact_named("Harbour View B&B")
    assert harbour is not None

    by_guid = found(sdk, xero, f'Contact.ContactID==Guid("{harbour["ContactID"].upper()}")')
    not_it = found(sdk, xero, f'Contact.ContactID!=Guid("{harbour["ContactID"]}")')

    assert by_guid == ["CLI003 January 2027"]
    assert len(not_it) == 4


@pytest.mark.usefixtures("five_invoices")
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("Total>100", "Operator '>' is not supported by the sandbox"),
        ('Reference.EndsWith("2026")', "No applicable method 'EndsWith' exists in type 'String'"),
        ('Reference.ToLower()=="x"', "No applicable method 'ToLower' exists in type 'String'"),
        ("Date==DateTime(2026,12,1)", "Expression expected"),
        (
            'Refrence=="CLI001 December 2026"',
            "No property or field 'Refrence' exists in type 'Invoice'",
        ),
        ('Reference=="CLI001', "Unterminated string literal"),
        ("Reference==", "Expression expected"),
        ('(Reference=="x"', "')' expected"),
        ('Reference=="x" Status=="DRAFT"', "Syntax error"),
        ('Reference=="x" AND', "Expression expected"),
        ('NOT Reference=="x"', "No property or field 'NOT' exists in type 'Invoice'"),
        ('!(Reference=="x")', "Expression expected"),
    ],
)
def test_anything_else_is_refused_as_xero_refuses_it(
    sdk: Sdk, xero: Sandbox, where: str, message: str
) -> None:
    with pytest.raises(AccountingBadRequestException):
        sdk.accounting.get_invoices(xero.tenant_id, where=where)
    answer = api(xero, sdk, "GET", "/Invoices?" + urlencode({"where": where}))

    assert answer.status == 400
    assert answer.json() == {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}
    assert "x-minlimit-remaining" in answer.headers


def test_every_list_refuses_what_it_cannot_read(sdk: Sdk, xero: Sandbox) -> None:
    for path in ("/Contacts", "/Accounts", "/TaxRates", "/TrackingCategories"):
        answer = api(xero, sdk, "GET", path + "?" + urlencode({"where": 'Name.EndsWith("Ltd")'}))
        assert (path, answer.status, answer.json()["Type"]) == (path, 400, "QueryParseException")
    read = sdk.accounting
    contacts = read.get_contacts(
        xero.tenant_id, where='Name.StartsWith("Harbour") OR Name.Contains("Limousines")'
    )
    accounts = read.get_accounts(
        xero.tenant_id, where='Class=="REVENUE" AND (Code=="200" OR Code=="270")'
    )

    assert [c.name for c in contacts.contacts] == ["City Limousines", "Harbour View B&B"]
    assert [a.code for a in accounts.accounts] == ["200", "270"]

"""The sandbox answers in Xero's shapes: its JSON checked against the schemas of Xero's own
OpenAPI specs (../shared/xero beside the repository).

Two checks per answer: the schema itself (types, enums, formats such as uuid), and that every
field the sandbox sends is one the schema declares (the schemas allow extra fields, so a
misspelt "EmailAdress" would otherwise pass). The few fields real Xero sends beyond the spec
are listed in EXTRAS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socketcli.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Sdk, api, http

yaml = pytest.importorskip("yaml", reason="the contract tests need PyYAML (a dev dependency)")
openapi_schema_validator = pytest.importorskip(
    "openapi_schema_validator",
    reason="the contract tests need openapi-schema-validator (a dev dependency)",
)
referencing = pytest.importorskip(
    "referencing", reason="the contract tests need referencing (with jsonschema)"
)

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "xero"
ACCOUNTING = SPECS / "xero_accounting.yaml"
IDENTITY = SPECS / "xero-identity.yaml"

#: Fields Xero sends that its spec does not declare: every answer's envelope, and the ISO
#: twins of an invoice's dates.
EXTRAS = {"Id", "Status", "ProviderName", "DateTimeUTC", "DateString", "DueDateString"}

pytestmark = pytest.mark.skipif(
    not ACCOUNTING.exists() or not IDENTITY.exists(),
    reason=f"Xero's OpenAPI specs are not at {SPECS} (../shared/xero beside the repository)",
)


def load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=loader)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def accounting_spec() -> dict[str, Any]:
    return load(ACCOUNTING)


@pytest.fixture(scope="module")
def identity_spec() -> dict[str, Any]:
    return load(IDENTITY)


class Contract:
    """Validates instances against `#/components/schemas/NAME` of one spec."""

    def __init__(self, spec: dict[str, Any], uri: str) -> None:
        from referencing.jsonschema import DRAFT4

        self.spec = spec
        self.uri = uri
        self.registry = referencing.Registry().with_resource(
            uri, referencing.Resource.from_contents(spec, default_specification=DRAFT4)
        )

    def schema(self, name: str) -> dict[str, Any]:
        return self.spec["components"]["schemas"][name]  # type: ignore[no-any-return]

    def problems(self, instance: Any, name: str, *, array: bool = False) -> list[str]:
        reference: dict[str, Any] = {"$ref": f"{self.uri}#/components/schemas/{name}"}
        schema = {"type": "array", "items": reference} if array else reference
        validator = openapi_schema_validator.OAS30ReadValidator(
            schema,
            registry=self.registry,
            format_checker=openapi_schema_validator.oas30_format_checker,
        )
        found = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)
        ]
        items = instance if array else [instance]
        for item in items:
            found.extend(self._undeclared(item, self.schema(name), name))
        return found

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schema(schema["$ref"].rsplit("/", 1)[-1])
        return schema

    def _undeclared(self, value: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
        schema = self._resolve(schema)
        if isinstance(value, dict) and "properties" in schema:
            declared = schema["properties"]
            for key, item in value.items():
                if key in declared:
                    if where.endswith("Elements[]") and key != "ValidationErrors":
                        continue
                    yield from self._undeclared(item, declared[key], f"{where}.{key}")
                elif key not in EXTRAS and not where.endswith("Elements[]"):
                    yield f"{where}.{key} is not in the spec"
        elif isinstance(value, list) and "items" in schema:
            for item in value:
                yield from self._undeclared(item, schema["items"], f"{where}[]")


@pytest.fixture(scope="module")
def contract(accounting_spec: dict[str, Any]) -> Contract:
    return Contract(accounting_spec, "urn:xero:accounting")


CONTACT = b'{"Contacts": [{"Name": "Nova Dental Ltd", "EmailAddress": "hi@nova.example", "ContactNumber": "CLI041"}]}'
INVOICE = b"""{"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "City Limousines"}, "Date": "2026-12-01",
 "DueDate": "2026-12-15", "Reference": "December 2026", "Status": "AUTHORISED",
 "LineItems": [{"Description": "Bookkeeping", "Quantity": 1, "UnitAmount": 195.0, "AccountCode": "200",
 "Tracking": [{"Name": "Region", "Option": "South"}]}]}]}"""


@pytest.mark.parametrize(
    ("method", "path", "body", "schema"),
    [
        ("GET", "/Contacts?page=1&pageSize=3&includeArchived=true", None, "Contacts"),
        ("GET", "/Contacts?summaryOnly=true", None, "Contacts"),
        ("PUT", "/Contacts", CONTACT, "Contacts"),
        ("GET", "/Accounts", None, "Accounts"),
        ("GET", "/BrandingThemes", None, "BrandingThemes"),
        ("GET", "/TrackingCategories?includeArchived=true", None, "TrackingCategories"),
        ("GET", "/TaxRates", None, "TaxRates"),
        ("GET", "/Organisation", None, "Organisations"),
        ("PUT", "/Invoices", INVOICE, "Invoices"),
    ],
)
def test_answers_match_the_accounting_spec(
    contract: Contract,
    xero: Sandbox,
    sdk: Sdk,
    method: str,
    path: str,
    body: bytes | None,
    schema: str,
) -> None:
    answer = api(xero, sdk, method, path, body)

    assert answer.status == 200, answer.body
    assert contract.problems(answer.json(), schema) == []


def test_invoices_read_back_match_the_spec(contract: Contract, xero: Sandbox, sdk: Sdk) -> None:
    made = api(xero, sdk, "PUT", "/Invoices", INVOICE).json()["Invoices"][0]

    one = api(xero, sdk, "GET", f"/Invoices/{made['InvoiceID']}").json()
    paged = api(xero, sdk, "GET", "/Invoices?page=1").json()

    assert contract.problems(one, "Invoices") == []
    assert contract.problems(paged, "Invoices") == []
    assert paged["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 1, "itemCount": 1}


def test_a_merged_contact_matches_the_spec(contract: Contract, xero: Sandbox, sdk: Sdk) -> None:
    atlas = xero.contact_named("Atlas Logistics Ltd")
    city = xero.contact_named("City Limousines")
    assert atlas is not None
    assert city is not None
    xero.merge_contact(atlas["ContactID"], city["ContactID"])

    paged = api(xero, sdk, "GET", "/Contacts?page=1&includeArchived=true").json()
    one = api(xero, sdk, "GET", f"/Contacts/{atlas['ContactID']}").json()

    assert contract.problems(paged, "Contacts") == []
    assert contract.problems(one, "Contacts") == []
    assert one["Contacts"][0]["MergedToContactID"] == city["ContactID"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"Contacts": [{"Name": "City Limousines"}]}',
        b'{"Contacts": [{"Name": "Nova", "EmailAddress": "not an email"}]}',
    ],
    ids=["duplicate name", "bad email"],
)
def test_validation_errors_match_the_error_schema(
    contract: Contract, xero: Sandbox, sdk: Sdk, body: bytes
) -> None:
    answer = api(xero, sdk, "PUT", "/Contacts", body)

    error = answer.json()
    assert answer.status == 400
    assert contract.problems(error, "Error") == []
    assert (error["ErrorNumber"], error["Type"]) == (10, "ValidationException")
    assert error["Elements"][0]["ValidationErrors"][0]["Message"]


def test_invoice_validation_errors_match_the_error_schema(
    contract: Contract, xero: Sandbox, sdk: Sdk
) -> None:
    answer = api(xero, sdk, "PUT", "/Invoices", INVOICE.replace(b'"200"', b'"999"'))

    assert answer.status == 400
    assert contract.problems(answer.json(), "Error") == []
    assert answer.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Account code '999' is not a valid code for this document."}
    ]


def test_a_batch_with_a_refused_invoice_matches_the_spec(
    contract: Contract, xero: Sandbox, sdk: Sdk
) -> None:
    good = json.loads(INVOICE)["Invoices"][0]
    body = json.dumps({"Invoices": [good, {**good, "Reference": "bad", "Status": "PAID"}]})

    separately = api(xero, sdk, "PUT", "/Invoices?summarizeErrors=false", body.encode())
    summarised = api(xero, sdk, "PUT", "/Invoices", body.encode())

    assert separately.status == 200
    assert contract.problems(separately.json(), "Invoices") == []
    assert [i["StatusAttributeString"] for i in separately.json()["Invoices"]] == ["OK", "ERROR"]
    assert summarised.status == 400
    assert contract.problems(summarised.json(), "Error") == []
    assert [e["Reference"] for e in summarised.json()["Elements"]] == ["bad"]


def test_server_errors_match_the_error_schema(contract: Contract, xero: Sandbox, sdk: Sdk) -> None:
    xero.add_fault(path="/Contacts", status=500)

    answer = api(xero, sdk, "GET", "/Contacts")

    assert answer.status == 500
    assert contract.problems(answer.json(), "Error") == []


def test_connections_match_the_identity_spec(
    identity_spec: dict[str, Any], xero: Sandbox, sdk: Sdk
) -> None:
    """The dates are as Xero sends them and as the spec's own example shows them
    ("2019-12-07T18:46:19.5165400": no offset, seven decimals), which its `format: date-time`
    (RFC 3339, an offset required) does not allow; everything else must match."""
    answer = http(
        "GET",
        f"{xero.connections_url}/connections",
        headers={"Authorization": f"Bearer {sdk.token['access_token']}"},
    )

    assert answer.status == 200
    problems = Contract(identity_spec, "urn:xero:identity").problems(
        answer.json(), "Connection", array=True
    )
    assert [p for p in problems if "DateUtc" not in p or "date-time" not in p] == []
    example = identity_spec["paths"]["/Connections"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["example"]
    shape = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$")
    assert shape.match(json.loads(example)[0]["createdDateUtc"])
    for connection in answer.json():
        assert shape.match(connection["createdDateUtc"])
        assert shape.match(connection["updatedDateUtc"])


def test_the_checker_catches_a_misspelt_field(contract: Contract) -> None:
    problems = contract.problems(
        {"Contacts": [{"ContactID": "not-a-uuid", "EmailAdress": "x"}]}, "Contacts"
    )

    assert any("uuid" in p for p in problems)
    assert "Contacts.Contacts[].EmailAdress is not in the spec" in problems

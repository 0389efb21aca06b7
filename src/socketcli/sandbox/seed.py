"""The sandbox's organisation, apps and user: "Demo Practice Ltd" and what it holds at the start.

The credentials below are the sandbox's own, published on purpose: they open nothing but the
sandbox on the loopback interface. The state file keeps only their hashes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from socketcli.sandbox.accounting import contact_problems, name_key, new_contact
from socketcli.sandbox.jsonfmt import ms_date, parse_moment
from socketcli.sandbox.state import Client, Connection, Organisation, SandboxState, User, digest

DEMO_ORGANISATION = "Demo Practice Ltd"
DEMO_TENANT_ID = "7b0d9c54-3f0e-4c2a-9a55-5d1e6f0a2b71"
#: The namespace of the sandbox's own ids (uuid5 of a tenant and a name).
NAMESPACE = uuid.UUID("0f6c2d1e-84a3-4b57-9e2c-5a0b7d3c1e94")

#: A desktop app (Auth Code with PKCE: client id, no secret).
PKCE_CLIENT_ID = "5A4D5B0C1E2F4A3B9C8D7E6F50000001"
#: A web app (Auth Code with a client secret).
WEB_CLIENT_ID = "5A4D5B0C1E2F4A3B9C8D7E6F50000002"
WEB_CLIENT_SECRET = "sandbox-web-app-secret-opens-only-the-sandbox"
#: A custom connection (client_credentials, one organisation).
CUSTOM_CLIENT_ID = "5A4D5B0C1E2F4A3B9C8D7E6F50000003"
CUSTOM_CLIENT_SECRET = "sandbox-custom-connection-secret-opens-only-the-sandbox"
APP_NAME = "socket (sandbox)"

#: Loopback redirects match on any port (RFC 8252), so `socket xero connect` may listen anywhere.
DEFAULT_REDIRECT_URIS = ("http://localhost/callback", "http://127.0.0.1/callback")
#: What the custom connection may do (and a PKCE/web app may ask for).
DEFAULT_SCOPES = (
    "accounting.contacts",
    "accounting.settings.read",
    "accounting.invoices",
    "accounting.transactions",
)

USER_ID = "3c9a1f0e-6b2d-4e8f-a1c7-2d5e9b0f4a63"
USER_EMAIL = "partner@demo-practice.example"

#: Snake-case keys (e.g. `dataclasses.asdict` of the demo's XeroContact) and their Xero names.
_ALIASES = {
    "contact_id": "ContactID",
    "name": "Name",
    "email": "EmailAddress",
    "email_address": "EmailAddress",
    "contact_number": "ContactNumber",
    "account_number": "AccountNumber",
    "status": "ContactStatus",
    "contact_status": "ContactStatus",
    "is_customer": "IsCustomer",
    "is_supplier": "IsSupplier",
    "first_name": "FirstName",
    "last_name": "LastName",
    "updated": "UpdatedDateUTC",
    "updated_date_utc": "UpdatedDateUTC",
    "merged_to": "MergedToContactID",
}


def _id(tenant_id: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{tenant_id}/{name}"))


def xero_fields(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact given with Xero's field names or snake-case ones, in Xero's names."""
    out: dict[str, Any] = {}
    for key, value in contact.items():
        if value is None:
            continue
        out[_ALIASES.get(key, key)] = value
    return out


def _accounts(tenant_id: str, now: datetime) -> list[dict[str, Any]]:
    def account(
        code: str, name: str, kind: str, klass: str, tax: str, status: str = "ACTIVE", **extra: Any
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "AccountID": _id(tenant_id, f"account/{code}"),
            "Code": code,
            "Name": name,
            "Status": status,
            "Type": kind,
            "TaxType": tax,
            "Class": klass,
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": False,
            "BankAccountType": "",
            "ReportingCode": {"REVENUE": "REV", "EXPENSE": "EXP", "ASSET": "ASS"}[klass],
            "ReportingCodeName": {"REVENUE": "Revenue", "EXPENSE": "Expense", "ASSET": "Assets"}[
                klass
            ],
            "HasAttachments": False,
            "UpdatedDateUTC": ms_date(now),
        }
        record.update(extra)
        return record

    return [
        account(
            "090",
            "Business Bank Account",
            "BANK",
            "ASSET",
            "NONE",
            BankAccountNumber="20304012345678",
            BankAccountType="BANK",
            CurrencyCode="GBP",
            EnablePaymentsToAccount=True,
        ),
        account(
            "200",
            "Sales",
            "REVENUE",
            "REVENUE",
            "OUTPUT2",
            Description="Income from any normal business activity",
        ),
        account("250", "Consulting Fees (old)", "REVENUE", "REVENUE", "OUTPUT2", status="ARCHIVED"),
        account(
            "260",
            "Other Revenue",
            "REVENUE",
            "REVENUE",
            "OUTPUT2",
            Description="Any other income that does not relate to normal business activities",
        ),
        account(
            "270",
            "Interest Income",
            "REVENUE",
            "REVENUE",
            "EXEMPTOUTPUT",
            Description="Interest income",
        ),
        account(
            "400",
            "Advertising",
            "EXPENSE",
            "EXPENSE",
            "INPUT2",
            Description="Expenses incurred for advertising",
        ),
    ]


def _tax_rates() -> list[dict[str, Any]]:
    def rate(
        name: str, tax_type: str, percent: str, report: str, *, revenue: bool, expenses: bool
    ) -> dict[str, Any]:
        value = Decimal(percent)
        return {
            "Name": name,
            "TaxType": tax_type,
            "ReportTaxType": report,
            "CanApplyToAssets": expenses,
            "CanApplyToEquity": False,
            "CanApplyToExpenses": expenses,
            "CanApplyToLiabilities": False,
            "CanApplyToRevenue": revenue,
            "DisplayTaxRate": value,
            "EffectiveRate": value,
            "Status": "ACTIVE",
            "TaxComponents": [
                {"Name": "VAT", "Rate": value, "IsCompound": False, "IsNonRecoverable": False}
            ],
        }

    return [
        rate("20% (VAT on Income)", "OUTPUT2", "20.0000", "OUTPUT", revenue=True, expenses=False),
        rate("20% (VAT on Expenses)", "INPUT2", "20.0000", "INPUT", revenue=False, expenses=True),
        rate("5% (VAT on Income)", "RROUTPUT", "5.0000", "OUTPUT", revenue=True, expenses=False),
        rate(
            "Zero Rated Income", "ZERORATEDOUTPUT", "0.0000", "OUTPUT", revenue=True, expenses=False
        ),
        rate(
            "Exempt Income", "EXEMPTOUTPUT", "0.0000", "EXEMPTOUTPUT", revenue=True, expenses=False
        ),
        rate("No VAT", "NONE", "0.0000", "NONE", revenue=True, expenses=True),
    ]


def _branding_themes(tenant_id: str, now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "BrandingThemeID": _id(tenant_id, f"theme/{name}"),
            "Name": name,
            "Type": "INVOICE",
            "SortOrder": order,
            "CreatedDateUTC": ms_date(now),
        }
        for order, name in enumerate(("Standard", "Special Projects"))
    ]


def _tracking_categories(tenant_id: str) -> list[dict[str, Any]]:
    category_id = _id(tenant_id, "tracking/Region")
    options = [
        {
            "TrackingOptionID": _id(tenant_id, f"tracking/Region/{name}"),
            "Name": name,
            "Status": status,
            "TrackingCategoryID": category_id,
        }
        for name, status in (
            ("North", "ACTIVE"),
            ("South", "ACTIVE"),
            ("West (closed)", "ARCHIVED"),
        )
    ]
    return [
        {
            "TrackingCategoryID": category_id,
            "Name": "Region",
            "Status": "ACTIVE",
            "Options": options,
        }
    ]


def seed_contacts(
    organisation: Organisation, contacts: Iterable[Mapping[str, Any]], now: datetime
) -> int:
    """Add contacts given as plain dicts (Xero or snake-case names); a ValueError names a bad one.

    A contact without a ContactID gets a deterministic one (uuid5 of tenant and name), and
    without an UpdatedDateUTC the seed's moment.
    """
    active = {
        name_key(str(c.get("Name", "")))
        for c in organisation.contacts.values()
        if c.get("ContactStatus") == "ACTIVE"
    }
    added = 0
    for given in contacts:
        fields = xero_fields(given)
        contact_id = str(
            fields.get("ContactID") or _id(organisation.tenant_id, f"contact/{fields.get('Name')}")
        )
        moment = now
        updated = fields.get("UpdatedDateUTC")
        if isinstance(updated, datetime):
            moment = updated
        elif isinstance(updated, str):
            moment = parse_moment(updated) or now
        record = new_contact(fields, moment, contact_id=contact_id)
        if fields.get("MergedToContactID"):  # read-only in the API, but a seed may merge
            record["MergedToContactID"] = str(fields["MergedToContactID"])
        problems = contact_problems(record)
        if problems:
            raise ValueError(f"seed contact {fields.get('Name')!r}: {' '.join(problems)}")
        if record["ContactStatus"] == "ACTIVE":
            key = name_key(record["Name"])
            if key in active:
                raise ValueError(
                    f"seed contact {record['Name']!r}: two active contacts share the name"
                )
            active.add(key)
        organisation.contacts[contact_id] = record
        added += 1
    return added


def add_organisation(
    state: SandboxState,
    name: str,
    *,
    now: datetime,
    tenant_id: str | None = None,
    contacts: Iterable[Mapping[str, Any]] = (),
) -> Organisation:
    """A new organisation with the standard chart, themes and tracking, given to the user.

    The user's next consent connects it; connections already made are left as they are.
    """
    tenant_id = tenant_id or str(uuid.uuid5(NAMESPACE, f"organisation/{name}"))
    if tenant_id in state.organisations:
        raise ValueError(f"the organisation {tenant_id} already exists")
    short = "!" + "".join(ch for ch in name.upper() if ch.isalnum())[:5]
    organisation = Organisation(
        tenant_id=tenant_id,
        name=name,
        short_code=short,
        country_code="GB",
        base_currency="GBP",
        created=now - timedelta(days=365),
        accounts=_accounts(tenant_id, now - timedelta(days=30)),
        branding_themes=_branding_themes(tenant_id, now - timedelta(days=30)),
        tracking_categories=_tracking_categories(tenant_id),
        tax_rates=_tax_rates(),
    )
    seed_contacts(organisation, contacts, now - timedelta(days=1))
    state.organisations[tenant_id] = organisation
    for user in state.users:
        if tenant_id not in user.tenant_ids:
            user.tenant_ids.append(tenant_id)
    return organisation


def seed_state(
    *,
    now: datetime,
    contacts: Iterable[Mapping[str, Any]] = (),
    organisation_name: str = DEMO_ORGANISATION,
    tenant_id: str = DEMO_TENANT_ID,
    redirect_uris: Iterable[str] = DEFAULT_REDIRECT_URIS,
    scopes: Iterable[str] = DEFAULT_SCOPES,
) -> SandboxState:
    """A sandbox holding "Demo Practice Ltd" with the given contacts, its apps and its user.

    The organisation has revenue accounts 200 Sales, 260 Other Revenue and 270 Interest
    Income (plus an archived 250, an expense 400 and a bank 090), branding themes Standard and
    Special Projects, a tracking category Region (North, South; West archived), UK VAT rates,
    and `contacts` (plain dicts: Xero names such as Name, EmailAddress, ContactStatus, or the
    snake-case fields of socket's XeroContact). Seeded contacts were last updated a day before
    `now`.
    """
    redirects = list(redirect_uris)
    allowed = list(scopes)
    state = SandboxState(
        users=[User(USER_ID, USER_EMAIL, "Demo", "Partner", [])],
        clients=[
            Client(PKCE_CLIENT_ID, APP_NAME, "pkce", None, redirects, allowed),
            Client(WEB_CLIENT_ID, APP_NAME, "web", digest(WEB_CLIENT_SECRET), redirects, allowed),
            Client(
                CUSTOM_CLIENT_ID,
                APP_NAME,
                "custom",
                digest(CUSTOM_CLIENT_SECRET),
                [],
                allowed,
                tenant_id,
            ),
        ],
    )
    add_organisation(state, organisation_name, now=now, tenant_id=tenant_id, contacts=contacts)
    state.connections.append(
        Connection(
            str(uuid.uuid5(NAMESPACE, f"custom/{tenant_id}")),
            tenant_id,
            CUSTOM_CLIENT_ID,
            None,
            str(uuid.uuid4()),
            now,
            now,
        )
    )
    return state

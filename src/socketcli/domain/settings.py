"""Practice settings: every key, its meaning, its default and how a value is checked.

Stored as text key/value pairs; parsed here into a typed `PracticeSettings`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socketcli.domain.dates import DateFormat
from socketcli.domain.errors import InvalidInput
from socketcli.domain.money import CURRENCY_SIGNS
from socketcli.domain.terms import PaymentTerms, PaymentTermsError


class PostingStatus(StrEnum):
    DRAFT = "DRAFT"
    AUTHORISED = "AUTHORISED"


class PlanMode(StrEnum):
    APPROVE = "approve"  # a person approves each month's plan
    AUTO = "auto"  # the plan is posted without approval


class AlignmentInvoicing(StrEnum):
    FIRST_INVOICE = "first_invoice"
    SEPARATE = "separate"


class Crm(StrEnum):
    SOCKET = "socket"
    XERO = "xero"


def _bool(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "on", "1"}:
        return "true"
    if lowered in {"false", "no", "off", "0"}:
        return "false"
    raise ValueError("expected true or false")


_ASCII_DIGITS = re.compile(r"[0-9]{1,2}")


def _day(text: str) -> str:
    """A day of the month, 1 to 31, in the digits 0 to 9 ('²' and '٣' are not days)."""
    day = text.strip()
    if not _ASCII_DIGITS.fullmatch(day) or not 1 <= int(day) <= 31:
        raise ValueError("expected a day of the month, 1 to 31")
    return str(int(day))


def parse_invoice_day(text: str, what: str = "invoice day") -> int:
    """A client's (or an imported row's) invoice day; InvalidInput naming `what`."""
    try:
        return int(_day(text))
    except ValueError as error:
        raise InvalidInput(f"{what} {text!r} is not valid: {error}") from None


def _choice(enum: type[StrEnum]) -> Callable[[str], str]:
    def check(text: str) -> str:
        for member in enum:
            if text.strip().lower() == member.value.lower():
                return member.value
        raise ValueError("expected one of " + ", ".join(m.value for m in enum))

    return check


def _terms(text: str) -> str:
    try:
        return str(PaymentTerms.parse(text))
    except PaymentTermsError as error:
        raise ValueError(error.reason) from None


def _account_code(text: str) -> str:
    code = text.strip()
    bare = code.replace("-", "").replace(".", "")
    if not code or len(code) > 10 or not (bare.isascii() and bare.isalnum()):
        raise ValueError("expected a Xero account code: up to 10 letters or digits, e.g. 200")
    return code


def _text(text: str) -> str:
    return text.strip()


def _currency(text: str) -> str:
    code = text.strip().upper()
    if code not in CURRENCY_SIGNS:
        raise ValueError(
            "expected one of "
            + ", ".join(f"{code} ({sign})" for code, sign in CURRENCY_SIGNS.items())
        )
    return code


def _date_format(text: str) -> str:
    style = text.strip().lower()
    if style == "iso":
        return DateFormat.ISO.value
    try:
        return DateFormat(style).value
    except ValueError:
        raise ValueError(
            "expected " + " or ".join(f.value for f in DateFormat) + " (day first)"
        ) from None


def _zone(text: str) -> str:
    name = text.strip()
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError, OSError):  # OSError: a name too long, a folder
        raise ValueError("expected a time zone name, e.g. Europe/London") from None
    return name


def _client_id(text: str) -> str:
    value = text.strip()
    bare = value.replace("-", "")
    if value and not (8 <= len(value) <= 64 and bare.isascii() and bare.isalnum()):
        raise ValueError("expected a Xero app's client id: letters and digits, as Xero shows it")
    return value


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    default: str
    help: str
    check: Callable[[str], str]
    settable: bool = True


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "invoice_day",
        "1",
        "Day of the month invoices are dated (1-31; clamped to the month's last day).",
        _day,
    ),
    SettingSpec(
        "payment_terms",
        "days:14",
        "Default payment terms: days:N, eom:N, current:N or following:N.",
        _terms,
    ),
    SettingSpec(
        "recurring_account_code",
        "200",
        "Default Xero account code for recurring services.",
        _account_code,
    ),
    SettingSpec(
        "one_off_account_code", "200", "Default Xero account code for one-off work.", _account_code
    ),
    SettingSpec(
        "consolidate_recurring",
        "false",
        "One consolidated line per account code on recurring invoices.",
        _bool,
    ),
    SettingSpec(
        "consolidate_one_off",
        "false",
        "One consolidated line per account code on one-off invoices.",
        _bool,
    ),
    SettingSpec(
        "posting_status",
        "DRAFT",
        "Status of invoices created in Xero: DRAFT or AUTHORISED.",
        _choice(PostingStatus),
    ),
    SettingSpec(
        "time_zone",
        "Europe/London",
        "The practice's time zone: a finalised month posts at 00:00 on its 1st there.",
        _zone,
    ),
    SettingSpec(
        "currency",
        "GBP",
        "The practice's currency: amounts typed or imported may begin with its sign (£ or $).",
        _currency,
    ),
    SettingSpec(
        "date_format",
        "yyyy-mm-dd",
        "How dates are typed and imported: yyyy-mm-dd, or dd/mm/yyyy (day first; ISO still works).",
        _date_format,
    ),
    SettingSpec(
        "plan_mode",
        "approve",
        "approve: a person approves each month; auto: post without approval.",
        _choice(PlanMode),
    ),
    SettingSpec(
        "alignment_invoicing",
        "first_invoice",
        "Alignment fees on the first monthly invoice (first_invoice) or a separate invoice (separate).",
        _choice(AlignmentInvoicing),
    ),
    SettingSpec(
        "branding_theme",
        "",
        "Default Xero branding theme for invoices (empty: Xero's default).",
        _text,
    ),
    SettingSpec(
        "crm",
        "socket",
        "Which system is the CRM: socket, or xero when Xero is the primary CRM.",
        _choice(Crm),
    ),
    SettingSpec(
        "playground",
        "false",
        "Playground mode: a demo practice; set by `socket playground`.",
        _bool,
        settable=False,
    ),
    SettingSpec(
        "xero_client_id",
        "",
        "The client id of your Xero app, for `socket xero connect` (or SOCKET_XERO_CLIENT_ID).",
        _client_id,
    ),
    SettingSpec(
        "xero_organisation",
        "",
        "The connected Xero organisation; set by connecting to Xero.",
        _text,
        settable=False,
    ),
    SettingSpec(
        "xero_tenant_id",
        "",
        "The connected Xero organisation's tenant id; set by connecting to Xero.",
        _text,
        settable=False,
    ),
)

SPECS = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True, slots=True)
class XeroChoices:
    """The Xero things a setting may name, as `socket sync` last mirrored them.

    Empty before the first sync: then only a value's form is checked. Once the mirror holds
    accounts, an account code must be one of its revenue accounts and not archived; once it
    holds branding themes, a theme must be one of them (by name, case aside).
    """

    #: (code, name, active) of each revenue account.
    accounts: tuple[tuple[str, str, bool], ...] = ()
    themes: tuple[str, ...] = ()
    #: (name, active, ((option, active), ...)) of each tracking category.
    tracking: tuple[tuple[str, bool, tuple[tuple[str, bool], ...]], ...] = ()

    def account_code(self, text: str) -> str:
        """The code as Xero writes it; ValueError when the mirror says it cannot be used."""
        code = _account_code(text)
        if not self.accounts:
            return code
        for known, name, active in self.accounts:
            if known.casefold() == code.casefold():
                if not active:
                    raise ValueError(
                        f"account {known} ({name}) is archived in Xero: choose another "
                        "(`socket xero accounts` lists them)"
                    )
                return known
        raise ValueError(
            f"{code} is not one of the organisation's revenue accounts in Xero (as of the last "
            "`socket sync`): `socket xero accounts` lists them"
        )

    def branding_theme(self, text: str) -> str:
        """The theme's name as Xero writes it ('' clears); ValueError when it is not one."""
        name = text.strip()
        if not name or not self.themes:
            return name
        for known in self.themes:
            if known.casefold() == name.casefold():
                return known
        raise ValueError(
            f"{name!r} is not one of the organisation's branding themes in Xero (as of the last "
            f"`socket sync`: {', '.join(self.themes)}): `socket xero themes` lists them"
        )

    def tracking_option(self, text: str) -> str:
        """`Category:Option` as Xero writes them; ValueError when the mirror holds tracking
        categories and this is not an active option of an active one."""
        category, _, option = text.partition(":")
        category, option = category.strip(), option.strip()
        if not self.tracking:
            return f"{category}:{option}"
        for name, active, options in self.tracking:
            if name.casefold() != category.casefold():
                continue
            if not active:
                raise ValueError(f"tracking category {name!r} is archived in Xero")
            for known, usable in options:
                if known.casefold() == option.casefold():
                    if not usable:
                        raise ValueError(f"tracking option {name}:{known} is archived in Xero")
                    return f"{name}:{known}"
            listed = ", ".join(known for known, usable in options if usable)
            raise ValueError(
                f"{option!r} is not an option of the tracking category {name!r} in Xero "
                f"(as of the last `socket sync`: {listed})"
            )
        listed = ", ".join(name for name, active, _ in self.tracking if active)
        raise ValueError(
            f"{category!r} is not one of the organisation's tracking categories in Xero "
            f"(as of the last `socket sync`: {listed})"
        )


#: The settings checked against the Xero mirror, and how.
MIRRORED: dict[str, Callable[[XeroChoices, str], str]] = {
    "recurring_account_code": XeroChoices.account_code,
    "one_off_account_code": XeroChoices.account_code,
    "branding_theme": XeroChoices.branding_theme,
}


def validate(key: str, value: str, xero: XeroChoices | None = None) -> str:
    """The value as stored, or InvalidInput naming the key and what was expected; with `xero`
    (the mirror), an account code or branding theme must also be one Xero has."""
    spec = SPECS.get(key)
    if spec is None:
        raise InvalidInput(f"unknown setting {key!r}; known settings: " + ", ".join(SPECS))
    if not spec.settable:
        raise InvalidInput(f"setting {key!r} cannot be set by hand: {spec.help}")
    try:
        stored = spec.check(value)
        check = MIRRORED.get(key)
        if xero is not None and check is not None:
            stored = check(xero, stored)
        return stored
    except ValueError as error:
        raise InvalidInput(f"setting {key}: {value!r} is not valid: {error}") from None


@dataclass(frozen=True, slots=True)
class PracticeSettings:
    invoice_day: int
    payment_terms: PaymentTerms
    recurring_account_code: str
    one_off_account_code: str
    consolidate_recurring: bool
    consolidate_one_off: bool
    posting_status: PostingStatus
    time_zone: ZoneInfo
    currency: str
    date_format: DateFormat
    plan_mode: PlanMode
    alignment_invoicing: AlignmentInvoicing
    branding_theme: str
    crm: Crm
    playground: bool
    xero_client_id: str
    xero_organisation: str
    xero_tenant_id: str

    @classmethod
    def from_values(cls, stored: Mapping[str, str]) -> PracticeSettings:
        values = {spec.key: stored.get(spec.key, spec.default) for spec in SETTINGS}
        return cls(
            invoice_day=int(values["invoice_day"]),
            payment_terms=PaymentTerms.parse(values["payment_terms"]),
            recurring_account_code=values["recurring_account_code"],
            one_off_account_code=values["one_off_account_code"],
            consolidate_recurring=values["consolidate_recurring"] == "true",
            consolidate_one_off=values["consolidate_one_off"] == "true",
            posting_status=PostingStatus(values["posting_status"]),
            time_zone=ZoneInfo(values["time_zone"]),
            currency=values["currency"],
            date_format=DateFormat(values["date_format"]),
            plan_mode=PlanMode(values["plan_mode"]),
            alignment_invoicing=AlignmentInvoicing(values["alignment_invoicing"]),
            branding_theme=values["branding_theme"],
            crm=Crm(values["crm"]),
            playground=values["playground"] == "true",
            xero_client_id=values["xero_client_id"],
            xero_organisation=values["xero_organisation"],
            xero_tenant_id=values["xero_tenant_id"],
        )

    @property
    def currency_sign(self) -> str:
        """The sign an amount may begin with: '£' for GBP, '$' for AUD and NZD."""
        return CURRENCY_SIGNS[self.currency]

    @classmethod
    def defaults(cls) -> PracticeSettings:
        return cls.from_values({})

"""Xero's `where` query parameter: the part of its filter language the sandbox reads.

Xero reads `where` as an expression over the fields of the resource (Dynamic LINQ). The
sandbox understands:

    Reference=="December 2026"               == and != (also = for ==, as Xero takes it)
    Status=="DRAFT" AND Total!=0             AND / &&, OR / ||, parentheses
    Contact.ContactID==Guid("8f0e...")       a field of a field; Guid("..."), true, false,
    Name.StartsWith("Smith")                 null, numbers; StartsWith("...") and
    Name.Contains("Ltd")                     Contains("...") on text (case-sensitive)

Anything else (ordering operators, other methods, DateTime(...), a field the resource does
not have) is refused with Xero's own answer, 400 QueryParseException: a filter the sandbox
cannot read fails a test instead of quietly matching everything.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from socketcli.sandbox.jsonfmt import to_decimal

Predicate = Callable[[Mapping[str, Any]], bool]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The fields of each resource (its schema's properties in xero_accounting.yaml): a where that
#: names another is refused, as Xero refuses it.
FIELDS: dict[str, frozenset[str]] = {
    "Invoice": _names(
        "Type Contact LineItems Date DueDate LineAmountTypes InvoiceNumber Reference "
        "BrandingThemeID Url CurrencyCode CurrencyRate Status SentToContact ExpectedPaymentDate "
        "PlannedPaymentDate CISDeduction CISRate SubTotal TotalTax Total TotalDiscount InvoiceID "
        "RepeatingInvoiceID HasAttachments IsDiscounted Payments Prepayments Overpayments "
        "AmountDue AmountPaid FullyPaidOnDate AmountCredited UpdatedDateUTC CreditNotes "
        "Attachments HasErrors InvoiceAddresses"
    ),
    "Contact": _names(
        "ContactID MergedToContactID ContactNumber AccountNumber ContactStatus Name FirstName "
        "LastName CompanyNumber EmailAddress ContactPersons BankAccountDetails TaxNumber "
        "TaxNumberType AccountsReceivableTaxType AccountsPayableTaxType Addresses Phones "
        "IsSupplier IsCustomer SalesDefaultLineAmountType PurchasesDefaultLineAmountType "
        "DefaultCurrency XeroNetworkKey SalesDefaultAccountCode PurchasesDefaultAccountCode "
        "SalesTrackingCategories PurchasesTrackingCategories TrackingCategoryName "
        "TrackingCategoryOption PaymentTerms UpdatedDateUTC ContactGroups Website "
        "BrandingTheme BatchPayments Discount Balances HasAttachments"
    ),
    "Account": _names(
        "Code Name AccountID Type BankAccountNumber Status Description BankAccountType "
        "CurrencyCode TaxType EnablePaymentsToAccount ShowInExpenseClaims Class SystemAccount "
        "ReportingCode ReportingCodeName HasAttachments UpdatedDateUTC AddToWatchlist"
    ),
    "TaxRate": _names(
        "Name TaxType TaxComponents Status ReportTaxType CanApplyToAssets CanApplyToEquity "
        "CanApplyToExpenses CanApplyToLiabilities CanApplyToRevenue DisplayTaxRate "
        "EffectiveRate"
    ),
    "TrackingCategory": _names("TrackingCategoryID TrackingOptionID Name Option Status Options"),
}

_METHODS = ("StartsWith", "Contains")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"]|"")*")
      | (?P<unterminated>"(?:[^"]|"")*$)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_]\w*)
      | (?P<symbol>==|!=|&&|\|\||<=|>=|<>|[=().,<>!])
      | (?P<other>\S+?)
    )""",
    re.VERBOSE,
)


class WhereError(ValueError):
    """A `where` the sandbox does not read; its message is the one Xero's answer carries."""


def where_filter(text: str | None, resource: str | None = None) -> Predicate:
    """The predicate of a `where` for records of `resource` (a FIELDS key): all when empty.

    A WhereError when the text is not in the part of the language the sandbox reads, or
    names a field `resource` does not have.
    """
    if text is None or not text.strip():
        return lambda record: True
    parser = _Parser(text, FIELDS.get(resource or ""), resource or "")
    predicate = parser.expression()
    if parser.peek() is not None:
        raise WhereError("Syntax error")
    return predicate


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := atom (AND atom)*;
    atom := ( or ) | path == value | path != value | path.Method("text")."""

    def __init__(self, text: str, fields: frozenset[str] | None, resource: str) -> None:
        self.fields = fields
        self.resource = resource
        self.tokens: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind is None:
                continue
            if kind == "unterminated":
                raise WhereError("Unterminated string literal")
            if kind == "other":
                raise WhereError(f"Syntax error '{match.group(kind)}'")
            value = match.group(kind)
            if kind == "name" and value.upper() in ("AND", "OR"):
                kind, value = "symbol", "&&" if value.upper() == "AND" else "||"
            self.tokens.append((kind, value))
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise WhereError("Expression expected")
        self.position += 1
        return token

    def expect(self, symbol: str) -> None:
        if self.peek() != ("symbol", symbol):
            raise WhereError(f"'{symbol}' expected")
        self.position += 1

    def accept(self, symbol: str) -> bool:
        if self.peek() == ("symbol", symbol):
            self.position += 1
            return True
        return False

    def expression(self) -> Predicate:
        return self.joined("||", self.conjunction, any)

    def conjunction(self) -> Predicate:
        return self.joined("&&", self.atom, all)

    def joined(
        self,
        symbol: str,
        operand: Callable[[], Predicate],
        combine: Callable[[Iterable[bool]], bool],
    ) -> Predicate:
        """Operands joined by `symbol` (&& or ||), true as `combine` (all or any) says."""
        terms = [operand()]
        while self.accept(symbol):
            terms.append(operand())
        if len(terms) == 1:
            return terms[0]
        return lambda record: combine(term(record) for term in terms)

    def atom(self) -> Predicate:
        if self.accept("("):
            inner = self.expression()
            self.expect(")")
            return inner
        kind, name = self.take()
        if kind != "name":
            raise WhereError("Expression expected")
        path = [name]
        if self.fields is not None and name not in self.fields:
            raise WhereError(f"No property or field '{name}' exists in type '{self.resource}'")
        while self.accept("."):
            kind, step = self.take()
            if kind != "name":
                raise WhereError("Identifier expected")
            if self.peek() == ("symbol", "("):
                return self.method(path, step)
            path.append(step)
        token = self.take()
        if token not in (("symbol", "=="), ("symbol", "="), ("symbol", "!=")):
            raise WhereError(f"Operator '{token[1]}' is not supported by the sandbox")
        equal = _equal(path, self.value())
        if token[1] == "!=":
            return lambda record: not equal(record)
        return equal

    def method(self, path: list[str], name: str) -> Predicate:
        if name not in _METHODS:
            raise WhereError(f"No applicable method '{name}' exists in type 'String'")
        self.expect("(")
        kind, raw = self.take()
        if kind != "string":
            raise WhereError(f"The argument of {name} must be a string literal")
        self.expect(")")
        wanted = _text(raw)

        def matches(record: Mapping[str, Any]) -> bool:
            value = _value_of(record, path)
            if not isinstance(value, str):
                return False
            return value.startswith(wanted) if name == "StartsWith" else wanted in value

        return matches

    def value(self) -> Any:
        kind, raw = self.take()
        if kind == "string":
            return _text(raw)
        if kind == "number":
            return Decimal(raw)
        if kind == "name":
            lowered = raw.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            if lowered == "null":
                return None
            if raw == "Guid":
                self.expect("(")
                kind, text = self.take()
                self.expect(")")
                if kind != "string" or not _looks_like_uuid(_text(text)):
                    raise WhereError("Guid(...) takes a GUID in double quotes")
                return uuid.UUID(_text(text))
        raise WhereError("Expression expected")


def _text(raw: str) -> str:
    """A string literal's text (a doubled quote is one quote)."""
    return raw[1:-1].replace('""', '"')


def _value_of(record: Mapping[str, Any], path: list[str]) -> Any:
    current: Any = record
    for step in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(step)
    return current


def _equal(path: list[str], wanted: Any) -> Predicate:
    def equal(record: Mapping[str, Any]) -> bool:
        value = _value_of(record, path)
        if isinstance(wanted, bool) or wanted is None:
            return value is wanted
        if isinstance(wanted, Decimal):
            number = to_decimal(value)
            return number is not None and number == wanted
        if isinstance(wanted, uuid.UUID) or (
            isinstance(value, str) and _looks_like_uuid(value) and _looks_like_uuid(str(wanted))
        ):
            return isinstance(value, str) and value.lower() == str(wanted).lower()
        return bool(value == wanted)

    return equal


def _looks_like_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

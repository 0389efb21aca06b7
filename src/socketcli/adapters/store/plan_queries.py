"""The plan's hot reads as plain SQL, on any connection: what `plan show` and `plan diff`
read of a practice of tens of thousands of clients (settings, client labels, contact
problems, finalised months, the month's totals summed in SQL).

One implementation for every store: `SqlReader` runs these statements through SQLAlchemy
(`text()`, on SQLite and PostgreSQL alike), and `SqliteReader` (adapters/store/lite.py)
runs them on the sqlite3 driver alone, so that `plan diff --json` on a SQLite store never
imports SQLAlchemy. The SQL is portable: named parameters (`:name`, which both sqlite3 and
SQLAlchemy's `text()` bind), no dialect functions, booleans compared with bound values.
This module imports nothing of SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from socketcli.domain.billing import alignment_fee, alignment_for
from socketcli.domain.links import ContactLink, last_merge, link_of, with_merges
from socketcli.domain.model import BillingMethod, ClientMonth, YearEnd
from socketcli.domain.money import from_minor, to_minor
from socketcli.domain.months import Month
from socketcli.domain.proposals import BILLED_STATUSES as BILLED
from socketcli.domain.records import Client, ClientLabel, FrozenTotal, XeroContact
from socketcli.domain.settings import AlignmentInvoicing, PracticeSettings

BILLED_STATUSES = sorted(status.value for status in BILLED)  # domain.proposals says which
PLAN_METHODS = [method.value for method in BillingMethod if method.in_plan]

#: The mirror's columns of a contact, in `XeroContact`'s field order.
CONTACT_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "contact_number",
    "account_number",
    "status",
    "is_customer",
    "merged_to_contact_id",
)

#: The clients' columns `clients_of` reads, in this order.
CLIENT_COLUMNS = (
    "id",
    "reference",
    "name",
    "email",
    "year_end",
    "xero_contact_id",
    "xero_contact_name",
    "payment_terms",
    "invoice_day",
    "consolidate",
    "branding_theme",
    "tracking",
    "last_billable_month",
    "new_xero_contact",
)

#: Runs one statement with its named parameters and returns every row.
Rows = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]

#: proposal_lines (l) of their proposals (p), services (s) and clients (c).
_JOINED = (
    "FROM proposal_lines AS l JOIN proposals AS p ON p.id = l.proposal_id "
    "JOIN services AS s ON s.id = l.service_id JOIN clients AS c ON c.id = p.client_id"
)
#: Lines of accepted proposals that the plan bills (a period: monthly, quarterly, annual).
_BILLED = f"p.status IN ({', '.join(f':status{i}' for i in range(len(BILLED_STATUSES)))}) AND l.period_months IS NOT NULL"
_BILLED_PARAMETERS = {f"status{i}": status for i, status in enumerate(BILLED_STATUSES)}


#: For a line l (of proposal p) that charges the alignment fee: the latest month (ordinal)
#: before its start in which an earlier monthly line of the client's for the same service
#: billed: `reader.billable_lines`' `billed_until`, for `domain.billing.alignment_for`.
#: `+ 0` keeps SQLite off the index on service_id (every line of the service, for each fee
#: line: 30 times slower on 20,000 clients), so it finds the client's few proposals first.
_BILLED_UNTIL = (
    "(SELECT max(CASE WHEN e.end_ordinal IS NULL OR e.end_ordinal >= l.start_ordinal "
    "THEN l.start_ordinal - 1 ELSE e.end_ordinal END) "
    "FROM proposal_lines AS e JOIN proposals AS ep ON ep.id = e.proposal_id "
    "WHERE ep.client_id = p.client_id AND e.service_id + 0 = l.service_id AND e.id <> l.id "
    "AND e.period_months = 1 AND e.start_ordinal < l.start_ordinal "
    f"AND ep.status IN ({', '.join(f':status{i}' for i in range(len(BILLED_STATUSES)))}))"
)


def start_day(start_date: object, start_month: str) -> int:
    """The day a line starting in `start_month` starts on: its proposal's start date's day
    when the date is in that month, else 1 (`BillableLine.start_day`). The date as the
    driver gives it: a date, or ISO text on SQLite."""
    if start_date is None:
        return 1
    text = str(start_date)
    return int(text[8:10]) if text[:7] == start_month else 1


def contact_of(row: Sequence[Any]) -> XeroContact | None:
    """A mirrored contact from a row of CONTACT_COLUMNS (None: an outer join found none)."""
    contact_id, name, email, number, account, status, customer, into = row
    if contact_id is None:
        return None
    return XeroContact(contact_id, name, email, number, account, status, bool(customer), into)


def clients_of(rows: Iterable[Sequence[Any]]) -> list[Client]:
    """Clients from rows of CLIENT_COLUMNS, parsing each distinct month and year end once."""
    year_ends: dict[str | None, YearEnd | None] = {None: None}
    months: dict[str | None, Month | None] = {None: None}
    result = []
    for (
        client_id,
        reference,
        name,
        email,
        year_end,
        contact_id,
        contact_name,
        terms,
        invoice_day,
        consolidate,
        theme,
        tracking,
        last,
        new,
    ) in rows:
        if year_end not in year_ends:
            year_ends[year_end] = year_end_of(year_end)
        if last not in months:
            months[last] = Month.parse(last)
        result.append(
            Client(  # positional, in field order: 20,000 of these for one plan
                reference,
                name,
                email,
                year_ends[year_end],
                contact_id,
                contact_name,
                terms,
                invoice_day,
                None if consolidate is None else bool(consolidate),  # sqlite3 gives 0 or 1
                theme,
                tracking,
                months[last],
                client_id,
                bool(new),
            )
        )
    return result


def year_end_of(text: str | None) -> YearEnd | None:
    if not text:
        return None
    month, day = text.split("-")
    return YearEnd(int(month), int(day))


def _due(month: int) -> str:
    """A line (l, of client c) invoices in month number `month` (the parameter :mN): the
    domain's is_due, on the lines' integer copies of their months and period."""
    at = f":m{month}"
    return (
        f"(l.start_ordinal <= {at} AND (l.end_ordinal IS NULL OR l.end_ordinal >= {at}) "
        f"AND (c.last_billable_ordinal IS NULL OR c.last_billable_ordinal >= {at}) "
        f"AND l.anchor_ordinal <= {at} AND ({at} - l.anchor_ordinal) % l.period_months = 0)"
    )


class PlanQueries:
    """The plan's hot reads, over `_rows` (a connection's way to run a statement)."""

    location: str = ""

    def _rows(self, sql: str, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        raise NotImplementedError

    # -- settings and clients ----------------------------------------------------
    def settings_values(self) -> dict[str, str]:
        return {key: value for key, value in self._rows("SELECT key, value FROM settings", {})}

    def client_labels(self) -> list[ClientLabel]:
        """Every client with only what a `plan show` or `plan diff` row shows: reference, name,
        Xero contact (and its last billable month, which says whether it needs attention)."""
        months: dict[str | None, Month | None] = {None: None}
        labels = []
        for client_id, reference, name, contact_id, contact_name, new, last in self._rows(
            "SELECT id, reference, name, xero_contact_id, xero_contact_name, new_xero_contact, "
            "last_billable_month FROM clients",
            {},
        ):
            if last not in months:
                months[last] = Month.parse(last)
            labels.append(
                ClientLabel(
                    client_id, reference, name, contact_id, contact_name, bool(new), months[last]
                )
            )
        return labels

    def contact_problems(self) -> dict[int, ContactLink]:
        """The linked clients whose Xero contact is archived, merged or gone from the mirror.

        Only those are read: a practice whose links are fine costs one small query. Before
        the first sync (an empty mirror) no link can be checked, and none is returned.
        """
        if not self._rows("SELECT contact_id FROM xero_contacts LIMIT 1", {}):
            return {}
        columns = ", ".join(f"x.{name}" for name in CONTACT_COLUMNS)
        statement = (
            "SELECT c.id, c.reference, c.name, c.xero_contact_id, c.xero_contact_name, "
            f"c.new_xero_contact, {columns} FROM clients AS c "
            "LEFT OUTER JOIN xero_contacts AS x ON x.contact_id = c.xero_contact_id "
            "WHERE c.xero_contact_id IS NOT NULL "
            "AND (x.contact_id IS NULL OR x.status != :active)"
        )
        rows = [
            (ClientLabel(client_id, reference, name, linked, kept, bool(new)), contact_of(rest))
            for client_id, reference, name, linked, kept, new, *rest in self._rows(
                statement, {"active": "ACTIVE"}
            )
        ]
        known = with_merges((c for _, c in rows if c is not None), self._contacts_by_id)
        return {
            label.id: link_of(
                label, contact, mirrored=True, merged_into=last_merge(contact, known.get)
            )
            for label, contact in rows
        }

    def _contacts_by_id(self, contact_ids: list[str]) -> list[XeroContact]:
        found: list[XeroContact] = []
        for start in range(0, len(contact_ids), 500):
            chunk = contact_ids[start : start + 500]
            names = ", ".join(f":id{i}" for i in range(len(chunk)))
            statement = (
                f"SELECT {', '.join(CONTACT_COLUMNS)} FROM xero_contacts "
                f"WHERE contact_id IN ({names})"
            )
            found += [
                contact
                for row in self._rows(statement, {f"id{i}": id_ for i, id_ in enumerate(chunk)})
                if (contact := contact_of(row)) is not None
            ]
        return found

    # -- finalised months ------------------------------------------------------------
    def latest_finalised(self) -> Month | None:
        latest = self._rows("SELECT max(month) FROM plan_snapshots", {})[0][0]
        return None if latest is None else Month.parse(latest)

    def finalised_invoice_totals(self, month: Month) -> list[FrozenTotal]:
        statement = (
            "SELECT client_reference, client_name, reference, total_minor "
            "FROM snapshot_invoices WHERE month = :month ORDER BY id"
        )
        amounts: dict[int, Decimal] = {}  # totals repeat across a practice
        found = []
        for client_reference, client_name, reference, total in self._rows(
            statement, {"month": str(month)}
        ):
            amount = amounts.get(total)
            if amount is None:
                amount = amounts[total] = from_minor(int(total))
            found.append(FrozenTotal(client_reference, client_name, reference, amount))
        return found

    def finalised_totals(self, month: Month) -> dict[int, ClientMonth] | None:
        parameters = {"month": str(month)}
        if not self._rows("SELECT month FROM plan_snapshots WHERE month = :month", parameters):
            return None
        statement = (
            "SELECT client_id, sum(total_minor), sum(line_count), count(*) "
            "FROM snapshot_invoices WHERE month = :month GROUP BY client_id"
        )
        return {
            client_id: ClientMonth(from_minor(int(total)), int(lines), int(count))
            for client_id, total, lines, count in self._rows(statement, parameters)
        }

    # -- the month's totals ------------------------------------------------------------
    def billing_totals(
        self, months: Sequence[Month], settings: PracticeSettings
    ) -> dict[Month, dict[int, ClientMonth]]:
        """What each client is billed in each month, summed in SQL in one pass over the lines.

        Exactly `domain.billing.client_totals` over `billable_lines` (a test holds the two
        together), without loading the lines: this is what `plan diff` reads for a practice
        of tens of thousands of clients. It compares the lines' integer copies of their
        months and period. Alignment fees, rare and dated, come from a second small query.
        """
        parameters: dict[str, Any] = {
            **_BILLED_PARAMETERS,
            **{f"m{index}": month.ordinal for index, month in enumerate(months)},
        }
        anywhere = " OR ".join(_due(index) for index in range(len(months)))
        # The amounts and lines of every client, in one pass over the lines for all the months.
        columns = ", ".join(
            f"sum(CASE WHEN {_due(index)} THEN l.amount_minor ELSE 0 END), "
            f"count(CASE WHEN {_due(index)} THEN 1 END)"
            for index in range(len(months))
        )
        grouped = (
            f"SELECT p.client_id, {columns} {_JOINED} "
            f"WHERE {_BILLED} AND ({anywhere}) GROUP BY p.client_id"
        )
        figures: dict[Month, dict[int, ClientMonth]] = {month: {} for month in months}
        tables = [figures[month] for month in months]
        places = [(table, 2 * index + 1, 2 * index + 2) for index, table in enumerate(tables)]
        # Sums repeat across a practice (the same fees): each distinct one is made once.
        amounts: dict[int, Decimal] = {}
        for row in self._rows(grouped, parameters):
            for table, pennies_at, count_at in places:
                if row[count_at]:
                    pennies = row[pennies_at]
                    amount = amounts.get(pennies)
                    if amount is None:
                        amount = amounts[pennies] = from_minor(pennies)
                    table[row[0]] = ClientMonth(amount, row[count_at], 1)
        # A consolidated client's lines are its distinct account code and tracking groups.
        # Counting them costs a sort per month, so a second pass counts them for the
        # consolidated clients only (none, unless the setting or an override says so).
        anyone_consolidates = settings.consolidate_recurring or bool(
            self._rows("SELECT id FROM clients WHERE consolidate = :yes LIMIT 1", {"yes": True})
        )
        if anyone_consolidates:
            key = (
                "coalesce(nullif(s.account_code, ''), :account) || :separator || "
                "coalesce(s.tracking_category, '') || :separator || coalesce(c.tracking, '')"
            )
            counts = ", ".join(
                f"count(DISTINCT CASE WHEN {_due(index)} THEN {key} END)"
                for index in range(len(months))
            )
            groups = (
                f"SELECT p.client_id, {counts} {_JOINED} WHERE {_BILLED} "
                "AND CAST(coalesce(c.consolidate, :consolidate) AS INTEGER) = 1 "
                f"AND ({anywhere}) GROUP BY p.client_id"
            )
            consolidated = {
                **parameters,
                "account": settings.recurring_account_code,
                "separator": "\x1f",
                "consolidate": settings.consolidate_recurring,
            }
            for client_id, *per_month in self._rows(groups, consolidated):
                for table, count in zip(tables, per_month, strict=True):
                    if count:
                        table[client_id] = table[client_id]._replace(line_count=count)
        # Lines starting in the months: found through the index on start_month, whose integer
        # copy start_ordinal is (a scan of every line otherwise, a tenth of the whole).
        ordinals = ", ".join(f":m{index}" for index in range(len(months)))
        starts = ", ".join(f":start{index}" for index in range(len(months)))
        fees = (
            "SELECT p.client_id, l.start_ordinal, l.quantity, l.unit_price, c.year_end, "
            f"{_BILLED_UNTIL}, p.start_date "
            f"{_JOINED} WHERE {_BILLED} AND l.charges_alignment = :yes "
            f"AND l.period_months = 1 AND l.start_month IN ({starts}) "
            f"AND l.start_ordinal IN ({ordinals}) "
            "AND l.anchor_ordinal = l.start_ordinal "
            "AND (c.last_billable_ordinal IS NULL OR c.last_billable_ordinal >= l.start_ordinal) "
            "AND (l.end_ordinal IS NULL OR l.end_ordinal >= l.start_ordinal) "
            "AND c.year_end IS NOT NULL"
        )
        separate = settings.alignment_invoicing is AlignmentInvoicing.SEPARATE
        by_ordinal = {month.ordinal: month for month in months}
        named = {f"start{index}": str(month) for index, month in enumerate(months)}
        for client_id, start, quantity, unit_price, year_end, billed_until, began in self._rows(
            fees, {**parameters, **named, "yes": True}
        ):
            month = by_ordinal[start]
            client_year_end = year_end_of(year_end)
            until = None if billed_until is None else Month.from_ordinal(billed_until)
            day = start_day(began, str(month))
            alignment = (
                alignment_for(client_year_end, month, until, day) if client_year_end else None
            )
            if alignment is not None:
                fee = alignment_fee(Decimal(quantity), Decimal(unit_price), alignment)
                entry = figures[month][client_id]
                figures[month][client_id] = ClientMonth(
                    entry.amount + from_minor(to_minor(fee)),
                    entry.line_count + 1,
                    2 if separate else 1,
                )
        return figures

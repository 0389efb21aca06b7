"""The demo practice of `socket playground`: its clients, pricing menu, proposals and Xero contacts.

Everything is made relative to a day ("today"), so the demo is valid whatever the date:
the month the plan shows by default (`plan diff` without --month) is the *plan month*,
and every start, change and closing is a number of months before or after it. For the
plan month against the month before, the plan shows every change type:

- new: a late start (accepted weeks ago, starting in the plan month) and a new client;
- expanded: payroll added, and a bookkeeping fee raised, from the plan month;
- contracted: management accounts removed, a fee lowered, an add-on proposal cancelled;
- ceased: a client closing, whose last billable month is the month before;
- unchanged: every other client.

Quarterly and annual in-advance lines start on a cycle that falls in neither of the two
months, so that the story above is the whole story of the plan month (other months show
those lines coming and going, as a real practice's plan does).

Built from plain records and pure functions: the same day gives the same practice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from socketcli.domain.billing import alignment_for, next_billing_month
from socketcli.domain.links import link_to
from socketcli.domain.model import BillingMethod, ChangeType, ProposalStatus, YearEnd
from socketcli.domain.money import parse_money
from socketcli.domain.months import Month
from socketcli.domain.proposals import (
    NoCurrentLine,
    cancelled,
    changed_lines,
    charges_alignment,
    decided_lines,
)
from socketcli.domain.records import Client, Proposal, ProposalLine, Service, XeroContact

#: The namespace of the demo Xero contacts' ContactIDs (uuid5 of the contact's name).
CONTACT_NAMESPACE = uuid.UUID("5d0c6f3e-8a51-4a7e-9b0a-50c4e7f1a9d2")

#: Practice settings of the demo (the playground flag itself is set apart: it is not settable).
SETTINGS: tuple[tuple[str, str], ...] = (
    ("invoice_day", "1"),
    ("payment_terms", "days:14"),
    ("recurring_account_code", "200"),
    ("one_off_account_code", "260"),
    ("consolidate_recurring", "false"),
    ("consolidate_one_off", "false"),
    ("posting_status", "DRAFT"),
    ("plan_mode", "approve"),
    ("alignment_invoicing", "first_invoice"),
    ("crm", "socket"),
)

# The clients with a part in the story of the plan month (see the module's docstring).
LATE_START_CLIENT = "CLI037"
NEW_CLIENT = "CLI022"
ALIGNMENT_CLIENT = "CLI034"
CLOSING_CLIENT = "CLI030"
#: Linked to an old Xero contact that was since merged into its current one: the plan warns.
MERGED_CLIENT = "CLI026"
MERGED_CONTACT = "Singh Lettings"
CLOSING_LATER_CLIENT = "CLI025"
CANCELLED_ADD_ON_CLIENT = "CLI020"
CONSOLIDATED_CLIENT = "CLI029"
OWN_TERMS_CLIENTS = ("CLI021", "CLI034")
BACKDATED_CLIENT = "CLI039"
PROSPECT_CLIENT = "CLI035"  # only a draft proposal: nothing billed yet

#: The change type of every client billed in the plan month or the month before that is
#: not unchanged.
CHANGES: Mapping[ChangeType, frozenset[str]] = {
    ChangeType.NEW: frozenset({LATE_START_CLIENT, NEW_CLIENT}),
    ChangeType.EXPANDED: frozenset({"CLI008", "CLI013"}),
    ChangeType.CONTRACTED: frozenset({"CLI028", "CLI033", CANCELLED_ADD_ON_CLIENT}),
    ChangeType.CEASED: frozenset({CLOSING_CLIENT}),
}

# -- the pricing menu ----------------------------------------------------------------------

BOOKKEEPING = "Bookkeeping"
PAYROLL = "Payroll"
MANAGEMENT = "Management accounts"
ACCOUNTS = "Annual accounts"
VAT = "VAT returns"
SELF_ASSESSMENT = "Self assessment tax return"
SECRETARIAL = "Company secretarial"
MTD = "MTD quarterly update"
PARTNERSHIP = "Partnership tax return"
XERO_SETUP = "Xero setup and migration"
RND = "R&D tax credit claim"
WEEKLY_PAYROLL = "Weekly payroll"

SERVICES: tuple[Service, ...] = (
    Service(BOOKKEEPING, BillingMethod.MONTHLY),
    Service(PAYROLL, BillingMethod.MONTHLY, account_code="260"),
    Service(MANAGEMENT, BillingMethod.MONTHLY),
    Service(ACCOUNTS, BillingMethod.MONTHLY, alignment_eligible=True),
    Service(VAT, BillingMethod.QUARTERLY_IN_ADVANCE),
    Service(SELF_ASSESSMENT, BillingMethod.ANNUAL_IN_ADVANCE),
    Service(SECRETARIAL, BillingMethod.ANNUAL_IN_ADVANCE),
    Service(MTD, BillingMethod.QUARTERLY_ON_COMPLETION),
    Service(PARTNERSHIP, BillingMethod.ANNUAL_ON_COMPLETION),
    Service(XERO_SETUP, BillingMethod.ONE_OFF),
    Service(RND, BillingMethod.ONE_OFF, tracking_category="Region:South"),
    Service(WEEKLY_PAYROLL, BillingMethod.WEEKLY),
)
_SERVICES = {service.name: service for service in SERVICES}


@dataclass(frozen=True, slots=True)
class _Line:
    service: str
    price: str
    quantity: int = 1
    description: str = ""


def _line(service: str, price: str) -> _Line:
    return _Line(service, price)


def _payroll(employees: int, price: str) -> _Line:
    return _Line(PAYROLL, price, employees, f"Payroll ({employees} employees)")


@dataclass(frozen=True, slots=True)
class _Change:
    """A change from a month on (an offset from the plan month): set lines, remove services."""

    at: int
    set: tuple[_Line, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Seed:
    """A proposal as the story tells it; `start` is the start month's offset from the plan month."""

    client: str
    title: str
    start: int
    lines: tuple[_Line, ...]
    status: ProposalStatus = ProposalStatus.ACCEPTED
    changes: tuple[_Change, ...] = ()
    cancelled_from: int | None = None
    lead_days: int = 18  # accepted this many days before the start date...
    accepted_days_ago: int | None = None  # ...or this many days before today


# -- the clients ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Person:
    """A client and how it appears in the demo Xero organisation (None: not there)."""

    client: Client
    xero_name: str | None
    xero_email: str = ""
    contact_number: bool = False  # the Xero contact's ContactNumber is the client reference
    linked: bool = False


def _c(reference: str, name: str, email: str, **overrides: Any) -> Client:
    return Client(reference=reference, name=name, email=email, **overrides)


_MARCH = YearEnd(3, 31)
_APRIL_5 = YearEnd(4, 5)


def _people(month: Month) -> tuple[_Person, ...]:
    # fmt: off
    return (
        _Person(_c("CLI001", "CITY LIMO", "bookings@citylimousines.co.uk"),
                "City Limousines", "accounts@citylimousines.co.uk"),
        _Person(_c("CLI002", "Smith & Sons Ltd", "accounts@smithandsons.co.uk"),
                "Smith and Sons Limited", "office@smithandsons.co.uk"),
        _Person(_c("CLI003", "Harrow Plumbing & Heating Ltd", "office@harrowplumbing.co.uk"),
                "Harrow Plumbing and Heating Ltd", contact_number=True),
        _Person(_c("CLI004", "Crown & Anchor Inn", "landlord@crownandanchor-inn.co.uk"),
                "The Crown & Anchor Inn"),
        _Person(_c("CLI005", "Patel Pharmacy Ltd", "accounts@patelpharmacy.co.uk"),
                "Patel Pharmacy Limited", "info@patelpharmacy.co.uk"),
        _Person(_c("CLI006", "J Okafor Electrical", "joe@okaforelectrical.co.uk", year_end=_APRIL_5),
                "Joseph Okafor t/a Okafor Electrical", "joe@okaforelectrical.co.uk"),
        _Person(_c("CLI007", "Brightwater Dental LLP", "practice@brightwaterdental.co.uk"),
                "Brightwater Dental LLP", "practice@brightwaterdental.co.uk",
                contact_number=True, linked=True),
        _Person(_c("CLI008", "Greenfield Landscapes Ltd", "hello@greenfieldlandscapes.co.uk"),
                "GREENFIELD LANDSCAPES LTD"),
        _Person(_c("CLI009", "Morgan & Price Solicitors LLP", "finance@morganprice.law"),
                "Morgan and Price Solicitors LLP", "accounts@morganprice.law"),
        _Person(_c("CLI010", "Riverside Veterinary Practice Ltd", "admin@riversidevets.co.uk"),
                "Riverside Vets Ltd", "reception@riversidevets.co.uk"),
        _Person(_c("CLI011", "Blackwood Joinery Ltd", "dave@blackwoodjoinery.co.uk"),
                "Blackwood Joinery Limited", contact_number=True),
        _Person(_c("CLI012", "Sarah Jenkins Photography", "sarah@sarahjenkinsphoto.co.uk",
                   year_end=_APRIL_5),
                "Sarah Jenkins Photography", "sarah@sarahjenkinsphoto.co.uk", linked=True),
        _Person(_c("CLI013", "Northern Lights Events Ltd", "team@northernlightsevents.co.uk"),
                "Northern Lights Events"),
        _Person(_c("CLI014", "Castle Street Deli", "maria@castlestreetdeli.co.uk",
                   year_end=_MARCH),
                "Castle St Deli"),
        _Person(_c("CLI015", "Whitfield Architects LLP", "office@whitfieldarchitects.co.uk"),
                "Whitfield Architects", "studio@whitfieldarchitects.co.uk"),
        _Person(_c("CLI016", "Kowalski Builders Ltd", "piotr@kowalskibuilders.co.uk"),
                "Kowalsky Builders Ltd"),
        _Person(_c("CLI017", "Ashford & Daughters Removals", "office@ashfordremovals.co.uk"),
                "Ashford and Daughters Removals", "office@ashfordremovals.co.uk"),
        _Person(_c("CLI018", "Pennine Outdoor Gear Ltd", "accounts@pennineoutdoor.co.uk",
                   tracking="Region:North"),
                "Pennine Outdoor Gear Ltd", "accounts@pennineoutdoor.co.uk", linked=True),
        _Person(_c("CLI019", "Dr Amelia Hughes", "amelia.hughes@nhs.net", year_end=_APRIL_5),
                "Amelia Hughes", "amelia.hughes@nhs.net"),
        _Person(_c("CLI020", "Thompson Haulage Ltd", "accounts@thompsonhaulage.co.uk"),
                "Thompson Haulage (UK) Ltd", "accounts@thompsonhaulage.co.uk"),
        _Person(_c("CLI021", "Lotus Thai Kitchen Ltd", "manager@lotusthaikitchen.co.uk",
                   payment_terms="days:7"),
                "Lotus Thai Kitchen Limited"),
        _Person(_c("CLI022", "Fairway Golf Supplies Ltd", "sales@fairwaygolfsupplies.co.uk"),
                None),
        _Person(_c("CLI023", "Elliott & Co Chartered Surveyors", "admin@elliottsurveyors.co.uk"),
                "Elliott and Co Chartered Surveyors"),
        _Person(_c("CLI024", "The Book Nook", "books@thebooknook.co.uk", year_end=_MARCH),
                "Book Nook"),
        _Person(_c("CLI025", "Marsh Farm Partnership", "marshfarm@btinternet.com",
                   last_billable_month=month + 2),
                "Marsh Farm", "marshfarm@btinternet.com"),
        _Person(_c("CLI026", "Singh Property Lettings Ltd", "lettings@singhproperty.co.uk"),
                "Singh Property Lettings Ltd", linked=True),
        _Person(_c("CLI027", "Coastal Cleaning Services Ltd", "info@coastalcleaning.co.uk"),
                "Coastal Cleaning Services Limited", "info@coastalcleaning.co.uk",
                contact_number=True),
        _Person(_c("CLI028", "Willow Tree Nursery Ltd", "office@willowtreenursery.co.uk"),
                "Willow Tree Day Nursery Ltd"),
        _Person(_c("CLI029", "Redbrick IT Solutions Ltd", "finance@redbrickit.co.uk",
                   consolidate=True),
                "RedBrick IT Solutions Ltd", "finance@redbrickit.co.uk"),
        _Person(_c("CLI030", "O'Brien Roofing", "sean@obrienroofing.co.uk", year_end=_APRIL_5,
                   last_billable_month=month - 1),
                "OBrien Roofing"),
        _Person(_c("CLI031", "Hartley Physiotherapy Clinic", "info@hartleyphysio.co.uk",
                   year_end=_MARCH),
                "Hartley Physio Clinic", "info@hartleyphysio.co.uk"),
        _Person(_c("CLI032", "Bennett & Clarke Hair Studio", "salon@bennettclarke.co.uk"),
                "Bennett and Clarke Hair Studio"),
        _Person(_c("CLI033", "Evans Family Butchers", "shop@evansbutchers.co.uk",
                   year_end=_MARCH),
                "EVANS FAMILY BUTCHERS"),
        _Person(_c("CLI034", "Meadowbank Care Home Ltd", "manager@meadowbankcare.co.uk",
                   year_end=_MARCH, payment_terms="following:20"),
                "Meadowbank Care Homes Ltd", "accounts@meadowbankcare.co.uk"),
        _Person(_c("CLI035", "Quayside Marine Engineering Ltd", "ops@quaysidemarine.co.uk"),
                None),
        _Person(_c("CLI036", "Wright Electrical Contractors Ltd", "office@wrightelectrical.co.uk",
                   invoice_day=15),
                "Wright Electrical Contractors Limited"),
        _Person(_c("CLI037", "Nguyen Nail Bar", "linh@nguyennailbar.co.uk", year_end=_APRIL_5),
                None),
        _Person(_c("CLI038", "Foxglove Florists", "orders@foxgloveflorists.co.uk",
                   year_end=_MARCH),
                "Foxglove Florist"),
        _Person(_c("CLI039", "Atlas Logistics Ltd", "accounts@atlaslogistics.co.uk"),
                "Atlas Logistics Ltd", "accounts@atlaslogistics.co.uk", contact_number=True),
        _Person(_c("CLI040", "Holmes & Watson Consulting Ltd", "hello@holmeswatson.co.uk"),
                "Holmes and Watson Consulting Limited"),
    )
    # fmt: on


#: Xero contacts with no client in the demo: (name, email, status, is_customer).
_OTHER_CONTACTS: tuple[tuple[str, str, str, bool], ...] = (
    ("Thompson Haulage Ltd", "accounts@thompsonhaulage.co.uk", "ARCHIVED", True),
    ("Smith & Sons Plant Hire Ltd", "hire@smithsonsplant.co.uk", "ACTIVE", True),
    # The same business entered twice in Xero: `socket contacts duplicates` finds them.
    ("SMITH & SONS PLANT HIRE", "accounts@smithsonsplant.co.uk", "ACTIVE", True),
    ("Jones Garage Services", "jonesgarage@gmail.com", "ACTIVE", True),
    ("Harbour View B&B", "stay@harbourviewbandb.co.uk", "ACTIVE", True),
    ("Peak District Pottery Ltd", "studio@peakpottery.co.uk", "ACTIVE", True),
    ("Greenwood Dental Care", "reception@greenwooddental.co.uk", "ACTIVE", True),
    ("Stationery Direct Ltd", "orders@stationerydirect.co.uk", "ACTIVE", False),
    ("HM Revenue & Customs", "", "ACTIVE", False),
)


# -- the proposals -------------------------------------------------------------------------


def _seeds(alignment_start: int) -> tuple[_Seed, ...]:
    b, m, a, v = BOOKKEEPING, MANAGEMENT, ACCOUNTS, VAT
    sa, cs, mtd, pt = SELF_ASSESSMENT, SECRETARIAL, MTD, PARTNERSHIP
    L = _line
    # fmt: off
    return (
        _Seed("CLI001", "Bookkeeping, payroll and compliance", -12,
              (L(b, "195"), _payroll(5, "12"), L(a, "110"), L(v, "150"), L(cs, "95"))),
        _Seed("CLI002", "Monthly accounting package", -13,
              (L(b, "220"), L(a, "120"), L(v, "150"), L(cs, "95")),
              changes=(_Change(-6, set=(L(b, "240"),)),)),
        _Seed("CLI003", "Bookkeeping and compliance", -11,
              (L(b, "175"), _payroll(3, "12"), L(a, "95"), L(v, "150"))),
        _Seed("CLI003", "Monthly management accounts", 1, (L(m, "150"),),
              status=ProposalStatus.DRAFT),
        _Seed("CLI004", "Pub accounting package", -10,
              (L(b, "210"), _payroll(9, "10"), L(v, "175"), L(a, "100"), L(pt, "450"))),
        _Seed("CLI005", "Pharmacy accounting package", -13,
              (L(b, "260"), L(a, "140"), L(v, "150"), L(cs, "95")),
              changes=(_Change(-4, set=(_payroll(6, "12"),)),)),
        _Seed("CLI006", "Sole trader package", -9,
              (L(b, "85"), L(sa, "295"), L(mtd, "60"))),
        _Seed("CLI007", "Practice accounting package", -13,
              (L(b, "320"), _payroll(14, "10"), L(m, "250"), L(a, "180"))),
        _Seed("CLI008", "Bookkeeping and compliance", -8,
              (L(b, "150"), L(a, "90"), L(v, "150")),
              changes=(_Change(0, set=(_payroll(4, "12"),)),)),
        _Seed("CLI009", "Partnership accounting package", -13,
              (L(b, "280"), L(m, "200"), L(a, "160"), L(v, "175")),
              changes=(_Change(-8, remove=(m,)),)),
        _Seed("CLI010", "Practice accounting package", -7,
              (L(b, "240"), _payroll(11, "10"), L(a, "130"), L(v, "150"), L(cs, "95"))),
        _Seed("CLI011", "Bookkeeping and payroll", -12,
              (L(b, "165"), _payroll(4, "12"), L(a, "95")),
              changes=(_Change(-3, set=(_payroll(6, "12"),)),)),
        _Seed("CLI012", "Sole trader package", -11, (L(b, "65"), L(sa, "250"))),
        _Seed("CLI012", "Making Tax Digital quarterly updates", 1, (L(mtd, "60"),),
              status=ProposalStatus.DRAFT),
        _Seed("CLI013", "Events company package", -10,
              (L(b, "250"), L(a, "110"), L(v, "150")),
              changes=(_Change(0, set=(L(b, "325"),)),)),
        _Seed("CLI014", "Sole trader package with VAT", -6,
              (L(b, "110"), L(v, "150"), L(sa, "275"))),
        _Seed("CLI015", "LLP accounting package", -13,
              (L(b, "230"), L(m, "225"), L(a, "150"), _payroll(7, "12"))),
        _Seed("CLI016", "Construction accounting package", -9,
              (L(b, "185"), L(a, "100"), L(v, "150"), L(cs, "95"))),
        _Seed("CLI017", "Partnership package", -12,
              (L(b, "140"), _Line(WEEKLY_PAYROLL, "35", 1, "Weekly payroll (drivers)"),
               L(a, "85"), L(pt, "400"))),
        _Seed("CLI018", "Retail accounting package", -5,
              (L(b, "195"), L(a, "120"), L(v, "150"), L(m, "175"))),
        _Seed("CLI019", "Locum GP tax package", -13, (L(b, "45"), L(sa, "450"))),
        _Seed("CLI020", "Haulage accounting package", -13,
              (L(b, "290"), _payroll(18, "10"), L(a, "160"), L(v, "175"))),
        _Seed("CLI020", "Monthly management accounts", -7, (L(m, "195"),),
              cancelled_from=0),
        _Seed("CLI021", "Restaurant accounting package", -4,
              (L(b, "160"), _payroll(8, "10"), L(a, "95"), L(v, "150"))),
        _Seed("CLI022", "Bookkeeping and compliance", 0,
              (L(b, "175"), L(a, "100"), L(v, "150"), L(cs, "95"), L(XERO_SETUP, "450")),
              accepted_days_ago=4),
        _Seed("CLI023", "Surveyors accounting package", -11,
              (L(b, "210"), L(a, "130"), L(v, "150"), _payroll(6, "12"))),
        _Seed("CLI024", "Sole trader package with VAT", -8,
              (L(b, "75"), L(v, "125"), L(sa, "250"))),
        _Seed("CLI025", "Farm partnership package", -13,
              (L(b, "180"), L(v, "150"), L(a, "110"), L(pt, "600"))),
        _Seed("CLI026", "Property company package", -10,
              (L(b, "145"), L(a, "120"), L(cs, "95"))),
        _Seed("CLI027", "Bookkeeping and payroll", -6,
              (L(b, "130"), _payroll(22, "9"), L(a, "95"))),
        _Seed("CLI028", "Nursery accounting package", -12,
              (L(b, "200"), _payroll(16, "10"), L(m, "175"), L(a, "120")),
              changes=(_Change(0, remove=(m,)),)),
        _Seed("CLI029", "Technology company package", -9,
              (L(b, "190"), _payroll(5, "12"), L(a, "110"), L(v, "150"))),
        _Seed("CLI029", "R&D claim and Xero migration", -2,
              (L(RND, "1500"), L(XERO_SETUP, "650"))),
        _Seed("CLI030", "Sole trader package with VAT", -13,
              (L(b, "95"), L(v, "150"), L(sa, "275"))),
        _Seed("CLI031", "Sole trader package", -7,
              (L(b, "90"), L(sa, "295"), L(mtd, "60"))),
        _Seed("CLI032", "Partnership package", -10,
              (L(b, "95"), _payroll(4, "10"), L(pt, "350"))),
        _Seed("CLI033", "Sole trader package with VAT", -11,
              (L(b, "180"), L(v, "150"), L(sa, "275")),
              changes=(_Change(0, set=(L(b, "150"),)),)),
        _Seed("CLI034", "Care home accounting package", alignment_start,
              (L(b, "275"), _payroll(30, "8"), L(a, "150"), L(cs, "95"))),
        _Seed("CLI035", "Engineering company package", 1,
              (L(b, "230"), _payroll(12, "10"), L(a, "140"), L(v, "150")),
              status=ProposalStatus.DRAFT),
        _Seed("CLI036", "Contractor accounting package", -13,
              (L(b, "200"), _payroll(9, "10"), L(a, "120"), L(v, "150"))),
        _Seed("CLI037", "Sole trader package", 0,
              (L(b, "70"), L(sa, "250"), L(mtd, "60")), accepted_days_ago=70),
        _Seed("CLI038", "Sole trader package with VAT", -5,
              (L(b, "80"), L(sa, "250"), L(v, "125"))),
        _Seed("CLI039", "Logistics accounting package", -2,
              (L(b, "240"), _payroll(12, "10"), L(a, "140"), L(v, "175")),
              accepted_days_ago=9),
        _Seed("CLI040", "Consultancy accounting package", -13,
              (L(b, "150"), L(a, "110"), L(v, "150"), L(cs, "95")),
              changes=(_Change(-5, set=(L(v, "175"),)),)),
    )
    # fmt: on


def _alignment_start(month: Month) -> int:
    """The offset of the October among the 12 months from month-13 to month-2.

    October for a client with a 31 March year end: six months of its year (April to
    September) have passed, as in the product's own example.
    """
    return next(k for k in range(-13, -1) if (month + k).month == 10)


def _off_cycle(first: Month, method: BillingMethod, month: Month) -> Month:
    """The first month from `first` on whose cycle misses both `month` and the month before."""
    period = method.period_months or 1
    if period == 1:
        return first
    start = first
    while start.months_since(month) % period in (0, period - 1):
        start = start + 1
    return start


def _new_line(spec: _Line, start: Month | None = None) -> ProposalLine:
    service = _SERVICES[spec.service]
    method = service.billing_method
    return ProposalLine(
        service_name=service.name,
        description=spec.description or service.name,
        quantity=Decimal(spec.quantity),
        unit_price=parse_money(spec.price),
        billing_method=method,
        start=start,
        anchor=start,
        charges_alignment=start is not None and charges_alignment(service, method),
    )


def _changed(lines: list[ProposalLine], change: _Change, month: Month) -> list[ProposalLine]:
    """The lines changed from a month on, as `socket proposals change` changes them."""
    effective = month + change.at
    try:
        return list(
            changed_lines(
                lines,
                effective,
                remove=change.remove,
                add=[_new_line(spec, effective) for spec in change.set],
            )
        )
    except NoCurrentLine as missing:
        raise ValueError(
            f"demo data: no {missing.service!r} line to remove in {effective}"
        ) from None


def _at(day: date, now: datetime, hour: int) -> datetime:
    moment = datetime.combine(day, time(hour, 30), tzinfo=now.tzinfo)
    return min(moment, now - timedelta(hours=1))


def _proposal(seed: _Seed, month: Month, now: datetime) -> Proposal:
    first = month + seed.start
    start_date = first.first_day
    if seed.status is ProposalStatus.DRAFT:
        return Proposal(
            reference="",
            client_reference=seed.client,
            status=ProposalStatus.DRAFT,
            start_date=start_date,
            title=seed.title,
            lines=tuple(_new_line(spec) for spec in seed.lines),
        )
    lines = list(
        decided_lines(
            [
                _new_line(spec, _off_cycle(first, _SERVICES[spec.service].billing_method, month))
                for spec in seed.lines
            ]
        )
    )
    for change in seed.changes:
        lines = _changed(lines, change, month)
    if seed.accepted_days_ago is not None:
        accepted_on = now.date() - timedelta(days=seed.accepted_days_ago)
    else:
        accepted_on = start_date - timedelta(days=seed.lead_days + int(seed.client[-2:]) % 10)
    proposal = Proposal(
        reference="",
        client_reference=seed.client,
        status=ProposalStatus.ACCEPTED,
        start_date=start_date,
        title=seed.title,
        lines=tuple(lines),
        accepted_at=_at(accepted_on, now, 9 + int(seed.client[-1])),
    )
    if seed.cancelled_from is not None:
        return cancelled(proposal, month + seed.cancelled_from)
    return proposal


def _year_end(client: Client, proposals: list[Proposal]) -> YearEnd | None:
    """The client's year end; for one billed monthly for its annual accounts, the year starts
    with the service, so that no alignment fee is owed (the playground has one such case)."""
    starts = [
        line.start
        for proposal in proposals
        for line in proposal.lines
        if line.charges_alignment and line.start is not None
    ]
    if client.reference == ALIGNMENT_CLIENT or not starts:
        return client.year_end
    before = min(starts) - 1
    return YearEnd(before.month, min(before.last_day.day, 28 if before.month == 2 else 31))


def contact_id(name: str) -> str:
    """The demo ContactID of a Xero contact: deterministic, a UUID as Xero's are."""
    return str(uuid.uuid5(CONTACT_NAMESPACE, name))


@dataclass(frozen=True, slots=True)
class DemoPractice:
    today: date
    month: Month  # the plan month: the default month of `plan diff` on `today`
    settings: tuple[tuple[str, str], ...]
    services: tuple[Service, ...]
    clients: tuple[Client, ...]
    proposals: tuple[Proposal, ...]
    xero_contacts: tuple[XeroContact, ...]
    alignment_month: Month  # the first month of the alignment-fee client's annual accounts
    changes: Mapping[ChangeType, frozenset[str]] = field(default_factory=lambda: CHANGES)


def build_demo(now: datetime) -> DemoPractice:
    """The demo practice for the day of `now` (an aware datetime)."""
    today = now.date()
    month = next_billing_month(today, None)
    alignment_start = _alignment_start(month)
    people = _people(month)

    drafted = [_proposal(seed, month, now) for seed in _seeds(alignment_start)]
    # References in the order the proposals were made: accepted ones by acceptance, drafts last.
    drafted.sort(
        key=lambda p: (p.accepted_at is None, p.accepted_at or now, p.client_reference, p.title)
    )
    proposals = tuple(
        replace(proposal, reference=f"PRO{number:03d}")
        for number, proposal in enumerate(drafted, start=1)
    )

    contacts: list[XeroContact] = []
    clients: list[Client] = []
    for person in people:
        client = person.client
        own = [p for p in proposals if p.client_reference == client.reference]
        client = replace(client, year_end=_year_end(client, own))
        if person.xero_name is not None:
            contact = XeroContact(
                contact_id=contact_id(person.xero_name),
                name=person.xero_name,
                email=person.xero_email,
                contact_number=client.reference if person.contact_number else None,
            )
            contacts.append(contact)
            if person.linked and client.reference == MERGED_CLIENT:
                contact = XeroContact(
                    contact_id=contact_id(MERGED_CONTACT),
                    name=MERGED_CONTACT,
                    status="ARCHIVED",
                    merged_to=contact.contact_id,
                )
                contacts.append(contact)
            if person.linked:
                client = link_to(client, contact)
        clients.append(client)
    for name, email, status, is_customer in _OTHER_CONTACTS:
        contacts.append(
            XeroContact(
                contact_id=contact_id(name),
                name=name,
                email=email,
                status=status,
                is_customer=is_customer,
            )
        )
    contacts.sort(key=lambda contact: contact.name.casefold())

    demo = DemoPractice(
        today=today,
        month=month,
        settings=SETTINGS,
        services=SERVICES,
        clients=tuple(clients),
        proposals=proposals,
        xero_contacts=tuple(contacts),
        alignment_month=month + alignment_start,
    )
    _check(demo)
    return demo


def _check(demo: DemoPractice) -> None:
    """The demo's own promises, checked as it is made: a broken demo fails loudly."""
    problems = []
    by_reference = {client.reference: client for client in demo.clients}
    year_end = by_reference[ALIGNMENT_CLIENT].year_end
    if year_end is None or alignment_for(year_end, demo.alignment_month) is None:
        problems.append("the alignment-fee client owes no alignment fee")
    latest = datetime.combine(demo.today, time.max)
    for proposal in demo.proposals:
        if proposal.client_reference not in by_reference:
            problems.append(f"{proposal.reference} is for an unknown client")
        if proposal.accepted_at is not None and proposal.accepted_at.replace(tzinfo=None) > latest:
            problems.append(f"{proposal.reference} is accepted after today")
    if len({contact.contact_id for contact in demo.xero_contacts}) != len(demo.xero_contacts):
        problems.append("two Xero contacts share a ContactID")
    active = [contact.name.casefold() for contact in demo.xero_contacts if not contact.archived]
    if len(set(active)) != len(active):
        problems.append("two active Xero contacts share a name")
    if problems:
        raise RuntimeError("the demo practice is inconsistent: " + "; ".join(problems))


__all__ = [
    "ALIGNMENT_CLIENT",
    "CHANGES",
    "CLOSING_CLIENT",
    "MERGED_CLIENT",
    "SERVICES",
    "SETTINGS",
    "DemoPractice",
    "build_demo",
    "contact_id",
]

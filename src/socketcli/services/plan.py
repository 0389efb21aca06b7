"""Build, compare, preview and finalise the monthly billing plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from socketcli.domain.approval import (
    ApprovalBlocked,
    ApprovalNeedsConfirmation,
    MirrorCatalogue,
    TrackingCategoryState,
    approval_warnings,
    blocking_problems,
    empty_month,
)
from socketcli.domain.billing import compute_plan, next_billing_month
from socketcli.domain.dates import local_today
from socketcli.domain.diff import diff
from socketcli.domain.errors import Conflict, NotFound, StoreNotReady
from socketcli.domain.history import approved, approved_outstanding, unapproved
from socketcli.domain.invoice import InvoiceDocument, render_invoice
from socketcli.domain.links import ContactLink, LinkStatus, link_of, needs_attention
from socketcli.domain.model import ChangeType, ClientMonth, ClientTerms, Plan
from socketcli.domain.months import Month
from socketcli.domain.outstanding import billed_clients, outstanding_reference, with_outstanding
from socketcli.domain.posting import is_due, posting_day
from socketcli.domain.records import Client, ClientLabel
from socketcli.domain.settings import PlanMode, PracticeSettings
from socketcli.ports.locks import ApprovalAlreadyRunning, Lock, Locks, held

if TYPE_CHECKING:
    from socketcli.ports.clock import Clock
    from socketcli.ports.store import ClientLookup, OpenReader, OpenStore, PlanReader, UnitOfWork


@dataclass(frozen=True, slots=True)
class PlanRow:
    reference: str
    client: str
    amount: Decimal
    line_count: int
    invoice_count: int
    link: ContactLink  # where the client stands with its Xero contact
    outstanding: bool = False  # billed today in a finalised month that froze no invoice for it

    @property
    def contact(self) -> str | None:
        """The linked Xero contact's name; None when not linked."""
        return self.link.contact_name

    @property
    def warning(self) -> str | None:
        """Why the client needs attention before posting."""
        return self.link.warning


@dataclass(frozen=True, slots=True)
class PlanReport:
    month: Month
    playground: bool
    rows: tuple[PlanRow, ...]
    finalised: bool = False  # the figures are the finalised snapshot's
    #: Of a finalised month: the clients it froze no invoice for that it bills today (a late
    #: or backdated start); `socket plan post --outstanding` posts them. Not in the totals.
    outstanding: tuple[PlanRow, ...] = ()
    #: Every client that needs attention (`domain.links.needs_attention`), in this plan or
    #: not (billed in a later month): the clients `contacts list --unmatched` lists.
    attention: tuple[str, ...] = ()

    @property
    def outstanding_total(self) -> Decimal:
        return sum((row.amount for row in self.outstanding), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def line_count(self) -> int:
        return sum(row.line_count for row in self.rows)

    @property
    def needing_attention(self) -> int:
        return len(self.attention)

    @property
    def new_contacts(self) -> int:
        """Clients whose invoices go to a new Xero contact made at posting."""
        return sum(1 for row in self.rows if row.link.status is LinkStatus.NEW)


class DiffRow(NamedTuple):
    """A client's line of `plan diff` (a tuple: one per client, 200,000 for a large practice)."""

    reference: str
    client: str
    change: ChangeType
    amount: Decimal
    line_count: int
    previous_amount: Decimal
    previous_line_count: int
    link: ContactLink
    outstanding: bool = False  # the month is finalised and froze no invoice for the client

    @property
    def contact(self) -> str | None:
        return self.link.contact_name

    @property
    def warning(self) -> str | None:
        """Why a client billed this month needs attention before posting."""
        return self.link.warning if self.line_count > 0 else None

    @property
    def difference(self) -> Decimal:
        return self.amount - self.previous_amount


@dataclass(frozen=True, slots=True)
class ChangeTotal:
    change: ChangeType
    clients: int
    amount: Decimal
    previous_amount: Decimal

    @property
    def difference(self) -> Decimal:
        return self.amount - self.previous_amount


@dataclass(frozen=True, slots=True)
class DiffReport:
    month: Month
    previous_month: Month
    previous_source: str  # "finalised" or "computed"
    playground: bool
    rows: tuple[DiffRow, ...]
    totals: tuple[ChangeTotal, ...] = field(default_factory=tuple)
    #: The month is finalised: its rows marked outstanding are clients it froze no invoice for.
    finalised: bool = False

    @property
    def outstanding(self) -> tuple[DiffRow, ...]:
        return tuple(row for row in self.rows if row.outstanding)

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def previous_amount(self) -> Decimal:
        return sum((row.previous_amount for row in self.rows), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class PreviewReport:
    month: Month
    playground: bool
    invoices: tuple[InvoiceDocument, ...]
    link: ContactLink
    finalised: bool = False  # the invoices are those the finalised month froze


#: The change types an approval summary counts (as `plan diff` finds them).
CHANGES_SHOWN = (ChangeType.NEW, ChangeType.EXPANDED, ChangeType.CONTRACTED, ChangeType.CEASED)


@dataclass(frozen=True, slots=True)
class ApprovalReview:
    """What approving a month would finalise, what blocks it, and what needs a yes."""

    month: Month
    previous_month: Month
    clients: int
    invoices: int
    total: Decimal
    changes: tuple[tuple[ChangeType, int], ...]  # against the previous month, as `plan diff`
    new_contacts: int  # clients that get a new Xero contact at posting
    problems: tuple[str, ...]  # each blocks approval
    warnings: tuple[str, ...]  # each needs a person's yes (or --yes)
    posts_at: datetime  # 00:00 on the month's 1st in the practice's time zone
    due: bool  # it would post at once
    playground: bool = False
    unlinked: int = 0  # clients with no Xero contact chosen: Xero matches their name at posting


@dataclass(frozen=True, slots=True)
class ApprovalReport:
    month: Month
    invoices: int
    total: Decimal
    finalised_by: str
    review: ApprovalReview | None = None


@dataclass(frozen=True, slots=True)
class UnapprovalReport:
    month: Month
    invoices: int
    total: Decimal


def terms_of(client: Client) -> ClientTerms:
    assert client.id is not None
    return ClientTerms(
        client_id=client.id,
        name=client.name,
        reference=client.reference,
        year_end=client.year_end,
        last_billable_month=client.last_billable_month,
        consolidate=client.consolidate,
    )


def link_of_row(client: Client | ClientLabel, problems: Mapping[int, ContactLink]) -> ContactLink:
    """A client's link, from its own columns and the few problem links the store found."""
    found = problems.get(client.id) if client.id is not None else None
    return found or link_of(client, None, mirrored=False)


def by_name(rows: list[PlanRow] | list[DiffRow]) -> None:
    """Sort rows by client name (case folded as `str.lower`), then reference: two stable
    sorts on one string each, the order of the key (name, reference) at a third of its cost
    (a sort of 200,000 rows compares far fewer tuples)."""
    rows.sort(key=attrgetter("reference"))
    rows.sort(key=lambda row: row.client.lower())


def no_clients(uow: PlanReader) -> StoreNotReady:
    return StoreNotReady(
        f"the store at {uow.location} has no clients yet: add them with "
        "`socket clients add` or `socket import`, or try `socket playground`"
    )


class _Practice:
    """What every plan command loads: settings and clients, once."""

    def __init__(self, uow: PlanReader) -> None:
        self.settings = PracticeSettings.from_values(uow.settings_values())
        clients = uow.clients()
        self.clients = {client.id: client for client in clients if client.id is not None}
        if not self.clients:
            raise no_clients(uow)

    @cached_property
    def terms(self) -> dict[int, ClientTerms]:
        """What the engine needs of each client (not needed by `plan diff`'s SQL totals)."""
        return {client_id: terms_of(client) for client_id, client in self.clients.items()}

    def plan(self, uow: PlanReader, month: Month) -> Plan:
        return compute_plan(month, self.terms, uow.billable_lines(month, month), self.settings)

    def late(self, uow: PlanReader, month: Month) -> Plan:
        """The outstanding invoices of a finalised month: its lines of services that their
        clients did not have when it was finalised (domain.outstanding)."""
        return compute_plan(month, self.terms, uow.unfrozen_lines(month), self.settings)


def late_totals(
    reader: PlanReader, month: Month, settings: PracticeSettings
) -> dict[int, ClientMonth]:
    """By client, the outstanding figures of a finalised month (none when it is not): read
    without loading every client, as `plan diff` reads."""
    lines = reader.unfrozen_lines(month)
    if not lines:
        return {}
    wanted = {line.client_id for line in lines}
    terms = {c.id: terms_of(c) for c in reader.clients() if c.id in wanted}
    return billed_clients(compute_plan(month, terms, lines, settings).by_client())


def resolve_month(
    uow: PlanReader, month: Month | None, clock: Clock, settings: PracticeSettings
) -> Month:
    """`month`, else the next month to be billed on the practice's today."""
    if month is not None:
        return month
    return next_billing_month(today(clock, settings), uow.latest_finalised())


def show_plan(read: OpenReader, clock: Clock, month: Month | None = None) -> PlanReport:
    with read() as reader:
        settings = PracticeSettings.from_values(reader.settings_values())
        labels = {label.id: label for label in reader.client_labels()}  # all a row shows
        if not labels:
            raise no_clients(reader)
        month = resolve_month(reader, month, clock, settings)
        finalised = reader.finalised_totals(month)
        if finalised is not None:
            billing = finalised
            late = late_totals(reader, month, settings)
        else:
            # The month's figures summed in SQL: exactly the engine's plan, client by client
            # (a test holds the two together), without making 100,000 invoice lines.
            billing = reader.billing_totals([month], settings)[month]
            late = {}
        problems = reader.contact_problems()

        def rows_of(figures: dict[int, ClientMonth], outstanding: bool) -> list[PlanRow]:
            rows = [
                PlanRow(
                    label.reference,
                    label.name,
                    billed.amount,
                    billed.line_count,
                    billed.invoice_count,
                    link_of_row(label, problems),
                    outstanding,
                )
                for client_id, billed in figures.items()
                if (label := labels.get(client_id)) is not None
            ]
            by_name(rows)
            return rows

        attention = tuple(
            label.reference
            for label in labels.values()
            if needs_attention(label, link_of_row(label, problems), month)
        )
        return PlanReport(
            month,
            settings.playground,
            tuple(rows_of(billing, False)),
            finalised is not None,
            tuple(rows_of(late, True)),
            attention,
        )


def diff_plan(
    read: OpenReader,
    clock: Clock,
    month: Month | None = None,
    changes: frozenset[ChangeType] | None = None,
) -> DiffReport:
    with read() as reader:
        settings = PracticeSettings.from_values(reader.settings_values())
        labels = {
            label.id: label for label in reader.client_labels()
        }  # all a row shows of a client
        if not labels:
            raise no_clients(reader)
        month = resolve_month(reader, month, clock, settings)
        previous_month = month - 1
        finalised = reader.finalised_totals(previous_month)
        figures = reader.billing_totals([previous_month, month], settings)
        current = figures[month]
        # A client outstanding in the finalised month before (a late start) is billed there
        # once posted with `plan post --outstanding`: it is not `new` in this month.
        previous: dict[int, ClientMonth] = (
            with_outstanding(finalised, late_totals(reader, previous_month, settings))
            if finalised is not None
            else figures[previous_month]
        )
        frozen = reader.finalised_totals(month)
        late = late_totals(reader, month, settings) if frozen is not None else {}
        problems = reader.contact_problems()
        rows = []
        for change in diff(current, previous):
            client = labels.get(change.client_id)
            if client is None:
                continue
            now, before = change.current, change.previous
            rows.append(
                DiffRow(  # positional, in field order: 20,000 of these for one diff
                    client.reference,
                    client.name,
                    change.change,
                    now.amount,
                    now.line_count,
                    before.amount,
                    before.line_count,
                    link_of_row(client, problems),
                    change.client_id in late,
                )
            )
        by_name(rows)
        if changes:
            rows = [row for row in rows if row.change in changes]
        by_change: dict[ChangeType, list[DiffRow]] = {}
        for row in rows:
            by_change.setdefault(row.change, []).append(row)
        totals = [
            ChangeTotal(
                change_type,
                len(members),
                sum((row.amount for row in members), Decimal("0.00")),
                sum((row.previous_amount for row in members), Decimal("0.00")),
            )
            for change_type in ChangeType
            if (members := by_change.get(change_type))
        ]
        return DiffReport(
            month,
            previous_month,
            "computed" if finalised is None else "finalised",
            settings.playground,
            tuple(rows),
            tuple(totals),
            frozen is not None,
        )


def find_client(uow: ClientLookup, key: str) -> Client:
    """A client by reference, else by reference case aside (`cli001` for CLI001), else by
    name, case aside, each when exactly one client has it."""
    client = uow.client(key)
    if client is not None:
        return client
    folded = key.casefold()
    clients = uow.clients()
    referenced = [c for c in clients if c.reference.casefold() == folded]
    if len(referenced) == 1:
        return referenced[0]
    if len(referenced) > 1:
        refs = ", ".join(sorted(c.reference for c in referenced))
        raise NotFound(f"client {key!r} is not a reference; these differ from it in case: {refs}")
    named = [c for c in clients if c.name.casefold() == folded]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        refs = ", ".join(c.reference for c in named)
        raise NotFound(f"client {key!r} names {len(named)} clients ({refs}): use a reference")
    raise NotFound(f"client {key!r} does not exist: see `socket clients list`")


def preview_invoice(
    read: OpenReader, clock: Clock, client_key: str, month: Month | None = None
) -> PreviewReport:
    with read() as reader:
        settings = PracticeSettings.from_values(reader.settings_values())
        try:
            client = find_client(reader, client_key)
        except NotFound:
            if not reader.client_labels():
                raise no_clients(reader) from None
            raise
        assert client.id is not None
        month = resolve_month(reader, month, clock, settings)
        link = link_of_row(client, reader.contact_problems())
        if reader.finalised_totals(month) is not None:
            # What was approved is what is previewed (and posted): later edits to the client,
            # its services or the settings apply from the next month not yet finalised.
            frozen = tuple(reader.finalised_invoices(month, client.id))
            return PreviewReport(month, settings.playground, frozen, link, True)
        # The client's own lines only: a client's invoices depend on nothing of another's.
        lines = reader.billable_lines(month, month, client_id=client.id)
        plan = compute_plan(month, {client.id: terms_of(client)}, lines, settings)
        documents = tuple(render_invoice(invoice, client, settings) for invoice in plan.invoices)
        return PreviewReport(month, settings.playground, documents, link)


def _mirror_catalogue(uow: UnitOfWork) -> MirrorCatalogue:
    """What the Xero mirror lists, as the approval checks read it."""
    return MirrorCatalogue(
        accounts={account.code.casefold(): account.archived for account in uow.mirror.accounts()},
        themes=frozenset(theme.name.casefold() for theme in uow.mirror.branding_themes()),
        tracking={
            category.name.casefold(): TrackingCategoryState(
                category.archived,
                {option.name.casefold(): option.archived for option in category.options},
            )
            for category in uow.mirror.tracking_categories()
        },
    )


def _review(
    uow: UnitOfWork, clock: Clock, wanted: Month | None
) -> tuple[ApprovalReview, list[InvoiceDocument]]:
    """The month's approval review and its rendered invoices, in the caller's transaction:
    set-based reads only (the plan, one month's totals before it, the mirror's lists)."""
    reader = uow.plan
    practice = _Practice(reader)
    settings = practice.settings
    finalised = set(uow.snapshots.months())
    next_month = next_billing_month(today(clock, settings), max(finalised, default=None))
    month = wanted or next_month
    if month in finalised:
        raise Conflict(f"the plan for {month} is already finalised")
    plan = practice.plan(reader, month)
    documents = [
        render_invoice(invoice, practice.clients[invoice.client_id], settings)
        for invoice in plan.invoices
    ]
    if not documents:
        raise Conflict(empty_month(month))
    current = plan.by_client()
    previous_month = month - 1
    previous = reader.finalised_totals(previous_month)
    between = [
        next_month + offset
        for offset in range(max(0, month.months_since(next_month)))
        if next_month + offset not in finalised
    ]
    computed = sorted({*between, *([previous_month] if previous is None else [])})
    figures = reader.billing_totals(computed, settings) if computed else {}
    if previous is None:
        previous = figures[previous_month]
    skipped = [m for m in between if any(cm.billed for cm in figures[m].values())]
    changes = Counter(change.change for change in diff(current, previous))
    new_contacts = sum(
        1
        for client_id in current
        if practice.clients[client_id].xero_contact_id is None
        and practice.clients[client_id].new_xero_contact
    )
    unlinked = sum(
        1
        for client_id in current
        if practice.clients[client_id].xero_contact_id is None
        and not practice.clients[client_id].new_xero_contact
    )
    now = clock.now()
    review = ApprovalReview(
        month=month,
        previous_month=previous_month,
        clients=len(current),
        invoices=len(documents),
        total=plan.total,
        changes=tuple((kind, changes[kind]) for kind in ChangeType if kind in CHANGES_SHOWN),
        new_contacts=new_contacts,
        unlinked=unlinked,
        problems=tuple(
            blocking_problems(documents, _mirror_catalogue(uow), reader.contact_problems())
        ),
        warnings=tuple(approval_warnings(month, next_month, skipped)),
        posts_at=posting_day(month, settings.time_zone),
        due=is_due(month, now, settings.time_zone),
        playground=settings.playground,
    )
    return review, documents


def review_approval(store: OpenStore, clock: Clock, month: Month | None = None) -> ApprovalReview:
    """What approving the month would finalise, what blocks it and what needs a yes (read
    only: nothing is written)."""
    with store() as uow:
        review, _ = _review(uow, clock, month)
        return review


def approve_plan(
    store: OpenStore,
    clock: Clock,
    month: Month | None,
    approved_by: str,
    *,
    accept_warnings: bool = False,
    expected: ApprovalReview | None = None,
    locks: Locks | None = None,
) -> ApprovalReport:
    """Finalise the month's plan: the invoices as they stand are recorded and then kept.

    Refused (ApprovalBlocked) while a pre-flight check fails, and (ApprovalNeedsConfirmation)
    while it has warnings, unless `accept_warnings`. With `expected` (the review a person
    answered) it is refused if the month's figures changed since. Under the approval lock
    of `locks`: on a shared store two approvals at once would both find the month a draft."""
    with held(locks, Lock.APPROVE), store(write=True) as uow:
        review, documents = _review(uow, clock, month)
        if review.problems:
            raise ApprovalBlocked(review.month, review.problems)
        if review.warnings and not accept_warnings:
            raise ApprovalNeedsConfirmation(review.month, review.warnings)
        if expected is not None and (expected.month, expected.invoices, expected.total) != (
            review.month,
            review.invoices,
            review.total,
        ):
            raise Conflict(
                f"the plan for {review.month.label} changed while it was being approved "
                f"(now {review.invoices} invoices, {review.total:.2f}): nothing was finalised; "
                "run `socket plan approve` again"
            )
        uow.snapshots.freeze(review.month, documents, approved_by)
        uow.history.record(
            approved(review.month, invoices=len(documents), total=review.total, by=approved_by)
        )
        uow.commit()
        return ApprovalReport(review.month, len(documents), review.total, approved_by, review)


def _finalised(uow: UnitOfWork, month: Month | None) -> UnapprovalReport:
    if month is None:
        month = uow.snapshots.latest_finalised()
        if month is None:
            raise NotFound("no month is finalised: there is nothing to unapprove")
    totals = uow.snapshots.totals(month)
    if totals is None:
        raise NotFound(f"the plan for {month} is not finalised: there is nothing to unapprove")
    queued = uow.outbox.entries(months=[month])
    if queued:
        raise Conflict(
            f"{month.label} has {len(queued)} invoice{'' if len(queued) == 1 else 's'} "
            "queued for or sent to Xero (`socket plan status`): a month cannot return to "
            "draft once posting has begun"
        )
    return UnapprovalReport(
        month,
        sum(cm.invoice_count for cm in totals.values()),
        sum((cm.amount for cm in totals.values()), Decimal("0.00")),
    )


def review_unapproval(store: OpenStore, month: Month | None = None) -> UnapprovalReport:
    """The finalised month (by default the latest) that `unapprove_plan` would return to
    draft; refused as it would be (read only)."""
    with store() as uow:
        return _finalised(uow, month)


def unapprove_plan(
    store: OpenStore, month: Month | None = None, *, locks: Locks | None = None
) -> UnapprovalReport:
    """Return a finalised month (by default the latest) to draft: its snapshot is deleted.
    Refused once any of its invoices is queued for Xero or sent. Under the approval lock and
    the posting lock: no poster queues the month's invoices while its snapshot goes."""
    with held(locks, Lock.APPROVE), held(locks, Lock.POST), store(write=True) as uow:
        report = _finalised(uow, month)
        uow.snapshots.thaw(report.month)
        uow.history.record(unapproved(report.month, invoices=report.invoices, total=report.total))
        uow.commit()
        return report


# -- outstanding invoices: late starts in finalised months --------------------------------------


@dataclass(frozen=True, slots=True)
class OutstandingReview:
    """The invoices a finalised month froze none of for their clients that it bills today
    (late or backdated starts), as `plan post --outstanding` would freeze and post them."""

    month: Month
    invoices: tuple[InvoiceDocument, ...]
    problems: tuple[str, ...]  # each blocks freezing them (as at approval)
    posts_at: datetime
    due: bool

    @property
    def total(self) -> Decimal:
        return sum((doc.total for doc in self.invoices), Decimal("0.00"))

    @property
    def clients(self) -> int:
        return len({doc.client_id for doc in self.invoices})


def _outstanding_in(uow: UnitOfWork, practice: _Practice, month: Month) -> list[InvoiceDocument]:
    reader = uow.plan
    if reader.finalised_totals(month) is None:
        return []
    taken = {doc.reference for doc in reader.finalised_invoices(month)}
    documents = []
    for invoice in practice.late(reader, month).invoices:
        if not invoice.lines:
            continue
        doc = render_invoice(invoice, practice.clients[invoice.client_id], practice.settings)
        doc = replace(doc, reference=outstanding_reference(doc.reference, taken))
        taken.add(doc.reference)
        documents.append(doc)
    return documents


def _outstanding(uow: UnitOfWork, clock: Clock, wanted: Month | None) -> OutstandingReview:
    practice = _Practice(uow.plan)
    finalised = uow.snapshots.months()
    if wanted is not None:
        if wanted not in finalised:
            raise NotFound(
                f"the plan for {wanted} is not finalised: its late starts are in its plan "
                "(`socket plan show`), not outstanding"
            )
        month, documents = wanted, _outstanding_in(uow, practice, wanted)
    else:
        if not finalised:
            raise NotFound("no month is finalised: nothing can be outstanding")
        month, documents = finalised[-1], []
        for candidate in reversed(finalised):  # the latest finalised month with some
            documents = _outstanding_in(uow, practice, candidate)
            if documents:
                month = candidate
                break
    problems = blocking_problems(documents, _mirror_catalogue(uow), uow.plan.contact_problems())
    zone = practice.settings.time_zone
    return OutstandingReview(
        month=month,
        invoices=tuple(documents),
        problems=tuple(problems),
        posts_at=posting_day(month, zone),
        due=is_due(month, clock.now(), zone),
    )


def review_outstanding(
    store: OpenStore, clock: Clock, month: Month | None = None
) -> OutstandingReview:
    """The outstanding invoices of a finalised month (by default the latest finalised month
    that has some): what `freeze_outstanding` would add to it (read only)."""
    with store() as uow:
        return _outstanding(uow, clock, month)


def freeze_outstanding(
    store: OpenStore,
    clock: Clock,
    month: Month | None,
    *,
    expected: OutstandingReview | None = None,
    locks: Locks | None = None,
) -> OutstandingReview:
    """Add a finalised month's outstanding invoices to its snapshot, in one transaction: from
    then on they are the month's like the others (`plan post` posts them, exactly once).
    Refused while a pre-flight check fails, and, with `expected` (the review a person
    answered), if they changed since. Under the approval lock."""
    with held(locks, Lock.APPROVE), store(write=True) as uow:
        review = _outstanding(uow, clock, month)
        if review.problems:
            raise ApprovalBlocked(review.month, review.problems)
        if expected is not None and (
            expected.month,
            [doc.reference for doc in expected.invoices],
            expected.total,
        ) != (review.month, [doc.reference for doc in review.invoices], review.total):
            raise Conflict(
                f"the outstanding invoices of {review.month.label} changed while they were "
                f"shown (now {len(review.invoices)}, {review.total:.2f}): nothing was "
                "frozen; run `socket plan post --outstanding` again"
            )
        if review.invoices:
            uow.snapshots.append(review.month, review.invoices)
            uow.history.record(
                approved_outstanding(
                    review.month, invoices=len(review.invoices), total=review.total
                )
            )
            uow.commit()
        return review


def today(clock: Clock, settings: PracticeSettings) -> date:
    """The practice's date now, in its time zone (`local_today`): not the UTC date."""
    return local_today(clock.now(), settings.time_zone)


@dataclass(frozen=True, slots=True)
class AutoFinalised:
    """What `plan_mode = auto` did: the months it finalised, and the one a check blocked."""

    approved: tuple[ApprovalReport, ...] = ()
    blocked: ApprovalBlocked | None = None


def finalise_due(store: OpenStore, clock: Clock, *, locks: Locks | None = None) -> AutoFinalised:
    """With the `plan_mode` setting on auto, each month not finalised whose 1st has come (in
    the practice's time zone) finalises itself, oldest first, as a person's approval would:
    the same checks block it (the month stays a draft, and the report says why), warnings
    are accepted, and an empty month is left as it is. Nothing happens in `approve` mode.
    Each month under the approval lock; when another command holds it, that one finalises
    and this stops (unless `locks` wait)."""
    approved: list[ApprovalReport] = []
    while True:
        with store() as uow:
            settings = PracticeSettings.from_values(uow.settings.values())
            latest = uow.snapshots.latest_finalised()
        if settings.plan_mode is not PlanMode.AUTO:
            return AutoFinalised()
        now = clock.now()
        month = latest + 1 if latest is not None else Month.of(local_today(now, settings.time_zone))
        if not is_due(month, now, settings.time_zone) or len(approved) >= 24:
            return AutoFinalised(tuple(approved))
        try:
            approved.append(
                approve_plan(
                    store, clock, month, "plan_mode auto", accept_warnings=True, locks=locks
                )
            )
        except ApprovalAlreadyRunning:
            return AutoFinalised(tuple(approved))
        except ApprovalBlocked as blocked:
            return AutoFinalised(tuple(approved), blocked)
        except Conflict:  # an empty month: nothing to finalise
            return AutoFinalised(tuple(approved))

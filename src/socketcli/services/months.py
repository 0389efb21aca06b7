"""`socket plan months`: every month from the first finalised one to the next to be billed,
with where it stands, and which month the plan commands pick by default and why.

Read in one transaction, set-based: the snapshots' counts, the outbox's counts by month and
state (one grouped query), and the plan's totals for all those months at once (one grouped
pass over the lines) for drafts' figures and finalised months' outstanding invoices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from socketcli.domain.dates import local_today
from socketcli.domain.posting import OutboxState, is_due, posting_day
from socketcli.domain.settings import PracticeSettings
from socketcli.domain.standing import (
    Counts,
    DefaultMonth,
    MonthStanding,
    default_month,
    month_state,
    months_shown,
)
from socketcli.ports.clock import Clock
from socketcli.ports.store import OpenStore
from socketcli.services.plan import late_totals, no_clients


@dataclass(frozen=True, slots=True)
class MonthsReport:
    today: date  # in the practice's time zone
    months: tuple[MonthStanding, ...]  # oldest first
    default: DefaultMonth  # plan show|diff|preview|approve without --month
    latest_finalised: MonthStanding | None  # plan status|unapprove without --month
    playground: bool = False

    @property
    def due_to_post(self) -> tuple[MonthStanding, ...]:
        """The finalised months `socket plan post` sends now (due, not all in Xero)."""
        return tuple(m for m in self.months if m.due and m.counts.invoices and m.counts.waiting)


def months_overview(store: OpenStore, clock: Clock) -> MonthsReport:
    with store() as uow:
        reader = uow.plan
        settings = PracticeSettings.from_values(uow.settings.values())
        if not reader.client_labels():
            raise no_clients(reader)
        zone = settings.time_zone
        now = clock.now()
        today = local_today(now, zone)
        snapshots = {f.month: f for f in uow.snapshots.finalised()}
        latest = max(snapshots, default=None)
        default = default_month(today, latest)
        months = months_shown(sorted(snapshots), default.month)
        computed = reader.billing_totals(months, settings)
        outbox = uow.outbox.state_counts()
        rows = []
        for month in months:
            frozen = snapshots.get(month)
            late = {}
            if frozen is not None:
                late = late_totals(reader, month, settings)
                states = outbox.get(month, {})
                queued = sum(states.values())
                counts = Counts(
                    invoices=frozen.invoices,
                    not_queued=max(0, frozen.invoices - queued),
                    pending=states.get(OutboxState.PENDING, 0),
                    sending=states.get(OutboxState.SENDING, 0),
                    posted=states.get(OutboxState.POSTED, 0),
                    failed=states.get(OutboxState.FAILED, 0),
                )
                invoices, total = frozen.invoices, frozen.total
            else:
                counts = Counts()
                billed = [cm for cm in computed[month].values() if cm.billed]
                invoices = sum(cm.invoice_count for cm in billed)
                total = sum((cm.amount for cm in billed), Decimal("0.00"))
            rows.append(
                MonthStanding(
                    month=month,
                    state=month_state(frozen is not None, counts),
                    invoices=invoices,
                    total=total,
                    counts=counts,
                    outstanding=sum(cm.invoice_count for cm in late.values()),
                    outstanding_total=sum((cm.amount for cm in late.values()), Decimal("0.00")),
                    posts_on=posting_day(month, zone).date(),
                    due=is_due(month, now, zone),
                    default=month == default.month,
                    finalised_at=frozen.finalised_at if frozen else None,
                    finalised_by=frozen.finalised_by if frozen else "",
                )
            )
    by_month = {row.month: row for row in rows}
    return MonthsReport(
        today=today,
        months=tuple(rows),
        default=default,
        latest_finalised=by_month[latest] if latest is not None else None,
        playground=settings.playground,
    )

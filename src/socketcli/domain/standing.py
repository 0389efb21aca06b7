"""Where each month stands (`socket plan months`): draft, finalised, posting or posted, the
counts behind it, what to do next, and which month the plan commands pick by default and
why. Decided purely from what the store counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from socketcli.domain.billing import next_billing_month
from socketcli.domain.months import Month


class MonthState(StrEnum):
    DRAFT = "draft"  # not approved: its plan is computed from the proposals
    FINALISED = "finalised"  # approved; nothing of it sent to Xero yet
    POSTING = "posting"  # some invoices sent; others pending, in flight or refused
    POSTED = "posted"  # every invoice it froze is in Xero


@dataclass(frozen=True, slots=True)
class Counts:
    """A finalised month's invoices by where they are (a draft's are all zero)."""

    invoices: int = 0  # frozen at approval (and outstanding ones added since)
    not_queued: int = 0
    pending: int = 0
    sending: int = 0
    posted: int = 0
    failed: int = 0

    @property
    def waiting(self) -> int:
        """Not in Xero and not refused: not queued, pending or in flight."""
        return self.not_queued + self.pending + self.sending


def month_state(finalised: bool, counts: Counts) -> MonthState:
    if not finalised:
        return MonthState.DRAFT
    if counts.invoices and counts.posted == counts.invoices:
        return MonthState.POSTED
    if counts.posted or counts.failed or counts.sending or counts.pending:
        return MonthState.POSTING
    return MonthState.FINALISED


@dataclass(frozen=True, slots=True)
class MonthStanding:
    month: Month
    state: MonthState
    invoices: int  # finalised: frozen; draft: as the plan computes it now
    total: Decimal
    counts: Counts
    outstanding: int  # invoices billed today that the finalised month froze none of
    outstanding_total: Decimal
    posts_on: date  # the 1st (in the practice's time zone)
    due: bool  # its 1st has come
    default: bool  # the month `plan show|diff|preview|approve` pick without --month
    finalised_at: datetime | None = None
    finalised_by: str = ""

    @property
    def next_step(self) -> str:
        """What a person does next for this month (empty: nothing)."""
        steps: list[str] = []
        month = self.month
        if self.state is MonthState.DRAFT:
            if not self.invoices:
                steps.append("nothing to bill")
            elif self.default:
                steps.append("review with `socket plan diff`, then `socket plan approve`")
            else:
                steps.append(f"not approved: `socket plan approve --month {month}`")
        elif self.state is MonthState.FINALISED:
            if self.due:
                steps.append(f"due: `socket plan post --month {month}` sends it")
            else:
                steps.append(f"posts from {self.posts_on:%d %b %Y}")
        elif self.state is MonthState.POSTING:
            if self.counts.failed:
                steps.append(
                    f"{self.counts.failed:,} refused by Xero: `socket plan status --month "
                    f"{month}`, then `socket plan post --retry-failed`"
                )
            if self.counts.waiting:
                steps.append(f"{self.counts.waiting:,} to send: `socket plan post`")
        if self.outstanding and self.state is not MonthState.DRAFT:
            steps.append(
                f"{self.outstanding:,} outstanding: `socket plan post --outstanding --month "
                f"{month}`"
            )
        return "; ".join(steps)


@dataclass(frozen=True, slots=True)
class DefaultMonth:
    month: Month
    why: str


def default_month(today: date, latest_finalised: Month | None) -> DefaultMonth:
    """The month `plan show|diff|preview|approve` take without --month, and why
    (`next_billing_month` decides; this says it in words)."""
    month = next_billing_month(today, latest_finalised)
    if latest_finalised is not None:
        why = f"the month after the latest finalised plan ({latest_finalised.label})"
    elif today.day == 1:
        why = f"no plan is finalised yet, and today is the 1st of {month.label}"
    else:
        why = "no plan is finalised yet: the month whose 1st comes next"
    return DefaultMonth(month, why)


def months_shown(finalised: list[Month], default: Month) -> list[Month]:
    """Every month from the first finalised one (or the default) to the default, oldest
    first: the finalised ones, the default, and any skipped between them."""
    first = min([*finalised, default])
    last = max([*finalised, default])
    return [first + offset for offset in range(last.months_since(first) + 1)]

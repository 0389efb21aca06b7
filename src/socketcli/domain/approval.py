"""Whether a month's plan may be approved, decided purely: the checks that block approval
(what Xero would refuse, or what must not be billed) and the warnings a person answers.

services/plan.py gathers the rendered invoices, the Xero mirror and the months around, and
acts on these; the CLI shows them and asks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from socketcli.domain.errors import Conflict
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.links import ContactLink, LinkStatus
from socketcli.domain.months import Month

#: A linked client whose Xero contact is in one of these states cannot be invoiced.
BLOCKING_LINKS = frozenset({LinkStatus.ARCHIVED, LinkStatus.MERGED})

#: How many client references a problem names before it says "and N more".
SHOWN = 5


@dataclass(frozen=True, slots=True)
class TrackingCategoryState:
    """A mirrored tracking category: whether it is archived, and its options (name, casefolded:
    archived or not)."""

    archived: bool
    options: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MirrorCatalogue:
    """What the Xero mirror lists, as the checks need it (names and codes casefolded). An
    empty collection means the mirror has not listed it yet (no sync): nothing is checked
    against it."""

    accounts: Mapping[str, bool] = field(default_factory=dict)  # code: archived
    themes: Collection[str] = frozenset()
    tracking: Mapping[str, TrackingCategoryState] = field(default_factory=dict)


class ApprovalBlocked(Conflict):
    """The month cannot be approved as it stands (exit 4): each problem on a line of its own."""

    def __init__(self, month: Month, problems: Sequence[str]) -> None:
        self.month = month
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{month.label} cannot be approved:\n{lines}")


class ApprovalNeedsConfirmation(Conflict):
    """The month has warnings that nobody accepted (exit 4): ask, or pass --yes."""

    def __init__(self, month: Month, warnings: Sequence[str]) -> None:
        self.month = month
        self.warnings = tuple(warnings)
        lines = "\n".join(f"  {warning}" for warning in warnings)
        super().__init__(f"{month.label} needs a person's yes (or --yes):\n{lines}")


def _clients(references: Collection[str]) -> str:
    shown = sorted(references)
    more = len(shown) - SHOWN
    named = ", ".join(shown[:SHOWN])
    return named + (f" and {more} more" if more > 0 else "")


def blocking_problems(
    invoices: Sequence[InvoiceDocument],
    mirror: MirrorCatalogue,
    links: Mapping[int, ContactLink],
) -> list[str]:
    """Every reason the month's invoices cannot be approved, one line each, naming the
    client or the code: an invoice of zero or less; a client linked to an archived or merged
    Xero contact; an account code, branding theme or tracking option the mirror does not
    have (or has archived), once it lists them. `links`: the clients whose link has a
    problem, by id (the others are fine)."""
    problems: list[str] = []
    for invoice in invoices:
        if invoice.total <= 0:
            problems.append(
                f"{invoice.client_reference}: the invoice {invoice.reference} comes to "
                f"{invoice.total:.2f}; an invoice must be for more than zero"
            )
    seen: set[int] = set()
    for invoice in invoices:
        link = links.get(invoice.client_id)
        if invoice.client_id in seen or link is None or link.status not in BLOCKING_LINKS:
            continue
        seen.add(invoice.client_id)
        if link.merged_into:
            fix = (
                f"link it to the contact it went to: `socket contacts link "
                f'{invoice.client_reference} "{link.merged_into}"` (or `socket contacts match '
                "--auto`, which relinks every merged contact)"
            )
        else:
            fix = f"link it to another contact: `socket contacts link {invoice.client_reference} CONTACT`"
        problems.append(f"{invoice.client_reference}: {link.warning}; {fix}")
    missing_codes: dict[str, set[str]] = {}
    archived_codes: dict[str, set[str]] = {}
    themes: dict[str, set[str]] = {}
    options: dict[tuple[str, str], set[str]] = {}
    for invoice in invoices:
        theme = invoice.branding_theme
        if theme and mirror.themes and theme.casefold() not in mirror.themes:
            themes.setdefault(theme, set()).add(invoice.client_reference)
        for line in invoice.lines:
            code = line.account_code
            if code and mirror.accounts:
                archived = mirror.accounts.get(code.casefold())
                if archived is None:
                    missing_codes.setdefault(code, set()).add(invoice.client_reference)
                elif archived:
                    archived_codes.setdefault(code, set()).add(invoice.client_reference)
            if mirror.tracking:
                for category, option in line.tracking:
                    if not _tracking_usable(mirror, category, option):
                        options.setdefault((category, option), set()).add(invoice.client_reference)
    for code, refs in sorted(missing_codes.items()):
        problems.append(
            f"account code {code}: not among the revenue accounts Xero listed at the last "
            f"sync; used for {_clients(refs)}"
        )
    for code, refs in sorted(archived_codes.items()):
        problems.append(f"account code {code}: archived in Xero; used for {_clients(refs)}")
    for theme, refs in sorted(themes.items()):
        problems.append(
            f"branding theme {theme}: no longer in Xero (as of the last sync); used for "
            f"{_clients(refs)}"
        )
    for (category, option), refs in sorted(options.items()):
        problems.append(
            f"tracking option {category}: {option}: no longer in Xero or archived (as of the "
            f"last sync); used for {_clients(refs)}"
        )
    return problems


def _tracking_usable(mirror: MirrorCatalogue, category: str, option: str) -> bool:
    state = mirror.tracking.get(category.casefold())
    if state is None or state.archived:
        return False
    archived = state.options.get(option.casefold())
    return archived is False


def approval_warnings(
    month: Month, next_month: Month, skipped_with_invoices: Sequence[Month]
) -> list[str]:
    """What a person must answer before `month` is approved: it lies more than one month
    ahead of the next month to be billed (`next_month`), or it skips earlier months that have
    invoices and are not finalised (`skipped_with_invoices`, oldest first)."""
    warnings = []
    if skipped_with_invoices:
        labels = ", ".join(m.label for m in skipped_with_invoices)
        warnings.append(
            f"{month.label} skips {labels}: "
            f"{'it has' if len(skipped_with_invoices) == 1 else 'they have'} invoices and "
            f"{'is' if len(skipped_with_invoices) == 1 else 'are'} not finalised"
        )
    if month.months_since(next_month) > 1:
        warnings.append(
            f"{month.label} is {month.months_since(next_month)} months ahead of the next "
            f"month to be billed, {next_month.label}"
        )
    return warnings


def empty_month(month: Month) -> str:
    """Why a month without invoices is refused (--yes or not)."""
    return f"{month.label} has no invoices: there is nothing to approve"

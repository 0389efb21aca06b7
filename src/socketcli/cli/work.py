"""`socket work list|complete|reopen`: on-completion and one-off work, invoiced when done."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import MAX_ID, CsvOption, JsonOption, WaitOption, whole_number

if TYPE_CHECKING:
    from collections.abc import Callable

    from socketcli.cli.context import State
    from socketcli.domain.work import ListedWork
    from socketcli.ports.locks import Locks
    from socketcli.services.work import CompletionReview, WorkListing

app = command_group(
    help="Work management: on-completion and one-off work, invoiced in Xero when completed."
)

_COLUMNS = (
    "id",
    "client_reference",
    "client",
    "proposal",
    "service",
    "billing_method",
    "description",
    "period_start",
    "period_end",
    "amount",
    "status",
    "invoice_reference",
    "posting",
    "xero_number",
    "error",
)


def _periods() -> Callable[[ListedWork], tuple[str | None, str | None]]:
    """An item's period as (first month, last month) text, each distinct one worked out
    once (thousands of items share a few dozen)."""
    periods: dict[tuple[Any, Any], tuple[str | None, str | None]] = {}

    def period(item: ListedWork) -> tuple[str | None, str | None]:
        key = (item.method, item.due)
        found = periods.get(key)
        if found is None:
            months = item.period
            found = periods[key] = (
                (str(months[0]), str(months[1])) if months is not None else (None, None)
            )
        return found

    return period


def _rows(items: list[ListedWork]) -> list[tuple[Any, ...]]:
    """Each item's values in _COLUMNS order (amounts as exact decimal text)."""
    period = _periods()
    return [
        (
            item.id,
            item.client_reference,
            item.client_name,
            item.proposal_reference,
            item.service,
            item.method.value,
            item.description,
            *period(item),
            str(item.amount),
            item.status.value,
            item.invoice_reference,
            item.posting,
            item.xero_number,
            item.error or None,
        )
        for item in items
    ]


def _json(items: list[ListedWork]) -> None:
    """`work list --json`: each item laid out as the JSON encoder lays out its dict (keys in
    _COLUMNS order), written directly: tens of thousands of items at 20,000 clients; each
    distinct period encoded once."""
    from json.encoder import encode_basestring as text  # the C encoder json_text uses

    from socketcli.cli.output import Encoded, emit_json, json_text
    from socketcli.domain.work import period_of

    periods: dict[tuple[int, int], str] = {}

    def period(item: ListedWork) -> str:
        # Keyed by identity: the store gives one Month object per distinct month, and every
        # item outlives the loop (a Month's own hash would cost more than the text it saves).
        key = (id(item.method), id(item.due))
        found = periods.get(key)
        if found is None:
            months = period_of(item.method, item.due)
            first, last = (str(months[0]), str(months[1])) if months else (None, None)
            found = periods[key] = (
                f'"period_start": {json_text(first)}, "period_end": {json_text(last)}'
            )
        return found

    # The method and the status are StrEnums (str): the C encoder writes their values.
    emit_json(
        [
            Encoded(
                f'{{"id": {item.id}, "client_reference": {text(item.client_reference)}, '
                f'"client": {text(item.client_name)}, '
                f'"proposal": {text(item.proposal_reference)}, "service": {text(item.service)}, '
                f'"billing_method": {text(item.method)}, '
                f'"description": {text(item.description)}, {period(item)}, '
                f'"amount": "{item.amount}", "status": {text(item.status)}, '
                f'"invoice_reference": {json_text(item.invoice_reference)}, '
                f'"posting": {json_text(item.posting)}, '
                f'"xero_number": {json_text(item.xero_number)}, '
                f'"error": {json_text(item.error or None)}}}'
            )
            for item in items
        ]
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only items that are open, completed (invoice not in Xero yet) or invoiced.",
            metavar="open|completed|invoiced",
        ),
    ] = None,
    client: Annotated[
        str | None,
        typer.Option("--client", metavar="CLIENT", help="Only this client's (reference or name)."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Every item, invoiced ones completed more than 30 days ago too."
        ),
    ] = False,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List the on-completion and one-off work items: client, proposal, service, period,
    amount, status, and the Xero invoice number once invoiced. By default what is still to
    do or to invoice, and the work completed in the last 30 days; --all shows every item."""
    from socketcli.cli.output import Format, choose_format, emit_csv
    from socketcli.domain.errors import InvalidInput
    from socketcli.domain.work import WorkStatus
    from socketcli.services.work import show_work

    shape = choose_format(json_, csv_)
    wanted = None
    if status is not None:
        try:
            wanted = WorkStatus(status.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"--status {status!r} is not a work status: open, completed or invoiced"
            ) from None
    st = state(ctx)
    listing = show_work(st.read, st.clock, status=wanted, client=client, every=every)
    if shape is Format.JSON:
        _json(listing.items)
        return
    if shape is Format.CSV:
        emit_csv(_COLUMNS, _rows(listing.items))
        return
    _table(listing, wanted)


#: Above this many rows, `work list` lays its table out without Rich (see plain_table).
PLAIN_ROWS = 500
_HEADER = ("ID", "Client", "Proposal", "Work", "Period", "Amount", "Status", "Invoice")


def _table(listing: WorkListing, wanted: Any) -> None:
    from socketcli.cli.output import escape, money, plain_table, plural, say, show, table

    items = listing.items
    if not items:
        say("No work items" + (f" {wanted.value}." if wanted is not None else "."))
    else:
        periods: dict[tuple[Any, Any], str] = {}

        def period(item: ListedWork) -> str:
            key = (item.method, item.due)
            if key not in periods:
                found = item.period
                periods[key] = f"{found[0].label} to {found[1].label}" if found else "one-off"
            return periods[key]

        amounts: dict[Any, str] = {}

        def amount(item: ListedWork) -> str:
            text = amounts.get(item.amount)
            if text is None:
                text = amounts[item.amount] = money(item.amount)
            return text

        rows = [
            (
                str(item.id),
                item.client_reference,
                item.proposal_reference,
                item.description,
                period(item),
                amount(item),
                item.status.value,
                _invoice_cell(item),
            )
            for item in items
        ]
        title = plural(len(items), "work item")
        if len(rows) > PLAIN_ROWS:
            plain_table(_HEADER, rows, title=title, right=["ID", "Amount"])
        else:
            grid = table(*_HEADER, right=["ID", "Amount"], title=title)
            for row in rows:
                grid.add_row(*(escape(cell) for cell in row))
            show(grid)
    if listing.left_out and listing.shown_from is not None:
        say(
            f"{plural(listing.left_out, 'invoiced item')} completed before "
            f"{listing.shown_from.day} {listing.shown_from:%b %Y} not shown: --status invoiced or --all shows them."
        )


def _invoice_cell(item: ListedWork) -> str:
    if item.xero_number:
        return item.xero_number
    if item.posting == "failed":
        return f"refused: {item.error}"
    if item.posting:
        return f"{item.posting} ({item.invoice_reference})"
    return ""


@app.command("complete")
def complete(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None,
        typer.Argument(
            metavar="ID",
            parser=whole_number(
                "ID", "give the ids of the items, as `socket work list` shows them", high=MAX_ID
            ),
            help="The ids of the items done (see `socket work list`).",
        ),
    ] = None,
    client: Annotated[
        str | None,
        typer.Option(
            "--client", metavar="CLIENT", help="With --all: the client (reference or name)."
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every open item of the --client.")] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Complete without asking (needed without a terminal)."),
    ] = False,
    wait: WaitOption = False,
) -> None:
    """Mark work items completed and create their invoices in Xero at once: items of one
    proposal on one invoice, each invoice exactly once (through the same outbox as the plan).
    A quarterly or annual item opens the next period's."""
    from socketcli.cli.output import money, plural, say
    from socketcli.domain.errors import InvalidInput
    from socketcli.services.work import complete_work, review_completion

    st = state(ctx)
    wanted = list(ids or [])
    locks = st.locks(wait=wait)
    if yes:
        report = complete_work(st.store, st.clock, wanted, client=client, every=every, locks=locks)
        _summary(report.review)
    else:
        # What is asked is checked first (which items, that they exist and are open): a
        # missing id is said as such, not "pass --yes" to then be told it.
        review = review_completion(st.store, st.clock, wanted, client=client, every=every)
        if not _interactive():
            raise InvalidInput(
                "`socket work complete` asks before it invoices, and there is no terminal to "
                "ask at: pass --yes to complete without asking"
            )
        _summary(review)
        question = (
            f"Complete {plural(len(review.items), 'item')} and invoice "
            f"{money(review.total)} ({plural(len(review.invoices), 'invoice')}) in Xero?"
        )
        if not typer.confirm(question, default=False, err=True):
            say("Not completed: nothing was changed.")
            raise typer.Exit(1)
        report = complete_work(
            st.store, st.clock, wanted, client=client, every=every, expected=review, locks=locks
        )
    say(
        f"Completed {plural(len(report.review.items), 'item')}: "
        f"{plural(len(report.review.invoices), 'invoice')} in the outbox."
    )
    for renewed in report.renewed:
        say(
            f"Opened the next period: {renewed.client_reference} {renewed.description}, "
            f"{renewed.period}."
        )
    _post(st, locks)


def _interactive() -> bool:
    """Whether a person can be asked (tests stand at a terminal by replacing this)."""
    return sys.stdin.isatty()


def _summary(review: CompletionReview) -> None:
    from socketcli.cli.output import escape, money, show, table

    grid = table(
        "Invoice",
        "Line",
        "Account",
        "Amount",
        right=["Amount"],
        title="To invoice (one invoice per proposal)",
    )
    for doc in review.invoices:
        for index, line in enumerate(doc.lines):
            grid.add_row(
                escape(f"{doc.reference} → {doc.contact_name}") if index == 0 else "",
                escape(line.description),
                escape(line.account_code or ""),
                money(line.line_amount),
            )
    show(grid)


def _post(st: State, locks: Locks) -> None:
    from socketcli.cli.output import error, plural, say
    from socketcli.services.posting import post

    report = post(st.store, st.gateway, st.clock, work=True, locks=locks)
    for failed in report.failed:
        error(f"{failed.reference}: Xero refused it: {failed.error}")
    if report.settled:
        say(
            f"Found {plural(len(report.settled), 'invoice')} in Xero that an earlier run sent "
            "without recording the answer: recorded, not sent again."
        )
    for posted in report.posted:
        say(f"Posted {posted.reference} to Xero: {posted.number}.")
    if report.failed:
        say("Fix what Xero says, then `socket plan post --retry-failed` sends them again.")
    if report.error is not None:
        error(
            f"{report.error}: the items are completed and their invoices wait in the outbox; "
            "`socket plan post` sends them (`socket work list` shows where they stand)"
        )
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    item: Annotated[
        int,
        typer.Argument(
            metavar="ID",
            parser=whole_number(
                "ID", "give the item's id, as `socket work list` shows it", high=MAX_ID
            ),
            help="The id of the item completed by mistake.",
        ),
    ],
    wait: WaitOption = False,
) -> None:
    """Reopen an item completed by mistake whose invoice is not in Xero (not sent yet, or
    refused): it is open again, and its invoice bills the other items completed with it, or
    is dropped."""
    from socketcli.cli.output import money, say
    from socketcli.services.work import reopen_work

    st = state(ctx)
    report = reopen_work(st.store, item, locks=st.locks(wait=wait))
    say(f"Reopened work item {report.item.id} ({report.item.description}).")
    if report.invoice_dropped:
        say(f"Its invoice {report.invoice_reference} had no other item: it will not be sent.")
    else:
        say(
            f"Its invoice {report.invoice_reference} now bills {money(report.invoice_total)} "
            "for the other items completed with it."
        )

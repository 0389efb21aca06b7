"""`socket work list|complete|reopen`: on-completion and one-off work, invoiced when done."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socketcli.cli.context import command_group, state
from socketcli.cli.options import CsvOption, JsonOption

if TYPE_CHECKING:
    from socketcli.cli.context import State
    from socketcli.domain.work import WorkItem
    from socketcli.services.work import CompletionReview

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


def _rows(items: list[WorkItem]) -> list[tuple[Any, ...]]:
    """Each item's values in _COLUMNS order (amounts as exact decimal text); each distinct
    period worked out once (thousands of items share a few dozen)."""
    periods: dict[tuple[Any, Any], tuple[str | None, str | None]] = {}
    rows = []
    for item in items:
        key = (item.method, item.due)
        period = periods.get(key)
        if period is None:
            found = item.period
            period = periods[key] = (
                (str(found[0]), str(found[1])) if found is not None else (None, None)
            )
        rows.append(
            (
                item.id,
                item.client_reference,
                item.client_name,
                item.proposal_reference,
                item.service,
                item.method.value,
                item.description,
                *period,
                str(item.amount),
                item.status.value,
                item.invoice_reference,
                item.posting,
                item.xero_number,
                item.error or None,
            )
        )
    return rows


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
        str | None, typer.Option("--client", help="Only this client's (reference or name).")
    ] = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List the on-completion and one-off work items: client, proposal, service, period,
    amount, status, and the Xero invoice number once invoiced."""
    from socketcli.cli.output import Format, choose_format, emit_csv, emit_json
    from socketcli.domain.errors import InvalidInput
    from socketcli.domain.work import WorkStatus
    from socketcli.services.work import list_work

    shape = choose_format(json_, csv_)
    wanted = None
    if status is not None:
        try:
            wanted = WorkStatus(status.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"--status {status!r} is not a work status: open, completed or invoiced"
            ) from None
    items = list_work(state(ctx).store, status=wanted, client=client)
    if shape is Format.JSON:
        emit_json([dict(zip(_COLUMNS, row, strict=True)) for row in _rows(items)])
        return
    if shape is Format.CSV:
        emit_csv(_COLUMNS, _rows(items))
        return
    _table(items, wanted)


#: Above this many rows, `work list` lays its table out without Rich (see plain_table).
PLAIN_ROWS = 500
_HEADER = ("ID", "Client", "Proposal", "Work", "Period", "Amount", "Status", "Invoice")


def _table(items: list[WorkItem], wanted: Any) -> None:
    from socketcli.cli.output import escape, money, plain_table, plural, say, show, table

    if not items:
        say("No work items" + (f" {wanted.value}." if wanted is not None else "."))
        return
    periods: dict[tuple[Any, Any], str] = {}

    def period(item: WorkItem) -> str:
        key = (item.method, item.due)
        if key not in periods:
            found = item.period
            periods[key] = f"{found[0].label} to {found[1].label}" if found else "one-off"
        return periods[key]

    rows = [
        (
            str(item.id),
            item.client_reference,
            item.proposal_reference,
            item.description,
            period(item),
            money(item.amount),
            item.status.value,
            _invoice_cell(item),
        )
        for item in items
    ]
    title = plural(len(items), "work item")
    if len(rows) > PLAIN_ROWS:
        plain_table(_HEADER, rows, title=title, right=["ID", "Amount"])
        return
    grid = table(*_HEADER, right=["ID", "Amount"], title=title)
    for row in rows:
        grid.add_row(*(escape(cell) for cell in row))
    show(grid)


def _invoice_cell(item: WorkItem) -> str:
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
        typer.Argument(help="The ids of the items done (see `socket work list`).", metavar="ID..."),
    ] = None,
    client: Annotated[
        str | None, typer.Option("--client", help="With --all: the client (reference or name).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every open item of the --client.")] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Complete without asking (needed without a terminal)."),
    ] = False,
) -> None:
    """Mark work items completed and create their invoices in Xero at once: items of one
    proposal on one invoice, each invoice exactly once (through the same outbox as the plan).
    A quarterly or annual item opens the next period's."""
    from socketcli.cli.output import money, plural, say
    from socketcli.domain.errors import InvalidInput
    from socketcli.services.work import complete_work, review_completion

    st = state(ctx)
    wanted = list(ids or [])
    if yes:
        report = complete_work(st.store, st.clock, wanted, client=client, every=every)
        _summary(report.review)
    else:
        if not _interactive():
            raise InvalidInput(
                "`socket work complete` asks before it invoices, and there is no terminal to "
                "ask at: pass --yes to complete without asking"
            )
        review = review_completion(st.store, st.clock, wanted, client=client, every=every)
        _summary(review)
        question = (
            f"Complete {plural(len(review.items), 'item')} and invoice "
            f"{money(review.total)} ({plural(len(review.invoices), 'invoice')}) in Xero?"
        )
        if not typer.confirm(question, default=False, err=True):
            say("Not completed: nothing was changed.")
            raise typer.Exit(1)
        report = complete_work(
            st.store, st.clock, wanted, client=client, every=every, expected=review
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
    _post(st)


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


def _post(st: State) -> None:
    from socketcli.cli.output import error, plural, say
    from socketcli.services.posting import post

    report = post(st.store, st.gateway, st.clock, work=True, exclusive=st.wiring.exclusive("post"))
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
    item: Annotated[int, typer.Argument(help="The id of the item completed by mistake.")],
) -> None:
    """Reopen an item completed by mistake whose invoice is not in Xero (not sent yet, or
    refused): it is open again, and its invoice bills the other items completed with it, or
    is dropped."""
    from socketcli.cli.output import money, say
    from socketcli.services.work import reopen_work

    st = state(ctx)
    report = reopen_work(st.store, item, exclusive=st.wiring.exclusive("post"))
    say(f"Reopened work item {report.item.id} ({report.item.description}).")
    if report.invoice_dropped:
        say(f"Its invoice {report.invoice_reference} had no other item: it will not be sent.")
    else:
        say(
            f"Its invoice {report.invoice_reference} now bills {money(report.invoice_total)} "
            "for the other items completed with it."
        )

"""Outstanding invoices: what a finalised month did not freeze because it came into scope after.

A finalised month keeps what it billed: later edits to a line it froze (a price, a quantity)
apply from the next month not finalised. But a *service* a client did not have when the
month was finalised, accepted or backdated to start inside it afterwards (a late start), is
in no plan for that month: the snapshot was frozen without it, and the next month's plan
starts after it. Such lines are *outstanding* in the finalised month: the month records the
services each client had in force when it was frozen (by client and service), and a plan
line of any other service bills there as its own invoice, once posted with
`plan post --outstanding`. A whole client that started late is the same rule: it had no
service then.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from socketcli.domain.model import ClientMonth


def billed_clients(figures: Mapping[int, ClientMonth]) -> dict[int, ClientMonth]:
    """The clients with something billed."""
    return {client_id: month for client_id, month in figures.items() if month.billed}


def with_outstanding(
    frozen: Mapping[int, ClientMonth], outstanding: Mapping[int, ClientMonth]
) -> dict[int, ClientMonth]:
    """What a finalised month bills once its outstanding invoices are posted, by client: the
    snapshot's figures plus the outstanding ones (the month before a diff, so that a client
    outstanding there is not `new` in the month after)."""
    merged = dict(frozen)
    for client_id, late in outstanding.items():
        if not late.billed:
            continue
        had = merged.get(client_id, ClientMonth())
        merged[client_id] = ClientMonth(
            had.amount + late.amount,
            had.line_count + late.line_count,
            had.invoice_count + late.invoice_count,
        )
    return merged


def outstanding_reference(reference: str, taken: Collection[str]) -> str:
    """A reference for an outstanding invoice that no invoice of the month has: the plan's own
    (`CLI001 Dec 2026`) for a client the month froze nothing for, else `... late`, `... late
    2`, and so on, for the lines a client's frozen invoice did not have."""
    if reference not in taken:
        return reference
    candidate, n = f"{reference} late", 1
    while candidate in taken:
        n += 1
        candidate = f"{reference} late {n}"
    return candidate

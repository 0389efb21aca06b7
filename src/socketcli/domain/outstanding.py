"""Outstanding invoices: what a finalised month did not freeze because it came into scope after.

A client accepted (or backdated) to start inside a month already finalised is in no plan for
that month: the month's snapshot was frozen without it, and the next month's plan starts after
it. Such a client is *outstanding* in the finalised month: the plan as computed today bills it
there, and the snapshot has no invoice for it. A client the snapshot does have is not, even when
today's figures for it differ: a finalised month keeps what it billed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from socketcli.domain.model import ClientMonth, PlannedInvoice

Invoice = TypeVar("Invoice", bound=PlannedInvoice)


def outstanding_clients(
    computed: Mapping[int, ClientMonth], frozen: Mapping[int, ClientMonth]
) -> dict[int, ClientMonth]:
    """By client id, the computed figures of the clients billed in the month as computed today
    that the month's snapshot (`frozen`, by client id) has no invoice for."""
    return {
        client_id: figures
        for client_id, figures in computed.items()
        if figures.billed and client_id not in frozen
    }


def outstanding_invoices(
    invoices: Sequence[Invoice], frozen: Mapping[int, ClientMonth]
) -> list[Invoice]:
    """The month's computed invoices of the clients the snapshot has no invoice for (in the
    plan's order)."""
    return [invoice for invoice in invoices if invoice.lines and invoice.client_id not in frozen]


def with_outstanding(
    frozen: Mapping[int, ClientMonth], computed: Mapping[int, ClientMonth]
) -> dict[int, ClientMonth]:
    """What a finalised month bills once its outstanding clients are posted: the snapshot's
    figures and, for the clients it lacks, today's (the month before a diff, so that a client
    outstanding there is not `new` in the month after)."""
    return {**frozen, **outstanding_clients(computed, frozen)}

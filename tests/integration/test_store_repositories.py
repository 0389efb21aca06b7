"""The SQL repositories on a real SQLite store: what each writes is what the domain says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from socketcli.domain.model import BillingMethod, ProposalStatus
from socketcli.domain.months import Month
from socketcli.domain.records import Client, Proposal, ProposalLine, Service
from tests.integration.conftest import Store


def _one_off_practice(store: Store, quantity: str, price: str) -> None:
    with store.uow() as uow:
        uow.clients.save(Client(reference="CLI001", name="Acme Ltd"))
        uow.services.save(Service(name="Tax investigation", billing_method=BillingMethod.ONE_OFF))
        uow.proposals.save(
            Proposal(
                reference="P-1",
                client_reference="CLI001",
                status=ProposalStatus.ACCEPTED,
                start_date=date(2026, 12, 1),
                lines=(
                    ProposalLine(
                        service_name="Tax investigation",
                        description="Tax investigation",
                        quantity=Decimal(quantity),
                        unit_price=Decimal(price),
                        billing_method=BillingMethod.ONE_OFF,
                        start=Month(2026, 12),
                    ),
                ),
            )
        )
        uow.work_items.open_for(["P-1"], in_force_from=Month(2026, 12))
        uow.commit()


def test_a_work_item_is_billed_what_its_line_says_rounded_half_up(store: Store) -> None:
    # 0.5 x 0.25 = 0.125: the line rounds half up to 0.13, and so must its work item
    # (the store once rounded the item half-even, to 0.12).
    _one_off_practice(store, "0.5", "0.25")
    assert store.rows("SELECT amount_minor FROM proposal_lines") == [(13,)]
    assert store.rows("SELECT amount_minor, status, due_month FROM work_items") == [
        (13, "open", "2026-12")
    ]


def test_opening_work_items_twice_opens_each_once(store: Store) -> None:
    _one_off_practice(store, "2", "450.00")
    with store.uow() as uow:
        uow.work_items.open_for(["P-1"], in_force_from=Month(2026, 12))
        uow.commit()
    assert store.rows("SELECT amount_minor FROM work_items") == [(90000,)]

"""Unit prices with four decimal places, end to end: frozen at approval, previewed, posted
with unitdp=4, kept by Xero with four places (read back so only with unitdp=4), each line's
amount rounded to the penny as Xero rounds it, equal to the frozen plan, and reconciled.

No command takes a four-place price yet (the importer is being taught to), so the test puts
one in the frozen plan through the snapshot repository, as approval would have frozen it."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from decimal import Decimal

from socketcli.adapters.xero.gateway import XeroPythonGateway
from socketcli.domain.invoice import InvoiceDocument
from socketcli.domain.model import InvoiceLine
from socketcli.domain.money import amount_of
from socketcli.sandbox import Sandbox
from socketcli.services.plan import preview_invoice
from socketcli.services.posting import invoice_of, post
from socketcli.services.reconcile import reconcile_month
from tests.posting.conftest import DECEMBER, FIRST_OF_DECEMBER, Practice, approve_december
from tests.runner import Socket
from tests.sandbox.sandbox_helpers import make_sdk

#: Quantity, four-place unit price: 3 x 33.3333 = 99.9999 -> 100.00 (with the price rounded to
#: two places first it would be 99.99); 1.5 x 12.3457 = 18.51855 -> 18.52; 7 x 0.0125 =
#: 0.0875 -> 0.09 (half up).
LINES = ((Decimal("3"), Decimal("33.3333")), (Decimal("1.5"), Decimal("12.3457")))
SMALL = (Decimal("7"), Decimal("0.0125"))


def four_place_lines(template: InvoiceLine) -> tuple[InvoiceLine, ...]:
    return tuple(
        replace(
            template,
            description=f"Four places {n}",
            quantity=quantity,
            unit_amount=unit,
            line_amount=amount_of(quantity, unit),
        )
        for n, (quantity, unit) in enumerate((*LINES, SMALL), start=1)
    )


def freeze_with_four_places(practice: Practice) -> InvoiceDocument:
    """December approved, then its first invoice frozen again with four-place prices."""
    approve_december(practice)
    with practice.store(write=True) as uow:
        docs = uow.plan.finalised_invoices(DECEMBER)
        changed = replace(docs[0], lines=four_place_lines(docs[0].lines[0]))
        uow.snapshots.thaw(DECEMBER)
        uow.snapshots.freeze(DECEMBER, [changed, *docs[1:]], "partner")
        uow.commit()
    return changed


def test_four_place_unit_prices_are_posted_kept_and_reconciled_to_the_penny(
    practice: Practice, xero: Sandbox, gateway: XeroPythonGateway
) -> None:
    frozen = freeze_with_four_places(practice)
    amounts = [line.line_amount for line in frozen.lines]
    assert amounts == [Decimal("100.00"), Decimal("18.52"), Decimal("0.09")]
    assert frozen.total == Decimal("118.61")

    preview = preview_invoice(practice.read, practice.clock, frozen.client_reference, DECEMBER)
    (shown,) = preview.invoices
    assert preview.finalised
    assert [(line.unit_amount, line.line_amount) for line in shown.lines] == [
        (Decimal("33.3333"), Decimal("100.00")),
        (Decimal("12.3457"), Decimal("18.52")),
        (Decimal("0.0125"), Decimal("0.09")),
    ]

    practice.clock.at = FIRST_OF_DECEMBER
    report = post(practice.store, lambda: nullcontext(gateway), practice.clock)

    assert report.error is None
    assert report.failed == []
    puts = [c for c in xero.calls() if c.method == "PUT" and c.path.endswith("/Invoices")]
    assert puts
    assert all("unitdp=4" in c.query for c in puts)
    with practice.store() as uow:
        entry = next(e for e in uow.outbox.entries() if e.reference == frozen.reference)
    assert [line.unit_amount for line in invoice_of(entry.body).lines] == [
        Decimal("33.3333"),
        Decimal("12.3457"),
        Decimal("0.0125"),
    ]
    (held,) = [i for i in xero.invoices() if i["Reference"] == frozen.reference]
    assert [line["UnitAmount"] for line in held["LineItems"]] == [
        Decimal("33.3333"),
        Decimal("12.3457"),
        Decimal("0.0125"),
    ]
    assert [line["LineAmount"] for line in held["LineItems"]] == amounts
    assert held["SubTotal"] == frozen.total

    sdk = make_sdk(
        xero, {"access_token": xero.issue_token(), "token_type": "Bearer", "expires_in": 1800}
    )
    plain = sdk.accounting.get_invoice(xero.tenant_id, held["InvoiceID"]).invoices[0]
    exact = sdk.accounting.get_invoice(xero.tenant_id, held["InvoiceID"], unitdp=4).invoices[0]
    assert [line.unit_amount for line in plain.line_items] == [
        Decimal("33.33"),
        Decimal("12.35"),
        Decimal("0.01"),
    ]
    assert [line.unit_amount for line in exact.line_items] == [
        Decimal("33.3333"),
        Decimal("12.3457"),
        Decimal("0.0125"),
    ]
    assert [line.line_amount for line in plain.line_items] == amounts  # as computed, always
    assert plain.sub_total == exact.sub_total == frozen.total

    reconciled = reconcile_month(practice.store, lambda: nullcontext(gateway), DECEMBER)

    assert reconciled.matches
    assert reconciled.exit_code == 0
    row = next(r for r in reconciled.rows if r.reference == frozen.reference)
    assert row.xero_total == frozen.total == Decimal("118.61")


def test_the_preview_shows_a_four_place_unit_price_as_it_is_frozen(
    practice: Practice, socket: Socket
) -> None:
    frozen = freeze_with_four_places(practice)
    db = practice.where
    at_approval = socket.using(db=db, env={"SOCKET_NOW": "2026-11-21T09:30:00+00:00"})

    table = at_approval.ok("plan", "preview", frozen.client_reference, "--month", "2026-12")
    document = at_approval.json(
        "plan", "preview", frozen.client_reference, "--month", "2026-12", "--json"
    )

    assert "33.3333" in table.stdout
    assert "100.00" in table.stdout
    assert "0.0125" in table.stdout
    (invoice,) = document["invoices"]
    assert [(line["unit_amount"], line["line_amount"]) for line in invoice["lines"]] == [
        ("33.3333", "100.00"),
        ("12.3457", "18.52"),
        ("0.0125", "0.09"),
    ]

"""Change types: month M against month M-1, client by client."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from socketcli.domain.model import ChangeType, ClientMonth


class ClientChange(NamedTuple):
    """A client's change type, with both months' figures (a tuple: one per client billed)."""

    client_id: int
    current: ClientMonth
    previous: ClientMonth
    change: ChangeType

    @property
    def difference(self) -> Decimal:
        return self.current.amount - self.previous.amount


def classify(current: ClientMonth, previous: ClientMonth) -> ChangeType | None:
    """None when the client is billed in neither month."""
    if not current.billed and not previous.billed:
        return None
    if not previous.billed:
        return ChangeType.NEW
    if not current.billed:
        return ChangeType.CEASED
    if current.amount > previous.amount:
        return ChangeType.EXPANDED
    if current.amount < previous.amount:
        return ChangeType.CONTRACTED
    return ChangeType.UNCHANGED


def diff(
    current: Mapping[int, ClientMonth], previous: Mapping[int, ClientMonth]
) -> list[ClientChange]:
    """Every client billed in either month with its change type, in client id order."""
    changes = []
    empty = ClientMonth()
    for client_id in sorted(current.keys() | previous.keys()):
        now, before = current.get(client_id, empty), previous.get(client_id, empty)
        change = classify(now, before)
        if change is not None:
            changes.append(ClientChange(client_id, now, before, change))
    return changes

"""The practice's services (the catalogue a proposal's lines are priced from)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col
from sqlmodel import select as select_rows

from socketcli.adapters.store.collation import bytewise
from socketcli.adapters.store.sql import SqlRepository
from socketcli.adapters.store.tables import ServiceRow
from socketcli.domain.model import BillingMethod
from socketcli.domain.records import Service


def _service(row: ServiceRow) -> Service:
    return Service(
        id=row.id,
        name=row.name,
        billing_method=BillingMethod(row.billing_method),
        account_code=row.account_code,
        alignment_eligible=row.alignment_eligible,
        tracking_category=row.tracking_category,
    )


class SqlServices(SqlRepository):
    def all(self) -> list[Service]:
        rows = self.session.exec(
            select_rows(ServiceRow).order_by(bytewise(func.lower(col(ServiceRow.name))))
        )
        return [_service(row) for row in rows]

    def _row(self, name: str) -> ServiceRow | None:
        statement = select_rows(ServiceRow).where(func.lower(col(ServiceRow.name)) == name.lower())
        return self.session.exec(statement).first()

    def get(self, name: str) -> Service | None:
        row = self._row(name)
        return None if row is None else _service(row)

    def save(self, service: Service) -> Service:
        row = self._row(service.name)
        now = self.now()
        values: dict[str, Any] = {
            "name": service.name,
            "billing_method": service.billing_method.value,
            "account_code": service.account_code,
            "alignment_eligible": service.alignment_eligible,
            "tracking_category": service.tracking_category,
        }
        if row is None:
            row = ServiceRow(**values, created_at=now, updated_at=now)
            self.session.add(row)
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        self.session.flush()
        return _service(row)

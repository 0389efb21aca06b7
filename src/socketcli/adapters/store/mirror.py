"""The Xero mirror: one organisation's contacts, revenue accounts, branding themes and
tracking categories as Xero last listed them, where `socket sync` stands, and what it pushed
to linked contacts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import SQLModel, col
from sqlmodel import select as select_rows

from socketcli.adapters.store.collation import bytewise
from socketcli.adapters.store.reader import CONTACT_COLUMNS
from socketcli.adapters.store.sql import SqlRepository, chunks
from socketcli.adapters.store.tables import (
    XeroAccountRow,
    XeroBrandingThemeRow,
    XeroPushedClientRow,
    XeroSyncStateRow,
    XeroTrackingCategoryRow,
    XeroTrackingOptionRow,
)
from socketcli.domain.records import XeroContact
from socketcli.ports.store import PushedDetails, SyncState
from socketcli.ports.xero import (
    XeroAccount,
    XeroBrandingTheme,
    XeroContactRecord,
    XeroTrackingCategory,
    XeroTrackingOption,
)


class SqlMirror(SqlRepository):
    def contacts(self) -> list[XeroContact]:
        return self._reader().xero_contacts()

    def save_contacts(self, contacts: Sequence[XeroContact]) -> None:
        """Insert or update contacts by ContactID (set-based, as sync's records are); their
        tenant and Xero timestamp are left as they are."""
        now = self.now()
        self.upsert(
            "xero_contacts",
            "contact_id",
            [*CONTACT_COLUMNS, "updated_at"],
            [
                (
                    contact.contact_id,
                    contact.name,
                    contact.email,
                    contact.contact_number,
                    contact.account_number,
                    contact.status,
                    contact.is_customer,
                    contact.merged_to,
                    now,
                )
                for contact in contacts
            ],
        )

    _MIRROR_TABLES = (
        "xero_contacts",
        "xero_accounts",
        "xero_branding_themes",
        "xero_tracking_categories",
    )

    def forget_other_organisations(self, tenant_id: str) -> None:
        tables = SQLModel.metadata.tables
        categories = tables["xero_tracking_categories"]
        others = select(categories.c.tracking_category_id).where(
            categories.c.tenant_id != tenant_id
        )
        self.session.execute(
            delete(tables["xero_tracking_options"]).where(
                tables["xero_tracking_options"].c.tracking_category_id.in_(others)
            )
        )
        for name in self._MIRROR_TABLES:
            table = tables[name]
            self.session.execute(
                delete(table).where(table.c.tenant_id.is_not(None), table.c.tenant_id != tenant_id)
            )
        state = tables["xero_sync_state"]
        self.session.execute(delete(state).where(state.c.tenant_id != tenant_id))
        self.session.expire_all()

    _CONTACT_COLUMNS = (
        "contact_id",
        "name",
        "email",
        "contact_number",
        "account_number",
        "status",
        "is_customer",
        "xero_updated_at",
        "merged_to_contact_id",
    )

    def contacts_by_id(self, contact_ids: Sequence[str]) -> list[XeroContactRecord]:
        table = SQLModel.metadata.tables["xero_contacts"]
        found: list[XeroContactRecord] = []
        for chunk in chunks(sorted(set(contact_ids))):
            statement = select(*(table.c[name] for name in self._CONTACT_COLUMNS)).where(
                table.c.contact_id.in_(chunk)
            )
            found += [
                XeroContactRecord(
                    contact_id=contact_id,
                    name=name,
                    email=email,
                    contact_number=number,
                    account_number=account,
                    status=status,
                    is_customer=bool(customer),
                    merged_to=merged_to,
                    updated_at=updated,
                )
                for contact_id, name, email, number, account, status, customer, updated, merged_to in (
                    self.session.execute(statement).all()
                )
            ]
        return found

    def save_contact_records(self, tenant_id: str, records: Sequence[XeroContactRecord]) -> None:
        now = self.now()
        self.upsert(
            "xero_contacts",
            "contact_id",
            [*self._CONTACT_COLUMNS, "tenant_id", "updated_at"],
            [
                (
                    record.contact_id,
                    record.name,
                    record.email,
                    record.contact_number,
                    record.account_number,
                    record.status,
                    record.is_customer,
                    record.updated_at,
                    record.merged_to,
                    tenant_id,
                    now,
                )
                for record in records
            ],
        )

    def refresh_linked_contact_names(self) -> None:
        tables = SQLModel.metadata.tables
        clients, contacts = tables["clients"], tables["xero_contacts"]
        mirrored = (
            select(contacts.c.name)
            .where(contacts.c.contact_id == clients.c.xero_contact_id)
            .scalar_subquery()
        )
        self.session.execute(
            update(clients)
            .where(
                clients.c.xero_contact_id.in_(select(contacts.c.contact_id)),
                or_(clients.c.xero_contact_name.is_(None), clients.c.xero_contact_name != mirrored),
            )
            .values(xero_contact_name=mirrored)
        )
        self.session.expire_all()

    def accounts(self) -> list[XeroAccount]:
        rows = self.session.exec(
            select_rows(XeroAccountRow).order_by(
                bytewise(col(XeroAccountRow.code)), col(XeroAccountRow.account_id)
            )
        )
        return [
            XeroAccount(
                account_id=row.account_id,
                code=row.code,
                name=row.name,
                status=row.status,
                type=row.type,
                account_class=row.account_class,
                tax_type=row.tax_type,
                updated_at=row.xero_updated_at,
            )
            for row in rows
        ]

    def save_accounts(
        self, tenant_id: str, accounts: Sequence[XeroAccount], *, complete: bool
    ) -> None:
        now = self.now()
        if complete:
            table = SQLModel.metadata.tables["xero_accounts"]
            self.session.execute(
                delete(table).where(
                    table.c.tenant_id == tenant_id,
                    table.c.account_id.not_in([account.account_id for account in accounts]),
                )
            )
        self.upsert(
            "xero_accounts",
            "account_id",
            (
                "account_id",
                "tenant_id",
                "code",
                "name",
                "type",
                "account_class",
                "status",
                "tax_type",
                "xero_updated_at",
                "synced_at",
            ),
            [
                (
                    a.account_id,
                    tenant_id,
                    a.code,
                    a.name,
                    a.type,
                    a.account_class,
                    a.status,
                    a.tax_type,
                    a.updated_at,
                    now,
                )
                for a in accounts
            ],
        )

    def branding_themes(self) -> list[XeroBrandingTheme]:
        rows = self.session.exec(
            select_rows(XeroBrandingThemeRow).order_by(
                col(XeroBrandingThemeRow.sort_order),
                bytewise(func.lower(col(XeroBrandingThemeRow.name))),
            )
        )
        return [
            XeroBrandingTheme(
                branding_theme_id=row.branding_theme_id, name=row.name, sort_order=row.sort_order
            )
            for row in rows
        ]

    def save_branding_themes(self, tenant_id: str, themes: Sequence[XeroBrandingTheme]) -> None:
        now = self.now()
        self.session.execute(
            delete(XeroBrandingThemeRow).where(col(XeroBrandingThemeRow.tenant_id) == tenant_id)
        )
        self.session.add_all(
            XeroBrandingThemeRow(
                branding_theme_id=theme.branding_theme_id,
                tenant_id=tenant_id,
                name=theme.name,
                sort_order=theme.sort_order,
                synced_at=now,
            )
            for theme in themes
        )
        self.session.flush()

    def tracking_categories(self) -> list[XeroTrackingCategory]:
        categories = self.session.exec(
            select_rows(XeroTrackingCategoryRow).order_by(
                bytewise(func.lower(col(XeroTrackingCategoryRow.name)))
            )
        ).all()
        options: dict[str, list[XeroTrackingOption]] = {}
        for option in self.session.exec(
            select_rows(XeroTrackingOptionRow).order_by(
                col(XeroTrackingOptionRow.tracking_category_id),
                col(XeroTrackingOptionRow.position),
            )
        ):
            options.setdefault(option.tracking_category_id, []).append(
                XeroTrackingOption(
                    tracking_option_id=option.tracking_option_id,
                    name=option.name,
                    status=option.status,
                )
            )
        return [
            XeroTrackingCategory(
                tracking_category_id=row.tracking_category_id,
                name=row.name,
                status=row.status,
                options=tuple(options.get(row.tracking_category_id, ())),
            )
            for row in categories
        ]

    def save_tracking_categories(
        self, tenant_id: str, categories: Sequence[XeroTrackingCategory]
    ) -> None:
        now = self.now()
        tables = SQLModel.metadata.tables
        mine = tables["xero_tracking_categories"]
        options = tables["xero_tracking_options"]
        self.session.execute(
            delete(options).where(
                options.c.tracking_category_id.in_(
                    select(mine.c.tracking_category_id).where(mine.c.tenant_id == tenant_id)
                )
            )
        )
        self.session.execute(delete(mine).where(mine.c.tenant_id == tenant_id))
        self.session.expire_all()
        for category in categories:
            self.session.add(
                XeroTrackingCategoryRow(
                    tracking_category_id=category.tracking_category_id,
                    tenant_id=tenant_id,
                    name=category.name,
                    status=category.status,
                    synced_at=now,
                )
            )
        self.session.flush()
        self.session.add_all(
            XeroTrackingOptionRow(
                tracking_option_id=option.tracking_option_id,
                tracking_category_id=category.tracking_category_id,
                position=position,
                name=option.name,
                status=option.status,
            )
            for category in categories
            for position, option in enumerate(category.options)
        )
        self.session.flush()

    _STATE_FIELDS = (
        "contacts_modified_since",
        "accounts_modified_since",
        "contacts_synced_at",
        "accounts_synced_at",
        "themes_synced_at",
        "tracking_synced_at",
        "last_sync_at",
        "last_push_at",
    )

    def sync_state(self, tenant_id: str) -> SyncState | None:
        row = self.session.get(XeroSyncStateRow, tenant_id)
        if row is None:
            return None
        return SyncState(tenant_id, **{name: getattr(row, name) for name in self._STATE_FIELDS})

    def save_sync_state(self, state: SyncState) -> None:
        self.session.merge(
            XeroSyncStateRow(
                tenant_id=state.tenant_id,
                **{name: getattr(state, name) for name in self._STATE_FIELDS},
            )
        )
        self.session.flush()

    def pushed_clients(self) -> list[PushedDetails]:
        return [
            PushedDetails(
                client_id=row.client_id,
                contact_id=row.contact_id,
                name=row.name,
                email=row.email,
                contact_number=row.contact_number,
                pushed_at=row.pushed_at,
            )
            for row in self.session.exec(
                select_rows(XeroPushedClientRow).order_by(col(XeroPushedClientRow.client_id))
            )
        ]

    def save_pushed_clients(self, details: Sequence[PushedDetails]) -> None:
        self.upsert(
            "xero_pushed_clients",
            "client_id",
            ("client_id", "contact_id", "name", "email", "contact_number", "pushed_at"),
            [
                (d.client_id, d.contact_id, d.name, d.email, d.contact_number, d.pushed_at)
                for d in details
            ],
        )

"""Practice settings: show every key with its value, set one after validating it."""

from __future__ import annotations

from dataclasses import dataclass

from socketcli.domain.errors import InvalidInput
from socketcli.domain.history import setting_changed
from socketcli.domain.settings import MIRRORED, SETTINGS, XeroChoices, validate
from socketcli.ports.store import OpenStore, UnitOfWork


@dataclass(frozen=True, slots=True)
class SettingView:
    key: str
    value: str
    default: str
    help: str
    settable: bool

    @property
    def is_default(self) -> bool:
        return self.value == self.default


def setting_values(store: OpenStore) -> dict[str, str]:
    """The stored settings as text (the Xero commands read the connection from them)."""
    with store() as uow:
        return uow.settings.values()


def show_settings(store: OpenStore) -> list[SettingView]:
    return _views(setting_values(store))


def _views(stored: dict[str, str]) -> list[SettingView]:
    return [
        SettingView(
            spec.key, stored.get(spec.key, spec.default), spec.default, spec.help, spec.settable
        )
        for spec in SETTINGS
    ]


def xero_choices(uow: UnitOfWork) -> XeroChoices:
    """The revenue accounts, branding themes and tracking categories of the Xero mirror
    (empty before a sync)."""
    return XeroChoices(
        accounts=tuple((a.code, a.name, not a.archived) for a in uow.mirror.accounts()),
        themes=tuple(t.name for t in uow.mirror.branding_themes()),
        tracking=tuple(
            (c.name, not c.archived, tuple((o.name, not o.archived) for o in c.options))
            for c in uow.mirror.tracking_categories()
        ),
    )


def known_account_code(uow: UnitOfWork, code: str) -> str:
    """A service's account code, checked against the Xero mirror once it holds accounts."""
    try:
        return xero_choices(uow).account_code(code)
    except ValueError as error:
        raise InvalidInput(f"account code {code!r}: {error}") from None


def known_branding_theme(uow: UnitOfWork, name: str) -> str:
    """A client's branding theme, checked against the Xero mirror once it holds themes."""
    try:
        return xero_choices(uow).branding_theme(name)
    except ValueError as error:
        raise InvalidInput(f"branding theme {name!r}: {error}") from None


def known_tracking(uow: UnitOfWork, text: str, what: str = "tracking") -> str:
    """A `Category:Option`, checked against the Xero mirror once it holds tracking categories."""
    try:
        return xero_choices(uow).tracking_option(text)
    except ValueError as error:
        raise InvalidInput(f"{what} {text!r}: {error}") from None


def set_setting(store: OpenStore, key: str, value: str) -> SettingView:
    with store(write=True) as uow:
        stored = validate(key, value, xero_choices(uow) if key in MIRRORED else None)
        before = uow.settings.values().get(key)
        uow.settings.set(key, stored)
        if stored != before:
            uow.history.record(setting_changed(key, before, stored))
        uow.commit()
        return next(view for view in _views(uow.settings.values()) if view.key == key)

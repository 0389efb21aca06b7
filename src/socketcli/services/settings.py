"""Practice settings: show every key with its value, set one after validating it."""

from __future__ import annotations

from dataclasses import dataclass

from socketcli.domain.settings import SETTINGS, validate
from socketcli.services.ports import UnitOfWork


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


def show_settings(uow: UnitOfWork) -> list[SettingView]:
    stored = uow.settings_values()
    return [
        SettingView(
            spec.key, stored.get(spec.key, spec.default), spec.default, spec.help, spec.settable
        )
        for spec in SETTINGS
    ]


def set_setting(uow: UnitOfWork, key: str, value: str) -> SettingView:
    stored = validate(key, value)
    uow.set_setting(key, stored)
    uow.commit()
    return next(view for view in show_settings(uow) if view.key == key)

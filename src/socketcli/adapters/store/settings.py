"""The practice's settings: key and text value."""

from __future__ import annotations

from socketcli.adapters.store.sql import SqlRepository
from socketcli.adapters.store.tables import SettingRow


class SqlSettings(SqlRepository):
    def values(self) -> dict[str, str]:
        return self._reader().settings_values()

    def set(self, key: str, value: str) -> None:
        row = self.session.get(SettingRow, key)
        if row is None:
            self.session.add(SettingRow(key=key, value=value))
        else:
            row.value = value
        self.session.flush()

"""The local store: SQLModel tables, migrations and the unit of work."""

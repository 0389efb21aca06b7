"""Use cases. They take ports (store, clock) and return reports as data; no terminal output."""

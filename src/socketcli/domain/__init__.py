"""Pure billing logic: standard library, dateutil and rapidfuzz only."""

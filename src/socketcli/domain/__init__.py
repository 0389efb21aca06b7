"""Pure billing logic: standard library and rapidfuzz only."""

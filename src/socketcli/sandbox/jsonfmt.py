"""JSON as Xero writes it: exact money, Microsoft JSON dates, and the clock's moments.

Money is `Decimal` from the request (parsed with `parse_float=Decimal`) to the response: `dumps`
writes a Decimal as its exact decimal text (120.00, never 120.00000000000001), which
xero-python reads back as a Decimal. Dates follow Xero: `/Date(1700000000000+0000)/` for
timestamps (UpdatedDateUTC, DateTimeUTC) and for the dates of an invoice (Date, DueDate),
which xero-python deserialises as `date[ms-format]`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

_MS_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<tz>[+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def dumps(value: Any, *, indent: int | None = None, expand: int = 99) -> str:
    """JSON text of `value`; a Decimal is written exactly, as a JSON number.

    With `indent`, containers down to `expand` levels are laid out one item a line and
    deeper ones written compactly (the state file: one contact or invoice a line).
    """
    parts: list[str] = []
    _write(value, parts, indent, 0, expand)
    return "".join(parts)


def loads(text: str | bytes) -> Any:
    """Parse JSON with every fractional number as an exact Decimal."""
    return json.loads(text, parse_float=Decimal)


#: Stands in for a Decimal's text inside the standard library's encoder (a private-use
#: character, which no Xero field holds): the marked string is then written as the number.
_MARK = "\ue000"
_MARKED = re.compile('"' + _MARK + "([-0-9.]+)" + _MARK + '"')


class _Unmarkable(Exception):
    """A string of the value holds the mark itself: written the slow way instead."""


def _marked(value: Any) -> Any:
    """`value` with each Decimal as its exact text between marks."""
    if isinstance(value, str):
        if _MARK in value:
            raise _Unmarkable
        return value
    if isinstance(value, dict):
        return {key: _marked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_marked(item) for item in value]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        return _MARK + format(value, "f") + _MARK
    return value


def _compact(value: Any) -> str | None:
    """`value` as compact JSON by the standard library's C encoder, Decimals written
    exactly; None when it cannot be (then `_write` does it, item by item)."""
    try:
        text = json.dumps(
            _marked(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    except _Unmarkable:
        return None
    return _MARKED.sub(r"\1", text)


def _write(value: Any, out: list[str], indent: int | None, level: int, expand: int) -> None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        out.append(format(value, "f"))
    elif value is None or isinstance(value, bool | int | str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, float):
        out.append(json.dumps(value, allow_nan=False))
    elif (
        isinstance(value, dict | list | tuple)
        and (indent is None or level >= expand)
        and (compact := _compact(value)) is not None
    ):
        out.append(compact)
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        spread = indent if level < expand else None
        out.append("{")
        for number, (key, item) in enumerate(value.items()):
            if number:
                out.append(",")
            _newline(out, spread, level + 1)
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(": " if spread is not None else ":")
            _write(item, out, indent, level + 1, expand)
        _newline(out, spread, level)
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        spread = indent if level < expand else None
        out.append("[")
        for number, item in enumerate(value):
            if number:
                out.append(",")
            _newline(out, spread, level + 1)
            _write(item, out, indent, level + 1, expand)
        _newline(out, spread, level)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _newline(out: list[str], indent: int | None, level: int) -> None:
    if indent is not None:
        out.append("\n" + " " * (indent * level))


# -- moments and dates ---------------------------------------------------------------------


def ms_date(moment: datetime) -> str:
    """`/Date(1700000000000+0000)/`: a UTC moment to the millisecond, as Xero writes it."""
    delta = moment.astimezone(UTC) - _EPOCH
    millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return f"/Date({millis}+0000)/"


def ms_date_of_day(day: date) -> str:
    """An invoice's Date or DueDate: midnight UTC of the day, as Xero writes it."""
    return ms_date(datetime.combine(day, time(), tzinfo=UTC))


def parse_ms_date(text: str) -> datetime | None:
    """The moment of `/Date(ms)/` or `/Date(ms+hhmm)/`; None when it is not one."""
    match = _MS_DATE.match(text.strip())
    if match is None:
        return None
    return _EPOCH + timedelta(milliseconds=int(match.group("ms")))


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, the precision of Xero's timestamps."""
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def truncate_ms(moment: datetime) -> datetime:
    """The moment to the millisecond (what a client sees in UpdatedDateUTC)."""
    return _EPOCH + timedelta(milliseconds=to_ms(moment))


def parse_moment(text: str) -> datetime | None:
    """An If-Modified-Since value: ISO 8601 (naive means UTC), an HTTP date, or /Date(ms)/."""
    text = text.strip()
    if not text:
        return None
    found = parse_ms_date(text)
    if found is not None:
        return found
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(value: Any) -> date | None:
    """An invoice date as clients send it: `/Date(ms)/`, `2026-12-01` or `2026-12-01T00:00:00`."""
    if not isinstance(value, str) or not value.strip():
        return None
    found = parse_ms_date(value)
    if found is not None:
        return found.date()
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def iso_moment(moment: datetime) -> str:
    """How the state file keeps a moment: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def connection_date(moment: datetime) -> str:
    """createdDateUtc / updatedDateUtc of GET /connections: `2019-12-07T18:46:19.5165400`."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%dT%H:%M:%S.") + f"{naive.microsecond:06d}0"


def to_decimal(value: Any) -> Decimal | None:
    """A number from a request as an exact Decimal; None when it is absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            found = Decimal(value.strip())
        except InvalidOperation:
            return None
        return found if found.is_finite() else None
    return None

"""The project's Xero errors, and how an SDK failure becomes one.

The error classes are defined in socketcli.ports.xero (the services catch them and
may not import an adapter) and re-exported here. This module reads what xero-python raised
(status, headers, Xero's error body) and builds the project's error; the gateway decides
what to retry. Messages are made from Xero's status and error body only: never from the
request, so no token or Authorization header can reach one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from socketcli.ports.xero import (
    ValidationProblem,
    XeroAnswerMismatch,
    XeroAuthError,
    XeroDayLimitReached,
    XeroDuplicateContactName,
    XeroError,
    XeroNotFound,
    XeroRateLimited,
    XeroRequestError,
    XeroUnavailable,
    XeroValidationError,
)

__all__ = [
    "HttpFailure",
    "ValidationProblem",
    "XeroAnswerMismatch",
    "XeroAuthError",
    "XeroDayLimitReached",
    "XeroDuplicateContactName",
    "XeroError",
    "XeroNotFound",
    "XeroRateLimited",
    "XeroRequestError",
    "XeroUnavailable",
    "XeroValidationError",
    "auth_error",
    "request_error",
    "validation_error",
]

#: Xero's words for a contact name already taken by an active contact.
_DUPLICATE_NAME = "already assigned to another contact"
#: The longest piece of a Xero message quoted in an error.
_QUOTE = 300


@dataclass(frozen=True)
class HttpFailure:
    """What Xero answered when it was not a 2xx: the status, headers and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @classmethod
    def of(cls, error: Any) -> HttpFailure:
        """From xero-python's HTTPStatusException (or one of its subclasses)."""
        response = getattr(error, "http_resp", None)
        status = int(getattr(response, "status", None) or getattr(error, "status", 0) or 0)
        try:
            raw = response.getheaders() if response is not None else {}
            headers = {str(k).lower(): str(v) for k, v in dict(raw).items()}
        except Exception:
            headers = {}
        body = getattr(response, "data", b"") or b""
        return cls(status, headers, body if isinstance(body, bytes) else str(body).encode())

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8", errors="replace"))
        except ValueError:
            return None

    @property
    def rate_limit_problem(self) -> str:
        return (self.header("X-Rate-Limit-Problem") or "").strip().lower()

    def retry_after(self, now: Callable[[], datetime] | None = None) -> float | None:
        """Retry-After in seconds (delta-seconds or an HTTP date), None when absent or bad."""
        value = (self.header("Retry-After") or "").strip()
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        moment = (now or (lambda: datetime.now(UTC)))()
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - moment).total_seconds())

    @property
    def token_expired(self) -> bool:
        if self.status != 401:
            return False
        challenge = self.header("WWW-Authenticate") or ""
        return "TokenExpired" in self.body.decode("utf-8", errors="replace") or (
            "expired" in challenge.lower()
        )

    def summary(self) -> str:
        """Xero's own words for the failure (Detail, Message, Title or the body's text)."""
        data = self.json()
        if isinstance(data, dict):
            for key in ("Detail", "Message", "Title", "error_description", "error", "message"):
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    return _clip(value)
            return ""
        text = self.body.decode("utf-8", errors="replace").strip()
        return _clip(text) if text and not text.startswith("<") else ""


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1] + "…"


def auth_error(failure: HttpFailure, endpoint: str) -> XeroAuthError:
    detail = failure.summary()
    if failure.token_expired:
        problem = "TokenExpired"
        text = "the Xero access token has expired and could not be renewed"
    elif failure.status == 403:
        problem = detail or "Forbidden"
        text = (
            "Xero refused access to this organisation: it is not connected to socket, or "
            "the connection lacks a permission"
        )
    else:
        problem = detail or "Unauthorized"
        text = "Xero did not accept socket's credentials"
    suffix = f" ({detail})" if detail and detail != problem else f" ({problem})"
    return XeroAuthError(
        f"{text}{suffix} on {endpoint}. Run `socket xero connect` to connect again.",
        status=failure.status,
        problem=problem,
    )


def _subject(element: Mapping[str, Any]) -> str:
    """What a refused element is, in words: a contact's name, an invoice's reference."""
    for key in ("Name", "Reference", "InvoiceNumber"):
        value = element.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    contact = element.get("Contact")
    if isinstance(contact, Mapping):
        name = contact.get("Name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return ""


def is_duplicate_name(message: str) -> bool:
    """Whether Xero refused a contact because an active contact already has its name."""
    return _DUPLICATE_NAME in message


def validation_error(failure: HttpFailure, *, done: tuple[str, ...] = ()) -> XeroValidationError:
    """A 400 (ValidationException and its kin) as the project's error, one problem per
    refused element; a duplicate contact name as `XeroDuplicateContactName`."""
    data = failure.json()
    problems: list[ValidationProblem] = []
    top = ""
    if isinstance(data, dict):
        top = str(data.get("Message") or "")
        for element in data.get("Elements") or []:
            if not isinstance(element, Mapping):
                continue
            messages = tuple(
                _clip(str(e.get("Message")))
                for e in element.get("ValidationErrors") or []
                if isinstance(e, Mapping) and e.get("Message")
            )
            if messages:
                problems.append(ValidationProblem(_subject(element), messages))
    if not problems:
        message = _clip(top) if top else failure.summary()
        return XeroValidationError(
            [ValidationProblem("", (message,))] if message else [], done=done
        )
    duplicate = all(any(is_duplicate_name(m) for m in p.messages) for p in problems)
    kind = XeroDuplicateContactName if duplicate else XeroValidationError
    return kind(problems, done=done)


def request_error(failure: HttpFailure, endpoint: str) -> XeroError:
    """A 4xx that is not retried: auth, not found, validation or another refusal."""
    if failure.status in (401, 403):
        return auth_error(failure, endpoint)
    if failure.status == 404:
        return XeroNotFound(endpoint)
    if failure.status == 400:
        return validation_error(failure)
    return XeroRequestError(endpoint, failure.status, failure.summary())

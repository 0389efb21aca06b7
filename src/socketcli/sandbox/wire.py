"""Requests and answers as the sandbox's handlers see them, and Xero's error bodies."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from socketcli.sandbox.jsonfmt import dumps, loads

JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def make(
        cls, method: str, path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Request:
        # Header names are case-insensitive, and so are Xero's query parameter names.
        lowered = {name.lower(): value for name, value in headers.items()}
        query: dict[str, list[str]] = {}
        for name, values in parse_qs(query_string, keep_blank_values=True).items():
            query.setdefault(name.lower(), []).extend(values)
        return cls(method.upper(), path, query, lowered, body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def param(self, name: str) -> str | None:
        values = self.query.get(name.lower())
        return values[-1] if values else None

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").strip().lower() == "true"

    def json(self) -> Any:
        """The body as JSON (Decimal numbers); a ValueError when it is not JSON."""
        if not self.body.strip():
            raise ValueError("the request has no body")
        return loads(self.body)

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body (the last value of each field)."""
        text = self.body.decode("utf-8", errors="replace")
        return {name: values[-1] for name, values in parse_qs(text, keep_blank_values=True).items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Close the connection without answering (a fault).
    drop: bool = False

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def json_response(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(
        status, dumps(payload).encode("utf-8"), [("Content-Type", JSON), *(headers or [])]
    )


def text_response(
    status: int, text: str, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    return Response(status, text.encode("utf-8"), [("Content-Type", content_type)])


def problem(
    status: int, title: str, detail: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    """The body Xero's API gateway sends for 401 and 403: an RFC 7807 problem."""
    return json_response(
        status,
        {
            "Type": None,
            "Title": title,
            "Status": status,
            "Detail": detail,
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        },
        headers,
    )


def unauthorized(
    detail: str = "AuthenticationUnsuccessful", description: str | None = None
) -> Response:
    challenge = "Bearer"
    if description is not None:
        challenge = f'Bearer error="invalid_token", error_description="{description}"'
    return problem(401, "Unauthorized", detail, [("WWW-Authenticate", challenge)])


def forbidden(detail: str = "AuthenticationUnsuccessful") -> Response:
    return problem(403, "Forbidden", detail)


def xero_error(
    status: int, number: int, kind: str, message: str, elements: list[Any] | None = None
) -> Response:
    """Xero's Error body (ErrorNumber, Type, Message, Elements), the `Error` schema of the spec."""
    payload: dict[str, Any] = {"ErrorNumber": number, "Type": kind, "Message": message}
    if elements is not None:
        payload["Elements"] = elements
    return json_response(status, payload)


def validation_error(elements: list[dict[str, Any]]) -> Response:
    """400 ValidationException with each element and its ValidationErrors[].Message."""
    return xero_error(400, 10, "ValidationException", "A validation exception occurred", elements)


def bad_post_data(message: str) -> Response:
    return xero_error(400, 14, "PostDataInvalidException", message)


def not_found() -> Response:
    return text_response(404, "The resource you're looking for cannot be found")


def oauth_error(error: str, description: str | None = None, status: int = 400) -> Response:
    payload = {"error": error}
    if description:
        payload["error_description"] = description
    return json_response(status, payload, [("Cache-Control", "no-store")])


def internal_error() -> Response:
    """What the sandbox answers when it fails on a request (a bug of its own)."""
    return xero_error(500, 500, "InternalServerError", "The sandbox failed on this request")


#: The default body of an injected fault's status, in Xero's shapes.
def fault_body(status: int) -> Response:
    if status == 401:
        return unauthorized()
    if status == 403:
        return forbidden()
    if status == 404:
        return not_found()
    if status == 400:
        return validation_error([])
    if status == 503:
        return xero_error(
            503, 503, "ServiceUnavailableException", "The Xero API is temporarily unavailable"
        )
    if status >= 500:
        return xero_error(
            status,
            500,
            "InternalServerError",
            "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.",
        )
    return xero_error(status, status, "Error", "An injected sandbox fault")

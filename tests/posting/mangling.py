"""A man in the middle between socket and the sandbox Xero, for answers the sandbox never
gives: a 200 whose body is a proxy's HTML page, JSON cut short or nothing; a batch answered
in another order; a request rewritten on its way (summarizeErrors=true, so that Xero answers
a batch with one bad invoice by a 400 naming it, having made the others).

    with Mangler(xero) as proxy:
        proxy.mangle("PUT", "/Invoices", "html", count=5)
        gateway_for(xero, sleep, api_url=proxy.api_url)      # or SOCKET_XERO_API_URL=proxy.base_url

Every request is forwarded to the sandbox as it came (so Xero does the work, and counts the
call); only the answer of a matching one is changed.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from socketcli.sandbox import Sandbox

#: html: a proxy's HTML error page with status 200; truncated: the first half of Xero's
#: JSON; empty: a 200 with no body; reversed: the answer's Invoices or Contacts in the
#: other order; summarize: the request sent with summarizeErrors=true instead of false.
Mode = Literal["html", "truncated", "empty", "reversed", "summarize"]


@dataclass
class _Rule:
    method: str
    path: str
    mode: Mode
    count: int


class Mangler:
    _rules: list[_Rule]

    def __init__(self, xero: Sandbox) -> None:
        upstream = urlsplit(xero.base_url)
        self._upstream = (upstream.hostname or "127.0.0.1", upstream.port or 80)
        self._rules = []
        self._lock = threading.Lock()
        self.mangled: list[tuple[str, str, Mode]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = f"{self.base_url}/api.xro/2.0"

    def __enter__(self) -> Mangler:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def mangle(self, method: str, path: str, mode: Mode, *, count: int = 1) -> None:
        """The next `count` requests of `method` whose path ends with `path` get `mode`."""
        with self._lock:
            self._rules.append(_Rule(method.upper(), path.lower(), mode, count))

    def _take(self, method: str, path: str) -> Mode | None:
        with self._lock:
            for rule in self._rules:
                if rule.method == method and path.lower().endswith(rule.path):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    self.mangled.append((method, path, rule.mode))
                    return rule.mode
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        mangler = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            skipped: ClassVar[set[str]] = {
                "host",
                "connection",
                "content-length",
                "transfer-encoding",
            }

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                mode = mangler._take(self.command, self.path.split("?", 1)[0])
                target = self.path
                if mode == "summarize":
                    target = re.sub(
                        "summarizeErrors=false", "summarizeErrors=true", target, flags=re.I
                    )
                upstream = http.client.HTTPConnection(*mangler._upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in self.skipped}
                upstream.request(self.command, target, body=body, headers=headers)
                answer = upstream.getresponse()
                data, status = answer.read(), answer.status
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in self.skipped]
                upstream.close()
                if mode == "html":
                    data = b"<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"
                    kept = [(k, v) for k, v in kept if k.lower() != "content-type"]
                    kept.append(("Content-Type", "text/html"))
                    status = 200
                elif mode == "truncated":
                    data = data[: len(data) // 2]
                elif mode == "empty":
                    data = b""
                elif mode == "reversed":
                    answered = json.loads(data)
                    for key in ("Invoices", "Contacts"):
                        if isinstance(answered.get(key), list):
                            answered[key].reverse()
                    data = json.dumps(answered).encode()
                self.send_response(status)
                for name, value in kept:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _forward

        return Handler

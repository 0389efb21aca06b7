"""The sandbox Xero on a loopback port (http.server.ThreadingHTTPServer), and its Python handle.

    with running_sandbox() as xero:           # 127.0.0.1, an ephemeral port, in a thread
        xero.api_url                          # http://127.0.0.1:PORT/api.xro/2.0
        xero.add_fault(path="/Contacts", status=500, count=2)
        xero.advance_clock(31 * 60)           # the access token has now expired

`socket sandbox serve` runs the same server in the foreground on a fixed port.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from socketcli.sandbox import seed
from socketcli.sandbox.app import Call, SandboxApp, SandboxConfig, seed_more_contacts
from socketcli.sandbox.faults import Fault
from socketcli.sandbox.wire import Request, Response, internal_error, text_response

#: The port of `socket sandbox serve` unless told otherwise.
DEFAULT_PORT = 4780

logger = logging.getLogger("socketcli.sandbox")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "XeroSandbox/1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # A client that sends nothing for this long is cut off: no thread waits forever.
        self.connection.settimeout(self.server.app.config.socket_timeout)
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer on a kept-alive connection for ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _dispatch(self) -> None:
        app = self.server.app
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            self._send(text_response(411, "Length Required"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > app.config.max_body:
            self.close_connection = True
            self._send(text_response(413, "Request Entity Too Large"))
            return
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        request = Request.make(
            self.command, unquote(split.path), split.query, dict(self.headers.items()), body
        )
        try:
            response = app.handle(request)
        except Exception:
            logger.exception("the sandbox failed on %s %s", self.command, split.path)
            response = internal_error()
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD" and response.body:
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away (e.g. it timed out)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._guard = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        worker = threading.Thread(
            target=self._work, args=(request, client_address), name="sandbox-request", daemon=True
        )
        with self._guard:
            self._open.add(request)
            self._workers.add(worker)
        worker.start()

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._guard:
                self._open.discard(request)
                self._workers.discard(threading.current_thread())

    def service_actions(self) -> None:
        """Between requests (each poll of serve_forever): fold the state's journal into its
        file while the sandbox is quiet."""
        try:
            self.app.tidy()
        except OSError:
            logger.exception("the sandbox could not rewrite its state file")

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection error from %s", client_address, exc_info=True)

    def close_all(self, timeout: float) -> None:
        """Cut every open connection and wait (at most `timeout`) for the workers to end."""
        with self._guard:
            sockets = list(self._open)
            workers = list(self._workers)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Sandbox:
    """A running sandbox Xero: its URLs, its seeded credentials, and levers for tests."""

    def __init__(self, app: SandboxApp, server: _Server, thread: threading.Thread) -> None:
        self.app = app
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.base_url = f"http://{self.host}:{self.port}"
        #: As https://identity.xero.com (token_url, revocation_url below).
        self.identity_url = self.base_url
        #: As https://login.xero.com (authorize_url below).
        self.login_url = self.base_url
        #: As https://api.xero.com/api.xro/2.0: xero-python's AccountingApi base_url.
        self.api_url = f"{self.base_url}/api.xro/2.0"
        #: As https://api.xero.com: xero-python's IdentityApi base_url (GET /connections).
        self.connections_url = self.base_url
        self.token_url = f"{self.identity_url}/connect/token"
        self.revocation_url = f"{self.identity_url}/connect/revocation"
        self.authorize_url = f"{self.login_url}/identity/connect/authorize"
        app.base_url = self.base_url

        first = next(iter(app.state.organisations.values()))
        #: The first organisation ("Demo Practice Ltd" in a seeded sandbox).
        self.tenant_id = first.tenant_id
        self.tenant_name = first.name
        self.client_id = seed.PKCE_CLIENT_ID
        self.web_client_id = seed.WEB_CLIENT_ID
        self.web_client_secret = seed.WEB_CLIENT_SECRET
        self.custom_client_id = seed.CUSTOM_CLIENT_ID
        self.custom_client_secret = seed.CUSTOM_CLIENT_SECRET
        self.redirect_uri = seed.DEFAULT_REDIRECT_URIS[0]
        self.scopes = seed.DEFAULT_SCOPES
        self.user_email = seed.USER_EMAIL
        self._stopped = threading.Event()

    # -- faults, clock, limits ------------------------------------------------------------

    def add_fault(self, **fields: Any) -> Fault:
        """Queue a fault (see socketcli.sandbox.faults), e.g. add_fault(status=429, problem="day")."""
        return self.app.add_fault(fields)

    def add_faults(self, faults: Iterable[Mapping[str, Any]]) -> list[Fault]:
        return [self.app.add_fault(f) for f in faults]

    def faults(self) -> list[Fault]:
        return self.app.faults.pending()

    def clear_faults(self) -> None:
        self.app.faults.clear()

    def now(self) -> datetime:
        return self.app.now()

    def advance_clock(self, seconds: float) -> datetime:
        """Move the sandbox's clock forward (token expiry, refresh grace, rate windows)."""
        return self.app.advance_clock(seconds)

    def set_limits(
        self,
        *,
        per_minute: int | None = None,
        per_day: int | None = None,
        concurrent: int | None = None,
    ) -> None:
        limits = self.app.limiter.limits
        if per_minute is not None:
            limits.per_minute = per_minute
        if per_day is not None:
            limits.per_day = per_day
        if concurrent is not None:
            limits.concurrent = concurrent

    def in_flight(self, tenant_id: str | None = None) -> int:
        """How many calls to the organisation's API are being answered now."""
        return self.app.limiter.in_flight(tenant_id or self.tenant_id)

    def reset(self) -> None:
        self.app.reset()

    def set_approval_cap(self, cap: int | None, tenant_id: str | None = None) -> None:
        """The organisation's plan allows `cap` approved invoices a month (None: no limit)."""
        self.app.set_approval_cap(cap, tenant_id)

    # -- what it holds and what it was asked ------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything the sandbox holds, as JSON (credentials as hashes)."""
        return self.app.snapshot()

    def _organisation(self, tenant_id: str | None) -> Any:
        return self.app.state.organisations[tenant_id or self.tenant_id]

    def contacts(self, tenant_id: str | None = None) -> list[dict[str, Any]]:
        with self.app.lock:
            return [dict(c) for c in self._organisation(tenant_id).contacts.values()]

    def contact_named(self, name: str, tenant_id: str | None = None) -> dict[str, Any] | None:
        return next((c for c in self.contacts(tenant_id) if c.get("Name") == name), None)

    def invoices(self, tenant_id: str | None = None) -> list[dict[str, Any]]:
        with self.app.lock:
            return [dict(i) for i in self._organisation(tenant_id).invoices.values()]

    def calls(self) -> list[Call]:
        return self.app.calls()

    def call_counts(self) -> Counter[str]:
        """Calls per endpoint, e.g. {"GET /Contacts": 3, "POST /connect/token": 1}."""
        return self.app.call_counts()

    def clear_calls(self) -> None:
        self.app.clear_calls()

    # -- acting as a person in Xero ---------------------------------------------------------

    def edit_contacts(
        self, *contacts: Mapping[str, Any], tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create or change contacts as a person would in Xero (no token, no rate limit)."""
        return self.app.edit_contacts([dict(c) for c in contacts], tenant_id)

    def add_invoices(
        self, *invoices: Mapping[str, Any], app: str, tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create invoices as another app would (e.g. app="Xero Practice Manager"): GET
        /Invoices with createdByMyApp=true does not list them to socket."""
        return self.app.add_invoices([dict(i) for i in invoices], app=app, tenant_id=tenant_id)

    def archive_contact(self, contact_id: str, tenant_id: str | None = None) -> dict[str, Any]:
        return self.edit_contacts(
            {"ContactID": contact_id, "ContactStatus": "ARCHIVED"}, tenant_id=tenant_id
        )[0]

    def merge_contact(
        self, source_id: str, into_id: str, tenant_id: str | None = None
    ) -> dict[str, Any]:
        """Merge a contact into another, as a person would in Xero: the source is archived and
        carries MergedToContactID (in paged lists and when fetched by id or number)."""
        return self.app.merge_contact(source_id, into_id, tenant_id)

    def seed_contacts(
        self, contacts: Iterable[Mapping[str, Any]], tenant_id: str | None = None
    ) -> int:
        """Add many contacts at once, as the seed does (last updated a day ago)."""
        return seed_more_contacts(self.app, contacts, tenant_id)

    def add_organisation(self, name: str, contacts: Iterable[Mapping[str, Any]] = ()) -> str:
        """Another organisation for the user (the next consent connects it); its tenant id."""
        return self.app.add_organisation(name, contacts)

    def issue_token(self, *, scope: str | None = None, expires_in: float | None = None) -> str:
        """An access token as the custom connection (e.g. for SOCKET_XERO_ACCESS_TOKEN)."""
        return self.app.issue_token(scope=scope, expires_in=expires_in)

    # -- running ----------------------------------------------------------------------------

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self.app.stopping.set()
        self._server.shutdown()
        self._server.close_all(timeout=5)
        self._server.server_close()
        self._thread.join(5)
        with contextlib.suppress(OSError):
            self.app.close()
        self._stopped.set()


def start_sandbox(
    *,
    state_path: Path | None = None,
    contacts: Iterable[Mapping[str, Any]] = (),
    config: SandboxConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    now: datetime | None = None,
) -> Sandbox:
    """Start the sandbox in a thread: loaded from `state_path` if it exists, else seeded.

    `contacts` seed a new sandbox only (plain dicts, Xero or snake-case names); `now` stands
    a new sandbox's clock on that moment. Only loopback addresses are served.
    """
    if not _loopback(host):
        raise ValueError(f"the sandbox serves loopback addresses only, not {host!r}")
    app = SandboxApp.open(state_path, contacts=contacts, config=config, now=now)
    server = _Server((host, port), app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="sandbox-xero",
        daemon=True,
    )
    thread.start()
    return Sandbox(app, server, thread)


@contextlib.contextmanager
def running_sandbox(
    *,
    state_path: Path | None = None,
    contacts: Iterable[Mapping[str, Any]] = (),
    config: SandboxConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    now: datetime | None = None,
) -> Iterator[Sandbox]:
    """A sandbox Xero for the length of the block; it stops cleanly at the end."""
    sandbox = start_sandbox(
        state_path=state_path, contacts=contacts, config=config, host=host, port=port, now=now
    )
    try:
        yield sandbox
    finally:
        sandbox.stop()

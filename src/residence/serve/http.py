# SPDX-License-Identifier: EUPL-1.2
"""The preview's HTTP server: the standard library's ThreadingHTTPServer, nothing more.

It serves the last build (:class:`Site`) from memory: ``/`` (or ``/report.html``) is the
page, ``assets/…`` the files the page links to, :data:`~residence.serve.pages.EVENTS_PATH`
the server-sent events that tell the page to reload, and
:data:`~residence.serve.pages.LIVE_PATH` the script that listens to them. Nothing else:
a path is looked up among the report's own files (never joined to a folder), so ``..``,
``%2e%2e``, absolute paths and links lead nowhere; a file the renderer left on disk (a
font, a cached photo) is served only if it still resolves inside the folders the renderer
takes them from.

Who may ask (:class:`Guard`): on a loopback address, requests whose ``Host`` is a
loopback name (a page of another site, rebound to 127.0.0.1, is refused); on the network,
requests that carry the preview's token, in the query (``?token=…``, the address printed)
or in the cookie set on the first visit; anything else gets 403.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import mimetypes
import os
import socket
import socketserver
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from residence.serve.pages import (
    EVENTS_PATH,
    LIVE_PATH,
    LIVE_SCRIPT,
    forbidden_page,
    not_found_page,
)

#: Every answer says: no framing, no sniffing, no referrer (the token stays here), and
#: what the page may load: its own files, inline styles (the report's theme), no other
#: script than the live one.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}
#: How often an idle event stream says it is alive (seconds), and how soon a page
#: reconnects when it is cut (milliseconds).
KEEPALIVE = 15.0
RETRY_MS = 1000
_TYPES = {
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".js": "text/javascript",
}


@dataclass(frozen=True)
class Served:
    """What one build serves: the page (the live script in it) and the files it links to."""

    number: int
    page: bytes
    assets: Mapping[str, bytes | Path] = field(default_factory=dict)
    #: The folders the renderer's files on disk may come from (fonts, cached photos).
    roots: tuple[Path, ...] = ()


class Site:
    """The last build served, and the waiting of the event streams for the next one."""

    def __init__(self) -> None:
        self._served: Served | None = None
        self._changed = threading.Condition()
        self.closed = False

    @property
    def served(self) -> Served | None:
        """Return the last build published (None before the first)."""
        return self._served

    def publish(self, served: Served) -> None:
        """Serve a new build and tell every open page."""
        with self._changed:
            self._served = served
            self._changed.notify_all()

    def close(self) -> None:
        """Stop every event stream."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def next_build(self, shown: int | None, timeout: float) -> int | None:
        """Wait until the build served is not ``shown`` (or ``timeout`` seconds); return it."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._number() != shown, timeout=timeout)
            return self._number()

    def _number(self) -> int | None:
        return self._served.number if self._served is not None else None


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address is this machine's loopback (127.0.0.1, ::1…)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def local_only(host: str) -> bool:
    """Tell whether listening on ``host`` keeps the preview on this machine: every address
    the name stands for is a loopback one (a name is looked up: "localhost" may not be)."""
    try:
        found = socket.getaddrinfo(host.strip().strip("[]"), None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in found)


def _host_name(header: str) -> str:
    """Return the name part of a Host header: 'localhost:8000' -> 'localhost'."""
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class Guard:
    """Who may ask: loopback Host headers (``token`` None), or requests with the token."""

    token: str | None
    cookie: str = "residence-preview"

    def allows(self, host: str | None, query_token: str | None, cookie_header: str | None) -> bool:
        """Tell whether a request may be answered."""
        if self.token is None:
            return host is not None and is_loopback(_host_name(host))
        return self.token_given(query_token) or self.token_given(self.cookie_token(cookie_header))

    def token_given(self, given: str | None) -> bool:
        """Tell whether ``given`` is the token (in constant time)."""
        if self.token is None or given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), self.token.encode("utf-8"))

    def cookie_token(self, header: str | None) -> str | None:
        """Return the token a Cookie header carries, if any."""
        if not header:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return None
        morsel = jar.get(self.cookie)
        return morsel.value if morsel is not None else None


def asset_name(path: str) -> str | None:
    """Return the report file a URL path names ('assets/report.css'), or None when the
    path cannot name one: '..' or '.' parts (escaped or not), empty parts (an absolute
    path after the first slash), backslashes, NUL."""
    raw = unquote(path)  # undecodable bytes become U+FFFD: a name no file has
    if not raw.startswith("/") or "\\" in raw or "\x00" in raw:
        return None
    parts = raw[1:].split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return "/".join(parts)


def inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Tell whether a file resolves (links followed) inside one of ``roots``."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return any(real.is_relative_to(root) for root in roots)


def _type_of(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    found = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{found}; charset=utf-8" if found.startswith("text/") else found


def _etag(content: bytes | Path) -> str | None:
    """Return the ETag of a file: of its bytes, or of the place, size and time of a file
    on disk (not read for a page that has it already); None when it is gone."""
    if isinstance(content, Path):
        try:
            info = content.stat()
        except OSError:
            return None
        content = f"{content}:{info.st_size}:{info.st_mtime_ns}".encode()
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


class PreviewServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that serves one Site to those its Guard allows."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: Site, guard: Guard) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site = site
        self.guard = guard
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        """Bind, without HTTPServer's reverse DNS lookup of the host (slow offline)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing of a request that failed (a page closed while it loaded, mostly)."""


class PreviewHandler(BaseHTTPRequestHandler):
    """One request: checked by the guard, then the page, a file, the script or the events."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "residence-serve"
    sys_version = ""
    timeout = 60  # an idle kept-alive connection is closed after a minute

    def version_string(self) -> str:
        """Return the Server header: the tool, without Python's version."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: the command line prints what the preview does."""

    def do_GET(self) -> None:
        """Answer a GET."""
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD."""
        self._answer(body=False)

    def _refuse_method(self) -> None:
        """Answer a method the preview does not take (POST, PUT, OPTIONS…): 405, and which
        it takes, with the headers of every answer (the standard library's 501 has none)."""
        self.close_connection = True  # a body it sent is not read
        headers = {"Allow": "GET, HEAD", "Connection": "close"}
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain", body=False, headers=headers)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    def _answer(self, *, body: bool) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        given = query.get("token", [None])[0]
        guard = self.server.guard
        if not guard.allows(self.headers.get("Host"), given, self.headers.get("Cookie")):
            self._send(HTTPStatus.FORBIDDEN, forbidden_page().encode(), "text/html", body=body)
            return
        if guard.token_given(given):  # the first visit: a cookie, and the address without it
            cookie = f"{guard.cookie}={guard.token}; Path=/; HttpOnly; SameSite=Strict"
            headers = {"Location": parts.path or "/", "Set-Cookie": cookie}
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", body=body, headers=headers)
            return
        if parts.path == EVENTS_PATH:
            self._events(body=body)
            return
        if parts.path == LIVE_PATH:
            self._send(HTTPStatus.OK, LIVE_SCRIPT.encode(), _type_of(LIVE_PATH), body=body)
            return
        served = self.server.site.served
        if served is None:  # not listening before the first build: never happens
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"", "text/plain", body=body)
            return
        if parts.path in ("/", "/report.html"):
            self._send(HTTPStatus.OK, served.page, "text/html; charset=utf-8", body=body)
            return
        self._file(served, parts.path, body=body)

    def _file(self, served: Served, path: str, *, body: bool) -> None:
        name = asset_name(path)
        content = served.assets.get(name) if name is not None else None
        if isinstance(content, Path) and not inside(content, served.roots):
            content = None
        etag = _etag(content) if content is not None else None
        if etag is not None and self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, body=False, headers={"ETag": etag})
            return
        if isinstance(content, Path):
            try:
                content = content.read_bytes()
            except OSError:
                content = None
        if name is None or content is None or etag is None:
            self._send(HTTPStatus.NOT_FOUND, not_found_page().encode(), "text/html", body=body)
            return
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        self._send(HTTPStatus.OK, content, _type_of(name), body=body, headers=headers)

    def _send(
        self,
        status: HTTPStatus,
        content: bytes,
        content_type: str | None,
        *,
        body: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            if content_type == "text/html":
                content_type += "; charset=utf-8"
            self.send_header("Content-Type", content_type)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(content)))
        extra = dict(headers or {})
        extra.setdefault("Cache-Control", "no-store")
        for name, value in {**SECURITY_HEADERS, **extra}.items():
            self.send_header(name, value)
        self.end_headers()
        if body and content:
            self.wfile.write(content)

    def _events(self, *, body: bool) -> None:
        """Stream the build numbers: the last one at once, then each new one."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        for name, value in {**SECURITY_HEADERS, "Cache-Control": "no-store"}.items():
            self.send_header(name, value)
        self.end_headers()
        if not body:
            return
        site = self.server.site
        shown: int | None = None
        try:
            self.wfile.write(f"retry: {RETRY_MS}\n\n".encode())
            while not site.closed:
                number = site.next_build(shown, KEEPALIVE)
                if site.closed:
                    break
                if number != shown and number is not None:
                    self.wfile.write(f"event: reload\ndata: {number}\n\n".encode())
                    shown = number
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return

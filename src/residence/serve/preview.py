# SPDX-License-Identifier: EUPL-1.2
"""The preview: a folder watched, its report built again at each save, and served.

:func:`open_preview` checks what it is given and takes the port; :meth:`Preview.start`
makes the first build and starts serving and watching; :meth:`Preview.wait` blocks until
Ctrl-C (``KeyboardInterrupt``, for the command line's one line and exit 130);
:meth:`Preview.close` stops everything.

Each build runs the pipeline of ``residence render --to html`` on the residency kept
loaded (:class:`~residence.serve.live.LiveResidency`): check, the privacy gate of the
edition, ``render_html``. While the residency has errors, the page lists them instead of
the report. The actor map, the timeline and the Markdown of every text are remembered by
the renderer by a key of their inputs, and the photos are resized once into the photo cache
(``DIR/.residence/cache``), so that a save costs little more than the texts that changed.
"""

from __future__ import annotations

import errno
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import get_args

from residence.errors import Problem, ResidenceError, has_errors, sort_problems
from residence.i18n import messages
from residence.serve.http import Guard, PreviewServer, Served, Site, local_only
from residence.serve.live import LiveResidency
from residence.serve.pages import error_page, with_live_script
from residence.vocabulary import Visibility

_ = messages("serve")

#: A file the loader reads with the folder's other files (never alone): a change to it
#: makes the whole folder load again.
LAYOUT_ROOT_FILE = "residence.yaml"
#: The editions a preview shows (residence.gate.Edition's values).
EDITIONS: tuple[str, ...] = get_args(Visibility)


@dataclass
class Built:
    """What one build made, for the command line to say."""

    number: int  # of the build served (the same as before when the page did not change)
    seconds: float
    report: bool  # the report is served (False: the page of errors)
    changed: bool  # the page changed, and open pages reload
    problems: list[Problem] = field(default_factory=list)  # the residency's, or why it failed
    render_problems: list[Problem] = field(default_factory=list)  # the renderer's warnings
    files: list[str] = field(default_factory=list)  # the files read again alone
    whole: bool = False  # the whole folder was loaded
    left_out: list[str] = field(default_factory=list)  # what the public edition left out


OnBuild = Callable[[Built], None]


def _ignore(_built: Built) -> None:
    """Say nothing of a build."""


def usage(message: str) -> ResidenceError:
    """Return the error of a misused command (exit 2)."""
    return ResidenceError(message, usage=True)


def open_preview(
    folder: Path,
    *,
    edition: Visibility = "public",
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_network: bool = False,
    allow_team_on_network: bool = False,
    on_build: OnBuild = _ignore,
) -> Preview:
    """Check the options, take the port and return the preview, not yet started.

    A usage error (exit 2) for a folder that is not a residency's, a host that is not this
    machine's loopback without ``allow_network``, the team edition on the network without
    ``allow_team_on_network``, or a port that is taken.
    """
    from residence.layout import first_existing
    from residence.pipeline import residency_folder

    residency_folder(folder)
    if first_existing(folder, "residence") is None:
        raise usage(
            _(
                "'{folder}' is not a residency folder (there is no residence.yaml)",
                folder=folder,
            )
        )
    if edition not in EDITIONS:
        raise usage(_("unknown edition '{edition}': use public or team", edition=edition))
    if not 0 <= port <= 65535:
        raise usage(_("--port {port}: a port is a number from 0 to 65535", port=port))
    loopback = local_only(host)
    if not loopback and not allow_network:
        raise usage(
            _(
                "--host {host} opens the preview to the network: add --allow-network if that "
                "is what you want (every request will then need the token printed)",
                host=host,
            )
        )
    if not loopback and edition == "team" and not allow_team_on_network:
        raise usage(
            _(
                "the team edition shows real names and team-only notes: it is served on "
                "this machine only (127.0.0.1), unless you add --allow-team-on-network"
            )
        )
    token = None if loopback else secrets.token_urlsafe(32)
    site = Site()
    try:
        server = PreviewServer((host, port), site, Guard(token))
    except OSError as exc:
        raise usage(_bind_error(exc, host, port)) from None
    # Cookies are per host, not per port: each preview names its own.
    server.guard = Guard(token, cookie=f"residence-preview-{server.server_address[1]}")
    return Preview(folder.resolve(), edition, server, site, token, on_build)


def _bind_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return _(
            "port {port} is already in use on {host}: stop what uses it, or choose another "
            "port with --port (--port 0 takes any free one)",
            port=port,
            host=host,
        )
    return _(
        "cannot listen on {host} port {port}: {reason}",
        host=host,
        port=port,
        reason=exc.strerror or exc,
    )


class Preview:
    """A residency served and rebuilt at each save (see the module)."""

    def __init__(
        self,
        root: Path,
        edition: Visibility,
        server: PreviewServer,
        site: Site,
        token: str | None,
        on_build: OnBuild,
    ) -> None:
        from residence.render.html import CACHE_FOLDER, report_templates

        self.root = root
        self.edition = edition
        self.server = server
        self.site = site
        self.token = token
        self.on_build = on_build
        #: Whether the page of errors lists them: not for a public edition on the network
        #: (their messages quote the team's files, before the gate: see pages.error_page).
        self.detailed = token is None or edition == "team"
        self.live: LiveResidency | None = None
        self._roots = (report_templates().resolve(), (root / CACHE_FOLDER).resolve())
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one build at a time
        self._threads: list[threading.Thread] = []
        self._number = 0
        self._digest = b""
        self._closed = False

    @property
    def port(self) -> int:
        """Return the port listened on (the one chosen, when asked for port 0)."""
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        """Return the address to open: with the token, on the network."""
        host = str(self.server.server_address[0])
        if host in ("0.0.0.0", "::"):  # every address: the machine's name reaches it
            import socket

            host = socket.gethostname()
        shown = f"[{host}]" if ":" in host else host
        query = f"?token={self.token}" if self.token else ""
        return f"http://{shown}:{self.port}/{query}"

    def start(self, *, watch: bool = True) -> Built:
        """Load the residency, make the first build, and start serving (and watching the
        folder, unless ``watch`` is False: then :meth:`rebuild` is called by hand)."""
        with self._lock:
            self.live = LiveResidency(self.root)
            built = self._build([], whole=True)
        self._tell(built)
        serving = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="residence-serve-http",
            daemon=True,
        )
        self._threads.append(serving)
        serving.start()
        if watch:
            ready = threading.Event()
            watching = threading.Thread(
                target=self._watch, args=(ready,), name="residence-serve-watch", daemon=True
            )
            self._threads.append(watching)
            watching.start()
            ready.wait(timeout=60)  # a save made from now on is seen
        return built

    def rebuild(self, changed: Iterable[str]) -> Built:
        """Bring the residency up to date with the paths that changed (relative to the
        folder), build again and serve the result."""
        with self._lock:
            if self.live is None:
                raise RuntimeError("start the preview first")
            start = time.perf_counter()
            try:
                reload = self.live.update(changed)
            except Exception as exc:  # a bug must not stop the preview: the page says it
                built = self._failed(exc, start)
            else:
                built = self._build(reload.files, whole=reload.whole, start=start)
        self._tell(built)
        return built

    def _tell(self, built: Built) -> None:
        """Give a build to ``on_build`` (a terminal closed meanwhile stops nothing)."""
        try:
            self.on_build(built)
        except OSError:
            pass

    def _watch(self, ready: threading.Event) -> None:
        from residence.serve.watch import changes

        try:
            while not self._stop.is_set():
                for changed in changes(self.root, self._stop, ready):
                    if self._stop.is_set():
                        break
                    if not self.root.is_dir():  # removed, and its watch with it
                        self.rebuild({LAYOUT_ROOT_FILE})
                        break
                    self.rebuild(changed)
                if self._stop.is_set() or not self._returned():
                    break
                # The folder is back (a sync tool, a restore): watch it again, read it whole.
                self.rebuild({LAYOUT_ROOT_FILE})
        except Exception as exc:  # watchfiles failed (no more watches, say): the page says it
            ready.set()
            reason = f"{type(exc).__name__}: {exc}"
            message = _(
                "the folder is no longer watched ({reason}): saves will not show here; "
                "stop residence serve and start it again (WATCHFILES_FORCE_POLLING=1 "
                "watches by polling)",
                reason=reason,
            )
            with self._lock:
                built = self._failed(exc, time.perf_counter(), message)
            self._tell(built)

    def _returned(self) -> bool:
        """Wait until the folder watched is there again; False when the preview stops first."""
        from residence.serve.watch import AWAKE_MS

        while not self._stop.wait(AWAKE_MS / 1000):
            if self.root.is_dir():
                return True
        return False

    def _build(self, files: list[str], *, whole: bool, start: float | None = None) -> Built:
        start = time.perf_counter() if start is None else start
        try:
            return self._make(files, whole=whole, start=start)
        except Exception as exc:  # a bug must not stop the preview: the page says it
            return self._failed(exc, start)

    def _make(self, files: list[str], *, whole: bool, start: float) -> Built:
        from residence.check import check_residency
        from residence.gate import select_edition
        from residence.render.html import render_html

        assert self.live is not None
        residency = self.live.residency
        problems = sort_problems([*self.live.problems, *check_residency(residency)])
        built = Built(self._number, 0.0, False, False, problems, files=files, whole=whole)
        if has_errors(problems):
            page = partial(error_page, problems, detailed=self.detailed)
            self._serve(built, _encoded(page), {}, _shown(problems))
        else:
            published = select_edition(residency, self.edition)
            built.left_out = list(published.left_out)
            try:
                report = render_html(published)
            except ResidenceError as exc:  # a theme's template that fails
                failed = built.problems = list(exc.problems)
                page = partial(error_page, failed, rendering=True, detailed=self.detailed)
                self._serve(built, _encoded(page), {}, _shown(failed))
            else:
                built.report = True
                built.render_problems = sort_problems(report.problems)
                html = report.html.encode("utf-8")
                self._serve(built, partial(with_live_script, html), report.assets, html)
        built.seconds = time.perf_counter() - start
        return built

    def _failed(self, exc: Exception, start: float, message: str | None = None) -> Built:
        if message is None:
            reason = f"{type(exc).__name__}: {exc}"
            message = _("the report could not be made: {reason}", reason=reason)
        problem = Problem("", None, None, "error", "serve", message)
        built = Built(self._number, 0.0, False, False, [problem])
        page = partial(error_page, [problem], rendering=True, detailed=self.detailed)
        self._serve(built, _encoded(page), {}, _shown([problem]))
        built.seconds = time.perf_counter() - start
        return built

    def _serve(
        self,
        built: Built,
        page: Callable[[int], bytes],
        assets: dict[str, bytes | Path],
        shown: bytes,
    ) -> None:
        """Serve a new build if what it shows (``shown``, and the assets) changed."""
        digest = _digest(built.report, shown, assets)
        if digest == self._digest and self.site.served is not None:
            return
        self._digest = digest
        self._number += 1
        built.number, built.changed = self._number, True
        self.site.publish(Served(self._number, page(self._number), dict(assets), self._roots))

    def wait(self) -> None:
        """Block until the preview is closed (or Ctrl-C, which raises KeyboardInterrupt)."""
        while not self._stop.wait(0.5):
            pass

    def close(self) -> None:
        """Stop watching and serving; close the event streams and the port."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self.site.close()
        if any(t.name == "residence-serve-http" for t in self._threads):
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def __enter__(self) -> Preview:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _encoded(page: Callable[[int], str]) -> Callable[[int], bytes]:
    """Return a page maker that gives UTF-8 bytes."""
    return lambda number: page(number).encode("utf-8")


def _shown(problems: list[Problem]) -> bytes:
    """Return what a page of errors shows, to compare builds."""
    return "\n".join(map(repr, problems)).encode("utf-8", "backslashreplace")


def _digest(report: bool, shown: bytes, assets: dict[str, bytes | Path]) -> bytes:
    """Return a fingerprint of what a build serves (the page without its script, and the
    files: their bytes, or the path, size and time of a file on disk)."""
    h = hashlib.blake2b(shown, digest_size=20)
    h.update(b"report" if report else b"errors")
    for name in sorted(assets):
        content = assets[name]
        h.update(b"\0" + name.encode("utf-8"))
        if isinstance(content, Path):
            try:
                info = content.stat()
            except OSError:
                h.update(b"?")
            else:
                h.update(f"{content}:{info.st_size}:{info.st_mtime_ns}".encode())
        else:
            h.update(hashlib.blake2b(content, digest_size=20).digest())
    return h.digest()

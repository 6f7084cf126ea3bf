"""A URL fetcher for WeasyPrint that only reads files the report may show.

WeasyPrint fetches every stylesheet, font, image and attachment the HTML names. A theme
template or ``theme/extra.css`` is written by people, so it may name anything: a web page
(``https://…``, a tracker), a file of the computer (``file:///etc/passwd``), a device that
never ends (``/dev/urandom``), or a pipe that blocks forever. :class:`SafeFetcher` refuses all
of them. It reads only:

- the report's own files, given in memory (``virtual``: the resized photos, the actor map);
- regular files inside a few folders (``roots``: the residency folder, the output folder,
  the package's templates), after every symbolic link is resolved; never a hidden folder
  (``.git``) nor ``private/`` of the residency;
- ``data:`` URIs of images, fonts and style sheets (their bytes are already inside the page:
  reading them reads nothing else). Other ``data:`` types are refused, so that a theme cannot
  slip an arbitrary file into the PDF as an attachment.

No network request is ever made, redirects are not followed, and each refusal is recorded
(:attr:`SafeFetcher.refused`) so that the caller can tell the user which file asked for it.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from residence.errors import Problem

#: Bigger files are refused: nothing the report shows comes near it.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Folders of the residency that are never read, whatever the edition.
PRIVATE_FOLDERS = frozenset({"private"})
DATA_TYPES = ("image/", "font/", "application/font", "application/x-font", "text/css")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")
_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".yaml": "application/yaml",
    ".txt": "text/plain",
}


class RefusedResource(ValueError):
    """A resource the report may not read (WeasyPrint turns it into a skipped resource)."""


@dataclass(frozen=True)
class Refusal:
    """One resource that was not read, and why."""

    url: str
    reason: str


def content_type(name: str) -> str:
    """Return the media type of a file name (text/css for .css, whatever the platform)."""
    suffix = Path(name).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _display(url: str, limit: int = 120) -> str:
    """Return a URL short enough for a message (data: URIs can be megabytes long)."""
    if url.startswith("data:"):
        return url.split(",", 1)[0] + ",…"
    return url if len(url) <= limit else url[: limit - 1] + "…"


class _Served(URLFetcherResponse):  # type: ignore[misc]
    """A response that names no file on the disk.

    WeasyPrint keeps only the file name of an image whose response names one, and reads the
    file again itself when it writes the PDF: past every check made here, possibly after the
    file changed (a render that writes report.html puts the screen-sized photos at the very
    addresses the PDF asks for: their bytes went into the PDF, under the print size). With no
    name, WeasyPrint uses the bytes served here.
    """

    @property
    def path(self) -> None:
        return None


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only the report's own files; refuse the network and the rest of the disk."""

    def __init__(
        self,
        roots: Iterable[Path],
        *,
        virtual: Mapping[Path, bytes | Path] | None = None,
        private: Iterable[Path] = (),
    ) -> None:
        super().__init__(
            timeout=1,
            allowed_protocols=("file", "data"),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.private = [Path(os.path.realpath(p)) for p in private]
        self.virtual = {Path(os.path.abspath(k)): v for k, v in (virtual or {}).items()}
        self.refused: list[Refusal] = []
        self.read: list[str] = []  # every URL served, in order (for tests and the bench)

    # WeasyPrint calls fetch() (and __call__, open()) for every resource.
    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource at ``url``, or raise RefusedResource (recorded in ``refused``)."""
        try:
            response = self._fetch(url)
        except RefusedResource as exc:
            self.refused.append(Refusal(url, str(exc)))
            raise
        self.read.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        match = _SCHEME_RE.match(url)
        scheme = match.group(1).lower() if match else ""
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            what = f"{scheme}: addresses" if scheme else "addresses without a scheme"
            raise RefusedResource(f"{what} are never fetched (the report is made offline)")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedResource("files on another machine are never read")
        path = Path(os.path.abspath(url2pathname(unquote(parts.path))))
        if path in self.virtual:
            content = self.virtual[path]
            data = content if isinstance(content, bytes) else self._read(Path(content))
            return _Served(url, data, {"Content-Type": content_type(path.name)})
        real = Path(os.path.realpath(path))
        if not self._allowed(real):
            raise RefusedResource("the file is outside the residency and report folders")
        return _Served(url, self._read(real), {"Content-Type": content_type(real.name)})

    def _allowed(self, real: Path) -> bool:
        for private in self.private:
            if real == private or real.is_relative_to(private):
                return False
        for root in self.roots:
            if real.is_relative_to(root):
                inside = real.relative_to(root).parts
                if any(part.startswith(".") for part in inside):
                    return False  # .git, .env, .residence: never part of a report
                return True
        return False

    def _read(self, path: Path) -> bytes:
        """Return a regular file's bytes; refuse devices, pipes, sockets and huge files."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise RefusedResource(f"cannot be read ({exc.strerror or exc})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise RefusedResource("it is not a regular file (a device, a pipe or a folder)")
            if info.st_size > MAX_FILE_BYTES:
                raise RefusedResource("the file is too big")
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def _data(self, url: str) -> URLFetcherResponse:
        header = url[5:].split(",", 1)[0].lower()
        media_type = header.split(";", 1)[0].strip() or "text/plain"
        if not media_type.startswith(DATA_TYPES):
            raise RefusedResource(f"data: addresses of type {media_type} are not used")
        return super().fetch(url)


# -- telling the user who asked ---------------------------------------------------------------


def _needles(url: str, base: Path | None) -> list[str]:
    """Return the strings a source file may have written to ask for ``url``."""
    needles = [url]
    if url.startswith("data:"):
        return [url[:40]]
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = unquote(parts.path)
        needles.append(path)
        if base is not None:
            try:
                needles.append(os.path.relpath(path, base).replace(os.sep, "/"))
            except ValueError:
                pass
        name = Path(path).name
        if name:
            needles.append(name)
    return [n for n in dict.fromkeys(needles) if n]


def locate_requests(
    url: str, sources: Mapping[str, str], base: Path | None = None
) -> list[tuple[str, int | None]]:
    """Return every (file, line) of the sources that names ``url`` (or the first source)."""
    for needle in _needles(url, base):
        found: list[tuple[str, int | None]] = []
        for name, text in sources.items():
            start = 0
            while (index := text.find(needle, start)) >= 0:
                line = text.count("\n", 0, index) + 1
                if (name, line) not in found:
                    found.append((name, line))
                start = index + len(needle)
        if found:
            return found
    return [(next(iter(sources), "report.html"), None)]


def locate_request(
    url: str, sources: Mapping[str, str], base: Path | None = None
) -> tuple[str, int | None]:
    """Return (file, line) of the first source that names ``url`` (or the first source)."""
    return locate_requests(url, sources, base)[0]


def refusal_problems(
    refusals: Iterable[Refusal], sources: Mapping[str, str], base: Path | None = None
) -> list[Problem]:
    """Return one warning per refused resource, naming the file and line that asked for it."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for refusal in refusals:
        if refusal.url in seen:
            continue
        seen.add(refusal.url)
        for where, line in locate_requests(refusal.url, sources, base):
            problems.append(
                Problem(
                    where,
                    line,
                    None,
                    "warning",
                    "refused-resource",
                    f"'{_display(refusal.url)}' was left out of the PDF: {refusal.reason}",
                )
            )
    return problems

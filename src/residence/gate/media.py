# SPDX-License-Identifier: EUPL-1.2
"""Media in the public edition: which files may be published, cleaned bytes, what was left out.

The gate (:class:`residence.gate.public._PublicGate`) asks :class:`MediaGate` about every media
file a public item refers to (the cover included). A file is left out when:

- it lies outside the residency folder (an absolute path, ``..``, an address, a link out),
  or under ``private/`` (a link into it counts as its target);
- it shows a protected person: a picture whose ``people`` lists one (or an id nobody has: a
  misspelt id may be a protected one), *by content* — the same bytes under another name, in
  another folder or behind a symbolic link are left out too (sha256, read in chunks; only the
  files whose size is that of such a picture are read, so that a residency with no such
  picture costs nothing, and a hundred photos a few milliseconds);
- its path holds a protected name (glued ones included: ``photo-vermeersch2.jpg``,
  ``SolangeVermeersch.png``): a file named after a person is presumed to show them or to be
  about them, so it is left out rather than renamed;
- it is too large to be checked (:data:`MAX_CHECKED_BYTES`);
- it is a drawing (SVG) that runs, loads or declares anything (:mod:`residence.gate.svg`),
  or a PDF with JavaScript, automatic actions, attachments, form fields, encryption, or whose
  text names a protected person (:mod:`residence.gate.pdf`).

The drawings and PDFs that pass are cleaned, and their cleaned bytes go in
``Published.media`` (by :func:`media_key`), which every output reads instead of the file
(:func:`residence.render.images.media_bytes`). Photos are rebuilt from their pixels by the
renderer (:func:`residence.render.images.clean_photo`).

What is left out is told in words, grouped by reason (:func:`group_left_out`), so that the
team knows what a reader will not see: :func:`left_out_line` makes the console's one line.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from residence.gate.names import _Matcher
from residence.gate.walk import _norm_path
from residence.i18n import messages
from residence.layout import PRIVATE_FOLDER

_ = messages("problems")

#: A media file larger than this is not read to be checked, and so is left out (100 MB).
MAX_CHECKED_BYTES = 100 * 1024 * 1024
_CHUNK = 1024 * 1024

#: Why files were left out, in the order the console lists them: reason -> its sentence for
#: ``n`` files (a whole sentence with its count, in the language of the messages).
LEFT_OUT_REASONS: dict[str, Callable[[int], str]] = {
    "people": lambda n: _.plural(
        "{n} photo of a person who did not consent",
        "{n} photos of people who did not consent",
        n,
    ),
    "copy": lambda n: _.plural(
        "{n} copy of a photo of a person who did not consent",
        "{n} copies of photos of people who did not consent",
        n,
    ),
    "unknown": lambda n: _.plural(
        "{n} photo of someone the residency does not list",
        "{n} photos of people the residency does not list",
        n,
    ),
    "named": lambda n: _.plural(
        "{n} file named after a person who did not consent",
        "{n} files named after people who did not consent",
        n,
    ),
    "private": lambda n: _.plural(
        "{n} file from the private folder", "{n} files from the private folder", n
    ),
    "outside": lambda n: _.plural(
        "{n} file outside the residency folder", "{n} files outside the residency folder", n
    ),
    "too-large": lambda n: _.plural(
        "{n} file too large to be checked", "{n} files too large to be checked", n
    ),
    "svg-script": lambda n: _.plural("{n} drawing with a script", "{n} drawings with a script", n),
    "svg-loads": lambda n: _.plural(
        "{n} drawing that loads other files or sites",
        "{n} drawings that load other files or sites",
        n,
    ),
    "svg-markup": lambda n: _.plural(
        "{n} drawing with a DOCTYPE or a processing instruction",
        "{n} drawings with a DOCTYPE or a processing instruction",
        n,
    ),
    "svg-unreadable": lambda n: _.plural(
        "{n} drawing that cannot be read", "{n} drawings that cannot be read", n
    ),
    "pdf-script": lambda n: _.plural(
        "{n} PDF with JavaScript or automatic actions",
        "{n} PDFs with JavaScript or automatic actions",
        n,
    ),
    "pdf-attachments": lambda n: _.plural(
        "{n} PDF with attached files", "{n} PDFs with attached files", n
    ),
    "pdf-form": lambda n: _.plural("{n} PDF with form fields", "{n} PDFs with form fields", n),
    "pdf-encrypted": lambda n: _.plural("{n} encrypted PDF", "{n} encrypted PDFs", n),
    "pdf-names": lambda n: _.plural(
        "{n} PDF whose text names a person who did not consent",
        "{n} PDFs whose text names people who did not consent",
        n,
    ),
    "pdf-unreadable": lambda n: _.plural(
        "{n} PDF that cannot be read", "{n} PDFs that cannot be read", n
    ),
    "pdf-unchecked": lambda n: _.plural(
        "{n} PDF that could not be checked (pypdf is missing)",
        "{n} PDFs that could not be checked (pypdf is missing)",
        n,
    ),
}


def group_left_out(reasons: Iterable[str]) -> list[str]:
    """Return one sentence per reason, with its count: ["2 photos of people who…", …].

    ``reasons`` holds one reason (a key of :data:`LEFT_OUT_REASONS`) per file left out.
    """
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return [
        sentence(counts[reason])
        for reason, sentence in LEFT_OUT_REASONS.items()
        if reason in counts
    ]


def left_out_line(left_out: Sequence[str]) -> str | None:
    """Return the console's one line about ``Published.left_out``, or None if nothing was.

    >>> left_out_line(["2 photos of people who did not consent", "1 drawing with a script"])[:50]
    'left out of the public edition: 2 photos of people'
    """
    if not left_out:
        return None
    return _("left out of the public edition: {items}", items=", ".join(left_out))


def media_key(file: str) -> str:
    """Return the one form of a media path that ``Published.media`` is keyed by."""
    return _norm_path(file)


class Cleaning(NamedTuple):
    """A media file once cleaned: its bytes to publish, or the reason it is left out."""

    data: bytes | None
    reason: str | None = None


# -- the media gate --------------------------------------------------------------------------


class MediaGate:
    """Decides, for one source residency, which media files the public edition publishes."""

    def __init__(self, root: Path, matcher: _Matcher, forbidden: Collection[str] = ()) -> None:
        """``forbidden`` holds the paths of the pictures that show a protected person."""
        self.root = root
        self.matcher = matcher
        self.forbidden = {media_key(f).casefold() for f in forbidden}
        self._forbidden_paths = sorted({media_key(f) for f in forbidden})
        #: {media key: cleaned bytes} of the drawings and PDFs that pass.
        self.cleaned: dict[str, bytes] = {}
        self._reasons: dict[str, str | None] = {}  # media key -> why it is left out
        self._left: dict[str, str] = {}  # media key -> reason, for each file left out
        self._copies: _Copies | None = None

    def allowed(self, file: str | None) -> bool:
        """Tell whether a media file may be published; note why when it may not."""
        reason = self.reason(file)
        if reason is not None:
            self.leave_out(file or "", reason)
        return reason is None

    def leave_out(self, file: str, reason: str) -> None:
        """Note that a file is left out (a file counts once, for its first reason)."""
        self._left.setdefault(media_key(file) if file.strip() else "", reason)

    def left_out(self) -> list[str]:
        """Return what was left out, grouped by reason (``Published.left_out``)."""
        return group_left_out(self._left.values())

    def reason(self, file: str | None) -> str | None:
        """Return why a media file may not be published (a key of LEFT_OUT_REASONS), or None."""
        if not file or not file.strip():
            return "outside"
        key = media_key(file)
        if key not in self._reasons:
            self._reasons[key] = self._path_reason(file, key) or self._content_reason(key)
        return self._reasons[key]

    def _path_reason(self, file: str, path: str) -> str | None:
        if posixpath.isabs(path) or path.split("/")[0] == ".." or file[1:2] == ":":
            return "outside"
        if "://" in path:
            return "outside"
        if path.split("/")[0].casefold() == PRIVATE_FOLDER:
            return "private"
        if path.casefold() in self.forbidden:
            return "people"
        if any(p is not None for _start, _end, p in self.matcher.spans(file)):
            return "named"
        try:  # a link from media/ into private/ (or out of the folder) counts as its target
            root = self.root.resolve()
            inside = (self.root / path).resolve().relative_to(root)
        except (OSError, ValueError, RuntimeError):
            return "outside"
        if inside.parts and inside.parts[0].casefold() == PRIVATE_FOLDER:
            return "private"
        return None

    def _content_reason(self, path: str) -> str | None:
        from residence.mediapaths import media_path_problem
        from residence.render.images import media_kind

        kind = media_kind(path)
        if not self._forbidden_paths and kind not in ("svg", "pdf"):
            return None  # photos are rebuilt from their pixels by the renderer
        if media_path_problem(self.root, path):
            return None  # missing: nothing to publish; the renderer says so
        if self._forbidden_paths:
            copy = self._copies_finder().reason(path)
            if copy is not None:
                return copy
        if kind not in ("svg", "pdf"):
            return None
        data = _read(self.root / path)
        if data is None:
            return "too-large"
        if kind == "svg":
            from residence.gate.svg import clean_svg

            cleaned = clean_svg(data, self.matcher, self._copies_finder().forbidden_digest)
        else:
            from residence.gate.pdf import clean_pdf

            cleaned = clean_pdf(data, self.matcher)
        if cleaned.data is not None:
            self.cleaned[path] = cleaned.data
        return cleaned.reason

    def _copies_finder(self) -> _Copies:
        if self._copies is None:
            self._copies = _Copies(self.root, self._forbidden_paths)
        return self._copies


# -- copies by content -----------------------------------------------------------------------


class _Copies:
    """Finds the files whose bytes are those of a forbidden picture (a copy, a link)."""

    def __init__(self, root: Path, forbidden: Sequence[str]) -> None:
        from residence.mediapaths import media_path_problem

        self.root = root
        self.inodes: set[tuple[int, int]] = set()
        self.by_size: dict[int, list[Path]] = {}
        self._digests: dict[Path, str | None] = {}
        for path in forbidden:
            if media_path_problem(root, path):
                continue  # outside or missing: never read, and nothing to compare
            try:
                info = (root / path).stat()
            except OSError:
                continue
            self.inodes.add((info.st_dev, info.st_ino))
            self.by_size.setdefault(info.st_size, []).append(root / path)

    def reason(self, path: str) -> str | None:
        """Return "copy" for a copy of a forbidden picture, "too-large" if it cannot be told."""
        try:
            info = (self.root / path).stat()
        except OSError:
            return None
        if (info.st_dev, info.st_ino) in self.inodes:
            return "copy"  # a link (or a hard link) to the picture itself
        twins = self.by_size.get(info.st_size)
        if not twins:
            return None  # a file of another size cannot hold the same bytes
        if info.st_size > MAX_CHECKED_BYTES:
            return "too-large"
        digest = self._digest(self.root / path)
        if digest is not None and digest in {self._digest(t) for t in twins}:
            return "copy"
        return None

    def forbidden_digest(self, digest: str) -> bool:
        """Tell whether bytes of this sha256 are those of a forbidden picture."""
        return digest in {self._digest(p) for paths in self.by_size.values() for p in paths}

    def _digest(self, path: Path) -> str | None:
        if path not in self._digests:
            self._digests[path] = _sha256(path)
        return self._digests[path]


def _sha256(path: Path) -> str | None:
    """Return the sha256 of a file read in chunks, or None if it is too large or unreadable."""
    digest = hashlib.sha256()
    read = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                read += len(chunk)
                if read > MAX_CHECKED_BYTES:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _read(path: Path) -> bytes | None:
    """Return a file's bytes, or None if it is larger than MAX_CHECKED_BYTES."""
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_CHECKED_BYTES:
                return None
            data = handle.read(MAX_CHECKED_BYTES + 1)
    except OSError:
        return b""  # unreadable: the cleaners refuse it as unreadable
    return None if len(data) > MAX_CHECKED_BYTES else data


#: The type of :meth:`_Copies.forbidden_digest`, as the cleaners take it.
ForbiddenDigest = Callable[[str], bool]

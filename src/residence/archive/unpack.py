# SPDX-License-Identifier: EUPL-1.2
"""Open a bag to check it: a folder as it is, or a zip extracted safely into a temporary folder.

A zip is opened only after every member name and size has been checked: names that climb
out (``../``), absolute names, control characters, links and special files, a name that is
both a file and a folder, and archives that would expand beyond sane limits (zip bombs) are
refused before anything is written. Members are then extracted into a temporary folder,
never anywhere else, counting the bytes as they come. A path that is neither a folder nor a
plain file (a pipe, a device) is refused without being read.

The ``bagit`` package cannot do this part: it validates a folder only, and its own checks
assume a folder someone already trusted enough to unpack.
"""

from __future__ import annotations

import contextlib
import errno
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from residence.archive.bag import NotPlainFile, open_plain
from residence.errors import ResidenceError
from residence.i18n import messages

_ = messages("archive")

try:  # a Python built without lzma reads no LZMA member, and raises none of its errors
    from lzma import LZMAError
except ImportError:  # pragma: no cover
    LZMAError = zlib.error  # type: ignore[misc,assignment]

#: Limits of what a zip may expand to; an archive beyond them is refused unread.
MAX_MEMBERS = 200_000
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024

#: What reading a damaged zip may raise (zipfile lets its decompressors' errors through).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    LZMAError,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
)
#: errno values that mean the disk (or the user's quota on it) is full.
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _shown(name: str) -> str:
    """Return a member name as a message shows it: quoted, escaped, at most 120 characters."""
    return repr(name if len(name) <= 120 else name[:119] + "…")


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Return why a zip member must not be extracted, or None."""
    name = info.filename
    shown = _shown(name)
    if "\x00" in name or "\\" in name:
        return _("{member}: the name holds a backslash or a NUL character", member=shown)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name):
        return _("{member}: the name holds a control character", member=shown)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return _(
            "{member}: an absolute path (it would be written outside the folder)", member=shown
        )
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return _("{member}: the name climbs out of the folder with '..'", member=shown)
    if info.flag_bits & 0x1:
        return _("{member}: the member is encrypted", member=shown)
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            return _(
                "{member}: a symbolic link (links are refused: they could point anywhere)",
                member=shown,
            )
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            return _("{member}: a special file (device, pipe or socket)", member=shown)
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return _(
            "{member}: expands {ratio} times (more than {most}): this looks like a zip bomb",
            member=shown,
            ratio=info.file_size // max(info.compress_size, 1),
            most=MAX_RATIO,
        )
    return None


def _check_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Return the members of a zip after refusing unsafe names, types and sizes."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ResidenceError(
            _(
                "this zip holds {count} files, more than the {most} an archive may hold: refused",
                count=len(members),
                most=MAX_MEMBERS,
            )
        )
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise ResidenceError(
            _(
                "this zip would expand to {size} MB, more than the {most} GB an archive may "
                "hold: refused (a zip bomb?)",
                size=total // 1024**2,
                most=MAX_TOTAL_BYTES // 1024**3,
            )
        )
    seen: set[str] = set()
    files: set[str] = set()
    for info in members:
        reason = _member_problem(info)
        if reason:
            raise ResidenceError(
                _("unsafe archive, nothing was extracted: {reason}", reason=reason)
            )
        key = info.filename.rstrip("/").casefold()
        if key in seen:
            raise ResidenceError(
                _(
                    "unsafe archive, nothing was extracted: {member} appears twice (names that "
                    "differ only by upper and lower case count as one)",
                    member=_shown(info.filename),
                )
            )
        seen.add(key)
        if not info.is_dir():
            files.add(key)
    for info in members:
        for parent in PurePosixPath(info.filename.rstrip("/").casefold()).parents:
            if parent.as_posix() in files:
                raise ResidenceError(
                    _(
                        "unsafe archive, nothing was extracted: {member} is both a file and a "
                        "folder",
                        member=_shown(parent.as_posix()),
                    )
                )
    return members


def _unpack_error(name: str, exc: OSError) -> ResidenceError:
    """Return the error of a member that cannot be written into the temporary folder."""
    if exc.errno in _FULL:
        return ResidenceError(
            _(
                "the disk is full: there is no room to unpack the archive in {folder}; free "
                "some space (or set TMPDIR to a folder on a larger disk) and try again",
                folder=tempfile.gettempdir(),
            )
        )
    return ResidenceError(
        _(
            "cannot unpack {member} into {folder}: {reason}",
            member=_shown(name),
            folder=tempfile.gettempdir(),
            reason=exc.strerror or exc,
        )
    )


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path) -> None:
    """Extract members under dest, counting bytes as they come (a size may lie).

    Errors reading the zip go up as they are (the zip is damaged); errors writing into the
    temporary folder become a ResidenceError that says so.
    """
    real = dest.resolve()
    budget = MAX_TOTAL_BYTES
    for info in members:
        target = (dest / info.filename).resolve()
        if target != real and real not in target.parents:
            raise ResidenceError(
                _("unsafe archive: {member} would leave the folder", member=_shown(info.filename))
            )
        try:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            out = open(target, "xb")
        except OSError as exc:
            raise _unpack_error(info.filename, exc) from None
        written = 0
        with out, archive.open(info) as source:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                budget -= len(chunk)
                if written > info.file_size or budget < 0:
                    raise ResidenceError(
                        _(
                            "unsafe archive: {member} expands beyond its declared size",
                            member=_shown(info.filename),
                        )
                    )
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise _unpack_error(info.filename, exc) from None


def _bag_root(folder: Path) -> Path | None:
    """Return the bag inside an extracted zip: its top, or its one top folder."""
    if (folder / "bagit.txt").is_file():
        return folder
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "bagit.txt").is_file():
        return entries[0]
    return None


def _short(exc: BaseException) -> str:
    """Return an exception's text on one short line (a damaged zip may say a lot)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


@contextlib.contextmanager
def open_bag(path: Path) -> Iterator[Path]:
    """Yield the folder of a bag: the folder itself, or a zip safely extracted to a temp folder.

    Raise ResidenceError for a zip that is unreadable or unsafe to extract, and for a path
    that is neither a folder nor a plain file (it is not read).
    """
    if path.is_dir():
        yield _bag_root(path) or path
        return
    with contextlib.ExitStack() as stack:
        try:
            handle = stack.enter_context(open_plain(path))
        except NotPlainFile:
            raise ResidenceError(
                _(
                    "{name} is neither a zip archive nor a folder: it is a device, a pipe or a "
                    "socket, and was not read",
                    name=path.name,
                )
            ) from None
        except OSError as exc:
            raise ResidenceError(
                _("{name} cannot be read: {reason}", name=path.name, reason=exc.strerror or exc)
            ) from None
        try:
            archive = stack.enter_context(zipfile.ZipFile(handle))
        except _DAMAGED as exc:
            raise ResidenceError(
                _(
                    "{name} is not a readable zip archive ({reason})",
                    name=path.name,
                    reason=_short(exc),
                )
            ) from None
        try:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="residence-verify-"))
        except OSError as exc:
            raise _unpack_error(path.name, exc) from None
        members = _check_members(archive)
        try:
            _extract(archive, members, Path(tmp))
        except _DAMAGED as exc:
            raise ResidenceError(
                _("{name}: the zip is damaged ({reason})", name=path.name, reason=_short(exc))
            ) from None
        root = _bag_root(Path(tmp))
        if root is None:
            raise ResidenceError(
                _(
                    "{name} does not hold a bag: no bagit.txt at its top nor in its one top folder",
                    name=path.name,
                )
            )
        yield root

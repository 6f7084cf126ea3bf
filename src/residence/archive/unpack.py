# SPDX-License-Identifier: EUPL-1.2
"""Open a bag to check it: a folder as it is, or a zip extracted safely into a temporary folder.

A zip is opened only after every member name and size has been checked: names that climb
out (``../``), absolute names, links and special files, and archives that would expand
beyond sane limits (zip bombs) are refused before anything is written. Members are then
extracted into a temporary folder, never anywhere else, counting the bytes as they come.

The ``bagit`` package cannot do this part: it validates a folder only, and its own checks
assume a folder someone already trusted enough to unpack.
"""

from __future__ import annotations

import contextlib
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from residence.errors import ResidenceError

#: Limits of what a zip may expand to; an archive beyond them is refused unread.
MAX_MEMBERS = 200_000
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Return why a zip member must not be extracted, or None."""
    name = info.filename
    if "\x00" in name or "\\" in name:
        return f"'{name}': the name holds a backslash or a NUL character"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"'{name}': an absolute path (it would be written outside the folder)"
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return f"'{name}': the name climbs out of the folder with '..'"
    if info.flag_bits & 0x1:
        return f"'{name}': the member is encrypted"
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            return f"'{name}': a symbolic link (links are refused: they could point anywhere)"
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            return f"'{name}': a special file (device, pipe or socket)"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"'{name}': expands {info.file_size // max(info.compress_size, 1)} times "
            f"(more than {MAX_RATIO}): this looks like a zip bomb"
        )
    return None


def _check_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Return the members of a zip after refusing unsafe names, types and sizes."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ResidenceError(
            f"this zip holds {len(members)} files, more than the {MAX_MEMBERS} an archive may "
            "hold: refused"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise ResidenceError(
            f"this zip would expand to {total // 1024**2} MB, more than the "
            f"{MAX_TOTAL_BYTES // 1024**3} GB an archive may hold: refused (a zip bomb?)"
        )
    seen: set[str] = set()
    for info in members:
        reason = _member_problem(info)
        if reason:
            raise ResidenceError(f"unsafe archive, nothing was extracted: {reason}")
        key = info.filename.rstrip("/").casefold()
        if key in seen:
            raise ResidenceError(
                f"unsafe archive, nothing was extracted: '{info.filename}' appears twice "
                "(names that differ only by upper and lower case count as one)"
            )
        seen.add(key)
    return members


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path) -> None:
    """Extract members under dest, counting bytes as they come (a size may lie)."""
    real = dest.resolve()
    budget = MAX_TOTAL_BYTES
    for info in members:
        target = (dest / info.filename).resolve()
        if target != real and real not in target.parents:
            raise ResidenceError(f"unsafe archive: '{info.filename}' would leave the folder")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(info) as source, open(target, "xb") as out:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                budget -= len(chunk)
                if written > info.file_size or budget < 0:
                    raise ResidenceError(
                        f"unsafe archive: '{info.filename}' expands beyond its declared size"
                    )
                out.write(chunk)


def _bag_root(folder: Path) -> Path | None:
    """Return the bag inside an extracted zip: its top, or its one top folder."""
    if (folder / "bagit.txt").is_file():
        return folder
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "bagit.txt").is_file():
        return entries[0]
    return None


@contextlib.contextmanager
def open_bag(path: Path) -> Iterator[Path]:
    """Yield the folder of a bag: the folder itself, or a zip safely extracted to a temp folder.

    Raise ResidenceError for a zip that is unreadable or unsafe to extract.
    """
    if path.is_dir():
        yield _bag_root(path) or path
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ResidenceError(f"{path.name} is not a readable zip archive ({exc})") from None
    with archive, tempfile.TemporaryDirectory(prefix="residence-verify-") as tmp:
        members = _check_members(archive)
        try:
            _extract(archive, members, Path(tmp))
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            raise ResidenceError(f"{path.name}: the zip is damaged ({exc})") from None
        root = _bag_root(Path(tmp))
        if root is None:
            raise ResidenceError(
                f"{path.name} does not hold a bag: no bagit.txt at its top nor in its one "
                "top folder"
            )
        yield root

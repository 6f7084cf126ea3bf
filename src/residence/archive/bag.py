# SPDX-License-Identifier: EUPL-1.2
"""The BagIt (RFC 8493) side of an archive: bagit.txt, bag-info.txt, manifests, tag manifests.

Written here (``bag_files``) and read back here (``read_tags``, ``read_manifest``) for
``verify``, so that the two sides of the format share one reading of it. A bag to read may
come from anyone: its files are opened only if they are plain files (``open_plain``: never a
pipe or a device, which could block or never end), and tag files only up to a size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from residence import __version__
from residence.archive.crate import CRATE, build_crate
from residence.archive.payload import TEAM_WARNING, Payload
from residence.i18n import messages
from residence.models import Published
from residence.text import format_size

#: What goes wrong reading a bag is said in the reader's language (what is written, never).
_ = messages("archive")

#: Checksum algorithms of the manifests, in the order they are written.
ALGORITHMS = ("sha256", "sha512")
#: Checksum algorithms a manifest read may use: those every Python has, of a fixed length
#: (hashlib.algorithms_guaranteed without shake_128 and shake_256, which have none).
READABLE_ALGORITHMS = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s"}
    | {"sha3_224", "sha3_256", "sha3_384", "sha3_512"}
)
#: The largest tag file (bagit.txt, bag-info.txt, a manifest) read; a bigger one is refused.
MAX_TAG_FILE_BYTES = 64 * 1024**2
#: The bag-info.txt tag that says which edition a bag holds.
EDITION_TAG = "Residence-Edition"
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


# -- writing ---------------------------------------------------------------------------------


def encode_manifest_path(path: str) -> str:
    """Percent-encode the characters a manifest line cannot hold (RFC 8493, section 2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def tag_line(name: str, value: str) -> str:
    """Return one tag line, folded at 79 characters with indented continuation lines."""
    words = " ".join(value.split()).split(" ")
    lines: list[str] = []
    line = f"{name}:"
    for word in words:
        if len(line) + 1 + len(word) > 79 and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = "  " + word
        else:
            line = f"{line} {word}"
    lines.append(line)
    return "\n".join(lines) + "\n"


def bag_info(published: Published, files: dict[str, bytes], when: dt.datetime) -> dict[str, str]:
    """Return the bag-info.txt tags of a bag (Payload-Oxum included), in the written order."""
    from residence.render.markdown import to_plain_text

    res = published.residence
    assert res is not None
    total = sum(len(data) for data in files.values())
    question = to_plain_text(res.question, lang=res.language).strip()
    info = {
        "Source-Organization": res.host,
        "External-Identifier": res.id,
        "External-Description": f"{res.title}. {question}",
        "Bagging-Date": when.date().isoformat(),
        "Bag-Software-Agent": f"residence {__version__}",
        "Payload-Oxum": f"{total}.{len(files)}",
        "Bag-Size": format_size(total),
        EDITION_TAG: published.edition if published.edition == "team" else "public",
    }
    if published.edition == "team":
        info["Internal-Sender-Description"] = TEAM_WARNING
    return info


def bag_files(published: Published, payload: Payload, when: dt.datetime) -> dict[str, bytes]:
    """Return every file of the bag, tag files and ``data/...``, as {path: bytes}."""
    data = dict(payload.files)
    data[CRATE] = build_crate(published, payload, when)
    files = {f"data/{path}": content for path, content in data.items()}
    bag: dict[str, bytes] = {"bagit.txt": BAGIT_TXT}
    info = bag_info(published, files, when)
    bag["bag-info.txt"] = "".join(tag_line(k, v) for k, v in info.items()).encode("utf-8")
    for alg in ALGORITHMS:
        lines = [
            f"{hashlib.new(alg, files[path]).hexdigest()}  {encode_manifest_path(path)}\n"
            for path in sorted(files)
        ]
        bag[f"manifest-{alg}.txt"] = "".join(lines).encode("utf-8")
    tags = sorted(bag)
    for alg in ALGORITHMS:
        lines = [f"{hashlib.new(alg, bag[t]).hexdigest()}  {t}\n" for t in tags]
        bag[f"tagmanifest-{alg}.txt"] = "".join(lines).encode("utf-8")
    bag.update(files)
    return bag


# -- reading ---------------------------------------------------------------------------------


class NotPlainFile(ValueError):
    """A path that is a folder, a device, a pipe or a socket where a file was expected."""


def _not_plain() -> NotPlainFile:
    return NotPlainFile(_("it is not a plain file (a folder, a device, a pipe or a socket)"))


def open_plain(path: Path) -> BinaryIO:
    """Open a plain file for reading; raise NotPlainFile for anything else (never blocks).

    Its type is read before it is opened (a socket cannot be opened at all), then again
    from the open file, so that nothing can be swapped in between; and it is opened
    without waiting (a pipe with no writer would block an ordinary open forever).
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _not_plain()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_plain()
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def checksum(path: Path, algorithm: str) -> str:
    """Return the hex digest of a plain file (an algorithm of READABLE_ALGORITHMS)."""
    h = hashlib.new(algorithm, usedforsecurity=False)
    with open_plain(path) as handle:
        while chunk := handle.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def read_tag_file(path: Path) -> str:
    """Return the text of a tag file; raise ValueError if it is not a plain UTF-8 file or
    is larger than MAX_TAG_FILE_BYTES (OSError if it cannot be read)."""
    with open_plain(path) as handle:
        data = handle.read(MAX_TAG_FILE_BYTES + 1)
    if len(data) > MAX_TAG_FILE_BYTES:
        raise ValueError(
            _(
                "it is larger than the {size} MB a tag file may be",
                size=MAX_TAG_FILE_BYTES // 1024**2,
            )
        )
    return data.decode("utf-8")


def read_tags(path: Path) -> dict[str, list[str]]:
    """Return the tags of a tag file (bagit.txt, bag-info.txt), folded lines joined."""
    tags: dict[str, list[str]] = {}
    name: str | None = None
    text = read_tag_file(path)
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t" and name is not None:
            tags[name][-1] = f"{tags[name][-1]} {line.strip()}"
            continue
        if ":" not in line:
            raise ValueError(_("{line} is not a 'Name: value' line", line=repr(line[:40])))
        name, _colon, value = line.partition(":")
        name = name.strip()
        tags.setdefault(name, []).append(value.strip())
    return tags


def first_tag(tags: dict[str, list[str]], name: str) -> str | None:
    """Return the first value of a tag, or None."""
    values = tags.get(name)
    return values[0] if values else None


def decode_manifest_path(path: str) -> str:
    """Undo ``encode_manifest_path`` (upper or lower case hex digits)."""
    return (
        path.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
    )


def read_manifest(path: Path) -> dict[str, str]:
    """Return {file path: checksum} of a manifest; raise ValueError for a bad line."""
    entries: dict[str, str] = {}
    for number, line in enumerate(read_tag_file(path).splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition(" ")
        name = name.lstrip(" ").lstrip("*")
        if not sep or not name:
            raise ValueError(_("line {number} is not 'checksum  path'", number=number))
        name = decode_manifest_path(name)
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name:
            raise ValueError(
                _("line {number} names an unsafe path {path}", number=number, path=repr(name))
            )
        if name in entries:
            raise ValueError(_("line {number} lists {path} twice", number=number, path=repr(name)))
        entries[name] = digest.lower()
    return entries


def bag_edition(root: Path) -> str | None:
    """Return the edition a bag says it holds (bag-info.txt Residence-Edition), if any."""
    try:
        info = read_tags(root / "bag-info.txt")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return first_tag(info, EDITION_TAG)

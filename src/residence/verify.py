"""Check an archive (a zip or a folder): BagIt completeness, checksums, Payload-Oxum, crate.

A zip is opened only after every member name and size has been checked: names that climb
out (``../``), absolute names, links and special files, and archives that would expand
beyond sane limits (zip bombs) are refused before anything is written. Members are then
extracted into a temporary folder, never anywhere else, and the bag is checked there.

Our own checks come first, so that the message names the first file that differs; when
they all pass, the reference BagIt implementation (the ``bagit`` package) validates the bag
too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from residence.archive import CRATE, EDITION_TAG
from residence.errors import Problem, ResidenceError

#: Limits of what a zip may expand to; an archive beyond them is refused unread.
MAX_MEMBERS = 200_000
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024


@dataclass
class Verification:
    """The result of checking an archive: its problems (none: intact) and what it holds."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    identifier: str | None = None
    edition: str | None = None
    files: int = 0
    payload_bytes: int = 0
    algorithms: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """Tell whether the archive passed every check."""
        return not self.problems


def _problem(path: str, message: str, code: str = "damaged") -> Problem:
    return Problem(path, None, None, "error", code, message)


# -- zips ------------------------------------------------------------------------------------


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
            if isinstance(exc, ResidenceError):
                raise
            raise ResidenceError(f"{path.name}: the zip is damaged ({exc})") from None
        root = _bag_root(Path(tmp))
        if root is None:
            raise ResidenceError(
                f"{path.name} does not hold a bag: no bagit.txt at its top nor in its one "
                "top folder"
            )
        yield root


# -- tag files -------------------------------------------------------------------------------


def read_tags(path: Path) -> dict[str, list[str]]:
    """Return the tags of a tag file (bagit.txt, bag-info.txt), folded lines joined."""
    tags: dict[str, list[str]] = {}
    name: str | None = None
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t" and name is not None:
            tags[name][-1] = f"{tags[name][-1]} {line.strip()}"
            continue
        if ":" not in line:
            raise ValueError(f"'{line[:40]}' is not a 'Name: value' line")
        name, _, value = line.partition(":")
        name = name.strip()
        tags.setdefault(name, []).append(value.strip())
    return tags


def _first(tags: dict[str, list[str]], name: str) -> str | None:
    """Return the first value of a tag, or None."""
    values = tags.get(name)
    return values[0] if values else None


def _decode_manifest_path(path: str) -> str:
    return (
        path.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
    )


def _read_manifest(path: Path) -> dict[str, str]:
    """Return {file path: checksum} of a manifest; raise ValueError for a bad line."""
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition(" ")
        name = name.lstrip(" ").lstrip("*")
        if not sep or not name:
            raise ValueError(f"line {number} is not 'checksum  path'")
        name = _decode_manifest_path(name)
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name:
            raise ValueError(f"line {number} names an unsafe path '{name}'")
        if name in entries:
            raise ValueError(f"line {number} lists '{name}' twice")
        entries[name] = digest.lower()
    return entries


def _digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _walk_files(root: Path, folder: str, result: Verification) -> dict[str, Path]:
    """Return {bag-relative path: file} under root/folder; links are problems, not followed."""
    found: dict[str, Path] = {}
    base = root / folder
    for dirpath, dirnames, filenames in os.walk(base):
        for name in sorted([*dirnames, *filenames]):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                result.problems.append(
                    _problem(rel, "is a symbolic link: a bag holds only plain files")
                )
                if name in dirnames:
                    dirnames.remove(name)
                continue
            if name in filenames:
                if not full.is_file():
                    result.problems.append(_problem(rel, "is not a plain file"))
                    continue
                found[rel] = full
    return found


# -- the checks ------------------------------------------------------------------------------


def verify_bag(root: Path, shown: Path | None = None) -> Verification:
    """Check the bag in folder ``root``; ``shown`` is the path to name in the result."""
    result = Verification(shown or root)
    problems = result.problems
    links = sorted(p.name for p in root.iterdir() if p.is_symlink())
    if links:
        problems.append(_problem(links[0], "is a symbolic link: a bag holds only plain files"))
        return result
    if not (root / "bagit.txt").is_file():
        problems.append(_problem("bagit.txt", "missing: this is not a BagIt bag"))
        return result
    try:
        declaration = read_tags(root / "bagit.txt")
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        problems.append(_problem("bagit.txt", f"cannot be read: {exc}"))
        return result
    if "BagIt-Version" not in declaration or "Tag-File-Character-Encoding" not in declaration:
        problems.append(
            _problem("bagit.txt", "must give BagIt-Version and Tag-File-Character-Encoding")
        )
    if not (root / "data").is_dir():
        problems.append(_problem("data/", "missing: the bag has no payload folder"))
        return result
    info: dict[str, list[str]] = {}
    if (root / "bag-info.txt").is_file():
        try:
            info = read_tags(root / "bag-info.txt")
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            problems.append(_problem("bag-info.txt", f"cannot be read: {exc}"))
    result.identifier = _first(info, "External-Identifier")
    result.edition = _first(info, EDITION_TAG)

    manifests = sorted(root.glob("manifest-*.txt"))
    if not manifests:
        problems.append(_problem("manifest-sha256.txt", "missing: the bag has no manifest"))
        return result
    payload = _walk_files(root, "data", result)
    result.files = len(payload)
    result.payload_bytes = sum(p.stat().st_size for p in payload.values())

    # Completeness: every manifest lists exactly the payload files.
    listed: dict[str, dict[str, str]] = {}
    for manifest in manifests:
        algorithm = manifest.stem.removeprefix("manifest-")
        if algorithm not in hashlib.algorithms_available:
            problems.append(_problem(manifest.name, f"unknown checksum algorithm '{algorithm}'"))
            continue
        try:
            listed[algorithm] = _read_manifest(manifest)
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            problems.append(_problem(manifest.name, f"cannot be read: {exc}"))
    result.algorithms = sorted(listed)
    everywhere = set.union(*(set(e) for e in listed.values())) if listed else set()
    for name in sorted(everywhere - set(payload)):
        problems.append(
            _problem(name, "is listed in the manifests but missing from the bag", "missing-file")
        )
    for name in sorted(set(payload) - everywhere):
        problems.append(
            _problem(
                name,
                "is in the bag but in no manifest: a file was added after the archive was made",
                "unexpected-file",
            )
        )
    for algorithm, entries in sorted(listed.items()):
        for name in sorted((everywhere & set(payload)) - set(entries)):
            problems.append(
                _problem(name, f"is missing from manifest-{algorithm}.txt", "unexpected-file")
            )

    # Payload-Oxum: total bytes and file count.
    oxum = _first(info, "Payload-Oxum")
    if oxum is not None:
        size, _, count = oxum.partition(".")
        if not (size.isdigit() and count.isdigit()):
            problems.append(_problem("bag-info.txt", f"Payload-Oxum '{oxum}' is not bytes.files"))
        elif (int(size), int(count)) != (result.payload_bytes, result.files):
            problems.append(
                _problem(
                    "bag-info.txt",
                    f"Payload-Oxum says {count} files and {size} bytes, the bag holds "
                    f"{result.files} files and {result.payload_bytes} bytes",
                    "oxum",
                )
            )

    # Every checksum of every payload file, in path order.
    for name in sorted(payload):
        for algorithm, entries in sorted(listed.items()):
            expected = entries.get(name)
            if expected is not None and _digest(payload[name], algorithm) != expected:
                problems.append(
                    _problem(
                        name,
                        f"differs from its {algorithm} checksum: the file was changed or damaged",
                        "checksum",
                    )
                )
                break

    # Tag manifests: the tag files themselves.
    for tagmanifest in sorted(root.glob("tagmanifest-*.txt")):
        algorithm = tagmanifest.stem.removeprefix("tagmanifest-")
        if algorithm not in hashlib.algorithms_available:
            continue
        try:
            entries = _read_manifest(tagmanifest)
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            problems.append(_problem(tagmanifest.name, f"cannot be read: {exc}"))
            continue
        for name, expected in sorted(entries.items()):
            full = root / name
            if not full.is_file() or full.is_symlink():
                problems.append(
                    _problem(name, f"is listed in {tagmanifest.name} but missing", "missing-file")
                )
            elif _digest(full, algorithm) != expected:
                problems.append(
                    _problem(
                        name,
                        f"differs from its {algorithm} checksum in {tagmanifest.name}",
                        "checksum",
                    )
                )

    problems.extend(_crate_problems(root, set(payload)))
    if not problems:
        problems.extend(_reference_problems(root))
    return result


def _crate_problems(root: Path, payload: set[str]) -> list[Problem]:
    """Return the differences between the RO-Crate and the payload it describes."""
    rel = f"data/{CRATE}"
    path = root / rel
    if rel not in payload:
        return [_problem(rel, "missing: the archive has no RO-Crate metadata", "crate")]
    try:
        crate = json.loads(path.read_text(encoding="utf-8"))
        graph = crate["@graph"]
        entities = {e["@id"]: e for e in graph if isinstance(e, dict) and "@id" in e}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return [_problem(rel, f"is not RO-Crate JSON-LD: {exc}", "crate")]
    problems: list[Problem] = []
    descriptor = entities.get(CRATE, {})
    root_id = (descriptor.get("about") or {}).get("@id", "./")
    dataset = entities.get(root_id)
    if dataset is None:
        return [_problem(rel, "has no root dataset './'", "crate")]
    for key in ("name", "description", "datePublished", "license"):
        if not dataset.get(key):
            problems.append(_problem(rel, f"the root dataset has no {key}", "crate"))
    parts = dataset.get("hasPart") or []
    described: set[str] = set()
    for part in parts if isinstance(parts, list) else [parts]:
        ident = part.get("@id") if isinstance(part, dict) else None
        if not isinstance(ident, str):
            continue
        name = f"data/{unquote(ident)}"
        described.add(name)
        if name not in payload:
            problems.append(
                _problem(name, f"is described in {CRATE} but missing from the payload", "crate")
            )
        elif ident not in entities:
            problems.append(_problem(name, f"has no entity of its own in {CRATE}", "crate"))
    for name in sorted(payload - described - {rel}):
        problems.append(_problem(name, f"is in the payload but not described in {CRATE}", "crate"))
    return problems


def _reference_problems(root: Path) -> list[Problem]:
    """Return what the reference BagIt implementation (bagit.py) finds wrong, if anything."""
    import bagit  # type: ignore[import-untyped]

    logger = logging.getLogger("bagit")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)  # it logs each file; our own messages say enough
    try:
        bagit.Bag(str(root)).validate(processes=1)
    except bagit.BagError as exc:
        details = getattr(exc, "details", None) or []
        first = str(details[0]) if details else str(exc)
        return [
            _problem(
                "bagit.txt", f"the reference BagIt validator refuses the bag: {first}", "bagit"
            )
        ]
    finally:
        logger.setLevel(previous)
    return []


def verify_archive(path: Path) -> Verification:
    """Check an archive, a zip or a bag folder; raise ResidenceError if it cannot be opened."""
    with open_bag(path) as root:
        return verify_bag(root, path)


def bag_edition(root: Path) -> str | None:
    """Return the edition a bag says it holds (bag-info.txt Residence-Edition), if any."""
    try:
        info = read_tags(root / "bag-info.txt")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return _first(info, EDITION_TAG)

# SPDX-License-Identifier: EUPL-1.2
"""Check an archive (a zip or a folder): BagIt completeness, checksums, Payload-Oxum, crate.

A zip is first extracted safely into a temporary folder (``unpack.py``). Our own checks
come first, so that the message names the first file that differs; when they all pass, the
reference BagIt implementation (the ``bagit`` package) validates the bag too.

Why the bag is not checked by ``bagit.Bag(root).validate()`` alone (bagit-python 1.9):

- it stops at the first stage that fails (structure, Payload-Oxum, completeness, checksums):
  for a deleted or added file it says only "Payload-Oxum validation failed", without naming
  the file, and files it did not reach are not checked;
- it does not require every payload file to be in every manifest (RFC 8493, 3);
- it skips a manifest line it cannot read instead of refusing the manifest;
- it follows symbolic links inside the bag (a bag folder may point at any file);
- it does not decode ``%25`` in manifest paths (bagit-python issue #157), so it misreads
  the manifest of a file whose name holds a '%', which RFC 8493 (2.1.3) says to encode.

An archive may come from anyone: a file is read only if it is a plain file (never a pipe
or a device), tag files and the crate only up to a size, every JSON value only after its
shape is checked, and numbers only in ASCII digits. Whatever it holds, the result is a
list of problems, never an exception.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from residence.archive.bag import (
    EDITION_TAG,
    READABLE_ALGORITHMS,
    NotPlainFile,
    checksum,
    first_tag,
    open_plain,
    read_manifest,
    read_tags,
)
from residence.archive.crate import CRATE
from residence.archive.unpack import open_bag
from residence.errors import Problem
from residence.i18n import messages

_ = messages("archive")

#: The largest RO-Crate metadata file read (a crate of 50,000 files is smaller); a bigger
#: one is refused unread, so that a hostile crate cannot fill the memory.
MAX_CRATE_BYTES = 16 * 1024**2
#: Payload-Oxum: octets, a dot, files; ASCII digits only (int() would read other digits).
_OXUM = re.compile(r"([0-9]{1,20})\.([0-9]{1,20})", re.ASCII)
#: Characters a name in a crate must not hold: C0 and C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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


def _symlink() -> str:
    return _("is a symbolic link: a bag holds only plain files")


def _unknown_algorithm(algorithm: str) -> str:
    return _("unknown checksum algorithm {algorithm}", algorithm=repr(algorithm))


def _walk_files(root: Path, folder: str, result: Verification) -> dict[str, Path]:
    """Return {bag-relative path: file} under root/folder; links are problems, not followed."""
    found: dict[str, Path] = {}
    base = root / folder
    for dirpath, dirnames, filenames in os.walk(base):
        for name in sorted([*dirnames, *filenames]):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                result.problems.append(_problem(rel, _symlink()))
                if name in dirnames:
                    dirnames.remove(name)
                continue
            if name in filenames:
                if not full.is_file():
                    result.problems.append(_problem(rel, _("is not a plain file")))
                    continue
                found[rel] = full
    return found


def verify_archive(path: Path) -> Verification:
    """Check an archive, a zip or a bag folder; raise ResidenceError if it cannot be opened."""
    with open_bag(path) as root:
        return verify_bag(root, path)


def verify_bag(root: Path, shown: Path | None = None) -> Verification:
    """Check the bag in folder ``root``; ``shown`` is the path to name in the result."""
    result = Verification(shown or root)
    problems = result.problems
    links = sorted(p.name for p in root.iterdir() if p.is_symlink())
    if links:
        problems.append(_problem(links[0], _symlink()))
        return result
    if not (root / "bagit.txt").is_file():
        problems.append(_problem("bagit.txt", _("missing: this is not a BagIt bag")))
        return result
    try:
        declaration = read_tags(root / "bagit.txt")
    except (ValueError, OSError) as exc:
        problems.append(_unreadable("bagit.txt", exc))
        return result
    if "BagIt-Version" not in declaration or "Tag-File-Character-Encoding" not in declaration:
        problems.append(
            _problem("bagit.txt", _("must give BagIt-Version and Tag-File-Character-Encoding"))
        )
    if not (root / "data").is_dir():
        problems.append(_problem("data/", _("missing: the bag has no payload folder")))
        return result
    info: dict[str, list[str]] = {}
    if (root / "bag-info.txt").is_file():
        try:
            info = read_tags(root / "bag-info.txt")
        except (ValueError, OSError) as exc:
            problems.append(_unreadable("bag-info.txt", exc))
    result.identifier = first_tag(info, "External-Identifier")
    result.edition = first_tag(info, EDITION_TAG)

    manifests = sorted(root.glob("manifest-*.txt"))
    if not manifests:
        problems.append(_problem("manifest-sha256.txt", _("missing: the bag has no manifest")))
        return result
    payload = _walk_files(root, "data", result)
    result.files = len(payload)
    result.payload_bytes = sum(p.stat().st_size for p in payload.values())
    listed = _read_manifests(manifests, problems)
    result.algorithms = sorted(listed)
    problems.extend(_completeness_problems(listed, set(payload)))
    problems.extend(_oxum_problems(info, result))
    problems.extend(_checksum_problems(listed, payload))
    problems.extend(_tag_problems(root))
    problems.extend(_crate_problems(root, set(payload)))
    if not problems:
        problems.extend(_reference_problems(root))
    return result


def _read_manifests(manifests: list[Path], problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Return {algorithm: {path: checksum}} of the payload manifests; bad ones are problems."""
    listed: dict[str, dict[str, str]] = {}
    for manifest in manifests:
        algorithm = manifest.stem.removeprefix("manifest-")
        if algorithm not in READABLE_ALGORITHMS:
            problems.append(_problem(manifest.name, _unknown_algorithm(algorithm)))
            continue
        try:
            listed[algorithm] = read_manifest(manifest)
        except (ValueError, OSError) as exc:
            problems.append(_unreadable(manifest.name, exc))
    return listed


def _completeness_problems(listed: dict[str, dict[str, str]], payload: set[str]) -> list[Problem]:
    """Return the files missing from the bag, and those missing from a manifest."""
    problems: list[Problem] = []
    everywhere = set.union(*(set(e) for e in listed.values())) if listed else set()
    for name in sorted(everywhere - payload):
        problems.append(
            _problem(name, _("is listed in the manifests but missing from the bag"), "missing-file")
        )
    for name in sorted(payload - everywhere):
        problems.append(
            _problem(
                name,
                _("is in the bag but in no manifest: a file was added after the archive was made"),
                "unexpected-file",
            )
        )
    for algorithm, entries in sorted(listed.items()):
        for name in sorted((everywhere & payload) - set(entries)):
            problems.append(
                _problem(
                    name,
                    _("is missing from {manifest}", manifest=f"manifest-{algorithm}.txt"),
                    "unexpected-file",
                )
            )
    return problems


def _oxum_problems(info: dict[str, list[str]], result: Verification) -> list[Problem]:
    """Return how Payload-Oxum (total bytes and file count) differs from the payload."""
    oxum = first_tag(info, "Payload-Oxum")
    if oxum is None:
        return []
    found = _OXUM.fullmatch(oxum)
    if found is None:
        return [
            _problem(
                "bag-info.txt", _("Payload-Oxum {value} is not bytes.files", value=repr(oxum[:60]))
            )
        ]
    size, count = found.groups()
    if (int(size), int(count)) != (result.payload_bytes, result.files):
        return [
            _problem(
                "bag-info.txt",
                _(
                    "Payload-Oxum says {count} files and {size} bytes, the bag holds {files} "
                    "files and {bytes} bytes",
                    count=count,
                    size=size,
                    files=result.files,
                    bytes=result.payload_bytes,
                ),
                "oxum",
            )
        ]
    return []


def _unreadable(name: str, exc: Exception) -> Problem:
    """Return the problem of a file that cannot be read (its reason in plain words)."""
    if isinstance(exc, UnicodeDecodeError):
        reason = _not_utf8(exc)
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror
    else:
        reason = str(exc)
    return _problem(name, _("cannot be read: {reason}", reason=reason))


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return _("it is not UTF-8 text (at byte {byte})", byte=exc.start + 1)


def _checksum_problems(
    listed: dict[str, dict[str, str]], payload: dict[str, Path]
) -> list[Problem]:
    """Return the payload files whose bytes differ from a checksum, in path order."""
    problems: list[Problem] = []
    for name in sorted(payload):
        for algorithm, entries in sorted(listed.items()):
            expected = entries.get(name)
            if expected is None:
                continue
            try:
                found = checksum(payload[name], algorithm)
            except (OSError, ValueError) as exc:
                problems.append(_unreadable(name, exc))
                break
            if found != expected:
                problems.append(
                    _problem(
                        name,
                        _(
                            "differs from its {algorithm} checksum: the file was changed or "
                            "damaged",
                            algorithm=algorithm,
                        ),
                        "checksum",
                    )
                )
                break
    return problems


def _tag_problems(root: Path) -> list[Problem]:
    """Return the tag files (bag-info.txt, the manifests) that differ from a tag manifest."""
    problems: list[Problem] = []
    for tagmanifest in sorted(root.glob("tagmanifest-*.txt")):
        algorithm = tagmanifest.stem.removeprefix("tagmanifest-")
        if algorithm not in READABLE_ALGORITHMS:
            problems.append(_problem(tagmanifest.name, _unknown_algorithm(algorithm)))
            continue
        try:
            entries = read_manifest(tagmanifest)
        except (ValueError, OSError) as exc:
            problems.append(_unreadable(tagmanifest.name, exc))
            continue
        for name, expected in sorted(entries.items()):
            full = root / name
            if not full.is_file() or full.is_symlink():
                problems.append(
                    _problem(
                        name,
                        _("is listed in {manifest} but missing", manifest=tagmanifest.name),
                        "missing-file",
                    )
                )
                continue
            try:
                found = checksum(full, algorithm)
            except (OSError, ValueError) as exc:
                problems.append(_unreadable(name, exc))
                continue
            if found != expected:
                problems.append(
                    _problem(
                        name,
                        _(
                            "differs from its {algorithm} checksum in {manifest}",
                            algorithm=algorithm,
                            manifest=tagmanifest.name,
                        ),
                        "checksum",
                    )
                )
    return problems


def _read_crate(path: Path) -> Any:
    """Return the parsed JSON of a crate; raise ValueError (or OSError) if it cannot be."""
    with open_plain(path) as handle:
        data = handle.read(MAX_CRATE_BYTES + 1)
    if len(data) > MAX_CRATE_BYTES:
        raise ValueError(
            _("it is larger than the {size} MB it may be", size=MAX_CRATE_BYTES // 1024**2)
        )
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(_not_utf8(exc)) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # Python refuses to read an integer of more than 4300 digits
        raise ValueError(_("it holds a number too long to read")) from None
    except RecursionError:
        raise ValueError(_("it is nested too deeply")) from None


def _crate_id(value: object) -> str | None:
    """Return the "@id" of a reference ``{"@id": "..."}``, or None if it is not one."""
    ident = value.get("@id") if isinstance(value, dict) else None
    return ident if isinstance(ident, str) else None


def _part_name(ident: str) -> str | None:
    """Return the payload path a hasPart "@id" names, or None if it is not a safe one."""
    name = unquote(ident)
    pure = PurePosixPath(name)
    if not name or pure.is_absolute() or ".." in pure.parts or _CONTROL.search(name):
        return None
    return f"data/{name}"


def _crate_problems(root: Path, payload: set[str]) -> list[Problem]:
    """Return the differences between the RO-Crate and the payload it describes.

    The crate may come from anyone: every value is checked for its shape before use.
    """
    rel = f"data/{CRATE}"
    if rel not in payload:
        return [_problem(rel, _("missing: the archive has no RO-Crate metadata"), "crate")]
    try:
        crate = _read_crate(root / rel)
    except NotPlainFile as exc:
        return [_unreadable(rel, exc)]
    except (ValueError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return [_problem(rel, _("is not RO-Crate JSON-LD: {reason}", reason=reason), "crate")]
    graph = crate.get("@graph") if isinstance(crate, dict) else None
    if not isinstance(graph, list):
        return [_problem(rel, _("is not RO-Crate JSON-LD: it has no @graph list"), "crate")]
    entities: dict[str, dict[str, Any]] = {}
    for entity in graph:
        ident = _crate_id(entity)
        if ident is not None:
            entities[ident] = entity
    about = entities.get(CRATE, {}).get("about")
    root_id = "./" if about is None else _crate_id(about)
    if root_id is None:
        return [_problem(rel, _("the 'about' of its metadata descriptor is not an @id"), "crate")]
    dataset = entities.get(root_id)
    if dataset is None:
        return [_problem(rel, _("has no root dataset './'"), "crate")]
    problems: list[Problem] = []
    for key in ("name", "description", "datePublished", "license"):
        if not dataset.get(key):
            problems.append(_problem(rel, _("the root dataset has no {key}", key=key), "crate"))
    parts = dataset.get("hasPart") or []
    described: set[str] = set()
    for part in parts if isinstance(parts, list) else [parts]:
        ident = _crate_id(part)
        if ident is None:
            continue
        name = _part_name(ident)
        if name is None:
            problems.append(
                _problem(
                    rel, _("hasPart names an unsafe path {path}", path=repr(ident[:200])), "crate"
                )
            )
            continue
        described.add(name)
        if name not in payload:
            problems.append(
                _problem(
                    name,
                    _("is described in {crate} but missing from the payload", crate=CRATE),
                    "crate",
                )
            )
        elif ident not in entities:
            problems.append(
                _problem(name, _("has no entity of its own in {crate}", crate=CRATE), "crate")
            )
    for name in sorted(payload - described - {rel}):
        problems.append(
            _problem(
                name, _("is in the payload but not described in {crate}", crate=CRATE), "crate"
            )
        )
    return problems


def _reference_problems(root: Path) -> list[Problem]:
    """Return what the reference BagIt implementation (bagit.py) finds wrong, if anything.

    It runs after our own checks found nothing, so the bag is complete and every name in
    its manifests is read right: a file it says is missing or unexpected because its name
    holds a '%' is its own misreading (see the module's docstring), not a damage.
    """
    import bagit  # type: ignore[import-untyped]

    logger = logging.getLogger("bagit")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)  # it logs each file; our own messages say enough
    try:
        bagit.Bag(str(root)).validate(processes=1)
    except (OSError, ValueError, TypeError) as exc:  # what our own checks did not foresee
        return [
            _problem(
                "bagit.txt", _("the reference BagIt validator cannot read it: {reason}", reason=exc)
            )
        ]
    except bagit.BagError as exc:
        details = getattr(exc, "details", None) or []
        misread = (bagit.FileMissing, bagit.UnexpectedFile)
        if details and all(isinstance(d, misread) and "%" in d.path for d in details):
            return []
        first = str(details[0]) if details else str(exc)
        return [
            _problem(
                "bagit.txt",
                _("the reference BagIt validator refuses the bag: {reason}", reason=first),
                "bagit",
            )
        ]
    finally:
        logger.setLevel(previous)
    return []

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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from residence.archive.bag import EDITION_TAG, first_tag, read_manifest, read_tags
from residence.archive.crate import CRATE
from residence.archive.unpack import CHUNK, open_bag
from residence.errors import Problem


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
    result.identifier = first_tag(info, "External-Identifier")
    result.edition = first_tag(info, EDITION_TAG)

    manifests = sorted(root.glob("manifest-*.txt"))
    if not manifests:
        problems.append(_problem("manifest-sha256.txt", "missing: the bag has no manifest"))
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
        if algorithm not in hashlib.algorithms_available:
            problems.append(_problem(manifest.name, f"unknown checksum algorithm '{algorithm}'"))
            continue
        try:
            listed[algorithm] = read_manifest(manifest)
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            problems.append(_problem(manifest.name, f"cannot be read: {exc}"))
    return listed


def _completeness_problems(listed: dict[str, dict[str, str]], payload: set[str]) -> list[Problem]:
    """Return the files missing from the bag, and those missing from a manifest."""
    problems: list[Problem] = []
    everywhere = set.union(*(set(e) for e in listed.values())) if listed else set()
    for name in sorted(everywhere - payload):
        problems.append(
            _problem(name, "is listed in the manifests but missing from the bag", "missing-file")
        )
    for name in sorted(payload - everywhere):
        problems.append(
            _problem(
                name,
                "is in the bag but in no manifest: a file was added after the archive was made",
                "unexpected-file",
            )
        )
    for algorithm, entries in sorted(listed.items()):
        for name in sorted((everywhere & payload) - set(entries)):
            problems.append(
                _problem(name, f"is missing from manifest-{algorithm}.txt", "unexpected-file")
            )
    return problems


def _oxum_problems(info: dict[str, list[str]], result: Verification) -> list[Problem]:
    """Return how Payload-Oxum (total bytes and file count) differs from the payload."""
    oxum = first_tag(info, "Payload-Oxum")
    if oxum is None:
        return []
    size, _, count = oxum.partition(".")
    if not (size.isdigit() and count.isdigit()):
        return [_problem("bag-info.txt", f"Payload-Oxum '{oxum}' is not bytes.files")]
    if (int(size), int(count)) != (result.payload_bytes, result.files):
        return [
            _problem(
                "bag-info.txt",
                f"Payload-Oxum says {count} files and {size} bytes, the bag holds "
                f"{result.files} files and {result.payload_bytes} bytes",
                "oxum",
            )
        ]
    return []


def _checksum_problems(
    listed: dict[str, dict[str, str]], payload: dict[str, Path]
) -> list[Problem]:
    """Return the payload files whose bytes differ from a checksum, in path order."""
    problems: list[Problem] = []
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
    return problems


def _tag_problems(root: Path) -> list[Problem]:
    """Return the tag files (bag-info.txt, the manifests) that differ from a tag manifest."""
    problems: list[Problem] = []
    for tagmanifest in sorted(root.glob("tagmanifest-*.txt")):
        algorithm = tagmanifest.stem.removeprefix("tagmanifest-")
        if algorithm not in hashlib.algorithms_available:
            continue
        try:
            entries = read_manifest(tagmanifest)
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
    return problems


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
    except bagit.BagError as exc:
        details = getattr(exc, "details", None) or []
        misread = (bagit.FileMissing, bagit.UnexpectedFile)
        if details and all(isinstance(d, misread) and "%" in d.path for d in details):
            return []
        first = str(details[0]) if details else str(exc)
        return [
            _problem(
                "bagit.txt", f"the reference BagIt validator refuses the bag: {first}", "bagit"
            )
        ]
    finally:
        logger.setLevel(previous)
    return []

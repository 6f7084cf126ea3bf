# SPDX-License-Identifier: EUPL-1.2
"""The residency folder's layout: which kind of item lives in which file or folder.

The one description of FORMAT.md's folder, read by the loader, ``add``, the docs generator
and the archive, so that a new kind or folder is added here once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from residence.models import (
    ActorsFile,
    ConsentFile,
    Entry,
    Insight,
    Method,
    Model,
    Prototype,
    Residence,
    Scenario,
)

#: The endings of the files the tool reads.
YAML_SUFFIXES = (".yaml", ".yml")
#: Photos, drawings and documents the files point at.
MEDIA_FOLDER = "media"
#: What only the team reads: consent records, notes. Never published.
PRIVATE_FOLDER = "private"
#: The licence texts (REUSE).
LICENSES_FOLDER = "LICENSES"
#: In a public edition's sources (an archive's): what the gate decided for each person met,
#: so that reading them again makes the same edition (models.ConsentScopes).
CONSENT_SCOPES = "consent-scopes.yaml"
#: Files of the folder that are not items but belong to the team's sources.
OTHER_SOURCE_FILES = ("REUSE.toml", "README.md", "README.txt")


@dataclass(frozen=True)
class Kind:
    """One kind of file of FORMAT.md and where it lives."""

    #: Its name in FORMAT.md and the JSON Schemas ("journal", "prototype"…).
    name: str
    #: The model of one file.
    model: type[Model]
    #: The file's path without its ending, for a kind with one file ("actors").
    stem: str | None = None
    #: The folder of a kind with one file per item ("journal").
    folder: str | None = None
    #: How a file of this kind is named, as the docs show it.
    pattern: str = ""
    #: The list of ``Residency`` that holds the items of a folder kind ("entries").
    attr: str = ""


#: Every kind, in the order FORMAT.md describes them.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("residence", Residence, stem="residence", pattern="residence.yaml"),
        Kind("actors", ActorsFile, stem="actors", pattern="actors.yaml"),
        Kind(
            "journal",
            Entry,
            folder="journal",
            pattern="journal/YYYY-MM-DD-slug.yaml",
            attr="entries",
        ),
        Kind(
            "prototype",
            Prototype,
            folder="prototypes",
            pattern="prototypes/<id>.yaml",
            attr="prototypes",
        ),
        Kind(
            "scenario",
            Scenario,
            folder="scenarios",
            pattern="scenarios/<id>.yaml",
            attr="scenarios",
        ),
        Kind("method", Method, folder="methods", pattern="methods/<id>.yaml", attr="methods"),
        Kind(
            "insight",
            Insight,
            folder="insights",
            pattern="insights/<id>.yaml",
            attr="insights",
        ),
        Kind("consent", ConsentFile, stem="private/consent", pattern="private/consent.yaml"),
    )
}

#: The kinds with one file per item, by folder: "journal" -> Kind("journal", Entry…).
FOLDERS: dict[str, Kind] = {k.folder: k for k in KINDS.values() if k.folder}
#: The kinds with a single file, by stem: "actors" -> Kind("actors", ActorsFile…).
SINGLE_FILES: dict[str, Kind] = {k.stem: k for k in KINDS.values() if k.stem}
#: The folders whose files are the team's sources (archived in a team edition).
SOURCE_FOLDERS: tuple[str, ...] = (*FOLDERS, MEDIA_FOLDER, PRIVATE_FOLDER, LICENSES_FOLDER)


def first_existing(root: Path, stem: str) -> str | None:
    """Return ``stem.yaml`` or ``stem.yml`` (relative to root), whichever exists, else None."""
    for suffix in YAML_SUFFIXES:
        if (root / f"{stem}{suffix}").is_file():
            return f"{stem}{suffix}"
    return None


def kind_of_path(rel: str) -> Kind | None:
    """Return the kind of the file at ``rel`` (relative, with '/'), or None for other files."""
    if not rel.endswith(YAML_SUFFIXES):
        return None
    stem = rel.rsplit(".", 1)[0]
    if stem in SINGLE_FILES:
        return SINGLE_FILES[stem]
    folder = rel.split("/", 1)[0]
    return FOLDERS.get(folder) if "/" in rel else None


def is_ignored(name: str) -> bool:
    """Tell whether a file or folder name is one the tool passes over: hidden files, editor
    backups and swap files, temporary files (``.x``, ``~x``, ``#x#``, ``x~``, ``x.swp``,
    ``x.tmp``)."""
    return name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp"))


def files_under(root: Path, folder: str) -> Iterator[str]:
    """Yield the relative paths of the regular files under ``root/folder``, sorted, that stay
    inside ``root``: ignored names, symbolic links and anything else are passed over."""
    base = root / folder
    if not base.is_dir() or base.is_symlink():
        return
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(
            d for d in dirnames if not is_ignored(d) and not (Path(dirpath) / d).is_symlink()
        )
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if is_ignored(name) or full.is_symlink() or not full.is_file():
                continue
            try:
                full.resolve().relative_to(real_root)
            except ValueError:
                continue
            yield full.relative_to(root).as_posix()


#: The team's files at the top of the folder: residence.yaml, actors.yaml, REUSE.toml…
#: (single-file kinds inside a folder, such as private/consent.yaml, come with their folder).
TOP_SOURCE_FILES: tuple[str, ...] = (
    *(
        f"{kind.stem}{suffix}"
        for kind in KINDS.values()
        if kind.stem and "/" not in kind.stem
        for suffix in YAML_SUFFIXES
    ),
    *OTHER_SOURCE_FILES,
)


def source_files(root: Path) -> list[str]:
    """Return the team's own files, relative and sorted: the YAML of every kind, media/,
    private/, LICENSES/, REUSE.toml and the README (regular files inside the folder)."""
    paths: set[str] = set()
    for folder in SOURCE_FOLDERS:
        paths.update(files_under(root, folder))
    for name in TOP_SOURCE_FILES:
        full = root / name
        if full.is_file() and not full.is_symlink():
            paths.add(name)
    return sorted(paths)

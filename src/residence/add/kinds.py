# SPDX-License-Identifier: EUPL-1.2
"""What `residence add` can add (note, actor, test…), where each goes, the residency it joins."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from residence import layout
from residence.errors import Problem, ResidenceError
from residence.load import load_residency
from residence.models import (
    Actor,
    Entry,
    Method,
    Model,
    Prototype,
    Relation,
    Residency,
    Scenario,
    TestSession,
)
from residence.models.common import Slug
from residence.models.residency import entry_stem

#: Fields whose text is Markdown: written as literal blocks (``body: |``).
MARKDOWN_FIELDS = frozenset(
    {
        "body",
        "description",
        "question",
        "observations",
        "learnings",
        "summary",
        "problem",
        "protocol",
        "today",
        "tomorrow",
        "purpose",
        "conditions",
    }
)


class TestDraft(TestSession):
    """A test session, with the prototype it belongs to (only in the editor's draft)."""

    __test__ = False

    prototype: Slug = Field(description="Id of the prototype tested (its file in prototypes/).")


@dataclass(frozen=True)
class Kind:
    """One kind of item `residence add` knows how to add."""

    name: str  # the command: note, actor, …
    model: type[Model]  # the model of one item (of the draft, for a test)
    what: str  # in words, for messages
    order: tuple[str, ...]  # the keys in the order of the template and the files
    home: layout.Kind  # the kind of file it goes to (its own, or the one it joins)
    container: str | None = None  # appended kinds: the list the item joins in that file
    text: str | None = None  # the long text the editor is for (last in the template)
    refs: Mapping[str, str] = field(default_factory=dict)  # key -> what it refers to

    @property
    def folder(self) -> str | None:
        """Return the folder of a new-file kind (None for an item appended to a list)."""
        return None if self.container else self.home.folder

    @property
    def required(self) -> tuple[str, ...]:
        """Return the keys the item cannot do without."""
        return tuple(k for k in self.order if field_info(self.model, k).is_required())


_FILES = layout.KINDS

KINDS: dict[str, Kind] = {
    "note": Kind(
        "note",
        Entry,
        "journal entry",
        (
            "date",
            "time",
            "title",
            "kind",
            "authors",
            "place",
            "actors",
            "prototypes",
            "methods",
            "tags",
            "visibility",
            "quotes",
            "media",
            "body",
        ),
        _FILES["journal"],
        text="body",
        refs={
            "authors": "member",
            "actors": "actor",
            "prototypes": "prototype",
            "methods": "method",
        },
    ),
    "actor": Kind(
        "actor",
        Actor,
        "actor",
        (
            "id",
            "name",
            "kind",
            "sector",
            "circle",
            "influence",
            "interest",
            "stakes",
            "personal",
            "minor",
            "description",
        ),
        _FILES["actors"],
        container="actors",
        text="description",
    ),
    "relation": Kind(
        "relation",
        Relation,
        "relation",
        ("from", "to", "kind", "note"),
        _FILES["actors"],
        container="relations",
        refs={"from": "actor", "to": "actor"},
    ),
    "prototype": Kind(
        "prototype",
        Prototype,
        "prototype",
        (
            "id",
            "title",
            "hypothesis",
            "stage",
            "fidelity",
            "created",
            "team",
            "actors",
            "methods",
            "media",
            "problem",
        ),
        _FILES["prototype"],
        text="problem",
        refs={"team": "member", "actors": "actor", "methods": "method"},
    ),
    "test": Kind(
        "test",
        TestDraft,
        "test session",
        (
            "prototype",
            "date",
            "place",
            "participants",
            "protocol",
            "decision",
            "learnings",
            "media",
            "observations",
        ),
        _FILES["prototype"],
        container="tests",
        text="observations",
        refs={"prototype": "prototype"},
    ),
    "scenario": Kind(
        "scenario",
        Scenario,
        "scenario",
        ("id", "title", "persona", "steps", "actors", "prototypes", "today", "tomorrow"),
        _FILES["scenario"],
        text="tomorrow",
        refs={"actors": "actor", "prototypes": "prototype"},
    ),
    "method": Kind(
        "method",
        Method,
        "method sheet",
        (
            "id",
            "title",
            "summary",
            "purpose",
            "phase",
            "duration",
            "participants",
            "materials",
            "steps",
            "tips",
            "examples",
            "authors",
            "source",
            "license",
        ),
        _FILES["method"],
        refs={"examples": "example"},
    ),
}

#: Where each kind of reference is looked up, for messages.
REF_PLACES = {
    "member": f"the team of {_FILES['residence'].pattern}",
    "actor": _FILES["actors"].pattern,
    "prototype": f"{_FILES['prototype'].folder}/",
    "method": f"{_FILES['method'].folder}/",
    "example": (
        f"{_FILES['journal'].folder}/ (file name without .yaml) nor {_FILES['prototype'].folder}/"
    ),
}


def field_info(model: type[Model], key: str) -> Any:
    """Return the pydantic field of a model named by its YAML key (alias or name)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    raise KeyError(key)


# -- the residency as it is --------------------------------------------------------------


#: What tells two versions of a file apart without reading it: (inode, size, mtime in ns).
Stamp = tuple[int, int, int]


def stamp_of(stat: os.stat_result) -> Stamp:
    """Return the stamp of a file from its ``os.stat`` result."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass
class Context:
    """The residency an item is added to, with the problems it already has."""

    root: Path
    residency: Residency
    load_problems: list[Problem]
    check_problems: list[Problem]
    # The files an item may be appended to, as they were just before the residency was
    # read (None: absent): a plan can tell whether it reads the same version of its file.
    stamps: dict[str, Stamp | None] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """Return the residency's language (fr by default)."""
        return self.residency.language

    def ids(self, ref: str) -> dict[str, str]:
        """Return {id: name or title} of the items a reference of this kind may name."""
        r = self.residency
        if ref == "member":
            return {m.id: m.name for m in r.residence.team} if r.residence else {}
        if ref == "actor":
            return {a.id: a.name for a in r.actors}
        if ref == "prototype":
            return {p.id: p.title for p in r.prototypes}
        if ref == "method":
            return {m.id: m.title for m in r.methods}
        if ref == "example":
            found = {entry_stem(e): e.title for e in r.entries}
            found.update({p.id: p.title for p in r.prototypes})
            return found
        raise KeyError(ref)


def load_context(root: Path) -> Context:
    """Load the residency of ``root`` and the problems it has before anything is added."""
    from residence.check import check_residency

    stamps = _stamps(root)
    residency, problems = load_residency(root)
    if residency.residence is None and layout.first_existing(root, "residence") is None:
        raise ResidenceError(
            f"'{root}' is not a residency folder (there is no residence.yaml): create one "
            "with 'residence new FOLDER --title …'",
            usage=True,
        )
    return Context(root, residency, problems, check_residency(residency), stamps)


def _stamps(root: Path) -> dict[str, Stamp | None]:
    """Return the stamps of the files actors, relations and test sessions are added to."""
    stems = {k.home.stem for k in KINDS.values() if k.container and k.home.stem}
    rels = [f"{stem}{suffix}" for stem in sorted(stems) for suffix in layout.YAML_SUFFIXES]
    for kind in KINDS.values():
        if kind.container and kind.home.folder:
            rels += layout.files_under(root, kind.home.folder)
    stamps: dict[str, Stamp | None] = {}
    for rel in rels:
        try:
            stamps[rel] = stamp_of((root / rel).stat())
        except OSError:
            stamps[rel] = None
    return stamps

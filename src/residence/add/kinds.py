# SPDX-License-Identifier: EUPL-1.2
"""What `residence add` adds (note, actor, photo, insight…), what `residence set` and
`residence tag` change, and where."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, PositiveInt

from residence import layout
from residence.errors import Problem, ResidenceError
from residence.i18n import messages
from residence.load import load_residency
from residence.models import (
    Actor,
    Consent,
    Entry,
    FollowUp,
    Handover,
    Insight,
    Media,
    Member,
    Method,
    Model,
    Prototype,
    Quote,
    Relation,
    Residency,
    Scenario,
    TestSession,
)
from residence.models.common import Date, Slug
from residence.models.residency import entry_stem
from residence.models.words import Stage

_ = messages("add")

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
        "statement",
    }
)


class TestDraft(TestSession):
    """A test session, with the prototype it belongs to (only in the editor's draft)."""

    __test__ = False

    prototype: Slug = Field(description="Id of the prototype tested (its file in prototypes/).")


class QuoteDraft(Quote):
    """A quote, with the journal entry it belongs to (only in the editor's draft)."""

    entry: Slug = Field(
        description="The journal entry where it was heard: its file name in journal/, "
        "without .yaml."
    )


class PhotoDraft(Media):
    """A photo, with the entry or prototype it goes to and the file to copy (draft only)."""

    entry: Slug | None = Field(
        default=None,
        description="The journal entry it goes to: its file name in journal/, without .yaml "
        "(or give a prototype).",
    )
    prototype: Slug | None = Field(
        default=None, description="Or the prototype it goes to (its file in prototypes/)."
    )
    source: str | None = Field(
        default=None,
        description="The file to copy into media/ as 'file' (a path on this computer); "
        "leave it out when the file is already in media/.",
    )


class HandoverDraft(Handover):
    """A handover, with the prototype it concerns (only in the editor's draft)."""

    prototype: Slug = Field(
        description="Id of the prototype handed over (its file in prototypes/)."
    )


class StageChange(Model):
    """`residence set stage`: a prototype and its new stage."""

    prototype: Slug = Field(description="Id of the prototype (its file in prototypes/).")
    stage: Stage = Field(description="idea, sketch, mock-up, live-test, adopted or abandoned.")


class DateChange(Model):
    """`residence set date`: a journal entry and its new day."""

    entry: Slug = Field(description="The journal entry: its file name in journal/, without .yaml.")
    date: Date = Field(description="Day of the entry (YYYY-MM-DD).")


class TagChange(Model):
    """`residence tag`: codes added to (or removed from) an entry, or one of its quotes."""

    entry: Slug = Field(description="The journal entry: its file name in journal/, without .yaml.")
    quote: PositiveInt | None = Field(
        default=None, description="Which of its quotes, counting from 1 (else the entry)."
    )
    tags: list[str] = Field(description="The codes (tags).")


@dataclass(frozen=True)
class Kind:
    """One kind of item `residence add` knows how to add (or `residence set` to change)."""

    name: str  # the command: note, actor, …
    model: type[Model]  # the model of one item (of the draft, when it names its file)
    what: str  # in words, for messages
    order: tuple[str, ...]  # the keys in the order of the template and the files
    home: layout.Kind  # the kind of file it goes to (its own, or the one it joins)
    container: str | None = None  # appended kinds: the list the item joins in that file
    text: str | None = None  # the long text the editor is for (last in the template)
    refs: Mapping[str, str] = field(default_factory=dict)  # key -> what it refers to
    # The keys of the draft that name the file the item goes into (not written in it):
    # ("prototype",) for a test session; a photo goes to an entry or a prototype.
    parents: tuple[str, ...] = ()
    # Kinds that set one key of an existing file rather than add to a list: the key.
    slot: str | None = None
    # Keys the command requires although the format does not (a photo's alt text).
    also_required: tuple[str, ...] = ()
    # The model of the item as written in its file, when ``model`` is a draft's.
    written: type[Model] | None = None
    command: str = "add"  # "set" (or "tag") for the kinds that change a file in place
    # Keys given as the command's arguments rather than options: key -> its name in --help.
    arguments: Mapping[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> str | None:
        """Return the folder of a new-file kind (None for an item that joins a file)."""
        return None if self.container or self.slot else self.home.folder

    @property
    def joins(self) -> bool:
        """Tell whether the item goes into an existing file (a list of it, or one key)."""
        return bool(self.container or self.slot)

    @property
    def item_model(self) -> type[Model]:
        """Return the model of the item as it is written in its file."""
        return self.written or self.model

    @property
    def required(self) -> tuple[str, ...]:
        """Return the keys the item cannot do without."""
        needed = [k for k in self.order if field_info(self.model, k).is_required()]
        return tuple(needed + [k for k in self.also_required if k not in needed])


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
            "tests",
            "handover",
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
        parents=("prototype",),
        written=TestSession,
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
    "member": Kind(
        "member",
        Member,
        "team member",
        ("id", "name", "role", "discipline", "organisation"),
        _FILES["residence"],
        container="team",
    ),
    "consent": Kind(
        "consent",
        Consent,
        "consent record",
        ("actor", "scope", "date", "guardians", "notes"),
        _FILES["consent"],
        container="consents",
        refs={"actor": "actor"},
    ),
    "quote": Kind(
        "quote",
        QuoteDraft,
        "quote",
        ("entry", "actor", "visibility", "tags", "text"),
        _FILES["journal"],
        container="quotes",
        text="text",
        refs={"entry": "entry", "actor": "actor"},
        parents=("entry",),
        written=Quote,
    ),
    "photo": Kind(
        "photo",
        PhotoDraft,
        "photo",
        ("entry", "prototype", "source", "file", "alt", "caption", "credit", "people"),
        _FILES["journal"],
        container="media",
        refs={"entry": "entry", "prototype": "prototype", "people": "actor"},
        parents=("entry", "prototype"),
        also_required=("alt",),
        written=Media,
        arguments={"source": "FILE"},
    ),
    "insight": Kind(
        "insight",
        Insight,
        "insight",
        (
            "id",
            "title",
            "evidence",
            "tags",
            "week",
            "phase",
            "prototypes",
            "visibility",
            "statement",
        ),
        _FILES["insight"],
        text="statement",
        refs={"prototypes": "prototype"},
    ),
    "handover": Kind(
        "handover",
        HandoverDraft,
        "handover",
        ("prototype", "to", "date", "conditions"),
        _FILES["prototype"],
        slot="handover",
        text="conditions",
        refs={"prototype": "prototype", "to": "actor"},
        parents=("prototype",),
        written=Handover,
        arguments={"prototype": "PROTOTYPE"},
    ),
    "follow-up": Kind(
        "follow-up",
        FollowUp,
        "follow-up visit",
        ("date", "by", "observations"),
        _FILES["residence"],
        container="follow_ups",
        text="observations",
    ),
    # `residence set`: one value of an existing file, changed in place.
    "stage": Kind(
        "stage",
        StageChange,
        "stage",
        ("prototype", "stage"),
        _FILES["prototype"],
        slot="stage",
        refs={"prototype": "prototype"},
        parents=("prototype",),
        command="set",
        arguments={"prototype": "PROTOTYPE", "stage": "STAGE"},
    ),
    "date": Kind(
        "date",
        DateChange,
        "date",
        ("entry", "date"),
        _FILES["journal"],
        slot="date",
        refs={"entry": "entry"},
        parents=("entry",),
        command="set",
        arguments={"entry": "ENTRY", "date": "DATE"},
    ),
    # `residence tag`: the codes of an entry (or of one of its quotes), changed in place.
    "tag": Kind(
        "tag",
        TagChange,
        "tags",
        ("entry", "quote", "tags"),
        _FILES["journal"],
        slot="tags",
        refs={"entry": "entry"},
        parents=("entry",),
        command="tag",
        arguments={"entry": "ENTRY", "tags": "TAG"},
    ),
}

#: The kinds `residence add` adds (the others are changed by `residence set`).
ADDED = tuple(k for k, spec in KINDS.items() if spec.command == "add")


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
        if ref == "entry":
            return {entry_stem(e): e.title for e in r.entries}
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
            _(
                "'{folder}' is not a residency folder (there is no residence.yaml): create one "
                "with 'residence new FOLDER --title …'",
                folder=root,
            ),
            usage=True,
        )
    return Context(root, residency, problems, check_residency(residency), stamps)


def _stamps(root: Path) -> dict[str, Stamp | None]:
    """Return the stamps of the files items are added to (actors.yaml, prototypes…)."""
    stems = {k.home.stem for k in KINDS.values() if k.joins and k.home.stem}
    rels = [f"{stem}{suffix}" for stem in sorted(stems) for suffix in layout.YAML_SUFFIXES]
    folders = {k.home.folder for k in KINDS.values() if k.joins and k.home.folder}
    for folder in sorted(folders):
        rels += layout.files_under(root, folder)
    stamps: dict[str, Stamp | None] = {}
    for rel in rels:
        try:
            stamps[rel] = stamp_of((root / rel).stat())
        except OSError:
            stamps[rel] = None
    return stamps

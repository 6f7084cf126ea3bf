"""The whole residency folder as one value, with where each item came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residence.models.actors import Actor, Relation
from residence.models.common import Model
from residence.models.consent import Consent
from residence.models.insight import Insight
from residence.models.journal import Entry
from residence.models.method import Method
from residence.models.prototype import Prototype
from residence.models.residence import Residence
from residence.models.scenario import Scenario
from residence.vocabulary import SCOPES


def source_of(item: Model) -> str:
    """Return the residency-relative path of the file an item was read from."""
    # Read the private attribute directly: pydantic's __getattr__ is slow, and this runs
    # for every item of a large residency.
    private = getattr(item, "__pydantic_private__", None)
    return (private.get("_source") if private else None) or ""


def set_source(item: Model, path: str) -> None:
    """Record the residency-relative path of the file an item was read from."""
    item._source = path


def source_stem(item: Model) -> str:
    """Return the name of the file an item was read from, without folder or extension."""
    name = source_of(item).rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name  # as posixpath.splitext, for names of .yaml files


def journal_order(entry: Entry) -> tuple[Any, ...]:
    """Return the key the journal is sorted by: day, time, then file."""
    return (entry.date, entry.time or "", source_of(entry))


def entry_stem(entry: Entry) -> str:
    """Return the journal file name of an entry without its extension (its reference)."""
    return source_stem(entry)


@dataclass
class Residency:
    """Everything a residency folder holds, once loaded.

    ``nodes`` maps each file's relative path to its YAML root node, so that problems found
    later (a dangling reference, say) can still point at a line and column.
    """

    root: Path
    residence: Residence | None = None
    actors: list[Actor] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    prototypes: list[Prototype] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    methods: list[Method] = field(default_factory=list)
    insights: list[Insight] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    nodes: dict[str, Any] = field(default_factory=dict, repr=False)
    files: list[str] = field(default_factory=list)  # every YAML file read
    failed: list[str] = field(default_factory=list)  # files read that could not be loaded
    edition: str = "source"  # "source" as loaded; "public" or "team" after the gate
    pseudonyms: dict[str, str] = field(default_factory=dict)  # actor id -> pseudonym

    @property
    def language(self) -> str:
        """Return the report language (fr by default)."""
        return self.residence.language if self.residence else "fr"

    def actor(self, actor_id: str) -> Actor | None:
        """Return the actor with this id, if any."""
        return next((a for a in self.actors if a.id == actor_id), None)

    def consent_for(self, actor_id: str) -> Consent | None:
        """Return the consent record that counts for an actor: the most recent by date.

        A withdrawal dated after a public consent withdraws it, whatever the order of the
        file. Records that cannot be ordered — of the same date, or without a date — give
        way to the most restrictive of them (none, then internal, then public): a missed
        withdrawal cannot be unpublished, a missed consent only hides a name.
        """
        found = [c for c in self.consents if c.actor == actor_id]
        if not found:
            return None
        unordered = [c for c in found if c.date is None]
        dated = [c for c in found if c.date is not None]
        if dated:
            latest = max(c.date for c in dated if c.date is not None)
            unordered += [c for c in dated if c.date == latest]
        return min(unordered, key=lambda c: (SCOPES.index(c.scope), c.guardians))


#: The editions the privacy gate makes.
EDITIONS = ("public", "team")


@dataclass
class Published(Residency):
    """A residency as the privacy gate let it through: the only input of every output.

    Made by :func:`residence.gate.select_edition` alone. Every function that writes
    something a reader may see (the report, its PDF, the method sheets, the map's exports,
    the archive, the catalogue) takes a ``Published``, so that mypy refuses a raw residency
    there. In the public edition it holds no consent record, no file node and no raw file
    list, and ``scopes`` tells, for each person met, what the gate decided: ``public`` (named)
    or ``none`` (a pseudonym) — what an archive or the catalogue needs to make the same
    edition again (:func:`residence.gate.republish`), without the consent records.
    """

    #: Public edition: {actor id: "public" | "none"} for each personal actor.
    scopes: dict[str, str] = field(default_factory=dict, metadata={"words": SCOPES})
    #: Public edition: {media path: the cleaned bytes to publish instead of the file's}.
    media: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: Public edition: what the gate left out that a reader will not see, in words.
    left_out: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.edition not in EDITIONS:
            raise TypeError("a Published residency is made by residence.gate.select_edition")
        if self.edition == "public" and (self.consents or self.nodes or self.files):
            raise TypeError("a public edition holds no consent record and no raw file data")

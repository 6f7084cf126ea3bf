"""journal/*.yaml: one entry of the daily journal per file."""

from __future__ import annotations

from pydantic import Field

from residence.models.common import Date, Markdown, Media, Model, Slug, Time
from residence.models.words import EntryKind, Visibility


class Quote(Model):
    """Words heard on site, attributed to an actor."""

    actor: Slug = Field(description="Id of the actor who said it (from actors.yaml).")
    text: str = Field(description="The words, as heard.")
    visibility: Visibility = Field(
        default="public", description="public, or team: never published."
    )
    tags: list[str] = Field(default_factory=list, description="Codes (tags) of these words.")


class Entry(Model):
    """A journal entry: what was seen, heard, tried or thought on one day."""

    date: Date = Field(description="Day of the entry (YYYY-MM-DD), inside one of the weeks.")
    time: Time | None = Field(default=None, description='Time of day, as "HH:MM" (optional).')
    title: str = Field(description="A short title.")
    kind: EntryKind = Field(
        description="observation, interview, workshop, meeting, test or reflection."
    )
    authors: list[Slug] = Field(
        min_length=1, description="Ids of the team members who wrote it (from residence.yaml)."
    )
    place: str | None = Field(default=None, description="Where it happened.")
    actors: list[Slug] = Field(
        default_factory=list, description="Ids of the actors met or concerned."
    )
    prototypes: list[Slug] = Field(
        default_factory=list, description="Ids of the prototypes concerned."
    )
    methods: list[Slug] = Field(default_factory=list, description="Ids of the methods used.")
    tags: list[str] = Field(default_factory=list, description="Free tags, also codes for insights.")
    visibility: Visibility = Field(
        default="public",
        description="public, or team: a team entry never reaches a public edition.",
    )
    body: Markdown = Field(description="The entry itself (Markdown).")
    quotes: list[Quote] = Field(
        default_factory=list, description="Words heard, with who said them."
    )
    media: list[Media] = Field(default_factory=list, description="Photos, sketches and scans.")

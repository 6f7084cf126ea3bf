"""insights/<id>.yaml: what the team learned, with the evidence it rests on."""

from __future__ import annotations

from pydantic import Field, PositiveInt

from residence.models.common import Markdown, Model, Slug
from residence.models.words import Phase, Visibility


class Evidence(Model):
    """One piece of evidence: a journal entry (one of its quotes, optionally) or a test."""

    entry: Slug | None = Field(
        default=None,
        description="The journal entry, by its file name without .yaml "
        "(for example 2026-01-13-file-attente).",
    )
    quote: PositiveInt | None = Field(
        default=None, description="With entry: which of its quotes, counting from 1."
    )
    prototype: Slug | None = Field(default=None, description="Or a prototype, by its id.")
    test: PositiveInt | None = Field(
        default=None, description="With prototype: which of its test sessions, counting from 1."
    )


class Insight(Model):
    """A finding of the residency (a "piste"), backed by what was seen and heard."""

    id: Slug = Field(description="A short id, the same as the file name.")
    title: str = Field(description="The finding, in one sentence.")
    statement: Markdown = Field(description="What the team learned, explained (Markdown).")
    evidence: list[Evidence] = Field(
        default_factory=list,
        description="What it rests on: journal entries (and their quotes) or prototype tests.",
    )
    tags: list[str] = Field(default_factory=list, description="Codes (tags) it belongs to.")
    week: PositiveInt | None = Field(default=None, description="The week it came from (1, 2, 3…).")
    phase: Phase | None = Field(
        default=None, description="Or the phase it came from (immersion, analysis…)."
    )
    prototypes: list[Slug] = Field(
        default_factory=list, description="Ids of the prototypes that answer it."
    )
    visibility: Visibility = Field(
        default="public",
        description="public, or team: a team insight never reaches a public edition.",
    )

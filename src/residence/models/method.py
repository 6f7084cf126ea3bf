"""methods/<id>.yaml: an open method sheet."""

from __future__ import annotations

from pydantic import Field

from residence.models.common import Markdown, Model, Slug
from residence.models.words import Phase


class Method(Model):
    """An open method sheet that other teams can reuse."""

    id: Slug = Field(description="A short id, the same as the file name.")
    title: str = Field(description="The method's name.")
    summary: Markdown = Field(description="What the method is, in two or three sentences.")
    purpose: Markdown | None = Field(default=None, description="What it is for.")
    phase: Phase | None = Field(
        default=None,
        description="immersion, analysis, prototyping, testing or transfer.",
    )
    duration: str | None = Field(default=None, description='How long it takes, for example "2 h".')
    participants: str | None = Field(default=None, description="Who takes part, and how many.")
    materials: list[str] = Field(default_factory=list, description="What to bring.")
    steps: list[str] = Field(min_length=1, description="The steps, in order.")
    tips: list[str] = Field(default_factory=list, description="Advice from experience.")
    examples: list[str] = Field(
        default_factory=list,
        description="Where it was used: journal entry file names (without .yaml) or prototype ids.",
    )
    authors: list[str] = Field(default_factory=list, description="Who wrote the sheet (names).")
    source: str | None = Field(
        default=None, description="Where the method comes from, for attribution."
    )
    license: str | None = Field(
        default=None,
        description="SPDX id of the sheet's licence; by default the residency's.",
    )

"""prototypes/<id>.yaml: a prototype, its test sessions and its handover."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from residence.models.common import Date, Markdown, Media, Model, Slug
from residence.models.words import Decision, Stage


class TestSession(Model):
    """One test of a prototype with real users or staff."""

    __test__ = False  # not a pytest test class

    date: Date = Field(description="Day of the test (YYYY-MM-DD).")
    place: str | None = Field(default=None, description="Where the test took place.")
    participants: str | None = Field(
        default=None, description='Who took part, for example "12 patients, 3 agents".'
    )
    protocol: Markdown | None = Field(default=None, description="How the test was run.")
    observations: Markdown | None = Field(default=None, description="What was seen (Markdown).")
    learnings: Markdown | None = Field(default=None, description="What was learned (Markdown).")
    decision: Decision = Field(description="iterate, adopt, abandon or continue.")
    media: list[Media] = Field(default_factory=list, description="Photos of the test.")


class Handover(Model):
    """Who carries the prototype on after the residency, and on what conditions."""

    to: list[Slug] = Field(min_length=1, description="Ids of the actors who carry it on.")
    date: Date | None = Field(default=None, description="Date of the handover (YYYY-MM-DD).")
    conditions: Markdown | None = Field(
        default=None, description="Budget, support, what is still missing (Markdown)."
    )


class Prototype(Model):
    """A prototype of a new service, from idea to adoption."""

    id: Slug = Field(description="A short id, the same as the file name.")
    title: str = Field(description="The prototype's name.")
    hypothesis: str = Field(description='What it tests: "si … alors …" (if … then …).')
    problem: Markdown | None = Field(default=None, description="The problem it answers (Markdown).")
    stage: Stage = Field(description="idea, sketch, mock-up, live-test, adopted or abandoned.")
    fidelity: Literal["low", "medium", "high"] | None = Field(
        default=None, description="How finished it is: low, medium or high."
    )
    created: Date | None = Field(default=None, description="When the idea was born (YYYY-MM-DD).")
    team: list[Slug] = Field(default_factory=list, description="Ids of the team members on it.")
    actors: list[Slug] = Field(default_factory=list, description="Ids of the actors concerned.")
    methods: list[Slug] = Field(default_factory=list, description="Ids of the methods used.")
    media: list[Media] = Field(default_factory=list, description="Photos, sketches and scans.")
    tests: list[TestSession] = Field(default_factory=list, description="The test sessions.")
    handover: Handover | None = Field(
        default=None, description="Who carries it on after the residency."
    )

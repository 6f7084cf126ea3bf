"""scenarios/<id>.yaml: a usage scenario, today and tomorrow."""

from __future__ import annotations

from pydantic import Field

from residence.models.common import Markdown, Model, Slug


class Scenario(Model):
    """A usage scenario: a persona's situation today and with the proposed service."""

    id: Slug = Field(description="A short id, the same as the file name.")
    title: str = Field(description="The scenario's title.")
    persona: str = Field(description="A fictional or pseudonymised person, in a sentence.")
    today: Markdown = Field(description="The situation now (Markdown).")
    tomorrow: Markdown = Field(description="The situation with the proposed service (Markdown).")
    steps: list[str] = Field(default_factory=list, description="The steps of the scenario.")
    actors: list[Slug] = Field(default_factory=list, description="Ids of the actors involved.")
    prototypes: list[Slug] = Field(
        default_factory=list, description="Ids of the prototypes it relies on."
    )

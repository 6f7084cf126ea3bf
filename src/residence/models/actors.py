"""actors.yaml: the actor map, its actors and their relations."""

from __future__ import annotations

from pydantic import Field

from residence.models.common import Markdown, Model, Scale, Slug
from residence.models.words import ActorKind, Circle, RelationKind, Sector


class Actor(Model):
    """Someone or something with a stake in the question: a body, a service, a person."""

    id: Slug = Field(description="A short id used elsewhere, for example proviseur.")
    name: str = Field(description="The actor's name.")
    kind: ActorKind = Field(
        description="institution, service, elected, agent, association, company, inhabitant, "
        "user or person."
    )
    sector: Sector = Field(description="public, private, civil-society or users.")
    circle: Circle = Field(
        description="Distance to the question, the rings of the map: core, direct or indirect."
    )
    influence: Scale | None = Field(
        default=None, description="Influence on the question, from 1 (low) to 5 (high)."
    )
    interest: Scale | None = Field(
        default=None, description="Interest in the question, from 1 (low) to 5 (high)."
    )
    stakes: list[str] = Field(default_factory=list, description="The actor's stakes (enjeux).")
    description: Markdown | None = Field(default=None, description="Who they are (Markdown).")
    personal: bool = Field(
        default=False,
        description="true for an identifiable individual: their name is published only with "
        "a public consent.",
    )
    minor: bool = Field(
        default=False,
        description="true for a person under 18: a public consent also needs guardians: true.",
    )


class Relation(Model):
    """A link between two actors on the map."""

    from_: Slug = Field(alias="from", description="Id of the first actor.")
    to: Slug = Field(description="Id of the second actor.")
    kind: RelationKind = Field(
        description="cooperation, tension, funding, authority, information or service."
    )
    note: str | None = Field(default=None, description="What the link is about.")


class ActorsFile(Model):
    """actors.yaml: the actors and their relations."""

    actors: list[Actor] = Field(default_factory=list, description="The actors.")
    relations: list[Relation] = Field(
        default_factory=list, description="The relations between actors."
    )

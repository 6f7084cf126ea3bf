"""residence.yaml: what, where, when, who."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from residence.i18n import messages
from residence.models.common import Date, Markdown, Model, Slug
from residence.models.words import Role
from residence.vocabulary import Language, Programme

_ = messages("problems")


class Week(Model):
    """One week of immersion on site."""

    number: int = Field(ge=1, description="The week's number: 1, 2, 3… in order.")
    start: Date = Field(description="First day of the week on site (YYYY-MM-DD).")
    end: Date = Field(description="Last day of the week on site (YYYY-MM-DD), not before start.")
    focus: str | None = Field(
        default=None,
        description='What the week is for, for example "Rencontrer et analyser", '
        '"Prototyper et tester" or "Transférer".',
    )


class Member(Model):
    """A member of the residency team."""

    id: Slug = Field(description="A short id used in journal entries, for example claire.")
    name: str = Field(description="The member's name as it appears in the credits.")
    role: Role = Field(
        description="resident, agent (the local authority's own agent), coordinator or guest."
    )
    discipline: str | None = Field(
        default=None, description="The member's trade: designer, sociologist, architect…"
    )
    organisation: str | None = Field(
        default=None, description="The member's studio, lab or department."
    )


class FollowUp(Model):
    """A visit months after the residency: what became of the prototypes."""

    date: Date = Field(description="Date of the visit (YYYY-MM-DD).")
    by: str = Field(description="Who made the visit.")
    observations: Markdown = Field(description="What the visit found (Markdown).")


class Residence(Model):
    """residence.yaml: the residency itself — what, where, when and who."""

    format: int = Field(
        json_schema_extra={"const": 1}, description="Version of the folder format: always 1."
    )
    id: Slug = Field(description="Stable identifier, used in archives and the catalogue.")
    title: str = Field(description="Title of the residency.")
    programme: Programme = Field(
        description="territoires-en-residences, la-transfo, la-pointeuse or other."
    )
    host: str = Field(
        description='The commissioning public body, for example "Conseil départemental du '
        'Val-de-Marne".'
    )
    site: str = Field(
        description="The place of immersion: a high school, a hospital, a one-stop office…"
    )
    territory: str | None = Field(default=None, description="City, département or region.")
    theme: str | None = Field(default=None, description="The theme, in a few words.")
    question: Markdown = Field(
        description="The starting question the residency works on (Markdown)."
    )
    language: Language = Field(default="fr", description="Language of the reports.")
    license: str = Field(
        default="CC-BY-SA-4.0",
        description="SPDX id of the licence of everything published (CC-BY-SA-4.0 by default).",
    )
    accent: str | None = Field(
        default=None,
        pattern=r"^#[0-9a-fA-F]{6}$",
        description="Accent colour of the report, as #rrggbb (optional).",
    )
    cover: str | None = Field(
        default=None,
        description="Path of the photo shown on the report's cover (optional, inside media/).",
    )
    weeks: list[Week] = Field(
        min_length=1,
        description="The weeks of immersion, usually three, numbered 1, 2, 3 in order.",
    )
    team: list[Member] = Field(
        min_length=1, description="The team: residents, the local agent, coordinators, guests."
    )
    partners: list[str] = Field(default_factory=list, description="Partner organisations.")
    keywords: list[str] = Field(default_factory=list, description="Keywords for the catalogue.")

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != 1:
            raise PydanticCustomError(
                "format_version",
                _("this is format {value}; this version of residence reads format 1"),
                {"value": value},
            )
        return value

    follow_ups: list[FollowUp] = Field(
        default_factory=list,
        description="Visits months later: what became of the prototypes.",
    )

"""private/consent.yaml: the consent records of the people met."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from residence.models.common import Date, Model, Slug
from residence.models.words import Scope


class Consent(Model):
    """What one person agreed to: how their name, words and picture may be used."""

    actor: Slug = Field(description="Id of a personal actor (personal: true in actors.yaml).")
    scope: Scope = Field(description="none, internal (the team only) or public (may be published).")
    date: Date | None = Field(
        default=None,
        description="When consent was given or withdrawn (YYYY-MM-DD). When a person has "
        "several records, the most recent counts.",
    )
    guardians: bool = Field(
        default=False,
        description="For a minor: every holder of parental authority agreed. Without it, a "
        "public consent counts as internal.",
    )
    notes: str | None = Field(default=None, description="Anything worth remembering.")

    def allows_public(self, minor: bool) -> bool:
        """Tell whether this consent lets the person's name be published."""
        return self.scope == "public" and (self.guardians or not minor)


class ConsentScopes(Model):
    """consent-scopes.yaml: what a public edition was made with, written in its archive."""

    scopes: dict[Slug, Literal["public", "none"]] = Field(
        default_factory=dict,
        description="For each person met (personal: true), what the public edition did: "
        "public (named) or none (a pseudonym). Written by residence archive; never the "
        "consent records themselves.",
    )


class ConsentFile(Model):
    """private/consent.yaml: the consent records."""

    consents: list[Consent] = Field(default_factory=list, description="The consent records.")

"""Pydantic models, one module per YAML file kind; no I/O."""

from __future__ import annotations

from residence.models.actors import Actor, ActorsFile, Relation
from residence.models.common import Media, Model
from residence.models.consent import Consent, ConsentFile, ConsentScopes
from residence.models.insight import Evidence, Insight
from residence.models.journal import Entry, Quote
from residence.models.method import Method
from residence.models.prototype import Handover, Prototype, TestSession
from residence.models.residence import FollowUp, Member, Residence, Week
from residence.models.residency import Published, Residency
from residence.models.scenario import Scenario
from residence.text import slugify

#: The file kinds of FORMAT.md: kind name -> model of one file.
FILE_KINDS: dict[str, type[Model]] = {
    "residence": Residence,
    "actors": ActorsFile,
    "journal": Entry,
    "prototype": Prototype,
    "scenario": Scenario,
    "method": Method,
    "insight": Insight,
    "consent": ConsentFile,
}

__all__ = [
    "FILE_KINDS",
    "Actor",
    "ActorsFile",
    "Consent",
    "ConsentFile",
    "ConsentScopes",
    "Entry",
    "Evidence",
    "FollowUp",
    "Handover",
    "Insight",
    "Media",
    "Member",
    "Method",
    "Model",
    "Prototype",
    "Published",
    "Quote",
    "Relation",
    "Residence",
    "Residency",
    "Scenario",
    "TestSession",
    "Week",
    "slugify",
]

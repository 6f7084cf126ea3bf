# SPDX-License-Identifier: EUPL-1.2
"""What the actor map shows: the sector, circle and relation codes, their labels, shapes.

The labels are English source strings, translated with the "report" catalogue. The codes
come from the models, in their order.
"""

from __future__ import annotations

from typing import get_args

from residence.models import Published
from residence.models.actors import Actor, Relation
from residence.vocabulary import Circle, RelationKind, Sector

SECTORS: tuple[str, ...] = get_args(Sector)  # public, private, civil-society, users
CIRCLES: tuple[str, ...] = get_args(Circle)  # core, direct, indirect
RELATION_KINDS: tuple[str, ...] = get_args(RelationKind)

#: English source strings of the labels (translated with the "report" catalogue).
SECTOR_NAMES = {
    "public": "Public sector",
    "private": "Private sector",
    "civil-society": "Civil society",
    "users": "Users",
}

CIRCLE_NAMES = {"core": "Core", "direct": "Direct circle", "indirect": "Indirect circle"}

RING_NAMES = {"core": "Core", "direct": "Direct", "indirect": "Indirect"}  # short, on the map

SECTOR_LABELS = {  # short, on the map
    "public": "Public",
    "private": "Private",
    "civil-society": "Civil society",
    "users": "Users",
}

RELATION_NAMES = {
    "cooperation": "Cooperation",
    "tension": "Tension",
    "funding": "Funding",
    "authority": "Authority",
    "information": "Information",
    "service": "Service",
}

KIND_NAMES = {
    "institution": "Institution",
    "service": "Service",
    "elected": "Elected official",
    "agent": "Agent",
    "association": "Association",
    "company": "Company",
    "inhabitant": "Inhabitant",
    "user": "User",
    "person": "Person",
}

SHAPE_NAMES = {"square": "Organisation", "circle": "Person", "triangle": "Group of people"}


def actor_shape(actor: Actor) -> str:
    """Return the marker shape of an actor: square, circle (a person) or triangle (a group)."""
    if actor.kind in ("institution", "service", "company", "association"):
        return "square"
    if actor.personal or actor.kind in ("person", "elected", "agent"):
        return "circle"
    return "triangle"


def known_relations(residency: Published) -> list[Relation]:
    """Return the relations whose two ends are actors of the residency (of its edition)."""
    ids = {a.id for a in residency.actors}
    return [r for r in residency.relations if r.from_ in ids and r.to in ids]

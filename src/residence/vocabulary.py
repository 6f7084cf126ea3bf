# SPDX-License-Identifier: EUPL-1.2
"""The fixed words of the format: kinds, stages, sectors, decisions… one Literal each.

The models type their fields with these, the command line makes its choices from them, the
reports label them. They live here, apart from the models, so that reading them costs no
pydantic import (``residence --help`` and ``residence verify`` need them, not the models).
"""

from __future__ import annotations

import typing
from typing import Literal

#: The programme a residency belongs to (La 27e Région's formats).
Programme = Literal["territoires-en-residences", "la-transfo", "la-pointeuse", "other"]
#: The programmes' names, as the report's cover and the catalogue show them (proper names:
#: the same in every language).
PROGRAMME_NAMES: dict[str, str] = {
    "territoires-en-residences": "Territoires en résidences",
    "la-transfo": "La Transfo",
    "la-pointeuse": "La Pointeuse",
}
#: A team member's role.
Role = Literal["resident", "agent", "coordinator", "guest"]
#: The language of the reports.
Language = Literal["fr", "en"]
#: Who may read an item: anyone (public) or the team only.
Visibility = Literal["public", "team"]
#: The kind of a journal entry.
EntryKind = Literal["observation", "interview", "workshop", "meeting", "test", "reflection"]
#: The phase of the residency a method belongs to.
Phase = Literal["immersion", "analysis", "prototyping", "testing", "transfer"]
#: The kind of an actor.
ActorKind = Literal[
    "institution",
    "service",
    "elected",
    "agent",
    "association",
    "company",
    "inhabitant",
    "user",
    "person",
]
#: The sector of an actor on the map.
Sector = Literal["public", "private", "civil-society", "users"]
#: How close an actor stands to the question (the map's rings).
Circle = Literal["core", "direct", "indirect"]
#: The kind of a relation between two actors.
RelationKind = Literal["cooperation", "tension", "funding", "authority", "information", "service"]
#: Where a prototype stands.
Stage = Literal["idea", "sketch", "mock-up", "live-test", "adopted", "abandoned"]
#: What a test session decided.
Decision = Literal["iterate", "adopt", "abandon", "continue"]
#: What a person agreed to.
Scope = Literal["none", "internal", "public"]
#: The scopes from the most restrictive to the most open.
SCOPES: tuple[Scope, ...] = typing.get_args(Scope)
#: The kinds of item the catalogue indexes (besides an entry's own kind).
ItemKind = Literal["residency", "entry", "prototype", "scenario", "method", "insight"]


#: The French words a team may write for each fixed word, in files and on the command line
#: (read without case or accents: "Réunion", "reunion" and "RÉUNION" are one; spaces and
#: hyphens alike). The files keep what was written; every output uses the word's label.
FRENCH_WORDS: dict[str, dict[str, str]] = {
    "EntryKind": {
        "observation": "observation",
        "entretien": "interview",
        "interview": "interview",
        "atelier": "workshop",
        "réunion": "meeting",
        "rencontre": "meeting",
        "test": "test",
        "réflexion": "reflection",
    },
    "Decision": {
        "itérer": "iterate",
        "itéré": "iterate",
        "à itérer": "iterate",
        "adopter": "adopt",
        "adopté": "adopt",
        "abandonner": "abandon",
        "abandonné": "abandon",
        "continuer": "continue",
        "poursuivre": "continue",
        "poursuivi": "continue",
    },
    "Stage": {
        "idée": "idea",
        "esquisse": "sketch",
        "croquis": "sketch",
        "maquette": "mock-up",
        "test en situation": "live-test",
        "test grandeur nature": "live-test",
        "en test": "live-test",
        "adopté": "adopted",
        "abandonné": "abandoned",
    },
    "Sector": {
        "public": "public",
        "privé": "private",
        "société civile": "civil-society",
        "usagers": "users",
        "usager": "users",
    },
    "Circle": {"cœur": "core", "direct": "direct", "indirect": "indirect"},
    "Scope": {"aucun": "none", "aucune": "none", "interne": "internal", "public": "public"},
    "ActorKind": {
        "institution": "institution",
        "service": "service",
        "élu": "elected",
        "élue": "elected",
        "agent": "agent",
        "association": "association",
        "entreprise": "company",
        "habitant": "inhabitant",
        "habitante": "inhabitant",
        "usager": "user",
        "usagère": "user",
        "personne": "person",
    },
    "RelationKind": {
        "coopération": "cooperation",
        "tension": "tension",
        "financement": "funding",
        "autorité": "authority",
        "information": "information",
        "service": "service",
    },
    "Phase": {
        "immersion": "immersion",
        "analyse": "analysis",
        "prototypage": "prototyping",
        "test": "testing",
        "tests": "testing",
        "transfert": "transfer",
    },
    "Role": {
        "résident": "resident",
        "résidente": "resident",
        "agent": "agent",
        "coordinateur": "coordinator",
        "coordinatrice": "coordinator",
        "invité": "guest",
        "invitée": "guest",
    },
    "Visibility": {"publique": "public", "public": "public", "équipe": "team"},
}

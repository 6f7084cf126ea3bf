# SPDX-License-Identifier: EUPL-1.2
"""The format's fixed words as field types: the English word, or its French words.

A team writes "entretien", "Réunion" or "cœur" as readily as "interview", "meeting" or
"core": each type here reads the French words of residence.vocabulary.FRENCH_WORDS (without
case or accents) and stores the English word. The JSON Schemas list both, so that editors
accept what ``residence check`` accepts.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from residence import vocabulary as v
from residence.text import fold


def _key(value: str) -> str:
    """Return a word as the tables know it: folded, its words joined by hyphens."""
    return re.sub(r"[\s_]+", "-", fold(value.strip()))


def _reader(literal: Any, name: str) -> Callable[[Any], Any]:
    """Return the validator that turns a French word of ``literal`` into its English word."""
    table = {_key(k): w for k, w in v.FRENCH_WORDS.get(name, {}).items()}
    table.update({c: c for c in typing.get_args(literal)})

    def to_word(value: Any) -> Any:
        return table.get(_key(value), value) if isinstance(value, str) else value

    return to_word


def _schema(literal: Any, name: str) -> dict[str, Any]:
    canonical = list(typing.get_args(literal))
    french = sorted(set(v.FRENCH_WORDS.get(name, {})) - set(canonical))
    return {"type": "string", "enum": [*canonical, *french]}


def french_words(word: str) -> dict[str, str]:
    """Return {French word as folded: English word} for a fixed word's name (for hints)."""
    return {_key(k): w for k, w in v.FRENCH_WORDS.get(word, {}).items()}


def _read(literal: Any, name: str) -> BeforeValidator:
    return BeforeValidator(_reader(literal, name))


def _list(literal: Any, name: str) -> WithJsonSchema:
    return WithJsonSchema(_schema(literal, name))


EntryKind = Annotated[v.EntryKind, _read(v.EntryKind, "EntryKind"), _list(v.EntryKind, "EntryKind")]
Decision = Annotated[v.Decision, _read(v.Decision, "Decision"), _list(v.Decision, "Decision")]
Stage = Annotated[v.Stage, _read(v.Stage, "Stage"), _list(v.Stage, "Stage")]
Sector = Annotated[v.Sector, _read(v.Sector, "Sector"), _list(v.Sector, "Sector")]
Circle = Annotated[v.Circle, _read(v.Circle, "Circle"), _list(v.Circle, "Circle")]
Scope = Annotated[v.Scope, _read(v.Scope, "Scope"), _list(v.Scope, "Scope")]
ActorKind = Annotated[v.ActorKind, _read(v.ActorKind, "ActorKind"), _list(v.ActorKind, "ActorKind")]
RelationKind = Annotated[
    v.RelationKind, _read(v.RelationKind, "RelationKind"), _list(v.RelationKind, "RelationKind")
]
Phase = Annotated[v.Phase, _read(v.Phase, "Phase"), _list(v.Phase, "Phase")]
Role = Annotated[v.Role, _read(v.Role, "Role"), _list(v.Role, "Role")]
Visibility = Annotated[
    v.Visibility, _read(v.Visibility, "Visibility"), _list(v.Visibility, "Visibility")
]

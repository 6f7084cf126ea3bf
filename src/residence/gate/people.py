# SPDX-License-Identifier: EUPL-1.2
"""Who the gate protects, their pseudonyms, and the names a public output must not hold."""

from __future__ import annotations

from residence.gate.names import (
    _NAME_SEPARATORS,
    _identifying_tokens,
    _tokens,
)
from residence.i18n import translator
from residence.models import Actor, Residency

# -- who is protected ------------------------------------------------------------------------


def protected_actors(residency: Residency) -> list[Actor]:
    """Return the personal actors without a valid public consent, in actors.yaml order."""
    found = []
    for actor in residency.actors:
        if not actor.personal:
            continue
        consent = residency.consent_for(actor.id)
        if consent is None or not consent.allows_public(actor.minor):
            found.append(actor)
    return found


def letter_label(index: int) -> str:
    """Return the letters of the n-th pseudonym (0 -> A, 25 -> Z, 26 -> AA, 27 -> AB…)."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def pseudonym_for(index: int, language: str) -> str:
    """Return the n-th pseudonym in a language: "Personne A" (fr), "Person A" (en)…"""
    return translator(language, "report").gettext("Person {letter}", letter=letter_label(index))


def pseudonyms_of(residency: Residency) -> dict[str, str]:
    """Return {source actor id: pseudonym} of the protected actors, stable across runs."""
    return {
        actor.id: pseudonym_for(index, residency.language)
        for index, actor in enumerate(protected_actors(residency))
    }


def protected_names(source: Residency) -> list[str]:
    """Return the names that must not appear in a public output: full names, then parts.

    Each protected actor gives its full name and every identifying part of it (see the
    module docstring for what is not identifying). Feed them to :func:`find_leaks`.
    """
    found: dict[str, None] = {}
    for actor in protected_actors(source):
        identifying = _identifying_tokens(actor.name)
        found.setdefault(actor.name.strip(), None)
        for word in actor.name.split():
            pieces = [p for p in _NAME_SEPARATORS.split(word) if _tokens(p)]
            if len(pieces) > 1 and identifying.intersection(_tokens(word)):
                found.setdefault(word.strip(".,;:()"), None)
            for piece in pieces:
                if identifying.intersection(_tokens(piece)):
                    found.setdefault(piece, None)
    return [name for name in found if name]


def kept_names(source: Residency) -> list[str]:
    """Return the full names kept even if they share a part with a protected name.

    These are the team members and the personal actors who agreed to be named.
    """
    names = [m.name for m in source.residence.team] if source.residence else []
    protected = {a.id for a in protected_actors(source)}
    names += [a.name for a in source.actors if a.personal and a.id not in protected]
    return names

# SPDX-License-Identifier: EUPL-1.2
"""The privacy gate: a loaded residency + "public" | "team" -> the residency that may be published.

Every output (HTML, PDF, method sheets, actor map, archive, catalogue) is made from the result
of :func:`select_edition`, never from the raw residency: privacy is one gate here, not a check
repeated in each renderer.

The **public** edition (the default of every command):

- drops what is marked ``visibility: team`` (journal entries, quotes — any item with that
  field, wherever it sits), every consent record, and everything under ``private/``;
- *protects* every personal actor (``personal: true``) whose last consent record does not
  allow publication (:meth:`Consent.allows_public`; a minor needs ``guardians: true``):
  its name and each identifying part of it are replaced by a pseudonym — "Personne A",
  "Personne B"… ("Person A" in English) — in every text of every model, found by walking
  the pydantic fields generically, so that a field added later is covered without a change
  here. Its actor stays on the map, under the pseudonym, with its stakes and a description
  scrubbed of names; its quotes stay, attributed to the pseudonym;
- leaves out every picture that shows a protected person (``people``) — and every copy of
  it, found by its content (sha256), under any name or behind any link —, whose file name
  holds a protected name, that lies under ``private/`` or outside the folder, or that lists
  an unknown person (a misspelt id may be a protected one) — wherever the picture is used,
  the cover included;
- cleans the bytes of drawings and PDF files (:mod:`residence.gate.media`): the names in an
  SVG's text and attributes are pseudonymised and its metadata dropped, a PDF is rewritten
  from its pages without metadata; one that cannot be made safe is left out. Every output
  reads media through ``render.images.media_bytes``, which prefers these cleaned bytes
  (``Published.media``); what was left out is said in ``Published.left_out``;
- renames the ids that would give a name away: a protected actor's id becomes the slug of
  its pseudonym (``personne-a``), and any other id or journal file name that holds a
  protected name has that name replaced the same way; every reference follows;
- carries no raw file data: ``nodes``, ``files`` and ``failed`` are empty.

The **team** edition keeps everything (team entries, consent records, real names); the
renderers mark each of its pages "Document interne — ne pas diffuser".

Pseudonym letters follow the order in which the protected actors appear in actors.yaml, A
to Z, then AA, AB… Adding, removing or moving an actor that is not protected never changes
a letter, and a newly met person added at the end of the file gets the next letter; only
moving protected actors around, or a consent that changes, shifts letters. Sorting by id
was rejected: ids are usually the name as a slug, so letters in id order would tell the
alphabetical order of the hidden names.

How names are matched — on normalised text (case, accents and ligatures folded: Kérouac,
KEROUAC and kerouac are one name; HTML entities, soft hyphens and zero-width characters do
not hide a name), on word boundaries (so elided forms such as "d'Mathilde" or
"l'Hermitte" are found, and "Mathildes" is not), the longest form first: the full name,
also written last name first, and every run of consecutive parts ("Jean-Pierre",
"Jean Pierre", "Pierre Kérouac") become one pseudonym, never "Personne A Personne A"; then
each part alone. The parts of a name that do not identify anyone are not matched alone:
particles (de, du, des, d', le, la, les, l', van, von, der, den, da, di, del, della, dos,
das, do, ben, bin, el, al, y, e) and parts of one or two letters. A foreign particle that
opens a name and could be a first name ("Ben", "Van", "Del"…) is matched, and an elided
particle of the name goes with the next part ("L'Hermitte" becomes one pseudonym, while
the "d'" of "le bureau d'Mathilde", which is grammar, stays). So "Jean de La
Fontaine" hides "Jean", "Fontaine" and the whole, but leaves the word "de" alone; a
two-letter surname such as "Li" is only hidden as part of the full name.

Matching is deliberately broad, because a missed name cannot be unpublished: a name that is
also a common word ("Petit", "Rose") is replaced wherever the word is written — and the
odd sentence that results may itself hint at the name: read the public edition. The full
names of the team members and of the people who agreed to be named are kept as they are
(the residents sign their work) even when they share a part with a protected name, unless
they contain a protected person's whole name.

To test any output text, use :func:`find_leaks` with :func:`protected_names` and
:func:`kept_names`; :func:`leaks` scans a whole published residency.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from residence.gate.names import PARTICLES, find_leaks, name_forms, normalise, pseudonymise_text
from residence.gate.people import (
    kept_names,
    letter_label,
    protected_actors,
    protected_names,
    pseudonym_for,
    pseudonyms_of,
)
from residence.gate.public import _PublicGate
from residence.gate.walk import _plan
from residence.models import Consent, Model, Published, Residency
from residence.models.residency import EDITIONS, source_of
from residence.vocabulary import Visibility

__all__ = [
    "EDITIONS",
    "PARTICLES",
    "Edition",
    "Published",
    "find_leaks",
    "iter_strings",
    "kept_names",
    "leaks",
    "letter_label",
    "name_forms",
    "normalise",
    "protected_actors",
    "protected_names",
    "pseudonym_for",
    "pseudonymise_text",
    "pseudonyms_of",
    "republish",
    "select_edition",
]

#: An edition shows what has that visibility (public), or everything (team).
Edition = Visibility


def select_edition(residency: Residency, edition: Edition = "public") -> Published:
    """Return the residency as it may be published in an edition: "public" or "team".

    The result is a new value (deep copies); the source residency is never modified.
    ``pseudonyms`` maps the returned residency's actor ids to pseudonyms: in the public
    edition these ids are already pseudonymous (``personne-a``); in the team edition they
    are the real ids, so that the team knows who is who in the public edition.

    >>> published = select_edition(residency, "public")  # doctest: +SKIP
    """
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: choose public or team")
    source = {f.name: getattr(residency, f.name) for f in dataclasses.fields(Residency)}
    if edition == "team":
        team = copy.deepcopy(source)  # models keep their source file (a private attribute)
        team.update(edition="team", pseudonyms=pseudonyms_of(residency))
        return Published(**team)
    gate = _PublicGate(residency)
    values: dict[str, Any] = {}
    for name, value in source.items():
        if name == "root":
            values[name] = value
        elif name in ("consents", "nodes", "files", "failed"):
            values[name] = type(value)()
        elif name not in ("edition", "pseudonyms"):
            values[name] = gate.scrub(value)
    res = values["residence"]
    if res is not None and res.cover is not None:
        if not gate.file_allowed(residency.residence.cover if residency.residence else None):
            res.cover = None
    protected = set(gate.protected_ids)
    return Published(
        **values,
        edition="public",
        media=gate.media.cleaned,
        left_out=gate.media.left_out(),
        pseudonyms={gate.rename(k): v for k, v in gate.pseudonyms.items()},
        scopes={
            gate.rename(a.id): "none" if a.id in protected else "public"
            for a in residency.actors
            if a.personal
        },
    )


def republish(residency: Residency, scopes: Mapping[str, str]) -> Published:
    """Make the public edition again from sources that already are one, with its scopes.

    An archive's sources and the catalogue's records hold a public edition (pseudonyms in
    place, no consent record) and, beside it, what the gate decided for each person met
    (``Published.scopes``). Read again, those sources go through the gate once more, with
    one consent record per person made from that decision: a person who agreed stays
    named, a pseudonymised one stays hidden (and keeps its letter), a person with no
    recorded scope is protected.
    """
    consents = [
        Consent(actor=actor, scope=scope, guardians=True)
        for actor, scope in scopes.items()
        if scope in ("public", "none")
    ]
    source = {f.name: getattr(residency, f.name) for f in dataclasses.fields(Residency)}
    source.update(edition="source", consents=consents, pseudonyms={})
    return select_edition(Residency(**source), "public")


# -- checking for leaks ----------------------------------------------------------------------


def iter_strings(value: Any, where: str = "", *, words: bool = True) -> Iterator[tuple[str, str]]:
    """Yield (location, text) for every string inside a value: models, lists, dicts, nodes.

    ``words=False`` leaves out the values of fixed-word fields that are one of their words
    (an entry's kind "interview", a consent scope "none"): they are the format's, not text a
    team wrote, and a person named "None Aaa" or "Test Aaa" is not found in them. A model's
    field knows its words from its type; a dataclass field says them in its metadata
    (``field(metadata={"words": …})``, as ``Published.scopes`` does).
    """
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, BaseModel):
        if isinstance(value, Model) and source_of(value):
            yield f"{where}(file)", source_of(value)
        for name, kind in _plan(type(value)):
            item = getattr(value, name)
            here = f"{where}.{name}".lstrip(".")
            if not words and kind.words:
                yield from _outside_words(item, here, kind.words)
            else:
                yield from iter_strings(item, here, words=words)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item, here = getattr(value, f.name), f"{where}.{f.name}".lstrip(".")
            fixed = f.metadata.get("words")
            if not words and fixed:
                yield from _outside_words(item, here, frozenset(fixed))
            else:
                yield from iter_strings(item, here, words=words)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(key, f"{where}(key)", words=words)
            yield from iter_strings(item, f"{where}[{key!r}]", words=words)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from iter_strings(item, f"{where}[{index}]", words=words)
    elif hasattr(value, "start_mark") and hasattr(value, "value"):  # a YAML node
        yield from iter_strings(value.value, f"{where}(yaml)", words=words)


def _outside_words(value: Any, where: str, fixed: frozenset[Any]) -> Iterator[tuple[str, str]]:
    """Yield the strings of a fixed-word field's value that are not one of its words (a dict's
    keys included: the scopes' table is {actor id: word})."""
    for here, text in iter_strings(value, where, words=False):
        if here.endswith("(key)") or text not in fixed:
            yield here, text


def leaks(published: Residency, source: Residency) -> list[str]:
    """Return "location: 'name'" for every protected name left in a published residency.

    Every string is scanned: texts, ids, file names and the pseudonym table — but for the
    values of fixed-word fields that are one of their words (see :func:`iter_strings`).
    """
    names, kept = protected_names(source), kept_names(source)
    found = []
    for where, text in iter_strings(published, words=False):
        found += [f"{where}: {name!r}" for name in find_leaks(text, names, kept)]
    return found

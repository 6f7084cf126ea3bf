# SPDX-License-Identifier: EUPL-1.2
"""The public edition's gate: drops team-only items, pseudonymises, renames ids and files."""

from __future__ import annotations

import copy
import dataclasses
import posixpath
from typing import Any

from pydantic import BaseModel

from residence.gate.media import MediaGate
from residence.gate.names import _build_matcher
from residence.gate.people import kept_names, protected_actors, pseudonyms_of
from residence.gate.walk import _IMMUTABLE, _FieldKind, _id_values, _models_in, _plan
from residence.models import Actor, Evidence, Insight, Media, Method, Model, Residency
from residence.models.residency import entry_stem, set_source, source_of, source_stem
from residence.text import slugify

#: The bidi overrides (left-to-right, right-to-left), which reorder what they hold.
_NO_OVERRIDES = str.maketrans({"\u202d": None, "\u202e": None})


# -- the gate --------------------------------------------------------------------------------


class _PublicGate:
    """Everything the public edition needs to know about one source residency."""

    def __init__(self, source: Residency) -> None:
        self.source = source
        protected = protected_actors(source)
        self.pseudonyms = pseudonyms_of(source)
        self.protected_ids = set(self.pseudonyms)
        self.known_ids = {a.id for a in source.actors}
        # A person already named by their pseudonym (sources that are a public edition,
        # read again by republish) has nothing left to hide: matching "Personne A" would
        # only replace the word "personne" everywhere.
        self.matcher = _build_matcher(
            [(a.name, self.pseudonyms[a.id]) for a in protected if a.name != self.pseudonyms[a.id]],
            kept_names(source),
        )
        everything = self._all_models()
        # The pictures of protected people, wherever they are listed (team items included):
        # the same file, or the same bytes, is left out everywhere else too.
        self.media = MediaGate(
            source.root,
            self.matcher,
            [m.file for m in everything if isinstance(m, Media) and self._people_reason(m)],
        )
        self.ids = self._rename_ids(everything)
        self.folders: dict[str, str] = {}  # source folder -> its public form
        team_stems = {entry_stem(e) for e in source.entries if e.visibility == "team"}
        public_refs = {entry_stem(e) for e in source.entries if e.visibility != "team"}
        public_refs |= {p.id for p in source.prototypes}
        self.dropped_refs = team_stems - public_refs
        # An insight's evidence cites a quote by its place in its entry: once team quotes are
        # left out, the public quotes move up. {entry stem: {source place: public place}}.
        self.quote_places = {
            entry_stem(e): {
                n: i
                for i, n in enumerate(
                    (n for n, q in enumerate(e.quotes, start=1) if q.visibility != "team"),
                    start=1,
                )
            }
            for e in source.entries
            if e.visibility != "team"
        }

    def _all_models(self) -> list[BaseModel]:
        found: list[BaseModel] = []
        for f in dataclasses.fields(self.source):
            found += _models_in(getattr(self.source, f.name))
        return found

    def _people_reason(self, media: Media) -> str | None:
        """Return why a picture's people keep it out: "people" (protected), "unknown", or None."""
        if any(p in self.protected_ids for p in media.people):
            return "people"
        if any(p not in self.known_ids for p in media.people):
            return "unknown"  # a misspelt id may be a protected one
        return None

    def file_allowed(self, file: str | None) -> bool:
        """Tell whether a media file may appear in the public edition (see MediaGate)."""
        return self.media.allowed(file)

    def _rename_ids(self, models: list[BaseModel]) -> dict[str, str]:
        """Return {id or journal file name: public form} for those that give a name away."""
        values: set[str] = set()
        for model in models:
            values.update(_id_values(model))
            if isinstance(model, Model) and (stem := source_stem(model)):
                values.add(stem)
        taken = set(values)
        renamed: dict[str, str] = {}

        def assign(value: str, wanted: str) -> None:
            new, n = wanted, 2
            while new != value and new in taken:
                new, n = f"{wanted}-{n}", n + 1
            taken.add(new)
            renamed[value] = new

        for actor_id, pseudonym in self.pseudonyms.items():
            assign(actor_id, slugify(pseudonym))
        for value in sorted(values - set(renamed)):
            wanted = self.matcher.replace(value, slug=True)
            if wanted != value:
                assign(value, wanted)
        return renamed

    def rename(self, value: str) -> str:
        """Return the public form of an id or journal file name."""
        return self.ids.get(value) or self.matcher.replace(value, slug=True)

    def rename_path(self, path: str) -> str:
        """Return the public form of a source file path (its file name renamed)."""
        if not path:
            return path
        folder, _, name = path.replace("\\", "/").rpartition("/")
        stem, suffix = posixpath.splitext(name)
        if folder not in self.folders:
            parts = [self.matcher.replace(p, slug=True) for p in folder.split("/") if p]
            self.folders[folder] = "".join(f"{p}/" for p in parts)
        return self.folders[folder] + self.rename(stem) + suffix

    # -- copying with the rules applied

    def keep(self, item: Any) -> bool:
        """Tell whether an item of a list reaches the public edition."""
        if isinstance(item, BaseModel) and getattr(item, "visibility", None) == "team":
            return False
        if isinstance(item, Media):
            reason = self._people_reason(item)
            if reason is not None:
                self.media.leave_out(item.file, reason)
                return False
            return self.file_allowed(item.file)
        return True

    def scrub_text(self, value: str, kind: _FieldKind | None = None) -> str:
        """Return the public form of one string of a field: a fixed word, an id or text.

        Bidi overrides go first: a name stored backwards inside a right-to-left override
        ("\u202enitraM ennaeJ") would show as the name while the gate reads it backwards.
        Without them the text shows as it is stored, which is what the gate reads.
        """
        if "\u202d" in value or "\u202e" in value:
            value = value.translate(_NO_OVERRIDES)
        if kind is not None:
            if value in kind.words:
                return value
            if kind.ids:
                return self.rename(value)
        return self.matcher.replace(value)

    def scrub(self, value: Any, kind: _FieldKind | None = None) -> Any:
        """Return a public copy of any value: lists filtered, models and texts scrubbed."""
        if type(value) is str:
            return self.scrub_text(value, kind)
        if isinstance(value, _IMMUTABLE):
            return value  # nothing to scrub, nothing to copy
        if isinstance(value, BaseModel):
            return self.scrub_model(value)
        if isinstance(value, (list, tuple)):
            items = [
                self.scrub_text(v, kind) if type(v) is str else self.scrub(v, kind)
                for v in value
                if type(v) is str or self.keep(v)
            ]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, (set, frozenset)):
            return type(value)(self.scrub(v, kind) for v in value if self.keep(v))
        if isinstance(value, dict):
            return {self.scrub(k, kind): self.scrub(v, kind) for k, v in value.items()}
        if isinstance(value, str):  # a str subclass: scrubbed as plain text
            return self.scrub_text(str(value), kind)
        return copy.deepcopy(value)

    def public_evidence(self, evidence: list[Evidence]) -> list[Evidence]:
        """Return an insight's evidence without what cites team entries or quotes, the
        places of the quotes it keeps counted among the public quotes."""
        kept: list[Evidence] = []
        for item in evidence:
            update: dict[str, Any] = {}
            if item.entry is not None:
                places = self.quote_places.get(item.entry)
                if places is None:
                    continue  # a team entry (or none): nothing to cite in public
                if item.quote is not None:
                    if item.quote not in places:
                        continue  # a team quote
                    update["quote"] = places[item.quote]
                update["entry"] = self.rename(item.entry)
            elif item.prototype is not None:
                update["prototype"] = self.rename(item.prototype)
            kept.append(item.model_copy(update=update))
        return kept

    def scrub_model(self, model: BaseModel) -> BaseModel:
        """Return a scrubbed deep copy of a model (the source is left untouched)."""
        # A shallow copy (private attributes and the fields the user set included) whose
        # every field is then replaced by a scrubbed copy, without validation: the values
        # are the source's own, already valid, with names replaced.
        new = model.__copy__()
        fields = new.__dict__
        for name, kind in _plan(type(model)):
            value = fields[name]
            if type(value) is str:
                fields[name] = self.scrub_text(value, kind)
            elif value is None:
                continue
            elif type(value) is list and not value:
                fields[name] = []
            else:
                fields[name] = self.scrub(value, kind)
        if isinstance(model, Method) and isinstance(new, Method):
            fields["examples"] = [
                self.rename(r) for r in model.examples if r not in self.dropped_refs
            ]
        if isinstance(model, Insight) and isinstance(new, Insight):
            fields["evidence"] = self.public_evidence(model.evidence)
        if isinstance(model, Actor) and isinstance(new, Actor) and model.id in self.pseudonyms:
            fields["name"] = self.pseudonyms[model.id]
        if isinstance(model, Model) and source_of(model):
            set_source(new, self.rename_path(source_of(model)))  # type: ignore[arg-type]
        return new

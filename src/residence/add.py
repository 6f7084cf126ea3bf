"""`residence add`: build one item, choose where it goes, check it in context, write it safely.

New journal entries, prototypes, scenarios and methods become new files that never replace
an existing one. Actors and relations go into ``actors.yaml`` and test sessions into their
prototype's file: the new item is inserted as text at the end of its list, so every byte the
team wrote (comments, blank lines, key order, quotes) stays as it was; the result is then
read back, with our loader and with ruamel.yaml, to prove it holds the old items plus the new
one. Before anything is written, the new item is checked in the context of the whole
residency with ``load_residency`` and ``check_residency``, exactly as ``residence check``
would. Nothing here prints or asks: the CLI runs the editor and talks to the user.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field

from residence.errors import Problem, ResidenceError, has_errors
from residence.fsutil import write_atomic
from residence.i18n import translator
from residence.load import (
    NON_PRINTABLE,
    YAML_SUFFIXES,
    YamlProblem,
    first_existing,
    load_file,
    load_residency,
    parse_yaml,
)
from residence.models import (
    Actor,
    ActorsFile,
    Entry,
    Method,
    Model,
    Prototype,
    Relation,
    Residency,
    Scenario,
    TestSession,
    slugify,
)
from residence.models.common import Slug
from residence.models.residency import entry_stem, set_source, source_of

MAX_SLUG = 60
DRAFTS = ".residence/drafts"

#: Fields whose text is Markdown: written as literal blocks (``body: |``).
MARKDOWN_FIELDS = frozenset(
    {
        "body",
        "description",
        "question",
        "observations",
        "learnings",
        "summary",
        "problem",
        "protocol",
        "today",
        "tomorrow",
        "purpose",
        "conditions",
    }
)


class _TestDraft(TestSession):
    """A test session, with the prototype it belongs to (only in the editor's draft)."""

    __test__ = False

    prototype: Slug = Field(description="Id of the prototype tested (its file in prototypes/).")


@dataclass(frozen=True)
class Kind:
    """One kind of item `residence add` knows how to add."""

    name: str  # the command: note, actor, …
    model: type[Model]  # the model of one item (of the draft, for a test)
    what: str  # in words, for messages
    order: tuple[str, ...]  # the keys in the order of the template and the files
    folder: str | None = None  # new-file kinds: where the file goes
    container: str | None = None  # appended kinds: the list the item joins
    text: str | None = None  # the long text the editor is for (last in the template)
    refs: Mapping[str, str] = field(default_factory=dict)  # key -> what it refers to

    @property
    def required(self) -> tuple[str, ...]:
        """Return the keys the item cannot do without."""
        return tuple(k for k in self.order if _field(self.model, k).is_required())


KINDS: dict[str, Kind] = {
    "note": Kind(
        "note",
        Entry,
        "journal entry",
        (
            "date",
            "time",
            "title",
            "kind",
            "authors",
            "place",
            "actors",
            "prototypes",
            "methods",
            "tags",
            "visibility",
            "quotes",
            "media",
            "body",
        ),
        folder="journal",
        text="body",
        refs={
            "authors": "member",
            "actors": "actor",
            "prototypes": "prototype",
            "methods": "method",
        },
    ),
    "actor": Kind(
        "actor",
        Actor,
        "actor",
        (
            "id",
            "name",
            "kind",
            "sector",
            "circle",
            "influence",
            "interest",
            "stakes",
            "personal",
            "minor",
            "description",
        ),
        container="actors",
        text="description",
    ),
    "relation": Kind(
        "relation",
        Relation,
        "relation",
        ("from", "to", "kind", "note"),
        container="relations",
        refs={"from": "actor", "to": "actor"},
    ),
    "prototype": Kind(
        "prototype",
        Prototype,
        "prototype",
        (
            "id",
            "title",
            "hypothesis",
            "stage",
            "fidelity",
            "created",
            "team",
            "actors",
            "methods",
            "media",
            "problem",
        ),
        folder="prototypes",
        text="problem",
        refs={"team": "member", "actors": "actor", "methods": "method"},
    ),
    "test": Kind(
        "test",
        _TestDraft,
        "test session",
        (
            "prototype",
            "date",
            "place",
            "participants",
            "protocol",
            "decision",
            "learnings",
            "media",
            "observations",
        ),
        container="tests",
        text="observations",
        refs={"prototype": "prototype"},
    ),
    "scenario": Kind(
        "scenario",
        Scenario,
        "scenario",
        ("id", "title", "persona", "steps", "actors", "prototypes", "today", "tomorrow"),
        folder="scenarios",
        text="tomorrow",
        refs={"actors": "actor", "prototypes": "prototype"},
    ),
    "method": Kind(
        "method",
        Method,
        "method sheet",
        (
            "id",
            "title",
            "summary",
            "purpose",
            "phase",
            "duration",
            "participants",
            "materials",
            "steps",
            "tips",
            "examples",
            "authors",
            "source",
            "license",
        ),
        folder="methods",
        refs={"examples": "example"},
    ),
}

#: Where each kind of reference is looked up, for messages.
_REF_PLACES = {
    "member": "the team of residence.yaml",
    "actor": "actors.yaml",
    "prototype": "prototypes/",
    "method": "methods/",
    "example": "journal/ (file name without .yaml) nor prototypes/",
}

#: Lines of our own (not model descriptions): {English: French}.
_FRENCH = {
    "Journal entry": "Entrée de journal",
    "Prototype": "Prototype",
    "Usage scenario": "Scénario d'usage",
    "Method sheet": "Fiche méthode",
    "see the format reference (docs/)": "voir la référence du format (docs/)",
    "residence add {kind}: a new {what}.": "residence add {kind} : {what_fr}.",
    (
        "Fill in the fields, save, then close the editor. The {what} is checked as 'residence "
        "check' would before it is added; if something is wrong, nothing is written and this "
        "draft is kept."
    ): (
        "Remplissez les champs, enregistrez, puis fermez l'éditeur. Le contenu est vérifié "
        "comme le ferait « residence check » avant d'être ajouté ; en cas d'erreur, rien n'est "
        "écrit et ce brouillon est conservé."
    ),
    (
        "Lines starting with # are comments: to fill in an optional field, remove the # in "
        "front of it. To give up, empty the file and save."
    ): (
        "Les lignes qui commencent par # sont des commentaires : pour remplir un champ "
        "facultatif, enlevez le # devant. Pour abandonner, videz le fichier et enregistrez."
    ),
    "Write the text under '{key}: |', indented by two spaces.": (
        "Écrivez le texte sous « {key}: | », en retrait de deux espaces."
    ),
    "Known: {ids}": "Existants : {ids}",
    "Id of the prototype tested (its file in prototypes/).": (
        "Identifiant du prototype testé (son fichier dans prototypes/)."
    ),
}
_WHAT_FR = {
    "journal entry": "une nouvelle entrée de journal",
    "actor": "un nouvel acteur",
    "relation": "une nouvelle relation entre acteurs",
    "prototype": "un nouveau prototype",
    "test session": "une nouvelle séance de test",
    "scenario": "un nouveau scénario d'usage",
    "method sheet": "une nouvelle fiche méthode",
}
_HEADERS = {
    "note": "Journal entry",
    "prototype": "Prototype",
    "scenario": "Usage scenario",
    "method": "Method sheet",
}


def _ours(language: str, text: str, **values: Any) -> str:
    """Translate one of this module's own lines."""
    if language == "fr" and text in _FRENCH:
        text = _FRENCH[text]
    return text.format(**values) if values else text


def _field(model: type[Model], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    raise KeyError(key)


# -- the residency as it is --------------------------------------------------------------


@dataclass
class Context:
    """The residency an item is added to, with the problems it already has."""

    root: Path
    residency: Residency
    load_problems: list[Problem]
    check_problems: list[Problem]

    @property
    def language(self) -> str:
        """Return the residency's language (fr by default)."""
        return self.residency.language

    def ids(self, ref: str) -> dict[str, str]:
        """Return {id: name or title} of the items a reference of this kind may name."""
        r = self.residency
        if ref == "member":
            return {m.id: m.name for m in r.residence.team} if r.residence else {}
        if ref == "actor":
            return {a.id: a.name for a in r.actors}
        if ref == "prototype":
            return {p.id: p.title for p in r.prototypes}
        if ref == "method":
            return {m.id: m.title for m in r.methods}
        if ref == "example":
            found = {entry_stem(e): e.title for e in r.entries}
            found.update({p.id: p.title for p in r.prototypes})
            return found
        raise KeyError(ref)


def load_context(root: Path) -> Context:
    """Load the residency of ``root`` and the problems it has before anything is added."""
    from residence.check import check_residency

    residency, problems = load_residency(root)
    if (
        residency.residence is None
        and not (root / "residence.yaml").is_file()
        and not (root / "residence.yml").is_file()
    ):
        raise ResidenceError(
            f"'{root}' is not a residency folder (there is no residence.yaml): create one "
            "with 'residence new FOLDER --title …'",
            usage=True,
        )
    return Context(root, residency, problems, check_residency(residency))


# -- items from the command line ---------------------------------------------------------


def parse_day(value: str, today: dt.date | None = None) -> str:
    """Return a date given on the command line as YYYY-MM-DD text (today, yesterday, hier…)."""
    today = today or dt.date.today()
    word = value.strip().lower()
    if word in {"today", "aujourd'hui", "aujourdhui"}:
        return today.isoformat()
    if word in {"yesterday", "hier"}:
        return (today - dt.timedelta(days=1)).isoformat()
    return value.strip()


def build_item(
    ctx: Context,
    kind: str,
    values: Mapping[str, Any],
    *,
    author: str | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the item made from command-line values, and where each value came from.

    ``values`` maps YAML keys to option values (None or empty: not given). Defaults are
    filled in: the date is today, the authors (or a prototype's team) are ``author`` (the
    RESIDENCE_AUTHOR variable, comma-separated ids), a new prototype is an idea. The second
    value maps keys to the option that gave them (``--actor``, ``RESIDENCE_AUTHOR``…).
    """
    spec = KINDS[kind]
    today = today or dt.date.today()
    origins: dict[str, str] = {}
    data: dict[str, Any] = {}
    for key in spec.order:
        value = values.get(key)
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, (list, tuple)):
            items = [str(v) for v in value]
            if key in spec.refs or (key in {"authors", "team"} and kind != "method"):
                # Ids never hold commas: "--actor a,b" is two actors.
                items = [part.strip() for v in items for part in v.split(",") if part.strip()]
            value = items
        elif isinstance(value, str):
            value = value.replace("\r\n", "\n")
            if key in MARKDOWN_FIELDS:
                value = _markdown(value)
            if not value.strip():  # only spaces: not given (the editor will ask for it)
                continue
        data[key] = value
        origins[key] = "--" + _option_name(kind, key)
    authors = [a.strip() for a in (author or "").split(",") if a.strip()]
    if kind in {"note", "test"} and "date" not in data:
        data["date"] = today.isoformat()
        origins["date"] = "today"
    if kind == "prototype":
        data.setdefault("stage", "idea")
        if "created" not in data:
            data["created"] = today.isoformat()
            origins["created"] = "today"
    for key in ("date", "created"):
        if isinstance(data.get(key), str):
            data[key] = parse_day(data[key], today)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", data[key]):
                try:  # a real date is written as one (unquoted); the rest is left to check
                    data[key] = dt.date.fromisoformat(data[key])
                except ValueError:
                    pass
    author_key = {"note": "authors", "prototype": "team"}.get(kind)
    if author_key and author_key not in data and authors:
        data[author_key] = authors
        origins[author_key] = "RESIDENCE_AUTHOR"
    if kind == "method" and "authors" not in data and authors:
        names = ctx.ids("member")
        data["authors"] = [names.get(a, a) for a in authors]
        origins["authors"] = "RESIDENCE_AUTHOR"
    if kind in {"actor", "prototype", "scenario", "method"} and "id" not in data:
        title = data.get("name" if kind == "actor" else "title")
        if isinstance(title, str) and slug(title):
            data["id"] = free_id(slug(title), taken_ids(ctx, kind))
            origins["id"] = "proposed"
    return _ordered(spec, data), origins


def _option_name(kind: str, key: str) -> str:
    """Return the command-line option of a key (singular for lists)."""
    names = {
        "authors": "author",
        "actors": "actor",
        "prototypes": "prototype",
        "methods": "method",
        "tags": "tag",
        "stakes": "stake",
        "steps": "step",
        "materials": "material",
        "tips": "tip",
        "examples": "example",
    }
    return names.get(key, key)


def _markdown(text: str) -> str:
    """Return Markdown text as it is kept: trailing spaces trimmed, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + "\n" if lines else ""


def _ordered(spec: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
    ordered = {k: data[k] for k in spec.order if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return ordered


def slug(text: str) -> str:
    """Return the slug of a title, at most MAX_SLUG characters, cut between words."""
    value = slugify(text)
    if len(value) > MAX_SLUG:
        value = value[:MAX_SLUG]
        value = value.rsplit("-", 1)[0] if "-" in value else value
    return value.strip("-")


def free_id(base: str, taken: set[str]) -> str:
    """Return ``base``, or ``base-2``, ``base-3``… whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _stems(root: Path, folder: str) -> set[str]:
    """Return the file names (without extension) of every YAML file under a folder."""
    base = root / folder
    if not base.is_dir():
        return set()
    return {p.name.rsplit(".", 1)[0] for p in base.rglob("*") if p.name.endswith(YAML_SUFFIXES)}


def taken_ids(ctx: Context, kind: str) -> set[str]:
    """Return the ids (and file names) a new item of this kind must not reuse."""
    r = ctx.residency
    if kind == "actor":
        taken = {a.id for a in r.actors}
        raw = _raw_list(ctx.root, "actors", "actors")
        taken.update(str(a.get("id")) for a in raw if isinstance(a, dict) and a.get("id"))
        return taken
    if kind == "note":
        return _stems(ctx.root, "journal") | {entry_stem(e) for e in r.entries}
    items: dict[str, Sequence[Prototype | Scenario | Method]] = {
        "prototype": r.prototypes,
        "scenario": r.scenarios,
        "method": r.methods,
    }
    folder = KINDS[kind].folder or ""
    return _stems(ctx.root, folder) | {i.id for i in items[kind]}


def _raw_list(root: Path, stem: str, key: str) -> list[Any]:
    """Return the raw list under ``key`` of a top-level file, [] when unreadable."""
    rel = first_existing(root, stem)
    if rel is None:
        return []
    try:
        _, value = parse_yaml((root / rel).read_bytes())
    except (OSError, YamlProblem):
        return []
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, list) else []


def suggest(word: str, known: Mapping[str, str]) -> list[str]:
    """Return the ids of ``known`` ({id: name}) that ``word`` most likely meant."""
    if not known:
        return []
    wanted = slugify(word)
    by_name = [i for i, name in known.items() if slugify(name) == wanted and wanted]
    if by_name:
        return by_name[:2]
    parts = [
        i
        for i in known
        if wanted and (i.startswith(wanted + "-") or i.endswith("-" + wanted) or f"-{wanted}-" in i)
    ]
    if parts:
        return sorted(parts)[:2]
    close = difflib.get_close_matches(wanted or word, list(known), n=2, cutoff=0.6)
    if close:
        return close
    names = {slugify(name): i for i, name in known.items()}
    return [names[n] for n in difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)]


def _did_you_mean(found: list[str]) -> str:
    if not found:
        return ""
    return " — did you mean " + " or ".join(f"'{f}'" for f in found) + "?"


def _problem(message: str, severity: str = "error", code: str = "bad-value") -> Problem:
    """A problem with what was typed on the command line (no file, no line)."""
    return Problem("", None, None, severity, code, message)  # type: ignore[arg-type]


def check_values(
    ctx: Context, kind: str, data: Mapping[str, Any], origins: Mapping[str, str]
) -> list[Problem]:
    """Return the problems of the values given on the command line, before any editing.

    References must exist (with "did you mean" suggestions), each given value must have the
    right form, and an id given with ``--id`` must be free. Missing fields are not reported
    here: the editor is there to fill them in.
    """
    spec = KINDS[kind]
    problems: list[Problem] = []
    for key, value in data.items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and NON_PRINTABLE.search(text):
                problems.append(
                    _problem(
                        f"{origins.get(key, key)}: the text contains characters that are not "
                        "printable text: check your terminal's encoding (UTF-8)"
                    )
                )
    if problems:
        return problems
    for key, ref in spec.refs.items():
        if key not in data:
            continue
        known = ctx.ids(ref)
        values = data[key] if isinstance(data[key], list) else [data[key]]
        for value in values:
            if value in known:
                continue
            origin = origins.get(key, "--" + _option_name(kind, key))
            hint = _did_you_mean(suggest(str(value), known))
            if not known:
                hint = f" (there is no {'team member' if ref == 'member' else ref} yet)"
                if ref == "member" and ctx.residency.residence is None:
                    hint = " (residence.yaml cannot be read: run residence check)"
            if ref == "prototype" and _unloadable(ctx, "prototypes", str(value)):
                hint = f": prototypes/{value}.yaml has errors; fix them first (residence check)"
            elif ref == "member" and origin == "RESIDENCE_AUTHOR":
                hint += " (it comes from the RESIDENCE_AUTHOR variable)"
            what = "team member" if ref == "member" else ref
            problems.append(
                _problem(
                    f"{origin} {value}: unknown {what}, it is not in {_REF_PLACES[ref]}{hint}",
                    code="dangling-ref",
                )
            )
    ident = data.get("id")
    if ident and origins.get("id", "").startswith("--") and kind != "note":
        taken = taken_ids(ctx, kind)
        if ident in taken:
            problems.append(
                _problem(
                    f"--id {ident}: there is already a {spec.what} with this id: choose another "
                    f"one (for example '{free_id(str(ident), taken)}')",
                    code="duplicate-id",
                )
            )
    if kind == "actor" and "name" in data and origins.get("id") != "--id":
        wanted = slugify(str(data["name"]))
        same = [a for a in ctx.residency.actors if slugify(a.name) == wanted]
        if same:
            problems.append(
                _problem(
                    f"'{data['name']}' is already in actors.yaml as '{same[0].id}': to add "
                    "another actor with the same name, give it an --id",
                    code="duplicate-actor",
                )
            )
    # The form of each given value, as the loader would judge it (missing keys aside).
    _, _, found = _load_text(_emit_text(dict(data)), "item.yaml", spec.model)
    problems += [
        _problem(p.message, p.severity, p.code) for p in found if p.code != "missing-field"
    ]
    return problems


def _unloadable(ctx: Context, folder: str, ident: str) -> bool:
    return any(
        (ctx.root / folder / f"{ident}{s}").is_file() for s in YAML_SUFFIXES
    ) and ident not in {p.id for p in ctx.residency.prototypes}


def needs_editor(kind: str, data: Mapping[str, Any]) -> bool:
    """Tell whether the item lacks something the editor is for.

    That is a required field, or the long text of a journal entry or a test session.
    """
    spec = KINDS[kind]
    if any(k not in data for k in spec.required):
        return True
    return kind in {"note", "test"} and spec.text not in data


# -- YAML text ---------------------------------------------------------------------------

_SPECIAL = re.compile(
    r"^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?\.(?:inf|nan)|[-+]?[0-9][0-9_:.,eExXoObB+-]*"
    r"|0x[0-9a-f]+|\d{4}-\d\d?-\d\d?.*|<<|=)$",
    re.IGNORECASE,
)


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Tell whether a text can be written without quotes and still read back as itself."""
    if not text or text != text.strip() or _SPECIAL.match(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or text.endswith(":"):
        return False
    if ": " in text or " #" in text or "\t" in text or "\n" in text or "\r" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    return not NON_PRINTABLE.search(text) and "\x85" not in text and "\u2028" not in text


def _double(text: str) -> str:
    """Return a double-quoted YAML scalar (a JSON string, with YAML's line breaks escaped)."""
    out = json.dumps(text, ensure_ascii=False)
    return (
        out.replace("\x85", "\\N")
        .replace("\u2028", "\\L")
        .replace("\u2029", "\\P")
        .replace("\ufeff", "\\ufeff")
    )


def _scalar(value: Any, style: str | None = None, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if style == "'" and "\n" not in text and not NON_PRINTABLE.search(text):
        return "'" + text.replace("'", "''") + "'"
    if style != '"' and _plain_ok(text, flow):
        return text
    return _double(text)


def _literal(text: str, indent: str) -> list[str] | None:
    """Return the lines of a literal block (``|``) holding ``text``, or None if it cannot."""
    if NON_PRINTABLE.search(text.replace("\t", " ")) or "\r" in text or "\x85" in text:
        return None
    if "\u2028" in text or "\u2029" in text or "\ufeff" in text:
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n")
    first = next((line for line in lines if line.strip()), "")
    indicator = "2" if first[:1] in {" ", "\t"} else ""
    head = "|" + indicator + chomp
    rows = [head] + [indent + line if line else "" for line in lines]
    rows += [""] * (trailing - 1) if chomp == "+" else []
    return rows


def _emit_lines(data: Mapping[str, Any], hints: Mapping[str, str] | None = None) -> list[str]:
    """Return a mapping as block-style YAML lines (indentation relative to the mapping)."""
    hints = hints or {}
    lines: list[str] = []
    for key, value in data.items():
        hint = hints.get(key)
        if isinstance(value, str) and (key in MARKDOWN_FIELDS or "\n" in value.rstrip("\n")):
            rows = _literal(value, "  ") if value else None
            if rows is not None:
                lines.append(f"{key}: {rows[0]}")
                lines.extend(rows[1:])
                continue
        if isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines.extend("  " + s if s else "" for s in _emit_lines(value))
        elif isinstance(value, list):
            lines.extend(_emit_list(key, value, hint))
        else:
            lines.append(f"{key}: {_scalar(value, hint)}")
    return lines


def _emit_list(key: str, values: list[Any], hint: str | None) -> list[str]:
    if not values:
        return [f"{key}: []"]
    simple = all(isinstance(v, (str, int, bool, dt.date)) and "\n" not in str(v) for v in values)
    if simple and hint != "block":
        flow = f"{key}: [" + ", ".join(_scalar(v, flow=True) for v in values) + "]"
        if len(flow) <= 80 or hint == "flow":
            return [flow]
    lines = [f"{key}:"]
    for value in values:
        if isinstance(value, Mapping):
            sub = _emit_lines(value)
            lines.append("  - " + sub[0])
            lines.extend("    " + s if s else "" for s in sub[1:])
        elif isinstance(value, str) and "\n" in value.rstrip("\n"):
            rows = _literal(value, "    ")
            if rows is None:
                lines.append("  - " + _double(value))
            else:
                lines.append("  - " + rows[0])
                lines.extend(rows[1:])
        else:
            lines.append("  - " + _scalar(value))
    return lines


def _emit_flow(value: Any) -> str:
    """Return a value as one line of flow YAML: {key: "text", list: [a, b]}."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_emit_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_emit_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return _double(value)
    return _scalar(value)


def _emit_text(data: Mapping[str, Any], hints: Mapping[str, str] | None = None) -> str:
    """Return a mapping as a YAML document that reads back as the same values."""
    text = "\n".join(_emit_lines(data, hints)) + "\n" if data else "{}\n"
    if _reads_as(text, data):
        return text
    # Something did not survive the trip (an odd character, say): quote everything.
    fallback = "".join(f"{k}: {_emit_flow(v)}\n" for k, v in data.items())
    if not _reads_as(fallback, data):
        raise RuntimeError(f"cannot write {dict(data)!r} as YAML")  # our bug
    return fallback


def plain(value: Any) -> Any:
    """Return a value as our loader reads it back from YAML: every scalar as text."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    return str(value)


def _reads_as(text: str, data: Mapping[str, Any]) -> bool:
    try:
        _, value = parse_yaml(text)
    except YamlProblem:
        return False
    return bool(value == plain(data) or (not data and value == {}))


def _load_text(
    text: str | bytes, rel: str, model: type[Model]
) -> tuple[Model | None, Any, list[Problem]]:
    """Validate a file's text as the loader would: (item, YAML node, problems at ``rel``)."""
    with tempfile.TemporaryDirectory(prefix="residence-add-") as tmp:
        path = Path(tmp) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return load_file(Path(tmp), rel, model)


# -- inserting into a list of an existing file -------------------------------------------


@dataclass(frozen=True)
class Insertion:
    """A file's new text: ``before + added + after`` where the old text was before+after."""

    text: str
    start: int  # character offset of the added text
    added: str
    first_line: int  # 1-based lines of the added text (blank lines included)
    last_line: int


def _last_scalar(node: Any) -> Any:
    """Return the node that ends last inside ``node`` (its deepest last child)."""
    while node.id in {"mapping", "sequence"} and node.value and not node.flow_style:
        node = node.value[-1][1] if node.id == "mapping" else node.value[-1]
    return node


def _line_end(text: str, index: int) -> int:
    """Return the offset just after the line break of the line holding ``index``."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _style_hints(item: Any) -> dict[str, str]:
    """Return {key: '"' | "'" | 'flow' | 'block'} as written in an existing item's node."""
    hints: dict[str, str] = {}
    if getattr(item, "id", None) != "mapping":
        return hints
    for key, value in item.value:
        if value.id == "scalar" and value.style in {'"', "'"}:
            hints[key.value] = value.style
        elif value.id == "sequence":
            hints[key.value] = "flow" if value.flow_style else "block"
    return hints


def insert_item(text: str, key: str, item: Mapping[str, Any], rel: str) -> Insertion:
    """Return ``text`` with ``item`` added at the end of the top-level list ``key``.

    Nothing of ``text`` is changed: the item is inserted after the last line of the list
    (block style), before its closing bracket (flow style), after an empty ``key:``, or as a
    new ``key:`` at the end of the file. The result is read back with our loader and with
    ruamel.yaml to make sure it holds the old values plus the new item; if not, nothing is
    returned but a ResidenceError (the file's layout is too unusual to touch safely).
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    try:
        root, old = parse_yaml(text)
    except YamlProblem as exc:
        raise ResidenceError(
            [
                Problem(
                    rel,
                    exc.line,
                    exc.column,
                    "error",
                    "yaml",
                    exc.message + ": fix it first, nothing was changed",
                )
            ]
        ) from None
    if root is not None and root.id != "mapping":
        raise ResidenceError(
            [
                Problem(
                    rel,
                    1,
                    1,
                    "error",
                    "wrong-shape",
                    f"this file should hold '{key}:' and its list at the top "
                    "level: fix it first, nothing was changed",
                )
            ]
        )
    value_node: Any = None
    key_node: Any = None
    if root is not None:
        for k, v in root.value:
            if k.value == key:
                key_node, value_node = k, v
    hints = (
        _style_hints(value_node.value[-1])
        if (value_node is not None and value_node.id == "sequence" and value_node.value)
        else {}
    )
    lines = _emit_lines(item, hints)

    def block(dash: int, content: int) -> str:
        first = " " * dash + "-" + " " * max(content - dash - 1, 1) + lines[0]
        rest = [(" " * content + s) if s else "" for s in lines[1:]]
        return nl.join([first, *rest]) + nl

    if root is not None and root.flow_style:
        raise _unusual(rel, key, item)
    if value_node is None:
        column = root.value[0][0].start_mark.column if root is not None and root.value else 0
        start = len(text)
        prefix = "" if not text or text.endswith("\n") else nl
        added = prefix + " " * column + f"{key}:" + nl + block(column + 2, column + 4)
    elif (
        value_node.id == "scalar"
        and not value_node.style
        and value_node.value in {"", "~", "null", "Null", "NULL"}
    ):
        if value_node.value:  # "key: null" or "key: ~": the word makes way for the list
            if text[value_node.start_mark.index : value_node.end_mark.index] != value_node.value:
                raise _unusual(rel, key, item)
            text = text[: value_node.start_mark.index] + text[value_node.end_mark.index :]
        start = _line_end(text, key_node.start_mark.index)
        column = key_node.start_mark.column
        prefix = "" if text[:start].endswith("\n") else nl
        added = prefix + block(column + 2, column + 4)
    elif value_node.id == "sequence" and value_node.flow_style:
        close = value_node.end_mark.index - 1
        if text[close : close + 1] != "]":
            raise _unusual(rel, key, item)
        if value_node.value:
            start = value_node.value[-1].end_mark.index
            added = ", " + _emit_flow(item)
        else:
            start = close
            added = _emit_flow(item)
    elif value_node.id == "sequence":
        last = value_node.value[-1]
        end = _last_scalar(last).end_mark.index
        while end > 0 and text[end - 1] in " \t\r\n":
            end -= 1
        start = _line_end(text, max(end - 1, 0))
        line_start = text.rfind("\n", 0, last.start_mark.index) + 1
        dash = text.rfind("-", line_start, last.start_mark.index)
        if dash < 0:
            raise _unusual(rel, key, item)
        prefix = "" if text[:start].endswith("\n") else nl
        added = prefix + block(dash - line_start, last.start_mark.column)
    else:
        raise ResidenceError(
            [
                Problem(
                    rel,
                    value_node.start_mark.line + 1,
                    value_node.start_mark.column + 1,
                    "error",
                    "wrong-shape",
                    f"'{key}' should be a list (one item per line, each starting "
                    "with '- '): fix it first, nothing was changed",
                )
            ]
        )
    new_text = text[:start] + added + text[start:]
    if not _same_plus_one(old, new_text, key, item) or not _ruamel_agrees(text, new_text, key):
        raise _unusual(rel, key, item)
    first_line = text.count("\n", 0, start) + 1
    return Insertion(new_text, start, added, first_line, first_line + added.count("\n"))


def _unusual(rel: str, key: str, item: Mapping[str, Any]) -> ResidenceError:
    sample = textwrap.indent("\n".join(_emit_lines(item)), "    ")
    return ResidenceError(
        [
            Problem(
                rel,
                None,
                None,
                "error",
                "unusual-layout",
                f"the layout of this file is too unusual to add to '{key}' without touching "
                f"what is already written, so nothing was changed. Add it by hand at the end "
                f"of '{key}':\n"
                f"  - {sample.lstrip()}",
            )
        ]
    )


def _same_plus_one(old: Any, new_text: str, key: str, item: Mapping[str, Any]) -> bool:
    try:
        _, new = parse_yaml(new_text)
    except YamlProblem:
        return False
    expected = copy.deepcopy(old) if isinstance(old, dict) else {}
    expected[key] = [*(expected.get(key) or []), plain(item)]
    return bool(new == expected)


def _ruamel_agrees(old_text: str, new_text: str, key: str) -> bool:
    """Tell whether ruamel.yaml reads the new text as the old one plus one item in ``key``."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    try:
        old = yaml.load(old_text)
    except Exception:  # ruamel is stricter than our loader on a few layouts: not our call
        return True
    try:
        new = yaml.load(new_text)
    except Exception:
        return False
    old = old if isinstance(old, Mapping) else {}
    if not isinstance(new, Mapping):
        return False
    old_items = list(old.get(key) or [])
    new_items = list(new.get(key) or [])
    others_old = {k: v for k, v in old.items() if k != key}
    others_new = {k: v for k, v in new.items() if k != key}
    return (
        len(new_items) == len(old_items) + 1
        and new_items[:-1] == old_items
        and others_old == others_new
    )


# -- the editor's template ---------------------------------------------------------------


def _comment(text: str) -> list[str]:
    """Return text as wrapped YAML comment lines, as in the files `residence new` writes."""
    from residence.scaffold import comment

    return comment(text).split("\n")


def _describe(model: type[Model], key: str, language: str) -> str:
    """Return a field's comment: its translated description and whether it is required."""
    from residence.scaffold import REQUIRED, describe_field

    if model is _TestDraft:
        if key == "prototype":  # only in drafts: not in the fields catalogue
            required = translator(language, "fields").gettext(REQUIRED)
            return f"{_ours(language, _field(model, key).description)} {required}"
        model = TestSession
    return describe_field(model.__name__, key, language)


def _placeholder(spec: Kind, key: str) -> list[str]:
    """Return the commented-out lines of an optional field that was not given."""
    info = _field(spec.model, key)
    annotation = str(info.annotation)
    if key in MARKDOWN_FIELDS:
        return [f"# {key}: |", "#   "]
    if key == "media":
        return ["# media:", "#   - file: media/", "#     alt: ", "#     caption: "]
    if key == "quotes":
        return ["# quotes:", "#   - actor: ", "#     text: "]
    if "list" in annotation:
        return [f"# {key}: []"]
    if key == "time":
        return ['# time: "09:30"']
    if "bool" in annotation:
        return [f"# {key}: false"]
    return [f"# {key}: "]


def _empty_required(spec: Kind, key: str) -> list[str]:
    info = _field(spec.model, key)
    if key in MARKDOWN_FIELDS:
        return [f"{key}: |", "  "]
    if "list" in str(info.annotation):
        # Ids fit on one line; sentences (the steps of a method) are one per line.
        return [f"{key}: []"] if key in spec.refs or key == "authors" else [f"{key}:", "  - "]
    return [f"{key}: "]


def render_template(ctx: Context, kind: str, data: Mapping[str, Any]) -> str:
    """Return the commented YAML the editor opens: every field explained, flags filled in."""
    spec = KINDS[kind]
    language = ctx.language
    what = _WHAT_FR[spec.what] if language == "fr" else spec.what
    lines = _comment(
        _ours(
            language, "residence add {kind}: a new {what}.", kind=kind, what=spec.what, what_fr=what
        )
    )
    lines += _comment(
        _ours(
            language,
            "Fill in the fields, save, then close the editor. The "
            "{what} is checked as 'residence check' would before it is added; "
            "if something is wrong, nothing is written and this draft is "
            "kept.",
            what=spec.what,
        )
    )
    lines += _comment(
        _ours(
            language,
            "Lines starting with # are comments: to fill in an "
            "optional field, remove the # in front of it. To give up, empty "
            "the file and save.",
        )
    )
    if spec.text:
        lines += _comment(
            _ours(
                language, "Write the text under '{key}: |', indented by two spaces.", key=spec.text
            )
        )
    lines.append("")
    required = set(spec.required)
    for key in spec.order:
        lines += _comment(_describe(spec.model, key, language))
        ref = spec.refs.get(key)
        if ref:
            known = sorted(ctx.ids(ref))
            if known:
                shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
                lines += _comment(_ours(language, "Known: {ids}", ids=shown))
        if key in data:
            lines += _emit_lines({key: data[key]})
        elif key in required or key == spec.text:  # the text is what the editor is for
            lines += _empty_required(spec, key)
        else:
            lines += _placeholder(spec, key)
    return "\n".join(lines) + "\n"


def _template_lines(template: str) -> set[str]:
    """Return the comment lines of a template (they are left out of the file written)."""
    return {line.rstrip() for line in template.splitlines() if line.startswith("#")}


def clean_draft(text: str, template: str | None) -> str:
    """Return a draft without the template's comment lines the user left untouched."""
    if not template:
        return text
    ours = _template_lines(template)
    kept = [line for line in text.splitlines() if line.rstrip() not in ours]
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept) + "\n" if kept else ""


def indent_text_block(text: str, key: str) -> str | None:
    """Return the draft with the lines after ``key: |`` indented, if some were not.

    Tired people type the text of an entry at the start of the line; since that text is the
    last field of the template, indenting what follows it is what they meant.
    """
    lines = text.split("\n")
    head = re.compile(rf"^{re.escape(key)}:\s*\|[-+0-9]*\s*(#.*)?$")
    at = max((i for i, line in enumerate(lines) if head.match(line)), default=-1)
    if at < 0:
        return None
    rest = lines[at + 1 :]
    if not any(line.strip() and not line.startswith("  ") for line in rest):
        return None
    fixed = [("  " + line if line.strip() and not line.startswith("  ") else line) for line in rest]
    return "\n".join([*lines[: at + 1], *fixed])


# -- plans: what to write ----------------------------------------------------------------


@dataclass
class Plan:
    """What adding one item writes: a file's whole new content, checked and ready."""

    kind: str
    root: Path
    rel: str  # the file written, relative to the residency folder
    text: str
    before: bytes | None  # the file's content when it was read; None for a new file
    ident: str  # the new item's id (a journal entry: its file name without .yaml)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None  # something the user should know (the text was re-indented…)

    @property
    def path(self) -> Path:
        """Return the file written."""
        return self.root / self.rel


def _header(kind: str, language: str, rel: str, root: Path) -> str:
    lines = []
    schema = {
        "note": "journal",
        "prototype": "prototype",
        "scenario": "scenario",
        "method": "method",
    }[kind]
    if (root / "schemas" / f"{schema}.schema.json").is_file():
        depth = len(PurePosixPath(rel).parts) - 1
        lines.append(f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}.schema.json")
    lines.append(
        f"# {_ours(language, _HEADERS[kind])} — "
        f"{_ours(language, 'see the format reference (docs/)')}"
    )
    return "\n".join(lines) + "\n"


def _new_file_rel(ctx: Context, kind: str, item: Model, explicit_id: bool) -> tuple[str, str]:
    """Return (relative path, id) of the new file of an item; raise if its id is taken."""
    spec = KINDS[kind]
    taken = taken_ids(ctx, kind)
    if isinstance(item, Entry):
        stem = free_id(f"{item.date.isoformat()}-{slug(item.title) or 'entry'}", taken)
        return f"{spec.folder}/{stem}.yaml", stem
    ident = str(getattr(item, "id"))  # noqa: B009
    if ident in taken:
        if not explicit_id:
            ident = free_id(ident, taken)
        else:
            raise ResidenceError(
                [
                    _problem(
                        f"there is already a {spec.what} '{ident}' in {spec.folder}/: choose "
                        f"another id (for example '{free_id(ident, taken)}')",
                        code="duplicate-id",
                    )
                ]
            )
    return f"{spec.folder}/{ident}.yaml", ident


def _appended_target(ctx: Context, kind: str, data: Mapping[str, Any]) -> tuple[str, str]:
    """Return (relative path, key of the list) an appended item goes to."""
    if kind == "test":
        wanted = str(data.get("prototype"))
        proto = next((p for p in ctx.residency.prototypes if p.id == wanted), None)
        if proto is None:
            raise ResidenceError(
                [
                    _problem(
                        f"unknown prototype '{wanted}': it is not in prototypes/"
                        f"{_did_you_mean(suggest(wanted, ctx.ids('prototype')))}",
                        code="dangling-ref",
                    )
                ]
            )
        return source_of(proto), "tests"
    return first_existing(ctx.root, "actors") or "actors.yaml", KINDS[kind].container or ""


def _read_text(root: Path, rel: str) -> tuple[str, bytes | None, str]:
    """Return (text, bytes as read or None if absent, BOM) of a file that is edited."""
    path = root / rel
    if not path.exists():
        return "", None, ""
    data = path.read_bytes()
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResidenceError(
            [
                Problem(
                    rel,
                    None,
                    None,
                    "error",
                    "encoding",
                    "this file is not UTF-8 text: save it as UTF-8 in your editor first; nothing "
                    "was changed",
                )
            ]
        ) from None
    return text, data, bom


def _with_file(ctx: Context, kind: str, rel: str, item: Model, node: Any) -> Residency:
    """Return a copy of the residency where ``rel`` holds ``item`` (a new or changed file)."""
    r = ctx.residency
    candidate = dataclasses.replace(
        r,
        actors=list(r.actors),
        relations=list(r.relations),
        entries=list(r.entries),
        prototypes=list(r.prototypes),
        scenarios=list(r.scenarios),
        methods=list(r.methods),
        consents=list(r.consents),
        nodes=dict(r.nodes),
        files=sorted({*r.files, rel}),
    )
    candidate.nodes[rel] = node
    set_source(item, rel)
    if isinstance(item, ActorsFile):
        candidate.actors, candidate.relations = list(item.actors), list(item.relations)
        for part in [*item.actors, *item.relations]:
            set_source(part, rel)
    elif isinstance(item, Entry):
        candidate.entries.append(item)
    else:
        attr = {Prototype: "prototypes", Scenario: "scenarios", Method: "methods"}[type(item)]
        items = [i for i in getattr(candidate, attr) if source_of(i) != rel]
        setattr(candidate, attr, [*items, item])
    return candidate


def _key(p: Problem) -> tuple[str, str, str, str]:
    return (p.path, p.severity, p.code, p.message)


def _new_problems(
    ctx: Context, kind: str, rel: str, text: str, file_model: type[Model]
) -> tuple[list[Problem], Model | None]:
    """Return the problems a file's new text would add to the residency, as check sees them."""
    from residence.check import check_residency

    item, node, found = _load_text(text, rel, file_model)
    after = [p for p in ctx.load_problems if p.path != rel] + found
    if item is not None:
        after += check_residency(_with_file(ctx, kind, rel, item, node))
    else:
        after += ctx.check_problems
    before = Counter(_key(p) for p in [*ctx.load_problems, *ctx.check_problems])
    new = []
    for p in after:
        if before[_key(p)] > 0:
            before[_key(p)] -= 1
        else:
            new.append(p)
    return new, item


def _relocate(
    problems: list[Problem],
    rel: str,
    shown_as: str,
    span: tuple[int, int] | None,
    keep_lines: bool,
) -> list[Problem]:
    """Point problems of the file being written at what the user typed.

    Problems inside the new item go to ``shown_as`` (a draft; "" for the command line);
    those after an inserted block get their old line numbers back.
    """
    moved = []
    for p in problems:
        if p.path == rel and p.line is not None and span is not None and p.line > span[1]:
            shift = span[1] - span[0] + 1
            p = dataclasses.replace(p, line=p.line - shift)
        elif p.path == rel and (span is None or p.line is None or span[0] <= p.line <= span[1]):
            line = p.line if keep_lines and span is None else None
            column = p.column if line is not None else None
            p = dataclasses.replace(p, path=shown_as, line=line, column=column)
        moved.append(p)
    return moved


def _quiet(problems: list[Problem], kind: str, ident: str) -> list[Problem]:
    """Leave out what is expected of a brand-new item: nobody mentions a new actor yet."""
    return [
        p
        for p in problems
        if not (kind == "actor" and p.code == "unmentioned-actor" and f"'{ident}'" in p.message)
    ]


def _finish(plan: Plan, new: list[Problem], shown: list[Problem]) -> Plan:
    """Raise the problems as the user should see them if one is an error; else keep the
    warnings, pointing at the file as it will be written."""
    shown = _quiet(shown, plan.kind, plan.ident)
    if has_errors(shown):
        raise ResidenceError(shown)
    plan.warnings = _quiet(new, plan.kind, plan.ident)
    return plan


def plan_from_data(ctx: Context, kind: str, data: Mapping[str, Any]) -> Plan:
    """Return the plan of an item made from command-line values; raise ResidenceError.

    The problems raised have no file (the file does not exist yet): they are about what
    was typed.
    """
    spec = KINDS[kind]
    data = dict(data)
    explicit_id = "id" in data and kind != "note"
    if spec.folder:
        item_text = _emit_text(data)
        item, _, found = _load_text(item_text, "item.yaml", spec.model)
        if item is None:
            raise ResidenceError([_problem(p.message, p.severity, p.code) for p in found])
        rel, ident = _new_file_rel(ctx, kind, item, explicit_id)
        if kind != "note" and ident != data.get("id"):
            data["id"] = ident
            data = _ordered(spec, data)
        text = _header(kind, ctx.language, rel, ctx.root) + _emit_text(data)
        new, _ = _new_problems(ctx, kind, rel, text, spec.model)
        plan = Plan(kind, ctx.root, rel, text, None, ident)
        return _finish(plan, new, _relocate(new, rel, "", None, keep_lines=False))
    return _plan_append(ctx, kind, data, shown_as="")


def _plan_append(ctx: Context, kind: str, data: Mapping[str, Any], shown_as: str) -> Plan:
    """Return the plan of an actor, a relation or a test session inserted into its file."""
    spec = KINDS[kind]
    item_data = {k: v for k, v in data.items() if not (kind == "test" and k == "prototype")}
    if kind == "test":  # in the file, the fields of a session follow FORMAT.md's order
        order = [info.alias or name for name, info in TestSession.model_fields.items()]
        item_data = {k: item_data[k] for k in sorted(item_data, key=order.index)}
    # A test is checked with its prototype, so that a missing --prototype is said as such.
    _, _, found = _load_text(_emit_text(dict(data)), "item.yaml", spec.model)
    if found:
        problems = [dataclasses.replace(p, path=shown_as, line=None, column=None) for p in found]
        if has_errors(problems):
            raise ResidenceError(problems)
    rel, key = _appended_target(ctx, kind, data)
    if kind == "actor" and data.get("id") in taken_ids(ctx, "actor"):
        raise ResidenceError(
            [
                _problem(
                    f"there is already an actor '{data['id']}' in {rel}: choose another id (for "
                    f"example '{free_id(str(data['id']), taken_ids(ctx, 'actor'))}')",
                    code="duplicate-id",
                )
            ]
        )
    text, before, bom = _read_text(ctx.root, rel)
    insertion = insert_item(text, key, item_data, rel)
    file_model = Prototype if kind == "test" else ActorsFile
    new, _ = _new_problems(ctx, kind, rel, insertion.text, file_model)
    span = (insertion.first_line, insertion.last_line)
    ident = str(data.get("id") or data.get("prototype") or "")
    if kind == "relation":
        ident = f"{data.get('from')} → {data.get('to')}"
    plan = Plan(kind, ctx.root, rel, bom + insertion.text, before, ident)
    return _finish(plan, new, _relocate(new, rel, shown_as, span, keep_lines=False))


# -- drafts ------------------------------------------------------------------------------


def start_draft(root: Path, kind: str, text: str, now: dt.datetime | None = None) -> Path:
    """Write a new draft in ``.residence/drafts/`` and return its path (never replaces one)."""
    now = now or dt.datetime.now()
    folder = root / DRAFTS
    ignore = root / ".residence" / ".gitignore"
    if not ignore.exists():
        # Drafts may hold private notes: keep them out of git and of shared archives.
        try:
            write_atomic(
                ignore, "# Drafts of 'residence add': never commit them.\n*\n", exclusive=True
            )
        except FileExistsError:
            pass
    base = f"{now:%Y%m%d-%H%M%S}-{kind}"
    n = 1
    while True:
        path = folder / (f"{base}.yaml" if n == 1 else f"{base}-{n}.yaml")
        try:
            write_atomic(path, text, exclusive=True)
        except FileExistsError:
            n += 1
            continue
        return path


class DraftAbandoned(Exception):
    """The draft was emptied or left as it was: nothing to add."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty" or "unchanged"


def _fill_id(text: str, value: Any, spec: Kind, ctx: Context) -> str:
    """Give a draft without an id the slug of its title (or name), not yet taken."""
    if "id" not in spec.order or not isinstance(value, dict) or value.get("id"):
        return text
    title = value.get("name" if spec.name == "actor" else "title")
    if not isinstance(title, str) or not slug(title):
        return text
    ident = free_id(slug(title), taken_ids(ctx, spec.name))
    pattern = re.compile(r"^id:[ \t]*(#.*)?$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(
            lambda m: f"id: {ident}" + (f"  {m.group(1)}" if m.group(1) else ""), text, count=1
        )
    lines = text.split("\n")
    at = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")),
        len(lines),
    )
    lines.insert(at, f"id: {ident}")
    return "\n".join(lines)


def plan_from_draft(
    ctx: Context,
    kind: str,
    draft: Path,
    template: str | None = None,
    *,
    abandon_unchanged: bool = True,
) -> Plan:
    """Return the plan of the item written in a draft file; raise ResidenceError.

    Problems point at the draft's lines. ``template`` is the text the draft started from:
    its comment lines are left out of the file written, and a draft left as it was is
    abandoned (DraftAbandoned) unless ``abandon_unchanged`` is false, as is an empty one.
    """
    spec = KINDS[kind]
    rel = draft.resolve().relative_to(ctx.root.resolve()).as_posix()
    data = draft.read_bytes()
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        _, _, found = _load_text(data, rel, spec.model)
        raise ResidenceError(found) from None
    if abandon_unchanged and template is not None and text == template:
        raise DraftAbandoned("unchanged")
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise DraftAbandoned("empty")
    try:
        _, value = parse_yaml(text)
    except YamlProblem:
        value = None
    filled = _fill_id(text, value, spec, ctx)
    if filled != text:
        write_atomic(draft, filled)
        text = filled
    try:
        return _plan_draft_text(ctx, kind, rel, text, template)
    except ResidenceError as first:
        fixed = indent_text_block(text, spec.text) if spec.text else None
        if fixed is None:
            raise
        try:
            plan = _plan_draft_text(ctx, kind, rel, fixed, template)
        except ResidenceError:
            raise first from None
        write_atomic(draft, fixed)
        plan.note = f"the lines under '{spec.text}:' were indented for you"
        return plan


def _plan_draft_text(ctx: Context, kind: str, rel: str, text: str, template: str | None) -> Plan:
    spec = KINDS[kind]
    item, _, found = _load_text(text, rel, spec.model)
    if item is None:
        raise ResidenceError(found)
    if spec.container:
        values = item.model_dump(mode="python", by_alias=True, exclude_unset=True)
        values = _ordered(spec, {k: v for k, v in values.items() if v not in (None, [], {}, "")})
        if kind == "test":
            refs = check_values(
                ctx, kind, {"prototype": values["prototype"]}, {"prototype": "prototype:"}
            )
            if refs:
                raise ResidenceError([dataclasses.replace(p, path=rel) for p in refs])
        return _plan_append(ctx, kind, values, shown_as=rel)
    assert spec.folder is not None
    explicit = kind != "note"
    target, ident = _new_file_rel(ctx, kind, item, explicit)
    # Keep the team's own comments, not the template's explanations.
    clean = clean_draft(text, template)
    try:
        same = parse_yaml(clean)[1] == parse_yaml(text)[1]
    except YamlProblem:
        same = False
    body = clean if same and clean else text
    written = _header(kind, ctx.language, target, ctx.root) + body
    plan = Plan(kind, ctx.root, target, written, None, ident)
    new, _ = _new_problems(ctx, kind, target, written, spec.model)
    if has_errors(new):  # point at the draft's lines, where the user will fix them
        new, _ = _new_problems(ctx, kind, target, text, spec.model)
        return _finish(plan, new, _relocate(new, target, rel, None, keep_lines=True))
    return _finish(plan, new, new)


# -- writing -----------------------------------------------------------------------------


def write_plan(plan: Plan) -> Path:
    """Write a plan: a new file (never replacing one) or a file's new text, atomically."""
    path = plan.path
    if plan.before is None:
        try:
            write_atomic(path, plan.text, exclusive=True)
        except FileExistsError:
            raise ResidenceError(
                [
                    _problem(
                        f"{plan.rel} appeared while the {KINDS[plan.kind].what} was being added: "
                        "nothing was written; run the command again"
                    )
                ]
            ) from None
        return path
    try:
        current = path.read_bytes()
    except OSError:
        current = None
    if current != plan.before:
        raise ResidenceError(
            [
                _problem(
                    f"{plan.rel} changed while the {KINDS[plan.kind].what} was being added (is it "
                    "open in an editor?): nothing was written; run the command again"
                )
            ]
        )
    write_atomic(path, plan.text)
    return path


# -- the editor --------------------------------------------------------------------------


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """Return the editor to run: EDITOR, then VISUAL, then nano, editor, vi (notepad)."""
    environ = os.environ if environ is None else environ
    for name in ("EDITOR", "VISUAL"):
        value = environ.get(name, "").strip()
        if value:
            return shlex.split(value, posix=os.name != "nt")
    if os.name == "nt":
        return ["notepad"]
    for candidate in ("nano", "editor", "vi"):
        found = shutil.which(candidate)
        if found:
            return [found]
    raise ResidenceError(
        "no text editor found: set the EDITOR variable (for example EDITOR=nano), or give "
        "every field as an option",
        usage=True,
    )


def is_interactive() -> bool:
    """Tell whether someone is at the keyboard (stdin is a terminal)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def draft_path(ctx: Context, given: Path) -> Path:
    """Return a draft given with --draft, refusing a path outside the residency folder."""
    path = given if given.is_absolute() else Path.cwd() / given
    try:
        path.resolve().relative_to(ctx.root.resolve())
    except ValueError:
        raise ResidenceError(
            f"'{given}' is outside the residency folder: drafts live in {DRAFTS}/",
            usage=True,
        ) from None
    if not path.is_file():
        raise ResidenceError(f"no draft '{given}'", usage=True)
    return path


def normalise_text(text: str) -> str:
    """Return text with Unicode composed (é as one character), as typed on most keyboards."""
    return unicodedata.normalize("NFC", text)


def given_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the option values that were given, with their text NFC-normalised."""
    given: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            given[key] = normalise_text(value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            given[key] = [normalise_text(v) if isinstance(v, str) else v for v in value]
        else:
            given[key] = value
    return given

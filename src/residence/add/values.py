# SPDX-License-Identifier: EUPL-1.2
"""Values typed on the command line: the item they make, its new id, and their problems."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from residence import layout
from residence.add.kinds import KINDS, MARKDOWN_FIELDS, Context, Kind, field_info
from residence.add.media import media_target, photo_problems
from residence.errors import Problem, has_errors
from residence.findings import tag_key
from residence.i18n import messages
from residence.load import NON_PRINTABLE, YamlProblem, load_file, parse_yaml
from residence.models import Method, Model, Prototype, Scenario
from residence.models.residency import entry_stem, source_of
from residence.text import closest, did_you_mean, slugify
from residence.yamltext import emit_text

_ = messages("add")

MAX_SLUG = 60

#: The command-line option of a key, when it is not the key itself (singular for lists).
_OPTIONS = {
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

#: The kinds whose item is dated today unless a date is given.
_DATED_TODAY = frozenset({"note", "test", "consent", "follow-up", "handover"})
#: The kinds whose item gets an id made from its name or title.
_WITH_ID = frozenset({"actor", "member", "prototype", "scenario", "method", "insight"})


def tag_words(typed: Sequence[str]) -> list[str]:
    """Return tags as typed, one per code, as `residence tag` writes them: commas split
    them, spaces (line breaks too) are single, Unicode composed; empty ones and a code
    given twice ("Accueil", "accueil") are left out."""
    words: list[str] = []
    seen: set[str] = set()
    for text in typed:
        for part in text.split(","):
            word = " ".join(unicodedata.normalize("NFC", part).split())
            if word and tag_key(word) not in seen:
                seen.add(tag_key(word))
                words.append(word)
    return words


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
    RESIDENCE_AUTHOR variable, comma-separated ids), a new prototype is an idea. Values
    are written as the format writes them: a number as a number, a day as YYYY-MM-DD, a
    French word as its English word (``maquette`` -> ``mock-up``). The second value maps
    keys to the option that gave them (``--actor``, ``RESIDENCE_AUTHOR``…).
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
            if (
                key in spec.refs
                or key == "evidence"
                or (key in {"authors", "team"} and kind != "method")
            ):
                # Ids never hold commas: "--actor a,b" is two actors.
                items = [part.strip() for v in items for part in v.split(",") if part.strip()]
            elif key == "tags":
                items = tag_words(items)
            if not items:
                continue
            value = items
        elif isinstance(value, str):
            value = value.replace("\r\n", "\n")
            if key in MARKDOWN_FIELDS:
                value = _markdown(value)
            else:  # a quote piped in ends with a newline that is not part of it
                value = value.rstrip("\r\n")
            if not value.strip():  # only spaces: not given (the editor will ask for it)
                continue
        data[key] = value
        origins[key] = origin_of(spec, key)
    authors = [a.strip() for a in (author or "").split(",") if a.strip()]
    if kind in _DATED_TODAY and "date" not in data:
        data["date"] = today
        origins["date"] = "today"
    if kind == "prototype":
        data.setdefault("stage", "idea")
        if "created" not in data:
            data["created"] = today
            origins["created"] = "today"
    for key in ("date", "created"):
        if isinstance(data.get(key), str):
            data[key] = parse_day(data[key], today)
    for key, value in data.items():
        data[key] = canonical(spec, key, value)
    author_key = {"note": "authors", "prototype": "team"}.get(kind)
    if author_key and author_key not in data and authors:
        data[author_key] = authors
        origins[author_key] = "RESIDENCE_AUTHOR"
    name_key = {"method": "authors", "follow-up": "by"}.get(kind)
    if name_key and name_key not in data and authors:
        names = [ctx.ids("member").get(a, a) for a in authors]
        data[name_key] = names if kind == "method" else ", ".join(names)
        origins[name_key] = "RESIDENCE_AUTHOR"
    if kind in _WITH_ID and "id" not in data:
        title = data.get("name" if kind in {"actor", "member"} else "title")
        if isinstance(title, str) and slug(title):
            data["id"] = propose_id(ctx, kind, title)
            origins["id"] = "proposed"
    if kind == "insight" and "evidence" in data:
        from residence.add.evidence import evidence_item

        cited = [evidence_item(ctx, str(v)) for v in data["evidence"]]
        # The same evidence given twice (2026-01-13-x#1 and 13/01/2026#1) is written once.
        data["evidence"] = list({repr(item): item for item in cited}.values())
    if kind == "photo" and isinstance(data.get("source"), str):
        source = Path(data["source"]).expanduser()
        source = source if source.is_absolute() else Path.cwd() / source
        rel, copy = media_target(ctx.root, source)
        data.setdefault("file", rel)
        origins.setdefault("file", origins["source"])
        if copy:
            data["source"] = str(source)
        else:  # already in media/: nothing to copy
            del data["source"]
    return ordered(spec, data), origins


def canonical(spec: Kind, key: str, value: Any) -> Any:
    """Return a value as the format writes it: ``5`` as a number, ``16/01/2026`` as
    2026-01-16, ``9h45`` as 09:45, ``maquette`` as mock-up; a value the field does not
    accept is left as it is, for the checks to explain."""
    if isinstance(value, (list, dict)):
        return value
    adapter = _adapter(spec.model, key)
    if adapter is None:
        return value
    try:
        result = adapter.validate_python(value)
    except ValidationError:
        return value
    return result if isinstance(result, (str, int, dt.date)) else value


@functools.cache
def _adapter(model: type[Model], key: str) -> TypeAdapter[Any] | None:
    """Return the validator of one field of a model (None for a key it does not have)."""
    try:
        info = field_info(model, key)
    except KeyError:
        return None
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def origin_of(spec: Kind, key: str) -> str:
    """Return how the user gave a key: its option (``--actor``) or argument (``FILE``)."""
    return spec.arguments.get(key) or "--" + option_name(key)


def propose_id(ctx: Context, kind: str, name: str) -> str:
    """Return a free id made from a name or title; a team member's is their first name."""
    taken = taken_ids(ctx, kind)
    if kind == "member":
        first = slug(name.split()[0]) if name.split() else ""
        if first and first not in taken:
            return first
    return free_id(slug(name), taken)


def option_name(key: str) -> str:
    """Return the command-line option of a key (singular for lists)."""
    return _OPTIONS.get(key, key.replace("_", "-"))


def _markdown(text: str) -> str:
    """Return Markdown text as it is kept: trailing spaces trimmed, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + "\n" if lines else ""


def ordered(spec: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the item's keys in the kind's order (unknown keys last, as given)."""
    result = {k: data[k] for k in spec.order if k in data}
    result.update({k: v for k, v in data.items() if k not in result})
    return result


def emit(data: Mapping[str, Any]) -> str:
    """Return an item as the YAML text written in the team's files (Markdown as blocks)."""
    return emit_text(data, literal=MARKDOWN_FIELDS)


def normalise_text(text: str) -> str:
    """Return text with Unicode composed (é as one character), as typed on most keyboards."""
    return unicodedata.normalize("NFC", text)


def given_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the option values that were given, with their text NFC-normalised (a path
    on disk aside: its bytes name the file)."""
    given: dict[str, Any] = {}
    for key, value in values.items():
        if key == "source":
            given[key] = value
        elif isinstance(value, str):
            given[key] = normalise_text(value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            given[key] = [normalise_text(v) if isinstance(v, str) else v for v in value]
        else:
            given[key] = value
    return given


# -- ids ---------------------------------------------------------------------------------


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
    suffixes = layout.YAML_SUFFIXES
    return {p.name.rsplit(".", 1)[0] for p in base.rglob("*") if p.name.endswith(suffixes)}


def taken_ids(ctx: Context, kind: str) -> set[str]:
    """Return the ids (and file names) a new item of this kind must not reuse."""
    r = ctx.residency
    if kind in {"actor", "member"}:
        if kind == "actor":
            taken = {a.id for a in r.actors}
            raw = _raw_list(ctx.root, layout.KINDS["actors"].stem or "", "actors")
        else:
            taken = {m.id for m in r.residence.team} if r.residence else set()
            raw = _raw_list(ctx.root, layout.KINDS["residence"].stem or "", "team")
        taken.update(str(a.get("id")) for a in raw if isinstance(a, dict) and a.get("id"))
        return taken
    home = KINDS[kind].home
    stems = _stems(ctx.root, home.folder or "")
    if kind == "note":
        return stems | {entry_stem(e) for e in r.entries}
    items: Sequence[Prototype | Scenario | Method] = getattr(r, home.attr)
    return stems | {i.id for i in items}


def _raw_list(root: Path, stem: str, key: str) -> list[Any]:
    """Return the raw list under ``key`` of a top-level file, [] when unreadable."""
    rel = layout.first_existing(root, stem)
    if rel is None:
        return []
    try:
        _root, value = parse_yaml((root / rel).read_bytes())
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
    close = closest(wanted or word, known, n=2)
    if close:
        return close
    names = {slugify(name): i for i, name in known.items()}
    return [names[n] for n in closest(wanted, names)]


# -- problems ----------------------------------------------------------------------------


def problem(message: str, severity: str = "error", code: str = "bad-value") -> Problem:
    """A problem with what was typed on the command line (no file, no line)."""
    return Problem("", None, None, severity, code, message)  # type: ignore[arg-type]


def load_text(
    text: str | bytes, rel: str, model: type[Model]
) -> tuple[Model | None, Any, list[Problem]]:
    """Validate a file's text as the loader would: (item, YAML node, problems at ``rel``)."""
    with tempfile.TemporaryDirectory(prefix="residence-add-") as tmp:
        path = Path(tmp) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return load_file(Path(tmp), rel, model)


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
                    problem(
                        _(
                            "{option}: the text contains characters that are not printable "
                            "text: check your terminal's encoding (UTF-8)",
                            option=origins.get(key, key),
                        )
                    )
                )
    if problems:
        return problems
    for key, ref in spec.refs.items():
        if key in data:
            problems += _dangling(ctx, kind, key, ref, data[key], origins)
    ident = data.get("id")
    if ident and origins.get("id", "").startswith("--") and kind != "note":
        taken = taken_ids(ctx, kind)
        if ident in taken:
            problems.append(
                problem(
                    _(
                        "--id {id}: this {what} id is already taken: choose another one (for "
                        "example '{free}')",
                        id=ident,
                        what=spec.what,
                        free=free_id(str(ident), taken),
                    ),
                    code="duplicate-id",
                )
            )
    if kind in {"actor", "member"} and "name" in data and origins.get("id") != "--id":
        problems += _same_name(ctx, kind, str(data["name"]))
    if kind == "photo":
        problems += photo_problems(ctx.root, data, origins)
        if all(k in data for k in spec.parents):
            problems.append(
                problem(_("give --entry or --prototype, not both: a photo goes to one of them"))
            )
    if kind == "handover" and isinstance(data.get("prototype"), str):
        problems += handover_problems(ctx, str(data["prototype"]))
    if kind == "insight" and isinstance(data.get("evidence"), list):
        problems += evidence_problems(ctx, data["evidence"])
        if has_errors(problems):
            return problems
    # The form of each given value, as the loader would judge it (missing keys aside).
    _item, _node, found = load_text(emit(data), "item.yaml", spec.model)
    problems += [problem(p.message, p.severity, p.code) for p in found if p.code != "missing-field"]
    return problems


def _same_name(ctx: Context, kind: str, name: str) -> list[Problem]:
    """Refuse a second actor (or team member) with the name of one already there."""
    wanted = slugify(name)
    if kind == "actor":
        known = [(a.id, a.name) for a in ctx.residency.actors]
    else:
        team = ctx.residency.residence.team if ctx.residency.residence else []
        known = [(m.id, m.name) for m in team]
    same = [ident for ident, known_name in known if slugify(known_name) == wanted]
    if not same:
        return []
    if kind == "actor":
        message = _(
            "'{name}' is already in {file} as '{id}': to add another actor with the same name, "
            "give it an --id",
            name=name,
            file=layout.KINDS["actors"].pattern,
            id=same[0],
        )
    else:
        message = _(
            "'{name}' is already in the team of {file} as '{id}': to add another team member "
            "with the same name, give it an --id",
            name=name,
            file=layout.KINDS["residence"].pattern,
            id=same[0],
        )
    return [problem(message, code=f"duplicate-{kind}")]


def handover_problems(ctx: Context, ident: str) -> list[Problem]:
    """Refuse a handover for a prototype that already has one (it is edited in its file)."""
    proto = next((p for p in ctx.residency.prototypes if p.id == ident), None)
    if proto is None or proto.handover is None:
        return []
    return [
        problem(
            _(
                "the prototype '{id}' already has a handover, in {file}: change it there (a "
                "prototype is handed over once)",
                id=ident,
                file=source_of(proto),
            ),
            code="duplicate-handover",
        )
    ]


def evidence_problems(ctx: Context, evidence: Sequence[Any]) -> list[Problem]:
    """Return what is wrong with each ``--evidence``: its form, an entry or a prototype
    that is not there (with the names it most likely meant), a quote or a test it does not
    have. What a reference points at is resolved as the check resolves it."""
    from residence.add.evidence import find_entry, reference_problem, typed_form
    from residence.findings import Evidences
    from residence.models import Evidence

    evidences = Evidences(ctx.residency)
    found: list[Problem] = []
    for item in evidence:
        if not isinstance(item, dict):
            message = reference_problem(str(item))
            if message:
                found.append(problem(message, code="bad-value"))
            continue
        typed = typed_form(item)
        resolved = evidences.resolve(Evidence.model_construct(**item))
        if "entry" in item and resolved.entry is None:
            found.append(_unknown_entry(ctx, str(item["entry"]), typed, find_entry))
        elif "prototype" in item and resolved.prototype is None:
            ident = str(item["prototype"])
            if _unloadable(ctx, "prototype", ident):
                message = _unloadable_message("prototype", "--evidence", ident)
            else:
                known = ctx.ids("prototype")
                hint = (
                    did_you_mean(suggest(ident, known)) if known else " " + _none_yet("prototype")
                )
                message = _unknown_message("prototype", "--evidence", typed, hint)
            found.append(problem(message, code="dangling-ref"))
        elif resolved.entry is not None and item.get("quote") and resolved.quote is None:
            count = len(resolved.entry.quotes)
            if count == 0:
                message = _(
                    "--evidence {value}: the entry '{entry}' has no quote: cite the entry "
                    "alone, or add the quote first (residence add quote)",
                    value=typed,
                    entry=item["entry"],
                )
            else:
                message = _.plural(
                    "--evidence {value}: the entry '{entry}' has {n} quote; they count from 1",
                    "--evidence {value}: the entry '{entry}' has {n} quotes; they count from 1",
                    count,
                    value=typed,
                    entry=item["entry"],
                )
            found.append(problem(message, code="evidence-quote"))
        elif resolved.prototype is not None and item.get("test") and resolved.test is None:
            count = len(resolved.prototype.tests)
            if count == 0:
                message = _(
                    "--evidence {value}: the prototype '{id}' has no test session yet: cite "
                    "the prototype alone, or add the test first (residence add test)",
                    value=typed,
                    id=item["prototype"],
                )
            else:
                message = _.plural(
                    "--evidence {value}: the prototype '{id}' has {n} test session; they "
                    "count from 1",
                    "--evidence {value}: the prototype '{id}' has {n} test sessions; they "
                    "count from 1",
                    count,
                    value=typed,
                    id=item["prototype"],
                )
            found.append(problem(message, code="evidence-test"))
    return found


def _unknown_entry(ctx: Context, ref: str, typed: str, find: Any) -> Problem:
    """Return the refusal of an ``--evidence`` entry that names no entry, or several."""
    match = find(ctx, ref)
    if match.broken:
        message = _(
            "--evidence {value}: {file} has errors; fix them first (residence check)",
            value=typed,
            file=match.broken,
        )
    elif match.several:
        message = _(
            "--evidence {value}: '{ref}' names several journal entries ({entries}): give the "
            "whole file name",
            value=typed,
            ref=ref,
            entries=", ".join(match.several),
        )
    else:
        known = ctx.ids("entry")
        hint = did_you_mean(suggest(ref, known)) if known else " " + _none_yet("entry")
        message = _unknown_message("entry", "--evidence", typed, hint)
    return problem(message, code="dangling-ref")


def _dangling(
    ctx: Context, kind: str, key: str, ref: str, given: Any, origins: Mapping[str, str]
) -> list[Problem]:
    """Return a problem for each id of ``given`` that names no item of the residency."""
    known = ctx.ids(ref)
    found = []
    for value in given if isinstance(given, list) else [given]:
        if value in known:
            continue
        origin = origins.get(key, origin_of(KINDS[kind], key))
        if ref in {"prototype", "entry"} and _unloadable(ctx, ref, str(value)):
            message = _unloadable_message(ref, origin, str(value))
        else:
            hint = did_you_mean(suggest(str(value), known))
            if not known:
                hint = " " + _none_yet(ref)
                if ref == "member" and ctx.residency.residence is None:
                    hint = " " + _("(residence.yaml cannot be read: run residence check)")
            if ref == "member" and origin == "RESIDENCE_AUTHOR":
                hint += " " + _("(it comes from the RESIDENCE_AUTHOR variable)")
            message = _unknown_message(ref, origin, str(value), hint)
        found.append(problem(message, code="dangling-ref"))
    return found


_JOURNAL = layout.KINDS["journal"].folder
_PROTOTYPES = layout.KINDS["prototype"].folder


def _unknown_message(ref: str, option: str, value: str, hint: str) -> str:
    """Return "--actor x: unknown actor, it is not in actors.yaml", ``hint`` at its end."""
    values = {"option": option, "value": value, "hint": hint}
    if ref == "member":
        return _(
            "{option} {value}: unknown team member, it is not in the team of {file}{hint}",
            file=layout.KINDS["residence"].pattern,
            **values,
        )
    if ref == "actor":
        return _(
            "{option} {value}: unknown actor, it is not in {file}{hint}",
            file=layout.KINDS["actors"].pattern,
            **values,
        )
    if ref == "prototype":
        return _(
            "{option} {value}: unknown prototype, it is not in {folder}/{hint}",
            folder=_PROTOTYPES,
            **values,
        )
    if ref == "method":
        return _(
            "{option} {value}: unknown method, it is not in {folder}/{hint}",
            folder=layout.KINDS["method"].folder,
            **values,
        )
    if ref == "entry":
        return _(
            "{option} {value}: unknown journal entry, it is not in {folder}/ (file name without "
            ".yaml){hint}",
            folder=_JOURNAL,
            **values,
        )
    assert ref == "example", ref
    return _(
        "{option} {value}: unknown example, it is not in {journal}/ (file name without .yaml) "
        "nor {prototypes}/{hint}",
        journal=_JOURNAL,
        prototypes=_PROTOTYPES,
        **values,
    )


def _none_yet(ref: str) -> str:
    """Return the remark that the residency has no item of this kind to name yet."""
    if ref == "member":
        return _("(there is no team member yet)")
    if ref == "actor":
        return _("(there is no actor yet)")
    if ref == "prototype":
        return _("(there is no prototype yet)")
    if ref == "method":
        return _("(there is no method yet)")
    if ref == "entry":
        return _("(there is no journal entry yet)")
    return _("(there is no example yet)")


def _unloadable_message(ref: str, option: str, value: str) -> str:
    """Return the refusal of a prototype (or entry) whose file is there but has errors."""
    if ref == "prototype":
        return _(
            "{option} {value}: unknown prototype, it is not in {folder}/: {folder}/{value}.yaml "
            "has errors; fix them first (residence check)",
            option=option,
            value=value,
            folder=_PROTOTYPES,
        )
    return _(
        "{option} {value}: unknown journal entry, it is not in {folder}/ (file name without "
        ".yaml): {folder}/{value}.yaml has errors; fix them first (residence check)",
        option=option,
        value=value,
        folder=_JOURNAL,
    )


def _unloadable(ctx: Context, ref: str, ident: str) -> bool:
    """Tell whether a prototype's (or an entry's) file exists but could not be loaded."""
    home = layout.KINDS["prototype" if ref == "prototype" else "journal"]
    folder = ctx.root / (home.folder or "")
    exists = any((folder / f"{ident}{s}").is_file() for s in layout.YAML_SUFFIXES)
    return exists and ident not in ctx.ids(ref)


def needs_editor(kind: str, data: Mapping[str, Any]) -> bool:
    """Tell whether the item lacks something the editor is for.

    That is a required field, or the long text of a journal entry or a test session.
    """
    spec = KINDS[kind]
    if any(k not in data for k in spec.required):
        return True
    if spec.parents and not any(k in data for k in spec.parents):
        return True  # where the item goes (a photo: an entry or a prototype)
    return kind in {"note", "test"} and spec.text not in data

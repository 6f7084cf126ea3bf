# SPDX-License-Identifier: EUPL-1.2
"""Values typed on the command line: the item they make, its new id, and their problems."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from residence import layout
from residence.add.kinds import KINDS, MARKDOWN_FIELDS, REF_PLACES, Context, Kind
from residence.errors import Problem
from residence.load import NON_PRINTABLE, YamlProblem, load_file, parse_yaml
from residence.models import Method, Model, Prototype, Scenario
from residence.models.residency import entry_stem
from residence.text import closest, did_you_mean, slugify
from residence.yamltext import emit_text

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
        origins[key] = "--" + option_name(key)
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
    return ordered(spec, data), origins


def option_name(key: str) -> str:
    """Return the command-line option of a key (singular for lists)."""
    return _OPTIONS.get(key, key)


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
    if kind == "actor":
        taken = {a.id for a in r.actors}
        raw = _raw_list(ctx.root, layout.KINDS["actors"].stem or "", "actors")
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
                        f"{origins.get(key, key)}: the text contains characters that are not "
                        "printable text: check your terminal's encoding (UTF-8)"
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
                problem(
                    f"'{data['name']}' is already in actors.yaml as '{same[0].id}': to add "
                    "another actor with the same name, give it an --id",
                    code="duplicate-actor",
                )
            )
    # The form of each given value, as the loader would judge it (missing keys aside).
    _, _, found = load_text(emit(data), "item.yaml", spec.model)
    problems += [problem(p.message, p.severity, p.code) for p in found if p.code != "missing-field"]
    return problems


def _dangling(
    ctx: Context, kind: str, key: str, ref: str, given: Any, origins: Mapping[str, str]
) -> list[Problem]:
    """Return a problem for each id of ``given`` that names no item of the residency."""
    known = ctx.ids(ref)
    found = []
    for value in given if isinstance(given, list) else [given]:
        if value in known:
            continue
        origin = origins.get(key, "--" + option_name(key))
        hint = did_you_mean(suggest(str(value), known))
        if not known:
            hint = f" (there is no {'team member' if ref == 'member' else ref} yet)"
            if ref == "member" and ctx.residency.residence is None:
                hint = " (residence.yaml cannot be read: run residence check)"
        if ref == "prototype" and _unloadable(ctx, str(value)):
            folder = layout.KINDS["prototype"].folder
            hint = f": {folder}/{value}.yaml has errors; fix them first (residence check)"
        elif ref == "member" and origin == "RESIDENCE_AUTHOR":
            hint += " (it comes from the RESIDENCE_AUTHOR variable)"
        what = "team member" if ref == "member" else ref
        found.append(
            problem(
                f"{origin} {value}: unknown {what}, it is not in {REF_PLACES[ref]}{hint}",
                code="dangling-ref",
            )
        )
    return found


def _unloadable(ctx: Context, ident: str) -> bool:
    """Tell whether a prototype's file exists but could not be loaded."""
    folder = ctx.root / (layout.KINDS["prototype"].folder or "")
    return any((folder / f"{ident}{s}").is_file() for s in layout.YAML_SUFFIXES) and ident not in {
        p.id for p in ctx.residency.prototypes
    }


def needs_editor(kind: str, data: Mapping[str, Any]) -> bool:
    """Tell whether the item lacks something the editor is for.

    That is a required field, or the long text of a journal entry or a test session.
    """
    spec = KINDS[kind]
    if any(k not in data for k in spec.required):
        return True
    return kind in {"note", "test"} and spec.text not in data

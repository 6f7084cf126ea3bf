"""The format reference (docs/format.md), generated from the models, and field introspection.

The pydantic models are the one description of the format: their field descriptions and
docstrings feed this reference, the comments of the files ``residence new`` writes, and the
JSON Schemas. Run ``python -m residence.docgen`` after changing a model, and
``python -m residence.docgen --check`` in CI to know whether docs/format.md is stale.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from annotated_types import Ge, Le, MinLen
from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from residence.layout import KINDS
from residence.models import FILE_KINDS, Model
from residence.models.common import Date, Slug, Time

#: A plain name for a model, where splitting its class name is not enough.
_PLAIN_NAMES = {"FollowUp": "follow-up", "ActorsFile": "actors file", "ConsentFile": "consent file"}


@dataclass(frozen=True)
class FieldDoc:
    """What a person needs to know about one field of a YAML file."""

    key: str  # the key written in YAML (the alias: `from`, not `from_`)
    plain_type: str  # the type in plain words, with links to nested models
    required: bool
    default: str | None  # the default as written in YAML, when there is one worth saying
    min_items: int | None  # for a list that must not be empty
    choices: tuple[str, ...]  # allowed values of a Literal field
    description: str
    models: tuple[type[BaseModel], ...]  # the models nested in this field


def plain_name(model: type[BaseModel]) -> str:
    """Return a model's name in plain words: TestSession -> 'test session'."""
    if model.__name__ in _PLAIN_NAMES:
        return _PLAIN_NAMES[model.__name__]
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def anchor(model: type[BaseModel]) -> str:
    """Return the Markdown anchor of a model's section in docs/format.md."""
    return plain_name(model).replace(" ", "-")


def model_doc(model: type[BaseModel]) -> str:
    """Return a model's docstring, cleaned (the msgid of its translation)."""
    return inspect.cleandoc(model.__doc__ or "")


def nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """Return the model and every model nested in it, depth first, each once."""
    found: list[type[BaseModel]] = []

    def visit(current: type[BaseModel]) -> None:
        if current in found:
            return
        found.append(current)
        for field in current.model_fields.values():
            for inner in _models_in(field.annotation):
                visit(inner)

    visit(model)
    return found


def all_models() -> list[type[BaseModel]]:
    """Return every model a residency folder uses, file kinds first, each once."""
    found: list[type[BaseModel]] = []
    for model in FILE_KINDS.values():
        for item in nested_models(model):
            if item not in found:
                found.append(item)
    return found


def field_docs(model: type[BaseModel]) -> list[FieldDoc]:
    """Return the documentation of every field of a model, in the model's order."""
    return [_field_doc(name, field) for name, field in model.model_fields.items()]


def field_doc(model: type[BaseModel], key: str) -> FieldDoc:
    """Return the documentation of one field, by its YAML key or its Python name."""
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return _field_doc(name, field)
    raise KeyError(f"{model.__name__} has no field {key!r}")


def _field_doc(name: str, field: FieldInfo) -> FieldDoc:
    metadata = list(field.metadata)
    if isinstance(field.json_schema_extra, dict):
        metadata.append(FieldInfo(json_schema_extra=field.json_schema_extra))
    annotation = field.annotation
    min_items = next((m.min_length for m in metadata if isinstance(m, MinLen)), None)
    const = (
        field.json_schema_extra.get("const") if isinstance(field.json_schema_extra, dict) else None
    )
    kind = "always `1`" if const == 1 else _words(annotation, metadata)
    return FieldDoc(
        key=field.alias or name,
        plain_type=kind,
        required=field.is_required(),
        default=_default(field),
        min_items=min_items,
        choices=_choices(annotation),
        description=field.description or "",
        models=tuple(_models_in(annotation)),
    )


def _default(field: FieldInfo) -> str | None:
    if field.is_required() or field.default_factory is not None or field.default is None:
        return None
    value = field.default
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _split_annotated(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    annotation = _strip_optional(annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        metadata = [*metadata, *extra]
        annotation = _strip_optional(base)
    return annotation, metadata


def _is(metadata: list[Any], alias: Any) -> bool:
    """Tell whether the metadata carries the validator of an Annotated alias (Slug, Date…)."""
    marks = [m for m in alias.__metadata__ if isinstance(m, (AfterValidator, BeforeValidator))]
    return any(m in marks for m in metadata)


def _words(annotation: Any, metadata: list[Any]) -> str:
    """Return a type in plain words: 'list of ids', 'date (YYYY-MM-DD)', 'Markdown text'."""
    annotation, metadata = _split_annotated(annotation, metadata)
    if _is(metadata, Slug):
        return "id"
    if _is(metadata, Date):
        return "date (YYYY-MM-DD)"
    if _is(metadata, Time):
        return 'time ("HH:MM")'
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{c}`" for c in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner = _words(item, [])
        return "list of " + _plural(inner)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{plain_name(annotation)}](#{anchor(annotation)})"
    infos = [m for m in metadata if isinstance(m, FieldInfo)]
    extras = [i.json_schema_extra for i in infos if isinstance(i.json_schema_extra, dict)]
    bounds = [*metadata, *(m for i in infos for m in i.metadata)]
    if annotation is str:
        if any(e.get("contentMediaType") == "text/markdown" for e in extras):
            return "Markdown text"
        return "text"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is int:
        low = next((m.ge for m in bounds if isinstance(m, Ge)), None)
        high = next((m.le for m in bounds if isinstance(m, Le)), None)
        if low is not None and high is not None:
            return f"whole number from {low} to {high}"
        if low is not None:
            return f"whole number, {low} or more"
        return "whole number"
    return getattr(annotation, "__name__", str(annotation))


def _plural(words: str) -> str:
    """Return the plural of a type in plain words: 'id' -> 'ids', a link to 'week' -> weeks."""
    link = re.fullmatch(r"\[(.+)\]\((.+)\)", words)
    if link:
        name = link.group(1)
        return f"[{name if name == 'media' else name + 's'}]({link.group(2)})"
    head, _, tail = words.partition(" ")
    if head in {"id", "date", "time", "text"}:
        return f"{head}s {tail}".strip()
    if words == "Markdown text":
        return "Markdown texts"
    return words


def _choices(annotation: Any) -> tuple[str, ...]:
    annotation, _ = _split_annotated(annotation, [])
    if typing.get_origin(annotation) is Literal:
        return tuple(str(c) for c in typing.get_args(annotation))
    return ()


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        for model in _models_in(arg):
            if model not in found:
                found.append(model)
    return found


# -- docs/format.md ----------------------------------------------------------------------

_INTRO = """\
<!-- Generated by `python -m residence.docgen` from the models in src/residence/models/.
     Do not edit by hand: change the models' descriptions and run the command again. -->

# The residency folder: format reference

A residency is a plain folder of small text files that the team writes by hand, in any
text editor, and keeps in git or on a shared drive. `residence new` creates one with
commented starter files; `residence check` reads it and explains every mistake as
`file:line:column: message`. This page lists every file and every field that the tool
reads (format 1).

```
my-residency/
  residence.yaml          what, where, when, who
  actors.yaml             the actor map: actors and relations
  journal/                one file per entry: 2025-03-04-visite-urgences.yaml
  prototypes/             one file per prototype: <id>.yaml
  scenarios/              one file per usage scenario: <id>.yaml
  methods/                one file per method sheet: <id>.yaml
  insights/               one file per finding, with its evidence: <id>.yaml
  media/                  photos, sketches, scans (jpg, png, webp, svg, pdf)
  private/consent.yaml    consent records: never published, never archived in public
  schemas/                JSON Schemas, so that editors check the files as you type
  LICENSES/               the licence texts
  REUSE.toml              who holds the rights, under which licence
```

## Writing the files

- The files are [YAML](https://yaml.org): `key: value` lines; a list is one item per line,
  each starting with `- `; indentation uses spaces, never tabs. A line starting with `#` is a
  comment, which the tool ignores.
- Field names are English; the content is in the residency's language.
- **Ids** are short names used to refer to things from other files: lowercase letters,
  digits and hyphens, such as `agents-accueil`. Each id is unique among its kind.
- **Dates** are written `YYYY-MM-DD` (`2025-03-04`) or day first, `04/03/2025`; **times**
  `"HH:MM"`, in quotes, or as in French, `9h30`, `9h`.
- **Fixed words** (an entry's kind, a prototype's stage, a decision…) are English in this
  page, and each may be written in French too, with or without accents or capitals: see
  [French words](#french-words) at the end.
- **Markdown text** accepts Markdown: `**bold**`, `*italics*`, lists, links. For several
  lines, write `|` after the key and indent the lines below it.
- A required field must be present. An optional field may be left out, or left empty
  (`tags:`): both mean "not given".
- A field the tool does not know is an error, often a typo: the message suggests the right
  name.
- `residence check` also checks what joins the files: every id referred to exists, authors
  are team members, media files exist inside the folder, consent records name personal
  actors, entries fall inside the weeks, an insight's evidence points at an entry, one of
  its quotes or a prototype's test that exists.
- **Tags** (on entries, quotes and insights) are codes: the same tag gathers the notes on
  one theme across the weeks; capitals and accents do not count (`Accueil` = `accueil`).
  Once a residency has insights, `check` warns on a tag used only once.
- Each file starts with a `# yaml-language-server: $schema=…` comment: editors that
  understand it (VS Code with the YAML extension, for example) complete and check the file
  as you type. `residence schema` writes the schemas again.
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _required_words(doc: FieldDoc) -> str:
    if doc.required:
        if doc.min_items:
            return "**yes**, at least one" if doc.min_items == 1 else f"**yes**, {doc.min_items}+"
        return "**yes**"
    if doc.default is not None:
        return f"no (default `{doc.default}`)"
    return "no"


def _table(model: type[BaseModel]) -> list[str]:
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for doc in field_docs(model):
        lines.append(
            f"| `{doc.key}` | {_cell(doc.plain_type)} | {_required_words(doc)} | "
            f"{_cell(doc.description)} |"
        )
    return lines


def _section(kind: str, model: type[Model], documented: list[type[BaseModel]]) -> list[str]:
    lines = [f"## `{KINDS[kind].pattern}`", "", model_doc(model), "", *_table(model), ""]
    for inner in nested_models(model)[1:]:
        if inner in documented:
            continue
        documented.append(inner)
        lines += [f"### {plain_name(inner)}", "", model_doc(inner), "", *_table(inner), ""]
    return lines


def render_format_reference() -> str:
    """Return the text of docs/format.md, the format reference, from the models."""
    lines = [_INTRO]
    documented: list[type[BaseModel]] = []
    for kind, model in FILE_KINDS.items():
        lines += _section(kind, model, documented)
    lines += _french_words()
    return "\n".join(lines).rstrip("\n") + "\n"


#: Where each fixed word is used, as the page names it.
_WORD_FIELDS = {
    "EntryKind": "an entry's `kind`",
    "Visibility": "`visibility`",
    "ActorKind": "an actor's `kind`",
    "Sector": "`sector`",
    "Circle": "`circle`",
    "RelationKind": "a relation's `kind`",
    "Stage": "a prototype's `stage`",
    "Decision": "a test's `decision`",
    "Phase": "a method's `phase`",
    "Role": "a member's `role`",
    "Scope": "a consent's `scope`",
}


def _french_words() -> list[str]:
    """Return the section that lists the French words each fixed word accepts."""
    from residence.vocabulary import FRENCH_WORDS

    lines = [
        "## French words",
        "",
        "Each fixed word may be written in French; the tool reads it as the English word.",
        "",
        "| where | English word | French words |",
        "|---|---|---|",
    ]
    for name, where in _WORD_FIELDS.items():
        by_word: dict[str, list[str]] = {}
        for french, word in FRENCH_WORDS[name].items():
            if french != word:
                by_word.setdefault(word, []).append(f"`{french}`")
        for word, frenchs in by_word.items():
            lines.append(f"| {where} | `{word}` | {', '.join(frenchs)} |")
    return [*lines, ""]


def _default_out() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    return root / "docs" / "format.md" if (root / "pyproject.toml").is_file() else None


def main(argv: Sequence[str] | None = None) -> int:
    """Write docs/format.md, or with --check tell whether it is up to date (exit 1 if not)."""
    parser = argparse.ArgumentParser(
        prog="python -m residence.docgen",
        description="Generate the format reference (docs/format.md) from the models.",
    )
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    parser.add_argument("--out", type=Path, default=_default_out(), help="the file to write")
    args = parser.parse_args(argv)
    out: Path | None = args.out
    if out is None:
        parser.error("not in a source checkout: say where to write with --out")
    text = render_format_reference()
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"{out} is out of date: run python -m residence.docgen", file=sys.stderr)
            return 1
        print(f"{out} is up to date.", file=sys.stderr)
        return 0
    if current == text:
        print(f"{out} is up to date.", file=sys.stderr)
        return 0
    from residence.fsutil import write_atomic

    write_atomic(out, text)
    print(f"Wrote {out}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

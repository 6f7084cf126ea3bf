"""Read a residency folder: files -> YAML nodes (with lines) -> models, and problems.

Every YAML file is parsed by libyaml (``CSafeLoader`` when PyYAML has it) into a node
tree, and turned into plain Python values by our own constructor, which keeps every scalar
as text. Types are then decided by the pydantic models alone. This sidesteps the YAML 1.1
traps of user files: an unquoted ``10:30`` stays "10:30" (not the sexagesimal 630), ``no``
and ``on`` stay words, ``2015-02-30`` reaches pydantic as text and is reported at its line
instead of crashing the parser. Nothing here prints: problems are returned as values.
"""

from __future__ import annotations

import difflib
import os
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from residence.errors import Problem, sort_problems
from residence.models import (
    ActorsFile,
    ConsentFile,
    Entry,
    Method,
    Model,
    Prototype,
    Residence,
    Residency,
    Scenario,
)
from residence.models.residency import set_source
from residence.positions import locate

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 100
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
YAML_SUFFIXES = (".yaml", ".yml")

#: The folders of one-file-per-item kinds and the model of each file.
FOLDERS: dict[str, type[Model]] = {
    "journal": Entry,
    "prototypes": Prototype,
    "scenarios": Scenario,
    "methods": Method,
}


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe libyaml loader with no implicit typing: we only need the node tree."""

    yaml_implicit_resolvers: typing.ClassVar[dict[Any, Any]] = {}


class YamlProblem(Exception):
    """A file could not be read as YAML; carries the position and a plain message."""

    def __init__(self, message: str, line: int | None = 1, column: int | None = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse_yaml(data: bytes | str) -> tuple[Any, Any]:
    """Parse one YAML document; return (root node, plain value). Raise YamlProblem."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise YamlProblem(
                f"this file is too large ({len(data) // 1024 // 1024} MB): a residency file "
                f"should stay under {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        text = _decode(data)
    else:
        text = data
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlProblem("this file contains a NUL character: is it really a text file?", line)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"this is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return None, None
    return node, _Constructor().construct(node)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            "this file is not UTF-8 text (byte "
            f"0x{data[exc.start]:02x}): save it as UTF-8 in your editor",
            line,
            column,
        ) from None


_YAML_HINTS = {
    "found character '\\t' that cannot start any token": "a tab is used for indentation: "
    "indent with spaces only",
    "mapping values are not allowed here": "a ':' is in the wrong place: put a value with "
    "': ' between quotes, or check the indentation",
    "found undefined alias": "an alias (*name) refers to an anchor (&name) that does not exist",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    hint = next((h for key, h in _YAML_HINTS.items() if problem.startswith(key)), None)
    parts = [p for p in (exc.context, problem) if p]
    message = "this is not valid YAML: " + ", ".join(parts)
    if hint:
        message += f" ({hint})"
    if mark is None:
        return YamlProblem(message)
    return YamlProblem(message, mark.line + 1, mark.column + 1)


class _Constructor:
    """Turn a node tree into plain values: dicts, lists, text and None; check keys."""

    def __init__(self) -> None:
        self.distinct = 0
        self.budget = 200_000
        self.stack: set[int] = set()

    def construct(self, node: Any, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                "this file expands to too many values (aliases *name repeated many times): "
                "write the values out instead",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if depth > MAX_DEPTH:
            raise YamlProblem("this file is nested too deeply", *_pos(node))
        kind = node.id
        if kind == "scalar":
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if id(node) in self.stack:
            raise YamlProblem("an alias (*name) refers to the value that contains it", *_pos(node))
        self.stack.add(id(node))
        try:
            if kind == "sequence":
                return [self.construct(child, depth + 1) for child in node.value]
            return self._mapping(node, depth)
        finally:
            self.stack.discard(id(node))

    def _mapping(self, node: Any, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise YamlProblem(
                    "a key must be a plain word, not a list or a mapping", *_pos(key_node)
                )
            key = key_node.value
            if key == "<<" and key_node.style is None:
                value = self.construct(value_node, depth + 1)
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            merged.setdefault(k, v)
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise YamlProblem(
                    f"duplicate key '{key}' (already given on line {first}): keep only one",
                    *_pos(key_node),
                )
            seen[key] = key_node
            result[key] = self.construct(value_node, depth + 1)
        for k, v in merged.items():
            result.setdefault(k, v)
        return result


def _pos(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# -- pydantic errors -> problems ---------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of 'key: value' fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{value}'"


def _model_at(model: type[BaseModel], loc: Iterable[str | int]) -> type[BaseModel] | None:
    """Return the model class that holds the field at ``loc`` (for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = _field(current, part)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field(model: type[BaseModel], name: str) -> Any:
    for fname, f in model.model_fields.items():
        if (f.alias or fname) == name:
            return f
    return None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{match[0]}'?" if match else ""


def _problems_from_validation(
    path: str, node: Any, model: type[BaseModel], exc: ValidationError
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        kind = err["type"]
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        where = f"'{field}'" if field else "this value"
        value = err.get("input")
        code = "invalid-value"
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            names = _field_names(parent)
            hint = _suggest(field, names) or (
                f" (the fields here are: {', '.join(names)})" if names else ""
            )
            message = f"unknown field '{field}'{hint}"
            code = "unknown-field"
            line, col = locate(node, loc, key=True)
        elif kind == "missing":
            parent = _model_at(model, loc[:-1])
            f = _field(parent, field) if parent else None
            what = ""
            if f is not None and f.description:
                what = ": " + f.description[0].lower() + f.description[1:].rstrip(".")
            message = f"missing required field '{field}'{what}"
            code = "missing-field"
            line, col = locate(node, loc[:-1])
        else:
            line, col = locate(node, loc)
            message = _value_message(kind, where, value, err)
            code = "invalid-date" if kind.startswith("date") else "invalid-value"
            if kind in {"model_type", "dict_type", "model_attributes_type"} and not loc:
                message = (
                    "this file should hold 'key: value' fields at the top level, "
                    f"but it holds {_describe(value)}"
                )
                code = "wrong-shape"
        problems.append(Problem(path, line, col, "error", code, message))
    # "unknown field 'autors' — did you mean 'authors'?" already says that 'authors' is
    # missing: drop the second problem.
    suggested = {
        (p.line, m.split("'")[-2])
        for p in problems
        if p.code == "unknown-field" and "did you mean" in (m := p.message)
    }
    return [
        p for p in problems
        if not (p.code == "missing-field" and any(s == p.message.split("'")[1] for _, s in suggested))
    ]


def _value_message(kind: str, where: str, value: Any, err: Any) -> str:
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        choices = [c for c in choices if c]
        return (
            f"{where} cannot be {_describe(value)}: choose one of {', '.join(choices)}"
            f"{_suggest(value, choices)}"
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{where} should be a set of 'key: value' fields, not {_describe(value)}"
    if kind == "list_type":
        return (
            f"{where} should be a list (one item per line, each starting with '- '), "
            f"not {_describe(value)}"
        )
    if kind in {"string_type", "str_type"}:
        return f"{where} should be text, not {_describe(value)}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{where} should be a whole number, not {_describe(value)}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{where} should be true or false, not {_describe(value)}"
    if kind == "too_short":
        return f"{where} needs at least one item"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        if "ge" in ctx and kind == "greater_than_equal" and where in {"'influence'", "'interest'"}:
            return f"{where} should be between 1 and 5, not {value}"
        return f"{where} {err['msg'].lower().replace('input ', '')}, not {value}"
    if kind == "string_pattern_mismatch":
        if where == "'accent'":
            return f"{where} should be a colour written #rrggbb, for example #1f6f8b, not '{value}'"
        return f"{where}: '{value}' does not have the expected form"
    if kind == "slug" or kind.startswith(("date", "time")):
        return f"{where}: {err['msg']}"
    return f"{where}: {err['msg']}"


# -- the folder --------------------------------------------------------------------------


def load_file(
    root: Path, rel: str, model: type[Model]
) -> tuple[Model | None, Any, list[Problem]]:
    """Read and validate one file; return (model or None, root node, problems)."""
    path = root / rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, None, [Problem(rel, None, None, "error", "unreadable", f"cannot read: {reason}")]
    try:
        node, value = parse_yaml(data)
    except YamlProblem as exc:
        return None, None, [Problem(rel, exc.line, exc.column, "error", "yaml", exc.message)]
    if node is None:
        return None, None, [
            Problem(rel, 1, 1, "error", "empty-file", f"this file is empty: {_what(model)}")
        ]
    try:
        item = model.model_validate(value)
    except ValidationError as exc:
        return None, node, _problems_from_validation(rel, node, model, exc)
    set_source(item, rel)
    return item, node, []


def _what(model: type[Model]) -> str:
    doc = (model.__doc__ or "").strip().splitlines()[0]
    return f"it should describe {doc[0].lower()}{doc[1:]}" if doc else "it should not be empty"


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def _skipped(name: str) -> bool:
    return name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp"))


def _files_in(root: Path, folder: str, problems: list[Problem]) -> list[str]:
    """Return the relative paths of the YAML files of one folder, sorted."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if _skipped(name):
                continue
            if not name.endswith(YAML_SUFFIXES):
                if not name.lower().startswith(("readme", "licen")):
                    problems.append(
                        Problem(rel, None, None, "warning", "ignored-file",
                                f"ignored: only .yaml files are read in {folder}/")
                    )
                continue
            if full.is_symlink() and not _inside(root, full):
                problems.append(
                    Problem(rel, None, None, "error", "outside",
                            "this file is a link to a place outside the residency folder")
                )
                continue
            found.append(rel)
    return found


def load_residency(folder: Path | str) -> tuple[Residency, list[Problem]]:
    """Load a residency folder; return the residency and the problems met.

    Files that fail are left out of the residency and reported; the rest is still loaded,
    so that one mistake does not hide the others.
    """
    root = Path(folder)
    residency = Residency(root=root)
    problems: list[Problem] = []

    def read(rel: str, model: type[Model]) -> Any:
        full = root / rel
        if full.is_symlink() and not _inside(root, full):
            problems.append(Problem(rel, None, None, "error", "outside",
                                    "this file is a link to a place outside the residency folder"))
            return None
        residency.files.append(rel)
        item, node, found = load_file(root, rel, model)
        if node is not None:
            residency.nodes[rel] = node
        problems.extend(found)
        return item

    main = _first_existing(root, "residence")
    if main is None:
        problems.append(
            Problem("residence.yaml", None, None, "error", "not-a-residency",
                    "no residence.yaml here: is this a residency folder? "
                    "Create one with 'residence new FOLDER --title …'")
        )
    else:
        residency.residence = read(main, Residence)

    actors_file = _first_existing(root, "actors")
    if actors_file is not None:
        actors = read(actors_file, ActorsFile)
        if actors is not None:
            residency.actors = actors.actors
            residency.relations = actors.relations
            for item in [*actors.actors, *actors.relations]:
                set_source(item, actors_file)

    consent_file = _first_existing(root, "private/consent")
    if consent_file is not None:
        consents = read(consent_file, ConsentFile)
        if consents is not None:
            residency.consents = consents.consents
            for item in consents.consents:
                set_source(item, consent_file)

    for folder_name, model in FOLDERS.items():
        for rel in _files_in(root, folder_name, problems):
            item = read(rel, model)
            if item is not None:
                getattr(residency, _ATTR[folder_name]).append(item)

    residency.entries.sort(key=lambda e: (e.date, e.time or "", getattr(e, "_source", "")))
    return residency, sort_problems(problems)


_ATTR = {
    "journal": "entries",
    "prototypes": "prototypes",
    "scenarios": "scenarios",
    "methods": "methods",
}


def _first_existing(root: Path, stem: str) -> str | None:
    for suffix in YAML_SUFFIXES:
        if (root / f"{stem}{suffix}").is_file():
            return f"{stem}{suffix}"
    return None

# SPDX-License-Identifier: EUPL-1.2
"""Pydantic's validation errors as problems: each wrong value of a file said in plain words.

:func:`problems_from_validation` turns the errors of one file's model into one problem each,
at the line and column of the value (``residence.positions``): an unknown field with the
field meant, a missing one with what it is for, a value of the wrong kind with what it
should be. The messages are in the language of the messages (``problems`` catalogue).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from residence.errors import Problem, either
from residence.i18n import current_language, messages, translator
from residence.models.common import shorten
from residence.positions import locate
from residence.text import closest

_ = messages("problems")


def _describe(value: Any) -> str:
    """Return what a value is, as a message names it: "a list", "'9h75'"."""
    if isinstance(value, dict):
        return _("a set of 'key: value' fields")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("nothing")
    return f"'{shorten(value)}'"


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


def problems_from_validation(
    path: str, node: Any, model: type[BaseModel], exc: ValidationError
) -> list[Problem]:
    """Return the problems of one file (``path``, its YAML ``node``) that ``model`` refused."""
    problems: list[Problem] = []
    suggested: set[tuple[tuple[str | int, ...], str]] = set()  # (parent loc, field name)
    missing: dict[int, tuple[tuple[str | int, ...], str]] = {}  # problem index -> same
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        kind = err["type"]
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        value = err.get("input")
        code = "invalid-value"
        if kind == "extra_forbidden":
            names = _field_names(_model_at(model, loc[:-1]))
            match = closest(field, names)
            if match:
                suggested.add((tuple(loc[:-1]), match[0]))
            message = _unknown_field(shorten(field), names, match)
            code = "unknown-field"
            line, col = locate(node, loc, key=True)
        elif kind == "missing":
            parent = _model_at(model, loc[:-1])
            message = _missing_field(field, _field(parent, field) if parent else None)
            code = "missing-field"
            missing[len(problems)] = (tuple(loc[:-1]), field)
            line, col = locate(node, loc[:-1])
        else:
            line, col = locate(node, loc)
            where = f"'{shorten(field)}'" if field else _("this value")
            message = _value_message(kind, where, value, err)
            code = "invalid-date" if kind.startswith("date") else "invalid-value"
            if kind in {"model_type", "dict_type", "model_attributes_type"} and not loc:
                message = _(
                    "this file should hold 'key: value' fields at the top level, but it holds "
                    "{value}",
                    value=_describe(value),
                )
                code = "wrong-shape"
        problems.append(Problem(path, line, col, "error", code, message))
    # "unknown field 'autors' — did you mean 'authors'?" already says that 'authors' is
    # missing: drop the second problem.
    return [p for i, p in enumerate(problems) if missing.get(i) not in suggested]


def _unknown_field(field: str, names: list[str], match: list[str]) -> str:
    if match:
        return _(
            "unknown field '{field}' — did you mean {choices}?", field=field, choices=either(match)
        )
    if names:
        return _(
            "unknown field '{field}' (the fields here are: {names})",
            field=field,
            names=", ".join(names),
        )
    return _("unknown field '{field}'", field=field)


def _missing_field(name: str, field: Any) -> str:
    """Return the message of a required field left out, with what the field is for."""
    if field is None or not field.description:
        return _("missing required field '{field}'", field=name)
    description = translator(current_language(), "fields").gettext(field.description)
    what = description[0].lower() + description[1:].rstrip(".")
    return _("missing required field '{field}': {description}", field=name, description=what)


def _value_message(kind: str, where: str, value: Any, err: Any) -> str:
    """Return the message of a value of the wrong kind; ``where`` is "'field'"."""
    ctx = err.get("ctx") or {}
    if value is None and kind.endswith("_type"):
        if kind == "list_type":
            return _(
                "{where} is empty: add at least one item, one per line starting with '- '",
                where=where,
            )
        return _("{where} is empty: write its value after the ':'", where=where)
    scale = where in {"'influence'", "'interest'"}
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        choices = [c for c in choices if c]
        match = closest(str(value), choices)
        if match:
            return _(
                "{where} cannot be {value}: choose one of {choices} — did you mean {match}?",
                where=where,
                value=_describe(value),
                choices=", ".join(choices),
                match=either(match),
            )
        return _(
            "{where} cannot be {value}: choose one of {choices}",
            where=where,
            value=_describe(value),
            choices=", ".join(choices),
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _(
            "{where} should be a set of 'key: value' fields, not {value}",
            where=where,
            value=_describe(value),
        )
    if kind == "list_type":
        return _(
            "{where} should be a list (one item per line, each starting with '- '), not {value}",
            where=where,
            value=_describe(value),
        )
    if kind in {"string_type", "str_type"}:
        return _("{where} should be text, not {value}", where=where, value=_describe(value))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        if scale:
            return _(
                "{where} should be a whole number from 1 to 5, not {value}",
                where=where,
                value=_describe(value),
            )
        return _(
            "{where} should be a whole number, not {value}", where=where, value=_describe(value)
        )
    if kind in {"bool_parsing", "bool_type"}:
        return _(
            "{where} should be true or false, not {value}", where=where, value=_describe(value)
        )
    if kind == "too_short":
        return _("{where} needs at least one item", where=where)
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return _limit_message(kind, where, value, ctx, scale=scale)
    if kind == "string_pattern_mismatch":
        if where == "'accent'":
            return _(
                "{where} should be a colour written #rrggbb, for example #1f6f8b, not '{value}'",
                where=where,
                value=shorten(value),
            )
        return _(
            "{where}: '{value}' does not have the expected form", where=where, value=shorten(value)
        )
    # The format's own checks (an id, a date, a time, the format's version) say it in the
    # language of the messages already (residence.models.common).
    return _("{where}: {details}", where=where, details=err["msg"])


def _limit_message(kind: str, where: str, value: Any, ctx: Any, *, scale: bool) -> str:
    """Return the message of a number out of its bounds."""
    if scale:
        return _(
            "{where} should be a whole number from 1 to 5, not {value}", where=where, value=value
        )
    if kind == "greater_than_equal":
        return _(
            "{where} should be greater than or equal to {limit}, not {value}",
            where=where,
            limit=ctx.get("ge"),
            value=value,
        )
    if kind == "less_than_equal":
        return _(
            "{where} should be less than or equal to {limit}, not {value}",
            where=where,
            limit=ctx.get("le"),
            value=value,
        )
    if kind == "greater_than":
        return _(
            "{where} should be greater than {limit}, not {value}",
            where=where,
            limit=ctx.get("gt"),
            value=value,
        )
    return _(
        "{where} should be less than {limit}, not {value}",
        where=where,
        limit=ctx.get("lt"),
        value=value,
    )

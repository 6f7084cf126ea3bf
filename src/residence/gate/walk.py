# SPDX-License-Identifier: EUPL-1.2
"""Walking the models generically: which field holds ids, fixed words or free text."""

from __future__ import annotations

import datetime as dt
import posixpath
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, WithJsonSchema

from residence.models import Method
from residence.models.common import SLUG_PATTERN

# -- walking models --------------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldKind:
    """What a field holds: ids (renamed with their targets), fixed words, or free text.

    ``models`` tells whether the field may hold pydantic models (a list of quotes, a
    nested block…): walks skip the fields that cannot.
    """

    ids: bool
    words: frozenset[Any]
    models: bool = True


#: Fields typed as plain text that hold ids of other items (journal file names or ids).
_ID_FIELDS: set[tuple[type[BaseModel], str]] = {(Method, "examples")}
#: Values that are never changed by the gate and need no copy.
_IMMUTABLE = (type(None), bool, int, float, dt.date, dt.time, dt.datetime, Decimal)


def _annotation_parts(annotation: Any) -> Iterator[Any]:
    """Yield every type, argument and Annotated metadata inside an annotation."""
    yield annotation
    yield from getattr(annotation, "__metadata__", ())
    for arg in typing.get_args(annotation):
        if isinstance(arg, (str, int, bool)) or arg is None:
            yield arg
        else:
            yield from _annotation_parts(arg)


def _holds_models(part: Any) -> bool:
    """Tell whether a part of an annotation may be a pydantic model (Any may be one)."""
    if part is Any or isinstance(part, typing.TypeVar):
        return True
    return isinstance(part, type) and issubclass(part, BaseModel)


@cache
def _field_kind(model: type[BaseModel], name: str) -> _FieldKind:
    """Return what a model's field holds (read from its type, once)."""
    field = model.model_fields[name]
    ids = (model, name) in _ID_FIELDS
    words: set[Any] = set()
    models = False
    for part in [*field.metadata, *_annotation_parts(field.annotation)]:
        if (
            isinstance(part, WithJsonSchema)
            and (part.json_schema or {}).get("pattern") == SLUG_PATTERN
        ):
            ids = True
        if typing.get_origin(part) is Literal:
            words.update(typing.get_args(part))
        models = models or _holds_models(part)
    return _FieldKind(ids, frozenset(words), models)


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, _FieldKind], ...]:
    """Return (name, kind) of each field of a model class, worked out once."""
    return tuple((name, _field_kind(model, name)) for name in model.model_fields)


def _models_in(value: Any) -> list[BaseModel]:
    """Return every pydantic model inside a value, depth first."""
    found: list[BaseModel] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, BaseModel):
            found.append(value)
            stack.extend(
                getattr(value, name) for name, kind in reversed(_plan(type(value))) if kind.models
            )
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(v for v in reversed(list(value)) if not isinstance(v, (str, *_IMMUTABLE)))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
    return found


def _id_values(model: BaseModel) -> Iterator[str]:
    """Yield the ids written in one model's own fields."""
    for name, kind in _plan(type(model)):
        if not kind.ids:
            continue
        value = getattr(model, name)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, str):
                yield item


def _norm_path(file: str) -> str:
    """Return a media path in one form: forward slashes, no ./ or a/../."""
    return posixpath.normpath(file.strip().replace("\\", "/")).removeprefix("./")

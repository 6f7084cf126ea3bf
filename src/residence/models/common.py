"""Shared field types and the base model of every YAML file kind."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from residence.i18n import current_language, messages, translator
from residence.text import slugify

# The messages of the format's own checks are pydantic's templates ({value} is filled in
# by pydantic), made in the language of the messages when a file is read.
_ = messages("problems")

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TIME_RE = re.compile(r"^(?:[01]?\d|2[0-3]):[0-5]\d$", re.ASCII)
# How French people write a time: 9h45, 9h, 09 h 45, 9H45.
_FRENCH_TIME_RE = re.compile(r"^([01]?\d|2[0-3]) ?[hH] ?([0-5]\d)?$", re.ASCII)
# And a date: 16/01/2026, 16.01.2026 (day first).
_FRENCH_DATE_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", re.ASCII)


def shorten(value: Any, width: int = 40) -> str:
    """Return a value as one short line, to quote it in a message."""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _check_slug(value: str) -> str:
    if not _SLUG_RE.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            _(
                "'{value}' is not a valid id: use lowercase letters, digits and hyphens "
                "(for example '{suggestion}')"
            ),
            {"value": shorten(value), "suggestion": slugify(value)[:40].strip("-") or "my-id"},
        )
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    written = value
    if isinstance(value, str) and (french := _FRENCH_DATE_RE.match(value.strip())):
        day, month, year = french.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}"
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise PydanticCustomError(
            "date_format",
            _("'{value}' is not a date: write it as YYYY-MM-DD, for example 2025-03-04"),
            {"value": shorten(written)},
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _impossible(str(written).strip(), value.strip()) from None


def _impossible(written: str, value: str) -> PydanticCustomError:
    """Return the error of a YYYY-MM-DD date that does not exist, saying why in words."""
    import calendar

    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        template = _(
            "{value} is not a real date: there is no month {number} (write the month "
            "between 01 and 12)"
        )
        return PydanticCustomError("date_impossible", template, {"value": written, "number": month})
    if year < 1:
        template = _("{value} is not a real date: the year must be 0001 or later")
        return PydanticCustomError("date_impossible", template, {"value": written})
    if day == 0:
        template = _("{value} is not a real date: days start at 01")
        return PydanticCustomError("date_impossible", template, {"value": written})
    days = calendar.monthrange(year, month)[1]
    # "February 2015", "février 2015"
    name = translator(current_language()).date(dt.date(year, month, 1), "MMMM y")
    template = _("{value} is not a real date: {month} has {days} days")
    return PydanticCustomError(
        "date_impossible", template, {"value": written, "month": name, "days": days}
    )


def _check_time(value: str) -> str:
    value = value.strip()
    if french := _FRENCH_TIME_RE.match(value):
        value = f"{french.group(1)}:{french.group(2) or '00'}"
    if not _TIME_RE.match(value):
        raise PydanticCustomError(
            "time_format",
            _("'{value}' is not a time: write it as HH:MM, for example \"09:30\""),
            {"value": shorten(value)},
        )
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"


Slug = Annotated[
    str, AfterValidator(_check_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})
]
Date = Annotated[
    dt.date,
    BeforeValidator(_parse_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": r"^\s*[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{4}\s*$"},
            ]
        }
    ),
]
Time = Annotated[
    str,
    AfterValidator(_check_time),
    WithJsonSchema(
        {
            "type": "string",
            # 09:30, 9:30 — or as French people write it: 9h30, 9h, 9 h 30.
            "pattern": (
                r"^\s*(([01]?[0-9]|2[0-3]):[0-5][0-9]"
                r"|([01]?[0-9]|2[0-3]) ?[hH] ?([0-5][0-9])?)\s*$"
            ),
        }
    ),
]
Markdown = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
Text = str
Scale = Annotated[int, Field(ge=1, le=5)]


class Model(BaseModel):
    """Base of every model: unknown keys are errors, numbers are accepted as text."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        populate_by_name=True,
        validate_default=False,
    )

    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """An empty optional key (``tags:``) means "not given", not an error."""
        if isinstance(data, dict) and None in data.values():
            optional = _optional_keys(cls)
            data = {k: v for k, v in data.items() if v is not None or k not in optional}
        return data


_OPTIONAL_KEYS: dict[type[BaseModel], frozenset[str]] = {}


def _optional_keys(model: type[BaseModel]) -> frozenset[str]:
    """Return the YAML keys of a model's optional fields (computed once per model)."""
    keys = _OPTIONAL_KEYS.get(model)
    if keys is None:
        fields = model.model_fields.items()
        keys = frozenset(f.alias or name for name, f in fields if not f.is_required())
        _OPTIONAL_KEYS[model] = keys
    return keys


class Media(Model):
    """A photo, sketch or scan attached to an entry, a prototype or a test session."""

    file: str = Field(
        description="Path of the file, relative to the residency folder "
        "(for example media/hall.jpg). It must exist inside the folder."
    )
    caption: str | None = Field(default=None, description="A caption shown under the picture.")
    alt: str | None = Field(
        default=None,
        description="A text alternative describing the picture for people who cannot see it. "
        "Required for images in a public edition.",
    )
    credit: str | None = Field(default=None, description="Who took or drew the picture.")
    people: list[Slug] = Field(
        default_factory=list,
        description="Ids of the actors recognisable in the picture. A photo of a person without "
        "a public consent never reaches a public edition.",
    )

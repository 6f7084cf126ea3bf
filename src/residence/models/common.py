"""Shared field types and the base model of every YAML file kind."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic_core import PydanticCustomError
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

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^(?:[01]?\d|2[0-3]):[0-5]\d$")


def _check_slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a valid id: use lowercase letters, digits and hyphens "
            "(for example '{suggestion}')",
            {"value": value, "suggestion": slugify(value) or "my-id"},
        )
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise PydanticCustomError(
            "date_format",
            "'{value}' is not a date: write it as YYYY-MM-DD, for example 2025-03-04",
            {"value": value},
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise PydanticCustomError(
            "date_impossible",
            "{value} is not a real date ({reason})",
            {"value": value.strip(), "reason": str(exc)},
        ) from None


def _check_time(value: str) -> str:
    value = value.strip()
    if not _TIME_RE.match(value):
        raise PydanticCustomError(
            "time_format",
            "'{value}' is not a time: write it as HH:MM, for example \"09:30\"",
            {"value": value},
        )
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"


def slugify(text: str) -> str:
    """Return a slug for text: accents folded, lowercase, words joined by hyphens."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


Slug = Annotated[
    str, AfterValidator(_check_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})
]
Date = Annotated[
    dt.date, BeforeValidator(_parse_date), WithJsonSchema({"type": "string", "format": "date"})
]
Time = Annotated[
    str,
    AfterValidator(_check_time),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"}),
]
Markdown = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
Text = str
Visibility = Literal["public", "team"]
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
        if isinstance(data, dict):
            fields = cls.model_fields
            by_alias = {f.alias or name: f for name, f in fields.items()}
            drop = [
                key
                for key, value in data.items()
                if value is None
                and key in by_alias
                and not by_alias[key].is_required()
            ]
            if drop:
                data = {k: v for k, v in data.items() if k not in drop}
        return data


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


LICENSE_IDS = {
    "CC-BY-SA-4.0",
    "CC-BY-4.0",
    "CC0-1.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-3.0",
    "LiLiQ-R-1.1",
    "etalab-2.0",
    "ODbL-1.0",
    "EUPL-1.2",
}

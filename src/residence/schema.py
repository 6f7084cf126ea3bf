"""JSON Schemas of every file kind, for editors (yaml-language-server, VS Code…).

An editor reads YAML 1.2 (``10:30`` and ``no`` are text, ``1984`` is a number) and checks it
against these schemas, so they describe what ``residence check`` accepts, not only what
pydantic would: the loader reads every scalar as text (``title: 1984`` is the title
"1984"), an empty optional key (``tags:``) means "not given", and a yes/no flag may be
written yes, no, on or off.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from residence.models import FILE_KINDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: File kind -> the schema's file name, as the scaffold's `$schema=` comments name it.
SCHEMA_FILES = {kind: f"{kind}.schema.json" for kind in FILE_KINDS}

#: The words pydantic reads as a boolean (any case), as an ECMA-262 pattern.
_BOOL_WORDS = (
    "^([yY]|[yY][eE][sS]|[nN]|[nN][oO]|[oO][nN]|[oO][fF][fF]|[tT]|[tT][rR][uU][eE]"
    "|[fF]|[fF][aA][lL][sS][eE]|0|1)$"
)


class _YamlSchema(GenerateJsonSchema):
    """Describe the values the loader accepts, as an editor reading YAML 1.2 sees them."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        """Free text: any scalar, since the loader reads `1984` or `true` as text."""
        value = super().str_schema(schema)
        if set(value) == {"type"}:
            value["type"] = ["string", "number", "boolean"]
        return value

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        """A flag: true or false, or one of the words pydantic reads as such."""
        return {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": _BOOL_WORDS}]}


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(part) for part in schema.get("anyOf", []))


def _empty_optional_keys(obj: dict[str, Any]) -> None:
    """Let every optional key of an object be empty (``tags:``), as the loader does."""
    required = set(obj.get("required", []))
    properties = obj.get("properties", {})
    for name, prop in properties.items():
        if name in required or _allows_null(prop):
            continue
        outer = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
        choices = prop["anyOf"] if set(prop) == {"anyOf"} else [prop]
        properties[name] = {**outer, "anyOf": [*choices, {"type": "null"}]}


def build_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of one file kind."""
    model = FILE_KINDS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=_YamlSchema)
    for obj in [schema, *schema.get("$defs", {}).values()]:
        _empty_optional_keys(obj)
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_FILES[kind], **schema}


def build_schemas() -> dict[str, str]:
    """Return {file name: JSON text} for every file kind."""
    return {
        SCHEMA_FILES[kind]: json.dumps(build_schema(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in FILE_KINDS
    }

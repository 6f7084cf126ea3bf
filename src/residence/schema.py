"""JSON Schemas of every file kind, for editors (yaml-language-server, VS Code…)."""

from __future__ import annotations

import json
from typing import Any

from residence.models import FILE_KINDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: File kind -> the schema's file name, as the scaffold's `$schema=` comments name it.
SCHEMA_FILES = {kind: f"{kind}.schema.json" for kind in FILE_KINDS}


def build_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of one file kind."""
    model = FILE_KINDS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_FILES[kind], **schema}


def build_schemas() -> dict[str, str]:
    """Return {file name: JSON text} for every file kind."""
    return {
        SCHEMA_FILES[kind]: json.dumps(build_schema(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in FILE_KINDS
    }

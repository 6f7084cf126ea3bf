# SPDX-License-Identifier: EUPL-1.2
"""`residence schema`: the JSON Schemas of every file kind, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from residence import pipeline
from residence.cli import output
from residence.i18n import messages

_ = messages("messages")

SCHEMA_HELP = _("Write one JSON Schema per file kind, for editors that check YAML as you type.")


def schema(
    out: Annotated[Path, typer.Option("--out", help=_("Where to write the schemas."))] = Path(
        "schemas"
    ),
) -> None:
    """Write one JSON Schema per file kind (SCHEMA_HELP)."""
    for path in pipeline.write_schemas(out):
        output.echo(str(path))

# SPDX-License-Identifier: EUPL-1.2
"""`residence schema`: the JSON Schemas of every file kind, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from residence import pipeline
from residence.cli import output


def schema(
    out: Annotated[Path, typer.Option("--out", help="Where to write the schemas.")] = Path(
        "schemas"
    ),
) -> None:
    """Write one JSON Schema per file kind, for editors that check YAML as you type."""
    for path in pipeline.write_schemas(out):
        output.echo(str(path))

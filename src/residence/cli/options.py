# SPDX-License-Identifier: EUPL-1.2
"""The options several commands share: DIR, --out, and choices made from the core's Literals.

A choice option (--format, --language, --edition…) is an Enum whose values are those of a
``Literal`` of the core, made by :func:`choices`: the core's type is the one list of values.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast, get_args

import typer

from residence import pipeline
from residence.i18n import messages
from residence.vocabulary import Language as LanguageName
from residence.vocabulary import Programme as ProgrammeName
from residence.vocabulary import Visibility

_ = messages("messages")


class Choice(str, Enum):
    """One value of a choice option (the Enum Typer needs, made by ``choices``)."""


def choices(name: str, values: tuple[str, ...]) -> type[Choice]:
    """Return the Enum of a choice option: one member per value, named as its value."""
    make: Any = Choice  # Enum's functional API, which type checkers do not follow
    return cast("type[Choice]", make(name, [(value, value) for value in values]))


if TYPE_CHECKING:  # every choice is a Choice; the values are known when the program runs
    OutputFormat = Choice
    Language = Choice
    Programme = Choice
    Edition = Choice
else:
    OutputFormat = choices("OutputFormat", get_args(pipeline.OutputFormat))
    Language = choices("Language", get_args(LanguageName))
    Programme = choices("Programme", get_args(ProgrammeName))
    # An edition shows what has that visibility (public) or any (team): the same values as
    # residence.gate.Edition, read from the models, which every command loads anyway.
    Edition = choices("Edition", get_args(Visibility))

#: The defaults of the choice options (Enum members).
TEXT = OutputFormat("text")
FRENCH = Language("fr")
TERRITOIRES = Programme("territoires-en-residences")
PUBLIC = Edition("public")

DirArg = Annotated[
    Path,
    typer.Argument(
        help=_("The residency folder (default: the current folder)."), show_default=False
    ),
]

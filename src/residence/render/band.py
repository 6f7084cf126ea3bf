# SPDX-License-Identifier: EUPL-1.2
"""The team edition's band: the one warning every team output carries, and where.

"Document interne — ne pas diffuser" in a French residency, "Internal document — do not
distribute" in an English one: the text is translated through the ``report`` catalogue
(``methods.po`` holds the same entry), so that the report, its PDF, the method sheets, the
actor map, the matrix and the map's exports all say the same words. A format that can hold
text carries the band inside the file (HTML, PDF, SVG, GraphML, Markdown); one that cannot
(the CSV sheets Kumu imports, where an extra row or column would be read as data) carries it
in the file name, through :func:`marked_name`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from residence.i18n import translator
from residence.models import Residency
from residence.text import slugify

#: The band in English, the msgid the catalogues translate.
BAND = "Internal document — do not distribute"


def band_text(language: str) -> str:
    """Return the band in ``language`` (a residency's language; others fall back to English)."""
    return translator(language, "report").gettext(BAND)


def edition_band(residency: Residency, language: str | None = None) -> str:
    """Return the band a team edition's outputs carry, "" for any other edition.

    ``language`` defaults to the residency's; an output drawn in another language (a map
    given an English translator, say) passes its own.
    """
    if residency.edition != "team":
        return ""
    return band_text(language or residency.language)


def marked_name(name: str, residency: Residency, language: str | None = None) -> str:
    """Return a file name with the band before its extension in a team edition.

    ``actors-elements.csv`` stays as it is in the public edition and becomes
    ``actors-elements-document-interne-ne-pas-diffuser.csv`` in a French team edition.
    """
    band = edition_band(residency, language)
    if not band:
        return name
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{slugify(band)}{path.suffix}"))

# SPDX-License-Identifier: EUPL-1.2
"""The open licences a residency may be published under: one table for every output.

The report shows a licence's ``title`` (translated through the ``report`` catalogue) and
links to its ``url`` (for Creative Commons, the deed in the reader's language); archives and
deposit records use the SPDX list's full ``spdx_name`` and the canonical ``url``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Licence:
    """An open licence: its SPDX id, names and canonical URL."""

    spdx: str
    #: The name the report shows (an English msgid of the ``report`` catalogue).
    title: str
    #: The full name of the SPDX licence list (RO-Crate, DataCite, Zenodo).
    spdx_name: str
    url: str
    #: False for an id this table does not know (``check`` warns about it).
    known: bool = True

    @property
    def name(self) -> str:
        """The SPDX list's full name (what archives record)."""
        return self.spdx_name

    def deed_url(self, language: str) -> str:
        """Return the URL a reader opens: a Creative Commons deed in ``language``."""
        if self.url.startswith("https://creativecommons.org/"):
            return f"{self.url}deed.{language}"
        return self.url


def _cc(path: str, title: str, spdx_name: str) -> tuple[str, str, str]:
    return title, spdx_name, f"https://creativecommons.org/{path}/"


_TABLE: dict[str, tuple[str, str, str]] = {
    "CC-BY-SA-4.0": _cc(
        "licenses/by-sa/4.0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "Creative Commons Attribution Share Alike 4.0 International",
    ),
    "CC-BY-4.0": _cc(
        "licenses/by/4.0",
        "Creative Commons Attribution 4.0 International",
        "Creative Commons Attribution 4.0 International",
    ),
    "CC0-1.0": _cc(
        "publicdomain/zero/1.0",
        "Creative Commons Zero 1.0 Universal (public domain)",
        "Creative Commons Zero v1.0 Universal",
    ),
    "CC-BY-NC-SA-4.0": _cc(
        "licenses/by-nc-sa/4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "Creative Commons Attribution Non Commercial Share Alike 4.0 International",
    ),
    "CC-BY-NC-4.0": _cc(
        "licenses/by-nc/4.0",
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "Creative Commons Attribution Non Commercial 4.0 International",
    ),
    "CC-BY-ND-4.0": _cc(
        "licenses/by-nd/4.0",
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "Creative Commons Attribution No Derivatives 4.0 International",
    ),
    "CC-BY-NC-ND-4.0": _cc(
        "licenses/by-nc-nd/4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
    ),
    "CC-BY-SA-3.0": _cc(
        "licenses/by-sa/3.0",
        "Creative Commons Attribution-ShareAlike 3.0 Unported",
        "Creative Commons Attribution Share Alike 3.0 Unported",
    ),
    "CC-BY-3.0": _cc(
        "licenses/by/3.0",
        "Creative Commons Attribution 3.0 Unported",
        "Creative Commons Attribution 3.0 Unported",
    ),
    "LiLiQ-R-1.1": (
        "Licence Libre du Québec \u2013 Réciprocité 1.1",
        "Licence Libre du Québec \u2013 Réciprocité version 1.1",
        "https://forge.gouv.qc.ca/licence/fr/liliq-r/",
    ),
    "etalab-2.0": (
        "Licence Ouverte / Open Licence 2.0",
        "Etalab Open License 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "ODbL-1.0": (
        "Open Database License 1.0",
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "EUPL-1.2": (
        "European Union Public Licence 1.2",
        "European Union Public License 1.2",
        "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
    ),
}

#: The SPDX ids this table knows, in the order FORMAT.md lists them.
LICENCE_IDS: tuple[str, ...] = tuple(_TABLE)


def licence(spdx: str) -> Licence:
    """Return a licence from its SPDX id (an unknown id links to the SPDX list)."""
    if spdx in _TABLE:
        title, spdx_name, url = _TABLE[spdx]
        return Licence(spdx, title, spdx_name, url)
    return Licence(spdx, spdx, spdx, f"https://spdx.org/licenses/{quote(spdx)}.html", known=False)


def deed_url(spdx: str, language: str) -> str:
    """Return the URL a reader of ``language`` opens for a licence."""
    return licence(spdx).deed_url(language)

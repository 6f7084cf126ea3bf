# SPDX-License-Identifier: EUPL-1.2
"""Models -> template context: one plain value per template, no I/O.

``build_context`` turns a residency that came out of the privacy gate (``select_edition``)
into a :class:`ReportContext`. Texts are typeset (French spaces, apostrophes), Markdown is
already safe HTML (:class:`markupsafe.Markup`), dates are in words, labels are translated:
the templates only lay things out. Each section template gets its own part of the context
(``report.cover``, ``report.journal``…), never the models themselves.

Where things are:

- ``views.py``: the values the templates read (``Cover``, ``EntryView``, ``Credits``…);
- ``builder.py``: the :class:`Builder` every section shares (text, links, pictures);
- ``opening.py``: cover, summary, question, site, team;
- ``journal.py``: the immersion, week by week;
- ``insights.py``: what we learned, the insights with their evidence, and the codes;
- ``projects.py``: prototypes, tests, handovers, scenarios;
- ``method_cards.py``: the method cards;
- ``closing.py``: "And then?" and the credits;
- ``colours.py``: the accent palette and its WCAG contrast;
- ``report.py``: :func:`build_context`, navigation, JSON-LD, :func:`media_files`.
"""

from __future__ import annotations

from residence.render.context.builder import demote, licence_of
from residence.render.context.colours import accent_palette, contrast
from residence.render.context.report import build_context, media_files
from residence.render.context.views import (
    RUNNING_TITLE_MAX,
    LicenceView,
    ReportContext,
    running_title,
)

__all__ = [
    "RUNNING_TITLE_MAX",
    "LicenceView",
    "ReportContext",
    "accent_palette",
    "build_context",
    "contrast",
    "demote",
    "licence_of",
    "media_files",
    "running_title",
]

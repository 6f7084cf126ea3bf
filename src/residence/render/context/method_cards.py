# SPDX-License-Identifier: EUPL-1.2
"""The report's methods section: one open card per method, with where it was used."""

from __future__ import annotations

from residence.french import article
from residence.render.charts import phase_labels
from residence.render.context.builder import Builder, licence_of
from residence.render.context.views import Link, MethodCard, Methods
from residence.render.uses import citations, more_entries


def build_methods(b: Builder) -> Methods:
    """Return the method cards, each with the entries and prototypes that used it."""
    phases = phase_labels(b.t)
    cards = []
    for method in b.r.methods:
        cites = citations(method, b.entries, b.r.prototypes)
        used = {link.href: link for link in map(b.entry_link, cites.entries)}
        for proto in cites.prototypes:
            used[f"#prototype-{proto.id}"] = Link(
                f"#prototype-{proto.id}", b.typo(proto.title), b.gettext("prototype")
            )
        more = Link("#immersion", more_entries(b.t, cites.left_out)) if cites.left_out else None
        licence = licence_of(method.license or b.res.license, b.t)
        cards.append(
            MethodCard(
                anchor=f"method-{method.id}",
                title=b.typo(method.title),
                summary=b.md(method.summary, 4, b.typo(method.title)),
                purpose=b.md(method.purpose, 5, b.typo(method.title)),
                phase=phases.get(method.phase or "", ""),
                duration=b.typo(method.duration),
                participants=b.typo(method.participants),
                materials=[b.typo(m) for m in method.materials],
                steps=[b.typo(s) for s in method.steps],
                tips=[b.typo(s) for s in method.tips],
                used_in=list(used.values()),
                used_more=more,
                authors=b.join([article(b.typo(a), b.lang) for a in method.authors]),
                source=b.typo((method.source or "").rstrip(". ")),
                license=Link(licence.url, licence.name, licence.spdx),
            )
        )
    return Methods(cards)

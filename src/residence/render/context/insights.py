# SPDX-License-Identifier: EUPL-1.2
"""The report's "What we learned" section: the insights with their evidence, and the codes.

Made from the residency as published. In the public edition the gate has left out the team
insights and the evidence that cites team entries or quotes, and counted the places of the
quotes it kept among the public quotes: :class:`residence.findings.Evidences` resolves every
reference on the published residency, and a quote's place is its place in the journal
section, where it gets an id (``entry-…--quote-2``) for the links of this section.

The codes are the tags of the entries, of their quotes and of the insights, compared by
:func:`residence.findings.tag_key`. The table counts the journal's uses of each code (an
entry tagged, a quote tagged) in the week of their entry; the insights that carry a code are
listed with its uses, not counted. The section is left out when the edition has no insight:
before a team codes, tags are free labels (the check's "used once" rule waits for it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from residence.findings import Evidences, Resolved, TagUse, tag_key, tag_uses, week_of
from residence.models import Entry, Insight, Quote
from residence.render.charts import phase_labels
from residence.render.context.builder import Builder
from residence.render.context.views import CodeView, EvidenceView, Insights, InsightView, Link
from residence.text import shorten, slugify

#: How many uses of a code its line of the index links to, before "and 40 more".
CODE_USES_SHOWN = 12
#: Characters of a quote kept in the index of codes.
QUOTE_EXCERPT = 60
#: The ids the section's template gives its own headings: no code's line may take them
#: (a tag "index" would otherwise be ``code-index``, twice in the page).
RESERVED_ANCHORS = frozenset({"codes", "code-index"})


def quote_anchor(entry_anchor: str, place: int) -> str:
    """Return the id of an entry's quote in the journal section (its place counts from 1).

    Slugs never hold "--", so no entry's anchor can be a quote's.
    """
    return f"{entry_anchor}--quote-{place}"


def build_insights(b: Builder) -> Insights:
    """Return the insights of the edition with their evidence, and the codes week by week."""
    if not b.r.insights:
        return Insights([], [], [])
    uses = tag_uses(b.r)
    codes = _code_anchors(uses)
    quote_ids: set[str] = set()
    evidences = Evidences(b.r)
    views = [
        _insight_view(b, insight, n, evidences, codes, quote_ids)
        for n, insight in enumerate(_in_order(b.r.insights), start=1)
    ]
    columns, rows = _codes(b, uses, codes, quote_ids)
    return Insights(views, rows, columns, frozenset(quote_ids))


def _in_order(insights: Iterable[Insight]) -> list[Insight]:
    """Return the insights in the residency's order: by week, then as the folder lists them."""
    return sorted(insights, key=lambda i: i.week if i.week is not None else 1_000_000)


def _code_anchors(uses: dict[str, TagUse]) -> dict[str, str]:
    """Return {tag key: id of its line in the index of codes}, each id once."""
    anchors: dict[str, str] = {}
    taken: set[str] = set(RESERVED_ANCHORS)
    for key in uses:
        base = f"code-{slugify(key) or 'tag'}"
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        anchors[key] = anchor
    return anchors


def _when(b: Builder, insight: Insight) -> str:
    """Return where an insight comes from: "Week 2 — Prototype and test", or its phase."""
    parts = []
    if insight.week is not None:
        week = next((w for w in b.res.weeks if w.number == insight.week), None)
        label = b.gettext("Week {number}", number=insight.week)
        if week is not None and week.focus and insight.phase is None:
            label = b.gettext("{week}: {focus}", week=label, focus=b.typo(week.focus))
        parts.append(label)
    if insight.phase is not None:
        phase = phase_labels(b.t)[insight.phase]
        parts.append(b.gettext("Phase: {phase}", phase=phase))
    return " · ".join(parts)


def _insight_view(
    b: Builder,
    insight: Insight,
    n: int,
    evidences: Evidences,
    codes: dict[str, str],
    quote_ids: set[str],
) -> InsightView:
    title = b.typo(insight.title)
    # The same evidence cited twice is shown once (check warns about it).
    views = (_evidence_view(b, r) for r in evidences.of(insight))
    cited = list(dict.fromkeys(v for v in views if v is not None))
    quote_ids.update(v.href[1:] for v in cited if v.kind == "quote")
    tags: dict[str, Link] = {}
    for tag in insight.tags:
        key = tag_key(tag)
        if key in codes and key not in tags:
            tags[key] = Link(f"#{codes[key]}", b.typo(" ".join(tag.split())))
    return InsightView(
        anchor=f"insight-{insight.id}",
        number=b.gettext("Insight {n}", n=n),
        title=title,
        statement=b.md(insight.statement, 4, title),
        when=_when(b, insight),
        quotes=[v for v in cited if v.kind == "quote"],
        sources=[v for v in cited if v.kind != "quote"],
        tags=list(tags.values()),
        prototypes=[link for link in map(b.proto_link, insight.prototypes) if link],
        team_only=insight.visibility == "team",
    )


def _evidence_view(b: Builder, resolved: Resolved) -> EvidenceView | None:
    """Return one piece of evidence as shown, or None when it points at nothing."""
    if not resolved.found:
        return None  # check reported it; the report shows what can be shown
    entry, quote, proto, test = resolved.entry, resolved.quote, resolved.prototype, resolved.test
    if entry is not None:
        anchor = b.entry_anchor[id(entry)]
        common = {
            "title": b.typo(entry.title),
            "date": b.t.date(entry.date, "d MMM"),
            "iso": entry.date.isoformat(),
            "entry_kind": entry.kind,
            "entry_kind_label": b.kinds[entry.kind],
        }
        if quote is not None and resolved.evidence.quote is not None:
            return EvidenceView(
                "quote",
                f"#{quote_anchor(anchor, resolved.evidence.quote)}",
                text=b.typo(quote.text),
                who=b.actor_name(quote.actor) or b.gettext("someone met"),
                team_only=quote.visibility == "team" or entry.visibility == "team",
                **common,
            )
        return EvidenceView("entry", f"#{anchor}", team_only=entry.visibility == "team", **common)
    if proto is None:
        return None
    if test is not None:
        return EvidenceView(
            "test",
            f"#prototype-{proto.id}",
            b.typo(proto.title),
            b.t.date(test.date, "d MMM"),
            test.date.isoformat(),
            decision=test.decision,
            decision_label=b.decision_labels()[test.decision],
        )
    return EvidenceView("prototype", f"#prototype-{proto.id}", b.typo(proto.title), "", "")


def _excerpt(text: str, limit: int = QUOTE_EXCERPT) -> str:
    """Return the beginning of a quote, cut at a word with an ellipsis when long."""
    return shorten(" ".join(text.split()), limit, " ,;:.-\u2013\u2014")


def _codes(
    b: Builder, uses: dict[str, TagUse], codes: dict[str, str], quote_ids: set[str]
) -> tuple[list[str], list[CodeView]]:
    """Return the columns and the rows of the codes' table, the most used code first."""
    weeks = b.res.weeks
    outside = len(weeks)
    position = {id(e): i for i, e in enumerate(b.entries)}

    column_of_week = {w.number: i for i, w in enumerate(weeks)}
    columns_by_day: dict[dt.date, int] = {}

    def column_of(entry: Entry) -> int:
        column = columns_by_day.get(entry.date)
        if column is None:
            number = week_of(b.r, entry.date)
            column = outside if number is None else column_of_week.get(number, outside)
            columns_by_day[entry.date] = column
        return column

    rows: list[CodeView] = []
    for key, use in uses.items():
        counts = [0] * (len(weeks) + 1)
        # (place in the journal, quote number or 0, entry, quote): links are made only for
        # the uses shown, the first CODE_USES_SHOWN in the journal's order.
        placed: list[tuple[int, int, Entry, Quote | None]] = []
        for entry in use.entries:
            counts[column_of(entry)] += 1
            placed.append((position[id(entry)], 0, entry, None))
        for entry, place, quote in use.quotes:
            counts[column_of(entry)] += 1
            quote_ids.add(quote_anchor(b.entry_anchor[id(entry)], place))
            placed.append((position[id(entry)], place, entry, quote))
        placed.sort(key=lambda item: (item[0], item[1]))
        shown = [
            _use_link(b, entry, place, quote)
            for _p, place, entry, quote in placed[:CODE_USES_SHOWN]
        ]
        left = len(placed) - len(shown)
        more = b.t.ngettext("and {n} more", "and {n} more", left) if left else ""
        insights = [Link(f"#insight-{i.id}", b.typo(i.title)) for i in use.insights]
        label = b.typo(use.label)
        rows.append(CodeView(codes[key], label, counts, [], sum(counts), shown, more, insights))
    rows.sort(key=lambda row: (-row.total, slugify(row.label)))
    columns = [b.gettext("Week {number}", number=w.number) for w in weeks]
    if any(row.counts[outside] for row in rows):
        columns.append(b.gettext("Between the weeks"))
    else:
        rows = [replace(r, counts=r.counts[:outside]) for r in rows]
    top = max((n for row in rows for n in row.counts), default=0)
    return columns, [replace(r, levels=[_level(n, top) for n in r.counts]) for r in rows]


def _use_link(b: Builder, entry: Entry, place: int, quote: Quote | None) -> Link:
    """Return the link to one use of a code: its entry, or its quote (an excerpt, dated)."""
    if quote is None:
        return b.entry_link(entry)
    anchor = quote_anchor(b.entry_anchor[id(entry)], place)
    words = b.typo(b.gettext("“{quote}”", quote=_excerpt(quote.text)))
    return Link(f"#{anchor}", words, b.t.date(entry.date, "d MMM"))


def _level(n: int, top: int) -> int:
    """Return the shade of a count in the table: 0 for none, then 1 to 4 up to the largest."""
    return 0 if n <= 0 or top <= 0 else max(1, min(4, -(-4 * n // top)))

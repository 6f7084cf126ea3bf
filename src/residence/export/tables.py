# SPDX-License-Identifier: EUPL-1.2
"""`residence export csv`: the journal, its quotes, its codes and its insights as tidy CSV.

Five files, one table each, one row per thing (the long form spreadsheets, R and pandas
read best):

- ``entries.csv``: one row per entry — id (its file name), date, time, week (empty outside
  the weeks), kind, title, place, authors and actors (ids), tags, visibility, body (plain
  text);
- ``quotes.csv``: one row per quote — entry, n (its place among the entry's quotes in this
  edition, from 1), actor (id), speaker (the name as the edition shows it: a pseudonym for a
  person who did not agree to be named), text, tags, visibility;
- ``tags.csv``: one row per use of a tag — tag (as first written), item (entry, quote or
  insight), id (the entry's or the insight's), quote (n, for a quote);
- ``insights.csv`` and ``evidence.csv``, only when the residency has insights: one row per
  insight (id, title, statement, tags, week, phase, prototypes, evidence count), and one
  row per piece of evidence (insight, entry, quote, prototype, test).

Several values in one cell (authors, tags…) are separated by "; ". The files are UTF-8 with
a byte-order mark (so that Excel reads the accents), comma-separated, with CRLF line ends
(RFC 4180); ``excel=True`` separates them with semicolons, as Excel expects them in a
French locale. A cell that a spreadsheet would run as a formula — one starting with =, +,
-, @, a tab or a carriage return (or their full-width forms), even after white space or
invisible characters — starts with an apostrophe instead (CSV injection). A team edition
carries the band in the file names (``entries-document-interne-ne-pas-diffuser.csv``): a
row or a column more would be read as data.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from residence.export.common import lines, ordered_entries, speaker
from residence.findings import tag_uses, week_of
from residence.models import Published
from residence.models.residency import entry_stem
from residence.render.band import marked_name
from residence.render.markdown import to_plain_text

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A cell a spreadsheet may run: one of FORMULA_STARTS (or its full-width form, or a minus
#: sign, which some spreadsheets and input methods read as the ASCII one) after any white
#: space (line ends included) and invisible characters (a byte-order mark, zero-width
#: spaces and joiners, a soft hyphen), which a spreadsheet may drop before it reads.
_FORMULA = re.compile(
    "[\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]*"
    "[=+\\-@\t\r\n\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66]"
)
#: What separates several values in one cell.
JOIN = "; "

Cell = str | int | None


@dataclass
class Tables:
    """The CSV files of an edition: {file name: text}, and how many rows each has."""

    files: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # by file name


def safe_cell(value: Cell) -> str:
    """Return a cell's text, with an apostrophe before what a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if _FORMULA.match(value):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: list[list[Cell]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def _plain(markdown: str | None) -> str:
    return lines(to_plain_text(markdown)) if markdown else ""


def make_tables(published: Published, *, excel: bool = False) -> Tables:
    """Return the CSV files of an edition (see the module's docstring)."""
    delimiter = ";" if excel else ","
    entries = ordered_entries(published)
    tables: dict[str, tuple[list[str], list[list[Cell]]]] = {}

    rows: list[list[Cell]] = []
    quotes: list[list[Cell]] = []
    for entry in entries:
        stem = entry_stem(entry)
        rows.append(
            [
                stem,
                entry.date.isoformat(),
                entry.time,
                week_of(published, entry.date),
                entry.kind,
                " ".join(entry.title.split()),
                entry.place,
                JOIN.join(entry.authors),
                JOIN.join(entry.actors),
                JOIN.join(entry.tags),
                entry.visibility,
                _plain(entry.body),
            ]
        )
        for n, quote in enumerate(entry.quotes, start=1):
            quotes.append(
                [
                    stem,
                    n,
                    quote.actor,
                    speaker(published, quote.actor),
                    lines(quote.text),
                    JOIN.join(quote.tags),
                    quote.visibility,
                ]
            )
    tables["entries.csv"] = (
        [
            "id",
            "date",
            "time",
            "week",
            "kind",
            "title",
            "place",
            "authors",
            "actors",
            "tags",
            "visibility",
            "body",
        ],
        rows,
    )
    tables["quotes.csv"] = (
        ["entry", "n", "actor", "speaker", "text", "tags", "visibility"],
        quotes,
    )

    uses: list[list[Cell]] = []
    for use in tag_uses(published).values():
        uses += [[use.label, "entry", entry_stem(e), None] for e in use.entries]
        uses += [[use.label, "quote", entry_stem(e), n] for e, n, _q in use.quotes]
        uses += [[use.label, "insight", i.id, None] for i in use.insights]
    tables["tags.csv"] = (["tag", "item", "id", "quote"], uses)

    if published.insights:
        insights: list[list[Cell]] = []
        evidence: list[list[Cell]] = []
        for insight in published.insights:
            insights.append(
                [
                    insight.id,
                    " ".join(insight.title.split()),
                    _plain(insight.statement),
                    JOIN.join(insight.tags),
                    insight.week,
                    insight.phase,
                    JOIN.join(insight.prototypes),
                    len(insight.evidence),
                ]
            )
            evidence += [
                [insight.id, e.entry, e.quote, e.prototype, e.test] for e in insight.evidence
            ]
        tables["insights.csv"] = (
            ["id", "title", "statement", "tags", "week", "phase", "prototypes", "evidence"],
            insights,
        )
        tables["evidence.csv"] = (["insight", "entry", "quote", "prototype", "test"], evidence)

    made = Tables()
    for name, (header, table) in tables.items():
        shown = marked_name(name, published)
        made.files[shown] = _csv(header, table, delimiter)
        made.rows[shown] = len(table)
    return made


#: The files this export writes, as named in the public edition.
NAMES = ("entries.csv", "quotes.csv", "tags.csv", "insights.csv", "evidence.csv")

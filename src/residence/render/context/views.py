# SPDX-License-Identifier: EUPL-1.2
"""The report's context as the templates read it: frozen values, one class per thing shown.

:class:`ReportContext` holds one part per section template (``report.cover``,
``report.journal``…); each part holds only strings, safe HTML (:class:`markupsafe.Markup`)
and the small values below, never the models themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from residence.text import shorten

# -- small values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link inside the report (or to the web)."""

    href: str
    label: str
    note: str = ""  # a short qualifier shown after the label (a date, a kind)


@dataclass(frozen=True)
class Picture:
    """A picture as shown: the published file, its text alternative, caption and credit."""

    src: str
    alt: str
    caption: str = ""
    credit: str = ""
    width: int | None = None
    height: int | None = None
    portrait: bool = False


@dataclass(frozen=True)
class Download:
    """A document (PDF) offered for download."""

    href: str
    label: str
    details: str  # "PDF, 240 Ko"


@dataclass(frozen=True)
class KeyFigure:
    """One number of the summary box."""

    value: str
    label: str


@dataclass(frozen=True)
class Chart:
    """An SVG chart with its text alternative (a data table)."""

    svg: Markup
    caption: str
    table_caption: str = ""
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


# -- sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """The cover: title, site, host, dates, programme, photo."""

    title: str
    site: str
    host: str
    territory: str
    programme: str
    theme: str
    dates: str
    weeks: list[str]
    picture: Picture | None
    edition_label: str

    @property
    def running_title(self) -> str:
        """The title in the printed pages' running head."""
        return running_title(self.title)


@dataclass(frozen=True)
class PrototypeBrief:
    """One line of the summary's list of prototypes."""

    href: str
    title: str
    stage: str
    stage_label: str
    decision: str
    decision_label: str


@dataclass(frozen=True)
class Summary:
    """The box for the reader who has two minutes."""

    question: str
    figures: list[KeyFigure]
    map_thumbnail: Picture | None
    map_href: str
    prototypes: list[PrototypeBrief]


@dataclass(frozen=True)
class Question:
    """Why this residency, who asked, the starting question."""

    body: Markup
    host: str
    theme: str
    keywords: list[str]
    host_in_text: str = ""  # as a sentence names it: "la Région Loire-Océane" (french.py)


@dataclass(frozen=True)
class StakeRow:
    """One actor's line in the table of stakes."""

    anchor: str
    name: str
    kind: str
    sector: str
    circle: str
    influence: str
    interest: str
    stakes: list[str]
    description: Markup


@dataclass(frozen=True)
class Site:
    """The site and its people: actor map, matrix, stakes."""

    site: str
    territory: str
    actor_map: Markup
    matrix: Markup
    stakes: list[StakeRow]
    relations: list[str]


@dataclass(frozen=True)
class MemberView:
    """A member of the team as credited."""

    name: str
    role: str
    discipline: str
    organisation: str


@dataclass(frozen=True)
class Team:
    """The team and its method."""

    residents: list[MemberView]
    others: list[MemberView]
    weeks: list[tuple[str, str, str]]  # (title, dates, focus)
    methods: list[Link]
    timeline: Chart | None


@dataclass(frozen=True)
class QuoteView:
    """Words heard, set apart, with who said them."""

    text: str
    who: str
    team_only: bool


@dataclass(frozen=True)
class EntryView:
    """One journal entry."""

    anchor: str
    title: str
    kind: str
    kind_label: str
    date_label: str
    iso: str
    time: str
    authors: str
    place: str
    body: Markup
    quotes: list[QuoteView]
    pictures: list[Picture]
    downloads: list[Download]
    actors: list[str]
    prototypes: list[Link]
    methods: list[Link]
    tags: list[str]
    team_only: bool


@dataclass(frozen=True)
class DayView:
    """One day of the journal."""

    anchor: str
    label: str
    iso: str
    entries: list[EntryView]


@dataclass(frozen=True)
class WeekView:
    """One week of the journal."""

    anchor: str
    title: str
    dates: str
    focus: str
    count: str
    days: list[DayView]


@dataclass(frozen=True)
class Journal:
    """The immersion: the journal week by week, day by day."""

    weeks: list[WeekView]
    outside: list[EntryView]  # entries dated outside every week
    #: The ids given to the quotes an insight cites or a code tags ("entry-…--quote-2"), so
    #: that the insights section links to them; the other quotes have none.
    quote_anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EvidenceView:
    """One piece of an insight's evidence: a quote, a journal entry or a prototype's test."""

    kind: str  # "quote", "entry", "test" or "prototype"
    href: str  # where it is in the report: the quote, the entry or the prototype
    title: str  # the entry's or the prototype's title
    date: str  # "14 janv." (the entry's or the test's day)
    iso: str
    text: str = ""  # a quote's words
    who: str = ""  # who said them, as the gate left the name
    entry_kind: str = ""  # an entry's kind, and its label
    entry_kind_label: str = ""
    decision: str = ""  # a test's decision, and its label
    decision_label: str = ""
    team_only: bool = False


@dataclass(frozen=True)
class InsightView:
    """One insight: what the team learned, what it rests on, what answers it."""

    anchor: str
    number: str  # "Insight 3"
    title: str
    statement: Markup
    when: str  # "Week 2 · Prototype and test", or the phase
    quotes: list[EvidenceView]
    sources: list[EvidenceView]  # the entries and tests cited (not as quotes)
    tags: list[Link]  # to the code in the codes' index
    prototypes: list[Link]
    team_only: bool


@dataclass(frozen=True)
class CodeView:
    """One code (tag): how often the journal uses it each week, and where."""

    anchor: str
    label: str
    counts: list[int]  # one per column of :attr:`Insights.columns`
    levels: list[int]  # each count's shade in the table, 0 (none) to 4 (the most)
    total: int
    uses: list[Link]  # the entries and quotes tagged, in the journal's order
    more: str  # "and 40 more", when the list of uses is cut
    insights: list[Link]  # the insights that carry it


@dataclass(frozen=True)
class Insights:
    """What we learned: the insights with their evidence, then the codes week by week."""

    insights: list[InsightView]
    codes: list[CodeView]
    columns: list[str]  # "Week 1"…, then "Between the weeks" when a use falls outside
    quote_anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TestView:
    """One test session of a prototype."""

    date: str
    iso: str
    place: str
    participants: str
    protocol: Markup
    observations: Markup
    learnings: Markup
    decision: str
    decision_label: str
    pictures: list[Picture]
    downloads: list[Download]


@dataclass(frozen=True)
class HandoverView:
    """Who carries a prototype on, and on what conditions."""

    prototype: Link
    to: list[str]
    date: str
    conditions: Markup


@dataclass(frozen=True)
class PrototypeView:
    """One prototype: hypothesis, stage, tests, photos."""

    anchor: str
    title: str
    hypothesis: str
    problem: Markup
    stage: str
    stage_label: str
    stage_step: int  # 1..5 on the way to adoption, 0 for abandoned
    steps: list[str]  # the names of the five stages, for the progress bar
    fidelity: str
    created: str
    team: list[str]
    actors: list[str]
    methods: list[Link]
    entries: list[Link]
    pictures: list[Picture]
    downloads: list[Download]
    tests: list[TestView]
    handover: HandoverView | None


@dataclass(frozen=True)
class ScenarioView:
    """A usage scenario, today and tomorrow."""

    anchor: str
    title: str
    persona: str
    today: Markup
    tomorrow: Markup
    steps: list[str]
    actors: list[str]
    prototypes: list[Link]


@dataclass(frozen=True)
class Projects:
    """From vision to projects."""

    funnel: Chart | None
    prototypes: list[PrototypeView]
    scenarios: list[ScenarioView]


@dataclass(frozen=True)
class FollowUpView:
    """A visit months later."""

    date: str
    iso: str
    by: str
    observations: Markup
    by_in_text: str = ""  # as a sentence names them: "le Conseil départemental" (french.py)


@dataclass(frozen=True)
class Next:
    """And then? Handovers and follow-up visits."""

    handovers: list[HandoverView]
    pending: list[Link]  # prototypes still alive that nobody carries on yet
    follow_ups: list[FollowUpView]


@dataclass(frozen=True)
class MethodCard:
    """One open method sheet."""

    anchor: str
    title: str
    summary: Markup
    purpose: Markup
    phase: str
    duration: str
    participants: str
    materials: list[str]
    steps: list[str]
    tips: list[str]
    used_in: list[Link]
    used_more: Link | None  # "and 488 more journal entries", to the journal
    authors: str
    source: str
    license: Link


@dataclass(frozen=True)
class Methods:
    """The method cards."""

    cards: list[MethodCard]


@dataclass(frozen=True)
class LicenceView:
    """A licence as the report shows it: its SPDX id, translated name and link."""

    spdx: str
    name: str
    url: str  # the deed in the reader's language for Creative Commons; "" when unknown


@dataclass(frozen=True)
class Credits:
    """Team, partners, photo credits and the licence with its TASL attribution."""

    members: list[MemberView]
    host: str
    partners: list[str]
    photo_credits: list[tuple[str, str]]  # (credit, "3 photos")
    licence: LicenceView
    attribution: str  # the TASL line in words
    title: str
    authors: str
    source: str
    year: str
    fonts: str
    generator: str


@dataclass(frozen=True)
class ReportContext:
    """Everything report.html.j2 shows: one value, one part per section template."""

    lang: str
    edition: str
    team_edition: bool
    band: str
    title: str
    description: str
    keywords: str
    accent: dict[str, str]
    json_ld: Markup
    nav: list[Link]
    cover: Cover
    summary: Summary
    question: Question
    site: Site
    team: Team
    journal: Journal
    insights: Insights
    projects: Projects
    next: Next
    methods: Methods
    credits: Credits
    stylesheets: list[str]


# -- the running head ------------------------------------------------------------------------

#: Characters of the title that fit in the printed running head beside "page 125 / 816".
RUNNING_TITLE_MAX = 58
# A spaced en dash; a colon or an em dash. Each alternative starts where a run of spaces
# starts, so that a long run is tried once, not from each of its spaces (linear time).
_TITLE_BREAK_RE = re.compile(r"(?<!\s)\s+\u2013\s+|(?<!\s)\s*[:\u2014]\s+")


def running_title(title: str, limit: int = RUNNING_TITLE_MAX) -> str:
    """Return the title as the running head of the printed pages shows it: whole when short,
    else its main part (before " — " or ": ", when that part says enough), else cut at a
    word with an ellipsis. One line, so that the page number beside it stays on that line.

    >>> running_title("Le hall, carrefour des chemins — résidence au lycée professionnel")
    'Le hall, carrefour des chemins'
    """
    title = re.sub(r"[ \t\r\n]+", " ", title).strip()  # no-break spaces stay
    if len(title) <= limit:
        return title
    head = _TITLE_BREAK_RE.split(title, maxsplit=1)[0].strip()
    if 12 <= len(head) <= limit:
        return head
    return shorten(title, limit)

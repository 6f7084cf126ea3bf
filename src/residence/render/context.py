"""Models -> template context: one plain value per template, no I/O.

``build_context`` turns a residency that came out of the privacy gate (``select_edition``)
into a :class:`ReportContext`. Texts are typeset (French spaces, apostrophes), Markdown is
already safe HTML (:class:`markupsafe.Markup`), dates are in words, labels are translated:
the templates only lay things out. Each section template gets its own part of the context
(``report.cover``, ``report.journal``…), never the models themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markupsafe import Markup, escape

from residence import __version__
from residence.errors import Problem
from residence.i18n import Translator
from residence.models import Entry, Media, Prototype, Residency
from residence.models.common import slugify
from residence.models.residency import entry_stem, source_of
from residence.render.charts import (
    kind_labels,
    phase_labels,
    render_funnel_svg,
    render_timeline_svg,
    stage_labels,
    timeline_data,
)
from residence.render.images import Asset, media_kind
from residence.render.markdown import render_markdown, to_plain_text, typography
from residence.render.uses import citations, more_entries

DEFAULT_ACCENT = "#b7472a"
PAPER = "#fdfcf9"
INK = "#1d1b19"
AA_TEXT = 4.5


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
class Licence:
    """A licence: its name, its SPDX id and where to read it."""

    spdx: str
    name: str
    url: str


@dataclass(frozen=True)
class Credits:
    """Team, partners, photo credits and the licence with its TASL attribution."""

    members: list[MemberView]
    host: str
    partners: list[str]
    photo_credits: list[tuple[str, str]]  # (credit, "3 photos")
    licence: Licence
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
    projects: Projects
    next: Next
    methods: Methods
    credits: Credits
    stylesheets: list[str]


# -- helpers ---------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"<(/?)h([3-6])>")


def demote(html: Markup, level: int) -> Markup:
    """Return Markdown HTML whose first heading level (h3) becomes ``level`` (at most h6)."""
    if level <= 3:
        return html
    shift = level - 3

    def repl(match: re.Match[str]) -> str:
        return f"<{match.group(1)}h{min(int(match.group(2)) + shift, 6)}>"

    return Markup(_HEADING_RE.sub(repl, str(html)))


def caption_tables(html: Markup, caption: str) -> Markup:
    """Return Markdown HTML whose tables have a caption (numbered when there are several)."""
    count = str(html).count("<table>")
    if not count:
        return html
    numbers = iter(range(1, count + 1))

    def repl(match: re.Match[str]) -> str:
        text = caption if count == 1 else f"{caption} ({next(numbers)})"
        return f'<table>\n<caption class="md-caption">{escape(text)}</caption>'

    return Markup(re.sub(r"<table>", repl, str(html)))


LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons Zero 1.0 Universal (public domain)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "CC-BY-NC-SA-4.0": (
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    "CC-BY-NC-4.0": (
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "CC-BY-ND-4.0": (
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    "CC-BY-NC-ND-4.0": (
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    "CC-BY-SA-3.0": (
        "Creative Commons Attribution-ShareAlike 3.0 Unported",
        "https://creativecommons.org/licenses/by-sa/3.0/",
    ),
    "CC-BY-3.0": (
        "Creative Commons Attribution 3.0 Unported",
        "https://creativecommons.org/licenses/by/3.0/",
    ),
    "LiLiQ-R-1.1": (
        "Licence Libre du Québec \u2013 Réciprocité 1.1",
        "https://forge.gouv.qc.ca/licence/fr/liliq-r/",
    ),
    "etalab-2.0": (
        "Licence Ouverte / Open Licence 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "ODbL-1.0": ("Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "EUPL-1.2": (
        "European Union Public Licence 1.2",
        "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
    ),
}


#: Characters of the title that fit in the printed running head beside "page 125 / 816".
RUNNING_TITLE_MAX = 58
_TITLE_BREAK_RE = re.compile(r"\s+\u2013\s+|\s*[:\u2014]\s+")  # spaced en dash; colon or em dash


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
    cut = title[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


def licence_of(spdx: str, t: Translator, *, deed: bool = True) -> Licence:
    """Return a licence's name (translated) and URL (the French deed for CC in French)."""
    name, url = LICENCES.get(spdx, (spdx, ""))
    if url.startswith("https://creativecommons.org/") and deed:
        url += f"deed.{t.language}"
    return Licence(spdx, t.gettext(name), url)


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: str, b: str, weight: float) -> str:
    """Return a mixed with b (weight of b from 0 to 1)."""
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * weight):02x}" for x, y in zip(ca, cb, strict=True))


def accent_palette(accent: str | None) -> dict[str, str]:
    """Return the accent colours: as chosen, darkened for text (AA), and the text on it."""
    base = (accent or DEFAULT_ACCENT).lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", base):
        base = DEFAULT_ACCENT
    soft = _mix(base, PAPER, 0.88)
    ink = base
    step = 0.0
    # The ink is read on paper and on the soft tint (the summary box): AA on both.
    while min(contrast(ink, PAPER), contrast(ink, soft)) < AA_TEXT and step < 1:
        step += 0.05
        ink = _mix(base, "#000000", step)
    on = "#ffffff" if contrast(base, "#ffffff") >= AA_TEXT else INK
    if contrast(base, on) < AA_TEXT:
        on = "#ffffff" if contrast(base, "#ffffff") >= contrast(base, "#000000") else "#000000"
    return {
        "accent": base,
        "accent_ink": ink,
        "on_accent": on,
        "accent_soft": soft,
        "accent_line": _mix(base, PAPER, 0.55),
    }


def _json_ld(data: dict[str, object]) -> Markup:
    """Return JSON-LD safe inside a <script> element (every '<' escaped)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _size(n: int, t: Translator) -> str:
    from babel.numbers import format_decimal

    if n < 1024 * 1024:
        return t.gettext("{n} KB", n=format_decimal(max(1, round(n / 1024)), locale=t.language))
    return t.gettext("{n} MB", n=format_decimal(round(n / 1024 / 1024, 1), locale=t.language))


def _is_image(file: str) -> bool:
    return media_kind(file) in {"image", "svg"}


def media_files(residency: Residency) -> list[str]:
    """Return every media file a report of this residency may show (cover first)."""
    files: list[str] = []
    res = residency.residence
    if res is not None and res.cover:
        files.append(res.cover)
    for entry in residency.entries:
        files += [m.file for m in entry.media]
    for proto in residency.prototypes:
        files += [m.file for m in proto.media]
        for test in proto.tests:
            files += [m.file for m in test.media]
    return list(dict.fromkeys(files))


# -- the builder -----------------------------------------------------------------------------


class _Builder:
    """Builds the context of one report; collects the warnings met on the way."""

    def __init__(
        self,
        residency: Residency,
        t: Translator,
        assets: Mapping[str, Asset],
        map_thumbnail: str | None,
        actor_map: str | None,
    ) -> None:
        if residency.residence is None:
            raise ValueError("a residency without residence.yaml cannot be rendered")
        self.r = residency
        self.res = residency.residence
        self.t = t
        self.lang = t.language
        self.assets = assets
        self.map_thumbnail = map_thumbnail
        self.actor_map = actor_map
        self.public = residency.edition != "team"
        self.problems: list[Problem] = []
        self.title = self.typo(self.res.title)
        self.members = {m.id: m for m in self.res.team}
        self.actors = {a.id: a for a in residency.actors}
        self.entries = [
            e for e in residency.entries if not (self.public and e.visibility == "team")
        ]
        self.kinds = kind_labels(t)
        self.stages = stage_labels(t)
        self.entry_anchor: dict[int, str] = {}
        taken: set[str] = set()
        for entry in self.entries:
            stem = entry_stem(entry) or f"{entry.date.isoformat()}-{slugify(entry.title)}"
            anchor = f"entry-{slugify(stem) or 'note'}"
            n = 2
            while anchor in taken:
                anchor, n = f"entry-{slugify(stem)}-{n}", n + 1
            taken.add(anchor)
            self.entry_anchor[id(entry)] = anchor
        self.method_ids = {m.id for m in residency.methods}

    # -- text

    def typo(self, text: str | None) -> str:
        return typography(text or "", self.lang)

    def md(self, text: str | None, level: int = 3, where: str = "") -> Markup:
        """Return safe HTML for Markdown: headings under ``level``, tables with a caption."""
        html = demote(render_markdown(text, lang=self.lang), level)
        return caption_tables(html, self.gettext("Table: {where}", where=where or self.title))

    def date(self, value: dt.date | None) -> str:
        return self.t.date(value) if value else ""

    def gettext(self, message: str, **values: object) -> str:
        return self.t.gettext(message, **values)

    # -- references

    def actor_name(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return self.typo(actor.name) if actor else ""

    def actor_names(self, ids: Iterable[str]) -> list[str]:
        return [name for name in (self.actor_name(i) for i in ids) if name]

    def member_names(self, ids: Iterable[str]) -> list[str]:
        return [self.typo(self.members[i].name) for i in ids if i in self.members]

    def proto_link(self, proto_id: str) -> Link | None:
        proto = next((p for p in self.r.prototypes if p.id == proto_id), None)
        return Link(f"#prototype-{proto.id}", self.typo(proto.title)) if proto else None

    def method_link(self, method_id: str) -> Link | None:
        method = next((m for m in self.r.methods if m.id == method_id), None)
        return Link(f"#method-{method.id}", self.typo(method.title)) if method else None

    def entry_link(self, entry: Entry) -> Link:
        return Link(
            f"#{self.entry_anchor[id(entry)]}",
            self.typo(entry.title),
            self.t.date(entry.date, "d MMM"),
        )

    def join(self, items: list[str]) -> str:
        from babel.lists import format_list

        return format_list(items, locale=self.lang) if items else ""

    # -- media

    def pictures(self, items: Iterable[Media], where: str) -> tuple[list[Picture], list[Download]]:
        pictures: list[Picture] = []
        downloads: list[Download] = []
        for item in items:
            asset = self.assets.get(item.file)
            if asset is None:
                continue  # left out by the privacy gate or by images.py, which said why
            if asset.kind == "pdf":
                label = self.typo(item.caption or PurePosixPath(item.file).name)
                details = self.gettext("PDF, {size}", size=_size(asset.size, self.t))
                downloads.append(Download(asset.href, label, details))
                continue
            alt = (item.alt or "").strip()
            if not alt and self.public:
                self.problems.append(
                    Problem(
                        where,
                        None,
                        None,
                        "warning",
                        "missing-alt",
                        f"{item.file}: left out of the public edition: it has no alt text "
                        "(describe the picture for people who cannot see it)",
                    )
                )
                continue
            caption = self.typo(item.caption)
            pictures.append(
                Picture(
                    asset.href,
                    self.typo(alt),
                    caption,
                    self.typo(item.credit),
                    asset.width,
                    asset.height,
                    bool(asset.width and asset.height and asset.height > asset.width),
                )
            )
        return pictures, downloads

    # -- sections

    def cover(self) -> Cover:
        res = self.res
        picture = None
        if res.cover and res.cover in self.assets and self.assets[res.cover].kind != "pdf":
            asset = self.assets[res.cover]
            alt = next((m.alt for m in self._all_media() if m.file == res.cover and m.alt), "")
            credit = next(
                (m.credit for m in self._all_media() if m.file == res.cover and m.credit), ""
            )
            picture = Picture(
                asset.href, self.typo(alt), "", self.typo(credit), asset.width, asset.height
            )
        weeks = [
            self.gettext(
                "Week {number}: {dates}", number=w.number, dates=self.interval(w.start, w.end)
            )
            for w in res.weeks
        ]
        first, last = res.weeks[0].start, res.weeks[-1].end
        edition = (
            self.gettext("Team edition") if not self.public else self.gettext("Public edition")
        )
        return Cover(
            title=self.typo(res.title),
            site=self.typo(res.site),
            host=self.typo(res.host),
            territory=self.typo(res.territory),
            programme=self.programme(),
            theme=self.typo(res.theme),
            dates=self.interval(first, last),
            weeks=weeks,
            picture=picture,
            edition_label=edition,
        )

    def interval(self, start: dt.date, end: dt.date) -> str:
        from babel.dates import format_interval

        return format_interval(start, end, "yMMMMd", locale=self.lang)

    def programme(self) -> str:
        return {
            "territoires-en-residences": "Territoires en résidences",
            "la-transfo": "La Transfo",
            "la-pointeuse": "La Pointeuse",
        }.get(self.res.programme, "")

    def _all_media(self) -> list[Media]:
        found: list[Media] = []
        for entry in self.entries:
            found += entry.media
        for proto in self.r.prototypes:
            found += proto.media
            for test in proto.tests:
                found += test.media
        return found

    def last_decision(self, proto: Prototype) -> tuple[str, str]:
        if not proto.tests:
            return "", self.gettext("not tested yet")
        last = max(proto.tests, key=lambda s: s.date)
        label = self.decision_labels()[last.decision]
        return last.decision, self.gettext(
            "last test on {date}: {decision}",
            decision=label,
            date=self.t.date(last.date, "d MMMM y"),
        )

    def decision_labels(self) -> dict[str, str]:
        return {
            "iterate": self.gettext("iterate"),
            "adopt": self.gettext("adopt"),
            "abandon": self.gettext("abandon"),
            "continue": self.gettext("continue"),
        }

    def summary(self) -> Summary:
        text = to_plain_text(self.res.question, lang=self.lang)
        blocks = [b for b in text.split("\n") if b.strip()]
        question = next((b for b in blocks if "?" in b), blocks[0] if blocks else "")
        if len(question) > 420:
            question = question[:420].rsplit(" ", 1)[0].rstrip(",;:") + " …"
        sessions = sum(len(p.tests) for p in self.r.prototypes)
        days = sum((w.end - w.start).days + 1 for w in self.res.weeks)
        figures = [
            KeyFigure(
                str(len(self.res.weeks)),
                self.t.ngettext("week on site", "weeks on site", len(self.res.weeks)),
            ),
            KeyFigure(str(days), self.t.ngettext("day of immersion", "days of immersion", days)),
            KeyFigure(
                str(len(self.entries)),
                self.t.ngettext("journal entry", "journal entries", len(self.entries)),
            ),
            KeyFigure(
                str(len(self.r.actors)),
                self.t.ngettext("actor on the map", "actors on the map", len(self.r.actors)),
            ),
            KeyFigure(
                str(len(self.r.prototypes)),
                self.t.ngettext("prototype", "prototypes", len(self.r.prototypes)),
            ),
            KeyFigure(str(sessions), self.t.ngettext("test session", "test sessions", sessions)),
        ]
        thumb = None
        if self.map_thumbnail:
            thumb = Picture(self.map_thumbnail, self.gettext("The actor map (go to the full map)"))
        briefs = []
        for proto in self.r.prototypes:
            decision, decision_label = self.last_decision(proto)
            briefs.append(
                PrototypeBrief(
                    f"#prototype-{proto.id}",
                    self.typo(proto.title),
                    proto.stage,
                    self.stages[proto.stage],
                    decision,
                    decision_label,
                )
            )
        return Summary(question, figures, thumb, "#actor-map", briefs)

    def question(self) -> Question:
        return Question(
            self.md(self.res.question, 3, self.gettext("The question")),
            self.typo(self.res.host),
            self.typo(self.res.theme),
            [self.typo(k) for k in self.res.keywords],
        )

    def site(self) -> Site:
        from residence.render import actormap

        rows = []
        for row in actormap.stakes_table(self.r, self.t):
            actor = self.actors[str(row["id"])]
            rows.append(
                StakeRow(
                    anchor=f"actor-{actor.id}",
                    name=self.typo(actor.name),
                    kind=str(row["kind_label"]),
                    sector=str(row["sector_label"]),
                    circle=str(row["circle_label"]),
                    influence=str(actor.influence or ""),
                    interest=str(actor.interest or ""),
                    stakes=[self.typo(s) for s in actor.stakes],
                    description=self.md(actor.description, 5, self.typo(actor.name)),
                )
            )
        colon = "\u00a0: " if self.lang == "fr" else ": "
        relations = []
        for rel in self.r.relations:
            a, b = self.actor_name(rel.from_), self.actor_name(rel.to)
            if a and b:
                kind = self.gettext(actormap.RELATION_NAMES[rel.kind]).lower()
                line = f"{a} → {b}{colon}{kind}"
                if rel.note:
                    line += f" ({self.typo(rel.note)})"
                relations.append(line)
        actor_map = Markup()
        if self.r.actors:
            svg = self.actor_map
            if svg is None:
                svg = actormap.render_actor_map_svg(self.r, self.t, id_prefix="actor-map")
            actor_map = Markup(svg)
        matrix = Markup()
        if self.r.actors:
            matrix = Markup(actormap.render_matrix_svg(self.r, self.t, id_prefix="actor-matrix"))
        return Site(
            self.typo(self.res.site),
            self.typo(self.res.territory),
            actor_map,
            matrix,
            rows,
            relations,
        )

    def member(self, member_id: str) -> MemberView:
        m = self.members[member_id]
        roles = {
            "resident": self.gettext("resident"),
            "agent": self.gettext("local agent"),
            "coordinator": self.gettext("coordinator"),
            "guest": self.gettext("guest"),
        }
        return MemberView(
            self.typo(m.name), roles[m.role], self.typo(m.discipline), self.typo(m.organisation)
        )

    def team(self) -> Team:
        members = [self.member(m.id) for m in self.res.team]
        residents = [v for v, m in zip(members, self.res.team, strict=True) if m.role == "resident"]
        others = [v for v, m in zip(members, self.res.team, strict=True) if m.role != "resident"]
        weeks = [
            (
                self.gettext("Week {number}", number=w.number),
                self.interval(w.start, w.end),
                self.typo(w.focus),
            )
            for w in self.res.weeks
        ]
        methods = [Link(f"#method-{m.id}", self.typo(m.title)) for m in self.r.methods]
        timeline = None
        svg = render_timeline_svg(self._without_team_entries(), self.t)
        if svg:
            kinds = list(self.kinds)
            head = [
                self.gettext("Day"),
                *self.kinds.values(),
                self.gettext("Prototype test sessions"),
            ]
            rows = []
            for week in timeline_data(self._without_team_entries()):
                for day in week.days:
                    if day.entries or day.sessions:
                        rows.append(
                            [
                                self.t.date(day.date),
                                *(str(day.kinds.get(k, 0)) for k in kinds),
                                str(day.sessions),
                            ]
                        )
            timeline = Chart(
                Markup(svg),
                self.gettext(
                    "The weeks on site: each mark is a journal entry, its shape tells "
                    "its kind; a star marks a prototype test session."
                ),
                self.gettext("Journal entries and test sessions per day"),
                head,
                rows,
            )
        return Team(residents, others, weeks, methods, timeline)

    def _without_team_entries(self) -> Residency:
        if not self.public:
            return self.r
        from dataclasses import replace

        return replace(self.r, entries=self.entries)

    def entry(self, entry: Entry) -> EntryView:
        pictures, downloads = self.pictures(entry.media, source_of(entry))
        quotes = [
            QuoteView(
                self.typo(q.text),
                self.actor_name(q.actor) or self.gettext("someone met"),
                q.visibility == "team",
            )
            for q in entry.quotes
            if not (self.public and q.visibility == "team")
        ]
        return EntryView(
            anchor=self.entry_anchor[id(entry)],
            title=self.typo(entry.title),
            kind=entry.kind,
            kind_label=self.kinds[entry.kind],
            date_label=self.t.date(entry.date),
            iso=entry.date.isoformat(),
            time=entry.time or "",
            authors=self.join(self.member_names(entry.authors)),
            place=self.typo(entry.place),
            body=self.md(entry.body, 6, self.typo(entry.title)),
            quotes=quotes,
            pictures=pictures,
            downloads=downloads,
            actors=self.actor_names(entry.actors),
            prototypes=[link for link in map(self.proto_link, entry.prototypes) if link],
            methods=[link for link in map(self.method_link, entry.methods) if link],
            tags=[self.typo(tag) for tag in entry.tags],
            team_only=entry.visibility == "team",
        )

    def journal(self) -> Journal:
        weeks = []
        placed: set[int] = set()
        for week in self.res.weeks:
            in_week = [e for e in self.entries if week.start <= e.date <= week.end]
            placed.update(id(e) for e in in_week)
            days = []
            for day in sorted({e.date for e in in_week}):
                entries = [self.entry(e) for e in in_week if e.date == day]
                days.append(
                    DayView(f"day-{day.isoformat()}", self.t.date(day), day.isoformat(), entries)
                )
            weeks.append(
                WeekView(
                    anchor=f"week-{week.number}",
                    title=self.gettext("Week {number}", number=week.number),
                    dates=self.interval(week.start, week.end),
                    focus=self.typo(week.focus),
                    count=self.t.ngettext("{n} entry", "{n} entries", len(in_week)),
                    days=days,
                )
            )
        outside = [self.entry(e) for e in self.entries if id(e) not in placed]
        return Journal(weeks, outside)

    def test(self, proto: Prototype, index: int) -> TestView:
        test = proto.tests[index]
        pictures, downloads = self.pictures(test.media, source_of(proto))
        return TestView(
            date=self.t.date(test.date),
            iso=test.date.isoformat(),
            place=self.typo(test.place),
            participants=self.typo(test.participants),
            protocol=self.md(test.protocol, 6, self.typo(proto.title)),
            observations=self.md(test.observations, 6, self.typo(proto.title)),
            learnings=self.md(test.learnings, 6, self.typo(proto.title)),
            decision=test.decision,
            decision_label=self.decision_labels()[test.decision],
            pictures=pictures,
            downloads=downloads,
        )

    def handover(self, proto: Prototype) -> HandoverView | None:
        if proto.handover is None:
            return None
        link = Link(f"#prototype-{proto.id}", self.typo(proto.title))
        return HandoverView(
            link,
            self.actor_names(proto.handover.to),
            self.date(proto.handover.date),
            self.md(proto.handover.conditions, 5, self.typo(proto.title)),
        )

    def projects(self) -> Projects:
        stage_steps = {
            s: i + 1 for i, s in enumerate(("idea", "sketch", "mock-up", "live-test", "adopted"))
        }
        fidelities = {
            "low": self.gettext("low fidelity"),
            "medium": self.gettext("medium fidelity"),
            "high": self.gettext("high fidelity"),
        }
        views = []
        for proto in self.r.prototypes:
            pictures, downloads = self.pictures(proto.media, source_of(proto))
            entries = [self.entry_link(e) for e in self.entries if proto.id in e.prototypes]
            tests = [
                self.test(proto, i)
                for i in sorted(range(len(proto.tests)), key=lambda i: proto.tests[i].date)
            ]
            views.append(
                PrototypeView(
                    anchor=f"prototype-{proto.id}",
                    title=self.typo(proto.title),
                    hypothesis=self.typo(proto.hypothesis),
                    problem=self.md(proto.problem, 4, self.typo(proto.title)),
                    stage=proto.stage,
                    stage_label=self.stages[proto.stage],
                    stage_step=stage_steps.get(proto.stage, 0),
                    steps=[self.stages[s] for s in stage_steps],
                    fidelity=fidelities.get(proto.fidelity or "", ""),
                    created=self.date(proto.created),
                    team=self.member_names(proto.team),
                    actors=self.actor_names(proto.actors),
                    methods=[link for link in map(self.method_link, proto.methods) if link],
                    entries=entries,
                    pictures=pictures,
                    downloads=downloads,
                    tests=tests,
                    handover=self.handover(proto),
                )
            )
        scenarios = [
            ScenarioView(
                anchor=f"scenario-{s.id}",
                title=self.typo(s.title),
                persona=self.typo(s.persona),
                today=self.md(s.today, 5, self.typo(s.title)),
                tomorrow=self.md(s.tomorrow, 5, self.typo(s.title)),
                steps=[self.typo(step) for step in s.steps],
                actors=self.actor_names(s.actors),
                prototypes=[link for link in map(self.proto_link, s.prototypes) if link],
            )
            for s in self.r.scenarios
        ]
        funnel = None
        svg = render_funnel_svg(self.r, self.t)
        if svg:
            head = [self.gettext("Stage"), self.gettext("Prototypes")]
            rows = [
                [
                    self.stages[s],
                    self.join([self.typo(p.title) for p in self.r.prototypes if p.stage == s])
                    or "—",
                ]
                for s in (*stage_steps, "abandoned")
            ]
            funnel = Chart(
                Markup(svg),
                self.gettext("From idea to adoption: how many prototypes reached each stage."),
                self.gettext("Prototypes by stage"),
                head,
                rows,
            )
        return Projects(funnel, views, scenarios)

    def next(self) -> Next:
        handovers = [h for h in map(self.handover, self.r.prototypes) if h]
        pending = [
            Link(f"#prototype-{p.id}", self.typo(p.title), self.stages[p.stage])
            for p in self.r.prototypes
            if p.handover is None and p.stage != "abandoned"
        ]
        visits = [
            FollowUpView(
                self.t.date(v.date), v.date.isoformat(), self.typo(v.by), self.md(v.observations, 5)
            )
            for v in sorted(self.res.follow_ups, key=lambda v: v.date)
        ]
        return Next(handovers, pending, visits)

    def methods(self) -> Methods:
        phases = phase_labels(self.t)
        cards = []
        for method in self.r.methods:
            cites = citations(method, self.entries, self.r.prototypes)
            used = {link.href: link for link in map(self.entry_link, cites.entries)}
            for proto in cites.prototypes:
                used[f"#prototype-{proto.id}"] = Link(
                    f"#prototype-{proto.id}", self.typo(proto.title), self.gettext("prototype")
                )
            more = (
                Link("#immersion", more_entries(self.t, cites.left_out)) if cites.left_out else None
            )
            licence = licence_of(method.license or self.res.license, self.t)
            cards.append(
                MethodCard(
                    anchor=f"method-{method.id}",
                    title=self.typo(method.title),
                    summary=self.md(method.summary, 4, self.typo(method.title)),
                    purpose=self.md(method.purpose, 5, self.typo(method.title)),
                    phase=phases.get(method.phase or "", ""),
                    duration=self.typo(method.duration),
                    participants=self.typo(method.participants),
                    materials=[self.typo(m) for m in method.materials],
                    steps=[self.typo(s) for s in method.steps],
                    tips=[self.typo(s) for s in method.tips],
                    used_in=list(used.values()),
                    used_more=more,
                    authors=self.join([self.typo(a) for a in method.authors]),
                    source=self.typo((method.source or "").rstrip(". ")),
                    license=Link(licence.url, licence.name, licence.spdx),
                )
            )
        return Methods(cards)

    def credits(self) -> Credits:
        members = [self.member(m.id) for m in self.res.team]
        credits: Counter[str] = Counter()
        for item in self._all_media():
            if item.credit and item.file in self.assets:
                credits[self.typo(item.credit)] += 1
        photo_credits = [
            (who, self.t.ngettext("{n} picture", "{n} pictures", n))
            for who, n in sorted(credits.items())
        ]
        licence = licence_of(self.res.license, self.t)
        authors = self.join([self.typo(m.name) for m in self.res.team])
        year = str(self.res.weeks[-1].end.year)
        source = self.gettext(
            "residency folder “{id}”, {host}, {year}",
            id=self.res.id,
            host=self.typo(self.res.host),
            year=year,
        )
        attribution = self.gettext(
            "“{title}” by {authors}, {source}, is published under the licence {licence}.",
            title=self.typo(self.res.title),
            authors=authors,
            source=source,
            licence=licence.name,
        )
        fonts = self.gettext(
            "Set in Literata, Instrument Serif and Instrument Sans (SIL Open Font License 1.1)."
        )
        generator = self.gettext("Made with residence {version}.", version=__version__)
        return Credits(
            members,
            self.typo(self.res.host),
            [self.typo(p) for p in self.res.partners],
            photo_credits,
            licence,
            attribution,
            self.typo(self.res.title),
            authors,
            source,
            year,
            fonts,
            generator,
        )

    def json_ld(self) -> Markup:
        res = self.res
        licence = licence_of(res.license, self.t, deed=False)
        place = ", ".join(x for x in (res.site, res.territory) if x)
        about = res.theme or to_plain_text(res.question)
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "CreativeWork",
            "name": res.title,
            "author": [{"@type": "Person", "name": m.name} for m in res.team],
            "license": licence.url or licence.spdx,
            "inLanguage": self.lang,
            "about": about,
            "dateCreated": res.weeks[0].start.isoformat(),
            "spatialCoverage": {"@type": "Place", "name": place},
            "sourceOrganization": {"@type": "Organization", "name": res.host},
        }
        if res.keywords:
            data["keywords"] = ", ".join(res.keywords)
        return _json_ld(data)

    def nav(self, ctx: dict[str, object]) -> list[Link]:
        links = [
            Link("#summary", self.gettext("At a glance")),
            Link("#question", self.gettext("The question")),
            Link("#site", self.gettext("The site and its people")),
            Link("#team", self.gettext("The team and its method")),
            Link("#immersion", self.gettext("The immersion")),
        ]
        projects = ctx["projects"]
        assert isinstance(projects, Projects)
        if projects.prototypes or projects.scenarios:
            links.append(Link("#projects", self.gettext("From vision to projects")))
        nxt = ctx["next"]
        assert isinstance(nxt, Next)
        if nxt.handovers or nxt.follow_ups or nxt.pending:
            links.append(Link("#next", self.gettext("And then?")))
        methods = ctx["methods"]
        assert isinstance(methods, Methods)
        if methods.cards:
            links.append(Link("#methods", self.gettext("Methods")))
        links.append(Link("#credits", self.gettext("Credits and licence")))
        return links

    def build(self, stylesheets: list[str]) -> ReportContext:
        parts: dict[str, object] = {
            "cover": self.cover(),
            "summary": self.summary(),
            "question": self.question(),
            "site": self.site(),
            "team": self.team(),
            "journal": self.journal(),
            "projects": self.projects(),
            "next": self.next(),
            "methods": self.methods(),
            "credits": self.credits(),
        }
        description = to_plain_text(self.res.question, lang=self.lang).split("\n")
        first = next((d for d in description if "?" in d), description[0] if description else "")
        return ReportContext(
            lang=self.lang,
            edition="public" if self.public else "team",
            team_edition=not self.public,
            band=self.gettext("Internal document — do not distribute") if not self.public else "",
            title=self.typo(self.res.title),
            description=first[:300],
            keywords=", ".join(self.res.keywords),
            accent=accent_palette(self.res.accent),
            json_ld=self.json_ld(),
            nav=self.nav(parts),
            stylesheets=stylesheets,
            **parts,  # type: ignore[arg-type]
        )


def build_context(
    residency: Residency,
    t: Translator,
    assets: Mapping[str, Asset],
    *,
    stylesheets: list[str] | None = None,
    map_thumbnail: str | None = None,
    actor_map: str | None = None,
) -> tuple[ReportContext, list[Problem]]:
    """Return the report's context and the warnings met (pictures left out, and why).

    ``assets`` maps each media path of the YAML to its published copy (images.py); a media
    item without one is not shown. ``map_thumbnail`` is the href of the actor map as a file,
    ``actor_map`` its SVG when already drawn (drawing it is slow).
    """
    builder = _Builder(residency, t, assets, map_thumbnail, actor_map)
    context = builder.build(stylesheets or [])
    return context, builder.problems


__all__ = [
    "ReportContext",
    "accent_palette",
    "build_context",
    "contrast",
    "demote",
    "licence_of",
    "media_files",
]

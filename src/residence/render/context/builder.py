# SPDX-License-Identifier: EUPL-1.2
"""What every section builder shares: the :class:`Builder` of one report and its helpers.

A :class:`Builder` holds the residency as published, the translator, the published media
and the warnings met; its methods typeset text, render Markdown, name people and link to
entries, prototypes and methods. Each section of the report is built by a function of its
own module (``opening``, ``journal``, ``projects``, ``method_cards``, ``closing``) that
takes the builder. Markdown is rendered once per text (:func:`markdown_html`): ``residence
serve`` builds the report again at each save, and most texts did not change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import PurePosixPath

from markupsafe import Markup, escape

from residence.errors import Problem
from residence.i18n import Translator
from residence.licences import licence
from residence.models import Entry, Media, Published
from residence.render.anchors import entry_anchors
from residence.render.charts import kind_labels, stage_labels
from residence.render.context.views import Download, LicenceView, Link, MemberView, Picture
from residence.render.images import Asset
from residence.render.markdown import render_markdown, typography

_HEADING_RE = re.compile(r"<(/?)h([3-6])>")
#: How many Markdown texts :func:`markdown_html` remembers (a large residency's every text).
MARKDOWN_MEMO = 8192


@lru_cache(maxsize=MARKDOWN_MEMO)
def markdown_html(text: str, lang: str) -> Markup:
    """Return render_markdown's HTML of a text, remembered: the same text and language
    always give the same HTML."""
    return render_markdown(text, lang=lang)


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


def licence_of(spdx: str, t: Translator, *, deed: bool = True) -> LicenceView:
    """Return a licence as the report shows it: its name translated, and its URL (for
    Creative Commons, the deed in the reader's language unless ``deed`` is False).

    An SPDX id that :mod:`residence.licences` does not know is shown as is, without a link.
    """
    found = licence(spdx)
    if not found.known:
        return LicenceView(spdx, t.gettext(spdx), "")
    url = found.deed_url(t.language) if deed else found.url
    return LicenceView(spdx, t.gettext(found.title), url)


def file_size(n: int, t: Translator) -> str:
    """Return the size of a download as the report shows it: "240 KB", "1.2 MB"."""
    from babel.numbers import format_decimal

    if n < 1024 * 1024:
        return t.gettext("{n} KB", n=format_decimal(max(1, round(n / 1024)), locale=t.language))
    return t.gettext("{n} MB", n=format_decimal(round(n / 1024 / 1024, 1), locale=t.language))


# -- the builder -----------------------------------------------------------------------------


class Builder:
    """Builds the context of one report; collects the warnings met on the way."""

    def __init__(
        self,
        residency: Published,
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
        # The gate left out what the edition must not show: every entry here is shown.
        self.entries = residency.entries
        self.kinds = kind_labels(t)
        self.stages = stage_labels(t)
        #: id(entry) -> its anchor, "entry-<journal file name>" (see render/anchors.py).
        self.entry_anchor: dict[int, str] = {
            id(entry): anchor
            for entry, anchor in zip(self.entries, entry_anchors(self.entries), strict=True)
        }

    # -- text

    def typo(self, text: str | None) -> str:
        return typography(text or "", self.lang)

    def md(self, text: str | None, level: int = 3, where: str = "") -> Markup:
        """Return safe HTML for Markdown: headings under ``level``, tables with a caption."""
        html = demote(markdown_html(text or "", self.lang), level)
        return caption_tables(html, self.gettext("Table: {where}", where=where or self.title))

    def date(self, value: dt.date | None) -> str:
        return self.t.date(value) if value else ""

    def gettext(self, message: str, **values: object) -> str:
        return self.t.gettext(message, **values)

    def interval(self, start: dt.date, end: dt.date) -> str:
        from babel.dates import format_interval

        return format_interval(start, end, "yMMMMd", locale=self.lang)

    def join(self, items: list[str]) -> str:
        from babel.lists import format_list

        return format_list(items, locale=self.lang) if items else ""

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

    def decision_labels(self) -> dict[str, str]:
        return {
            "iterate": self.gettext("iterate"),
            "adopt": self.gettext("adopt"),
            "abandon": self.gettext("abandon"),
            "continue": self.gettext("continue"),
        }

    # -- media

    def pictures(self, items: Iterable[Media], where: str) -> tuple[list[Picture], list[Download]]:
        """Return the pictures and downloads of media items that were published; warn
        (at ``where``, the file that lists them) about a picture left out for want of alt text."""
        pictures: list[Picture] = []
        downloads: list[Download] = []
        for item in items:
            asset = self.assets.get(item.file)
            if asset is None:
                continue  # left out by the privacy gate or by images.py, which said why
            if asset.kind == "pdf":
                label = self.typo(item.caption or PurePosixPath(item.file).name)
                details = self.gettext("PDF, {size}", size=file_size(asset.size, self.t))
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

    def all_media(self) -> list[Media]:
        """Return the media items of the entries shown and of the prototypes and tests."""
        found: list[Media] = []
        for entry in self.entries:
            found += entry.media
        for proto in self.r.prototypes:
            found += proto.media
            for test in proto.tests:
                found += test.media
        return found

# SPDX-License-Identifier: EUPL-1.2
"""The report as office documents: report.docx (Word) and report.odt (LibreOffice, OpenDocument).

Both are made by pandoc from the rendered report of the published residency, the same
edition as the HTML and the PDF (``render_html(published)``, ``published`` being what
``select_edition`` returned): same sections, same words, same pictures, in the report's
language. :mod:`.page` turns the report's page into what pandoc reads (drawings as PNG,
photos inside the page, headings one level up); :mod:`.pandoc` runs pandoc in a sandbox;
the reference documents of templates/office/ (made by :mod:`.reference`) give the report's
fonts, headings and accent colour, A4 pages, page numbers and, for a team edition, the
band on every page.

Then what pandoc does not say is added:

- the document's properties: title, authors, subject (the question), keywords, language,
  description (how to credit the work, with its licence), the licence itself ("rights", a
  custom property of the docx, a user-defined field of the ODT), and the build time
  (``residence.clock.build_time``: SOURCE_DATE_EPOCH when set) as the dates of creation
  and change — pandoc's sandbox leaves them at 1970;
- in the ODT, each picture's alternative text (``svg:title`` and ``svg:desc`` of its frame),
  which pandoc's ODT writer leaves out (its docx writer sets ``wp:docPr descr``);
- the residency's accent colour, in place of the default one in the reference document.

The zip entries carry pandoc's fixed date, so the same residency and build time give the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from residence.errors import Problem
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.models import Published
    from residence.render.html import RenderedReport
    from residence.render.office.page import Drawing, Rasteriser, Styles

_ = messages("office")

#: The office formats, in the order they are made.
OFFICE_FORMATS = ("docx", "odt")
#: The language of the document's text, as office suites spell it (spelling, hyphenation).
LANGUAGE_TAGS = {"fr": "fr-FR", "en": "en-GB"}
#: The width of the text of an A4 page with 2.5 cm margins, in twentieths of a point.
FIGURE_TWIPS = 9070
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


@dataclass
class RenderedOffice:
    """The office documents made (format -> bytes) and what was met making them."""

    documents: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def literal(text: str) -> str:
    """Return text that pandoc's Markdown reads back as itself (its metadata file is
    Markdown): every ASCII punctuation escaped, white space on one line."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def office_metadata(published: Published, when: dt.datetime, subtitle: str = "") -> dict[str, Any]:
    """Return pandoc's metadata of the report: what the document says about itself."""
    from residence.render.band import edition_band
    from residence.render.pdf.metadata import pdf_info

    info = pdf_info(published, when)
    band = edition_band(published)
    rights = f"{info.licence_spdx} ({info.licence_url})" if info.licence_url else info.licence_spdx
    meta: dict[str, Any] = {
        "title": literal(info.title),
        "author": [literal(a) for a in info.authors],
        "lang": LANGUAGE_TAGS.get(info.language, info.language),
        "subject": literal(info.subject),
        "description": literal(f"{band}. {info.attribution}" if band else info.attribution),
        "keywords": [literal(k) for k in info.keywords],
        "rights": literal(rights),
    }
    if subtitle:
        meta["subtitle"] = literal(subtitle)
    return {k: v for k, v in meta.items() if v}


def styled_reference(to: str, accent: str | None, band: str) -> bytes:
    """Return the reference document of a format with the residency's accent colours and
    the band (or nothing) in its header."""
    from residence.render.context.colours import accent_palette
    from residence.render.office.reference import BAND_MARK, DEFAULT_PALETTE, read_zip, write_zip
    from residence.resources import templates_dir

    entries = read_zip((templates_dir() / "office" / f"reference.{to}").read_bytes())
    palette = accent_palette(accent)
    swaps: dict[str, str] = {}
    for key, default in DEFAULT_PALETTE.items():
        if key == "on_accent":
            continue
        swaps[default.lower()] = palette[key].lower()  # ODF: #rrggbb
        swaps[default.lstrip("#").upper()] = palette[key].lstrip("#").upper()  # docx: RRGGBB
    colours = re.compile("|".join(re.escape(k) for k in sorted(swaps, key=len, reverse=True)))
    for name in ("word/styles.xml", "word/header1.xml", "styles.xml"):
        if name not in entries:
            continue
        text = entries[name].decode("utf-8")
        text = colours.sub(lambda m: swaps[m.group(0)], text)
        text = text.replace(BAND_MARK, escape(band, quote=False))
        entries[name] = text.encode("utf-8")
    return write_zip(entries)


def render_office(
    report: RenderedReport,
    published: Published,
    formats: Iterable[str] = OFFICE_FORMATS,
    *,
    when: dt.datetime | None = None,
    rasterise: Rasteriser | None = None,
) -> RenderedOffice:
    """Make the office documents of a published residency's rendered report.

    ``report`` comes from ``render_html(published)``. ``rasterise`` draws the SVG drawings
    as PNG (by default WeasyPrint and PDFium: :func:`.raster.svgs_to_png`). Nothing is
    written. Raises ResidenceError when pandoc fails.
    """
    from residence.clock import build_time
    from residence.models import Published
    from residence.render.band import edition_band
    from residence.render.office.page import office_page
    from residence.render.office.pandoc import run_pandoc
    from residence.render.office.reference import read_zip, write_zip

    if not isinstance(published, Published):
        raise TypeError("render_office takes the result of select_edition(), not a raw residency")
    wanted = [f for f in OFFICE_FORMATS if f in set(formats)]
    result = RenderedOffice()
    if not wanted:
        return result
    when = when or build_time()
    if rasterise is None:
        rasterise = partial(_draw, assets=report.assets)
    page = office_page(_with_chart_styles(report), report.assets, rasterise)
    metadata = office_metadata(published, when, page.subtitle)
    res = published.residence
    accent = res.accent if res is not None else None
    band = edition_band(published)
    references = {to: styled_reference(to, accent, band) for to in wanted}
    # One pandoc per format, side by side: each is a process of its own.
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        made = {
            to: pool.submit(run_pandoc, page.html, to, references[to], metadata) for to in wanted
        }
    for to in wanted:
        data, warnings = made[to].result()
        entries = read_zip(data)
        if to == "docx":
            _finish_docx(entries, when)
        else:
            _finish_odt(entries, when, page.images)
        result.documents[to] = write_zip(entries)
        result.problems.extend(
            Problem(f"report.{to}", None, None, "warning", "pandoc", warning)
            for warning in warnings
        )
    return result


def _with_chart_styles(report: RenderedReport) -> str:
    """Return the report's page with the charts' styles inside each chart, as the PDF has
    them (drawn on their own, the charts do not see the page's style sheets)."""
    from residence.render.pdf.page import chart_styles, with_chart_styles

    sheets = [
        content.decode("utf-8", "replace")
        if isinstance(content, bytes)
        else content.read_text("utf-8", errors="replace")
        for rel, content in report.assets.items()
        if rel.endswith(".css") and "/fonts/" not in rel
    ]
    return with_chart_styles(report.html, chart_styles(report.html, sheets))


def _draw(
    drawings: Sequence[Drawing], styles: Styles, *, assets: Mapping[str, bytes | Path]
) -> list[tuple[bytes, int, int]]:
    from residence.render.office.raster import svgs_to_png

    return [(p.png, p.width, p.height) for p in svgs_to_png(drawings, styles, assets)]


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _finish_docx(entries: dict[str, bytes], when: dt.datetime) -> None:
    """Date the docx's properties with the build time; start the licence on a page."""
    from residence.render.office.page import LICENCE_ID

    document = entries.get("word/document.xml")
    if document is not None:
        text = document.decode("utf-8")
        # pandoc puts a heading's bookmark before its paragraph, or inside it
        mark = rf'<w:bookmarkStart w:id="\d+" w:name="{LICENCE_ID}" />'
        heading = r'<w:p><w:pPr><w:pStyle w:val="Heading\d" />'
        text = re.sub(
            rf"({mark}\s*{heading}|{heading}(?=</w:pPr>{mark}))",
            r"\g<1><w:pageBreakBefore />",
            text,
            count=1,
        )
        # pandoc names each picture by its source: a data: URI, the picture a second time
        text = re.sub(r'(<pic:cNvPr\b[^>]*?) descr="data:[^"]*"', r'\g<1> descr=""', text)
        # a figure is a table of one cell, 14 cm wide: as wide as the text (16 cm), so
        # that a picture as wide as the text is not cut
        text = re.sub(
            r'(<w:tblStyle w:val="FigureTable" />(?:(?!<w:tbl>).)*?<w:tblGrid><w:gridCol w:w=")'
            r'\d+(" /></w:tblGrid>)',
            rf"\g<1>{FIGURE_TWIPS}\g<2>",
            text,
        )
        entries["word/document.xml"] = text.encode("utf-8")
    core = entries.get("docProps/core.xml")
    if core is None:
        return
    text = core.decode("utf-8")
    for tag in ("dcterms:created", "dcterms:modified"):
        text = re.sub(
            rf"(<{tag}\b[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{_stamp(when)}\g<2>", text, count=1
        )
    entries["docProps/core.xml"] = text.encode("utf-8")


def _finish_odt(entries: dict[str, bytes], when: dt.datetime, images: Sequence[Any]) -> None:
    """Date the ODT's properties with the build time; give its pictures their words."""
    meta = entries.get("meta.xml")
    if meta is not None:
        text = meta.decode("utf-8")
        for tag in ("meta:creation-date", "dc:date"):
            text = re.sub(rf"(<{tag}>)[^<]*(</{tag}>)", rf"\g<1>{_stamp(when)}\g<2>", text)
        entries["meta.xml"] = text.encode("utf-8")
    content = entries.get("content.xml")
    if content is not None:
        from residence.render.office.page import LICENCE_ID
        from residence.render.office.reference import LICENCE_HEADING

        text = _odt_alt_texts(content.decode("utf-8"), entries, images)
        text = re.sub(
            rf'<text:h text:style-name="[^"]*"(?= text:outline-level="\d+">'
            rf'<text:bookmark-start text:name="{LICENCE_ID}" />)',
            f'<text:h text:style-name="{LICENCE_HEADING}"',
            text,
            count=1,
        )
        entries["content.xml"] = text.encode("utf-8")


_FRAME = re.compile(
    r'(<draw:frame\b[^>]*>)(<draw:image\b[^>]*xlink:href="([^"]+)"[^>]*?(?:/>|>.*?</draw:image>))',
    re.S,
)


def _odt_alt_texts(content: str, entries: dict[str, bytes], images: Sequence[Any]) -> str:
    """Add svg:title and svg:desc to each picture's frame, found by the picture's bytes
    (in order, so that the same picture used twice keeps each place's words)."""
    waiting: dict[str, list[Any]] = {}
    for image in images:
        waiting.setdefault(hashlib.sha256(image.png_or_jpeg).hexdigest(), []).append(image)

    def words(match: re.Match[str]) -> str:
        data = entries.get(match.group(3))
        queue = waiting.get(hashlib.sha256(data).hexdigest()) if data is not None else None
        if not queue:
            return match.group(0)
        image = queue.pop(0)
        title = escape(image.title or image.alt)
        desc = escape(image.alt)
        added = (f"<svg:title>{title}</svg:title>" if title else "") + (
            f"<svg:desc>{desc}</svg:desc>" if desc else ""
        )
        return match.group(1) + match.group(2) + added

    return _FRAME.sub(words, content)

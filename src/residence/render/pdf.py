"""The print-quality PDF: the HTML report laid out on A4 pages by WeasyPrint.

The PDF is made from the same page as ``report.html`` (the result of ``render_html`` on the
published residency), with ``templates/report/print.css`` added for the page furniture:
running headers, "page x / y", the contents with page numbers, chapters on new pages.

Everything WeasyPrint reads goes through :class:`~residence.render.fetcher.SafeFetcher`:
the report's own files (in memory), the package's templates and the residency's ``theme/``
folder, nothing else: no network, no file outside, no device. What it refuses is returned as
warnings that name the file and line that asked for it.

The PDF carries its metadata (title, authors, subject, keywords, language, dates) and the
licence in XMP (``xmpRights``, ``cc:license``), and is tagged for screen readers. Two
variants: ``pdf/ua-1`` (the default: accessible, what a public body must publish) and
``pdf/a-3u`` (for archives: the published YAML sources are attached).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import itertools
import logging
import os
import re
import stat
import tempfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

from residence import __version__
from residence.cycles import no_cycle_collection
from residence.errors import Problem, ResidenceError
from residence.fsutil import write_atomic
from residence.models import Residency
from residence.render.fetcher import SafeFetcher, refusal_problems
from residence.resources import templates_dir

if TYPE_CHECKING:
    from weasyprint import HTML, Document

    from residence.render.html import RenderedReport

#: (what is being done, fraction done from 0 to 1)
ProgressCallback = Callable[[str, float], None]

VARIANTS = ("pdf/ua-1", "pdf/a-3u")
#: PDF/UA-1: tagged, titled, with its language: what accessibility rules ask of a document a
#: public body publishes. PDF/A-3u is for the archive, on request.
DEFAULT_VARIANT = "pdf/ua-1"
PRINT_CSS = "print.css"
PRINT_HREF = "assets/print.css"
#: Print resolution: photos printed small are downsampled to this (pixels per inch).
PRINT_DPI = 300
THEME_FOLDER = "theme"
CACHE_FOLDER = ".residence/cache"
SRGB = "residence-srgb"

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "cc": "http://creativecommons.org/ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)

_WEASY_STEPS = {
    "1": ("Reading the page", 0.10),
    "2": ("Reading the style sheets", 0.15),
    "3": ("Applying the styles", 0.20),
    "4": ("Building the boxes", 0.30),
    "5": ("Laying out the pages", 0.40),
    "6": ("Writing the PDF", 0.85),
    "7": ("Writing the metadata", 0.95),
}


@dataclass
class RenderedPdf:
    """A rendered PDF: its bytes, its page count and the warnings met."""

    data: bytes
    pages: int
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PdfInfo:
    """What the PDF says about itself (Info dictionary and XMP)."""

    title: str
    authors: list[str]
    subject: str
    keywords: list[str]
    language: str
    licence_spdx: str
    licence_url: str
    attribution: str
    created: dt.datetime


# -- metadata --------------------------------------------------------------------------------


def build_time() -> dt.datetime:
    """Return the render time: SOURCE_DATE_EPOCH when set (UTC), else now (UTC)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ResidenceError(
            f"SOURCE_DATE_EPOCH='{value}' is not a date: it should be a whole number of "
            "seconds since 1970-01-01 (for example the output of: git log -1 --format=%ct)",
            usage=True,
        ) from None


def pdf_info(published: Residency, when: dt.datetime | None = None) -> PdfInfo:
    """Return the metadata of the report's PDF, from the published residency."""
    from residence.i18n import translator
    from residence.render.context import licence_of
    from residence.render.markdown import to_plain_text

    res = published.residence
    if res is None:
        raise ValueError("a residency without residence.yaml cannot be rendered")
    t = translator(published.language, "report")
    licence = licence_of(res.license, t, deed=False)
    authors = [m.name for m in res.team]
    subject = " ".join(to_plain_text(res.question).split())
    year = res.weeks[-1].end.year if res.weeks else (when or build_time()).year
    attribution = f"“{res.title}”, {', '.join(authors)}, {res.host}, {year}. {licence.name}"
    if licence.url:
        attribution += f" ({licence.url})"
    return PdfInfo(
        title=res.title,
        authors=authors,
        subject=subject,
        keywords=list(dict.fromkeys([*res.keywords, *([res.theme] if res.theme else [])])),
        language=published.language,
        licence_spdx=res.license,
        licence_url=licence.url,
        attribution=attribution,
        created=when or build_time(),
    )


def licence_xmp(info: PdfInfo) -> list[Element]:
    """Return the rdf:Description elements that state the licence (Creative Commons XMP)."""
    rdf = NS["rdf"]
    marked = Element(f"{{{rdf}}}Description", {f"{{{rdf}}}about": ""})
    flag = SubElement(marked, f"{{{NS['xmpRights']}}}Marked")
    flag.text = "True"
    if info.licence_url:
        SubElement(marked, f"{{{NS['xmpRights']}}}WebStatement").text = info.licence_url
        SubElement(marked, f"{{{NS['cc']}}}license", {f"{{{rdf}}}resource": info.licence_url})
    usage = SubElement(marked, f"{{{NS['xmpRights']}}}UsageTerms")
    alt = SubElement(usage, f"{{{rdf}}}Alt")
    li = SubElement(alt, f"{{{rdf}}}li", {"xml:lang": "x-default"})
    li.text = info.attribution
    rights = SubElement(marked, f"{{{NS['dc']}}}rights")
    alt = SubElement(rights, f"{{{rdf}}}Alt")
    li = SubElement(alt, f"{{{rdf}}}li", {"xml:lang": "x-default"})
    li.text = info.attribution
    language = SubElement(marked, f"{{{NS['dc']}}}language")
    bag = SubElement(language, f"{{{rdf}}}Bag")
    SubElement(bag, f"{{{rdf}}}li").text = info.language
    if info.keywords:
        subject = SubElement(marked, f"{{{NS['dc']}}}subject")
        bag = SubElement(subject, f"{{{rdf}}}Bag")
        for keyword in info.keywords:
            SubElement(bag, f"{{{rdf}}}li").text = keyword
    return [marked]


def _metadata_class() -> type:
    from weasyprint.pdf.metadata import DocumentMetadata

    class _Metadata(DocumentMetadata):  # type: ignore[misc]
        """WeasyPrint's metadata with the licence added inside its one rdf:RDF element."""

        extra_rdf: list[Element]

        def generate_rdf_metadata(self, variant: Any, version: Any, conformance: Any) -> bytes:
            data: bytes = super().generate_rdf_metadata(variant, version, conformance)
            root = fromstring(data)
            for element in self.extra_rdf:
                root.append(element)
            result: bytes = tostring(root, encoding="utf-8")
            return result

    return _Metadata


def _apply_metadata(document: Document, info: PdfInfo) -> None:
    """Replace the document's metadata (taken from <head>) with the residency's."""
    created = info.created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = _metadata_class()(
        title=info.title,
        authors=info.authors,
        description=info.subject,
        keywords=info.keywords,
        generator=f"residence {__version__}",
        created=created,
        modified=created,
        attachments=[],  # only the attachments chosen here (PDF/A-3u sources) are embedded
        lang=info.language,
    )
    metadata.extra_rdf = licence_xmp(info)
    document.metadata = metadata


def _finisher(variant: str | None) -> Callable[[Any, Any], None]:
    """Return the finisher that adds what WeasyPrint leaves out (XMP without a variant)."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        if "Metadata" not in pdf.catalog:
            document.metadata.include_in_pdf(pdf, None, None, None, compress=True)
        preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        preferences["DisplayDocTitle"] = "true"
        pdf.catalog["ViewerPreferences"] = preferences
        pdf.catalog["PageLayout"] = "/OneColumn"
        mend_definition_lists(pdf)

    return finish


def mend_definition_lists(pdf: Any) -> int:
    """Tag each row of a ``<dl>`` as a list item: its term a label, its definition a body.

    WeasyPrint 70 tags ``<dl>`` as a list (L) and each ``<dt>`` and ``<dd>`` as an item of
    its own, but the ``<div>`` that groups a term with its definition (as the report's facts
    and attribution blocks do, for their layout) as a division: a list holding divisions,
    which PDF/UA forbids. Each such row (a division holding two items) becomes the item,
    its term the item's label (Lbl) and its definition the item's body (LBody), as PDF
    tags a term and its definition; what WeasyPrint had put inside each is kept as a group
    (NonStruct). Only structure names change: no content, no page, no link. Returns the
    number of rows mended.
    """
    import pydyf

    objects = getattr(pdf, "objects", None)
    if not isinstance(objects, list):
        return 0

    def element(reference: object) -> Any:
        if not isinstance(reference, bytes) or not reference.endswith(b" R"):
            return None
        try:
            found = objects[int(reference.split()[0])]
        except (ValueError, IndexError):
            return None
        ok = isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem"
        return found if ok else None

    def only_body(item: Any) -> Any:
        kids = [element(kid) for kid in item.get("K", ())]
        if len(kids) == 1 and kids[0] is not None and kids[0].get("S") == "/LBody":
            return kids[0]
        return None

    mended = 0
    for candidate in objects:
        if not isinstance(candidate, pydyf.Dictionary) or candidate.get("S") != "/L":
            continue
        for row in map(element, candidate.get("K", ())):
            if row is None or row.get("S") != "/Div":
                continue
            items = [element(kid) for kid in row.get("K", ())]
            if len(items) != 2 or any(i is None or i.get("S") != "/LI" for i in items):
                continue
            bodies = [only_body(item) for item in items]
            if None in bodies:
                continue
            row["S"] = "/LI"
            items[0]["S"], items[1]["S"] = "/Lbl", "/LBody"
            for body in bodies:
                body["S"] = "/NonStruct"
            mended += 1
    return mended


def _output_intent(document: Document, variant: str) -> dict[str, str]:
    """Give a PDF/A its sRGB output intent (WeasyPrint 70's own leaves its file open)."""
    if not variant.startswith("pdf/a"):
        return {}
    from importlib.resources import files

    from weasyprint.css import ColorProfile

    icc = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    document.color_profiles[SRGB] = ColorProfile(
        io.BytesIO(icc), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {"output_intent": SRGB}


# -- sources attached to a PDF/A-3 -----------------------------------------------------------


def attached_sources(published: Residency) -> dict[str, bytes]:
    """Return the YAML sources a PDF/A-3u carries: the published ones, never private/."""
    from residence.serialize import serialize_residency

    return {
        path: data
        for path, data in serialize_residency(published).items()
        if not path.startswith("private/")
    }


def _attachments(published: Residency, when: dt.datetime, fetcher: SafeFetcher) -> list[Any]:
    from weasyprint import Attachment

    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return [
        Attachment(
            string=data,
            name=path.replace("/", "_") if "/" in path else path,
            description=path,
            created=naive,
            modified=naive,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for path, data in attached_sources(published).items()
    ]


# -- fonts -----------------------------------------------------------------------------------

#: Bump when the fonts are prepared differently, so that old cached fonts are not reused.
FONT_VERSION = "3"
NARROW_NBSP = 0x202F
_FONTS: dict[str, bytes] = {}  # sha256 of a WOFF2 file -> its TrueType bytes (this process)


def _decompressed(data: bytes, cache_dir: Path | None) -> bytes:
    """Return the TrueType bytes of a WOFF2 font, decompressed once and cached.

    WeasyPrint decompresses WOFF2 fonts in pure Python at every render (a quarter of a second
    per font file); the report ships sixteen. The result is kept for the process and, when
    ``cache_dir`` is writable, on disk for the next run.
    """
    from fontTools.ttLib import woff2

    digest = hashlib.sha256(data).hexdigest()
    if digest in _FONTS:
        return _FONTS[digest]
    name = f"{digest[:32]}-{FONT_VERSION}.ttf"
    cached = cache_dir / "fonts" / name if cache_dir is not None else None
    if cached is not None:
        try:
            font = cached.read_bytes()
        except OSError:
            pass
        else:
            if font[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                _FONTS[digest] = font
                return font
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(data), out)
    font = _with_spaces(out.getvalue())
    _FONTS[digest] = font
    if cached is not None:
        try:
            write_atomic(cached, font)
        except OSError:
            pass  # a read-only folder: keep it in memory only
    return font


def _with_spaces(font: bytes) -> bytes:
    """Return a TrueType font that draws the spaces a French text puts around its marks.

    - U+202F, the narrow no-break space, which French typography puts before ; ! ? and the
      shipped fonts lack: without it, each one is drawn from whatever font the machine has
      (and that font is embedded), so the PDF would differ from one machine to the next. It
      is given the thin space's glyph, or the no-break space's.
    - The space and the no-break space, in the symbols font (Noto Sans Math's arrows and
      circles), which has none: a space next to an arrow or a bullet is sometimes drawn
      from the same font as the mark (a nested list's "◦ ", "→ " at the end of a line),
      and came out as an empty box. It is given an empty glyph a quarter of an em wide.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    tt = TTFont(io.BytesIO(font))
    cmap = tt.getBestCmap() or {}
    added: dict[int, str] = {}
    if 0x20 not in cmap and "glyf" in tt and "hmtx" in tt:
        name = "space" if "space" not in tt.getGlyphOrder() else "space.residence"
        tt.setGlyphOrder([*tt.getGlyphOrder(), name])
        tt["glyf"][name] = Glyph()  # no contour: nothing drawn
        tt["hmtx"][name] = (tt["head"].unitsPerEm // 4, 0)
        added = {0x20: name, 0xA0: name}
    glyph = cmap.get(0x2009) or cmap.get(0x00A0) or added.get(0xA0)
    if NARROW_NBSP not in cmap and glyph is not None:
        added[NARROW_NBSP] = glyph
    if not added:
        return font
    for table in tt["cmap"].tables:
        if table.isUnicode():
            for code, name in added.items():
                table.cmap.setdefault(code, name)
    out = io.BytesIO()
    tt.save(out)
    return out.getvalue()


def print_ready(
    virtual: Mapping[Path, bytes | Path], cache_dir: Path | None
) -> dict[Path, bytes | Path]:
    """Return the files of a render with every WOFF2 font replaced by its TrueType bytes."""
    ready: dict[Path, bytes | Path] = {}
    for path, content in virtual.items():
        if path.suffix == ".woff2":
            try:
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                if data[:4] == b"wOF2":
                    ready[path] = _decompressed(data, cache_dir)
                    continue
            except Exception:  # a damaged font: let WeasyPrint try (and warn)
                pass
        ready[path] = content
    return ready


# -- photos --------------------------------------------------------------------------------

#: The longest side of a photo in the PDF: 1300 px is 220 dpi across the whole text width
#: (150 mm), 300 dpi at 11 cm; photos printed smaller are brought down to 300 dpi by
#: WeasyPrint. A hundred phone photos (grainy ones: about 235 kB each) then keep even a
#: 1,500-entry report (4 MB of text) under 30 MB.
PRINT_MAX_PX = 1300
PRINT_JPEG_QUALITY = 72
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def _print_photo(data: bytes, cache_dir: Path | None) -> bytes | Path:
    """Return a photo sized for print (JPEG, at most PRINT_MAX_PX), cached by content.

    A photo in the cache is returned as its file, read when the PDF needs it: a hundred
    photos are not held in memory for the whole render.
    """
    digest = hashlib.sha256(data).hexdigest()[:32]
    name = f"{digest}-{PRINT_MAX_PX}-{PRINT_JPEG_QUALITY}.jpg"
    cached = cache_dir / "print" / name if cache_dir is not None else None
    if cached is not None and _usable_cache_file(cached):
        return cached
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= PRINT_MAX_PX and image.format == "JPEG":
            return data
        if image.mode in ("RGBA", "LA", "P") or image.format == "PNG":
            return data  # drawings and transparency: kept as they are (lossless)
        image.thumbnail((PRINT_MAX_PX, PRINT_MAX_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.convert("RGB").save(
            out, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True, progressive=False
        )
    result = out.getvalue()
    if cached is not None:
        try:
            write_atomic(cached, result)
            return cached
        except OSError:
            pass
    return result


def _usable_cache_file(path: Path) -> bool:
    """True for a regular, readable, non-empty file of our own: not a symbolic link (which
    could point out of the folder), not an empty file left by a copy or a sync tool."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size > 0 and os.access(path, os.R_OK)


def print_photos(
    virtual: Mapping[Path, bytes | Path], cache_dir: Path | None
) -> dict[Path, bytes | Path]:
    """Return the files of a render with the report's photos sized for print."""
    ready: dict[Path, bytes | Path] = {}
    for path, content in virtual.items():
        if path.parent.name == "media" and path.suffix.lower() in PHOTO_SUFFIXES:
            try:
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                ready[path] = _print_photo(data, cache_dir)
                continue
            except Exception:  # an unreadable picture: WeasyPrint will say so
                pass
        ready[path] = content
    return ready


# -- rendering -------------------------------------------------------------------------------


def print_stylesheet() -> Path:
    """Return the print style sheet shipped with the package."""
    return templates_dir() / "report" / PRINT_CSS


def _theme_print(root: Path) -> Path | None:
    """Return the residency's theme/print.css, if it has one inside the folder."""
    path = root / THEME_FOLDER / PRINT_CSS
    try:
        if path.is_file() and path.resolve().is_relative_to(root.resolve()):
            return path.resolve()
    except OSError:
        return None
    return None


def with_print_stylesheet(html: str, href: str = PRINT_HREF) -> str:
    """Return the page with the print style sheet linked last in <head> (it wins ties)."""
    link = f'<link rel="stylesheet" href="{href}" media="print">\n'
    index = html.lower().rfind("</head>")
    if index < 0:
        return link + html
    return html[:index] + link + html[index:]


_LIST_GAP = re.compile(r"(</li>|<[uo]l\b[^>]*>)\s+(?=<li\b|</[uo]l>)")
_DL = re.compile(r"<dl\b[^>]*>.*?</dl>", re.DOTALL)
_DL_GAP = re.compile(r"(</div>|</dt>|</dd>|<dl\b[^>]*>)\s+(?=<(?:div|dt|dd)\b|</dl>)")


def without_gaps_in_lists(html: str) -> str:
    """Return the page without the white space between the items (and rows) of its lists.

    In a list of blocks that space is nothing; in one laid out on a line (a prototype's
    facts, the summary's figures, on paper) WeasyPrint draws it and tags it as a span of the
    list, which may only hold items. The items are spaced by their margins. Only the space
    between tags goes: none inside an item.
    """
    html = _LIST_GAP.sub(r"\1", html)
    return _DL.sub(lambda match: _DL_GAP.sub(r"\1", match.group(0)), html)


#: The kind icons of the journal (a small <svg> before each entry's kind): the print style
#: sheet draws the kind's mark itself (``.chip.kind::before``) and hides them.
_KIND_ICON = re.compile(r'<svg class="kind-icon"[^>]*>.*?</svg>', re.DOTALL)


def paper_page(html: str) -> str:
    """Return the page as it is laid out on paper: without the white space between list
    items (``without_gaps_in_lists``) and without the screen's kind icons, which the print
    style sheet hides (parsed and styled for nothing: one in every entry)."""
    return _KIND_ICON.sub("", without_gaps_in_lists(html))


_VAR_RE = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)")
_SVG_OPEN_RE = re.compile(r'<svg\b[^>]*\bclass="[^"]*\bchart\b[^"]*"[^>]*>')


def _custom_properties(css: str) -> dict[str, str]:
    """Return the ``--name: value`` declarations of the :root rules of a style sheet."""
    found: dict[str, str] = {}
    for block in re.findall(r":root\s*\{([^}]*)\}", css):
        for name, value in re.findall(r"--([\w-]+)\s*:\s*([^;]+);?", block):
            found[name] = value.strip()
    return found


def _resolve(value: str, props: Mapping[str, str], depth: int = 0) -> str:
    if depth > 8 or "var(" not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        found = props.get(match.group(1))
        return found if found is not None else (match.group(2) or "").strip()

    return _resolve(_VAR_RE.sub(repl, value), props, depth + 1)


_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_CHART_SELECTOR_RE = re.compile(r"^\.chart(?=[\s.:#\[>+~]|$)")


def _rules(css: str) -> Iterator[tuple[str, str]]:
    """Yield (selectors, declarations) of the rules that apply in print, in order.

    A small scanner rather than a full CSS parser: the report's style sheets are plain, and
    this runs at every render. Rules inside ``@media`` blocks count only for ``print``.
    """
    css = _COMMENT_RE.sub("", css)
    stack: list[bool] = []  # for each open @-block: does it apply in print?
    position = 0
    while True:
        opening = css.find("{", position)
        closing = css.find("}", position)
        if closing >= 0 and (opening < 0 or closing < opening):
            if stack:
                stack.pop()  # the end of an @media block
            position = closing + 1
            continue
        if opening < 0:
            return
        prelude = css[position:opening].strip()
        if prelude.startswith("@"):
            media = prelude.lower()
            stack.append(
                media.startswith("@media") and "print" in media and "not print" not in media
            )
            position = opening + 1
            continue
        end = css.find("}", opening)
        if end < 0:
            return
        if all(stack):
            yield prelude, css[opening + 1 : end].strip()
        position = end + 1


def chart_styles(page: str, sheets: list[str]) -> str:
    """Return the rules that style the report's charts, variables resolved, for inline SVG.

    WeasyPrint draws an inline SVG on its own: the page's style sheets (``.chart .day
    {fill: …}``) do not reach it, nor do CSS variables, and the charts come out black. The
    rules are copied into each chart instead, with the colours of this residency.
    """
    props: dict[str, str] = {}
    for css in sheets:
        props.update(_custom_properties(css))
    for css in re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.S | re.I):
        props.update(_custom_properties(css))
    rules: list[str] = []
    for css in sheets:
        for prelude, body in _rules(css):
            selectors = [" ".join(sel.split()) for sel in prelude.split(",")]
            if not selectors or not all(_CHART_SELECTOR_RE.match(sel) for sel in selectors):
                continue
            rules.append(f"{', '.join(selectors)} {{ {_resolve(body, props)} }}")
    return "\n".join(rules).replace("</", "<\\/")


def print_page(report: RenderedReport) -> str:
    """Return the report's page made for print: the print style sheet linked last, and the
    charts' styles (variables resolved) inside each chart. ``make_pdf`` lays out its
    ``paper_page``."""
    html = with_print_stylesheet(report.html)
    sheets = [
        content.decode("utf-8", "replace")
        if isinstance(content, bytes)
        else Path(content).read_text("utf-8", errors="replace")
        for rel, content in report.assets.items()
        if rel.endswith(".css") and "/fonts/" not in rel
    ]
    return with_chart_styles(html, chart_styles(html, sheets))


def with_chart_styles(page: str, styles: str) -> str:
    """Return the page with ``styles`` inside every inline chart SVG."""
    if not styles:
        return page
    return _SVG_OPEN_RE.sub(lambda m: f"{m.group(0)}<style>{styles}</style>", page)


class _Collector(logging.Handler):
    """Collect WeasyPrint's warnings and report its progress steps."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.messages: list[str] = []
        self.pages = 0
        self.done = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not stop a render
            return
        if record.name == "weasyprint.progress":
            self._step(message)
        elif record.levelno >= logging.WARNING:
            self.messages.append(message)

    def _step(self, message: str) -> None:
        if self.progress is None:
            return
        match = re.match(r"Step (\d)", message)
        if not match or match.group(1) not in _WEASY_STEPS:
            return
        label, done = _WEASY_STEPS[match.group(1)]
        if match.group(1) == "5":
            page = re.search(r"Page (\d+)", message)
            if page:
                # Pages are laid out twice or more (page numbers in the contents): the bar
                # never goes back, it creeps towards the next step.
                self.pages += 1
                done += 0.4 * (1 - 1 / (1 + self.pages / 60))
                label = f"{label} (page {page.group(1)})"
        self.done = max(self.done, done)
        self.progress(label, self.done)


@contextmanager
def _collecting(progress: ProgressCallback | None) -> Iterator[_Collector]:
    from weasyprint import LOGGER, PROGRESS_LOGGER

    collector = _Collector(progress)
    levels = (LOGGER.level, PROGRESS_LOGGER.level)
    LOGGER.addHandler(collector)
    PROGRESS_LOGGER.addHandler(collector)
    LOGGER.setLevel(logging.WARNING)
    PROGRESS_LOGGER.setLevel(logging.INFO if progress else logging.WARNING)
    propagate = (LOGGER.propagate, PROGRESS_LOGGER.propagate)
    LOGGER.propagate = PROGRESS_LOGGER.propagate = False
    try:
        yield collector
    finally:
        LOGGER.removeHandler(collector)
        PROGRESS_LOGGER.removeHandler(collector)
        LOGGER.setLevel(levels[0])
        PROGRESS_LOGGER.setLevel(levels[1])
        LOGGER.propagate, PROGRESS_LOGGER.propagate = propagate


def _safe_links(document: Document) -> None:
    """Drop links that would put a file in the PDF or name a file of this computer."""
    for page in document.pages:
        kept = []
        for link in page.links:
            kind, target = link[0], link[1]
            if kind == "attachment":
                continue
            if kind == "external" and not str(target).lower().startswith(
                ("https:", "http:", "mailto:")
            ):
                continue
            kept.append(link)
        page.links[:] = kept


def _theme_sources(root: Path) -> dict[str, str]:
    """Return the residency's theme files as text, to say which one asked for a resource."""
    theme = root / THEME_FOLDER
    found: dict[str, str] = {}
    try:
        if not theme.is_dir() or not theme.resolve().is_relative_to(root.resolve()):
            return found
        for path in sorted(theme.rglob("*")):
            if path.suffix in {".j2", ".css", ".html"} and path.is_file():
                if path.stat().st_size < 2_000_000:
                    found[path.relative_to(root).as_posix()] = path.read_text(
                        "utf-8", errors="replace"
                    )
    except OSError:
        return found
    return found


def _problems_from_log(messages: list[str], path: str = "report.html") -> list[Problem]:
    """Return WeasyPrint warnings worth showing (fonts, images that could not be drawn)."""
    problems: list[Problem] = []
    for message in dict.fromkeys(messages):
        if "Failed to load" in message or "refused" in message.lower():
            continue  # refused resources are reported by the fetcher, with their source
        lowered = message.lower()
        if "glyph" not in lowered and any(
            word in lowered for word in ("unsupported", "ignored", "invalid", "expected a")
        ):
            continue  # CSS the browser understands and WeasyPrint skips: not the user's fault
        problems.append(
            Problem(path, None, None, "warning", "pdf", f"the PDF renderer said: {message}")
        )
    return problems


def _page_references_once() -> None:
    """Make pydyf's ``PDF.page_references`` compute its tuple once per page count.

    WeasyPrint reads that property for every tagged element and every link, and pydyf
    rebuilds the tuple of all page references at each read: the time of tagging grew with
    the square of the page count (tens of seconds for an 800-page report). The values are
    the same (the tuple only depends on the pages list, which only grows); only the
    repeated work goes. Left alone if pydyf no longer has this property.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property) or getattr(original.fget, "_residence", False):
        return
    compute = original.fget
    assert compute is not None

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        key = (id(kids), len(kids))
        cached = pdf.__dict__.get("_residence_page_references")
        if cached is None or cached[0] != key:
            cached = (key, compute(pdf))
            pdf.__dict__["_residence_page_references"] = cached
        return cached[1]  # type: ignore[no-any-return]

    page_references._residence = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


class _StopPatterns(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """tinyhtml5's patterns "characters up to one of these", each built once.

    The key is what ``chars_until`` looks up: (the stop characters, ``opposite``); a missing
    key is built here as tinyhtml5 builds it (``[^…]+``, or ``[…]+`` when ``opposite``),
    each character written as an escape, so that none has a meaning in the class.
    """

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        escaped = "".join(f"\\U{ord(character):08x}" for character in characters)
        pattern = re.compile(f"[{'' if opposite else '^'}{escaped}]+")
        self[key] = pattern
        return pattern


def _parser_patterns_once() -> None:
    """Make tinyhtml5, WeasyPrint's HTML parser, keep the patterns it builds while it reads.

    Its ``chars_until`` (every run of text, every attribute value) caches the pattern of its
    stop characters, but stores it under the pattern instead of the characters
    (``characters = cache[key] = pattern`` assigns ``characters`` first): the cache never
    hits, and each call builds and compiles-or-looks-up its pattern again, a third of the
    parsing of a large report. A cache that builds what it misses, under the right key,
    is put in its place: the same patterns, so the same tree. Left alone if tinyhtml5 no
    longer has this cache.
    """
    try:
        from tinyhtml5 import inputstream
    except ImportError:  # pragma: no cover - WeasyPrint depends on it
        return
    cache = getattr(inputstream, "characters_until_regex", None)
    if type(cache) is dict:  # a plain dict: upstream's, not ours
        inputstream.characters_until_regex = _StopPatterns()


#: zlib's level for what our PDFs compress: its default. pydyf uses 9, which took four times
#: as long for a file 3 % smaller (on the 1,500-entry bench, the pages' drawing and the
#: tags' object stream: 2.4 s of CPU against 0.6 s, 3.81 MB against 3.92 MB).
PDF_COMPRESSION = 6


class _PdfZlib:
    """zlib as pydyf sees it: the same module, its compressors at ``PDF_COMPRESSION``.

    pydyf writes ``zlib.compressobj(level=9)`` into every stream it compresses (the pages,
    the object stream that holds the tags, fonts); it is given this in place of the module.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = PDF_COMPRESSION, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(PDF_COMPRESSION, *args, **kwargs)


def _compress_at_default_level() -> None:
    """Have pydyf compress at ``PDF_COMPRESSION``; left alone if pydyf no longer uses zlib."""
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _PdfZlib()


def _compress_operators(stream: Any) -> None:
    """Join and compress a drawn page's operators in place, as pydyf would when writing.

    The same separator and filter as pydyf's ``Stream.data``, at ``PDF_COMPRESSION``; a
    stream that is not pydyf's, or already has a filter, is left alone.
    """
    import pydyf

    to_bytes = getattr(pydyf, "_to_bytes", None)
    items, extra = getattr(stream, "stream", None), getattr(stream, "extra", None)
    if to_bytes is None or not (isinstance(items, list) and isinstance(extra, dict)):
        return
    if "Filter" in extra:
        return
    data = b"\n".join(to_bytes(item) for item in items)
    if getattr(stream, "compress", False):
        compressor = zlib.compressobj(level=PDF_COMPRESSION)
        data = compressor.compress(data) + compressor.flush()
        extra["Filter"] = "/FlateDecode"
        stream.compress = False
    stream.stream = [data]


def _compress_drawn_pages() -> None:
    """Compress each page's drawing operators as soon as the page is drawn.

    pydyf keeps every operator of every page as a small object of its own until the PDF is
    written, then joins and compresses them (a quarter of a megabyte a page, held while the
    layout is still in memory). Done right after the page is drawn, a page weighs what its
    compressed operators do; and they are compressed at zlib's default level rather than
    pydyf's 9 (``PDF_COMPRESSION``). Left alone if WeasyPrint or pydyf change these names.
    """
    import pydyf
    from weasyprint.document import Page

    original = Page.__dict__.get("paint")
    if (
        not hasattr(pydyf, "_to_bytes")
        or original is None
        or getattr(original, "_residence", False)
    ):
        return

    def paint(page: Any, stream: Any, scale: float = 1) -> None:
        original(page, stream, scale)
        _compress_operators(stream)

    paint._residence = True  # type: ignore[attr-defined]
    Page.paint = paint


#: Pages tagged between two hand-backs of freed memory to the system.
_TRIM_EVERY = 32


def _release_tagged_pages() -> None:
    """Let each page's boxes go as soon as its tags are made.

    WeasyPrint tags the PDF for screen readers once every page is drawn, page by page, from
    the laid-out boxes: the tags (about 100 MB for 800 pages) came on top of the whole
    layout, the peak of the memory. Once a page is tagged its boxes have served (what the
    page keeps for its links is kept apart): they are let go, and the memory they held is
    handed back every few pages, so that the layout shrinks while the tags grow. Left alone
    if WeasyPrint changes these names.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    page_box = getattr(boxes, "PageBox", None)
    if original is None or page_box is None or getattr(original, "_residence", False):
        return

    tagged = itertools.count(1)

    def then_release(elements: Iterator[Any], page: Any) -> Iterator[Any]:
        yield from elements
        page.children = []
        if next(tagged) % _TRIM_EVERY == 0:
            _release_memory()

    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        elements = original(box, *args, **kwargs)
        return then_release(elements, box) if isinstance(box, page_box) else elements

    build_box_tree._residence = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree


def _release_memory() -> None:
    """Give the memory freed by the layout back to the system (glibc), for the writing."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to do
        pass


#: What WeasyPrint's layout context keeps of the layout once the pages are made: page states,
#: footnotes, running elements, tables, floats and the boxes built before the layout.
_LAYOUT_STATE = (
    "page_maker",
    "tables",
    "broken_out_of_flow",
    "_excluded_shapes",
    "_excluded_shapes_root_boxes",
    "footnotes",
    "page_footnotes",
    "current_page_footnotes",
    "reported_footnotes",
    "running_elements",
    "string_set",
)


def _release_layout_state(document: Document) -> None:
    """Let go of the layout's working state, which an SVG image keeps alive until the end.

    An SVG image (the actor map, the charts) keeps the layout context it was laid out with,
    to draw itself later: for its text and images it needs the fonts, the hyphenation
    dictionaries and the image cache, which stay. The context also
    holds the layout's working state, and through the targets of ``target-counter()`` the
    boxes built before the layout: a third of all the boxes of a report, kept in memory
    until the PDF was written. Only that state is cleared, once the pages are made.
    """
    context = None
    for page in document.pages:
        for box in page._page_box.descendants():
            context = getattr(getattr(box, "replacement", None), "_context", None)
            if context is not None:
                break
        if context is not None:
            break
    if context is None:
        return
    for name in _LAYOUT_STATE:
        value = getattr(context, name, None)
        if isinstance(value, (dict, list)):
            value.clear()
    collector = getattr(context, "target_collector", None)
    for name in ("target_lookup_items", "counter_lookup_items"):
        value = getattr(collector, name, None)
        if isinstance(value, dict):
            value.clear()


def write_document(document: Document, variant: str, **options: Any) -> tuple[bytes, int]:
    """Write a laid-out document as a PDF of that variant; return its bytes and page count.

    What the layout no longer needs is let go before the pages are drawn; each page's boxes
    once WeasyPrint has tagged it (``_release_tagged_pages``), and whatever is left of the
    pages before the PDF is put together, so that the layout does not add to the memory
    the writing takes.
    """
    pages = len(document.pages)
    _release_layout_state(document)  # boxes hold no cycles: freed as soon as let go
    _release_memory()
    finish = _finisher(variant)

    def finisher(doc: Any, pdf: Any) -> None:
        finish(doc, pdf)
        doc.pages.clear()
        _release_memory()

    # Written to a temporary file, read back once pydyf's objects are gone: in memory, the
    # growing buffer and its copy came on top of them (twice the PDF's size).
    with tempfile.TemporaryFile() as buffer:
        document.write_pdf(
            buffer,
            pdf_variant=variant,
            pdf_tags=True,
            dpi=PRINT_DPI,
            finisher=finisher,
            **options,
        )
        buffer.seek(0)
        data = buffer.read()
    return data, pages


#: WeasyPrint's user-agent rules that match every element of a page: ``::marker`` (only list
#: items have a marker: the report and the sheets make no other element a list item) and the
#: calls and markers of footnotes and notes (only elements floated as footnotes or notes have
#: them: the report has none). WeasyPrint computes a style for every element and pseudo-element
#: that a rule matches, and keeps them with the laid-out pages until the PDF is written: these
#: six rules made six styles of every element, two thirds of all the styles of a report
#: (about 60 MB for 300 journal entries).
_UA_MARKER = re.compile(r"^::marker\b", re.MULTILINE)
_UA_NOTES = re.compile(r"^::(?:footnote|note)-[a-z]+\s*\{[^}]*\}[ \t]*\n?", re.MULTILINE)


def lean_user_agent_css(text: str) -> str:
    """Return WeasyPrint's user-agent style sheet without the rules that match every element."""
    return _UA_NOTES.sub("", _UA_MARKER.sub("li::marker, summary::marker", text))


@functools.cache
def print_html_class() -> type[HTML]:
    """Return WeasyPrint's ``HTML`` with the lean user-agent style sheet (same output).

    WeasyPrint has no option for this: the subclass replaces its stock sheet, and nothing
    else, in the private ``_ua_stylesheets`` (a test checks it is still there). The first
    call also installs the work-arounds of the libraries' costs (page references, the HTML
    parser's patterns, pages compressed once drawn, pages let go once tagged), which change
    nothing in the PDF, and has pydyf compress at zlib's default level.
    """
    from weasyprint import CSS, HTML
    from weasyprint import html as weasy_html

    _page_references_once()
    _parser_patterns_once()
    _compress_drawn_pages()
    _compress_at_default_level()
    _release_tagged_pages()
    stock = getattr(weasy_html, "UA_STYLESHEET", None)
    text = getattr(weasy_html, "UA", None)
    stock_class: type[HTML] = HTML
    if stock is None or not isinstance(text, str) or not hasattr(HTML, "_ua_stylesheets"):
        return stock_class
    lean = CSS(string=lean_user_agent_css(text), counter_style=weasy_html.UA_COUNTER_STYLE)

    class PrintHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean if sheet is stock else sheet for sheet in super()._ua_stylesheets(forms)]

    return PrintHTML


def render_pdf(
    report: RenderedReport,
    published: Residency,
    *,
    out: Path,
    variant: str = DEFAULT_VARIANT,
    when: dt.datetime | None = None,
    progress: ProgressCallback | None = None,
    stylesheet: Path | None = None,
    cache_dir: Path | None = None,
) -> RenderedPdf:
    """Lay out the rendered report of a published residency on A4 pages; return the PDF.

    ``report`` comes from ``render_html(published)``; ``out`` is the folder report.html is
    written to (its assets are read from ``report``, in memory, not from the disk). Nothing
    is written but the font cache (``cache_dir``, by default the residency's
    ``.residence/cache``). ``progress`` is called with (what, fraction) while the PDF is made.

    >>> pdf = render_pdf(render_html(published), published, out=folder / "_build")  # doctest: +SKIP
    """
    if published.edition not in {"public", "team"}:
        raise ValueError("render_pdf takes the result of select_edition(), not a raw residency")
    if variant not in VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    root = published.root
    when = when or build_time()
    info = pdf_info(published, when)
    out = Path(os.path.abspath(out))
    virtual: dict[Path, bytes | Path] = {out / rel: data for rel, data in report.assets.items()}
    virtual[out / PRINT_HREF] = stylesheet or _theme_print(root) or print_stylesheet()
    cache = root / CACHE_FOLDER if cache_dir is None else cache_dir
    virtual = print_photos(print_ready(virtual, cache), cache)
    fetcher = SafeFetcher(
        [root / THEME_FOLDER, templates_dir() / "report"],
        virtual=virtual,
        private=[root / "private"],
    )
    html = print_page(report)
    if progress:
        progress("Preparing the page", 0.05)
    attach = (lambda: _attachments(published, when, fetcher)) if variant == "pdf/a-3u" else None
    data, pages, problems = make_pdf(
        html, out, fetcher, info, variant=variant, progress=progress, attach=attach
    )
    if progress:
        progress("Done", 1.0)
    sources = {**_theme_sources(root), "report.html": report.html}
    return RenderedPdf(data, pages, refusal_problems(fetcher.refused, sources, out) + problems)


def make_pdf(
    html: str,
    base: Path,
    fetcher: SafeFetcher,
    info: PdfInfo,
    *,
    variant: str = DEFAULT_VARIANT,
    source: str = "report.html",
    progress: ProgressCallback | None = None,
    attach: Callable[[], list[Any]] | None = None,
) -> tuple[bytes, int, list[Problem]]:
    """Lay out a print page (its files under ``base``, served by ``fetcher``) on A4 and write
    it as a PDF of ``variant`` with the metadata ``info``; return (PDF, pages, warnings).

    The one way both the report and the method sheets are made: the page as laid out on
    paper (``paper_page``), our WeasyPrint class, links that could put or name a file dropped,
    ``attach()``'s files attached (a PDF/A-3), the layout let go as the PDF is written. The
    warnings are WeasyPrint's worth showing, said of ``source``; the resources the fetcher
    refused are the caller's to report. The cycle collector waits until the PDF is written
    (``no_cycle_collection``): it spent a tenth of the time scanning the layout's boxes.
    """
    with _collecting(progress) as collector, no_cycle_collection():
        document = print_html_class()(
            string=paper_page(html),
            base_url=base.as_uri() + "/",
            url_fetcher=fetcher,
            media_type="print",
        ).render()
        _apply_metadata(document, info)
        _safe_links(document)
        attachments = attach() if attach is not None else None
        # No explicit pdf_identifier: pydyf would serialise (and compress) every object a
        # second time to hash them. PDF/A sets one itself (a hash of the content: the same
        # input still gives the same bytes); PDF/UA does not need one.
        data, pages = write_document(
            document, variant, attachments=attachments, **_output_intent(document, variant)
        )
    return data, pages, _problems_from_log(collector.messages, source)


def report_pdf_files(published: Residency) -> dict[str, bytes]:
    """Return {"report.pdf": bytes} for a published residency (the shape archive.py takes)."""
    from residence.render.html import render_html

    report = render_html(published)
    return {"report.pdf": render_pdf(report, published, out=published.root / "_build").data}


__all__ = [
    "DEFAULT_VARIANT",
    "VARIANTS",
    "PdfInfo",
    "ProgressCallback",
    "RenderedPdf",
    "attached_sources",
    "build_time",
    "make_pdf",
    "pdf_info",
    "render_pdf",
    "report_pdf_files",
    "with_print_stylesheet",
]

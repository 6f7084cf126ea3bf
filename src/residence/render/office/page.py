# SPDX-License-Identifier: EUPL-1.2
"""The report's page as pandoc should read it: same content, none of the screen's furniture.

The office formats are made from the rendered report (``render_html(published)``), so
that they say exactly what the report says, sanitised once: the cover's facts, every
section, the journal, the actors, the prototypes, the methods, the credits and the licence.
What only a screen needs goes: the skip link, the contents, the colophon's "back to top",
the icons read by no one (``aria-hidden``), scripts and styles. What an office suite cannot
show changes form:

- each drawing (the actor map, the charts, the residency's SVG files) becomes a PNG whose
  alternative text is the drawing's own title and description (the ones a screen reader
  reads in the report);
- photos are the report's (resized, stripped of their metadata by the gate and
  ``render.images``), put inside the page as ``data:`` URIs, so that pandoc reads no file;
- headings move up one level, the cover's title going to the document's title: sections
  are Heading 1, with nothing skipped;
- the paragraphs the report styles (the band, the cover's kicker, the ledes, the journal's
  meta lines) are given a style of the reference document (pandoc's ``custom-style``);
- links to the report's own files (a PDF in assets/) keep their words but lose their target;
  links inside the report point to the heading they named.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
#: The width of the text on an A4 page with 2.5 cm margins (centimetres), less the
#: padding of the table cell a figure is put in.
TEXT_WIDTH = 15.5
#: The tallest a picture may be on that page (centimetres).
MAX_HEIGHT = 20.0
#: Elements that never reach a document.
DROPPED = {
    "head",
    "script",
    "style",
    "link",
    "meta",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "source",
    "track",
    "nav",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "canvas",
    "map",
}
#: Classes whose paragraphs get a style of the reference document.
STYLED = {
    "band": "Band",
    "section-lede": "Lede",
    "lede": "Lede",
    "entry-meta": "Meta",
    "byline": "Meta",
    "prototype-kicker": "Meta",
    "method-phase": "Meta",
    "insight-kicker": "Kicker",
    "quote-source": "Meta",
}
#: Spans the report sets apart by a margin alone: the words that stand between them in a
#: document ("Piste 1 · Semaine 1", "— Personne A · Entretien, 13 janv.").
SEPARATED = {"insight-when": " · ", "evidence-where": " · "}
#: Spans the report sets apart by their style alone (a box, a line of their own).
SET_APART = {
    "chip",
    "decision",
    "territory",
    "person-name",
    "person-discipline",
    "person-organisation",
    "person-role",
}
#: The id given to the licence's heading: the licence starts a page (the licence page).
LICENCE_ID = "residence-licence"
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class Image:
    """A picture of the document, in order: its bytes and the words that stand for it."""

    png_or_jpeg: bytes
    alt: str
    title: str = ""


@dataclass
class OfficePage:
    """The page pandoc reads, its language and its pictures in the order they appear."""

    html: str
    lang: str
    images: list[Image] = field(default_factory=list)
    subtitle: str = ""  # the cover's kicker: the programme and the edition


@dataclass(frozen=True)
class Drawing:
    """A drawing to make a picture of: inline in the report (drawn with the report's style
    sheets, as on screen: the charts take their colours from them) or a file of the
    residency (drawn on its own)."""

    svg: bytes
    inline: bool


@dataclass(frozen=True)
class Styles:
    """The report page's style sheets (``assets/…`` hrefs) and its own <style> text."""

    sheets: tuple[str, ...] = ()
    css: str = ""


#: Draws drawings as pictures: (PNG bytes, width px, height px) for each, in order.
Rasteriser = Callable[[Sequence[Drawing], Styles], Sequence[tuple[bytes, int, int]]]


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _local(tag: object) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def _walk(element: ET.Element) -> Iterator[tuple[ET.Element, ET.Element]]:
    """Yield (parent, child) for every element under ``element``, parents first."""
    for child in list(element):
        yield element, child
        yield from _walk(child)


def _remove(parent: ET.Element, child: ET.Element) -> None:
    """Remove an element and keep the text that follows it."""
    _replace(parent, child, [])


def _replace(parent: ET.Element, child: ET.Element, new: list[ET.Element]) -> None:
    """Put ``new`` in the place of ``child`` (its tail text kept)."""
    index = list(parent).index(child)
    tail = child.tail
    parent.remove(child)
    for offset, element in enumerate(new):
        parent.insert(index + offset, element)
    if tail:
        if new:
            new[-1].tail = (new[-1].tail or "") + tail
        elif index > 0:
            before = parent[index - 1]
            before.tail = (before.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _unwrap(parent: ET.Element, child: ET.Element) -> None:
    """Put an element's content in its place (its text, children and tail kept)."""
    index = list(parent).index(child)
    children = list(child)
    lead = child.text or ""
    if lead:
        if index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + lead
        else:
            parent.text = (parent.text or "") + lead
    tail = child.tail or ""
    parent.remove(child)
    for offset, element in enumerate(children):
        parent.insert(index + offset, element)
    if tail:
        if children:
            children[-1].tail = (children[-1].tail or "") + tail
        elif index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _svg_words(svg: ET.Element) -> tuple[str, str]:
    """Return (title, description) of a drawing: its <title> and <desc>, else its label."""
    title = desc = ""
    for child in svg:
        if _local(child.tag) == "title" and not title:
            title = _text(child)
        elif _local(child.tag) == "desc" and not desc:
            desc = _text(child)
    return title or " ".join((svg.get("aria-label") or "").split()), desc


def _alt(title: str, desc: str) -> str:
    if title and desc:
        return f"{title}. {desc}" if not title.endswith((".", "!", "?")) else f"{title} {desc}"
    return title or desc


def _svg_bytes(svg: ET.Element) -> bytes:
    """Return an inline drawing as an SVG file (the parser gave its names namespaces)."""
    return _svg_markup(svg, top=True).encode("utf-8")


_PREFIXES = {
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
}


def _svg_markup(element: ET.Element, *, top: bool = False) -> str:
    tag = _local(element.tag)
    if not tag:
        return ""
    attrs = []
    if top:
        attrs.append(f'xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"')
    for name, value in element.attrib.items():
        if name.startswith("{"):
            uri, local = name[1:].split("}", 1)
            prefix = _PREFIXES.get(uri)
            if prefix is None:
                continue
            name = f"{prefix}:{local}"
        elif name in ("xmlns",) or name.startswith("xmlns:"):
            continue
        attrs.append(f'{name}="{escape(value, quote=True)}"')
    inner = escape(element.text or "", quote=False) + "".join(
        _svg_markup(child) + escape(child.tail or "", quote=False) for child in element
    )
    opening = " ".join([tag, *attrs])
    return f"<{opening}>{inner}</{tag}>"


def _max_width(ancestors: Sequence[ET.Element]) -> float:
    """Return how wide (cm) a picture may be where it stands in the report."""
    for element in reversed(ancestors):
        classes = _classes(element)
        if "summary-map" in classes:
            return 8.0
        if "portrait" in classes:
            return 9.0
        if "pictures-2" in classes or "pictures-many" in classes:
            return 7.8
    return TEXT_WIDTH


def _width(pixels: tuple[int, int] | None, most: float) -> str:
    """Return a picture's width on the page (cm), its height at most MAX_HEIGHT."""
    width = most
    if pixels and pixels[0] > 0 and pixels[1] > 0:
        width = min(width, MAX_HEIGHT * pixels[0] / pixels[1])
    return f"{width:.2f}cm"


def _data_uri(content: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _photo_size(content: bytes) -> tuple[int, int] | None:
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(content)) as image:
            return image.size
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None


def _read(content: bytes | Path) -> bytes:
    return content.read_bytes() if isinstance(content, Path) else content


class _Pictures:
    """The drawings and photos met on the page, made into pictures at the end."""

    def __init__(self, assets: Mapping[str, bytes | Path]) -> None:
        self.assets = assets
        self.drawings: list[Drawing] = []
        self.slots: list[tuple[ET.Element, int | None, bytes | None, str]] = []

    def drawing(self, image: ET.Element, svg: bytes, *, inline: bool) -> None:
        drawing = Drawing(svg, inline)
        if drawing not in self.drawings:
            self.drawings.append(drawing)
        self.slots.append((image, self.drawings.index(drawing), None, "image/png"))

    def photo(self, image: ET.Element, content: bytes, kind: str) -> None:
        self.slots.append((image, None, content, kind))


def office_page(html: str, assets: Mapping[str, bytes | Path], rasterise: Rasteriser) -> OfficePage:
    """Return the page pandoc reads from the report's HTML and its files (``assets``:
    "assets/…" -> bytes or the file that holds them, as ``RenderedReport.assets``)."""
    import tinyhtml5

    document = tinyhtml5.parse(html, namespace_html_elements=False)
    lang = document.get("lang") or "fr"
    body = document.find("body")
    if body is None:  # pragma: no cover - the parser always makes one
        body = ET.SubElement(document, "body")
    subtitle = _kicker(body)
    styles = _styles(document)
    pictures = _Pictures(assets)
    _clean(body, [], pictures)
    images = _fill(pictures, rasterise, styles)
    page = ET.Element("html")  # the language is the metadata's (fr-FR, en-GB)
    ET.SubElement(ET.SubElement(page, "head"), "meta", {"charset": "utf-8"})
    page.append(body)
    text = "<!DOCTYPE html>\n" + ET.tostring(page, encoding="unicode", method="html")
    return OfficePage(text, lang, images, subtitle)


def _styles(document: ET.Element) -> Styles:
    """Return the style sheets of the report's page (its own files only) and its <style>."""
    head = document.find("head")
    if head is None:
        return Styles()
    sheets = tuple(
        href
        for link in head.iter("link")
        if "stylesheet" in (link.get("rel") or "").split()
        and (href := link.get("href") or "").startswith("assets/")
    )
    css = "\n".join("".join(style.itertext()) for style in head.iter("style"))
    return Styles(sheets, css)


def _kicker(body: ET.Element) -> str:
    """Take the cover's kicker out of the page; return its words ("Programme · Edition")."""
    for parent, child in _walk(body):
        if "cover-kicker" in _classes(child):
            parts = [_text(span) for span in child if _text(span)] or [_text(child)]
            _remove(parent, child)
            return " · ".join(parts)
    return ""


def _clean(element: ET.Element, ancestors: list[ET.Element], pictures: _Pictures) -> None:
    """Make the children of ``element`` what pandoc should read (see the module's doc)."""
    for child in list(element):
        tag = _local(child.tag)
        here = [*ancestors, element]
        if not isinstance(child.tag, str):  # a comment or a processing instruction
            _remove(element, child)
        elif (
            tag in DROPPED or child.get("aria-hidden") == "true" or child.get("hidden") is not None
        ):
            _remove(element, child)
        elif "skip-link" in _classes(child) or "colophon" in _classes(child):
            _remove(element, child)
        elif tag == "svg":
            _drawing(element, child, here, pictures)
        elif child.get("role") == "img" and child.get("aria-label"):
            label = ET.Element("p")
            label.text = " ".join((child.get("aria-label") or "").split())
            _replace(element, child, [label])
        elif tag == "img":
            _image(element, child, here, pictures)
        elif tag == "a":
            _clean(child, here, pictures)
            _link(element, child, printed=any("licence-box" in _classes(a) for a in here))
        elif tag == "h1" and "cover-title" in _classes(child):
            _remove(element, child)  # the document's title (metadata)
        elif re.fullmatch(r"h[1-6]", tag):
            _clean(child, here, pictures)
            child.tag = f"h{max(1, int(tag[1]) - 1)}"
            _plain(child)
        elif tag == "details":
            _clean(child, here, pictures)
            child.tag = "div"
        elif tag == "summary":
            _clean(child, here, pictures)
            strong = ET.Element("strong")
            strong.text, strong[:] = child.text, list(child)
            child.tag, child.text, child.attrib = "p", None, {}
            child[:] = [strong]
        elif tag == "table":
            _clean(child, here, pictures)
            _column_widths(child)
        elif tag in ("main", "header", "footer", "article", "section", "aside"):
            # pandoc reads only what a <main> holds: the cover would be lost
            _clean(child, here, pictures)
            child.tag = "div"
            _style(element, child)
        elif tag == "figure" and not any(_local(e.tag) in ("img", "svg") for e in child.iter()):
            # A quote with its source, not a picture: pandoc would make it a figure, which
            # Word and LibreOffice centre. A block, and its caption a styled paragraph.
            for caption in child:
                if _local(caption.tag) == "figcaption":
                    caption.tag, caption.attrib = "p", {"class": "quote-source"}
            _clean(child, here, pictures)
            child.tag, child.attrib = "div", {}
        elif tag == "span" and _classes(child) & SEPARATED.keys():
            _clean(child, here, pictures)
            words = SEPARATED[min(_classes(child) & SEPARATED.keys())]
            child.text = words.lstrip() + (child.text or "")
            previous = _previous(element, child)
            if previous is not None and previous.tail:
                previous.tail = previous.tail.rstrip() + " "
            elif previous is None and element.text:
                element.text = element.text.rstrip() + " "
            _unwrap(element, child)
        elif tag == "span" and _classes(child) & SET_APART:
            _clean(child, here, pictures)
            _chip(element, child)
        elif tag in ("time", "abbr", "bdi", "data"):
            _clean(child, here, pictures)
            _unwrap(element, child)
        else:
            if "licence-box" in _classes(child):
                _licence_heading(child)
            _clean(child, here, pictures)
            _style(element, child)


def _previous(parent: ET.Element, child: ET.Element) -> ET.Element | None:
    """Return the element just before ``child`` in ``parent``, if any."""
    children = list(parent)
    at = children.index(child)
    return children[at - 1] if at else None


def _chip(parent: ET.Element, span: ET.Element) -> None:
    """Keep apart the words the report sets apart with a box or a line of their own: a
    stage, a kind or a person's name (in bold), the decision after a dash, a person's role
    and organisation after commas, a territory on its own line."""
    classes = _classes(span)
    if "territory" in classes:
        parent.insert(list(parent).index(span), ET.Element("br"))
        span.attrib = {}
    elif "decision" in classes:
        span.text = "— " + (span.text or "")
        span.attrib = {}
    elif classes & {"person-discipline", "person-organisation", "person-role"}:
        span.text = ", " + (span.text or "")
        span.attrib = {}
    else:
        span.tag, span.attrib = "strong", {}


def _licence_heading(box: ET.Element) -> None:
    """Give the licence's heading the id by which its page break is found."""
    for child in box:
        if re.fullmatch(r"h[1-6]", _local(child.tag)):
            child.set("id", LICENCE_ID)
            return


def _column_widths(table: ET.Element) -> None:
    """Give a table's columns widths that follow their text (pandoc then makes the table
    as wide as the page; without them, a column of long text is squeezed to a few letters)."""
    lengths: dict[int, float] = {}
    words: dict[int, int] = {}  # the longest word of each column (up to 14 letters)
    rows = 0
    for row in table.iter("tr"):
        rows += 1
        column = 0
        for cell in row:
            if _local(cell.tag) not in ("td", "th"):
                continue
            try:
                span = min(max(int(cell.get("colspan") or 1), 1), 100)
            except ValueError:
                span = 1
            text = _text(cell)
            share = len(text) / span
            longest = min(max((len(w) for w in text.split()), default=0), 14)
            for k in range(column, column + span):
                lengths[k] = lengths.get(k, 0.0) + share
                if span == 1:
                    words[k] = max(words.get(k, 0), longest)
            column += span
    if not rows or not lengths:
        return
    count = max(lengths) + 1
    # Centimetres: a letter of the text is about 0.2 cm, a cell's padding 0.45 cm.
    least = [min(words.get(k, 0) * 0.2 + 0.45, 4.0) for k in range(count)]
    wished = [max(least[k], lengths.get(k, 0.0) / rows * 0.2 + 0.45) for k in range(count)]
    spare = max(TEXT_WIDTH - sum(least), 0.0)
    extra = [wished[k] - least[k] for k in range(count)]
    widths = [
        least[k] + (spare * extra[k] / sum(extra) if sum(extra) else spare / count)
        for k in range(count)
    ]
    total = sum(widths)
    for old in [c for c in table if _local(c.tag) in ("colgroup", "col")]:
        table.remove(old)
    group = ET.Element("colgroup")
    for width in widths:
        ET.SubElement(group, "col", {"width": f"{100 * width / total:.1f}%"})
    index = 1 if len(table) and _local(table[0].tag) == "caption" else 0
    table.insert(index, group)


def _plain(heading: ET.Element) -> None:
    """Keep a heading's id and text; its spans become plain words."""
    for span in [c for c in heading if _local(c.tag) == "span"]:
        _unwrap(heading, span)
    heading.attrib = {k: v for k, v in heading.attrib.items() if k == "id"}


def _style(parent: ET.Element, child: ET.Element) -> None:
    """Wrap a paragraph the report styles in a div of the reference document's style."""
    names = [STYLED[c] for c in sorted(_classes(child)) if c in STYLED]
    if not names or _local(child.tag) not in ("p", "div"):
        return
    wrapper = ET.Element("div", {"data-custom-style": names[0]})
    _replace(parent, child, [wrapper])
    wrapper.tail, child.tail = child.tail, None
    if _local(child.tag) == "div":
        child.tag = "p"
    child.attrib = {}
    wrapper.append(child)


def _link(parent: ET.Element, link: ET.Element, *, printed: bool = False) -> None:
    """Keep a link to a web page or inside the report; unwrap one to a file. A ``printed``
    link to the web (the licence's) is followed by its address, as on the PDF's paper."""
    href = (link.get("href") or "").strip()
    if href == "#main":  # "back to the top": the document has no top to go back to
        _remove(parent, link)
        return
    if href.startswith("#") or re.match(r"(?i)^(https?|mailto):", href):
        link.attrib = {"href": href}
        if printed and not href.startswith("#") and href != _text(link):
            link.tail = f" — {href}" + (link.tail or "")
        return
    _unwrap(parent, link)


def _drawing(
    parent: ET.Element, svg: ET.Element, ancestors: list[ET.Element], pictures: _Pictures
) -> None:
    """Replace an inline drawing with its picture, in words its title and description."""
    title, desc = _svg_words(svg)
    if not title and not desc:  # a drawing that says nothing is decoration
        _remove(parent, svg)
        return
    image = ET.Element("img", {"alt": _alt(title, desc), "title": title})
    image.set("data-width", str(_max_width(ancestors)))
    _replace(parent, svg, [image])
    pictures.drawing(image, _svg_bytes(svg), inline=True)


def _image(
    parent: ET.Element, image: ET.Element, ancestors: list[ET.Element], pictures: _Pictures
) -> None:
    """Put a picture of the report inside the page; leave out one it does not hold."""
    src = image.get("src") or ""
    alt = " ".join((image.get("alt") or "").split())
    content = pictures.assets.get(src)
    suffix = PurePosixPath(src).suffix.lower()
    if content is None or not src.startswith("assets/"):
        _remove(parent, image)
        return
    new = ET.Element("img", {"alt": alt, "data-width": str(_max_width(ancestors))})
    _replace(parent, image, [new])
    data = _read(content)
    if suffix == ".svg":
        # The report's own map (its summary's thumbnail) is drawn as the report draws it.
        pictures.drawing(new, data, inline=src == "assets/actor-map.svg")
    elif suffix in PHOTO_TYPES:
        pictures.photo(new, data, PHOTO_TYPES[suffix])
    else:
        pictures.photo(new, _as_png(data), "image/png")


def _as_png(data: bytes) -> bytes:
    """Return a picture in a format every office suite shows (PNG)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            buffer = io.BytesIO()
            image.convert("RGBA").save(buffer, format="PNG")
            return buffer.getvalue()
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return b""


def _fill(pictures: _Pictures, rasterise: Rasteriser, styles: Styles) -> list[Image]:
    """Draw the drawings, set each picture's source and width; return them in order."""
    drawn = list(rasterise(pictures.drawings, styles)) if pictures.drawings else []
    images = []
    for element, index, content, kind in pictures.slots:
        size: tuple[int, int] | None = None
        if index is not None:
            data = b""
            if index < len(drawn):
                data, width, height = drawn[index]
                size = (width, height)
        else:
            data = content or b""
            size = _photo_size(data)
        most = float(element.attrib.pop("data-width", TEXT_WIDTH))
        if not data:
            element.attrib.clear()
            element.tag = "span"
            continue
        element.set("src", _data_uri(data, kind))
        element.set("width", _width(size, most))
        images.append(Image(data, element.get("alt") or "", element.get("title") or ""))
    return images

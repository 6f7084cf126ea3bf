# SPDX-License-Identifier: EUPL-1.2
"""Drawings (SVG) as pictures (PNG) for the office formats, which do not all show SVG.

The actor map, the charts and the residency's own drawings are drawn by WeasyPrint, the
report's PDF engine, each on a page of its own size, then the pages are turned into pixels
by PDFium (pypdfium2). The report's drawings are drawn inside a page that has the report's
style sheets and fonts, as on screen (the charts take their colours from the style sheet,
the map's labels are measured for the fonts); a residency's own drawing is drawn as an
image, on its own. WeasyPrint reads nothing but what is given here, from memory
(:class:`residence.render.fetcher.SafeFetcher`): a drawing that names any other file, or
the network, gets nothing.
"""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from xml.etree import ElementTree as ET

from residence.render.office.page import Drawing, Styles

#: Pixels per CSS pixel of a drawing: sharp on paper at the width of a page.
SCALE = 2.0
#: The widest picture made, in pixels (a drawing a hundred metres wide stays a picture).
MAX_PIXELS_WIDE = 2400
#: A drawing with no size of its own is drawn this size (CSS pixels).
DEFAULT_SIZE = (800.0, 600.0)
#: The smallest and largest side of a page, in CSS pixels.
MIN_SIDE, MAX_SIDE = 16.0, 4000.0
_XML_HEAD = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


@dataclass(frozen=True)
class Picture:
    """A PNG made from a drawing, with its size in pixels."""

    png: bytes
    width: int
    height: int


def svg_size(svg: bytes) -> tuple[float, float]:
    """Return the size of a drawing in CSS pixels: its width and height, else its viewBox,
    else DEFAULT_SIZE; each side between MIN_SIDE and MAX_SIDE."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return DEFAULT_SIZE
    width, height = (_length(root.get(name)) for name in ("width", "height"))
    box = (root.get("viewBox") or root.get("viewbox") or "").replace(",", " ").split()
    box_size: tuple[float, float] | None = None
    if len(box) == 4:
        try:
            box_size = (float(box[2]), float(box[3]))
        except ValueError:
            box_size = None
        if box_size and (box_size[0] <= 0 or box_size[1] <= 0):
            box_size = None
    if width and height:
        size = (width, height)
    elif box_size and width:
        size = (width, width * box_size[1] / box_size[0])
    elif box_size and height:
        size = (height * box_size[0] / box_size[1], height)
    elif box_size:
        size = box_size
    else:
        size = DEFAULT_SIZE
    return (
        min(max(size[0], MIN_SIDE), MAX_SIDE),
        min(max(size[1], MIN_SIDE), MAX_SIDE),
    )


def _length(value: str | None) -> float | None:
    match = _NUMBER.match(value or "")
    if not match:
        return None
    number = float(match.group(1))
    return number if number > 0 else None


def _page(drawings: Sequence[Drawing], styles: Styles) -> str:
    """Return an HTML page with each drawing on a page of its own size: inline drawings
    inside the page (the report's style sheets apply to them), files as images."""
    links = "".join(
        f'<link rel="stylesheet" href="{escape(href, quote=True)}">' for href in styles.sheets
    )
    rules = [
        styles.css.replace("</", "<\\/"),
        "html, body { margin: 0; padding: 0; background: #fff; }",
    ]
    blocks = []
    for index, drawing in enumerate(drawings):
        width, height = svg_size(drawing.svg)
        box = f"width: {width:.2f}px; height: {height:.2f}px"
        rules.append(f"@page d{index} {{ size: {width:.2f}px {height:.2f}px; margin: 0; }}")
        rules.append(
            f"#d{index} {{ page: d{index}; {box}; break-before: page; overflow: hidden; }}"
        )
        rules.append(
            f"#d{index} > svg, #d{index} > img {{ display: block; {box}; "
            "min-width: 0; max-width: none; margin: 0; }"
        )
        if drawing.inline:
            markup = _XML_HEAD.sub("", drawing.svg.decode("utf-8", "replace"))
        else:
            data = base64.b64encode(drawing.svg).decode("ascii")
            markup = f'<img src="data:image/svg+xml;base64,{data}" alt="">'
        blocks.append(f'<div id="d{index}">{markup}</div>')
    style = "\n".join(rules)
    body = "\n".join(blocks)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{links}<style>{style}</style>'
        f"</head><body>{body}</body></html>"
    )


def svgs_to_png(
    drawings: Sequence[Drawing],
    styles: Styles | None = None,
    assets: Mapping[str, bytes | Path] | None = None,
) -> list[Picture]:
    """Return each drawing as a PNG on white, SCALE pixels per CSS pixel (at most
    MAX_PIXELS_WIDE wide). ``assets`` are the report's files ("assets/…"), of which only
    the style sheets and fonts are read. A drawing WeasyPrint cannot read comes out blank."""
    if not drawings:
        return []
    from weasyprint import HTML

    from residence.render.fetcher import SafeFetcher

    base = Path(os.path.abspath(os.sep)) / "residence-office-drawings"
    virtual: dict[Path, bytes | Path] = {
        base / rel: content
        for rel, content in (assets or {}).items()
        if rel.endswith((".css", ".woff2"))
    }
    fetcher = SafeFetcher([], virtual=virtual)
    document = HTML(
        string=_page(drawings, styles or Styles()),
        base_url=base.as_uri() + "/",
        url_fetcher=fetcher,
    ).render()
    pdf = document.write_pdf()
    return _rasterise(pdf, len(drawings))


def _rasterise(pdf: bytes, count: int) -> list[Picture]:
    """Return the first ``count`` pages of a PDF as PNG pictures."""
    import pypdfium2  # type: ignore[import-untyped]

    pictures = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for index in range(min(count, len(document))):
            page = document[index]
            width_pt = page.get_width()
            # A CSS pixel is 0.75 pt: SCALE pixels per CSS pixel.
            scale = min(SCALE / 0.75, MAX_PIXELS_WIDE / max(width_pt, 1.0))
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            pictures.append(Picture(buffer.getvalue(), image.width, image.height))
            page.close()
    finally:
        document.close()
    return pictures

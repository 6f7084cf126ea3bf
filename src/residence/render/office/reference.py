# SPDX-License-Identifier: EUPL-1.2
"""Make the reference documents of the office formats: templates/office/reference.docx, .odt.

Pandoc takes its styles (fonts, sizes, colours, spacing, page size, header and footer) from
a reference document. Ours are pandoc's own defaults (``pandoc --print-default-data-file
reference.docx``) with the report's look written over them: Literata for the text,
Instrument Serif for the title and the two first heading levels, Instrument Sans for the
other headings, labels and captions (templates/report/fonts), the ink and muted colours of
report.css and the default accent of residence.yaml (``accent_palette(None)``). A4 pages
with 2.5 cm margins, the page number in the footer, and a header that holds
:data:`BAND_MARK`, which the renderer replaces with the team edition's band (or nothing).

The renderer replaces the default accent colours with the residency's own
(:func:`residence.render.office.styled_reference`), so that they must stay distinct from
every other colour written here.

Run it again after a pandoc upgrade, or to change the look, and commit the result::

    python -m residence.render.office.reference

The output depends only on pandoc's default reference documents and this module (the zip
entries carry a fixed date), so running it twice gives the same bytes.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from residence.render.context.colours import INK, accent_palette

#: The header text of the reference documents, replaced with the band (or nothing).
BAND_MARK = "RESIDENCE-BAND"
#: The ODT style of the licence's heading: a Heading 2 that starts a page.
LICENCE_HEADING = "Licence_20_Heading"
#: The fonts of the report (templates/report/fonts).
SERIF = "Literata"
DISPLAY = "Instrument Serif"
SANS = "Instrument Sans"
#: The muted grey of report.css, for captions, dates and labels.
MUTED = "#5b5650"
#: The default accent palette: the renderer puts the residency's in their place.
DEFAULT_PALETTE = accent_palette(None)
ACCENT = DEFAULT_PALETTE["accent"]
ACCENT_INK = DEFAULT_PALETTE["accent_ink"]
ACCENT_SOFT = DEFAULT_PALETTE["accent_soft"]
ACCENT_LINE = DEFAULT_PALETTE["accent_line"]
#: The fixed date of every zip entry (the earliest a zip file can say).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Look:
    """How a paragraph (or a run of text) looks; None leaves pandoc's default."""

    font: str | None = None
    size: float | None = None  # points
    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    colour: str | None = None  # #rrggbb
    before: float | None = None  # points
    after: float | None = None
    line: float | None = None  # line height, as a multiple
    keep_next: bool = False
    page_break: bool = False
    border_top: tuple[float, str] | None = None  # (width in points, colour)
    border_left: tuple[float, str] | None = None
    indent: float | None = None  # left, points
    shade: str | None = None
    align: str | None = None  # left, center
    underline: bool = False


BODY = Look(font=SERIF, size=10.5, line=1.35, colour=INK)
CAPTION = Look(font=SANS, size=8.5, colour=MUTED, before=3, after=9)
TERM = Look(font=SANS, size=8, bold=True, caps=True, colour=MUTED, after=0, keep_next=True)

#: The paragraph styles: (docx style id, display name, ODT style name, look, based on).
PARAGRAPHS: list[tuple[str, str, str, Look]] = [
    ("Normal", "Normal", "Standard", BODY),
    ("BodyText", "Body Text", "Text_20_body", Look(before=0, after=7)),
    ("FirstParagraph", "First Paragraph", "First_20_paragraph", Look(before=0, after=7)),
    ("Compact", "Compact", "", Look(before=1, after=1)),
    (
        "Title",
        "Title",
        "Title",
        Look(
            font=DISPLAY,
            size=34,
            colour=INK,
            line=1.05,
            before=0,
            after=14,
            border_top=(6, ACCENT),
            align="left",
        ),
    ),
    (
        "Subtitle",
        "Subtitle",
        "Subtitle",
        Look(font=SANS, size=9.5, bold=True, caps=True, colour=ACCENT_INK, before=0, after=6),
    ),
    ("Author", "Author", "Author", Look(font=SANS, size=11, colour=INK, after=2, align="left")),
    ("Date", "Date", "Date", Look(font=SANS, size=10, colour=MUTED, after=12, align="left")),
    (
        "Heading1",
        "heading 1",
        "Heading_20_1",
        Look(
            font=DISPLAY,
            size=28,
            bold=False,
            italic=False,
            colour=INK,
            line=1.05,
            before=0,
            after=14,
            keep_next=True,
            page_break=True,
            border_top=(1.5, INK),
        ),
    ),
    (
        "Heading2",
        "heading 2",
        "Heading_20_2",
        Look(
            font=DISPLAY,
            size=19,
            bold=False,
            colour=INK,
            line=1.1,
            before=20,
            after=8,
            keep_next=True,
        ),
    ),
    (
        "Heading3",
        "heading 3",
        "Heading_20_3",
        Look(
            font=SANS,
            size=12.5,
            bold=True,
            italic=False,
            colour=INK,
            before=16,
            after=6,
            keep_next=True,
        ),
    ),
    (
        "Heading4",
        "heading 4",
        "Heading_20_4",
        Look(font=SANS, size=11, bold=True, colour=ACCENT_INK, before=12, after=4, keep_next=True),
    ),
    (
        "Heading5",
        "heading 5",
        "Heading_20_5",
        Look(
            font=SANS,
            size=10,
            bold=True,
            italic=False,
            colour=MUTED,
            before=10,
            after=3,
            keep_next=True,
        ),
    ),
    (
        "Heading6",
        "heading 6",
        "Heading_20_6",
        Look(
            font=SANS,
            size=10,
            bold=False,
            italic=True,
            colour=MUTED,
            before=8,
            after=3,
            keep_next=True,
        ),
    ),
    (
        "BlockText",
        "Block Text",
        "Quotations",
        Look(
            font=SERIF,
            size=11.5,
            italic=True,
            colour=INK,
            before=6,
            after=3,
            border_left=(3, ACCENT_LINE),
            indent=14,
        ),
    ),
    ("Caption", "caption", "Caption", CAPTION),
    ("ImageCaption", "Image Caption", "FigureCaption", CAPTION),
    ("TableCaption", "Table Caption", "TableCaption", Look(font=SANS, size=8.5, colour=MUTED)),
    ("DefinitionTerm", "Definition Term", "Definition_20_Term", TERM),
    ("", "", "Definition_20_Term_20_Tight", TERM),
    ("Definition", "Definition", "Definition_20_Definition", Look(before=0, after=6)),
    ("", "", "Definition_20_Definition_20_Tight", Look(before=0, after=6)),
    ("FootnoteText", "footnote text", "Footnote", Look(font=SANS, size=8.5)),
    ("", "", "Table_20_Contents", Look(font=SANS, size=9)),
    ("", "", "Table_20_Heading", Look(font=SANS, size=9, bold=True)),
    # The report's own paragraphs (custom-style, see residence.render.office.page).
    (
        "Band",
        "Band",
        "Band",
        Look(font=SANS, size=10, bold=True, colour=INK, shade=ACCENT_SOFT, before=0, after=12),
    ),
    (
        "Kicker",
        "Kicker",
        "Kicker",
        Look(font=SANS, size=9, bold=True, caps=True, colour=ACCENT_INK, before=0, after=4),
    ),
    ("Lede", "Lede", "Lede", Look(font=SERIF, size=12, colour=MUTED, before=0, after=10)),
    ("Meta", "Meta", "Meta", Look(font=SANS, size=8.5, colour=ACCENT_INK, before=6, after=2)),
    ("Header", "header", "Header", Look(font=SANS, size=8, bold=True, colour=ACCENT_INK)),
    ("Footer", "footer", "Footer", Look(font=SANS, size=8, colour=MUTED, align="center")),
]

#: Character styles: (docx style id, display name, ODT style name, look).
CHARACTERS: list[tuple[str, str, str, Look]] = [
    ("Hyperlink", "Hyperlink", "Internet_20_link", Look(colour=ACCENT_INK, underline=True)),
]

#: The fonts named in the documents, with their kind (for substitution when missing).
FONTS = {SERIF: "roman", DISPLAY: "roman", SANS: "swiss"}


# -- zip files --------------------------------------------------------------------------------


def read_zip(data: bytes) -> dict[str, bytes]:
    """Return the entries of a zip file, in their order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(entries: Mapping[str, bytes]) -> bytes:
    """Return a zip file of ``entries`` in their order, with a fixed date; an ODF file's
    ``mimetype`` is stored uncompressed (it must come first, and does in pandoc's)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def _register(xml: bytes) -> None:
    """Keep the prefixes a file declares when ElementTree writes it again."""
    for prefix, uri in re.findall(rb'xmlns:([A-Za-z0-9_.-]+)="([^"]+)"', xml):
        ET.register_namespace(prefix.decode(), uri.decode())


def _tostring(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


# -- docx -------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
#: The children of a w:style before its w:pPr, in the schema's order.
_STYLE_HEAD = (
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
    "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid"
).split()


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _el(tag: str, parent: ET.Element | None = None, **attrs: str) -> ET.Element:
    attributes = {_w(k): v for k, v in attrs.items()}
    if parent is None:
        return ET.Element(_w(tag), attributes)
    return ET.SubElement(parent, _w(tag), attributes)


def _twips(points: float) -> str:
    return str(round(points * 20))


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def docx_ppr(look: Look) -> ET.Element | None:
    """Return a w:pPr for a look (children in the schema's order), or None if it has none."""
    ppr = _el("pPr")
    if look.keep_next:
        _el("keepNext", ppr)
        _el("keepLines", ppr)
    if look.page_break:
        _el("pageBreakBefore", ppr)
    if look.border_top or look.border_left:
        borders = _el("pBdr", ppr)
        if look.border_top:
            width, colour = look.border_top
            _el(
                "top",
                borders,
                val="single",
                sz=str(round(width * 8)),
                space="6",
                color=_hex(colour),
            )
        if look.border_left:
            width, colour = look.border_left
            _el(
                "left",
                borders,
                val="single",
                sz=str(round(width * 8)),
                space="8",
                color=_hex(colour),
            )
    if look.shade:
        _el("shd", ppr, val="clear", color="auto", fill=_hex(look.shade))
    if look.before is not None or look.after is not None or look.line is not None:
        spacing: dict[str, str] = {}
        if look.before is not None:
            spacing["before"] = _twips(look.before)
        if look.after is not None:
            spacing["after"] = _twips(look.after)
        if look.line is not None:
            spacing["line"] = str(round(look.line * 240))
            spacing["lineRule"] = "auto"
        _el("spacing", ppr, **spacing)
    if look.indent is not None:
        _el("ind", ppr, left=_twips(look.indent))
    if look.align:
        _el("jc", ppr, val=look.align)
    return ppr if len(ppr) else None


def docx_rpr(look: Look) -> ET.Element | None:
    """Return a w:rPr for a look (children in the schema's order), or None if it has none."""
    rpr = _el("rPr")
    if look.font:
        _el("rFonts", rpr, ascii=look.font, hAnsi=look.font, eastAsia=look.font, cs=look.font)
    if look.bold is not None:
        _el("b", rpr, val="1" if look.bold else "0")
        _el("bCs", rpr, val="1" if look.bold else "0")
    if look.italic is not None:
        _el("i", rpr, val="1" if look.italic else "0")
        _el("iCs", rpr, val="1" if look.italic else "0")
    if look.caps:
        _el("caps", rpr)
    if look.colour:
        _el("color", rpr, val=_hex(look.colour))
    if look.caps:
        _el("spacing", rpr, val="10")
    if look.size is not None:
        _el("sz", rpr, val=str(round(look.size * 2)))
        _el("szCs", rpr, val=str(round(look.size * 2)))
    if look.underline:
        _el("u", rpr, val="single")
    return rpr if len(rpr) else None


def _docx_style(styles: ET.Element, kind: str, style_id: str, name: str) -> ET.Element:
    """Return the w:style of that id, made (based on Normal) if the reference lacks it."""
    for style in styles.findall(_w("style")):
        if style.get(_w("styleId")) == style_id:
            return style
    style = _el("style", styles, type=kind, customStyle="1", styleId=style_id)
    _el("name", style, val=name)
    if kind == "paragraph":
        _el("basedOn", style, val="Normal")
    _el("qFormat", style)
    return style


def _set_look(style: ET.Element, look: Look, *, paragraph: bool) -> None:
    """Replace a style's w:pPr and w:rPr with the look's, at their place in the style."""
    for tag in ("pPr", "rPr"):
        for old in style.findall(_w(tag)):
            style.remove(old)
    index = 0
    for i, child in enumerate(list(style)):
        if child.tag.split("}")[-1] in _STYLE_HEAD:
            index = i + 1
    parts = [docx_ppr(look) if paragraph else None, docx_rpr(look)]
    for part in parts:
        if part is not None:
            style.insert(index, part)
            index += 1


def docx_styles(xml: bytes) -> bytes:
    """Return pandoc's styles.xml with the report's look."""
    _register(xml)
    root = ET.fromstring(xml)
    defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}")
    if defaults is not None:
        for old in defaults.findall(_w("rPr")):
            defaults.remove(old)
        rpr = docx_rpr(Look(font=SERIF, size=BODY.size))
        if rpr is not None:
            defaults.append(rpr)
    for style_id, name, _odt, look in PARAGRAPHS:
        if not style_id:
            continue
        style = _docx_style(root, "paragraph", style_id, name)
        _set_look(style, look, paragraph=True)
        if style_id.startswith("Heading"):  # its character style looks the same
            char = _docx_style(root, "character", f"{style_id}Char", f"{name} Char")
            _set_look(char, look, paragraph=False)
    for style_id, name, _odt, look in CHARACTERS:
        _set_look(_docx_style(root, "character", style_id, name), look, paragraph=False)
    for style_id in ("TitleChar", "SubtitleChar"):
        source = next(p for p in PARAGRAPHS if f"{p[0]}Char" == style_id)
        _set_look(_docx_style(root, "character", style_id, style_id), source[3], paragraph=False)
    return _tostring(root)


def docx_fonts(xml: bytes) -> bytes:
    """Return fontTable.xml with the report's fonts and their kind."""
    _register(xml)
    root = ET.fromstring(xml)
    for name, family in FONTS.items():
        font = _el("font", root, name=name)
        _el("family", font, val=family)
        _el("pitch", font, val="variable")
    return _tostring(root)


def _header_part(tag: str, paragraph: ET.Element) -> bytes:
    root = ET.Element(_w(tag))
    root.append(paragraph)
    return _tostring(root)


def docx_header() -> bytes:
    """Return header1.xml: one paragraph that holds BAND_MARK."""
    p = _el("p")
    _el("pStyle", _el("pPr", p), val="Header")
    _el("t", _el("r", p)).text = BAND_MARK
    return _header_part("hdr", p)


def docx_footer() -> bytes:
    """Return footer1.xml: the page number, centred."""
    p = _el("p")
    _el("pStyle", _el("pPr", p), val="Footer")
    _el("fldChar", _el("r", p), fldCharType="begin")
    instr = _el("instrText", _el("r", p))
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _el("fldChar", _el("r", p), fldCharType="separate")
    _el("t", _el("r", p)).text = "1"
    _el("fldChar", _el("r", p), fldCharType="end")
    return _header_part("ftr", p)


def docx_document(xml: bytes) -> bytes:
    """Return document.xml with A4 pages, 2.5 cm margins and our header and footer."""
    _register(xml)
    root = ET.fromstring(xml)
    body = root.find(_w("body"))
    assert body is not None
    for old in body.findall(_w("sectPr")):
        body.remove(old)
    sect = _el("sectPr", body)
    ET.SubElement(sect, _w("headerReference"), {_w("type"): "default", f"{{{R}}}id": "rIdBand"})
    ET.SubElement(sect, _w("footerReference"), {_w("type"): "default", f"{{{R}}}id": "rIdPage"})
    _el("numRestart", _el("footnotePr", sect), val="eachSect")
    _el("pgSz", sect, w="11906", h="16838")
    margin = "1418"  # 2.5 cm
    _el(
        "pgMar",
        sect,
        top=margin,
        right=margin,
        bottom=margin,
        left=margin,
        header="709",
        footer="709",
        gutter="0",
    )
    return _tostring(root)


def docx_rels(xml: bytes) -> bytes:
    """Return document.xml.rels with the header and footer."""
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    added = "".join(
        f'<Relationship Id="{rel_id}" Type="{base}{kind}" Target="{target}"/>'
        for rel_id, kind, target in (
            ("rIdBand", "header", "header1.xml"),
            ("rIdPage", "footer", "footer1.xml"),
        )
    )
    return xml.replace(b"</Relationships>", added.encode() + b"</Relationships>")


def docx_types(xml: bytes) -> bytes:
    """Return [Content_Types].xml with the header and footer."""
    added = "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>'
        for part, kind in (("/word/header1.xml", HEADER_TYPE), ("/word/footer1.xml", FOOTER_TYPE))
    )
    return xml.replace(b"</Types>", added.encode() + b"</Types>")


def make_docx(default: bytes) -> bytes:
    """Return our reference.docx from pandoc's default one."""
    entries = read_zip(default)
    changes: dict[str, Callable[[bytes], bytes]] = {
        "word/styles.xml": docx_styles,
        "word/fontTable.xml": docx_fonts,
        "word/document.xml": docx_document,
        "word/_rels/document.xml.rels": docx_rels,
        "[Content_Types].xml": docx_types,
    }
    for name, change in changes.items():
        entries[name] = change(entries[name])
    entries["word/header1.xml"] = docx_header()
    entries["word/footer1.xml"] = docx_footer()
    return write_zip(entries)


# -- odt --------------------------------------------------------------------------------------

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def _pt(value: float) -> str:
    return f"{value:g}pt"


def odt_properties(look: Look) -> tuple[dict[str, str], dict[str, str]]:
    """Return the paragraph and text properties of a look, as ODF attributes."""
    para: dict[str, str] = {}
    text: dict[str, str] = {}
    if look.before is not None:
        para[f"{{{FO}}}margin-top"] = _pt(look.before)
    if look.after is not None:
        para[f"{{{FO}}}margin-bottom"] = _pt(look.after)
    if look.line is not None:
        para[f"{{{FO}}}line-height"] = f"{round(look.line * 100)}%"
    if look.keep_next:
        para[f"{{{FO}}}keep-with-next"] = "always"
    if look.page_break:
        para[f"{{{FO}}}break-before"] = "page"
    if look.border_top:
        width, colour = look.border_top
        para[f"{{{FO}}}border-top"] = f"{_pt(width)} solid {colour}"
        para[f"{{{FO}}}padding-top"] = _pt(6)
    if look.border_left:
        width, colour = look.border_left
        para[f"{{{FO}}}border-left"] = f"{_pt(width)} solid {colour}"
        para[f"{{{FO}}}padding-left"] = _pt(8)
    if look.indent is not None:
        para[f"{{{FO}}}margin-left"] = _pt(look.indent)
    if look.shade:
        para[f"{{{FO}}}background-color"] = look.shade
        para[f"{{{FO}}}padding"] = _pt(4)
    if look.align:
        para[f"{{{FO}}}text-align"] = "center" if look.align == "center" else "start"
    if look.font:
        for attr in ("font-name", "font-name-asian", "font-name-complex"):
            text[f"{{{STYLE}}}{attr}"] = look.font
    if look.size is not None:
        text[f"{{{FO}}}font-size"] = _pt(look.size)
        text[f"{{{STYLE}}}font-size-asian"] = _pt(look.size)
        text[f"{{{STYLE}}}font-size-complex"] = _pt(look.size)
    if look.bold is not None:
        weight = "bold" if look.bold else "normal"
        text[f"{{{FO}}}font-weight"] = weight
        text[f"{{{STYLE}}}font-weight-asian"] = weight
        text[f"{{{STYLE}}}font-weight-complex"] = weight
    if look.italic is not None:
        posture = "italic" if look.italic else "normal"
        text[f"{{{FO}}}font-style"] = posture
        text[f"{{{STYLE}}}font-style-asian"] = posture
        text[f"{{{STYLE}}}font-style-complex"] = posture
    if look.caps:
        text[f"{{{FO}}}text-transform"] = "uppercase"
        text[f"{{{FO}}}letter-spacing"] = "0.05em"
    if look.colour:
        text[f"{{{FO}}}color"] = look.colour
    if look.underline:
        text[f"{{{STYLE}}}text-underline-style"] = "solid"
        text[f"{{{STYLE}}}text-underline-width"] = "auto"
        text[f"{{{STYLE}}}text-underline-color"] = "font-color"
    return para, text


def _odt_style(styles: ET.Element, name: str, family: str) -> ET.Element:
    for style in styles.findall(f"{{{STYLE}}}style"):
        if style.get(f"{{{STYLE}}}name") == name:
            return style
    attrs = {f"{{{STYLE}}}name": name, f"{{{STYLE}}}family": family}
    if family == "paragraph":
        attrs[f"{{{STYLE}}}parent-style-name"] = "Standard"
    return ET.SubElement(styles, f"{{{STYLE}}}style", attrs)


def _odt_set(style: ET.Element, look: Look, *, paragraph: bool) -> None:
    para, text = odt_properties(look)
    for tag, attrs in (
        ("paragraph-properties", para if paragraph else {}),
        ("text-properties", text),
    ):
        if not attrs:
            continue
        found = style.find(f"{{{STYLE}}}{tag}")
        if found is None:
            found = ET.Element(f"{{{STYLE}}}{tag}")
            # paragraph-properties come before text-properties
            style.insert(0 if tag == "paragraph-properties" else len(style), found)
        found.attrib.update(attrs)


def odt_styles(xml: bytes) -> bytes:
    """Return pandoc's styles.xml (ODT) with the report's look, A4 pages, header, footer."""
    _register(xml)
    root = ET.fromstring(xml)
    decls = root.find(f"{{{OFFICE}}}font-face-decls")
    if decls is not None:
        for name, family in FONTS.items():
            ET.SubElement(
                decls,
                f"{{{STYLE}}}font-face",
                {
                    f"{{{STYLE}}}name": name,
                    f"{{{SVG}}}font-family": f"'{name}'",
                    f"{{{STYLE}}}font-family-generic": family,
                    f"{{{STYLE}}}font-pitch": "variable",
                },
            )
    styles = root.find(f"{{{OFFICE}}}styles")
    assert styles is not None
    # The parent of every heading: no Arial of its own.
    _odt_set(_odt_style(styles, "Heading", "paragraph"), Look(font=SANS), paragraph=True)
    for _docx, _name, name, look in PARAGRAPHS:
        if name:
            _odt_set(_odt_style(styles, name, "paragraph"), look, paragraph=True)
    for _docx, _name, name, look in CHARACTERS:
        _odt_set(_odt_style(styles, name, "text"), look, paragraph=False)
    # The licence's heading starts the licence page (residence.render.office._finish_odt).
    licence = _odt_style(styles, LICENCE_HEADING, "paragraph")
    licence.attrib.update(
        {
            f"{{{STYLE}}}display-name": "Licence Heading",
            f"{{{STYLE}}}parent-style-name": "Heading_20_2",
            f"{{{STYLE}}}default-outline-level": "2",
            f"{{{STYLE}}}class": "text",
        }
    )
    _odt_set(licence, Look(page_break=True), paragraph=True)
    automatic = root.find(f"{{{OFFICE}}}automatic-styles")
    if automatic is not None:
        for layout in automatic.findall(f"{{{STYLE}}}page-layout"):
            props = layout.find(f"{{{STYLE}}}page-layout-properties")
            if props is not None:
                props.attrib.update(
                    {
                        f"{{{FO}}}page-width": "21cm",
                        f"{{{FO}}}page-height": "29.7cm",
                        **{f"{{{FO}}}margin-{side}": "2.5cm" for side in ("left", "right")},
                        f"{{{FO}}}margin-top": "1.5cm",
                        f"{{{FO}}}margin-bottom": "1.5cm",
                    }
                )
            header_style = layout.find(f"{{{STYLE}}}header-style")
            if header_style is not None:
                header_style.clear()
                ET.SubElement(
                    header_style,
                    f"{{{STYLE}}}header-footer-properties",
                    {f"{{{FO}}}min-height": "0.5cm", f"{{{FO}}}margin-bottom": "0.5cm"},
                )
    masters = root.find(f"{{{OFFICE}}}master-styles")
    if masters is not None:
        for master in masters.findall(f"{{{STYLE}}}master-page"):
            for old in master.findall(f"{{{STYLE}}}header"):
                master.remove(old)
            header = ET.Element(f"{{{STYLE}}}header")
            ET.SubElement(
                header, f"{{{TEXT}}}p", {f"{{{TEXT}}}style-name": "Header"}
            ).text = BAND_MARK
            master.insert(0, header)
            for footer in master.findall(f"{{{STYLE}}}footer"):
                for p in footer.findall(f"{{{TEXT}}}p"):
                    p.set(f"{{{TEXT}}}style-name", "Footer")
    return _tostring(root)


def make_odt(default: bytes) -> bytes:
    """Return our reference.odt from pandoc's default one."""
    entries = read_zip(default)
    entries["styles.xml"] = odt_styles(entries["styles.xml"])
    return write_zip(entries)


# -- the command ------------------------------------------------------------------------------


def pandoc_default(name: str) -> bytes:
    """Return one of pandoc's default data files (reference.docx, reference.odt)."""
    from residence.render.office.pandoc import pandoc_path

    done = subprocess.run(
        [str(pandoc_path()), "--print-default-data-file", name],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def make_references(folder: Path) -> list[Path]:
    """Write reference.docx and reference.odt into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (("reference.docx", make_docx), ("reference.odt", make_odt)):
        path = folder / name
        path.write_bytes(make(pandoc_default(name)))
        written.append(path)
    return written


def main() -> None:
    """Write templates/office/reference.docx and .odt (next to the report's templates)."""
    from residence.resources import templates_dir

    for path in make_references(templates_dir() / "office"):
        print(path)  # noqa: T201 - a maintainer's command


if __name__ == "__main__":
    main()

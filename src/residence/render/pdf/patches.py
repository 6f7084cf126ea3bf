"""Every patch of WeasyPrint's, pydyf's and tinyhtml5's internals: what each relies on.

The libraries have no option for what these do: each replaces, wraps or reaches into a
function, attribute or method that is not their public API, and relies on how the library
works inside. Each says what it relies on and the versions it was checked with
(``CHECKED_WITH``). An installer is idempotent, leaves the library alone when it no longer
looks as expected, and returns whether its patch is in place. ``tests/test_pdf_patches.py``
checks, for each, that the library still has what the patch relies on: after an upgrade, a
failure there names the patch to look at again.

None of them changes what the PDF shows: they save time and memory, and (the one change in
the bytes) compress at zlib's default level (``PDF_COMPRESSION``).
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, fromstring, tostring

if TYPE_CHECKING:
    from weasyprint import HTML, Document

#: The versions every patch here was last checked with.
CHECKED_WITH = {"weasyprint": "70.0", "pydyf": "0.13.0", "tinyhtml5": "2.1.0"}

#: zlib's level for what our PDFs compress: its default. pydyf uses 9, which took four times
#: as long for a file 3 % smaller (on the 1,500-entry bench, the pages' drawing and the
#: tags' object stream: 2.4 s of CPU against 0.6 s, 3.81 MB against 3.92 MB).
PDF_COMPRESSION = 6
#: Pages tagged between two hand-backs of freed memory to the system.
TRIM_EVERY = 32
#: The name of the sRGB colour profile given to a PDF/A as its output intent.
SRGB = "residence-srgb"


def install() -> None:
    """Install the patches of the libraries' costs (all idempotent); nothing in the PDF
    changes but the compression level."""
    page_references_once()
    parser_patterns_once()
    compress_drawn_pages()
    compress_at_default_level()
    release_tagged_pages()


# -- pydyf -----------------------------------------------------------------------------------


def page_references_once() -> bool:
    """Make pydyf's ``PDF.page_references`` compute its tuple once per page count.

    WeasyPrint reads that property for every tagged element and every link, and pydyf
    rebuilds the tuple of all page references at each read: the time of tagging grew with
    the square of the page count (tens of seconds for an 800-page report). The values are
    the same: relies on the property depending only on ``pdf.pages["Kids"]``, a list that
    ``add_page`` only extends. Left alone if pydyf no longer has this property. Checked
    with pydyf 0.13.0.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property):
        return False
    if getattr(original.fget, "_residence", False):
        return True
    compute = original.fget
    assert compute is not None

    @functools.wraps(compute)
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
    return True


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


def compress_at_default_level() -> bool:
    """Have pydyf compress at ``PDF_COMPRESSION`` instead of its level 9.

    Relies on pydyf compressing through the ``zlib`` module it imported (``pydyf.zlib``,
    ``zlib.compressobj(level=9)`` in ``Stream.data``): that name is given ``_PdfZlib``.
    Left alone if pydyf no longer uses zlib. Checked with pydyf 0.13.0.
    """
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _PdfZlib()
    return isinstance(getattr(pydyf, "zlib", None), _PdfZlib)


def compress_operators(stream: Any) -> None:
    """Join and compress a drawn page's operators in place, as pydyf would when writing.

    Relies on pydyf's ``Stream``: its operators in the list ``stream``, its dictionary in
    ``extra``, its flag ``compress``, and ``Stream.data`` joining ``_to_bytes(item)`` with
    new lines, then compressing with ``/FlateDecode``: the same separator and filter, at
    ``PDF_COMPRESSION``. A stream that is not pydyf's, or already has a filter, is left
    alone. Checked with pydyf 0.13.0.
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


# -- tinyhtml5 (WeasyPrint's HTML parser) -----------------------------------------------------


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


def parser_patterns_once() -> bool:
    """Make tinyhtml5, WeasyPrint's HTML parser, keep the patterns it builds while it reads.

    Its ``HTMLUnicodeInputStream.chars_until`` (every run of text, every attribute value)
    caches the pattern of its stop characters in the module's ``characters_until_regex``,
    but stores it under the pattern instead of the characters (``characters =
    characters_until_regex[(characters, opposite)] = regex`` assigns ``characters`` first):
    the cache never hits, and each call builds and compiles-or-looks-up its pattern again, a
    third of the parsing of a large report. A cache that builds what it misses, under the
    right key, is put in its place: the same patterns, so the same tree. Left alone if
    tinyhtml5 no longer has this cache. Checked with tinyhtml5 2.1.0.
    """
    try:
        from tinyhtml5 import inputstream
    except ImportError:  # pragma: no cover - WeasyPrint depends on it
        return False
    cache = getattr(inputstream, "characters_until_regex", None)
    if type(cache) is dict:  # a plain dict: upstream's, not ours
        inputstream.characters_until_regex = _StopPatterns()
    return isinstance(getattr(inputstream, "characters_until_regex", None), _StopPatterns)


# -- WeasyPrint: drawing and tagging ----------------------------------------------------------


def compress_drawn_pages() -> bool:
    """Compress each page's drawing operators as soon as the page is drawn.

    pydyf keeps every operator of every page as a small object of its own until the PDF is
    written, then joins and compresses them (a quarter of a megabyte a page, held while the
    layout is still in memory). Done right after the page is drawn, a page weighs what its
    compressed operators do (``compress_operators``). Wraps WeasyPrint's
    ``Page.paint(self, stream, scale=1)``, which draws a whole page into the pydyf stream it
    is given. Left alone if WeasyPrint or pydyf change these names. Checked with WeasyPrint
    70.0 and pydyf 0.13.0.
    """
    import pydyf
    from weasyprint.document import Page

    original = Page.__dict__.get("paint")
    if not hasattr(pydyf, "_to_bytes") or not callable(original):
        return False
    if getattr(original, "_residence", False):
        return True

    @functools.wraps(original)
    def paint(page: Any, stream: Any, scale: float = 1) -> None:
        original(page, stream, scale)
        compress_operators(stream)

    paint._residence = True  # type: ignore[attr-defined]
    Page.paint = paint
    return True


def release_tagged_pages() -> bool:
    """Let each page's boxes go as soon as its tags are made.

    WeasyPrint tags the PDF for screen readers once every page is drawn, page by page, from
    the laid-out boxes: the tags (about 100 MB for 800 pages) came on top of the whole
    layout, the peak of the memory. Once a page is tagged its boxes have served (what the
    page keeps for its links is kept apart): they are let go, and the memory they held is
    handed back every few pages, so that the layout shrinks while the tags grow. Wraps the
    private ``weasyprint.pdf.tags._build_box_tree(box, …)``, which ``add_tags`` calls once
    per page with the page's ``PageBox`` and whose elements it reads to the end. Left alone
    if WeasyPrint changes these names. Checked with WeasyPrint 70.0.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    page_box = getattr(boxes, "PageBox", None)
    if not callable(original) or page_box is None:
        return False
    if getattr(original, "_residence", False):
        return True

    tagged = itertools.count(1)

    def then_release(elements: Iterator[Any], page: Any) -> Iterator[Any]:
        yield from elements
        page.children = []
        if next(tagged) % TRIM_EVERY == 0:
            release_memory()

    @functools.wraps(original)
    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        elements = original(box, *args, **kwargs)
        return then_release(elements, box) if isinstance(box, page_box) else elements

    build_box_tree._residence = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
    return True


def release_memory() -> None:
    """Give the memory freed by the layout back to the system (glibc), for the writing."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to do
        pass


#: What WeasyPrint's layout context keeps of the layout once the pages are made: page states,
#: footnotes, running elements, tables, floats and the boxes built before the layout.
LAYOUT_STATE = (
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


def release_layout_state(document: Document) -> None:
    """Let go of the layout's working state, which an SVG image keeps alive until the end.

    An SVG image (the actor map, the charts) keeps the layout context it was laid out with,
    to draw itself later: for its text and images it needs the fonts, the hyphenation
    dictionaries and the image cache, which stay. The context also holds the layout's
    working state, and through the targets of ``target-counter()`` the boxes built before
    the layout: a third of all the boxes of a report, kept in memory until the PDF was
    written. Only that state is cleared, once the pages are made. Relies on WeasyPrint's
    private ``Page._page_box``, ``SVGImage._context`` (a ``LayoutContext``), the
    ``LAYOUT_STATE`` attributes of that context and its ``target_collector``'s
    ``target_lookup_items`` and ``counter_lookup_items``; whatever is missing is skipped.
    Checked with WeasyPrint 70.0.
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
    for name in LAYOUT_STATE:
        value = getattr(context, name, None)
        if isinstance(value, (dict, list)):
            value.clear()
    collector = getattr(context, "target_collector", None)
    for name in ("target_lookup_items", "counter_lookup_items"):
        value = getattr(collector, name, None)
        if isinstance(value, dict):
            value.clear()


# -- WeasyPrint: the user-agent style sheet ---------------------------------------------------

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
    """Return WeasyPrint's user-agent style sheet without the rules that match every element.

    Relies on those rules starting their line in ``weasyprint.html.UA`` (the text of
    ``html5_ua.css``). Checked with WeasyPrint 70.0.
    """
    return _UA_NOTES.sub("", _UA_MARKER.sub("li::marker, summary::marker", text))


@functools.cache
def print_html_class() -> type[HTML]:
    """Return WeasyPrint's ``HTML`` with the lean user-agent style sheet (same output).

    WeasyPrint has no option for this: the subclass replaces its stock sheet
    (``weasyprint.html.UA_STYLESHEET``), and nothing else, in what the private
    ``HTML._ua_stylesheets(self, forms=False)`` returns. The first call also installs the
    other patches (``install``). Plain ``HTML`` if WeasyPrint changes these names. Checked
    with WeasyPrint 70.0.
    """
    from weasyprint import CSS, HTML
    from weasyprint import html as weasy_html

    install()
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


# -- WeasyPrint: metadata and output intent ---------------------------------------------------


def metadata_class() -> type:
    """Return WeasyPrint's ``DocumentMetadata`` that adds ``extra_rdf`` to its XMP.

    Overrides ``generate_rdf_metadata(self, variant, version, conformance)``, which returns
    the one ``rdf:RDF`` element that ``include_in_pdf`` wraps in the XMP packet: the
    licence's elements are added inside it. Checked with WeasyPrint 70.0.
    """
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


def include_xmp(document: Any, pdf: Any) -> None:
    """Add the document's XMP metadata to a PDF that has none (one without a PDF/A variant).

    Calls WeasyPrint's ``DocumentMetadata.include_in_pdf(pdf, variant, version,
    conformance, compress)`` with no variant, as WeasyPrint only does for its variants.
    Checked with WeasyPrint 70.0.
    """
    document.metadata.include_in_pdf(pdf, None, None, None, compress=True)


def srgb_output_intent(document: Document, variant: str) -> dict[str, str]:
    """Give a PDF/A its sRGB output intent; return the option that names it.

    WeasyPrint 70's own (``output_intent="srgb"``) opens its ``sRGB2014.icc`` without
    closing it. The same profile, read here at once, is put in the private
    ``document.color_profiles`` under ``SRGB`` with WeasyPrint's ``ColorProfile(file_object,
    src, rendering_intent, components)``, and named as the output intent. Checked with
    WeasyPrint 70.0.
    """
    if not variant.startswith("pdf/a"):
        return {}
    from importlib.resources import files

    from weasyprint.css import ColorProfile

    icc = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    document.color_profiles[SRGB] = ColorProfile(
        io.BytesIO(icc), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {"output_intent": SRGB}

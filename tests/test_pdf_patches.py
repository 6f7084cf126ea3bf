"""The patches of WeasyPrint's, pydyf's and tinyhtml5's internals (render/pdf/patches.py).

Two kinds of test for each patch: it does what it says (the same output, the work saved),
and the library still has what the patch relies on (names, signatures, the lines of code it
works around). After an upgrade of a library, a failing ``test_*_still_*`` names the patch
to look at again, with its docstring: upstream changed what it reaches into, or fixed what
it works around (then the patch may go). Fast: no PDF is rendered but a two-list page.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from importlib.resources import files
from types import SimpleNamespace
from typing import Any

import pydyf
import pytest
import tinyhtml5
from pypdf import PdfReader
from tinyhtml5 import inputstream
from weasyprint import HTML, document, images, layout
from weasyprint import html as weasy_html
from weasyprint import pdf as weasy_pdf
from weasyprint.css import ColorProfile, targets
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import metadata as weasy_metadata
from weasyprint.pdf import tags

from residence.render.pdf import patches
from residence.render.pdf.metadata import NS, PdfInfo, licence_xmp
from residence.render.pdf.patches import (
    LAYOUT_STATE,
    PDF_COMPRESSION,
    SRGB,
    compress_at_default_level,
    compress_drawn_pages,
    compress_operators,
    include_xmp,
    lean_user_agent_css,
    metadata_class,
    page_references_once,
    parser_patterns_once,
    print_html_class,
    release_tagged_pages,
    srgb_output_intent,
)

INSTALLERS: list[Callable[[], bool]] = [
    page_references_once,
    parser_patterns_once,
    compress_at_default_level,
    compress_drawn_pages,
    release_tagged_pages,
]


def _source(obj: Any) -> str:
    """Return the source of ``obj`` on one line, its quotes all single."""
    return " ".join(inspect.getsource(obj).replace('"', "'").split())


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(inspect.unwrap(function)).parameters)


# -- every installer ----------------------------------------------------------------------------


@pytest.mark.parametrize("install", INSTALLERS, ids=lambda f: f.__name__)
def test_every_patch_is_in_place_with_the_installed_libraries(
    install: Callable[[], bool],
) -> None:
    """False means the installer found the library changed and left it alone."""
    assert install(), f"{install.__name__}: the library changed, the patch was not installed"
    assert install()  # idempotent


@pytest.mark.parametrize(
    ("install", "owner", "name"),
    [
        (page_references_once, pydyf.PDF, "page_references"),
        (parser_patterns_once, inputstream, "characters_until_regex"),
        (compress_at_default_level, pydyf, "zlib"),
        (compress_drawn_pages, document.Page, "paint"),
        (release_tagged_pages, tags, "_build_box_tree"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_an_installer_leaves_a_changed_library_alone_and_says_so(
    install: Callable[[], bool], owner: object, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = object()
    monkeypatch.setattr(owner, name, changed)
    assert install() is False
    assert getattr(owner, name) is changed


# -- pydyf: page references ---------------------------------------------------------------------


def test_page_references_are_built_once_per_page_count() -> None:
    """The pydyf speed-up returns what pydyf returns, and follows pages added later."""
    page_references_once()
    prop = pydyf.PDF.__dict__["page_references"]
    assert getattr(prop.fget, "_residence", False)
    pdf = pydyf.PDF()
    for _ in range(3):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert pdf.page_references is first  # cached
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4


def test_pydyf_page_references_still_depend_only_on_kids_that_only_grow() -> None:
    page_references_once()
    upstream = inspect.unwrap(pydyf.PDF.__dict__["page_references"].fget)
    assert _parameters(upstream) == ["self"]
    assert "self.pages['Kids'][::3]" in _source(upstream)
    # The one change of the list after it is made: add_page extends it.
    assert "self.pages['Kids'].extend(" in _source(pydyf.PDF.add_page)
    assert re.findall(r"\['Kids'\]\.?\w*", _source(pydyf)) == [
        "['Kids'].extend",
        "['Kids']",
    ]


# -- pydyf: compression -------------------------------------------------------------------------


def test_drawn_page_operators_are_compressed_as_pydyf_writes_them() -> None:
    """Compressed once drawn: the same operators, FlateDecode, at zlib's default level."""

    def drawn() -> pydyf.Stream:
        stream = pydyf.Stream(compress=True)
        for n in range(50):
            stream.push_state()
            stream.set_color_rgb(0.1, 0.2, n / 50)
            stream.rectangle(n, 2 * n, 10.5, 3)
            stream.fill()
            stream.pop_state()
        return stream

    plain = drawn()
    plain.compress = False
    operators = b"\n".join(pydyf._to_bytes(item) for item in plain.stream)
    stream = drawn()
    compress_operators(stream)
    (data,) = stream.stream
    assert zlib.decompress(data) == operators
    compressor = zlib.compressobj(level=PDF_COMPRESSION)
    assert data == compressor.compress(operators) + compressor.flush()
    assert stream.extra["Filter"] == "/FlateDecode" and not stream.compress
    # pydyf writes it as it is, with its filter and length.
    written = stream.data
    assert b"/Filter /FlateDecode" in written and f"/Length {len(data)}".encode() in written
    assert written.endswith(data + b"\nendstream")
    # Done once: a stream that has a filter is left as it is.
    compress_operators(stream)
    assert stream.stream == [data]


def test_pydyf_stream_still_joins_and_compresses_its_operators_as_copied() -> None:
    """compress_operators does what Stream.data does, with the same names and separator."""
    assert _parameters(pydyf._to_bytes) == ["item"]
    assert _parameters(pydyf.Stream.__init__) == ["self", "stream", "extra", "compress"]
    init = _source(pydyf.Stream.__init__)
    for name in ("stream", "extra", "compress"):
        assert f"self.{name} = " in init
    data = _source(inspect.unwrap(pydyf.Stream.data.fget))
    assert "b'\\n'.join(_to_bytes(item) for item in self.stream)" in data
    assert "if self.compress: extra['Filter'] = '/FlateDecode'" in data


def test_pydyf_compresses_at_zlibs_default_level() -> None:
    """Every stream pydyf compresses (the tags' object stream, fonts) is at level 6."""
    compress_at_default_level()
    compress_at_default_level()  # idempotent
    assert pydyf.zlib is not zlib and pydyf.zlib.compress is zlib.compress
    content = b"".join(b"<</Type /StructElem /S /P /K %d>>\n" % n for n in range(2000))
    written = pydyf.Stream([content], compress=True).data
    compressor = zlib.compressobj(level=PDF_COMPRESSION)
    expected = compressor.compress(content) + compressor.flush()
    assert written.endswith(b"stream\n" + expected + b"\nendstream")
    assert zlib.decompress(expected) == content


def test_pydyf_still_compresses_at_level_9_through_its_zlib() -> None:
    """The level the patch overrides, through the module name it replaces."""
    assert "zlib.compressobj(level=9)" in _source(inspect.unwrap(pydyf.Stream.data.fget))
    assert "\nimport zlib\n" in inspect.getsource(pydyf)


# -- tinyhtml5: the parser's pattern cache ------------------------------------------------------


def test_html_parser_builds_each_stop_pattern_once_and_reads_the_same_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tinyhtml5's pattern cache is replaced by one that hits: same patterns, same tree."""
    page = (
        '<!DOCTYPE html><html lang="fr"><head><title>Té &amp; co</title></head><body>'
        "<p class='a b' data-x=\"1 &lt; 2\" title=x>Élèves, <b>hall</b> d’attente &nbsp; "
        "&#x27;ok&#39; <!-- a comment --> & fin</p><pre>  a\n\tb </pre>"
        '<svg viewBox="0 0 10 10"><![CDATA[ raw ]]><text x="1">Σ</text></svg>'
        "<table><tr><td>1<td>2</table><textarea>\x00 </textarea><a href='#x'>x</a>"
        "</body></html>"
    )

    def tree() -> str:
        return ET.tostring(tinyhtml5.parse(page), encoding="unicode")

    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    before = tree()
    assert parser_patterns_once()
    assert parser_patterns_once()  # idempotent
    cache = inputstream.characters_until_regex
    assert type(cache) is not dict
    assert tree() == before
    # Keyed by what chars_until looks up, built once each: a second page adds nothing.
    keys = set(cache)
    assert keys and all(isinstance(opposite, bool) for _, opposite in keys)
    tree()
    assert set(cache) == keys
    for (characters, opposite), pattern in cache.items():
        # The pattern upstream builds for these characters.
        listed = "".join(f"\\x{ord(c):02x}" for c in characters)
        upstream = re.compile(f"[{listed}]+" if opposite else f"[^{listed}]+")
        for text in ["abc <p>", "  \t\nx", "&amp;", '"quoted"', "\x00", "-->", "", "]]>"]:
            assert bool(pattern.match(text)) == bool(upstream.match(text))
            if pattern.match(text):
                assert pattern.match(text).end() == upstream.match(text).end()  # type: ignore[union-attr]


def test_tinyhtml5_still_misses_its_pattern_cache() -> None:
    """The line the patch works around: the pattern is stored under itself, not its key.

    When this fails, tinyhtml5 may have fixed its cache: check, and drop the patch.
    """
    source = _source(inputstream.HTMLUnicodeInputStream.chars_until)
    assert "characters_until_regex[(characters, opposite)]" in source  # the key looked up
    assert "characters = characters_until_regex[(characters, opposite)] = regex" in source
    # The patterns _StopPatterns builds the same way.
    assert "f'\\\\x{ord(character):02x}'" in source and "f'^{regex}'" in source
    assert "re.compile(f'[{regex}]+')" in source


# -- WeasyPrint: drawn pages compressed, tagged pages let go ------------------------------------


def test_weasyprint_still_paints_each_page_once_into_a_pydyf_stream() -> None:
    """compress_drawn_pages wraps Page.paint: the page's stream is complete once it returns."""
    compress_drawn_pages()
    assert _parameters(document.Page.paint) == ["self", "stream", "scale"]
    assert inspect.signature(inspect.unwrap(document.Page.paint)).parameters["scale"].default == 1
    assert issubclass(weasy_pdf.stream.Stream, pydyf.Stream)
    generate = inspect.getsource(weasy_pdf.generate_pdf)
    assert generate.count("page.paint(stream, scale)") == 1
    # Nothing is drawn into the page's stream after its paint (until the next page).
    after = generate[generate.index("page.paint(stream, scale)") + len("page.paint") :]
    assert "stream" not in after[len("(stream, scale)") : after.index("add_tags(")]


def test_weasyprint_still_tags_each_page_from_its_page_box_after_drawing_them_all() -> None:
    """release_tagged_pages empties a page box once _build_box_tree has gone through it."""
    release_tagged_pages()
    assert _parameters(tags._build_box_tree) == [
        "box",
        "parent",
        "pdf",
        "page_number",
        "nums",
        "annotations",
        "tags",
    ]
    assert inspect.isgeneratorfunction(inspect.unwrap(tags._build_box_tree))
    add_tags = _source(tags.add_tags)
    assert "page_box = page._page_box" in add_tags
    assert "elements = _build_box_tree( page_box," in add_tags
    assert "for element in elements:" in add_tags
    generate = inspect.getsource(weasy_pdf.generate_pdf)
    tagging = generate.index("add_tags(")
    assert generate.index("page.paint(stream, scale)") < tagging
    assert "_page_box" not in generate[tagging:]  # the boxes are not read after tagging
    assert isinstance(getattr(boxes, "PageBox", None), type)


def test_weasyprint_still_keeps_the_layout_state_where_it_is_released() -> None:
    """release_layout_state finds the layout context through an SVG image of a page."""
    assert "self._page_box = page_box" in _source(document.Page.__init__)
    assert "self.replacement = replacement" in _source(boxes.ReplacedBox.__init__)
    assert "self._context = context" in _source(images.SVGImage.__init__)
    context = _source(layout.LayoutContext.__init__)
    assert "self.target_collector = target_collector" in context
    for name in LAYOUT_STATE:
        assert f"self.{name} = " in context or f"context.{name} = " in _source(layout), name
    collector = _source(targets.TargetCollector.__init__)
    assert "self.target_lookup_items = {}" in collector
    assert "self.counter_lookup_items = {}" in collector


# -- WeasyPrint: the user-agent style sheet -----------------------------------------------------


def test_lean_user_agent_sheet_drops_only_the_rules_that_match_every_element() -> None:
    """Six user-agent rules gave every element six styles of their own; list markers stay."""
    lean = lean_user_agent_css(weasy_html.UA)
    assert re.search(r"^::", weasy_html.UA, re.MULTILINE)  # the stock sheet has them
    assert not re.search(r"^::", lean, re.MULTILINE)
    assert "li::marker, summary::marker {" in lean
    assert "footnote-call" not in lean and "note-callback" not in lean
    # Nothing else goes: the sheet only loses those lines.
    assert len(weasy_html.UA) - len(lean) < 400
    cls = print_html_class()
    assert cls is not HTML and issubclass(cls, HTML)
    page = cls(string="<html lang=fr><body><p>x</p></body></html>")
    (sheet,) = page._ua_stylesheets()
    assert sheet is not weasy_html.UA_STYLESHEET
    (form_sheet,) = page._ua_stylesheets(forms=True)[1:]
    assert form_sheet is weasy_html.UA_FORM_STYLESHEET


def test_weasyprint_still_takes_its_user_agent_sheets_where_the_subclass_replaces_one() -> None:
    assert _parameters(HTML._ua_stylesheets) == ["self", "forms"]
    assert inspect.signature(HTML._ua_stylesheets).parameters["forms"].default is False
    assert "return [UA_STYLESHEET]" in _source(HTML._ua_stylesheets)
    assert isinstance(weasy_html.UA, str)
    assert weasy_html.UA_STYLESHEET is not None and weasy_html.UA_COUNTER_STYLE is not None
    assert "UA_STYLESHEET = CSS(string=UA, counter_style=UA_COUNTER_STYLE)" in _source(weasy_html)
    # The rules the lean sheet drops start their line, as lean_user_agent_css expects.
    assert re.findall(r"^::(marker|footnote-\w+|note-\w+)\b", weasy_html.UA, re.MULTILINE)


@pytest.mark.pdf
def test_lean_user_agent_sheet_keeps_list_markers() -> None:
    html = (
        "<html lang=fr><body><ol><li>Premier</li><li>Second</li></ol>"
        "<ul><li>Puce</li></ul></body></html>"
    )

    def text(cls: type) -> str:
        return str(PdfReader(io.BytesIO(cls(string=html).write_pdf())).pages[0].extract_text())

    lean = text(print_html_class())
    assert "1." in lean and "2." in lean and "•" in lean
    assert lean == text(HTML)


# -- WeasyPrint: metadata and output intent -----------------------------------------------------


def _info() -> PdfInfo:
    return PdfInfo(
        title="Titre",
        authors=["Claire Dumas"],
        subject="Sujet",
        keywords=["accueil"],
        language="fr",
        licence_spdx="CC-BY-4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        attribution="“Titre”, Claire Dumas",
        created=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
    )


def test_the_licence_goes_inside_weasyprints_one_rdf_element() -> None:
    metadata = metadata_class()(title="Titre", authors=["Claire Dumas"], lang="fr")
    metadata.extra_rdf = licence_xmp(_info())
    root = ET.fromstring(metadata.generate_rdf_metadata(None, None, None))
    assert root.tag == f"{{{NS['rdf']}}}RDF"
    licence = root.find(f".//{{{NS['cc']}}}license")
    assert licence is not None
    assert licence.get(f"{{{NS['rdf']}}}resource") == _info().licence_url
    pdf = pydyf.PDF()
    include_xmp(SimpleNamespace(metadata=metadata), pdf)
    (stream,) = (o for o in pdf.objects if isinstance(o, pydyf.Stream))
    assert pdf.catalog["Metadata"] == stream.reference and stream.compress
    assert b"creativecommons.org/licenses/by/4.0" in b"".join(stream.stream)


def test_weasyprint_metadata_still_has_what_the_licence_is_added_through() -> None:
    parameters = _parameters(weasy_metadata.DocumentMetadata.__init__)
    for name in ("title", "authors", "description", "keywords", "generator", "created"):
        assert name in parameters
    assert {"modified", "attachments", "lang"} <= set(parameters)
    generate = weasy_metadata.DocumentMetadata.generate_rdf_metadata
    assert _parameters(generate) == ["self", "variant", "version", "conformance"]
    include = weasy_metadata.DocumentMetadata.include_in_pdf
    assert _parameters(include) == ["self", "pdf", "variant", "version", "conformance", "compress"]
    assert "self.generate_rdf_metadata(variant, version, conformance)" in _source(include)
    assert "rdf = Element(f'{{{NS['rdf']}}}RDF')" in _source(generate)


def test_srgb_output_intent_is_given_to_a_pdf_a_only() -> None:
    profiles: dict[str, Any] = {}
    fake = SimpleNamespace(color_profiles=profiles)
    assert srgb_output_intent(fake, "pdf/ua-1") == {}
    assert not profiles
    assert srgb_output_intent(fake, "pdf/a-3u") == {"output_intent": SRGB}
    assert profiles[SRGB].components == (["r"], ["g"], ["b"])
    assert profiles[SRGB].rendering_intent == "relative-colorimetric"


def test_weasyprint_still_leaves_its_srgb_profile_open_and_reads_ours_by_name() -> None:
    """When WeasyPrint closes its sRGB profile, ``output_intent="srgb"`` can be used again."""
    assert (files("weasyprint.pdf") / "sRGB2014.icc").is_file()
    assert _parameters(ColorProfile.__init__) == [
        "self",
        "file_object",
        "src",
        "rendering_intent",
        "components",
    ]
    assert "self.color_profiles = color_profiles" in _source(document.Document.__init__)
    generate = _source(weasy_pdf.generate_pdf)
    assert "(files(__package__) / 'sRGB2014.icc').open('rb')" in generate
    assert "color_profile = document.color_profiles[document.output_intent]" in generate


def test_every_patch_names_the_versions_it_was_checked_with() -> None:
    assert set(patches.CHECKED_WITH) == {"weasyprint", "pydyf", "tinyhtml5"}
    functions = [
        inspect.unwrap(function)
        for name, function in vars(patches).items()
        if inspect.isfunction(inspect.unwrap(function))
        and function.__module__ == patches.__name__
        and not name.startswith("_")
        and name not in {"install", "release_memory"}  # not patches: they call them, or libc
    ]
    assert len(functions) >= 12
    for function in functions:
        doc = " ".join((function.__doc__ or "").split())
        checked = re.findall(r"Checked with ((?:\w+ [\d.]+(?:,| and)? ?)+)", doc)
        assert checked, f"{function.__name__} does not say which versions it was checked with"
        for library, version in re.findall(r"(\w+) ([\d.]+\d)", checked[0]):
            assert patches.CHECKED_WITH[library.lower()] == version, function.__name__

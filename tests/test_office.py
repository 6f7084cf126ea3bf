"""The report as office documents (render --to docx,odt): what Word and LibreOffice will read.

The documents are read back as their readers would: the docx with python-docx (headings,
core properties) and its XML (pictures and their alternative text), the ODT from its
content.xml, meta.xml and styles.xml. Most tests draw the drawings with a stand-in (a
coloured PNG of the drawing's size), so that they need no PDF layout; the test marked
``pdf`` draws them for real (WeasyPrint, PDFium), through the command line. The example's
documents take pandoc half a minute: those tests are marked ``slow`` (``make test`` runs
them, ``make test-fast`` does not).
Protected names are looked for with the independent scanner (tests/leakscan.py) in every
member of both zip files, on the small residency of the gate's tests, full of real names.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Sequence
from html import unescape
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest
from PIL import Image
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from leakscan import LeakScanner
from residence.check import load_and_check
from residence.cli import app
from residence.errors import ResidenceError, has_errors
from residence.gate import select_edition
from residence.models import Published
from residence.render.html import RenderedReport, render_html
from residence.render.office import (
    LANGUAGE_TAGS,
    RenderedOffice,
    literal,
    render_office,
    styled_reference,
)
from residence.render.office.page import Drawing, Styles, office_page
from residence.render.office.pandoc import run_pandoc
from residence.render.office.raster import svg_size
from residence.render.office.reference import (
    ACCENT,
    BAND_MARK,
    DISPLAY,
    SANS,
    SERIF,
    make_docx,
    make_odt,
    pandoc_default,
)
from residence.resources import templates_dir
from test_gate import base_files, write_residency

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
WHEN = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.timezone.utc)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
ODF = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}
#: The protected people of the gate's small residency, and the team, whose names are kept.
PROTECTED = ["Jean-Pierre Kérouac", "Mathilde L'Hermitte", "Lina Traoré"]
TEAM = ["Claire Fontanel", "Youssef Benali"]


def stand_in(drawings: Sequence[Drawing], styles: Styles) -> list[tuple[bytes, int, int]]:
    """Draw each drawing as a plain PNG of its size, a colour of its own (no PDF layout)."""
    pictures = []
    for index, drawing in enumerate(drawings):
        width, height = (max(1, round(side)) for side in svg_size(drawing.svg))
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (40 + index * 20 % 200, 90, 120)).save(buffer, "PNG")
        pictures.append((buffer.getvalue(), width, height))
    return pictures


def published_of(folder: Path, edition: str = "public") -> Published:
    residency, problems = load_and_check(folder)
    assert not has_errors(problems), [str(p) for p in problems]
    return select_edition(residency, edition)  # type: ignore[arg-type]


def office_of(
    folder: Path, edition: str = "public", formats: Sequence[str] = ("docx", "odt")
) -> tuple[RenderedReport, RenderedOffice]:
    published = published_of(folder, edition)
    report = render_html(published, use_cache=False)
    return report, render_office(report, published, formats, when=WHEN, rasterise=stand_in)


@pytest.fixture(scope="module")
def example() -> tuple[RenderedReport, RenderedOffice]:
    """The example's public report, as HTML and as both office documents."""
    return office_of(EXAMPLE)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def words(text: str) -> str:
    return " ".join(text.split())


def report_headings(html: str) -> list[tuple[int, str]]:
    """Return (level in the document, text) of the report's headings below the cover's title:
    h2 becomes Heading 1, and so on."""
    found = []
    for match in re.finditer(r"<h([2-6])\b[^>]*>(.*?)</h\1>", html, re.S):
        text = words(unescape(re.sub(r"<[^>]+>", " ", match.group(2))))
        found.append((int(match.group(1)) - 1, text.replace(" ,", ",")))
    return found


def docx_headings(data: bytes) -> list[tuple[int, str]]:
    document = docx.Document(io.BytesIO(data))
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("Heading "):
            found.append((int(name.split()[1]), words(paragraph.text)))
    return found


def docx_pictures(data: bytes) -> list[tuple[str, str]]:
    """Return (descr, title) of every picture of a docx, in order."""
    root = ET.fromstring(members(data)["word/document.xml"])
    return [(p.get("descr") or "", p.get("title") or "") for p in root.iter(f"{WP}docPr")]


def odt_content(data: bytes) -> ET.Element:
    return ET.fromstring(members(data)["content.xml"])


def odt_headings(data: bytes) -> list[tuple[int, str]]:
    heading = f"{{{ODF['text']}}}h"
    level = f"{{{ODF['text']}}}outline-level"
    return [
        (int(h.get(level) or 0), words("".join(h.itertext())))
        for h in odt_content(data).iter(heading)
    ]


def odt_pictures(data: bytes) -> list[tuple[str, str, str]]:
    """Return (picture file, svg:title, svg:desc) of every picture frame of an ODT."""
    found = []
    for frame in odt_content(data).iter(f"{{{ODF['draw']}}}frame"):
        image = frame.find(f"{{{ODF['draw']}}}image")
        if image is None:
            continue
        title = frame.findtext(f"{{{ODF['svg']}}}title") or ""
        desc = frame.findtext(f"{{{ODF['svg']}}}desc") or ""
        found.append((image.get(f"{{{ODF['xlink']}}}href") or "", title, desc))
    return found


def report_alts(html: str) -> list[str]:
    """Return the alternative texts of the report's pictures (the <img> it shows)."""
    return [
        words(unescape(alt))
        for alt in re.findall(r'<img\b[^>]*\balt="([^"]*)"', html)
        if alt.strip()
    ]


# -- the example's documents (slow: pandoc reads its 17 pictures, twice) ------------------------


@pytest.mark.slow
def test_the_docx_has_the_reports_headings_in_order(example: tuple) -> None:
    report, office = example
    headings = docx_headings(office.documents["docx"])
    assert headings == report_headings(report.html)
    assert headings[0] == (1, "L’essentiel")
    assert (1, "Crédits et licence") in headings
    # no level is skipped: each heading is at most one level below the one before
    levels = [level for level, _text in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


@pytest.mark.slow
def test_the_odt_has_the_same_headings(example: tuple) -> None:
    report, office = example
    assert odt_headings(office.documents["odt"]) == report_headings(report.html)


@pytest.mark.slow
def test_the_docx_pictures_have_their_alternative_text(example: tuple) -> None:
    report, office = example
    pictures = docx_pictures(office.documents["docx"])
    descriptions = [descr for descr, _title in pictures]
    assert all(descriptions), "a picture without alternative text"
    assert not any(d.startswith("data:") for d in descriptions)
    # every photo of the report is there, with the report's words
    for alt in report_alts(report.html):
        assert alt in descriptions
    # the actor map: its title and description, as a screen reader reads them in the report
    (the_map,) = [p for p in pictures if p[1].startswith("Carte des acteurs")]
    assert "18 acteurs et 20 relations" in the_map[0]
    media = [m for m in members(office.documents["docx"]) if m.startswith("word/media/")]
    assert len(media) >= len(set(report_alts(report.html)))


@pytest.mark.slow
def test_the_odt_pictures_have_their_alternative_text(example: tuple) -> None:
    report, office = example
    data = office.documents["odt"]
    pictures = odt_pictures(data)
    assert len(pictures) == len(docx_pictures(office.documents["docx"]))
    files = members(data)
    for href, title, desc in pictures:
        assert href in files and files[href][:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0"[:4])
        assert title and desc, f"{href}: no svg:title or svg:desc"
    descriptions = [desc for _href, _title, desc in pictures]
    for alt in report_alts(report.html):
        assert alt in descriptions
    assert any("18 acteurs et 20 relations" in d for d in descriptions)


@pytest.mark.slow
def test_the_licence_is_on_a_page_of_its_own(example: tuple) -> None:
    report, office = example
    assert "Ce rapport est publié sous la licence" in report.html
    document = docx.Document(io.BytesIO(office.documents["docx"]))
    texts = [words(p.text) for p in document.paragraphs]
    start = texts.index("Licence")
    licence = document.paragraphs[start]
    assert licence.style is not None and licence.style.name == "Heading 2"
    assert licence.paragraph_format.page_break_before
    after = " ".join(texts[start:])
    assert "Ce rapport est publié sous la licence Creative Commons Attribution" in after
    assert "https://creativecommons.org/licenses/by-sa/4.0/deed.fr" in after
    assert "Pour citer ce travail" in after
    odt = members(office.documents["odt"])["content.xml"].decode()
    assert re.search(
        r'<text:h text:style-name="Licence_20_Heading"[^>]*><text:bookmark-start '
        r'text:name="residence-licence" />Licence<',
        odt,
    )
    assert "Ce rapport est publié sous la licence" in odt


@pytest.mark.slow
def test_the_docx_says_what_it_is(example: tuple) -> None:
    _report, office = example
    properties = docx.Document(io.BytesIO(office.documents["docx"])).core_properties
    title = "Le hall, carrefour des chemins — résidence au lycée professionnel Jean-Moulin"
    assert properties.title == title
    assert properties.author.split("; ")[:2] == ["Claire Fontanel", "Youssef Benali"]
    assert len(properties.author.split("; ")) == 6
    assert properties.created == WHEN
    assert properties.modified == WHEN
    assert properties.language == "fr-FR"
    assert properties.subject.startswith("Cette résidence est fictive")  # the question
    assert "accueil" in properties.keywords and "prototypage" in properties.keywords
    assert "Creative Commons Attribution" in properties.comments
    custom = members(office.documents["docx"])["docProps/custom.xml"].decode()
    assert re.search(r'name="rights"><vt:lpwstr>CC-BY-SA-4\.0 \(https://creativecommons', custom)


@pytest.mark.slow
def test_the_odt_says_what_it_is(example: tuple) -> None:
    _report, office = example
    meta = ET.fromstring(members(office.documents["odt"])["meta.xml"])
    found = {
        child.tag.split("}")[1]: words("".join(child.itertext()))
        for child in meta.iter()
        if child.tag.startswith("{") and child.tag.split("}")[0][1:] in (ODF["dc"], ODF["meta"])
    }
    assert found["title"].startswith("Le hall, carrefour des chemins")
    assert found["creator"].startswith("Claire Fontanel; Youssef Benali")
    assert found["creation-date"] == "2025-06-02T09:30:00Z"
    assert found["date"] == "2025-06-02T09:30:00Z"
    assert found["language"] == "fr-FR"
    assert found["subject"].startswith("Cette résidence est fictive")
    rights = meta.find(f".//{{{ODF['meta']}}}user-defined[@{{{ODF['meta']}}}name='rights']")
    assert rights is not None and "CC-BY-SA-4.0" in (rights.text or "")


@pytest.mark.slow
def test_the_documents_have_the_reports_look(example: tuple) -> None:
    _report, office = example
    styles = members(office.documents["docx"])["word/styles.xml"].decode()
    for font in (SERIF, DISPLAY, SANS):
        assert f'w:ascii="{font}"' in styles
    assert ACCENT.lstrip("#").upper() in styles  # the title's rule
    assert "0F4761" not in styles  # pandoc's blue headings are gone
    page = members(office.documents["docx"])["word/document.xml"].decode()
    assert '<w:pgSz w:h="16838" w:w="11906" />' in page  # A4
    odt_styles = members(office.documents["odt"])["styles.xml"].decode()
    assert 'fo:page-width="21cm"' in odt_styles and ACCENT in odt_styles
    assert f'style:font-name="{SERIF}"' in odt_styles
    assert BAND_MARK not in styles + odt_styles


def test_the_documents_are_the_same_twice(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    _report, first = office_of(folder)
    _again, second = office_of(folder)
    assert first.documents == second.documents


# -- privacy, editions, languages --------------------------------------------------------------


def test_no_office_document_names_a_protected_person(tmp_path: Path) -> None:
    folder = write_residency(tmp_path / "mediatheque", base_files())
    _report, office = office_of(folder)
    scanner = LeakScanner(PROTECTED, TEAM)
    for to, data in office.documents.items():
        assert scanner.data(data, f"report.{to}") == [], to
    # the scanner reads these files: the team edition, which keeps the names, is caught
    _team_report, team = office_of(folder, "team")
    for to, data in team.documents.items():
        assert scanner.data(data, f"report.{to}"), f"the scanner read no name in the team {to}"


def test_a_team_edition_says_so_on_every_page(tmp_path: Path) -> None:
    folder = write_residency(tmp_path / "mediatheque", base_files())
    _report, office = office_of(folder, "team")
    header = members(office.documents["docx"])["word/header1.xml"].decode()
    assert "Document interne — ne pas diffuser" in header
    page = members(office.documents["docx"])["word/document.xml"].decode()
    assert 'w:headerReference r:id="rIdBand"' in page or "rIdBand" in page
    odt_styles = members(office.documents["odt"])["styles.xml"].decode()
    assert re.search(r"<style:header>.*Document interne — ne pas diffuser", odt_styles, re.S)
    properties = docx.Document(io.BytesIO(office.documents["docx"])).core_properties
    assert properties.comments.startswith("Document interne — ne pas diffuser.")
    # and a public edition's header is empty
    _public_report, public = office_of(folder)
    assert "Document interne" not in members(public.documents["docx"])["word/header1.xml"].decode()


def test_an_english_residency_makes_english_documents(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    path = folder / "residence.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("language: fr", "language: en"), "utf-8"
    )
    report, office = office_of(folder)
    headings = [text for _level, text in docx_headings(office.documents["docx"])]
    assert headings == [text for _level, text in report_headings(report.html)]
    assert "Credits and licence" in headings
    assert "Crédits et licence" not in headings
    properties = docx.Document(io.BytesIO(office.documents["docx"])).core_properties
    assert properties.language == LANGUAGE_TAGS["en"] == "en-GB"
    assert (
        "<dc:language>en-GB</dc:language>" in members(office.documents["odt"])["meta.xml"].decode()
    )


def test_the_residencys_accent_colours_the_documents(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    path = folder / "residence.yaml"
    path.write_text(path.read_text(encoding="utf-8") + 'accent: "#2a6f97"\n', "utf-8")
    _report, office = office_of(folder)
    styles = members(office.documents["docx"])["word/styles.xml"].decode()
    assert "2A6F97" in styles and ACCENT.lstrip("#").upper() not in styles
    odt_styles = members(office.documents["odt"])["styles.xml"].decode()
    assert "#2a6f97" in odt_styles and ACCENT not in odt_styles


def test_the_reference_documents_are_made_by_their_script() -> None:
    """templates/office/ holds what reference.py makes of pandoc's defaults (run
    ``python -m residence.render.office.reference`` after a pandoc upgrade)."""
    folder = templates_dir() / "office"
    assert make_docx(pandoc_default("reference.docx")) == (folder / "reference.docx").read_bytes()
    assert make_odt(pandoc_default("reference.odt")) == (folder / "reference.odt").read_bytes()
    assert styled_reference("docx", None, "").count(b"PK\x03\x04") > 5


# -- the page pandoc reads ---------------------------------------------------------------------


PAGE = """<!DOCTYPE html><html lang="fr"><head><title>T</title>
<link rel="stylesheet" href="assets/report.css"><style>:root { --accent: #123456; }</style>
<script>alert(1)</script></head><body>
<a class="skip-link" href="#main">Aller au contenu</a>
<header class="cover"><p class="cover-kicker"><span>Programme</span> <span>Édition</span></p>
<h1 class="cover-title">Le titre</h1><dl><div><dt>Lieu</dt><dd>Ici</dd></div></dl></header>
<nav><ol><li><a href="#s">Sommaire</a></li></ol></nav>
<main id="main"><section class="section"><h2 id="s">Section</h2>
<p class="section-lede">Le chapeau</p>
<figure><svg viewBox="0 0 200 100" role="img"><title>Un dessin</title><desc>Ce qu'il montre</desc>
<rect width="10" height="10"/></svg><figcaption>Légende</figcaption></figure>
<p><svg class="kind-icon" aria-hidden="true"><circle r="1"/></svg>Réunion
<a href="assets/media/fiche.pdf">la fiche</a> et <a href="https://example.org/x">le site</a>
<a href="javascript:alert(1)">ceci</a></p>
<h3>Sous-section</h3><img src="assets/media/photo.png" alt="Une photo">
<img src="/etc/passwd" alt="Hors du rapport">
<table><tr><th>Nom</th><th>Enjeux</th></tr><tr><td>A</td><td>Un texte bien plus long que
le nom, qui mérite la place</td></tr></table>
</section></main>
<footer class="colophon"><p><a href="#main">Retour en haut</a></p></footer></body></html>
"""


def test_the_page_keeps_the_content_and_drops_the_furniture() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "PNG")
    page = office_page(PAGE, {"assets/media/photo.png": buffer.getvalue()}, stand_in)
    html = page.html
    assert page.lang == "fr" and page.subtitle == "Programme · Édition"
    for gone in ("<script", "alert(1)", "Aller au contenu", "Sommaire", "Retour en haut"):
        assert gone not in html
    assert "<main" not in html and "<nav" not in html
    assert "Le titre" not in html  # the document's title, from the metadata
    assert re.search(r"<h1 id=\"s\">Section</h1>", html)
    assert "<h2>Sous-section</h2>" in html
    assert '<div data-custom-style="Lede"><p>Le chapeau</p></div>' in html
    assert "<dt>Lieu</dt>" in html  # the cover's facts stay
    # the drawing became a picture with its words; the decorative icon went
    assert [(i.alt, i.title) for i in page.images] == [
        ("Un dessin. Ce qu'il montre", "Un dessin"),
        ("Une photo", ""),
    ]
    assert html.count("<img") == 2 and html.count('src="data:image/png;base64,') == 2
    assert "kind-icon" not in html and "circle" not in html
    assert "/etc/passwd" not in html and "Hors du rapport" not in html
    # a link to a file of the report keeps its words only; the web and the page keep theirs
    assert "la fiche" in html and "fiche.pdf" not in html
    assert '<a href="https://example.org/x">le site</a>' in html
    assert "javascript" not in html and "ceci" in html
    # the long column gets the room
    widths = [float(w) for w in re.findall(r'<col width="([\d.]+)%"', html)]
    assert len(widths) == 2 and widths[1] > widths[0] and abs(sum(widths) - 100) < 0.5


def test_metadata_is_read_back_as_written() -> None:
    title = "Le *hall* [de] `Jean` — true #1 <b>"
    data, _warnings = run_pandoc(
        "<html><body><p>x</p></body></html>",
        "docx",
        styled_reference("docx", None, ""),
        {"title": literal(title), "keywords": [literal("a_b"), literal("yes")]},
    )
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.title == title
    assert properties.keywords == "a_b, yes"


def test_a_pandoc_failure_is_an_error_not_a_traceback() -> None:
    with pytest.raises(ResidenceError) as caught:
        run_pandoc("<p>x</p>", "docx", b"this is no docx", {})
    (problem,) = caught.value.problems
    assert problem.message.startswith("pandoc could not make report.docx (exit 1): ")
    assert not caught.value.usage


def test_unknown_formats_name_the_office_ones(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    result = CliRunner().invoke(app, ["render", str(folder), "--to", "doc"])
    assert result.exit_code == 2
    assert "html, pdf, docx, odt" in result.output


# -- for real: the drawings drawn, the command line --------------------------------------------


@pytest.mark.pdf
@pytest.mark.slow
def test_the_command_writes_both_documents_with_a_real_map(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["render", str(EXAMPLE), "--to", "docx,odt", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in ("report.docx", "report.odt"):
        assert (out / name).is_file()
        assert re.search(rf"Rendered the public edition: {name} \([\d.,]+ [kM]B\)\.", result.output)
    assert not (out / "report.html").exists() and not (out / "report.pdf").exists()
    data = (out / "report.docx").read_bytes()
    pictures = docx_pictures(data)
    (index,) = [i for i, p in enumerate(pictures) if p[1].startswith("Carte des acteurs")]
    # the map, drawn: a picture of many colours (the rings, the accent, the labels)
    media = sorted(m for m in members(data) if m.startswith("word/media/"))
    sizes = []
    for name in media:
        with Image.open(io.BytesIO(members(data)[name])) as image:
            sizes.append((image.size, len(image.convert("RGB").getcolors(1 << 20) or [])))
    assert any(width > 1000 and colours > 50 for (width, _height), colours in sizes)
    assert index >= 0
    scanner = LeakScanner(["Solange Vermeersch"])  # the example's person who did not consent
    for name in ("report.docx", "report.odt"):
        assert scanner.path(out / name) == []


def test_a_quote_with_its_source_is_a_block_not_a_figure() -> None:
    """A figure without a picture (a quote and its source) is not a figure for pandoc, which
    Word and LibreOffice centre; the spans the report sets apart by a margin get words
    between them ("Piste 1 · Semaine 1", "— Personne A · Entretien")."""
    page = office_page(
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main>'
        '<p class="insight-kicker"><span class="insight-number">Piste 1</span> '
        '<span class="insight-when">Semaine 1</span></p>'
        '<figure class="evidence-quote"><blockquote><p>Je viens le mardi.</p></blockquote>'
        '<figcaption>— Personne A <span class="evidence-where"><span class="evidence-kind">'
        "Entretien</span> 13 janv.</span></figcaption></figure></main></body></html>",
        {},
        stand_in,
    )
    html = re.sub(r"</?span[^>]*>", "", page.html)  # spans change nothing in a document
    assert "<figure" not in html and "<figcaption" not in html
    assert '<div data-custom-style="Kicker"><p>Piste 1 · Semaine 1</p></div>' in html
    assert '<div data-custom-style="Meta"><p>— Personne A · Entretien 13 janv.</p></div>' in html
    assert "<blockquote><p>Je viens le mardi.</p></blockquote>" in html

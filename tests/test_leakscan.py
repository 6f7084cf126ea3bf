"""The leak scanner (tests/leakscan.py): every form of a name, in every format, kept names spared.

The scanner is the second implementation that checks the privacy gate's outputs; these tests
pin down what it reads, with hand-made documents of each format.
"""

# Look-alike and invisible characters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import ast
import base64
import io
import json
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pytest

from leakscan import DEFAULT_IGNORABLE, LeakScanner, fold, readings

SCANNER = LeakScanner(["Solange Vermeersch"], ["Marc Solange", "Claire Dumas"])


def whats(text: str, scanner: LeakScanner = SCANNER) -> set[str]:
    return {f.what for f in scanner.text(text)}


# -- the forms of a name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Solange Vermeersch est venue.", {"solange vermeersch", "solange", "vermeersch"}),
        ("Vermeersch est venue.", {"vermeersch"}),
        ("SOLANGE, le mardi", {"solange"}),
        ("vermeersch", {"vermeersch"}),
        ("Vérmeérsch", {"vermeersch"}),  # accents do not hide a name
        ("Vermeersch2 et 1Solange", {"vermeersch", "solange"}),
        ("SolangeVermeersch", {"solange vermeersch", "solange", "vermeersch"}),
        ("VERMEERSCHSolange", {"vermeersch solange", "vermeersch", "solange"}),
        ("dVermeersch", {"vermeersch"}),
        ("Écrire à svermeersch@lycee.fr.", {"vermeersch"}),
        ("Écrire à s.vermeersch@lycee.fr.", {"vermeersch"}),
        ("mailto:solangev@x.fr", {"solange"}),
        ("#VermeerschSolange", {"vermeersch solange", "vermeersch", "solange"}),
        ("#vermeerschsolange", {"vermeerschsolange"}),
        ("@solangev", {"solange"}),
        ("@solange_vermeersch", {"solange vermeersch", "solange", "vermeersch"}),
        ("Ver*meer*sch", {"vermeersch"}),
        ("Sol**ange**", {"solange"}),
        ("Ver_meer_sch", {"vermeersch"}),
        ("Ver~~meer~~sch", {"vermeersch"}),
        ("Sol`ang`e", {"solange"}),
        ("Solange\nVermeersch", {"solange vermeersch", "solange", "vermeersch"}),
        ("Verm&#101;ersch et &#x53;olange", {"vermeersch", "solange"}),
        ("Verm&amp;#101;ersch", {"vermeersch"}),  # escaped twice
        ("https://x.fr/p/%56ermeersch", {"vermeersch"}),
        ("https://x.fr/p/%53%6F%6C%61%6E%67%65", {"solange"}),
        ("https://x.fr/p/%2556ermeersch", {"vermeersch"}),  # %-encoded twice
        ("[fiche](https://x.fr/Solange%20Vermeersch)", {"solange vermeersch", "solange"}),
        ('{"name": "Verm\\u0065ersch"}', {"vermeersch"}),
        ("content: '\\56 ermeersch'", {"vermeersch"}),
        ("Vеrmееrsсh", {"vermeersch"}),  # Cyrillic ie and es
        ("ЅОLАNGЕ", {"solange"}),  # Cyrillic capitals
        ("G. Vermeersch", {"vermeersch"}),
    ],
)
def test_each_form_of_a_name_is_read(text: str, expected: set[str]) -> None:
    assert expected <= whats(text), (text, whats(text))


@pytest.mark.parametrize("code", sorted({low for low, _ in DEFAULT_IGNORABLE} | {0x180F, 0xE0041}))
def test_a_name_with_a_default_ignorable_code_point_inside_is_read(code: int) -> None:
    assert whats(f"Verm{chr(code)}eersch") == {"vermeersch"}


@pytest.mark.parametrize("char", ["\u034f", "\ufe0f", "\u180b", "\u17b4", "\u3164", "\u200b"])
def test_the_invisible_characters_of_issue_17_hide_no_name(char: str) -> None:
    assert whats(f"So{char}lange V{char}ermeersch") == {
        "solange vermeersch",
        "solange",
        "vermeersch",
    }


def test_names_of_other_alphabets_fold_as_they_are_typed() -> None:
    scanner = LeakScanner(["Łukasz Øvergård", "Işıl Yıldız", "Þórdís Nguyễn", "Ærø Đặng"])
    text = "Lukasz Overgard, ISIL YILDIZ, Thordis Nguyen, Aero Dang"
    assert {"lukasz", "overgard", "isil", "yildiz", "thordis", "nguyen", "aero", "dang"} <= whats(
        text, scanner
    )
    assert fold("İstanbul Straße ﬁn") == "istanbul strasse fin"


def test_a_name_is_a_whole_word_outside_addresses_and_tags() -> None:
    assert whats("Solanges, Vermeerschen, consolange, vermeerschsolange") == set()
    assert whats("solange.vermeersch") == {"solange vermeersch", "solange", "vermeersch"}


def test_short_parts_and_particles_are_only_read_in_the_whole_name() -> None:
    scanner = LeakScanner(["Bo Li", "Jean de La Fontaine"])
    assert whats("Li et Bo, de la, La", scanner) == set()
    assert whats("Bo Li", scanner) == {"bo li"}
    assert whats("Li Bo", scanner) == {"li bo"}
    assert whats("B. Li", scanner) == {"b li"}
    assert whats("Fontaine, J. de La Fontaine", scanner) >= {"fontaine", "j de la fontaine"}


def test_a_kept_name_shields_the_part_it_shares_and_only_there() -> None:
    for kept in [
        "Marc Solange",
        "MARC SOLANGE",
        "Solange, Marc",
        "Marc\nSolange",
        "MarcSolange",
        "marc.solange@lycee.fr",
        "#MarcSolange",
    ]:
        assert whats(f"Avec {kept}, le mardi.") == set(), kept
    assert whats("Marc Solange et Solange") == {"solange"}
    assert whats("Marc\n\nSolange") == {"solange"}  # another paragraph: not one name
    assert whats("Marc. Solange") == {"solange"}


def test_a_kept_name_holding_a_protected_full_name_shields_nothing() -> None:
    scanner = LeakScanner(["Solange Vermeersch"], ["Anne Solange Vermeersch"])
    assert "vermeersch" in whats("Anne Solange Vermeersch", scanner)


def test_readings_decode_each_kind_of_escape_apart() -> None:
    assert readings("Sol**ange** %53 &amp; \\u0053") == [
        "Sol**ange** %53 & \\u0053",
        "Solange** %53 & \\u0053",  # Markdown marks inside a word dropped
        "Sol**ange** S & \\u0053",  # %-decoded
        "Solange** S & \\u0053",
        "Sol**ange** %53 & S",  # backslash escapes decoded
        "Solange** %53 & S",
    ]


def test_a_finding_says_where_what_and_around() -> None:
    [finding, *_] = SCANNER.text("Le bureau de Solange, au fond.", "report.html")
    where, what = finding
    assert (where, what) == ("report.html", "solange")
    assert finding.context == "Le bureau de [Solange], au fond."


def test_the_scanner_shares_no_code_with_the_gate() -> None:
    """A second implementation: leakscan imports nothing from residence."""
    tree = ast.parse(Path(__file__).with_name("leakscan.py").read_text(encoding="utf-8"))
    modules = {
        name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    }
    assert not {m for m in modules if m.split(".")[0] == "residence"}


# -- HTML and SVG ----------------------------------------------------------------------------


def _where(findings: list[object], what: str) -> set[str]:
    return {f.where for f in findings if f.what == what}  # type: ignore[attr-defined]


def test_html_text_nodes_and_attributes_are_read() -> None:
    svg = base64.b64encode(b"<svg><title>Vermeersch</title></svg>").decode()
    page = f"""<!doctype html><html><head>
    <title>Rapport</title><meta name="description" content="Avec Solange.">
    <script type="application/ld+json">{{"author": {{"name": "Sol\\u0061nge"}}}}</script>
    </head><body>
    <p>Ver<em>meer</em>sch</p>
    <p>Marc</p><p>Solange</p>
    <img alt="Portrait de Vermeersch" src="data:image/svg+xml;base64,{svg}">
    <a href="https://x.fr/%53olange" title="fiche" aria-label="Vermeersch">lien</a>
    <!-- relu par Solange -->
    </body></html>"""
    found = SCANNER.data(page.encode(), "report.html")
    assert _where(found, "vermeersch") == {
        "report.html: text",
        "report.html: <img alt>",
        "report.html: <a aria-label>",
        "report.html: <img src> (data: URL): text",
    }
    assert _where(found, "solange") == {
        "report.html: text",
        "report.html: <meta content>",
        "report.html: <a href>",
        "report.html: <!-- comment -->",
        "report.html: <script application/ld+json>.author.name",
    }


def test_html_that_names_only_kept_people_is_clean() -> None:
    page = "<p>Par <strong>Marc Solange</strong> et Claire Dumas.</p><p>Marc Solange</p>"
    assert SCANNER.data(page.encode(), "page.html") == []


def test_svg_text_title_desc_metadata_and_attributes_are_read() -> None:
    svg = """<?xml version="1.0"?><?xml-stylesheet href="solange.css"?>
    <svg xmlns="http://www.w3.org/2000/svg" aria-label="Carte de Solange">
      <title>Vermeersch</title><desc>Dessin de Solange</desc>
      <metadata><rdf:RDF><dc:creator>Vermeersch</dc:creator></rdf:RDF></metadata>
      <style><![CDATA[ .a::after { content: "\\56 ermeersch" } ]]></style>
      <text x="1">Ver<tspan>meer</tspan>sch</text>
    </svg>"""
    found = SCANNER.data(svg.encode(), "media/hall.svg")
    assert "media/hall.svg: text" in _where(found, "vermeersch")
    assert "media/hall.svg: <style>" in _where(found, "vermeersch")
    assert {
        "media/hall.svg: text",
        "media/hall.svg: <svg aria-label>",
        "media/hall.svg: <?processing instruction?>",
    } <= _where(found, "solange")


# -- PDF -------------------------------------------------------------------------------------


def _handmade_pdf() -> bytes:
    """A PDF made with pypdf alone (no layout): one name in each place a name can hide."""
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 20 100 Td (Le bureau de Solange Vermeersch) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_metadata({"/Author": "Ingrid Haugland", "/Title": "Rapport"})
    xmp = DecodedStreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
        b"<dc:creator><rdf:Seq><rdf:li>Zofia Kowalczyk</rdf:li></rdf:Seq></dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    figure = DictionaryObject(
        {NameObject("/S"): NameObject("/Figure"), NameObject("/Alt"): TextStringObject("Gökhan")}
    )
    span = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Span"),
            NameObject("/ActualText"): TextStringObject("Hương"),
        }
    )
    tree = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): ArrayObject([writer._add_object(figure), writer._add_object(span)]),
        }
    )
    writer._root_object[NameObject("/StructTreeRoot")] = writer._add_object(tree)
    writer.add_outline_item(title="Chez Lindqvist", page_number=0)
    writer.add_annotation(0, Link(rect=(0, 0, 10, 10), url="https://x.fr/%C3%89lodie"))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("notes/brzeczyszczykiewicz.txt", "rien")
    writer.add_attachment("sources-wisniewski.zip", inner.getvalue())
    writer.add_attachment("notes.yaml", "observations: Jędrzej revient.\n".encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_text_metadata_xmp_tags_outline_links_and_attachments_are_read() -> None:
    names = [
        "Solange Vermeersch", "Ingrid Haugland", "Zofia Kowalczyk", "Gökhan Çelik",
        "Hương Trần", "Astrid Lindqvist", "Élodie Kerbrat", "Wojciech Wiśniewski",
        "Jędrzej Brzęczyszczykiewicz",
    ]  # fmt: skip
    found = LeakScanner(names).data(_handmade_pdf(), "report.pdf")
    where = {f.what: " | ".join(sorted(_where(found, f.what))) for f in found}
    assert "report.pdf: page 1" in where["vermeersch"]
    assert "report.pdf: /Author" in where["haugland"]
    assert "XMP" in where["kowalczyk"]
    assert "report.pdf: /Alt" in where["gokhan"]
    assert "report.pdf: /ActualText" in where["huong"]
    assert "report.pdf: /Title" in where["lindqvist"]
    assert "report.pdf: /URI" in where["elodie"]
    assert "report.pdf: /F" in where["wisniewski"]  # the attachment's name
    assert "sources-wisniewski.zip/notes/brzeczyszczykiewicz.txt" in where["brzeczyszczykiewicz"]
    assert "report.pdf » notes.yaml" in where["jedrzej"]


@pytest.mark.pdf
def test_a_weasyprint_pdf_is_read_like_a_reader_reads_it() -> None:
    """A tagged PDF laid out by WeasyPrint: text (split by emphasis and a line break), the
    title in the metadata and XMP, an image's alt text in the structure tree, a link."""
    from weasyprint import HTML

    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    page = f"""<html lang="fr"><head><title>Chez Haugland</title></head><body>
    <p>Ver<em>meer</em>sch</p><p style="width: 1em">Anne-Sophie Kowalczyk</p>
    <img alt="Portrait de Gökhan" src="data:image/svg+xml;base64,{svg.decode()}">
    <a href="https://x.fr/%C3%89lodie">fiche</a></body></html>"""
    data = HTML(string=page).write_pdf(pdf_variant="pdf/ua-1")
    scanner = LeakScanner(["Solange Vermeersch", "Ingrid Haugland", "Gökhan Çelik", "Élodie Roy"])
    found = scanner.data(data, "doc.pdf")
    assert any(w.endswith("page 1") for w in _where(found, "vermeersch"))
    assert any("/Title" in w for w in _where(found, "haugland"))
    assert any("XMP" in w for w in _where(found, "haugland"))
    assert any("/Alt" in w for w in _where(found, "gokhan"))
    assert any("/URI" in w for w in _where(found, "elodie"))
    wrapped = LeakScanner(["Anne-Sophie Kowalczyk"]).data(data, "doc.pdf")
    assert {"anne sophie kowalczyk", "kowalczyk"} <= {f.what for f in wrapped}


# -- archives, databases, images, folders ----------------------------------------------------


def test_zip_members_names_and_contents_are_read_recursively() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("data/ro-crate-metadata.json", json.dumps({"name": "Solange"}))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("bag/data/media/vermeersch-lit.jpg", b"")
        archive.writestr("bag/inner.zip", inner.getvalue())
        archive.writestr("bag/bag-info.txt", "External-Description: Marc Solange, Dumas.\n")
    found = SCANNER.data(outer.getvalue(), "archive.zip")
    assert _where(found, "vermeersch") == {
        "archive.zip/bag/data/media/vermeersch-lit.jpg: file name"
    }
    assert _where(found, "solange") == {
        "archive.zip/bag/inner.zip/data/ro-crate-metadata.json.name"
    }


def test_sqlite_tables_cells_compressed_cells_and_full_text_terms_are_read(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE residency (id TEXT, title TEXT, content BLOB)")
    content = zlib.compress(json.dumps({"entries": [{"body": "Avec Vermeersch."}]}).encode())
    db.execute("INSERT INTO residency VALUES ('a', 'Le guichet', ?)", (content,))
    db.execute("CREATE TABLE notes_solange (x TEXT)")
    db.execute("CREATE VIRTUAL TABLE item_text USING fts5 (title, body, content='')")
    db.execute("INSERT INTO item_text (rowid, title, body) VALUES (1, 'x', 'Gökhan revient')")
    db.commit()
    db.close()
    scanner = LeakScanner(["Solange Vermeersch", "Gökhan Çelik"])
    found = scanner.data(path.read_bytes(), "catalog.sqlite")
    assert _where(found, "vermeersch") == {
        "catalog.sqlite: residency.content row 1 (zlib).entries[0].body"
    }
    assert "catalog.sqlite: table name" in _where(found, "solange")
    assert _where(found, "gokhan") == {"catalog.sqlite: item_text index terms"}


def test_image_metadata_is_read() -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Description", "Portrait de Solange")
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG", pnginfo=info)
    exif = Image.Exif()
    exif[0x013B] = "Vermeersch"  # Artist
    jpeg = io.BytesIO()
    Image.new("RGB", (2, 2)).save(jpeg, "JPEG", exif=exif)
    assert _where(SCANNER.data(png.getvalue(), "a.png"), "solange") == {"a.png: Description"}
    assert _where(SCANNER.data(jpeg.getvalue(), "b.jpg"), "vermeersch") == {"b.jpg: EXIF 315"}


def test_fonts_are_not_read() -> None:
    assert SCANNER.data(b"wOF2\x00Vermeersch", "assets/fonts/a.woff2") == []


def test_a_folder_is_read_file_names_included(tmp_path: Path) -> None:
    (tmp_path / "out" / "assets" / "media").mkdir(parents=True)
    (tmp_path / "out" / "assets" / "media" / "SolangeV-3.svg").write_text("<svg/>")
    (tmp_path / "out" / "actors-elements.csv").write_text("Label\nMarc Solange\n")
    (tmp_path / "out" / "methods.md").write_text("- Relu par Ver*meer*sch\n")
    found = SCANNER.path(tmp_path / "out", "out")
    assert {(f.where, f.what) for f in found} == {
        ("out/assets/media/SolangeV-3.svg: file name", "solange"),
        ("out/methods.md", "vermeersch"),
    }


def test_a_structured_person_name_is_read_as_one_name() -> None:
    record = {
        "creators": [
            {"name": "Solange, Marc", "givenName": "Marc", "familyName": "Solange"},
            {"person_or_org": {"given_name": "Marc", "family_name": "Solange"}},
        ],
        "subjects": [{"subject": "Vermeersch"}],
        "Solange": 1,
    }
    assert {(f.where, f.what) for f in SCANNER.value(record, "datacite")} == {
        ("datacite.subjects[0].subject", "vermeersch"),
        ("datacite (key)", "solange"),
    }

"""Media in the public edition: drawings and PDFs cleaned, copies and named files left out.

Every test works on real bytes: SVG drawings written here, PDFs built with pypdf, JPEG photos
made with Pillow; and checks the outputs themselves (report assets, archive members, the
catalogue's record, the PDF report) with the leak scanner, a second implementation.
"""

from __future__ import annotations

import base64
import io
import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from conftest import copy_project
from residence.archive.payload import gather_payload
from residence.catalog.packing import pack_residency
from residence.gate import find_leaks, kept_names, protected_names, select_edition
from residence.gate.media import MAX_CHECKED_BYTES, group_left_out, left_out_line, media_key
from residence.gate.names import _build_matcher
from residence.gate.pdf import clean_pdf
from residence.gate.svg import clean_svg
from residence.load import load_residency
from residence.models import Published, Residency
from residence.render.context import media_files
from residence.render.images import media_bytes, prepare_media, svg_problem

NAME = "Jeanne Martin"
MATCHER = _build_matcher([(NAME, "Personne A")], ["Claire Dumas"])


def leaks(text: str | bytes) -> list[str]:
    """Return the protected name's forms found in a text or in bytes read as UTF-8/Latin-1."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace") + text.decode("latin-1")
    return find_leaks(text, [NAME], ["Claire Dumas"])


# -- files made here -------------------------------------------------------------------------


def jpeg(colour: tuple[int, int, int], comment: bytes = b"") -> bytes:
    """Return a small JPEG of one colour (a comment, if given, holds metadata)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG", comment=comment)
    return out.getvalue()


def png_with_author(author: str) -> bytes:
    """Return a PNG whose text chunk names its author."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", author)
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


NAMED_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- dessiné avec {NAME} -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     sodipodi:docname="plan-jeanne-martin.svg" inkscape:export-filename="/home/jmartin/plan.png"
     width="120" height="80" viewBox="0 0 120 80" aria-label="Plan de {NAME}">
  <title>Le plan de Jeanne</title>
  <desc>Dessiné par Martin avec Claire Dumas</desc>
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{NAME}</dc:creator>
  </rdf:RDF></metadata>
  <sodipodi:namedview inkscape:current-layer="calque-jeanne"/>
  <defs>
    <linearGradient id="fond-martin"><stop offset="0" stop-color="#ccc"/></linearGradient>
  </defs>
  <g id="calque-jeanne" inkscape:label="Calque de Jeanne" class="martin">
    <rect width="120" height="80" fill="url(#fond-martin)" aria-description="JeanneMartin2"
          title="Le guichet de Martin"/>
    <text x="5" y="20">Jean<tspan>ne</tspan> Mar<tspan font-weight="bold">tin</tspan> attend</text>
    <text x="5" y="40"><textPath xlink:href="#fond-martin" xlink:title="Martin"
      >jmartin@mairie.fr</textPath></text>
    <use xlink:href="#calque-jeanne" x="0" y="0"/>
    <image width="20" height="10" xlink:href="data:image/png;base64,{
    base64.b64encode(png_with_author(NAME)).decode()
}"/>
  </g>
  <style>.martin {{ opacity: 0.9 }} #fond-martin {{ }}</style>
</svg>
""".encode()


def pdf(
    text: str = "Bonjour",
    *,
    info: bool = True,
    xmp: bool = True,
    javascript: bool = False,
    attachment: bool = False,
) -> bytes:
    """Return a one-page PDF saying ``text``, built with pypdf.

    ``info``: the author and title in the document information; ``xmp``: an XMP packet that
    names the author; ``javascript``: an /OpenAction that runs JavaScript; ``attachment``:
    an attached file.
    """
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 10 100 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/T"): TextStringObject(NAME),
            NameObject("/Contents"): TextStringObject(f"Relu par {NAME}"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(note)])
    if info:
        writer.add_metadata({"/Author": NAME, "/Title": f"Fiche de {NAME}"})
    if xmp:
        packet = DecodedStreamObject()
        packet.set_data(f"<x:xmpmeta><dc:creator>{NAME}</dc:creator></x:xmpmeta>".encode())
        packet[NameObject("/Type")] = NameObject("/Metadata")
        packet[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(packet)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('bonjour');"),
            }
        )
    if attachment:
        writer.add_attachment("notes.txt", b"des notes")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- drawings --------------------------------------------------------------------------------


def test_named_svg_fixture_names_the_person() -> None:
    assert leaks(NAMED_SVG)
    assert svg_problem(NAMED_SVG) is None  # a plain drawing: published once cleaned


def test_svg_names_are_gated_everywhere_a_reader_may_read_them() -> None:
    cleaned = clean_svg(NAMED_SVG, MATCHER)
    assert cleaned.reason is None and cleaned.data is not None
    text = cleaned.data.decode("utf-8")
    assert leaks(text) == [], text
    assert "jmartin" not in text.lower()  # the editor's export path went with its namespace
    for gone in ("metadata", "sodipodi", "inkscape", "rdf:", "<!--", "dc:creator"):
        assert gone not in text, gone
    assert "Personne A attend" in text  # the name split by <tspan> is read as shown
    assert 'aria-label="Plan de Personne A"' in text
    assert "<title>Le plan de Personne A</title>" in text
    assert "Claire Dumas" in text  # a team member keeps her name
    # Ids and every reference to them are renamed alike: the drawing still works.
    assert 'id="fond-personne-a"' in text and "url(#fond-personne-a)" in text
    assert 'xlink:href="#fond-personne-a"' in text and "#fond-personne-a {" in text
    assert 'id="calque-personne-a"' in text and 'xlink:href="#calque-personne-a"' in text
    assert 'class="personne-a"' in text and ".personne-a {" in text
    assert svg_problem(cleaned.data) is None
    assert clean_svg(cleaned.data, MATCHER) == cleaned  # cleaning twice changes nothing


def test_svg_embedded_picture_is_rebuilt_without_its_metadata() -> None:
    cleaned = clean_svg(NAMED_SVG, MATCHER)
    assert cleaned.data is not None
    embedded = cleaned.data.split(b"base64,")[1].split(b'"')[0]
    picture = base64.b64decode(embedded)
    assert NAME.encode() not in picture
    with Image.open(io.BytesIO(picture)) as image:
        assert "Author" not in image.info


def test_svg_embedding_a_forbidden_photo_is_refused() -> None:
    photo = png_with_author("x")
    import hashlib

    digest = hashlib.sha256(photo).hexdigest()
    drawing = (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,'
        + base64.b64encode(photo).decode()
        + '"/></svg>'
    ).encode()
    assert clean_svg(drawing, MATCHER, lambda d: d == digest).reason == "copy"
    assert clean_svg(drawing, MATCHER).reason is None


@pytest.mark.parametrize(
    ("drawing", "reason"),
    [
        (
            b'<?xml version="1.0"?><?xml-stylesheet href="https://example.org/a.css"?>'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "svg-loads",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><?php echo 1; ?></svg>', "svg-markup"),
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY n "Jeanne">]>'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&n;</text></svg>'.encode("utf-16"),
            "svg-markup",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@\\69mport "x"</style></svg>',
            "svg-loads",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg-script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>', "svg-script"),
        (b"<svg", "svg-unreadable"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "svg-unreadable"),
    ],
)
def test_svg_that_runs_loads_or_declares_anything_is_refused(drawing: bytes, reason: str) -> None:
    assert clean_svg(drawing, MATCHER) == (None, reason)


# -- PDFs ------------------------------------------------------------------------------------


def test_pdf_fixture_names_the_person_in_its_info_xmp_and_notes() -> None:
    data = pdf()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.author == NAME
    assert "/Metadata" in reader.trailer["/Root"]
    assert NAME.encode() in data


def test_pdf_metadata_and_notes_are_stripped_and_the_text_kept() -> None:
    cleaned = clean_pdf(pdf(), MATCHER)
    assert cleaned.reason is None and cleaned.data is not None
    assert leaks(cleaned.data) == []
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert reader.metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert "/Annots" not in reader.pages[0]
    assert "Bonjour" in reader.pages[0].extract_text()
    assert clean_pdf(cleaned.data, MATCHER) == cleaned  # the same bytes again: reproducible


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"javascript": True}, "pdf-script"),
        ({"attachment": True}, "pdf-attachments"),
        ({"text": "Merci Jeanne Martin"}, "pdf-names"),
    ],
)
def test_pdf_with_javascript_attachments_or_names_is_refused(
    options: dict[str, Any], reason: str
) -> None:
    assert clean_pdf(pdf(**options), MATCHER) == (None, reason)


def test_pdf_that_is_not_one_is_refused() -> None:
    assert clean_pdf(b"%PDF-1.4 nothing else", MATCHER).reason == "pdf-unreadable"
    assert clean_pdf(b"<html>", MATCHER).reason == "pdf-unreadable"


# -- the left-out line -----------------------------------------------------------------------


def test_left_out_is_grouped_by_reason_in_one_line() -> None:
    grouped = group_left_out(["svg-script", "people", "people", "pdf-script"])
    assert grouped == [
        "2 photos of people who did not consent",
        "1 drawing with a script",
        "1 PDF with JavaScript or automatic actions",
    ]
    assert left_out_line(grouped) == (
        "left out of the public edition: 2 photos of people who did not consent, "
        "1 drawing with a script, 1 PDF with JavaScript or automatic actions"
    )
    assert left_out_line([]) is None


# -- a whole residency -----------------------------------------------------------------------


def _media(file: str, alt: str, people: list[str] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"file": file, "alt": alt}
    if people:
        item["people"] = people
    return item


@pytest.fixture
def hostile_media(tmp_path: Path) -> Path:
    """The minimal residency, Jeanne Martin protected, with every kind of media a leak hides in.

    A photo of her (``people``), its copy under another name, a copy in another folder used
    as the cover, a symbolic link to it; photos whose file name glues her name; a drawing
    that names her everywhere; drawings with a style sheet instruction and a script; a PDF
    that names her in its metadata and one with JavaScript; a plain photo; and a journal
    entry whose file name glues her name.
    """
    root = copy_project("minimal", tmp_path)
    consent = root / "private" / "consent.yaml"
    consent.write_text(consent.read_text().replace("scope: public", "scope: internal"))
    media = root / "media"
    portrait = jpeg((200, 30, 30))
    (media / "portrait.jpg").write_bytes(portrait)
    (media / "autre-nom.jpg").write_bytes(portrait)
    (media / "archives").mkdir()
    (media / "archives" / "couverture.jpg").write_bytes(portrait)
    try:
        (media / "lien.jpg").symlink_to("portrait.jpg")
    except OSError:  # pragma: no cover - Windows without the privilege
        pytest.skip("symbolic links are not available here")
    (media / "photo-martin2.jpg").write_bytes(jpeg((30, 200, 30)))
    (media / "JeanneMartin.png").write_bytes(jpeg((30, 30, 200)))
    (media / "salle.jpg").write_bytes(jpeg((120, 120, 120), comment=NAME.encode()))
    (media / "plan.svg").write_bytes(NAMED_SVG)
    (media / "style.svg").write_bytes(
        b'<?xml-stylesheet href="https://example.org/a.css"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    (media / "script.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (media / "fiche.pdf").write_bytes(pdf())
    (media / "action.pdf").write_bytes(pdf(javascript=True, info=False, xmp=False))
    entry_path = root / "journal" / "2025-03-03-premier-jour.yaml"
    entry = yaml.safe_load(entry_path.read_text(encoding="utf-8"))
    entry["media"] = [
        _media("media/portrait.jpg", "Jeanne au guichet", ["jeanne-martin"]),
        _media("media/autre-nom.jpg", "Une photo"),
        _media("media/lien.jpg", "Une autre photo"),
        _media("media/photo-martin2.jpg", "Le guichet"),
        _media("media/JeanneMartin.png", "Le guichet encore"),
        _media("media/salle.jpg", "La salle"),
        _media("media/plan.svg", "Le plan"),
        _media("media/style.svg", "Un dessin"),
        _media("media/script.svg", "Un autre dessin"),
        _media("media/fiche.pdf", "La fiche"),
        _media("media/action.pdf", "Une fiche"),
    ]
    entry_path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    glued = dict(entry, title="Une visite", media=[_media("media/salle.jpg", "La salle")])
    (root / "journal" / "2025-03-06-visite-martin2.yaml").write_text(
        yaml.safe_dump(glued, allow_unicode=True), encoding="utf-8"
    )
    residence = root / "residence.yaml"
    config = yaml.safe_load(residence.read_text(encoding="utf-8"))
    config["cover"] = "media/archives/couverture.jpg"
    residence.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


def _published(root: Path) -> tuple[Published, Residency]:
    residency, problems = load_residency(root)
    assert [str(p) for p in problems if p.severity == "error"] == []
    return select_edition(residency, "public"), residency


def _scan(where: str, data: str | bytes, source: Residency) -> list[str]:
    names, kept = protected_names(source), kept_names(source)
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace") + data.decode("latin-1")
    return [f"{where}: {n}" for n in find_leaks(data, names, kept)]


def test_public_edition_leaves_out_copies_links_and_named_files(hostile_media: Path) -> None:
    published, _ = _published(hostile_media)
    shown = {m.file for e in published.entries for m in e.media}
    assert shown == {"media/salle.jpg", "media/plan.svg", "media/fiche.pdf"}
    assert published.residence is not None and published.residence.cover is None
    assert published.left_out == [
        "1 photo of a person who did not consent",
        "3 copies of photos of people who did not consent",
        "2 files named after people who did not consent",
        "1 drawing with a script",
        "1 drawing that loads other files or sites",
        "1 PDF with JavaScript or automatic actions",
    ]
    assert set(published.media) == {"media/plan.svg", "media/fiche.pdf"}
    assert select_edition(load_residency(hostile_media)[0], "team").media == {}


def test_every_media_consumer_reads_the_cleaned_bytes(hostile_media: Path) -> None:
    published, source = _published(hostile_media)
    for file in ("media/plan.svg", "./media/plan.svg", "media/fiche.pdf"):
        data = media_bytes(published, file)
        assert data == published.media[media_key(file)]
        assert _scan(file, data, source) == []
    assert media_bytes(hostile_media, "media/plan.svg") == NAMED_SVG  # a folder: raw files
    prepared = prepare_media(published, media_files(published))
    assert prepared.problems == []
    for asset in prepared.assets.values():
        content = asset.content if isinstance(asset.content, bytes) else asset.content.read_bytes()
        assert _scan(asset.href, content, source) == []
        assert _scan(asset.href, asset.href, source) == []


def test_a_public_edition_never_reads_an_unchecked_drawing(hostile_media: Path) -> None:
    published, _ = _published(hostile_media)
    published.media.clear()  # as if the gate had not cleaned it
    prepared = prepare_media(published, ["media/plan.svg", "media/fiche.pdf"])
    assert prepared.assets == {}
    assert {p.code for p in prepared.problems} == {"not-cleaned"}


def test_archive_members_hold_no_name(hostile_media: Path) -> None:
    published, source = _published(hostile_media)
    payload = gather_payload(published, {})
    names = sorted(payload.files)
    assert "residency/media/plan.svg" in names and "residency/media/fiche.pdf" in names
    assert "residency/media/salle.jpg" in names
    for gone in ("portrait", "autre-nom", "lien", "couverture", "script", "style", "action"):
        assert not [n for n in names if gone in n], gone
    assert [n for n in names if "visite" in n] == [
        "residency/journal/2025-03-06-visite-personne-a.yaml"
    ]
    found = []
    for name, data in payload.files.items():
        found += _scan(f"{name} (name)", name, source)
        found += _scan(name, data, source)
    assert found == []


def test_catalogue_record_holds_no_name(hostile_media: Path) -> None:
    published, source = _published(hostile_media)
    record = zlib.decompress(pack_residency(published)).decode("utf-8")
    assert _scan("catalogue", record, source) == []
    files = {m["file"] for e in json.loads(record)["entries"] for m in e.get("media", [])}
    assert files == {"media/salle.jpg", "media/plan.svg", "media/fiche.pdf"}


def test_report_assets_hold_no_name_in_their_paths(hostile_media: Path, tmp_path: Path) -> None:
    from residence.render.html import render_html, write_report

    published, source = _published(hostile_media)
    out = write_report(render_html(published), tmp_path / "out").parent
    files = [p for p in (out / "assets").rglob("*") if p.is_file()]
    media = sorted(p.name.rsplit("-", 1)[0] for p in files if p.parent.name == "media")
    assert media == ["fiche", "plan", "salle"]
    assert [p for p in files if _scan(p.name, p.relative_to(out).as_posix(), source)] == []


def test_report_assets_hold_the_cleaned_drawing(hostile_media: Path, tmp_path: Path) -> None:
    from residence.render.html import render_html, write_report

    published, source = _published(hostile_media)
    out = write_report(render_html(published), tmp_path / "out").parent
    found = []
    for path in (out / "assets" / "media").iterdir():
        found += _scan(path.name, path.read_bytes(), source)
    assert found == []


@pytest.mark.pdf
def test_pdf_report_holds_only_the_published_photo(hostile_media: Path, tmp_path: Path) -> None:
    from residence.render.html import render_html
    from residence.render.pdf import render_pdf

    published, source = _published(hostile_media)
    report = render_html(published)
    rendered = render_pdf(report, published, out=tmp_path / "out")
    reader = PdfReader(io.BytesIO(rendered.data))
    # WeasyPrint shares one resource dictionary between pages: count each picture once.
    images = {image.data: image.image for page in reader.pages for image in page.images}
    colours = {
        picture.convert("RGB").getpixel((picture.width // 2, picture.height // 2))
        for picture in images.values()
        if picture is not None
    }
    # The plain grey photo only: neither her portrait (red), its copies, nor the photos
    # named after her (green, blue).
    assert len(images) == 1
    grey = [all(abs(value - 120) < 8 for value in colour) for colour in colours]
    assert grey == [True]
    text = "".join(page.extract_text() for page in reader.pages)
    assert _scan("report.pdf", text, source) == []


# -- cost ------------------------------------------------------------------------------------


def test_no_file_is_read_when_no_photo_shows_a_protected_person(minimal: Path) -> None:
    for n in range(20):
        (minimal / "media" / f"photo-{n}.jpg").write_bytes(jpeg((n, n, n)))
    residency, _ = load_residency(minimal)
    residency.entries[0].media += [
        residency.entries[0].media[0].model_copy(update={"file": f"media/photo-{n}.jpg"})
        for n in range(20)
    ]
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", spy)
        published = select_edition(residency, "public")
    assert len(published.entries[0].media) == 21
    assert [name for name in opened if name.endswith(".jpg")] == []


def test_hundred_photos_and_one_forbidden_are_gated_quickly(minimal: Path) -> None:
    for n in range(100):
        (minimal / "media" / f"photo-{n}.jpg").write_bytes(jpeg((n, 2 * n, 50)) + bytes(n))
    residency, _ = load_residency(minimal)
    first = residency.entries[0].media[0]
    residency.entries[0].media = [
        first.model_copy(update={"file": f"media/photo-{n}.jpg", "people": ["jeanne-martin"]})
        if n == 0
        else first.model_copy(update={"file": f"media/photo-{n}.jpg"})
        for n in range(100)
    ]
    consent = residency.consents[0]
    residency.consents = [consent.model_copy(update={"scope": "none"})]
    start = time.process_time()
    published = select_edition(residency, "public")
    assert time.process_time() - start < 1.0
    assert len(published.entries[0].media) == 99
    assert published.left_out == ["1 photo of a person who did not consent"]


def test_a_file_too_large_to_check_is_left_out(
    hostile_media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import residence.gate.media as gate_media

    size = (hostile_media / "media" / "portrait.jpg").stat().st_size
    (hostile_media / "media" / "meme-taille.jpg").write_bytes(os.urandom(size))
    monkeypatch.setattr(gate_media, "MAX_CHECKED_BYTES", size - 1)
    residency, _ = load_residency(hostile_media)
    assert residency.residence is not None
    residency.residence.cover = None
    residency.entries[0].media = [
        residency.entries[0].media[0],
        residency.entries[0].media[5].model_copy(update={"file": "media/meme-taille.jpg"}),
    ]
    published = select_edition(residency, "public")
    assert published.entries[0].media == []
    assert "1 file too large to be checked" in published.left_out
    assert MAX_CHECKED_BYTES >= 50 * 1024 * 1024

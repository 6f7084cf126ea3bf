"""The PDF report: pages, contents, running headers, metadata, tags, privacy and safety.

PDFs are never compared byte for byte: their text is extracted with pypdf.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner  # noqa: TID251

from residence.cli import app
from residence.gate import select_edition
from residence.load import load_residency
from residence.models import Residency
from residence.render.fetcher import RefusedResource, SafeFetcher, locate_request
from residence.render.html import render_html
from residence.render.pdf import (
    RenderedPdf,
    attached_sources,
    paper_page,
    pdf_info,
    render_pdf,
    with_print_stylesheet,
)
from residence.render.pdf.fonts import _decompressed
from residence.render.pdf.page import chart_styles, with_chart_styles, without_gaps_in_lists
from residence.render.pdf.photos import PRINT_MAX_PX, print_photos
from residence.render.pdf.tags import mend_definition_lists

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lycee-jean-moulin"


def _published(folder: Path, edition: str = "public") -> Residency:
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"], problems
    return select_edition(residency, edition)


def _render(folder: Path, edition: str = "public", **options: object) -> RenderedPdf:
    published = _published(folder, edition)
    report = render_html(published, use_cache=False)
    return render_pdf(report, published, out=folder / "_build", **options)  # type: ignore[arg-type]


def _text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    """Return extracted text with its spaces (no-break, narrow) and line breaks folded."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


# -- the fetcher, on its own (fast) ------------------------------------------------------------


@pytest.fixture
def fetch_root(tmp_path: Path) -> Path:
    root = tmp_path / "residency"
    (root / "theme").mkdir(parents=True)
    (root / "theme" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "private").mkdir()
    (root / "private" / "consent.yaml").write_text("consents: []\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    (tmp_path / "secret.txt").write_text("secret")
    return root


def test_safe_fetcher_reads_a_file_inside_a_root(fetch_root: Path) -> None:
    fetcher = SafeFetcher([fetch_root / "theme"])
    response = fetcher.fetch((fetch_root / "theme" / "logo.svg").as_uri())
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/tracker.gif",
        "ftp://example.org/x",
        "file://otherhost/etc/passwd",
        "file:///etc/passwd",
        "data:text/html,<p>x</p>",
        "data:application/octet-stream;base64,AAAA",
    ],
)
def test_safe_fetcher_refuses_the_network_and_the_disk(fetch_root: Path, url: str) -> None:
    fetcher = SafeFetcher([fetch_root])
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)
    assert fetcher.refused[0].url == url


def test_safe_fetcher_refuses_private_hidden_and_outside_files(fetch_root: Path) -> None:
    fetcher = SafeFetcher([fetch_root], private=[fetch_root / "private"])
    for path in (
        fetch_root / "private" / "consent.yaml",
        fetch_root / ".git" / "config",
        fetch_root / "theme" / ".." / ".." / "secret.txt",
    ):
        with pytest.raises(RefusedResource):
            fetcher.fetch(path.as_uri() if ".." not in str(path) else "file://" + str(path))


def test_safe_fetcher_resolves_symlinks_before_checking(fetch_root: Path) -> None:
    link = fetch_root / "theme" / "passwd.png"
    link.symlink_to(fetch_root.parent / "secret.txt")
    fetcher = SafeFetcher([fetch_root / "theme"])
    with pytest.raises(RefusedResource, match="outside"):
        fetcher.fetch(link.as_uri())


@pytest.mark.skipif(not Path("/dev/urandom").exists(), reason="no /dev/urandom")
def test_safe_fetcher_refuses_devices_and_pipes_without_hanging(fetch_root: Path) -> None:
    (fetch_root / "theme" / "random.png").symlink_to("/dev/urandom")
    fifo = fetch_root / "theme" / "pipe.png"
    os.mkfifo(fifo)
    # /dev is made a root on purpose: even then a device is not a regular file.
    fetcher = SafeFetcher([fetch_root / "theme", Path("/dev")])
    for path in (fetch_root / "theme" / "random.png", fifo, Path("/dev/urandom")):
        with pytest.raises(RefusedResource, match="regular file"):
            fetcher.fetch(path.as_uri())


def test_safe_fetcher_serves_virtual_files_and_image_data(tmp_path: Path) -> None:
    out = tmp_path / "_build"
    fetcher = SafeFetcher([], virtual={out / "assets" / "a.css": b"p { color: red }"})
    assert fetcher.fetch((out / "assets" / "a.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("data:image/png;base64,iVBORw0KGgo=").read().startswith(b"\x89PNG")
    with pytest.raises(RefusedResource):
        fetcher.fetch((out / "assets" / "other.css").as_uri())


def test_locate_request_names_the_file_and_line() -> None:
    sources = {"theme/extra.css": "body {}\n\n@import url(http://h/x.css);\n", "report.html": ""}
    assert locate_request("http://h/x.css", sources) == ("theme/extra.css", 3)
    where, line = locate_request("file:///nowhere/at/all.png", {"report.html": "<p>\n"})
    assert (where, line) == ("report.html", None)


# -- pieces of the PDF pipeline (fast) -------------------------------------------------------------


def test_with_print_stylesheet_links_it_last_in_head() -> None:
    page = "<html><head><link rel=stylesheet href=a.css></head><body></body></html>"
    linked = with_print_stylesheet(page)
    assert linked.index("a.css") < linked.index("assets/print.css") < linked.index("</head>")


def test_chart_styles_are_copied_into_charts_with_colours_resolved() -> None:
    css = ":root { --ink: #111111; }\n.chart .day { fill: var(--ink); }\n.other { color: red }"
    page = '<style>:root { --ink: #222222; }</style><svg class="chart chart-x"><rect/></svg>'
    styles = chart_styles(page, [css])
    assert styles == ".chart .day { fill: #222222; }"
    assert '<svg class="chart chart-x"><style>.chart .day' in with_chart_styles(page, styles)


def test_pdf_info_and_attached_sources_come_from_the_gated_residency(minimal: Path) -> None:
    published = _published(minimal)
    info = pdf_info(published)
    assert info.title == "La mairie annexe, vue du guichet"
    assert info.authors and "Claire Dumas" in info.authors
    assert "**" not in info.subject and "lisible" in info.subject
    assert info.language == "fr" and info.licence_spdx == "CC-BY-SA-4.0"
    sources = attached_sources(select_edition(load_residency(minimal)[0], "team"))
    assert "residence.yaml" in sources
    assert not any(path.startswith("private/") for path in sources)


def test_print_photos_are_sized_for_print_and_cached(tmp_path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((1600, 1200), 40).convert("RGB").save(buffer, "JPEG", quality=90)
    drawing = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)).save(drawing, "PNG")
    media = tmp_path / "_build" / "assets" / "media"
    files = {
        media / "photo.jpg": buffer.getvalue(),
        media / "plan.png": drawing.getvalue(),
        tmp_path / "_build" / "assets" / "report.css": b"p {}",
    }
    ready = print_photos(files, tmp_path / "cache")
    cached = ready[media / "photo.jpg"]
    # The cached file is handed over, not its bytes: they are read when the PDF needs them.
    assert isinstance(cached, Path) and cached.parent == tmp_path / "cache" / "print"
    photo = cached.read_bytes()
    assert len(photo) < len(buffer.getvalue())
    with Image.open(io.BytesIO(photo)) as image:
        assert max(image.size) == PRINT_MAX_PX and image.format == "JPEG"
    assert ready[media / "plan.png"] == drawing.getvalue()  # drawings stay lossless
    assert ready[tmp_path / "_build" / "assets" / "report.css"] == b"p {}"
    assert len(list((tmp_path / "cache" / "print").iterdir())) == 1
    assert print_photos(files, tmp_path / "cache")[media / "photo.jpg"] == cached
    # Without a cache, the bytes themselves.
    uncached = print_photos(files, None)[media / "photo.jpg"]
    assert isinstance(uncached, bytes) and uncached == photo


def test_print_photos_remake_a_cache_entry_that_is_a_link_or_empty(tmp_path: Path) -> None:
    """A cache entry is only used if it is a regular file with something in it: a symbolic
    link planted there (to a file out of the folder) or an empty file is made again."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((1600, 1200), 40).convert("RGB").save(buffer, "JPEG", quality=90)
    files = {tmp_path / "_build" / "assets" / "media" / "photo.jpg": buffer.getvalue()}
    (cached,) = print_photos(files, tmp_path / "cache").values()
    assert isinstance(cached, Path)
    photo = cached.read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("not a photo", encoding="utf-8")
    for planted in ("link", "empty"):
        cached.unlink()
        if planted == "link":
            cached.symlink_to(secret)
        else:
            cached.touch()
        (again,) = print_photos(files, tmp_path / "cache").values()
        assert again == cached and not cached.is_symlink()
        assert cached.read_bytes() == photo, planted
    assert secret.read_text(encoding="utf-8") == "not a photo"


# -- the example's PDF, rendered once ------------------------------------------------------------


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedPdf, Residency]:
    folder = tmp_path_factory.mktemp("example") / "lycee-jean-moulin"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".residence", "_build"))
    published = _published(folder)
    report = render_html(published, use_cache=False)
    return render_pdf(report, published, out=folder / "_build"), published


@pytest.mark.pdf
def test_render_pdf_example_has_cover_contents_and_parts(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, _ = example_pdf
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages >= 20
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages = _text(pdf.data)
    assert "Le hall, carrefour des chemins" in _flat(pages[0])
    assert "Région Loire-Océane" in _flat(pages[0])
    contents = _flat(pages[1])
    assert "Sommaire" in contents
    # Each part of the contents has the page number where that part starts.
    for title in ("La question", "L’immersion", "Crédits et licence"):
        match = re.search(re.escape(title) + r" (\d+)", contents)
        assert match, (title, contents)
        number = int(match.group(1))
        assert title.upper() in _flat(pages[number - 1]).upper(), (title, number)


@pytest.mark.pdf
def test_render_pdf_example_has_running_headers_and_page_numbers(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, _ = example_pdf
    pages = [_flat(text) for text in _text(pdf.data)]
    total = len(pages)
    assert f"page 1 / {total}" not in pages[0]  # no number on the cover
    for number, text in enumerate(pages[2:], start=3):
        assert f"page {number} / {total}" in text
    journal = next(i for i, text in enumerate(pages) if "Premier tour du hall" in text)
    assert "L’IMMERSION" in pages[journal]
    # The title is long: the running head shows its main part, on the page number's line.
    lines = [_flat(line).strip() for line in _text(pdf.data)[journal].splitlines()]
    head = f"Le hall, carrefour des chemins · page {journal + 1} / {total}"
    assert any(line.endswith(head) for line in lines), [line for line in lines if "page" in line]
    assert "Jean-Moulin · page" not in pages[journal]


@pytest.mark.pdf
def test_running_head_from_a_theme_cover_without_the_short_title(minimal: Path) -> None:
    """A theme's cover made before the short title still names the residency in the head."""
    (minimal / "theme").mkdir()
    (minimal / "theme" / "cover.html.j2").write_text(
        '<header class="cover"><h1 class="cover-title">{{ cover.title }}</h1></header>\n',
        encoding="utf-8",
    )
    title = _published(minimal).residence.title  # type: ignore[union-attr]
    pages = [_flat(text) for text in _text(_render(minimal).data)]
    assert f"{_flat(title)} · page 2 / {len(pages)}" in pages[1]


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("Banc d’essai", "Banc d’essai"),
        (
            "Le hall, carrefour des chemins — résidence au lycée professionnel Jean-Moulin",
            "Le hall, carrefour des chemins",
        ),
        (
            "Accueillir\u202f: comment la mairie annexe des Forges reçoit ses habitants le samedi",
            "Accueillir\u202f: comment la mairie annexe des Forges reçoit…",
        ),
        ("  Deux   espaces\n et une ligne  ", "Deux espaces et une ligne"),
        ("x" * 80, "x" * 57 + "…"),
    ],
)
def test_running_title_fits_the_running_head(title: str, head: str) -> None:
    from residence.render.context import RUNNING_TITLE_MAX, running_title

    assert running_title(title) == head
    assert len(running_title(title)) <= RUNNING_TITLE_MAX


@pytest.mark.pdf
def test_render_pdf_example_ends_with_credits_and_licence(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, _ = example_pdf
    last = " ".join(_flat(text) for text in _text(pdf.data)[-2:])
    assert "CC-BY-SA-4.0" in last
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in last
    assert "Claire Fontanel" in last


@pytest.mark.pdf
def test_render_pdf_example_metadata_xmp_and_tags(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, published = example_pdf
    reader = PdfReader(io.BytesIO(pdf.data))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == published.residence.title  # type: ignore[union-attr]
    assert "Claire Fontanel" in (meta.author or "")
    assert "hall" in (meta.subject or "") and "**" not in (meta.subject or "")
    assert "orientation" in str(meta.get("/Keywords"))
    assert str(meta.get("/CreationDate")).startswith("D:20250101")  # SOURCE_DATE_EPOCH
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<xmpRights:Marked>True</xmpRights:Marked>" in xmp
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in xmp
    assert "cc:license" in xmp and "pdfuaid:part" in xmp
    assert xmp.count("<rdf:RDF") == 1


def _structure(reader: PdfReader) -> Iterator[dict[str, object]]:
    """Yield every element of a tagged PDF's structure tree."""
    stack: list[object] = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict):
            continue
        yield node
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, list) else [kids] if kids is not None else [])


@pytest.mark.pdf
def test_render_pdf_example_tags_figures_and_entry_links_soundly(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    """Every figure has a text alternative: the kind marks of the entries are no figures.

    WeasyPrint tags each <svg> as a figure; the marks beside each entry's kind are drawn by
    the print style sheet instead, so that they do not become figures with nothing to say.
    """
    pdf, _ = example_pdf
    reader = PdfReader(io.BytesIO(pdf.data))
    elements = list(_structure(reader))
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    assert figures  # the actor map, the charts and the photos
    assert all(str(e.get("/Alt", "")).strip() for e in figures), len(figures)
    assert len([e for e in elements if e.get("/S") == "/Art"]) >= 40  # the journal entries
    pages = [_flat(text) for text in _text(pdf.data)]
    assert any("Rencontrés : " in text for text in pages)


def _kinds(element: dict[str, object]) -> list[object]:
    kids = element.get("/K")
    kids = kids if isinstance(kids, list) else [kids]
    return [k.get_object().get("/S") for k in kids if hasattr(k, "get_object")]


@pytest.mark.pdf
def test_render_pdf_example_lists_hold_only_items(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    """A list holds items, an item a label and a body: the facts' rows are items too."""
    pdf, _ = example_pdf
    elements = list(_structure(PdfReader(io.BytesIO(pdf.data))))
    lists = [e for e in elements if e.get("/S") == "/L"]
    assert lists
    assert {kind for e in lists for kind in _kinds(e)} <= {"/LI", "/L", "/Caption"}
    items = [e for e in elements if e.get("/S") == "/LI"]
    assert {tuple(_kinds(e)) for e in items} <= {("/Lbl", "/LBody"), ("/LBody",)}
    # The cover's facts, a term and its definition: "Site" labels its value.
    labels = [e for e in elements if e.get("/S") == "/Lbl"]
    assert len(labels) > 40


def test_without_gaps_in_lists_drops_only_the_space_between_items() -> None:
    page = (
        '<ul class="figures">\n  <li><span>3</span> <span>semaines</span></li>\n  <li>x</li>\n</ul>'
        '<dl class="facts">\n <div><dt>A</dt><dd><a>x</a> <span class="note">(n)</span></dd></div>'
        "\n <div><dt>B</dt><dd>y</dd></div>\n</dl><p> keep </p> <div> </div>"
    )
    assert without_gaps_in_lists(page) == (
        '<ul class="figures"><li><span>3</span> <span>semaines</span></li><li>x</li></ul>'
        '<dl class="facts"><div><dt>A</dt><dd><a>x</a> <span class="note">(n)</span></dd></div>'
        "<div><dt>B</dt><dd>y</dd></div></dl><p> keep </p> <div> </div>"
    )


def test_paper_page_leaves_out_the_kind_icons_and_list_gaps_only() -> None:
    icon = (
        '<svg class="kind-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
        'focusable="false"><circle class="mark mark-observation" cx="8" cy="8" r="6"/></svg>'
    )
    chart = '<svg class="chart" role="img"><title>t</title><circle r="2"/></svg>'
    page = (
        f'<p class="entry-meta"><span class="chip kind kind-observation">{icon}Observation'
        f'</span> <span class="time">08:00</span></p><ul>\n <li>a</li>\n</ul>{chart}'
    )
    assert paper_page(page) == (
        '<p class="entry-meta"><span class="chip kind kind-observation">Observation</span> '
        f'<span class="time">08:00</span></p><ul><li>a</li></ul>{chart}'
    )


def test_mend_definition_lists_makes_rows_items_with_a_label_and_a_body() -> None:
    import pydyf

    pdf = pydyf.PDF()

    def add(tag: str, *kids: pydyf.Dictionary) -> pydyf.Dictionary:
        element = pydyf.Dictionary({"Type": "/StructElem", "S": f"/{tag}", "K": pydyf.Array()})
        pdf.add_object(element)
        for kid in kids:
            element["K"].append(kid.reference)
        return element

    term, definition = add("LI", add("LBody")), add("LI", add("LBody"))
    row = add("Div", term, definition)
    odd = add("Div", add("LI", add("LBody")))  # not a term and its definition: left alone
    plain = add("LI", add("LBody"))  # a <dt> or <dd> straight in the <dl>: already an item
    dl = add("L", row, odd, plain)
    elsewhere = add("Div", add("LI", add("LBody")), add("LI", add("LBody")))  # not in a list

    assert mend_definition_lists(pdf) == 1
    assert (dl["S"], row["S"], term["S"], definition["S"]) == ("/L", "/LI", "/Lbl", "/LBody")
    assert [pdf.objects[int(k.split()[0])]["S"] for k in term["K"]] == ["/NonStruct"]
    assert (odd["S"], plain["S"], elsewhere["S"]) == ("/Div", "/LI", "/Div")
    assert mend_definition_lists(pdf) == 0  # once is enough


@pytest.mark.pdf
def test_render_pdf_example_public_edition_hides_the_unconsented_person(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, _ = example_pdf
    text = _flat(" ".join(_text(pdf.data))).lower()
    assert "solange" not in text and "vermeersch" not in text
    raw = pdf.data.lower()
    assert b"solange" not in raw and b"vermeersch" not in raw
    meta = PdfReader(io.BytesIO(pdf.data)).metadata
    assert "Solange" not in str(dict(meta or {}))


@pytest.mark.pdf
def test_render_pdf_example_keeps_the_actor_map_vector(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    pdf, _ = example_pdf
    pages = [_flat(text) for text in _text(pdf.data)]
    # The map's legend and labels are text in the PDF (a picture of the map would have none).
    site = [i for i, text in enumerate(pages) if "LE SITE ET SES ACTEURS" in text.upper()]
    assert any("Coopération" in pages[i] and "influence (1 à 5)" in pages[i] for i in site)
    assert not [p for p in pdf.problems if p.severity == "error"]


# -- smaller renders ------------------------------------------------------------------------------


@pytest.mark.pdf
def test_render_pdf_example_embeds_only_the_shipped_fonts(
    example_pdf: tuple[RenderedPdf, Residency],
) -> None:
    """No character falls back to a font of the machine: the PDF looks the same everywhere."""
    pdf, _ = example_pdf
    reader = PdfReader(io.BytesIO(pdf.data))
    names: set[str] = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    families = {re.sub(r"-(Semi-Bold|Bold|Italic|Oblique)$", "", n) for n in names}
    families = {re.sub(r"-(Semi-Bold|Bold)$", "", f) for f in families}
    assert families <= {"Literata", "Instrument-Serif", "Instrument-Sans", "Residence-Symbols"}
    assert "Residence-Symbols" in families  # the relation arrows and chart marks


@pytest.mark.parametrize(
    "name", ["noto-sans-math-symbols-400-normal.woff2", "literata-latin-400-normal.woff2"]
)
def test_print_fonts_draw_every_space_next_to_a_mark(name: str) -> None:
    """Each shipped font, made ready for print, has a real glyph for the spaces.

    The symbols font had none: a space drawn from it next to an arrow or a nested list's
    bullet ("◦ ", "→ " at the end of a line) came out as an empty box on paper.
    """
    from fontTools.ttLib import TTFont

    from residence.resources import templates_dir

    font = TTFont(
        io.BytesIO(_decompressed((templates_dir() / "report" / "fonts" / name).read_bytes(), None))
    )
    cmap = font.getBestCmap()
    for code in (0x20, 0xA0, 0x202F):
        glyph = cmap.get(code)
        assert glyph is not None and glyph != ".notdef", (name, hex(code))
        assert font["hmtx"][glyph][0] > 0, (name, hex(code))
    assert font["glyf"][cmap[0x20]].numberOfContours == 0  # a space draws nothing
    for code, glyph in (
        TTFont(io.BytesIO((templates_dir() / "report" / "fonts" / name).read_bytes()))
        .getBestCmap()
        .items()
    ):
        assert cmap[code] == glyph  # every mark and letter kept as it was


@pytest.mark.pdf
def test_render_pdf_team_edition_has_the_band_on_every_page(minimal: Path) -> None:
    pdf = _render(minimal, "team")
    pages = [_flat(text) for text in _text(pdf.data)]
    assert pages and all("DOCUMENT INTERNE — NE PAS DIFFUSER" in p.upper() for p in pages)
    public = [_flat(text) for text in _text(_render(minimal).data)]
    assert not any("NE PAS DIFFUSER" in p.upper() for p in public)


@pytest.mark.pdf
def test_render_pdf_archive_variant_attaches_the_published_sources(minimal: Path) -> None:
    steps: list[tuple[str, float]] = []
    pdf = _render(
        minimal, variant="pdf/a-3u", progress=lambda what, done: steps.append((what, done))
    )
    fractions = [done for _, done in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(what.startswith("Laying out the pages") for what, _ in steps)
    reader = PdfReader(io.BytesIO(pdf.data))
    attached = reader.attachments
    assert "residence.yaml" in attached
    assert any(name.startswith("journal_") for name in attached)
    assert not any("private" in name for name in attached)
    # What the gate decided for each person met (no consent record, no note) makes the same
    # public edition again from the attached sources.
    assert [name for name in attached if "consent" in name] == ["consent-scopes.yaml"]
    (scopes,) = attached["consent-scopes.yaml"]
    assert b"notes" not in scopes and b"jeanne-martin: public" in scopes
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid:part" in xmp and "xmpRights" in xmp


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server (in a thread, stopped at the end) that records every request."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.pdf
def test_render_pdf_hostile_theme_reads_nothing_outside(
    minimal: Path, tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, requests = counting_server
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("TOP-SECRET-OUTSIDE", encoding="utf-8")
    theme = minimal / "theme"
    theme.mkdir()
    (theme / "leak.png").symlink_to(secret)
    (theme / "random.png").symlink_to("/dev/urandom")
    (theme / "extra.css").write_text(
        f"@import url({base}/imported.css);\n"
        f"body {{ background: url({base}/tracker.png); }}\n"
        "h1 { background: url(file:///etc/passwd); }\n",
        encoding="utf-8",
    )
    (theme / "footer.html.j2").write_text(
        '<footer>\n<img src="file:///etc/passwd" alt="a">\n'
        f'<img src="{base}/pixel.png" alt="b">\n'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>\n'
        f'<a rel="attachment" href="{secret.as_uri()}">secret</a>\n'
        '<link rel="attachment" href="file:///etc/hostname">\n'
        '<img src="../theme/random.png" alt="c"><img src="../theme/leak.png" alt="d">\n'
        '<img src="/dev/zero" alt="e">\n'
        "</footer>\n",
        encoding="utf-8",
    )
    pdf = _render(minimal)
    assert requests == []
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.attachments == {}
    passwd = Path("/etc/passwd").read_bytes()[:30]
    assert b"TOP-SECRET-OUTSIDE" not in pdf.data
    assert b"/etc/passwd" not in pdf.data and b"file:" not in pdf.data
    assert passwd not in pdf.data
    text = " ".join(_text(pdf.data))
    assert "TOP-SECRET" not in text and "root:" not in text
    refused = [p for p in pdf.problems if p.code == "refused-resource"]
    where = {(p.path, p.line) for p in refused}
    assert ("theme/extra.css", 1) in where  # the @import
    assert ("theme/footer.html.j2", 2) in where  # the first image
    assert any("/etc/passwd" in p.message for p in refused)
    assert all(p.severity == "warning" for p in refused)


def test_cli_render_rejects_an_unknown_format(minimal: Path) -> None:
    result = CliRunner().invoke(app, ["render", str(minimal), "--to", "doc"])
    assert result.exit_code == 2
    assert "--to doc: unknown format" in result.output


@pytest.mark.pdf
def test_cli_render_pdf_only_writes_the_pdf(minimal: Path) -> None:
    out = minimal / "out"
    result = CliRunner().invoke(app, ["render", str(minimal), "--to", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert not (out / "report.html").exists()
    assert str(out / "report.pdf") in result.stdout
    assert "%" not in result.stderr  # no progress bar when the output is not a terminal


@pytest.mark.pdf
def test_cli_render_default_makes_html_and_pdf_from_one_edition(minimal: Path) -> None:
    result = CliRunner().invoke(app, ["render", str(minimal), "--edition", "team"])
    assert result.exit_code == 0, result.output
    out = minimal / "_build" / "team"
    assert (out / "report.html").is_file() and (out / "report.pdf").is_file()
    assert "report.pdf" in result.stdout and "report.html" in result.stdout
    pages = _text((out / "report.pdf").read_bytes())
    assert "NE PAS DIFFUSER" in _flat(pages[0]).upper()
    assert "ne pas diffuser" in (out / "report.html").read_text(encoding="utf-8").lower()


@pytest.mark.pdf
def test_render_pdf_is_reproducible_with_source_date_epoch(
    copy_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    first = _render(copy_project("minimal", tmp_path / "one"))
    second = _render(copy_project("minimal", tmp_path / "two"))
    assert first.data == second.data


def test_cli_render_rejects_a_bad_source_date_epoch(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = CliRunner().invoke(app, ["render", str(minimal), "--to", "pdf"])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert not (minimal / "_build" / "public" / "report.pdf").exists()
    assert not (minimal / "_build").exists()


@pytest.mark.pdf
def test_a_second_render_embeds_the_print_photo_not_the_file_the_first_wrote(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint re-reads an image whose response names a file: after a render that wrote
    OUT/assets/, that was the screen-sized copy (under the print size) or whatever was
    there. The fetcher's responses name no file, so the PDF holds what it served."""
    from PIL import Image

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    Image.effect_noise((2400, 1600), 40).convert("RGB").save(minimal / "media" / "photo.jpg")
    entry = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8")
        + '  - file: media/photo.jpg\n    alt: "Le hall"\n    credit: "Claire Dumas"\n',
        encoding="utf-8",
    )
    pdfs = []
    for _ in range(2):
        result = CliRunner().invoke(app, ["render", str(minimal)])
        assert result.exit_code == 0, result.output
        pdfs.append((minimal / "_build" / "public" / "report.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]
    (screen,) = (minimal / "_build" / "public" / "assets" / "media").glob("photo-*.jpg")
    with Image.open(screen) as copy:
        assert max(copy.size) != 1300
    sizes = set()  # WeasyPrint shares one resource dictionary: every page lists the image
    for page in PdfReader(io.BytesIO(pdfs[1])).pages:
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as embedded:
                if embedded.format == "JPEG":
                    sizes.add(embedded.size)
    assert sizes == {(1300, 867)}


def test_every_clamped_size_of_the_screen_has_a_print_size() -> None:
    """WeasyPrint does not compute clamp() (it gives 16px whatever the bounds), so each rule
    of report.css whose font-size is a clamp() has a print.css rule of the same selector that
    sets a plain font-size: else a journal quote prints smaller than the text around it."""
    import tinycss2

    templates = Path(__file__).parent.parent / "templates" / "report"

    def sizes(name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        sheet = (templates / name).read_text(encoding="utf-8")
        for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            for decl in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if decl.type == "declaration" and decl.lower_name == "font-size":
                    for selector in selectors:
                        found[" ".join(selector.split())] = tinycss2.serialize(decl.value)
        return found

    screen, paper = sizes("report.css"), sizes("print.css")
    clamped = sorted(s for s, value in screen.items() if "clamp(" in value)
    assert clamped, "report.css has no clamp() size any more: drop this test"

    def printed(selector: str) -> bool:  # the same selector, or a more specific one ending so
        return any(
            (p == selector or p.endswith(" " + selector)) and "clamp(" not in value
            for p, value in paper.items()
        )

    assert [s for s in clamped if not printed(s)] == []

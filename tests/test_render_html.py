"""The HTML report: structure, accessibility, editions, themes, and the render command."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from pypdf import PdfWriter
from typer.testing import CliRunner  # noqa: TID251 - the render command's own tests

from residence.check import check_residency
from residence.cli import app
from residence.errors import ResidenceError
from residence.gate import find_leaks, kept_names, protected_names, select_edition
from residence.load import load_residency
from residence.models import Residency
from residence.render.context import accent_palette, contrast
from residence.render.html import RenderedReport, render_html, report_templates, write_report

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
TEAM_NOTE = "Note interne sur le budget"
HIDDEN_PERSON = "Marcel Dubreuil"


# -- a small HTML structure reader ------------------------------------------------------------


class Page(HTMLParser):
    """Collects what the structure tests look at: tags, headings, ids, images, tables."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tables: list[list[str]] = []  # the child tags of each table, in order
        self.scripts: list[tuple[str | None, str]] = []
        self._heading: list[str] | None = None
        self._script: tuple[str | None, list[str]] | None = None
        self._depth: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(str(attributes["href"]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]
        if tag == "table":
            self.tables.append([])
            self._depth.append(0)
        elif self._depth:
            if self._depth[-1] == 0:
                self.tables[-1].append(tag)
            if tag not in {"img", "br", "col"}:
                self._depth[-1] += 1
        if tag == "script":
            self._script = (attributes.get("type"), [])

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == self._heading[0]:
            level = int(tag[1])
            self.headings.append((level, "".join(self._heading[1:]).strip()))
            self._heading = None
        if tag == "table" and self._depth:
            self._depth.pop()
        elif self._depth and self._depth[-1] > 0:
            self._depth[-1] -= 1
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self._script is not None:
            self._script[1].append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        """Return the attributes of every element with this tag."""
        return [attrs for name, attrs in self.tags if name == tag]


def assert_accessible_structure(html: str) -> Page:
    """Check the rules every report follows (RGAA / WCAG 2.1 AA, HTML5 basics)."""
    assert html.startswith("<!DOCTYPE html>")
    page = Page(html)
    (root,) = page.all("html")
    assert root.get("lang") in {"fr", "en"}
    head = html[: html.index("</head>")]
    assert head.count("<title>") == 1 and "<title>" not in html[len(head) :].split("<svg")[0]
    assert len(page.all("h1")) == 1
    # Headings never skip a level on the way down.
    previous = 0
    for level, text in page.headings:
        assert level <= previous + 1, f"h{level} '{text}' after h{previous}"
        assert text, "empty heading"
        previous = level
    # Landmarks and the skip link.
    for tag in ("header", "nav", "main", "footer"):
        assert page.all(tag), f"no <{tag}>"
    assert page.all("main")[0].get("id") == "main"
    first_link = page.all("a")[0]
    assert first_link.get("href") == "#main" and "skip-link" in (first_link.get("class") or "")
    # Every image has a text alternative; every table a caption first.
    for img in page.all("img"):
        assert img.get("alt") is not None, img
        assert img.get("src") and not img["src"].startswith(("http:", "https:", "//", "/"))
    for children in page.tables:
        assert children and children[0] == "caption", children
    # Ids are unique, and every link inside the page lands somewhere.
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates
    for href in page.hrefs:
        if href.startswith("#"):
            assert href[1:] in page.ids, f"dangling link {href}"
    # Sections and articles are named by their heading, which carries the id links land on:
    # an id on a container gives all it holds styles of their own in the PDF (memory).
    for tag in ("section", "article"):
        for attrs in page.all(tag):
            assert not attrs.get("id"), f"<{tag} id={attrs.get('id')!r}>: put the id on its heading"
            label = attrs.get("aria-labelledby")
            assert label and label in page.ids, f"<{tag}> is not named by a heading"
    # Inline SVGs describe themselves.
    for svg in page.all("svg"):
        if svg.get("aria-hidden") != "true":
            assert svg.get("role") == "img"
            assert svg.get("aria-labelledby") or svg.get("aria-label")
    # Works offline: no script but the JSON-LD, nothing loaded from the network.
    assert [kind for kind, _ in page.scripts] == ["application/ld+json"]
    for link in page.all("link"):
        assert not (link.get("href") or "").startswith(("http", "//"))
    return page


# -- residencies --------------------------------------------------------------------------------


def _photo(path: Path, size: tuple[int, int] = (2400, 1600), orientation: int = 1) -> None:
    image = Image.new("RGB", size, (90, 120, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif)


@pytest.fixture
def rich(minimal: Path) -> Path:
    """The minimal residency plus photos, a team-only note and a person without consent."""
    _photo(minimal / "media" / "guichet.jpg", orientation=6)
    _photo(minimal / "media" / "sans-alt.jpg", (800, 600))
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(minimal / "media" / "plan.pdf")
    actors = (minimal / "actors.yaml").read_text(encoding="utf-8")
    actors = actors.replace(
        "relations:",
        "  - id: marcel\n"
        f'    name: "{HIDDEN_PERSON}"\n'
        "    kind: inhabitant\n"
        "    sector: users\n"
        "    circle: indirect\n"
        "    personal: true\n"
        "relations:",
    )
    (minimal / "actors.yaml").write_text(actors, encoding="utf-8")
    (minimal / "journal" / "2025-03-05-le-guichet.yaml").write_text(
        "date: 2025-03-05\n"
        'time: "10:00"\n'
        "title: \"Le guichet à l'heure d'affluence\"\n"
        "kind: observation\n"
        "authors: [claire]\n"
        "actors: [marcel]\n"
        "body: |\n"
        "  Marcel Dubreuil attend depuis vingt minutes ; il dit : « c'est toujours pareil ».\n"
        "\n"
        "  # Un titre dans le texte\n"
        "\n"
        "  Et une [adresse](https://example.org) pour finir.\n"
        "quotes:\n"
        "  - actor: marcel\n"
        '    text: "On attend, on attend."\n'
        "media:\n"
        "  - file: media/guichet.jpg\n"
        '    caption: "Le guichet, à 10 h."\n'
        '    alt: "Une file de six personnes devant le guichet."\n'
        '    credit: "Claire Dumas"\n'
        "  - file: media/sans-alt.jpg\n"
        '    caption: "Sans texte de remplacement."\n'
        "  - file: media/plan.pdf\n"
        '    caption: "Le plan du hall"\n',
        encoding="utf-8",
    )
    (minimal / "journal" / "2025-03-06-note-interne.yaml").write_text(
        "date: 2025-03-06\n"
        f'title: "{TEAM_NOTE}"\n'
        "kind: reflection\n"
        "authors: [claire]\n"
        "visibility: team\n"
        "body: Ce qui se dit entre nous.\n",
        encoding="utf-8",
    )
    return minimal


def _load(folder: Path) -> Residency:
    residency, problems = load_residency(folder)
    problems += check_residency(residency)
    assert not [p for p in problems if p.severity == "error"], problems
    return residency


def _render(folder: Path, edition: str = "public", **options: object) -> RenderedReport:
    return render_html(select_edition(_load(folder), edition), **options)  # type: ignore[arg-type]


# -- structure -------------------------------------------------------------------------------


def test_render_html_minimal_has_an_accessible_structure(minimal: Path) -> None:
    report = _render(minimal)
    page = assert_accessible_structure(report.html)
    assert page.all("html")[0]["lang"] == "fr"
    assert page.headings[0] == (1, "La mairie annexe, vue du guichet")
    h2 = [text for level, text in page.headings if level == 2]
    assert h2 == [
        "L\u2019essentiel", "La question", "Le site et ses acteurs", "L\u2019équipe et sa méthode",
        "L\u2019immersion", "De la vision aux projets", "Et ensuite\u202f?", "Méthodes",
        "Crédits et licence",
    ]  # fmt: skip
    assert "mardi 4 mars 2025" in report.html
    assert 'name="generator" content="residence"' in report.html
    assert report.problems == []


def test_render_html_rich_has_an_accessible_structure(rich: Path) -> None:
    report = _render(rich)
    page = assert_accessible_structure(report.html)
    # A heading written in an entry's Markdown sits under the entry's own heading.
    levels = {text: level for level, text in page.headings}
    assert levels["Le guichet à l\u2019heure d\u2019affluence"] == 5
    assert levels["Un titre dans le texte"] == 6
    # Quotes are set apart, photos are figures with captions and credits.
    assert "<blockquote><p>On attend, on attend.</p></blockquote>" in report.html
    assert "Photo\u00a0: Claire Dumas" in report.html
    figure = re.search(
        r'<figure class="picture[^"]*">\s*<img src="assets/media/guichet-.*?</figure>',
        report.html,
        re.S,
    )
    assert figure and "<figcaption>" in figure.group() and "Le guichet, à 10" in figure.group()
    # The PDF is offered as a download; typography is French.
    assert re.search(r'<a href="assets/media/plan-[0-9a-f]+\.pdf" download>', report.html)
    assert "attend depuis vingt minutes\u202f;" in report.html or "Personne A" in report.html


def test_render_html_json_ld_describes_the_work(minimal: Path) -> None:
    report = _render(minimal)
    page = Page(report.html)
    ((_, text),) = page.scripts
    data = json.loads(text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "La mairie annexe, vue du guichet"
    assert {"@type": "Person", "name": "Claire Dumas"} in data["author"]
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["inLanguage"] == "fr"
    assert data["dateCreated"] == "2025-03-03"
    assert data["spatialCoverage"]["name"].startswith("Mairie annexe")
    assert "about" in data


def test_render_html_json_ld_cannot_close_its_script(minimal: Path) -> None:
    text = (minimal / "residence.yaml").read_text(encoding="utf-8")
    text = text.replace(
        'title: "La mairie annexe, vue du guichet"',
        'title: "Guichet </script><script>alert(1)</script> <!-- fin"',
    )
    (minimal / "residence.yaml").write_text(text, encoding="utf-8")
    report = _render(minimal)
    ((_, body),) = Page(report.html).scripts
    assert "</script" not in body and "<!--" not in body
    assert json.loads(body)["name"].startswith("Guichet </script>")
    assert "<script>alert(1)" not in report.html


def test_render_html_credits_carry_the_licence_and_tasl(minimal: Path) -> None:
    report = _render(minimal)
    assert (
        '<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr">'
        in report.html
    )
    assert (
        "Creative Commons Attribution \u2013 Partage dans les mêmes conditions 4.0" in report.html
    )
    credits = report.html[report.html.index('id="credits"') :]
    for label in ("Titre", "Auteurs", "Source", "Licence"):
        assert f"<dt>{label}</dt>" in credits
    assert "Ville de Bourg-la-Reine" in credits and "La 27e Région" in credits


def test_render_html_methods_link_to_where_they_were_used(minimal: Path) -> None:
    report = _render(minimal)
    card = re.search(
        r'<article class="method-card" aria-labelledby="method-entretien-guichet".*?</article>',
        report.html,
        re.S,
    )
    assert card
    assert 'href="#entry-2025-03-04-entretien-jeanne"' in card.group()
    assert 'href="#prototype-panneau-orientation"' in card.group()
    assert "La 27e Région" in card.group()


def _cite_everywhere(folder: Path, count: int) -> None:
    """Add ``count`` journal entries citing the minimal residency's method."""
    for n in range(count):
        (folder / "journal" / f"2025-03-{5 + n % 20:02d}-visite-{n:02d}.yaml").write_text(
            f'date: 2025-03-{5 + n % 20:02d}\ntitle: "Visite {n:02d}"\nkind: observation\n'
            "authors: [claire]\nmethods: [entretien-guichet]\nbody: Au guichet.\n",
            encoding="utf-8",
        )


def test_render_html_a_method_used_everywhere_lists_twelve_entries(minimal: Path) -> None:
    """A card lists its examples first, then the earliest entries, and counts the rest."""
    _cite_everywhere(minimal, 40)
    report = _render(minimal)
    used = re.search(r'<p class="used-in">(.*?)</p>', report.html, re.S)
    assert used
    entries = re.findall(r'href="#entry-([^"]+)"', used.group(1))
    assert len(entries) == 12
    assert entries[0] == "2025-03-04-entretien-jeanne"  # the method's own example
    assert 'href="#prototype-panneau-orientation"' in used.group(1)
    # 41 entries cite the method (40 visits and Jeanne's interview): 29 are counted.
    assert ' et <a href="#immersion">29 autres entrées du journal</a>' in used.group(1)
    assert 'id="immersion"' in report.html


def test_render_html_in_english(minimal: Path) -> None:
    text = (minimal / "residence.yaml").read_text(encoding="utf-8")
    (minimal / "residence.yaml").write_text(
        text.replace("language: fr", "language: en"), encoding="utf-8"
    )
    report = _render(minimal)
    page = assert_accessible_structure(report.html)
    assert page.all("html")[0]["lang"] == "en"
    assert "The question" in [text for _, text in page.headings]
    assert "Tuesday, March 4, 2025" in report.html
    assert "deed.en" in report.html


# -- editions ----------------------------------------------------------------------------------


def test_render_html_public_edition_leaves_out_team_notes_and_hidden_names(rich: Path) -> None:
    source = _load(rich)
    report = render_html(select_edition(source, "public"))
    assert TEAM_NOTE not in report.html
    assert "Document interne" not in report.html
    assert find_leaks(report.html, protected_names(source), kept_names(source)) == []
    svg = report.assets["assets/actor-map.svg"]
    assert isinstance(svg, bytes) and HIDDEN_PERSON.encode() not in svg
    assert "On attend, on attend." in report.html  # the quote stays, under a pseudonym


def test_render_html_public_edition_drops_pictures_without_alt(rich: Path) -> None:
    report = _render(rich)
    assert [(p.code, p.severity) for p in report.problems] == [("missing-alt", "warning")]
    assert "media/sans-alt.jpg" in report.problems[0].message
    assert "Sans texte de remplacement" not in report.html
    sources = [img["src"] or "" for img in Page(report.html).all("img")]
    assert not [src for src in sources if "sans-alt" in src]
    assert len(sources) == 3  # the map thumbnail, the drawing and the photo with alt


def test_render_html_team_edition_has_the_band_everywhere(rich: Path) -> None:
    report = _render(rich, "team")
    page = assert_accessible_structure(report.html)
    band = "Document interne — ne pas diffuser"
    assert f'<p class="band" id="band">{band}</p>' in report.html
    sections = [a for a in page.all("section") if "section" in (a.get("class") or "").split()]
    assert sections and all(a.get("data-band") == band for a in sections)
    assert "@top-center" in report.html  # in the margin of every printed page
    assert TEAM_NOTE in report.html
    assert HIDDEN_PERSON in report.html
    assert '<meta name="robots" content="noindex, nofollow">' in report.html
    assert "Sans texte de remplacement" in report.html  # the team sees every picture
    assert report.problems == []


# -- pictures -----------------------------------------------------------------------------------


def test_render_html_photos_are_resized_upright_and_stripped(rich: Path, tmp_path: Path) -> None:
    report = _render(rich)
    photos = [k for k in report.assets if k.startswith("assets/media/guichet-")]
    assert len(photos) == 1
    content = report.assets[photos[0]]
    path = content if isinstance(content, Path) else None
    assert path is not None and path.parent == rich / ".residence" / "cache"
    with Image.open(path) as image:
        assert image.width <= 1600
        assert image.height > image.width  # orientation 6 applied
        assert len(image.getexif()) == 0
    match = re.search(
        rf'<img src="{re.escape(photos[0])}" alt="([^"]+)" width="(\d+)" '
        r'height="(\d+)"',
        report.html,
    )
    assert match and match.group(1).startswith("Une file de six personnes")


def test_render_html_second_render_hits_the_cache(rich: Path) -> None:
    first = _render(rich)
    cache = rich / ".residence" / "cache"
    files = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert files
    second = _render(rich)
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == files
    assert first.html == second.html
    assert first.assets.keys() == second.assets.keys()


def test_render_html_without_cache_writes_nothing_in_the_folder(rich: Path) -> None:
    report = _render(rich, use_cache=False)
    assert not (rich / ".residence").exists()
    assert any(k.startswith("assets/media/guichet-") for k in report.assets)


# -- themes -------------------------------------------------------------------------------------


def test_render_html_theme_overrides_a_template_and_adds_css(minimal: Path) -> None:
    theme = minimal / "theme"
    theme.mkdir()
    (theme / "cover.html.j2").write_text(
        '<header class="cover"><h1>{{ cover.title }} — version du thème</h1></header>\n',
        encoding="utf-8",
    )
    (theme / "extra.css").write_text(":root { --accent: #005f73; }\n", encoding="utf-8")
    report = _render(minimal)
    assert "version du thème" in report.html
    assert '<link rel="stylesheet" href="assets/extra.css">' in report.html
    assert report.html.index("assets/report.css") < report.html.index("assets/extra.css")
    assert report.assets["assets/extra.css"] == b":root { --accent: #005f73; }\n"
    assert_accessible_structure(report.html)


def test_render_html_theme_cannot_read_outside_the_folder(minimal: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.html.j2"
    outside.write_text("<p>SECRET FROM OUTSIDE</p>", encoding="utf-8")
    (minimal / "theme").mkdir()
    (minimal / "theme" / "cover.html.j2").symlink_to(outside)
    css = tmp_path / "outside.css"
    css.write_text("body { color: red }", encoding="utf-8")
    (minimal / "theme" / "extra.css").symlink_to(css)
    report = _render(minimal)
    assert "SECRET FROM OUTSIDE" not in report.html
    assert "assets/extra.css" not in report.assets
    assert '<h1 class="cover-title" data-running-title=' in report.html  # the shipped cover


def test_render_html_theme_runs_in_a_sandbox(minimal: Path) -> None:
    (minimal / "theme").mkdir()
    (minimal / "theme" / "cover.html.j2").write_text(
        "<h1>{{ cover.__class__.__mro__[1].__subclasses__() }}</h1>", encoding="utf-8"
    )
    with pytest.raises(ResidenceError) as info:
        _render(minimal)
    assert info.value.problems[0].path == "theme/cover.html.j2"


def test_render_html_broken_theme_template_is_a_problem(minimal: Path) -> None:
    (minimal / "theme").mkdir()
    (minimal / "theme" / "nav.html.j2").write_text("{{ nav.nope }}", encoding="utf-8")
    with pytest.raises(ResidenceError) as info:
        _render(minimal)
    (problem,) = info.value.problems
    assert problem.path == "theme/nav.html.j2" and problem.code == "template"


def test_render_html_refuses_a_raw_residency(minimal: Path) -> None:
    with pytest.raises(TypeError, match="select_edition"):
        render_html(_load(minimal))  # type: ignore[arg-type]


# -- colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accent", [None, "#ffd60a", "#e9c46a", "#2a9d8f", "#000000", "#ffffff"])
def test_accent_palette_keeps_aa_contrast(accent: str | None) -> None:
    colours = accent_palette(accent)
    assert contrast(colours["accent_ink"], "#fdfcf9") >= 4.5
    assert contrast(colours["accent"], colours["on_accent"]) >= 4.5


# -- writing and the command ------------------------------------------------------------------


def test_write_report_replaces_its_own_output_only(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = _render(minimal)
    page = write_report(report, out)
    assert page == out / "report.html"
    assert (out / "assets" / "report.css").is_file()
    assert (out / "assets" / "fonts" / "fonts.css").is_file()
    assert (out / "assets" / "fonts" / "OFL.txt").is_file()
    assert (out / "assets" / "actor-map.svg").is_file()
    (out / "assets" / "stale.txt").write_text("old", encoding="utf-8")
    write_report(report, out)
    assert not (out / "assets" / "stale.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["assets", "report.html"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.html").write_text("<p>mine</p>", encoding="utf-8")
    with pytest.raises(ResidenceError) as info:
        write_report(report, other)
    assert info.value.usage
    assert (other / "report.html").read_text(encoding="utf-8") == "<p>mine</p>"


def test_write_report_failing_page_keeps_the_previous_report(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    report = _render(minimal)
    write_report(report, out)
    (out / "assets" / "previous.txt").write_text("old", encoding="utf-8")
    before = (out / "report.html").read_bytes()

    def fail(path: Path, data: bytes | str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("residence.render.html.write_atomic", fail)
    with pytest.raises(OSError):
        write_report(report, out)
    # The page and its assets stay the previous report's, whole; no temporary folder is left.
    assert (out / "report.html").read_bytes() == before
    assert (out / "assets" / "previous.txt").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["assets", "report.html"]


def test_every_css_and_font_link_resolves(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_report(_render(minimal), out)
    html = (out / "report.html").read_text(encoding="utf-8")
    for href in re.findall(r'(?:href|src)="(assets/[^"]+)"', html):
        assert (out / href).is_file(), href
    fonts_css = (out / "assets" / "fonts" / "fonts.css").read_text(encoding="utf-8")
    for url in re.findall(r'url\("([^"]+)"\)', fonts_css):
        assert (out / "assets" / "fonts" / url).is_file(), url


runner = CliRunner()


def test_render_command_writes_the_report(minimal: Path) -> None:
    result = runner.invoke(app, ["render", str(minimal), "--to", "html"])
    assert result.exit_code == 0, result.output
    page = minimal / "_build" / "public" / "report.html"
    assert page.is_file()
    assert result.stdout.strip() == str(page)
    assert_accessible_structure(page.read_text(encoding="utf-8"))
    again = runner.invoke(app, ["render", str(minimal), "--to", "html"])
    assert again.exit_code == 0, again.output


def test_render_command_team_edition_into_another_folder(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / "team"
    result = runner.invoke(
        app, ["render", str(rich), "--to", "html", "--edition", "team", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "TEAM EDITION" in result.stderr
    assert TEAM_NOTE in (out / "report.html").read_text(encoding="utf-8")


def test_render_command_reports_warnings(rich: Path) -> None:
    result = runner.invoke(app, ["render", str(rich), "--to", "html"])
    assert result.exit_code == 0, result.output
    assert "media/sans-alt.jpg" in result.stderr and "warning" in result.stderr


@pytest.mark.parametrize(
    ("to", "message"),
    [("doc", "unknown format"), ("html,doc", "unknown format"), ("", "needs a format")],
)
def test_render_command_rejects_other_formats(minimal: Path, to: str, message: str) -> None:
    result = runner.invoke(app, ["render", str(minimal), "--to", to])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (minimal / "_build").exists()


def test_render_command_refuses_an_invalid_residency(copy_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_project("broken-dangling-journal", tmp_path)
    result = runner.invoke(app, ["render", str(folder), "--to", "html"])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "nothing was rendered" in result.stderr
    assert not (folder / "_build").exists()
    assert not (folder / ".residence").exists()


def test_render_command_refuses_a_folder_it_did_not_make(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "assets").mkdir(parents=True)
    (out / "assets" / "logo.png").write_bytes(b"mine")
    result = runner.invoke(app, ["render", str(minimal), "--to", "html", "--out", str(out)])
    assert result.exit_code == 2
    assert "not made by residence" in result.stderr
    assert (out / "assets" / "logo.png").read_bytes() == b"mine"


def test_render_command_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(tmp_path / "nope")])
    assert result.exit_code == 2


# -- the example --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Residency, RenderedReport]:
    if not (EXAMPLE / "residence.yaml").is_file():
        pytest.skip("the example residency is not there")
    folder = tmp_path_factory.mktemp("example") / "lycee-jean-moulin"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("_build", ".residence"))
    source = _load(folder)
    return source, render_html(select_edition(source, "public"))


def test_render_html_example_renders(example_report: tuple[Residency, RenderedReport]) -> None:
    source, report = example_report
    page = assert_accessible_structure(report.html)
    public_entries = [e for e in source.entries if e.visibility != "team"]
    assert len(page.all("article")) >= len(public_entries)
    assert len([a for a in page.all("article") if "entry" in (a.get("class") or "")]) == len(
        public_entries
    )
    assert find_leaks(report.html, protected_names(source), kept_names(source)) == []
    for entry in source.entries:
        if entry.visibility == "team":
            assert f">{entry.title}<" not in report.html


# -- translations -------------------------------------------------------------------------------


def test_every_report_label_has_a_french_translation() -> None:
    from residence.i18n import _catalog
    from residence.licences import LICENCE_IDS, licence
    from residence.resources import templates_dir

    root = Path(__file__).parent.parent / "src" / "residence" / "render"
    sources = [
        *(templates_dir() / "report").glob("*.j2"),
        *sorted((root / "context").glob("*.py")),
        *(root / name for name in ("charts.py", "uses.py")),
    ]
    single = re.compile(r"""(?:\b_|gettext)\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)
    plural = re.compile(r"""ngettext\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)
    # Licence names in English need a French name (the French ones are already French).
    titles = (licence(spdx).title for spdx in LICENCE_IDS)
    wanted = {n for n in titles if n.startswith(("Creative", "European"))}
    for path in sources:
        text = re.sub(r'"\s*\n\s*"', "", path.read_text(encoding="utf-8"))
        wanted.update(m.group(2) for m in single.finditer(text))
        wanted.update(m.group(2) for m in plural.finditer(text))
    french = _catalog("report", "fr")
    assert sorted(w for w in wanted if w not in french) == []


def test_compiled_templates_follow_an_edited_theme(minimal: Path) -> None:
    """The report's templates are compiled once per process (serve renders again and again),
    but a theme template edited between two renders is the new one."""
    theme = minimal / "theme"
    theme.mkdir()
    footer = report_templates() / "footer.html.j2"
    original = footer.read_text(encoding="utf-8")
    (theme / "footer.html.j2").write_text(original + "<p>premier pied</p>", encoding="utf-8")
    residency, _ = load_residency(minimal)
    first = render_html(select_edition(residency, "public")).html
    (theme / "footer.html.j2").write_text(original + "<p>second pied</p>", encoding="utf-8")
    second = render_html(select_edition(residency, "public")).html
    assert "premier pied" in first and "premier pied" not in second
    assert "second pied" in second

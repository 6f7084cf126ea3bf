"""The open method sheets: context, Markdown, HTML, PDF, booklet and the command."""

# ruff: noqa: RUF001

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner  # noqa: TID251

from residence.cli import app
from residence.gate import select_edition
from residence.i18n import translator
from residence.load import load_residency
from residence.models import Residency
from residence.render.band import BAND, band_text
from residence.render.methods import (
    method_sheets,
    render_methods,
    render_sheet_html,
    render_sheet_markdown,
    write_methods,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lycee-jean-moulin"


def _published(folder: Path, edition: str = "public") -> Residency:
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"], problems
    return select_edition(residency, edition)


def _flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "lycee-jean-moulin"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".residence", "_build"))
    return folder


def test_method_sheets_say_where_the_method_was_used(minimal: Path) -> None:
    (sheet,) = method_sheets(_published(minimal))
    assert sheet.id == "entretien-guichet"
    assert sheet.title == "L’entretien au guichet"
    assert sheet.phase == "immersion"
    kinds = [(use.kind, use.title) for use in sheet.used_in]
    assert ("entry", "Entretien avec Jeanne") in kinds
    assert any(kind == "prototype" for kind, _ in kinds)
    entry = next(u for u in sheet.used_in if u.kind == "entry")
    assert entry.href == "../report.html#entry-2025-03-04-entretien-jeanne"
    assert entry.when == "mardi 4 mars 2025"


def test_method_sheets_link_to_the_report_anchor_of_an_entry_whose_slug_repeats(
    minimal: Path,
) -> None:
    # "2025-03-04-entretien-jéanne" and "…-jeanne" make one slug: the report names the
    # later one "-2", and the sheet must link there, not to the first entry.
    journal = minimal / "journal"
    text = (journal / "2025-03-04-entretien-jeanne.yaml").read_text(encoding="utf-8")
    (journal / "2025-03-04-entretien-jéanne.yaml").write_text(
        text.replace('time: "14:00"', 'time: "09:00"').replace(
            "methods: [entretien-guichet]\n", ""
        ),
        encoding="utf-8",
    )
    (sheet,) = method_sheets(_published(minimal))
    hrefs = [u.href for u in sheet.used_in if u.kind == "entry"]
    assert hrefs == ["../report.html#entry-2025-03-04-entretien-jeanne-2"]


def test_method_sheets_carry_tasl_licence_and_source(minimal: Path) -> None:
    (sheet,) = method_sheets(_published(minimal))
    assert sheet.authors == "Claire Dumas"
    assert sheet.licence.spdx == "CC-BY-SA-4.0"
    assert sheet.licence.url.startswith("https://creativecommons.org/licenses/by-sa/4.0/")
    assert sheet.source.startswith("La 27e Région.")
    assert "La mairie annexe, vue du guichet" in sheet.source
    assert "L’entretien au guichet" in sheet.attribution and "CC-BY-SA-4.0" in sheet.attribution


def test_method_sheets_default_to_the_residency_licence_and_team(minimal: Path) -> None:
    path = minimal / "methods" / "entretien-guichet.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("license: CC-BY-SA-4.0\n", "").replace('authors: ["Claire Dumas"]\n', "")
    path.write_text(text, encoding="utf-8")
    (sheet,) = method_sheets(_published(minimal))
    assert sheet.licence.spdx == "CC-BY-SA-4.0"  # residence.yaml's
    assert "Claire Dumas" in sheet.authors  # the residents


def test_method_sheets_refuse_a_raw_residency(minimal: Path) -> None:
    residency, _ = load_residency(minimal)
    with pytest.raises(TypeError, match="select_edition"):
        method_sheets(residency)  # type: ignore[arg-type]


def test_a_method_used_everywhere_keeps_its_sheet_short(minimal: Path) -> None:
    """Beyond 12 entries, the examples come first, then the earliest; the rest is counted."""
    for n in range(60):
        day = f"2025-03-{5 + n % 20:02d}"
        (minimal / "journal" / f"{day}-visite-{n:04d}.yaml").write_text(
            f'date: {day}\ntitle: "Visite {n:04d}"\nkind: observation\n'
            "authors: [claire]\nmethods: [entretien-guichet]\nbody: Au guichet.\n",
            encoding="utf-8",
        )
    method = minimal / "methods" / "entretien-guichet.yaml"
    method.write_text(
        method.read_text(encoding="utf-8").replace(
            "examples: [", "examples: [2025-03-24-visite-0059, "
        ),
        encoding="utf-8",
    )
    (sheet,) = method_sheets(_published(minimal))
    entries = [use.title for use in sheet.used_in if use.kind == "entry"]
    assert len(entries) == 12
    assert entries[0] == "Entretien avec Jeanne"  # in date order, the examples kept
    assert entries[-1] == "Visite 0059"
    assert [use.kind for use in sheet.used_in][-1] == "prototype"
    # 61 entries cite the method (60 visits and Jeanne's interview): 49 are counted.
    assert sheet.used_more == "49 autres entrées du journal"
    html = render_sheet_html(sheet)
    assert html.count('<li><a href="../report.html#entry-') == 12
    assert '<li class="used-more"><a href="../report.html#immersion">49 autres' in html
    assert "- 49 autres entrées du journal\n" in render_sheet_markdown(sheet)


def test_method_sheet_markdown_is_clean_for_a_wiki(minimal: Path) -> None:
    (sheet,) = method_sheets(_published(minimal))
    text = render_sheet_markdown(sheet)
    assert text.startswith("# L’entretien au guichet\n")
    assert text.endswith("\n") and "\n\n\n" not in text
    assert "<" not in text.replace("&lt;", "")  # no HTML
    assert "## Étapes\n\n1. Se présenter" in text
    assert "2. Poser trois questions ouvertes." in text
    assert "- **Durée\u00a0:** 5 min" in text
    assert "| **Licence** | [Creative Commons" in text
    assert "(CC-BY-SA-4.0)" in text


BANDS = {"fr": "Document interne — ne pas diffuser", "en": "Internal document — do not distribute"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_method_sheets_carry_the_band_in_every_format(minimal: Path, language: str) -> None:
    config = minimal / "residence.yaml"
    text = config.read_text(encoding="utf-8").replace("language: fr\n", f"language: {language}\n")
    config.write_text(text, encoding="utf-8")
    band = BANDS[language]
    (team,) = method_sheets(_published(minimal, "team"))
    assert team.band == band
    markdown = render_sheet_markdown(team)
    assert markdown.startswith(f"> **{band}**\n\n# ")  # the first line says it
    assert f'<p class="band">{band}</p>' in render_sheet_html(team)
    (public,) = method_sheets(_published(minimal))
    assert public.band == ""
    for page in (render_sheet_markdown(public), render_sheet_html(public)):
        assert band not in page and 'class="band"' not in page
    assert render_sheet_markdown(public).startswith("# ")


def test_the_band_reads_the_same_in_the_report_and_the_sheets() -> None:
    """One band, whichever catalogue a template translates it with."""
    for language, band in BANDS.items():
        assert band_text(language) == band
        for domain in ("report", "methods"):
            assert translator(language, domain).gettext(BAND) == band


def test_method_sheet_markdown_escapes_what_would_become_markup(minimal: Path) -> None:
    path = minimal / "methods" / "entretien-guichet.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '"Poser trois questions ouvertes."', '"Noter *tout* | <b>x</b> [lien](javascript:x)"'
    )
    path.write_text(text, encoding="utf-8")
    (sheet,) = method_sheets(_published(minimal))
    markdown = render_sheet_markdown(sheet)
    assert r"Noter \*tout\* \| \<b\>x\</b\> \[lien\](javascript:x)" in markdown


def test_method_sheet_html_is_a_standalone_page(minimal: Path) -> None:
    (sheet,) = method_sheets(_published(minimal))
    page = render_sheet_html(sheet)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr"' in page
    assert 'href="assets/sheet.css"' in page and 'href="assets/fonts/fonts.css"' in page
    assert 'rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/' in page
    assert 'href="../report.html#entry-2025-03-04-entretien-jeanne"' in page
    for label in ("Titre", "Auteurs", "Source", "Licence"):
        assert f"<dt>{label}</dt>" in page


def test_method_sheets_public_edition_never_cite_team_only_entries(minimal: Path) -> None:
    entry = minimal / "journal" / "2025-03-04-entretien-jeanne.yaml"
    entry.write_text(entry.read_text(encoding="utf-8") + "visibility: team\n", encoding="utf-8")
    (public,) = method_sheets(_published(minimal))
    assert all("Jeanne" not in use.title for use in public.used_in)
    (team,) = method_sheets(_published(minimal, "team"))
    assert any("Jeanne" in use.title for use in team.used_in)
    assert team.band == "Document interne — ne pas diffuser"


def test_render_methods_without_pdf_is_fast_and_complete(minimal: Path) -> None:
    out = minimal / "_build"
    rendered = render_methods(_published(minimal), formats=["md", "html"], out=out)
    assert "methods/entretien-guichet.md" in rendered.files
    assert "methods/entretien-guichet.html" in rendered.files
    assert "methods/assets/sheet.css" in rendered.files
    assert not any(name.endswith(".pdf") for name in rendered.files)
    written = write_methods(rendered, out)
    assert (out / "methods" / "entretien-guichet.md").is_file()
    assert (out / "methods" / "assets" / "fonts" / "OFL.txt").is_file()
    assert len(written) == len(rendered.files)


@pytest.mark.pdf
def test_render_methods_pdf_sheets_and_booklet(example: Path) -> None:
    published = _published(example)
    rendered = render_methods(published, formats=["pdf"], out=example / "_build")
    assert not [p for p in rendered.problems if p.severity == "error"]
    titles = []
    for method in published.methods:
        data = rendered.files[f"methods/{method.id}.pdf"]
        assert isinstance(data, bytes)
        reader = PdfReader(io.BytesIO(data))
        assert 1 <= len(reader.pages) <= 2
        text = _flat(" ".join(page.extract_text() or "" for page in reader.pages))
        title = _flat(method.title.replace("'", "’"))
        assert title in text
        for label in ("RÉUTILISER CETTE FICHE", "TITRE", "SOURCE", "LICENCE", "ÉTAPES"):
            assert label in text.upper()
        assert "page 1 / " in text
        assert reader.metadata is not None and reader.metadata.title == method.title
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        titles.append(title)
    booklet = rendered.files["methods/booklet.pdf"]
    assert isinstance(booklet, bytes)
    reader = PdfReader(io.BytesIO(booklet))
    text = _flat(" ".join(page.extract_text() or "" for page in reader.pages))
    assert "SOMMAIRE" in text.upper()
    assert all(title in text for title in titles)
    assert len(reader.pages) > len(titles)


@pytest.mark.pdf
def test_render_methods_public_example_hides_the_unconsented_person(example: Path) -> None:
    rendered = render_methods(_published(example), out=example / "_build")
    for name, content in rendered.files.items():
        if isinstance(content, Path):
            continue  # the shipped style sheet and fonts
        lowered = content.lower()
        assert b"solange" not in lowered and b"vermeersch" not in lowered, name
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(content))
            text = " ".join(page.extract_text() or "" for page in reader.pages).lower()
            assert "solange" not in text and "vermeersch" not in text, name


def test_cli_methods_writes_the_sheets(minimal: Path) -> None:
    out = minimal / "out"
    result = CliRunner().invoke(
        app, ["methods", str(minimal), "--to", "md,html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "methods" / "entretien-guichet.md").is_file()
    assert (out / "methods" / "entretien-guichet.html").is_file()
    assert str(out / "methods" / "entretien-guichet.md") in result.stdout
    assert "assets" not in result.stdout


def test_cli_methods_rejects_an_unknown_format(minimal: Path) -> None:
    result = CliRunner().invoke(app, ["methods", str(minimal), "--to", "docx"])
    assert result.exit_code == 2
    assert "docx" in result.output


def test_cli_methods_refuses_a_residency_with_errors(minimal: Path) -> None:
    (minimal / "methods" / "entretien-guichet.yaml").write_text("id: x\n", encoding="utf-8")
    out = minimal / "out"
    result = CliRunner().invoke(app, ["methods", str(minimal), "--to", "md", "--out", str(out)])
    assert result.exit_code == 1
    assert "methods/entretien-guichet.yaml:" in result.output
    assert not (out / "methods").exists()


def test_cli_methods_help_names_the_formats() -> None:
    result = CliRunner().invoke(app, ["methods", "--help"])
    assert result.exit_code == 0
    assert "booklet.pdf" in result.output and "--edition" in result.output

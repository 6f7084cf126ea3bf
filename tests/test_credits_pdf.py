"""The printed credits and method sheets: long ids and URLs wrap, nothing is hyphenated that
is no word (a URL, an e-mail address, the product's name).

WeasyPrint knows no ``display: contents``: the screen's grid of the credits' "title,
authors, source, licence" put each row in one grid cell, and a long residency id took the
whole width, leaving three letters to the "Auteurs" and "Licence" rows.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from residence import __version__
from residence.gate import select_edition
from residence.load import load_residency
from residence.models import Published
from residence.render.html import render_html
from residence.render.methods import render_methods
from residence.render.pdf import render_pdf

#: 60 letters and digits, no space and no hyphen: the longest id a line must hold.
LONG_ID = "residencemairieannexedesblagisbourglareinehautsdeseine202526"
LONG_URL = (
    "https://www.ville-de-bourg-la-reine.example/services-municipaux/accueil-du-public/"
    "mairie-annexe-des-blagis/guichet-unique/documentation-des-residences"
)
#: A word longer than any line: it can only wrap anywhere.
LONG_WORD = "guichet" * 20


def _published(folder: Path) -> Published:
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"], problems
    return select_edition(residency, "public")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _squeezed(text: str) -> str:
    """Return text without any space or line break: a word broken across lines is whole."""
    return re.sub(r"[\s\u00a0\u202f]+", "", text)


def _positions(page: object) -> dict[str, list[tuple[float, float]]]:
    """Return {text drawn: every (x, y) it is drawn at} of one PDF page."""
    found: dict[str, list[tuple[float, float]]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.setdefault(text.strip(), []).append((tm[4] + cm[4], tm[5] + cm[5]))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


@pytest.mark.pdf
def test_credits_keep_their_columns_with_a_long_id_and_url(minimal: Path) -> None:
    _edit(minimal / "residence.yaml", "id: mairie-annexe", f"id: {LONG_ID}")
    _edit(minimal / "residence.yaml", '"La 27e Région"', f'"La 27e Région"\n  - "{LONG_URL}"')
    _edit(
        minimal / "residence.yaml",
        'title: "La mairie annexe, vue du guichet"',
        f'title: "La mairie annexe, vue du {LONG_WORD}"',
    )
    published = _published(minimal)
    pdf = render_pdf(render_html(published, use_cache=False), published, out=minimal / "_build")
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    last = next(p for p in reversed(pages) if "POUR CITER" in (p.extract_text() or "").upper())
    text = last.extract_text() or ""
    # Each term beside its value, on one line: "Auteurs" is no column of single letters.
    lines = [re.sub(r"[\s\u00a0\u202f]+", " ", line).strip() for line in text.splitlines()]
    assert "Auteurs Claire Dumas et Malik Ouali" in lines, lines
    assert "Licence CC-BY-SA-4.0 — https://creativecommons.org/licenses/by-sa/4.0/deed.fr" in lines
    assert any(line.startswith(f"Source dossier de résidence « {LONG_ID} »") for line in lines)
    drawn = _positions(last)
    for term, value in (("Auteurs", "Claire Dumas et Malik Ouali"), ("Licence", "CC-BY-SA-4.0")):
        # The value is drawn on its term's line, a column (more than 40 points) to its right.
        assert any(
            abs(ty - vy) < 1 and vx - tx > 40 for tx, ty in drawn[term] for vx, vy in drawn[value]
        ), (term, drawn[term], drawn[value])
    # Long values wrap, whole: no letter lost, no hyphen added.
    squeezed = _squeezed(text)
    assert LONG_ID in squeezed and f"vuedu{LONG_WORD}" in squeezed
    credits = " ".join(page.extract_text() or "" for page in pages[-3:])
    assert LONG_URL in _squeezed(credits)


@pytest.mark.pdf
def test_method_sheets_never_hyphenate_urls_addresses_or_the_product(minimal: Path) -> None:
    email = "accueil.mairie-annexe.des-blagis@bourg-la-reine.example"
    _edit(
        minimal / "methods" / "entretien-guichet.yaml",
        'purpose: "Comprendre le parcours réel d\'un usager."',
        "purpose: \"Comprendre le parcours réel d'un usager : voir la documentation "
        f'<{LONG_URL}> ou écrire à <{email}>, puis le noter dans `residence`."',
    )
    published = _published(minimal)
    rendered = render_methods(published, formats=["pdf"], out=minimal / "_build")
    data = rendered.files["methods/entretien-guichet.pdf"]
    assert isinstance(data, bytes)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    squeezed = _squeezed(text)
    for whole in (
        LONG_URL,
        email,
        "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
        f"Faiteavecresidence{__version__}.",
    ):
        assert whole in squeezed, whole
    # The product's name and its version stay on one line.
    assert re.search(rf"residence[ \u00a0]{re.escape(__version__)}", text)

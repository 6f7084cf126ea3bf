# SPDX-License-Identifier: EUPL-1.2
"""The shared helpers: fold, slugs, "did you mean", sizes, build time, licences, layout."""
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from residence.clock import build_time
from residence.errors import ResidenceError
from residence.layout import FOLDERS, KINDS, first_existing, kind_of_path, source_files
from residence.licences import LICENCE_IDS, licence
from residence.models import FILE_KINDS
from residence.text import closest, did_you_mean, fold, format_size, slugify

# Latin-1 and Latin Extended-A letters, and those French, Nordic, Polish, Vietnamese and
# Turkish names use beyond them.
LATIN = [
    chr(c)
    for c in [*range(0xC0, 0x100), *range(0x100, 0x180)]
    if unicodedata.category(chr(c)).startswith("L")
]
NAMES_LETTERS = "ơƠưƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹİıŞşĞğ"


def test_slugify_transliterates_letters_unicode_does_not_decompose() -> None:
    assert slugify("Øresund Ærø") == "oresund-aero"
    assert slugify("Łódź – Þórsmörk, Straße") == "lodz-thorsmork-strasse"
    assert slugify("Œuvre d'Đặng Văn Ơn") == "oeuvre-d-dang-van-on"
    assert slugify("İstanbul ılık") == "istanbul-ilik"


@pytest.mark.parametrize("letter", [*LATIN, *NAMES_LETTERS])
def test_fold_gives_ascii_letters_for_every_latin_letter(letter: str) -> None:
    folded = fold(letter)
    assert folded, letter
    assert folded.isascii() and folded.replace("'", "").isalpha(), (letter, folded)
    assert slugify(f"a{letter}b").startswith("a") and "-" not in slugify(f"a{letter}b")


@given(st.text())
def test_slugify_gives_a_slug_for_any_text(text: str) -> None:
    slug = slugify(text)
    assert slug == slug.strip("-")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert "--" not in slug
    assert slugify(slug) == slug


def test_fold_ignores_case_accents_and_invisible_characters() -> None:
    assert fold("KÉROUAC") == fold("kerouac") == fold("Ke\u0301rouac") == "kerouac"
    assert fold("Ke\u200brouac") == "kerouac"


def test_closest_compares_folded_words_and_returns_the_choice() -> None:
    assert closest("Observaton", ["observation", "interview"]) == ["observation"]
    assert closest("reunion", ["Réunion", "atelier"]) == ["Réunion"]
    assert closest("zzz", ["observation"]) == []
    assert did_you_mean(["a", "b"]) == " — did you mean 'a' or 'b'?"
    assert did_you_mean([]) == ""


def test_format_size_in_english_and_french() -> None:
    assert format_size(512) == "512 bytes"
    assert format_size(12_345) == "12.1 KB"
    assert format_size(1_234_567) == "1.2 MB"
    assert format_size(3 * 1024**3) == "3.0 GB"
    assert format_size(1_234_567, "fr") == "1,2\u00a0Mo"
    assert format_size(10, "fr") == "10\u00a0octets"


def test_build_time_reads_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert build_time() == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hier")
    with pytest.raises(ResidenceError, match="SOURCE_DATE_EPOCH"):
        build_time()


def test_licences_know_their_names_and_deeds() -> None:
    by_sa = licence("CC-BY-SA-4.0")
    assert by_sa.url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert by_sa.deed_url("fr").endswith("/by-sa/4.0/deed.fr")
    assert licence("EUPL-1.2").deed_url("fr") == licence("EUPL-1.2").url
    unknown = licence("WTFPL")
    assert not unknown.known and unknown.url == "https://spdx.org/licenses/WTFPL.html"
    assert "CC0-1.0" in LICENCE_IDS and len(set(LICENCE_IDS)) == len(LICENCE_IDS)


def test_layout_describes_every_kind_of_the_format(tmp_path) -> None:
    assert {k: v.model for k, v in KINDS.items()} == FILE_KINDS
    assert set(FOLDERS) == {"journal", "prototypes", "scenarios", "methods", "insights"}
    assert kind_of_path("journal/2026/2026-01-12-hall.yml") is KINDS["journal"]
    assert kind_of_path("private/consent.yaml") is KINDS["consent"]
    assert kind_of_path("media/photo.jpg") is None
    assert kind_of_path("notes.yaml") is None
    (tmp_path / "actors.yml").write_text("actors: []\n")
    assert first_existing(tmp_path, "actors") == "actors.yml"
    assert first_existing(tmp_path, "residence") is None


def test_source_files_are_the_teams_own_files(tmp_path) -> None:
    for rel in (
        "residence.yaml", "actors.yml", "REUSE.toml", "notes.txt", "journal/2026-01-12-a.yaml",
        "journal/.2026-01-12-a.yaml.swp", "journal/b.yaml~", "media/p.jpg", "media/.DS_Store",
        "private/consent.yaml", "_build/report.html", ".residence/cache/x",
    ):  # fmt: skip
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("x", encoding="utf-8")
    (tmp_path / "journal" / "link.yaml").symlink_to(outside)
    assert source_files(tmp_path) == [
        "REUSE.toml", "actors.yml", "journal/2026-01-12-a.yaml", "media/p.jpg",
        "private/consent.yaml", "residence.yaml",
    ]  # fmt: skip

"""French grammar in generated text: articles before bodies' names, contractions, agreement.

And the sentences of the report that use them: "Posée par la Ville de Bourg-la-Reine.",
decisions as past participles ("adopté", not "adopter"), English left as written.
"""

# ruff: noqa: RUF001
from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import residence.french
from residence.french import agree, article, contract, gender_of, head_noun, with_preposition
from residence.gate import select_edition
from residence.i18n import translator
from residence.load import load_residency
from residence.render.html import render_html


def test_the_module_examples_hold() -> None:
    failures, tried = doctest.testmod(residence.french)
    assert tried and not failures


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Conseil départemental du Cher", "le Conseil départemental du Cher"),
        ("Région Loire-Océane", "la Région Loire-Océane"),
        ("Agglomération du Grand Cahors", "l’Agglomération du Grand Cahors"),
        ("Département du Cher", "le Département du Cher"),
        ("Ville de Bourg-la-Reine", "la Ville de Bourg-la-Reine"),
        ("Mairie de Vierzon", "la Mairie de Vierzon"),
        ("Commune de Test", "la Commune de Test"),
        ("Métropole de Lyon", "la Métropole de Lyon"),
        ("Communauté de communes Cœur de Brenne", "la Communauté de communes Cœur de Brenne"),
        ("Préfecture du Cher", "la Préfecture du Cher"),
        ("Hôpital de Vierzon", "l’Hôpital de Vierzon"),  # mute h
        ("Hôtel de ville", "l’Hôtel de ville"),
        ("Halle aux grains", "la Halle aux grains"),  # aspirated h: no elision
        ("Lycée professionnel Jean-Moulin", "le Lycée professionnel Jean-Moulin"),
        ("Collège Victor-Hugo", "le Collège Victor-Hugo"),
        ("École Jules-Ferry", "l’École Jules-Ferry"),
        ("Université de Tours", "l’Université de Tours"),
        ("Centre social Les Forges en partage", "le Centre social Les Forges en partage"),
        ("Maison de l’emploi", "la Maison de l’emploi"),
        (
            "Agence nationale pour la rénovation urbaine",
            "l’Agence nationale pour la rénovation urbaine",
        ),
        ("Direction de l’éducation", "la Direction de l’éducation"),
        ("Service de vie scolaire", "le Service de vie scolaire"),
        ("Ministère de la Culture", "le Ministère de la Culture"),
        ("Caisse d’allocations familiales", "la Caisse d’allocations familiales"),
        ("Office de tourisme", "l’Office de tourisme"),
        ("Établissement public foncier", "l’Établissement public foncier"),
        ("État", "l’État"),
        ("Services techniques", "les Services techniques"),  # a head in the plural
        ("Pays de Redon", "le Pays de Redon"),
        ("Pays de la Loire", "les Pays de la Loire"),
        ("Archives départementales du Cher", "les Archives départementales du Cher"),
        ("CCAS de Bourges", "le CCAS de Bourges"),  # known acronyms
        ("ARS Centre-Val de Loire", "l’ARS Centre-Val de Loire"),
        ("CAF du Cher", "la CAF du Cher"),
        ("région loire-océane", "la région loire-océane"),  # read without case
        # No article: a proper name without a common noun, a person, an unknown acronym,
        # a name that has its article already.
        ("Rennes Métropole", "Rennes Métropole"),
        ("Orléans Métropole", "Orléans Métropole"),
        ("Cars Vallée Express", "Cars Vallée Express"),
        ("Hélène Roussel (Région Loire-Océane)", "Hélène Roussel (Région Loire-Océane)"),
        ("Claire Fontanel et Youssef Benali", "Claire Fontanel et Youssef Benali"),
        ("XYZ Conseil", "XYZ Conseil"),
        ("La Poste", "La Poste"),
        ("Le Mans Métropole", "Le Mans Métropole"),
        ("l’Atelier du coin", "l’Atelier du coin"),
        ("la Région Bretagne", "la Région Bretagne"),
        ("", ""),
    ],
)
def test_article_of_a_body(name: str, expected: str) -> None:
    assert article(name) == expected


def test_article_leaves_other_languages_as_written() -> None:
    assert article("Région Loire-Océane", "en") == "Région Loire-Océane"
    assert article("  Conseil régional  ", "en") == "Conseil régional"


@pytest.mark.parametrize(
    ("preposition", "name", "expected"),
    [
        ("de", "Conseil départemental du Cher", "du Conseil départemental du Cher"),
        ("à", "Conseil départemental du Cher", "au Conseil départemental du Cher"),
        ("de", "Région Centre-Val de Loire", "de la Région Centre-Val de Loire"),
        ("à", "Région Centre-Val de Loire", "à la Région Centre-Val de Loire"),
        ("de", "Agglomération de Bourges", "de l’Agglomération de Bourges"),
        ("à", "Hôpital de Vierzon", "à l’Hôpital de Vierzon"),
        ("de", "Services techniques", "des Services techniques"),
        ("à", "Services techniques", "aux Services techniques"),
        ("de", "Rennes Métropole", "de Rennes Métropole"),
        ("de", "Orléans Métropole", "d’Orléans Métropole"),  # elision before a vowel
        ("de", "Le Mans Métropole", "du Mans Métropole"),  # a proper name's own article
        ("à", "Le Mans Métropole", "au Mans Métropole"),
        ("de", "La Poste", "de La Poste"),
        ("par", "Conseil départemental du Cher", "par le Conseil départemental du Cher"),
        ("pour", "Agglomération de Bourges", "pour l’Agglomération de Bourges"),
    ],
)
def test_with_preposition_contracts(preposition: str, name: str, expected: str) -> None:
    assert with_preposition(preposition, name) == expected


def test_contract_works_on_any_noun_phrase() -> None:
    assert contract("de", "le prototype") == "du prototype"
    assert contract("à", "les élèves") == "aux élèves"
    assert contract("de", "la piste") == "de la piste"
    assert contract("de", "Angers Loire Métropole") == "d’Angers Loire Métropole"
    assert contract("de", "Le") == "de Le"  # a lone word is no article


def test_gender_and_number_of_a_body() -> None:
    assert gender_of("Région Bretagne") == "f"
    assert gender_of("Conseil régional") == "m"
    assert gender_of("CCAS de Bourges") == "m"
    assert gender_of("Rennes Métropole") is None
    noun = head_noun("Services techniques")
    assert noun is not None and noun.plural and noun.gender == "m"


@pytest.mark.parametrize(
    ("participle", "gender", "plural", "expected"),
    [
        ("adopté", "m", False, "adopté"),  # le prototype a été adopté
        ("abandonné", "f", False, "abandonnée"),  # la piste a été abandonnée
        ("poursuivi", "f", True, "poursuivies"),
        ("adopté", "m", True, "adoptés"),
        ("transmis", "m", True, "transmis"),
        ("transmis", "f", False, "transmise"),
        ("Adopté", "f", False, "Adoptée"),
        ("à itérer", "f", True, "à itérer"),  # no participle: left as is
    ],
)
def test_agree(participle: str, gender: str, plural: bool, expected: str) -> None:
    assert agree(participle, gender, plural) == expected  # type: ignore[arg-type]


def test_decisions_read_as_past_participles_in_french() -> None:
    t = translator("fr")
    labels = [t.gettext(d) for d in ("iterate", "adopt", "abandon", "continue")]
    assert labels == ["à itérer", "adopté", "abandonné", "poursuivi"]
    assert not [label for label in labels if label.endswith("er") and " " not in label]
    assert agree(t.gettext("abandon"), "f") == "abandonnée"


def test_the_matrix_sentence_reads_with_one_actor_or_many() -> None:
    t = translator("fr")
    for n in (1, 18):
        actors = t.ngettext("{n} actor", "{n} actors", n)
        sentence = t.gettext(
            "{actors} placed by influence (1 to 5) and interest (1 to 5).", actors=actors
        )
        assert "placés" not in sentence and sentence.startswith(actors)


# -- the report's sentences ------------------------------------------------------------------


def _report(folder: Path) -> str:
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"], problems
    return render_html(select_edition(residency, "public"), use_cache=False).html


def _text(html: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", "", html))


def _set_in_yaml(folder: Path, old: str, new: str) -> None:
    path = folder / "residence.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_report_names_the_host_with_its_article(minimal: Path) -> None:
    _set_in_yaml(minimal, 'by: "Claire Dumas"', 'by: "Conseil départemental des Hauts-de-Seine"')
    html = _report(minimal)
    text = _text(html)
    assert "Posée par la Ville de Bourg-la-Reine." in text
    assert "Par le Conseil départemental des Hauts-de-Seine" in text  # the follow-up visit
    assert "Commanditaire Ville de Bourg-la-Reine" in text  # a label: the name as written
    assert "dernier test le 8 avril 2025 : adopté" in text
    assert 'class="chip decision decision-adopt">adopté</span>' in html
    assert "adopter" not in text


@pytest.mark.parametrize(
    ("host", "sentence"),
    [
        ("Rennes Métropole", "Posée par Rennes Métropole."),
        ("Agglomération du Grand Cahors", "Posée par l’Agglomération du Grand Cahors."),
        ("Conseil départemental du Cher", "Posée par le Conseil départemental du Cher."),
    ],
)
def test_report_question_sentence_for_each_kind_of_name(
    minimal: Path, host: str, sentence: str
) -> None:
    _set_in_yaml(minimal, 'host: "Ville de Bourg-la-Reine"', f'host: "{host}"')
    assert sentence in _text(_report(minimal))


def test_report_in_english_keeps_names_and_decisions_as_written(minimal: Path) -> None:
    _set_in_yaml(minimal, "language: fr", "language: en")
    text = _text(_report(minimal))
    assert "Asked by Ville de Bourg-la-Reine." in text
    assert "By Claire Dumas" in text
    assert ": adopt" in text and "the Ville" not in text

"""Insights and codes: the format (insights/<id>.yaml, tags on quotes), the check rules at
their line, and what the privacy gate does to evidence (team entries and quotes left out,
quote places counted again among the public quotes, renamed entries followed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project
from residence.check import load_and_check
from residence.findings import Evidences, tag_key, tag_uses
from residence.gate import select_edition

ENTRY = "2025-03-04-entretien-jeanne"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    _residency, problems = load_and_check(root)
    return [str(p) for p in problems]


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """The minimal residency with three quotes in one entry (the second team-only), tags,
    and an insight citing the first and third quotes and a prototype's test."""
    root = copy_project("minimal", tmp_path)
    write(
        root,
        f"journal/{ENTRY}.yaml",
        "date: 2025-03-04\ntitle: Entretien avec Jeanne\nkind: interview\nauthors: [claire]\n"
        "actors: [jeanne-martin]\ntags: [attente, guichet]\nbody: Jeanne vient tous les mois.\n"
        "quotes:\n"
        "  - actor: jeanne-martin\n    text: Je ne sais jamais où aller.\n"
        "    tags: [Attente]\n"
        "  - actor: jeanne-martin\n    text: Entre nous, c'est long.\n    visibility: team\n"
        "    tags: [attente]\n"
        "  - actor: agents-accueil\n    text: On voit la file s'allonger.\n"
        "    tags: [guichet]\n",
    )
    write(
        root,
        "insights/attente-invisible.yaml",
        "id: attente-invisible\ntitle: L'attente ne se voit pas\nstatement: Personne ne sait "
        "où aller.\nevidence:\n"
        f"  - entry: {ENTRY}\n    quote: 1\n"
        f"  - entry: {ENTRY}\n    quote: 2\n"
        f"  - entry: {ENTRY}\n    quote: 3\n"
        "  - prototype: panneau-orientation\n    test: 1\n"
        "tags: [attente]\nprototypes: [panneau-orientation]\nweek: 1\n",
    )
    return root


def test_a_coded_residency_checks_clean(coded: Path) -> None:
    assert [p for p in problems_of(coded) if "error" in p] == []


def test_tags_are_compared_without_case_or_accents(coded: Path) -> None:
    residency, _problems = load_and_check(coded)
    uses = tag_uses(residency)
    assert tag_key("  Accueil  des  Élèves ") == "accueil des eleves"
    assert uses["attente"].label == "attente"
    assert uses["attente"].count == 4  # the entry, two quotes, the insight
    assert [n for _e, n, _q in uses["attente"].quotes] == [1, 2]


def test_evidence_resolves_to_what_it_cites(coded: Path) -> None:
    residency, _problems = load_and_check(coded)
    resolved = Evidences(residency).of(residency.insights[0])
    assert [r.found for r in resolved] == [True, True, True, True]
    assert resolved[2].quote is not None and resolved[2].quote.text.startswith("On voit")
    assert resolved[3].test is not None and resolved[3].test.decision == "adopt"


@pytest.mark.parametrize(
    ("evidence", "line", "words"),
    [
        ("  - entry: 2025-03-04-entretien-jeane\n", 5, "did you mean '2025-03-04-entretien-"),
        (f"  - entry: {ENTRY}\n    quote: 9\n", 6, "quote 9: the entry"),
        ("  - prototype: panneau-orientation\n    test: 4\n", 6, "test 4: the prototype"),
        ("  - prototype: panneau\n", 5, "unknown prototype 'panneau'"),
        ("  - quote: 1\n", 5, "names neither an entry nor a prototype"),
        (f"  - entry: {ENTRY}\n    prototype: panneau-orientation\n", 5, "both an entry"),
        (f"  - entry: {ENTRY}\n    test: 1\n", 6, "'test:' goes with 'prototype:'"),
    ],
)
def test_a_wrong_reference_is_an_error_at_its_line(
    tmp_path: Path, evidence: str, line: int, words: str
) -> None:
    root = copy_project("minimal", tmp_path)
    write(
        root,
        "insights/une-piste.yaml",
        f"id: une-piste\ntitle: Une piste\nstatement: Texte.\nevidence:\n{evidence}",
    )
    found = [p for p in problems_of(root) if p.startswith("insights/une-piste.yaml")]
    assert any(f":{line}:" in p and "error" in p and words in p for p in found), found


def test_warnings_no_evidence_tag_once_week_and_team_only_evidence(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    write(
        root,
        "insights/sans-appui.yaml",
        "id: sans-appui\ntitle: Sans appui\nstatement: Texte.\ntags: [unique-ici]\nweek: 7\n",
    )
    found = problems_of(root)
    text = "\n".join(found)
    assert "insights/sans-appui.yaml:2:8: warning: the insight 'sans-appui' has no evidence" in text
    assert "insights/sans-appui.yaml:4:8: warning: the tag 'unique-ici' is used only here" in text
    assert "insights/sans-appui.yaml:5:7: error: week 7: the residency has" in text


def test_tags_used_once_are_not_warned_before_the_team_codes(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    write(
        root,
        "journal/2025-03-03-premier-jour.yaml",
        (root / "journal/2025-03-03-premier-jour.yaml").read_text() + "tags: [seule]\n",
    )
    assert not any("tag-once" in p or "used only here" in p for p in problems_of(root))


def test_all_team_evidence_of_a_public_insight_is_a_warning(coded: Path) -> None:
    write(
        coded,
        "insights/entre-nous.yaml",
        "id: entre-nous\ntitle: Entre nous\nstatement: Texte.\ntags: [attente]\nevidence:\n"
        f"  - entry: {ENTRY}\n    quote: 2\n",
    )
    assert any("team-only" in p and "entre-nous" in p for p in problems_of(coded))


def test_the_gate_drops_team_evidence_and_counts_public_quotes_again(coded: Path) -> None:
    residency, _problems = load_and_check(coded)
    published = select_edition(residency, "public")
    insight = published.insights[0]
    cited = [(e.entry, e.quote, e.prototype, e.test) for e in insight.evidence]
    assert len(cited) == 3  # the team quote (2) is left out
    first, third, test = cited
    assert first[1] == 1 and third[1] == 2  # quote 3 is the second public quote
    assert test[2:] == ("panneau-orientation", 1)
    # The references still resolve in the public edition, to the same words.
    resolved = Evidences(published).of(insight)
    assert all(r.found for r in resolved)
    assert resolved[1].quote is not None and resolved[1].quote.text.startswith("On voit")


def test_the_gate_follows_a_renamed_entry_and_leaves_out_team_entries(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    # Jeanne withdraws her consent: her name in the entry's file name is renamed.
    write(root, "private/consent.yaml", "consents:\n  - actor: jeanne-martin\n    scope: none\n")
    write(
        root,
        "journal/2025-03-05-note-interne.yaml",
        "date: 2025-03-05\ntitle: Note interne\nkind: reflection\nauthors: [claire]\n"
        "body: Réservé.\nvisibility: team\n",
    )
    write(
        root,
        "insights/guichet.yaml",
        "id: guichet\ntitle: Le guichet\nstatement: Texte.\nevidence:\n"
        f"  - entry: {ENTRY}\n    quote: 1\n  - entry: 2025-03-05-note-interne\n",
    )
    write(
        root,
        "insights/interne.yaml",
        "id: interne\ntitle: Interne\nstatement: Texte.\nvisibility: team\nevidence:\n"
        f"  - entry: {ENTRY}\n",
    )
    residency, problems = load_and_check(root)
    assert not [p for p in problems if p.severity == "error"]
    published = select_edition(residency, "public")
    assert [i.id for i in published.insights] == ["guichet"]
    (evidence,) = published.insights[0].evidence
    assert evidence.entry is not None and "jeanne" not in evidence.entry
    assert Evidences(published).resolve(evidence).found
    team = {i.id: i for i in select_edition(residency, "team").insights}
    assert sorted(team) == ["guichet", "interne"]
    assert len(team["guichet"].evidence) == 2  # the team edition keeps every reference

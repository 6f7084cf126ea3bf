"""The cross-file rules of check.py, each on a small copy of a test residency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PROJECTS, copy_project
from residence.check import check_residency, media_path_problem, strict
from residence.errors import Problem, has_errors, sort_problems
from residence.i18n import set_language
from residence.load import load_residency

EXPECTED = sorted(p.parent.name for p in PROJECTS.glob("*/expected.txt"))
ENTRY = "journal/2025-03-04-entretien-jeanne.yaml"
PROTO = "prototypes/panneau-orientation.yaml"


def run_check(root: Path) -> list[Problem]:
    """Load and check a folder, as `residence check` does."""
    residency, problems = load_residency(root)
    return sort_problems([*problems, *check_residency(residency)])


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace one exact piece of text in a file of the copy."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_check_minimal_has_no_problem(minimal: Path) -> None:
    residency, problems = load_residency(minimal)
    assert problems == []
    assert check_residency(residency) == []
    assert len(residency.entries) == 3
    assert len(residency.files) == 9


def test_check_projects_have_expected_files() -> None:
    # One folder per kind of mistake: the parametrized test below must have many to run.
    assert len([name for name in EXPECTED if name.startswith("broken-")]) >= 20


@pytest.mark.parametrize("name", EXPECTED)
def test_check_project_gives_expected_problems(name: str, tmp_path: Path) -> None:
    root = copy_project(name, tmp_path)
    expected = (PROJECTS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert lines(run_check(root)) == expected


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.startswith("broken-")])
def test_check_broken_project_messages_are_plain(name: str, tmp_path: Path) -> None:
    problems = run_check(copy_project(name, tmp_path))
    assert problems, "a broken-* project must have at least one problem"
    for problem in problems:
        assert "\n" not in problem.message
        assert "Traceback" not in problem.message
        assert "pydantic" not in problem.message.lower()
        assert "<unicode string>" not in problem.message
        assert problem.message[0].islower() or problem.message[0] in "'/.0123456789"


def test_check_problems_sorted_by_file_and_line(minimal: Path) -> None:
    edit(minimal, PROTO, "team: [claire, malik]", "team: [claire, yann]")
    edit(minimal, PROTO, "to: [mairie]", "to: [marie]")
    edit(minimal, ENTRY, "authors: [claire]", "authors: [clair]")
    edit(minimal, "actors.yaml", "circle: direct", "circle: direct\n    minor: true")
    edit(minimal, "residence.yaml", "end: 2025-04-11", "end: 2025-04-01")
    problems = run_check(minimal)
    keys = [(p.path, p.line or 0, p.column or 0) for p in problems]
    assert keys == sorted(keys)
    assert [(p.path, p.line, p.code) for p in problems] == [
        (ENTRY, 5, "dangling-ref"),
        ("journal/2025-04-08-test-panneau.yaml", 1, "outside-weeks"),  # week 2 is shorter
        ("private/consent.yaml", 3, "minor-consent"),
        (PROTO, 8, "dangling-ref"),
        (PROTO, 20, "dangling-ref"),
        ("residence.yaml", 21, "week-dates"),
    ]


def test_check_strict_turns_warnings_into_errors(minimal: Path) -> None:
    edit(minimal, ENTRY, "quotes:", "media:\n  - file: media/hall.svg\nquotes:")
    problems = run_check(minimal)
    assert [(p.code, p.severity) for p in problems] == [("missing-alt", "warning")]
    assert not has_errors(problems)
    hardened = strict(problems)
    assert [(p.code, p.severity) for p in hardened] == [("missing-alt", "error")]
    assert hardened[0].message == problems[0].message


def test_check_reports_overlapping_weeks(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "start: 2025-04-07", "start: 2025-03-05")
    (problem,) = run_check(minimal)
    assert problem.code == "week-overlap"
    assert (problem.path, problem.line, problem.column) == ("residence.yaml", 20, 12)
    assert "2025-03-05" in problem.message and "2025-03-07" in problem.message


def test_check_reports_week_ending_before_start(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "end: 2025-05-16", "end: 2025-05-02")
    problems = run_check(minimal)
    assert codes(problems) == ["week-dates"]
    assert "week 3 ends on 2025-05-02, before it starts on 2025-05-12" in problems[0].message


def test_check_reports_weeks_out_of_order(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "  - number: 1\n", "  - number: 2\n")
    edit(
        minimal,
        "residence.yaml",
        "  - number: 2\n    start: 2025-04-07",
        "  - number: 1\n    start: 2025-04-07",
    )
    assert codes(run_check(minimal)) == ["week-order", "week-order"]


def test_check_reports_duplicate_member(minimal: Path) -> None:
    edit(
        minimal,
        "residence.yaml",
        "partners:",
        "  - id: claire\n    name: Claire Bis\n    role: guest\npartners:",
    )
    problems = run_check(minimal)
    assert lines(problems) == [
        "residence.yaml:37:9: error: the member id 'claire' is already used "
        "(residence.yaml:28): ids must be unique"
    ]


def test_check_requires_a_resident(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "role: resident", "role: guest")
    assert codes(run_check(minimal)) == ["no-resident"]


def test_check_warns_on_follow_up_before_the_end(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "date: 2025-11-20", "date: 2025-04-20")
    problems = run_check(minimal)
    assert [(p.code, p.severity) for p in problems] == [("follow-up-date", "warning")]


def test_check_warns_on_unknown_licence(minimal: Path) -> None:
    edit(minimal, "methods/entretien-guichet.yaml", "license: CC-BY-SA-4.0", "license: CC BY SA")
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("unknown-license", "warning")
    assert "did you mean 'CC-BY-SA-4.0'?" in problem.message


def test_check_cover_must_exist(minimal: Path) -> None:
    edit(minimal, "residence.yaml", "weeks:", "cover: media/couverture.jpg\nweeks:")
    (problem,) = run_check(minimal)
    assert problem.code == "missing-file"
    assert problem.message == "media/couverture.jpg: no such file in the residency folder"


# -- references --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        (
            ENTRY,
            "authors: [claire]",
            "authors: [yann]",
            "unknown team member 'yann': it is not in the team of residence.yaml",
        ),
        (
            ENTRY,
            "actors: [jeanne-martin]",
            "actors: [jeanne-martin, prefet]",
            "unknown actor 'prefet': it is not in actors.yaml",
        ),
        (
            ENTRY,
            "methods: [entretien-guichet]",
            "methods: [entretien-guichet, croquis]",
            "unknown method 'croquis': it is not in methods/",
        ),
        (
            ENTRY,
            "  - actor: jeanne-martin",
            "  - actor: jeanne-martine",
            "unknown actor 'jeanne-martine': it is not in actors.yaml — did you mean "
            "'jeanne-martin'?",
        ),
        (
            "journal/2025-04-08-test-panneau.yaml",
            "prototypes: [panneau-orientation]",
            "prototypes: [panneau]",
            "unknown prototype 'panneau': it is not in prototypes/",
        ),
        (
            "journal/2025-03-03-premier-jour.yaml",
            "    credit:",
            "    people: [jeanne]\n    credit:",
            "unknown actor 'jeanne': it is not in actors.yaml — did you mean 'jeanne-martin'?",
        ),
        (
            PROTO,
            "to: [mairie]",
            "to: [mairie, departement]",
            "unknown actor 'departement': it is not in actors.yaml",
        ),
        (
            PROTO,
            "team: [claire, malik]",
            "team: [claire, malick]",
            "unknown team member 'malick': it is not in the team of residence.yaml — did you "
            "mean 'malik'?",
        ),
        (
            "scenarios/premier-rendez-vous.yaml",
            "prototypes: [panneau-orientation]",
            "prototypes: [panneau-orientation, borne]",
            "unknown prototype 'borne': it is not in prototypes/",
        ),
        (
            "methods/entretien-guichet.yaml",
            "examples: [2025-03-04-entretien-jeanne,",
            "examples: [2025-03-04-entretien,",
            "unknown example '2025-03-04-entretien': it is not in journal/ (a file name without "
            ".yaml) or prototypes/ (an id) — did you mean '2025-03-04-entretien-jeanne'?",
        ),
        (
            "actors.yaml",
            "    to: agents-accueil",
            "    to: agent-accueil",
            "unknown actor 'agent-accueil': a relation must join two actors listed under "
            "'actors:' — did you mean 'agents-accueil'?",
        ),
        (
            "private/consent.yaml",
            "actor: jeanne-martin",
            "actor: jeanne",
            "unknown actor 'jeanne': it is not in actors.yaml — did you mean 'jeanne-martin'?",
        ),
    ],
)
def test_check_reports_dangling_reference(
    minimal: Path, rel: str, old: str, new: str, message: str
) -> None:
    edit(minimal, rel, old, new)
    problems = [p for p in run_check(minimal) if p.code == "dangling-ref"]
    assert [p.message.split(" If it is a new actor")[0].split(" (the nearest ids")[0]
            for p in problems] == [message]  # fmt: skip
    if "unknown actor" in message:  # also how to add it, if it is a new one
        assert "residence add actor --id" in problems[0].message
    assert problems[0].path == rel
    assert problems[0].severity == "error"
    assert problems[0].line is not None


def test_check_dangling_reference_points_at_the_id(minimal: Path) -> None:
    edit(minimal, ENTRY, "actors: [jeanne-martin]", "actors: [jeanne-martin, prefet]")
    (problem,) = [p for p in run_check(minimal) if p.code == "dangling-ref"]
    text = (minimal / ENTRY).read_text(encoding="utf-8").splitlines()
    assert problem.line is not None and problem.column is not None
    assert text[problem.line - 1][problem.column - 1 :].startswith("prefet")


def test_check_reports_duplicate_actor(minimal: Path) -> None:
    text = (minimal / "actors.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "relations:",
        "  - id: mairie\n    name: Bis\n    kind: service\n"
        "    sector: public\n    circle: direct\nrelations:",
    )
    (minimal / "actors.yaml").write_text(text, encoding="utf-8")
    problems = run_check(minimal)
    assert codes(problems) == ["duplicate-id"]
    assert problems[0].message == (
        "the actor id 'mairie' is already used (actors.yaml:2): ids must be unique"
    )


def test_check_reports_duplicate_method_and_file_name(minimal: Path) -> None:
    source = minimal / "methods" / "entretien-guichet.yaml"
    (minimal / "methods" / "entretien-bis.yaml").write_bytes(source.read_bytes())
    problems = run_check(minimal)
    assert sorted(codes(problems)) == ["duplicate-id", "file-name"]


def test_check_warns_on_relation_to_itself(minimal: Path) -> None:
    edit(minimal, "actors.yaml", "    to: agents-accueil", "    to: mairie")
    problems = run_check(minimal)
    assert "self-relation" in codes(problems)


def test_check_unmentioned_actor(minimal: Path) -> None:
    edit(minimal, PROTO, "actors: [agents-accueil]", "actors: []")
    edit(minimal, "scenarios/premier-rendez-vous.yaml", "actors: [agents-accueil]", "actors: []")
    edit(minimal, "journal/2025-03-03-premier-jour.yaml", "[mairie, agents-accueil]", "[mairie]")
    edit(minimal, "actors.yaml", "    to: agents-accueil", "    to: jeanne-martin")
    problems = run_check(minimal)
    assert lines(problems) == [
        "actors.yaml:12:9: warning: nobody mentions the actor 'agents-accueil': no entry, "
        "relation, prototype or scenario refers to it"
    ]


def test_check_no_cascade_when_residence_fails(minimal: Path) -> None:
    # One mistake in residence.yaml must not turn every journal author into a second one.
    edit(minimal, "residence.yaml", "format: 1", "format: 7")
    problems = run_check(minimal)
    assert lines(problems) == [
        "residence.yaml:2:9: error: 'format': this is format 7; this version of residence "
        "reads format 1"
    ]


def test_check_no_cascade_when_actors_fail(minimal: Path) -> None:
    edit(minimal, "actors.yaml", "kind: authority", "kind: autoritaire")
    problems = run_check(minimal)
    assert codes(problems) == ["invalid-value"]
    assert problems[0].path == "actors.yaml"


def test_check_no_cascade_when_a_prototype_fails(minimal: Path) -> None:
    edit(minimal, PROTO, "stage: adopted", "stage: adoptd")
    problems = run_check(minimal)
    assert codes(problems) == ["invalid-value"]
    assert "did you mean 'adopted'?" in problems[0].message


# -- media -------------------------------------------------------------------------------


def test_check_media_in_prototype_tests(minimal: Path) -> None:
    edit(
        minimal,
        PROTO,
        "    decision: adopt",
        "    decision: adopt\n    media:\n      - file: media/test.jpg\n        alt: Test",
    )
    problems = run_check(minimal)
    assert lines(problems) == [
        f"{PROTO}:20:15: error: media/test.jpg: no such file in the residency folder",
    ]


def test_check_image_without_alt_is_a_warning(minimal: Path) -> None:
    edit(
        minimal,
        "journal/2025-03-03-premier-jour.yaml",
        '    alt: "Croquis du hall : le guichet à droite, trois chaises à gauche."\n',
        "",
    )
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("missing-alt", "warning")


def test_check_pdf_needs_no_alt(minimal: Path) -> None:
    (minimal / "media" / "plan.pdf").write_bytes(b"%PDF-1.4\n")
    edit(minimal, ENTRY, "quotes:", "media:\n  - file: media/plan.pdf\nquotes:")
    assert run_check(minimal) == []


@pytest.mark.parametrize(
    ("file", "code", "message"),
    [
        (
            "../secret.jpg",
            "outside",
            "../secret.jpg: media paths must not go up with '..' out of the folder",
        ),
        (
            "media/../../secret.jpg",
            "outside",
            "media/../../secret.jpg: media paths must not go up with '..' out of the folder",
        ),
        (
            "/etc/passwd",
            "outside",
            "/etc/passwd: media paths must be relative to the residency folder",
        ),
        (
            "C:\\Users\\claire\\hall.jpg",
            "outside",
            "C:\\Users\\claire\\hall.jpg: media paths must be relative to the residency folder",
        ),
        (
            "https://example.org/hall.jpg",
            "outside",
            "https://example.org/hall.jpg: media paths must be relative to the residency folder",
        ),
        (
            "media/absent.jpg",
            "missing-file",
            "media/absent.jpg: no such file in the residency folder",
        ),
        ("media", "missing-file", "media: no such file in the residency folder"),
    ],
)
def test_media_path_problem_refuses(minimal: Path, file: str, code: str, message: str) -> None:
    assert media_path_problem(minimal, file) == (code, message)


def test_media_path_problem_accepts_a_file_inside(minimal: Path) -> None:
    assert media_path_problem(minimal, "media/hall.svg") is None
    assert media_path_problem(minimal, "./media/hall.svg") is None


def test_media_path_problem_refuses_a_link_out(minimal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not for the report")
    (minimal / "media" / "link.jpg").symlink_to(secret)
    code, message = media_path_problem(minimal, "media/link.jpg") or ("", "")
    assert code == "outside"
    assert "outside the residency folder" in message


def test_media_path_problem_accepts_a_link_inside(minimal: Path) -> None:
    (minimal / "media" / "alias.svg").symlink_to(minimal / "media" / "hall.svg")
    assert media_path_problem(minimal, "media/alias.svg") is None


def test_check_media_of_unknown_type_is_a_warning(minimal: Path) -> None:
    (minimal / "media" / "notes.docx").write_bytes(b"PK")
    edit(minimal, ENTRY, "quotes:", "media:\n  - file: media/notes.docx\nquotes:")
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("media-type", "warning")


# -- consent -----------------------------------------------------------------------------


def test_check_personal_actor_without_consent_is_a_warning(minimal: Path) -> None:
    (minimal / "private" / "consent.yaml").unlink()
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity, problem.path) == (
        "no-consent",
        "warning",
        "actors.yaml",
    )


def test_check_consent_for_a_non_personal_actor(minimal: Path) -> None:
    edit(minimal, "private/consent.yaml", "actor: jeanne-martin", "actor: mairie")
    problems = run_check(minimal)
    assert codes(problems) == ["no-consent", "consent-not-personal"]


def test_check_minor_public_consent_without_guardians(minimal: Path) -> None:
    edit(minimal, "actors.yaml", "    personal: true", "    personal: true\n    minor: true")
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("minor-consent", "warning")
    edit(
        minimal,
        "private/consent.yaml",
        "    scope: public",
        "    scope: public\n    guardians: true",
    )
    assert run_check(minimal) == []


def test_check_minor_must_be_personal(minimal: Path) -> None:
    edit(
        minimal,
        "actors.yaml",
        "    circle: core\n  - id: jeanne",
        "    circle: core\n    minor: true\n  - id: jeanne",
    )
    assert codes(run_check(minimal)) == ["minor-not-personal"]


def test_check_consent_given_twice(minimal: Path) -> None:
    path = minimal / "private" / "consent.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - actor: jeanne-martin\n    scope: none\n",
        encoding="utf-8",
    )
    problems = run_check(minimal)
    assert codes(problems) == ["consent-twice"]
    assert "the one without a date (line 6), scope 'none', counts" in problems[0].message
    assert "give each record its date" in problems[0].message


def test_check_says_the_most_recent_consent_counts(minimal: Path) -> None:
    path = minimal / "private" / "consent.yaml"
    path.write_text(
        "consents:\n"
        "  - actor: jeanne-martin\n    scope: none\n    date: 2025-03-20\n"
        "  - actor: jeanne-martin\n    scope: public\n    date: 2025-03-04\n",
        encoding="utf-8",
    )
    (problem,) = run_check(minimal)
    assert problem.code == "consent-twice" and problem.line == 5
    assert problem.message == (
        "'jeanne-martin' has more than one consent record: the one of 2025-03-20 (line 2), "
        "scope 'none', counts (the most recent by date)"
    )


# -- prototypes and files ----------------------------------------------------------------


def test_check_prototype_never_tested(minimal: Path) -> None:
    path = minimal / PROTO
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text[: text.index("tests:")] + text[text.index("handover:") :], encoding="utf-8"
    )
    path.write_text(path.read_text(encoding="utf-8").replace("stage: adopted", "stage: live-test"))
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("never-tested", "warning")
    assert problem.message == (
        "prototype 'panneau-orientation' is at stage 'live-test' but has never been tested: "
        "add a test session under 'tests:'"
    )


def test_check_idea_needs_no_test(minimal: Path) -> None:
    path = minimal / PROTO
    text = path.read_text(encoding="utf-8").replace("stage: adopted", "stage: idea")
    path.write_text(
        text[: text.index("tests:")] + text[text.index("handover:") :], encoding="utf-8"
    )
    assert run_check(minimal) == []


def test_check_entry_file_name_must_start_with_its_date(minimal: Path) -> None:
    (minimal / ENTRY).rename(minimal / "journal" / "entretien-jeanne.yaml")
    edit(
        minimal, "methods/entretien-guichet.yaml", "2025-03-04-entretien-jeanne", "entretien-jeanne"
    )
    assert codes(run_check(minimal)) == ["file-name"]


def test_check_entry_outside_weeks_is_a_warning(minimal: Path) -> None:
    edit(minimal, ENTRY, "date: 2025-03-04", "date: 2025-03-10")
    (minimal / ENTRY).rename(minimal / "journal" / "2025-03-10-entretien-jeanne.yaml")
    edit(
        minimal,
        "methods/entretien-guichet.yaml",
        "2025-03-04-entretien-jeanne",
        "2025-03-10-entretien-jeanne",
    )
    problems = run_check(minimal)
    assert lines(problems) == [
        "journal/2025-03-10-entretien-jeanne.yaml:1:7: warning: 2025-03-10 is outside every "
        "week of residence.yaml"
    ]


def test_check_missing_residence_yaml(minimal: Path) -> None:
    (minimal / "residence.yaml").unlink()
    problems = run_check(minimal)
    assert lines(problems) == [
        "residence.yaml: error: no residence.yaml here: is this a residency folder? Create "
        "one with 'residence new FOLDER --title …'"
    ]


def test_check_yml_suffix_is_read(minimal: Path) -> None:
    (minimal / "actors.yaml").rename(minimal / "actors.yml")
    residency, problems = load_residency(minimal)
    assert problems == [] and len(residency.actors) == 3
    assert "actors.yml" in residency.files


# -- what a team expects a prototype's stage to say -----------------------------------------


@pytest.mark.parametrize(
    ("stage", "decision", "said"),
    [
        (
            "live-test",
            "adopt",
            "its last test (2025-04-08) decided 'adopt': write 'stage: adopted'",
        ),
        ("idea", "adopt", "decided 'adopt'"),
        ("adopted", "abandon", "write 'stage: abandoned'"),
        ("idea", "iterate", "has been tested but is still at stage 'idea'"),
    ],
)
def test_check_stage_follows_the_last_test(
    minimal: Path, stage: str, decision: str, said: str
) -> None:
    edit(minimal, PROTO, "stage: adopted", f"stage: {stage}")
    edit(minimal, PROTO, "decision: adopt", f"decision: {decision}")
    problems = [p for p in run_check(minimal) if p.code == "stage-behind-test"]
    assert len(problems) == 1 and said in problems[0].message
    assert problems[0].severity == "warning" and problems[0].line is not None


def test_check_adopted_prototype_needs_a_handover(minimal: Path) -> None:
    path = minimal / PROTO
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("handover:")], encoding="utf-8")
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("no-handover", "warning")
    assert "residence add handover panneau-orientation --to ACTOR" in problem.message


# -- in French ---------------------------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """Make the messages in French for one test, then in English again."""
    set_language("fr")
    try:
        yield
    finally:
        set_language("en")


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize("name", [n for n in EXPECTED if n.startswith("broken-")])
def test_check_says_every_problem_in_french(name: str, tmp_path: Path) -> None:
    # The same problems, at the same places, with the same severity words (editors parse
    # them) and codes; only the message after them is French.
    expected = (PROJECTS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    problems = run_check(copy_project(name, tmp_path))
    assert len(problems) == len(expected)
    for problem, english in zip(problems, expected, strict=True):
        where = ":".join(str(p) for p in (problem.path, problem.line, problem.column) if p)
        assert english.startswith(f"{where}: {problem.severity}: ")
        assert str(problem) != english, f"{name}: not translated: {english}"
        assert "\n" not in problem.message and "{" not in problem.message.replace("'{'", "")


@pytest.mark.usefixtures("french")
def test_check_unknown_ids_in_french(tmp_path: Path) -> None:
    found = lines(run_check(copy_project("broken-dangling-journal", tmp_path)))
    assert (
        "journal/2025-03-03-premier-jour.yaml:4:19: error: membre de l'équipe inconnu 'clair' : "
        "il n'est pas dans l'équipe de residence.yaml — vouliez-vous dire 'claire' ?"
    ) in found
    assert (
        "journal/2025-03-03-premier-jour.yaml:5:33: error: acteur inconnu 'mairei' : il n'est "
        "pas dans actors.yaml — vouliez-vous dire 'mairie' ? S'il s'agit d'un nouvel acteur, "
        'ajoutez-le : residence add actor --id mairei --name "…"'
    ) in found
    assert any("méthode inconnue 'entretien'" in line for line in found)


@pytest.mark.usefixtures("french")
def test_check_rules_in_french(minimal: Path) -> None:
    path = minimal / PROTO
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("handover:")], encoding="utf-8")
    (problem,) = run_check(minimal)
    assert (problem.code, problem.severity) == ("no-handover", "warning")
    assert problem.message == (
        "le prototype 'panneau-orientation' est adopté mais personne n'est désigné pour le "
        "poursuivre : ajoutez une passation (residence add handover panneau-orientation "
        "--to ACTOR)"
    )


def test_check_speaks_english_again_after_french(tmp_path: Path) -> None:
    root = copy_project("broken-unknown-license", tmp_path)
    set_language("fr")
    try:
        french = lines(run_check(root))
    finally:
        set_language("en")
    english = (PROJECTS / "broken-unknown-license" / "expected.txt").read_text(encoding="utf-8")
    assert "licence libre" in french[0]
    assert lines(run_check(root)) == english.splitlines()

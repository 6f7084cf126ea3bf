"""residence.pipeline without the command line: what each command does, and what it returns."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from conftest import copy_project
from residence import pipeline
from residence.catalog import commands as catalog_commands
from residence.errors import ResidenceError

# -- the residency -----------------------------------------------------------------------


def test_pipeline_residency_folder_is_a_usage_error_when_missing_or_a_file(
    minimal: Path,
) -> None:
    with pytest.raises(ResidenceError) as missing:
        pipeline.residency_folder(minimal / "nowhere")
    assert missing.value.usage
    with pytest.raises(ResidenceError, match="is a file, not a residency folder") as file:
        pipeline.residency_folder(minimal / "residence.yaml")
    assert file.value.usage


def test_pipeline_check_returns_the_problems_and_the_files_read(minimal: Path) -> None:
    report = pipeline.check(minimal)
    assert (report.problems, report.files, report.errors, report.warnings) == ([], 9, 0, 0)


def test_pipeline_check_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    assert (pipeline.check(root).errors, pipeline.check(root).warnings) == (0, 1)
    strict = pipeline.check(root, strict=True)
    assert (strict.errors, strict.warnings) == (1, 0)


def test_pipeline_refuses_a_residency_with_errors_and_names_the_command(tmp_path: Path) -> None:
    root = copy_project("broken-wrong-enum", tmp_path)
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.actor_map(root, "svg", edition="public", out=tmp_path / "out")
    assert refused.value.command == "map"
    assert not refused.value.usage
    assert refused.value.problems
    assert not (tmp_path / "out").exists()


def test_pipeline_archive_refusal_shows_only_the_errors(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    entry = root / "journal" / "2025-03-03-premier-jour.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("authors: [claire]", "authors: [nobody]"), encoding="utf-8")
    assert any(p.severity == "warning" for p in pipeline.check(root).problems)
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.archive(root, out=None, edition="public", zenodo=False)
    assert refused.value.command == "archive"
    assert {p.severity for p in refused.value.problems} == {"error"}


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("xml", "--to xml: unknown format; use html, pdf, docx, odt or a list like html,pdf"),
        (" , ", "--to needs a format: html, pdf, docx, odt"),
    ],
)
def test_pipeline_parse_formats_refuses_unknown_ones(to: str, message: str) -> None:
    with pytest.raises(ResidenceError) as caught:
        pipeline.parse_formats(to, pipeline.REPORT_FORMATS)
    assert caught.value.usage
    assert caught.value.problems[0].message == message


def test_pipeline_parse_formats_keeps_the_order_given() -> None:
    assert pipeline.parse_formats(" PDF,html ", pipeline.REPORT_FORMATS) == ["pdf", "html"]


def test_pipeline_status_refuses_a_folder_that_is_not_a_residency(tmp_path: Path) -> None:
    with pytest.raises(ResidenceError, match="is not a residency folder") as caught:
        pipeline.status(tmp_path)
    assert caught.value.usage


def test_pipeline_status_gives_the_figures(minimal: Path) -> None:
    figures = pipeline.status(minimal)
    assert figures.journal["entries"] == 3
    assert figures.check == {"errors": 0, "warnings": 0}


# -- outputs -----------------------------------------------------------------------------


def test_pipeline_map_writes_the_files_in_order_and_says_what_to_mention(
    minimal: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    drawn = pipeline.actor_map(minimal, "csv,svg", edition="team", out=out)
    assert [p.name for p in drawn.written] == [
        "actor-map.svg",
        "actor-matrix.svg",
        "actors-elements-document-interne-ne-pas-diffuser.csv",
        "actors-connections-document-interne-ne-pas-diffuser.csv",
    ]
    assert all(p.is_file() for p in drawn.written)
    assert drawn.notices == pipeline.Notices([], 0, True)
    assert drawn.actors > 0 and drawn.edition == "team"


def test_pipeline_map_counts_the_residency_warnings(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    drawn = pipeline.actor_map(root, "graphml", edition="public", out=tmp_path / "out")
    assert (drawn.notices.warnings, drawn.notices.team) == (1, False)


def test_pipeline_map_refuses_an_out_that_is_a_file(minimal: Path, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(ResidenceError, match="is a file, not a folder") as caught:
        pipeline.actor_map(minimal, "svg", edition="public", out=target)
    assert caught.value.usage
    assert target.read_text(encoding="utf-8") == "keep"


def test_pipeline_default_out_is_one_folder_per_edition(minimal: Path) -> None:
    assert pipeline.default_out(minimal, "public") == minimal / "_build" / "public"
    assert pipeline.default_out(minimal, "team") == minimal / "_build" / "team"
    assert pipeline.out_folder(None, minimal, "team") == minimal / "_build" / "team"
    assert pipeline.out_folder(minimal / "x", minimal, "team") == minimal / "x"
    team = pipeline.render(minimal, "html", edition="team", out=None, variant="pdf/ua-1")
    assert team.page == minimal / "_build" / "team" / "report.html"


def test_pipeline_render_html_only(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rendered = pipeline.render(minimal, "html", edition="public", out=out, variant="pdf/ua-1")
    assert rendered.page == out / "report.html" and rendered.page.is_file()
    assert rendered.pdf is None and not (out / "report.pdf").exists()
    assert rendered.assets > 0
    assert rendered.notices.team is False


def test_pipeline_render_turns_a_write_failure_into_a_usage_error(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("residence.render.html.write_report", full)
    with pytest.raises(ResidenceError) as caught:
        pipeline.render(minimal, "html", edition="public", out=tmp_path, variant="pdf/ua-1")
    assert caught.value.usage
    assert caught.value.problems[0].message == (
        f"cannot write into '{tmp_path}': No space left on device"
    )


def test_pipeline_methods_without_sheets_writes_nothing(minimal: Path, tmp_path: Path) -> None:
    shutil.rmtree(minimal / "methods")
    for path in [*minimal.glob("journal/*.yaml"), *minimal.glob("prototypes/*.yaml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("methods: [entretien-guichet]\n", ""), encoding="utf-8")
    assert pipeline.check(minimal).errors == 0
    sheets = pipeline.methods(minimal, "md", edition="public", out=tmp_path / "out")
    assert not sheets.found and sheets.written == []
    assert not (tmp_path / "out" / "methods").exists()


def test_pipeline_methods_lists_the_sheets_not_their_assets(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sheets = pipeline.methods(minimal, "md,html", edition="public", out=out)
    assert sheets.found and sheets.methods == 1
    assert sheets.formats == ["html", "md"]
    assert [p.relative_to(out).as_posix() for p in sheets.written] == [
        "methods/entretien-guichet.html",
        "methods/entretien-guichet.md",
    ]


def test_pipeline_archive_refuses_zenodo_with_the_team_edition(minimal: Path) -> None:
    with pytest.raises(ResidenceError, match="--zenodo makes a public deposit") as caught:
        pipeline.archive(minimal, out=None, edition="team", zenodo=True)
    assert caught.value.usage


def test_pipeline_verify_names_the_archive_in_its_problems(tmp_path: Path) -> None:
    damaged = tmp_path / "broken.zip"
    damaged.write_bytes(b"not a zip")
    with pytest.raises(ResidenceError) as caught:
        pipeline.verify(damaged)
    assert not caught.value.usage
    assert [p.path for p in caught.value.problems] == ["broken.zip"]
    with pytest.raises(ResidenceError, match="no file or folder") as missing:
        pipeline.verify(tmp_path / "nowhere.zip")
    assert missing.value.usage


def test_pipeline_write_schemas(tmp_path: Path) -> None:
    written = pipeline.write_schemas(tmp_path / "schemas")
    assert written and all(p.is_file() for p in written)
    with pytest.raises(ResidenceError, match="is a file, not a folder"):
        pipeline.write_schemas(written[0])


# -- the catalogue -----------------------------------------------------------------------


def test_pipeline_catalog_without_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "catalog.sqlite"
    assert catalog_commands.catalog_list(missing, programme=None, territory=None, year=None) == (
        catalog_commands.Found(missing, None)
    )
    with pytest.raises(ResidenceError, match="no residency 'x' in the catalogue") as caught:
        catalog_commands.catalog_show("x", missing)
    assert caught.value.usage
    with pytest.raises(ResidenceError, match="no residency 'x' in the catalogue"):
        catalog_commands.catalog_remove("x", missing)
    assert not missing.exists()


def test_pipeline_catalog_add_list_show_remove(minimal: Path, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    where, outcomes = catalog_commands.catalog_add([minimal], catalog)
    assert where == catalog
    (outcome,) = list(outcomes)
    assert outcome.added is not None
    ident = outcome.added.id
    found = catalog_commands.catalog_list(catalog, programme=None, territory=None, year=None)
    assert found.items is not None and [s.id for s in found.items] == [ident]
    assert catalog_commands.catalog_show(ident, catalog).id == ident
    assert catalog_commands.catalog_remove(ident, catalog) == catalog


# -- add ---------------------------------------------------------------------------------

ACTOR = {"name": "Zoé", "kind": "agent", "sector": "public", "circle": "core"}


def test_pipeline_add_from_values_writes_the_item(minimal: Path) -> None:
    plan = pipeline.start_add(minimal, "actor", dict(ACTOR), edit=None, draft=None)
    assert not isinstance(plan, pipeline.Draft)
    assert plan.ident == "zoe"
    assert "id: zoe" in (minimal / "actors.yaml").read_text(encoding="utf-8")


def test_pipeline_add_refuses_invalid_values(minimal: Path) -> None:
    before = (minimal / "actors.yaml").read_bytes()
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.start_add(minimal, "actor", {**ACTOR, "sector": "nowhere"}, edit=None, draft=None)
    assert refused.value.command == "add"
    assert (minimal / "actors.yaml").read_bytes() == before


def test_pipeline_add_with_edit_gives_a_draft_and_an_unchanged_draft_is_abandoned(
    minimal: Path,
) -> None:
    draft = pipeline.start_add(minimal, "actor", dict(ACTOR), edit=True, draft=None)
    assert isinstance(draft, pipeline.Draft)
    assert draft.path.is_file() and draft.template == draft.path.read_text(encoding="utf-8")
    attempt = pipeline.finish_draft(draft)
    assert attempt.abandoned == "unchanged" and attempt.plan is None
    assert not draft.path.exists()


def test_pipeline_add_an_invalid_draft_is_kept_with_its_problems(minimal: Path) -> None:
    draft = pipeline.start_add(minimal, "actor", dict(ACTOR), edit=True, draft=None)
    assert isinstance(draft, pipeline.Draft)
    draft.path.write_text("name: [unclosed\n", encoding="utf-8")
    attempt = pipeline.finish_draft(draft)
    assert attempt.plan is None and attempt.problems
    assert draft.path.is_file()


def test_pipeline_add_without_an_editor_keeps_the_draft(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = pipeline.start_add(minimal, "actor", dict(ACTOR), edit=True, draft=None)
    assert isinstance(draft, pipeline.Draft)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(pipeline.DraftKept) as kept:
        pipeline.editor_command(draft)
    assert kept.value.usage and kept.value.draft == draft.path


# -- the choices of the command line come from the core's Literals ------------------------


def test_pipeline_literals_match_the_core_they_stand_for() -> None:
    from residence.gate import Edition
    from residence.render.methods import FORMATS
    from residence.render.pdf import VARIANTS
    from residence.vocabulary import Visibility

    assert get_args(pipeline.PdfVariant) == tuple(VARIANTS)
    assert get_args(Visibility) == get_args(Edition)  # the CLI's --edition reads Visibility
    assert set(FORMATS) >= {"pdf", "html", "md"}


def test_cli_choices_are_the_values_of_the_core_literals() -> None:
    from residence.catalog.store import ITEM_KINDS
    from residence.cli import catalog, options, rendering
    from residence.models.residence import Residence
    from residence.vocabulary import EntryKind, Programme

    def values(enum: type[options.Choice]) -> tuple[str, ...]:
        return tuple(member.value for member in enum)

    assert values(options.OutputFormat) == get_args(pipeline.OutputFormat) == ("text", "json")
    assert values(options.Programme) == get_args(Programme)
    assert values(options.Language) == get_args(Residence.model_fields["language"].annotation)
    assert values(options.Edition) == ("public", "team")
    assert values(rendering.PdfVariant) == get_args(pipeline.PdfVariant)
    assert values(catalog.CatalogKind) == (*ITEM_KINDS, *get_args(EntryKind))


# -- the language of the messages --------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """Make the messages in French for one test, then in the language they were in."""
    from residence.i18n import current_language, set_language

    before = current_language()
    set_language("fr")
    yield
    set_language(before)


def test_pipeline_usage_errors_in_french(minimal: Path, french: None) -> None:
    with pytest.raises(ResidenceError) as missing:
        pipeline.residency_folder(minimal / "nowhere")
    assert missing.value.problems[0].message == f"aucun dossier '{minimal / 'nowhere'}'"
    with pytest.raises(ResidenceError) as unknown:
        pipeline.parse_formats("xml", pipeline.REPORT_FORMATS)
    assert unknown.value.problems[0].message == (
        "--to xml : format inconnu ; utilisez html, pdf, docx, odt ou une liste comme html,pdf"
    )
    with pytest.raises(ResidenceError) as zenodo:
        pipeline.archive(minimal, out=None, edition="team", zenodo=True)
    assert zenodo.value.problems[0].message == (
        "--zenodo prépare un dépôt public : il ne peut pas servir avec --edition team"
    )


def test_pipeline_messages_follow_the_language_when_they_are_made(minimal: Path) -> None:
    from residence.i18n import current_language, set_language

    before = current_language()
    try:
        for language, said in (("fr", "n'est pas le dossier d'une résidence"),
                               ("en", "is not a residency folder")):  # fmt: skip
            set_language(language)
            with pytest.raises(ResidenceError, match=said):
                pipeline.status(minimal / "journal")
    finally:
        set_language(before)

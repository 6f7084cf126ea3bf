"""The archive: a reproducible BagIt zip with an RO-Crate, public by default; deposit metadata."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from PIL import Image
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from leakscan import LeakScanner
from residence.archive import OUTPUT_PRODUCERS, datacite_record, payload, zenodo_metadata
from residence.catalog import Filters
from residence.check import check_residency
from residence.cli import app
from residence.clock import build_time
from residence.errors import Problem, has_errors
from residence.gate import find_leaks, kept_names, protected_names, select_edition
from residence.licences import licence
from residence.load import load_residency
from residence.models import Residency

EPOCH = "1750000000"  # 2025-06-15T15:06:40Z

Producer = Callable[[Residency], tuple[dict[str, bytes], list[Problem]]]


def report_html(published: Residency) -> tuple[dict[str, bytes], list[Problem]]:
    """Produce report.html and its assets only: the archive's outputs without a PDF."""
    from residence.render.html import render_html

    report = render_html(published)
    files = {"report.html": report.html.encode("utf-8")}
    for path, content in report.assets.items():
        files[path] = content if isinstance(content, bytes) else content.read_bytes()
    return files, list(report.problems)


#: What the archives of these tests hold besides their sources: nothing, the HTML report
#: (fast), or every rendered output with the PDFs (FULL: slow, tests marked ``pdf``).
NO_OUTPUTS: list[Producer] = []
HTML: list[Producer] = [report_html]
FULL: list[Producer] | None = None


def archive(
    folder: Path,
    out: Path | None,
    *args: str,
    epoch: str = EPOCH,
    outputs: list[Producer] | None = NO_OUTPUTS,
) -> tuple[int, str, str]:
    """Run `residence archive` (``out`` None: its default path); return (code, stdout, stderr)."""
    where = ["--out", str(out)] if out is not None else []
    with pytest.MonkeyPatch.context() as patch:
        if outputs is not None:
            patch.setattr(payload, "OUTPUT_PRODUCERS", outputs)
        result = CliRunner().invoke(
            app, ["archive", str(folder), *where, *args], env={"SOURCE_DATE_EPOCH": epoch}
        )
    return result.exit_code, result.stdout, result.stderr


def members(path: Path) -> dict[str, bytes]:
    """Return {name without the top folder: bytes} of every member of a zip."""
    with zipfile.ZipFile(path) as z:
        return {n.split("/", 1)[1]: z.read(n) for n in z.namelist()}


def protect_jeanne(folder: Path) -> None:
    """Withdraw Jeanne Martin's public consent: she must be pseudonymised."""
    consent = folder / "private" / "consent.yaml"
    consent.write_text(
        consent.read_text(encoding="utf-8").replace("scope: public", "scope: internal"),
        encoding="utf-8",
    )


def add_team_entry(folder: Path) -> None:
    """Add a team-only journal entry with a word found nowhere else."""
    (folder / "journal" / "2025-03-05-note-interne.yaml").write_text(
        "date: 2025-03-05\ntitle: Note interne\nkind: reflection\nauthors: [claire]\n"
        "visibility: team\nbody: |\n  Le mot confidentielxyz reste dans l'équipe.\n",
        encoding="utf-8",
    )


def add_media(folder: Path, name: str, data: bytes, alt: str) -> None:
    """Add a media file, shown in the first journal entry."""
    (folder / "media" / name).write_bytes(data)
    entry = folder / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8") + f'  - file: media/{name}\n    alt: "{alt}"\n',
        encoding="utf-8",
    )


def photo_with_exif() -> bytes:
    """Return a JPEG photo whose EXIF data names its author and camera."""
    exif = Image.Exif()
    exif[0x013B] = "Artiste Secretissime"  # Artist
    exif[0x010F] = "Marque Secretissime"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def hostile_minimal(tmp_path: Path) -> Path:
    """A copy of the minimal residency with what an archive must leave out or change.

    Jeanne Martin without a public consent, a team-only entry, a private file, a media file
    no one refers to, a photo with EXIF data, a file name with spaces and a method sheet
    under another licence than the residency's.
    """
    folder = copy_project("minimal", tmp_path)
    protect_jeanne(folder)
    add_team_entry(folder)
    (folder / "private" / "scan-formulaire.txt").write_text("secretprive", encoding="utf-8")
    hall = (folder / "media" / "hall.svg").read_bytes()
    (folder / "media" / "unused.svg").write_bytes(hall)
    add_media(folder, "photo.jpg", photo_with_exif(), "Un aplat orange.")
    add_media(folder, "plan du hall.svg", hall, "Le plan.")
    method = folder / "methods" / "entretien-guichet.yaml"
    method.write_text(
        method.read_text(encoding="utf-8").replace("license: CC-BY-SA-4.0", "license: CC-BY-4.0"),
        encoding="utf-8",
    )
    return folder


def _archive_once(factory: pytest.TempPathFactory, outputs: list[Producer] | None) -> Path:
    tmp = factory.mktemp("archive")
    out = tmp / "out" / "minimal.zip"
    code, _, stderr = archive(hostile_minimal(tmp), out, outputs=outputs)
    assert code == 0, stderr
    return out


@pytest.fixture(scope="module")
def _html_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public archive of ``hostile_minimal`` with the HTML report, made once."""
    return _archive_once(tmp_path_factory, HTML)


@pytest.fixture(scope="module")
def _full_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public archive of ``hostile_minimal`` with every rendered output, made once."""
    return _archive_once(tmp_path_factory, FULL)


@pytest.fixture
def zipped(_html_archive: Path, tmp_path: Path) -> Path:
    """This test's own copy of the public archive with the HTML report."""
    return Path(shutil.copy(_html_archive, tmp_path / "minimal.zip"))


@pytest.fixture
def full_zipped(_full_archive: Path, tmp_path: Path) -> Path:
    """This test's own copy of the public archive with the PDF report and method sheets."""
    return Path(shutil.copy(_full_archive, tmp_path / "minimal.zip"))


@pytest.fixture(params=["html", pytest.param("full", marks=pytest.mark.pdf)])
def any_zipped(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each public archive in turn: with the HTML report, then with every output."""
    made = request.getfixturevalue(f"_{request.param}_archive")
    return Path(shutil.copy(made, tmp_path / "minimal.zip"))


def test_archive_renderer_is_registered() -> None:
    assert [p.__name__ for p in OUTPUT_PRODUCERS] == ["report_files", "method_sheets"]


def test_archive_holds_a_bag_with_sources_report_and_crate(zipped: Path) -> None:
    with zipfile.ZipFile(zipped) as z:
        names = z.namelist()
    assert {n.split("/")[0] for n in names} == {"mairie-annexe"}
    files = members(zipped)
    for tag in (
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ):
        assert tag in files
    assert files["bagit.txt"] == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    for source in (
        "residence.yaml",
        "actors.yaml",
        "journal/2025-03-03-premier-jour.yaml",
        "prototypes/panneau-orientation.yaml",
        "methods/entretien-guichet.yaml",
        "scenarios/premier-rendez-vous.yaml",
        "media/hall.svg",
        "LICENSES/CC-BY-SA-4.0.txt",
    ):
        assert f"data/residency/{source}" in files
    assert "data/ro-crate-metadata.json" in files
    assert "data/report.html" in files
    assert any(n.startswith("data/assets/") for n in files)
    assert not any("private" in n for n in files)
    assert names == sorted(names)


@pytest.mark.pdf
def test_archive_same_epoch_gives_the_same_bytes(full_zipped: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    code, _, stderr = archive(hostile_minimal(tmp_path), again, outputs=FULL)
    assert code == 0, stderr
    assert again.read_bytes() == full_zipped.read_bytes()
    with zipfile.ZipFile(again) as z:
        infos = z.infolist()
    assert {i.date_time for i in infos} == {(2025, 6, 15, 15, 6, 40)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_archive_another_epoch_changes_only_the_dates(zipped: Path, tmp_path: Path) -> None:
    later = tmp_path / "later.zip"
    assert archive(hostile_minimal(tmp_path), later, epoch="1767225600")[0] == 0  # 2026-01-01
    info = members(later)["bag-info.txt"].decode()
    assert "Bagging-Date: 2026-01-01" in info
    entry = "data/residency/journal/2025-03-03-premier-jour.yaml"
    assert members(zipped)[entry] == members(later)[entry]


def test_archive_bag_info_tags(zipped: Path) -> None:
    files = members(zipped)
    info = files["bag-info.txt"].decode()
    assert "Source-Organization: Ville de Bourg-la-Reine\n" in info
    assert "External-Identifier: mairie-annexe\n" in info
    assert "External-Description: La mairie annexe, vue du guichet." in info
    assert "Bagging-Date: 2025-06-15\n" in info
    assert "Residence-Edition: public\n" in info
    payload = {n: d for n, d in files.items() if n.startswith("data/")}
    oxum = f"Payload-Oxum: {sum(len(d) for d in payload.values())}.{len(payload)}\n"
    assert oxum in info
    assert all(len(line) <= 79 for line in info.splitlines())


def test_archive_is_accepted_by_the_reference_bagit_validator(zipped: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path / "unpacked")
    result = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(tmp_path / "unpacked" / "mairie-annexe")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stderr


def test_archive_sources_load_back_without_error(zipped: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "mairie-annexe" / "data" / "residency"
    residency, problems = load_residency(folder)
    problems += check_residency(residency)
    assert not has_errors(problems), problems
    assert residency.residence is not None
    assert residency.residence.id == "mairie-annexe"
    assert len(residency.entries) == 3
    text = (folder / "residence.yaml").read_text(encoding="utf-8")
    # REUSE-IgnoreStart
    assert "SPDX-License-Identifier: CC-BY-SA-4.0" in text
    # REUSE-IgnoreEnd
    assert "license: CC-BY-SA-4.0" in text


def test_archive_pseudonymises_people_without_consent(any_zipped: Path, tmp_path: Path) -> None:
    source, _ = load_residency(hostile_minimal(tmp_path))
    names, kept = protected_names(source), kept_names(source)
    assert "Jeanne" in names
    files = members(any_zipped)
    for name, data in files.items():
        assert not find_leaks(name, names, kept), name
        leaks = find_leaks(data.decode("utf-8", errors="replace"), names, kept)
        assert not leaks, f"{name}: {leaks}"
    assert "Personne A" in files["data/residency/actors.yaml"].decode()


def test_archive_leaves_out_team_entries_and_private_files(any_zipped: Path) -> None:
    files = members(any_zipped)
    assert not any("note-interne" in n or "private" in n for n in files)
    for data in files.values():
        assert b"confidentielxyz" not in data
        assert b"secretprive" not in data


def test_archive_copies_only_the_media_still_referenced(zipped: Path) -> None:
    files = members(zipped)
    assert "data/residency/media/hall.svg" in files
    assert "data/residency/media/unused.svg" not in files


def test_archive_strips_photo_metadata(any_zipped: Path) -> None:
    files = members(any_zipped)
    photo = files["data/residency/media/photo.jpg"]
    assert not dict(Image.open(io.BytesIO(photo)).getexif())
    for data in files.values():
        assert b"Secretissime" not in data


def test_archive_team_edition_holds_everything_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "team.zip"
    code, _, stderr = archive(hostile_minimal(tmp_path), out, "--edition", "team", outputs=HTML)
    assert code == 0, stderr
    assert "TEAM EDITION" in stderr
    with zipfile.ZipFile(out) as z:
        assert z.namelist()[0].startswith("mairie-annexe-team/")
    files = members(out)
    assert "data/residency/private/consent.yaml" in files
    assert "data/residency/private/scan-formulaire.txt" in files
    assert "data/residency/journal/2025-03-05-note-interne.yaml" in files
    assert "data/residency/media/unused.svg" in files
    assert b"Jeanne Martin" in files["data/residency/actors.yaml"]
    assert b"confidentielxyz" in files["data/report.html"]
    info = files["bag-info.txt"].decode()
    assert "Residence-Edition: team\n" in info
    assert "Internal-Sender-Description: Team edition" in info
    crate = json.loads(files["data/ro-crate-metadata.json"])
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    assert "private material" in root["conditionsOfAccess"]


def test_archive_refuses_an_invalid_residency(minimal: Path, tmp_path: Path) -> None:
    entry = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("kind: observation", "kind: nap"),
        encoding="utf-8",
    )
    out = tmp_path / "p.zip"
    code, _, stderr = archive(minimal, out)
    assert code == 1
    assert "2025-03-03-premier-jour.yaml:" in stderr
    assert not out.exists()


def test_archive_default_path_and_usage_errors(minimal: Path, tmp_path: Path) -> None:
    code, _, stderr = archive(minimal, None)
    assert code == 0, stderr
    assert (minimal / "_build" / "mairie-annexe.zip").is_file()
    assert archive(tmp_path / "nowhere", None)[0] == 2
    assert archive(minimal, tmp_path)[0] == 2
    code, _, stderr = archive(minimal, None, epoch="x")
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in stderr


def test_archive_crate_describes_every_payload_file(zipped: Path) -> None:
    files = members(zipped)
    crate = json.loads(files["data/ro-crate-metadata.json"])
    assert crate["@context"] == "https://w3id.org/ro/crate/1.1/context"
    graph = {e["@id"]: e for e in crate["@graph"]}
    assert graph["ro-crate-metadata.json"]["conformsTo"] == {"@id": "https://w3id.org/ro/crate/1.1"}
    root = graph["./"]
    assert root["@type"] == "Dataset"
    assert root["name"] == "La mairie annexe, vue du guichet"
    assert "plus lisible" in root["description"]
    assert root["datePublished"] == "2025-06-15"
    assert root["license"] == {"@id": "https://creativecommons.org/licenses/by-sa/4.0/"}
    assert graph["https://creativecommons.org/licenses/by-sa/4.0/"]["@type"] == "CreativeWork"
    authors = [graph[a["@id"]] for a in root["author"]]
    assert [(a["@type"], a["name"]) for a in authors] == [
        ("Person", "Claire Dumas"),
        ("Person", "Malik Ouali"),
    ]
    place = graph[root["contentLocation"]["@id"]]
    assert place == {
        "@id": "#site",
        "@type": "Place",
        "name": "Mairie annexe du quartier des Blagis",
        "address": "Bourg-la-Reine",
    }
    assert root["temporalCoverage"] == [
        "2025-03-03/2025-03-07",
        "2025-04-07/2025-04-11",
        "2025-05-12/2025-05-16",
    ]
    assert root["keywords"] == ["accueil", "guichet"]
    payload = {n.removeprefix("data/") for n in files if n.startswith("data/")}
    parts = {p["@id"] for p in root["hasPart"]}
    assert parts == {quote(p) for p in payload} - {"ro-crate-metadata.json"}
    for part in parts:
        assert graph[part]["@type"] == "File"
        assert graph[part]["encodingFormat"]
    sheet = graph["residency/methods/entretien-guichet.yaml"]
    assert sheet["license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert graph["https://creativecommons.org/licenses/by/4.0/"]["identifier"] == "CC-BY-4.0"
    assert "license" not in graph["residency/residence.yaml"]
    assert graph["report.html"]["encodingFormat"] == "text/html"


@pytest.mark.pdf
def test_archive_holds_the_pdf_report_and_the_method_sheets(full_zipped: Path) -> None:
    files = members(full_zipped)
    graph = {e["@id"]: e for e in json.loads(files["data/ro-crate-metadata.json"])["@graph"]}
    assert graph["report.pdf"]["encodingFormat"] == "application/pdf"
    assert files["data/report.pdf"].startswith(b"%PDF-")
    # The method sheet made from a method under its own licence carries that licence.
    for suffix in ("pdf", "html", "md"):
        card = graph[f"methods/entretien-guichet.{suffix}"]
        assert card["license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert "data/methods/booklet.pdf" in files


def test_archive_crate_ids_of_odd_file_names_are_percent_encoded(zipped: Path) -> None:
    crate = json.loads(members(zipped)["data/ro-crate-metadata.json"])
    ids = {e["@id"] for e in crate["@graph"]}
    assert "residency/media/plan%20du%20hall.svg" in ids
    assert CliRunner().invoke(app, ["verify", str(zipped)]).exit_code == 0


# -- deposit metadata ------------------------------------------------------------------------

#: The fields an InvenioRDM (Zenodo) deposit needs, as the brief of issue 6 lists them.
ZENODO_SCHEMA = {
    "type": "object",
    "required": ["metadata", "access"],
    "properties": {
        "metadata": {
            "type": "object",
            "required": ["resource_type", "title", "publication_date", "creators", "rights",
                         "description", "subjects", "locations"],
            "properties": {
                "resource_type": {"type": "object", "required": ["id"]},
                "title": {"type": "string", "minLength": 1},
                "publication_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "creators": {
                    "type": "array", "minItems": 1,
                    "items": {"type": "object", "required": ["person_or_org"], "properties": {
                        "person_or_org": {"type": "object", "required": ["type", "family_name"]}
                    }},
                },
                "rights": {"type": "array", "minItems": 1,
                           "items": {"type": "object", "required": ["id"]}},
                "description": {"type": "string", "minLength": 1},
                "subjects": {"type": "array",
                             "items": {"type": "object", "required": ["subject"]}},
                "locations": {"type": "object", "required": ["features"], "properties": {
                    "features": {"type": "array", "minItems": 1,
                                 "items": {"type": "object", "required": ["place"]}}
                }},
            },
        }
    },
}  # fmt: skip

#: The mandatory properties of DataCite Metadata Schema 4.x, in their JSON form.
DATACITE_SCHEMA = {
    "type": "object",
    "required": ["creators", "titles", "publisher", "publicationYear", "types", "schemaVersion"],
    "properties": {
        "identifiers": {"type": "array", "items": {
            "type": "object", "required": ["identifier", "identifierType"]}},
        "creators": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name"],
            "properties": {"nameType": {"enum": ["Personal", "Organizational"]}}}},
        "titles": {"type": "array", "minItems": 1,
                   "items": {"type": "object", "required": ["title"]}},
        "publisher": {"type": "object", "required": ["name"]},
        "publicationYear": {"type": "string", "pattern": r"^\d{4}$"},
        "types": {"type": "object", "required": ["resourceTypeGeneral"],
                  "properties": {"resourceTypeGeneral": {"enum": ["Dataset", "Collection",
                                                                  "Report", "Text"]}}},
        "subjects": {"type": "array", "items": {"type": "object", "required": ["subject"]}},
        "rightsList": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["rights", "rightsUri", "rightsIdentifier"]}},
        "descriptions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["description", "descriptionType"]}},
        "geoLocations": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["geoLocationPlace"]}},
    },
}  # fmt: skip


def test_archive_zenodo_writes_deposit_and_datacite_records(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "dep" / "mairie.zip"
    code, stdout, stderr = archive(minimal, out, "--zenodo")
    assert code == 0, stderr
    zenodo = json.loads((tmp_path / "dep" / "mairie.zenodo.json").read_text(encoding="utf-8"))
    datacite = json.loads((tmp_path / "dep" / "mairie.datacite.json").read_text(encoding="utf-8"))
    assert str(tmp_path / "dep" / "mairie.zenodo.json") in stdout
    jsonschema.validate(zenodo, ZENODO_SCHEMA)
    jsonschema.validate(datacite, DATACITE_SCHEMA)
    meta = zenodo["metadata"]
    assert meta["rights"] == [{"id": "cc-by-sa-4.0"}]
    assert meta["publication_date"] == "2025-06-15"
    assert meta["subjects"] == [{"subject": "accueil"}, {"subject": "guichet"}]
    assert meta["locations"]["features"][0]["place"] == "Mairie annexe du quartier des Blagis"
    assert meta["creators"][0]["person_or_org"] == {
        "type": "personal",
        "family_name": "Dumas",
        "given_name": "Claire",
    }
    assert "<strong>plus lisible</strong>" in meta["description"]
    assert datacite["publicationYear"] == "2025"
    assert datacite["rightsList"][0]["rightsIdentifier"] == "cc-by-sa-4.0"
    assert datacite["creators"][0]["name"] == "Dumas, Claire"
    assert datacite["dates"][0] == {"date": "2025-03-03/2025-05-16", "dateType": "Collected"}


def test_archive_deposit_metadata_come_from_the_public_edition(minimal: Path) -> None:
    protect_jeanne(minimal)
    residency, _ = load_residency(minimal)
    published = select_edition(residency, "public")
    when = build_time()
    for record in (zenodo_metadata(published, when), datacite_record(published, when)):
        text = json.dumps(record, ensure_ascii=False)
        assert not find_leaks(text, protected_names(residency), kept_names(residency))
    with pytest.raises(ValueError):
        zenodo_metadata(select_edition(residency, "team"), when)


def test_archive_zenodo_is_refused_for_a_team_edition(minimal: Path, tmp_path: Path) -> None:
    code, _, stderr = archive(minimal, tmp_path / "t.zip", "--edition", "team", "--zenodo")
    assert code == 2
    assert "--zenodo" in stderr


def test_archive_licence_urls() -> None:
    assert licence("CC-BY-SA-4.0").url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert licence("CC0-1.0").url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert licence("Something-1.0").url == "https://spdx.org/licenses/Something-1.0.html"


def test_archive_help() -> None:
    for command in ("archive", "verify"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.stdout


# -- insights --------------------------------------------------------------------------------

INTERVIEW = "journal/2025-03-04-entretien-jeanne.yaml"


def add_insights(folder: Path) -> None:
    """Code the interview of the hostile residency and draw two insights from it.

    Jeanne's quote is tagged; a team-only quote sits between it and an agent's quote; the
    public insight cites all three, the team entry and a prototype test; a team insight holds
    a word found nowhere else.
    """
    interview = folder / INTERVIEW
    interview.write_text(
        interview.read_text(encoding="utf-8").replace(
            '    text: "Je ne sais jamais à quel guichet aller."\n',
            '    text: "Je ne sais jamais à quel guichet aller."\n    tags: [Orientation]\n'
            '  - actor: jeanne-martin\n    text: "Entre nous, c\'est long."\n'
            "    visibility: team\n    tags: [attente]\n"
            '  - actor: agents-accueil\n    text: "On voit la file s\'allonger."\n'
            "    tags: [attente, orientation]\n",
        ),
        encoding="utf-8",
    )
    (folder / "insights").mkdir()
    (folder / "insights" / "guichet-introuvable.yaml").write_text(
        "id: guichet-introuvable\ntitle: Le bon guichet ne se voit pas\n"
        "statement: |\n  Jeanne Martin et les agents le disent : **on se perd** avant d'attendre.\n"
        "evidence:\n"
        "  - entry: 2025-03-04-entretien-jeanne\n    quote: 1\n"
        "  - entry: 2025-03-04-entretien-jeanne\n    quote: 2\n"
        "  - entry: 2025-03-04-entretien-jeanne\n    quote: 3\n"
        "  - entry: 2025-03-05-note-interne\n"
        "  - prototype: panneau-orientation\n    test: 1\n"
        "tags: [orientation, attente]\nprototypes: [panneau-orientation]\nweek: 1\n",
        encoding="utf-8",
    )
    (folder / "insights" / "piste-interne.yaml").write_text(
        "id: piste-interne\ntitle: Une piste interne\nstatement: Le mot secretpiste.\n"
        "visibility: team\nevidence:\n  - entry: 2025-03-05-note-interne\ntags: [attente]\n",
        encoding="utf-8",
    )


def test_archive_keeps_insights_and_quote_tags_through_the_gate(tmp_path: Path) -> None:
    """Public edition: the team insight and the evidence citing team notes are left out, the
    quotes cited are counted again among the public ones, the interview's renamed file is
    followed; the crate describes the insight; read back, the sources give the same
    insights, and the catalogue takes them in."""
    from residence.catalog import open_catalog, read_for_catalog

    folder = hostile_minimal(tmp_path)
    add_insights(folder)
    out = tmp_path / "public.zip"
    code, _, stderr = archive(folder, out)
    assert code == 0, stderr
    files = members(out)
    assert not any("piste-interne" in n for n in files)
    assert not any(b"secretpiste" in data for data in files.values())
    text = files["data/residency/insights/guichet-introuvable.yaml"].decode("utf-8")
    assert text.startswith("# Public edition written by residence")
    interview = "2025-03-04-entretien-personne-a"
    assert f"data/residency/journal/{interview}.yaml" in files
    journal = files[f"data/residency/journal/{interview}.yaml"].decode("utf-8")
    assert "tags:\n  - Orientation" in journal and "Entre nous" not in journal

    with zipfile.ZipFile(out) as z:
        z.extractall(tmp_path / "unpacked")
    sources = tmp_path / "unpacked" / "mairie-annexe" / "data" / "residency"
    again, problems = load_residency(sources)
    problems += check_residency(again)
    assert not has_errors(problems), problems
    [insight] = again.insights
    assert [(e.entry, e.quote, e.prototype, e.test) for e in insight.evidence] == [
        (interview, 1, None, None),
        (interview, 2, None, None),  # the agent's quote: the third, the second in public
        (None, None, "panneau-orientation", 1),
    ]
    assert insight.tags == ["orientation", "attente"]
    assert "Personne A" in insight.statement and "Jeanne" not in insight.statement
    source, _ = load_residency(folder)
    published = select_edition(source, "public")
    assert [i.model_dump() for i in published.insights] == [insight.model_dump()]
    cited = [q.text for q in again.entries[1].quotes]
    assert cited == ["Je ne sais jamais à quel guichet aller.", "On voit la file s'allonger."]
    assert [q.tags for q in again.entries[1].quotes] == [
        ["Orientation"],
        ["attente", "orientation"],
    ]

    crate = json.loads(files["data/ro-crate-metadata.json"])
    graph = {e["@id"]: e for e in crate["@graph"]}
    part = graph["residency/insights/guichet-introuvable.yaml"]
    assert part["@type"] == "File"
    assert part["name"] == "Le bon guichet ne se voit pas"
    assert part["description"].startswith("Personne A et les agents le disent\u00a0: on se perd")
    assert part["keywords"] == ["orientation", "attente"]
    assert part["citation"] == [
        {"@id": f"residency/journal/{interview}.yaml"},
        {"@id": "residency/prototypes/panneau-orientation.yaml"},
    ]
    assert CliRunner().invoke(app, ["verify", str(out)]).exit_code == 0

    with open_catalog(tmp_path / "catalog.sqlite") as catalog:
        with read_for_catalog(out) as candidate:
            catalog.add(candidate.published, candidate.origin)
        summary = catalog.get("mairie-annexe")
        assert summary is not None and summary.insights is not None
        assert [(i.id, i.entries, i.tests) for i in summary.insights] == [
            ("guichet-introuvable", 1, 1)
        ]
        assert [h.ref for h in catalog.search("perd", Filters(kind="insight"))] == [
            "guichet-introuvable"
        ]
    names, kept = protected_names(source), kept_names(source)
    for name, data in files.items():
        assert not find_leaks(data.decode("utf-8", errors="replace"), names, kept), name
    found = LeakScanner(["Jeanne Martin"], ["Claire Dumas", "Malik Ouali"]).path(
        tmp_path / "catalog.sqlite"
    )
    assert not found, found


def test_archive_team_edition_keeps_every_insight_as_written(tmp_path: Path) -> None:
    folder = hostile_minimal(tmp_path)
    add_insights(folder)
    out = tmp_path / "team.zip"
    code, _, stderr = archive(folder, out, "--edition", "team")
    assert code == 0, stderr
    files = members(out)
    for name in ("guichet-introuvable", "piste-interne"):
        written = (folder / "insights" / f"{name}.yaml").read_bytes()
        assert files[f"data/residency/insights/{name}.yaml"] == written
    crate = json.loads(files["data/ro-crate-metadata.json"])
    graph = {e["@id"]: e for e in crate["@graph"]}
    part = graph["residency/insights/piste-interne.yaml"]
    assert part["name"] == "Une piste interne"
    assert part["citation"] == [{"@id": "residency/journal/2025-03-05-note-interne.yaml"}]


@pytest.mark.pdf
@pytest.mark.slow
def test_archive_office_adds_the_report_as_docx_and_odt(tmp_path: Path) -> None:
    """`archive --office`: report.docx and report.odt in the payload, described by the
    RO-Crate with their media types, checksummed, and without the protected name."""
    folder = hostile_minimal(tmp_path)
    out = tmp_path / "minimal.zip"
    result = CliRunner().invoke(app, ["archive", str(folder), "--out", str(out), "--office"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive_zip:
        names = archive_zip.namelist()
        docx = next(n for n in names if n.endswith("/data/report.docx"))
        odt = next(n for n in names if n.endswith("/data/report.odt"))
        crate = json.loads(archive_zip.read(docx.replace("report.docx", "ro-crate-metadata.json")))
        manifest = archive_zip.read(docx.replace("data/report.docx", "manifest-sha256.txt"))
        documents = {n: archive_zip.read(n) for n in (docx, odt)}
    types = {e["@id"]: e.get("encodingFormat") for e in crate["@graph"]}
    assert types["report.docx"].endswith("wordprocessingml.document")
    assert types["report.odt"] == "application/vnd.oasis.opendocument.text"
    assert b"data/report.docx" in manifest and b"data/report.odt" in manifest
    scanner = LeakScanner(["Jeanne Martin"], ["Claire Dumas"])
    for name, data in documents.items():
        assert scanner.data(data, name) == [], name
    verified = CliRunner().invoke(app, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output

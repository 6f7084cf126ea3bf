"""Hostile input against the three newest outputs: `residence export`, the office documents
(`render --to docx,odt`) and `residence serve`.

- privacy: a protected person (a personal actor without a consent record) named in every
  way a note can (glued, split by Markdown, across a line break, in a link's address, in
  an image's alternative text, in a tag, an insight's title, a YAML comment) and a
  team-only quote: read by the independent scanner (leakscan.py) in every file made;
- injection: raw HTML, ``javascript:``, ``data:`` and ``file:`` links and images, a link
  out of the folder, LaTeX ``\\input``, pandoc's raw blocks, SVG with foreign objects:
  nothing executable nor external in the documents, and pandoc reads no file but its own
  (a canary file beside the residency is never read); CSV cells a spreadsheet would run;
  IRaMuTeQ's reserved lines; text that grows the work faster than itself;
- robustness: an --out among the residency's files, a full disk and a read-only folder
  (the fault injector of tests/faults), empty residencies; HTTP requests nobody sends
  (huge, many headers, paths out of the report, other hosts, other methods, slow or many
  connections), a residency folder removed and put back while served.
"""

# Full-width and invisible characters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import http.client
import io
import re
import shutil
import socket
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from faults.test_bounded_time import GROWTH, MOST, cpu_per_call
from faults.test_fault_injection import (
    Command,
    Outcome,
    check_a_failed_write,
    no_traceback,
    run,
)
from faults.test_fault_injection import template as template  # a fixture
from leakscan import LeakScanner
from residence.cli import app
from residence.export import export
from residence.export.iramuteq import clean, make_corpus
from residence.export.tables import safe_cell
from residence.gate import select_edition
from residence.load import load_residency
from residence.serve import Built, open_preview

PROTECTED = "Solange Vermeersch"
KEPT = ["Claire Dumas", "Malik Ouali", "Jeanne Martin"]
TEAM_QUOTE = "Entre nous seulement, le chef se trompe"
CANARY = "CANARI-JAMAIS-LU"
ENTRY = "2025-03-05-hostile"


def _hostile_body(outside: Path) -> str:
    canary = outside / "canary.txt"
    return (
        "Glued: SolangeVermeersch, #VermeerschSolange, solange.vermeersch@mairie.fr, "
        "**Sol**ange and Solange\nVermeersch.\n\n"
        "[sa fiche](https://annuaire.example.fr/Solange-Vermeersch) "
        "![Solange Vermeersch au guichet](media/hall.svg)\n\n"
        "<script>alert(1)</script><iframe src='https://evil.example/'></iframe>"
        "<img src=x onerror=alert(1)><object data='file:///etc/passwd'></object>\n\n"
        "[js](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) "
        f"[f](file:///etc/passwd) [up](../../../../etc/passwd) [canary]({canary})\n\n"
        f"![](file:///etc/passwd) ![canary]({canary.as_uri()}) ![up](../canary.txt)\n\n"
        "<!-- Solange Vermeersch -->\n\n"
        f"\\input{{/etc/passwd}} $\\input{{{canary}}}$ \\include{{{canary}}}\n\n"
        "```{=html}\n<script>alert(2)</script>\n```\n\n"
        "```{=openxml}\n<w:p><w:r><w:t>RAW-OPENXML</w:t></w:r></w:p>\n```\n\n"
        "```{=opendocument}\n<text:p>RAW-ODF</text:p>\n```\n\n"
        "<svg><foreignObject><iframe src='file:///etc/passwd'></iframe></foreignObject>"
        "<image href='file:///etc/passwd'/></svg>\n\n"
        '=HYPERLINK("http://evil") line\n\n**** *injected_star\n-* thematic\n$ dollars\n\n'
        "Texte \ufffe et \U0001d518\U0001d52b \U0001f600 hors du plan de base.\n"
    )


def hostile(tmp_path: Path) -> Path:
    """tests/projects/minimal, with a protected person named everywhere and hostile text."""
    root = copy_project("minimal", tmp_path)
    (tmp_path / "canary.txt").write_text(CANARY + "\n", encoding="utf-8")
    actors = yaml.safe_load((root / "actors.yaml").read_text(encoding="utf-8"))
    actors["actors"].append(
        {
            "id": "solange-vermeersch",
            "name": PROTECTED,
            "kind": "person",
            "sector": "users",
            "circle": "direct",
            "personal": True,
        }
    )
    text = yaml.safe_dump(actors, allow_unicode=True, sort_keys=False)
    (root / "actors.yaml").write_text(f"# {PROTECTED} vient le mardi\n{text}", encoding="utf-8")
    entry = {
        "date": "2025-03-05",
        "title": "Avec Solange — =cmd|' /C calc'!A0",
        "kind": "interview",
        "authors": ["claire"],
        "actors": ["solange-vermeersch"],
        "tags": [PROTECTED, "=1+1"],
        "body": _hostile_body(tmp_path),
        "quotes": [
            {"actor": "solange-vermeersch", "text": "@SUM(1+1) je suis 😕 𝔘𝔫𝔦"},
            {"actor": "jeanne-martin", "text": TEAM_QUOTE, "visibility": "team"},
        ],
    }
    (root / "journal" / f"{ENTRY}.yaml").write_text(
        yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (root / "insights").mkdir()
    insight = {
        "id": "solange-se-perd",
        "title": "Solange Vermeersch se perd",
        "statement": "Comme **Solange**, [x](javascript:alert(1)).",
        "evidence": [{"entry": ENTRY, "quote": 1}],
        "tags": ["SolangeV"],
    }
    (root / "insights" / "solange-se-perd.yaml").write_text(
        yaml.safe_dump(insight, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return root


def scanner() -> LeakScanner:
    return LeakScanner([PROTECTED], KEPT)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- exports: privacy and injection -------------------------------------------------------------


@pytest.fixture
def exported(tmp_path: Path) -> dict[str, list[Path]]:
    root = hostile(tmp_path)
    return {
        fmt: export(root, fmt, out=tmp_path / "out" / fmt).written
        for fmt in ("qdpx", "iramuteq", "csv")
    }


def test_no_export_names_the_protected_person_or_the_team(
    exported: dict[str, list[Path]],
) -> None:
    found = [f for paths in exported.values() for p in paths for f in scanner().path(p, str(p))]
    assert found == []
    for paths in exported.values():
        for path in paths:
            data = path.read_bytes()
            texts = members(data).values() if zipfile.is_zipfile(path) else [data]
            for text in texts:
                assert TEAM_QUOTE.encode() not in text, path
                assert CANARY.encode() not in text, path


def test_the_qdpx_holds_no_name_in_its_zip_names_nor_its_xml(
    exported: dict[str, list[Path]],
) -> None:
    (path,) = exported["qdpx"]
    files = members(path.read_bytes())
    for name in files:  # sources/<guid>.txt only: no name of the residency in the zip
        assert name == "project.qde" or re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", name), name
    qde = files["project.qde"].decode("utf-8")
    assert scanner().text(qde, "project.qde") == []
    # U+FFFE is no XML character: dropped from the project, kept in the source text, whose
    # offsets are counted in code points (the characters outside the BMP are one each).
    assert "\ufffe" not in qde
    from xml.etree import ElementTree as ET

    root = ET.fromstring(files["project.qde"])
    ns = "{urn:QDA-XML:project:1.0}"
    for source in root.iter(f"{ns}TextSource"):
        text = files[f"sources/{source.get('plainTextPath', '').split('//')[-1]}"].decode()
        for selection in source.iter(f"{ns}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start <= end <= len(text)
    quotes = [
        files[f"sources/{s.get('plainTextPath', '').split('//')[-1]}"].decode()
        for s in root.iter(f"{ns}TextSource")
        if "Personne A" in (s.get("name") or "")
    ]
    assert quotes and "@SUM(1+1) je suis 😕 𝔘𝔫𝔦" in quotes[0]


def test_the_corpus_has_no_line_iramuteq_would_read_as_its_own(
    exported: dict[str, list[Path]],
) -> None:
    (path,) = exported["iramuteq"]
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():  # splitlines: also at U+2028, as a reader of lines
        if line.startswith("****"):
            assert re.fullmatch(r"\*\*\*\* (\*[a-z]+_[a-z0-9]+ ?)+", line), line
        else:
            assert "*" not in line and not line.startswith(("-*", "$")), line
    assert "\ufeff" not in text and "\r" not in text


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "  =1",
        "\n=1",
        "\ufeff=1",  # a byte-order mark first
        "\u200b=1",  # a zero-width space first
        "\u00a0=1",  # a no-break space first
        "＝1+1",  # full-width equals sign
        "＋1",
        "－1",
        "＠SUM(A1)",
        "\u2212 1",  # minus sign
    ],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["1-2", "abc", " a = 1", "Été", "a\n=1", "", "'=1"])
def test_a_cell_no_spreadsheet_runs_is_kept(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_the_tables_run_nothing_and_read_back(exported: dict[str, list[Path]]) -> None:
    import csv

    for path in exported["csv"]:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        for row in rows[1:]:
            for cell in row:
                assert not re.match(r"[\s\ufeff\u200b]*[=+\-@＝＋－＠]", cell) or (
                    cell.startswith("'") or re.fullmatch(r"-?\d+", cell)
                ), (path.name, cell)


def test_iramuteq_text_work_is_linear_in_a_long_word() -> None:
    """A word of letters with no hyphen was read again from each of its letters by the
    French pronoun pattern: quadratic (an 80,000-letter word took 35 s)."""
    small = cpu_per_call(lambda t: clean(t, "fr"), "a" * 8_000)
    large = cpu_per_call(lambda t: clean(t, "fr"), "a" * 8_000 * GROWTH)
    assert large / small <= MOST, f"{large / small:.0f} times the CPU time for {GROWTH}x"
    assert clean("disent-ils rendez-vous a-t-il peut-être", "fr") == (
        "disent ils rendez_vous a t il peut_être"
    )


def test_line_separators_never_split_a_text_of_the_corpus() -> None:
    assert "\u2028" not in clean("avant\u2028**** *x après\u2029fin", "fr")
    assert clean("avant\u2028-* x", "fr") == "avant x"


def test_exports_of_an_empty_or_team_only_journal(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    for path in (root / "journal").iterdir():
        text = re.sub(r"(?m)^visibility:.*\n", "", path.read_text(encoding="utf-8"))
        path.write_text("visibility: team\n" + text, "utf-8")
    for fmt in ("qdpx", "iramuteq", "csv"):
        done = export(root, fmt, out=tmp_path / fmt)
        assert done.entries == 0
    residency, _problems = load_residency(root)
    assert make_corpus(select_edition(residency, "public")).texts == 0
    assert (tmp_path / "iramuteq").read_text(encoding="utf-8") == ""
    from xml.etree import ElementTree as ET

    qde = members((tmp_path / "qdpx").read_bytes())["project.qde"]
    assert ET.fromstring(qde).find("{urn:QDA-XML:project:1.0}Sources") is None


# -- exports: where they write ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "out"),
    [
        ("qdpx", "actors.yaml"),
        ("iramuteq", "residence.yaml"),
        ("iramuteq", "journal"),  # a folder: the corpus would land among the entries
        ("qdpx", "."),
        ("csv", "journal/tables"),
        ("csv", "."),
        ("qdpx", "media/../actors.yaml"),
    ],
)
def test_an_export_never_writes_among_the_residencys_files(
    tmp_path: Path, fmt: str, out: str
) -> None:
    root = copy_project("minimal", tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["export", fmt, str(root), "--out", str(root / out)])
    assert result.exit_code == 2, result.output
    assert "inside the residency folder" in result.stderr
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before


def test_an_export_into_build_or_elsewhere_is_fine(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    for fmt, out in (("qdpx", root / "_build" / "x.qdpx"), ("csv", tmp_path / "tables")):
        result = CliRunner().invoke(app, ["export", fmt, str(root), "--out", str(out)])
        assert result.exit_code == 0, result.output


def test_the_refusal_speaks_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project("minimal", tmp_path)
    monkeypatch.setenv("RESIDENCE_LANG", "fr")
    result = CliRunner().invoke(app, ["export", "qdpx", str(root), "--out", str(root)])
    assert result.exit_code == 2
    assert "est dans le dossier de la résidence" in result.stderr


R = "{W}/minimal"
EXPORTS = [
    Command("export qdpx", ("export", "qdpx", R, "--out", "{W}/out/minimal.qdpx")),
    Command("export iramuteq", ("export", "iramuteq", R)),
    Command("export csv", ("export", "csv", R, "--out", "{W}/out/csv")),
]
_CLEAN_EXPORTS: dict[str, Outcome] = {}


def _clean_run(command: Command, template: Path, factory: pytest.TempPathFactory) -> Outcome:
    if command.name not in _CLEAN_EXPORTS:
        _CLEAN_EXPORTS[command.name] = run(command, template, factory.mktemp("clean"))
    return _CLEAN_EXPORTS[command.name]


@pytest.mark.parametrize("command", [pytest.param(c, id=c.name) for c in EXPORTS])
@pytest.mark.parametrize("fault", ["readonly", "nospace-first", "nospace-last"])
def test_an_export_on_a_full_disk_or_a_read_only_folder(
    command: Command,
    fault: str,
    template: Path,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    clean_run = _clean_run(command, template, tmp_path_factory)
    no_traceback(clean_run)
    assert clean_run.code == 0, clean_run.stderr
    if fault == "readonly":
        out = run(command, template, tmp_path, fault="readonly")
        check_a_failed_write(command, out, clean_run, "readonly")
        return
    events = len(clean_run.injector.events)
    at = 1 if fault == "nospace-first" else events
    out = run(command, template, tmp_path, fault="nospace", at=at)
    check_a_failed_write(command, out, clean_run, "nospace")


# -- office documents -------------------------------------------------------------------------


def test_the_office_documents_hold_nothing_hostile(tmp_path: Path) -> None:
    from test_office import office_of

    root = hostile(tmp_path)
    _report, office = office_of(root)
    for to, data in office.documents.items():
        assert scanner().data(data, f"report.{to}") == [], to
        for name, content in members(data).items():
            text = content.decode("utf-8", "replace")
            assert CANARY not in text and "root:x:0:0" not in text, (to, name)
            assert TEAM_QUOTE not in text, (to, name)
            assert PROTECTED.split()[0] not in name and "olange" not in name, (to, name)
            # raw blocks are text, never markup of the document
            assert "<w:t>RAW-OPENXML</w:t>" not in text and "<text:p>RAW-ODF" not in text
            # the body's HTML is text of the document; no attribute leads anywhere hostile
            assert not re.search(r'="\s*(?:javascript|file|data|vbscript):', text), (to, name)
            if name.endswith(".rels"):  # an external target is a web page, nothing else
                for target in re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', text):
                    assert target.startswith(("https://", "http://", "mailto:")), target
            assert "r:link=" not in text, (to, name)  # a picture linked, not inside
            for href in re.findall(r'xlink:href="([^"]*)"', text):
                assert href.startswith(("Pictures/", "https://", "http://", "mailto:", "#")), href


# -- serve --------------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path, list[Built]]]:
    folder = hostile(tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as preview:
        preview.start(watch=False)
        yield preview.port, folder, builds


def raw(port: int, request: bytes, timeout: float = 10) -> bytes:
    """Send bytes, return all the answer (until the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


LOCAL = b"Host: localhost\r\nConnection: close\r\n"


@pytest.mark.parametrize(
    ("request_line", "expected"),
    [
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1", 414),
        (b"GET /../../etc/passwd HTTP/1.1", 404),
        (b"GET //etc/passwd HTTP/1.1", 404),
        (b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1", 404),
        (b"GET /assets/%2e%2e/%2e%2e/actors.yaml HTTP/1.1", 404),
        (b"GET /actors.yaml HTTP/1.1", 404),
        (b"GET /private/consent.yaml HTTP/1.1", 404),
        (b"GET http://evil/assets/../../etc/passwd HTTP/1.1", 404),
        (b"GET /assets/%00 HTTP/1.1", 404),
        (b"GET /assets/\xff\xfe HTTP/1.1", 404),
        (b"POST / HTTP/1.1", 405),
        (b"PUT /report.html HTTP/1.1", 405),
        (b"DELETE / HTTP/1.1", 405),
        (b"OPTIONS * HTTP/1.1", 405),
        (b"HEAD / HTTP/1.1", 200),
    ],
)
def test_requests_nobody_sends(
    served: tuple[int, Path, list[Built]], request_line: bytes, expected: int
) -> None:
    port, _folder, _builds = served
    answer = raw(port, request_line + b"\r\n" + LOCAL + b"Content-Length: 0\r\n\r\n")
    assert status(answer) == expected, answer[:200]
    assert b"root:x:0" not in answer and b"consents:" not in answer
    if expected == 405:
        assert b"\r\nAllow: GET, HEAD\r\n" in answer
        assert b"X-Content-Type-Options: nosniff" in answer


def test_ten_thousand_headers_and_other_hosts(served: tuple[int, Path, list[Built]]) -> None:
    port, _folder, _builds = served
    many = b"".join(b"X-%d: y\r\n" % i for i in range(10_000))
    assert status(raw(port, b"GET / HTTP/1.1\r\n" + many + LOCAL + b"\r\n")) == 431
    for host in (b"evil.com", b"localhost.evil.com", b"127.0.0.1.nip.io"):
        request = b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
        assert status(raw(port, request)) == 403, host
    two = b"GET / HTTP/1.1\r\nHost: evil.com\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    assert status(raw(port, two)) == 403
    assert status(raw(port, b"GET / HTTP/1.0\r\n\r\n")) == 403  # no Host at all


def test_the_served_page_names_no_protected_person(
    served: tuple[int, Path, list[Built]],
) -> None:
    port, _folder, _builds = served
    page = raw(port, b"GET / HTTP/1.1\r\n" + LOCAL + b"\r\n")
    assert status(page) == 200
    assert scanner().text(page.decode("utf-8"), "page") == []
    assert TEAM_QUOTE.encode() not in page and CANARY.encode() not in page
    assert b"<script>alert" not in page


def test_slow_and_many_connections_do_not_block_the_others(
    served: tuple[int, Path, list[Built]],
) -> None:
    port, _folder, _builds = served
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
    events = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    try:
        for sock in slow:  # half a request line, never ended (slowloris)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: local")
        for sock in events:
            sock.sendall(b"GET /__residence/events HTTP/1.1\r\n" + LOCAL + b"\r\n")
        assert status(raw(port, b"GET / HTTP/1.1\r\n" + LOCAL + b"\r\n", timeout=20)) == 200
    finally:
        for sock in slow + events:
            sock.close()


def _until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _page(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/", headers={"Host": "localhost"})
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


@pytest.mark.slow
def test_a_folder_removed_then_put_back_is_watched_again(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as preview:
        preview.start()
        port = preview.port
        keep = tmp_path / "kept"
        shutil.copytree(folder, keep)
        shutil.rmtree(folder)
        assert _until(lambda: builds[-1].report is False), [b.problems for b in builds]
        assert "residence.yaml" in _page(port)
        shutil.copytree(keep, folder)
        assert _until(lambda: builds[-1].report is True), [b.problems for b in builds]
        # and the saves after it are seen
        entry = folder / "journal" / "2025-03-03-premier-jour.yaml"
        entry.write_text(
            entry.read_text(encoding="utf-8").replace("Premier jour", "Retour du dossier"),
            encoding="utf-8",
        )
        assert _until(lambda: "Retour du dossier" in _page(port)), "the save was not seen"


@pytest.mark.slow
def test_a_storm_of_saves_ends_on_the_last_state(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as preview:
        preview.start()
        port = preview.port
        for i in range(500):
            day = 3 + i % 3
            (folder / "journal" / f"2025-03-0{day}-orage-{i}.yaml").write_text(
                f"date: 2025-03-0{day}\ntitle: Orage {i}\nkind: observation\n"
                f"authors: [claire]\nbody: Note {i}.\n",
                encoding="utf-8",
            )
        assert _until(lambda: _page(port).count("Orage ") >= 500), len(builds)
        assert len(builds) < 50  # grouped, not one build per file
        assert all(not any(p.code == "serve" for p in b.problems) for b in builds)


def test_a_file_removed_while_served_is_not_found(
    served: tuple[int, Path, list[Built]],
) -> None:
    port, folder, _builds = served
    page = _page(port)
    hrefs = re.findall(r'(?:href|src)="(assets/[^"]+)"', page)
    assert hrefs
    cache = folder / ".residence"
    if cache.exists():
        shutil.rmtree(cache)  # the cached photos the page links to, gone
    for href in hrefs:
        answer = raw(port, f"GET /{href} HTTP/1.1\r\n".encode() + LOCAL + b"\r\n")
        assert status(answer) in (200, 404), href

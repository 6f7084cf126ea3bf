"""The HTML report under attack: hostile text and media, the editions seen in the output files,
and an invalid residency (nothing written).

Text a team writes (titles, captions, quotes, actor names, method steps…) may hold HTML or
links copied from anywhere; media entries may point out of the folder. The report must carry
no script, no event handler, no dangerous link, and read or copy nothing outside the folder.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from conftest import copy_project
from residence.check import check_residency
from residence.errors import has_errors
from residence.gate import find_leaks, kept_names, protected_names, select_edition
from residence.load import load_residency
from residence.render.html import render_html, write_report

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
TEAM_BAND = "Document interne — ne pas diffuser"

#: What a hostile team member (or a pasted web page) may write in any text field.
ATTACKS = [
    '<script>alert("script")</script>',
    '<img src="x.png" onerror="alert(\'onerror\')">',
    '<a href="javascript:alert(1)">clic</a> [lien](javascript:alert(2))',
    "[passwd](file:///etc/passwd) ![passwd](file:///etc/passwd)",
    '<img src="file:///etc/passwd" alt="x">',
    '<a rel="attachment" href="media/hall.svg">pièce jointe</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<form action="https://evil.example/"><input name="q"><button>ok</button></form>',
    '<svg onload="alert(\'svg\')"><circle r="1"/></svg>',
    '<a href="../secret.jpg">secret</a> ![secret](../secret.jpg)',
    '<object data="x.swf"></object><embed src="x.swf"><style>body{display:none}</style>',
]
HOSTILE = " ".join(ATTACKS)
#: Element names that must never reach the report.
FORBIDDEN_TAGS = {
    "iframe",
    "form",
    "input",
    "button",
    "object",
    "embed",
    "frame",
    "frameset",
    "base",
    "applet",
    "textarea",
    "select",
}
#: A hostile SVG drawing in media/: scripts, handlers, links out, foreign HTML.
EVIL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100" height="50" viewBox="0 0 100 50" onload="alert('svg-onload')">
  <script>alert('svg-script')</script>
  <rect width="100" height="50" fill="#eee" onclick="alert('svg-click')"/>
  <a xlink:href="javascript:alert('svg-link')"><text x="5" y="20">clic</text></a>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="../secret.jpg" width="10" height="10"/>
  <foreignObject width="10" height="10"><iframe src="https://evil.example/"></iframe></foreignObject>
  <set attributeName="href" to="javascript:alert('svg-set')"/>
</svg>
"""


# -- reading the output -----------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its scripts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, [(k, v or "") for k, v in attrs]))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, [(k, v or "") for k, v in attrs]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def assert_harmless(html: str, where: str) -> None:
    """Fail if a page (or SVG) holds a script, a handler, a dangerous link or a foreign frame."""
    page = Elements(html)
    for tag, attrs in page.elements:
        name = tag.split(":")[-1]
        assert name not in FORBIDDEN_TAGS, f"{where}: <{tag}> {attrs}"
        if name == "script":
            assert dict(attrs).get("type") == "application/ld+json", f"{where}: <script {attrs}>"
        assert name not in {"foreignobject", "set", "animate"} or not any(
            "href" in v.lower() for _, v in attrs
        ), f"{where}: <{tag} {attrs}>"
        for key, value in attrs:
            assert not key.lower().startswith("on"), f"{where}: <{tag} {key}={value!r}>"
            flat = "".join(value.split()).lower()
            if key.lower() in {
                "href",
                "src",
                "xlink:href",
                "action",
                "data",
                "srcset",
                "poster",
                "formaction",
                "to",
                "values",
                "from",
                "by",
            }:
                assert not flat.startswith(
                    ("javascript:", "file:", "data:text/html", "vbscript:")
                ), f"{where}: <{tag} {key}={value!r}>"
                assert "../" not in flat and "/etc/passwd" not in flat, (
                    f"{where}: <{tag} {key}={value!r}>"
                )
            if key.lower() == "rel":
                assert "attachment" not in value.lower(), f"{where}: <{tag} rel={value!r}>"
    for script in page.scripts:  # JSON-LD only, with no way to close the element
        json.loads(script)
        assert "<" not in script, f"{where}: '<' in a script element"
    # The attacks may show as text (escaped, inert): never inside the markup itself.
    # (attribute values, escaped, were checked above as values).
    markup = re.sub(r'"[^"]*"', '""', "".join(re.findall(r"<[^>]*>", html))).lower()
    for raw in (
        "<script>",
        "<iframe",
        "<form",
        "<svg onload",
        "<object",
        "<embed",
        "onerror=",
        "onload=",
        "javascript:",
        "file:",
        'rel="attachment"',
        "../secret",
        "/etc/",
    ):
        assert raw not in markup, f"{where}: {raw!r} in the markup"


def text_assets(out: Path) -> Iterator[tuple[str, str]]:
    """Yield (name, text) for every text file of OUT/assets."""
    for path in sorted((out / "assets").rglob("*")):
        if path.is_file() and path.suffix in {".svg", ".css", ".txt", ".html", ".js", ".json"}:
            yield path.relative_to(out).as_posix(), path.read_text(encoding="utf-8")


# -- watching what is read --------------------------------------------------------------------

_opened: list[str] | None = None
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event in {"open", "os.listdir", "os.scandir"} and args:
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)):
            _opened.append(os.path.realpath(os.fsdecode(path)))


@contextmanager
def recording_opens() -> Iterator[list[str]]:
    """Record the real path of every file opened (and folder listed) inside the block."""
    global _opened, _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # an audit hook cannot be removed: it records only when asked
        _hooked = True
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def _outside(paths: list[str], root: Path, base: Path) -> list[str]:
    """Return the paths under base (the test's folder) or /etc that are not in root."""
    root, base = root.resolve(), base.resolve()
    found = []
    for name in paths:
        path = Path(name)
        if path.is_relative_to(root):
            continue
        if path.is_relative_to(base) or path.is_relative_to("/etc"):
            found.append(name)
    return found


# -- building the residencies ----------------------------------------------------------------


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _jpeg(path: Path, colour: tuple[int, int, int]) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def make_hostile(tmp_path: Path) -> Path:
    """Return a valid residency whose every kind of text holds HTML and link attacks."""
    root = copy_project("minimal", tmp_path)
    config = _load(root / "residence.yaml")
    config["title"] = f"Mairie {HOSTILE}"
    config["question"] = HOSTILE
    config["site"] = f"Mairie annexe {ATTACKS[0]}"
    config["partners"] = [HOSTILE]
    config["team"][0]["discipline"] = HOSTILE
    config["follow_ups"][0]["observations"] = HOSTILE
    _dump(root / "residence.yaml", config)

    actors = _load(root / "actors.yaml")
    actors["actors"][0]["name"] = f"Mairie {ATTACKS[0]} {ATTACKS[8]}"
    actors["actors"][0]["description"] = HOSTILE
    actors["actors"][0]["stakes"] = [HOSTILE]
    actors["actors"][1]["name"] = f"Agents {ATTACKS[1]}"
    actors["relations"][0]["note"] = HOSTILE
    _dump(root / "actors.yaml", actors)

    (root / "media" / "evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    _jpeg(root / "media" / "photo.jpg", (200, 120, 40))
    entry = _load(root / "journal" / "2025-03-03-premier-jour.yaml")
    entry["title"] = f"Premier jour {ATTACKS[0]}"
    entry["place"] = HOSTILE
    entry["body"] = HOSTILE + "\n\n" + "\n\n".join(ATTACKS) + "\n"
    entry["tags"] = ["accueil", ATTACKS[6]]
    entry["media"] = [
        {"file": "media/hall.svg", "caption": HOSTILE, "alt": HOSTILE, "credit": HOSTILE},
        {"file": "media/evil.svg", "caption": ATTACKS[8], "alt": "Un dessin piégé"},
        {"file": "media/photo.jpg", "caption": ATTACKS[2], "alt": ATTACKS[1], "credit": ATTACKS[3]},
    ]
    _dump(root / "journal" / "2025-03-03-premier-jour.yaml", entry)
    interview = _load(root / "journal" / "2025-03-04-entretien-jeanne.yaml")
    interview["quotes"][0]["text"] = HOSTILE
    _dump(root / "journal" / "2025-03-04-entretien-jeanne.yaml", interview)

    method = _load(root / "methods" / "entretien-guichet.yaml")
    method["title"] = f"L'entretien {ATTACKS[6]}"
    method["steps"] = list(ATTACKS)
    method["tips"] = [HOSTILE]
    method["summary"] = HOSTILE
    _dump(root / "methods" / "entretien-guichet.yaml", method)

    proto = _load(root / "prototypes" / "panneau-orientation.yaml")
    proto["title"] = f"Un panneau {ATTACKS[7]}"
    proto["hypothesis"] = HOSTILE
    proto["tests"][0]["observations"] = HOSTILE
    proto["tests"][0]["learnings"] = HOSTILE
    proto["handover"]["conditions"] = HOSTILE
    _dump(root / "prototypes" / "panneau-orientation.yaml", proto)

    scenario = _load(root / "scenarios" / "premier-rendez-vous.yaml")
    scenario["today"] = HOSTILE
    scenario["steps"] = list(ATTACKS)
    _dump(root / "scenarios" / "premier-rendez-vous.yaml", scenario)
    return root


def _render(root: Path, out: Path, edition: str = "public") -> tuple[Path, list[str]]:
    residency, problems = load_residency(root)
    problems += check_residency(residency)
    assert not has_errors(problems), [str(p) for p in problems]
    with recording_opens() as opened:
        report = render_html(select_edition(residency, edition))
    return write_report(report, out), list(opened)


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "residence", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- hostile text ----------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["public", "team"])
def test_render_hostile_text_gives_harmless_html(tmp_path: Path, edition: str) -> None:
    root = make_hostile(tmp_path)
    out = tmp_path / "out"
    page, opened = _render(root, out, edition)
    html = page.read_text(encoding="utf-8")
    assert "Premier jour" in html and "assets/media/photo-" in html  # the entry is there
    assert_harmless(html, "report.html")
    for name, text in text_assets(out):
        assert_harmless(text, name)
    for svg in (out / "assets" / "media").glob("evil-*"):  # refused, or published cleaned
        drawing = svg.read_text(encoding="utf-8").lower()
        for raw in (
            "script",
            "onload",
            "onclick",
            "javascript:",
            "foreignobject",
            "passwd",
            "secret",
            "<set",
        ):
            assert raw not in drawing, raw
    assert _outside(opened, root, tmp_path) == []


# -- hostile media paths ------------------------------------------------------------------------


def make_media_escape(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Return a residency whose media point out of it, and the outside files they aim at."""
    root = copy_project("minimal", tmp_path / "in")
    secret = tmp_path / "in" / "secret.jpg"  # ../secret.jpg, seen from the residency
    _jpeg(secret, (10, 200, 10))
    elsewhere = tmp_path / "elsewhere" / "photo.jpg"
    elsewhere.parent.mkdir()
    _jpeg(elsewhere, (200, 10, 10))
    try:
        (root / "media" / "link.jpg").symlink_to(elsewhere)
        (root / "media" / "up").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    except OSError:  # pragma: no cover - Windows without the privilege
        pytest.skip("symbolic links are not available here")
    entry = _load(root / "journal" / "2025-03-03-premier-jour.yaml")
    entry["media"] += [
        {"file": "../secret.jpg", "alt": "secret"},
        {"file": "media/../../secret.jpg", "alt": "secret"},
        {"file": "/etc/passwd", "alt": "passwd"},
        {"file": str(secret), "alt": "secret, absolute"},
        {"file": "file:///etc/passwd", "alt": "passwd"},
        {"file": "media/link.jpg", "alt": "a link out"},
        {"file": "media/up/photo.jpg", "alt": "a folder link out"},
    ]
    _dump(root / "journal" / "2025-03-03-premier-jour.yaml", entry)
    return root, [secret, elsewhere, Path("/etc/passwd")]


def test_render_media_outside_the_folder_is_refused(tmp_path: Path) -> None:
    root, _ = make_media_escape(tmp_path)
    out = tmp_path / "out"
    run = _cli("render", root, "--to", "html", "--out", out)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    for needle in ("../secret.jpg", "/etc/passwd", "media/link.jpg", "media/up/photo.jpg"):
        assert needle in run.stderr, needle
    assert "journal/2025-03-03-premier-jour.yaml:" in run.stderr
    assert not out.exists()
    assert not (root / "_build").exists()


@pytest.mark.parametrize("edition", ["public", "team"])
def test_render_media_outside_is_never_read_even_unchecked(tmp_path: Path, edition: str) -> None:
    """The renderer refuses outside files by itself, should a caller skip the check."""
    root, outside = make_media_escape(tmp_path)
    residency, _ = load_residency(root)
    out = tmp_path / "out"
    with recording_opens() as opened:
        report = render_html(select_edition(residency, edition))
    write_report(report, out)
    read = [Path(p) for p in opened]
    assert (root / "media" / "hall.svg").resolve() in read  # the recording works
    for target in outside:
        assert target.resolve() not in read, f"{target} was read"
    assert _outside(opened, root, tmp_path) == []
    html = (out / "report.html").read_text(encoding="utf-8")
    assert_harmless(html, "report.html")
    assert "media/hall.svg" not in html  # published under assets/, never from the source
    media = sorted(p.name for p in (out / "assets" / "media").iterdir())
    assert len(media) == 1 and media[0].startswith("hall-"), media
    colours = set()
    for path in (out / "assets").rglob("*.jpg"):
        with Image.open(path) as image:
            colours.add(image.convert("RGB").getpixel((5, 5)))
    assert colours == set()  # neither the green secret nor the red photo was copied


# -- the editions, in the output files --------------------------------------------------------


@pytest.fixture(scope="module")
def example_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Render the example's public and team editions once; with what the gate protects."""
    base = tmp_path_factory.mktemp("editions")
    root = base / "lycee-jean-moulin"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".residence", "_build"))
    residency, problems = load_residency(root)
    assert not has_errors(problems + check_residency(residency))
    outs = {}
    for edition in ("public", "team"):
        outs[edition] = base / edition
        write_report(render_html(select_edition(residency, edition)), outs[edition])
    protected_people = {a.id for a in residency.actors if a.personal} - {
        c.actor for c in residency.consents if c.scope == "public"
    }
    return {
        "residency": residency,
        "out": outs,
        "protected": protected_names(residency),
        "kept": kept_names(residency),
        "protected_photos": sorted(
            {
                Path(m.file).stem
                for entry in residency.entries
                for m in entry.media
                if set(m.people) & protected_people
            }
        ),
        "team_entries": [e.title for e in residency.entries if e.visibility == "team"],
        "team_quotes": [
            q.text for e in residency.entries for q in e.quotes if q.visibility == "team"
        ],
    }


def test_render_public_edition_leaks_no_protected_name(example_renders: dict[str, Any]) -> None:
    names, kept = example_renders["protected"], example_renders["kept"]
    assert names, "the example has a person without public consent"
    out = example_renders["out"]["public"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert find_leaks(html, names, kept) == []
    checked = 0
    for name, text in text_assets(out):
        assert find_leaks(text, names, kept) == [], name
        checked += 1
    assert checked >= 2  # the actor map and the style sheet at least
    team = (example_renders["out"]["team"] / "report.html").read_text(encoding="utf-8")
    assert find_leaks(team, names, kept), "the team edition keeps the real names"


def test_render_public_edition_shows_no_photo_of_a_protected_person(
    example_renders: dict[str, Any],
) -> None:
    stems = example_renders["protected_photos"]
    assert stems, "the example has a photo of a person without public consent"
    public = [p.name for p in (example_renders["out"]["public"] / "assets").rglob("*")]
    team = [p.name for p in (example_renders["out"]["team"] / "assets").rglob("*")]
    html = (example_renders["out"]["public"] / "report.html").read_text(encoding="utf-8")
    for stem in stems:
        assert not any(name.startswith(f"{stem}-") for name in public), stem
        assert stem not in html
        assert any(name.startswith(f"{stem}-") for name in team), stem


def test_render_public_edition_drops_team_only_items(example_renders: dict[str, Any]) -> None:
    titles, quotes = example_renders["team_entries"], example_renders["team_quotes"]
    assert titles, "the example has a team-only entry"
    public = (example_renders["out"]["public"] / "report.html").read_text(encoding="utf-8")
    team = (example_renders["out"]["team"] / "report.html").read_text(encoding="utf-8")
    for text in [*titles, *quotes]:
        fragment = text[:60]
        escaped = fragment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert fragment not in public and escaped not in public, text
    for title in titles:
        assert title.split(",")[0] in team, title


def test_render_team_edition_is_marked_internal(example_renders: dict[str, Any]) -> None:
    team = (example_renders["out"]["team"] / "report.html").read_text(encoding="utf-8")
    public = (example_renders["out"]["public"] / "report.html").read_text(encoding="utf-8")
    assert TEAM_BAND in team
    assert TEAM_BAND not in public


# -- an invalid residency ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["broken-dangling-relation", "broken-malformed-yaml"])
def test_render_invalid_residency_writes_nothing(tmp_path: Path, name: str) -> None:
    root = copy_project(name, tmp_path)
    expected = (Path(__file__).parent / "projects" / name / "expected.txt").read_text(
        encoding="utf-8"
    )
    out = tmp_path / "out"
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    run = _cli("render", root, "--to", "html,pdf", "--out", out)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    for line in expected.splitlines():
        if line.strip():
            assert line.split(": ", 1)[0] in run.stderr, line  # path:line:column
    assert "nothing was rendered" in run.stderr
    assert run.stdout == ""
    assert not out.exists()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before

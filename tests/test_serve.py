# SPDX-License-Identifier: EUPL-1.2
"""`residence serve`: the residency kept loaded, the preview's server, its pages, and the
command line (port taken, Ctrl-C); a real browser follows the saves (``browser`` mark).

The servers run on port 0 (any free port) on 127.0.0.1, in this process (a thread) or as
the installed command. Nothing here is timed: waits poll, with generous limits.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_project
from leakscan import LeakScanner
from residence import serve as serve_package
from residence.errors import Problem, ResidenceError
from residence.i18n import current_language, set_language
from residence.load import load_residency
from residence.models import Model, Residency
from residence.models.residency import source_of
from residence.serve import Built, Preview, open_preview
from residence.serve import live as live_module
from residence.serve.http import Guard, asset_name, inside, is_loopback, local_only
from residence.serve.live import LiveResidency, read_by_loader
from residence.serve.pages import (
    EVENTS_PATH,
    LIVE_PATH,
    error_page,
    forbidden_page,
    with_live_script,
)
from residence.serve.watch import relative

ROOT = Path(__file__).parent.parent
NODE_MODULES = ROOT / "node_modules"
SERVE_SCRIPT = Path(__file__).parent / "a11y" / "serve.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ENTRY = "journal/2025-03-03-premier-jour.yaml"
#: How long a wait may last before a test gives up (a loaded machine is slow, never this slow).
PATIENCE = 120.0


def _edit(folder: Path, rel: str, old: str, new: str) -> None:
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} does not hold {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the residency kept loaded -------------------------------------------------------------


def _dump(value: Any) -> Any:
    if isinstance(value, Model):
        return (source_of(value), value.model_dump(mode="json"))
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _state(residency: Residency, problems: list[Problem]) -> dict[str, Any]:
    """Everything a full load makes, in a form to compare (the nodes by their files)."""
    state: dict[str, Any] = {"problems": [str(p) for p in problems]}
    for f in dataclasses.fields(Residency):
        value = getattr(residency, f.name)
        state[f.name] = sorted(value) if f.name == "nodes" else _dump(value)
    return state


def _same_as_full_load(live: LiveResidency) -> None:
    assert _state(live.residency, live.problems) == _state(*load_residency(live.root))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Count the files the live residency reads alone, and its whole loads."""
    calls: dict[str, list[str]] = {"file": [], "whole": []}
    read_file, read_all = live_module.load_file, live_module.load_residency

    def load_file(root: Path, rel: str, model: type[Model]) -> Any:
        calls["file"].append(rel)
        return read_file(root, rel, model)

    def load_whole(folder: Path) -> Any:
        calls["whole"].append(str(folder))
        return read_all(folder)

    monkeypatch.setattr(live_module, "load_file", load_file)
    monkeypatch.setattr(live_module, "load_residency", load_whole)
    return calls


def test_live_reads_a_changed_entry_alone(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    folder = copy_project("minimal", tmp_path)
    live = LiveResidency(folder)
    assert live.whole_loads == 1 and len(counted["whole"]) == 1
    _edit(folder, ENTRY, "Nous passons la matinée", "Nous passons toute la matinée")
    reload = live.update({ENTRY})
    assert reload.files == [ENTRY] and not reload.whole
    assert counted["file"] == [ENTRY] and len(counted["whole"]) == 1
    entry = next(e for e in live.residency.entries if source_of(e) == ENTRY)
    assert "toute la matinée" in entry.body
    _same_as_full_load(live)


def test_live_update_is_what_a_full_load_makes(
    tmp_path: Path, counted: dict[str, list[str]]
) -> None:
    folder = copy_project("minimal", tmp_path)
    live = LiveResidency(folder)
    proto = "prototypes/panneau-orientation.yaml"
    steps: list[tuple[Callable[[], object], set[str], bool]] = [
        # (what changes, the paths the watcher gives, whether the whole folder loads again)
        (lambda: _edit(folder, ENTRY, "2025-03-03", "2025-04-09"), {ENTRY}, False),  # moves
        (lambda: _edit(folder, ENTRY, "title:", "\ttitle:"), {ENTRY}, False),  # not YAML
        (lambda: _edit(folder, ENTRY, "\ttitle:", "title:"), {ENTRY}, False),
        (lambda: _edit(folder, ENTRY, "kind: observation", "kind: rumination"), {ENTRY}, False),
        (lambda: _edit(folder, ENTRY, "kind: rumination", "kind: observation"), {ENTRY}, False),
        (lambda: _edit(folder, ENTRY, "actors: [mairie", "actors: [nobody"), {ENTRY}, False),
        (lambda: _edit(folder, proto, "stage: adopted", "stage: live-test"), {proto}, False),
        (lambda: _edit(folder, "actors.yaml", "Agents d'accueil", "Agents"), {"actors.yaml"}, True),
        (
            lambda: shutil.copy(folder / ENTRY, folder / "journal/2025-03-05-copie.yaml"),
            {"journal/2025-03-05-copie.yaml"},
            True,
        ),
        (lambda: (folder / ENTRY).unlink(), {ENTRY}, True),
        (lambda: (folder / "journal/notes.txt").write_text("x"), {"journal/notes.txt"}, True),
    ]
    for change, paths, whole in steps:
        before = len(counted["whole"])
        change()
        reload = live.update(paths)
        assert reload.whole == whole
        assert len(counted["whole"]) == before + whole
        _same_as_full_load(live)
    assert any(p.code == "ignored-file" for p in live.problems)


def test_live_a_file_read_alone_keeps_its_problems_and_failures(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    live = LiveResidency(folder)
    _edit(folder, ENTRY, "title:", "\ttitle:")
    live.update({ENTRY})
    assert ENTRY in live.residency.failed
    assert [p.path for p in live.problems if p.severity == "error"] == [ENTRY]
    assert ENTRY not in [source_of(e) for e in live.residency.entries]
    _edit(folder, ENTRY, "\ttitle:", "title:")
    live.update({ENTRY})
    assert live.problems == [] and live.residency.failed == []
    _same_as_full_load(live)


def test_live_reads_any_folder_kind_alone(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    from residence.layout import FOLDERS

    example = ROOT / "examples" / "lycee-jean-moulin"
    folder = tmp_path / "example"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns(".residence", "_build"))
    live = LiveResidency(folder)
    for name, kind in FOLDERS.items():  # journal, prototypes, insights…: whatever the layout has
        files = sorted((folder / name).glob("*.yaml"))
        if not files:
            continue
        rel = files[0].relative_to(folder).as_posix()
        _edit(folder, rel, "\n", "\n# edited while serving\n")
        assert live.update({rel}).files == [rel], kind.name
        assert counted["file"][-1] == rel and len(counted["whole"]) == 1
    assert {"journal", "insights"} <= {f.split("/")[0] for f in counted["file"]}
    _same_as_full_load(live)


def test_live_what_the_loader_does_not_read_loads_nothing(
    tmp_path: Path, counted: dict[str, list[str]]
) -> None:
    folder = copy_project("minimal", tmp_path)
    live = LiveResidency(folder)
    reload = live.update({"media/hall.svg", "theme/extra.css", "README.md"})
    assert reload.files == [] and not reload.whole
    assert counted["file"] == [] and len(counted["whole"]) == 1


def test_live_a_link_loads_the_whole_folder(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    live = LiveResidency(folder)
    outside = tmp_path / "outside.yaml"
    shutil.copy(folder / ENTRY, outside)
    (folder / ENTRY).unlink()
    (folder / ENTRY).symlink_to(outside)
    assert live.update({ENTRY}).whole
    _same_as_full_load(live)
    assert any(p.code == "outside" for p in live.problems)


def test_read_by_loader_follows_the_layout() -> None:
    from residence.layout import FOLDERS, SINGLE_FILES

    for folder in FOLDERS:  # every folder kind, the ones added later too
        assert read_by_loader(f"{folder}/x.yaml")
        assert read_by_loader(f"{folder}/sub/x.yaml")
        assert read_by_loader(f"{folder}/notes.txt")  # the loader warns about it
    for stem in SINGLE_FILES:
        assert read_by_loader(f"{stem}.yaml") and read_by_loader(f"{stem}.yml")
    assert read_by_loader("consent-scopes.yaml")
    assert not read_by_loader("media/hall.jpg")
    assert not read_by_loader("theme/report.html.j2")
    assert not read_by_loader("README.md")


def test_watcher_passes_over_outputs_caches_and_editor_files(tmp_path: Path) -> None:
    root = tmp_path / "r"
    assert relative(root, str(root / "journal" / "a.yaml")) == "journal/a.yaml"
    assert relative(root, str(root / "media" / "p.jpg")) == "media/p.jpg"
    for ignored in (
        "_build/public/report.html",
        ".residence/cache/abc.jpg",
        ".git/index",
        "journal/.a.yaml.swp",
        "journal/a.yaml~",
        "journal/#a.yaml#",
        "journal/.#a.yaml",
    ):
        assert relative(root, str(root / ignored)) is None, ignored
    assert relative(root, str(root)) is None
    assert relative(root, str(tmp_path / "elsewhere.yaml")) is None


# -- pages ---------------------------------------------------------------------------------


def test_live_script_goes_into_the_page_served_only(tmp_path: Path) -> None:
    from residence.gate import select_edition
    from residence.render.html import render_html, write_report

    folder = copy_project("minimal", tmp_path)
    residency, _problems = load_residency(folder)
    report = render_html(select_edition(residency, "public"))
    written = write_report(report, tmp_path / "out").read_text(encoding="utf-8")
    assert "<script src" not in written and LIVE_PATH not in written  # render: no script
    served = with_live_script(report.html.encode(), 7).decode()
    tag = f'<script src="{LIVE_PATH}" data-build="7" defer></script>'
    assert served.count(LIVE_PATH) == 1
    assert served.index(tag) < served.rindex("</body>")
    assert served.replace(tag + "\n", "") == report.html
    assert with_live_script(b"<p>no body", 1).endswith(b'data-build="1" defer></script>\n')
    long = b"<body>" + b"x" * 200_000 + b"</BODY >" + b"y" * 100_000
    assert with_live_script(long, 2).index(b"<script") == len(b"<body>") + 200_000


def test_error_page_lists_problems_as_check_prints_them() -> None:
    problems = [
        Problem("journal/a.yaml", 3, 7, "error", "yaml", "this is not valid YAML: <b>bad</b>"),
        Problem("actors.yaml", None, None, "error", "dup", "two 'x'\u202e hidden"),
        Problem("journal/b.yaml", 2, 1, "warning", "w", "a warning"),
    ]
    page = error_page(problems, 4)
    assert f'<html lang="{current_language()}">' in page
    assert "<h1>The residency has 2 errors</h1>" in page
    assert "<h2>Errors</h2>" in page and "<h2>Warnings</h2>" in page
    assert page.index("<h1>") < page.index("<h2>Errors</h2>") < page.index("<h2>Warnings</h2>")
    assert "<code>journal/a.yaml:3:7</code>: error: this is not valid YAML: &lt;b&gt;bad" in page
    assert "<b>bad</b>" not in page
    assert "\u202e" not in page and "\\u202e" in page
    assert "<code>journal/b.yaml:2:1</code>: warning: a warning" in page
    assert f'<script src="{LIVE_PATH}" data-build="4" defer></script>' in page


def test_pages_speak_the_language_of_the_messages() -> None:
    before = current_language()
    try:
        set_language("fr")
        page = error_page([Problem("a.yaml", 1, 1, "error", "x", "m")], 1)
        assert '<html lang="fr">' in page and "<h1>La résidence a 1 erreur</h1>" in page
        assert "Corrigez-les" in page
        assert '<html lang="fr">' in forbidden_page()
        set_language("en")
        assert '<html lang="en">' in error_page([], 1, rendering=True)
        assert "<h1>The report could not be made</h1>" in error_page([], 1, rendering=True)
    finally:
        set_language(before)


# -- who may ask, what may be served ----------------------------------------------------------


def test_loopback_names() -> None:
    for host in ("127.0.0.1", "127.4.5.6", "::1", "[::1]", "localhost", "LOCALHOST", "a.localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org", "localhost.evil"):
        assert not is_loopback(host), host


def test_listening_on_this_machine_only() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert local_only(host), host
    for host in ("0.0.0.0", "::", "192.168.1.20", "not a host name", ""):
        assert not local_only(host), host


def test_guard_on_loopback_checks_the_host_header() -> None:
    guard = Guard(None)
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"):
        assert guard.allows(host, None, None), host
    for host in (None, "", "evil.example:8000", "evil.example", "192.168.1.2:8000"):
        assert not guard.allows(host, None, None), host


def test_guard_on_the_network_needs_the_token() -> None:
    guard = Guard("s3cret-token", cookie="residence-preview-8000")
    assert guard.allows("anything", "s3cret-token", None)
    assert guard.allows("anything", None, "a=b; residence-preview-8000=s3cret-token")
    assert not guard.allows("127.0.0.1:8000", None, None)
    assert not guard.allows("anything", "s3cret-tokeN", None)
    assert not guard.allows("anything", "", "residence-preview-8000=nope")
    assert not guard.allows("anything", None, "residence-preview-9000=s3cret-token")
    assert not guard.allows("anything", None, '"; broken cookie \x00')
    assert not guard.allows("anything", "s3cret-token\u00e9", None)


def test_asset_names_never_leave_the_report() -> None:
    assert asset_name("/assets/report.css") == "assets/report.css"
    assert asset_name("/assets/media/hall%201.jpg") == "assets/media/hall 1.jpg"
    assert asset_name("/etc/passwd") == "etc/passwd"  # a name, that no report file has
    for path in (
        "/assets/../residence.yaml",
        "/../residence.yaml",
        "/%2e%2e/residence.yaml",
        "/assets/%2E%2E/%2e%2e/private/consent.yaml",
        "/assets/.%2e/x",
        "//etc/passwd",
        "/assets//x",
        "/assets/./report.css",
        "/assets\\..\\residence.yaml",
        "/assets/%5c..%5cresidence.yaml",
        "/assets/%00.css",
        "assets/report.css",
        "/",
    ):
        assert asset_name(path) is None, path


def test_inside_follows_links(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "ok.css").write_text("x")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (allowed / "link.css").symlink_to(secret)
    roots = (allowed.resolve(),)
    assert inside(allowed / "ok.css", roots)
    assert not inside(allowed / "link.css", roots)
    assert not inside(allowed / ".." / "secret.txt", roots)
    assert not inside(allowed / "missing.css", roots)


# -- a real server ---------------------------------------------------------------------------


class Client:
    """Plain HTTP requests to a preview, with the raw paths given (nothing normalised)."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.host = host

    def get(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def page(self) -> str:
        status, _headers, body = self.get("/")
        assert status == 200
        return body.decode("utf-8")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, Path, list[Built]]]:
    """A preview of a copy of the minimal residency, started without its watcher."""
    folder = copy_project("minimal", tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as opened:
        opened.start(watch=False)
        yield opened, folder, builds


def test_serves_the_report_with_its_assets(preview: tuple[Preview, Path, list[Built]]) -> None:
    opened, _folder, builds = preview
    assert opened.url == f"http://127.0.0.1:{opened.port}/"
    assert builds[0].report and builds[0].number == 1 and builds[0].whole
    client = Client(opened.port)
    status, headers, body = client.get("/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "La mairie annexe, vue du guichet" in page
    assert f'<script src="{LIVE_PATH}" data-build="1" defer></script>' in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/report.html")[2] == body
    status, headers, css = client.get("/assets/report.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8" and css
    assert client.get("/assets/report.css", {"If-None-Match": headers["ETag"]})[0] == 304
    status, headers, script = client.get(LIVE_PATH)
    assert status == 200 and b"EventSource" in script
    assert headers["Content-Type"].startswith("text/javascript")
    status, headers, head = client.get("/", method="HEAD")
    assert status == 200 and head == b"" and int(headers["Content-Length"]) == len(body)
    hrefs = {h for h in _hrefs(page) if h.startswith("assets/")}
    assert "assets/report.css" in hrefs
    for href in hrefs:
        assert client.get("/" + href)[0] == 200, href


def _hrefs(page: str) -> list[str]:
    import re

    return re.findall(r'(?:href|src)="([^"#]+)"', page)


def test_serves_nothing_outside_the_report(
    preview: tuple[Preview, Path, list[Built]], tmp_path: Path
) -> None:
    opened, folder, _builds = preview
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    (folder / "media" / "secret.svg").symlink_to(secret)
    client = Client(opened.port)
    for path in (
        "/residence.yaml",
        "/private/consent.yaml",
        "/assets/../residence.yaml",
        "/assets/../private/consent.yaml",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/%2e%2e/residence.yaml",
        "/assets/%252e%252e/residence.yaml",
        "//etc/passwd",
        "/etc/passwd",
        str(secret),
        "/" + str(secret),
        "/media/secret.svg",
        "/assets/media/secret.svg",
        "/assets/..%2fresidence.yaml",
        "/assets/..%5cresidence.yaml",
        "http://127.0.0.1/%2e%2e/residence.yaml",
    ):
        status, _headers, body = client.get(path)
        assert status in (403, 404), path
        assert b"TOP-SECRET" not in body and b"Jeanne" not in body and b"consents" not in body
    # A file the renderer keeps on disk that now leads outside (a cached photo, a font
    # replaced by a link) is refused too.
    served = opened.site.served
    assert served is not None
    name = "assets/report.css"
    on_disk = served.assets[name]
    assert isinstance(on_disk, Path)
    linked = tmp_path / "linked-assets"
    linked.mkdir()
    (linked / "report.css").symlink_to(secret)
    assets = {**served.assets, name: linked / "report.css"}
    opened.site.publish(dataclasses.replace(served, assets=assets, number=served.number + 1))
    status, _headers, body = client.get("/" + name)
    assert status == 404 and b"TOP-SECRET" not in body


def test_refuses_other_host_names(preview: tuple[Preview, Path, list[Built]]) -> None:
    opened, _folder, _builds = preview
    for host in ("evil.example", "192.168.1.20", "localhost.evil"):
        status, _headers, body = Client(opened.port, host).get("/")
        assert status == 403 and b"La mairie annexe" not in body, host
    assert Client(opened.port, "localhost").get("/")[0] == 200


def test_network_preview_needs_its_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from residence.serve import preview as preview_module

    folder = copy_project("minimal", tmp_path)
    # 127.0.0.1 taken for another machine's address: the network rules, without a network.
    monkeypatch.setattr(preview_module, "local_only", lambda host: False)
    with pytest.raises(ResidenceError) as refused:
        open_preview(folder, port=0)
    assert refused.value.usage and "--allow-network" in refused.value.problems[0].message
    with pytest.raises(ResidenceError) as team:
        open_preview(folder, port=0, edition="team", allow_network=True)
    assert team.value.usage and "--allow-team-on-network" in team.value.problems[0].message
    with open_preview(folder, port=0, allow_network=True) as opened:
        opened.start(watch=False)
        token = opened.token
        assert token is not None and len(token) >= 32
        assert opened.url.endswith(f"/?token={token}")
        client = Client(opened.port, "preview.example")
        for path in ("/", "/assets/report.css", LIVE_PATH, EVENTS_PATH, "/?token=wrong"):
            status, _headers, body = client.get(path)
            assert status == 403 and b"La mairie annexe" not in body, path
        status, headers, _body = client.get(f"/?token={token}")
        assert status == 303 and headers["Location"] == "/"
        cookie = headers["Set-Cookie"].split(";")[0]
        assert cookie == f"{opened.server.guard.cookie}={token}"
        assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
        status, _headers, body = client.get("/", {"Cookie": cookie})
        assert status == 200 and b"La mairie annexe" in body
        assert client.get("/assets/report.css", {"Cookie": cookie})[0] == 200
        assert client.get("/", {"Cookie": cookie + "x"})[0] == 403
        # Its page of errors does not quote the team's files: the public may read it.
        _edit(folder, ENTRY, "actors: [mairie", "actors: [jeanne-martinn")
        assert not opened.rebuild({ENTRY}).report
        page = client.get("/", {"Cookie": cookie})[2].decode("utf-8")
        assert "<h1>The residency has 1 error</h1>" in page and "open to the network" in page
        assert ENTRY not in page and "jeanne" not in page.lower() and "<li" not in page
    options: dict[str, Any] = {"allow_network": True, "allow_team_on_network": True}
    with open_preview(folder, port=0, edition="team", **options) as team_preview:
        team_preview.start(watch=False)
        assert team_preview.token is not None and team_preview.detailed


def test_error_page_then_the_report_again(preview: tuple[Preview, Path, list[Built]]) -> None:
    opened, folder, builds = preview
    client = Client(opened.port)
    _edit(folder, ENTRY, "actors: [mairie", "actors: [mairiee")
    lines = (folder / ENTRY).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("actors:"))
    built = opened.rebuild({ENTRY})
    assert not built.report and built.changed and built.number == 2 and built.files == [ENTRY]
    page = client.page()
    assert f'<html lang="{current_language()}">' in page
    assert "<h1>The residency has 1 error</h1>" in page
    assert f"<code>{ENTRY}:{line}:" in page and "unknown actor &#x27;mairiee&#x27;" in page
    assert "La mairie annexe, vue du guichet" not in page
    assert 'data-build="2"' in page
    _edit(folder, ENTRY, "title:", "\ttitle:")  # a second error, in the same file
    assert opened.rebuild({ENTRY}).number == 3
    assert "this is not valid YAML" in client.page()
    _edit(folder, ENTRY, "\ttitle:", "title:")
    _edit(folder, ENTRY, "actors: [mairiee", "actors: [mairie")
    built = opened.rebuild({ENTRY})
    assert built.report and built.number == 4
    page = client.page()
    assert "La mairie annexe, vue du guichet" in page and 'data-build="4"' in page
    assert [b.report for b in builds] == [True, False, False, True]


def test_a_save_that_changes_nothing_keeps_the_page(
    preview: tuple[Preview, Path, list[Built]],
) -> None:
    opened, folder, _builds = preview
    _edit(folder, ENTRY, "title:", "# a comment\ntitle:")
    built = opened.rebuild({ENTRY})
    assert built.report and not built.changed and built.number == 1


def test_a_broken_theme_shows_why(preview: tuple[Preview, Path, list[Built]]) -> None:
    opened, folder, _builds = preview
    (folder / "theme").mkdir()
    (folder / "theme" / "cover.html.j2").write_text("{{ nothing.here }}", encoding="utf-8")
    built = opened.rebuild({"theme/cover.html.j2"})
    assert not built.report and built.problems[0].code == "template"
    page = Client(opened.port).page()
    assert "<h1>The report could not be made</h1>" in page and "theme/cover.html.j2" in page


def test_a_build_that_fails_unexpectedly_keeps_serving(
    preview: tuple[Preview, Path, list[Built]], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened, _folder, _builds = preview

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("residence.render.html.render_html", broken)
    built = opened.rebuild({"media/hall.svg"})
    assert not built.report and "RuntimeError: a bug" in built.problems[0].message
    assert "RuntimeError: a bug" in Client(opened.port).page()


def _events(port: int) -> tuple[http.client.HTTPConnection, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
    conn.request("GET", EVENTS_PATH, headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    return conn, response


def _next_reload(response: Any) -> str:
    """Return the data of the next "reload" event of a stream."""
    event = None
    while True:
        line = response.fp.readline().decode("utf-8")
        assert line, "the stream ended"
        line = line.rstrip("\n")
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "reload":
            return line.removeprefix("data: ")


def test_events_tell_the_page_to_reload(preview: tuple[Preview, Path, list[Built]]) -> None:
    opened, folder, _builds = preview
    conn, response = _events(opened.port)
    try:
        assert _next_reload(response) == "1"  # the build served, at once
        _edit(folder, ENTRY, "Nous passons la matinée", "Nous passons la soirée")
        opened.rebuild({ENTRY})
        assert _next_reload(response) == "2"
        _edit(folder, ENTRY, "title:", "\ttitle:")
        opened.rebuild({ENTRY})
        assert _next_reload(response) == "3"
    finally:
        conn.close()


def test_closing_ends_the_event_streams(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    with open_preview(folder, port=0) as opened:
        opened.start(watch=False)
        conn, response = _events(opened.port)
        try:
            assert _next_reload(response) == "1"
            opened.close()
            assert response.fp.read().strip() == b""  # the server closed the stream
        finally:
            conn.close()


def test_the_public_page_holds_no_protected_name(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    _edit(folder, "private/consent.yaml", "scope: public", "scope: none")
    with open_preview(folder, port=0) as opened:
        opened.start(watch=False)
        client = Client(opened.port)
        page = client.page()
        scanner = LeakScanner(["Jeanne Martin"], ["Claire Dumas", "Malik Ouali"])
        assert scanner.text(page, "page") == []
        assert "Personne A" in page
        for href in {h for h in _hrefs(page) if h.startswith("assets/")}:
            status, _headers, body = client.get("/" + href)
            assert status == 200 and scanner.data(body, href) == [], href
    with open_preview(folder, port=0, edition="team") as team:
        team.start(watch=False)
        page = Client(team.port).page()
        assert "Jeanne Martin" in page and "Document interne" in page


def test_watches_the_folder_and_follows_saves(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as opened:
        opened.start()
        client = Client(opened.port)
        _edit(folder, ENTRY, "Nous passons la matinée", "Nous passons la nuit blanche")
        _until(lambda: "la nuit blanche" in client.page())
        _edit(folder, ENTRY, "title:", "\ttitle:")
        _until(lambda: "<h1>The residency has 1 error</h1>" in client.page())
        _edit(folder, ENTRY, "\ttitle:", "title:")
        _until(lambda: "la nuit blanche" in client.page())
    assert [ENTRY] in [b.files for b in builds]
    assert not any(b.whole for b in builds[1:])


def test_a_watcher_that_fails_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from residence.serve import watch

    def failing(*_args: object, **_kwargs: object) -> Iterator[set[str]]:
        raise OSError("OS file watch limit reached")
        yield set()  # a generator, as the real one

    monkeypatch.setattr(watch, "changes", failing)
    folder = copy_project("minimal", tmp_path)
    builds: list[Built] = []
    with open_preview(folder, port=0, on_build=builds.append) as opened:
        opened.start()
        _until(lambda: len(builds) == 2)
        assert not builds[1].report and "no longer watched" in builds[1].problems[0].message
        assert "OS file watch limit reached" in Client(opened.port).page()


def _until(condition: Callable[[], bool]) -> None:
    """Wait, polling, until ``condition()`` holds (or PATIENCE seconds have passed)."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


# -- what the options refuse, and the command line --------------------------------------------


def test_refuses_what_it_cannot_serve(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"host": "0.0.0.0"}, "--allow-network"),
        ({"host": "192.168.1.20"}, "--allow-network"),
        ({"host": "0.0.0.0", "allow_network": True, "edition": "team"}, "--allow-team-on-network"),
        ({"port": 70000}, "65535"),
    ]
    for options, said in cases:
        with pytest.raises(ResidenceError) as refused:
            open_preview(folder, **{"port": 0, **options})
        assert refused.value.usage and said in refused.value.problems[0].message, options
    with pytest.raises(ResidenceError) as missing:
        open_preview(tmp_path / "nowhere", port=0)
    assert missing.value.usage
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResidenceError) as empty:
        open_preview(tmp_path / "empty", port=0)
    assert empty.value.usage and "residence.yaml" in empty.value.problems[0].message


def test_a_taken_port_is_a_usage_error(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ResidenceError) as refused:
            open_preview(folder, port=port)
        assert refused.value.usage and f"port {port} is already in use" in str(refused.value)
        done = subprocess.run(
            [sys.executable, "-m", "residence", "serve", str(folder), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"Error: port {port} is already in use on 127.0.0.1: stop what uses it, or choose "
        "another port with --port (--port 0 takes any free one)"
    ]
    assert done.stdout == ""


def test_the_command_line_refuses_the_network_without_its_flag(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "residence", "serve", str(folder), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
        env={**os.environ, "RESIDENCE_LANG": "fr"},
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Erreur : --host 0.0.0.0 ouvre l'aperçu au réseau")


def _start_command(folder: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `residence serve FOLDER --port 0 ARGS`; return it and the address it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "residence", "serve", str(folder), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=PATIENCE):
            process.kill()
            pytest.fail("residence serve printed no address")
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        pytest.fail(f"residence serve: {url!r} {process.communicate()[1]}")
    return process, url


def test_ctrl_c_stops_in_one_line_with_exit_130(tmp_path: Path) -> None:
    folder = copy_project("minimal", tmp_path)
    process, url = _start_command(folder)
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert "La mairie annexe" in Client(port).page()
        conn, response = _events(port)  # an open page: its stream must not hold the exit
        try:
            assert _next_reload(response) == "1"
            process.send_signal(signal.SIGINT)
            _out, err = process.communicate(timeout=PATIENCE)
        finally:
            conn.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "Interrupted: nothing was changed."
    assert err.strip().splitlines()[0] == f"Making the report of {folder}…"


def test_the_package_says_what_it_offers() -> None:
    assert serve_package.EDITIONS == ("public", "team")
    assert json.dumps(sorted(serve_package.__all__))


# -- the renderer remembers what did not change ------------------------------------------------


def test_the_actor_map_is_drawn_once_per_set_of_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from residence.gate import select_edition
    from residence.i18n import translator
    from residence.render.actormap import svg

    folder = copy_project("minimal", tmp_path)
    published = select_edition(load_residency(folder)[0], "public")
    t = translator("fr", "report")
    drawn: list[int] = []
    layout = svg.layout_actor_map

    def counting(*args: Any, **kwargs: Any) -> Any:
        drawn.append(1)
        return layout(*args, **kwargs)

    monkeypatch.setattr(svg, "layout_actor_map", counting)
    svg.MAPS.clear()
    first = svg.render_actor_map_svg(published, t)
    assert svg.render_actor_map_svg(published, t) == first and len(drawn) == 1
    published.actors[0] = published.actors[0].model_copy(update={"name": "Mairie renommée"})
    second = svg.render_actor_map_svg(published, t)
    assert len(drawn) == 2 and "Mairie renommée" in second and "Mairie renommée" not in first
    assert svg.render_actor_map_svg(published, translator("en", "report")) != second
    assert svg.render_actor_map_svg(published, t, id_prefix="other") != second
    assert len(drawn) == 4


def test_the_timeline_is_drawn_once_per_set_of_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from residence.gate import select_edition
    from residence.i18n import translator
    from residence.render import charts

    folder = copy_project("minimal", tmp_path)
    published = select_edition(load_residency(folder)[0], "public")
    t = translator("fr", "report")
    drawn: list[int] = []
    draw = charts._draw_timeline

    def counting(*args: Any) -> str:
        drawn.append(1)
        return draw(*args)

    monkeypatch.setattr(charts, "_draw_timeline", counting)
    charts.TIMELINES.clear()
    first = charts.render_timeline_svg(published, t)
    assert charts.render_timeline_svg(published, t) == first and len(drawn) == 1
    published.entries[0] = published.entries[0].model_copy(update={"kind": "workshop"})
    second = charts.render_timeline_svg(published, t)
    assert len(drawn) == 2 and second != first


def test_markdown_is_rendered_once_per_text() -> None:
    from residence.render.context.builder import markdown_html
    from residence.render.markdown import render_markdown

    text = "Un texte *unique* pour ce test, [lien](https://example.org)."
    before = markdown_html.cache_info()
    html = markdown_html(text, "fr")
    assert html == render_markdown(text, lang="fr")
    assert markdown_html(text, "fr") is html
    assert markdown_html.cache_info().hits == before.hits + 1
    assert markdown_html(text, "en") == render_markdown(text, lang="en")


# -- a real browser --------------------------------------------------------------------------


def _require(program: str | None, what: str) -> str:
    """Return a program's path; skip (outside CI) or fail (under CI) when it is missing."""
    if program is None:
        message = f"{what} is not installed: `make test` installs it (Debian)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return program


@pytest.mark.browser
def test_a_browser_follows_saves_errors_and_fixes(tmp_path: Path) -> None:
    chromium = _require(
        CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium"), "chromium"
    )
    node = _require(shutil.which("node"), "node (Node.js)")
    for module in ("puppeteer-core", "axe-core"):
        if not (NODE_MODULES / module).exists():
            pytest.fail(f"node_modules/{module} is missing: run `make node_modules`")
    folder = copy_project("minimal", tmp_path)
    source = (folder / ENTRY).read_text(encoding="utf-8")
    versions = tmp_path / "versions"
    versions.mkdir()
    changed = source.replace("Nous passons la matinée", "Nous passons la matinée du marqueur-vif")
    broken = changed.replace("actors: [mairie", "actors: [mairie-inconnue")
    for name, text in (("changed", changed), ("broken", broken), ("fixed", changed)):
        (versions / f"{name}.yaml").write_text(text, encoding="utf-8")
    process, url = _start_command(folder)
    try:
        run = subprocess.run(
            [node, str(SERVE_SCRIPT), url, str(folder / ENTRY), str(versions)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            env={**os.environ, "CHROMIUM": chromium},
            check=False,
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=PATIENCE)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["first"] == "La mairie annexe, vue du guichet"
    assert seen["changed"] is True
    assert seen["error"]["lang"] == "en"
    assert seen["error"]["h1"] == "The residency has 1 error"
    assert any(ENTRY in item and "mairie-inconnue" in item for item in seen["error"]["items"])
    assert seen["error"]["axe"] == []
    assert seen["fixed"] is True
    assert seen["violations"] == []  # the Content-Security-Policy let everything load
    assert process.returncode == 130

"""The report's "What we learned" section: the insights with their evidence, and the codes.

A small coded residency (the minimal one, with tags on entries and quotes, an entry between
the weeks, a team entry, a team quote, and a person quoted who agreed to no publication) is
rendered in both editions and in English; the example is rendered once for its links. The
section's headings, links, pseudonyms, counts and labels are read back from the HTML, and its
text from the PDF.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import io
import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_project
from leakscan import LeakScanner
from residence.check import load_and_check
from residence.errors import has_errors
from residence.gate import select_edition
from residence.models import Published
from residence.render.html import render_html
from residence.render.pdf import render_pdf

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
ENTRY = "2025-03-04-entretien-jeanne"
PROTECTED = "Jeanne Martin"
JEANNE_SAYS = "Je ne sais jamais à quel guichet aller."
TEAM_QUOTE = "Entre nous, c’est long."
AGENTS_SAY = "On voit la file s’allonger."
TEAM_INSIGHT = "Ce qui reste entre nous"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def set_tags(root: Path, rel: str, tags: str) -> None:
    path = root / rel
    text = re.sub(r"^tags: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(text + f"tags: {tags}\n", encoding="utf-8")


def tag_the_journal(root: Path) -> None:
    """Give the minimal residency's journal codes: on entries, on quotes, on a team quote, on
    an entry between the weeks and on a team entry."""
    set_tags(root, "journal/2025-03-03-premier-jour.yaml", "[accueil, attente]")
    set_tags(root, "journal/2025-04-08-test-panneau.yaml", "[Accueil, guichet, attente]")
    write(
        root,
        f"journal/{ENTRY}.yaml",
        "date: 2025-03-04\ntime: '14:00'\ntitle: Entretien avec Jeanne\nkind: interview\n"
        "authors: [claire]\nactors: [jeanne-martin, agents-accueil]\n"
        "methods: [entretien-guichet]\ntags: [attente, guichet]\n"
        "body: Jeanne vient tous les mois renouveler un document.\nquotes:\n"
        f'  - actor: jeanne-martin\n    text: "{JEANNE_SAYS}"\n    tags: [Attente]\n'
        f'  - actor: jeanne-martin\n    text: "{TEAM_QUOTE}"\n    visibility: team\n'
        "    tags: [attente]\n"
        f'  - actor: agents-accueil\n    text: "{AGENTS_SAY}"\n    tags: [guichet]\n',
    )
    write(
        root,
        "journal/2025-03-20-entre-deux-semaines.yaml",
        "date: 2025-03-20\ntitle: Entre deux semaines\nkind: observation\nauthors: [malik]\n"
        "tags: [accueil]\nbody: Le guichet a changé de place.\n",
    )
    write(
        root,
        "journal/2025-05-13-note-d-equipe.yaml",
        "date: 2025-05-13\ntitle: Note d'équipe sur l'attente\nkind: reflection\n"
        "authors: [claire]\nvisibility: team\ntags: [attente]\nbody: Entre nous.\n",
    )


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """The minimal residency with codes and three insights (one for the team only), and
    Jeanne Martin, quoted as evidence, who agreed to be named in team documents only."""
    root = copy_project("minimal", tmp_path)
    write(
        root,
        "private/consent.yaml",
        "consents:\n  - actor: jeanne-martin\n    scope: internal\n    date: 2025-03-04\n",
    )
    tag_the_journal(root)
    write(
        root,
        "insights/attente-invisible.yaml",
        "id: attente-invisible\ntitle: L'attente ne se voit pas\n"
        "statement: |\n  Personne ne sait **où aller**.\n\n  # Ce qui manque\n\n"
        "  Un signe à l'entrée.\nevidence:\n"
        f"  - entry: {ENTRY}\n    quote: 1\n"
        f"  - entry: {ENTRY}\n    quote: 2\n"
        f"  - entry: {ENTRY}\n    quote: 3\n"
        "  - entry: 2025-03-03-premier-jour\n"
        "  - prototype: panneau-orientation\n    test: 1\n"
        "tags: [attente, Guichet]\nprototypes: [panneau-orientation]\nweek: 1\n",
    )
    write(
        root,
        "insights/panneau-lisible.yaml",
        "id: panneau-lisible\ntitle: Un panneau suffit quand il parle en images\n"
        "statement: Les pictogrammes comptent plus que le texte.\nevidence:\n"
        "  - prototype: panneau-orientation\n  - entry: 2025-04-08-test-panneau\n"
        "tags: [accueil]\nweek: 2\n",
    )
    write(
        root,
        "insights/entre-nous.yaml",
        f"id: entre-nous\ntitle: {TEAM_INSIGHT}\nstatement: Texte.\nvisibility: team\n"
        "evidence:\n  - entry: 2025-05-13-note-d-equipe\ntags: [attente]\nphase: analysis\n",
    )
    return root


def speaker(edition: Published, words: str) -> str:
    """Return the name the edition gives to who said ``words`` (ids may be renamed too)."""
    actor = next(q.actor for e in edition.entries for q in e.quotes if q.text == words)
    return next(a.name for a in edition.actors if a.id == actor)


def published(root: Path, edition: str = "public") -> Published:
    residency, problems = load_and_check(root)
    assert not has_errors(problems), [str(p) for p in problems]
    return select_edition(residency, edition)


def render(root: Path, edition: str = "public") -> str:
    return render_html(published(root, edition), use_cache=False).html


# -- reading the page back ---------------------------------------------------------------------


class Page(HTMLParser):
    """The headings (level, id, text), every id, every link, and the text of each element
    that has an id (the quotes of the journal, the lines of the codes' index)."""

    VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "col", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None, list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        ident = attributes.get("id")
        if ident:
            self.ids.add(ident)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(str(attributes["href"]))
        if tag not in self.VOID:
            self._open.append((tag, ident, []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, ident, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if self._open:
                self._open[-1][2].append("".join(parts))
            if re.fullmatch(r"h[1-6]", name):
                self.headings.append((int(name[1]), ident or "", text))
            if ident:
                self.texts[ident] = text
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def section(html: str, ident: str = "insights") -> str:
    """Return the HTML of one part of the report, up to the next part."""
    start = html.index(f'<section class="section" aria-labelledby="{ident}"')
    end = html.find('<section class="section"', start + 1)
    return html[start : end if end >= 0 else len(html)]


def codes_table(html: str) -> dict[str, list[str]]:
    """Return {code: [count per column…, total]} of the codes' table, in its order, with the
    header row under the key ""."""
    table = re.search(r'<table class="codes-table">(.*?)</table>', html, re.S)
    assert table is not None
    rows: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows["" if not rows else cells[0]] = cells[1:]
    return rows


# -- the section -------------------------------------------------------------------------------


def test_the_section_comes_between_the_immersion_and_the_projects(coded: Path) -> None:
    page = Page(render(coded))
    parts = [text for level, _ident, text in page.headings if level == 2]
    immersion = parts.index("L’immersion")
    assert parts[immersion + 1] == "Ce que nous avons appris"
    assert parts[immersion + 2] == "De la vision aux projets"
    contents = [h for h in page.hrefs if h in {"#immersion", "#insights", "#projects"}]
    assert contents[:3] == ["#immersion", "#insights", "#projects"]


def test_the_headings_go_down_one_level_at_a_time(coded: Path) -> None:
    html = render(coded)
    page = Page(section(html))
    levels = [level for level, _ident, _text in page.headings]
    assert levels[0] == 2
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    outline = [(level, text) for level, _ident, text in page.headings]
    assert outline[:5] == [
        (2, "Ce que nous avons appris"),
        (3, "L’attente ne se voit pas"),
        (4, "Ce qui manque"),  # the statement's own heading, under the insight's
        (4, "Sur quoi elle s’appuie"),
        (3, "Un panneau suffit quand il parle en images"),
    ]
    assert outline[-2:] == [(3, "Les codes"), (4, "Où chaque code est utilisé")]


def test_every_link_of_the_section_leads_to_an_id_of_the_page(coded: Path) -> None:
    for edition in ("public", "team"):
        html = render(coded, edition)
        page = Page(html)
        links = [h for h in Page(section(html)).hrefs if h.startswith("#")]
        assert len(links) > 20
        assert [h for h in links if h[1:] not in page.ids] == [], edition


def test_the_example_links_resolve(tmp_path: Path) -> None:
    html = render(EXAMPLE)
    page = Page(html)
    links = Page(section(html)).hrefs
    assert len(links) > 200
    assert [h for h in links if h.startswith("#") and h[1:] not in page.ids] == []
    assert sum(h.startswith("#prototype-") for h in links) >= 10


def test_quotes_are_set_apart_with_who_said_them_and_link_to_the_journal(coded: Path) -> None:
    html = render(coded, "team")
    insights = section(html)
    page = Page(html)
    quotes = re.findall(
        r'<figure class="quote evidence-quote[^"]*">\s*<blockquote><p>(.*?)</p></blockquote>\s*'
        r'<figcaption>— (.*?) <span class="(?:chip|evidence-where).*?<a href="#([^"]+)">',
        insights,
        re.S,
    )
    assert [(text, who) for text, who, _href in quotes] == [
        (JEANNE_SAYS, PROTECTED),
        (TEAM_QUOTE, PROTECTED),
        (AGENTS_SAY, "Agents d’accueil"),
    ]
    for text, _who, href in quotes:
        assert href.endswith(("--quote-1", "--quote-2", "--quote-3"))
        assert text in page.texts[href], href  # the link leads to that very quote
    assert "Équipe seulement" in insights


def test_the_public_edition_pseudonymises_a_protected_person_quoted_as_evidence(
    coded: Path,
) -> None:
    edition = published(coded)
    pseudonym = speaker(edition, JEANNE_SAYS)
    assert pseudonym != PROTECTED
    html = render_html(edition, use_cache=False).html
    insights = section(html)
    assert JEANNE_SAYS in insights
    assert f"— {pseudonym} " in insights
    scanner = LeakScanner([PROTECTED], ["Claire Dumas", "Malik Ouali"])
    assert scanner.data(html.encode(), "report.html") == []
    assert scanner.data(insights.encode(), "insights.html") == []
    # The independent scanner does find the name in the team edition: it is looking.
    assert scanner.data(section(render(coded, "team")).encode(), "team.html")


def test_the_public_edition_leaves_out_team_insights_and_team_evidence(coded: Path) -> None:
    public = section(render(coded))
    assert TEAM_INSIGHT not in public and TEAM_QUOTE not in public
    assert "Équipe seulement" not in public
    assert public.count('<article class="insight') == 2
    page = Page(public)
    # The agents' words are the second public quote of the entry: the link follows them.
    agents = next(i for i, text in Page(render(coded)).texts.items() if text.startswith(AGENTS_SAY))
    assert agents.endswith("--quote-2") and f"#{agents}" in page.hrefs
    team = section(render(coded, "team"))
    assert TEAM_INSIGHT in team and TEAM_QUOTE in team
    assert team.count('<article class="insight') == 3


def test_an_insight_shows_its_sources_codes_week_and_prototypes(coded: Path) -> None:
    public = section(render(coded))
    first = public[
        public.index('aria-labelledby="insight-attente-invisible"') : public.index(
            'aria-labelledby="insight-panneau-lisible"'
        )
    ]
    assert "Piste 1" in first and "Semaine 1 : Rencontrer et analyser" in first
    assert "<strong>où aller</strong>" in first  # the statement's Markdown
    assert re.search(r"Observation</span> <time datetime=\"2025-03-03\">3 mars</time>", first)
    assert re.search(r'Test</span> <time datetime="2025-04-08">8 avr\.</time>', first)
    assert "decision-adopt" in first and "adopté" in first
    assert 'href="#prototype-panneau-orientation"' in first
    codes = re.findall(r'<a class="tag" href="#(code-[^"]+)">([^<]+)</a>', first)
    assert codes == [("code-attente", "attente"), ("code-guichet", "Guichet")]
    second = public[public.index('aria-labelledby="insight-panneau-lisible"') :]
    assert "Piste 2" in second and "Semaine 2 : Prototyper et tester" in second
    team = section(render(coded, "team"))
    assert "Piste 3" in team and "Phase : analyse" in team


def test_the_codes_table_counts_each_week_most_used_first(coded: Path) -> None:
    public = codes_table(section(render(coded)))
    assert public[""] == ["Semaine 1", "Semaine 2", "Semaine 3", "Entre les semaines", "Total"]
    # attente: two entries and Jeanne's quote in week 1, the panel's test in week 2 (the
    # team quote and the team entry are not in the public edition); accueil: an entry in
    # each of week 1, week 2 and between the weeks; guichet: an entry and the agents' quote
    # in week 1, the test in week 2. Insights carry codes but are not counted.
    assert public == {
        "": public[""],
        "attente": ["3", "1", "0", "0", "4"],
        "accueil": ["1", "1", "0", "1", "3"],
        "guichet": ["2", "1", "0", "0", "3"],
    }
    team = codes_table(section(render(coded, "team")))
    assert team["attente"] == ["4", "1", "1", "0", "6"]
    assert list(team)[1:] == ["attente", "accueil", "guichet"]


def test_the_table_has_a_caption_and_headers_with_scope(coded: Path) -> None:
    table = re.search(r'<table class="codes-table">.*?</table>', render(coded), re.S)
    assert table is not None
    html = table.group(0)
    assert "<caption>Usages de chaque code dans le journal, par semaine</caption>" in html
    assert html.count('<th scope="col"') == 6
    assert html.count('<th scope="row"') == 3


def test_each_code_links_to_the_entries_and_quotes_it_tags(coded: Path) -> None:
    html = render(coded)
    page = Page(html)
    index = section(html)
    line = re.search(r'<li id="code-guichet">(.*?)</li>', index, re.S)
    assert line is not None
    hrefs = re.findall(r'href="#([^"]+)"', line.group(1))
    assert [h for h in hrefs if h not in page.ids] == []
    quote = next(h for h in hrefs if "--quote-" in h)
    assert page.texts[quote].startswith(AGENTS_SAY)
    assert sum(h.startswith("entry-") and "--" not in h for h in hrefs) == 2
    assert "insight-attente-invisible" in hrefs  # the insight that carries the code
    assert "« On voit la file s’allonger. »" in " ".join(page.texts["code-guichet"].split())


def test_english_labels_on_an_english_residency(coded: Path) -> None:
    config = coded / "residence.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("language: fr\n", "language: en\n"),
        encoding="utf-8",
    )
    html = render(coded)
    insights = section(html)
    for label in (
        ">What we learned</h2>",
        "Insight 1",
        "Week 1: Rencontrer et analyser",
        "What it rests on",
        "Prototypes that answer it:",
        ">The codes</h3>",
        "Between the weeks",
        "Where each code is used",
        "“On voit la file s’allonger.”",
        '<time datetime="2025-03-03">3 Mar</time>',
    ):
        assert label in insights, label
    assert '<a href="#insights">What we learned</a>' in html
    for french in ("Ce que nous avons appris", "Piste", "Sur quoi", "Semaine"):
        assert french not in insights, french


def test_no_section_and_no_change_without_insights(tmp_path: Path) -> None:
    plain = copy_project("minimal", tmp_path / "plain")
    tagged = copy_project("minimal", tmp_path / "tagged")
    tag_the_journal(tagged)
    tag_the_journal(plain)
    for path in (plain / "journal").glob("*.yaml"):  # the same journal, without its tags
        text = re.sub(r"^ *tags: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
        path.write_text(text, encoding="utf-8")
    html = render(tagged)
    assert 'id="insights"' not in html and "#insights" not in html
    assert "--quote-" not in html and "code-" not in html
    assert html == render(plain)


def test_a_public_edition_whose_insights_are_all_for_the_team_has_no_section(
    coded: Path,
) -> None:
    for path in (coded / "insights").glob("*.yaml"):
        if path.stem != "entre-nous":
            path.unlink()
    assert 'id="insights"' not in render(coded)
    assert 'id="insights"' in render(coded, "team")


@pytest.mark.pdf
def test_the_section_is_in_the_pdf(coded: Path) -> None:
    edition = published(coded)
    pseudonym = speaker(edition, JEANNE_SAYS)
    report = render_html(edition, use_cache=False)
    pdf = render_pdf(report, edition, out=coded / "_build")
    pages = [
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    ]
    start = next(i for i, p in enumerate(pages) if p.startswith("05 Ce que nous avons appris"))
    assert "Ce que l’équipe retient de la résidence" in pages[start]
    # Labels set in capitals by the style sheet come out in capitals.
    part = "\n".join(pages[start:]).casefold()
    for words in (
        "L’attente ne se voit pas",
        "Piste 1",
        "Sur quoi elle s’appuie",
        JEANNE_SAYS,
        f"— {pseudonym}",
        "Les codes",
        "Usages de chaque code dans le journal, par semaine",
        "Où chaque code est utilisé",
    ):
        assert words.casefold() in part, words
    contents = pages[1]
    assert contents.index("L’immersion") < contents.index("Ce que nous avons appris")
    assert contents.index("Ce que nous avons appris") < contents.index("De la vision aux projets")
    scanner = LeakScanner([PROTECTED], ["Claire Dumas", "Malik Ouali"])
    assert scanner.data(pdf.data, "report.pdf") == []

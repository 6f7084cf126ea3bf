"""No public output names a person who did not consent, however the name is written (issue 17).

A protected person (a personal actor whose consent does not allow publication), whose name
hypothesis draws from French, Nordic, Polish, Vietnamese and Turkish names, is written in
forms of issue 17 (plain, capitals, glued, camel case, e-mail, hashtag, handle, split by
Markdown, across a line break, with invisible or look-alike characters, %-encoded in a link,
an initial and the surname) into one to three text fields of a small residency
(tests/projects/minimal), beside a team member whose name shares a part with theirs. Every
public output is then made through the pipeline and read by the leak scanner of
``leakscan.py``, a second implementation that shares no code with the gate: the name must be
read nowhere, the team member's name must be left whole, and an initial must not stay before
a pseudonym ("G. Personne A").

The hypothesis test makes every output but the PDFs (and the catalogue's site); the ``pdf``
cases make everything, one case per form written in every field at once.

Not covered yet: names inside media bytes (SVG text, PDF or photo metadata), which the gate
does not clean yet.
"""

# Names of several scripts and look-alike letters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import re
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import copy_project
from leakscan import Finding, LeakScanner, fold
from residence import pipeline
from residence.catalog import MARK_END, MARK_START, Filters, open_catalog
from residence.catalog import commands as catalog_commands

WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)

# -- names -----------------------------------------------------------------------------------

#: (given names, surnames, surname first) of each culture. No part is a word of the test
#: residency or of the templates (test_name_pool_is_absent_from_the_outputs checks it).
CULTURES: dict[str, tuple[list[str], list[str], bool]] = {
    "french": (
        "Solange|Gaëlle|Jean-Baptiste|Anne-Sophie|Hélène|Maëlys|Benoît|Jérôme|Noémie|"
        "Françoise|Loïc|Maïwenn|Élodie|Marie-Ève".split("|"),
        "Vermeersch|Fouquet|Lefèvre|Kerbrat|Le Goff|de Villiers|Dubois-Marchal|Bénard|"
        "Rousseau|L'Hermitte".split("|"),
        False,
    ),
    "nordic": (
        "Søren|Åsa|Bjørn|Ingrid|Sigrún|Þórdís|Eiríkur|Kjersti|Astrid".split("|"),
        "Haugland|Sæther|Ødegaard|Lindqvist|Þórsdóttir|Jóhannsson|Ekström|van der Berg".split("|"),
        False,
    ),
    "polish": (
        "Łukasz|Małgorzata|Wojciech|Zofia|Grzegorz|Agnieszka|Jędrzej".split("|"),
        "Wiśniewski|Żółkiewska|Brzęczyszczykiewicz|Kowalczyk|Łęcka|Szymańska".split("|"),
        False,
    ),
    "vietnamese": (  # the surname comes first: "Nguyễn Minh Châu"
        "Hương|Thảo|Quỳnh|Phương|Minh Châu|Ngọc Anh".split("|"),
        "Nguyễn|Trần|Phạm|Huỳnh|Đặng|Hoàng".split("|"),
        True,
    ),
    "turkish": (
        "Işıl|Çağla|Gökhan|Şükrü|Ömer|Yiğit|Ayşe|Özge".split("|"),
        "Yıldız|Öztürk|Çelik|Aydın|Şahin|Kılıç|El Amrani|Ben Salah".split("|"),
        False,
    ),
}
#: The team member's own name parts, shared with no protected name.
TEAM_GIVEN = ["Marc", "Inès", "Yann", "Pieter", "Agathe", "Karim", "Oona"]
TEAM_SURNAMES = ["Dupuis", "Carvalho", "Moreau"]
#: The names already in tests/projects/minimal (team and a consenting person).
BASE_KEPT = ["Claire Dumas", "Malik Ouali", "Jeanne Martin"]


@dataclass(frozen=True)
class Person:
    """A protected person: given name(s) and surname, in the order of their culture."""

    given: str
    surname: str
    surname_first: bool = False

    @property
    def name(self) -> str:
        if self.surname_first:
            return f"{self.surname} {self.given}"
        return f"{self.given} {self.surname}"

    def part(self, which: str) -> str:
        return {"full": self.name, "given": self.given, "surname": self.surname}[which]


@st.composite
def people(draw: st.DrawFn) -> Person:
    culture = draw(st.sampled_from(sorted(CULTURES)))
    given, surnames, surname_first = CULTURES[culture]
    return Person(draw(st.sampled_from(given)), draw(st.sampled_from(surnames)), surname_first)


@st.composite
def team_names(draw: st.DrawFn, person: Person) -> str:
    """A team member whose name shares one part with the protected person's."""
    overlap = draw(st.sampled_from(["surname-is-given", "same-given", "same-surname"]))
    if overlap == "surname-is-given":  # "Marc Solange" beside "Solange Vermeersch"
        return f"{draw(st.sampled_from(TEAM_GIVEN))} {person.given}"
    if overlap == "same-given":
        return f"{person.given} {draw(st.sampled_from(TEAM_SURNAMES))}"
    return f"{draw(st.sampled_from(TEAM_GIVEN))} {person.surname}"


# -- the forms of a name (issue 17) ----------------------------------------------------------

CYRILLIC = dict(zip("aeopcxyisjhdqwABCEHIJKMOPSTXY", "аеорсхуіѕјһԁԛԝАВСЕНІЈКМОРЅТХУ", strict=True))
INVISIBLE = ["\u034f", "\ufe0f", "\u180b", "\u17b4", "\u3164", "\u200b"]
MARKS = ["*", "**", "~~", "`"]


def ascii_word(text: str) -> str:
    """Return a name part as it is typed in an address: folded, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def camel(text: str) -> str:
    """Return "Le Goff" as "LeGoff", "de Villiers" as "DeVilliers"."""
    return "".join(w[:1].upper() + w[1:] for w in text.split())


def words_of(text: str) -> list[str]:
    """Return the parts of a name part that have 3 letters or more ("Jean-Baptiste": 2)."""
    return [w for w in re.split(r"[\s\-']+", text) if len(w) >= 3]


def _plain(draw: st.DrawFn, p: Person) -> str:
    return p.part(draw(st.sampled_from(["full", "given", "surname"])))


def _upper(draw: st.DrawFn, p: Person) -> str:
    return _plain(draw, p).upper()


def _digits(draw: st.DrawFn, p: Person) -> str:
    word = draw(st.sampled_from(words_of(p.given) + words_of(p.surname)))
    return f"{word}{draw(st.integers(0, 99))}"


def _first_last(draw: st.DrawFn, p: Person) -> str:
    return camel(p.given) + camel(p.surname)


def _email(draw: st.DrawFn, p: Person) -> str:
    dot = draw(st.sampled_from([".", ""]))
    domain = draw(st.sampled_from(["lycee-moulin.fr", "mairie.example.org", "x.fr"]))
    return f"{ascii_word(p.given)[:1]}{dot}{ascii_word(p.surname)}@{domain}"


def _hashtag(draw: st.DrawFn, p: Person) -> str:
    return "#" + camel(p.surname) + camel(p.given)


def _handle(draw: st.DrawFn, p: Person) -> str:
    joint = draw(st.sampled_from(["", "_", "."]))
    return f"@{ascii_word(p.given)}{joint}{ascii_word(p.surname)}"


def _markdown(draw: st.DrawFn, p: Person) -> str:
    word = draw(st.sampled_from(words_of(p.given) + words_of(p.surname)))
    i = draw(st.integers(1, len(word) - 1))
    j = draw(st.integers(i + 1, len(word)))
    mark = draw(st.sampled_from(MARKS))
    split = f"{word[:i]}{mark}{word[i:j]}{mark}{word[j:]}"
    return p.name.replace(word, split, 1) if draw(st.booleans()) else split


def _line_break(draw: st.DrawFn, p: Person) -> str:
    first, second = (p.surname, p.given) if p.surname_first else (p.given, p.surname)
    return f"{first}\n{second}"


def _invisible(draw: st.DrawFn, p: Person) -> str:
    text = _plain(draw, p)
    char = draw(st.sampled_from(INVISIBLE))
    inner = [i for i in range(1, len(text)) if text[i - 1].isalpha() and text[i].isalpha()]
    spots = draw(st.lists(st.sampled_from(inner), min_size=1, max_size=3, unique=True))
    for i in sorted(spots, reverse=True):
        text = text[:i] + char + text[i:]
    return text


def _cyrillic(draw: st.DrawFn, p: Person) -> str:
    text = p.name
    spots = [i for i, c in enumerate(text) if c in CYRILLIC]
    if not spots:  # "Şükrü Öztürk": in capitals, K and T have look-alikes
        text = text.upper()
        spots = [i for i, c in enumerate(text) if c in CYRILLIC]
    chosen = draw(st.lists(st.sampled_from(spots), min_size=1, max_size=4, unique=True))
    return "".join(CYRILLIC[c] if i in chosen else c for i, c in enumerate(text))


def _percent(draw: st.DrawFn, p: Person) -> str:
    text = p.part(draw(st.sampled_from(["full", "surname"])))
    if draw(st.booleans()):
        encoded = urllib.parse.quote(text, safe="")
    else:  # every byte, letters included
        encoded = "".join(f"%{b:02X}" for b in text.encode("utf-8"))
    return f"[sa fiche](https://annuaire.example.fr/personnes/{encoded})"


def _initial(draw: st.DrawFn, p: Person) -> str:
    initials = [w[0] for w in re.split(r"[\s\-]+", p.given) if w]
    if len(initials) > 1 and draw(st.booleans()):
        return ".-".join(initials) + f". {p.surname}"
    return f"{initials[0]}. {p.surname}"


#: form -> how it writes a person's name (drawn with hypothesis).
FORMS: dict[str, Callable[[st.DrawFn, Person], str]] = {
    "plain": _plain,
    "upper case": _upper,
    "glued to digits": _digits,
    "FirstLast": _first_last,
    "e-mail address": _email,
    "#LastFirst": _hashtag,
    "@handle": _handle,
    "split by Markdown": _markdown,
    "across a line break": _line_break,
    "invisible characters": _invisible,
    "Cyrillic look-alikes": _cyrillic,
    "%-encoded link target": _percent,
    "initial and surname": _initial,
}
#: The forms a file name can hold.
FILE_NAME_FORMS = {
    "plain", "upper case", "glued to digits", "FirstLast", "e-mail address", "#LastFirst",
    "@handle", "invisible characters", "Cyrillic look-alikes", "initial and surname",
}  # fmt: skip


# -- the text fields -------------------------------------------------------------------------

Files = dict[str, Any]  # relative path -> YAML data
Inserter = Callable[[Files, Path, str], None]

ENTRY = "journal/2025-03-03-premier-jour.yaml"
INTERVIEW = "journal/2025-03-04-entretien-jeanne.yaml"
PROTOTYPE = "prototypes/panneau-orientation.yaml"
SCENARIO = "scenarios/premier-rendez-vous.yaml"
METHOD = "methods/entretien-guichet.yaml"
INSIGHT = "insights/le-bon-guichet.yaml"


def _set(path: str, *keys: str | int, template: str = "{}", append: bool = False) -> Inserter:
    """Return an inserter that writes the name into one field (or appends to a list)."""

    def insert(files: Files, root: Path, text: str) -> None:
        value = files[path]
        for key in keys[:-1]:
            value = value[key]
        written = template.format(text)
        if append:
            value.setdefault(keys[-1], []).append(written)
        else:
            value[keys[-1]] = written

    return insert


def _mairie(key: str, template: str, append: bool = False) -> Inserter:
    def insert(files: Files, root: Path, text: str) -> None:
        actor = next(a for a in files["actors.yaml"]["actors"] if a["id"] == "mairie")
        _set_in(actor, key, template.format(text), append)

    return insert


def _set_in(value: dict[str, Any], key: str, text: str, append: bool) -> None:
    if append:
        value.setdefault(key, []).append(text)
    else:
        value[key] = text


def _rename_media(files: Files, root: Path, text: str) -> None:
    """Rename the entry's sketch (media/hall.svg) to a file name holding the name."""
    name = f"media/{text.replace('/', '-')}.svg"
    (root / "media" / "hall.svg").rename(root / name)
    files[ENTRY]["media"][0]["file"] = name


FIELDS: dict[str, Inserter] = {
    "entry body": _set(ENTRY, "body", template="Nous croisons {} près du guichet.\n"),
    "entry title": _set(ENTRY, "title", template="Premier jour, avec {}"),
    "quote text": _set(INTERVIEW, "quotes", 0, "text", template="Je suis venue avec {}."),
    "place": _set(ENTRY, "place", template="Chez {}"),
    "tags": _set(ENTRY, "tags", template="{}", append=True),
    "actor description": _mairie("description", "La commune. Contact : {}."),
    "stakes": _mairie("stakes", "Garder {} au guichet", append=True),
    "prototype hypothesis": _set(
        PROTOTYPE, "hypothesis", template="Si {} indique les guichets, alors on attend moins."
    ),
    "test observations": _set(
        PROTOTYPE, "tests", 0, "observations", template="{} se trompe deux fois."
    ),
    "test place": _set(PROTOTYPE, "tests", 0, "place", template="Le bureau de {}"),
    "test participants": _set(PROTOTYPE, "tests", 0, "participants", template="15 habitants, {}"),
    "test protocol": _set(PROTOTYPE, "tests", 0, "protocol", template="{} compte les erreurs."),
    "test learnings": _set(PROTOTYPE, "tests", 0, "learnings", template="{} préfère les images."),
    "scenario step": _set(SCENARIO, "steps", template="{} l'accompagne.", append=True),
    "method step": _set(METHOD, "steps", template="Demander à {} de relire.", append=True),
    "method author": _set(METHOD, "authors", template="{}", append=True),
    "residence question": _set(
        "residence.yaml", "question", template="Comment {} trouve-t-elle le bon guichet ?\n"
    ),
    "residence title": _set("residence.yaml", "title", template="Le guichet de {}"),
    "keywords": _set("residence.yaml", "keywords", template="{}", append=True),
    "relation note": _set("actors.yaml", "relations", 0, "note", template="Avec {}."),
    "media caption": _set(ENTRY, "media", 0, "caption", template="Le hall, vu par {}."),
    "media alt": _set(ENTRY, "media", 0, "alt", template="Croquis de {} au guichet."),
    "media file name": _rename_media,
    "insight title": _set(INSIGHT, "title", template="{} ne trouve pas le guichet"),
    "insight statement": _set(
        INSIGHT, "statement", template="Comme {}, les habitants se perdent.\n"
    ),
    "insight tags": _set(INSIGHT, "tags", template="{}", append=True),
    "quote tags": _set(INTERVIEW, "quotes", 0, "tags", template="{}", append=True),
}
#: The consent records that leave a person protected (none at all is one more case).
CONSENTS: dict[str, list[dict[str, Any]]] = {
    "no record": [],
    "internal": [{"scope": "internal", "date": "2025-03-03"}],
    "refused": [{"scope": "none", "date": "2025-03-03"}],
    "withdrawn": [  # the most recent record counts, whatever the order
        {"scope": "none", "date": "2025-04-10"},
        {"scope": "public", "date": "2025-03-03"},
    ],
    "minor without guardians": [{"scope": "public", "date": "2025-03-03", "minor": True}],
}


# -- the residency ---------------------------------------------------------------------------


@dataclass
class Case:
    """One residency to publish: who is protected, who is kept, what was written where."""

    person: Person
    team: str
    insertions: list[tuple[str, str, str]]  # (form, field, text)
    consent: str = "no record"
    root: Path = field(default_factory=Path)

    @cached_property
    def scanner(self) -> LeakScanner:
        return LeakScanner([self.person.name], [*BASE_KEPT, self.team])

    def describe(self) -> str:
        lines = [f"protected: {self.person.name!r} ({self.consent}); team: {self.team!r}"]
        lines += [f"  {form} in {kind}: {text!r}" for form, kind, text in self.insertions]
        return "\n".join(lines)


def actor_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def write_case(case: Case, folder: Path) -> Path:
    """Copy tests/projects/minimal into folder, add the people and write the insertions."""
    root = copy_project("minimal", folder)
    files: Files = {}
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        files[rel] = yaml.safe_load(path.read_text(encoding="utf-8"))
    ident = actor_id(case.person.name)
    records = [dict(r) for r in CONSENTS[case.consent]]
    minor = any(r.pop("minor", False) for r in records)
    files["actors.yaml"]["actors"].append(
        {
            "id": ident,
            "name": case.person.name,
            "kind": "person",
            "sector": "users",
            "circle": "direct",
            "personal": True,
            "minor": minor,
            "description": "Habitante du quartier, vient le mardi.",
        }
    )
    files["actors.yaml"]["relations"].append(
        {"from": "mairie", "to": ident, "kind": "service", "note": "Rendez-vous chaque mois."}
    )
    files["private/consent.yaml"]["consents"] += [{"actor": ident, **r} for r in records]
    files["residence.yaml"]["team"].append(
        {"id": "equipier", "name": case.team, "role": "resident"}
    )
    files[ENTRY]["authors"].append("equipier")
    files[ENTRY]["actors"].append(ident)
    files[INTERVIEW]["quotes"].append({"actor": ident, "text": "Je viens le mardi."})
    # An insight citing the protected person's words (quote 2) and the first entry.
    files[INSIGHT] = {
        "id": "le-bon-guichet",
        "title": "Trouver le bon guichet",
        "statement": "Les habitants se perdent entre les guichets.\n",
        "evidence": [
            {"entry": Path(INTERVIEW).stem, "quote": 2},
            {"entry": Path(ENTRY).stem},
        ],
        "tags": ["orientation"],
    }
    (root / "insights").mkdir(exist_ok=True)
    for _form, kind, text in case.insertions:
        FIELDS[kind](files, root, text)
    for rel, data in files.items():
        (root / rel).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    case.root = root
    return root


# -- the outputs -----------------------------------------------------------------------------


def _published(root: Path) -> Any:
    from residence.gate import select_edition

    residency, _ = pipeline.load_valid(root, "render")
    return select_edition(residency, "public")


def _fast_archive(root: Path, out: Path, dest: Path) -> None:
    """Write a public archive as `residence archive` does, holding the outputs already made
    under ``out`` that need no PDF: the report's HTML and assets, the sheets' HTML and
    Markdown (``render_outputs`` would lay out the PDFs)."""
    from residence.archive import write_archive

    outputs = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for folder in (out / "report", out / "methods")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".made-by-residence"
    }
    write_archive(dest, _published(root), outputs, when=WHEN)


def _catalogue(sources: list[Path], catalog: Path, site: Path | None) -> None:
    """Add residency folders or archives to a catalogue, then render its site."""
    _, outcomes = catalog_commands.catalog_add(sources, catalog)
    for outcome in outcomes:
        assert not outcome.refused, outcome.problems
    if site is not None:
        catalog_commands.catalog_render(site, "fr", catalog)


def _snippets(case: Case, catalog: Path) -> list[Finding]:
    """Search the catalogue for each part of the protected name: read every hit it gives."""
    found: list[Finding] = []
    words = {w for w in re.split(r"[\s\-']+", case.person.name) if len(w) >= 3}
    with open_catalog(catalog, create=False) as cat:
        for word in sorted(words | {fold(w) for w in words}):
            for hit in cat.search(word, Filters()):
                text = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
                found += case.scanner.text(text, f"catalogue search {word!r}: snippet")
                found += case.scanner.text(hit.title, f"catalogue search {word!r}: title")
    return found


def _deposit(case: Case) -> list[Finding]:
    from residence.archive import datacite_record, zenodo_metadata

    published = _published(case.root)
    return case.scanner.value(zenodo_metadata(published, WHEN), "zenodo") + case.scanner.value(
        datacite_record(published, WHEN), "datacite"
    )


def fast_outputs(case: Case, out: Path) -> None:
    """Make every public output that needs no PDF layout into ``out``."""
    root = case.root
    pipeline.render(root, "html", edition="public", out=out / "report", variant="pdf/ua-1")
    pipeline.methods(root, "html,md", edition="public", out=out / "methods")
    pipeline.actor_map(root, "svg,graphml,csv", edition="public", out=out / "map")
    _fast_archive(root, out, out / "archive" / "residency.zip")
    _catalogue([root], out / "catalogue" / "catalog.sqlite", None)
    _exports(root, out)


def _exports(root: Path, out: Path) -> None:
    """The exports for QDA tools, IRaMuTeQ and spreadsheets (public edition, the default)."""
    from residence.export import export

    for fmt in ("qdpx", "iramuteq", "csv"):
        export(root, fmt, out=out / "export" / fmt)


def all_outputs(case: Case, out: Path) -> None:
    """Make every public output, the PDFs, the archive and its deposit records included."""
    root = case.root
    pipeline.render(
        root, "html,pdf,docx,odt", edition="public", out=out / "report", variant="pdf/ua-1"
    )
    pipeline.methods(root, "pdf,html,md", edition="public", out=out / "methods")
    pipeline.actor_map(root, "svg,graphml,csv", edition="public", out=out / "map")
    archive = out / "archive" / "residency.zip"
    pipeline.archive(root, out=archive, edition="public", zenodo=True)
    _catalogue([root], out / "catalogue" / "catalog.sqlite", out / "site")
    _catalogue(
        [archive], out / "catalogue-of-archives" / "catalog.sqlite", out / "site-of-archives"
    )
    _exports(root, out)


def leaks_in(case: Case, out: Path) -> list[Finding]:
    """Return what the scanner reads of the protected name in every output under ``out``."""
    found = case.scanner.path(out, "out")
    for catalog in sorted(out.glob("catalogue*/catalog.sqlite")):
        found += _snippets(case, catalog)
    return [*found, *_deposit(case)]


def check_outputs(case: Case, out: Path) -> None:
    """Assert that no output names the protected person, and that the team member keeps
    their name (in the report's credits)."""
    found = leaks_in(case, out)
    assert not found, "\n".join([case.describe(), *map(str, found[:20])])
    report = (out / "report" / "report.html").read_bytes()
    team = LeakScanner([case.team]).data(report, "report.html")
    whole = " ".join(re.findall(r"[^\W_]+", fold(case.team)))
    assert any(f.what == whole for f in team), (
        f"the team member {case.team!r} lost their name\n{case.describe()}"
    )
    for form, _kind, text in case.insertions:
        if form == "initial and surname":
            initial = re.escape(text.split(". ")[0])
            for page in out.rglob("*.html"):
                left = re.search(rf"(?<!\w){initial}\.\s*Personne", page.read_text("utf-8"))
                assert left is None, f"{page}: the initial stayed: {left}\n{case.describe()}"


# -- the tests -------------------------------------------------------------------------------


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A protected person, a team member sharing a part of their name, and one to three
    fields each holding the person's name in one form."""
    person = draw(people())
    team = draw(team_names(person))
    kinds = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=3, unique=True))
    insertions = []
    for kind in kinds:
        forms = FILE_NAME_FORMS if kind == "media file name" else FORMS
        form = draw(st.sampled_from(sorted(forms)))
        insertions.append((form, kind, FORMS[form](draw, person)))
    return Case(person, team, insertions, draw(st.sampled_from(sorted(CONSENTS))))


# About 1 s an example. Failing examples are not shrunk (each one costs a render): the
# message lists the one to three insertions of the failing case and what was read where.
@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases())
def test_no_public_output_reads_a_protected_name(case: Case) -> None:
    """Report (HTML and assets), method sheets (HTML, Markdown), actor map (SVG, GraphML,
    CSV), archive (sources, RO-Crate, bag-info), Zenodo and DataCite records, catalogue
    database and search snippets: the protected name is read in none of them."""
    with tempfile.TemporaryDirectory(prefix="leaks-") as folder:
        write_case(case, Path(folder))
        fast_outputs(case, Path(folder) / "out")
        check_outputs(case, Path(folder) / "out")


def test_the_name_pool_is_absent_from_the_outputs(tmp_path: Path) -> None:
    """No drawn name part is a word of the test residency, its templates or its outputs:
    else a finding would be a coincidence, not a leak. The scanner itself reads nothing in
    outputs that hold no protected name."""
    pool = [n for given, surnames, _ in CULTURES.values() for n in (*given, *surnames)]
    pool += TEAM_GIVEN + TEAM_SURNAMES
    case = Case(Person("Solange", "Vermeersch"), "Marc Solange", [])
    write_case(case, tmp_path)
    fast_outputs(case, tmp_path / "out")
    scanner = LeakScanner(pool, [*BASE_KEPT, case.team])
    assert scanner.path(tmp_path / "out", "out") == []
    check_outputs(case, tmp_path / "out")


#: The person of the explicit cases, and their name in each form.
EXPLICIT_PERSON = Person("Solange", "Vermeersch-Łęcka")
EXPLICIT = {
    "plain": "Solange Vermeersch-Łęcka, Solange et Łęcka",
    "upper case": "SOLANGE VERMEERSCH-ŁĘCKA",
    "glued to digits": "Vermeersch2 et 1Solange",
    "FirstLast": "SolangeVermeersch-Łęcka",
    "e-mail address": "svermeerschlecka@lycee-moulin.fr",
    "#LastFirst": "#VermeerschŁęckaSolange",
    "@handle": "@solange_vermeersch",
    "split by Markdown": "Ver*meer*sch-Łęcka, Sol**ange**, Łę~~ck~~a et Sol`an`ge",
    "across a line break": "Solange\nVermeersch-Łęcka",
    "invisible characters": "So\u034flange Ver\u200bmeer\u3164sch-Łę\u17b4c\ufe0fk\u180ba",
    "Cyrillic look-alikes": "Sоlаngе Vеrmееrsсh-Łęсkа et VЕRMЕЕRЅСН-ŁĘСКА",
    "%-encoded link target": (
        "[sa fiche](https://annuaire.example.fr/p/Solange%20Vermeersch-%C5%81%C4%99cka) et "
        "[la suite](https://annuaire.example.fr/p/%53%6F%6C%61%6E%67%65)"
    ),
    "initial and surname": "S. Vermeersch-Łęcka",
}


@pytest.mark.pdf
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_output_at_all_reads_a_protected_name(form: str, tmp_path: Path) -> None:
    """The name in one form in every field: every output, the PDF report (text, metadata,
    XMP, tags, attached sources), the method sheets' PDFs, the archive zip with its deposit
    records, and the catalogue's sites made from the folder and from the archive."""
    insertions = [
        (form, kind, EXPLICIT[form])
        for kind in sorted(FIELDS)
        if kind != "media file name" or form in FILE_NAME_FORMS
    ]
    case = Case(EXPLICIT_PERSON, "Marc Solange", insertions, "withdrawn")
    write_case(case, tmp_path)
    all_outputs(case, tmp_path / "out")
    check_outputs(case, tmp_path / "out")

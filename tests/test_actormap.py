"""The actor map (SVG), the influence/interest matrix, the table of stakes and the exports."""

from __future__ import annotations

import csv
import io
import math
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from residence.cli import app
from residence.gate import select_edition
from residence.i18n import translator
from residence.load import load_residency
from residence.models import Published
from residence.models.actors import Actor, Relation
from residence.models.residence import Residence
from residence.models.residency import Residency
from residence.render.actormap import (
    A4_WIDTH_UNITS,
    CIRCLES,
    FONT_SIZE,
    SECTORS,
    MapLayout,
    fontwidths,
    kumu_csv_names,
    label_variants,
    layout_actor_map,
    measure_fonts,
    render_actor_map_svg,
    render_matrix_svg,
    stakes_table,
    text_width,
    to_graphml,
    to_kumu_csv,
)
from residence.render.actormap.measure_fonts import Measure
from residence.render.actormap.svg import BAND_HEIGHT
from residence.render.markdown import typography

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
SVG = "{http://www.w3.org/2000/svg}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
FR = translator("fr", "report")
EN = translator("en", "report")


@pytest.fixture(scope="module")
def example() -> Residency:
    """The bundled example, as its public edition."""
    residency, problems = load_residency(EXAMPLE)
    assert not [p for p in problems if p.severity == "error"]
    return select_edition(residency, "public")


@pytest.fixture(scope="module")
def example_svg(example: Residency) -> str:
    return render_actor_map_svg(example, FR)


@pytest.fixture(scope="module")
def example_layout(example: Residency) -> MapLayout:
    return layout_actor_map(example, FR)


def make_residency(actors: list[Actor], relations: list[Relation] | None = None) -> Residency:
    return Residency(root=Path("."), actors=actors, relations=relations or [])


def actor(id: str, name: str, **fields: object) -> Actor:
    values: dict[str, object] = {"kind": "association", "sector": "public", "circle": "core"}
    values.update(fields)
    return Actor(id=id, name=name, **values)  # type: ignore[arg-type]


def relation(a: str, b: str, kind: str, note: str | None = None) -> Relation:
    return Relation.model_validate({"from": a, "to": b, "kind": kind, "note": note})


def crowded(count: int = 40) -> Residency:
    """Forty actors, all in the core of the public sector, with names of every length."""
    names = [
        "CCAS",
        "Mission locale",
        "Association des habitants du quartier des Forges",
        "Direction de l'éducation et des lycées",
        "Élu",
        "Service technique municipal",
    ]
    actors = [
        actor(f"a{i}", f"{names[i % len(names)]} {i}", influence=i % 5 + 1) for i in range(count)
    ]
    relations = [relation("a0", f"a{i}", "cooperation") for i in range(1, 6)]
    return make_residency(actors, relations)


def generated(count: int, seed: int = 20) -> Residency:
    """``count`` actors in random sectors and circles (fewer in the core), named in one to four
    words, some long, with influences 1 to 5, and about 150 relations: a large map, as
    bench/actormap.py makes them."""
    rng = random.Random(seed)
    heads = ["Mairie", "Direction", "Association", "Collectif", "Centre", "Mission", "Syndicat"]
    words = ["des habitants", "du quartier", "régionale", "de l'emploi", "Saint-Aubin-les-Forges",
             "jeunesse", "intercommunale", "d'insertion professionnelle", "numérique"]  # fmt: skip
    actors = [
        actor(
            f"a{i}",
            " ".join([rng.choice(heads), *(rng.choice(words) for _ in range(rng.randrange(4)))]),
            kind=rng.choice(["institution", "service", "elected", "association", "user"]),
            sector=rng.choice(SECTORS),
            circle=rng.choices(CIRCLES, (2, 4, 4))[0],
            influence=rng.randrange(1, 6),
        )
        for i in range(count)
    ]
    pairs = [(rng.randrange(count), rng.randrange(count)) for _ in range(150)]
    links = [relation(f"a{a}", f"a{b}", "cooperation") for a, b in pairs if a != b]
    return make_residency(actors, links)


def label_text(element: ET.Element) -> str:
    """Return the text of a <text>, its lines joined without spaces."""
    return "".join("".join(element.itertext()).split())


def boxes_overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> bool:
    """Return True when two (left, top, right, bottom) boxes overlap."""
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def assert_layout_is_clean(layout: MapLayout) -> None:
    """No two labels overlap, and each actor sits inside its ring and sector."""
    boxes = [g.box for g in layout.glyphs] + [g.box for g in layout.sector_glyphs.values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not boxes_overlap(a, b), (a, b)
    for glyph in layout.glyphs:
        assert glyph.actor is not None
        ring = CIRCLES.index(glyph.actor.circle)
        inner = layout.radii[ring - 1] if ring else 0.0
        left, top, right, bottom = glyph.box
        corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
        assert max(math.hypot(x, y) for x, y in corners) <= layout.radii[ring]
        if inner:
            near = math.hypot(max(abs(glyph.x) - glyph.width / 2, 0),
                              max(abs(glyph.y) - glyph.height / 2, 0))  # fmt: skip
            assert near >= inner
        start, end = layout.sectors[glyph.actor.sector]
        for x, y in corners:
            assert (math.atan2(y, x) - start) % (2 * math.pi) <= end - start + 1e-9


# -- layout ------------------------------------------------------------------------------


def test_layout_example_labels_do_not_overlap(example_layout: MapLayout) -> None:
    assert_layout_is_clean(example_layout)


def test_layout_forty_actors_in_one_cell_do_not_overlap() -> None:
    layout = layout_actor_map(crowded(40), FR)
    assert len(layout.glyphs) == 40
    assert_layout_is_clean(layout)


def test_layout_every_actor_in_every_cell() -> None:
    actors = [
        actor(f"{c}-{s}-{i}", f"Acteur {c} {s} {i}", circle=c, sector=s)
        for c in CIRCLES
        for s in SECTORS
        for i in range(2)
    ]
    assert_layout_is_clean(layout_actor_map(make_residency(actors), EN))


def test_layout_sectors_share_the_circle(example_layout: MapLayout) -> None:
    spans = [end - start for start, end in example_layout.sectors.values()]
    assert math.isclose(sum(spans), 2 * math.pi)
    assert min(spans) >= math.radians(40) - 1e-9


def test_layout_is_deterministic(example: Residency, example_svg: str) -> None:
    assert render_actor_map_svg(example, FR) == example_svg


@pytest.mark.parametrize("count", [80, 160])
def test_layout_of_a_large_map_is_clean_and_deterministic(count: int) -> None:
    residency = generated(count)
    layout = layout_actor_map(residency, FR)
    assert len(layout.glyphs) == count
    assert_layout_is_clean(layout)
    again = layout_actor_map(generated(count), FR)
    assert [(g.key, g.x, g.y, g.lines) for g in again.glyphs] == [
        (g.key, g.x, g.y, g.lines) for g in layout.glyphs
    ]
    assert (again.radii, again.sectors) == (layout.radii, layout.sectors)


def test_layout_core_labels_leave_the_centre_clear_and_air_between(
    example_layout: MapLayout,
) -> None:
    """The core's labels are spread over it: none near the centre, where the relations
    meet, and each clear of the others by more than a label of the outer rings is."""
    core = [g for g in example_layout.glyphs if g.actor is not None and g.actor.circle == "core"]
    assert len(core) >= 6
    for glyph in core:
        near_x = max(abs(glyph.x) - glyph.width / 2, 0.0)
        near_y = max(abs(glyph.y) - glyph.height / 2, 0.0)
        assert math.hypot(near_x, near_y) >= example_layout.radii[0] / 5, glyph.key
    for i, a in enumerate(core):
        for b in core[i + 1 :]:
            apart_x = max(b.box[0] - a.box[2], a.box[0] - b.box[2], 0.0)
            apart_y = max(b.box[1] - a.box[3], a.box[1] - b.box[3], 0.0)
            assert math.hypot(apart_x, apart_y) >= 9, (a.key, b.key)


def test_label_variants_wrap_long_names() -> None:
    name = "Adjoint au maire chargé de la jeunesse, Ville de Saint-Aubin-les-Forges"
    variants = label_variants(name)
    assert all(len(lines) <= 5 for lines in variants)
    assert [len(lines) for lines in variants] == sorted(len(lines) for lines in variants)
    for lines in variants:
        assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    assert label_variants("Élu") == [["Élu"]]


def test_text_width_grows_with_text() -> None:
    assert text_width("iiii") < text_width("MMMM")
    assert text_width("abc", 26) == pytest.approx(2 * text_width("abc", 13))
    assert text_width("漢字") > 0


# -- translations --------------------------------------------------------------------------


def test_every_label_of_the_map_has_a_french_translation() -> None:
    from residence.i18n import _catalog
    from residence.render.actormap import vocabulary

    wanted: set[str] = set()
    for table in (
        vocabulary.SECTOR_NAMES,
        vocabulary.CIRCLE_NAMES,
        vocabulary.RING_NAMES,
        vocabulary.SECTOR_LABELS,
        vocabulary.RELATION_NAMES,
        vocabulary.KIND_NAMES,
        vocabulary.SHAPE_NAMES,
    ):
        wanted.update(table.values())
    call = re.compile(r"""gettext\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)
    package = Path(vocabulary.__file__).parent
    for path in package.glob("*.py"):
        text = re.sub(r'"\s*\n\s*"', "", path.read_text(encoding="utf-8"))
        wanted.update(m.group(2) for m in call.finditer(text))
    assert len(wanted) > 40
    french = _catalog("report", "fr")
    assert sorted(w for w in wanted if w not in french) == []


# -- the font widths ------------------------------------------------------------------------


def recorded(weight: str) -> list[Measure]:
    """Return the measures fontwidths.py holds for a weight: shipped font, then fallback."""
    fonts = fontwidths.REGULAR if weight == "regular" else fontwidths.BOLD
    return [
        Measure(file, version, units, tuple(int(w) for w in widths.split()))
        for file, version, units, widths in fonts
    ]


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_font_widths_are_those_of_the_shipped_font(weight: str) -> None:
    assert fontwidths.CHARACTERS == measure_fonts.CHARACTERS
    assert recorded(weight)[0] == measure_fonts.measure(measure_fonts.shipped_font(weight))


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_font_widths_are_those_of_the_fallback_font(weight: str) -> None:
    path = measure_fonts.fallback_font(weight)
    if path is None:
        pytest.skip(f"{measure_fonts.FALLBACK[weight]} is not installed")
    found = measure_fonts.measure(path)
    if found.version != recorded(weight)[1].version:
        pytest.skip(f"another version of {found.file} is installed: {found.version}")
    assert recorded(weight)[1] == found


def test_font_widths_file_is_what_measure_fonts_writes() -> None:
    measures = {weight: recorded(weight) for weight in ("regular", "bold")}
    assert measure_fonts.generate(measures) == measure_fonts.OUTPUT.read_text(encoding="utf-8")


def test_text_width_counts_the_wider_font_of_each_character() -> None:
    # "m": Instrument Sans 922/1000 em, DejaVu Sans Condensed 1795/2048 (0.876) em.
    assert text_width("m", 100) == pytest.approx(92)
    # "1": Instrument Sans 391/1000, DejaVu Sans Condensed 1172/2048 (0.572).
    assert text_width("1", 100) == pytest.approx(57)
    # Bold "Œ" takes the regular width, rounded up: 1064/1000 em makes 1.07 em.
    assert text_width("Œ", 100, bold=True) == pytest.approx(107)


# -- the SVG -----------------------------------------------------------------------------


def test_actor_map_svg_is_well_formed_and_accessible(example: Residency, example_svg: str) -> None:
    root = ET.fromstring(example_svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert "width" not in root.attrib and "height" not in root.attrib
    assert len(root.get("viewBox", "").split()) == 4
    assert "sans-serif" in root.get("font-family", "")
    labelled = root.get("aria-labelledby", "").split()
    assert [root.find(f".//*[@id='{i}']").tag for i in labelled] == [f"{SVG}title", f"{SVG}desc"]
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text and title.text.startswith("Carte des acteurs")
    assert desc is not None and desc.text
    assert f"{len(example.actors)}\u00a0acteurs" in desc.text.replace(" ", "\u00a0")
    for circle, name in (("core", "Cœur"), ("direct", "Cercle direct")):
        count = sum(a.circle == circle for a in example.actors)
        assert re.search(rf"{name}\s:\s{count}\sacteurs?", desc.text), desc.text


def test_actor_map_has_one_text_per_actor(example: Residency, example_svg: str) -> None:
    root = ET.fromstring(example_svg)
    groups = root.findall(f".//{SVG}g[@class='actor']")
    assert len(groups) == len(example.actors)
    by_id = {g.get("data-id"): g for g in groups}
    for item in example.actors:
        texts = by_id[item.id].findall(f"{SVG}text")
        assert len(texts) == 1
        assert label_text(texts[0]) == "".join(typography(item.name, "fr").split())


def test_actor_map_public_edition_shows_pseudonyms(example_svg: str) -> None:
    source, _ = load_residency(EXAMPLE)
    protected = [a for a in source.actors if a.personal and a.id == "solange-vermeersch"]
    for person in protected:
        for part in person.name.split():
            assert part not in example_svg
    if protected:
        assert "Personne" in example_svg


def test_actor_map_text_is_legible_on_a4(example_svg: str) -> None:
    root = ET.fromstring(example_svg)
    width = float(root.get("viewBox", "").split()[2])
    assert width <= A4_WIDTH_UNITS
    sizes = [float(e.get("font-size") or FONT_SIZE) for e in root.iter(f"{SVG}text")]
    # Printed across an A4 page (180 mm of text width), the smallest text is at least 9 pt.
    smallest_mm = min(sizes) * 180 / width
    assert smallest_mm / 25.4 * 72 >= 9


def test_actor_map_has_a_legend(example_svg: str) -> None:
    texts = {"".join(e.itertext()) for e in ET.fromstring(example_svg).iter(f"{SVG}text")}
    for label in ("LÉGENDE", "Coopération", "Tension", "Financement", "Autorité",
                  "Information", "Service", "Organisation", "Personne",
                  "Groupe de personnes", "Taille\u00a0: influence (1 à 5)"):  # fmt: skip
        assert label in texts, label
    for label in ("PUBLIC", "PRIVÉ", "SOCIÉTÉ CIVILE", "USAGERS", "CŒUR", "DIRECT", "INDIRECT"):
        assert any(label in "".join(text.split()) or label in text for text in texts), label


def test_actor_map_relations_read_without_colour(example: Residency, example_svg: str) -> None:
    root = ET.fromstring(example_svg)
    relations = root.find(f".//{SVG}g[@class='relations']")
    assert relations is not None
    arrows = [p for p in relations.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == sum(r.kind in ("authority", "funding") for r in example.relations)
    dashes = {p.get("stroke-dasharray") for p in relations.iter(f"{SVG}path")}
    assert {"0.1 4", "6 3.5"} <= dashes  # information dotted, service dashed


def test_actor_map_in_english() -> None:
    residency = make_residency(
        [actor("a", "Town hall", kind="institution"), actor("b", "Bakery", sector="private")],
        [relation("a", "b", "funding", "Grant")],
    )
    svg = render_actor_map_svg(residency, EN)
    texts = {"".join(e.itertext()) for e in ET.fromstring(svg).iter(f"{SVG}text")}
    assert {"Town hall", "Bakery", "LEGEND", "Funding", "PRIVATE", "CORE"} <= texts


def test_actor_map_escapes_hostile_names() -> None:
    names = [
        '<script>alert(1)</script> & "friends"',
        "]]><svg onload=alert(1)>",
        "<!-- x --> <?xml ?> &amp; &#x3C;",
        "Control\x0bcharacter\x1f here",
        "' onmouseover='alert(1)",
    ]
    residency = make_residency(
        [actor(f"a{i}", name) for i, name in enumerate(names)],
        [relation("a0", "a1", "tension", "<b>note</b>")],
    )
    residency.residence = None
    for svg in (render_actor_map_svg(residency, EN), render_matrix_svg(residency, EN)):
        root = ET.fromstring(svg)  # well-formed despite the names
        tags = {element.tag for element in root.iter()}
        assert f"{SVG}script" not in tags and f"{SVG}foreignObject" not in tags
        assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)
        assert "<script" not in svg and "<svg onload" not in svg
        text = "".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))
        assert "<script>alert(1)</script>" in text.replace(" ", "") or "<script>" in text


def test_actor_map_title_includes_the_residency() -> None:
    residency = make_residency([actor("a", "Mairie")])
    residency.residence = Residence.model_construct(title="Le hall & la cour", accent="#336699")
    svg = render_actor_map_svg(residency, FR, id_prefix="m2")
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Carte des acteurs — Le hall & la cour"
    assert title.get("id") == "m2-title"
    assert 'fill="#336699"' in svg  # the residency's accent colour marks the actors


def test_actor_map_without_actors_still_draws_rings() -> None:
    root = ET.fromstring(render_actor_map_svg(make_residency([]), FR))
    assert not root.findall(f".//{SVG}g[@class='actor']")
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and desc.text.startswith("0 acteur et 0 relation.")


def test_actor_map_skips_relations_to_unknown_actors() -> None:
    residency = make_residency([actor("a", "A")], [relation("a", "ghost", "cooperation")])
    root = ET.fromstring(render_actor_map_svg(residency, EN))
    relations = root.find(f".//{SVG}g[@class='relations']")
    assert relations is not None and not list(relations)


# -- matrix and table --------------------------------------------------------------------


def test_matrix_svg_places_actors_and_lists_the_rest(example: Residency) -> None:
    example.actors.append(actor("sans-valeurs", "Acteur sans valeurs"))
    try:
        svg = render_matrix_svg(example, FR)
    finally:
        example.actors.pop()
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}desc") is not None
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    joined = " ".join(texts)
    assert "Non placés" in joined and "Acteur sans valeurs" in joined
    assert {"INTÉRÊT", "INFLUENCE", "1", "5"} <= set(texts)
    placed = [a for a in example.actors if a.influence and a.interest]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and str(len(placed)) in desc.text


def test_stakes_table_orders_by_circle_then_sector(example: Residency) -> None:
    rows = stakes_table(example, FR)
    assert len(rows) == len(example.actors)
    keys = [(CIRCLES.index(str(r["circle"])), SECTORS.index(str(r["sector"]))) for r in rows]
    assert keys == sorted(keys)
    first = rows[0]
    assert {"id", "actor", "kind", "sector", "circle", "stakes", "sector_label"} <= set(first)
    assert first["circle_label"] == "Cœur"
    assert isinstance(first["stakes"], list)
    assert "sector_label" not in stakes_table(example)[0]


# -- exports -----------------------------------------------------------------------------


def test_graphml_parses_with_the_right_counts(example: Residency) -> None:
    root = ET.fromstring(to_graphml(example))
    keys = {(k.get("id"), k.get("for")) for k in root.findall(f"{GRAPHML}key")}
    for name in ("name", "label", "kind", "sector", "circle", "influence", "interest", "stakes"):
        assert (name, "node") in keys
    assert {("relation", "edge"), ("note", "edge")} <= keys
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = graph.findall(f"{GRAPHML}node")
    edges = graph.findall(f"{GRAPHML}edge")
    assert len(nodes) == len(example.actors)
    assert len(edges) == len(example.relations)
    ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    first = nodes[0]
    data = {d.get("key"): d.text for d in first.findall(f"{GRAPHML}data")}
    assert data["name"] == example.actors[0].name
    assert data["influence"] == str(example.actors[0].influence)


def test_graphml_escapes_and_skips_dangling_relations() -> None:
    residency = make_residency(
        [actor("a", "<A & B>\x0b"), actor("b", "B")],
        [relation("a", "b", "tension", 'note "<x>"'), relation("a", "ghost", "service")],
    )
    root = ET.fromstring(to_graphml(residency))
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    assert len(graph.findall(f"{GRAPHML}edge")) == 1
    names = [d.text for d in root.iter(f"{GRAPHML}data") if d.get("key") == "name"]
    assert names == ["<A & B>", "B"]


def test_kumu_csv_has_kumu_columns(example: Residency) -> None:
    elements, connections = to_kumu_csv(example, FR)
    rows = list(csv.DictReader(io.StringIO(elements)))
    assert list(rows[0])[:4] == ["Label", "Type", "Description", "Tags"]
    assert len(rows) == len(example.actors)
    assert {r["Label"] for r in rows} == {a.name for a in example.actors}
    links = list(csv.DictReader(io.StringIO(connections)))
    assert list(links[0])[:4] == ["From", "To", "Type", "Description"]
    assert len(links) == len(example.relations)
    labels = {r["Label"] for r in rows}
    assert all(link["From"] in labels and link["To"] in labels for link in links)
    assert {link["Type"] for link in links} <= {
        "Coopération",
        "Tension",
        "Financement",
        "Autorité",
        "Information",
        "Service",
    }


def test_kumu_csv_keeps_labels_unique_and_defuses_formulas() -> None:
    residency = make_residency(
        [actor("a", "Mairie"), actor("b", "Mairie"), actor("c", '=HYPERLINK("x")')],
        [relation("a", "b", "cooperation"), relation("c", "a", "funding")],
    )
    elements, connections = to_kumu_csv(residency, EN)
    labels = [r["Label"] for r in csv.DictReader(io.StringIO(elements))]
    assert labels == ["Mairie (a)", "Mairie (b)", '\'=HYPERLINK("x")']
    links = list(csv.DictReader(io.StringIO(connections)))
    assert (links[0]["From"], links[0]["To"], links[0]["Direction"]) == (
        "Mairie (a)",
        "Mairie (b)",
        "mutual",
    )
    assert links[1]["Direction"] == "directed"


# -- the team edition's band ------------------------------------------------------------

BANDS = {"fr": "Document interne — ne pas diffuser", "en": "Internal document — do not distribute"}


def editions(folder: Path, language: str) -> tuple[Published, Published]:
    """Return the public and the team edition of a residency written in ``language``."""
    config = folder / "residence.yaml"
    text = config.read_text(encoding="utf-8").replace("language: fr\n", f"language: {language}\n")
    config.write_text(text, encoding="utf-8")
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"], problems
    assert residency.language == language
    return select_edition(residency, "public"), select_edition(residency, "team")


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    return x, y, width, height


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_map_and_matrix_carry_the_band(minimal: Path, language: str) -> None:
    public, team = editions(minimal, language)
    band, t = BANDS[language], translator(language, "report")
    for draw in (render_actor_map_svg, render_matrix_svg):
        root = ET.fromstring(draw(team, t))
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and (title.text or "").startswith(f"{band}. ")
        assert desc is not None and (desc.text or "").startswith(f"{band}. ")
        strip = root.find(f"{SVG}g[@class='edition-band']")
        assert strip is not None and strip is root.find(f"{SVG}g")  # drawn first, read first
        text, rect = strip.find(f"{SVG}text"), strip.find(f"{SVG}rect")
        assert text is not None and "".join(text.itertext()) == band.upper()
        assert text.get("font-size") == "13" and text.get("fill") == "#ffffff"  # ≥ 9 pt on A4
        x, y, width, _ = view_box(root)
        assert rect is not None and float(rect.get("y") or 0) == y  # across the top
        assert float(rect.get("x") or 0) == x
        assert float(rect.get("width") or 0) == pytest.approx(width, abs=0.1)
        assert text_width(band.upper(), bold=True, spacing=1.5) < width - 24

        plain = draw(public, t)
        assert band not in plain and band.upper() not in plain and "edition-band" not in plain


@pytest.mark.parametrize("draw", [render_actor_map_svg, render_matrix_svg])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_band_moves_nothing_and_overlaps_nothing(draw: object, language: str) -> None:
    """The team drawing is the other one plus a strip above it: the same bytes otherwise."""
    residency = make_residency(
        [actor("a", "Mairie", influence=5, interest=2), actor("b", "Boulangerie")],
        [relation("a", "b", "funding")],
    )
    t = translator(language, "report")
    assert callable(draw)
    plain = draw(residency, t)
    residency.edition = "team"
    marked = draw(residency, t)
    band = re.search(r'<g class="edition-band">.*?</g>', marked)
    assert band is not None and BANDS[language].upper() in band.group()
    rest = marked.replace(band.group(), "")
    box = re.compile(r'viewBox="[^"]*"|<title[^>]*>[^<]*</title>|<desc[^>]*>[^<]*</desc>')
    assert box.sub("", rest) == box.sub("", plain)
    _, old_top, _, old_height = view_box(ET.fromstring(plain))
    _, top, _, height = view_box(ET.fromstring(marked))
    assert top + BAND_HEIGHT < old_top  # the strip ends above where the drawing began
    assert top + height == pytest.approx(old_top + old_height)  # the bottom did not move


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_graphml_carries_the_band(minimal: Path, language: str) -> None:
    public, team = editions(minimal, language)
    band = BANDS[language]
    text = to_graphml(team)
    assert text.splitlines()[1] == f"<!-- {band} -->"  # the first line after the declaration
    root = ET.fromstring(text)
    key = root.find(f"{GRAPHML}key[@id='notice']")
    assert key is not None and (key.get("for"), key.get("attr.name")) == ("graph", "notice")
    notice = root.find(f"{GRAPHML}graph/{GRAPHML}data[@key='notice']")
    assert notice is not None and notice.text == band
    plain = to_graphml(public)
    assert band not in plain and "notice" not in plain and "<!--" not in plain


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_kumu_sheets_carry_the_band_in_their_names(minimal: Path, language: str) -> None:
    public, team = editions(minimal, language)
    slug = {"fr": "document-interne-ne-pas-diffuser", "en": "internal-document-do-not-distribute"}
    assert kumu_csv_names(team) == (
        f"actors-elements-{slug[language]}.csv",
        f"actors-connections-{slug[language]}.csv",
    )
    assert kumu_csv_names(public) == ("actors-elements.csv", "actors-connections.csv")
    for sheets in (to_kumu_csv(team), to_kumu_csv(public)):  # Kumu reads the same columns
        assert sheets[0].startswith("Label,") and sheets[1].startswith("From,")


def test_map_command_team_edition_marks_every_file(tmp_path: Path) -> None:
    result = run(EXAMPLE, "--edition", "team", "--out", tmp_path / "team")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    band = BANDS["fr"]
    names = sorted(p.name for p in (tmp_path / "team").iterdir())
    csvs = [n for n in names if n.endswith(".csv")]
    assert csvs == [
        f"actors-{s}-document-interne-ne-pas-diffuser.csv" for s in ("connections", "elements")
    ]
    for name in set(names) - set(csvs):
        assert band in (tmp_path / "team" / name).read_text(encoding="utf-8"), name
    result = run(EXAMPLE, "--out", tmp_path / "public")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    for path in (tmp_path / "public").iterdir():
        assert "interne" not in path.name
        assert band not in path.read_text(encoding="utf-8"), path.name


# -- the command -------------------------------------------------------------------------


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, ["map", *(str(a) for a in args)])


def test_map_command_writes_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(EXAMPLE, "--out", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    names = ["actor-map.svg", "actor-matrix.svg", "actor-map.graphml",
             "actors-elements.csv", "actors-connections.csv"]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name in names:
        assert str(out / name) in result.stdout  # type: ignore[attr-defined]
    ET.parse(out / "actor-map.svg")
    ET.parse(out / "actor-map.graphml")
    everything = "".join((out / name).read_text(encoding="utf-8") for name in names)
    assert "Vermeersch" not in everything  # a person without a public consent


def test_map_command_team_edition_shows_real_names(tmp_path: Path) -> None:
    result = run(EXAMPLE, "--edition", "team", "--to", "csv", "--out", tmp_path)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "actors-connections-document-interne-ne-pas-diffuser.csv",
        "actors-elements-document-interne-ne-pas-diffuser.csv",
    ]
    elements = tmp_path / "actors-elements-document-interne-ne-pas-diffuser.csv"
    assert "Vermeersch" in elements.read_text(encoding="utf-8")
    assert "TEAM EDITION" in result.stderr  # type: ignore[attr-defined]


def test_map_command_default_out_is_build(minimal: Path) -> None:
    result = run(minimal, "--to", "svg")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (minimal / "_build" / "public" / "actor-map.svg").is_file()


def test_map_command_refuses_an_invalid_residency(tmp_path: Path) -> None:
    folder = copy_project("broken-dangling-relation", tmp_path)
    result = run(folder)
    assert result.exit_code == 1
    assert "error:" in result.stderr  # type: ignore[attr-defined]
    assert not (folder / "_build").exists()


@pytest.mark.parametrize("args", [["--to", "pdf"], ["--to", ","]])
def test_map_command_usage_errors(minimal: Path, args: list[str]) -> None:
    assert run(minimal, *args).exit_code == 2
    assert not (minimal / "_build").exists()


def test_map_command_refuses_a_file_as_out(minimal: Path) -> None:
    target = minimal / "afile"
    target.write_text("x", encoding="utf-8")
    assert run(minimal, "--out", target).exit_code == 2
    assert run(minimal / "nowhere").exit_code == 2

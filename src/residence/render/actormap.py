"""The actor map drawn as SVG (rings and sectors, relations, legend), and its exports.

Everything here takes the residency returned by ``residence.edition.select_edition``: by
then a protected person's name is already its pseudonym, so the map shows what the edition
may show and nothing else.

The map: three concentric rings (core in the centre, then direct, indirect) split into four
sectors (public, private, civil society, users). A sector's angle follows how much it holds
(each keeps at least 40°), and the rings widen until every label fits its cell. The layout is
deterministic: in each cell the actors get evenly spread ideal spots (on alternating radii
when the cell is crowded) and each takes the free spot nearest to its ideal, checked against
the cell's edges and every label already placed, with label widths estimated from the
characters (so nothing depends on the fonts installed). Relations are gentle curves whose
kind reads in black and white: solid, dotted, dashed, zigzag, double, arrows.

The SVG is accessible (``role="img"``, ``<title>``, ``<desc>`` summing up the actors per ring
and sector), scales with its ``viewBox`` (no fixed pixel size), uses real ``<text>`` at a size
that stays at or above 9 pt when the map is printed across an A4 page, and escapes all user
text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from residence.i18n import Translator, translator
from residence.models.actors import Actor, Relation
from residence.models.residency import Residency
from residence.render.markdown import to_plain_text, typography

SECTORS = ("public", "private", "civil-society", "users")
CIRCLES = ("core", "direct", "indirect")
RELATION_KINDS = ("cooperation", "tension", "funding", "authority", "information", "service")

#: English source strings of the labels (translated with the "report" catalogue).
SECTOR_NAMES = {
    "public": "Public sector",
    "private": "Private sector",
    "civil-society": "Civil society",
    "users": "Users",
}
CIRCLE_NAMES = {"core": "Core", "direct": "Direct circle", "indirect": "Indirect circle"}
RING_NAMES = {"core": "Core", "direct": "Direct", "indirect": "Indirect"}  # short, on the map
SECTOR_LABELS = {  # short, on the map
    "public": "Public",
    "private": "Private",
    "civil-society": "Civil society",
    "users": "Users",
}
RELATION_NAMES = {
    "cooperation": "Cooperation",
    "tension": "Tension",
    "funding": "Funding",
    "authority": "Authority",
    "information": "Information",
    "service": "Service",
}
KIND_NAMES = {
    "institution": "Institution",
    "service": "Service",
    "elected": "Elected official",
    "agent": "Agent",
    "association": "Association",
    "company": "Company",
    "inhabitant": "Inhabitant",
    "user": "User",
    "person": "Person",
}
SHAPE_NAMES = {"square": "Organisation", "circle": "Person", "triangle": "Group of people"}

DEFAULT_ACCENT = "#b5452b"
FONT_FAMILY = (
    "'Instrument Sans', 'Residence Symbols', 'Helvetica Neue', Helvetica, Arial, "
    "'Liberation Sans', 'DejaVu Sans Condensed', sans-serif"
)
INK = "#1d1d1b"
GREY = "#6f6d68"
LINE_GREY = "#c7c3ba"
LINK = "#57544e"  # relations
RING_FILLS = ("#f5f3ef", "#eae7e0")  # indirect, direct; the core is tinted with the accent

#: Every text of the map is at least this size. The map is laid out so that the example
#: residency's viewBox stays under A4_WIDTH_UNITS wide: printed across an A4 page (180 mm),
#: 13 units are then at least 9 pt.
FONT_SIZE = 13.0
LINE_HEIGHT = 15.0
A4_WIDTH_UNITS = 740.0

_GAP = 5.0  # between two labels
_PAD = 4.0  # between a label and a ring's circle
_RAY_CLEARANCE = 6.0  # between a label and a sector's boundary (ring names sit on one)
_STEP = 7.0  # spacing of the candidate spots in a cell
_MIN_SECTOR = math.radians(40)
_FILL = 0.6  # how much of a cell labels may cover before the layout widens its ring
_WRAP_WIDTHS = (210.0, 180.0, 150.0, 125.0, 105.0, 90.0, 78.0)  # widest first
_MAX_LINES = 5
_SECTOR_SPACING = 1.5  # letter spacing of the sector names
_NEAR = 120  # spots near its ideal where a name is tried on fewer lines first

# Advance widths (hundredths of an em) of ASCII 32-126: the wider of Instrument Sans (the
# report's font) and DejaVu Sans Condensed (the fallback on a bare Linux), so that an estimate
# does not fall short of the fonts named in FONT_FAMILY.
_WIDTHS = (
    "29 36 41 75 61 85 76 25 41 41 45 75 29 51 29 44 67 57 57 57 60 57 60 57 58 61 30 30 75 75 "
    "75 57 90 73 64 74 75 64 60 76 74 27 46 69 59 91 74 79 66 79 66 61 65 71 73 109 69 68 62 41 "
    "44 41 75 45 45 55 61 53 61 56 35 61 60 25 25 54 25 92 60 58 61 61 38 47 38 59 53 77 55 53 "
    "50 57 30 57 75"
)
_BOLD_WIDTHS = (
    "31 41 47 75 64 90 78 28 44 44 47 75 34 49 34 44 68 63 63 63 63 63 63 63 63 63 36 36 75 75 "
    "75 58 90 73 69 75 76 63 61 76 75 33 43 71 59 90 75 79 67 81 69 65 66 73 73 109 71 70 65 44 "
    "44 44 75 47 45 61 64 55 64 61 39 64 64 31 31 60 31 94 64 62 64 64 44 54 43 64 59 83 59 59 "
    "52 64 33 64 75"
)
_ADVANCE = {chr(32 + i): int(w) / 100 for i, w in enumerate(_WIDTHS.split())}
_BOLD_ADVANCE = {chr(32 + i): int(w) / 100 for i, w in enumerate(_BOLD_WIDTHS.split())}
_SPECIAL = {"\u2019": 0.29, "\u2018": 0.29, "«": 0.55, "»": 0.55, "…": 0.9, "\u2013": 0.59,
            "\u2014": 0.9, "œ": 0.95, "Œ": 1.07, "æ": 0.89, "Æ": 0.94, "€": 0.71, "\u00a0": 0.29,
            "\u202f": 0.18, "·": 0.29}  # fmt: skip
# Characters XML 1.0 cannot carry at all (a YAML "\v" escape, say).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- text ------------------------------------------------------------------------------


def text_width(
    text: str, size: float = FONT_SIZE, *, bold: bool = False, spacing: float = 0
) -> float:
    """Return an estimate of the width of one line of text, never short of the real one."""
    table = _BOLD_ADVANCE if bold else _ADVANCE
    total = 0.0
    for char in text:
        if char in table:
            total += table[char]
        elif char in _SPECIAL:
            total += _SPECIAL[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif unicodedata.combining(char):
            continue
        else:
            base = unicodedata.normalize("NFKD", char)[:1]
            total += table.get(base, 0.75)
    return total * size + spacing * len(text)


def xml_text(text: str) -> str:
    """Return text safe inside an XML element or a double-quoted attribute."""
    text = _XML_INVALID.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def label_variants(text: str, size: float = FONT_SIZE) -> list[list[str]]:
    """Return the ways to set a name, fewest lines first, each as narrow as its line count
    allows: the layout takes the first that fits (a wide label on top of a ring, a tall
    one on its sides). At most five lines; words are cut only when one is wider than a
    line, and a longer name is cut with an ellipsis."""
    text = " ".join(text.split()) or "?"
    widest = _WRAP_WIDTHS[0]
    found: dict[int, list[str]] = {}
    if text_width(text, size) <= widest:
        found[1] = [text]
    for width in _WRAP_WIDTHS:
        lines = _wrap_to(text, width, size, cut_words=False)
        if lines and 1 < len(lines) <= _MAX_LINES:
            found[len(lines)] = lines
    if not found:
        lines = _wrap_to(text, widest, size) or [text]
        if len(lines) <= _MAX_LINES:
            return [lines]
        last = lines[_MAX_LINES - 1]
        while last and text_width(last + "…", size) > widest:
            last = last[:-1]
        found[_MAX_LINES] = [*lines[: _MAX_LINES - 1], last.rstrip() + "…"]
    return [found[count] for count in sorted(found)]


def _wrap_to(text: str, width: float, size: float, *, cut_words: bool = True) -> list[str]:
    """Fill lines up to ``width``, breaking between words and after the hyphens of long
    compound words (Saint-Aubin-les-Forges). A word wider than a line is cut where it must,
    or, without ``cut_words``, the result is empty."""
    pieces: list[tuple[str, bool]] = []  # (text, glued to the previous piece)
    for word in text.split(" "):
        long = text_width(word, size) > max(width, 110.0)
        parts = re.findall(r"[^-]+-*|-+", word) if long else [word]
        for index, part in enumerate(parts):
            chunks = _split_long(part, width, size)
            if len(chunks) > 1 and not cut_words:
                return []
            for chunk, piece in enumerate(chunks):
                pieces.append((piece, index > 0 or chunk > 0))
    lines: list[str] = []
    current = ""
    for piece, glued in pieces:
        candidate = current + ("" if glued or not current else " ") + piece
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _split_long(word: str, width: float, size: float) -> list[str]:
    """Cut a word wider than a line into pieces that fit (names rarely need it)."""
    out: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, size) > width:
            out.append(current)
            current = char
        else:
            current += char
    return [*out, current] if current else out


# -- shapes and labels ------------------------------------------------------------------


def actor_shape(actor: Actor) -> str:
    """Return the marker shape of an actor: square, circle (a person) or triangle (a group)."""
    if actor.kind in ("institution", "service", "company", "association"):
        return "square"
    if actor.personal or actor.kind in ("person", "elected", "agent"):
        return "circle"
    return "triangle"


def _marker_radius(actor: Actor) -> float:
    return 3.0 + 0.8 * (actor.influence if actor.influence is not None else 2)


@dataclass
class Glyph:
    """An actor on the map (its marker and name), or a sector's name: a box centred on (x, y)."""

    actor: Actor | None  # None for a sector's name
    variants: list[tuple[list[str], float, float]]  # (lines, width, height), fewest lines first
    radius: float
    x: float = 0.0
    y: float = 0.0
    lines: list[str] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    key: str = ""  # the actor's id, or "sector:<sector>"

    def use(self, variant: tuple[list[str], float, float], x: float, y: float) -> None:
        """Set the label in this variant, centred on (x, y)."""
        self.lines, self.width, self.height = variant
        self.x, self.y = x, y

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Return (left, top, right, bottom) of the marker and label together."""
        return (
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )

    @property
    def anchor(self) -> tuple[float, float]:
        """Return the centre of the marker, where relations meet it (left of the name)."""
        left, top = self.x - self.width / 2, self.y - self.height / 2
        return left + self.radius + 1, top + _text_offset(self.radius) + LINE_HEIGHT / 2

    @property
    def text_origin(self) -> tuple[float, float]:
        """Return where the name starts: the left end of its first baseline."""
        mx, my = self.anchor
        return mx + self.radius + 5, my + FONT_SIZE * 0.35


def _text_offset(radius: float) -> float:
    """Return how far the first line sits below the top, so a large marker is centred on it."""
    return max(0.0, radius + 1 - LINE_HEIGHT / 2)


def _glyph(actor: Actor, lang: str) -> Glyph:
    radius = _marker_radius(actor)
    variants = []
    for lines in label_variants(typography(actor.name, lang)):
        width = 2 * radius + 6 + max(text_width(line) for line in lines) + 2
        height = max(_text_offset(radius) + LINE_HEIGHT * len(lines), 2 * radius + 2)
        variants.append((lines, width, height))
    glyph = Glyph(actor, variants, radius, key=actor.id)
    glyph.use(variants[0], 0.0, 0.0)
    return glyph


def _sector_glyph(sector: str, t: Translator) -> Glyph:
    """Return the name of a sector, set in capitals near the outer edge of its sector."""
    name = typography(t.gettext(SECTOR_LABELS[sector]), t.language).upper()
    variants = []
    options = [[name]]
    if " " in name:
        words = name.split(" ")
        cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) * 2 - len(name)))
        options.append([" ".join(words[:cut]), " ".join(words[cut:])])
    for lines in options:
        width = max(text_width(line, bold=True, spacing=_SECTOR_SPACING) for line in lines) + 4
        variants.append((lines, width, LINE_HEIGHT * len(lines) + 2))
    glyph = Glyph(None, variants, 0.0, key=f"sector:{sector}")
    glyph.use(variants[0], 0.0, 0.0)
    return glyph


# -- layout -----------------------------------------------------------------------------


@dataclass
class MapLayout:
    """Where everything goes, in map units, the centre of the rings at (0, 0)."""

    glyphs: list[Glyph]  # the actors, in the residency's order
    radii: tuple[float, float, float]  # outer radius of core, direct, indirect
    sectors: dict[str, tuple[float, float]]  # start and end angle (radians, clockwise)
    ring_label_angle: float = 0.0
    sector_glyphs: dict[str, Glyph] = field(default_factory=dict)  # sector names


def _sector_angles(demand: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Share the circle between sectors by demand, each keeping at least _MIN_SECTOR."""
    total = 2 * math.pi
    fixed: dict[str, float] = {}
    while True:
        free = [s for s in SECTORS if s not in fixed]
        budget = total - sum(fixed.values())
        weight = sum(demand[s] for s in free)
        share = {s: budget * demand[s] / weight if weight > 0 else budget / len(free) for s in free}
        small = [s for s in free if share[s] < _MIN_SECTOR]
        if not small:
            break
        for s in small:
            fixed[s] = _MIN_SECTOR
    spans = {**fixed, **share}
    # The public sector is centred on top; the others follow clockwise.
    start = -math.pi / 2 - spans[SECTORS[0]] / 2
    angles: dict[str, tuple[float, float]] = {}
    for sector in SECTORS:
        angles[sector] = (start, start + spans[sector])
        start += spans[sector]
    return angles


def _cell_area(glyphs: list[Glyph]) -> float:
    return sum(min((w + _GAP) * (h + _GAP) for _, w, h in g.variants) for g in glyphs) / _FILL


def _balance(
    cells: dict[tuple[str, str], list[Glyph]], minimum: Sequence[float]
) -> tuple[dict[str, tuple[float, float]], list[float]]:
    """Return sector angles and ring widths that give each cell about the room it needs.

    Start from angles in proportion to each sector's labels, then alternate: ring widths for
    these angles, then the angle each sector needs within those rings.
    """
    demand = {s: sum(_cell_area(cells.get((c, s), [])) for c in CIRCLES) for s in SECTORS}
    angles = _sector_angles(demand)
    widths = _initial_widths(cells, angles, minimum)
    for _round in range(12):
        needed = dict.fromkeys(SECTORS, 0.0)
        inner = 0.0
        for index, circle in enumerate(CIRCLES):
            outer = inner + widths[index]
            for sector in SECTORS:
                area = _cell_area(cells.get((circle, sector), []))
                needed[sector] = max(needed[sector], 2 * area / (outer**2 - inner**2))
            inner = outer
        angles = _sector_angles(needed)
        widths = _initial_widths(cells, angles, minimum)
    return angles, widths


def _initial_widths(
    cells: dict[tuple[str, str], list[Glyph]],
    angles: dict[str, tuple[float, float]],
    minimum: Sequence[float],
) -> list[float]:
    widths: list[float] = []
    inner = 0.0
    for index, circle in enumerate(CIRCLES):
        needed = minimum[index]
        for sector in SECTORS:
            glyphs = cells.get((circle, sector), [])
            if not glyphs:
                continue
            area = _cell_area(glyphs)
            span = angles[sector][1] - angles[sector][0]
            outer = math.sqrt(inner**2 + 2 * area / span)
            tallest = max(g.variants[0][2] for g in glyphs) + 2 * _PAD + 4
            needed = max(needed, outer - inner, tallest)
        widths.append(needed)
        inner += needed
    return widths


def _angle_in(angle: float, start: float, end: float) -> bool:
    return (angle - start) % (2 * math.pi) <= (end - start) + 1e-9


def _segment_hits_box(
    x0: float, y0: float, x1: float, y1: float, box: tuple[float, float, float, float]
) -> bool:
    """Liang-Barsky: does the segment (x0, y0)-(x1, y1) cross the rectangle?"""
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def boxes_overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], gap: float = 0
) -> bool:
    """Return True when two (left, top, right, bottom) boxes overlap (closer than gap)."""
    return not (
        a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]
    )


def _fits(
    size: tuple[float, float],
    x: float,
    y: float,
    r0: float,
    r1: float,
    rays: Sequence[tuple[float, float]],
    reach: float,
    placed: list[tuple[float, float, float, float]],
) -> bool:
    """Can a box of this size, centred on a spot inside the sector, sit there?

    It must stay inside the ring (with a margin), clear of the sector's boundary rays
    (``rays``: their cosine and sine), and apart from every box already ``placed``.
    """
    half_w, half_h = size[0] / 2, size[1] / 2
    ax, ay = abs(x), abs(y)
    outer = r1 - _PAD
    if (ax + half_w) ** 2 + (ay + half_h) ** 2 > outer * outer:
        return False
    if r0 > 0:
        near_x, near_y = max(ax - half_w, 0.0), max(ay - half_h, 0.0)
        if near_x * near_x + near_y * near_y < (r0 + _PAD) ** 2:
            return False
    left, top, right, bottom = x - half_w, y - half_h, x + half_w, y + half_h
    reach_box = half_w + half_h + _RAY_CLEARANCE
    for cos, sin in rays:
        if abs(x * sin - y * cos) > reach_box:
            continue  # far from this boundary's line
        clear = (
            left - _RAY_CLEARANCE,
            top - _RAY_CLEARANCE,
            right + _RAY_CLEARANCE,
            bottom + _RAY_CLEARANCE,
        )
        if _segment_hits_box(0, 0, reach * cos, reach * sin, clear):
            return False
    for index, other in enumerate(placed):
        if (
            left < other[2] + _GAP
            and other[0] < right + _GAP
            and top < other[3] + _GAP
            and other[1] < bottom + _GAP
        ):
            if index:  # the next spot, nearby, is likely blocked by the same box: test it first
                placed[0], placed[index] = other, placed[0]
            return False
    return True


_Spot = tuple[float, float, float, float, int]  # x, y, radius, angle, index


def _place_cell(
    glyphs: list[Glyph],
    r0: float,
    r1: float,
    span: tuple[float, float],
    reach: float,
    placed: list[tuple[float, float, float, float]],
    *,
    quick: bool = False,
) -> bool:
    """Place a cell's glyphs (spread evenly, else packed); False when they do not fit.

    ``quick`` only tries packing: enough to tell whether the cell is large enough.
    """
    start, end = span
    room = (end - start) / 2 * (r1**2 - r0**2)
    if sum(min((w + _GAP) * (h + _GAP) for _, w, h in g.variants) for g in glyphs) > room * 0.8:
        return False
    middle = (start + end) / 2
    # Candidate spots on a polar lattice covering the cell: (x, y, radius, angle, index).
    # The lattice is coarser in a large cell, so that a cell never has more than a few
    # hundred (quick) or a couple of thousand spots to try.
    step = max(_STEP, math.sqrt(room / (600 if quick else 2000)))
    spots: list[_Spot] = []
    radius = r0 + step / 2 if r0 > 0 else 0.0
    while radius < r1:
        count = max(1, int((end - start) * radius / step))
        for j in range(count):
            angle = start + (j + 0.5) * (end - start) / count
            x, y = radius * math.cos(angle), radius * math.sin(angle)
            spots.append((x, y, radius, angle, len(spots)))
        radius += step
    # A sector's name goes first, near the outer edge, in the sector's middle.
    pinned = [g for g in glyphs if g.actor is None]
    first = []
    for glyph in pinned:
        ideal = r1 - _PAD - glyph.variants[0][2] / 2 - 12
        ix, iy = ideal * math.cos(middle), ideal * math.sin(middle)
        first.append((glyph, sorted(spots, key=lambda p: (p[0] - ix) ** 2 + (p[1] - iy) ** 2)))
    outward = sorted(spots, key=lambda p: (-p[2], abs(p[3] - middle)))
    glyphs = [g for g in glyphs if g.actor is not None]
    n = len(glyphs)
    arc = (end - start) * (r0 + r1) / 2
    rows_needed = math.ceil(sum(g.variants[0][1] + _GAP for g in glyphs) / max(arc * 0.8, 1))
    tallest = max((g.variants[0][2] for g in glyphs), default=0.0)
    rows_room = max(1, int((r1 - r0 - 2 * _PAD) / (tallest + _GAP)))
    rows = max(1, min(rows_needed, rows_room))

    def spread(rows: int) -> Iterator[tuple[Glyph, list[_Spot]]]:
        """Each glyph by name order, its spots nearest first to an evenly spread ideal.

        A generator: a glyph's spots are sorted only once the glyphs before it found room.
        """
        yield from first
        for i, glyph in enumerate(glyphs):
            row = i % rows
            ideal_r = r0 + (r1 - r0) * (row + 0.5) / rows if r0 > 0 or rows > 1 else r1 * 0.55
            ideal_a = start + (i + 0.5) * (end - start) / n
            ix, iy = ideal_r * math.cos(ideal_a), ideal_r * math.sin(ideal_a)
            yield glyph, sorted(spots, key=lambda p: (p[0] - ix) ** 2 + (p[1] - iy) ** 2)

    def pack() -> list[tuple[Glyph, list[_Spot]]]:
        """Largest glyphs first, each on the outermost free row, from the sector's middle."""
        biggest = sorted(glyphs, key=lambda g: (-g.variants[0][1] * g.variants[0][2], g.key))
        return [*first, *((glyph, outward) for glyph in biggest)]

    plans: list[Callable[[], Iterable[tuple[Glyph, list[_Spot]]]]] = [lambda: spread(rows), pack]
    if not quick:
        plans.insert(1, lambda: spread(rows + 1))
    for plan in plans:
        trial = list(placed)
        free = [True] * len(spots)
        for glyph, candidates in plan():
            if not _place_glyph(glyph, candidates, r0, r1, span, reach, trial, free):
                break
            left, top, right, bottom = glyph.box
            for x, y, _r, _a, index in spots:  # no box can be centred inside this one
                if left - _GAP < x < right + _GAP and top - _GAP < y < bottom + _GAP:
                    free[index] = False
        else:
            placed[:] = trial
            return True
    return False


def _place_glyph(
    glyph: Glyph,
    candidates: Sequence[_Spot],
    r0: float,
    r1: float,
    span: tuple[float, float],
    reach: float,
    placed: list[tuple[float, float, float, float]],
    free: list[bool],
) -> bool:
    """Put a glyph on the first candidate spot where one of its variants fits.

    A name is cut into more lines only when its shorter forms find no room among the
    first candidates (the spots nearest to where it should go).
    """
    rays = [(math.cos(angle), math.sin(angle)) for angle in span]
    for variant in glyph.variants[:-1]:
        for x, y, _radius, _angle, index in candidates[:_NEAR]:
            if free[index] and _fits((variant[1], variant[2]), x, y, r0, r1, rays, reach, placed):
                glyph.use(variant, x, y)
                placed.append(glyph.box)
                return True
    for x, y, _radius, _angle, index in candidates:
        if not free[index]:
            continue
        for variant in glyph.variants:
            if _fits((variant[1], variant[2]), x, y, r0, r1, rays, reach, placed):
                glyph.use(variant, x, y)
                placed.append(glyph.box)
                return True
    return False


def layout_actor_map(residency: Residency, t: Translator | None = None) -> MapLayout:
    """Return the positions of every actor's marker and label, and the rings and sectors.

    ``t`` gives the language of the labels (default: the residency's).
    """
    t = t or translator(residency.language, "report")
    glyphs = [_glyph(actor, t.language) for actor in residency.actors]
    cells: dict[tuple[str, str], list[Glyph]] = {}
    for glyph in glyphs:
        assert glyph.actor is not None
        cells.setdefault((glyph.actor.circle, glyph.actor.sector), []).append(glyph)
    for members in cells.values():
        members.sort(key=lambda g: (g.variants[0][0][0].casefold(), g.key))
    sector_glyphs = {sector: _sector_glyph(sector, t) for sector in SECTORS}
    for sector, glyph in sector_glyphs.items():
        cells.setdefault((CIRCLES[-1], sector), []).insert(0, glyph)
    minimum = [
        max(text_width(name.upper(), bold=True, spacing=1.2) + 16, 60.0)
        for name in RING_NAMES.values()
    ]
    # Orientation first (each sector's middle), from the share of labels it holds.
    estimate, _widths = _balance(cells, minimum)
    middles = {sector: (start + end) / 2 for sector, (start, end) in estimate.items()}
    floor = list(minimum)
    for _round in range(12):
        widths, needs = _fit_rings(cells, middles, floor)
        angles = _share_circle(needs)
        radii = (widths[0], widths[0] + widths[1], sum(widths))
        failed = _place_all(cells, radii, angles)
        if failed is None:
            return MapLayout(glyphs, radii, angles, _ring_label_ray(angles), sector_glyphs)
        # The sectors turned a little since the estimate: widen the ring that failed.
        middles = {sector: (start + end) / 2 for sector, (start, end) in angles.items()}
        floor = list(widths)
        floor[failed[0]] = widths[failed[0]] * 1.05 + 3
    raise RuntimeError("the actor map layout did not converge")  # pragma: no cover


_MAX_SECTOR = 2 * math.pi - 3 * _MIN_SECTOR


def _min_angle(glyphs: list[Glyph], r0: float, r1: float, middle: float) -> float:
    """Return the narrowest sector angle (around ``middle``) in which a cell fits, or inf."""

    def fits(angle: float) -> bool:
        span = (middle - angle / 2, middle + angle / 2)
        return _place_cell(glyphs, r0, r1, span, r1 + 50, [], quick=True)

    if fits(_MIN_SECTOR):
        return _MIN_SECTOR
    low, high = _MIN_SECTOR, _MAX_SECTOR
    if not fits(high):
        return math.inf
    for _step in range(6):
        mid = (low + high) / 2
        low, high = (low, mid) if fits(mid) else (mid, high)
    return high


def _fit_rings(
    cells: dict[tuple[str, str], list[Glyph]],
    middles: dict[str, float],
    widths: Sequence[float],
) -> tuple[list[float], dict[str, float]]:
    """Widen each ring in turn from ``widths``, from the core out, until its cells fit.

    Returns the ring widths and the angle each sector needs.
    """
    needs = dict.fromkeys(SECTORS, _MIN_SECTOR)
    result: list[float] = []
    inner = 0.0
    for index, circle in enumerate(CIRCLES):
        ring = {s: members for s in SECTORS if (members := cells.get((circle, s)))}

        def ring_needs(
            width: float,
            ring: dict[str, list[Glyph]] = ring,
            inner: float = inner,
            needs: dict[str, float] = needs,
        ) -> dict[str, float] | None:
            """Return the angles the ring's cells need at this width, None if too many."""
            angles = {
                sector: _min_angle(members, inner, inner + width, middles[sector])
                for sector, members in ring.items()
            }
            merged = {s: max(needs[s], angles.get(s, 0.0)) for s in SECTORS}
            return merged if sum(merged.values()) <= 2 * math.pi else None

        width, too_thin = widths[index], None
        found = ring_needs(width)
        for _step in range(200):
            if found is not None:
                break
            too_thin, width = width, width * 1.04 + 2
            found = ring_needs(width)
        # Narrow the last step down: the ring is only as wide as it needs to be.
        for _half in range(3 if too_thin is not None else 0):
            assert too_thin is not None
            middle = (too_thin + width) / 2
            narrower = ring_needs(middle)
            if narrower is None:
                too_thin = middle
            else:
                width, found = middle, narrower
        if found is None:  # pragma: no cover - 200 steps widen any ring enough
            raise RuntimeError("the actor map layout did not converge")
        needs = found
        result.append(width)
        inner += width
    return result, needs


def _share_circle(needs: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Give each sector the angle it needs plus a share of what is left, public on top."""
    total = sum(needs.values())
    spare = max(0.0, 2 * math.pi - total)
    spans = {s: needs[s] + spare * needs[s] / total for s in SECTORS}
    start = -math.pi / 2 - spans[SECTORS[0]] / 2
    angles: dict[str, tuple[float, float]] = {}
    for sector in SECTORS:
        angles[sector] = (start, start + spans[sector])
        start += spans[sector]
    return angles


def _place_all(
    cells: dict[tuple[str, str], list[Glyph]],
    radii: tuple[float, float, float],
    angles: dict[str, tuple[float, float]],
) -> tuple[int, str] | None:
    """Place every cell; return the (ring index, sector) of the first that fails, if any."""
    reach = radii[2] + 50
    placed: list[tuple[float, float, float, float]] = []
    for index, circle in enumerate(CIRCLES):
        r0 = radii[index - 1] if index else 0.0
        for sector in SECTORS:
            members = cells.get((circle, sector))
            if not members:
                continue
            if not _place_cell(members, r0, radii[index], angles[sector], reach, placed):
                return index, sector
    return None


def _ring_label_ray(angles: dict[str, tuple[float, float]]) -> float:
    """Return the sector boundary closest to horizontal, pointing right if possible."""
    bounds = [start for start, _ in angles.values()]
    return min(bounds, key=lambda a: (round(abs(math.sin(a)), 3), -math.cos(a)))


# -- SVG drawing ------------------------------------------------------------------------


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("-0.0", "0.0") else text.removesuffix(".0")


def _shape_svg(shape: str, x: float, y: float, r: float, fill: str, extra: str = "") -> str:
    style = f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"{extra}'
    if shape == "square":
        side = r * 1.72
        return (
            f'<rect x="{_f(x - side / 2)}" y="{_f(y - side / 2)}" width="{_f(side)}" '
            f'height="{_f(side)}" {style}/>'
        )
    if shape == "triangle":
        big = r * 1.3
        points = [
            (x, y - big),
            (x + big * 0.866, y + big * 0.5),
            (x - big * 0.866, y + big * 0.5),
        ]
        coords = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
        return f'<polygon points="{coords}" {style}/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" {style}/>'


def _relation_path(
    start: tuple[float, float],
    end: tuple[float, float],
    r_start: float,
    r_end: float,
    arrow: float,
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]] | None:
    """Return (start, control, end) of a gentle curve from marker edge to marker edge."""
    (ax, ay), (bx, by) = start, end
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    if length < r_start + r_end + arrow + 6:
        return None
    nx, ny = -dy / length, dx / length
    mx, my = (ax + bx) / 2, (ay + by) / 2
    if nx * mx + ny * my < 0:  # bow away from the centre of the map
        nx, ny = -nx, -ny
    bend = min(0.16 * length, 60.0)
    cx, cy = mx + nx * bend, my + ny * bend

    def towards(px: float, py: float, qx: float, qy: float, by_: float) -> tuple[float, float]:
        d = math.hypot(qx - px, qy - py) or 1.0
        return px + (qx - px) * by_ / d, py + (qy - py) * by_ / d

    return (
        towards(ax, ay, cx, cy, r_start + 2),
        (cx, cy),
        towards(bx, by, cx, cy, r_end + 2 + arrow),
    )


def _zigzag(p0: tuple[float, float], c: tuple[float, float], p1: tuple[float, float]) -> str:
    """Return a zigzag path following a quadratic curve (the mark of a tension)."""
    length = math.dist(p0, c) + math.dist(c, p1)
    steps = max(4, int(length / 5))
    points = []
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t**2 * p1[0]
        y = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t**2 * p1[1]
        tx = 2 * (1 - t) * (c[0] - p0[0]) + 2 * t * (p1[0] - c[0])
        ty = 2 * (1 - t) * (c[1] - p0[1]) + 2 * t * (p1[1] - c[1])
        norm = math.hypot(tx, ty) or 1.0
        amplitude = 0.0 if i in (0, steps) else (2.6 if i % 2 else -2.6)
        points.append((x - ty / norm * amplitude, y + tx / norm * amplitude))
    return "M" + " L".join(f"{_f(x)},{_f(y)}" for x, y in points)


_ARROW = 9.0


def _relation_svg(
    kind: str,
    p0: tuple[float, float],
    c: tuple[float, float],
    p1: tuple[float, float],
    prefix: str,
) -> str:
    """Draw one relation; its kind reads from the line alone, without colour."""
    curve = f"M{_f(p0[0])},{_f(p0[1])} Q{_f(c[0])},{_f(c[1])} {_f(p1[0])},{_f(p1[1])}"
    arrow = f' marker-end="url(#{prefix}-arrow)"'
    line = f'fill="none" stroke="{LINK}"'
    if kind == "tension":
        return f'<path d="{_zigzag(p0, c, p1)}" {line} stroke-width="1.1" stroke-linejoin="round"/>'
    if kind == "funding":
        return (
            f'<path d="{curve}" {line} stroke-width="3.8"{arrow}/>'
            f'<path d="{curve}" fill="none" stroke="#ffffff" stroke-width="1.3"/>'
        )
    if kind == "authority":
        return f'<path d="{curve}" {line} stroke-width="1.8"{arrow}/>'
    if kind == "information":
        return (
            f'<path d="{curve}" {line} stroke-width="1.9" stroke-dasharray="0.1 4" '
            'stroke-linecap="round"/>'
        )
    if kind == "service":
        return f'<path d="{curve}" {line} stroke-width="1.2" stroke-dasharray="6 3.5"/>'
    return f'<path d="{curve}" {line} stroke-width="1.2"/>'


def _has_arrow(kind: str) -> bool:
    return kind in ("authority", "funding")


def _text_svg(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    size: float = FONT_SIZE,
    anchor: str = "middle",
    weight: str | None = None,
    fill: str = INK,
    spacing: float = 0,
    extra: str = "",
) -> str:
    attrs = [f'x="{_f(x)}"', f'y="{_f(y)}"', f'font-size="{_f(size)}"', f'fill="{fill}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if spacing:
        attrs.append(f'letter-spacing="{_f(spacing)}"')
    body = "".join(
        f'<tspan x="{_f(x)}" dy="{_f(0 if i == 0 else LINE_HEIGHT)}">{xml_text(line)}</tspan>'
        if len(lines) > 1
        else xml_text(line)
        for i, line in enumerate(lines)
    )
    return f"<text {' '.join(attrs)}{extra}>{body}</text>"


def _summary(residency: Residency, t: Translator) -> str:
    """Return the text alternative of the map: how many actors per ring and sector."""
    lang = t.language
    known = {a.id for a in residency.actors}
    relations = [r for r in residency.relations if r.from_ in known and r.to in known]
    parts = [
        t.gettext(
            "{actors} and {relations}.",
            actors=t.ngettext("{n} actor", "{n} actors", len(residency.actors)),
            relations=t.ngettext("{n} relation", "{n} relations", len(relations)),
        )
    ]
    for circle in CIRCLES:
        members = [a for a in residency.actors if a.circle == circle]
        counts = [
            t.gettext(
                "{sector} {count}",
                sector=t.gettext(SECTOR_NAMES[s]).lower(),
                count=sum(a.sector == s for a in members),
            )
            for s in SECTORS
            if any(a.sector == s for a in members)
        ]
        text = t.gettext(
            "{circle}: {actors}",
            circle=t.gettext(CIRCLE_NAMES[circle]),
            actors=t.ngettext("{n} actor", "{n} actors", len(members)),
        )
        if counts:
            text += f" ({', '.join(counts)})"
        parts.append(text + ".")
    return typography(" ".join(parts), lang)


def render_actor_map_svg(
    residency: Residency,
    t: Translator,
    *,
    accent: str | None = None,
    id_prefix: str = "actor-map",
) -> str:
    """Return the actor map of a (gated) residency as a standalone, accessible SVG document.

    ``t`` translates the labels (``residence.i18n.translator(lang, "report")``); ``accent``
    is a #rrggbb colour (default: the residency's, else a brick red). ``id_prefix`` keeps
    the ids unique when several SVGs share one HTML page.
    """
    lang = t.language
    accent = _colour(accent or (residency.residence.accent if residency.residence else None))
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "actor-map"
    layout = layout_actor_map(residency, t)
    r3 = layout.radii[2]
    out: list[str] = []

    # Rings, from the outside in, so that each disc is painted over the larger one.
    fills = {"core": _tint(accent, 0.12), "direct": RING_FILLS[1], "indirect": RING_FILLS[0]}
    for circle, radius in reversed(list(zip(CIRCLES, layout.radii, strict=True))):
        out.append(
            f'<circle cx="0" cy="0" r="{_f(radius)}" fill="{fills[circle]}" '
            f'stroke="{LINE_GREY}" stroke-width="1"/>'
        )
    for start, _end in layout.sectors.values():
        out.append(
            f'<line x1="0" y1="0" x2="{_f(r3 * math.cos(start))}" y2="{_f(r3 * math.sin(start))}" '
            f'stroke="#ffffff" stroke-width="3"/>'
        )

    # Relations under the actors.
    by_id = {g.key: g for g in layout.glyphs}
    out.append('<g class="relations" stroke-linecap="butt">')
    for relation in residency.relations:
        a, b = by_id.get(relation.from_), by_id.get(relation.to)
        if a is None or b is None or a is b:
            continue
        path = _relation_path(
            a.anchor, b.anchor, a.radius, b.radius, _ARROW if _has_arrow(relation.kind) else 0
        )
        if path is not None:
            out.append(_relation_svg(relation.kind, *path, prefix))
    out.append("</g>")

    # Ring names on the sector boundary closest to horizontal, along it.
    angle = layout.ring_label_angle
    flip = math.cos(angle) < -1e-6
    degrees = math.degrees(angle) + (180 if flip else 0)
    inner = 0.0
    for circle, outer in zip(CIRCLES, layout.radii, strict=True):
        middle = (inner + outer) / 2
        x, y = middle * math.cos(angle), middle * math.sin(angle)
        label = typography(t.gettext(RING_NAMES[circle]), lang).upper()
        width = text_width(label, bold=True, spacing=1.2)
        out.append(
            f'<g transform="translate({_f(x)} {_f(y)}) rotate({_f(degrees)})">'
            f'<rect x="{_f(-width / 2 - 3)}" y="{_f(-FONT_SIZE * 0.6)}" width="{_f(width + 6)}" '
            f'height="{_f(FONT_SIZE * 1.2)}" rx="3" fill="{fills[circle]}"/>'
            + _text_svg(0, FONT_SIZE * 0.35, [label], fill=GREY, weight="600", spacing=1.2)
            + "</g>"
        )
        inner = outer

    # Actors: a marker (shape = kind, size = influence) and the name beside it.
    out.append('<g class="actors">')
    for glyph in layout.glyphs:
        assert glyph.actor is not None
        mx, my = glyph.anchor
        tx, baseline = glyph.text_origin
        out.append(f'<g class="actor" data-id="{xml_text(glyph.actor.id)}">')
        out.append(f"<title>{xml_text(typography(glyph.actor.name, lang))}</title>")
        out.append(_shape_svg(actor_shape(glyph.actor), mx, my, glyph.radius, accent))
        # Knocked out of the lines in the ring's own colour (a rectangle rather than a text
        # outline with paint-order, which WeasyPrint does not draw).
        halo = fills[glyph.actor.circle]
        # Lines pass under a name, not through it: a knock-out in the ring's colour.
        text_right = glyph.x + glyph.width / 2
        top = baseline - FONT_SIZE * 0.95
        bottom = baseline + LINE_HEIGHT * (len(glyph.lines) - 1) + 4
        out.append(
            f'<rect x="{_f(tx - 2)}" y="{_f(top)}" width="{_f(text_right - tx + 2)}" '
            f'height="{_f(bottom - top)}" rx="3" fill="{halo}" fill-opacity="0.85"/>'
        )
        out.append(_text_svg(tx, baseline, glyph.lines, anchor="start"))
        out.append("</g>")
    out.append("</g>")

    # Sector names near the outer edge, in the middle of each sector.
    for glyph in layout.sector_glyphs.values():
        left, top, right, bottom = glyph.box
        baseline = top + 1 + (LINE_HEIGHT - FONT_SIZE) / 2 + FONT_SIZE * 0.8
        out.append(
            f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(right - left)}" '
            f'height="{_f(bottom - top)}" rx="3" fill="{fills["indirect"]}"/>'
        )
        out.append(_text_svg(glyph.x, baseline, glyph.lines, weight="600", spacing=_SECTOR_SPACING))

    left, right, top, bottom = -r3 - 4, r3 + 4, -r3 - 4, r3 + 34
    legend, legend_height = _legend(t, left + 12, bottom, right - left - 24, prefix, accent)
    out.append(legend)
    bottom += legend_height + 12

    title = typography(t.gettext("Actor map"), lang)
    if residency.residence is not None:
        title += " — " + typography(residency.residence.title, lang)
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{_f(left)} {_f(top)} {_f(right - left)} {_f(bottom - top)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="actor-map" '
        f'font-family="{FONT_FAMILY}" font-size="{_f(FONT_SIZE)}">'
        f'<title id="{prefix}-title">{xml_text(title)}</title>'
        f'<desc id="{prefix}-desc">{xml_text(_summary(residency, t))}</desc>'
        "<defs>"
        f'<marker id="{prefix}-arrow" viewBox="0 0 10 8" refX="0.5" refY="4" '
        f'markerWidth="{_f(_ARROW)}" markerHeight="{_f(_ARROW * 0.8)}" '
        'markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,4 L0,8 z" fill="{LINK}"/></marker>'
        "</defs>"
    )
    return head + "".join(part for part in out if part) + "</svg>\n"


def _legend(
    t: Translator, x: float, y: float, width: float, prefix: str, accent: str
) -> tuple[str, float]:
    """Return the legend (relation kinds, actor shapes, marker size) and its height."""
    lang = t.language
    top_of_legend = y
    out: list[str] = []
    out.append(
        f'<line x1="{_f(x)}" y1="{_f(y - 14)}" x2="{_f(x + width)}" y2="{_f(y - 14)}" '
        f'stroke="{LINE_GREY}" stroke-width="1"/>'
    )
    heading = typography(t.gettext("Legend"), lang).upper()
    out.append(_text_svg(x, y + 6, [heading], anchor="start", weight="600", spacing=1.5))
    y += 26
    sample = 44.0
    row = 22.0

    def grid(items: list[tuple[str, str]], top: float) -> float:
        """Lay items (symbol svg, label) out in columns; return the height used."""
        widths = [sample + 10 + text_width(label) for _, label in items]
        column = max(widths) + 22
        most = max(1, min(len(items), int((width + 22) // column)))
        columns = math.ceil(len(items) / math.ceil(len(items) / most))  # balanced rows
        for index, (symbol, label) in enumerate(items):
            cx = x + (index % columns) * column
            cy = top + (index // columns) * row
            out.append(symbol.replace("{x}", _f(cx)).replace("{y}", _f(cy)))
            out.append(_text_svg(cx + sample + 10, cy + 4.5, [label], anchor="start"))
        return math.ceil(len(items) / columns) * row

    relations: list[tuple[str, str]] = []
    for kind in RELATION_KINDS:
        arrow = _ARROW if _has_arrow(kind) else 0
        p0, p1 = (0.0, 0.0), (sample - arrow, 0.0)
        c = ((p0[0] + p1[0]) / 2, 0.0)
        drawn = _relation_svg(kind, p0, c, p1, prefix)
        symbol = f'<g transform="translate({{x}} {{y}})">{drawn}</g>'
        relations.append((symbol, typography(t.gettext(RELATION_NAMES[kind]), lang)))
    y += grid(relations, y) + 10

    actors: list[tuple[str, str]] = []
    for shape, name in SHAPE_NAMES.items():
        drawn = _shape_svg(shape, sample / 2, 0, 7, accent)
        symbol = f'<g transform="translate({{x}} {{y}})">{drawn}</g>'
        actors.append((symbol, typography(t.gettext(name), lang)))
    sizes = "".join(
        _shape_svg("circle", offset, 0, 3.0 + 0.8 * level, accent)
        for offset, level in ((5, 1), (16, 3), (30, 5))
    )
    actors.append(
        (
            f'<g transform="translate({{x}} {{y}})">{sizes}</g>',
            typography(t.gettext("Size: influence (1 to 5)"), lang),
        )
    )
    y += grid(actors, y)
    return "".join(out), y - top_of_legend


def _tint(colour: str, strength: float) -> str:
    """Return ``colour`` laid at ``strength`` over white, as an opaque #rrggbb."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in channels)


def _colour(value: str | None) -> str:
    if value and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value.lower()
    return DEFAULT_ACCENT


# -- influence / interest matrix --------------------------------------------------------

_CELL = 124.0  # width of a matrix cell
_AXIS = 64.0  # room left of and under the grid for the axes


def render_matrix_svg(
    residency: Residency,
    t: Translator,
    *,
    accent: str | None = None,
    id_prefix: str = "actor-matrix",
) -> str:
    """Return the influence and interest matrix (1 to 5 each) of a gated residency as SVG.

    Actors without both values are listed under the grid. Same accessibility as the map:
    ``role="img"``, a ``<title>``, a ``<desc>`` listing who sits where, real ``<text>``.
    """
    lang = t.language
    accent = _colour(accent or (residency.residence.accent if residency.residence else None))
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "actor-matrix"
    cells: dict[tuple[int, int], list[tuple[Actor, list[str]]]] = {}
    unplaced: list[Actor] = []
    text_room = _CELL - 24
    for actor in sorted(residency.actors, key=lambda a: (a.name.casefold(), a.id)):
        if actor.influence is None or actor.interest is None:
            unplaced.append(actor)
            continue
        name = typography(actor.name, lang)
        lines = _wrap_to(" ".join(name.split()) or "?", text_room, FONT_SIZE)
        cells.setdefault((actor.influence, actor.interest), []).append((actor, lines))

    def content_height(level: int) -> float:
        heights = [
            sum(len(lines) * LINE_HEIGHT + 5 for _, lines in cells.get((level, x), []))
            for x in range(1, 6)
        ]
        return max([42.0, *(h + 14 for h in heights)])

    rows = {level: content_height(level) for level in range(1, 6)}
    out: list[str] = []
    y = 0.0
    row_top: dict[int, float] = {}
    for level in range(5, 0, -1):
        row_top[level] = y
        y += rows[level]
    grid_bottom = y
    for level in range(5, 0, -1):
        for column in range(1, 6):
            x = _AXIS + (column - 1) * _CELL
            fill = "#f5f3ef" if (level + column) % 2 else "#eeebe5"
            out.append(
                f'<rect x="{_f(x)}" y="{_f(row_top[level])}" width="{_f(_CELL)}" '
                f'height="{_f(rows[level])}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            )
            cy = row_top[level] + 10
            for actor, lines in cells.get((level, column), []):
                marker_y = cy + LINE_HEIGHT / 2
                out.append(_shape_svg(actor_shape(actor), x + 12, marker_y, 4.6, accent))
                out.append(_text_svg(x + 21, marker_y + FONT_SIZE * 0.35, lines, anchor="start"))
                cy += len(lines) * LINE_HEIGHT + 5
        out.append(
            _text_svg(
                _AXIS - 12,
                row_top[level] + rows[level] / 2 + FONT_SIZE * 0.35,
                [str(level)],
                anchor="end",
                fill=GREY,
            )
        )
    for column in range(1, 6):
        out.append(
            _text_svg(_AXIS + (column - 0.5) * _CELL, grid_bottom + 20, [str(column)], fill=GREY)
        )
    right = _AXIS + 5 * _CELL
    # Axes with arrows: interest grows to the right, influence upwards.
    out.append(
        f'<path d="M{_f(_AXIS)},{_f(grid_bottom + 30)} H{_f(right)}" stroke="{LINK}" '
        f'stroke-width="1.2" marker-end="url(#{prefix}-arrow)"/>'
    )
    out.append(
        f'<path d="M{_f(_AXIS - 32)},{_f(grid_bottom)} V{_f(12)}" stroke="{LINK}" '
        f'stroke-width="1.2" marker-end="url(#{prefix}-arrow)"/>'
    )
    interest = typography(t.gettext("Interest"), lang).upper()
    influence = typography(t.gettext("Influence"), lang).upper()
    out.append(
        _text_svg(right, grid_bottom + 50, [interest], anchor="end", weight="600", spacing=1.5)
    )
    out.append(
        _text_svg(
            0,
            0,
            [influence],
            anchor="end",
            weight="600",
            spacing=1.5,
            extra=f' transform="translate({_f(_AXIS - 42)} 0) rotate(-90)"',
        )
    )
    bottom = grid_bottom + 62
    if unplaced:
        heading = typography(t.gettext("Not placed (influence or interest not given):"), lang)
        names = ", ".join(typography(a.name, lang) for a in unplaced)
        lines = _wrap_to(f"{heading} {names}", right - 10, FONT_SIZE)
        out.append(_text_svg(0, bottom + 16, lines, anchor="start"))
        bottom += 16 + LINE_HEIGHT * len(lines)
    title = typography(t.gettext("Influence and interest of the actors"), lang)
    if residency.residence is not None:
        title += " — " + typography(residency.residence.title, lang)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="-10 -10 {_f(right + 20)} {_f(bottom + 20)}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="actor-matrix" '
        f'font-family="{FONT_FAMILY}" font-size="{_f(FONT_SIZE)}">'
        f'<title id="{prefix}-title">{xml_text(title)}</title>'
        f'<desc id="{prefix}-desc">{xml_text(_matrix_summary(cells, unplaced, t))}</desc>'
        "<defs>"
        f'<marker id="{prefix}-arrow" viewBox="0 0 10 8" refX="1" refY="4" '
        'markerWidth="9" markerHeight="7.2" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,4 L0,8 z" fill="{LINK}"/></marker>'
        "</defs>" + "".join(out) + "</svg>\n"
    )


def _matrix_summary(
    cells: dict[tuple[int, int], list[tuple[Actor, list[str]]]],
    unplaced: list[Actor],
    t: Translator,
) -> str:
    lang = t.language
    placed = sum(len(v) for v in cells.values())
    parts = [
        t.gettext(
            "{actors} placed by influence (1 to 5) and interest (1 to 5).",
            actors=t.ngettext("{n} actor", "{n} actors", placed),
        )
    ]
    for (influence, interest), members in sorted(cells.items(), reverse=True):
        parts.append(
            t.gettext(
                "Influence {influence}, interest {interest}: {names}.",
                influence=influence,
                interest=interest,
                names=", ".join(a.name for a, _ in members),
            )
        )
    if unplaced:
        parts.append(
            t.gettext("Not placed (influence or interest not given):")
            + " "
            + ", ".join(a.name for a in unplaced)
            + "."
        )
    return typography(" ".join(parts), lang)


# -- the table of stakes ----------------------------------------------------------------


def stakes_table(residency: Residency, t: Translator | None = None) -> list[dict[str, object]]:
    """Return one row per actor for the table of stakes, core first, then by sector and name.

    Each row: ``id``, ``actor`` (the name, a pseudonym in a public edition), ``kind``,
    ``sector``, ``circle`` (codes), ``influence``, ``interest``, ``stakes`` (a list) and,
    with a translator, ``kind_label``, ``sector_label`` and ``circle_label``.
    """
    order = sorted(
        residency.actors,
        key=lambda a: (CIRCLES.index(a.circle), SECTORS.index(a.sector), a.name.casefold()),
    )
    rows: list[dict[str, object]] = []
    for actor in order:
        row: dict[str, object] = {
            "id": actor.id,
            "actor": actor.name,
            "kind": actor.kind,
            "sector": actor.sector,
            "circle": actor.circle,
            "influence": actor.influence,
            "interest": actor.interest,
            "stakes": list(actor.stakes),
        }
        if t is not None:
            row["kind_label"] = t.gettext(KIND_NAMES[actor.kind])
            row["sector_label"] = t.gettext(SECTOR_NAMES[actor.sector])
            row["circle_label"] = t.gettext(CIRCLE_NAMES[actor.circle])
        rows.append(row)
    return rows


# -- exports ----------------------------------------------------------------------------

_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def _clean(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def _known_relations(residency: Residency) -> list[Relation]:
    ids = {a.id for a in residency.actors}
    return [r for r in residency.relations if r.from_ in ids and r.to in ids]


def to_graphml(residency: Residency) -> str:
    """Return the actors and relations as GraphML (opens in Gephi, yEd, Cytoscape…).

    Node attributes: label and name (the actor's name), kind, sector, circle, influence,
    interest (integers, left out when not given), stakes (joined with " | ") and
    description (plain text). Edge attributes: kind and note. Directed, from → to.
    """
    ET.register_namespace("", _GRAPHML_NS)
    root = ET.Element(f"{{{_GRAPHML_NS}}}graphml")
    keys = [
        ("label", "node", "string"),
        ("name", "node", "string"),
        ("kind", "node", "string"),
        ("sector", "node", "string"),
        ("circle", "node", "string"),
        ("influence", "node", "int"),
        ("interest", "node", "int"),
        ("stakes", "node", "string"),
        ("description", "node", "string"),
        ("relation", "edge", "string"),
        ("note", "edge", "string"),
    ]
    for key, domain, kind in keys:
        attr_name = "kind" if key == "relation" else key
        ET.SubElement(
            root,
            f"{{{_GRAPHML_NS}}}key",
            {"id": key, "for": domain, "attr.name": attr_name, "attr.type": kind},
        )
    graph = ET.SubElement(
        root, f"{{{_GRAPHML_NS}}}graph", {"id": "actors", "edgedefault": "directed"}
    )

    def data(parent: ET.Element, key: str, value: object) -> None:
        if value is None or value == "":
            return
        element = ET.SubElement(parent, f"{{{_GRAPHML_NS}}}data", {"key": key})
        element.text = _clean(str(value))

    for actor in residency.actors:
        node = ET.SubElement(graph, f"{{{_GRAPHML_NS}}}node", {"id": actor.id})
        data(node, "label", actor.name)
        data(node, "name", actor.name)
        data(node, "kind", actor.kind)
        data(node, "sector", actor.sector)
        data(node, "circle", actor.circle)
        data(node, "influence", actor.influence)
        data(node, "interest", actor.interest)
        data(node, "stakes", " | ".join(actor.stakes))
        data(node, "description", to_plain_text(actor.description))
    for index, relation in enumerate(_known_relations(residency)):
        edge = ET.SubElement(
            graph,
            f"{{{_GRAPHML_NS}}}edge",
            {"id": f"e{index}", "source": relation.from_, "target": relation.to},
        )
        data(edge, "relation", relation.kind)
        data(edge, "note", relation.note)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _cell(value: object) -> str:
    """Return a CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    text = _clean("" if value is None else str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def to_kumu_csv(residency: Residency, t: Translator | None = None) -> tuple[str, str]:
    """Return the two sheets Kumu imports: (elements, connections), as CSV text.

    Elements: Label, Type, Description, Tags (sector|circle), then Sector, Circle,
    Influence, Interest, Stakes (several values joined with |, as Kumu reads them).
    Connections: From, To (labels), Type, Description,
    Direction. Two actors with one name get their id appended, so each label is unique.
    """
    t = t or translator(residency.language, "report")
    names = [a.name.strip() for a in residency.actors]
    labels = {
        a.id: f"{name} ({a.id})" if names.count(name) > 1 else name
        for a, name in zip(residency.actors, names, strict=True)
    }
    elements: list[list[object]] = [
        ["Label", "Type", "Description", "Tags", "Sector", "Circle", "Influence", "Interest",
         "Stakes"],
    ]  # fmt: skip
    for actor in residency.actors:
        sector = t.gettext(SECTOR_NAMES[actor.sector])
        circle = t.gettext(CIRCLE_NAMES[actor.circle])
        elements.append(
            [
                labels[actor.id],
                t.gettext(KIND_NAMES[actor.kind]),
                to_plain_text(actor.description),
                f"{sector}|{circle}",
                sector,
                circle,
                actor.influence,
                actor.interest,
                "|".join(actor.stakes),
            ]
        )
    connections: list[list[object]] = [["From", "To", "Type", "Description", "Direction"]]
    for relation in _known_relations(residency):
        mutual = relation.kind in ("cooperation", "tension")
        connections.append(
            [
                labels[relation.from_],
                labels[relation.to],
                t.gettext(RELATION_NAMES[relation.kind]),
                relation.note or "",
                "mutual" if mutual else "directed",
            ]
        )
    return _csv(elements), _csv(connections)

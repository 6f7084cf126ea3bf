# SPDX-License-Identifier: EUPL-1.2
"""Where everything goes on the actor map: the actors' glyphs, the rings and the sectors.

Three concentric rings (core in the centre, then direct, indirect) split into four sectors
(public, private, civil society, users); a cell is a ring's part of a sector. First the
sector angles are chosen from an estimate of the room each cell needs (its labels' area,
at most about half of it covered, and the width its largest label takes across the ring)
so that the map is as small as it can be (``_choose_spans``). Then each ring, from the core
out, starts as wide as that estimate and widens until every label of its cells finds room
(``_fit_rings``): a few placements per ring, each cell on its own. In a cell the actors get
evenly spread ideal spots (in name order across the sector, on rows holding as many as their
length, clear of the centre) and each, the largest first, takes the free spot nearest to its
ideal: spots come nearest first from a grid of buckets, spots too close to a placed label
are struck off, and each is checked against the cell's edges and the labels placed near it
(another grid). Label widths are estimated from the characters, so nothing depends on the
fonts installed, and the same actors always give the same map, to the byte.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from residence.i18n import Translator, translator
from residence.models import Published
from residence.models.actors import Actor
from residence.render.actormap.metrics import FONT_SIZE, LINE_HEIGHT, label_variants, text_width
from residence.render.actormap.vocabulary import CIRCLES, RING_NAMES, SECTOR_LABELS, SECTORS
from residence.render.markdown import typography

_GAP = 5.0  # between two labels
_CORE_GAP = 9.0  # between two labels of the core, where relations meet (the example's map
# stays under A4_WIDTH_UNITS with it)
_PAD = 4.0  # between a label and a ring's circle
_RAY_CLEARANCE = 6.0  # between a label and a sector's boundary (ring names sit on one)
_STEP = 7.0  # spacing of the candidate spots in a cell
_SPOTS = 1500  # a larger cell gets a coarser lattice, so that it has about this many spots
_MIN_SECTOR = math.radians(40)
_FILL = (0.5, 0.6, 0.6)  # how much of a cell (core, direct, indirect) its labels may cover
SECTOR_SPACING = 1.5  # letter spacing of the sector names
_NEAR = 120  # spots near its ideal where a name is tried on fewer lines first
_COMPACT = 150.0  # a name set wider than this (and 4 times its height) goes on more lines
_BUCKET = 60.0  # side of the squares of the grid that finds the labels near a spot


def _marker_radius(actor: Actor) -> float:
    return 3.0 + 0.8 * (actor.influence if actor.influence is not None else 2)


@dataclass
class Glyph:
    """An actor on the map (its marker and name), or a sector's name: a box centred on (x, y)."""

    actor: Actor | None  # None for a sector's name
    variants: list[tuple[list[str], float, float]]  # (lines, width, height), preferred first
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
    # Compact forms first: a long name reads better on a few lines than on one long one.
    variants.sort(key=lambda v: v[1] > max(_COMPACT, 4 * v[2]))
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
        width = max(text_width(line, bold=True, spacing=SECTOR_SPACING) for line in lines) + 4
        variants.append((lines, width, LINE_HEIGHT * len(lines) + 2))
    glyph = Glyph(None, variants, 0.0, key=f"sector:{sector}")
    glyph.use(variants[0], 0.0, 0.0)
    return glyph


@dataclass
class MapLayout:
    """Where everything goes, in map units, the centre of the rings at (0, 0)."""

    glyphs: list[Glyph]  # the actors, in the residency's order
    radii: tuple[float, float, float]  # outer radius of core, direct, indirect
    sectors: dict[str, tuple[float, float]]  # start and end angle (radians, clockwise)
    ring_label_angle: float = 0.0
    sector_glyphs: dict[str, Glyph] = field(default_factory=dict)  # sector names


def _area(glyph: Glyph) -> float:
    """Return the smallest room a glyph takes, with the gap around it."""
    return min((w + _GAP) * (h + _GAP) for _, w, h in glyph.variants)


# -- the sizes: sector angles and ring widths from the labels' areas ------------------------


def _angles(spans: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Return each sector's start and end angle (clockwise), the public sector centred on top."""
    start = -math.pi / 2 - spans[SECTORS[0]] / 2
    angles: dict[str, tuple[float, float]] = {}
    for sector in SECTORS:
        angles[sector] = (start, start + spans[sector])
        start += spans[sector]
    return angles


def _proportional(demand: dict[str, float]) -> dict[str, float]:
    """Share the circle between sectors by demand, each keeping at least _MIN_SECTOR."""
    fixed: dict[str, float] = {}
    while True:
        free = [s for s in SECTORS if s not in fixed]
        budget = 2 * math.pi - sum(fixed.values())
        weight = sum(demand[s] for s in free)
        share = {s: budget * demand[s] / weight if weight > 0 else budget / len(free) for s in free}
        small = [s for s in free if share[s] < _MIN_SECTOR]
        if not small:
            return {**fixed, **share}
        for s in small:
            fixed[s] = _MIN_SECTOR


@dataclass(frozen=True)
class _Need:
    """What a cell asks of its ring and sector, estimated from its labels."""

    area: float  # the room its labels take, divided by how much of it they may cover
    widest: float  # the narrowest form of its widest label
    forms: tuple[tuple[tuple[float, float], ...], ...]  # (width, height) of the hardest labels


def _need(glyphs: list[Glyph], fill: float) -> _Need:
    """Return what a cell needs to be at most ``fill`` covered."""
    forms = [tuple((w, h) for _, w, h in g.variants) for g in glyphs]
    # The labels that take the most room across the ring, in some direction: only they
    # decide how wide the ring must be.
    hardest = set()
    for degrees in range(0, 91, 15):
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        hardest.add(max(range(len(forms)), key=lambda i: min(w * c + h * s for w, h in forms[i])))
    return _Need(
        sum(map(_area, glyphs)) / fill,
        max(min(w for w, _ in f) for f in forms),
        tuple(forms[i] for i in sorted(hardest)),
    )


def _across(need: _Need, start: float, end: float) -> float:
    """Return how wide a ring must be for the cell's largest label to lie in it somewhere.

    A box ``w`` by ``h`` at the angle ``a`` takes ``w |cos a| + h |sin a|`` across the ring:
    least at an end of the sector or where it crosses an axis.
    """
    angles = [start, end, *(k * math.pi / 2 for k in range(-4, 5) if start < k * math.pi / 2 < end)]
    directions = [(abs(math.cos(a)), abs(math.sin(a))) for a in angles]
    return 2 * _PAD + max(
        min(w * c + h * s for w, h in forms for c, s in directions) for forms in need.forms
    )


def _outer(
    ring: dict[str, _Need],
    angles: dict[str, tuple[float, float]],
    inner: float,
    floor: float,
    *,
    smooth: bool = False,
) -> float:
    """Return the outer radius that gives each cell of a ring the room it needs.

    Near the centre a narrow sector holds no label: a cell's room starts where the sector
    is as wide as its widest label. ``smooth`` takes a soft maximum of the cells' demands (a
    p-norm), so that a search sees the gain of widening any crowded sector, not only the most
    crowded one.
    """
    terms = []
    for sector, need in ring.items():
        start, end = angles[sector]
        first = max(inner, (need.widest + 2 * _RAY_CLEARANCE) / (end - start))
        terms.append(first * first - inner * inner + 2 * need.area / (end - start))
        if inner > 0:
            floor = max(floor, _across(need, start, end))
    demand = max(terms, default=0.0)
    if smooth and demand > 0:
        demand *= sum((term / demand) ** 8 for term in terms) ** (1 / 8)
    return max(math.sqrt(inner * inner + demand), inner + floor)


def _outer_radius(
    needs: Sequence[dict[str, _Need]], floors: Sequence[float], spans: dict[str, float]
) -> float:
    """Return the outer radius of the map when each cell gets the room it ``needs``."""
    angles = _angles(spans)
    inner = 0.0
    for floor, ring in zip(floors, needs, strict=True):
        inner = _outer(ring, angles, inner, floor, smooth=True)
    return inner


def _choose_spans(needs: Sequence[dict[str, _Need]], floors: Sequence[float]) -> dict[str, float]:
    """Return the sector angles that make the smallest map: shares of the circle, moved from
    one sector to another while that makes the outer ring smaller, in ever finer steps."""
    demand = {s: sum(ring[s].area for ring in needs if s in ring) for s in SECTORS}
    spans = _proportional(demand)
    best = _outer_radius(needs, floors, spans)
    step = math.radians(8)
    while step > math.radians(0.25):
        moved = False
        for giver, taker in itertools.permutations(SECTORS, 2):
            if spans[giver] - step < _MIN_SECTOR:
                continue
            trial = {**spans, giver: spans[giver] - step, taker: spans[taker] + step}
            radius = _outer_radius(needs, floors, trial)
            if radius < best - 1e-6:
                spans, best, moved = trial, radius, True
        if not moved:
            step /= 2
    return spans


def _fit_rings(
    cells: dict[tuple[str, str], list[Glyph]],
    angles: dict[str, tuple[float, float]],
    needs: Sequence[dict[str, _Need]],
    floors: Sequence[float],
) -> tuple[float, float, float]:
    """Place the labels ring by ring, from the core out; return the rings' outer radii.

    A ring starts as wide as its cells need (their area, ``needs``) and widens until every
    label of its cells finds room. Cells are independent: a label stays ``_PAD`` inside its
    ring and ``_RAY_CLEARANCE`` off its sector's boundaries, so two cells never overlap.
    """
    radii: list[float] = []
    inner = 0.0
    for index, circle in enumerate(CIRCLES):
        ring = [(s, members) for s in SECTORS if (members := cells.get((circle, s)))]
        width = _outer(needs[index], angles, inner, floors[index]) - inner
        fitted: dict[str, float] = {}  # the width at which each cell found room
        for _step in range(200):
            for s, members in ring:
                if s not in fitted and _place_cell(members, inner, inner + width, angles[s]):
                    fitted[s] = width
            if len(fitted) == len(ring):
                break
            width = width * 1.05 + 2
        else:  # pragma: no cover - 200 steps widen any ring enough
            raise RuntimeError("the actor map layout did not converge")
        for s, members in ring:  # a cell that fitted a narrower ring is spread over this one
            if fitted[s] != width and not _place_cell(members, inner, inner + width, angles[s]):
                _place_cell(members, inner, inner + fitted[s], angles[s])
        inner += width
        radii.append(inner)
    return radii[0], radii[1], radii[2]


def layout_actor_map(residency: Published, t: Translator | None = None) -> MapLayout:
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
        members.sort(key=lambda g: (" ".join(g.variants[0][0]).casefold(), g.key))
    sector_glyphs = {sector: _sector_glyph(sector, t) for sector in SECTORS}
    for sector, glyph in sector_glyphs.items():
        cells.setdefault((CIRCLES[-1], sector), []).insert(0, glyph)
    needs: list[dict[str, _Need]] = []
    floors: list[float] = []
    for index, circle in enumerate(CIRCLES):
        ring = {s: cells[circle, s] for s in SECTORS if (circle, s) in cells}
        needs.append({s: _need(members, _FILL[index]) for s, members in ring.items()})
        ring_name = typography(t.gettext(RING_NAMES[circle]), t.language).upper()
        name = text_width(ring_name, bold=True, spacing=1.2) + 16
        tallest = max(
            (min(v[2] for v in g.variants) for m in ring.values() for g in m), default=0.0
        )
        floors.append(max(name, 60.0, tallest + 2 * _PAD + 4))
    angles = _angles(_choose_spans(needs, floors))
    radii = _fit_rings(cells, angles, needs, floors)
    return MapLayout(glyphs, radii, angles, _ring_label_ray(angles), sector_glyphs)


def _ring_label_ray(angles: dict[str, tuple[float, float]]) -> float:
    """Return the sector boundary closest to horizontal, pointing right if possible."""
    bounds = [start for start, _ in angles.values()]
    return min(bounds, key=lambda a: (round(abs(math.sin(a)), 3), -math.cos(a)))


# -- a cell: where its labels go ------------------------------------------------------------

_Box = tuple[float, float, float, float]  # left, top, right, bottom


def _segment_hits_box(x0: float, y0: float, x1: float, y1: float, box: _Box) -> bool:
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


class _Cell:
    """A ring's part of a sector: its candidate spots (a polar lattice), and the labels placed
    in it so far (in a grid of buckets, so that a spot is checked against its neighbours only).
    """

    def __init__(
        self, glyphs: list[Glyph], r0: float, r1: float, span: tuple[float, float]
    ) -> None:
        self.r0, self.r1 = r0, r1
        self.gap = _CORE_GAP if r0 == 0 else _GAP
        self.rays = [(math.cos(angle), math.sin(angle)) for angle in span]
        self.reach = r1 + 50
        start, end = span
        step = max(_STEP, math.sqrt((end - start) / 2 * (r1 * r1 - r0 * r0) / _SPOTS))
        self.spots: list[tuple[float, float]] = []
        self.rows: list[tuple[float, int, int]] = []  # radius, first spot, number of spots
        self.size = size = 4 * step  # of the buckets of spots
        self.buckets: dict[tuple[int, int], list[int]] = {}
        spots, buckets, cos, sin, floor = self.spots, self.buckets, math.cos, math.sin, math.floor
        radius = r0 + step / 2 if r0 > 0 else 0.0
        while radius < r1:
            count = max(1, int((end - start) * radius / step))
            self.rows.append((radius, len(spots), count))
            for j in range(count):
                angle = start + (j + 0.5) * (end - start) / count
                x, y = radius * cos(angle), radius * sin(angle)
                key = (floor(x / size), floor(y / size))
                if key in buckets:
                    buckets[key].append(len(spots))
                else:
                    buckets[key] = [len(spots)]
                spots.append((x, y))
            radius += step
        self.span = span
        self.order: list[int] | None = None  # of the spots, outward (made when first needed)
        keys = list(self.buckets)
        self.bounds = (
            min(k[0] for k in keys),
            min(k[1] for k in keys),
            max(k[0] for k in keys),
            max(k[1] for k in keys),
        )
        # No label of the cell can be centred this close to a placed one (with the gap).
        self.margin = (
            self.gap + min(w for g in glyphs for _, w, _ in g.variants) / 2,
            self.gap + min(h for g in glyphs for _, _, h in g.variants) / 2,
        )
        self.clear()

    def clear(self) -> None:
        """Remove every label: the cell is empty again."""
        self.grid: dict[tuple[int, int], list[_Box]] = {}
        self.blocked = bytearray(len(self.spots))  # spots where no label of the cell fits
        self.blocker: _Box | None = None  # the last box that refused a spot: tried first

    def put(
        self, glyph: Glyph, variant: tuple[list[str], float, float], x: float, y: float
    ) -> None:
        """Place a glyph, and block the spots where no other label can now be centred."""
        glyph.use(variant, x, y)
        left, top, right, bottom = glyph.box
        gap = self.gap
        box = (left - gap, top - gap, right + gap, bottom + gap)  # where no other label may go
        for gx in range(math.floor(box[0] / _BUCKET), math.floor(box[2] / _BUCKET) + 1):
            for gy in range(math.floor(box[1] / _BUCKET), math.floor(box[3] / _BUCKET) + 1):
                self.grid.setdefault((gx, gy), []).append(box)
        mx, my = self.margin
        left, top, right, bottom = left - mx, top - my, right + mx, bottom + my
        size, spots, blocked = self.size, self.spots, self.blocked
        for gx in range(math.floor(left / size), math.floor(right / size) + 1):
            for gy in range(math.floor(top / size), math.floor(bottom / size) + 1):
                for index in self.buckets.get((gx, gy), ()):
                    sx, sy = spots[index]
                    if left < sx < right and top < sy < bottom:
                        blocked[index] = 1

    def fits(self, width: float, height: float, x: float, y: float) -> bool:
        """Can a box of this size, centred on a spot inside the sector, sit there?

        It must stay inside the ring (with a margin), clear of the sector's boundary rays,
        and apart from every box already placed.
        """
        half_w, half_h = width / 2, height / 2
        ax, ay = abs(x), abs(y)
        outer = self.r1 - _PAD
        if (ax + half_w) ** 2 + (ay + half_h) ** 2 > outer * outer:
            return False
        if self.r0 > 0:
            near_x, near_y = max(ax - half_w, 0.0), max(ay - half_h, 0.0)
            if near_x * near_x + near_y * near_y < (self.r0 + _PAD) ** 2:
                return False
        left, top, right, bottom = x - half_w, y - half_h, x + half_w, y + half_h
        other = self.blocker
        if (
            other is not None
            and left < other[2]
            and other[0] < right
            and top < other[3]
            and other[1] < bottom
        ):
            return False
        reach_box = half_w + half_h + _RAY_CLEARANCE
        for cos, sin in self.rays:
            if abs(x * sin - y * cos) > reach_box:
                continue  # far from this boundary's line
            clear = (
                left - _RAY_CLEARANCE,
                top - _RAY_CLEARANCE,
                right + _RAY_CLEARANCE,
                bottom + _RAY_CLEARANCE,
            )
            if _segment_hits_box(0, 0, self.reach * cos, self.reach * sin, clear):
                return False
        for gx in range(math.floor(left / _BUCKET), math.floor(right / _BUCKET) + 1):
            for gy in range(math.floor(top / _BUCKET), math.floor(bottom / _BUCKET) + 1):
                for other in self.grid.get((gx, gy), ()):
                    if (
                        left < other[2]
                        and other[0] < right
                        and top < other[3]
                        and other[1] < bottom
                    ):
                        self.blocker = other
                        return False
        return True

    def outward(self, middle: float) -> Iterator[tuple[float, float]]:
        """Yield the free spots from the outermost row in, each row from ``middle`` out."""
        if self.order is None:
            start, end = self.span
            self.order = []
            for _radius, first, count in reversed(self.rows):
                centre = (middle - start) * count / (end - start) - 0.5  # the spot in the middle
                self.order += sorted(
                    range(first, first + count), key=lambda i: abs(i - first - centre)
                )
        return (self.spots[i] for i in self.order if not self.blocked[i])

    def nearest(self, x: float, y: float) -> Iterator[tuple[float, float]]:
        """Yield the free spots, nearest to (x, y) first (ties in lattice order).

        The buckets are visited in squares of growing size around (x, y); a spot is yielded
        once no bucket left to visit can hold a nearer one.
        """
        size, spots, blocked = self.size, self.spots, self.blocked
        bx, by = math.floor(x / size), math.floor(y / size)
        low_x, low_y, high_x, high_y = self.bounds
        last = max(bx - low_x, high_x - bx, by - low_y, high_y - by)
        heap: list[tuple[float, int]] = []
        for k in range(last + 1):
            ring = (
                [(bx, by)]
                if k == 0
                else [
                    *((bx + d, by - k) for d in range(-k, k + 1)),
                    *((bx + d, by + k) for d in range(-k, k + 1)),
                    *((bx - k, by + d) for d in range(-k + 1, k)),
                    *((bx + k, by + d) for d in range(-k + 1, k)),
                ]
            )
            for key in ring:
                for index in self.buckets.get(key, ()):
                    if not blocked[index]:
                        sx, sy = spots[index]
                        heapq.heappush(heap, ((sx - x) ** 2 + (sy - y) ** 2, index))
            limit = (k * size) ** 2
            while heap and heap[0][0] <= limit:
                yield spots[heapq.heappop(heap)[1]]
        while heap:
            yield spots[heapq.heappop(heap)[1]]


def _place_cell(glyphs: list[Glyph], r0: float, r1: float, span: tuple[float, float]) -> bool:
    """Place a cell's glyphs, spread evenly, else packed; False when they do not fit.

    Spread: the ideal spots follow the names' order across the sector, on rows from where
    the sector is wide enough for a label out, each holding as many as its length; the
    largest labels take the free spot nearest to theirs first. Packed: the largest first,
    each on the outermost free row, from the sector's middle.
    """
    start, end = span
    room = (end - start) / 2 * (r1**2 - r0**2)
    if sum(map(_area, glyphs)) > room * 0.8:
        return False
    cell = _Cell(glyphs, r0, r1, span)
    middle = (start + end) / 2
    pinned: list[tuple[Glyph, float, float]] = []
    for glyph in glyphs:
        if glyph.actor is None:  # a sector's name: near the outer edge, in the middle
            ideal = r1 - _PAD - glyph.variants[0][2] / 2 - 12
            pinned.append((glyph, ideal * math.cos(middle), ideal * math.sin(middle)))
    actors = [g for g in glyphs if g.actor is not None]
    biggest = sorted(actors, key=lambda g: (-_area(g), g.key))
    n = len(actors)
    # Near the centre a sector is too narrow for a label: the rows start where it is not.
    mean = sum(g.variants[0][1] for g in actors) / max(n, 1)
    first = max(r0, min(r1 / 2, (mean + 2 * _RAY_CLEARANCE) / (end - start)))
    # A label takes its width along a row at the top of the map, its height on the sides.
    samples = [start + (k + 0.5) * (end - start) / 16 for k in range(16)]
    along = sum(abs(math.sin(a)) for a in samples) / 16, sum(abs(math.cos(a)) for a in samples) / 16
    length = sum(g.variants[0][1] * along[0] + g.variants[0][2] * along[1] + _GAP for g in actors)
    rows_needed = math.ceil(length / max((end - start) * (first + r1) / 2, 1))
    tallest = max((g.variants[0][2] for g in actors), default=0.0)
    rows_room = max(1, int((r1 - first - 2 * _PAD) / (tallest + _GAP)))
    rows = max(1, min(rows_needed, rows_room))

    def spread() -> Iterator[tuple[Glyph, Iterator[tuple[float, float]]]]:
        """The names in order across the sector, on rows holding as many as their length."""
        for glyph, x, y in pinned:
            yield glyph, cell.nearest(x, y)
        radii = [first + (r1 - first) * (row + 0.5) / rows for row in range(rows)]
        counts = _shares(n, radii)
        slots = sorted(
            (start + (j + 0.5) * (end - start) / count, -radius)
            for radius, count in zip(radii, counts, strict=True)
            for j in range(count)
        )
        ideals = {}
        for glyph, (angle, radius) in zip(actors, slots, strict=True):
            _, width, height = glyph.variants[0]
            radius = _within(-radius, angle, width, height, r0, r1)
            ideals[glyph.key] = (radius * math.cos(angle), radius * math.sin(angle))
        for glyph in biggest:
            yield glyph, cell.nearest(*ideals[glyph.key])

    def pack() -> Iterator[tuple[Glyph, Iterator[tuple[float, float]]]]:
        """The largest first, each on the outermost free row, from the sector's middle."""
        for glyph, x, y in pinned:
            yield glyph, cell.nearest(x, y)
        for glyph in biggest:
            yield glyph, cell.outward(middle)

    for plan in (spread(), pack()):
        cell.clear()
        if all(_place_glyph(glyph, candidates, cell) for glyph, candidates in plan):
            return True
    return False


def _within(
    radius: float, angle: float, width: float, height: float, r0: float, r1: float
) -> float:
    """Return the radius nearest to ``radius`` at which a box centred at ``angle`` lies
    inside the ring (the middle of the ring when it is too thin for the box)."""
    across = width / 2 * abs(math.cos(angle)) + height / 2 * abs(math.sin(angle))
    reach = (width / 2) ** 2 + (height / 2) ** 2 - (r1 - _PAD) ** 2
    highest = -across + math.sqrt(max(across * across - reach, 0.0))
    lowest = r0 + _PAD + across if r0 > 0 else 0.0
    if lowest > highest:
        return (lowest + highest) / 2
    return min(max(radius, lowest), highest)


def _shares(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders, ties to the first)."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _place_glyph(glyph: Glyph, candidates: Iterator[tuple[float, float]], cell: _Cell) -> bool:
    """Put a glyph on the first candidate spot where one of its variants fits.

    A name takes another form than its preferred one only when that finds no room among
    the first candidates (the spots nearest to where it should go).
    """
    near: list[tuple[float, float]] = []  # read from ``candidates`` while the first form is tried
    if len(glyph.variants) > 1:
        _, width, height = variant = glyph.variants[0]
        for x, y in itertools.islice(candidates, _NEAR):
            near.append((x, y))
            if cell.fits(width, height, x, y):
                cell.put(glyph, variant, x, y)
                return True
    for variant in glyph.variants[1:-1]:
        for x, y in near:
            if cell.fits(variant[1], variant[2], x, y):
                cell.put(glyph, variant, x, y)
                return True
    # Every form holds a box this size: where that does not fit, none does.
    least = min(w for _, w, _ in glyph.variants), min(h for _, _, h in glyph.variants)
    for x, y in itertools.chain(near, candidates):
        if not cell.fits(*least, x, y):
            continue
        for variant in glyph.variants:
            if cell.fits(variant[1], variant[2], x, y):
                cell.put(glyph, variant, x, y)
                return True
    return False

# SPDX-License-Identifier: EUPL-1.2
"""Where everything goes on the actor map: the actors' glyphs, the rings and the sectors.

Three concentric rings (core in the centre, then direct, indirect) split into four sectors
(public, private, civil society, users). A sector's angle follows how much it holds (each
keeps at least 40°), and the rings widen until every label fits its cell. The layout is
deterministic: in each cell the actors get evenly spread ideal spots (on alternating radii
when the cell is crowded) and each takes the free spot nearest to its ideal, checked against
the cell's edges and every label already placed, with label widths estimated from the
characters (so nothing depends on the fonts installed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from residence.i18n import Translator, translator
from residence.models import Published
from residence.models.actors import Actor
from residence.render.actormap.metrics import FONT_SIZE, LINE_HEIGHT, label_variants, text_width
from residence.render.actormap.vocabulary import CIRCLES, RING_NAMES, SECTOR_LABELS, SECTORS
from residence.render.markdown import typography

_GAP = 5.0  # between two labels
_PAD = 4.0  # between a label and a ring's circle
_RAY_CLEARANCE = 6.0  # between a label and a sector's boundary (ring names sit on one)
_STEP = 7.0  # spacing of the candidate spots in a cell
_MIN_SECTOR = math.radians(40)
_FILL = 0.6  # how much of a cell labels may cover before the layout widens its ring
SECTOR_SPACING = 1.5  # letter spacing of the sector names
_NEAR = 120  # spots near its ideal where a name is tried on fewer lines first


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

# SPDX-License-Identifier: EUPL-1.2
"""The actor map drawn as SVG: rings and sectors, relations, actors, legend.

Relations are gentle curves whose kind reads in black and white: solid, dotted, dashed,
zigzag, double, arrows. The SVG is accessible (``role="img"``, ``<title>``, ``<desc>``
summing up the actors per ring and sector), scales with its ``viewBox`` (no fixed pixel
size), uses real ``<text>`` at a size that stays at or above 9 pt when the map is printed
across an A4 page, and escapes all user text. The drawing helpers here (numbers, shapes,
text) serve the influence/interest matrix too.

A map is drawn once per set of inputs (:class:`Drawings`): ``residence serve`` renders the
report again at each save, and a map whose actors did not change is not drawn again.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from residence.i18n import Translator
from residence.models import Published
from residence.render.actormap.layout import SECTOR_SPACING, layout_actor_map
from residence.render.actormap.metrics import FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, text_width
from residence.render.actormap.vocabulary import (
    CIRCLE_NAMES,
    CIRCLES,
    RELATION_KINDS,
    RELATION_NAMES,
    RING_NAMES,
    SECTOR_NAMES,
    SECTORS,
    SHAPE_NAMES,
    actor_shape,
    known_relations,
)
from residence.render.band import edition_band
from residence.render.markdown import typography

DEFAULT_ACCENT = "#b5452b"
INK = "#1d1d1b"
GREY = "#6f6d68"
LINE_GREY = "#c7c3ba"
LINK = "#57544e"  # relations
RING_FILLS = ("#f5f3ef", "#eae7e0")  # indirect, direct; the core is tinted with the accent

# Characters XML 1.0 cannot carry at all (a YAML "\v" escape, say).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Return text safe inside an XML element or a double-quoted attribute."""
    text = _XML_INVALID.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def strip_invalid_xml(text: str | None) -> str:
    """Return text without the characters XML 1.0 cannot carry (None as "")."""
    return _XML_INVALID.sub("", text or "")


def safe_id(value: str, default: str) -> str:
    """Return ``value`` with what an XML id cannot hold replaced by "-" (empty: ``default``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value) or default


def num(value: float) -> str:
    """Return a coordinate or a length as SVG writes it: one decimal, no "-0", no ".0"."""
    text = f"{value:.1f}"
    return "0" if text in ("-0.0", "0.0") else text.removesuffix(".0")


def shape_svg(shape: str, x: float, y: float, r: float, fill: str) -> str:
    """Return an actor's marker (square, triangle or circle) of radius ``r`` on (x, y)."""
    style = f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"'
    if shape == "square":
        side = r * 1.72
        return (
            f'<rect x="{num(x - side / 2)}" y="{num(y - side / 2)}" width="{num(side)}" '
            f'height="{num(side)}" {style}/>'
        )
    if shape == "triangle":
        big = r * 1.3
        points = [
            (x, y - big),
            (x + big * 0.866, y + big * 0.5),
            (x - big * 0.866, y + big * 0.5),
        ]
        coords = " ".join(f"{num(px)},{num(py)}" for px, py in points)
        return f'<polygon points="{coords}" {style}/>'
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" {style}/>'


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
    return "M" + " L".join(f"{num(x)},{num(y)}" for x, y in points)


_ARROW = 9.0


def _relation_svg(
    kind: str,
    p0: tuple[float, float],
    c: tuple[float, float],
    p1: tuple[float, float],
    prefix: str,
) -> str:
    """Draw one relation; its kind reads from the line alone, without colour."""
    curve = f"M{num(p0[0])},{num(p0[1])} Q{num(c[0])},{num(c[1])} {num(p1[0])},{num(p1[1])}"
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


def text_svg(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    anchor: str = "middle",
    weight: str | None = None,
    fill: str = INK,
    spacing: float = 0,
    extra: str = "",
) -> str:
    """Return a <text> of one or more lines (the first on ``y``), its text escaped."""
    attrs = [
        f'x="{num(x)}"',
        f'y="{num(y)}"',
        f'font-size="{num(FONT_SIZE)}"',
        f'fill="{fill}"',
    ]
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if spacing:
        attrs.append(f'letter-spacing="{num(spacing)}"')
    body = "".join(
        f'<tspan x="{num(x)}" dy="{num(0 if i == 0 else LINE_HEIGHT)}">{xml_text(line)}</tspan>'
        if len(lines) > 1
        else xml_text(line)
        for i, line in enumerate(lines)
    )
    return f"<text {' '.join(attrs)}{extra}>{body}</text>"


BAND_HEIGHT = 26.0  # the team edition's band drawn across the top of a map or matrix


def band_svg(band: str, left: float, top: float, width: float) -> str:
    """Return the team edition's band drawn as a dark strip from (left, top), ``width`` wide.

    White capitals on ink, as in the report; the caller makes room for it (``BAND_HEIGHT``).
    Its class is not ``band``: the report inlines the map, and its style sheets hide ``.band``.
    """
    label = band.upper()
    return (
        f'<g class="edition-band"><rect x="{num(left)}" y="{num(top)}" width="{num(width)}" '
        f'height="{num(BAND_HEIGHT)}" rx="3" fill="{INK}"/>'
        + text_svg(
            left + width / 2,
            top + BAND_HEIGHT / 2 + FONT_SIZE * 0.35,
            [label],
            weight="600",
            fill="#ffffff",
            spacing=1.5,
        )
        + "</g>"
    )


def with_band(band: str, title: str, summary: str) -> tuple[str, str]:
    """Return the ``<title>`` and ``<desc>`` of a drawing, led by the band if there is one."""
    if not band:
        return title, summary
    return f"{band}. {title}", f"{band}. {summary}"


def _summary(residency: Published, t: Translator) -> str:
    """Return the text alternative of the map: how many actors per ring and sector."""
    lang = t.language
    relations = known_relations(residency)
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


class Drawings:
    """The last drawings made (SVG text), by a key of everything each is drawn from.

    A key must hold every input of its drawing (ids, texts, language, edition…), so that a
    drawing is reused only when drawing it again would give the same text. Bounded (the
    ``keep`` most recent) and safe to share between threads.
    """

    def __init__(self, keep: int = 4) -> None:
        self._keep = keep
        self._made: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, draw: Callable[[], str]) -> str:
        """Return the drawing of ``key``: the one made before, or ``draw()``'s, kept."""
        with self._lock:
            found = self._made.get(key)
            if found is not None:
                self._made.move_to_end(key)
                return found
        made = draw()
        with self._lock:
            self._made[key] = made
            while len(self._made) > self._keep:
                self._made.popitem(last=False)
        return made

    def clear(self) -> None:
        """Forget every drawing."""
        with self._lock:
            self._made.clear()


#: The actor maps drawn last (see Drawings).
MAPS = Drawings()


def render_actor_map_svg(
    residency: Published,
    t: Translator,
    *,
    accent: str | None = None,
    id_prefix: str = "actor-map",
) -> str:
    """Return the actor map of a (gated) residency as a standalone, accessible SVG document.

    ``t`` translates the labels (``residence.i18n.translator(lang, "report")``); ``accent``
    is a #rrggbb colour (default: the residency's, else a brick red). ``id_prefix`` keeps
    the ids unique when several SVGs share one HTML page. A map drawn before from the same
    inputs is returned as it was (:data:`MAPS`).
    """
    res = residency.residence
    key = (
        t,
        accent,
        id_prefix,
        residency.edition,
        residency.language,
        res.accent if res is not None else None,
        res.title if res is not None else None,
        tuple(actor.model_dump_json() for actor in residency.actors),
        tuple(relation.model_dump_json() for relation in residency.relations),
    )
    return MAPS.get(key, lambda: _draw_actor_map(residency, t, accent, id_prefix))


def _draw_actor_map(residency: Published, t: Translator, accent: str | None, id_prefix: str) -> str:
    lang = t.language
    accent = accent_colour(accent or (residency.residence.accent if residency.residence else None))
    prefix = safe_id(id_prefix, "actor-map")
    layout = layout_actor_map(residency, t)
    r3 = layout.radii[2]
    out: list[str] = []

    # Rings, from the outside in, so that each disc is painted over the larger one.
    fills = {"core": _tint(accent, 0.12), "direct": RING_FILLS[1], "indirect": RING_FILLS[0]}
    for circle, radius in reversed(list(zip(CIRCLES, layout.radii, strict=True))):
        out.append(
            f'<circle cx="0" cy="0" r="{num(radius)}" fill="{fills[circle]}" '
            f'stroke="{LINE_GREY}" stroke-width="1"/>'
        )
    for start, _end in layout.sectors.values():
        out.append(
            f'<line x1="0" y1="0" x2="{num(r3 * math.cos(start))}" '
            f'y2="{num(r3 * math.sin(start))}" stroke="#ffffff" stroke-width="3"/>'
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
            f'<g transform="translate({num(x)} {num(y)}) rotate({num(degrees)})">'
            f'<rect x="{num(-width / 2 - 3)}" y="{num(-FONT_SIZE * 0.6)}" width="{num(width + 6)}" '
            f'height="{num(FONT_SIZE * 1.2)}" rx="3" fill="{fills[circle]}"/>'
            + text_svg(0, FONT_SIZE * 0.35, [label], fill=GREY, weight="600", spacing=1.2)
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
        out.append(shape_svg(actor_shape(glyph.actor), mx, my, glyph.radius, accent))
        # Knocked out of the lines in the ring's own colour (a rectangle rather than a text
        # outline with paint-order, which WeasyPrint does not draw).
        halo = fills[glyph.actor.circle]
        # Lines pass under a name, not through it: a knock-out in the ring's colour.
        text_right = glyph.x + glyph.width / 2
        top = baseline - FONT_SIZE * 0.95
        bottom = baseline + LINE_HEIGHT * (len(glyph.lines) - 1) + 4
        out.append(
            f'<rect x="{num(tx - 2)}" y="{num(top)}" width="{num(text_right - tx + 2)}" '
            f'height="{num(bottom - top)}" rx="3" fill="{halo}" fill-opacity="0.85"/>'
        )
        out.append(text_svg(tx, baseline, glyph.lines, anchor="start"))
        out.append("</g>")
    out.append("</g>")

    # Sector names near the outer edge, in the middle of each sector.
    for glyph in layout.sector_glyphs.values():
        left, top, right, bottom = glyph.box
        baseline = top + 1 + (LINE_HEIGHT - FONT_SIZE) / 2 + FONT_SIZE * 0.8
        out.append(
            f'<rect x="{num(left)}" y="{num(top)}" width="{num(right - left)}" '
            f'height="{num(bottom - top)}" rx="3" fill="{fills["indirect"]}"/>'
        )
        out.append(text_svg(glyph.x, baseline, glyph.lines, weight="600", spacing=SECTOR_SPACING))

    left, right, top, bottom = -r3 - 4, r3 + 4, -r3 - 4, r3 + 34
    legend, legend_height = _legend(t, left + 12, bottom, right - left - 24, prefix, accent)
    out.append(legend)
    bottom += legend_height + 12

    band = edition_band(residency, lang)
    if band:  # a strip above the rings, clear of every label
        top -= BAND_HEIGHT + 12
        out.insert(0, band_svg(band, left, top, right - left))  # read first

    title = typography(t.gettext("Actor map"), lang)
    if residency.residence is not None:
        title += " — " + typography(residency.residence.title, lang)
    title, summary = with_band(band, title, _summary(residency, t))
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{num(left)} {num(top)} {num(right - left)} {num(bottom - top)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="actor-map" '
        f'font-family="{FONT_FAMILY}" font-size="{num(FONT_SIZE)}">'
        f'<title id="{prefix}-title">{xml_text(title)}</title>'
        f'<desc id="{prefix}-desc">{xml_text(summary)}</desc>'
        "<defs>"
        f'<marker id="{prefix}-arrow" viewBox="0 0 10 8" refX="0.5" refY="4" '
        f'markerWidth="{num(_ARROW)}" markerHeight="{num(_ARROW * 0.8)}" '
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
        f'<line x1="{num(x)}" y1="{num(y - 14)}" x2="{num(x + width)}" y2="{num(y - 14)}" '
        f'stroke="{LINE_GREY}" stroke-width="1"/>'
    )
    heading = typography(t.gettext("Legend"), lang).upper()
    out.append(text_svg(x, y + 6, [heading], anchor="start", weight="600", spacing=1.5))
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
            out.append(symbol.replace("{x}", num(cx)).replace("{y}", num(cy)))
            out.append(text_svg(cx + sample + 10, cy + 4.5, [label], anchor="start"))
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
        drawn = shape_svg(shape, sample / 2, 0, 7, accent)
        symbol = f'<g transform="translate({{x}} {{y}})">{drawn}</g>'
        actors.append((symbol, typography(t.gettext(name), lang)))
    sizes = "".join(
        shape_svg("circle", offset, 0, 3.0 + 0.8 * level, accent)
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


def accent_colour(value: str | None) -> str:
    """Return a #rrggbb colour in lower case, or the default accent if ``value`` is not one."""
    if value and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value.lower()
    return DEFAULT_ACCENT

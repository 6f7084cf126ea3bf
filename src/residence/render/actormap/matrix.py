# SPDX-License-Identifier: EUPL-1.2
"""The actors' stakes: the influence and interest matrix (SVG) and the table of stakes."""

from __future__ import annotations

from residence.i18n import Translator
from residence.models import Published
from residence.models.actors import Actor
from residence.render.actormap.metrics import FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, wrap_to
from residence.render.actormap.svg import (
    BAND_HEIGHT,
    GREY,
    LINK,
    accent_colour,
    band_svg,
    num,
    safe_id,
    shape_svg,
    text_svg,
    with_band,
    xml_text,
)
from residence.render.actormap.vocabulary import (
    CIRCLE_NAMES,
    CIRCLES,
    KIND_NAMES,
    SECTOR_NAMES,
    SECTORS,
    actor_shape,
)
from residence.render.band import edition_band
from residence.render.markdown import typography

_CELL = 124.0  # width of a matrix cell
_AXIS = 64.0  # room left of and under the grid for the axes


def render_matrix_svg(
    residency: Published,
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
    accent = accent_colour(accent or (residency.residence.accent if residency.residence else None))
    prefix = safe_id(id_prefix, "actor-matrix")
    cells: dict[tuple[int, int], list[tuple[Actor, list[str]]]] = {}
    unplaced: list[Actor] = []
    text_room = _CELL - 24
    for actor in sorted(residency.actors, key=lambda a: (a.name.casefold(), a.id)):
        if actor.influence is None or actor.interest is None:
            unplaced.append(actor)
            continue
        name = typography(actor.name, lang)
        lines = wrap_to(" ".join(name.split()) or "?", text_room, FONT_SIZE)
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
                f'<rect x="{num(x)}" y="{num(row_top[level])}" width="{num(_CELL)}" '
                f'height="{num(rows[level])}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            )
            cy = row_top[level] + 10
            for actor, lines in cells.get((level, column), []):
                marker_y = cy + LINE_HEIGHT / 2
                out.append(shape_svg(actor_shape(actor), x + 12, marker_y, 4.6, accent))
                out.append(text_svg(x + 21, marker_y + FONT_SIZE * 0.35, lines, anchor="start"))
                cy += len(lines) * LINE_HEIGHT + 5
        out.append(
            text_svg(
                _AXIS - 12,
                row_top[level] + rows[level] / 2 + FONT_SIZE * 0.35,
                [str(level)],
                anchor="end",
                fill=GREY,
            )
        )
    for column in range(1, 6):
        out.append(
            text_svg(_AXIS + (column - 0.5) * _CELL, grid_bottom + 20, [str(column)], fill=GREY)
        )
    right = _AXIS + 5 * _CELL
    # Axes with arrows: interest grows to the right, influence upwards.
    out.append(
        f'<path d="M{num(_AXIS)},{num(grid_bottom + 30)} H{num(right)}" stroke="{LINK}" '
        f'stroke-width="1.2" marker-end="url(#{prefix}-arrow)"/>'
    )
    out.append(
        f'<path d="M{num(_AXIS - 32)},{num(grid_bottom)} V{num(12)}" stroke="{LINK}" '
        f'stroke-width="1.2" marker-end="url(#{prefix}-arrow)"/>'
    )
    interest = typography(t.gettext("Interest"), lang).upper()
    influence = typography(t.gettext("Influence"), lang).upper()
    out.append(
        text_svg(right, grid_bottom + 50, [interest], anchor="end", weight="600", spacing=1.5)
    )
    out.append(
        text_svg(
            0,
            0,
            [influence],
            anchor="end",
            weight="600",
            spacing=1.5,
            extra=f' transform="translate({num(_AXIS - 42)} 0) rotate(-90)"',
        )
    )
    bottom = grid_bottom + 62
    if unplaced:
        heading = typography(t.gettext("Not placed (influence or interest not given):"), lang)
        names = ", ".join(typography(a.name, lang) for a in unplaced)
        lines = wrap_to(f"{heading} {names}", right - 10, FONT_SIZE)
        out.append(text_svg(0, bottom + 16, lines, anchor="start"))
        bottom += 16 + LINE_HEIGHT * len(lines)
    top = -10.0
    band = edition_band(residency, lang)
    if band:  # a strip above the grid and the influence axis
        top -= BAND_HEIGHT + 10
        out.insert(0, band_svg(band, -10, top, right + 20))
    title = typography(t.gettext("Influence and interest of the actors"), lang)
    if residency.residence is not None:
        title += " — " + typography(residency.residence.title, lang)
    title, summary = with_band(band, title, _matrix_summary(cells, unplaced, t))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="-10 {num(top)} {num(right + 20)} {num(bottom + 10 - top)}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="actor-matrix" '
        f'font-family="{FONT_FAMILY}" font-size="{num(FONT_SIZE)}">'
        f'<title id="{prefix}-title">{xml_text(title)}</title>'
        f'<desc id="{prefix}-desc">{xml_text(summary)}</desc>'
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


def stakes_table(residency: Published, t: Translator | None = None) -> list[dict[str, object]]:
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

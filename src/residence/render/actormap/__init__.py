# SPDX-License-Identifier: EUPL-1.2
"""The actor map (SVG), the influence/interest matrix, the table of stakes, and the exports.

Everything here takes the residency returned by ``residence.gate.select_edition``: by
then a protected person's name is already its pseudonym, so the map shows what the edition
may show and nothing else.

The parts: ``vocabulary`` (sectors, circles, relation kinds and their labels), ``metrics``
(text widths and label wrapping, from the widths ``measure_fonts`` measured into
``fontwidths``), ``layout`` (where each actor goes), ``svg`` (the map drawn, its legend),
``matrix`` (the influence/interest matrix and the table of stakes), ``exports`` (GraphML,
CSV for Kumu). A team edition's outputs carry the band of ``residence.render.band``.
"""

from residence.render.actormap.exports import kumu_csv_names, to_graphml, to_kumu_csv
from residence.render.actormap.layout import MapLayout, layout_actor_map
from residence.render.actormap.matrix import render_matrix_svg, stakes_table
from residence.render.actormap.metrics import A4_WIDTH_UNITS, FONT_SIZE, label_variants, text_width
from residence.render.actormap.svg import render_actor_map_svg
from residence.render.actormap.vocabulary import CIRCLES, RELATION_NAMES, SECTORS

__all__ = [
    "A4_WIDTH_UNITS",
    "CIRCLES",
    "FONT_SIZE",
    "RELATION_NAMES",
    "SECTORS",
    "MapLayout",
    "kumu_csv_names",
    "label_variants",
    "layout_actor_map",
    "render_actor_map_svg",
    "render_matrix_svg",
    "stakes_table",
    "text_width",
    "to_graphml",
    "to_kumu_csv",
]

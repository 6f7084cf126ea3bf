# SPDX-License-Identifier: EUPL-1.2
"""The actors and their relations for other tools: GraphML (Gephi, yEd…) and CSV (Kumu)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from residence.i18n import Translator, translator
from residence.models import Published
from residence.render.actormap.svg import strip_invalid_xml
from residence.render.actormap.vocabulary import (
    CIRCLE_NAMES,
    KIND_NAMES,
    RELATION_NAMES,
    SECTOR_NAMES,
    known_relations,
)
from residence.render.band import edition_band, marked_name
from residence.render.markdown import to_plain_text

_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def to_graphml(residency: Published) -> str:
    """Return the actors and relations as GraphML (opens in Gephi, yEd, Cytoscape…).

    Node attributes: label and name (the actor's name), kind, sector, circle, influence,
    interest (integers, left out when not given), stakes (joined with " | ") and
    description (plain text). Edge attributes: kind and note. Directed, from → to. A team
    edition says so twice: in a comment before the root and in the graph's ``notice``.
    """
    band = edition_band(residency)
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
    if band:
        keys.insert(0, ("notice", "graph", "string"))
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
        element.text = strip_invalid_xml(str(value))

    data(graph, "notice", band)
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
    for index, relation in enumerate(known_relations(residency)):
        edge = ET.SubElement(
            graph,
            f"{{{_GRAPHML_NS}}}edge",
            {"id": f"e{index}", "source": relation.from_, "target": relation.to},
        )
        data(edge, "relation", relation.kind)
        data(edge, "note", relation.note)
    ET.indent(root)
    comment = f"<!-- {strip_invalid_xml(band).replace('--', '- -')} -->\n" if band else ""
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{comment}{body}\n'


def _cell(value: object) -> str:
    """Return a CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    text = strip_invalid_xml("" if value is None else str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


#: The two sheets of :func:`to_kumu_csv`, as ``residence map`` names them in a public edition.
KUMU_FILES = ("actors-elements.csv", "actors-connections.csv")


def kumu_csv_names(residency: Published) -> tuple[str, str]:
    """Return the file names of the two Kumu sheets: a team edition's carry the band.

    CSV holds no comment that Kumu would pass over, and a row or a column more would be
    imported as data, so the name says it: ``actors-elements-document-interne-ne-pas-
    diffuser.csv`` in a French team edition.
    """
    elements, connections = KUMU_FILES
    return marked_name(elements, residency), marked_name(connections, residency)


def to_kumu_csv(residency: Published, t: Translator | None = None) -> tuple[str, str]:
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
    for relation in known_relations(residency):
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

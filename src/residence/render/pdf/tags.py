"""The PDF's structure tags (what screen readers follow): what we mend in WeasyPrint's."""

from __future__ import annotations

from typing import Any


def mend_definition_lists(pdf: Any) -> int:
    """Tag each row of a ``<dl>`` as a list item: its term a label, its definition a body.

    WeasyPrint 70 tags ``<dl>`` as a list (L) and each ``<dt>`` and ``<dd>`` as an item of
    its own, but the ``<div>`` that groups a term with its definition (as the report's facts
    and attribution blocks do, for their layout) as a division: a list holding divisions,
    which PDF/UA forbids. Each such row (a division holding two items) becomes the item,
    its term the item's label (Lbl) and its definition the item's body (LBody), as PDF
    tags a term and its definition; what WeasyPrint had put inside each is kept as a group
    (NonStruct). Only structure names change: no content, no page, no link. Returns the
    number of rows mended.
    """
    import pydyf

    objects = getattr(pdf, "objects", None)
    if not isinstance(objects, list):
        return 0

    def element(reference: object) -> Any:
        if not isinstance(reference, bytes) or not reference.endswith(b" R"):
            return None
        try:
            found = objects[int(reference.split()[0])]
        except (ValueError, IndexError):
            return None
        ok = isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem"
        return found if ok else None

    def only_body(item: Any) -> Any:
        kids = [element(kid) for kid in item.get("K", ())]
        if len(kids) == 1 and kids[0] is not None and kids[0].get("S") == "/LBody":
            return kids[0]
        return None

    mended = 0
    for candidate in objects:
        if not isinstance(candidate, pydyf.Dictionary) or candidate.get("S") != "/L":
            continue
        for row in map(element, candidate.get("K", ())):
            if row is None or row.get("S") != "/Div":
                continue
            items = [element(kid) for kid in row.get("K", ())]
            if len(items) != 2 or any(i is None or i.get("S") != "/LI" for i in items):
                continue
            bodies = [only_body(item) for item in items]
            if None in bodies:
                continue
            row["S"] = "/LI"
            items[0]["S"], items[1]["S"] = "/Lbl", "/LBody"
            for body in bodies:
                body["S"] = "/NonStruct"
            mended += 1
    return mended

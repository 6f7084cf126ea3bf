# SPDX-License-Identifier: EUPL-1.2
"""What the catalogue keeps of a residency: its public edition packed as JSON, its searchable items.

``prepare_rows`` turns a public edition into the rows ``Catalog.write`` stores: the
residency's summary columns, its public edition as JSON (compressed when written, so that
the site can be rebuilt without the original folders) and the title and text of each
searchable item, Markdown made plain for the full-text index.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from residence.errors import ResidenceError
from residence.gate import republish
from residence.i18n import messages
from residence.models import (
    Actor,
    Entry,
    Insight,
    Method,
    Prototype,
    Published,
    Relation,
    Residence,
    Residency,
    Scenario,
)
from residence.models.residency import entry_stem, set_source, source_of
from residence.text import slugify

_ = messages("catalog")

# -- the stored public edition ---------------------------------------------------------------


#: What the catalogue keeps of a residency: (key, model) of each list of items.
_PARTS: tuple[tuple[str, type[Any]], ...] = (
    ("actors", Actor), ("relations", Relation), ("entries", Entry), ("prototypes", Prototype),
    ("scenarios", Scenario), ("methods", Method), ("insights", Insight),
)  # fmt: skip
#: The layout of the stored JSON (1: one {"source", "data"} record per item).
_CONTENT_FORMAT = 2


@cache
def _list_adapter(key: str) -> TypeAdapter[list[Any]]:
    """Return the pydantic adapter of one list of items (made once: it takes a while)."""
    return TypeAdapter(list[dict(_PARTS)[key]])  # type: ignore[misc,arg-type]


def _content_json(published: Published) -> bytes:
    """Return the public edition as JSON (pydantic writes each list in one call)."""
    assert published.residence is not None
    options: dict[str, Any] = {"by_alias": True, "exclude_none": True}
    parts = [
        b'"format":' + str(_CONTENT_FORMAT).encode(),
        b'"residence":' + published.residence.model_dump_json(**options).encode("utf-8"),
    ]
    sources: dict[str, list[str]] = {"residence": [source_of(published.residence)]}
    for key, _model in _PARTS:
        items = getattr(published, key)
        parts.append(f'"{key}":'.encode() + _list_adapter(key).dump_json(items, **options))
        sources[key] = [source_of(item) for item in items]
    # The gate's cleaned drawings and PDFs (names taken out of an SVG's text, a PDF's
    # metadata): the catalogue's site publishes these, never the folder's own bytes.
    media = {path: base64.b64encode(data).decode("ascii") for path, data in published.media.items()}
    extra = {
        "sources": sources,
        "pseudonyms": published.pseudonyms,
        "scopes": published.scopes,
        "media": media,
    }
    tail = json.dumps(extra, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return b"{" + b",".join(parts) + b"," + tail[1:].encode("utf-8")


def compress(data: bytes) -> bytes:
    """Return data compressed as the catalogue stores it."""
    return zlib.compress(data, 1)  # fast: adding must stay cheap


def pack_residency(published: Published) -> bytes:
    """Return the public edition of a residency as compressed JSON (what the catalogue keeps)."""
    return compress(_content_json(published))


def unpack_residency(content: bytes, root: Path) -> Published:
    """Return the public edition stored by ``pack_residency``, its media looked up in root.

    The stored edition goes through the gate again (``republish``) with the scopes the gate
    recorded, so that nothing is marked public by hand; a record from before the scopes
    were kept protects every person met.
    """
    value = json.loads(zlib.decompress(content).decode("utf-8"))
    # A part missing from a record was not kept when it was written (insights, before they
    # were): the residency had none in the catalogue.
    if value.get("format") == _CONTENT_FORMAT:
        sources = value["sources"]
        records = {
            key: [
                {"data": data, "source": src}
                for data, src in zip(value.get(key, []), sources.get(key, []), strict=True)
            ]
            for key, _ in _PARTS
        }
        records["residence"] = [{"data": value["residence"], "source": sources["residence"][0]}]
    else:  # format 1
        records = {key: value.get(key, []) for key, _ in _PARTS}
        records["residence"] = [value["residence"]]

    def item(record: dict[str, Any], model: Any) -> Any:
        found = model.model_validate(record["data"])
        if record.get("source"):
            set_source(found, record["source"])
        return found

    residency = Residency(root=root, residence=item(records["residence"][0], Residence))
    for key, model in _PARTS:
        setattr(residency, key, [item(record, model) for record in records[key]])
    published = republish(residency, value.get("scopes") or {})
    # The bytes the gate cleaned when the residency was added: the folder's own may name
    # people the gate, working from the public edition, no longer knows. A record from
    # before they were kept publishes no drawing and no PDF (images.media_bytes).
    stored = value.get("media") or {}
    published.media.update({path: base64.b64decode(data) for path, data in stored.items()})
    return published


# -- searchable text -------------------------------------------------------------------------


_HEADING = re.compile(r"^ {0,3}#{1,6} +", re.M)


def _plain(text: str) -> str:
    """Return Markdown as plain words for the index, so that snippets read well.

    Cheap on purpose (adding must stay fast): links keep their text, and the marks of
    strong emphasis, code and headings go; the tokenizer ignores other punctuation anyway.
    """
    if "](" in text:
        text = _link_texts(text)
    if "#" in text:
        text = _HEADING.sub("", text)
    return text.replace("**", "").replace("__", "").replace("`", "")


def _link_texts(text: str) -> str:
    """Return text with each link ``[text](target)`` (or image ``![alt](target)``) as its text.

    A link opens at the first ``[`` after the last ``]`` before its ``](``, and ends at the
    next ``)``. Scanned once: a regular expression tried from each ``[`` of a long run of
    them would read the run again from each (quadratic).
    """
    out: list[str] = []
    done = pos = 0  # text[:done] is written out; the next "](" is looked for from pos
    while (close := text.find("](", pos)) != -1:
        pos = close + 1
        # The "[" that opens this link comes after the last "]" before it.
        opening = text.find("[", max(done, text.rfind("]", done, close) + 1), close)
        if opening == -1:
            continue
        end = text.find(")", close + 2)
        if end == -1:
            break  # no ")" is left: no link either
        start = opening - 1 if opening > done and text[opening - 1] == "!" else opening
        out += [text[done:start], text[opening + 1 : close]]
        done = pos = end + 1
    out.append(text[done:])
    return "".join(out)


def _join(*parts: Any) -> str:
    out: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, (list, tuple)):
            out.extend(str(p) for p in part if p)
        elif str(part).strip():
            out.append(str(part))
    return _plain("\n".join(out))


def _items(published: Published) -> Iterator[tuple[str, str | None, str, str, str | None, str]]:
    """Yield (kind, subkind, ref, title, date, body) of every searchable item."""
    res = published.residence
    assert res is not None
    start = min((w.start for w in res.weeks), default=None)
    yield (
        "residency", res.programme, res.id, res.title,
        start.isoformat() if start else None,
        _join(res.question, res.theme, res.site, res.host, res.territory, res.keywords,
              res.partners, [f.observations for f in res.follow_ups]),
    )  # fmt: skip
    for entry in published.entries:
        quotes = [q.text for q in entry.quotes]
        captions = [m.caption for m in entry.media]
        yield (
            "entry", entry.kind, entry_stem(entry), entry.title, entry.date.isoformat(),
            _join(entry.body, quotes, entry.place, entry.tags, captions),
        )  # fmt: skip
    for proto in published.prototypes:
        tests = [
            _join(t.place, t.participants, t.protocol, t.observations, t.learnings)
            for t in proto.tests
        ]
        handover = proto.handover.conditions if proto.handover else None
        yield (
            "prototype", proto.stage, proto.id, proto.title,
            proto.created.isoformat() if proto.created else None,
            _join(proto.hypothesis, proto.problem, tests, handover),
        )  # fmt: skip
    for scenario in published.scenarios:
        yield (
            "scenario", None, scenario.id, scenario.title, None,
            _join(scenario.persona, scenario.today, scenario.tomorrow, scenario.steps),
        )  # fmt: skip
    for method in published.methods:
        yield (
            "method", method.phase, method.id, method.title, None,
            _join(method.summary, method.purpose, method.steps, method.tips, method.materials,
                  method.source),
        )  # fmt: skip
    for insight in published.insights:
        yield (
            "insight", insight.phase, insight.id, insight.title, None,
            _join(insight.statement, insight.tags),
        )  # fmt: skip


def _insight_rows(published: Published) -> list[list[Any]]:
    """Return [id, title, tags (JSON), entries cited, tests cited, week, phase] of each insight."""
    rows: list[list[Any]] = []
    for insight in published.insights:
        entries = {e.entry for e in insight.evidence if e.entry}
        tests = {(e.prototype, e.test) for e in insight.evidence if e.prototype}
        rows.append(
            [
                insight.id, insight.title, json.dumps(insight.tags, ensure_ascii=False),
                len(entries), len(tests), insight.week, insight.phase,
            ]
        )  # fmt: skip
    return rows


# -- the rows of one residency --------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """What the catalogue stores of one residency, ready to be written."""

    id: str
    title: str
    residency: tuple[Any, ...]  # the residency row, its content aside
    content: bytes  # the public edition as JSON (compressed when written)
    texts: str  # JSON: [title, body] of each searchable item
    items: str  # JSON: [kind, subkind, ref, date] of each, in the same order
    count: int
    insights: str  # JSON: the rows of the insight table (``_insight_rows``)


def prepare_rows(published: Published, origin: str, when: dt.datetime | None = None) -> Rows:
    """Return what the catalogue stores of the public edition of a residency."""
    res = published.residence
    if res is None:
        raise ResidenceError(_("residence.yaml is missing: there is nothing to catalogue"))
    if published.edition != "public":
        raise ValueError("only a public edition enters the catalogue")
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    starts = [w.start for w in res.weeks]
    ends = [w.end for w in res.weeks]
    start, end = (min(starts), max(ends)) if starts else (None, None)
    counts = {
        "entries": len(published.entries),
        "prototypes": len(published.prototypes),
        "scenarios": len(published.scenarios),
        "methods": len(published.methods),
        "actors": len(published.actors),
        "insights": len(published.insights),
    }
    items = list(_items(published))
    residency = (
        res.id, res.title, res.programme, res.host, res.site, res.territory,
        slugify(res.territory or ""), res.theme, res.language, res.license,
        start.isoformat() if start else None, end.isoformat() if end else None,
        start.year if start else None, end.year if end else None,
        json.dumps(res.keywords, ensure_ascii=False), json.dumps(counts), origin,
        when.isoformat(),
    )  # fmt: skip
    return Rows(
        id=res.id,
        title=res.title,
        residency=residency,
        content=_content_json(published),
        texts=json.dumps([[item[3], item[5]] for item in items], ensure_ascii=False),
        items=json.dumps(
            [[kind, subkind, ref, date] for kind, subkind, ref, _title, date, _body in items],
            ensure_ascii=False,
        ),
        count=len(items),
        insights=json.dumps(_insight_rows(published), ensure_ascii=False),
    )

# SPDX-License-Identifier: EUPL-1.2
"""`residence export qdpx`: a REFI-QDA project (QDA-XML 1.0), for QualCoder, NVivo, ATLAS.ti
and MAXQDA.

The ``.qdpx`` file is a zip holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, valid against the REFI-QDA ``Project.xsd``) and ``sources/``,
one UTF-8 text file (no byte-order mark, ``\\n`` line ends) per source and per note,
referred to as ``internal://<guid>.txt``. In it:

- **Users**: the team members (their name, their id).
- **Sources**: one TextSource per journal entry of the edition, named "date title", its text
  being :func:`residence.export.common.entry_text` (title, body as plain text, the quotes
  with their speaker), its creator the entry's first author, its variables the week and the
  kind of entry. Each quote is a PlainTextSelection of exactly its words, coded "Quotes
  heard", with the quote's tags, and with each insight that cites it; an entry tagged, or
  cited as a whole, is one selection of its whole text with those codes. A prototype or a
  test session an insight cites is a TextSource too (its hypothesis, or what the test saw
  and learned), coded with that insight.
- **CodeBook**: every tag (as first written; tags that differ only by case or accents are
  one code), "Quotes heard", and a category "What we learned" holding one code per insight,
  its statement as the code's description and as a Note.
- **Cases**: one per person or group quoted, holding their quotes.
- The team edition says "Document interne — ne pas diffuser" in the project's description
  and in a note of the project.

Positions count Unicode code points from 0, the end excluded (see export.common). GUIDs are
UUID 5 made from the residency's id and each item's own id, and the zip's dates are the
export's (:func:`residence.export.export_time`), so that the same residency exported twice
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from residence import __version__
from residence.export.common import (
    EntryText,
    entry_text,
    lines,
    ordered_entries,
    speaker,
    xml_safe,
)
from residence.findings import Evidences, TagUse, tag_key, tag_uses, week_of
from residence.i18n import translator
from residence.models import Entry, Member, Published
from residence.models.residency import entry_stem
from residence.render.band import edition_band
from residence.render.markdown import to_plain_text
from residence.zips import reproducible_zip

#: The namespace of a REFI-QDA project.
NS = "urn:QDA-XML:project:1.0"
#: The UUID namespace of every GUID this export makes.
GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:residence:export:qdpx")
#: The folder of the text files inside the zip.
SOURCES = "sources"


@dataclass
class Project:
    """A REFI-QDA project made from an edition: the zip's bytes and what it holds."""

    data: bytes
    sources: int = 0  # text sources (entries, prototypes and tests cited)
    selections: int = 0
    codes: int = 0  # codable codes (tags, quotes, insights)
    insights: int = 0
    files: dict[str, str] = field(default_factory=dict)  # zip member -> text (the tests read)


def _el(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    # Tags without a namespace of their own: they are in the root's default namespace
    # (xmlns="urn:QDA-XML:project:1.0"), written as <Project>, <TextSource>… with no prefix.
    return ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attributes.items()})


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = _el(parent, tag)
    element.text = xml_safe(text)
    return element


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Builder:
    """Makes one project; every GUID comes from :meth:`guid`."""

    def __init__(self, published: Published, when: dt.datetime) -> None:
        self.published = published
        self.when = when
        self.t = translator(published.language, "export")
        residence = published.residence
        self.rid = residence.id if residence is not None else "residency"
        self.files: dict[str, str] = {}
        self.selections = 0
        self.root = ET.Element("Project", {"xmlns": NS})

    def guid(self, *parts: object) -> str:
        return str(uuid.uuid5(GUIDS, "\x1f".join([self.rid, *map(str, parts)])))

    def file(self, guid: str, text: str) -> str:
        self.files[f"{SOURCES}/{guid}.txt"] = text
        return f"internal://{guid}.txt"

    def build(self) -> Project:
        published = self.published
        residence = published.residence
        band = edition_band(published)
        root = self.root
        root.set("name", xml_safe(residence.title if residence is not None else self.rid))
        root.set("origin", f"residence {__version__}")
        root.set("creationDateTime", _timestamp(self.when))

        members = {m.id: m for m in residence.team} if residence is not None else {}
        if members:
            users = _el(root, "Users")
            for member in members.values():
                guid = self.guid("user", member.id)
                _el(users, "User", guid=guid, name=member.name, id=member.id)

        uses = tag_uses(published)
        insights = list(published.insights)
        cites, cited = self._citations()
        entries = ordered_entries(published)
        texts = {entry_stem(e): entry_text(published, e) for e in entries}
        codes = self._codebook(uses, any(e.quotes for e in entries))

        if entries:
            variables = _el(root, "Variables")
            _el(
                variables,
                "Variable",
                guid=self.guid("variable", "week"),
                name=self.t.gettext("Week"),
                typeOfVariable="Integer",
            )
            _el(
                variables,
                "Variable",
                guid=self.guid("variable", "kind"),
                name=self.t.gettext("Kind of entry"),
                typeOfVariable="Text",
            )

        speakers: dict[str, list[str]] = {}  # actor id -> selection guids of their quotes
        for entry in entries:
            for quote_n, quote in enumerate(entry.quotes, start=1):
                speakers.setdefault(quote.actor, []).append(
                    self.guid("quote", entry_stem(entry), quote_n)
                )
        if speakers:
            cases = _el(root, "Cases")
            for actor_id, refs in speakers.items():
                case = _el(
                    cases,
                    "Case",
                    guid=self.guid("case", actor_id),
                    name=speaker(published, actor_id),
                )
                for ref in refs:
                    _el(case, "SelectionRef", targetGUID=ref)

        sources = _el(root, "Sources") if entries or cited else None
        names: set[str] = set()
        for entry in entries:
            assert sources is not None
            stem = entry_stem(entry)
            self._entry(sources, entry, texts[stem], cites, members, names)
        for (prototype_id, test_n), codes_citing in cited.items():
            assert sources is not None
            self._prototype(sources, prototype_id, test_n, codes_citing, names)

        notes = [
            (self.guid("note", i.id), i.title, self._insight_note(i.title, i.statement))
            for i in insights
        ]
        if band:
            notes.append((self.guid("note", "band"), band, band + "\n"))
        if notes:
            element = _el(root, "Notes")
            for guid, name, text in notes:
                _el(
                    element,
                    "Note",
                    guid=guid,
                    name=" ".join(name.split()),
                    plainTextPath=self.file(guid, text),
                )
        description = [band] if band else []
        if residence is not None:
            description += [residence.title, lines(to_plain_text(residence.question))]
        _text(root, "Description", "\n".join(d for d in description if d))
        if band:
            _el(root, "NoteRef", targetGUID=self.guid("note", "band"))

        ET.indent(root)
        xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
        qde = '<?xml version="1.0" encoding="utf-8"?>\n' + xml + "\n"
        return Project(
            _zip({"project.qde": qde, **self.files}, self.when),
            sources=len(entries) + len(cited),
            selections=self.selections,
            codes=codes,
            insights=len(insights),
            files={"project.qde": qde, **self.files},
        )

    def _citations(
        self,
    ) -> tuple[dict[tuple[str, int], list[str]], dict[tuple[str, int], list[str]]]:
        """Return the insight codes citing each (entry stem, quote n or 0 for the whole
        entry), and each (prototype id, test n or 0 for the prototype)."""
        cites: dict[tuple[str, int], list[str]] = defaultdict(list)
        cited: dict[tuple[str, int], list[str]] = defaultdict(list)
        evidences = Evidences(self.published)
        for insight in self.published.insights:
            code = self.guid("insight", insight.id)
            for resolved in evidences.of(insight):
                e = resolved.evidence
                if not resolved.found:
                    continue
                if e.entry is not None:
                    key, found = (e.entry, e.quote or 0), cites
                else:
                    key, found = (e.prototype or "", e.test or 0), cited
                if code not in found[key]:
                    found[key].append(code)
        return dict(cites), dict(cited)

    def _codebook(self, uses: Mapping[str, TagUse], quoted: bool) -> int:
        """Write the codes (tags, quotes heard, the insights in their category); return
        how many can be coded."""
        insights = self.published.insights
        if not (uses or quoted or insights):
            return 0
        book = _el(_el(self.root, "CodeBook"), "Codes")
        for key, use in uses.items():
            _el(book, "Code", guid=self.guid("tag", key), name=use.label, isCodable="true")
        if quoted:
            name = self.t.gettext("Quotes heard")
            _el(book, "Code", guid=self.guid("code", "quotes"), name=name, isCodable="true")
        if insights:
            name = self.t.gettext("What we learned")
            learned = _el(
                book, "Code", guid=self.guid("code", "insights"), name=name, isCodable="false"
            )
            for insight in insights:
                code = _el(
                    learned,
                    "Code",
                    guid=self.guid("insight", insight.id),
                    name=" ".join(insight.title.split()),
                    isCodable="true",
                )
                _text(code, "Description", lines(to_plain_text(insight.statement)))
                _el(code, "NoteRef", targetGUID=self.guid("note", insight.id))
        return len(uses) + int(quoted) + len(insights)

    def _source(self, parent: ET.Element, guid: str, name: str, names: set[str]) -> ET.Element:
        name = " ".join(name.split())
        shown, n = name, 1
        while shown in names:  # tools refuse or rename two sources of one name
            n += 1
            shown = f"{name} ({n})"
        names.add(shown)
        return _el(parent, "TextSource", guid=guid, name=shown)

    def _select(
        self, source: ET.Element, guid: str, start: int, end: int, codes: list[str], user: str
    ) -> None:
        if not codes:
            return
        attributes = {"guid": guid, "startPosition": str(start), "endPosition": str(end)}
        if user:
            attributes["creatingUser"] = user
        selection = _el(source, "PlainTextSelection", **attributes)
        for code in dict.fromkeys(codes):
            coding = _el(selection, "Coding", guid=self.guid("coding", guid, code))
            _el(coding, "CodeRef", targetGUID=code)
        self.selections += 1

    def _entry(
        self,
        sources: ET.Element,
        entry: Entry,
        text: EntryText,
        cites: dict[tuple[str, int], list[str]],
        members: Mapping[str, Member],
        names: set[str],
    ) -> None:
        stem = entry_stem(entry)
        guid = self.guid("entry", stem)
        source = self._source(sources, guid, f"{entry.date.isoformat()} {entry.title}", names)
        author = next((a for a in entry.authors if a in members), None)
        user = self.guid("user", author) if author is not None else ""
        if user:
            source.set("creatingUser", user)
        source.set("creationDateTime", f"{entry.date.isoformat()}T{entry.time or '00:00'}:00Z")
        source.set("plainTextPath", self.file(guid, text.text))
        _text(source, "Description", stem)
        whole = [self.guid("tag", tag_key(t)) for t in entry.tags if tag_key(t)]
        self._select(
            source,
            self.guid("whole", stem),
            0,
            len(text.text) - 1,
            whole + cites.get((stem, 0), []),
            user,
        )
        quotes_code = self.guid("code", "quotes")
        for n, (quote, span) in enumerate(zip(entry.quotes, text.quotes, strict=True), start=1):
            codes = [quotes_code]
            codes += [self.guid("tag", tag_key(t)) for t in quote.tags if tag_key(t)]
            codes += cites.get((stem, n), [])
            self._select(source, self.guid("quote", stem, n), span.start, span.end, codes, user)
        week = week_of(self.published, entry.date)
        if week is not None:
            value = _el(source, "VariableValue")
            _el(value, "VariableRef", targetGUID=self.guid("variable", "week"))
            _text(value, "IntegerValue", str(week))
        value = _el(source, "VariableValue")
        _el(value, "VariableRef", targetGUID=self.guid("variable", "kind"))
        _text(value, "TextValue", entry.kind)

    def _prototype(
        self,
        sources: ET.Element,
        prototype_id: str,
        test_n: int,
        codes: list[str],
        names: set[str],
    ) -> None:
        prototype = next(p for p in self.published.prototypes if p.id == prototype_id)
        title = " ".join(prototype.title.split())
        if test_n:
            test = prototype.tests[test_n - 1]
            name = self.t.gettext(
                "{prototype}, test {n} ({date})",
                prototype=title,
                n=test_n,
                date=test.date.isoformat(),
            )
            blocks = [
                test.place,
                test.participants,
                test.protocol,
                test.observations,
                test.learnings,
            ]
            guid = self.guid("test", prototype_id, test_n)
            day: dt.date | None = test.date
        else:
            name = title
            blocks = [prototype.hypothesis, prototype.problem]
            guid = self.guid("prototype", prototype_id)
            day = prototype.created
        parts = [name] + [lines(to_plain_text(b)) for b in blocks if b]
        text = "\n\n".join(p for p in parts if p) + "\n"
        source = self._source(sources, guid, name, names)
        source.set("plainTextPath", self.file(guid, text))
        if day is not None:
            source.set("creationDateTime", f"{day.isoformat()}T00:00:00Z")
        self._select(source, self.guid("whole", guid), 0, len(text) - 1, codes, "")

    def _insight_note(self, title: str, statement: str) -> str:
        body = lines(to_plain_text(statement))
        return "\n\n".join(p for p in (" ".join(title.split()), body) if p) + "\n"


def _zip(members: dict[str, str], when: dt.datetime) -> bytes:
    """Return the project's zip: project.qde first, then the texts in name order."""
    names = ["project.qde", *sorted(n for n in members if n != "project.qde")]
    stamp = when.astimezone(dt.timezone.utc)
    return reproducible_zip(((n, members[n].encode("utf-8")) for n in names), stamp)


def make_qdpx(published: Published, when: dt.datetime) -> Project:
    """Return the REFI-QDA project of an edition (see the module's docstring)."""
    return _Builder(published, when).build()

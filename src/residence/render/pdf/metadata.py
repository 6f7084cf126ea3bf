"""What a PDF says about itself: title, authors, licence (Info and XMP), attached sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, SubElement, register_namespace

from residence import __version__
from residence.clock import build_time
from residence.models import Published
from residence.render.fetcher import SafeFetcher
from residence.render.pdf.patches import metadata_class

if TYPE_CHECKING:
    from weasyprint import Document

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "cc": "http://creativecommons.org/ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)


@dataclass(frozen=True)
class PdfInfo:
    """What the PDF says about itself (Info dictionary and XMP)."""

    title: str
    authors: list[str]
    subject: str
    keywords: list[str]
    language: str
    licence_spdx: str
    licence_url: str
    attribution: str
    created: dt.datetime


def pdf_info(published: Published, when: dt.datetime | None = None) -> PdfInfo:
    """Return the metadata of the report's PDF, from the published residency."""
    from residence.i18n import translator
    from residence.render.context import licence_of
    from residence.render.markdown import to_plain_text

    res = published.residence
    if res is None:
        raise ValueError("a residency without residence.yaml cannot be rendered")
    t = translator(published.language, "report")
    licence = licence_of(res.license, t, deed=False)
    authors = [m.name for m in res.team]
    subject = " ".join(to_plain_text(res.question).split())
    year = res.weeks[-1].end.year if res.weeks else (when or build_time()).year
    attribution = f"“{res.title}”, {', '.join(authors)}, {res.host}, {year}. {licence.name}"
    if licence.url:
        attribution += f" ({licence.url})"
    return PdfInfo(
        title=res.title,
        authors=authors,
        subject=subject,
        keywords=list(dict.fromkeys([*res.keywords, *([res.theme] if res.theme else [])])),
        language=published.language,
        licence_spdx=res.license,
        licence_url=licence.url,
        attribution=attribution,
        created=when or build_time(),
    )


def licence_xmp(info: PdfInfo) -> list[Element]:
    """Return the rdf:Description elements that state the licence (Creative Commons XMP)."""
    rdf = NS["rdf"]
    marked = Element(f"{{{rdf}}}Description", {f"{{{rdf}}}about": ""})
    flag = SubElement(marked, f"{{{NS['xmpRights']}}}Marked")
    flag.text = "True"
    if info.licence_url:
        SubElement(marked, f"{{{NS['xmpRights']}}}WebStatement").text = info.licence_url
        SubElement(marked, f"{{{NS['cc']}}}license", {f"{{{rdf}}}resource": info.licence_url})
    usage = SubElement(marked, f"{{{NS['xmpRights']}}}UsageTerms")
    alt = SubElement(usage, f"{{{rdf}}}Alt")
    li = SubElement(alt, f"{{{rdf}}}li", {"xml:lang": "x-default"})
    li.text = info.attribution
    rights = SubElement(marked, f"{{{NS['dc']}}}rights")
    alt = SubElement(rights, f"{{{rdf}}}Alt")
    li = SubElement(alt, f"{{{rdf}}}li", {"xml:lang": "x-default"})
    li.text = info.attribution
    language = SubElement(marked, f"{{{NS['dc']}}}language")
    bag = SubElement(language, f"{{{rdf}}}Bag")
    SubElement(bag, f"{{{rdf}}}li").text = info.language
    if info.keywords:
        subject = SubElement(marked, f"{{{NS['dc']}}}subject")
        bag = SubElement(subject, f"{{{rdf}}}Bag")
        for keyword in info.keywords:
            SubElement(bag, f"{{{rdf}}}li").text = keyword
    return [marked]


def apply_metadata(document: Document, info: PdfInfo) -> None:
    """Replace the document's metadata (taken from <head>) with the residency's."""
    created = info.created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = metadata_class()(
        title=info.title,
        authors=info.authors,
        description=info.subject,
        keywords=info.keywords,
        generator=f"residence {__version__}",
        created=created,
        modified=created,
        attachments=[],  # only the attachments chosen here (PDF/A-3u sources) are embedded
        lang=info.language,
    )
    metadata.extra_rdf = licence_xmp(info)
    document.metadata = metadata


# -- sources attached to a PDF/A-3 -----------------------------------------------------------


def attached_sources(published: Published) -> dict[str, bytes]:
    """Return the YAML sources a PDF/A-3u carries: the published ones, never private/."""
    from residence.serialize import serialize_residency

    return {
        path: data
        for path, data in serialize_residency(published).items()
        if not path.startswith("private/")
    }


def attachments(published: Published, when: dt.datetime, fetcher: SafeFetcher) -> list[Any]:
    """Return the published sources as WeasyPrint attachments (a PDF/A-3u's)."""
    from weasyprint import Attachment

    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return [
        Attachment(
            string=data,
            name=path.replace("/", "_") if "/" in path else path,
            description=path,
            created=naive,
            modified=naive,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for path, data in attached_sources(published).items()
    ]

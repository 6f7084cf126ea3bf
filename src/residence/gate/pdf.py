# SPDX-License-Identifier: EUPL-1.2
"""PDF media in the public edition: active content refused, metadata and extras stripped.

A PDF (a handout, a scanned sheet) is published only once rewritten from its pages, with
pypdf; what the rewrite cannot make safe is refused, and the file left out:

- refused: JavaScript, automatic actions (``/AA``, an ``/OpenAction`` that is more than "open
  at this page", ``/Launch``, actions that submit, import, play or open other files),
  attached files (``/EmbeddedFiles``, file attachment annotations), form fields (their
  values may name anyone, and cannot all be read), encryption that an empty password does
  not open, and a PDF whose text (as pypdf extracts it) names a protected person;
- stripped: the document information dictionary (author, title, creator, producer: a
  scanner writes its user's name there) and every XMP packet (``/Metadata``, the document's
  and those of its pictures), the document-level extras (outlines, page labels, names,
  structure tree, earlier revisions: only the objects the pages use are written), and
  every page entry but its boxes, resources, contents, rotation and group; annotations go,
  but for links to web addresses that name no protected person, written again bare.

A scanned page (a picture of text) cannot be read for names: look at it before publishing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from residence.gate.media import Cleaning
from residence.gate.names import _Matcher

#: The entries a published page keeps (everything else: actions, metadata, thumbnails…, goes).
_PAGE_KEYS = frozenset(
    {
        "/Type",
        "/Parent",
        "/Resources",
        "/Contents",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/Group",
        "/UserUnit",
    }
)
#: Actions that run code, submit or import data, play media or open other files.
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
    }
)
#: Keys whose mere presence means scripts or automatic actions.
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})
#: Keys that remove from any object of a page: XMP packets and an application's private data.
_METADATA_KEYS = ("/Metadata", "/PieceInfo")


class _Refuse(Exception):
    """Stops the cleaning of a PDF that cannot be published (its reason in args[0])."""


def clean_pdf(data: bytes, matcher: _Matcher) -> Cleaning:
    """Return a PDF's bytes as the public edition may publish them, or why it may not."""
    if not data.startswith(b"%PDF-"):
        return Cleaning(None, "pdf-unreadable")
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        return Cleaning(None, "pdf-unchecked")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Cleaning(None, "pdf-encrypted")
        _refuse_active(reader)
        if matcher.pattern is not None:
            for page in reader.pages:
                if matcher.found(page.extract_text() or ""):
                    return Cleaning(None, "pdf-names")
        return Cleaning(_rewrite(reader, matcher))
    except _Refuse as refused:
        return Cleaning(None, str(refused.args[0]))
    except Exception:  # pypdf raises many kinds of errors on damaged or odd files
        return Cleaning(None, "pdf-unreadable")


def _refuse_active(reader: Any) -> None:
    """Raise _Refuse when any object of the file holds scripts, actions, attachments or forms."""
    from pypdf.generic import DictionaryObject

    root = reader.trailer["/Root"].get_object()
    opening = root.get("/OpenAction")
    if opening is not None:
        action = opening.get_object()
        if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
            raise _Refuse("pdf-script")
    form = root.get("/AcroForm")
    if form is not None:
        form = form.get_object()
        if form.get("/XFA") is not None or form.get("/Fields"):
            raise _Refuse("pdf-form")
    for value in _dictionaries(reader.trailer):  # streams are dictionaries too
        if _ACTIVE_KEYS.intersection(value) or value.get("/S") in _ACTIVE_ACTIONS:
            raise _Refuse("pdf-script")
        if value.get("/Subtype") in ("/RichMedia", "/Screen", "/Movie", "/Sound"):
            raise _Refuse("pdf-script")
        if "/EmbeddedFiles" in value or "/EF" in value:
            raise _Refuse("pdf-attachments")
        if value.get("/Subtype") == "/FileAttachment" or value.get("/Type") in (
            "/EmbeddedFile",
            "/Filespec",
        ):
            raise _Refuse("pdf-attachments")


def _dictionaries(start: Any) -> Iterator[Any]:
    """Yield every dictionary (streams included) reachable from ``start``, each indirect
    object once, not following /Parent. A dictionary's entries are read after it is
    yielded: what the caller removes from it is not walked."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack: list[Any] = [start]
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            yield value
            stack.extend(v for k, v in value.items() if k != "/Parent")
        elif isinstance(value, ArrayObject):
            stack.extend(value)


def _rewrite(reader: Any, matcher: _Matcher) -> bytes:
    """Return the PDF written again from its pages alone, stripped of metadata and extras."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    header = getattr(reader, "pdf_header", None)
    if isinstance(header, str) and header.startswith("%PDF-"):
        writer.pdf_header = header  # type: ignore[assignment,unused-ignore]
    for page in reader.pages:
        links = _web_links(page, matcher)
        # Strip the source page first: the writer copies every object a page refers to.
        for key in [k for k in page if k not in _PAGE_KEYS]:
            del page[key]
        _strip_metadata(page.get("/Resources"))
        added = writer.add_page(page)
        if links:
            annots = ArrayObject()
            for rect, uri in links:
                link = DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Link"),
                        NameObject("/Rect"): rect,
                        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                        NameObject("/A"): DictionaryObject(
                            {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): uri}
                        ),
                    }
                )
                annots.append(writer._add_object(link))
            added[NameObject("/Annots")] = annots
    writer.metadata = None
    info = getattr(writer, "_info", None)
    if info is not None:  # pragma: no cover - pypdf versions whose setter keeps the dictionary
        info.get_object().clear()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _web_links(page: Any, matcher: _Matcher) -> list[tuple[Any, Any]]:
    """Return (rectangle, address) of a page's links to web addresses that name nobody hidden."""
    from pypdf.generic import ArrayObject, TextStringObject

    links = []
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        if annot.get("/Subtype") != "/Link" or action is None or action.get("/S") != "/URI":
            continue
        uri = action.get("/URI")
        rect = annot.get("/Rect")
        if uri is None or rect is None:
            continue
        text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
        if not text.lower().startswith(("http://", "https://")) or matcher.found(text):
            continue
        links.append((ArrayObject(rect.get_object()), TextStringObject(text)))
    return links


def _strip_metadata(value: Any) -> None:
    """Remove XMP packets and private data from every object under a page's resources."""
    for found in _dictionaries(value):
        for key in _METADATA_KEYS:
            if key in found:
                del found[key]

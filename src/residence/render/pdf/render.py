"""Making a PDF: ``render_pdf`` (the report), ``make_pdf`` (any print page), ``write_document``."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from residence.clock import build_time
from residence.errors import Problem
from residence.gcpause import no_cycle_collection
from residence.models import Published
from residence.render.fetcher import SafeFetcher, refusal_problems
from residence.render.pdf.fonts import print_ready
from residence.render.pdf.log import ProgressCallback, collecting, problems_from_log
from residence.render.pdf.metadata import PdfInfo, apply_metadata, attachments, pdf_info
from residence.render.pdf.page import (
    PRINT_HREF,
    THEME_FOLDER,
    paper_page,
    print_page,
    print_stylesheet,
    theme_print,
)
from residence.render.pdf.patches import (
    include_xmp,
    print_html_class,
    release_layout_state,
    release_memory,
    srgb_output_intent,
)
from residence.render.pdf.photos import print_photos
from residence.render.pdf.tags import mend_definition_lists
from residence.resources import templates_dir

if TYPE_CHECKING:
    from weasyprint import Document

    from residence.render.html import RenderedReport

VARIANTS = ("pdf/ua-1", "pdf/a-3u")
#: PDF/UA-1: tagged, titled, with its language: what accessibility rules ask of a document a
#: public body publishes. PDF/A-3u is for the archive, on request.
DEFAULT_VARIANT = "pdf/ua-1"
#: Print resolution: photos printed small are downsampled to this (pixels per inch).
PRINT_DPI = 300
#: Where the fonts and photos made ready for print are kept, in a residency's folder.
CACHE_FOLDER = ".residence/cache"


@dataclass
class RenderedPdf:
    """A rendered PDF: its bytes, its page count and the warnings met."""

    data: bytes
    pages: int
    problems: list[Problem] = field(default_factory=list)


def render_pdf(
    report: RenderedReport,
    published: Published,
    *,
    out: Path,
    variant: str = DEFAULT_VARIANT,
    when: dt.datetime | None = None,
    progress: ProgressCallback | None = None,
    stylesheet: Path | None = None,
    cache_dir: Path | None = None,
) -> RenderedPdf:
    """Lay out the rendered report of a published residency on A4 pages; return the PDF.

    ``report`` comes from ``render_html(published)``; ``out`` is the folder report.html is
    written to (its assets are read from ``report``, in memory, not from the disk). Nothing
    is written but the font cache (``cache_dir``, by default the residency's
    ``.residence/cache``). ``progress`` is called with (what, fraction) while the PDF is made.

    >>> pdf = render_pdf(render_html(published), published, out=folder / "_build")  # doctest: +SKIP
    """
    if not isinstance(published, Published):
        raise TypeError("render_pdf takes the result of select_edition(), not a raw residency")
    if variant not in VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    root = published.root
    when = when or build_time()
    info = pdf_info(published, when)
    out = Path(os.path.abspath(out))
    virtual: dict[Path, bytes | Path] = {out / rel: data for rel, data in report.assets.items()}
    virtual[out / PRINT_HREF] = stylesheet or theme_print(root) or print_stylesheet()
    cache = root / CACHE_FOLDER if cache_dir is None else cache_dir
    virtual = print_photos(print_ready(virtual, cache), cache)
    fetcher = SafeFetcher(
        [root / THEME_FOLDER, templates_dir() / "report"],
        virtual=virtual,
        private=[root / "private"],
    )
    html = print_page(report)
    if progress:
        progress("Preparing the page", 0.05)
    attach = (lambda: attachments(published, when, fetcher)) if variant == "pdf/a-3u" else None
    data, pages, problems = make_pdf(
        html, out, fetcher, info, variant=variant, progress=progress, attach=attach
    )
    if progress:
        progress("Done", 1.0)
    sources = {**_theme_sources(root), "report.html": report.html}
    return RenderedPdf(data, pages, refusal_problems(fetcher.refused, sources, out) + problems)


def make_pdf(
    html: str,
    base: Path,
    fetcher: SafeFetcher,
    info: PdfInfo,
    *,
    variant: str = DEFAULT_VARIANT,
    source: str = "report.html",
    progress: ProgressCallback | None = None,
    attach: Callable[[], list[Any]] | None = None,
) -> tuple[bytes, int, list[Problem]]:
    """Lay out a print page (its files under ``base``, served by ``fetcher``) on A4 and write
    it as a PDF of ``variant`` with the metadata ``info``; return (PDF, pages, warnings).

    The one way both the report and the method sheets are made: the page as laid out on
    paper (``paper_page``), our WeasyPrint class, links that could put or name a file dropped,
    ``attach()``'s files attached (a PDF/A-3), the layout let go as the PDF is written. The
    warnings are WeasyPrint's worth showing, said of ``source``; the resources the fetcher
    refused are the caller's to report. The cycle collector waits until the PDF is written
    (``no_cycle_collection``): it spent a tenth of the time scanning the layout's boxes.
    """
    with collecting(progress) as collector, no_cycle_collection():
        document = print_html_class()(
            string=paper_page(html),
            base_url=base.as_uri() + "/",
            url_fetcher=fetcher,
            media_type="print",
        ).render()
        apply_metadata(document, info)
        _safe_links(document)
        attached = attach() if attach is not None else None
        # No explicit pdf_identifier: pydyf would serialise (and compress) every object a
        # second time to hash them. PDF/A sets one itself (a hash of the content: the same
        # input still gives the same bytes); PDF/UA does not need one.
        data, pages = write_document(
            document, variant, attachments=attached, **srgb_output_intent(document, variant)
        )
    return data, pages, problems_from_log(collector.messages, source)


def write_document(document: Document, variant: str, **options: Any) -> tuple[bytes, int]:
    """Write a laid-out document as a PDF of that variant; return its bytes and page count.

    What the layout no longer needs is let go before the pages are drawn; each page's boxes
    once WeasyPrint has tagged it (``patches.release_tagged_pages``), and whatever is left
    of the pages before the PDF is put together, so that the layout does not add to the
    memory the writing takes.
    """
    pages = len(document.pages)
    release_layout_state(document)  # boxes hold no cycles: freed as soon as let go
    release_memory()

    def finisher(doc: Any, pdf: Any) -> None:
        _finish(doc, pdf)
        doc.pages.clear()
        release_memory()

    # Written to a temporary file, read back once pydyf's objects are gone: in memory, the
    # growing buffer and its copy came on top of them (twice the PDF's size).
    with tempfile.TemporaryFile() as buffer:
        document.write_pdf(
            buffer,
            pdf_variant=variant,
            pdf_tags=True,
            dpi=PRINT_DPI,
            finisher=finisher,
            **options,
        )
        buffer.seek(0)
        data = buffer.read()
    return data, pages


def _finish(document: Any, pdf: Any) -> None:
    """Add what WeasyPrint leaves out of a PDF: XMP without a PDF/A variant, the title shown
    by viewers, one column, and the definition lists' tags mended."""
    import pydyf

    if "Metadata" not in pdf.catalog:
        include_xmp(document, pdf)
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["DisplayDocTitle"] = "true"
    pdf.catalog["ViewerPreferences"] = preferences
    pdf.catalog["PageLayout"] = "/OneColumn"
    mend_definition_lists(pdf)


def _safe_links(document: Document) -> None:
    """Drop links that would put a file in the PDF or name a file of this computer."""
    for page in document.pages:
        kept = []
        for link in page.links:
            kind, target = link[0], link[1]
            if kind == "attachment":
                continue
            if kind == "external" and not str(target).lower().startswith(
                ("https:", "http:", "mailto:")
            ):
                continue
            kept.append(link)
        page.links[:] = kept


def _theme_sources(root: Path) -> dict[str, str]:
    """Return the residency's theme files as text, to say which one asked for a resource."""
    theme = root / THEME_FOLDER
    found: dict[str, str] = {}
    try:
        if not theme.is_dir() or not theme.resolve().is_relative_to(root.resolve()):
            return found
        for path in sorted(theme.rglob("*")):
            if path.suffix in {".j2", ".css", ".html"} and path.is_file():
                if path.stat().st_size < 2_000_000:
                    found[path.relative_to(root).as_posix()] = path.read_text(
                        "utf-8", errors="replace"
                    )
    except OSError:
        return found
    return found

"""The print-quality PDF: the HTML report laid out on A4 pages by WeasyPrint.

The PDF is made from the same page as ``report.html`` (the result of ``render_html`` on the
published residency), with ``templates/report/print.css`` added for the page furniture:
running headers, "page x / y", the contents with page numbers, chapters on new pages.

Everything WeasyPrint reads goes through :class:`~residence.render.fetcher.SafeFetcher`:
the report's own files (in memory), the package's templates and the residency's ``theme/``
folder, nothing else: no network, no file outside, no device. What it refuses is returned as
warnings that name the file and line that asked for it.

The PDF carries its metadata (title, authors, subject, keywords, language, dates) and the
licence in XMP (``xmpRights``, ``cc:license``), and is tagged for screen readers. Two
variants: ``pdf/ua-1`` (the default: accessible, what a public body must publish) and
``pdf/a-3u`` (for archives: the published YAML sources are attached).

The parts: ``render`` (``render_pdf``, ``make_pdf``, ``write_document``), ``page`` (the page
laid out on paper), ``fonts`` and ``photos`` (made ready for print), ``metadata`` (Info,
XMP, attached sources), ``tags`` (the structure tags mended), ``log`` (WeasyPrint's progress
and warnings) and ``patches`` (every patch of WeasyPrint's, pydyf's and tinyhtml5's
internals, each with what it relies on).
"""

from __future__ import annotations

from residence.render.pdf.fonts import print_ready
from residence.render.pdf.log import ProgressCallback
from residence.render.pdf.metadata import PdfInfo, attached_sources, pdf_info
from residence.render.pdf.page import (
    PRINT_HREF,
    paper_page,
    print_page,
    print_stylesheet,
    with_print_stylesheet,
)
from residence.render.pdf.render import (
    CACHE_FOLDER,
    DEFAULT_VARIANT,
    VARIANTS,
    RenderedPdf,
    make_pdf,
    render_pdf,
)

__all__ = [
    "CACHE_FOLDER",
    "DEFAULT_VARIANT",
    "PRINT_HREF",
    "VARIANTS",
    "PdfInfo",
    "ProgressCallback",
    "RenderedPdf",
    "attached_sources",
    "make_pdf",
    "paper_page",
    "pdf_info",
    "print_page",
    "print_ready",
    "print_stylesheet",
    "render_pdf",
    "with_print_stylesheet",
]

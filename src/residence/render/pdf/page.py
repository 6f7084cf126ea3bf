"""The page laid out on paper: the print style sheet, the list gaps and icons left out, the
charts' styles copied into each chart."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from residence.resources import templates_dir

if TYPE_CHECKING:
    from residence.render.html import RenderedReport

PRINT_CSS = "print.css"
PRINT_HREF = "assets/print.css"
THEME_FOLDER = "theme"


def print_stylesheet() -> Path:
    """Return the print style sheet shipped with the package."""
    return templates_dir() / "report" / PRINT_CSS


def theme_print(root: Path) -> Path | None:
    """Return the residency's theme/print.css, if it has one inside the folder."""
    path = root / THEME_FOLDER / PRINT_CSS
    try:
        if path.is_file() and path.resolve().is_relative_to(root.resolve()):
            return path.resolve()
    except OSError:
        return None
    return None


def with_print_stylesheet(html: str, href: str = PRINT_HREF) -> str:
    """Return the page with the print style sheet linked last in <head> (it wins ties)."""
    link = f'<link rel="stylesheet" href="{href}" media="print">\n'
    index = html.lower().rfind("</head>")
    if index < 0:
        return link + html
    return html[:index] + link + html[index:]


_LIST_GAP = re.compile(r"(</li>|<[uo]l\b[^>]*>)\s+(?=<li\b|</[uo]l>)")
_DL = re.compile(r"<dl\b[^>]*>.*?</dl>", re.DOTALL)
_DL_GAP = re.compile(r"(</div>|</dt>|</dd>|<dl\b[^>]*>)\s+(?=<(?:div|dt|dd)\b|</dl>)")


def without_gaps_in_lists(html: str) -> str:
    """Return the page without the white space between the items (and rows) of its lists.

    In a list of blocks that space is nothing; in one laid out on a line (a prototype's
    facts, the summary's figures, on paper) WeasyPrint draws it and tags it as a span of the
    list, which may only hold items. The items are spaced by their margins. Only the space
    between tags goes: none inside an item.
    """
    html = _LIST_GAP.sub(r"\1", html)
    return _DL.sub(lambda match: _DL_GAP.sub(r"\1", match.group(0)), html)


#: The kind icons of the journal (a small <svg> before each entry's kind): the print style
#: sheet draws the kind's mark itself (``.chip.kind::before``) and hides them.
_KIND_ICON = re.compile(r'<svg class="kind-icon"[^>]*>.*?</svg>', re.DOTALL)


def paper_page(html: str) -> str:
    """Return the page as it is laid out on paper: without the white space between list
    items (``without_gaps_in_lists``) and without the screen's kind icons, which the print
    style sheet hides (parsed and styled for nothing: one in every entry)."""
    return _KIND_ICON.sub("", without_gaps_in_lists(html))


_VAR_RE = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)")
_SVG_OPEN_RE = re.compile(r'<svg\b[^>]*\bclass="[^"]*\bchart\b[^"]*"[^>]*>')


def _custom_properties(css: str) -> dict[str, str]:
    """Return the ``--name: value`` declarations of the :root rules of a style sheet."""
    found: dict[str, str] = {}
    for block in re.findall(r":root\s*\{([^}]*)\}", css):
        for name, value in re.findall(r"--([\w-]+)\s*:\s*([^;]+);?", block):
            found[name] = value.strip()
    return found


def _resolve(value: str, props: Mapping[str, str], depth: int = 0) -> str:
    if depth > 8 or "var(" not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        found = props.get(match.group(1))
        return found if found is not None else (match.group(2) or "").strip()

    return _resolve(_VAR_RE.sub(repl, value), props, depth + 1)


_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_CHART_SELECTOR_RE = re.compile(r"^\.chart(?=[\s.:#\[>+~]|$)")


def _rules(css: str) -> Iterator[tuple[str, str]]:
    """Yield (selectors, declarations) of the rules that apply in print, in order.

    A small scanner rather than a full CSS parser: the report's style sheets are plain, and
    this runs at every render. Rules inside ``@media`` blocks count only for ``print``.
    """
    css = _COMMENT_RE.sub("", css)
    stack: list[bool] = []  # for each open @-block: does it apply in print?
    position = 0
    while True:
        opening = css.find("{", position)
        closing = css.find("}", position)
        if closing >= 0 and (opening < 0 or closing < opening):
            if stack:
                stack.pop()  # the end of an @media block
            position = closing + 1
            continue
        if opening < 0:
            return
        prelude = css[position:opening].strip()
        if prelude.startswith("@"):
            media = prelude.lower()
            stack.append(
                media.startswith("@media") and "print" in media and "not print" not in media
            )
            position = opening + 1
            continue
        end = css.find("}", opening)
        if end < 0:
            return
        if all(stack):
            yield prelude, css[opening + 1 : end].strip()
        position = end + 1


def chart_styles(page: str, sheets: list[str]) -> str:
    """Return the rules that style the report's charts, variables resolved, for inline SVG.

    WeasyPrint draws an inline SVG on its own: the page's style sheets (``.chart .day
    {fill: …}``) do not reach it, nor do CSS variables, and the charts come out black. The
    rules are copied into each chart instead, with the colours of this residency.
    """
    props: dict[str, str] = {}
    for css in sheets:
        props.update(_custom_properties(css))
    for css in re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.S | re.I):
        props.update(_custom_properties(css))
    rules: list[str] = []
    for css in sheets:
        for prelude, body in _rules(css):
            selectors = [" ".join(sel.split()) for sel in prelude.split(",")]
            if not selectors or not all(_CHART_SELECTOR_RE.match(sel) for sel in selectors):
                continue
            rules.append(f"{', '.join(selectors)} {{ {_resolve(body, props)} }}")
    return "\n".join(rules).replace("</", "<\\/")


def print_page(report: RenderedReport) -> str:
    """Return the report's page made for print: the print style sheet linked last, and the
    charts' styles (variables resolved) inside each chart. ``make_pdf`` lays out its
    ``paper_page``."""
    html = with_print_stylesheet(report.html)
    sheets = [
        content.decode("utf-8", "replace")
        if isinstance(content, bytes)
        else Path(content).read_text("utf-8", errors="replace")
        for rel, content in report.assets.items()
        if rel.endswith(".css") and "/fonts/" not in rel
    ]
    return with_chart_styles(html, chart_styles(html, sheets))


def with_chart_styles(page: str, styles: str) -> str:
    """Return the page with ``styles`` inside every inline chart SVG."""
    if not styles:
        return page
    return _SVG_OPEN_RE.sub(lambda m: f"{m.group(0)}<style>{styles}</style>", page)

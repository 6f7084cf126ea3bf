"""Markdown to safe HTML: the one place where text written by users becomes HTML.

Two layers, so that a mistake in one is caught by the other:

1. markdown-it-py ("commonmark" plus tables and strikethrough) with raw HTML escaped
   (``html=False``) and no linkify. A post-parse rule shifts headings (``#`` becomes ``h3``:
   the report owns ``h1`` and ``h2``), turns images into their alt text (pictures go through
   the media fields), unwraps links whose target is not allowed, and applies French
   typography to text (never to code or URLs).
2. nh3 (ammonia) with an explicit allow-list of tags, attributes and URL schemes.

Allowed link targets: ``https:``, ``mailto:`` and relative links that stay inside the report
(``#notes``, ``methods/carte.html``), never ``../``, ``/…``, ``//host``, ``file:``, ``data:``,
``http:`` or ``javascript:``. A link target or title longer than ``MAX_ATTRIBUTE``
characters is refused too (the link shows its text; a title is left out).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

NNBSP = "\u202f"  # narrow no-break space, before ; ! ? in French
NBSP = "\u00a0"  # no-break space, before : and inside « guillemets »

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
        "del", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_ALIGN = {"align": {"left", "center", "right"}}
ALLOWED_ATTRIBUTE_VALUES = {"th": _ALIGN, "td": _ALIGN}
ALLOWED_SCHEMES = frozenset({"https", "mailto"})
#: The longest link target or title kept. Servers take URLs of 8,000 characters (RFC 9110)
#: and browsers longer ones; nh3's time grows with the square of an attribute's length.
MAX_ATTRIBUTE = 16_384
LINK_REL = "noopener noreferrer"

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers drop ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = "[ \t\u00a0\u202f]"


def is_safe_href(url: str | None) -> bool:
    """Return True for https:, mailto: and relative links that stay inside the report."""
    if not url:
        return False
    cleaned = _INVISIBLE_RE.sub("", url)
    if not cleaned:
        return False
    decoded = _INVISIBLE_RE.sub("", unquote(cleaned))
    schemes = [m.group(1).lower() for m in map(_SCHEME_RE.match, (cleaned, decoded)) if m]
    if schemes:
        return all(scheme in ALLOWED_SCHEMES for scheme in schemes)
    # A relative link: it must not climb out of the report nor name a host or a disk path.
    if "\\" in decoded or decoded.startswith("/"):
        return False
    path = re.split(r"[?#]", decoded, maxsplit=1)[0]
    segments = path.split("/")
    if ".." in segments or ":" in segments[0]:
        return False
    return True


def typography(text: str | None, lang: str = "fr") -> str:
    """Return text with the typography of its language (French: no-break spaces, apostrophes).

    French: a narrow no-break space before ; ! ? (replacing the space typed there), a
    no-break space before : and inside « guillemets », and every straight apostrophe turned
    into a typographic one (U+2019). English: only apostrophes between letters (don't).
    URLs are left untouched. The input is plain text, not HTML; escape the result as usual.
    """
    if not text:
        return ""
    out: list[str] = []
    last = 0
    for start, end in _url_spans(text):
        out += [_typography_piece(text[last:start], lang), text[start:end]]
        last = end
    out.append(_typography_piece(text[last:], lang))
    return "".join(out)


# A URL is a scheme ("https://"), "www." or "mailto:" and the rest of its word, at least
# one character: the leftmost place in a word where one of them starts (the scheme starts
# at the first letter of the run of scheme characters before "://"). Each pattern below
# either starts only where a run starts (the look-behind) or holds no repeat before a
# literal, so that a long word is read once: "[a-z][a-z0-9+.-]*://" searched on a 100 kB
# word without "://" tries every start and reads to the end each time (quadratic).
_URL_MARKERS = ("://", "www.", "mailto:")
_WORD_WITH_MARKER = re.compile(r"(?<!\S)\S*?(?:://|www\.|mailto:)\S*")
_SCHEME_RUN = re.compile(r"(?<![a-zA-Z0-9+.\-])[a-zA-Z0-9+.\-]*://")
_LETTER = re.compile(r"[a-zA-Z]")


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each URL in plain text, in order, in time linear in its size."""
    if not any(marker in text for marker in _URL_MARKERS):
        return []
    spans = []
    for word in _WORD_WITH_MARKER.finditer(text):
        start = _url_start(text, word.start(), word.end())
        if start is not None:
            spans.append((start, word.end()))
    return spans


def _url_start(text: str, start: int, end: int) -> int | None:
    """Return where the first URL of the word text[start:end] starts, or None."""
    found = [
        at
        for marker in ("www.", "mailto:")
        if (at := text.find(marker, start, end)) != -1 and at + len(marker) < end
    ]
    for run in _SCHEME_RUN.finditer(text, start, end):
        letter = _LETTER.search(text, run.start(), run.end() - 3)
        if letter is not None:
            if run.end() < end:
                found.append(letter.start())
            break
    return min(found, default=None)


_APOSTROPHE_RE = re.compile(r"(?<=\w)'(?=\w)")
# Runs of spaces are matched only from their first space (the look-behind): tried from
# each space of a long run, a run followed by no mark would be read again and again.
_RUN_START = "(?<!" + _SPACES + ")"
_BEFORE_HIGH_RE = re.compile(_RUN_START + _SPACES + r"+(?=[;!?])")
_BEFORE_COLON_RE = re.compile(_RUN_START + _SPACES + r"+(?=:)")
_AFTER_OPENING_RE = re.compile("«" + _SPACES + "*")
_BEFORE_CLOSING_RE = re.compile(_RUN_START + _SPACES + "*»")
_FRENCH_MARKS = frozenset(";!?:«»")


def _typography_piece(text: str, lang: str) -> str:
    if lang != "fr":
        return _APOSTROPHE_RE.sub("\u2019", text)
    # Most pieces hold none of these marks: skip the four substitutions (a render calls
    # this some ten times per journal entry).
    if not _FRENCH_MARKS.isdisjoint(text):
        text = _BEFORE_HIGH_RE.sub(NNBSP, text)
        text = _BEFORE_COLON_RE.sub(NBSP, text)
        text = _AFTER_OPENING_RE.sub("«" + NBSP, text)
        text = _BEFORE_CLOSING_RE.sub(NBSP + "»", text)
    return text.replace("'", "\u2019")


# -- markdown-it -----------------------------------------------------------------------


def _rewrite(state: StateCore) -> None:
    """Shift headings, keep table alignment as ``align``, unwrap unsafe links, typeset."""
    lang = state.env.get("lang")
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrs["align"] = style.partition(":")[2]
        elif token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, lang)


def _rewrite_inline(children: list[Token], lang: str | None) -> list[Token]:
    out: list[Token] = []
    unwrapping = False  # inside a link whose target is refused: keep its text only
    verbatim = False  # inside an autolink: its text is the URL itself
    for token in children:
        if token.type == "link_open":
            verbatim = token.markup in ("autolink", "linkify")
            href = str(token.attrGet("href") or "")
            if len(href) > MAX_ATTRIBUTE or not is_safe_href(href):
                unwrapping = True
                continue
            if len(str(token.attrGet("title") or "")) > MAX_ATTRIBUTE:
                token.attrs.pop("title")
        elif token.type == "link_close":
            verbatim = False
            if unwrapping:
                unwrapping = False
                continue
        elif token.type in ("s_open", "s_close"):
            token.tag = "del"
        elif token.type == "text" and lang and not verbatim:
            token.content = typography(token.content, lang)
        elif token.type == "image" and token.children:
            token.children = _rewrite_inline(token.children, lang)
        out.append(token)
    return out


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Render a Markdown image as its alt text: pictures go through the media fields."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Every link is parsed, then _rewrite decides: a refused link shows its text, not its
    # Markdown source (markdown-it's own check would leave "[x](javascript:…)" in the text).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.core.ruler.push("residence_rewrite", _rewrite)
    md.add_render_rule("image", _render_image)
    return md


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not is_safe_href(value):
        return None
    return value


# nh3 (html5ever underneath) takes time quadratic in the length of one text node that holds
# "&" or no-break spaces (1 MB of U+00A0 in a paragraph: minutes). So every long run of text
# in markdown-it's HTML is cut by empty comments, which nh3 removes: the output is the same,
# made of short text nodes. In markdown-it's HTML a raw ">" only ever closes a tag (text and
# attribute values are escaped), so what follows one up to the next "<" is text.
_TEXT_PIECE = 2048
_LONG_TEXT = re.compile(rf"(?:\A|(?<=>))[^<>]{{{_TEXT_PIECE + 1},}}")


def _cut_long_texts(html: str) -> str:
    """Return markdown-it's HTML with an empty comment every ``_TEXT_PIECE`` characters of
    text (never inside an entity)."""
    if len(html) <= _TEXT_PIECE:
        return html
    return _LONG_TEXT.sub(_cut_text, html)


def _cut_text(match: re.Match[str]) -> str:
    text = match.group()
    pieces: list[str] = []
    start = 0
    while len(text) - start > _TEXT_PIECE:
        end = start + _TEXT_PIECE
        entity = text.rfind("&", end - 10, end)  # an entity is at most 10 characters long
        if entity > start and ";" not in text[entity:end]:
            end = entity
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return "<!---->".join(pieces)


def _sanitize(html: str) -> Markup:
    cleaned = nh3.clean(
        _cut_long_texts(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        tag_attribute_values={
            tag: {name: set(values) for name, values in attrs.items()}
            for tag, attrs in ALLOWED_ATTRIBUTE_VALUES.items()
        },
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Markup(cleaned.strip())


def render_markdown(text: str | None, *, lang: str = "fr") -> Markup:
    """Return the safe HTML of a Markdown field (paragraphs, lists, tables…)."""
    if not text or not text.strip():
        return Markup("")
    return _sanitize(_parser().render(text, {"lang": lang}))


def render_inline(text: str | None, *, lang: str = "fr") -> Markup:
    """Return the safe HTML of a short field: emphasis and links, no paragraph around it."""
    if not text or not text.strip():
        return Markup("")
    return _sanitize(_parser().renderInline(text.strip(), {"lang": lang}))


def to_plain_text(text: str | None, *, lang: str | None = None) -> str:
    """Return the text of a Markdown field without markup (alt text, metadata, JSON-LD).

    Blocks (paragraphs, list items, headings) are separated by a new line; links keep their
    text, images their alt text. With ``lang`` the language's typography is applied.
    """
    if not text or not text.strip():
        return ""
    env: dict[str, Any] = {"lang": lang} if lang else {}
    blocks: list[str] = []
    for token in _parser().parse(text, env):
        if token.type == "inline":
            blocks.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    lines = (re.sub(r"[ \t]+", " ", block).strip() for block in blocks)
    return "\n".join(line for line in lines if line)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(_inline_text(token.children or []))
    return "".join(parts)

"""The one place user text becomes HTML: hostile Markdown must come out harmless."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from residence.render import markdown
from residence.render.markdown import (
    ALLOWED_TAGS,
    NBSP,
    NNBSP,
    is_safe_href,
    render_inline,
    render_markdown,
    to_plain_text,
    typography,
)

ALLOWED = {"a": {"href", "title", "rel"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


class _Collector(HTMLParser):
    """Collect every start tag and its attributes from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _tags(output: str) -> list[tuple[str, dict[str, str]]]:
    collector = _Collector()
    collector.feed(output)
    collector.close()
    return collector.tags


def assert_harmless(output: str) -> None:
    """Every tag and attribute is on the allow-list; every link target is allowed."""
    lowered = output.lower()
    assert "<script" not in lowered
    assert "<style" not in lowered
    assert "<iframe" not in lowered
    assert "<img" not in lowered
    assert "<svg" not in lowered
    for tag_text in re.findall(r"<[^>]*>", lowered):
        unquoted = re.sub(r'"[^"]*"', '""', tag_text)  # values are quoted by the sanitizer
        assert not re.search(r"\son[a-z]+\s*=", unquoted), output
    for tag, attrs in _tags(output):
        assert tag in ALLOWED_TAGS, (tag, output)
        assert set(attrs) <= ALLOWED.get(tag, set()), (tag, attrs, output)
        for name, value in attrs.items():
            squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
            assert "javascript:" not in squeezed
            assert "data:" not in squeezed
            assert "file:" not in squeezed
            if name == "href":
                assert squeezed.startswith(("https:", "mailto:", "#")) or ":" not in squeezed
                assert not squeezed.startswith(("/", "..")) and "../" not in squeezed
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer"
            assert "download" not in attrs


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a rel="attachment" href="file:///etc/passwd" download>passwd</a>',
    "<iframe src=https://evil.example></iframe>",
    '<form action="https://evil.example"><input name=q></form>',
    "<svg onload=alert(1)><circle/></svg>",
    "<style>body{display:none}</style>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<object data="x.swf"></object><embed src="x.swf">',
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](javascript&colon;alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](<java\tscript:alert(1)>)",
    "[clic](java%0Ascript:alert(1))",
    "[clic](javascript%3Aalert(1))",
    "[clic](vbscript:msgbox(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[passwd](file:///etc/passwd)",
    "![passwd](file:///etc/passwd)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://evil.example/x.png "onerror=alert(1)")',
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    "[ref]\n\n[ref]: <javascript:alert(1)> 'title'",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<file:///etc/passwd>",
    "[up](../../private/consent.yaml)",
    "[up](..%2F..%2Fprivate/consent.yaml)",
    "[abs](/etc/passwd)",
    "[host](//evil.example/x)",
    "[back](\\\\evil.example\\share)",
    "[plain](http://example.org)",
    "[x](https://ok.example)<img src=x onerror=alert(1)>",
    "**<img src=x onerror=alert(1)>**",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    '[a](https://ok.example "x\\" onmouseover=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <iframe src=x></iframe>",
    "> <svg onload=alert(1)>\n> [x](javascript:alert(1))",
    "| a | b |\n|---|---|\n| <script>x</script> | [y](javascript:alert(1)) |",
    "<!-- <script>alert(1)</script> -->",
    "<a href='javascript:alert(1)'>[x](javascript:alert(1))</a>",
    "[[x](javascript:alert(1))](javascript:alert(2))",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_render_markdown_neutralises_hostile_input(source: str) -> None:
    output = render_markdown(source)
    assert isinstance(output, Markup)
    assert_harmless(output)
    assert_harmless(render_inline(source))


@pytest.mark.parametrize(
    "source",
    [
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](javascript&#58;alert(1))",
        "[ref][evil]\n\n[evil]: javascript:alert(1)",
        "[passwd](file:///etc/passwd)",
        "![passwd](file:///etc/passwd)",
    ],
)
def test_render_markdown_refused_link_keeps_only_its_text(source: str) -> None:
    output = render_markdown(source)
    assert "<a" not in output
    assert "javascript" not in output.lower()
    assert "file:" not in output
    assert "[" not in output  # the Markdown source of the link does not leak either


def test_render_markdown_autolink_to_javascript_is_not_a_link() -> None:
    output = render_markdown("<javascript:alert(1)>")
    assert "<a" not in output and "href" not in output


def test_render_markdown_escapes_raw_html_as_text() -> None:
    output = render_markdown("Avant <b>gras</b> <script>alert(1)</script>")
    assert "&lt;b&gt;gras&lt;/b&gt;" in output
    assert "&lt;script&gt;" in output


def test_render_markdown_turns_images_into_alt_text() -> None:
    output = render_markdown("Voir ![le hall *vitré*](media/hall.jpg) ici.", lang="en")
    assert output == Markup("<p>Voir le hall vitré ici.</p>")


def test_render_markdown_renders_ordinary_markdown() -> None:
    source = (
        "# Le hall\n\nUn **grand** hall *vitré*, ~~fermé~~ ouvert.\n\n"
        "- premier\n- second\n\n1. un\n2. deux\n\n"
        "> Une citation\n\n"
        'Voir [le site](https://www.example.org/hall "Le hall"), '
        "[la carte](#carte), [la fiche](methods/carte.html) et "
        "[écrire](mailto:equipe@example.org).\n\n"
        "| Lieu | Entrées |\n|:-----|-------:|\n| Hall | 480 |\n\n"
        "`code` et\n\n```\nbloc\n```\n\n---\n"
    )
    output = render_markdown(source, lang="en")
    assert_harmless(output)
    assert "<h3>Le hall</h3>" in output
    assert "<strong>grand</strong>" in output and "<em>vitré</em>" in output
    assert "<del>fermé</del>" in output
    assert "<ul>\n<li>premier</li>" in output and "<ol>" in output
    assert "<blockquote>" in output
    assert (
        '<a href="https://www.example.org/hall" title="Le hall" rel="noopener noreferrer">'
        "le site</a>" in output
    )
    assert '<a href="#carte" rel="noopener noreferrer">la carte</a>' in output
    assert 'href="methods/carte.html"' in output
    assert 'href="mailto:equipe@example.org"' in output
    assert '<th align="left">Lieu</th>' in output and '<td align="right">480</td>' in output
    assert "<code>code</code>" in output and "<pre><code>bloc\n</code></pre>" in output
    assert "<hr>" in output


@pytest.mark.parametrize(("hashes", "tag"), [(1, "h3"), (2, "h4"), (3, "h5"), (4, "h6"), (6, "h6")])
def test_render_markdown_shifts_headings_below_the_report(hashes: int, tag: str) -> None:
    assert render_markdown("#" * hashes + " Titre", lang="en") == Markup(f"<{tag}>Titre</{tag}>")


def test_render_markdown_refuses_http_links() -> None:
    assert render_markdown("[x](http://example.org)") == Markup("<p>x</p>")


def test_render_markdown_empty_input_gives_empty_markup() -> None:
    assert render_markdown(None) == Markup("")
    assert render_markdown("  \n") == Markup("")
    assert render_inline(None) == Markup("")


def test_render_inline_has_no_paragraph() -> None:
    output = render_inline("Le *hall* d'entrée !", lang="fr")
    assert output == Markup(f"Le <em>hall</em> d\u2019entrée{NNBSP}!")


def test_render_inline_ignores_block_syntax() -> None:
    output = render_inline("# pas un titre", lang="en")
    assert "<h" not in output and "<p>" not in output


def test_render_markdown_applies_french_typography_to_text_only() -> None:
    output = render_markdown(
        "L'accueil : « ici » ! Vraiment ? Oui ; `l'eau ? x:y` "
        "[l'aide](https://example.org/l'aide?q=1) https://example.org/l'x ?",
        lang="fr",
    )
    text = html.unescape(str(output))
    assert f"L\u2019accueil{NBSP}: «{NBSP}ici{NBSP}»{NNBSP}! Vraiment{NNBSP}? Oui{NNBSP};" in text
    assert "<code>l'eau ? x:y</code>" in text  # code is never touched
    assert 'href="https://example.org/l\'aide?q=1"' in text  # nor a link target
    assert ">l\u2019aide</a>" in text
    assert "https://example.org/l'x" in text  # nor a URL written in the text


def test_render_markdown_english_keeps_spacing() -> None:
    output = render_markdown("Don't panic : really ?", lang="en")
    assert output == Markup("<p>Don\u2019t panic : really ?</p>")


def test_typography_french_rules() -> None:
    assert typography("Quoi ? Ah ! Bon ; voilà : fin", "fr") == (
        f"Quoi{NNBSP}? Ah{NNBSP}! Bon{NNBSP}; voilà{NBSP}: fin"
    )
    assert typography("«oui»", "fr") == f"«{NBSP}oui{NBSP}»"
    assert typography("« oui »", "fr") == f"«{NBSP}oui{NBSP}»"
    assert typography("l'été", "fr") == "l\u2019été"
    assert typography("RDV à 10:30 ; voir https://a.example/?x=l'y !", "fr") == (
        f"RDV à 10:30{NNBSP}; voir https://a.example/?x=l'y{NNBSP}!"
    )
    assert typography(None, "fr") == ""


def test_typography_is_idempotent() -> None:
    once = typography("L'école : « oui » ! ", "fr")
    assert typography(once, "fr") == once


def test_to_plain_text_drops_markup() -> None:
    source = (
        "# Titre\n\nUn [lien](https://a.example) et ![une photo](x.jpg) **gras**\nsuite\n\n- a\n- b"
    )
    assert to_plain_text(source) == "Titre\nUn lien et une photo gras suite\na\nb"


def test_to_plain_text_keeps_raw_html_as_text() -> None:
    assert to_plain_text("<b>x</b>") == "<b>x</b>"  # callers escape plain text as usual
    assert to_plain_text(None) == ""


def test_to_plain_text_with_language_applies_typography() -> None:
    assert to_plain_text("C'est *oui* !", lang="fr") == f"C\u2019est oui{NNBSP}!"


@pytest.mark.parametrize(
    "url",
    ["https://example.org/x", "mailto:a@example.org", "#notes", "methods/carte.html",
     "journal/2025-01-13.html#top", "photo.jpg?size=2"],
)  # fmt: skip
def test_is_safe_href_accepts_report_links(url: str) -> None:
    assert is_safe_href(url)


@pytest.mark.parametrize(
    "url",
    ["", "http://example.org", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x",
     "javascript%3Aalert(1)", "data:text/html,x", "file:///etc/passwd", "/etc/passwd",
     "//evil.example", "../private/consent.yaml", "a/../../b", "%2e%2e/x", "\\\\share\\x",
     "ftp://example.org", "vbscript:x", "\x00javascript:x"],
)  # fmt: skip
def test_is_safe_href_refuses_everything_else(url: str) -> None:
    assert not is_safe_href(url)


_FRAGMENTS = st.sampled_from(
    [
        "<", ">", "&", "\"", "'", "`", "[", "]", "(", ")", "!", "*", "_", "#", "|", "-", ":",
        "\n", "\n\n", " ", "javascript:", "JaVaScRiPt:", "&#58;", "&#x3A;", "data:", "file:",
        "<script>", "</script>", "<img", " onerror=", "onload=", "<a href=", "<svg", "<iframe",
        "style=", "<form", "alert(1)", "https://ok.example", "](", "![", "<java", "%3A",
        "\\", "/", "..", "  ", "    ", "> ", "1. ", "- ", "|---|", "```",
    ]
)  # fmt: skip
_HOSTILE_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HOSTILE_TEXT)
def test_render_markdown_output_is_always_harmless(source: str) -> None:
    for output in (render_markdown(source), render_inline(source)):
        assert_harmless(output)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_render_markdown_arbitrary_text_is_harmless(source: str) -> None:
    output = render_markdown(source)
    assert_harmless(output)
    assert "javascript:" not in output.lower() or "javascript:" in source.lower()


# -- the same output, in time linear in the text (issue 18; see tests/faults/test_bounded_time)

#: What typography used to find as URLs, with a pattern that read a long word again from
#: each of its letters: the linear scan must find exactly the same.
_URL_REFERENCE = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.\-]*://|www\.|mailto:)\S+")
_URL_PIECES = st.sampled_from(
    ["a", "Z", "1", "+", ".", "-", ":", "/", "://", "www.", "mailto:", " ", "\n", "\u00a0", "é",
     "h", "x'y", "@"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_URL_PIECES, max_size=16).map("".join))
def test_urls_are_found_as_the_pattern_found_them(text: str) -> None:
    assert markdown._url_spans(text) == [m.span() for m in _URL_REFERENCE.finditer(text)]


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("1abc://x", ["abc://x"]),  # a scheme starts with a letter
        ("x+y.z-w://h/p'q", ["x+y.z-w://h/p'q"]),
        ("voir www.a.example/l'x !", ["www.a.example/l'x"]),
        ("axwww.b", ["www.b"]),  # inside a word
        ("abwww.x://y", ["abwww.x://y"]),  # the leftmost start wins
        ("https:// mailto: www.", []),  # nothing after the mark
        ("1://x ://y", []),
    ],
)
def test_urls_in_text(text: str, urls: list[str]) -> None:
    assert [text[a:b] for a, b in markdown._url_spans(text)] == urls


def test_french_spaces_before_marks_in_long_runs_of_spaces() -> None:
    spaces = " \u00a0\t" * 2000
    assert typography(f"a{spaces}b", "fr") == f"a{spaces}b"  # no mark after the run
    assert typography(f"a{spaces}!", "fr") == f"a{NNBSP}!"
    assert typography(f"a{spaces}:", "fr") == f"a{NBSP}:"
    assert typography(f"«{spaces}a{spaces}»", "fr") == f"«{NBSP}a{NBSP}»"


def test_long_text_comes_out_whole_through_the_sanitizer() -> None:
    # nh3 is given the text in pieces (its time grows with the square of one text's length):
    # the pieces join up again, entities and no-break spaces included.
    source = "a&b\u00a0<é>" * 3000 + "c"
    expected = "<p>" + "a&amp;b&nbsp;&lt;é&gt;" * 3000 + "c</p>"
    assert render_markdown(source, lang="en") == Markup(expected)
    assert render_inline(source, lang="en") == Markup(expected[3:-4])
    code = render_markdown("```\n" + "x&y\u00a0" * 3000 + "\n```", lang="en")
    assert code == Markup("<pre><code>" + "x&amp;y&nbsp;" * 3000 + "\n</code></pre>")


def test_a_link_target_or_title_too_long_for_any_browser_is_refused() -> None:
    target = "https://a.example/?" + "q&" * markdown.MAX_ATTRIBUTE
    assert render_markdown(f"[voir]({target})", lang="en") == Markup("<p>voir</p>")
    assert render_markdown(f"<{target}>", lang="en") == Markup(f"<p>{html.escape(target)}</p>")
    title = "t" * (markdown.MAX_ATTRIBUTE + 1)
    assert render_markdown(f'[voir](https://a.example/ "{title}")', lang="en") == Markup(
        '<p><a href="https://a.example/" rel="noopener noreferrer">voir</a></p>'
    )
    fits = "https://a.example/" + "q" * (markdown.MAX_ATTRIBUTE - 18)
    assert f'href="{fits}"' in render_markdown(f"[voir]({fits})", lang="en")

# SPDX-License-Identifier: EUPL-1.2
"""Drawings (SVG) in the public edition: names gated, metadata and editor data dropped.

A drawing that runs, loads or declares anything is refused (``svg_refusal`` in
:mod:`residence.render.images`: scripts, event handlers, links out, CSS that loads or uses
escapes, a DOCTYPE or entities, any processing instruction such as ``<?xml-stylesheet?>``).
Any other drawing is rewritten from its parsed tree, so that what is not in the tree
(comments, unused namespace declarations, the original encoding) is gone, and:

- ``<metadata>`` (RDF: author, rights, sources…) is dropped, and so is every element and
  attribute outside the SVG, XLink and XML namespaces (an editor's own data:
  ``sodipodi:docname`` holds the file name, ``inkscape:export-filename`` a home folder,
  Illustrator's ``i:pgf`` a whole copy of the drawing); so is an element or attribute whose
  own name holds a protected name;
- every text is gated with the gate's own matcher: the words of ``<text>``, ``<tspan>``,
  ``<textPath>``, ``<title>``, ``<desc>``, ``<a>`` and any other element; and a name split
  across nodes (``Sol<tspan>ange</tspan>``) is caught on the text a reader sees: the element
  is then written again as one text;
- every attribute is gated, because any attribute may be read — by a screen reader
  (``aria-label``, ``aria-description``, ``title``, ``xlink:title``), by a search engine or by
  anyone who opens the file (``id``, ``class``, ``data-*``). The ones shown as words get the
  pseudonym; the others (identifiers, references such as ``href="#…"`` and ``url(#…)``,
  style sheets) get its slug, the same in the id and in every reference to it, so that the
  drawing still works;
- an embedded picture (``data:image/…``) is rebuilt from its pixels, like a photo (its
  EXIF, XMP and comments go), and refused if it is a photo of a protected person.

Shapes are not read: a name drawn as outlines, or written in an embedded picture, stays.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree

from residence.gate.media import Cleaning, ForbiddenDigest
from residence.gate.names import _Matcher

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
#: The namespaces of the attributes a published drawing keeps ("": none), and their prefix.
_ATTRIBUTE_PREFIXES = {"": "", SVG: "", XLINK: "xlink:", XML: "xml:"}
#: Attributes shown to a reader as words: a name in them becomes the pseudonym.
_WORD_ATTRIBUTES = frozenset(
    {
        "title",
        "alt",
        "label",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-valuetext",
        "aria-placeholder",
        "aria-braillelabel",
        "aria-brailleroledescription",
    }
)
#: Elements whose words a reader sees together, children included.
_TEXTS = frozenset({"text", "title", "desc", "a"})


class _Refuse(Exception):
    """Stops the cleaning of a drawing that cannot be published (its reason in args[0])."""


def clean_svg(
    data: bytes, matcher: _Matcher, forbidden: ForbiddenDigest = lambda _digest: False
) -> Cleaning:
    """Return a drawing's bytes as the public edition may publish them, or why it may not.

    ``forbidden`` tells whether a sha256 is that of a photo of a protected person.
    """
    from residence.render.images import svg_refusal

    refusal = svg_refusal(data)
    if refusal is not None:
        return Cleaning(None, f"svg-{refusal[0]}")
    try:
        root = ElementTree.fromstring(data)
        _clean_tree(root, _Cleaner(matcher, forbidden))
    except _Refuse as refused:
        return Cleaning(None, str(refused.args[0]))
    except ElementTree.ParseError:
        return Cleaning(None, "svg-unreadable")
    return Cleaning(_serialise(root))


class _Cleaner:
    def __init__(self, matcher: _Matcher, forbidden: ForbiddenDigest) -> None:
        self.matcher = matcher
        self.forbidden = forbidden

    def names(self, text: str) -> bool:
        return bool(self.matcher.found(text))

    def words(self, text: str, slug: bool = False) -> str:
        """Return a text with protected names replaced: by the pseudonym, or by its slug.

        In slug form, what follows a "#" is replaced on its own, as the id it refers to is:
        ``url(#grad-vermeersch)`` and ``href="#grad-vermeersch"`` keep meeting
        ``id="grad-vermeersch"`` once all three are ``grad-personne-a``.
        """
        if not slug or "#" not in text:
            return self.matcher.replace(text, slug=slug)
        found = "#".join(self.matcher.replace(part, slug=True) for part in text.split("#"))
        return self.matcher.replace(found, slug=True)

    def attribute(self, name: str, value: str) -> str:
        if name == "href" and value.lstrip()[:5].lower() == "data:":
            return self.picture(value)
        return self.words(value, slug=name not in _WORD_ATTRIBUTES)

    def picture(self, uri: str) -> str:
        """Return an embedded picture rebuilt from its pixels (as a photo is)."""
        from residence.render.images import MediaRefused, clean_photo

        head, comma, body = uri.strip().partition(",")
        if not comma:
            raise _Refuse("svg-unreadable")
        try:
            if head.lower().endswith(";base64"):
                raw = base64.b64decode("".join(body.split()), validate=True)
            else:
                raw = unquote_to_bytes(body)
        except (binascii.Error, ValueError):
            raise _Refuse("svg-unreadable") from None
        if self.forbidden(hashlib.sha256(raw).hexdigest()):
            raise _Refuse("copy")
        try:
            out, suffix, _, _ = clean_photo(raw, "embedded picture")
        except MediaRefused:
            raise _Refuse("svg-unreadable") from None
        kind = "png" if suffix == ".png" else "jpeg"
        return f"data:image/{kind};base64,{base64.b64encode(out).decode('ascii')}"


def _split(tag: str) -> tuple[str, str]:
    """Return (namespace, local name) of a tag or an attribute name."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _clean_tree(root: ElementTree.Element, cleaner: _Cleaner) -> None:
    namespace = _split(root.tag)[0] if isinstance(root.tag, str) else "?"
    if namespace not in ("", SVG):
        raise _Refuse("svg-unreadable")
    _clean_element(root, cleaner, namespace)
    # A name split across nodes ("Sol<tspan>ange</tspan>") is caught on what a reader sees.
    for element in [e for e in root.iter() if e.tag in _TEXTS]:
        words = "".join(element.itertext())
        if cleaner.names(words):
            for child in list(element):
                element.remove(child)
            element.text = cleaner.words(words)
    if namespace == SVG:
        root.set("xmlns", SVG)
    if any(name.startswith("xlink:") for e in root.iter() for name in e.attrib):
        root.set("xmlns:xlink", XLINK)


def _clean_element(element: ElementTree.Element, cleaner: _Cleaner, namespace: str) -> None:
    """Clean one element's attributes and words, then its children (depth first).

    Tags lose their namespace (``namespace``, the drawing's own: SVG, or none), and the
    root gets it back as its default namespace, so that the drawing is written as drawn.
    """
    element.tag = _split(element.tag)[1]
    for name, value in list(element.attrib.items()):
        space, local = _split(name)
        del element.attrib[name]
        if space not in _ATTRIBUTE_PREFIXES or cleaner.names(local):
            continue  # an editor's data, or an attribute named after a protected person
        element.set(_ATTRIBUTE_PREFIXES[space] + local, cleaner.attribute(local, value))
    if element.text:
        element.text = cleaner.words(element.text, slug=element.tag == "style")
    previous: ElementTree.Element | None = None
    for child in list(element):
        space, tag = _split(child.tag) if isinstance(child.tag, str) else ("?", "")
        if space != namespace or tag == "metadata" or cleaner.names(tag):
            # Dropped with all it holds; the words after it stay where they were.
            if child.tail:
                if previous is None:
                    element.text = (element.text or "") + cleaner.words(child.tail)
                else:
                    previous.tail = (previous.tail or "") + cleaner.words(child.tail)
            element.remove(child)
            continue
        _clean_element(child, cleaner, namespace)
        if child.tail:
            child.tail = cleaner.words(child.tail)
        previous = child


def _serialise(root: ElementTree.Element) -> bytes:
    """Return the cleaned tree as UTF-8 (its tags plain, its namespaces declared on the root)."""
    text = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()

"""Media files for a published report: photos resized and stripped, SVGs checked, PDFs linked.

Every output reads a media file's bytes through :func:`media_bytes`: the copy the privacy gate
cleaned (``Published.media``: drawings and PDFs of a public edition) comes first, and a file is
read only after ``media_path_problem`` said it is inside the residency folder.
Photos are resized to at most ``MAX_WIDTH`` pixels wide, turned upright (EXIF orientation)
and written again from their pixels alone, so that no EXIF, GPS, XMP, ICC profile or comment
of the original reaches a published copy. Results are cached by content hash in
``DIR/.residence/cache/``: a second render reuses them.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal
from xml.etree import ElementTree
from xml.parsers import expat

from residence.check import media_path_problem
from residence.errors import Problem
from residence.fsutil import write_atomic
from residence.gate.media import media_key
from residence.i18n import current_language, messages
from residence.models import Published
from residence.text import format_size, slugify

if TYPE_CHECKING:
    from PIL import Image

_ = messages("problems")

MAX_WIDTH = 1600
MAX_HEIGHT = 2400
MAX_PIXELS = 80_000_000  # larger pictures are refused, not decoded (decompression bombs)
#: A media file larger than this is left out, judged by its size and never read (100 MB).
MAX_FILE_BYTES = 100 * 1024 * 1024
JPEG_QUALITY = 82
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
SVG_SUFFIXES = {".svg"}
PDF_SUFFIXES = {".pdf"}
#: Bump when the processing changes, so that old cache entries are not reused.
PROCESSING_VERSION = "1"

MediaKind = Literal["image", "svg", "pdf"]


@dataclass(frozen=True)
class Asset:
    """One media file as published: where it goes in the output and what it holds."""

    source: str  # the path written in the YAML, relative to the residency folder
    href: str  # path relative to report.html, e.g. assets/media/hall-3f2a9c01.jpg
    kind: MediaKind
    content: bytes | Path  # the published bytes, or the (cache) file that holds them
    width: int | None = None
    height: int | None = None
    size: int = 0  # bytes
    cached: bool = False  # True when the result came from the cache


@dataclass
class MediaSet:
    """The published media of a report, by source path, and what could not be published."""

    assets: dict[str, Asset]
    problems: list[Problem]


def prepare_media(
    source: Published | Path, files: Iterable[str], cache_dir: Path | None = None
) -> MediaSet:
    """Return the published copy of each media file (photos resized, SVGs checked, PDFs linked).

    ``source`` is the published residency: its files are read through :func:`media_bytes`, the
    privacy gate's cleaned copies first. A folder (a ``Path``) stands for raw files as they are,
    for tools and tests that publish no edition. Files that cannot be published are left out,
    with a warning that says why.
    """
    assets: dict[str, Asset] = {}
    problems: list[Problem] = []
    for file in dict.fromkeys(files):
        if file in assets:
            continue
        try:
            asset = _prepare_one(source, file, cache_dir)
        except MediaRefused as refusal:
            problems.append(Problem(file, None, None, "warning", refusal.code, refusal.message))
            continue
        assets[file] = asset
    return MediaSet(assets, problems)


def media_bytes(source: Published | Path, file: str) -> bytes:
    """Return the bytes of a media file as they may be published: the one way outputs read one.

    A published residency's cleaned copy (``Published.media``, made by the privacy gate) is
    preferred over the file. A public edition never falls back on the file of a drawing or a
    PDF, which the gate cleans; photos are read from their file, since :func:`clean_photo`
    rebuilds them from their pixels. Raises :class:`MediaRefused` when the file lies outside
    the folder, is missing or cannot be read.
    """
    if isinstance(source, Published):
        cleaned = source.media.get(media_key(file))
        if cleaned is not None:
            return cleaned
        root = source.root
    else:
        root = source
    problem = media_path_problem(root, file)
    if problem:
        raise MediaRefused(problem[0], f"left out of the report: {problem[1]}")
    if (
        isinstance(source, Published)
        and source.edition == "public"
        and media_kind(file) in ("svg", "pdf")
    ):
        raise MediaRefused(
            "not-cleaned", f"{file}: left out of the report: the privacy gate did not check it"
        )
    path = root / PurePosixPath(file.replace("\\", "/"))
    try:
        with path.open("rb") as handle:
            # Judged by its size before a byte is read: a picture of a gigabyte is never
            # loaded whole (a photo for a report weighs a few megabytes).
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise MediaRefused(
                    "too-large",
                    _(
                        "{file}: left out: it weighs {size}, more than the {limit} a media "
                        "file may weigh; make it smaller",
                        file=file,
                        size=format_size(size, current_language()),
                        limit=format_size(MAX_FILE_BYTES, current_language()),
                    ),
                )
            return handle.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
    except OSError as exc:
        raise MediaRefused(
            "missing-file", f"{file}: cannot be read ({exc.strerror or exc})"
        ) from None


def media_kind(file: str) -> MediaKind | None:
    """Return how a media file is published (image, svg, pdf), or None if it cannot be."""
    suffix = PurePosixPath(file).suffix.lower()
    if suffix in PHOTO_SUFFIXES:
        return "image"
    if suffix in SVG_SUFFIXES:
        return "svg"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return None


class MediaRefused(Exception):
    """A media file that cannot be published: ``code`` and ``message`` make its warning."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _prepare_one(source: Published | Path, file: str, cache_dir: Path | None) -> Asset:
    cleaned = isinstance(source, Published) and media_key(file) in source.media
    root = source.root if isinstance(source, Published) else source
    problem = None if cleaned else media_path_problem(root, file)
    if problem:
        raise MediaRefused(problem[0], f"left out of the report: {problem[1]}")
    kind = media_kind(file)
    if kind is None:
        suffix = PurePosixPath(file).suffix or "no extension"
        raise MediaRefused(
            "media-type",
            f"{file}: left out of the report: '{suffix}' files cannot be shown "
            "(use jpg, png, webp, svg or pdf)",
        )
    data = media_bytes(source, file)
    digest = hashlib.sha256(data).hexdigest()
    stem = slugify(PurePosixPath(file).stem)[:40] or "media"
    if kind == "svg":
        reason = svg_problem(data)
        if reason:
            raise MediaRefused(
                "unsafe-svg",
                f"{file}: left out of the report: {reason}; export the drawing again as PNG",
            )
        width, height = _svg_size(data)
        return Asset(
            file, f"assets/media/{stem}-{digest[:10]}.svg", "svg", data, width, height, len(data)
        )
    if kind == "pdf":
        if not data.startswith(b"%PDF-"):
            raise MediaRefused(
                "bad-media", f"{file}: left out of the report: this is not a PDF file"
            )
        return Asset(
            file, f"assets/media/{stem}-{digest[:10]}.pdf", "pdf", data, None, None, len(data)
        )
    return _prepare_photo(file, data, digest, stem, cache_dir)


def _prepare_photo(file: str, data: bytes, digest: str, stem: str, cache_dir: Path | None) -> Asset:
    key = hashlib.sha256(
        f"{digest}:{MAX_WIDTH}:{MAX_HEIGHT}:{JPEG_QUALITY}:{PROCESSING_VERSION}".encode()
    ).hexdigest()[:32]
    if cache_dir is not None:
        for suffix in (".jpg", ".png"):
            cached = cache_dir / f"{key}{suffix}"
            if cached.is_file():
                size = _image_size(cached)
                if size is not None:
                    return Asset(
                        file,
                        f"assets/media/{stem}-{key[:10]}{suffix}",
                        "image",
                        cached,
                        size[0],
                        size[1],
                        cached.stat().st_size,
                        cached=True,
                    )
    out, suffix, width, height = clean_photo(data, file)
    content: bytes | Path = out
    if cache_dir is not None:
        target = cache_dir / f"{key}{suffix}"
        try:
            write_atomic(target, out)
        except OSError:
            pass  # a read-only folder: render without a cache
        else:
            content = target
    return Asset(
        file, f"assets/media/{stem}-{key[:10]}{suffix}", "image", content, width, height, len(out)
    )


def clean_photo(data: bytes, name: str = "image") -> tuple[bytes, str, int, int]:
    """Return (bytes, suffix, width, height) of a photo made upright, resized and stripped.

    The picture is rebuilt from its pixels alone: EXIF (GPS included), XMP, IPTC, ICC
    profiles (after conversion to sRGB) and comments of the original are all dropped.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise MediaRefused(
                    "bad-media",
                    f"{name}: left out of the report: the picture is too large "
                    f"({image.width} by {image.height} pixels)",
                )
            image.load()
    except MediaRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRefused(
            "bad-media", f"{name}: left out of the report: this is not a picture this tool can read"
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaRefused(
            "bad-media", f"{name}: left out of the report: the picture is damaged ({exc})"
        ) from None
    image = ImageOps.exif_transpose(image) or image
    image = _to_srgb(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    if image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
        image.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    if has_alpha:
        clean.save(buffer, "PNG", optimize=True)
        suffix = ".png"
    else:
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        suffix = ".jpg"
    return buffer.getvalue(), suffix, clean.width, clean.height


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert a picture with an embedded colour profile to sRGB, so colours survive stripping."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except Exception:  # a broken profile: keep the pixels as they are
        return image
    return converted if converted is not None else image


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError):
        return None


# -- SVG -------------------------------------------------------------------------------------

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_FORBIDDEN_TAGS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "handler",
    "listener",
}
_ANIMATION_TAGS = {"set", "animate", "animatetransform", "animatemotion"}


#: What makes a drawing unsafe: a script (or anything that runs), something that loads
#: other files or sites, markup a drawing has no use for (a DOCTYPE, entities, processing
#: instructions), or a file that is not a readable SVG drawing.
SvgRisk = Literal["script", "loads", "markup", "unreadable"]


def svg_problem(data: bytes) -> str | None:
    """Return why an SVG file is unsafe to publish, or None if it is a plain drawing.

    Refused: scripts, event handlers, foreignObject, links or references to other files or
    sites, style sheets that import anything or use CSS escapes, DTDs (entity expansion
    attacks) and processing instructions (``<?xml-stylesheet?>`` loads a style sheet).
    """
    refusal = svg_refusal(data)
    return refusal[1] if refusal else None


def svg_refusal(data: bytes) -> tuple[SvgRisk, str] | None:
    """Return (what kind of risk, why) when an SVG file is unsafe to publish, else None."""
    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in head:
        return "markup", "it declares a DOCTYPE or entities"
    markup = _markup_refusal(data)
    if markup:
        return markup
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "unreadable", "it is not a readable SVG file"
    if _local(root.tag) != "svg":
        return "unreadable", "it is not an SVG drawing"
    for element in root.iter():
        tag = _local(element.tag).lower()
        if tag in _FORBIDDEN_TAGS:
            return "script", f"it contains a <{_local(element.tag)}> element"
        for name, value in element.attrib.items():
            attr = _local(name).lower()
            if attr.startswith("on"):
                return "script", f"it contains an event handler ({_local(name)})"
            if name == _XLINK_HREF or attr == "href":
                if not _local_reference(value):
                    return "loads", f"it refers to another file or site ({value[:60]})"
            if tag in _ANIMATION_TAGS and attr == "attributename" and "href" in value.lower():
                return "script", "it animates a link"
            if attr == "style" and _unsafe_css(value):
                return "loads", "its styles refer to other files or sites"
        if tag == "style" and _unsafe_css(element.text or ""):
            return "loads", "its style sheet imports other files or sites"
    return None


class _Markup(Exception):
    """Raised from the XML parser's handlers to stop at the first unwanted declaration."""


def _markup_refusal(data: bytes) -> tuple[SvgRisk, str] | None:
    """Return why a drawing's XML declarations are refused: a DOCTYPE, an entity, a PI.

    Read by the XML parser itself, so that no encoding (UTF-16, say) hides them from a byte
    search. The XML declaration (``<?xml version…?>``) is not a processing instruction.
    """
    parser = expat.ParserCreate()

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Markup("loads", "it loads a style sheet (<?xml-stylesheet?>)")
        raise _Markup("markup", f"it holds a processing instruction (<?{target[:30]}?>)")

    def doctype(*_args: object) -> None:
        raise _Markup("markup", "it declares a DOCTYPE or entities")

    parser.ProcessingInstructionHandler = instruction
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _Markup as found:
        return found.args[0], found.args[1]
    except (expat.ExpatError, ValueError):
        return "unreadable", "it is not a readable SVG file"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _local_reference(value: str) -> bool:
    value = value.strip()
    if value.startswith("#"):
        return True
    lowered = value.lower()
    return lowered.startswith(
        ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
    )


#: CSS functions whose string arguments are addresses to load (url("…") is a token of its own).
_CSS_LOADERS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"})


def _unsafe_css(text: str) -> bool:
    """Return True when CSS may load anything but a fragment or an embedded picture.

    Read with tinycss2's tokenizer, so that comments, quoting and case cannot hide an
    ``@import`` or a ``url()``. CSS escapes (``\\75 rl(``, ``@\\69mport``) are refused
    outright: a drawing has no use for them, and they are how a scanner is fooled.
    """
    import tinycss2

    if "\\" in text:
        return True
    return _unsafe_tokens(tinycss2.parse_component_value_list(text, skip_comments=True))


def _unsafe_tokens(tokens: Iterable[object], loader: bool = False) -> bool:
    for token in tokens:
        kind = getattr(token, "type", "")
        if kind == "at-keyword" and getattr(token, "lower_value", "") in {"import", "namespace"}:
            return True
        if kind == "url" and not _local_reference(getattr(token, "value", "")):
            return True
        if kind == "string" and loader and not _local_reference(getattr(token, "value", "")):
            return True
        if kind == "function":
            name = getattr(token, "lower_name", "")
            if name == "expression" or _unsafe_tokens(
                getattr(token, "arguments", []), loader or name in _CSS_LOADERS
            ):
                return True
        elif kind in {"() block", "[] block", "{} block"} and _unsafe_tokens(
            getattr(token, "content", []), loader
        ):
            return True
    return False


def _svg_size(data: bytes) -> tuple[int | None, int | None]:
    """Return the drawing's width and height in pixels, from width/height or the viewBox."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None, None
    number = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
    width, height = root.get("width", ""), root.get("height", "")
    w_match, h_match = number.match(width), number.match(height)
    if w_match and h_match:
        return round(float(w_match.group(1))), round(float(h_match.group(1)))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None, None
    return None, None

"""Media files for a published report: photos resized and stripped, SVGs checked, PDFs linked.

Every file is read only after ``media_path_problem`` said it is inside the residency folder.
Photos are resized to at most ``MAX_WIDTH`` pixels wide, turned upright (EXIF orientation)
and written again from their pixels alone, so that no EXIF, GPS, XMP, ICC profile or comment
of the original reaches a published copy. Results are cached by content hash in
``DIR/.residence/cache/``: a second render reuses them.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal
from xml.etree import ElementTree

from residence.check import media_path_problem
from residence.errors import Problem
from residence.fsutil import write_atomic
from residence.text import slugify

if TYPE_CHECKING:
    from PIL import Image

MAX_WIDTH = 1600
MAX_HEIGHT = 2400
MAX_PIXELS = 80_000_000  # larger pictures are refused, not decoded (decompression bombs)
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


def prepare_media(root: Path, files: Iterable[str], cache_dir: Path | None = None) -> MediaSet:
    """Return the published copy of each media file (photos resized, SVGs checked, PDFs linked).

    Files that cannot be published are left out, with a warning that says why.
    """
    assets: dict[str, Asset] = {}
    problems: list[Problem] = []
    for file in dict.fromkeys(files):
        if file in assets:
            continue
        try:
            asset = _prepare_one(root, file, cache_dir)
        except _Refused as refusal:
            problems.append(Problem(file, None, None, "warning", refusal.code, refusal.message))
            continue
        assets[file] = asset
    return MediaSet(assets, problems)


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


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _prepare_one(root: Path, file: str, cache_dir: Path | None) -> Asset:
    problem = media_path_problem(root, file)
    if problem:
        raise _Refused(problem[0], f"left out of the report: {problem[1]}")
    kind = media_kind(file)
    if kind is None:
        suffix = PurePosixPath(file).suffix or "no extension"
        raise _Refused(
            "media-type",
            f"{file}: left out of the report: '{suffix}' files cannot be shown "
            "(use jpg, png, webp, svg or pdf)",
        )
    path = root / PurePosixPath(file.replace("\\", "/"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Refused("missing-file", f"{file}: cannot be read ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    stem = slugify(PurePosixPath(file).stem)[:40] or "media"
    if kind == "svg":
        reason = svg_problem(data)
        if reason:
            raise _Refused(
                "unsafe-svg",
                f"{file}: left out of the report: {reason}; export the drawing again as PNG",
            )
        width, height = _svg_size(data)
        return Asset(
            file, f"assets/media/{stem}-{digest[:10]}.svg", "svg", data, width, height, len(data)
        )
    if kind == "pdf":
        if not data.startswith(b"%PDF-"):
            raise _Refused("bad-media", f"{file}: left out of the report: this is not a PDF file")
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
                raise _Refused(
                    "bad-media",
                    f"{name}: left out of the report: the picture is too large "
                    f"({image.width} by {image.height} pixels)",
                )
            image.load()
    except _Refused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(
            "bad-media", f"{name}: left out of the report: this is not a picture this tool can read"
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise _Refused(
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


def svg_problem(data: bytes) -> str | None:
    """Return why an SVG file is unsafe to publish, or None if it is a plain drawing.

    Refused: scripts, event handlers, foreignObject, links or references to other files or
    sites, style sheets that import anything, and DTDs (entity expansion attacks).
    """
    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in head:
        return "it declares a DOCTYPE or entities"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "it is not a readable SVG file"
    if _local(root.tag) != "svg":
        return "it is not an SVG drawing"
    for element in root.iter():
        tag = _local(element.tag).lower()
        if tag in _FORBIDDEN_TAGS:
            return f"it contains a <{_local(element.tag)}> element"
        for name, value in element.attrib.items():
            attr = _local(name).lower()
            if attr.startswith("on"):
                return f"it contains an event handler ({_local(name)})"
            if name == _XLINK_HREF or attr == "href":
                if not _local_reference(value):
                    return f"it refers to another file or site ({value[:60]})"
            if tag in _ANIMATION_TAGS and attr == "attributename" and "href" in value.lower():
                return "it animates a link"
            if attr == "style" and _unsafe_css(value):
                return "its styles refer to other files or sites"
        if tag == "style" and _unsafe_css(element.text or ""):
            return "its style sheet imports other files or sites"
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

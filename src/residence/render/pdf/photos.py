"""The report's photos sized for print (JPEG, at most ``PRINT_MAX_PX``), cached by content."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from residence.fsutil import write_atomic

#: The longest side of a photo in the PDF: 1300 px is 220 dpi across the whole text width
#: (150 mm), 300 dpi at 11 cm; photos printed smaller are brought down to 300 dpi by
#: WeasyPrint. A hundred phone photos (grainy ones: about 235 kB each) then keep even a
#: 1,500-entry report (4 MB of text) under 30 MB.
PRINT_MAX_PX = 1300
PRINT_JPEG_QUALITY = 72
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def _print_photo(data: bytes, cache_dir: Path | None) -> bytes | Path:
    """Return a photo sized for print (JPEG, at most PRINT_MAX_PX), cached by content.

    A photo in the cache is returned as its file, read when the PDF needs it: a hundred
    photos are not held in memory for the whole render.
    """
    digest = hashlib.sha256(data).hexdigest()[:32]
    name = f"{digest}-{PRINT_MAX_PX}-{PRINT_JPEG_QUALITY}.jpg"
    cached = cache_dir / "print" / name if cache_dir is not None else None
    if cached is not None and _usable_cache_file(cached):
        return cached
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= PRINT_MAX_PX and image.format == "JPEG":
            return data
        if image.mode in ("RGBA", "LA", "P") or image.format == "PNG":
            return data  # drawings and transparency: kept as they are (lossless)
        image.thumbnail((PRINT_MAX_PX, PRINT_MAX_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.convert("RGB").save(
            out, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True, progressive=False
        )
    result = out.getvalue()
    if cached is not None:
        try:
            write_atomic(cached, result)
            return cached
        except OSError:
            pass
    return result


def _usable_cache_file(path: Path) -> bool:
    """True for a regular, readable, non-empty file of our own: not a symbolic link (which
    could point out of the folder), not an empty file left by a copy or a sync tool."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size > 0 and os.access(path, os.R_OK)


def print_photos(
    virtual: Mapping[Path, bytes | Path], cache_dir: Path | None
) -> dict[Path, bytes | Path]:
    """Return the files of a render with the report's photos sized for print."""
    ready: dict[Path, bytes | Path] = {}
    for path, content in virtual.items():
        if path.parent.name == "media" and path.suffix.lower() in PHOTO_SUFFIXES:
            try:
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                ready[path] = _print_photo(data, cache_dir)
                continue
            except Exception:  # an unreadable picture: WeasyPrint will say so
                pass
        ready[path] = content
    return ready

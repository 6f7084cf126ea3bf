"""The report's fonts made ready for print: WOFF2 decompressed once (and cached), spaces added."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

from residence.fsutil import write_atomic

#: Bump when the fonts are prepared differently, so that old cached fonts are not reused.
FONT_VERSION = "3"
NARROW_NBSP = 0x202F
_FONTS: dict[str, bytes] = {}  # sha256 of a WOFF2 file -> its TrueType bytes (this process)


def _decompressed(data: bytes, cache_dir: Path | None) -> bytes:
    """Return the TrueType bytes of a WOFF2 font, decompressed once and cached.

    WeasyPrint decompresses WOFF2 fonts in pure Python at every render (a quarter of a second
    per font file); the report ships sixteen. The result is kept for the process and, when
    ``cache_dir`` is writable, on disk for the next run.
    """
    from fontTools.ttLib import woff2

    digest = hashlib.sha256(data).hexdigest()
    if digest in _FONTS:
        return _FONTS[digest]
    name = f"{digest[:32]}-{FONT_VERSION}.ttf"
    cached = cache_dir / "fonts" / name if cache_dir is not None else None
    if cached is not None:
        try:
            font = cached.read_bytes()
        except OSError:
            pass
        else:
            if font[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                _FONTS[digest] = font
                return font
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(data), out)
    font = _with_spaces(out.getvalue())
    _FONTS[digest] = font
    if cached is not None:
        try:
            write_atomic(cached, font)
        except OSError:
            pass  # a read-only folder: keep it in memory only
    return font


def _with_spaces(font: bytes) -> bytes:
    """Return a TrueType font that draws the spaces a French text puts around its marks.

    - U+202F, the narrow no-break space, which French typography puts before ; ! ? and the
      shipped fonts lack: without it, each one is drawn from whatever font the machine has
      (and that font is embedded), so the PDF would differ from one machine to the next. It
      is given the thin space's glyph, or the no-break space's.
    - The space and the no-break space, in the symbols font (Noto Sans Math's arrows and
      circles), which has none: a space next to an arrow or a bullet is sometimes drawn
      from the same font as the mark (a nested list's "◦ ", "→ " at the end of a line),
      and came out as an empty box. It is given an empty glyph a quarter of an em wide.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    tt = TTFont(io.BytesIO(font))
    cmap = tt.getBestCmap() or {}
    added: dict[int, str] = {}
    if 0x20 not in cmap and "glyf" in tt and "hmtx" in tt:
        name = "space" if "space" not in tt.getGlyphOrder() else "space.residence"
        tt.setGlyphOrder([*tt.getGlyphOrder(), name])
        tt["glyf"][name] = Glyph()  # no contour: nothing drawn
        tt["hmtx"][name] = (tt["head"].unitsPerEm // 4, 0)
        added = {0x20: name, 0xA0: name}
    glyph = cmap.get(0x2009) or cmap.get(0x00A0) or added.get(0xA0)
    if NARROW_NBSP not in cmap and glyph is not None:
        added[NARROW_NBSP] = glyph
    if not added:
        return font
    for table in tt["cmap"].tables:
        if table.isUnicode():
            for code, name in added.items():
                table.cmap.setdefault(code, name)
    out = io.BytesIO()
    tt.save(out)
    return out.getvalue()


def print_ready(
    virtual: Mapping[Path, bytes | Path], cache_dir: Path | None
) -> dict[Path, bytes | Path]:
    """Return the files of a render with every WOFF2 font replaced by its TrueType bytes."""
    ready: dict[Path, bytes | Path] = {}
    for path, content in virtual.items():
        if path.suffix == ".woff2":
            try:
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                if data[:4] == b"wOF2":
                    ready[path] = _decompressed(data, cache_dir)
                    continue
            except Exception:  # a damaged font: let WeasyPrint try (and warn)
                pass
        ready[path] = content
    return ready

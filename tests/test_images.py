"""Published media: photos resized, upright and stripped; SVGs checked; PDFs linked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms

from residence.render.images import (
    MAX_WIDTH,
    MediaRefused,
    clean_photo,
    prepare_media,
    svg_problem,
    svg_refusal,
)


def _photo_with_metadata(path: Path, size: tuple[int, int] = (3200, 1800)) -> Path:
    """Write a JPEG with EXIF (orientation 6, GPS, camera), XMP, an ICC profile and a comment."""
    image = Image.new("RGB", size, (200, 60, 40))
    # A dark band on the left edge tells where the picture's top ends up once rotated.
    image.paste((10, 10, 10), (0, 0, 200, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: rotate 90° clockwise to show
    exif[ExifTags.Base.Make] = "CameraMaker"
    exif[ExifTags.Base.Model] = "Secret Model 3000"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif, icc_profile=icc, comment=b"taken at home", xmp=xmp)
    return path


def test_photo_with_metadata_fixture_has_gps(tmp_path: Path) -> None:
    path = _photo_with_metadata(tmp_path / "media" / "hall.jpg")
    with Image.open(path) as image:
        exif = image.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert exif[ExifTags.Base.Orientation] == 6
        assert "icc_profile" in image.info


def test_prepare_media_resizes_rotates_and_strips_metadata(tmp_path: Path) -> None:
    _photo_with_metadata(tmp_path / "media" / "hall.jpg")
    media = prepare_media(tmp_path, ["media/hall.jpg"], tmp_path / ".residence" / "cache")
    assert media.problems == []
    asset = media.assets["media/hall.jpg"]
    assert asset.kind == "image"
    assert asset.href.startswith("assets/media/hall-") and asset.href.endswith(".jpg")
    data = asset.content.read_bytes() if isinstance(asset.content, Path) else asset.content
    with Image.open(io.BytesIO(data)) as image:
        # Orientation applied: the 3200 x 1800 landscape stored sideways is a portrait.
        assert image.height > image.width
        assert image.width <= MAX_WIDTH
        assert (image.width, image.height) == (asset.width, asset.height)
        exif = image.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"):
            assert key not in image.info
        # The dark band, on the left of the stored picture, is now at the top.
        assert image.getpixel((image.width // 2, 5))[0] < 60
        assert image.getpixel((image.width // 2, image.height - 5))[0] > 150
    assert b"Secret Model" not in data and b"CameraMaker" not in data
    assert b"taken at home" not in data


def test_prepare_media_reuses_the_cache(tmp_path: Path) -> None:
    _photo_with_metadata(tmp_path / "media" / "hall.jpg", (2000, 1000))
    cache = tmp_path / ".residence" / "cache"
    first = prepare_media(tmp_path, ["media/hall.jpg"], cache).assets["media/hall.jpg"]
    assert not first.cached
    cached = list(cache.iterdir())
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    second = prepare_media(tmp_path, ["media/hall.jpg"], cache).assets["media/hall.jpg"]
    assert second.cached
    assert second.content == cached[0]
    assert second.href == first.href
    assert list(cache.iterdir()) == cached
    assert cached[0].stat().st_mtime_ns == stamp


def test_prepare_media_cache_follows_the_content(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = _photo_with_metadata(tmp_path / "media" / "hall.jpg", (800, 600))
    first = prepare_media(tmp_path, ["media/hall.jpg"], cache).assets["media/hall.jpg"]
    Image.new("RGB", (800, 600), "blue").save(path)
    second = prepare_media(tmp_path, ["media/hall.jpg"], cache).assets["media/hall.jpg"]
    assert not second.cached
    assert second.href != first.href
    assert len(list(cache.iterdir())) == 2


def test_prepare_media_without_cache_keeps_bytes(tmp_path: Path) -> None:
    _photo_with_metadata(tmp_path / "media" / "hall.jpg", (400, 300))
    asset = prepare_media(tmp_path, ["media/hall.jpg"], None).assets["media/hall.jpg"]
    assert isinstance(asset.content, bytes)
    assert not (tmp_path / ".residence").exists()


def test_prepare_media_small_png_with_transparency_stays_png(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(tmp_path / "media" / "logo.png")
    asset = prepare_media(tmp_path, ["media/logo.png"]).assets["media/logo.png"]
    assert asset.href.endswith(".png")
    assert (asset.width, asset.height) == (300, 200)


def test_clean_photo_refuses_a_damaged_file() -> None:
    with pytest.raises(MediaRefused, match="not a picture"):
        clean_photo(b"\xff\xd8\xff not really a jpeg", "media/broken.jpg")


def test_prepare_media_warns_and_skips_bad_files(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "broken.jpg").write_bytes(b"not a picture")
    (tmp_path / "media" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "media" / "fake.pdf").write_bytes(b"hello")
    media = prepare_media(
        tmp_path, ["media/broken.jpg", "media/notes.docx", "media/fake.pdf", "media/missing.png"]
    )
    assert media.assets == {}
    codes = sorted(p.code for p in media.problems)
    assert codes == ["bad-media", "bad-media", "media-type", "missing-file"]
    assert all(p.severity == "warning" for p in media.problems)


def test_prepare_media_never_reads_outside_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "residency"
    (root / "media").mkdir(parents=True)
    secret = _photo_with_metadata(tmp_path / "secret.jpg", (100, 100))
    (root / "media" / "link.jpg").symlink_to(secret)
    media = prepare_media(root, ["media/link.jpg", "../secret.jpg", str(secret)])
    assert media.assets == {}
    assert {p.code for p in media.problems} == {"outside"}


def test_prepare_media_links_pdfs_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "plan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    asset = prepare_media(tmp_path, ["media/plan.pdf"]).assets["media/plan.pdf"]
    assert asset.kind == "pdf"
    assert asset.href.startswith("assets/media/plan-") and asset.href.endswith(".pdf")
    assert asset.content == b"%PDF-1.4\n%%EOF\n"


SAFE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="120" height="80"><defs><circle id="c" r="4"/></defs>'
    b'<use xlink:href="#c" x="10" y="10"/><rect width="10" height="10" style="fill:red"/></svg>'
)


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignObject"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="https://example.org/x.png"/></svg>',
            "another file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">x</a></svg>',
            "another file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="../../etc/passwd"/></svg>',
            "another file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
            "style",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/y)"/></svg>',
            "styles",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>/* a */@IMPORT "x.css";</style></svg>',
            "style",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>r{fill:\\75 rl(http://x)}</style>'
            b"</svg>",
            "style",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:URL( \'//x/y\' )"/></svg>',
            "styles",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>r{background:image-set('
            b'"https://x/y.png" 1x)}</style></svg>',
            "style",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "DOCTYPE",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
            b'to="javascript:alert(1)"/></a></svg>',
            "animates a link",
        ),
        (
            b'<?xml version="1.0"?><?xml-stylesheet type="text/css" href="https://x/y.css"?>'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "<?xml-stylesheet?>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><g><?xml-stylesheet href="y.css"?></g></svg>',
            "<?xml-stylesheet?>",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><?php echo 1; ?></svg>', "<?php?>"),
        (
            # A UTF-16 file hides its DOCTYPE from a search of the bytes.
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'.encode("utf-16"),
            "DOCTYPE",
        ),
        (b"<html><body>not svg</body></html>", "not an SVG"),
        (b"<svg", "not a readable"),
    ],
)
def test_svg_problem_refuses_unsafe_drawings(svg: bytes, reason: str) -> None:
    problem = svg_problem(svg)
    assert problem is not None
    assert reason in problem


def test_svg_problem_accepts_a_plain_drawing() -> None:
    assert svg_problem(SAFE_SVG) is None
    assert svg_problem(b'<?xml version="1.0" encoding="UTF-8"?>\n' + SAFE_SVG) is None


@pytest.mark.parametrize(
    ("svg", "risk"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="x.png"/></svg>', "loads"),
        (b'<?xml-stylesheet href="a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', "loads"),
        (b'<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>', "markup"),
        (b"<svg><unclosed></svg>", "unreadable"),
    ],
)
def test_svg_refusal_says_what_kind_of_risk(svg: bytes, risk: str) -> None:
    refusal = svg_refusal(svg)
    assert refusal is not None and refusal[0] == risk


def test_prepare_media_copies_safe_svgs_and_refuses_unsafe_ones(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "plan.svg").write_bytes(SAFE_SVG)
    (tmp_path / "media" / "evil.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    media = prepare_media(tmp_path, ["media/plan.svg", "media/evil.svg"])
    assert list(media.assets) == ["media/plan.svg"]
    plan = media.assets["media/plan.svg"]
    assert plan.content == SAFE_SVG
    assert (plan.width, plan.height) == (120, 80)
    assert [p.code for p in media.problems] == ["unsafe-svg"]
    assert media.problems[0].path == "media/evil.svg"


def test_a_huge_media_file_is_judged_by_its_size_never_read(tmp_path: Path) -> None:
    """A gigabyte in media/ is left out with a plain problem, without being read."""
    from residence.render import images

    media = tmp_path / "media"
    media.mkdir()
    with (media / "panorama.jpg").open("wb") as handle:
        handle.truncate(images.MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(images.MediaRefused) as refused:
        images.media_bytes(tmp_path, "media/panorama.jpg")
    assert "left out: it weighs" in str(refused.value)
    prepared = images.prepare_media(tmp_path, ["media/panorama.jpg"])
    assert prepared.assets == {} and prepared.problems

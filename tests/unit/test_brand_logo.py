"""An uploaded logo: PNG, JPEG or WebP only, size-limited, re-encoded without metadata."""

import io

import pytest
from PIL import Image, PngImagePlugin

from surveys.brand import clean_logo
from surveys.kernel.errors import ValidationError


def png(size=(120, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (34, 97, 122, 255)).save(out, format="PNG", **save)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_logo(data)
    return caught.value.fields["logo"]


def test_a_real_png_is_taken_and_re_encoded_as_png():
    logo = clean_logo(png())

    assert logo.content_type == "image/png"
    assert len(logo.sha256) == 64
    assert Image.open(io.BytesIO(logo.data)).size == (120, 40)


def test_text_chunks_and_bytes_appended_to_a_png_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    data = png(pnginfo=info) + b"<?php system($_GET['c']); ?>"

    logo = clean_logo(data)

    assert b"script" not in logo.data and b"php" not in logo.data
    assert Image.open(io.BytesIO(logo.data)).info.get("Comment") is None


def test_exif_of_a_jpeg_is_dropped():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(out, format="JPEG", exif=exif.tobytes())
    assert b"secret description" in out.getvalue()

    logo = clean_logo(out.getvalue())

    assert logo.content_type == "image/jpeg"
    assert b"secret description" not in logo.data
    assert not Image.open(io.BytesIO(logo.data)).getexif()


def test_webp_is_taken():
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, format="WEBP")
    assert clean_logo(out.getvalue()).content_type == "image/webp"


def test_a_text_file_named_png_is_refused():
    assert "not an image" in refusal(b"just some text, saved as logo.png\n")


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "not an image" in refusal(svg)


def test_a_gif_is_refused():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    assert "PNG, JPEG or WebP" in refusal(out.getvalue())


def test_a_file_over_512_kb_is_refused():
    assert "at most 512 KB" in refusal(png() + b"\0" * (512 * 1024))


def test_an_image_over_1024_px_a_side_is_refused():
    assert "1025×10 px" in refusal(png(size=(1025, 10)))


def test_a_truncated_png_is_refused():
    assert "not an image" in refusal(png()[:60])

"""An uploaded logo, checked and re-encoded before it is stored.

Only PNG, JPEG and WebP are taken (no SVG: it can carry scripts), up to MAX_BYTES and
MAX_SIDE pixels a side. The image is decoded and written again by Pillow, so what Kaiku serves
holds pixels only: no EXIF, no comments, nothing appended after the image data.
"""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from surveys.kernel.errors import ValidationError

MAX_BYTES = 512 * 1024
MAX_SIDE = 1024
# Pillow format → (content type, file extension).
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
EXTENSIONS = {ext: content_type for content_type, ext in FORMATS.values()}


@dataclass(frozen=True)
class CleanLogo:
    data: bytes
    content_type: str
    sha256: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, fields={"logo": message})


def clean_logo(data: bytes) -> CleanLogo:
    """The logo in ``data`` re-encoded in its own format, without metadata.

    :raises ValidationError: too big, not an image, not PNG/JPEG/WebP, or over MAX_SIDE a side.
    """
    if len(data) > MAX_BYTES:
        raise _refuse(f"The logo is {len(data) // 1024} KB; it can be at most 512 KB.")
    try:
        image = Image.open(io.BytesIO(data))
        kind = image.format
        if kind not in FORMATS:
            raise _refuse("The logo must be a PNG, JPEG or WebP image (not SVG or GIF).")
        # The size is in the header: check it before decoding any pixels.
        if max(image.size) > MAX_SIDE:
            width, height = image.size
            raise _refuse(f"The logo is {width}×{height} px; it can be at most 1024×1024 px.")
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _refuse("This file is not an image Kaiku can read (PNG, JPEG or WebP).") from None
    return CleanLogo(*_reencode(image, kind))


def _reencode(image: Image.Image, kind: str) -> tuple[bytes, str, str]:
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif kind != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # A fresh image from the pixels alone: no info dict, no EXIF, no ICC, no text chunks.
    bare = Image.new(image.mode, image.size)
    if image.mode == "P":
        bare.putpalette(image.getpalette() or [])
        if "transparency" in image.info:
            bare.info["transparency"] = image.info["transparency"]
    bare.paste(image)
    out = io.BytesIO()
    options = {"quality": 90} if kind in ("JPEG", "WEBP") else {"optimize": True}
    bare.save(out, format=kind, **options)
    data = out.getvalue()
    return data, FORMATS[kind][0], hashlib.sha256(data).hexdigest()

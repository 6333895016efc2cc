"""Profile photos: check an upload is really a small enough image, then re-encode it.

An upload is judged by its content, never its name or declared type: Pillow must recognise
it as JPEG, PNG or WebP and verify it. Dimensions are checked from the header before any
pixel is decoded (so a "decompression bomb" is refused cheaply). The image is then turned
upright, shrunk to fit 512×512 and saved afresh as WebP, which drops EXIF and any other
metadata (camera, GPS position) along the way.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from maillage.core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
MAX_SIDE = 512
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
OUTPUT_FORMAT, OUTPUT_EXTENSION = "WEBP", "webp"


def photo_prepare(upload, *, field: str = "photo") -> ContentFile:
    """The upload as a small, clean WebP file ready for storage; `DomainError` if refused."""
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise DomainError(_("The file is empty."), field=field)
    if size > MAX_BYTES:
        raise DomainError(
            _("This image is too large (%(size)s MB); the maximum is %(max)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": MAX_BYTES // 1024 // 1024},
            field=field,
        )
    data = _read(upload)
    not_an_image = DomainError(
        _("This file is not a JPEG, PNG or WebP image. Choose a photo in one of these formats."),
        field=field,
    )
    too_many_pixels = DomainError(
        _("This image has too many pixels; the maximum is %(max)s megapixels.")
        % {"max": MAX_PIXELS // 1_000_000},
        field=field,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise too_many_pixels
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, OUTPUT_FORMAT, quality=85, method=4)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{OUTPUT_EXTENSION}")


def _read(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # the declared size lied
        raise DomainError(_("This image is too large."), field="photo")
    return data


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
